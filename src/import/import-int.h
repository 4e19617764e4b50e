/* import-int.h: what the importers share inside src/import/: one model of
 * an export (posts with their old links and comments) that the WordPress
 * and Blogger readers fill and one writer stores.
 *
 * A reader only parses: it never touches the store, so --dry-run and the
 * fuzz driver run the same code as an import. Everything lives in the
 * arena given to the reader. */
#ifndef GAZETTE_IMPORT_INT_H
#define GAZETTE_IMPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "import/import.h"
#include "store/store.h"

struct arena;
struct buf;

#define IMP_MAX_XML (64u * 1024 * 1024) /* bytes of one export file */
#define IMP_MAX_OLD 4

/* A reader comment as the source system had it; body is its HTML, not yet
 * sanitised (the comment importer decides how comments are rendered). */
struct imp_comment {
	const char *ext_id;	   /* the source's id, "" when none */
	const char *parent_ext_id; /* "" for a top-level comment */
	const char *author;
	const char *email;
	const char *url;
	const char *body;   /* HTML */
	const char *status; /* approved | pending | spam | deleted */
	int64_t	    created_at;
	int64_t	    updated_at; /* 0: as created */
	/* gazette's own exports: the stored body_md (NULL from elsewhere);
	 * body is then the stored body_html, complete as it is. */
	const char *markdown;
};

struct imp_post {
	struct article	    art;  /* body_md: sanitised HTML (BODY_HTML) */
	const char	   *kind; /* "post" | "page" */
	const char	   *ext_id;
	const char	   *old[IMP_MAX_OLD]; /* old paths, see 0006 */
	size_t		    nold;
	struct imp_comment *comments;
	size_t		    ncomments;
};

struct imp_set {
	struct arena	*arena;
	const char	*file;	 /* for messages */
	const char	*format; /* "WordPress" | "Blogger" */
	struct imp_post *posts;
	size_t		 n, cap;
	struct buf	*report; /* "dropped: …" lines, may be NULL */
	size_t		 drops;
	int64_t		 now;
};

/* index.c: a source's ids (of comments, posts, authors) to their place
 * in the model, in time linear in an export's size however hostile. */
struct imp_index {
	const char  **keys; /* arena strings, not copied */
	size_t	     *vals;
	size_t	      cap, n, max;
	unsigned char key[16]; /* SipHash key, random per index */
};

/* An index for up to n ids, in the arena (freed with it). */
void imp_index_init(struct imp_index *, struct arena *, size_t n);
/* Adds key (which must live as long as the index) → val; false, the
 * index unchanged, for "", a key already there (the first one stays) or
 * more than n keys. */
bool imp_index_add(struct imp_index *, const char *key, size_t val);
/* val of key; false when it has none. */
bool imp_index_get(const struct imp_index *, const char *key, size_t *val);

#define IMP_ROOT  (-1) /* hangs from nothing: placed first */
#define IMP_STUCK (-2) /* hangs from something not there: never */
/* Orders n items that each hang from a parent (parent[i]: another
 * item's index, IMP_ROOT or IMP_STUCK) as a walk over them would place
 * them that goes through the items in index order again and again,
 * placing each whose parent is placed, until a pass places nothing:
 * first by the pass that places it, then by index. That walk is
 * quadratic, cubic with a lookup per item; this is linear. Writes the
 * items placed to order[] and returns their count; the others (in a loop
 * of parents, below one, or below a stuck item) are left out. */
size_t imp_order(struct arena *, const ssize_t *parent, size_t n,
    size_t *order);

/* xml.c */

/* Parses an export safely: no network, no entity substitution, no
 * DTD (a DOCTYPE is refused before parsing, so neither an entity bomb nor
 * an external entity can be declared), no XML_PARSE_HUGE, at most
 * IMP_MAX_XML bytes. NULL with a message in err on failure. The result
 * is an xmlDoc (libxml2), freed with imp_xml_free. */
void *imp_xml_read(const char *data, size_t n, struct buf *err);
void  imp_xml_free(void *doc);
/* Sets libxml2 up; before a second thread may parse. */
void imp_xml_init(void);
/* Which reader an XML document is for: its root element and namespace. */
enum imp_kind {
	IMP_UNKNOWN = 0,
	IMP_WXR,
	IMP_BLOGGER,
	IMP_KIND__MAX
};
enum imp_kind imp_xml_kind(void *doc);

/* The text content of an element (an xmlNode), copied into the arena. */
const char *imp_text(struct arena *, const void *node);
/* s on one line: whitespace runs folded to one space, trimmed (titles,
 * names and tags are single-line everywhere in gazette). */
const char *imp_one_line(struct arena *, const char *s);
/* The path of an absolute URL ("https://x.org/2019/05/a/" → "/2019/05/a/"),
 * with its query when with_query; NULL when there is none worth keeping
 * (root only, a fragment, over 1000 bytes, controls). */
const char *imp_url_path(struct arena *, const char *url, bool with_query);

/* Records that something of the source was not imported, and why. */
void imp_drop(struct imp_set *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A new post in the set, zeroed. */
struct imp_post *imp_post_new(struct imp_set *);
/* Sets p->art's body from source HTML through article_body (drops
 * reported against what): body_md, body_html, body_text; summary from
 * excerpt HTML or, without one, from the body. */
void imp_post_body(struct imp_set *, struct imp_post *p, const char *html,
    const char *excerpt, const char *what);
/* Sets p->art's body from Markdown (a gazette export's own source)
 * through article_body; summary as given, or from the body. */
void imp_post_markdown(struct imp_set *, struct imp_post *p, const char *md,
    const char *summary);
/* "YYYY-MM-DD HH:MM:SS" (WordPress) as UTC; false for the zero date and
 * anything else. */
bool imp_time_wp(const char *s, int64_t *out);

/* wxr.c, blogger.c: read a parsed document into set. false and err on
 * a document that is not what it claims to be. */
bool wxr_read(void *doc, struct imp_set *, struct buf *err);
bool blogger_read(void *doc, struct imp_set *, struct buf *err);

/* import-comment.c: stores the comments of one imported post, now saved
 * as article_id, keeping their threading (parent_ext_id → the new id),
 * status and dates, inside the caller's transaction. With a NULL store
 * (--dry-run) it does all of that but the writing. Reports the post's
 * comments, and each one dropped or changed and why, in set's report;
 * counts what it stored (or would) in stats. */
bool imp_comments_store(struct store *, struct imp_set *,
    const struct imp_post *, int64_t article_id, struct import_stats *,
    struct buf *err);
/* Reads the SLUG.comments.json beside md_path into text when there is
 * one (import.h): *found says whether there was. Touches no store, so the
 * import's reader thread runs it. false and err when it cannot be read. */
bool imp_sidecar_read(const char *md_path, struct buf *text, bool *found,
    struct buf *err);
/* Imports the comments of a Markdown article (stored as art, or about
 * to be in a dry run) from its sidecar's text (imp_sidecar_read; NULL:
 * it has none). false and err on a malformed file. */
bool imp_comments_sidecar(struct store *, const char *md_path, const char *text,
    size_t len, const struct article  *art, const struct import_opts *,
    struct import_stats *, struct buf *err);
/* The stored form of an imported comment's body, from source HTML (or a
 * gazette export's body_html with its Markdown, md, else NULL): body_md
 * and body_html as import-comment.c's header says. drops may be NULL. */
void imp_comment_body(struct arena *, const char *html, const char *md,
    const char **body_md, const char **body_html, struct html_drops *drops);

#endif
