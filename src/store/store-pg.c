/* store-pg.c: the PostgreSQL driver behind store-int.h (libpq).
 *
 * One PGconn per struct store, so one per server thread. Each statement is
 * prepared once per connection ("s<N>", on first use) and run with text
 * parameters in single-row mode, so a whole-site dump streams instead of
 * landing in memory at once.
 *
 * Parameters are declared to the server with the types of the first call
 * (SV_INT bigint, SV_TEXT text, SV_REAL double precision, SV_NULL text), so
 * a parameter may go unused (as $2..$9 of ST_ARTICLE_BY_SLUG do). The SQL
 * casts every parameter to the type it means ($1::bigint, $3::text IS
 * NULL, $10::int = 1): that keeps each statement's meaning whatever the
 * first call passed, and is how a NULL reaches a BIGINT column.
 *
 * Writes are acknowledged only after COMMIT answered "COMMIT" (a failed
 * transaction's COMMIT answers "ROLLBACK", which is an error here). A lost
 * connection is noticed before the next statement outside a transaction
 * and reset, prepared statements and all; inside a transaction the error
 * goes to the caller, who rolls back, and the reset comes after.
 *
 * Unlike SQLite, a failed statement aborts the whole PostgreSQL transaction:
 * domain code must not try a statement inside a transaction and carry on
 * after it failed (use ON CONFLICT, or a savepoint hook added here).
 *
 * Adding to the store, for PostgreSQL:
 * - a statement: its SQL in sql[] below, under the same enum stmt, with
 *   the parameter numbers the SQLite text uses (?N is $N here) and a cast
 *   on every parameter; ORDER BY text COLLATE "C" where SQLite compares
 *   bytes, lower(x) where it says COLLATE NOCASE. The array size is
 *   asserted, open refuses a hole, and the store conformance suite
 *   (tests/unit/test-store.c, run on both backends) fails unless every
 *   statement ran, so an untested statement shows.
 * - a migration: src/store/schema/pg/NNNN-name.sql with the number of its
 *   SQLite twin (test-store compares the lists). It runs inside the
 *   migration transaction under an advisory lock, so several nodes may
 *   start at once.
 * - a table: its dump and load statements (store-copy.c), so that
 *   `gazette migrate` copies it and the digest covers it. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/store-int.h"
#include "util/xalloc.h"

/* pg_type OIDs (stable since forever; the server headers are not part of
 * libpq-dev). */
#define OID_BOOL	16
#define OID_INT8	20
#define OID_INT2	21
#define OID_INT4	23
#define OID_TEXT	25
#define OID_OID		26
#define OID_FLOAT4	700
#define OID_FLOAT8	701
#define OID_NUMERIC	1700

#define MAXPARAMS	32
#define MAXCOLS		32

/* pg_advisory_xact_lock key for migrations: "gazette" in ASCII. */
#define MIGRATION_LOCK	"29099100917232741"

#define ARTICLE_COLS \
	"a.id, a.slug, a.title, a.summary, a.author, a.status, " \
	"a.published_at, a.created_at, a.updated_at, a.comment_count, " \
	"a.comments_closed, " \
	"CASE WHEN $10::int <> 0 THEN a.body_md ELSE '' END, " \
	"CASE WHEN $10::int <> 0 THEN a.body_html ELSE '' END"

#define LIST_WHERE \
	" WHERE ($1::int = 0 OR (a.status IN ('published', 'scheduled') " \
	"AND a.published_at <= $2::bigint))" \
	" AND ($3::text IS NULL OR a.author = $3::text)" \
	" AND ($5::bigint = 0 OR (a.published_at >= $4::bigint " \
	"AND a.published_at < $5::bigint))" \
	" AND ($7::bigint = 0 OR a.published_at < $6::bigint OR " \
	"(a.published_at = $6::bigint AND a.id < $7::bigint))" \
	" ORDER BY a.published_at DESC, a.id DESC " \
	"LIMIT $8::bigint OFFSET $9::bigint"

#define RESET_ID(t) \
	"setval(pg_get_serial_sequence('" t "', 'id'), " \
	"coalesce((SELECT max(id) FROM " t "), 0) + 1, false)"

static const char *const sql[] = {
	[ST_MIGRATION_VERSION] =
	    "SELECT coalesce(max(version), 0) FROM schema_migrations",
	[ST_MIGRATION_RECORD] =
	    "INSERT INTO schema_migrations (version, name, applied_at) "
	    "VALUES ($1::int, $2::text, $3::bigint)",
	[ST_SETTING_GET] = "SELECT value FROM settings WHERE key = $1::text",
	[ST_SETTING_SET] =
	    "INSERT INTO settings (key, value) VALUES ($1::text, $2::text) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[ST_ARTICLE_INSERT] =
	    "INSERT INTO articles (slug, title, summary, body_md, body_html, "
	    "author, status, published_at, created_at, updated_at, "
	    "comments_closed) VALUES ($1::text, $2::text, $3::text, $4::text, "
	    "$5::text, $6::text, $7::text, $8::bigint, $9::bigint, "
	    "$10::bigint, $11::int) RETURNING id",
	[ST_ARTICLE_BY_SLUG] =
	    "SELECT " ARTICLE_COLS " FROM articles a WHERE a.slug = $1::text "
	    "AND $10::int = 1",
	[ST_ARTICLE_LIST] =
	    "SELECT " ARTICLE_COLS " FROM articles a" LIST_WHERE,
	[ST_ARTICLE_LIST_TAG] =
	    "SELECT " ARTICLE_COLS " FROM articles a "
	    "JOIN article_tags at ON at.article_id = a.id "
	    "JOIN tags t ON t.id = at.tag_id AND t.slug = $11::text"
	    LIST_WHERE,
	[ST_ARTICLE_COUNT_PUBLIC] =
	    "SELECT count(*) FROM articles WHERE status IN ('published', "
	    "'scheduled') AND published_at <= $1::bigint",
	[ST_ARTICLE_COUNT_ALL] = "SELECT count(*) FROM articles",
	[ST_ARTICLE_TAGS] =
	    "SELECT t.name, t.slug FROM article_tags at "
	    "JOIN tags t ON t.id = at.tag_id WHERE at.article_id = $1::bigint "
	    "ORDER BY t.name COLLATE \"C\"",
	[ST_TAG_UPSERT] =
	    "INSERT INTO tags (name, slug) VALUES ($1::text, $2::text) "
	    "ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug "
	    "RETURNING id",
	[ST_ARTICLE_TAG_ADD] =
	    "INSERT INTO article_tags (article_id, tag_id) "
	    "VALUES ($1::bigint, $2::bigint) ON CONFLICT DO NOTHING",
	[ST_TAG_LIST] =
	    "SELECT t.name, t.slug, count(*) FROM tags t "
	    "JOIN article_tags at ON at.tag_id = t.id "
	    "JOIN articles a ON a.id = at.article_id "
	    "WHERE a.status IN ('published', 'scheduled') "
	    "AND a.published_at <= $1::bigint "
	    "GROUP BY t.id ORDER BY lower(t.name) COLLATE \"C\"",
	[ST_TAG_BY_SLUG] =
	    "SELECT name, slug, 0 FROM tags WHERE slug = $1::text",
	[ST_MIGRATION_TABLE_EXISTS] =
	    "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL "
	    "THEN 0 ELSE 1 END",
	[ST_SITE_ROWS] =
	    "SELECT (SELECT count(*) FROM articles) + "
	    "(SELECT count(*) FROM tags) + (SELECT count(*) FROM users) + "
	    "(SELECT count(*) FROM comments) + (SELECT count(*) FROM settings)",
	[ST_USERS_DUMP] =
	    "SELECT id, name, display_name, role, pw_hash, created_at "
	    "FROM users ORDER BY id",
	[ST_USERS_LOAD] =
	    "INSERT INTO users (id, name, display_name, role, pw_hash, "
	    "created_at) VALUES ($1::bigint, $2::text, $3::text, $4::text, "
	    "$5::text, $6::bigint)",
	[ST_ARTICLES_DUMP] =
	    "SELECT id, slug, title, summary, body_md, body_html, author, "
	    "author_id, status, published_at, created_at, updated_at, "
	    "comments_closed, comment_count, version FROM articles ORDER BY id",
	[ST_ARTICLES_LOAD] =
	    "INSERT INTO articles (id, slug, title, summary, body_md, "
	    "body_html, author, author_id, status, published_at, created_at, "
	    "updated_at, comments_closed, comment_count, version) VALUES "
	    "($1::bigint, $2::text, $3::text, $4::text, $5::text, $6::text, "
	    "$7::text, $8::bigint, $9::text, $10::bigint, $11::bigint, "
	    "$12::bigint, $13::int, $14::bigint, $15::bigint)",
	[ST_TAGS_DUMP] = "SELECT id, name, slug FROM tags ORDER BY id",
	[ST_TAGS_LOAD] =
	    "INSERT INTO tags (id, name, slug) "
	    "VALUES ($1::bigint, $2::text, $3::text)",
	[ST_ARTICLE_TAGS_DUMP] =
	    "SELECT article_id, tag_id FROM article_tags "
	    "ORDER BY article_id, tag_id",
	[ST_ARTICLE_TAGS_LOAD] =
	    "INSERT INTO article_tags (article_id, tag_id) "
	    "VALUES ($1::bigint, $2::bigint)",
	[ST_COMMENTS_DUMP] =
	    "SELECT id, article_id, parent_id, author, email, url, body_md, "
	    "body_html, status, client_hash, spam_score, created_at, "
	    "updated_at FROM comments ORDER BY id",
	[ST_COMMENTS_LOAD] =
	    "INSERT INTO comments (id, article_id, parent_id, author, email, "
	    "url, body_md, body_html, status, client_hash, spam_score, "
	    "created_at, updated_at) VALUES ($1::bigint, $2::bigint, "
	    "$3::bigint, $4::text, $5::text, $6::text, $7::text, $8::text, "
	    "$9::text, $10::text, $11::float8, $12::bigint, $13::bigint)",
	[ST_SETTINGS_DUMP] =
	    "SELECT key, value FROM settings ORDER BY key COLLATE \"C\"",
	[ST_SETTINGS_LOAD] =
	    "INSERT INTO settings (key, value) VALUES ($1::text, $2::text)",
	/* The schema declares its foreign keys DEFERRABLE for this. */
	[ST_COPY_DEFER_FKS] = "SET CONSTRAINTS ALL DEFERRED",
	[ST_COPY_RESET_IDS] =
	    "SELECT " RESET_ID("users") ", " RESET_ID("articles") ", "
	    RESET_ID("tags") ", " RESET_ID("comments"),
};

_Static_assert(sizeof(sql) / sizeof(sql[0]) == ST__MAX,
    "postgresql statement table out of step with enum stmt");

struct conn {
	PGconn		*pg;
	bool		 prepared[ST__MAX];
	bool		 in_tx;
	char		*pbuf;		/* parameter text, reused */
	size_t		 pcap;
	char		 err[512];
};

/* Keeps the first line only: log lines and command errors are one line
 * each, and libpq's later lines are hints ("This probably means..."). */
static void
set_err(struct conn *c, const char *msg)
{
	size_t n;

	snprintf(c->err, sizeof(c->err), "%s", msg && *msg ? msg :
	    "unknown PostgreSQL error");
	c->err[strcspn(c->err, "\n")] = '\0';
	n = strlen(c->err);
	while (n > 0 && c->err[n - 1] == ' ')
		c->err[--n] = '\0';
}

/* SQLSTATE classes: 23 integrity, 22 data, 08 connection, 57P0x the
 * server going away. */
static enum store_err
map_state(struct conn *c, const char *state)
{
	if (PQstatus(c->pg) == CONNECTION_BAD)
		return STORE_IO;
	if (state == NULL)
		return STORE_ERROR;
	if (strcmp(state, "23505") == 0)
		return STORE_CONFLICT;
	if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
		return STORE_INVALID;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0)
		return STORE_BUSY;
	if (strcmp(state, "53100") == 0)
		return STORE_FULL;
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0)
		return STORE_IO;
	return STORE_ERROR;
}

/* An error result (or NULL: the connection failed) to store_err. */
static enum store_err
map_res(struct conn *c, PGresult *res)
{
	if (res == NULL) {
		set_err(c, PQerrorMessage(c->pg));
		return PQstatus(c->pg) == CONNECTION_BAD ? STORE_IO :
		    STORE_ERROR;
	}
	set_err(c, PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) ?
	    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) :
	    PQresultErrorMessage(res));
	return map_state(c, PQresultErrorField(res, PG_DIAG_SQLSTATE));
}

static void
notice_quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;	/* "relation ... already exists, skipping" and such */
}

/* The URL for messages, without its password. */
static void
url_redact(char *out, size_t len, const char *url)
{
	const char *p = strstr(url, "://"), *at, *colon;

	if (p == NULL || (at = strchr(p + 3, '@')) == NULL ||
	    (colon = memchr(p + 3, ':', (size_t)(at - (p + 3)))) == NULL) {
		snprintf(out, len, "%s", url);
		return;
	}
	snprintf(out, len, "%.*s:***%s", (int)(colon - url), url, at);
}

static void *
pg_open(const char *url, char *err, size_t errlen)
{
	/* Defaults first: whatever the URL says overrides them. lock_timeout
	 * plays SQLite's busy timeout (55P03 is STORE_BUSY). */
	const char *const keys[] = { "client_encoding", "options",
	    "fallback_application_name", "connect_timeout", "dbname", NULL };
	const char *const vals[] = { "UTF8",
	    "-c lock_timeout=5s -c client_min_messages=warning", "gazette",
	    "10", url, NULL };
	char shown[256];
	struct conn *c;
	size_t i;

	url_redact(shown, sizeof(shown), url);
	for (i = 0; i < ST__MAX; i++)
		if (sql[i] == NULL) {
			snprintf(err, errlen, "cannot open '%s': statement %zu "
			    "has no PostgreSQL text", shown, i);
			return NULL;
		}
	c = xcalloc(1, sizeof(*c));
	c->pg = PQconnectdbParams(keys, vals, 1);
	if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot open '%s': %s", shown,
		    c->pg ? PQerrorMessage(c->pg) : "out of memory");
		err[strcspn(err, "\n")] = '\0';
		PQfinish(c->pg);
		free(c);
		return NULL;
	}
	PQsetNoticeProcessor(c->pg, notice_quiet, NULL);
	return c;
}

static void
pg_close(void *conn)
{
	struct conn *c = conn;

	if (c == NULL)
		return;
	PQfinish(c->pg);
	free(c->pbuf);
	free(c);
}

static const char *
pg_errmsg(void *conn)
{
	return ((struct conn *)conn)->err;
}

/* Before a statement or BEGIN outside a transaction: notices a connection
 * the server dropped (its goodbye is already in the socket) and makes a new
 * one. Inside a transaction a lost connection is the caller's error. */
static enum store_err
pg_ready(struct conn *c)
{
	if (c->in_tx) {
		if (PQstatus(c->pg) == CONNECTION_OK)
			return STORE_OK;
		set_err(c, "connection lost inside a transaction");
		return STORE_IO;
	}
	if (PQstatus(c->pg) == CONNECTION_OK) {
		/* The first read takes the server's FATAL goodbye, if any;
		 * only the second meets the end of the stream. On a healthy
		 * connection both find nothing to read and return at once. */
		if (PQconsumeInput(c->pg))
			PQconsumeInput(c->pg);
		while (PQstatus(c->pg) == CONNECTION_OK) {
			PGresult *r = PQgetResult(c->pg);

			if (r == NULL)
				break;
			PQclear(r);
		}
		if (PQstatus(c->pg) == CONNECTION_OK)
			return STORE_OK;
	}
	PQreset(c->pg);
	memset(c->prepared, 0, sizeof(c->prepared));
	if (PQstatus(c->pg) != CONNECTION_OK) {
		set_err(c, PQerrorMessage(c->pg));
		return STORE_IO;
	}
	return STORE_OK;
}

static enum store_err
pg_simple(struct conn *c, const char *text)
{
	PGresult *res = PQexec(c->pg, text);
	enum store_err e = STORE_OK;
	ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		e = map_res(c, res);
	PQclear(res);
	return e;
}

/* Lays the parameters out as NUL-terminated text in c->pbuf. */
static enum store_err
params_text(struct conn *c, const struct sval *p, size_t np,
    const char **vals, Oid *types)
{
	size_t need = 0, off = 0, k;
	size_t offs[MAXPARAMS];
	int n;

	for (k = 0; k < np; k++)
		need += p[k].t == SV_TEXT ? p[k].n + 1 : 32;
	if (need > c->pcap) {
		c->pcap = need;
		c->pbuf = xrealloc(c->pbuf, c->pcap);
	}
	for (k = 0; k < np; k++) {
		offs[k] = off;
		switch (p[k].t) {
		case SV_NULL:
			types[k] = OID_TEXT;
			break;
		case SV_INT:
			types[k] = OID_INT8;
			n = snprintf(c->pbuf + off, 32, "%" PRId64, p[k].i);
			off += (size_t)n + 1;
			break;
		case SV_REAL:
			types[k] = OID_FLOAT8;
			n = snprintf(c->pbuf + off, 32, "%.17g", p[k].d);
			off += (size_t)n + 1;
			break;
		default:
			/* libpq takes C strings: a NUL inside cannot go
			 * through (text is checked at the edge; this is the
			 * backstop). */
			if (p[k].n > 0 && memchr(p[k].s, '\0', p[k].n)) {
				snprintf(c->err, sizeof(c->err), "parameter "
				    "%zu contains a NUL byte", k + 1);
				return STORE_INVALID;
			}
			types[k] = OID_TEXT;
			if (p[k].n > 0)
				memcpy(c->pbuf + off, p[k].s, p[k].n);
			c->pbuf[off + p[k].n] = '\0';
			off += p[k].n + 1;
			break;
		}
	}
	for (k = 0; k < np; k++)
		vals[k] = p[k].t == SV_NULL ? NULL : c->pbuf + offs[k];
	return STORE_OK;
}

static void
col_value(const PGresult *res, int row, int i, struct sval *v)
{
	const char *s;

	memset(v, 0, sizeof(*v));
	if (PQgetisnull(res, row, i)) {
		v->t = SV_NULL;
		return;
	}
	s = PQgetvalue(res, row, i);
	switch (PQftype(res, i)) {
	case OID_BOOL:
		v->t = SV_INT;
		v->i = s[0] == 't';
		v->d = (double)v->i;
		break;
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID:
		v->t = SV_INT;
		v->i = strtoll(s, NULL, 10);
		v->d = (double)v->i;
		break;
	case OID_FLOAT4:
	case OID_FLOAT8:
	case OID_NUMERIC:
		v->t = SV_REAL;
		v->d = strtod(s, NULL);
		v->i = (int64_t)v->d;
		break;
	default:
		v->t = SV_TEXT;
		v->s = s;
		v->n = (size_t)PQgetlength(res, row, i);
		break;
	}
}

static enum store_err
pg_exec_once(struct conn *c, enum stmt id, const struct sval *p, size_t np,
    store_row_fn row, void *ctx, bool *delivered)
{
	struct sval cols[MAXCOLS];
	const char *vals[MAXPARAMS];
	Oid types[MAXPARAMS];
	char name[16];
	PGresult *res;
	enum store_err e;
	bool stopped = row == NULL;
	int i, ncol;

	if ((unsigned)id >= ST__MAX || np > MAXPARAMS) {
		snprintf(c->err, sizeof(c->err), "statement %d: bad call",
		    (int)id);
		return STORE_ERROR;
	}
	if ((e = pg_ready(c)) != STORE_OK)
		return e;
	if ((e = params_text(c, p, np, vals, types)) != STORE_OK)
		return e;
	snprintf(name, sizeof(name), "s%d", (int)id);
	if (!c->prepared[id]) {
		res = PQprepare(c->pg, name, sql[id], (int)np, types);
		if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
			e = map_res(c, res);
			PQclear(res);
			return e;
		}
		PQclear(res);
		c->prepared[id] = true;
	}
	if (!PQsendQueryPrepared(c->pg, name, (int)np, vals, NULL, NULL, 0))
		return map_res(c, NULL);
	PQsetSingleRowMode(c->pg);
	/* Every result is read to the end, even after the callback stopped
	 * or an error: the connection is ready for the next statement only
	 * then. */
	while ((res = PQgetResult(c->pg)) != NULL) {
		switch (PQresultStatus(res)) {
		case PGRES_SINGLE_TUPLE:
			if (stopped)
				break;
			ncol = PQnfields(res);
			if (ncol > MAXCOLS)
				ncol = MAXCOLS;
			for (i = 0; i < ncol; i++)
				col_value(res, 0, i, &cols[i]);
			*delivered = true;
			if (row(ctx, cols, (size_t)ncol) != 0)
				stopped = true;
			break;
		case PGRES_TUPLES_OK:
		case PGRES_COMMAND_OK:
			break;
		default:
			if (e == STORE_OK)
				e = map_res(c, res);
			break;
		}
		PQclear(res);
	}
	if (e == STORE_OK && PQstatus(c->pg) == CONNECTION_BAD) {
		set_err(c, PQerrorMessage(c->pg));
		e = STORE_IO;
	}
	return e;
}

/* A read that lost its connection before giving a row is run once more on
 * a new connection, outside transactions only: the server may have dropped
 * the connection (restart, pg_terminate_backend) between two requests
 * without the socket showing it yet. A write is never repeated, as it may
 * have committed before the connection went. (So a statement that starts
 * with SELECT must be safe to repeat: setval() is.) */
static enum store_err
pg_exec(void *conn, enum stmt id, const struct sval *p, size_t np,
    store_row_fn row, void *ctx)
{
	struct conn *c = conn;
	bool delivered = false;
	enum store_err e;

	e = pg_exec_once(c, id, p, np, row, ctx, &delivered);
	if (e == STORE_IO && !c->in_tx && !delivered &&
	    PQstatus(c->pg) == CONNECTION_BAD &&
	    strncmp(sql[id], "SELECT", 6) == 0)
		e = pg_exec_once(c, id, p, np, row, ctx, &delivered);
	return e;
}

static enum store_err
pg_script(void *conn, const char *text)
{
	struct conn *c = conn;
	enum store_err e;

	if ((e = pg_ready(c)) != STORE_OK)
		return e;
	return pg_simple(c, text);
}

static enum store_err
pg_begin(void *conn)
{
	struct conn *c = conn;
	enum store_err e;

	if ((e = pg_ready(c)) != STORE_OK)
		return e;
	if ((e = pg_simple(c, "BEGIN")) == STORE_OK)
		c->in_tx = true;
	return e;
}

/* COMMIT of a transaction that failed answers "ROLLBACK" without an error:
 * that is not a commit, and must not be acknowledged as one. */
static enum store_err
pg_commit(void *conn)
{
	struct conn *c = conn;
	PGresult *res = PQexec(c->pg, "COMMIT");
	enum store_err e = STORE_OK;

	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
		e = map_res(c, res);
	else if (strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		set_err(c, "the transaction had failed and was rolled back");
		e = STORE_ERROR;
	}
	PQclear(res);
	c->in_tx = false;
	return e;
}

static enum store_err
pg_rollback(void *conn)
{
	struct conn *c = conn;

	c->in_tx = false;
	if (PQstatus(c->pg) != CONNECTION_OK ||
	    PQtransactionStatus(c->pg) == PQTRANS_IDLE)
		return STORE_OK;	/* nothing left to roll back */
	return pg_simple(c, "ROLLBACK");
}

/* lock_timeout is off for this wait only: a migration may take longer
 * than 5 s on a large site, and the next node must wait for it. */
static enum store_err
pg_lock_migrations(void *conn)
{
	return pg_simple(conn, "SET LOCAL lock_timeout = 0; "
	    "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ")");
}

const struct store_driver store_driver_pg = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.errmsg = pg_errmsg,
	.exec = pg_exec,
	.script = pg_script,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.lock_migrations = pg_lock_migrations,
	.migrations = migrations_pg,
	.nmigrations = &migrations_pg_n,
};
