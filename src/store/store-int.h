/* store-int.h: what the storage drivers implement; private to src/store/.
 *
 * Domain code in store.c speaks only in numbered statements (enum stmt) with
 * typed parameters and reads rows through a callback. Each driver keeps its
 * own SQL text for every statement in a table indexed by enum stmt, and a
 * static assert in each driver proves its table is full, so adding a
 * statement without writing it for every backend does not compile. */
#ifndef GAZETTE_STORE_INT_H
#define GAZETTE_STORE_INT_H

#include "store/store.h"

struct buf;
struct search_query;

enum stmt {
	ST_MIGRATION_VERSION = 0,
	ST_MIGRATION_RECORD,
	ST_MIGRATION_APPLIED,
	ST_SETTING_GET,
	ST_SETTING_SET,
	ST_ARTICLE_INSERT,
	ST_ARTICLE_BY_SLUG,
	ST_ARTICLE_LIST,
	ST_ARTICLE_LIST_TAG,
	ST_ARTICLE_COUNT_PUBLIC,
	ST_ARTICLE_COUNT_ALL,
	ST_ARTICLE_TAGS,
	ST_TAG_UPSERT,
	ST_ARTICLE_TAG_ADD,
	ST_TAG_LIST,
	ST_TAG_BY_SLUG,
	ST_USER_ADD,
	ST_USER_BY_NAME,
	ST_USER_BY_ID,
	ST_USER_LIST,
	ST_USER_SET_PASSWORD,
	ST_USER_REMOVE,
	ST_USER_COUNT_ROLE,
	ST_TOKEN_ADD,
	ST_TOKEN_USER,
	ST_TOKEN_REVOKE,
	ST_TOKEN_LIST,
	ST_SESSION_ADD,
	ST_SESSION_GET,
	ST_SESSION_TOUCH,
	ST_SESSION_DELETE,
	ST_SESSION_PURGE,
	ST_ARTICLE_BY_ID,
	ST_ARTICLE_UPDATE,
	ST_ARTICLE_TAGS_CLEAR,
	ST_ARTICLE_DELETE,
	ST_REVISION_ADD,
	ST_REVISION_LIST,
	ST_REVISION_GET,
	ST_COMMENT_INSERT,
	ST_COMMENT_SET_THREAD,
	ST_COMMENT_GET,
	ST_COMMENT_THREAD_IDS,
	ST_COMMENT_THREAD_ITEMS,
	ST_COMMENT_RECENT,
	ST_COMMENT_LIST,
	ST_COMMENT_SET_STATUS,
	ST_COMMENTER_TRUSTED,	      /* whether commenter ?1 is trusted */
	ST_COMMENTER_TRUST,	      /* comment ?1's commenter, at time ?2 */
	ST_COMMENTER_DISTRUST,	      /* comment ?1's commenter no longer */
	ST_ARTICLE_COMMENTS_UNTHREAD, /* article ?1's parent_id := NULL */
	ST_ARTICLE_COMMENT_RECOUNT,
	ST_ARTICLE_COMMENT_ADD,
	ST_CHECK_ARTICLE_TAGS,	 /* article_tags rows without article or tag */
	ST_CHECK_COMMENT_PARENT, /* replies filed under another article */
	ST_CHECK_COMMENT_COUNT,	 /* articles.comment_count out of step */
	ST_SEARCH,		 /* ?1 the driver's search_expr */
	ST_SEARCH_SET_TEXT,	 /* body_text of article ?1 := ?2 */
	ST_SEARCH_BACKFILL,	 /* articles whose body_text is missing:
				 * id, body_md, body_format */
	ST_ARTICLE_EACH_PUBLIC,
	ST_ARTICLE_ADMIN_LIST,
	ST_ARTICLE_STATUS_COUNT,
	ST_USER_SET_ROLE,
	ST_REDIRECT_ADD,
	ST_REDIRECT_GET,
	ST_REDIRECT_LIST,
	ST_ARTICLE_ALL,
	ST_COMMENT_ARTICLE_PAGE, /* one article's, by id, keyset */
	ST_COMMENT_EDIT,
	ST_COMMENT_SET_UPDATED,
	ST_ARTICLE_NEXT_PUBLIC, /* the soonest published_at after ?1 */
	ST_COMMENT_QUEUE,	/* moderation queue page, with the article */
	ST_COMMENT_COUNT_STATUS,
	ST_COMMENT_TRAINED_GET,
	ST_COMMENT_TRAINED_SET,
	ST_SPAM_TOTALS_GET,
	ST_SPAM_TOTALS_ADD, /* upsert of the one row, id 1 */
	ST_SPAM_TOKENS_GET, /* SPAM_BATCH tokens at once, NULL padded */
	ST_SPAM_TOKEN_ADD,  /* upsert, counts floored at 0 */
	/* Schema bookkeeping without writing (store_schema_version). */
	ST_MIGRATION_TABLE_EXISTS,
	/* Whole-site copy and digest (store-copy.c): one dump (every column,
	 * by primary key) and one load statement per table, in the same
	 * column order on every backend. */
	ST_SITE_ROWS,
	ST_USERS_DUMP,
	ST_USERS_LOAD,
	ST_ARTICLES_DUMP,
	ST_ARTICLES_LOAD,
	ST_TAGS_DUMP,
	ST_TAGS_LOAD,
	ST_ARTICLE_TAGS_DUMP,
	ST_ARTICLE_TAGS_LOAD,
	ST_COMMENTS_DUMP,
	ST_COMMENTS_LOAD,
	ST_SETTINGS_DUMP,
	ST_SETTINGS_LOAD,
	ST_COPY_DEFER_FKS,
	ST_COPY_RESET_IDS,
	ST_SESSIONS_DUMP,
	ST_SESSIONS_LOAD,
	ST_API_TOKENS_DUMP,
	ST_API_TOKENS_LOAD,
	ST_REVISIONS_DUMP,
	ST_REVISIONS_LOAD,
	ST_REDIRECTS_DUMP,
	ST_REDIRECTS_LOAD,
	ST_COPY_TAGS_TEXT, /* after a copy: tags_text from the tags */
	ST_SPAM_TOKENS_DUMP,
	ST_SPAM_TOKENS_LOAD,
	ST_SPAM_TOTALS_DUMP,
	ST_SPAM_TOTALS_LOAD,
	ST_TRUSTED_COMMENTERS_DUMP,
	ST_TRUSTED_COMMENTERS_LOAD,
	ST_ARTICLE_LIST_PUBLIC,
	ST_ARTICLE_LIST_TAG_PUBLIC,
	ST_ARTICLE_LIST_AUTHOR_PUBLIC,
	ST_ARTICLE_LIST_AUTHOR_SLUG_PUBLIC, /* an author's page, by ?13 */
	ST_AUTHOR_SLUG_MISSING, /* ?1 bylines after ?2 without a slug */
	ST_AUTHOR_SLUG_SET,	/* author_slug := ?2 where author = ?1 */
	ST_ARTICLE_NEXT_ID,	/* the id the next article gets */
	ST_TAG_ID,		/* id of the tag with slug ?1 */
	ST_TAG_PRUNE,		/* tag ?1 deleted if no article links it */
	ST_SESSION_DELETE_USER, /* every session of user ?1 */
	ST_TOKEN_REVOKE_USER,	/* every live token of user ?1, at ?2 */
	ST__MAX
};

/* Tokens ST_SPAM_TOKENS_GET looks up in one statement (parameters ?1 ..
 * ?SPAM_BATCH; unused ones are NULL, which matches nothing). */
#define SPAM_BATCH 32

/* Columns of an article row as every article query returns them (id …
 * body_format; see ARTICLE_COLS in the drivers): store_row_article reads
 * these, and a query may add its own columns after them. */
#define ARTICLE_NCOLS 16

enum sval_type {
	SV_NULL = 0,
	SV_INT,
	SV_TEXT,
	SV_REAL,
	SV_TYPE__MAX
};

/* A parameter or a column. Text is (pointer, length); a column's text is
 * valid only inside the row callback. */
struct sval {
	enum sval_type t;
	int64_t	       i;
	double	       d;
	const char    *s;
	size_t	       n;
};

#define P_NULL		((struct sval){ .t = SV_NULL })
#define P_INT(v)	((struct sval){ .t = SV_INT, .i = (v) })
#define P_TEXT(v)	((struct sval){ .t = SV_TEXT, .s = (v), .n = strlen(v) })
#define P_TEXTN(v, len) ((struct sval){ .t = SV_TEXT, .s = (v), .n = (len) })

/* Columns of a result row at most: every statement is ours, so a driver
 * asserts it (a silent drop would hide a column from its caller). */
#define STORE_MAXCOLS 32

/* Called once per result row; returning non-zero stops the statement
 * (the driver then returns STORE_OK). */
typedef int (*store_row_fn)(void *ctx, const struct sval *cols, size_t ncols);

struct store_driver {
	const char *name;
	void *(*open)(const char *url, char *err, size_t errlen);
	void (*close)(void *conn);
	const char *(*errmsg)(void *conn);
	/* Runs statement st with params; row may be NULL. */
	enum store_err (*exec)(void *conn, enum stmt st,
	    const struct sval *params, size_t nparams, store_row_fn row,
	    void *ctx);
	/* Runs a whole SQL script (migrations), no parameters. */
	enum store_err (*script)(void *conn, const char *sql);
	/* Optional: settings for a long run of writes (an import) on this
	 * connection, such as a larger page cache, outside a transaction;
	 * bulk_end undoes them after it. */
	void (*bulk)(void *conn);
	void (*bulk_end)(void *conn);
	enum store_err (*begin)(void *conn);
	enum store_err (*commit)(void *conn);
	enum store_err (*rollback)(void *conn);
	/* Operations (NULL: STORE_UNSUPPORTED). backup and restore as
	 * store_backup_to and store_restore_from say; check runs the
	 * backend's own checks (integrity, foreign keys, full-text index)
	 * for the STORE_CHECK_* bits in what, reporting through fn. */
	enum store_err (*backup)(void *conn, const char *path);
	enum store_err (
	    *restore)(void *conn, const char *path, int latest, bool force);
	enum store_err (*check)(void *conn, unsigned what, store_check_fn fn,
	    void *ctx, unsigned *problems);
	/* Writes the backend's full-text expression for q (the first
	 * parameter of ST_SEARCH) into out. NULL: no search. */
	void (*search_expr)(const struct search_query *q, struct buf *out);
	/* budget: the statements after it on this connection get ms
	 * milliseconds from now in all, lock waits included, and fail
	 * with STORE_TIMEOUT past them; ms 0 lifts the limit again.
	 * Outside a transaction. NULL: statements are not limited. */
	enum store_err (*budget)(void *conn, int64_t ms);
	/* Optional hooks (NULL where a backend has no need): what only a
	 * shared server has, such as LISTEN/NOTIFY for cross-node cache
	 * invalidation.
	 *
	 * lock_migrations: inside the migration transaction, before the
	 * schema version is read, waits until no other process migrates
	 * (SQLite's BEGIN IMMEDIATE already does). */
	enum store_err (*lock_migrations)(void *conn);
	/* read_begin/read_end: one snapshot for a run of reads (a page),
	 * where a backend's per-statement transactions cost (SQLite: a
	 * file lock and unlock each). NULL: statements stand alone. */
	enum store_err (*read_begin)(void *conn);
	void (*read_end)(void *conn);
	/* notify: inside the transaction about to commit (or at once, after
	 * a write outside one), tells every listener on the database that
	 * keys changed, delivered when the transaction commits; a failure
	 * fails the transaction. listen_start and listen_stop: as
	 * store_listen_start and store_listen_stop say. NULL for SQLite,
	 * whose other processes reach the server by cache/notify.c. */
	enum store_err (*notify)(void *conn, const char *const *keys, size_t n);
	void *(*listen_start)(const char *url, store_change_fn fn, void *ctx);
	void (*listen_stop)(void *listener);
	/* The schema migrations of this backend, oldest first. */
	const struct migration *migrations;
	const size_t	       *nmigrations;
};

struct migration {
	int	    version;
	const char *name;
	const char *sql;
};

/* store-ops.c: one finding of a check, for drivers and domain code alike:
 * counts it in *problems when it is one and passes the text to fn. */
void store_report(store_check_fn fn, void *ctx, unsigned *problems,
    bool problem, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Index of s in names[0..n), or -1: how the status and role
 * enums are read back from their column text. */
int store_name_index(const char *const *names, int n, const char *s);

extern const struct store_driver store_driver_sqlite;
extern const struct migration	 migrations_sqlite[];
extern const size_t		 migrations_sqlite_n;
extern const struct store_driver store_driver_pg;
/* store-pg-listen.c: the PostgreSQL listener (the driver's listen_start
 * and listen_stop). Every commit's keys go to this channel, separated by
 * spaces; more than fit one payload (NOTIFY takes under 8000 bytes) go
 * as "site". */
#define PG_CHANGE_CHANNEL "gazette_cache"
#define PG_PAYLOAD_MAX	  7999
void *pg_listen_start(const char *url, store_change_fn fn, void *ctx);
void  pg_listen_stop(void *listener);
extern const struct migration migrations_pg[];
extern const size_t	      migrations_pg_n;

/* Rows of articles in ARTICLE_COLS order (ARTICLE_NCOLS columns),
 * collected by store_row_article (store.c) for the other store files. */
struct article_rows {
	struct arena   *arena;
	struct article *items;
	size_t		n, cap;
};
int store_row_article(void *ctx, const struct sval *cols, size_t ncols);
/* store-search.c: stores text (article_body's search text, made by the
 * caller) as article id's searchable body, which reindexes the article. */
enum store_err store_search_set_plain(struct store *, int64_t id,
    const char *text, size_t len);

#define STORE_PEND_MAX 16

struct store {
	const struct store_driver *drv;
	void			  *conn;
	int			   txdepth;
	bool			   txfailed;
	bool			   reading; /* store_read_begin */
	/* Foreign keys are checked at the commit in the open transaction
	 * (ST_COPY_DEFER_FKS ran): once is enough, and on SQLite each run
	 * makes every prepared statement compile again. */
	bool txdeferred;
	/* Change keys of the open transaction (store_on_change). */
	char   pend[STORE_PEND_MAX][48];
	size_t npend;
	bool   pend_all; /* overflowed: "site" */
};

/* Records that the write just made changed what key names (a printf
 * format): reported at commit, or now outside a transaction. */
void store_changed(struct store *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Runs a statement on s's connection (store.c); every statement domain
 * code runs goes through here. */
enum store_err store_exec(struct store *s, enum stmt st,
    const struct sval *params, size_t nparams, store_row_fn row, void *ctx);
/* Which statements this process has run, so the conformance suite can
 * prove it ran every statement on the backend under test. */
extern _Atomic unsigned char store_stmt_ran[ST__MAX];

#endif
