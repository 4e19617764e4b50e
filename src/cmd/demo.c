/* demo.c: gazette demo — a site holding the seed article. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "import/import.h"
#include "render/markdown.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

extern const char demo_article[];

/* A short discussion under the seed article, so the demo shows threads:
 * each entry replies to the one parent places it under (-1: none). */
static const struct {
	int	    parent;
	const char *author, *url, *body;
} demo_comments[] = {
	{ -1, "Aigerim", "",
	    "The offer came within days of the unrest. Does anyone know "
	    "whether the *CSTO* troops had already left by then?" },
	{ 0, "Daniyar", "https://example.org/",
	    "They began withdrawing on 13 January, so the offer overlapped "
	    "with the end of the mission." },
	{ 1, "Aigerim", "", "Thanks, that matches what I read." },
	{ -1, "Mei", "",
	    "Worth reading next to the *Global Times* coverage:\n\n"
	    "> security cooperation\n\nis doing a lot of work in that "
	    "phrase." },
};

static bool
demo_add_comments(struct store *st, int64_t now)
{
	struct article art;
	struct arena   a;
	struct buf     html = BUF_INIT;
	struct comment c,
	    made[sizeof(demo_comments) / sizeof(demo_comments[0])];
	size_t i;
	bool   ok = false;

	arena_init(&a);
	if (store_article_by_slug(st, &a,
		"china-offers-kazakhstan-security-cooperation", &art) !=
	    STORE_OK)
		goto out;
	if (store_begin(st) != STORE_OK)
		goto out;
	for (i = 0; i < sizeof(demo_comments) / sizeof(demo_comments[0]); i++) {
		memset(&c, 0, sizeof(c));
		buf_reset(&html);
		md_render(&html, demo_comments[i].body,
		    strlen(demo_comments[i].body), MD_COMMENT);
		c.article_id = art.id;
		if (demo_comments[i].parent >= 0) {
			c.parent_id = made[demo_comments[i].parent].id;
			c.thread_id = made[demo_comments[i].parent].thread_id;
			c.depth = made[demo_comments[i].parent].depth + 1;
		}
		c.author = demo_comments[i].author;
		c.email = "";
		c.url = demo_comments[i].url;
		c.body_md = demo_comments[i].body;
		c.body_html = buf_str(&html);
		c.status = COMMENT_APPROVED;
		c.created_at = c.updated_at = now -
		    3600 *
			(int64_t)(sizeof(demo_comments) /
				sizeof(demo_comments[0]) -
			    i);
		if (store_comment_insert(st, &c) != STORE_OK) {
			store_rollback(st);
			goto out;
		}
		made[i] = c;
	}
	ok = store_commit(st) == STORE_OK;
out:
	buf_free(&html);
	arena_free(&a);
	return ok;
}

int
cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct import_opts io = { 0 };
	struct buf	   err = BUF_INIT;
	const char	  *db = NULL;
	struct store	  *st;
	char		   shown[256];
	int64_t		   count;
	int		   c, rc = 1;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'h':
			return cmd_usage("demo", true);
		default:
			return cmd_usage("demo", false);
		}
	}
	if (optind != argc)
		return cmd_usage("demo", false);
	db = cmd_db_url(db);
	store_url_printable(db, shown, sizeof(shown));
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
		    shown);
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
	if (!demo_add_comments(st, io.now)) {
		cmd_err("demo", "cannot add the demo comments: %s",
		    store_errmsg(st));
		goto out;
	}
	fprintf(stderr, "gazette: demo: %s holds the demo site\n", shown);
	rc = 0;
out:
	buf_free(&err);
	store_close(st);
	return rc;
}
