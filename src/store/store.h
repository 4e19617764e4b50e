/* store.h: the one storage interface the rest of gazette sees.
 *
 * A struct store is one connection to one database, used by one thread at
 * a time (the server opens one per thread). store_open() picks the driver
 * from the URL (store_url_kind): "postgresql://…" or "postgres://…" is
 * PostgreSQL, a file path (or sqlite://PATH) SQLite, anything else is
 * refused. Domain functions below are written once in store.c over the
 * driver vtable in store-int.h.
 *
 * Memory: everything a read returns is allocated in the arena passed to it
 * and dies with that arena. Nothing here keeps pointers into the caller's
 * structs after returning.
 *
 * Errors: every function returns enum store_err; STORE_OK is 0. After a
 * failure store_errmsg() says what the database said, for logs. */
#ifndef GAZETTE_STORE_H
#define GAZETTE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* enum body_format: the language of an article's body_md. The store keeps
 * bodies as render/body.h makes them and never renders one itself. */
#include "util/body-format.h"

struct arena;
struct buf;

enum store_err {
	STORE_OK = 0,
	STORE_NOTFOUND,	   /* no such row */
	STORE_CONFLICT,	   /* unique key taken (slug, user name) */
	STORE_BUSY,	   /* locked past the busy timeout */
	STORE_FULL,	   /* disk full */
	STORE_IO,	   /* I/O error, corruption, lost connection */
	STORE_INVALID,	   /* the caller passed something the schema refuses */
	STORE_STALE,	   /* saved over a newer version (edited elsewhere) */
	STORE_ERROR,	   /* anything else */
	STORE_UNSUPPORTED, /* this backend cannot do that (see the call) */
	STORE_TIMEOUT,	   /* past the time budget it was given */
	STORE__MAX
};

enum article_status {
	ARTICLE_DRAFT = 0,
	ARTICLE_PUBLISHED,
	ARTICLE_SCHEDULED, /* published at published_at, which is ahead */
	ARTICLE_STATUS__MAX
};

struct tag {
	const char *name;  /* as written: "Central Asia" */
	const char *slug;  /* URL form: "central-asia" */
	int64_t	    count; /* articles (listings of tags only) */
};

struct article {
	int64_t		    id;
	const char	   *slug;
	const char	   *title;
	const char	   *summary;
	const char	   *body_md;
	const char	   *body_html; /* rendered at save time */
	const char	   *author;    /* display name */
	enum article_status status;
	int64_t		    published_at; /* Unix s; 0 for an undated draft */
	int64_t		    created_at;
	int64_t		    updated_at;
	int64_t		    comment_count; /* approved comments */
	bool		    comments_closed;
	int64_t		    version;   /* 1, then one more per save */
	int64_t		    author_id; /* 0: no user (imported) */
	struct tag	   *tags;
	size_t		    ntags;
	enum body_format    format; /* what body_md is written in */
	/* What search indexes of the body: article_body()'s text, which
	 * every insert and update must be given (NULL there is
	 * STORE_INVALID: the store never renders); NULL as every read
	 * leaves it. */
	const char *body_text;
};

/* Which articles a listing shows. Readers' listings set public: published
 * or scheduled articles whose time has come (published_at <= now). */
struct article_filter {
	bool public;
	int64_t	    now;      /* for public */
	const char *tag_slug; /* NULL: any */
	const char *author;   /* NULL: any; else this very byline */
	/* NULL: any; else bylines whose byline_slug() is this (an
	 * author's pages, /authors/SLUG) */
	const char *author_slug;
	int64_t	    author_id; /* owner (users.id); 0: any */
	int64_t	    from, to;  /* published_at in [from, to); 0,0: any */
	/* Keyset paging, newest first: articles strictly older than
	 * (before_time, before_id); before_id 0 means from the newest. */
	int64_t	    before_time;
	int64_t	    before_id;
	size_t	    offset;    /* for numbered pages (/page/N) */
	size_t	    limit;     /* 1..1000 */
	bool	    with_body; /* fill body_md/body_html too */
	const char *status;    /* "draft" …: only those; NULL: any */
};

struct article_list {
	struct article *items;
	size_t		n;
	bool		more; /* another page exists */
};

struct store;

/* Database strings (store-url.c). */

enum store_url_kind {
	STORE_URL_SQLITE, /* a file path, or sqlite://PATH */
	STORE_URL_PG,	  /* postgresql://… or postgres://… */
	STORE_URL_BAD,	  /* neither: empty, another scheme://, or
				 * libpq's keyword=value form ("host=… …";
				 * a file so named is given as ./host=…) */
};

/* What url names. store_open refuses STORE_URL_BAD before anything is
 * created; every caller that treats a path and a URL differently asks
 * here. */
enum store_url_kind store_url_kind(const char *url);
/* The file path of a SQLite url (past sqlite://); NULL for other kinds. */
const char *store_url_path(const char *url);
/* url as it may be shown in a message or a log: every password (after
 * user: in a URL, password= or sslpassword= in its query or in keyword
 * form) replaced by ***, and the rest of a keyword string it cannot read
 * too. Written to out (truncated to len); returns out. */
const char *store_url_printable(const char *url, char *out, size_t len);
/* msg, a message from a database library that may quote url or parts of
 * it (libpq quotes a bad URL whole), with every password of url in it,
 * as written or decoded, replaced by ***. Written to out; returns out. */
const char *store_url_scrub(const char *url, const char *msg, char *out,
    size_t len);

/* Opens url; on failure NULL and a message in err ("cannot open …"), in
 * which no password of url appears. A SQLite file that does not exist is
 * created readable by its owner alone (util/file.h), so its -wal and -shm,
 * which SQLite gives the database's mode, are too. */
struct store *store_open(const char *url, char *err, size_t errlen);
void	      store_close(struct store *); /* NULL is fine */
const char   *store_errmsg(const struct store *);
const char   *store_driver_name(const struct store *); /* "sqlite" */

/* Creates or upgrades the schema; idempotent. *version gets the schema
 * version now in force (may be NULL). A migration that leaves stored
 * bodies without their search text (the one to full-text search) has
 * them made by the function store_on_body_text handed over. */
enum store_err store_migrate(struct store *, int *version);
/* The search text of a body, appended to out: render/body.h's
 * article_body_text, which the store, never rendering, is handed once at
 * start, before any store_migrate. Without one, a migration that needs
 * it fails with STORE_UNSUPPORTED. */
typedef void (*store_body_text_fn)(struct buf *out, enum body_format,
    const char *src, size_t n);
void store_on_body_text(store_body_text_fn);
/* Schema version of the database, 0 when it has none yet. */
enum store_err store_schema_version(struct store *, int *version);
/* The newest schema version this binary knows. */
int store_schema_latest(void);

/* Transactions nest as a count: only the outermost begin/commit touch the
 * database, and a rollback at any depth rolls back the whole transaction
 * (later commits at inner depths then fail with STORE_ERROR). */
enum store_err store_begin(struct store *);
/* A run of reads (rendering a page) in one snapshot, cheaper than each
 * statement alone on SQLite; a no-op inside a transaction and where the
 * backend has no use for it. store_begin ends it first. */
void store_read_begin(struct store *);
void store_read_end(struct store *);
/* Tunes this connection for a long run of writes (imports, copies), and
 * back; both outside a transaction. */
void	       store_bulk(struct store *);
void	       store_bulk_end(struct store *);
enum store_err store_commit(struct store *);
void	       store_rollback(struct store *);

/*
 * Change notification, for caches of what the database holds. Every write
 * names the keys of what it changed: "article:ID" (an article's own page),
 * "comments:ID" (an article's comment section and comments feed), "list"
 * (any listing: front page, tags, authors, archives, feeds, sitemaps,
 * search), "counts" (comment counts shown outside the article page: the
 * RSS feeds) and "site" (settings: everything). The keys of a transaction
 * are queued on its connection and handed to fn only after the outermost
 * COMMIT succeeded (on any connection of this process: the comment writer's
 * too); a rollback drops them; a write outside a transaction reports at
 * once. fn runs on the writing thread and must be quick and thread-safe.
 * Set once, before connections are used by other threads; NULL: none.
 *
 * This is also where a multi-node deployment hooks in: on PostgreSQL the
 * same keys go out with NOTIFY inside the transaction, just before COMMIT
 * (so every node gets them exactly when the data becomes visible; a write
 * outside a transaction notifies right after it), and store_listen_start
 * below hands them to each node's cache. Changes other processes make to
 * a SQLite file reach a server on the same host by cache/notify.c.
 */
typedef void (*store_change_fn)(void *ctx, const char *const *keys, size_t n);
void store_on_change(store_change_fn fn, void *ctx);

/*
 * The keys every process writing to url commits (its own included), from
 * a connection and a thread of the listener's own: fn gets them on that
 * thread. When that connection is lost, the listener makes a new one
 * (retrying with backoff, for as long as it runs) and, once it listens
 * again, calls fn with "site": it may have missed changes meanwhile. It
 * also does so when it first listens. NULL when the backend has no such
 * thing (SQLite) or out of threads; the first connection is made on the
 * listener's thread, so a database down now only delays it. The listener
 * counts in the metrics (util/metrics.h) what it received and each
 * reconnection. Stop frees it (NULL is fine) and returns once fn is no
 * longer called.
 */
struct store_listener;
struct store_listener *store_listen_start(const char *url, store_change_fn fn,
    void *ctx);
void		       store_listen_stop(struct store_listener *);

/* One saved version of an article (tags as "a, b, c"). */
struct revision {
	int64_t		    id;
	int64_t		    article_id;
	int64_t		    version;
	const char	   *editor; /* who saved it */
	const char	   *title;
	const char	   *slug;
	const char	   *summary;
	const char	   *body_md;
	enum body_format    format; /* what body_md is written in */
	const char	   *tags;
	enum article_status status;
	int64_t		    published_at;
	int64_t		    created_at;
};

/* Articles. insert sets a->id and version 1 and records the first
 * revision (editor: a->author); tags are matched by slug (made from their
 * names) and created as needed, and the author's by byline_slug() (for
 * article_filter.author_slug). A taken slug is STORE_CONFLICT. */
enum store_err store_article_insert(struct store *, struct article *a);
enum store_err store_article_by_slug(struct store *, struct arena *,
    const char *slug, struct article *out);
enum store_err store_article_by_id(struct store *, struct arena *, int64_t id,
    struct article *out);
/* Saves a over the stored article a->id, replacing its tags, if the stored
 * version is still a->version (else STORE_STALE: someone saved since it
 * was read); a taken slug is STORE_CONFLICT. On success a->version is the
 * new version, and a revision records who (editor) saved what, when. */
enum store_err store_article_update(struct store *, struct article *a,
    const char *editor, int64_t now);
/* Deletes the article with its tags links, comments and revisions (and
 * the tags no other article links), in one transaction, however deep its
 * threads of replies go. */
enum store_err store_article_delete(struct store *, int64_t id);
/* Revisions of an article, newest first; and one by id. */
enum store_err store_revision_list(struct store *, struct arena *,
    int64_t article_id, struct revision **out, size_t *n);
enum store_err store_revision_get(struct store *, struct arena *, int64_t id,
    struct revision *out);
enum store_err store_article_list(struct store *, struct arena *,
    const struct article_filter *, struct article_list *out);
/* What the admin's article list shows: any status unless status is set,
 * newest edit first. */
struct article_query {
	bool		    any_status; /* else only status */
	enum article_status status;
	int64_t		    author_id;	/* 0: anyone's */
	const char	   *tag_slug;	/* NULL: any */
	const char	   *title_like; /* NULL: any; words in the title */
	size_t		    offset;
	size_t		    limit; /* 1..1000 */
};
/* Articles matching q (without bodies), tags loaded. */
enum store_err store_article_query(struct store *, struct arena *,
    const struct article_query *q, struct article_list *out);
/* Articles with status (author_id 0: anyone's) into *count. */
enum store_err store_article_count_status(struct store *, enum article_status,
    int64_t author_id, int64_t *count);
/* When the next article becomes public after now (a scheduled one, or
 * one published with a time ahead): *when, 0 if none is waiting. Pages
 * that list articles are cached until then. */
enum store_err store_article_next_public(struct store *, int64_t now,
    int64_t *when);
enum store_err store_article_count(struct store *, bool public, int64_t now,
    int64_t *count);
/* Whether a reader may see a (published, or scheduled and due). */
bool	    article_is_public(const struct article *a, int64_t now);
const char *article_status_name(enum article_status);
/* Parses "draft" | "published" | "scheduled"; false otherwise. */
bool article_status_parse(const char *, enum article_status *);

/* Every article, oldest id first, with bodies and tags: after_id 0 starts
 * at the first; out->more says whether another batch follows (for export
 * and canonical dumps). */
enum store_err store_article_all(struct store *, struct arena *,
    int64_t after_id, size_t limit, struct article_list *out);

/* Old links (store-redirect.c). old_path is what a request for it carries
 * as path, with "?p=N" appended for WordPress query links. Adding a path
 * that exists points it at article_id. */
enum store_err store_redirect_add(struct store *, const char *old_path,
    int64_t article_id);
/* The article an old path leads to: STORE_NOTFOUND when none. */
enum store_err store_redirect_get(struct store *, const char *old_path,
    int64_t *article_id);
/* The old paths of an article, sorted, into the arena. */
enum store_err store_redirect_list(struct store *, struct arena *,
    int64_t article_id, const char ***out, size_t *n);

/* Tags with their public article counts, by name: only tags that a
 * public article (as of now) carries, as everything readers see of tags.
 * A tag is removed from the store with its last link to an article
 * (an update taking it off, a delete). */
enum store_err store_tag_list(struct store *, struct arena *, int64_t now,
    struct tag **out, size_t *n);
/* The tag with slug, with its count of public articles, if one is
 * public as of now; else STORE_NOTFOUND, as for a slug nobody used (so
 * drafts' tags do not show). */
enum store_err store_tag_by_slug(struct store *, struct arena *,
    const char *slug, int64_t now, struct tag *out);

enum user_role {
	ROLE_ADMIN = 0, /* everything */
	ROLE_EDITOR,	/* all articles and comments */
	ROLE_AUTHOR,	/* own articles */
	ROLE__MAX
};

struct user {
	int64_t	       id;
	const char    *name;	     /* sign-in name, unique ignoring case */
	const char    *display_name; /* byline; name when empty */
	enum user_role role;
	const char    *pw_hash; /* argon2id string; "" for none */
	int64_t	       created_at;
};

struct session {
	struct user user;
	const char *csrf; /* the session's anti-forgery token */
	int64_t	    created_at;
	int64_t	    seen_at;
};

struct api_token {
	int64_t	    id;
	const char *user; /* the user's name */
	int64_t	    created_at;
	int64_t	    revoked_at; /* 0 while valid */
};

const char *user_role_name(enum user_role);
bool	    user_role_parse(const char *, enum user_role *);

/* Users. A taken name (ignoring case) is STORE_CONFLICT; u->id is set. */
enum store_err store_user_add(struct store *, struct user *u);
enum store_err store_user_by_name(struct store *, struct arena *,
    const char *name, struct user *out);
enum store_err store_user_by_id(struct store *, struct arena *, int64_t id,
    struct user *out);
enum store_err store_user_list(struct store *, struct arena *,
    struct user **out, size_t *n);
/* Sets the password hash of user id and, in the same transaction, ends
 * every session of theirs and revokes every token (revoked_at := now):
 * what the old password let anyone in with stops working with it. */
enum store_err store_user_set_password(struct store *, int64_t id,
    const char *hash, int64_t now);
/* Removes the user, their sessions and tokens; their articles stay, with
 * the byline they had. */
enum store_err store_user_remove(struct store *, int64_t id);
enum store_err store_user_set_role(struct store *, int64_t id, enum user_role);
enum store_err store_user_count_role(struct store *, enum user_role,
    int64_t *n);

/* API tokens, by the digest of the secret (admin/auth.h). */
enum store_err store_token_add(struct store *, int64_t user_id,
    const char *digest, int64_t now, int64_t *id);
/* The user of a valid (unrevoked) token: STORE_NOTFOUND otherwise. */
enum store_err store_token_user(struct store *, struct arena *,
    const char *digest, struct user *out);
enum store_err store_token_revoke(struct store *, int64_t id, int64_t now);
enum store_err store_token_list(struct store *, struct arena *,
    struct api_token **out, size_t *n);

/* Sign-in sessions, by the digest of the cookie's secret. */
enum store_err store_session_add(struct store *, const char *digest,
    int64_t user_id, const char *csrf, int64_t now);
enum store_err store_session_get(struct store *, struct arena *,
    const char *digest, struct session *out);
enum store_err store_session_touch(struct store *, const char *digest,
    int64_t now);
enum store_err store_session_delete(struct store *, const char *digest);
/* Drops sessions idle since before idle_before or created before
 * created_before. */
enum store_err store_session_purge(struct store *, int64_t idle_before,
    int64_t created_before);

/* Site settings (title, description, base_url, language, timezone,
 * moderation, …): a missing key is STORE_NOTFOUND. */
enum store_err store_setting_get(struct store *, struct arena *,
    const char *key, const char **value);
enum store_err store_setting_set(struct store *, const char *key,
    const char *value);

/* Comments (store-comment.c). A comment belongs to one article; a reply
 * names its parent, and the store works out its thread (the top-level
 * comment's id) and depth (ancestors: 0 for top-level) from the parent.
 * comment_count on the article counts approved comments and is kept in
 * step by insert and set_status. */
/* The deepest a reply nests: depth counts ancestors, so a thread shows at
 * most COMMENT_DEPTH_MAX + 1 levels. A reply to a comment at this depth is
 * stored beside it, under that comment's parent. The one cap: the store
 * applies it to every comment written (posts, imports) and article pages
 * draw deeper replies of older data at it. */
#define COMMENT_DEPTH_MAX 6

enum comment_status {
	COMMENT_PENDING = 0, /* held for moderation */
	COMMENT_APPROVED,
	COMMENT_SPAM,
	COMMENT_DELETED, /* soft: nothing is lost by a wrong click */
	COMMENT_STATUS__MAX
};

struct comment {
	int64_t		    id;
	int64_t		    article_id;
	int64_t		    parent_id; /* 0: top-level */
	int64_t		    thread_id; /* 0 on insert: its own id */
	int64_t		    depth;
	const char	   *author;
	const char	   *email; /* never shown to readers */
	const char	   *url;
	const char	   *body_md;
	const char	   *body_html; /* rendered at post time */
	enum comment_status status;
	const char	   *client_hash; /* keyed hash of the address */
	double		    spam_score;
	int64_t		    created_at;
	int64_t		    updated_at;
	/* Keyed hash of the posting browser's commenter id (comment/),
	 * NULL or "" for none: written by insert, never read back. */
	const char *commenter;
};

struct comment_list {
	struct comment *items;
	size_t		n;
	int64_t		next_after; /* threads: cursor of the next page,
					 * 0 on the last */
};

const char *comment_status_name(enum comment_status);
/* Parses "pending" | "approved" | "spam" | "deleted"; false otherwise. */
bool comment_status_parse(const char *, enum comment_status *);

/* Inserts c (inside the caller's transaction, or its own) and sets c->id,
 * c->thread_id and c->depth (what the caller put there is not read). A
 * reply to a comment at COMMENT_DEPTH_MAX goes beside it: c->parent_id
 * becomes the nearest ancestor above that depth, so no thread is deeper.
 * A missing article, or a parent that is missing or on another article,
 * is STORE_INVALID. updated_at is created_at unless c->updated_at is
 * later (imports keep an edit time). */
enum store_err store_comment_insert(struct store *, struct comment *c);
enum store_err store_comment_get(struct store *, struct arena *, int64_t id,
    struct comment *out);
/* Changes a comment's status and recounts its article's comments;
 * STORE_NOTFOUND when there is no such comment. Approving a comment
 * trusts its commenter; spam distrusts them (so does store_comment_update
 * when it changes the status: every status change takes this path). */
enum store_err store_comment_set_status(struct store *, int64_t id,
    enum comment_status, int64_t				now);
/* Whether commenter (a struct comment's commenter hash; NULL or "" is
 * never) had a comment approved and none judged spam since: moderation
 * policy "first" publishes their comments at once. */
enum store_err store_commenter_trusted(struct store *, const char *commenter,
    bool *trusted);
/* One page of an article's threads, oldest first: the threads holding an
 * approved comment whose id is past after_thread, at most nthreads of
 * them, with every comment in them in (thread, id) order. Comments not
 * approved come with status only (author, url and body empty), so that
 * readers' pages can keep their replies' place. out->next_after is the
 * cursor of the next page, 0 when this is the last. */
enum store_err store_comment_threads(struct store *, struct arena *,
    int64_t article_id, int64_t after_thread, size_t nthreads,
    struct comment_list *out);
/* An article's newest approved comments, newest first (feeds). */
enum store_err store_comment_recent(struct store *, struct arena *,
    int64_t article_id, size_t limit, struct comment_list *out);
/* Newest first, for moderators: status < 0 means any, article_id 0 any. */
enum store_err store_comment_list(struct store *, struct arena *, int status,
    int64_t article_id, size_t limit, struct comment_list *out);
/* One article's comments in id order (the order they were stored),
 * status < 0 meaning any: those with ids past after_id, at most limit
 * (1..1000). out->next_after is the id to pass for the next page, 0 when
 * this is the last (API lists, export). */
enum store_err store_comment_page(struct store *, struct arena *,
    int64_t article_id, int status, int64_t after_id, size_t limit,
    struct comment_list *out);
/* Saves c's author, url, body_md, body_html, status and updated_at over
 * the stored comment c->id, in one transaction, recounting its article
 * (and trusting or distrusting its commenter, as store_comment_set_status
 * does) when the status changed; STORE_NOTFOUND when there is no such
 * comment. Thread, parent, email and created_at stay as they were. */
enum store_err store_comment_update(struct store *, const struct comment *c);
/* The moderation queue: comments with status, newest first, those with
 * an id below before_id (0: from the newest), each with the article it
 * is on (id, slug, title, status and published_at set) and the verdict
 * its tokens are counted under in the spam classifier. out->next_before
 * is the cursor of the next page, 0 on the last. */
enum spam_verdict {
	SPAM_NONE = 0, /* not counted */
	SPAM_HAM,      /* counted as ham (approved) */
	SPAM_SPAM,     /* counted as spam */
	SPAM_VERDICT__MAX
};

struct comment_queue_item {
	struct comment	  c;
	struct article	  article;
	enum spam_verdict trained;
};

struct comment_queue {
	struct comment_queue_item *items;
	size_t			   n;
	int64_t			   next_before;
};

enum store_err store_comment_queue(struct store *, struct arena *,
    enum comment_status, int64_t before_id, size_t limit,
    struct comment_queue *out);
/* Comments with status into *n (one indexed count: the admin header). */
enum store_err store_comment_count_status(struct store *, enum comment_status,
    int64_t *n);
/* A moderator's edit: author, url and body (with its HTML, rendered by
 * the caller) replaced, id and everything else kept. STORE_NOTFOUND when
 * there is no such comment. */
enum store_err store_comment_edit(struct store *, int64_t id,
    const char *author, const char *url, const char *body_md,
    const char *body_html, int64_t now);
/* The verdict comment id's tokens are counted under, and setting it. */
enum store_err store_comment_trained(struct store *, int64_t id,
    enum spam_verdict *out);
enum store_err store_comment_set_trained(struct store *, int64_t id,
    enum spam_verdict);
const char    *spam_verdict_name(enum spam_verdict); /* "", "ham", "spam" */

/* The spam classifier's counts (store-spam.c); the classifier itself is
 * comment/spam.h. */
struct spam_count {
	int64_t ham; /* ham comments that held the token */
	int64_t spam;
};
/* Judged comments: ham and spam (0, 0 before the first verdict). */
enum store_err store_spam_totals(struct store *, int64_t *ham, int64_t *spam);
/* Counts of tokens[0..n) into out[0..n) (0, 0 for unknown tokens), a
 * batch of SPAM_BATCH tokens per statement. Tokens must be distinct. */
enum store_err store_spam_counts(struct store *, const char *const *tokens,
    size_t n, struct spam_count *out);
/* Adds delta (+1 trains, -1 untrains) to the verdict's count of every
 * token and to the verdict's total, in one transaction; counts never go
 * below 0. */
enum store_err store_spam_add(struct store *, const char *const *tokens,
    size_t n, enum spam_verdict, int delta);

/* Operations (store-ops.c). */

/* Copies the whole database, as one consistent snapshot taken while other
 * connections go on reading and writing, into a new database file at path
 * (which must not exist). SQLite only: other backends answer
 * STORE_UNSUPPORTED (use their own tools, e.g. pg_dump). */
enum store_err store_backup_to(struct store *, const char *path);
/* Replaces the whole database with the one in the file at path, after
 * checking it (integrity, and a schema no newer than this binary's:
 * STORE_INVALID with the reason in store_errmsg). Refuses, with
 * STORE_CONFLICT, when this database holds anything but settings and
 * unless force is set. Does not migrate: call store_migrate after. */
enum store_err store_restore_from(struct store *, const char *path, bool force);

/* What store_check looks at. */
enum store_check_what {
	STORE_CHECK_INTEGRITY = 1 << 0, /* pages, indexes (integrity_check) */
	STORE_CHECK_KEYS = 1 << 1,	/* foreign keys, orphans, counters */
	STORE_CHECK_SCHEMA = 1 << 2,	/* schema version current */
	STORE_CHECK_SEARCH = 1 << 3,	/* full-text index in step */
	STORE_CHECK_ALL = 0xf
};

/* Called once per finding: problem says whether it is something wrong
 * (else a note, such as a check that was skipped); text is plain words. */
typedef void (*store_check_fn)(void *ctx, bool problem, const char *text);

/* Looks the database over; *problems gets the number of problems reported
 * (a broken database is STORE_OK with problems > 0; an error means the
 * check itself could not run). */
enum store_err store_check(struct store *, unsigned what, store_check_fn,
    void *ctx, unsigned *problems);
/* store-search.c: full-text search and crawler listings. */

struct search_query;

/* Matched terms in a snippet are between these bytes, which stored text
 * cannot hold (text_check refuses control characters), so the page can
 * escape the snippet first and then turn them into <mark> elements. */
#define SEARCH_MARK_OPEN  '\x01'
#define SEARCH_MARK_CLOSE '\x02'

struct search_hit {
	struct article article; /* without body and tags */
	const char    *snippet; /* plain text with marks, not escaped */
};

struct search_result {
	struct search_hit *items;
	size_t		   n;
	bool		   more; /* another page exists */
};

/* Public articles (as of now) matching q, best first (title matches
 * above summary, tags, then body), offset/limit paged (limit 1..100).
 * The driver turns q into its own full-text expression; a driver
 * without search gives STORE_ERROR. */
enum store_err store_search(struct store *, struct arena *,
    const struct search_query *q, int64_t now, size_t offset, size_t limit,
    struct search_result *out);
/* The author slug (byline_slug) of articles that have none yet (after
 * migrating an existing database to author slugs). */
enum store_err store_author_slug_backfill(struct store *);
/* Search text of the bodies of articles that have none yet (after
 * migrating an existing database to full-text search), made by fn;
 * STORE_UNSUPPORTED when some need it and fn is NULL. */
enum store_err store_search_backfill(struct store *, store_body_text_fn fn);
/* The same within a time budget: budget_ms > 0 gives the search that many
 * milliseconds of database time, waits for locks included, and past it
 * stops the search and returns STORE_TIMEOUT (0: no limit, store_search).
 * Outside a transaction. */
enum store_err store_search_budget(struct store *, struct arena *,
    const struct search_query *q, int64_t now, size_t offset, size_t limit,
    int64_t budget_ms, struct search_result *out);

/* Public articles, newest first, for sitemaps: fn gets each with id,
 * slug, title, published_at and updated_at set (the rest zero); from
 * limits them to published_at >= from (0: all). Returning non-zero from
 * fn stops the walk. */
typedef int (*store_article_fn)(void *ctx, const struct article *);
enum store_err store_article_each_public(struct store *, int64_t now,
    int64_t from, size_t offset, size_t limit, store_article_fn fn, void *ctx);
/* Whole-site copy between databases, of any backends (gazette migrate).
 * The tables are listed parents first. */
enum store_table {
	STORE_T_USERS = 0,
	STORE_T_ARTICLES,
	STORE_T_TAGS,
	STORE_T_ARTICLE_TAGS,
	STORE_T_COMMENTS,
	STORE_T_SETTINGS,
	STORE_T_SESSIONS,
	STORE_T_API_TOKENS,
	STORE_T_REVISIONS,
	STORE_T_REDIRECTS,
	STORE_T_SPAM_TOKENS,
	STORE_T_SPAM_TOTALS,
	STORE_T_TRUSTED_COMMENTERS,
	STORE_TABLE__MAX
};

/* Row counts and a BLAKE2b-256 over a canonical dump: every table in the
 * order above, its rows by primary key, each field tagged with its type
 * and length-prefixed, so two databases holding the same site have the
 * same digest whatever their backends. */
struct store_digest {
	int64_t	      rows[STORE_TABLE__MAX];
	unsigned char sum[32];
};

const char *store_table_name(enum store_table);
/* *empty: no row at all in any table store_copy copies. */
enum store_err store_site_empty(struct store *, bool *empty);
enum store_err store_digest(struct store *, struct store_digest *out);
/* Copies every row of from into to keeping ids, in one transaction on to
 * (whose schema must be current and whose tables must be empty), then
 * moves to's id sequences past the copied ids. rows gets the counts
 * copied; on failure *culprit is the store whose errmsg tells why. */
enum store_err store_copy(struct store *from, struct store *to,
    int64_t rows[STORE_TABLE__MAX], struct store **culprit);

#endif
