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
 *   `gazette migrate` copies it and the digest covers it.
 *
 * Change keys (store_changed) go to every node with pg_notify on the
 * channel PG_CHANGE_CHANNEL inside the transaction, just before COMMIT;
 * store-pg-listen.c is the other end, on each node.
 *
 * Search (schema/pg/0003-search.sql): a generated, weighted tsvector
 * column with a GIN index; pg_search_expr writes the reader's parsed query
 * as tsquery text with every term quoted, so no input is tsquery syntax,
 * and ST_SEARCH ranks with ts_rank and cuts snippets with ts_headline
 * marked \x01 \x02 as the SQLite driver's are. check reports what only
 * SQLite can check as not applicable, and compares the search tag text. */
#include <assert.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "search/query.h"
#include "store/store-int.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* pg_type OIDs (stable since forever; the server headers are not part of
 * libpq-dev). */
#define OID_BOOL    16
#define OID_INT8    20
#define OID_INT2    21
#define OID_INT4    23
#define OID_TEXT    25
#define OID_OID	    26
#define OID_FLOAT4  700
#define OID_FLOAT8  701
#define OID_NUMERIC 1700

#define MAXPARAMS 32

/* pg_advisory_xact_lock key for migrations: "gazette" in ASCII. */
#define MIGRATION_LOCK "29099100917232741"

#define ARTICLE_COLS \
	"a.id, a.slug, a.title, a.summary, a.author, a.status, " \
	"a.published_at, a.created_at, a.updated_at, a.comment_count, " \
	"a.comments_closed, " \
	"CASE WHEN $10::int <> 0 THEN a.body_md ELSE '' END, " \
	"CASE WHEN $10::int <> 0 THEN a.body_html ELSE '' END, " \
	"a.version, coalesce(a.author_id, 0), a.body_format"

#define COMMENT_COLS \
	"c.id, c.article_id, coalesce(c.parent_id, 0), c.thread_id, " \
	"c.depth, c.author, c.email, c.url, c.body_md, c.body_html, " \
	"c.status, c.client_hash, c.spam_score, c.created_at, c.updated_at"

#define USER_COLS \
	"u.id, u.name, u.display_name, u.role, u.pw_hash, u.created_at"

#define REV_COLS \
	"id, article_id, version, editor, title, slug, summary, body_md, " \
	"tags, status, published_at, created_at, body_format"

#define LIST_WHERE \
	" WHERE ($1::int = 0 OR (a.status IN ('published', 'scheduled') " \
	"AND a.published_at <= $2::bigint))" \
	" AND ($3::text IS NULL OR a.author = $3::text)" \
	" AND ($14::text IS NULL OR a.author_slug = $14::text)" \
	" AND ($12::text IS NULL OR a.status = $12::text)" \
	" AND ($13::bigint = 0 OR a.author_id = $13::bigint)" \
	" AND ($5::bigint = 0 OR (a.published_at >= $4::bigint " \
	"AND a.published_at < $5::bigint))" \
	" AND ($7::bigint = 0 OR a.published_at < $6::bigint OR " \
	"(a.published_at = $6::bigint AND a.id < $7::bigint))" \
	" ORDER BY a.published_at DESC, a.id DESC " \
	"LIMIT $8::bigint OFFSET $9::bigint"

#define RESET_ID(t) \
	"setval(pg_get_serial_sequence('" t "', 'id'), " \
	"coalesce((SELECT max(id) FROM " t "), 0) + 1, false)"

/* The search text of a column for ts_headline: '<' and '&' would be read
 * as the start of a tag or an entity, which ts_headline drops; they go in
 * as control characters (which stored text cannot hold) and come back. */
#define HL_IN(x)    "translate(" x ", '<&', chr(3) || chr(4))"
#define TSQ	    "to_tsquery('simple'::regconfig, $1::text)"
#define HL_MATCH(x) "to_tsvector('simple'::regconfig, " x ") @@ " TSQ

static const char *const sql[] = {
	[ST_MIGRATION_VERSION] =
	    "SELECT coalesce(max(version), 0) FROM schema_migrations",
	[ST_MIGRATION_APPLIED] = "SELECT version FROM schema_migrations",
	[ST_MIGRATION_RECORD] =
	    "INSERT INTO schema_migrations (version, name, applied_at) "
	    "VALUES ($1::int, $2::text, $3::bigint)",
	[ST_SETTING_GET] = "SELECT value FROM settings WHERE key = $1::text",
	[ST_SETTING_SET] =
	    "INSERT INTO settings (key, value) VALUES ($1::text, $2::text) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[ST_ARTICLE_INSERT] =
	    "INSERT INTO articles (id, slug, title, summary, body_md, "
	    "body_html, author, status, published_at, created_at, "
	    "updated_at, comments_closed, author_id, body_format, body_text, "
	    "author_slug, tags_text) VALUES ($15::bigint, $1::text, $2::text, "
	    "$3::text, $4::text, $5::text, $6::text, $7::text, $8::bigint, "
	    "$9::bigint, $10::bigint, $11::int, nullif($12::bigint, 0), "
	    "$13::text, $14::text, $16::text, gazette_tags_text($15::bigint)) "
	    "RETURNING id",
	[ST_ARTICLE_BY_SLUG] =
	    "SELECT " ARTICLE_COLS " FROM articles a WHERE a.slug = $1::text "
	    "AND $10::int = 1",
	[ST_ARTICLE_LIST] =
	    "SELECT " ARTICLE_COLS " FROM articles a" LIST_WHERE,
	[ST_ARTICLE_LIST_TAG] =
	    "SELECT " ARTICLE_COLS " FROM articles a "
	    "JOIN article_tags at ON at.article_id = a.id "
	    "JOIN tags t ON t.id = at.tag_id AND t.slug = $11::text" LIST_WHERE,
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
	    "SELECT t.name, t.slug, count(*) FROM tags t "
	    "JOIN article_tags at ON at.tag_id = t.id "
	    "JOIN articles a ON a.id = at.article_id "
	    "WHERE t.slug = $1::text "
	    "AND a.status IN ('published', 'scheduled') "
	    "AND a.published_at <= $2::bigint GROUP BY t.id",
	/* SQLite's users.name is COLLATE NOCASE (ASCII case folding), as
	 * lower() is in the C collation the index uses. */
	[ST_USER_ADD] =
	    "INSERT INTO users (name, display_name, role, pw_hash, created_at) "
	    "VALUES ($1::text, $2::text, $3::text, $4::text, $5::bigint) "
	    "RETURNING id",
	[ST_USER_BY_NAME] =
	    "SELECT " USER_COLS " FROM users u "
	    "WHERE lower(u.name) = lower($1::text)",
	[ST_USER_BY_ID] =
	    "SELECT " USER_COLS " FROM users u WHERE u.id = $1::bigint",
	[ST_USER_LIST] = "SELECT " USER_COLS " FROM users u "
			 "ORDER BY lower(u.name) COLLATE \"C\"",
	[ST_USER_SET_PASSWORD] =
	    "UPDATE users SET pw_hash = $2::text WHERE id = $1::bigint "
	    "RETURNING id",
	[ST_USER_REMOVE] =
	    "DELETE FROM users WHERE id = $1::bigint RETURNING id",
	[ST_USER_COUNT_ROLE] =
	    "SELECT count(*) FROM users WHERE role = $1::text",
	[ST_TOKEN_ADD] =
	    "INSERT INTO api_tokens (user_id, hash, created_at) "
	    "VALUES ($1::bigint, $2::text, $3::bigint) RETURNING id",
	[ST_TOKEN_USER] =
	    "SELECT " USER_COLS " FROM api_tokens t "
	    "JOIN users u ON u.id = t.user_id "
	    "WHERE t.hash = $1::text AND t.revoked_at = 0",
	[ST_TOKEN_REVOKE] =
	    "UPDATE api_tokens SET revoked_at = $2::bigint "
	    "WHERE id = $1::bigint AND revoked_at = 0 RETURNING id",
	[ST_TOKEN_LIST] =
	    "SELECT t.id, u.name, t.created_at, t.revoked_at FROM api_tokens t "
	    "JOIN users u ON u.id = t.user_id ORDER BY t.id",
	[ST_SESSION_ADD] =
	    "INSERT INTO sessions (hash, user_id, csrf, created_at, seen_at) "
	    "VALUES ($1::text, $2::bigint, $3::text, $4::bigint, $4::bigint)",
	[ST_SESSION_GET] =
	    "SELECT " USER_COLS ", s.csrf, s.created_at, s.seen_at "
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE s.hash = $1::text",
	[ST_SESSION_TOUCH] =
	    "UPDATE sessions SET seen_at = $2::bigint WHERE hash = $1::text",
	[ST_SESSION_DELETE] = "DELETE FROM sessions WHERE hash = $1::text",
	[ST_SESSION_PURGE] =
	    "DELETE FROM sessions WHERE seen_at < $1::bigint "
	    "OR created_at < $2::bigint",
	[ST_ARTICLE_BY_ID] =
	    "SELECT " ARTICLE_COLS " FROM articles a WHERE a.id = $1::bigint "
	    "AND $10::int = 1",
	[ST_ARTICLE_UPDATE] =
	    "UPDATE articles SET slug = $2::text, title = $3::text, "
	    "summary = $4::text, body_md = $5::text, body_html = $6::text, "
	    "author = $7::text, status = $8::text, published_at = $9::bigint, "
	    "updated_at = $10::bigint, comments_closed = $11::int, "
	    "body_format = $13::text, author_slug = $14::text, "
	    "version = version + 1 "
	    "WHERE id = $1::bigint AND version = $12::bigint "
	    "RETURNING version",
	[ST_ARTICLE_TAGS_CLEAR] =
	    "DELETE FROM article_tags WHERE article_id = $1::bigint "
	    "RETURNING tag_id",
	[ST_ARTICLE_DELETE] =
	    "DELETE FROM articles WHERE id = $1::bigint RETURNING id",
	[ST_REVISION_ADD] =
	    "INSERT INTO revisions (article_id, version, editor, title, slug, "
	    "summary, body_md, tags, status, published_at, created_at, "
	    "body_format) "
	    "VALUES ($1::bigint, $2::bigint, $3::text, $4::text, $5::text, "
	    "$6::text, $7::text, $8::text, $9::text, $10::bigint, $11::bigint, "
	    "$12::text)",
	[ST_REVISION_LIST] =
	    "SELECT " REV_COLS " FROM revisions WHERE article_id = $1::bigint "
	    "ORDER BY version DESC",
	[ST_REVISION_GET] =
	    "SELECT " REV_COLS " FROM revisions WHERE id = $1::bigint",
	[ST_COMMENT_INSERT] =
	    "INSERT INTO comments (article_id, parent_id, thread_id, depth, "
	    "author, email, url, body_md, body_html, status, client_hash, "
	    "spam_score, created_at, updated_at, commenter) VALUES "
	    "($1::bigint, $2::bigint, $3::bigint, $4::bigint, $5::text, "
	    "$6::text, $7::text, $8::text, $9::text, $10::text, $11::text, "
	    "$12::float8, $13::bigint, $13::bigint, $14::text) RETURNING id",
	[ST_COMMENT_SET_THREAD] =
	    "UPDATE comments SET thread_id = id WHERE id = $1::bigint",
	[ST_COMMENT_GET] =
	    "SELECT " COMMENT_COLS " FROM comments c WHERE c.id = $1::bigint",
	[ST_COMMENT_THREAD_IDS] =
	    "SELECT DISTINCT thread_id FROM comments "
	    "WHERE article_id = $1::bigint AND status = 'approved' "
	    "AND thread_id > $2::bigint ORDER BY thread_id LIMIT $3::bigint",
	[ST_COMMENT_THREAD_ITEMS] =
	    "SELECT c.id, c.article_id, coalesce(c.parent_id, 0), "
	    "c.thread_id, c.depth, "
	    "CASE WHEN c.status = 'approved' THEN c.author ELSE '' END, '', "
	    "CASE WHEN c.status = 'approved' THEN c.url ELSE '' END, '', "
	    "CASE WHEN c.status = 'approved' THEN c.body_html ELSE '' END, "
	    "c.status, '', c.spam_score, c.created_at, c.updated_at "
	    "FROM comments c WHERE c.article_id = $1::bigint "
	    "AND c.thread_id >= $2::bigint AND c.thread_id <= $3::bigint "
	    "ORDER BY c.thread_id, c.id",
	[ST_COMMENT_RECENT] =
	    "SELECT " COMMENT_COLS " FROM comments c "
	    "WHERE c.article_id = $1::bigint AND c.status = 'approved' "
	    "ORDER BY c.id DESC LIMIT $2::bigint",
	[ST_COMMENT_LIST] =
	    "SELECT " COMMENT_COLS " FROM comments c "
	    "WHERE ($1::text IS NULL OR c.status = $1::text) "
	    "AND ($2::bigint = 0 OR c.article_id = $2::bigint) "
	    "ORDER BY c.id DESC LIMIT $3::bigint",
	[ST_COMMENT_SET_STATUS] =
	    "UPDATE comments SET status = $2::text, updated_at = $3::bigint "
	    "WHERE id = $1::bigint",
	[ST_COMMENTER_TRUSTED] =
	    "SELECT 1 FROM trusted_commenters WHERE commenter = $1::text",
	[ST_COMMENTER_TRUST] =
	    "INSERT INTO trusted_commenters (commenter, trusted_at) "
	    "SELECT commenter, $2::bigint FROM comments WHERE id = $1::bigint "
	    "AND commenter <> '' ON CONFLICT (commenter) DO NOTHING",
	[ST_COMMENTER_DISTRUST] =
	    "DELETE FROM trusted_commenters WHERE commenter = "
	    "(SELECT commenter FROM comments WHERE id = $1::bigint)",
	/* As on SQLite (where the cascade recursed once per reply), so an
	 * article's delete does not hang on how a backend runs cascades. */
	[ST_ARTICLE_COMMENTS_UNTHREAD] =
	    "UPDATE comments SET parent_id = NULL "
	    "WHERE article_id = $1::bigint AND parent_id IS NOT NULL",
	[ST_ARTICLE_COMMENT_RECOUNT] =
	    "UPDATE articles SET comment_count = (SELECT count(*) FROM "
	    "comments WHERE article_id = $1::bigint AND status = 'approved') "
	    "WHERE id = $1::bigint",
	[ST_ARTICLE_COMMENT_ADD] =
	    "UPDATE articles SET comment_count = comment_count + $2::bigint "
	    "WHERE id = $1::bigint",
	[ST_CHECK_ARTICLE_TAGS] =
	    "SELECT at.article_id, at.tag_id, a.id IS NULL, t.id IS NULL "
	    "FROM article_tags at LEFT JOIN articles a ON a.id = at.article_id "
	    "LEFT JOIN tags t ON t.id = at.tag_id "
	    "WHERE a.id IS NULL OR t.id IS NULL "
	    "ORDER BY at.article_id, at.tag_id LIMIT $1::bigint",
	[ST_CHECK_COMMENT_PARENT] =
	    "SELECT c.id, c.article_id, p.article_id FROM comments c "
	    "JOIN comments p ON p.id = c.parent_id "
	    "WHERE p.article_id <> c.article_id ORDER BY c.id LIMIT $1::bigint",
	[ST_CHECK_COMMENT_COUNT] =
	    "SELECT id, slug, cc, n FROM (SELECT a.id, a.slug, "
	    "a.comment_count AS cc, (SELECT count(*) FROM comments c "
	    "WHERE c.article_id = a.id AND c.status = 'approved') AS n "
	    "FROM articles a) x WHERE cc <> n ORDER BY id LIMIT $1::bigint",
	/* $1 is pg_search_expr's tsquery text, parsed where it is used (not
	 * once in a CTE, which would hide it from the planner and cost the
	 * GIN index). Ranked ids first (the index finds the matches; ts_rank weighs title A 1.0, summary B
	 * 0.4, tags C 0.2, body D 0.1), then the page's rows, each with a
	 * snippet of the first of body, summary, title and tags that
	 * matches, its terms between \x01 and \x02 as the page expects. */
	[ST_SEARCH] =
	    "WITH hits AS (SELECT a.id, "
	    "ts_rank('{0.1, 0.2, 0.4, 1.0}', a.search, " TSQ ") AS score "
	    "FROM articles a WHERE a.search @@ " TSQ " "
	    "AND a.status IN ('published', 'scheduled') "
	    "AND a.published_at <= $2::bigint "
	    "ORDER BY score DESC, a.id DESC LIMIT $3::bigint OFFSET $4::bigint) "
	    "SELECT a.id, a.slug, a.title, a.summary, a.author, a.status, "
	    "a.published_at, a.created_at, a.updated_at, a.comment_count, "
	    "a.comments_closed, '', '', a.version, coalesce(a.author_id, 0), "
	    "a.body_format, translate(ts_headline('simple'::regconfig, " HL_IN("CASE WHEN " HL_MATCH(
		"a.body_text") " THEN a.body_text "
			       "WHEN " HL_MATCH(
				   "a.summary") " THEN a.summary "
						"WHEN " HL_MATCH(
						    "a.title") " THEN a.title "
							       "WHEN " HL_MATCH(
								   "a.tags_text") " THEN a.tags_text "
										  "ELSE a.body_text END") ", " TSQ
													  ", "
													  "'StartSel=' || chr(1) || ', StopSel=' || chr(2) || "
													  "', MaxWords=32, MinWords=12'), chr(3) || chr(4), '<&') "
													  "FROM hits h JOIN articles a ON a.id = h.id "
													  "ORDER BY h.score DESC, h.id DESC",
	[ST_SEARCH_SET_TEXT] =
	    "UPDATE articles SET body_text = $2::text, "
	    "tags_text = gazette_tags_text($1::bigint) WHERE id = $1::bigint",
	[ST_SEARCH_BACKFILL] =
	    "SELECT id, body_md, body_format FROM articles "
	    "WHERE id > $1::bigint "
	    "AND body_text = body_md AND body_md <> '' ORDER BY id "
	    "LIMIT $2::bigint",
	[ST_ARTICLE_EACH_PUBLIC] =
	    "SELECT id, slug, title, published_at, updated_at FROM articles "
	    "WHERE status IN ('published', 'scheduled') "
	    "AND published_at <= $1::bigint AND published_at >= $2::bigint "
	    "ORDER BY published_at DESC, id DESC "
	    "LIMIT $3::bigint OFFSET $4::bigint",
	/* SQLite's LIKE is ASCII case-insensitive, as ILIKE is here. */
	[ST_ARTICLE_ADMIN_LIST] =
	    "SELECT " ARTICLE_COLS " FROM articles a"
	    " WHERE ($1::text IS NULL OR a.status = $1::text)"
	    " AND ($2::bigint = 0 OR a.author_id = $2::bigint)"
	    " AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM article_tags at"
	    " JOIN tags t ON t.id = at.tag_id"
	    " WHERE at.article_id = a.id AND t.slug = $3::text))"
	    " AND ($4::text IS NULL OR a.title ILIKE $4::text ESCAPE '\\')"
	    " ORDER BY a.updated_at DESC, a.id DESC"
	    " LIMIT $5::bigint OFFSET $6::bigint",
	[ST_ARTICLE_STATUS_COUNT] =
	    "SELECT count(*) FROM articles WHERE status = $1::text "
	    "AND ($2::bigint = 0 OR author_id = $2::bigint)",
	[ST_USER_SET_ROLE] =
	    "UPDATE users SET role = $2::text WHERE id = $1::bigint "
	    "RETURNING id",
	[ST_REDIRECT_ADD] =
	    "INSERT INTO redirects (old_path, article_id) "
	    "VALUES ($1::text, $2::bigint) ON CONFLICT (old_path) "
	    "DO UPDATE SET article_id = excluded.article_id",
	[ST_REDIRECT_GET] =
	    "SELECT article_id FROM redirects WHERE old_path = $1::text",
	[ST_REDIRECT_LIST] =
	    "SELECT old_path FROM redirects WHERE article_id = $1::bigint "
	    "ORDER BY old_path COLLATE \"C\"",
	[ST_ARTICLE_ALL] =
	    "SELECT " ARTICLE_COLS " FROM articles a WHERE $10::int = 1 "
	    "AND a.id > $1::bigint ORDER BY a.id LIMIT $2::bigint",
	[ST_MIGRATION_TABLE_EXISTS] =
	    "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL "
	    "THEN 0 ELSE 1 END",
	[ST_SITE_ROWS] =
	    "SELECT (SELECT count(*) FROM articles) + "
	    "(SELECT count(*) FROM tags) + (SELECT count(*) FROM users) + "
	    "(SELECT count(*) FROM comments) + (SELECT count(*) FROM settings) "
	    "+ (SELECT count(*) FROM sessions) + "
	    "(SELECT count(*) FROM api_tokens) + "
	    "(SELECT count(*) FROM revisions) + "
	    "(SELECT count(*) FROM redirects) + "
	    "(SELECT count(*) FROM spam_tokens) + "
	    "(SELECT count(*) FROM spam_totals) + "
	    "(SELECT count(*) FROM trusted_commenters)",
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
	    "comments_closed, comment_count, version, body_format, body_text, "
	    "author_slug FROM articles ORDER BY id",
	[ST_ARTICLES_LOAD] =
	    "INSERT INTO articles (id, slug, title, summary, body_md, "
	    "body_html, author, author_id, status, published_at, created_at, "
	    "updated_at, comments_closed, comment_count, version, body_format, "
	    "body_text, author_slug) VALUES "
	    "($1::bigint, $2::text, $3::text, $4::text, $5::text, $6::text, "
	    "$7::text, $8::bigint, $9::text, $10::bigint, $11::bigint, "
	    "$12::bigint, $13::int, $14::bigint, $15::bigint, $16::text, "
	    "$17::text, $18::text)",
	[ST_TAGS_DUMP] = "SELECT id, name, slug FROM tags ORDER BY id",
	[ST_TAGS_LOAD] = "INSERT INTO tags (id, name, slug) "
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
	    "updated_at, thread_id, depth, spam_trained, commenter "
	    "FROM comments ORDER BY id",
	[ST_COMMENTS_LOAD] =
	    "INSERT INTO comments (id, article_id, parent_id, author, email, "
	    "url, body_md, body_html, status, client_hash, spam_score, "
	    "created_at, updated_at, thread_id, depth, spam_trained, "
	    "commenter) VALUES "
	    "($1::bigint, $2::bigint, $3::bigint, $4::text, $5::text, "
	    "$6::text, $7::text, $8::text, $9::text, $10::text, $11::float8, "
	    "$12::bigint, $13::bigint, $14::bigint, $15::bigint, $16::text, "
	    "$17::text)",
	[ST_SETTINGS_DUMP] =
	    "SELECT key, value FROM settings ORDER BY key COLLATE \"C\"",
	[ST_SETTINGS_LOAD] =
	    "INSERT INTO settings (key, value) VALUES ($1::text, $2::text)",
	/* The schema declares its foreign keys DEFERRABLE for this. */
	[ST_COPY_DEFER_FKS] = "SET CONSTRAINTS ALL DEFERRED",
	[ST_COPY_RESET_IDS] =
	    "SELECT " RESET_ID("users") ", " RESET_ID("articles") ", " RESET_ID("tags") ", " RESET_ID(
		"comments") ", " RESET_ID("api_tokens") ", " RESET_ID("revisions"),
	[ST_SESSIONS_DUMP] =
	    "SELECT hash, user_id, csrf, created_at, seen_at FROM sessions "
	    "ORDER BY hash COLLATE \"C\"",
	[ST_SESSIONS_LOAD] =
	    "INSERT INTO sessions (hash, user_id, csrf, created_at, seen_at) "
	    "VALUES ($1::text, $2::bigint, $3::text, $4::bigint, $5::bigint)",
	[ST_API_TOKENS_DUMP] =
	    "SELECT id, user_id, hash, created_at, used_at, revoked_at "
	    "FROM api_tokens ORDER BY id",
	[ST_API_TOKENS_LOAD] =
	    "INSERT INTO api_tokens (id, user_id, hash, created_at, used_at, "
	    "revoked_at) VALUES ($1::bigint, $2::bigint, $3::text, "
	    "$4::bigint, $5::bigint, $6::bigint)",
	[ST_REVISIONS_DUMP] = "SELECT " REV_COLS " FROM revisions ORDER BY id",
	[ST_REVISIONS_LOAD] =
	    "INSERT INTO revisions (" REV_COLS ") VALUES ($1::bigint, "
	    "$2::bigint, $3::bigint, $4::text, $5::text, $6::text, $7::text, "
	    "$8::text, $9::text, $10::text, $11::bigint, $12::bigint, "
	    "$13::text)",
	[ST_REDIRECTS_DUMP] =
	    "SELECT old_path, article_id FROM redirects "
	    "ORDER BY old_path COLLATE \"C\"",
	[ST_REDIRECTS_LOAD] =
	    "INSERT INTO redirects (old_path, article_id) "
	    "VALUES ($1::text, $2::bigint)",
	/* tags_text is derived (not in the dump): rebuilt from the copied
	 * tags once they are all in. */
	[ST_COPY_TAGS_TEXT] =
	    "UPDATE articles SET tags_text = gazette_tags_text(id) "
	    "WHERE tags_text <> gazette_tags_text(id)",
	[ST_COMMENT_ARTICLE_PAGE] =
	    "SELECT " COMMENT_COLS " FROM comments c "
	    "WHERE c.article_id = $1::bigint "
	    "AND ($2::text IS NULL OR c.status = $2::text) "
	    "AND c.id > $3::bigint ORDER BY c.id LIMIT $4::bigint",
	[ST_COMMENT_EDIT] =
	    "UPDATE comments SET author = $2::text, url = $3::text, "
	    "body_md = $4::text, body_html = $5::text, "
	    "updated_at = $6::bigint WHERE id = $1::bigint",
	[ST_COMMENT_SET_UPDATED] =
	    "UPDATE comments SET updated_at = $2::bigint WHERE id = $1::bigint",
	[ST_ARTICLE_NEXT_PUBLIC] =
	    "SELECT coalesce(min(published_at), 0) FROM articles WHERE "
	    "status IN ('published', 'scheduled') AND published_at > $1::bigint",
	[ST_COMMENT_QUEUE] =
	    "SELECT " COMMENT_COLS ", a.slug, a.title, a.status, "
	    "a.published_at, c.spam_trained FROM comments c "
	    "JOIN articles a ON a.id = c.article_id "
	    "WHERE c.status = $1::text "
	    "AND ($2::bigint = 0 OR c.id < $2::bigint) "
	    "ORDER BY c.id DESC LIMIT $3::bigint",
	[ST_COMMENT_COUNT_STATUS] =
	    "SELECT count(*) FROM comments WHERE status = $1::text",
	[ST_COMMENT_TRAINED_GET] =
	    "SELECT spam_trained FROM comments WHERE id = $1::bigint",
	[ST_COMMENT_TRAINED_SET] =
	    "UPDATE comments SET spam_trained = $2::text WHERE id = $1::bigint",
	[ST_SPAM_TOTALS_GET] = "SELECT ham, spam FROM spam_totals WHERE id = 1",
	[ST_SPAM_TOTALS_ADD] =
	    "INSERT INTO spam_totals (id, ham, spam) VALUES (1, "
	    "greatest($1::bigint, 0), greatest($2::bigint, 0)) "
	    "ON CONFLICT (id) DO UPDATE SET "
	    "ham = greatest(spam_totals.ham + $1::bigint, 0), "
	    "spam = greatest(spam_totals.spam + $2::bigint, 0)",
	[ST_SPAM_TOKENS_GET] =
	    "SELECT token, ham, spam FROM spam_tokens WHERE token IN ("
	    "$1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, "
	    "$9::text, $10::text, $11::text, $12::text, $13::text, $14::text, $15::text, $16::text, "
	    "$17::text, $18::text, $19::text, $20::text, $21::text, $22::text, $23::text, $24::text, "
	    "$25::text, $26::text, $27::text, $28::text, $29::text, $30::text, $31::text, $32::text)",
	[ST_SPAM_TOKEN_ADD] =
	    "INSERT INTO spam_tokens (token, ham, spam) VALUES ($1::text, "
	    "greatest($2::bigint, 0), greatest($3::bigint, 0)) "
	    "ON CONFLICT (token) DO UPDATE SET "
	    "ham = greatest(spam_tokens.ham + $2::bigint, 0), "
	    "spam = greatest(spam_tokens.spam + $3::bigint, 0)",
	[ST_SPAM_TOKENS_DUMP] =
	    "SELECT token, ham, spam FROM spam_tokens "
	    "ORDER BY token COLLATE \"C\"",
	[ST_SPAM_TOKENS_LOAD] =
	    "INSERT INTO spam_tokens (token, ham, spam) VALUES ($1::text, "
	    "$2::bigint, $3::bigint)",
	[ST_SPAM_TOTALS_DUMP] =
	    "SELECT id, ham, spam FROM spam_totals ORDER BY id",
	[ST_SPAM_TOTALS_LOAD] =
	    "INSERT INTO spam_totals (id, ham, spam) VALUES ($1::bigint, "
	    "$2::bigint, $3::bigint)",
	[ST_TRUSTED_COMMENTERS_DUMP] =
	    "SELECT commenter, trusted_at FROM trusted_commenters "
	    "ORDER BY commenter COLLATE \"C\"",
	[ST_TRUSTED_COMMENTERS_LOAD] =
	    "INSERT INTO trusted_commenters (commenter, trusted_at) "
	    "VALUES ($1::text, $2::bigint)",
	/* Readers' listings (store_article_list with public set): on
	 * PostgreSQL the general statements, whose planner copes with the
	 * optional filters; SQLite has its own shapes for its planner. */
	[ST_ARTICLE_LIST_PUBLIC] =
	    "SELECT " ARTICLE_COLS " FROM articles a" LIST_WHERE,
	[ST_ARTICLE_LIST_TAG_PUBLIC] =
	    "SELECT " ARTICLE_COLS " FROM articles a "
	    "JOIN article_tags at ON at.article_id = a.id "
	    "JOIN tags t ON t.id = at.tag_id AND t.slug = $11::text" LIST_WHERE,
	[ST_ARTICLE_LIST_AUTHOR_PUBLIC] =
	    "SELECT " ARTICLE_COLS " FROM articles a" LIST_WHERE,
	[ST_ARTICLE_LIST_AUTHOR_SLUG_PUBLIC] =
	    "SELECT " ARTICLE_COLS " FROM articles a" LIST_WHERE,
	[ST_AUTHOR_SLUG_MISSING] =
	    "SELECT DISTINCT author FROM articles WHERE author_slug = '' "
	    "AND author <> '' AND author > $2::text ORDER BY author "
	    "LIMIT $1::bigint",
	[ST_AUTHOR_SLUG_SET] =
	    "UPDATE articles SET author_slug = $2::text "
	    "WHERE author = $1::text",
	[ST_ARTICLE_NEXT_ID] =
	    "SELECT nextval(pg_get_serial_sequence('articles', 'id'))",
	/* The tag row stays locked until the writer's link to it commits,
	 * so ST_TAG_PRUNE in another transaction leaves it alone. */
	[ST_TAG_ID] = "SELECT id FROM tags WHERE slug = $1::text "
		      "FOR KEY SHARE",
	/* Writers run side by side here: a tag another transaction is
	 * linking (its ST_TAG_ID or the link's foreign key check holds the
	 * row) is skipped, not deleted under it with the link cascading
	 * away at its commit. The NOT EXISTS sees committed links only;
	 * the lock covers the uncommitted ones. */
	[ST_TAG_PRUNE] =
	    "DELETE FROM tags WHERE id = (SELECT t.id FROM tags t "
	    "WHERE t.id = $1::bigint AND NOT EXISTS "
	    "(SELECT 1 FROM article_tags at WHERE at.tag_id = t.id) "
	    "FOR UPDATE SKIP LOCKED)",
	[ST_SESSION_DELETE_USER] =
	    "DELETE FROM sessions WHERE user_id = $1::bigint",
	[ST_TOKEN_REVOKE_USER] =
	    "UPDATE api_tokens SET revoked_at = $2::bigint "
	    "WHERE user_id = $1::bigint AND revoked_at = 0",
};

_Static_assert(sizeof(sql) / sizeof(sql[0]) == ST__MAX,
    "postgresql statement table out of step with enum stmt");

struct conn {
	PGconn *pg;
	bool	prepared[ST__MAX];
	bool	in_tx;
	char   *pbuf; /* parameter text, reused */
	size_t	pcap;
	char	err[512];
};

/* Keeps the first line only: log lines and command errors are one line
 * each, and libpq's later lines are hints ("This probably means..."). */
static void
set_err(struct conn *c, const char *msg)
{
	size_t n;

	snprintf(c->err, sizeof(c->err), "%s",
	    msg && *msg ? msg : "unknown PostgreSQL error");
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
	if (strcmp(state, "57014") == 0) /* statement_timeout */
		return STORE_TIMEOUT;
	return STORE_ERROR;
}

/* An error result (or NULL: the connection failed) to store_err. */
static enum store_err
map_res(struct conn *c, PGresult *res)
{
	if (res == NULL) {
		set_err(c, PQerrorMessage(c->pg));
		return PQstatus(c->pg) == CONNECTION_BAD ?
		    STORE_IO :
		    STORE_ERROR;
	}
	set_err(c,
	    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) ?
		PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) :
		PQresultErrorMessage(res));
	return map_state(c, PQresultErrorField(res, PG_DIAG_SQLSTATE));
}

static void
notice_quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg; /* "relation ... already exists, skipping" and such */
}

static void *
pg_open(const char *url, char *err, size_t errlen)
{
	/* Defaults first: whatever the URL says overrides them. lock_timeout
	 * plays SQLite's busy timeout (55P03 is STORE_BUSY). */
	const char *const keys[] = { "client_encoding", "options",
		"fallback_application_name", "connect_timeout", "dbname",
		NULL };
	const char *const vals[] = { "UTF8",
		"-c lock_timeout=5s -c client_min_messages=warning", "gazette",
		"10", url, NULL };
	char		  shown[256], said[512];
	struct conn	 *c;
	size_t		  i;

	store_url_printable(url, shown, sizeof(shown));
	for (i = 0; i < ST__MAX; i++)
		if (sql[i] == NULL) {
			snprintf(err, errlen,
			    "cannot open '%s': statement %zu "
			    "has no PostgreSQL text",
			    shown, i);
			return NULL;
		}
	c = xcalloc(1, sizeof(*c));
	c->pg = PQconnectdbParams(keys, vals, 1);
	if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
		/* libpq quotes a URL it cannot parse, password and all. */
		snprintf(err, errlen, "cannot open '%s': %s", shown,
		    c->pg ? store_url_scrub(url, PQerrorMessage(c->pg), said,
				sizeof(said)) :
			    "out of memory");
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
	PGresult      *res = PQexec(c->pg, text);
	enum store_err e = STORE_OK;
	ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		e = map_res(c, res);
	PQclear(res);
	return e;
}

/* Lays the parameters out as NUL-terminated text in c->pbuf. */
static enum store_err
params_text(struct conn *c, const struct sval *p, size_t np, const char **vals,
    Oid *types)
{
	size_t need = 0, off = 0, k;
	size_t offs[MAXPARAMS];
	int    n;

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
				snprintf(c->err, sizeof(c->err),
				    "parameter "
				    "%zu contains a NUL byte",
				    k + 1);
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
	struct sval    cols[STORE_MAXCOLS];
	const char    *vals[MAXPARAMS];
	Oid	       types[MAXPARAMS];
	char	       name[16];
	PGresult      *res;
	enum store_err e;
	bool	       stopped = row == NULL;
	int	       i, ncol;

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
			/* Our own statements: more columns is our bug. */
			assert(ncol <= STORE_MAXCOLS);
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
	struct conn   *c = conn;
	bool	       delivered = false;
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
	struct conn   *c = conn;
	enum store_err e;

	if ((e = pg_ready(c)) != STORE_OK)
		return e;
	return pg_simple(c, text);
}

static enum store_err
pg_begin(void *conn)
{
	struct conn   *c = conn;
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
	struct conn   *c = conn;
	PGresult      *res = PQexec(c->pg, "COMMIT");
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
		return STORE_OK; /* nothing left to roll back */
	return pg_simple(c, "ROLLBACK");
}

/* A time budget is statement_timeout, which counts lock waits too
 * (57014 is STORE_TIMEOUT). Set for the session and RESET after, rather
 * than SET LOCAL: the search runs outside a transaction, and a BEGIN and
 * COMMIT around it would cost as many round trips. RESET restores what
 * the URL's options or the role say, if anything. */
static enum store_err
pg_budget(void *conn, int64_t ms)
{
	struct conn   *c = conn;
	char	       q[64];
	enum store_err e;

	if ((e = pg_ready(c)) != STORE_OK)
		return e;
	if (ms <= 0)
		return pg_simple(c, "RESET statement_timeout");
	snprintf(q, sizeof(q), "SET statement_timeout = %lld", (long long)ms);
	return pg_simple(c, q);
}

/* lock_timeout is off for this wait only: a migration may take longer
 * than 5 s on a large site, and the next node must wait for it. */
static enum store_err
pg_lock_migrations(void *conn)
{
	return pg_simple(conn,
	    "SET LOCAL lock_timeout = 0; "
	    "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ")");
}

/* The keys to every node's listener (store-pg-listen.c), on this
 * connection: inside a transaction PostgreSQL queues them and delivers
 * them at COMMIT, the moment the change is visible, or drops them with a
 * rollback. */
static enum store_err
pg_notify(void *conn, const char *const *keys, size_t n)
{
	struct conn		*c = conn;
	static const char *const all[] = { "site" };
	char			 payload[PG_PAYLOAD_MAX + 1];
	const char		*vals[2] = { PG_CHANGE_CHANNEL, payload };
	PGresult		*res;
	enum store_err		 e;
	size_t			 used = 0, i, k;

	for (i = 0; i < n; i++)
		used += strlen(keys[i]) + 1;
	if (used > sizeof(payload)) {
		keys = all; /* too many to name: everything */
		n = 1;
	}
	for (i = 0, used = 0; i < n; i++) {
		k = strlen(keys[i]);
		if (i > 0)
			payload[used++] = ' ';
		memcpy(payload + used, keys[i], k);
		used += k;
	}
	payload[used] = '\0';
	if ((e = pg_ready(c)) != STORE_OK)
		return e;
	res = PQexecParams(c->pg, "SELECT pg_notify($1, $2)", 2, NULL, vals,
	    NULL, NULL, 0);
	e = STORE_OK;
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK)
		e = map_res(c, res);
	PQclear(res);
	return e;
}

/* --- operations: check ------------------------------------------------ */

/* One number from a query of our own (the check's, not the statement
 * table's); -1 when it could not run. */
static int64_t
pg_count(struct conn *c, const char *q)
{
	PGresult *res = PQexec(c->pg, q);
	int64_t	  n = -1;

	if (res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK &&
	    PQntuples(res) == 1)
		n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	else
		map_res(c, res);
	PQclear(res);
	return n;
}

/* What SQLite's check reads for itself has no PostgreSQL twin that
 * gazette should run: page checksums and index verification belong to the
 * server's administrator (pg_amcheck), and foreign keys cannot be switched
 * off by a connection as SQLite's can. Those are reported as not
 * applicable, plainly. The search part is real: the tsvector column is
 * generated from the columns it reads, so it cannot drift, but tags_text
 * (kept by triggers) can be compared with the tags. */
static enum store_err
pg_check(void *conn, unsigned what, store_check_fn fn, void *ctx, unsigned *np)
{
	struct conn   *c = conn;
	enum store_err e;
	int64_t	       n;

	if ((e = pg_ready(c)) != STORE_OK)
		return e;
	if (what & STORE_CHECK_INTEGRITY)
		store_report(fn, ctx, np, false,
		    "database file check: not "
		    "applicable on PostgreSQL (the server keeps its own "
		    "files; its administrator can run pg_amcheck)");
	if (what & STORE_CHECK_KEYS)
		store_report(fn, ctx, np, false,
		    "foreign keys: enforced by "
		    "PostgreSQL on every write (nothing to check)");
	if (what & STORE_CHECK_SEARCH) {
		n = pg_count(c,
		    "SELECT count(*) FROM articles "
		    "WHERE tags_text <> gazette_tags_text(id)");
		if (n < 0)
			return STORE_ERROR;
		if (n > 0)
			store_report(fn, ctx, np, true,
			    "the search text of "
			    "%lld article(s) is out of step with their tags; "
			    "rebuild it with \"UPDATE articles SET tags_text "
			    "= gazette_tags_text(id)\"",
			    (long long)n);
		else
			store_report(fn, ctx, np, false,
			    "search index "
			    "articles.search: in step (generated from the "
			    "articles; tag text matches the tags)");
	}
	return STORE_OK;
}

/* One term as a tsquery operand: quoted, so that nothing a reader types
 * is tsquery syntax (&, |, !, <->, :*, parentheses), with ' doubled and \
 * escaped as tsquery input wants. to_tsquery then splits the quoted text
 * into lexemes as the index did (several make a phrase, <->). */
static void
tsq_string(struct buf *b, const struct search_term *t)
{
	size_t i;

	buf_putc(b, '\'');
	for (i = 0; i < t->len; i++) {
		if (t->text[i] == '\'' || t->text[i] == '\\')
			buf_putc(b, t->text[i]);
		buf_putc(b, t->text[i]);
	}
	buf_putc(b, '\'');
	if (t->prefix)
		buf_puts(b, ":*");
}

/* ('a' & 'b':* & 'c d') & !('e') & !('f g'): the same meaning as the
 * SQLite driver's FTS5 expression, for to_tsquery('simple', ...). An
 * empty quoted string is tsquery syntax error, so a term without text
 * (the parser gives none) is left out rather than quoted. */
static void
pg_search_expr(const struct search_query *q, struct buf *out)
{
	const struct search_term *t;
	size_t			  i, k = 0;

	buf_putc(out, '(');
	for (i = 0; i < q->n; i++) {
		t = &q->terms[i];
		if (t->exclude || t->len == 0)
			continue;
		if (k++)
			buf_puts(out, " & ");
		tsq_string(out, t);
	}
	if (k == 0) /* never (the parser keeps a positive term): and
			 * then a syntax error, not a match-all */
		buf_puts(out, "''");
	buf_putc(out, ')');
	for (i = 0; i < q->n; i++) {
		t = &q->terms[i];
		if (!t->exclude || t->len == 0)
			continue;
		buf_puts(out, " & !(");
		tsq_string(out, t);
		buf_putc(out, ')');
	}
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
	.check = pg_check,
	.search_expr = pg_search_expr,
	.budget = pg_budget,
	.lock_migrations = pg_lock_migrations,
	.notify = pg_notify,
	.listen_start = pg_listen_start,
	.listen_stop = pg_listen_stop,
	.migrations = migrations_pg,
	.nmigrations = &migrations_pg_n,
};
