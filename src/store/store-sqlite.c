/* store-sqlite.c: the SQLite driver behind store-int.h.
 *
 * One sqlite3 handle per struct store, in WAL mode with synchronous=FULL:
 * a COMMIT that returned is on disk, which is what lets gazette acknowledge
 * a comment only after its transaction commits. Statements are prepared
 * once per connection, on first use, and reset after each run. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store-int.h"
#include "util/xalloc.h"

#define ARTICLE_COLS \
	"a.id, a.slug, a.title, a.summary, a.author, a.status, " \
	"a.published_at, a.created_at, a.updated_at, a.comment_count, " \
	"a.comments_closed, " \
	"CASE WHEN ?10 THEN a.body_md ELSE '' END, " \
	"CASE WHEN ?10 THEN a.body_html ELSE '' END"

#define LIST_WHERE \
	" WHERE (?1 = 0 OR (a.status IN ('published', 'scheduled') " \
	"AND a.published_at <= ?2))" \
	" AND (?3 IS NULL OR a.author = ?3)" \
	" AND (?5 = 0 OR (a.published_at >= ?4 AND a.published_at < ?5))" \
	" AND (?7 = 0 OR a.published_at < ?6 OR " \
	"(a.published_at = ?6 AND a.id < ?7))" \
	" ORDER BY a.published_at DESC, a.id DESC LIMIT ?8 OFFSET ?9"

static const char *const sql[] = {
	[ST_MIGRATION_VERSION] =
	    "SELECT coalesce(max(version), 0) FROM schema_migrations",
	[ST_MIGRATION_RECORD] =
	    "INSERT INTO schema_migrations (version, name, applied_at) "
	    "VALUES (?1, ?2, ?3)",
	[ST_SETTING_GET] = "SELECT value FROM settings WHERE key = ?1",
	[ST_SETTING_SET] =
	    "INSERT INTO settings (key, value) VALUES (?1, ?2) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[ST_ARTICLE_INSERT] =
	    "INSERT INTO articles (slug, title, summary, body_md, body_html, "
	    "author, status, published_at, created_at, updated_at, "
	    "comments_closed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10, ?11) RETURNING id",
	[ST_ARTICLE_BY_SLUG] =
	    "SELECT " ARTICLE_COLS " FROM articles a WHERE a.slug = ?1 "
	    "AND ?10 = 1",
	[ST_ARTICLE_LIST] =
	    "SELECT " ARTICLE_COLS " FROM articles a" LIST_WHERE,
	[ST_ARTICLE_LIST_TAG] =
	    "SELECT " ARTICLE_COLS " FROM articles a "
	    "JOIN article_tags at ON at.article_id = a.id "
	    "JOIN tags t ON t.id = at.tag_id AND t.slug = ?11" LIST_WHERE,
	[ST_ARTICLE_COUNT_PUBLIC] =
	    "SELECT count(*) FROM articles WHERE status IN ('published', "
	    "'scheduled') AND published_at <= ?1",
	[ST_ARTICLE_COUNT_ALL] = "SELECT count(*) FROM articles",
	[ST_ARTICLE_TAGS] =
	    "SELECT t.name, t.slug FROM article_tags at "
	    "JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ?1 "
	    "ORDER BY t.name",
	[ST_TAG_UPSERT] =
	    "INSERT INTO tags (name, slug) VALUES (?1, ?2) "
	    "ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug "
	    "RETURNING id",
	[ST_ARTICLE_TAG_ADD] =
	    "INSERT INTO article_tags (article_id, tag_id) VALUES (?1, ?2) "
	    "ON CONFLICT DO NOTHING",
	[ST_TAG_LIST] =
	    "SELECT t.name, t.slug, count(*) FROM tags t "
	    "JOIN article_tags at ON at.tag_id = t.id "
	    "JOIN articles a ON a.id = at.article_id "
	    "WHERE a.status IN ('published', 'scheduled') "
	    "AND a.published_at <= ?1 "
	    "GROUP BY t.id ORDER BY t.name COLLATE NOCASE",
	[ST_TAG_BY_SLUG] = "SELECT name, slug, 0 FROM tags WHERE slug = ?1",
	[ST_MIGRATION_TABLE_EXISTS] =
	    "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
	    "AND name = 'schema_migrations'",
	[ST_SITE_ROWS] =
	    "SELECT (SELECT count(*) FROM articles) + "
	    "(SELECT count(*) FROM tags) + (SELECT count(*) FROM users) + "
	    "(SELECT count(*) FROM comments) + (SELECT count(*) FROM settings)",
	[ST_USERS_DUMP] =
	    "SELECT id, name, display_name, role, pw_hash, created_at "
	    "FROM users ORDER BY id",
	[ST_USERS_LOAD] =
	    "INSERT INTO users (id, name, display_name, role, pw_hash, "
	    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_ARTICLES_DUMP] =
	    "SELECT id, slug, title, summary, body_md, body_html, author, "
	    "author_id, status, published_at, created_at, updated_at, "
	    "comments_closed, comment_count, version FROM articles ORDER BY id",
	[ST_ARTICLES_LOAD] =
	    "INSERT INTO articles (id, slug, title, summary, body_md, "
	    "body_html, author, author_id, status, published_at, created_at, "
	    "updated_at, comments_closed, comment_count, version) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	[ST_TAGS_DUMP] = "SELECT id, name, slug FROM tags ORDER BY id",
	[ST_TAGS_LOAD] =
	    "INSERT INTO tags (id, name, slug) VALUES (?1, ?2, ?3)",
	[ST_ARTICLE_TAGS_DUMP] =
	    "SELECT article_id, tag_id FROM article_tags "
	    "ORDER BY article_id, tag_id",
	[ST_ARTICLE_TAGS_LOAD] =
	    "INSERT INTO article_tags (article_id, tag_id) VALUES (?1, ?2)",
	[ST_COMMENTS_DUMP] =
	    "SELECT id, article_id, parent_id, author, email, url, body_md, "
	    "body_html, status, client_hash, spam_score, created_at, "
	    "updated_at FROM comments ORDER BY id",
	[ST_COMMENTS_LOAD] =
	    "INSERT INTO comments (id, article_id, parent_id, author, email, "
	    "url, body_md, body_html, status, client_hash, spam_score, "
	    "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9, ?10, ?11, ?12, ?13)",
	[ST_SETTINGS_DUMP] = "SELECT key, value FROM settings ORDER BY key",
	[ST_SETTINGS_LOAD] =
	    "INSERT INTO settings (key, value) VALUES (?1, ?2)",
	/* Ends with the transaction. */
	[ST_COPY_DEFER_FKS] = "PRAGMA defer_foreign_keys = ON",
	/* INTEGER PRIMARY KEY takes max(id) + 1 by itself. */
	[ST_COPY_RESET_IDS] = "SELECT 0",
};

/* The last statement of the enum must have its SQL here, and a hole in the
 * middle is refused by sq_exec (and so fails the store conformance suite,
 * which runs every statement). */
_Static_assert(sizeof(sql) / sizeof(sql[0]) == ST__MAX,
    "sqlite statement table out of step with enum stmt");

struct conn {
	sqlite3		*db;
	sqlite3_stmt	*st[ST__MAX];
	char		 err[256];
};

static enum store_err
map_err(struct conn *c, int rc)
{
	snprintf(c->err, sizeof(c->err), "%s", sqlite3_errmsg(c->db));
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return STORE_OK;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE ||
		    rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return STORE_CONFLICT;
		return STORE_INVALID;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_BUSY;
	case SQLITE_FULL:
		return STORE_FULL;
	case SQLITE_IOERR:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
		return STORE_IO;
	default:
		return STORE_ERROR;
	}
}

static void *
sq_open(const char *url, char *err, size_t errlen)
{
	static const char *const pragmas =
	    "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = ON;"
	    "PRAGMA temp_store = MEMORY;";
	struct conn *c = xcalloc(1, sizeof(*c));
	char *msg = NULL;
	int rc;

	if (strncmp(url, "sqlite://", 9) == 0)
		url += 9;
	rc = sqlite3_open_v2(url, &c->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open '%s': %s", url,
		    c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, 5000);
	if (sqlite3_exec(c->db, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open '%s': %s", url,
		    msg ? msg : sqlite3_errmsg(c->db));
		sqlite3_free(msg);
		goto fail;
	}
	return c;
fail:
	sqlite3_close(c->db);
	free(c);
	return NULL;
}

static void
sq_close(void *conn)
{
	struct conn *c = conn;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < ST__MAX; i++)
		sqlite3_finalize(c->st[i]);
	sqlite3_close(c->db);
	free(c);
}

static const char *
sq_errmsg(void *conn)
{
	return ((struct conn *)conn)->err;
}

static enum store_err
sq_exec(void *conn, enum stmt id, const struct sval *p, size_t np,
    store_row_fn row, void *ctx)
{
	struct conn *c = conn;
	struct sval cols[32];
	sqlite3_stmt *st;
	enum store_err e = STORE_OK;
	int rc, i, ncol;
	size_t k;

	if ((st = c->st[id]) == NULL) {
		if (sql[id] == NULL) {
			snprintf(c->err, sizeof(c->err),
			    "statement %d has no SQL for sqlite", (int)id);
			return STORE_ERROR;
		}
		rc = sqlite3_prepare_v3(c->db, sql[id], -1,
		    SQLITE_PREPARE_PERSISTENT, &c->st[id], NULL);
		if (rc != SQLITE_OK)
			return map_err(c, rc);
		st = c->st[id];
	}
	for (k = 0; k < np; k++) {
		switch (p[k].t) {
		case SV_NULL:
			rc = sqlite3_bind_null(st, (int)k + 1);
			break;
		case SV_INT:
			rc = sqlite3_bind_int64(st, (int)k + 1, p[k].i);
			break;
		case SV_REAL:
			rc = sqlite3_bind_double(st, (int)k + 1, p[k].d);
			break;
		default:
			rc = sqlite3_bind_text(st, (int)k + 1, p[k].s,
			    (int)p[k].n, SQLITE_STATIC);
			break;
		}
		if (rc != SQLITE_OK) {
			e = map_err(c, rc);
			goto out;
		}
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (row == NULL)
			continue;
		ncol = sqlite3_column_count(st);
		if (ncol > 32)
			ncol = 32;
		for (i = 0; i < ncol; i++) {
			memset(&cols[i], 0, sizeof(cols[i]));
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_NULL:
				cols[i].t = SV_NULL;
				break;
			case SQLITE_INTEGER:
				cols[i].t = SV_INT;
				cols[i].i = sqlite3_column_int64(st, i);
				cols[i].d = (double)cols[i].i;
				break;
			case SQLITE_FLOAT:
				cols[i].t = SV_REAL;
				cols[i].d = sqlite3_column_double(st, i);
				cols[i].i = (int64_t)cols[i].d;
				break;
			default:
				cols[i].t = SV_TEXT;
				cols[i].s = (const char *)
				    sqlite3_column_text(st, i);
				cols[i].n = (size_t)sqlite3_column_bytes(st, i);
				if (cols[i].s == NULL)
					cols[i].s = "";
				break;
			}
		}
		if (row(ctx, cols, (size_t)ncol) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		e = map_err(c, rc);
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return e;
}

static enum store_err
sq_script(void *conn, const char *text)
{
	struct conn *c = conn;
	char *msg = NULL;
	int rc;

	rc = sqlite3_exec(c->db, text, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(c->err, sizeof(c->err), "%s",
		    msg ? msg : sqlite3_errmsg(c->db));
		sqlite3_free(msg);
		return map_err(c, rc) == STORE_OK ? STORE_ERROR :
		    map_err(c, rc);
	}
	return STORE_OK;
}

static enum store_err
sq_simple(struct conn *c, const char *text)
{
	int rc = sqlite3_exec(c->db, text, NULL, NULL, NULL);

	return rc == SQLITE_OK ? STORE_OK : map_err(c, rc);
}

/* IMMEDIATE: every transaction gazette opens writes, so take the write
 * lock up front instead of failing with SQLITE_BUSY on upgrade later. */
static enum store_err
sq_begin(void *conn)
{
	return sq_simple(conn, "BEGIN IMMEDIATE");
}

static enum store_err
sq_commit(void *conn)
{
	return sq_simple(conn, "COMMIT");
}

static enum store_err
sq_rollback(void *conn)
{
	struct conn *c = conn;

	if (sqlite3_get_autocommit(c->db))
		return STORE_OK;	/* SQLite already rolled back */
	return sq_simple(conn, "ROLLBACK");
}

const struct store_driver store_driver_sqlite = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.errmsg = sq_errmsg,
	.exec = sq_exec,
	.script = sq_script,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.migrations = migrations_sqlite,
	.nmigrations = &migrations_sqlite_n,
};
