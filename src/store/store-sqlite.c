/* store-sqlite.c: the SQLite driver behind store-int.h.
 *
 * One sqlite3 handle per struct store, in WAL mode with synchronous=FULL:
 * a COMMIT that returned is on disk, which is what lets gazette acknowledge
 * a comment only after its transaction commits. Statements are prepared
 * once per connection, on first use, and reset after each run. */
#include <assert.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "search/query.h"
#include "store/store-int.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/xalloc.h"

/* How long a statement waits for another connection's lock. */
#define SQ_BUSY_MS 5000
/* Virtual machine steps between two looks at a time budget's clock. */
#define SQ_PROGRESS_OPS 1000

#define ARTICLE_COLS \
	"a.id, a.slug, a.title, a.summary, a.author, a.status, " \
	"a.published_at, a.created_at, a.updated_at, a.comment_count, " \
	"a.comments_closed, " \
	"CASE WHEN ?10 THEN a.body_md ELSE '' END, " \
	"CASE WHEN ?10 THEN a.body_html ELSE '' END, " \
	"a.version, coalesce(a.author_id, 0), a.body_format"

#define COMMENT_COLS \
	"c.id, c.article_id, coalesce(c.parent_id, 0), c.thread_id, " \
	"c.depth, c.author, c.email, c.url, c.body_md, c.body_html, " \
	"c.status, c.client_hash, c.spam_score, c.created_at, c.updated_at"

#define LIST_REST \
	" AND (?3 IS NULL OR a.author = ?3)" \
	" AND (?14 IS NULL OR a.author_slug = ?14)" \
	" AND (?12 IS NULL OR a.status = ?12)" \
	" AND (?13 = 0 OR a.author_id = ?13)" \
	" AND (?5 = 0 OR (a.published_at >= ?4 AND a.published_at < ?5))" \
	" AND (?7 = 0 OR a.published_at < ?6 OR " \
	"(a.published_at = ?6 AND a.id < ?7))" \
	" ORDER BY a.published_at DESC, a.id DESC LIMIT ?8 OFFSET ?9"
#define LIST_WHERE \
	" WHERE (?1 = 0 OR (a.status IN ('published', 'scheduled') " \
	"AND a.published_at <= ?2))" LIST_REST

#define PUBLIC_WHERE \
	" WHERE a.status IN ('published', 'scheduled')" \
	" AND a.published_at <= ?2 AND ?1 = 1" LIST_REST
#define PUBLIC_WHERE_AUTHOR \
	" WHERE a.status IN ('published', 'scheduled')" \
	" AND a.author = ?3 AND a.published_at <= ?2 AND ?1 = 1" LIST_REST
#define PUBLIC_WHERE_AUTHOR_SLUG \
	" WHERE a.status IN ('published', 'scheduled')" \
	" AND a.author_slug = ?14 AND a.published_at <= ?2 AND ?1 = 1" LIST_REST

static const char *const sql[] = {
	[ST_MIGRATION_VERSION] =
	    "SELECT coalesce(max(version), 0) FROM schema_migrations",
	[ST_MIGRATION_APPLIED] = "SELECT version FROM schema_migrations",
	[ST_MIGRATION_RECORD] =
	    "INSERT INTO schema_migrations (version, name, applied_at) "
	    "VALUES (?1, ?2, ?3)",
	[ST_SETTING_GET] = "SELECT value FROM settings WHERE key = ?1",
	[ST_SETTING_SET] =
	    "INSERT INTO settings (key, value) VALUES (?1, ?2) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	/* Id ?15 from ST_ARTICLE_NEXT_ID, its tags already linked: the
	 * text of its tags as ST_SEARCH_SET_TEXT makes it. */
	[ST_ARTICLE_INSERT] =
	    "INSERT INTO articles (id, slug, title, summary, body_md, "
	    "body_html, author, status, published_at, created_at, "
	    "updated_at, comments_closed, author_id, body_format, body_text, "
	    "author_slug, tags_text) VALUES (?15, ?1, ?2, ?3, ?4, ?5, ?6, ?7, "
	    "?8, ?9, ?10, ?11, nullif(?12, 0), ?13, ?14, ?16, "
	    "(SELECT coalesce(group_concat(t.name, ' '), '') "
	    "FROM article_tags at JOIN tags t ON t.id = at.tag_id "
	    "WHERE at.article_id = ?15)) RETURNING id",
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
	/* What ST_TAG_LIST would list of it: a tag only a draft, a future
	 * article or nobody carries is no tag to readers. */
	[ST_TAG_BY_SLUG] =
	    "SELECT t.name, t.slug, count(*) FROM tags t "
	    "JOIN article_tags at ON at.tag_id = t.id "
	    "JOIN articles a ON a.id = at.article_id "
	    "WHERE t.slug = ?1 AND a.status IN ('published', 'scheduled') "
	    "AND a.published_at <= ?2 GROUP BY t.id",
#define USER_COLS \
	"u.id, u.name, u.display_name, u.role, u.pw_hash, u.created_at"
	[ST_USER_ADD] =
	    "INSERT INTO users (name, display_name, role, pw_hash, created_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
	[ST_USER_BY_NAME] =
	    "SELECT " USER_COLS " FROM users u WHERE u.name = ?1",
	[ST_USER_BY_ID] = "SELECT " USER_COLS " FROM users u WHERE u.id = ?1",
	[ST_USER_LIST] = "SELECT " USER_COLS " FROM users u ORDER BY u.name",
	[ST_USER_SET_PASSWORD] =
	    "UPDATE users SET pw_hash = ?2 WHERE id = ?1 RETURNING id",
	[ST_USER_REMOVE] = "DELETE FROM users WHERE id = ?1 RETURNING id",
	[ST_USER_COUNT_ROLE] = "SELECT count(*) FROM users WHERE role = ?1",
	[ST_TOKEN_ADD] = "INSERT INTO api_tokens (user_id, hash, created_at) "
			 "VALUES (?1, ?2, ?3) RETURNING id",
	[ST_TOKEN_USER] =
	    "SELECT " USER_COLS " FROM api_tokens t "
	    "JOIN users u ON u.id = t.user_id "
	    "WHERE t.hash = ?1 AND t.revoked_at = 0",
	[ST_TOKEN_REVOKE] =
	    "UPDATE api_tokens SET revoked_at = ?2 "
	    "WHERE id = ?1 AND revoked_at = 0 RETURNING id",
	[ST_TOKEN_LIST] =
	    "SELECT t.id, u.name, t.created_at, t.revoked_at FROM api_tokens t "
	    "JOIN users u ON u.id = t.user_id ORDER BY t.id",
	[ST_SESSION_ADD] =
	    "INSERT INTO sessions (hash, user_id, csrf, created_at, seen_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?4)",
	[ST_SESSION_GET] =
	    "SELECT " USER_COLS ", s.csrf, s.created_at, s.seen_at "
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE s.hash = ?1",
	[ST_SESSION_TOUCH] = "UPDATE sessions SET seen_at = ?2 WHERE hash = ?1",
	[ST_SESSION_DELETE] = "DELETE FROM sessions WHERE hash = ?1",
	[ST_SESSION_PURGE] =
	    "DELETE FROM sessions WHERE seen_at < ?1 OR created_at < ?2",
	[ST_ARTICLE_BY_ID] =
	    "SELECT " ARTICLE_COLS " FROM articles a WHERE a.id = ?1 "
	    "AND ?10 = 1",
	[ST_ARTICLE_UPDATE] =
	    "UPDATE articles SET slug = ?2, title = ?3, summary = ?4, "
	    "body_md = ?5, body_html = ?6, author = ?7, status = ?8, "
	    "published_at = ?9, updated_at = ?10, comments_closed = ?11, "
	    "body_format = ?13, author_slug = ?14, "
	    "version = version + 1 WHERE id = ?1 AND version = ?12 "
	    "RETURNING version",
	[ST_ARTICLE_TAGS_CLEAR] =
	    "DELETE FROM article_tags WHERE article_id = ?1 RETURNING tag_id",
	[ST_ARTICLE_DELETE] = "DELETE FROM articles WHERE id = ?1 RETURNING id",
	[ST_REVISION_ADD] =
	    "INSERT INTO revisions (article_id, version, editor, title, slug, "
	    "summary, body_md, tags, status, published_at, created_at, "
	    "body_format) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
#define REV_COLS \
	"id, article_id, version, editor, title, slug, summary, " \
	"body_md, tags, status, published_at, created_at, body_format"
	[ST_REVISION_LIST] =
	    "SELECT " REV_COLS " FROM revisions WHERE article_id = ?1 "
	    "ORDER BY version DESC",
	[ST_REVISION_GET] = "SELECT " REV_COLS " FROM revisions WHERE id = ?1",
	[ST_COMMENT_INSERT] =
	    "INSERT INTO comments (article_id, parent_id, thread_id, depth, "
	    "author, email, url, body_md, body_html, status, client_hash, "
	    "spam_score, created_at, updated_at, commenter) VALUES (?1, ?2, "
	    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14) "
	    "RETURNING id",
	[ST_COMMENT_SET_THREAD] =
	    "UPDATE comments SET thread_id = id WHERE id = ?1",
	[ST_COMMENT_GET] =
	    "SELECT " COMMENT_COLS " FROM comments c WHERE c.id = ?1",
	[ST_COMMENT_THREAD_IDS] =
	    "SELECT DISTINCT thread_id FROM comments WHERE article_id = ?1 "
	    "AND status = 'approved' AND thread_id > ?2 "
	    "ORDER BY thread_id LIMIT ?3",
	/* Every status, so that a removed comment with approved replies can
	 * hold their place; only approved ones carry their text out. */
	[ST_COMMENT_THREAD_ITEMS] =
	    "SELECT c.id, c.article_id, coalesce(c.parent_id, 0), "
	    "c.thread_id, c.depth, "
	    "CASE WHEN c.status = 'approved' THEN c.author ELSE '' END, '', "
	    "CASE WHEN c.status = 'approved' THEN c.url ELSE '' END, '', "
	    "CASE WHEN c.status = 'approved' THEN c.body_html ELSE '' END, "
	    "c.status, '', c.spam_score, c.created_at, c.updated_at "
	    "FROM comments c WHERE c.article_id = ?1 "
	    "AND c.thread_id >= ?2 AND c.thread_id <= ?3 "
	    "ORDER BY c.thread_id, c.id",
	[ST_COMMENT_RECENT] =
	    "SELECT " COMMENT_COLS " FROM comments c WHERE c.article_id = ?1 "
	    "AND c.status = 'approved' ORDER BY c.id DESC LIMIT ?2",
	[ST_COMMENT_LIST] =
	    "SELECT " COMMENT_COLS " FROM comments c "
	    "WHERE (?1 IS NULL OR c.status = ?1) "
	    "AND (?2 = 0 OR c.article_id = ?2) ORDER BY c.id DESC LIMIT ?3",
	[ST_COMMENT_SET_STATUS] =
	    "UPDATE comments SET status = ?2, updated_at = ?3 WHERE id = ?1",
	[ST_COMMENTER_TRUSTED] =
	    "SELECT 1 FROM trusted_commenters WHERE commenter = ?1",
	[ST_COMMENTER_TRUST] =
	    "INSERT INTO trusted_commenters (commenter, trusted_at) "
	    "SELECT commenter, ?2 FROM comments WHERE id = ?1 "
	    "AND commenter <> '' ON CONFLICT (commenter) DO NOTHING",
	[ST_COMMENTER_DISTRUST] =
	    "DELETE FROM trusted_commenters WHERE commenter = "
	    "(SELECT commenter FROM comments WHERE id = ?1)",
	/* Before the article goes: its comments then cascade one level,
	 * where a chain of replies cascaded once per reply (SQLite stops
	 * at 1,000 levels of triggers). */
	[ST_ARTICLE_COMMENTS_UNTHREAD] =
	    "UPDATE comments SET parent_id = NULL WHERE article_id = ?1 "
	    "AND parent_id IS NOT NULL",
	[ST_ARTICLE_COMMENT_RECOUNT] =
	    "UPDATE articles SET comment_count = (SELECT count(*) FROM "
	    "comments WHERE article_id = ?1 AND status = 'approved') "
	    "WHERE id = ?1",
	[ST_ARTICLE_COMMENT_ADD] =
	    "UPDATE articles SET comment_count = comment_count + ?2 "
	    "WHERE id = ?1",
	[ST_CHECK_ARTICLE_TAGS] =
	    "SELECT at.article_id, at.tag_id, a.id IS NULL, t.id IS NULL "
	    "FROM article_tags at LEFT JOIN articles a ON a.id = at.article_id "
	    "LEFT JOIN tags t ON t.id = at.tag_id "
	    "WHERE a.id IS NULL OR t.id IS NULL "
	    "ORDER BY at.article_id, at.tag_id LIMIT ?1",
	[ST_CHECK_COMMENT_PARENT] =
	    "SELECT c.id, c.article_id, p.article_id FROM comments c "
	    "JOIN comments p ON p.id = c.parent_id "
	    "WHERE p.article_id <> c.article_id ORDER BY c.id LIMIT ?1",
	[ST_CHECK_COMMENT_COUNT] =
	    "SELECT id, slug, cc, n FROM (SELECT a.id, a.slug, "
	    "a.comment_count AS cc, (SELECT count(*) FROM comments c "
	    "WHERE c.article_id = a.id AND c.status = 'approved') AS n "
	    "FROM articles a) x WHERE cc <> n ORDER BY id LIMIT ?1",
	/* Ranked ids first, from the index alone: reading each article row
	 * (bodies and all) for every match before sorting is what made
	 * common words slow. Visibility comes from the covering index
	 * articles_visible (the planner would read the table rows); the
	 * page's rows and snippets are then fetched for the few ids kept. bm25 weights in column order: title, summary,
	 * body, tags. */
	[ST_SEARCH] =
	    "WITH hits AS (SELECT f.rowid AS id, "
	    "bm25(articles_fts, 10.0, 4.0, 1.0, 2.0) AS score "
	    "FROM articles_fts f "
	    "JOIN articles v INDEXED BY articles_visible ON v.id = f.rowid "
	    "WHERE articles_fts MATCH ?1 "
	    "AND v.status IN ('published', 'scheduled') "
	    "AND v.published_at <= ?2 "
	    "ORDER BY score, f.rowid DESC LIMIT ?3 OFFSET ?4) "
	    "SELECT a.id, a.slug, a.title, a.summary, a.author, a.status, "
	    "a.published_at, a.created_at, a.updated_at, a.comment_count, "
	    "a.comments_closed, '', '', a.version, coalesce(a.author_id, 0), "
	    "a.body_format, (SELECT snippet(articles_fts, -1, char(1), char(2), '…', 32) "
	    "FROM articles_fts WHERE articles_fts MATCH ?1 "
	    "AND rowid = h.id) "
	    "FROM hits h JOIN articles a ON a.id = h.id "
	    "ORDER BY h.score, h.id DESC",
	[ST_SEARCH_SET_TEXT] =
	    "UPDATE articles SET body_text = ?2, tags_text = "
	    "(SELECT coalesce(group_concat(t.name, ' '), '') "
	    "FROM article_tags at JOIN tags t ON t.id = at.tag_id "
	    "WHERE at.article_id = ?1) WHERE id = ?1",
	/* The migration put the Markdown where the plain text goes. */
	[ST_SEARCH_BACKFILL] =
	    "SELECT id, body_md, body_format FROM articles WHERE id > ?1 "
	    "AND body_text = body_md AND body_md <> '' ORDER BY id LIMIT ?2",
	[ST_ARTICLE_EACH_PUBLIC] =
	    "SELECT id, slug, title, published_at, updated_at FROM articles "
	    "WHERE status IN ('published', 'scheduled') "
	    "AND published_at <= ?1 AND published_at >= ?2 "
	    "ORDER BY published_at DESC, id DESC LIMIT ?3 OFFSET ?4",
	[ST_ARTICLE_ADMIN_LIST] =
	    "SELECT " ARTICLE_COLS " FROM articles a"
	    " WHERE (?1 IS NULL OR a.status = ?1)"
	    " AND (?2 = 0 OR a.author_id = ?2)"
	    " AND (?3 IS NULL OR EXISTS (SELECT 1 FROM article_tags at"
	    " JOIN tags t ON t.id = at.tag_id"
	    " WHERE at.article_id = a.id AND t.slug = ?3))"
	    " AND (?4 IS NULL OR a.title LIKE ?4 ESCAPE '\\')"
	    " ORDER BY a.updated_at DESC, a.id DESC LIMIT ?5 OFFSET ?6",
	[ST_ARTICLE_STATUS_COUNT] =
	    "SELECT count(*) FROM articles WHERE status = ?1 "
	    "AND (?2 = 0 OR author_id = ?2)",
	[ST_USER_SET_ROLE] =
	    "UPDATE users SET role = ?2 WHERE id = ?1 RETURNING id",
	[ST_REDIRECT_ADD] =
	    "INSERT INTO redirects (old_path, article_id) VALUES (?1, ?2) "
	    "ON CONFLICT (old_path) DO UPDATE SET article_id = excluded.article_id",
	[ST_REDIRECT_GET] =
	    "SELECT article_id FROM redirects WHERE old_path = ?1",
	[ST_REDIRECT_LIST] =
	    "SELECT old_path FROM redirects WHERE article_id = ?1 "
	    "ORDER BY old_path",
	[ST_ARTICLE_ALL] =
	    "SELECT " ARTICLE_COLS " FROM articles a WHERE ?10 = 1 "
	    "AND a.id > ?1 ORDER BY a.id LIMIT ?2",
	[ST_COMMENT_ARTICLE_PAGE] =
	    "SELECT " COMMENT_COLS " FROM comments c WHERE c.article_id = ?1 "
	    "AND (?2 IS NULL OR c.status = ?2) AND c.id > ?3 "
	    "ORDER BY c.id LIMIT ?4",
	[ST_COMMENT_EDIT] =
	    "UPDATE comments SET author = ?2, url = ?3, body_md = ?4, "
	    "body_html = ?5, updated_at = ?6 WHERE id = ?1",
	[ST_COMMENT_SET_UPDATED] =
	    "UPDATE comments SET updated_at = ?2 WHERE id = ?1",
	[ST_ARTICLE_NEXT_PUBLIC] =
	    "SELECT coalesce(min(published_at), 0) FROM articles WHERE "
	    "status IN ('published', 'scheduled') AND published_at > ?1",
	/* Newest first by id, a page at a time from the index
	 * comments_status (status, id). */
	[ST_COMMENT_QUEUE] =
	    "SELECT " COMMENT_COLS ", a.slug, a.title, a.status, "
	    "a.published_at, c.spam_trained FROM comments c "
	    "JOIN articles a ON a.id = c.article_id "
	    "WHERE c.status = ?1 AND (?2 = 0 OR c.id < ?2) "
	    "ORDER BY c.id DESC LIMIT ?3",
	[ST_COMMENT_COUNT_STATUS] =
	    "SELECT count(*) FROM comments WHERE status = ?1",
	[ST_COMMENT_TRAINED_GET] =
	    "SELECT spam_trained FROM comments WHERE id = ?1",
	[ST_COMMENT_TRAINED_SET] =
	    "UPDATE comments SET spam_trained = ?2 WHERE id = ?1",
	[ST_SPAM_TOTALS_GET] = "SELECT ham, spam FROM spam_totals WHERE id = 1",
	[ST_SPAM_TOTALS_ADD] =
	    "INSERT INTO spam_totals (id, ham, spam) VALUES (1, "
	    "CASE WHEN ?1 > 0 THEN ?1 ELSE 0 END, "
	    "CASE WHEN ?2 > 0 THEN ?2 ELSE 0 END) "
	    "ON CONFLICT (id) DO UPDATE SET "
	    "ham = CASE WHEN spam_totals.ham + ?1 > 0 "
	    "THEN spam_totals.ham + ?1 ELSE 0 END, "
	    "spam = CASE WHEN spam_totals.spam + ?2 > 0 "
	    "THEN spam_totals.spam + ?2 ELSE 0 END",
	[ST_SPAM_TOKENS_GET] =
	    "SELECT token, ham, spam FROM spam_tokens WHERE token IN ("
	    "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
	    "?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, "
	    "?27, ?28, ?29, ?30, ?31, ?32)",
	[ST_SPAM_TOKEN_ADD] =
	    "INSERT INTO spam_tokens (token, ham, spam) VALUES (?1, "
	    "CASE WHEN ?2 > 0 THEN ?2 ELSE 0 END, "
	    "CASE WHEN ?3 > 0 THEN ?3 ELSE 0 END) "
	    "ON CONFLICT (token) DO UPDATE SET "
	    "ham = CASE WHEN spam_tokens.ham + ?2 > 0 "
	    "THEN spam_tokens.ham + ?2 ELSE 0 END, "
	    "spam = CASE WHEN spam_tokens.spam + ?3 > 0 "
	    "THEN spam_tokens.spam + ?3 ELSE 0 END",
	[ST_MIGRATION_TABLE_EXISTS] =
	    "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
	    "AND name = 'schema_migrations'",
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
	    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_ARTICLES_DUMP] =
	    "SELECT id, slug, title, summary, body_md, body_html, author, "
	    "author_id, status, published_at, created_at, updated_at, "
	    "comments_closed, comment_count, version, body_format, body_text, "
	    "author_slug FROM articles ORDER BY id",
	[ST_ARTICLES_LOAD] =
	    "INSERT INTO articles (id, slug, title, summary, body_md, "
	    "body_html, author, author_id, status, published_at, created_at, "
	    "updated_at, comments_closed, comment_count, version, body_format, "
	    "body_text, author_slug) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
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
	    "updated_at, thread_id, depth, spam_trained, commenter "
	    "FROM comments ORDER BY id",
	[ST_COMMENTS_LOAD] =
	    "INSERT INTO comments (id, article_id, parent_id, author, email, "
	    "url, body_md, body_html, status, client_hash, spam_score, "
	    "created_at, updated_at, thread_id, depth, spam_trained, "
	    "commenter) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	    "?12, ?13, ?14, ?15, ?16, ?17)",
	[ST_SETTINGS_DUMP] = "SELECT key, value FROM settings ORDER BY key",
	[ST_SETTINGS_LOAD] =
	    "INSERT INTO settings (key, value) VALUES (?1, ?2)",
	/* Ends with the transaction. */
	[ST_COPY_DEFER_FKS] = "PRAGMA defer_foreign_keys = ON",
	/* INTEGER PRIMARY KEY takes max(id) + 1 by itself. */
	[ST_COPY_RESET_IDS] = "SELECT 0",
	[ST_SESSIONS_DUMP] =
	    "SELECT hash, user_id, csrf, created_at, seen_at FROM sessions "
	    "ORDER BY hash",
	[ST_SESSIONS_LOAD] =
	    "INSERT INTO sessions (hash, user_id, csrf, created_at, seen_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_API_TOKENS_DUMP] =
	    "SELECT id, user_id, hash, created_at, used_at, revoked_at "
	    "FROM api_tokens ORDER BY id",
	[ST_API_TOKENS_LOAD] =
	    "INSERT INTO api_tokens (id, user_id, hash, created_at, used_at, "
	    "revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_REVISIONS_DUMP] = "SELECT " REV_COLS " FROM revisions ORDER BY id",
	[ST_REVISIONS_LOAD] =
	    "INSERT INTO revisions (" REV_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, "
	    "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	[ST_REDIRECTS_DUMP] =
	    "SELECT old_path, article_id FROM redirects ORDER BY old_path",
	[ST_REDIRECTS_LOAD] =
	    "INSERT INTO redirects (old_path, article_id) VALUES (?1, ?2)",
	[ST_COPY_TAGS_TEXT] =
	    "UPDATE articles SET tags_text = (SELECT coalesce(group_concat("
	    "t.name, ' '), '') FROM article_tags at JOIN tags t "
	    "ON t.id = at.tag_id WHERE at.article_id = articles.id)",
	[ST_SPAM_TOKENS_DUMP] =
	    "SELECT token, ham, spam FROM spam_tokens ORDER BY token",
	[ST_SPAM_TOKENS_LOAD] =
	    "INSERT INTO spam_tokens (token, ham, spam) VALUES (?1, ?2, ?3)",
	[ST_SPAM_TOTALS_DUMP] =
	    "SELECT id, ham, spam FROM spam_totals ORDER BY id",
	[ST_SPAM_TOTALS_LOAD] =
	    "INSERT INTO spam_totals (id, ham, spam) VALUES (?1, ?2, ?3)",
	[ST_TRUSTED_COMMENTERS_DUMP] =
	    "SELECT commenter, trusted_at FROM trusted_commenters "
	    "ORDER BY commenter",
	[ST_TRUSTED_COMMENTERS_LOAD] =
	    "INSERT INTO trusted_commenters (commenter, trusted_at) "
	    "VALUES (?1, ?2)",
	/* Readers' listings, the same parameters as ST_ARTICLE_LIST: the
	 * status condition written out lets the planner walk the partial
	 * index articles_public in order, where "?1 = 0 OR …" made it scan
	 * and sort the whole table (bodies too) for every page. */
	[ST_ARTICLE_LIST_PUBLIC] =
	    "SELECT " ARTICLE_COLS " FROM articles a" PUBLIC_WHERE,
	/* CROSS JOIN keeps articles outermost: walking the index newest
	 * first and probing each article's tag finds page N of a tag
	 * without fetching and sorting all its articles (bodies too). */
	[ST_ARTICLE_LIST_TAG_PUBLIC] =
	    "SELECT " ARTICLE_COLS " FROM articles a "
	    "CROSS JOIN article_tags at ON at.article_id = a.id AND "
	    "at.tag_id = (SELECT id FROM tags WHERE slug = ?11)" PUBLIC_WHERE,
	/* An author's: the equality (not "?3 IS NULL OR …") lets the
	 * planner take articles_author_public. */
	[ST_ARTICLE_LIST_AUTHOR_PUBLIC] =
	    "SELECT " ARTICLE_COLS " FROM articles a" PUBLIC_WHERE_AUTHOR,
	/* An author's page by slug, from articles_author_slug_public. */
	[ST_ARTICLE_LIST_AUTHOR_SLUG_PUBLIC] =
	    "SELECT " ARTICLE_COLS " FROM articles a" PUBLIC_WHERE_AUTHOR_SLUG,
	[ST_AUTHOR_SLUG_MISSING] =
	    "SELECT DISTINCT author FROM articles WHERE author_slug = '' "
	    "AND author <> '' AND author > ?2 ORDER BY author LIMIT ?1",
	[ST_AUTHOR_SLUG_SET] =
	    "UPDATE articles SET author_slug = ?2 WHERE author = ?1",
	/* What INTEGER PRIMARY KEY would take by itself. */
	[ST_ARTICLE_NEXT_ID] = "SELECT coalesce(max(id), 0) + 1 FROM articles",
	[ST_TAG_ID] = "SELECT id FROM tags WHERE slug = ?1",
	/* One writer at a time: nothing links the tag between the check
	 * and the delete. */
	[ST_TAG_PRUNE] = "DELETE FROM tags WHERE id = ?1 AND NOT EXISTS "
			 "(SELECT 1 FROM article_tags WHERE tag_id = ?1)",
	[ST_SESSION_DELETE_USER] = "DELETE FROM sessions WHERE user_id = ?1",
	[ST_TOKEN_REVOKE_USER] =
	    "UPDATE api_tokens SET revoked_at = ?2 "
	    "WHERE user_id = ?1 AND revoked_at = 0",
};
_Static_assert(SPAM_BATCH == 32, "ST_SPAM_TOKENS_GET has 32 parameters");

/* The last statement of the enum must have its SQL here, and a hole in the
 * middle is refused by sq_exec (and so fails the store conformance suite,
 * which runs every statement). */
_Static_assert(sizeof(sql) / sizeof(sql[0]) == ST__MAX,
    "sqlite statement table out of step with enum stmt");

struct conn {
	sqlite3	     *db;
	sqlite3_stmt *st[ST__MAX];
	char	      err[256];
	bool	      in_tx;	    /* between our BEGIN and its end */
	bool	      bulk_journal; /* sq_bulk left WAL for the journal */
	int64_t	      deadline;	    /* sq_budget's, monotonic µs; 0: none */
};

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static bool
past_deadline(const struct conn *c)
{
	return c->deadline != 0 && mono_us() >= c->deadline;
}

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
		/* Under a budget the busy timeout is the budget's rest. */
		if (!past_deadline(c))
			return STORE_BUSY;
		/* FALLTHROUGH */
	case SQLITE_INTERRUPT: /* sq_progress, past the budget */
		snprintf(c->err, sizeof(c->err), "past the time budget: %s",
		    sqlite3_errmsg(c->db));
		return STORE_TIMEOUT;
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

/*
 * Every database file gazette opens is opened here. One it creates is
 * made first, FILE_MODE_PRIVATE (util/file.h), because SQLite would make
 * it 0644 less the umask, and makes the -wal and -shm with the mode of
 * the database file. The path is always a file name: this SQLite takes
 * "file:..." as a URI (SQLITE_USE_URI), which "./" turns back into a
 * name; that also keeps ":memory:" a file of that name.
 */
static int
sq_open_file(const char *path, sqlite3 **db, int flags)
{
	char *name = NULL;
	int   rc;

	/* Should this fail, so does the open, and SQLite says why. */
	if (flags & SQLITE_OPEN_CREATE)
		(void)file_create_private(path);
	if (path[0] != '/' &&
	    (strncmp(path, "file:", 5) == 0 || path[0] == ':'))
		if (asprintf(&name, "./%s", path) < 0)
			name = NULL;
	rc = sqlite3_open_v2(name ? name : path, db, flags, NULL);
	free(name);
	return rc;
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
	char	    *msg = NULL;
	int	     rc;

	if ((url = store_url_path(url)) == NULL) {
		snprintf(err, errlen, "not a database file path");
		goto fail;
	}
	rc = sq_open_file(url, &c->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open '%s': %s", url,
		    c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, SQ_BUSY_MS);
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
	size_t	     i;

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
	struct conn   *c = conn;
	struct sval    cols[STORE_MAXCOLS];
	sqlite3_stmt  *st;
	enum store_err e = STORE_OK;
	int	       rc, i, ncol;
	size_t	       k;

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
		/* Our own statements: more columns is our bug. */
		assert(ncol <= STORE_MAXCOLS);
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
	/* A statement left early (RETURNING, one row wanted) finishes in
	 * reset, which can fail too. */
	if ((rc = sqlite3_reset(st)) != SQLITE_OK && e == STORE_OK)
		e = map_err(c, rc) == STORE_OK ? STORE_ERROR : map_err(c, rc);
	sqlite3_clear_bindings(st);
	/* After some errors (NOMEM, FULL, IOERR) SQLite rolls the whole
	 * transaction back by itself: the statements that follow would each
	 * commit on their own, half a save. Once that has happened, every
	 * statement fails until the caller's rollback. */
	if (c->in_tx && sqlite3_get_autocommit(c->db)) {
		if (e == STORE_OK)
			snprintf(c->err, sizeof(c->err),
			    "the transaction was "
			    "rolled back after an error");
		e = e == STORE_OK ? STORE_ERROR : e;
	}
	return e;
}

static enum store_err
sq_script(void *conn, const char *text)
{
	struct conn *c = conn;
	char	    *msg = NULL;
	int	     rc;

	rc = sqlite3_exec(c->db, text, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(c->err, sizeof(c->err), "%s",
		    msg ? msg : sqlite3_errmsg(c->db));
		sqlite3_free(msg);
		return map_err(c, rc) == STORE_OK ?
		    STORE_ERROR :
		    map_err(c, rc);
	}
	return STORE_OK;
}

/* The journal mode in force (lowercase, as SQLite names it) after
 * asking for mode, into out. */
static void
journal_mode(struct conn *c, const char *mode, char *out, size_t n)
{
	char	      q[64];
	sqlite3_stmt *st = NULL;

	snprintf(out, n, "?");
	snprintf(q, sizeof(q), "PRAGMA journal_mode = %s", mode);
	if (sqlite3_prepare_v2(c->db, q, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, n, "%s",
		    (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/*
 * For one long transaction of writes (an import) on this connection:
 *
 * A page cache of 64 MiB rather than 2, so the transaction spills far
 * fewer pages before its commit. Only for bulk work: every serving
 * connection keeps the small default, which keeps a server's memory
 * small.
 *
 * And the rollback journal instead of the WAL, when no other connection
 * has the database open (SQLite refuses to leave WAL mode otherwise, and
 * the import stays in WAL mode). In WAL mode every page the import writes
 * goes to the WAL, is read back at the commit (the transaction's frames
 * are checksummed again once a spilled page was written twice) and is
 * copied into the database by the checkpoint: three passes over the whole
 * import. With the journal, new pages are written to the database once
 * and only the few pages that existed before are journaled; measured on
 * 20,000 articles (300 MB): half the system time of the import. It is as
 * safe on a crash: synchronous stays FULL, and a journal left by a crash
 * rolls the import back on the next open, which also puts the database
 * back in WAL mode (sq_open). What it costs: a reader that opens the
 * database during the import waits for its end (busy timeout), where in
 * WAL mode it would read; a running server keeps the database open, so
 * an import beside one stays in WAL mode.
 */
static void
sq_bulk(void *conn)
{
	struct conn *c = conn;
	char	     mode[16];

	(void)sqlite3_exec(c->db, "PRAGMA cache_size = -65536", NULL, NULL,
	    NULL);
	/* No waiting: another connection is a reason to stay, not to wait
	 * for it to go away. */
	sqlite3_busy_timeout(c->db, 0);
	journal_mode(c, "DELETE", mode, sizeof(mode));
	sqlite3_busy_timeout(c->db, SQ_BUSY_MS);
	c->bulk_journal = strcmp(mode, "delete") == 0;
}

/* After the transaction: back to the WAL and the small cache. Should
 * another connection be reading just then, the next open of the database
 * puts it back in WAL mode. */
static void
sq_bulk_end(void *conn)
{
	struct conn *c = conn;
	char	     mode[16];

	(void)sqlite3_exec(c->db, "PRAGMA cache_size = -2000", NULL, NULL,
	    NULL);
	if (c->bulk_journal)
		journal_mode(c, "WAL", mode, sizeof(mode));
	c->bulk_journal = false;
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
	struct conn   *c = conn;
	enum store_err e;

	if ((e = sq_simple(c, "BEGIN IMMEDIATE")) == STORE_OK)
		c->in_tx = true;
	return e;
}

/* Deferred: the first read takes the snapshot, the COMMIT lets it go. */
static enum store_err
sq_read_begin(void *conn)
{
	return sq_simple(conn, "BEGIN");
}

static void
sq_read_end(void *conn)
{
	struct conn *c = conn;

	if (sqlite3_get_autocommit(c->db))
		return;
	if (sq_simple(c, "COMMIT") != STORE_OK)
		(void)sq_simple(c, "ROLLBACK");
}

static enum store_err
sq_commit(void *conn)
{
	struct conn   *c = conn;
	enum store_err e;

	if (c->in_tx && sqlite3_get_autocommit(c->db)) {
		snprintf(c->err, sizeof(c->err),
		    "the transaction was rolled "
		    "back after an error");
		c->in_tx = false;
		return STORE_ERROR;
	}
	e = sq_simple(c, "COMMIT");
	/* A failed COMMIT may leave the transaction open (BUSY): the
	 * caller's rollback ends it. */
	if (e == STORE_OK || sqlite3_get_autocommit(c->db))
		c->in_tx = false;
	return e;
}

static enum store_err
sq_rollback(void *conn)
{
	struct conn *c = conn;

	c->in_tx = false;
	if (sqlite3_get_autocommit(c->db))
		return STORE_OK; /* SQLite already rolled back */
	return sq_simple(conn, "ROLLBACK");
}

static int
sq_progress(void *conn)
{
	return past_deadline(conn);
}

/* A time budget: the progress handler stops a statement running past it
 * (SQLITE_INTERRUPT), and the busy timeout shrinks to it, so a wait for
 * another connection's lock counts too (SQLITE_BUSY past the deadline).
 * Both are STORE_TIMEOUT (map_err). The handler runs between virtual
 * machine steps: one step of FTS5 (a prefix's word lists merged, one
 * row's snippet) runs to its end, which the grammar's limits and the
 * prefix index keep short. */
static enum store_err
sq_budget(void *conn, int64_t ms)
{
	struct conn *c = conn;

	if (ms <= 0) {
		c->deadline = 0;
		sqlite3_progress_handler(c->db, 0, NULL, NULL);
		sqlite3_busy_timeout(c->db, SQ_BUSY_MS);
		return STORE_OK;
	}
	c->deadline = mono_us() + ms * 1000;
	sqlite3_progress_handler(c->db, SQ_PROGRESS_OPS, sq_progress, c);
	sqlite3_busy_timeout(c->db, ms < SQ_BUSY_MS ? (int)ms : SQ_BUSY_MS);
	return STORE_OK;
}

/* --- operations: backup, restore, check ------------------------------ */

static enum store_err
sq_fail(struct conn *c, enum store_err e, const char *fmt, const char *a,
    const char *b)
{
	snprintf(c->err, sizeof(c->err), fmt, a, b);
	return e;
}

/* The first result of PRAGMA integrity_check on db, "ok" when sound, into
 * out; false when the check could not run. */
static bool
integrity_first(sqlite3 *db, char *out, size_t n)
{
	sqlite3_stmt *st = NULL;
	bool	      ok = false;

	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check(1)", -1, &st,
		NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out, n, "%s",
		    (const char *)sqlite3_column_text(st, 0));
		ok = true;
	}
out:
	if (!ok)
		snprintf(out, n, "%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return ok;
}

/*
 * The copy is taken inside one read transaction held on the source for
 * the whole backup. In WAL mode that pins one snapshot without blocking
 * writers, and it keeps the backup from restarting: sqlite3_backup_step
 * starts over whenever another connection commits between steps, which
 * under a steady stream of writes could mean never finishing. The steps
 * are small so the destination's writes are spread out.
 */
static enum store_err
sq_backup(void *conn, const char *path)
{
	struct conn    *c = conn;
	sqlite3	       *dst = NULL;
	sqlite3_backup *b = NULL;
	enum store_err	e = STORE_OK;
	bool		intx = false;
	int		rc;

	if (access(path, F_OK) == 0) {
		e = sq_fail(c, STORE_CONFLICT, "'%s' exists%s", path, "");
		goto out;
	}
	rc = sq_open_file(path, &dst,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
	if (rc != SQLITE_OK) {
		e = sq_fail(c, STORE_IO, "cannot create '%s': %s", path,
		    dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
		goto out;
	}
	if ((e = sq_simple(c, "BEGIN DEFERRED")) != STORE_OK)
		goto out;
	intx = true;
	if ((e = sq_simple(c, "SELECT count(*) FROM sqlite_schema")) !=
	    STORE_OK)
		goto out;
	if ((b = sqlite3_backup_init(dst, "main", c->db, "main")) == NULL) {
		e = sq_fail(c, STORE_ERROR, "backup: %s", sqlite3_errmsg(dst),
		    "");
		goto out;
	}
	while ((rc = sqlite3_backup_step(b, 64)) == SQLITE_OK ||
	    rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		if (rc != SQLITE_OK)
			sqlite3_sleep(5);
	rc = sqlite3_backup_finish(b);
	b = NULL;
	if (rc != SQLITE_OK) {
		e = sq_fail(c,
		    map_err(c, rc) == STORE_OK ? STORE_ERROR : map_err(c, rc),
		    "backup: %s", sqlite3_errmsg(dst), "");
		goto out;
	}
out:
	if (b)
		sqlite3_backup_finish(b);
	if (intx)
		sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	if (dst && sqlite3_close(dst) != SQLITE_OK && e == STORE_OK)
		e = sq_fail(c, STORE_IO, "cannot close '%s'%s", path, "");
	return e;
}

/* Whether db holds rows in a table of its own other than the schema
 * bookkeeping and settings (which a fresh `init` or `demo` writes). */
static enum store_err
sq_holds_data(struct conn *c, bool *holds, char *which, size_t n)
{
	sqlite3_stmt  *st = NULL, *q = NULL;
	enum store_err e = STORE_OK;
	char	       sqlq[300];
	int	       rc;

	*holds = false;
	rc = sqlite3_prepare_v2(c->db,
	    "SELECT name FROM pragma_table_list "
	    "WHERE schema = 'main' AND type = 'table' "
	    "AND name NOT LIKE 'sqlite_%' "
	    "AND name NOT IN ('schema_migrations', 'settings')",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_err(c, rc);
	while (!*holds && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(which, n, "%s", sqlite3_column_text(st, 0));
		snprintf(sqlq, sizeof(sqlq), "SELECT 1 FROM \"%s\" LIMIT 1",
		    which);
		if (strchr(which, '"') != NULL)
			continue;
		if ((rc = sqlite3_prepare_v2(c->db, sqlq, -1, &q, NULL)) !=
		    SQLITE_OK) {
			e = map_err(c, rc);
			break;
		}
		*holds = sqlite3_step(q) == SQLITE_ROW;
		sqlite3_finalize(q);
		q = NULL;
	}
	sqlite3_finalize(st);
	return e;
}

static enum store_err
sq_restore(void *conn, const char *path, int latest, bool force)
{
	struct conn    *c = conn;
	sqlite3	       *src = NULL;
	sqlite3_stmt   *st = NULL;
	sqlite3_backup *b = NULL;
	enum store_err	e = STORE_OK;
	char		msg[200], which[128];
	bool		holds;
	int		rc, version = -1, tries;

	rc = sq_open_file(path, &src,
	    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
	if (rc != SQLITE_OK) {
		e = sq_fail(c, STORE_IO, "cannot open '%s': %s", path,
		    src ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
		goto out;
	}
	if (!integrity_first(src, msg, sizeof(msg)) || strcmp(msg, "ok") != 0) {
		e = sq_fail(c, STORE_INVALID,
		    "'%s' is damaged or not a "
		    "database: %s",
		    path, msg);
		goto out;
	}
	if (sqlite3_prepare_v2(src,
		"SELECT coalesce(max(version), 0) "
		"FROM schema_migrations",
		-1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	if (version <= 0) {
		e = sq_fail(c, STORE_INVALID,
		    "'%s' is not a gazette "
		    "database (it has no schema version)%s",
		    path, "");
		goto out;
	}
	if (version > latest) {
		snprintf(msg, sizeof(msg),
		    "schema %d, this gazette knows up "
		    "to %d",
		    version, latest);
		e = sq_fail(c, STORE_INVALID,
		    "'%s' was written by a newer "
		    "gazette (%s)",
		    path, msg);
		goto out;
	}
	if (!force) {
		if ((e = sq_holds_data(c, &holds, which, sizeof(which))) !=
		    STORE_OK)
			goto out;
		if (holds) {
			e = sq_fail(c, STORE_CONFLICT,
			    "the site is not empty "
			    "(table %s has rows)%s",
			    which, "");
			goto out;
		}
	}
	if ((b = sqlite3_backup_init(c->db, "main", src, "main")) == NULL) {
		e = sq_fail(c, STORE_ERROR, "restore: %s",
		    sqlite3_errmsg(c->db), "");
		goto out;
	}
	/* One step: the site's write lock is taken once and the new
	 * content appears to its readers in one commit. */
	for (tries = 0; tries < 200; tries++) {
		rc = sqlite3_backup_step(b, -1);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		sqlite3_sleep(25);
	}
	rc = sqlite3_backup_finish(b);
	b = NULL;
	if (rc != SQLITE_OK)
		e = map_err(c, rc) == STORE_OK ? STORE_ERROR : map_err(c, rc);
out:
	if (b)
		sqlite3_backup_finish(b);
	sqlite3_finalize(st);
	sqlite3_close(src);
	return e;
}

static enum store_err
check_integrity(struct conn *c, store_check_fn fn, void *ctx, unsigned *np)
{
	sqlite3_stmt *st = NULL;
	const char   *row;
	int	      rc;

	rc = sqlite3_prepare_v2(c->db, "PRAGMA integrity_check(50)", -1, &st,
	    NULL);
	if (rc != SQLITE_OK)
		return map_err(c, rc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row = (const char *)sqlite3_column_text(st, 0);
		if (row == NULL || strcmp(row, "ok") == 0)
			continue;
		if (strstr(row, "index") != NULL)
			store_report(fn, ctx, np, true,
			    "an index does not "
			    "match its table (%s); rebuild it with "
			    "\"sqlite3 DB 'REINDEX'\" or restore a backup",
			    row);
		else
			store_report(fn, ctx, np, true,
			    "the database file "
			    "is damaged (%s); restore a backup",
			    row);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : map_err(c, rc);
}

static enum store_err
check_fkeys(struct conn *c, store_check_fn fn, void *ctx, unsigned *np)
{
	sqlite3_stmt *st = NULL;
	int	      rc;

	/* One line per table and missing parent, not per row. */
	rc = sqlite3_prepare_v2(c->db,
	    "SELECT \"table\", parent, count(*) "
	    "FROM pragma_foreign_key_check GROUP BY 1, 2 ORDER BY 1, 2",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_err(c, rc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		store_report(fn, ctx, np, true,
		    "%d row(s) of table %s "
		    "refer to rows of %s that do not exist",
		    sqlite3_column_int(st, 2), sqlite3_column_text(st, 0),
		    sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : map_err(c, rc);
}

/* Every FTS4/FTS5 table's own integrity check compares its index with
 * the content it indexes (for an external-content table, the table the
 * rows come from). Generic over the schema: whatever full-text tables
 * the migrations made are checked, and none is a note, not a problem. */
static enum store_err
check_search(struct conn *c, store_check_fn fn, void *ctx, unsigned *np)
{
	sqlite3_stmt *st = NULL;
	const char   *name;
	char	      q[300];
	unsigned      n = 0;
	int	      rc, rc2;

	rc = sqlite3_prepare_v2(c->db,
	    "SELECT name, sql LIKE '%fts5%' "
	    "FROM sqlite_schema WHERE type = 'table' AND (sql LIKE 'CREATE VIRTUAL TABLE%fts5%' "
	    "OR sql LIKE 'CREATE VIRTUAL TABLE%fts4%') ORDER BY name",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_err(c, rc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		if (name == NULL || strchr(name, '"') != NULL)
			continue;
		n++;
		/* For FTS5, rank 1 also compares the index with an
		 * external content table (without it only the index's
		 * own structure is checked). */
		if (sqlite3_column_int(st, 1))
			snprintf(q, sizeof(q),
			    "INSERT INTO \"%s\"(\"%s\", "
			    "rank) VALUES ('integrity-check', 1)",
			    name, name);
		else
			snprintf(q, sizeof(q),
			    "INSERT INTO \"%s\"(\"%s\") "
			    "VALUES ('integrity-check')",
			    name, name);
		rc2 = sqlite3_exec(c->db, q, NULL, NULL, NULL);
		if (rc2 != SQLITE_OK)
			store_report(fn, ctx, np, true,
			    "the search index %s "
			    "is out of step with the articles (%s); rebuild it "
			    "with \"INSERT INTO %s(%s) VALUES ('rebuild')\"",
			    name, sqlite3_errmsg(c->db), name, name);
		else
			store_report(fn, ctx, np, false,
			    "search index %s: in step", name);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return map_err(c, rc);
	if (n == 0)
		store_report(fn, ctx, np, false,
		    "no full-text search index "
		    "in this database: search check skipped");
	return STORE_OK;
}

static enum store_err
sq_check(void *conn, unsigned what, store_check_fn fn, void *ctx, unsigned *np)
{
	struct conn   *c = conn;
	enum store_err e = STORE_OK;

	if ((what & STORE_CHECK_INTEGRITY) &&
	    (e = check_integrity(c, fn, ctx, np)) != STORE_OK)
		return e;
	if ((what & STORE_CHECK_KEYS) &&
	    (e = check_fkeys(c, fn, ctx, np)) != STORE_OK)
		return e;
	if ((what & STORE_CHECK_SEARCH) &&
	    (e = check_search(c, fn, ctx, np)) != STORE_OK)
		return e;
	return e;
}

/* One FTS5 string: every term is quoted, with '"' doubled, so nothing a
 * reader types is read as FTS5 syntax (AND, NEAR(, column:, ^, …). */
static void
fts5_string(struct buf *b, const char *s, size_t n)
{
	size_t i;

	buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			buf_putc(b, '"');
		buf_putc(b, s[i]);
	}
	buf_putc(b, '"');
}

/* (("a" AND "b"*) NOT "c d") NOT "e": the positive terms all match, and
 * each excluded one is taken away in turn; FTS5's NOT is binary, so the
 * parentheses keep its meaning independent of its precedence. */
static void
sq_search_expr(const struct search_query *q, struct buf *out)
{
	const struct search_term *t;
	size_t			  i, k = 0;

	for (i = 0; i < q->n; i++)
		if (q->terms[i].exclude)
			buf_putc(out, '(');
	buf_putc(out, '(');
	for (i = 0; i < q->n; i++) {
		t = &q->terms[i];
		if (t->exclude)
			continue;
		if (k++)
			buf_puts(out, " AND ");
		fts5_string(out, t->text, t->len);
		if (t->prefix)
			buf_putc(out, '*');
	}
	buf_putc(out, ')');
	for (i = 0; i < q->n; i++) {
		t = &q->terms[i];
		if (!t->exclude)
			continue;
		buf_puts(out, " NOT ");
		fts5_string(out, t->text, t->len);
		if (t->prefix)
			buf_putc(out, '*');
		buf_putc(out, ')');
	}
}

const struct store_driver store_driver_sqlite = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.errmsg = sq_errmsg,
	.exec = sq_exec,
	.script = sq_script,
	.bulk = sq_bulk,
	.bulk_end = sq_bulk_end,
	.begin = sq_begin,
	.read_begin = sq_read_begin,
	.read_end = sq_read_end,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.backup = sq_backup,
	.restore = sq_restore,
	.check = sq_check,
	.search_expr = sq_search_expr,
	.budget = sq_budget,
	.migrations = migrations_sqlite,
	.nmigrations = &migrations_sqlite_n,
};
