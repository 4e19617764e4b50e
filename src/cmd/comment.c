/* comment.c: gazette comment — list and moderate comments from the shell. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "comment/comment.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

/* One line of a listing: tabs separate fields, so control characters in
 * what readers wrote (tabs included) are shown as spaces. */
static void
put_field(const char *s, size_t max)
{
	size_t i, n = strlen(s);

	if (max && n > max) {
		/* Cut at a character boundary. */
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++)
		putchar((unsigned char)s[i] < 0x20 ? ' ' : s[i]);
	if (n < strlen(s))
		fputs("…", stdout);
}

static int
list(struct store *st, int status, int64_t article)
{
	struct comment_list l;
	struct arena	    a;
	size_t		    i;
	int		    rc = 0;

	arena_init(&a);
	if (store_comment_list(st, &a, status, article, 1000, &l) != STORE_OK) {
		cmd_err("comment", "%s", store_errmsg(st));
		rc = 1;
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		const struct comment *c = &l.items[i];

		printf("%lld\t%s\t%lld\t%lld\t", (long long)c->id,
		    comment_status_name(c->status), (long long)c->article_id,
		    (long long)c->parent_id);
		put_field(c->author, 0);
		putchar('\t');
		put_field(c->email, 0);
		putchar('\t');
		put_field(c->body_md, 60);
		putchar('\n');
	}
out:
	arena_free(&a);
	return rc;
}

int
cmd_comment(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "status", required_argument, NULL, 's' },
		{ "article", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum comment_status to;
	const char	   *db = NULL, *status = NULL, *article = NULL, *verb;
	struct store	   *st = NULL;
	int64_t		    id, art = 0;
	int		    c, i, rc = 1, want = -1;
	enum store_err	    e;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 's':
			status = optarg;
			break;
		case 'a':
			article = optarg;
			break;
		case 'h':
			return cmd_usage("comment", true);
		default:
			return cmd_usage("comment", false);
		}
	}
	if (optind >= argc)
		return cmd_usage("comment", false);
	verb = argv[optind++];
	if (strcmp(verb, "list") == 0) {
		if (optind != argc)
			return cmd_usage("comment", false);
		if (status && !comment_status_parse(status, &to)) {
			cmd_err("comment",
			    "--status '%s' is not pending, "
			    "approved, spam or deleted",
			    status);
			return EXIT_USAGE;
		}
		if (status)
			want = (int)to;
		if (article &&
		    !parse_int(article, strlen(article), 1, INT64_MAX, &art)) {
			cmd_err("comment", "--article '%s' is not an id",
			    article);
			return EXIT_USAGE;
		}
		if ((st = cmd_open("comment", cmd_db_url(db), false)) == NULL)
			return 1;
		rc = list(st, want, art);
		goto out;
	}
	if (strcmp(verb, "approve") == 0)
		to = COMMENT_APPROVED;
	else if (strcmp(verb, "spam") == 0)
		to = COMMENT_SPAM;
	else if (strcmp(verb, "delete") == 0)
		to = COMMENT_DELETED;
	else if (strcmp(verb, "hold") == 0)
		to = COMMENT_PENDING;
	else {
		cmd_err("comment", "unknown action '%s'", verb);
		return EXIT_USAGE;
	}
	if (optind == argc)
		return cmd_usage("comment", false);
	for (i = optind; i < argc; i++)
		if (!parse_int(argv[i], strlen(argv[i]), 1, INT64_MAX, &id)) {
			cmd_err("comment", "'%s' is not a comment id", argv[i]);
			return EXIT_USAGE;
		}
	if ((st = cmd_open("comment", cmd_db_url(db), false)) == NULL)
		return 1;
	rc = 0;
	for (i = optind; i < argc; i++) {
		parse_int(argv[i], strlen(argv[i]), 1, INT64_MAX, &id);
		e = comment_moderate(st, id, to, (int64_t)time(NULL));
		if (e == STORE_NOTFOUND) {
			cmd_err("comment", "no comment %lld", (long long)id);
			rc = 1;
		} else if (e != STORE_OK) {
			cmd_err("comment", "%lld: %s", (long long)id,
			    store_errmsg(st));
			rc = 1;
		}
	}
out:
	store_close(st);
	return rc;
}
