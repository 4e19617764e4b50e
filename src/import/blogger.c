/* blogger.c: a Blogger export (Atom, "Back up content") into the import
 * model.
 *
 * The export is one Atom feed whose entries are of several kinds, told by
 * a category in the kind scheme: posts, pages, comments, and the blog's
 * settings and template (not content: reported as dropped). Labels are
 * categories in Blogger's own scheme. A draft says so in app:control. A
 * comment points at its post with thr:in-reply-to and, when it answers
 * another comment, at that one with a link rel="related"; a reply whose
 * thr:in-reply-to names the comment it answers is read too. */
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import/import-int.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#define NS_ATOM	     "http://www.w3.org/2005/Atom"
#define NS_APP	     "http://purl.org/atom/app#"
#define NS_APP2007   "http://www.w3.org/2007/app"
#define NS_THR	     "http://purl.org/syndication/thread/1.0"
#define SCHEME_KIND  "http://schemas.google.com/g/2005#kind"
#define SCHEME_LABEL "http://www.blogger.com/atom/ns#"

enum kind {
	K_OTHER = 0,
	K_POST,
	K_PAGE,
	K_COMMENT,
	K__MAX
};

static bool
is(const xmlNode *n, const char *ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0 && n->ns &&
	    strcmp((const char *)n->ns->href, ns) == 0;
}

static const char *
attr(struct arena *a, const xmlNode *n, const char *name)
{
	xmlChar	   *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	const char *s = v ? arena_strdup(a, (const char *)v) : NULL;

	xmlFree(v);
	return s;
}

static const xmlNode *
first(const xmlNode *n, const char *ns, const char *name)
{
	const xmlNode *c;

	for (c = n->children; c; c = c->next)
		if (is(c, ns, name))
			return c;
	return NULL;
}

static const char *
child(struct arena *a, const xmlNode *n, const char *ns, const char *name)
{
	const xmlNode *c = first(n, ns, name);

	return c ? imp_text(a, c) : "";
}

static enum kind
kind_of(struct arena *a, const xmlNode *e, const char **term)
{
	const xmlNode *c;
	const char    *scheme, *t;

	*term = "";
	for (c = e->children; c; c = c->next) {
		if (!is(c, NS_ATOM, "category"))
			continue;
		scheme = attr(a, c, "scheme");
		if (scheme == NULL || strcmp(scheme, SCHEME_KIND) != 0 ||
		    (t = attr(a, c, "term")) == NULL)
			continue;
		*term = (t = strrchr(t, '#')) ? t + 1 : "";
		if (strcmp(*term, "post") == 0)
			return K_POST;
		if (strcmp(*term, "page") == 0)
			return K_PAGE;
		if (strcmp(*term, "comment") == 0)
			return K_COMMENT;
		return K_OTHER;
	}
	return K_OTHER;
}

/* "tag:blogger.com,1999:blog-1.post-42" → "42". */
static const char *
post_id(const char *id)
{
	const char *p = strstr(id, ".post-");

	return p ? p + 6 : id;
}

static const char *
link_href(struct arena *a, const xmlNode *e, const char *rel)
{
	const xmlNode *c;
	const char    *r;

	for (c = e->children; c; c = c->next) {
		if (!is(c, NS_ATOM, "link"))
			continue;
		r = attr(a, c, "rel");
		if (r && strcmp(r, rel) == 0)
			return attr(a, c, "href");
	}
	return NULL;
}

static bool
is_draft(struct arena *a, const xmlNode *e)
{
	const xmlNode *c = first(e, NS_APP, "control");
	const char    *d;

	if (c == NULL)
		c = first(e, NS_APP2007, "control");
	if (c == NULL)
		return false;
	d = imp_one_line(a, child(a, c, NS_APP, "draft"));
	if (*d == '\0')
		d = imp_one_line(a, child(a, c, NS_APP2007, "draft"));
	return strcmp(d, "yes") == 0;
}

static void
post_read(struct imp_set *s, const xmlNode *e, enum kind k)
{
	struct arena	*a = s->arena;
	struct imp_post *p = imp_post_new(s);
	const xmlNode	*c, *au;
	const char	*href, *path, *base, *dot, *t, *scheme;
	struct buf	 b = BUF_INIT;
	size_t		 n = 0, i;
	int64_t		 upd;

	p->kind = k == K_PAGE ? "page" : "post";
	p->ext_id = post_id(imp_one_line(a, child(a, e, NS_ATOM, "id")));
	p->art.title = imp_one_line(a, child(a, e, NS_ATOM, "title"));
	if (*p->art.title == '\0') {
		p->art.title = arena_printf(a, "Untitled %s %s", p->kind,
		    p->ext_id);
		imp_drop(s, "%s %s: no title: imported as '%s'", p->kind,
		    p->ext_id, p->art.title);
	}
	if (!time_parse_rfc3339(child(a, e, NS_ATOM, "published"),
		strlen(child(a, e, NS_ATOM, "published")),
		&p->art.published_at))
		p->art.published_at = 0;
	if (!time_parse_rfc3339(child(a, e, NS_ATOM, "updated"),
		strlen(child(a, e, NS_ATOM, "updated")), &upd))
		upd = p->art.published_at;
	if (is_draft(a, e))
		p->art.status = ARTICLE_DRAFT;
	else if (p->art.published_at > s->now)
		p->art.status = ARTICLE_SCHEDULED;
	else
		p->art.status = ARTICLE_PUBLISHED;
	if (p->art.status != ARTICLE_DRAFT && p->art.published_at == 0)
		p->art.published_at = s->now;
	p->art.created_at = p->art.published_at ? p->art.published_at : s->now;
	p->art.updated_at = upd ? upd : p->art.created_at;
	if ((au = first(e, NS_ATOM, "author")) != NULL)
		p->art.author = imp_one_line(a, child(a, au, NS_ATOM, "name"));
	else
		p->art.author = "";
	/* Blogger names an unknown author "Unknown"; that is no byline. */
	if (strcmp(p->art.author, "Unknown") == 0)
		p->art.author = "";

	href = link_href(a, e, "alternate");
	path = imp_url_path(a, href, false);
	if (path && (base = strrchr(path, '/')) != NULL &&
	    (dot = strstr(base, ".html")) != NULL && dot[5] == '\0')
		slugify(&b, base + 1, (size_t)(dot - base - 1));
	if (b.len == 0)
		slugify(&b, p->art.title, strlen(p->art.title));
	if (b.len == 0)
		buf_printf(&b, "%s-%s", p->kind, p->ext_id);
	p->art.slug = arena_strndup(a, b.p, b.len);
	if (path && p->art.status == ARTICLE_PUBLISHED)
		p->old[p->nold++] = path;

	c = first(e, NS_ATOM, "content");
	t = c ? attr(a, c, "type") : NULL;
	if (c && t && strcmp(t, "html") != 0 && strcmp(t, "text") != 0)
		imp_drop(s, "%s '%s': content of type '%s' is read as HTML",
		    p->kind, p->art.title, t);
	if (c && t && strcmp(t, "text") == 0) {
		/* Plain text: escape it so the sanitiser keeps it as is. */
		struct buf  h = BUF_INIT;
		const char *raw = imp_text(a, c);

		for (; *raw; raw++) {
			if (*raw == '<')
				buf_puts(&h, "&lt;");
			else if (*raw == '&')
				buf_puts(&h, "&amp;");
			else
				buf_putc(&h, *raw);
		}
		imp_post_body(s, p, buf_str(&h), NULL,
		    arena_printf(a, "%s '%s'", p->kind, p->art.title));
		buf_free(&h);
	} else
		imp_post_body(s, p, c ? imp_text(a, c) : "", NULL,
		    arena_printf(a, "%s '%s'", p->kind, p->art.title));

	for (c = e->children; c; c = c->next)
		if (is(c, NS_ATOM, "category"))
			n++;
	p->art.tags = n ? arena_alloc(a, n * sizeof(*p->art.tags)) : NULL;
	for (c = e->children; c; c = c->next) {
		if (!is(c, NS_ATOM, "category"))
			continue;
		scheme = attr(a, c, "scheme");
		if (scheme == NULL || strcmp(scheme, SCHEME_LABEL) != 0 ||
		    (t = attr(a, c, "term")) == NULL)
			continue;
		t = imp_one_line(a, t);
		buf_reset(&b);
		slugify(&b, t, strlen(t));
		if (b.len == 0) {
			imp_drop(s,
			    "%s '%s': label '%s' has no letter or "
			    "digit",
			    p->kind, p->art.title, t);
			continue;
		}
		for (i = 0; i < p->art.ntags; i++)
			if (strcmp(p->art.tags[i].name, t) == 0)
				break;
		if (i == p->art.ntags)
			p->art.tags[p->art.ntags++].name = t;
	}
	buf_free(&b);
}

/* A comment entry, read in the order of the file. ref is what its
 * thr:in-reply-to names (a post, or for a reply the comment answered;
 * NULL without one); post is the post it is filed under, once known. */
struct centry {
	const xmlNode	*e;
	const char	*id;
	const char	*ref;
	struct imp_post *post;
	bool		 reply; /* ref names a comment */
};

/* Fills cm from comment entry c, a reply to parent ("" for none: the
 * parent may then be in a link rel="related", as Blogger writes it). */
static void
comment_fill(struct imp_set *s, struct imp_comment *cm, const struct centry *c,
    const char *parent)
{
	struct arena  *a = s->arena;
	const xmlNode *e = c->e, *au;
	const char    *rel, *slash;

	memset(cm, 0, sizeof(*cm));
	cm->ext_id = c->id;
	cm->parent_ext_id = parent;
	if (*parent == '\0' && (rel = link_href(a, e, "related")) != NULL &&
	    (slash = strrchr(rel, '/')) != NULL && slash[1])
		cm->parent_ext_id = arena_strdup(a, slash + 1);
	if ((au = first(e, NS_ATOM, "author")) != NULL) {
		cm->author = imp_one_line(a, child(a, au, NS_ATOM, "name"));
		cm->email = imp_one_line(a, child(a, au, NS_ATOM, "email"));
		cm->url = imp_one_line(a, child(a, au, NS_ATOM, "uri"));
	} else
		cm->author = cm->email = cm->url = "";
	/* Blogger exports hide addresses as noreply@blogger.com. */
	if (strcmp(cm->email, "noreply@blogger.com") == 0)
		cm->email = "";
	cm->body = child(a, e, NS_ATOM, "content");
	cm->status = "approved";
	if (!time_parse_rfc3339(child(a, e, NS_ATOM, "published"),
		strlen(child(a, e, NS_ATOM, "published")), &cm->created_at))
		cm->created_at = 0;
	if (!time_parse_rfc3339(child(a, e, NS_ATOM, "updated"),
		strlen(child(a, e, NS_ATOM, "updated")), &cm->updated_at))
		cm->updated_at = 0;
}

/* Files the comment entries under their posts. thr:in-reply-to names the
 * post, or, for a reply, the comment answered, which may come later in
 * the file; a comment answering nothing in the export is reported. Each
 * post's comments come in the order a pass after pass over the file
 * would file them (imp_order), through indexes of the posts and comments
 * by id: linear, however many comments and in whatever order. */
static void
comments_file(struct imp_set *s, struct centry *c, size_t n)
{
	struct arena	*a = s->arena;
	struct imp_index posts, ids;
	ssize_t		*par;
	size_t		*order, nfiled, i, k, j;
	struct imp_post *p;

	if (n == 0)
		return;
	imp_index_init(&posts, a, s->n);
	for (i = 0; i < s->n; i++)
		imp_index_add(&posts, s->posts[i].ext_id, i);
	imp_index_init(&ids, a, n);
	for (i = 0; i < n; i++)
		imp_index_add(&ids, c[i].id, i);
	par = arena_alloc(a, n * sizeof(*par));
	order = arena_alloc(a, n * sizeof(*order));
	for (i = 0; i < n; i++) {
		par[i] = IMP_STUCK;
		if (c[i].ref == NULL)
			continue;
		if (imp_index_get(&posts, c[i].ref, &j)) {
			par[i] = IMP_ROOT;
			c[i].post = &s->posts[j];
		} else if (imp_index_get(&ids, c[i].ref, &j) && j != i) {
			par[i] = (ssize_t)j;
			c[i].reply = true;
		}
	}
	nfiled = imp_order(a, par, n, order);
	/* A reply is filed under its parent's post, known by then. */
	for (k = 0; k < nfiled; k++) {
		i = order[k];
		if (par[i] >= 0)
			c[i].post = c[par[i]].post;
		c[i].post->ncomments++;
	}
	for (i = 0; i < s->n; i++) {
		p = &s->posts[i];
		if (p->ncomments)
			p->comments = arena_alloc(a,
			    p->ncomments * sizeof(*p->comments));
		p->ncomments = 0;
	}
	for (k = 0; k < nfiled; k++) {
		i = order[k];
		p = c[i].post;
		comment_fill(s, &p->comments[p->ncomments++], &c[i],
		    c[i].reply ? c[i].ref : "");
	}
	for (i = 0; i < n; i++)
		if (c[i].post == NULL)
			imp_drop(s,
			    "comment %s: the post or comment it "
			    "answers is not in the export",
			    c[i].id);
}

bool
blogger_read(void *vdoc, struct imp_set *s, struct buf *err)
{
	xmlNode	      *root = xmlDocGetRootElement(vdoc), *e;
	const xmlNode *r;
	struct centry *c = NULL;
	const char    *term, *ref;
	enum kind      k;
	size_t	       other = 0, nc = 0, cap = 0, i;

	s->format = "Blogger";
	if (root == NULL || !is(root, NS_ATOM, "feed")) {
		buf_printf(err, "not a Blogger export: no Atom <feed>");
		return false;
	}
	/* Posts first, so comments find their post wherever they sit. */
	for (e = root->children; e; e = e->next) {
		if (!is(e, NS_ATOM, "entry"))
			continue;
		k = kind_of(s->arena, e, &term);
		if (k == K_POST || k == K_PAGE)
			post_read(s, e, k);
		else if (k == K_COMMENT) {
			if (nc == cap) {
				cap = cap ? cap * 2 : 64;
				c = xrealloc(c, cap * sizeof(*c));
			}
			memset(&c[nc], 0, sizeof(c[nc]));
			c[nc++].e = e;
		} else {
			if (strcmp(term, "settings") == 0 ||
			    strcmp(term, "template") == 0)
				other++;
			else
				imp_drop(s,
				    "entry of kind '%s' is not an "
				    "article",
				    *term ? term : "(none)");
		}
	}
	if (other)
		imp_drop(s,
		    "%zu settings and template entries: the blog's "
		    "settings and theme are not content",
		    other);
	for (i = 0; i < nc; i++) {
		r = first(c[i].e, NS_THR, "in-reply-to");
		c[i].id = post_id(imp_one_line(s->arena,
		    child(s->arena, c[i].e, NS_ATOM, "id")));
		ref = r ? attr(s->arena, r, "ref") : NULL;
		c[i].ref = ref ? post_id(ref) : NULL;
	}
	comments_file(s, c, nc);
	free(c);
	return true;
}
