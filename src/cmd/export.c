/* export.c: gazette export — everything out as WXR or Markdown. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "import/import.h"
#include "util/arena.h"
#include "util/buf.h"

int
cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct export_stats stats;
	struct buf	    err = BUF_INIT;
	struct arena	    a;
	const char	   *db = NULL, *format = "wxr", *base = NULL, *env;
	struct store	   *st = NULL;
	bool		    ok;
	int		    c, rc = 1;

	arena_init(&a);
	while ((c = getopt_long(argc, argv, "hf:", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'b':
			base = optarg;
			break;
		case 'h':
			return cmd_usage("export", true);
		default:
			return cmd_usage("export", false);
		}
	}
	if (optind != argc - 1)
		return cmd_usage("export", false);
	if (strcmp(format, "wxr") != 0 && strcmp(format, "markdown") != 0) {
		cmd_err("export", "format '%s' is not wxr or markdown", format);
		return EXIT_USAGE;
	}
	if ((st = cmd_open("export", cmd_db_url(db), false)) == NULL)
		goto out;
	if (base == NULL && (env = getenv("GAZETTE_BASE_URL")) && *env)
		base = env;
	if (base == NULL &&
	    store_setting_get(st, &a, "base_url", &base) != STORE_OK)
		base = NULL;
	if (base == NULL || *base == '\0')
		base = "http://127.0.0.1:8080";
	if (strcmp(format, "wxr") == 0)
		ok = export_wxr(st, argv[optind], base, &stats, &err);
	else
		ok = export_markdown(st, argv[optind], &stats, &err);
	if (!ok) {
		cmd_err("export", "%s", buf_str(&err));
		goto out;
	}
	fprintf(stderr,
	    "gazette: export: %zu article%s and %zu comment%s to "
	    "%s (%s)\n",
	    stats.articles, stats.articles == 1 ? "" : "s", stats.comments,
	    stats.comments == 1 ? "" : "s", argv[optind], format);
	rc = 0;
out:
	buf_free(&err);
	arena_free(&a);
	store_close(st);
	return rc;
}
