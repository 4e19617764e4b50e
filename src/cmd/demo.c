/* demo.c: gazette demo — a site holding the seed article. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "import/import.h"
#include "store/store.h"
#include "util/buf.h"

extern const char demo_article[];

int
cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct import_opts io = { 0 };
	struct buf err = BUF_INIT;
	const char *db = NULL;
	struct store *st;
	int64_t count;
	int c, rc = 1;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'h': return cmd_usage("demo", true);
		default: return cmd_usage("demo", false);
		}
	}
	if (optind != argc)
		return cmd_usage("demo", false);
	db = cmd_db_url(db);
	{
		/* init first: it also makes the site's secrets. */
		char *iargv[] = { "init", "--db", (char *)db, NULL };

		optind = 1;
		if ((rc = cmd_init(3, iargv)) != 0)
			return rc;
		rc = 1;
	}
	if ((st = cmd_open("demo", db, true)) == NULL)
		return 1;
	if (store_article_count(st, false, 0, &count) != STORE_OK) {
		cmd_err("demo", "%s", store_errmsg(st));
		goto out;
	}
	if (count > 0) {
		cmd_err("demo", "%s already holds articles; give a new --db",
		    db);
		goto out;
	}
	/* The seed goes through the importer like any author's file, so the
	 * demo shows exactly what an import makes. */
	io.now = (int64_t)time(NULL);
	if (!import_memory(st, "demo article", demo_article,
	    strlen(demo_article), &io, &err)) {
		cmd_err("demo", "%s", buf_str(&err));
		goto out;
	}
	fprintf(stderr, "gazette: demo: %s holds the demo site\n", db);
	rc = 0;
out:
	buf_free(&err);
	store_close(st);
	return rc;
}
