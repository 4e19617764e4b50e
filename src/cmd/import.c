/* import.c: gazette import — articles from Markdown files, WordPress and
 * Blogger exports. */
#include <getopt.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "import/import.h"
#include "util/buf.h"

int
cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct import_opts  io = { 0 };
	struct import_stats stats;
	struct buf	    err = BUF_INIT, report = BUF_INIT;
	const char	   *db = NULL;
	struct store	   *st;
	int		    c, rc = 1;

	while ((c = getopt_long(argc, argv, "hn", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'n':
			io.dry_run = true;
			break;
		case 'h':
			return cmd_usage("import", true);
		default:
			return cmd_usage("import", false);
		}
	}
	if (optind == argc)
		return cmd_usage("import", false);
	if ((st = cmd_open("import", cmd_db_url(db), true)) == NULL)
		return 1;
	io.now = (int64_t)time(NULL);
	io.progress = isatty(2);
	io.report = &report;
	if (!import_files(st, argv + optind, (size_t)(argc - optind), &io,
		&stats, &err)) {
		cmd_err("import", "%s", buf_str(&err));
		goto out;
	}
	if (io.dry_run) {
		/* The report is the product of a dry run: on stdout. */
		printf("dry run, nothing written\n"
		       "articles: %zu (pages among them: %zu)\n"
		       "tags: %zu\nauthors: %zu\ncomments: %zu (stored: %zu)\n"
		       "old links: %zu\ndropped: %zu\n%s",
		    stats.articles, stats.pages, stats.tags, stats.authors,
		    stats.comments, stats.comments_stored, stats.redirects,
		    stats.drops, buf_str(&report));
		fprintf(stderr,
		    "gazette: import: dry run, nothing written: "
		    "would import %zu article%s\n",
		    stats.articles, stats.articles == 1 ? "" : "s");
	} else {
		fputs(buf_str(&report), stderr);
		fprintf(stderr, "gazette: import: imported %zu article%s",
		    stats.articles, stats.articles == 1 ? "" : "s");
		if (stats.comments || stats.redirects || stats.drops)
			fprintf(stderr,
			    ", %zu of %zu comments, %zu old "
			    "links; %zu dropped",
			    stats.comments_stored, stats.comments,
			    stats.redirects, stats.drops);
		fputc('\n', stderr);
	}
	rc = 0;
out:
	buf_free(&err);
	buf_free(&report);
	store_close(st);
	return rc;
}
