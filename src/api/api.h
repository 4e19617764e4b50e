/* api.h: the JSON API under /api/v1: problem documents, JSON in and out,
 * and the articles resource.
 *
 * Parsing and checking a request body is pure (no server, no database):
 * api_json_parse() and api_article_apply() are what the handlers call and
 * what fuzz/fuzz-json.c drives. Everything they return lives in the arena
 * passed in; jansson's own memory never escapes a call.
 *
 * Errors are RFC 7807 problem documents (application/problem+json) with
 * type, title, status, detail and, when one field is at fault, "field"
 * naming it (a JSON member name, "tags[2]" for an array element, or a
 * query parameter). Malformed JSON also carries "line" and "column". */
#ifndef GAZETTE_API_H
#define GAZETTE_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "render/json.h"
#include "store/store.h"

#define API_MAX_BODY  (1024u * 1024) /* bytes of a request body */
#define API_MAX_DEPTH 32	     /* nesting of arrays and objects */
#define API_MAX_TAGS  64
#define API_LIMIT_DEF 20 /* items of a list page */
#define API_LIMIT_MAX 100

struct api_problem {
	int	    status;	  /* 0: no problem */
	const char *type;	  /* URI; "about:blank" for plain statuses */
	const char *title;	  /* short, same for every instance */
	const char *detail;	  /* this instance, in the arena */
	const char *field;	  /* member or parameter at fault, or NULL */
	int	    line, column; /* of malformed JSON; 0 otherwise */
};

/* problem.c */

/* Sets p to status with a detail formatted into the arena; field may be
 * NULL. Always returns false, so a checker can `return api_fail(…)`. */
bool api_fail(struct api_problem *, struct arena *, int status,
    const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Answers with p as application/problem+json. */
void api_problem_send(struct http_resp *, const struct api_problem *);
/* Shorthand: api_fail then api_problem_send. */
void api_error(struct http_resp *, struct arena *, int status,
    const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* json.c */

/* An opaque parsed JSON document (jansson's json_t). */
struct api_json;

/* Parses body[0..n) as one JSON object within the limits: at most
 * API_MAX_BODY bytes (413), nesting at most API_MAX_DEPTH (400, refused
 * by a scan before jansson sees it), well-formed UTF-8 JSON without
 * duplicate keys (400 with line and column), an object at the top (422).
 * NUL escapes are let through here and refused per field, so the problem
 * can name the field. On failure NULL and p set. Free with
 * api_json_free(). */
struct api_json *api_json_parse(struct arena *, const char *body, size_t n,
    struct api_problem *p);
void		 api_json_free(struct api_json *); /* NULL is fine */

/* article.c */

enum api_mode {
	API_CREATE = 0, /* POST: a new article from defaults */
	API_REPLACE,	/* PUT: every writable field from the document */
	API_PATCH,	/* PATCH: a JSON merge patch over the stored one */
	API_MODE__MAX
};

/* What a write document asked for beyond the article's fields. */
struct api_article_req {
	bool	has_version;
	int64_t version;    /* the version the client read */
	bool	has_status; /* status was given (authors may not publish) */
	bool	has_author;
};

/* Applies the JSON object doc to a: for API_CREATE and API_REPLACE a is
 * reset to defaults first (a draft, no tags) and keeps only its id;
 * API_PATCH changes only the members present, null removing optional
 * ones (RFC 7396). Checks every member: unknown members, wrong types,
 * bad values (title missing or empty, bad slug, status, date, too long,
 * control characters, NUL) fail with 422 naming the field. Renders
 * body_html (Markdown, or sanitised HTML for body_format "html") and a
 * summary when none is given. now fills published_at when an article is
 * published without one. Read-only members (id, body_html, url,
 * created_at, updated_at) are accepted and ignored, so a document read
 * with GET can be sent back. Strings land in the arena. */
bool api_article_apply(struct arena *, const struct api_json *doc,
    enum api_mode, int64_t now, struct article *a, struct api_article_req *req,
    struct api_problem *p);

/* Makes a's body through article_body, in a->format: body_html,
 * body_text, body_md (for HTML its sanitised form) and, when a->summary
 * is empty, a derived summary. false when the body cannot be made. */
bool api_article_render(struct arena *, struct article *a);

/* Appends the JSON object for a; abs_url is its absolute URL or NULL
 * (not public). */
void api_article_json(struct buf *, const struct article *a,
    const char *abs_url);

/* List cursors: opaque to clients, (published_at, id) of the last item
 * of a page. decode returns false for anything encode did not make. */
void api_cursor_encode(struct buf *, int64_t t, int64_t id);
bool api_cursor_decode(const char *s, size_t n, int64_t *t, int64_t *id);

/* comment.c: comments. Their fields follow comment_fields_check
 * (comment/comment.h), the one checker of the form and the API. */
struct comment_form;

/* Reads a reader's post (author, email, url, body, parent; email, url and
 * parent may be null or absent) into cf, with the byte length of author,
 * email, url and body in len[0..3]. Only the shape is checked here
 * (unknown members, types, a parent that is not a positive integer): 422
 * naming the member; comment_accept checks the rest. */
bool api_comment_parse(struct arena *, const struct api_json *doc,
    struct comment_form *cf, size_t len[4], struct api_problem *p);
/* The first fault comment_fields_check or comment_accept set in cf, as a
 * 422 naming its member; true when there is none. */
bool api_comment_problem(struct arena *, const struct comment_form *cf,
    struct api_problem *p);
/* Applies a moderator's merge patch (status, author, url, body or its
 * alias body_markdown; read-only members of a GET document are accepted
 * and ignored) to c, checking what is sent by the rules readers' comments
 * follow and re-rendering the body when it changes; updated_at := now.
 * 422 naming the member on failure, c then half-changed (discard it). */
bool api_comment_patch(struct arena *, const struct api_json *doc, int64_t now,
    struct comment *c, struct api_problem *p);

/* v1.c: handlers (ctx is the struct site). */
void api_articles(struct http_req *, struct http_resp *, void *);
void api_article(struct http_req *, struct http_resp *, void *);
/* v1-comment.c: /api/v1/articles/SLUG/comments (GET, POST) and
 * /api/v1/comments/ID (GET, PATCH, DELETE). */
void api_article_comments(struct http_req *, struct http_resp *, void *);
void api_comment(struct http_req *, struct http_resp *, void *);
/* /api/v1/search?q=…&cursor=…&limit=… (search.c). */
void api_search(struct http_req *, struct http_resp *, void *);
/* Any other path under /api: 404, a problem document. */
void api_unknown(struct http_req *, struct http_resp *, void *);
/* Answers a request under /api/ whose query the server refused (struct
 * http_server_opts.bad_query) with a 400 problem document naming param
 * and returns true; false for any other path. */
bool api_bad_query(struct http_req *, struct http_resp *, const char *param,
    const char *msg);
/* Whether path is the API's (/api and under): where every error is a
 * problem document, those of the HTTP layer included. */
bool api_path(const char *path);
/* Answers a request under /api/ that no route took with a problem
 * document and returns true; false for any other path. */
bool api_not_found(struct http_req *, struct http_resp *);

#endif
