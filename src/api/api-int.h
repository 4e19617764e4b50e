/* api-int.h: what the handler files of src/api/ share (v1.c defines
 * these; v1-comment.c uses them); private to src/api/. */
#ifndef GAZETTE_API_INT_H
#define GAZETTE_API_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"
#include "store/store.h"

/* Who is asking: nobody, or a token's user. */
struct api_caller {
	bool	    token;
	struct user user;
};

/* Answers OPTIONS (204 with Allow) and methods outside mask (405 with
 * Allow); true when it answered. */
bool api_method_check(struct http_req *, struct http_resp *, unsigned mask);
/* Logs the database's complaint and answers 503 with Retry-After. */
void api_store_failed(struct http_req *, struct http_resp *, struct store *);
/* Reads the bearer token, if any, into c; false when it answered (a
 * malformed, unknown or revoked token is a 401, never anonymous). */
bool api_caller_get(struct http_req *, struct http_resp *, struct store *,
    struct api_caller *c);
/* What every handler does first: api_method_check, this thread's store
 * into *st, api_caller_get into c; false when it answered. */
struct site;
bool api_begin(struct http_req *, struct http_resp *, const struct site *,
    unsigned mask, struct store **st, struct api_caller *c);
/* 401 unless c holds a token; false when it answered. */
bool api_need_token(struct http_req *, struct http_resp *,
    const struct api_caller *c);
/* Whether c may see article a (public, or a token allowed to). */
bool api_may_read(const struct api_caller *c, const struct article *a,
    int64_t now);
/* 415 unless the body is JSON (or merge patch JSON when patch); false
 * when it answered. */
bool api_content_type_ok(struct http_req *, struct http_resp *, bool patch);

#endif
