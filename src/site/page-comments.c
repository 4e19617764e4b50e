/* render.c: the comments section of an article page: threads, paging,
 * the held notice and the form.
 *
 * Threads come from the store one page at a time in (thread, id) order.
 * The nesting is built here and handed to the theme as a flat list in
 * reading order, each item saying whether it opens a list of replies and
 * how many lists close after it, because templates cannot recurse. A
 * comment that is no longer shown but has shown replies keeps its place
 * as a "removed" item, so replies never lose their context. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "render/esc.h"
#include "render/tmpl.h"
#include "site/comments.h"
#include "site/page.h"
#include "util/arena.h"
#include "util/str.h"

struct tree {
	const struct comment *c;
	size_t		      n;
	ssize_t		     *dparent;		   /* display parent, -1 root */
	ssize_t		     *first, *last, *next; /* children */
	bool		     *shown;		   /* approved or holds some */
};

/* Index of comment id of thread in c[0..n), sorted by (thread, id). */
static ssize_t
find(const struct comment *c, size_t n, int64_t thread, int64_t id)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c[mid].thread_id < thread ||
		    (c[mid].thread_id == thread && c[mid].id < id))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && c[lo].thread_id == thread && c[lo].id == id)
		return (ssize_t)lo;
	return -1;
}

static void
tree_build(struct arena *a, struct tree *t, ssize_t *roots_first,
    ssize_t *roots_last)
{
	ssize_t *parent, p;
	size_t	 i, n = t->n;

	parent = arena_alloc(a, (n + 1) * sizeof(*parent));
	t->dparent = arena_alloc(a, (n + 1) * sizeof(ssize_t));
	t->first = arena_alloc(a, (n + 1) * sizeof(ssize_t));
	t->last = arena_alloc(a, (n + 1) * sizeof(ssize_t));
	t->next = arena_alloc(a, (n + 1) * sizeof(ssize_t));
	t->shown = arena_alloc(a, (n + 1) * sizeof(bool));
	for (i = 0; i < n; i++) {
		parent[i] = t->c[i].parent_id == 0 ?
		    -1 :
		    find(t->c, n, t->c[i].thread_id, t->c[i].parent_id);
		/* A parent always has a smaller id; anything else is not a
		 * tree we can draw, so the comment stands on its own. */
		if (parent[i] >= (ssize_t)i)
			parent[i] = -1;
		t->shown[i] = t->c[i].status == COMMENT_APPROVED;
		t->first[i] = t->last[i] = t->next[i] = -1;
	}
	for (i = n; i-- > 0;)
		if (t->shown[i] && parent[i] >= 0)
			t->shown[parent[i]] = true;
	for (i = 0; i < n; i++) {
		p = parent[i];
		/* Threads deeper than the cap (written before it) are
		 * drawn as the store would now place them. */
		if (p >= 0 && t->c[i].depth > COMMENT_DEPTH_MAX &&
		    t->c[p].depth >= COMMENT_DEPTH_MAX)
			p = t->dparent[p];
		t->dparent[i] = p;
		if (!t->shown[i])
			continue;
		if (p < 0) {
			if (*roots_last >= 0)
				t->next[*roots_last] = (ssize_t)i;
			else
				*roots_first = (ssize_t)i;
			*roots_last = (ssize_t)i;
		} else {
			if (t->last[p] >= 0)
				t->next[t->last[p]] = (ssize_t)i;
			else
				t->first[p] = (ssize_t)i;
			t->last[p] = (ssize_t)i;
		}
	}
}

struct emit {
	struct http_req	  *req;
	const struct site *site;
	struct tval	  *items;
	struct tval	  *last; /* the item emitted last */
};

static void
emit_close(struct emit *em)
{
	struct tval *closes;

	if (em->last == NULL)
		return;
	closes = tv_get(em->last, "closes");
	tv_push(em->req->arena, closes, tv_map(em->req->arena));
}

static void
emit(struct emit *em, const struct tree *t, ssize_t i, bool first_reply,
    int level)
{
	struct arena	     *a = em->req->arena;
	const struct comment *c = &t->c[i];
	struct tval	     *m = tv_map(a);
	ssize_t		      k;

	tv_set_int(a, m, "id", c->id);
	tv_set_bool(a, m, "opens_list", first_reply);
	tv_set_bool(a, m, "removed", c->status != COMMENT_APPROVED);
	tv_set_str(a, m, "author", c->author);
	tv_set_str(a, m, "homepage",
	    *c->url && url_is_http(c->url, strlen(c->url)) ? c->url : NULL);
	tv_set_str(a, m, "date_iso", page_date_iso(a, c->created_at));
	tv_set_str(a, m, "date_human",
	    page_date_human(em->site, a, c->created_at));
	tv_set(a, m, "body", tv_raw(a, c->body_html, strlen(c->body_html)));
	tv_set_bool(a, m, "leaf", t->first[i] < 0);
	tv_set_int(a, m, "level", level);
	tv_set(a, m, "closes", tv_list(a));
	tv_push(a, em->items, m);
	em->last = m;
	if (t->first[i] < 0)
		return;
	for (k = t->first[i]; k >= 0; k = t->next[k])
		emit(em, t, k, k == t->first[i], level + 1);
	/* The replies' list and this comment end after its last reply. */
	emit_close(em);
}

/* The article route's parameters (page-reader.c declares them); a route
 * that does not (the comment POST re-showing its form) has none. */
static int64_t
query_id(struct http_req *req, const char *name)
{
	const char *v;
	size_t	    n;
	int64_t	    id;

	if ((v = form_get(&req->args, name, &n)) == NULL || n > 18 ||
	    !parse_int(v, n, 1, INT64_MAX, &id))
		return 0;
	return id;
}

static void
set_err(struct arena *a, struct tval *errs, const char *key, const char *msg)
{
	if (msg)
		tv_set_str(a, errs, key, msg);
}

static bool
form_data(struct http_req *req, struct http_resp *resp, const struct site *s,
    const struct article *art, const char *path, struct tval *cm,
    const struct comment_form *cf)
{
	struct arena  *a = req->arena;
	struct tval   *f = tv_map(a), *errs = tv_map(a);
	struct comment parent;
	int64_t	       pid;
	enum store_err e;

	pid = cf ? cf->parent : query_id(req, "reply");
	http_resp_visitor(resp, comment_visitor, s->comments);
	tv_set_str(a, f, "action", arena_printf(a, "%s/comments", path));
	tv_set_str(a, f, "csrf", comment_form_token(a, s->comments, art->id));
	tv_set_str(a, f, "author", cf ? cf->author : "");
	tv_set_str(a, f, "email", cf ? cf->email : "");
	tv_set_str(a, f, "homepage", cf ? cf->url : "");
	tv_set_str(a, f, "text", cf ? cf->body : "");
	tv_set_str(a, f, "parent", "");
	tv_set_str(a, f, "reply_to", NULL);
	if (pid > 0) {
		e = store_comment_get(site_store(s), a, pid, &parent);
		if (e != STORE_OK && e != STORE_NOTFOUND)
			return false;
		if (e == STORE_OK && parent.article_id == art->id &&
		    parent.status == COMMENT_APPROVED) {
			tv_set_str(a, f, "parent",
			    arena_printf(a, "%lld", (long long)pid));
			tv_set_str(a, f, "reply_to", parent.author);
			tv_set_str(a, f, "cancel_url",
			    arena_printf(a, "%s#post-comment", path));
		}
	}
	if (cf) {
		set_err(a, errs, "author", cf->err_author);
		set_err(a, errs, "email", cf->err_email);
		set_err(a, errs, "homepage", cf->err_url);
		set_err(a, errs, "text", cf->err_body);
		set_err(a, errs, "parent", cf->err_parent);
		tv_set_str(a, f, "problem", cf->err_form);
	} else
		tv_set_str(a, f, "problem", NULL);
	tv_set(a, f, "errors", errs);
	tv_set(a, cm, "form", f);
	return true;
}

bool
comment_page_data(struct http_req *req, struct http_resp *resp,
    const struct site *s, const struct article *art, const char *path,
    struct tval *root, const struct comment_form *cf)
{
	struct arena	   *a = req->arena;
	struct tval	   *cm = tv_map(a);
	struct comment_list l;
	struct emit	    em = { req, s, tv_list(a), NULL };
	struct tree	    t = { 0 };
	struct store	   *st = site_store(s);
	ssize_t		    first = -1, last = -1, i;
	int64_t		    after = query_id(req, "comments_after");
	const char	   *held, *live_page = "";

	if (st == NULL)
		return false;
	/* A static page links replies and further comments to the live
	 * site's page, or leaves them out when there is none. */
	if (s->static_build && s->live_url != NULL) {
		live_page = arena_printf(a, "%s%s", s->live_url, path);
		tv_set_str(a, cm, "reply_base", live_page);
		if (!comment_closed(s->close_days, art, (int64_t)time(NULL)))
			tv_set_str(a, cm, "live_comment_url",
			    arena_printf(a, "%s#post-comment", live_page));
	} else if (s->static_build)
		tv_set_bool(a, cm, "no_reply", true);
	tv_set(a, root, "comments", cm);
	tv_set_int(a, cm, "count", art->comment_count);
	tv_set_str(a, cm, "count_label",
	    art->comment_count == 1 ?
		"1 comment" :
		arena_printf(a, "%lld comments",
		    (long long)art->comment_count));
	held = form_get(&req->args, "held", NULL);
	tv_set_bool(a, cm, "held", held && strcmp(held, "1") == 0);
	if (store_comment_threads(st, a, art->id, after, COMMENT_THREADS_PAGE,
		&l) != STORE_OK)
		return false;
	t.c = l.items;
	t.n = l.n;
	tree_build(a, &t, &first, &last);
	for (i = first; i >= 0; i = t.next[i])
		emit(&em, &t, i, false, 1);
	tv_set(a, cm, "items", em.items);
	tv_set_bool(a, cm, "any", tv_len(em.items) > 0);
	if (s->static_build && s->live_url == NULL)
		l.next_after = 0;
	tv_set_str(a, cm, "more_url",
	    l.next_after ?
		arena_printf(a, "%s?comments_after=%lld#comments", live_page,
		    (long long)l.next_after) :
		NULL);
	tv_set_str(a, cm, "first_url",
	    after ? arena_printf(a, "%s#comments", path) : NULL);
	tv_set_bool(a, cm, "closed",
	    comment_closed(s->close_days, art, (int64_t)time(NULL)));
	tv_set_str(a, cm, "feed_url",
	    arena_printf(a, "%s/comments.atom", path));
	tv_set(a, cm, "form", tv_cstr(a, NULL));
	if (s->comments != NULL &&
	    !comment_closed(s->close_days, art, (int64_t)time(NULL)) &&
	    !form_data(req, resp, s, art, path, cm, cf))
		return false;
	return true;
}
