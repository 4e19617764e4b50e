/* store.h: the one storage interface the rest of gazette sees.
 *
 * A struct store is one connection to one database, used by one thread at
 * a time (the server opens one per thread). store_open() picks the driver
 * from the URL: "postgresql://…" or "postgres://…" is PostgreSQL, anything
 * else a SQLite file path. Domain functions below are written once in
 * store.c over the driver vtable in store-int.h.
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

struct arena;

enum store_err {
	STORE_OK = 0,
	STORE_NOTFOUND,		/* no such row */
	STORE_CONFLICT,		/* unique key taken (slug, user name) */
	STORE_BUSY,		/* locked past the busy timeout */
	STORE_FULL,		/* disk full */
	STORE_IO,		/* I/O error, corruption, lost connection */
	STORE_INVALID,		/* the caller passed something the schema refuses */
	STORE_ERROR,		/* anything else */
	STORE__MAX
};

enum article_status {
	ARTICLE_DRAFT = 0,
	ARTICLE_PUBLISHED,
	ARTICLE_SCHEDULED,	/* published at published_at, which is ahead */
	ARTICLE_STATUS__MAX
};

struct tag {
	const char	*name;	/* as written: "Central Asia" */
	const char	*slug;	/* URL form: "central-asia" */
	int64_t		 count;	/* articles (listings of tags only) */
};

struct article {
	int64_t			 id;
	const char		*slug;
	const char		*title;
	const char		*summary;
	const char		*body_md;
	const char		*body_html;	/* rendered at save time */
	const char		*author;	/* display name */
	enum article_status	 status;
	int64_t			 published_at;	/* Unix s; 0 for an undated draft */
	int64_t			 created_at;
	int64_t			 updated_at;
	int64_t			 comment_count;	/* approved comments */
	bool			 comments_closed;
	struct tag		*tags;
	size_t			 ntags;
};

/* Which articles a listing shows. Readers' listings set public: published
 * or scheduled articles whose time has come (published_at <= now). */
struct article_filter {
	bool		 public;
	int64_t		 now;		/* for public */
	const char	*tag_slug;	/* NULL: any */
	const char	*author;	/* NULL: any */
	int64_t		 from, to;	/* published_at in [from, to); 0,0: any */
	/* Keyset paging, newest first: articles strictly older than
	 * (before_time, before_id); before_id 0 means from the newest. */
	int64_t		 before_time;
	int64_t		 before_id;
	size_t		 offset;	/* for numbered pages (/page/N) */
	size_t		 limit;		/* 1..1000 */
	bool		 with_body;	/* fill body_md/body_html too */
};

struct article_list {
	struct article	*items;
	size_t		 n;
	bool		 more;		/* another page exists */
};

struct store;

/* Opens url; on failure NULL and a message in err ("cannot open …"). */
struct store	*store_open(const char *url, char *err, size_t errlen);
void		 store_close(struct store *);	/* NULL is fine */
const char	*store_errmsg(const struct store *);
const char	*store_driver_name(const struct store *);	/* "sqlite" */

/* Creates or upgrades the schema; idempotent. *version gets the schema
 * version now in force (may be NULL). */
enum store_err	 store_migrate(struct store *, int *version);
/* Schema version of the database, 0 when it has none yet. */
enum store_err	 store_schema_version(struct store *, int *version);
/* The newest schema version this binary knows. */
int		 store_schema_latest(void);

/* Transactions nest as a count: only the outermost begin/commit touch the
 * database, and a rollback at any depth rolls back the whole transaction
 * (later commits at inner depths then fail with STORE_ERROR). */
enum store_err	 store_begin(struct store *);
enum store_err	 store_commit(struct store *);
void		 store_rollback(struct store *);

/* Articles. insert sets a->id; tags are matched by slug (made from their
 * names) and created as needed. A taken slug is STORE_CONFLICT. */
enum store_err	 store_article_insert(struct store *, struct article *a);
enum store_err	 store_article_by_slug(struct store *, struct arena *,
		    const char *slug, struct article *out);
enum store_err	 store_article_list(struct store *, struct arena *,
		    const struct article_filter *, struct article_list *out);
enum store_err	 store_article_count(struct store *, bool public,
		    int64_t now, int64_t *count);
/* Whether a reader may see a (published, or scheduled and due). */
bool		 article_is_public(const struct article *a, int64_t now);
const char	*article_status_name(enum article_status);
/* Parses "draft" | "published" | "scheduled"; false otherwise. */
bool		 article_status_parse(const char *, enum article_status *);

/* Tags with their public article counts, by name. */
enum store_err	 store_tag_list(struct store *, struct arena *, int64_t now,
		    struct tag **out, size_t *n);
enum store_err	 store_tag_by_slug(struct store *, struct arena *,
		    const char *slug, struct tag *out);

/* Site settings (title, description, base_url, language, timezone,
 * moderation, …): a missing key is STORE_NOTFOUND. */
enum store_err	 store_setting_get(struct store *, struct arena *,
		    const char *key, const char **value);
enum store_err	 store_setting_set(struct store *, const char *key,
		    const char *value);

/* Whole-site copy between databases, of any backends (gazette migrate).
 * The tables are listed parents first. */
enum store_table {
	STORE_T_USERS = 0,
	STORE_T_ARTICLES,
	STORE_T_TAGS,
	STORE_T_ARTICLE_TAGS,
	STORE_T_COMMENTS,
	STORE_T_SETTINGS,
	STORE_TABLE__MAX
};

/* Row counts and a BLAKE2b-256 over a canonical dump: every table in the
 * order above, its rows by primary key, each field tagged with its type
 * and length-prefixed, so two databases holding the same site have the
 * same digest whatever their backends. */
struct store_digest {
	int64_t		 rows[STORE_TABLE__MAX];
	unsigned char	 sum[32];
};

const char	*store_table_name(enum store_table);
/* *empty: no article, tag, user, comment or setting at all. */
enum store_err	 store_site_empty(struct store *, bool *empty);
enum store_err	 store_digest(struct store *, struct store_digest *out);
/* Copies every row of from into to keeping ids, in one transaction on to
 * (whose schema must be current and whose tables must be empty), then
 * moves to's id sequences past the copied ids. rows gets the counts
 * copied; on failure *culprit is the store whose errmsg tells why. */
enum store_err	 store_copy(struct store *from, struct store *to,
		    int64_t rows[STORE_TABLE__MAX], struct store **culprit);

#endif
