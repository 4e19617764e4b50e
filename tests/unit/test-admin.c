/* test-admin.c: the ACL table for every role × action × ownership, the
 * article rule on top of it, the line diff, and the sign-in rate
 * limiter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "admin/admin.h"
#include "util/arena.h"
#include "util/buf.h"

/* What each role may do: N never, O own only, A always. Written out again
 * here, independently of acl.c, so a change to the rules shows up twice. */
static const struct {
	enum user_role role;
	const char    *grants; /* one letter per enum acl_action */
} want[] = {
	/* One column per action. */
	/* clang-format off */
	/*			  list view new edit live pub del cmt usr set */
	{ ROLE_ADMIN,		"A" "A" "A" "A" "A" "A" "A" "A" "A" "A" },
	{ ROLE_EDITOR,		"A" "A" "A" "A" "A" "A" "A" "A" "N" "N" },
	{ ROLE_AUTHOR,		"N" "O" "A" "O" "N" "N" "O" "N" "N" "N" },
	/* clang-format on */
};

static void
test_acl(void)
{
	size_t i;
	int    a, own;

	T_EQ_INT(sizeof(want) / sizeof(want[0]), ROLE__MAX);
	for (i = 0; i < ROLE__MAX; i++) {
		T_EQ_INT(strlen(want[i].grants), ACL__MAX);
		for (a = 0; a < ACL__MAX; a++)
			for (own = 0; own <= 1; own++) {
				char g = want[i].grants[a];
				bool exp = g == 'A' || (g == 'O' && own);

				T_CHECK(acl_allows(want[i].role,
					    (enum acl_action)a, own) == exp,
				    "%s %s (own %d): want %d",
				    user_role_name(want[i].role),
				    acl_action_name((enum acl_action)a), own,
				    exp);
			}
	}
	T_TRUE(!acl_allows((enum user_role)ROLE__MAX, ACL_ARTICLE_VIEW, true));
	T_TRUE(!acl_allows(ROLE_ADMIN, (enum acl_action)ACL__MAX, true));
	T_TRUE(!acl_allows((enum user_role) - 1, ACL_ARTICLE_VIEW, true));
}

/* The one rule for articles, which the admin pages and the API both ask:
 * live articles (published, scheduled) are the editors'. */
static void
test_acl_article(void)
{
	enum {
		D = ARTICLE_DRAFT,
		P = ARTICLE_PUBLISHED,
		S = ARTICLE_SCHEDULED,
		OK = ACL__MAX
	};
	static const struct {
		enum user_role	role;
		bool		own;
		int		status; /* of the stored one */
		enum acl_action action;
		int		want;	 /* status to save */
		int		refused; /* OK: allowed */
	} rows[] = {
		{ ROLE_AUTHOR, true, D, ACL_ARTICLE_VIEW, D, OK },
		{ ROLE_AUTHOR, true, P, ACL_ARTICLE_VIEW, P, OK },
		{ ROLE_AUTHOR, false, D, ACL_ARTICLE_VIEW, D,
		    ACL_ARTICLE_VIEW },
		{ ROLE_AUTHOR, true, D, ACL_ARTICLE_EDIT, D, OK },
		{ ROLE_AUTHOR, true, D, ACL_ARTICLE_EDIT, P,
		    ACL_ARTICLE_PUBLISH },
		{ ROLE_AUTHOR, true, D, ACL_ARTICLE_EDIT, S,
		    ACL_ARTICLE_PUBLISH },
		{ ROLE_AUTHOR, true, P, ACL_ARTICLE_EDIT, P,
		    ACL_ARTICLE_EDIT_LIVE },
		{ ROLE_AUTHOR, true, P, ACL_ARTICLE_EDIT, D,
		    ACL_ARTICLE_EDIT_LIVE }, /* unpublishing */
		{ ROLE_AUTHOR, true, S, ACL_ARTICLE_EDIT, S,
		    ACL_ARTICLE_EDIT_LIVE },
		{ ROLE_AUTHOR, false, D, ACL_ARTICLE_EDIT, D,
		    ACL_ARTICLE_EDIT },
		{ ROLE_AUTHOR, true, D, ACL_ARTICLE_DELETE, D, OK },
		{ ROLE_AUTHOR, true, P, ACL_ARTICLE_DELETE, P,
		    ACL_ARTICLE_EDIT_LIVE },
		{ ROLE_AUTHOR, true, S, ACL_ARTICLE_DELETE, S,
		    ACL_ARTICLE_EDIT_LIVE },
		{ ROLE_AUTHOR, false, D, ACL_ARTICLE_DELETE, D,
		    ACL_ARTICLE_DELETE },
		{ ROLE_EDITOR, false, P, ACL_ARTICLE_EDIT, D, OK },
		{ ROLE_EDITOR, false, D, ACL_ARTICLE_EDIT, P, OK },
		{ ROLE_EDITOR, false, S, ACL_ARTICLE_DELETE, S, OK },
		{ ROLE_ADMIN, false, P, ACL_ARTICLE_EDIT, P, OK },
	};
	struct user    u = { 0 };
	struct article a = { 0 };
	size_t	       i;

	u.id = 7;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		u.role = rows[i].role;
		a.author_id = rows[i].own ? 7 : 8;
		a.status = (enum article_status)rows[i].status;
		T_CHECK((int)acl_article_refused(&u, rows[i].action, &a,
			    (enum article_status)rows[i].want) ==
			rows[i].refused,
		    "row %zu: %s %s: want %d", i, user_role_name(u.role),
		    acl_action_name(rows[i].action), rows[i].refused);
	}
	/* New articles: anyone may start a draft, only editors publish. */
	u.role = ROLE_AUTHOR;
	T_EQ_INT(acl_article_refused(&u, ACL_ARTICLE_CREATE, NULL,
		     ARTICLE_DRAFT),
	    ACL__MAX);
	T_EQ_INT(acl_article_refused(&u, ACL_ARTICLE_CREATE, NULL,
		     ARTICLE_SCHEDULED),
	    ACL_ARTICLE_PUBLISH);
	u.role = ROLE_EDITOR;
	T_EQ_INT(acl_article_refused(&u, ACL_ARTICLE_CREATE, NULL,
		     ARTICLE_PUBLISHED),
	    ACL__MAX);
	/* An imported article (no owner) is nobody's, not user 0's. */
	u.role = ROLE_AUTHOR;
	u.id = 0;
	a.author_id = 0;
	a.status = ARTICLE_DRAFT;
	T_EQ_INT(acl_article_refused(&u, ACL_ARTICLE_EDIT, &a, ARTICLE_DRAFT),
	    ACL_ARTICLE_EDIT);
	/* Nothing to act on is a refusal, never a crash. */
	T_EQ_INT(acl_article_refused(&u, ACL_ARTICLE_EDIT, NULL, ARTICLE_DRAFT),
	    ACL_ARTICLE_EDIT);
	T_EQ_INT(acl_article_refused(NULL, ACL_ARTICLE_VIEW, &a, ARTICLE_DRAFT),
	    ACL_ARTICLE_VIEW);
}

/* The diff as "-a +b  c" text. */
static const char *
diff_text(struct arena *ar, const char *a, const char *b, bool *full)
{
	static const char mark[] = " -+";
	struct diff_line *d;
	struct buf	  out = BUF_INIT;
	const char	 *s;
	size_t		  n, i;

	*full = diff_lines(ar, a, b, &d, &n);
	for (i = 0; i < n; i++)
		buf_printf(&out, "%c%s|", mark[d[i].op], d[i].text);
	s = arena_strndup(ar, buf_str(&out), out.len);
	buf_free(&out);
	return s;
}

static void
test_diff(void)
{
	static const struct {
		const char *a, *b, *want;
	} rows[] = {
		{ "", "", "" },
		{ "a\nb\nc", "a\nb\nc", " a| b| c|" },
		{ "a\nb\nc", "a\nc", " a|-b| c|" },
		{ "a\nc", "a\nb\nc", " a|+b| c|" },
		{ "a\nb\nc\n", "a\nB\nc\n", " a|-b|+B| c|" },
		{ "x\ny", "p\nq", "-x|-y|+p|+q|" },
		{ "a\r\nb\r\n", "a\nb", " a| b|" },
		{ "", "new", "+new|" },
		{ "old\n", "", "-old|" },
		{ "a\nb\nc\nd", "b\na\nd\nc", "-a| b|-c|+a| d|+c|" },
	};
	struct arena ar;
	size_t	     i;
	bool	     full;

	arena_init(&ar);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		T_EQ_STR(diff_text(&ar, rows[i].a, rows[i].b, &full),
		    rows[i].want);
	arena_free(&ar);
}

/* Past the cell bound the middle comes out whole, still a correct diff. */
static void
test_diff_bound(void)
{
	struct buf	  a = BUF_INIT, b = BUF_INIT;
	struct diff_line *d;
	struct arena	  ar;
	size_t		  n, i, dels = 0, adds = 0;
	bool		  full;

	arena_init(&ar);
	buf_puts(&a, "head\n");
	buf_puts(&b, "head\n");
	for (i = 0; i < 2100; i++) {
		buf_printf(&a, "old %zu\n", i);
		buf_printf(&b, "new %zu\n", i);
	}
	buf_puts(&a, "tail");
	buf_puts(&b, "tail");
	full = diff_lines(&ar, buf_str(&a), buf_str(&b), &d, &n);
	T_TRUE(!full);
	for (i = 0; i < n; i++) {
		dels += d[i].op == DIFF_DEL;
		adds += d[i].op == DIFF_ADD;
	}
	T_EQ_INT(dels, 2100);
	T_EQ_INT(adds, 2100);
	T_EQ_STR(d[0].text, "head");
	T_EQ_STR(d[n - 1].text, "tail");
	buf_free(&a);
	buf_free(&b);
	arena_free(&ar);
}

static void
test_ratelimit(void)
{
	int i;

	for (i = 0; i < LOGIN_MAX_FAILS - 1; i++)
		login_limit_fail("10.0.0.1", "Zoe", 1000 + i);
	T_EQ_INT(login_limit_wait("10.0.0.2", "zoe", 1100), 0);
	login_limit_fail("10.0.0.3", "ZOE", 1100);
	T_EQ_INT(login_limit_wait("10.0.0.2", "zoe", 1100), LOGIN_LOCK_S);
	T_EQ_INT(login_limit_wait("10.0.0.2", "zoe", 1100 + LOGIN_LOCK_S), 0);
	/* The address made 9 failures, not 10. */
	T_EQ_INT(login_limit_wait("10.0.0.1", "other", 1100), 0);
	login_limit_fail("10.0.0.1", "other", 1101);
	T_EQ_INT(login_limit_wait("10.0.0.1", "anyone", 1101), LOGIN_LOCK_S);
	/* A success clears the account. */
	for (i = 0; i < LOGIN_MAX_FAILS - 1; i++)
		login_limit_fail("10.0.1.1", "yan", 5000);
	login_limit_success("YAN");
	login_limit_fail("10.0.1.2", "yan", 5001);
	T_EQ_INT(login_limit_wait("10.0.1.3", "yan", 5001), 0);
	/* Failures far apart are not in a row. */
	for (i = 0; i < LOGIN_MAX_FAILS - 1; i++)
		login_limit_fail("10.0.2.1", "xi", 9000);
	login_limit_fail("10.0.2.2", "xi", 9000 + LOGIN_LOCK_S + 1);
	T_EQ_INT(login_limit_wait("10.0.2.3", "xi", 9000 + LOGIN_LOCK_S + 1),
	    0);
	/* A flood of names stays within the table. */
	for (i = 0; i < 20000; i++) {
		char name[32];

		snprintf(name, sizeof(name), "n%d", i);
		login_limit_fail("10.9.9.9", name, 20000 + i);
	}
	T_TRUE(login_limit_wait("10.9.9.9", "x", 40000) > 0);
}

/* An address counts by its limit key: an IPv6 /64 is one address, an
 * IPv4-mapped one is its IPv4 address. */
static void
test_ratelimit_v6(void)
{
	char addr[64], name[32];
	int  i;

	for (i = 0; i < LOGIN_MAX_FAILS; i++) {
		snprintf(addr, sizeof(addr), "2001:db8:7:7::%x", i + 1);
		snprintf(name, sizeof(name), "v6-%d", i);
		login_limit_fail(addr, name, 60000);
	}
	T_EQ_INT(login_limit_wait("2001:db8:7:7:ffff::1", "v6-new", 60000),
	    LOGIN_LOCK_S);
	T_EQ_INT(login_limit_wait("2001:db8:7:8::1", "v6-new", 60000), 0);
	for (i = 0; i < LOGIN_MAX_FAILS; i++) {
		snprintf(name, sizeof(name), "v4m-%d", i);
		login_limit_fail(i % 2 ? "::ffff:10.7.7.7" : "10.7.7.7", name,
		    60000);
	}
	T_EQ_INT(login_limit_wait("10.7.7.7", "v4m-new", 60000), LOGIN_LOCK_S);
	T_EQ_INT(login_limit_wait("10.7.7.8", "v4m-new", 60000), 0);
}

int
main(void)
{
	T_RUN(test_acl);
	T_RUN(test_acl_article);
	T_RUN(test_diff);
	T_RUN(test_diff_bound);
	T_RUN(test_ratelimit);
	T_RUN(test_ratelimit_v6);
	T_DONE("admin");
}
