/* feed.c: GET /YYYY/MM/SLUG/comments.atom — an article's approved
 * comments as Atom (RFC 4287), replies marked with thr:in-reply-to
 * (RFC 4685). Emails are never in it; homepages only when http(s). */
#include <stdio.h>
#include <string.h>

#include "render/esc.h"
#include "render/markdown.h"
#include "render/tmpl.h"
#include "site/comments.h"
#include "site/page.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

#define FEED_ENTRIES 50

/* A title for an entry: the start of the comment's text. */
static const char *
entry_title(struct arena *a, const struct comment *c)
{
	struct buf  b = BUF_INIT;
	const char *s;

	md_plain(&b, c->body_md, strlen(c->body_md), 80);
	s = arena_printf(a, "%s: %s", c->author, buf_str(&b));
	buf_free(&b);
	return s;
}

void
comment_feed(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site  *s = ctx;
	struct arena	   *a = req->arena;
	struct store	   *st = site_store(s);
	struct comment_list l;
	struct article	    art;
	struct tval	   *root, *m, *entries, *e, *r;
	const char	   *path = NULL, *abs;
	size_t		    i;

	switch (page_article_lookup(req, s, &art, &path)) {
	case 0:
		break;
	case 301:
		http_resp_redirect(resp, 301,
		    arena_printf(a, "%s/comments.atom", path));
		return;
	case 404:
		page_not_found(req, resp, ctx);
		return;
	default:
		http_resp_unavailable(resp, "the database is not available");
		return;
	}
	if (st == NULL ||
	    store_comment_recent(st, a, art.id, FEED_ENTRIES, &l) != STORE_OK) {
		http_resp_unavailable(resp, "the database is not available");
		return;
	}
	abs = arena_printf(a, "%s%s", s->base_url, path);
	root = tv_map(a);
	m = tv_map(a);
	tv_set_str(a, m, "title", art.title);
	tv_set_str(a, m, "abs_url", abs);
	tv_set(a, root, "article", m);
	tv_set_str(a, root, "site_title", s->title);
	tv_set_str(a, root, "self", arena_printf(a, "%s/comments.atom", abs));
	tv_set_str(a, root, "updated",
	    page_date_iso(a, l.n ? l.items[0].created_at : art.updated_at));
	entries = tv_list(a);
	for (i = 0; i < l.n; i++) {
		const struct comment *c = &l.items[i];

		e = tv_map(a);
		tv_set_str(a, e, "id",
		    arena_printf(a, "%s#c-%lld", abs, (long long)c->id));
		tv_set_str(a, e, "title", entry_title(a, c));
		tv_set_str(a, e, "author", c->author);
		tv_set_str(a, e, "homepage",
		    *c->url && url_is_http(c->url, strlen(c->url)) ?
			c->url :
			NULL);
		tv_set_str(a, e, "published", page_date_iso(a, c->created_at));
		tv_set_str(a, e, "updated", page_date_iso(a, c->updated_at));
		tv_set_str(a, e, "content", c->body_html);
		if (c->parent_id) {
			r = tv_map(a);
			tv_set_str(a, r, "ref",
			    arena_printf(a, "%s#c-%lld", abs,
				(long long)c->parent_id));
			tv_set(a, e, "in_reply_to", r);
		} else
			tv_set(a, e, "in_reply_to", tv_cstr(a, NULL));
		tv_push(a, entries, e);
	}
	tv_set(a, root, "entries", entries);
	if (!tmpl_render(s->tmpl, "comments.atom.xml", root, &resp->body) ||
	    buf_err(&resp->body)) {
		buf_free(&resp->body);
		http_resp_text(resp, 500, "the feed could not be rendered");
		return;
	}
	resp->content_type = "application/atom+xml";
	http_resp_header(resp, "Cache-Control", "public, max-age=60");
	http_resp_cache(resp,
	    arena_printf(a, "comments:%lld", (long long)art.id));
	http_resp_cache(resp,
	    arena_printf(a, "article:%lld", (long long)art.id));
}
