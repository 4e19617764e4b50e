/* wxr.c: WordPress eXtended RSS (WXR 1.0-1.2) into the import model.
 *
 * An export is an RSS 2.0 channel: wp:author elements (login → display
 * name), then one item per post, page, attachment, menu entry and so on.
 * Posts and pages become articles; everything else is reported as
 * dropped. Categories and tags both become tags. WordPress keeps
 * paragraphs as blank lines in post_content (it adds <p> when it shows
 * them), so a body without block markup gets its paragraphs here. */
#include <libxml/tree.h>
#include <stdio.h>
#include <string.h>

#include "import/import-int.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

#define NS_WP	   "http://wordpress.org/export/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
/* …/1.2/excerpt/: told from wp: by its ending, see is() */
#define NS_EXCERPT "http://wordpress.org/export/1."
#define NS_DC	   "http://purl.org/dc/elements/1.1/"

static bool
is(const xmlNode *n, const char *ns, const char *name)
{
	if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name))
		return false;
	if (ns == NULL)
		return n->ns == NULL;
	if (n->ns == NULL ||
	    strncmp((const char *)n->ns->href, ns, strlen(ns)) != 0)
		return false;
	/* wp: and excerpt: share a prefix; only the latter ends so. */
	return (strstr((const char *)n->ns->href, "/excerpt/") != NULL) ==
	    (strcmp(ns, NS_EXCERPT) == 0);
}

/* Text of the first child element ns:name, "" when absent. */
static const char *
child(struct arena *a, const xmlNode *n, const char *ns, const char *name)
{
	const xmlNode *c;

	for (c = n->children; c; c = c->next)
		if (is(c, ns, name))
			return imp_text(a, c);
	return "";
}

/* wpautop, reduced to what changes meaning: without any block element,
 * blank lines separate paragraphs and single newlines are line breaks. */
static const char *
autop(struct arena *a, const char *s)
{
	static const char *const blocks[] = { "<p", "<div", "<h1", "<h2", "<h3",
		"<h4", "<h5", "<h6", "<ul", "<ol", "<blockquote", "<pre",
		"<table", "<figure", "<!-- wp:", NULL };
	struct buf		 b = BUF_INIT;
	const char *const	*k, *p, *e, *out;
	size_t			 n;

	for (k = blocks; *k; k++)
		if (strstr(s, *k))
			return s;
	for (p = s; *p; p = e) {
		while (*p == '\n' || *p == '\r')
			p++;
		if (*p == '\0')
			break;
		e = strstr(p, "\n\n");
		n = e ? (size_t)(e - p) : strlen(p);
		if (e == NULL)
			e = p + n;
		while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' '))
			n--;
		buf_puts(&b, "<p>");
		for (size_t i = 0; i < n; i++) {
			if (p[i] == '\n')
				buf_puts(&b, "<br>");
			if (p[i] != '\r')
				buf_putc(&b, p[i]);
		}
		buf_puts(&b, "</p>\n");
	}
	out = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return out;
}

static void
old_add(struct imp_post *p, const char *path)
{
	size_t i;

	if (path == NULL || p->nold == IMP_MAX_OLD)
		return;
	for (i = 0; i < p->nold; i++)
		if (strcmp(p->old[i], path) == 0)
			return;
	p->old[p->nold++] = path;
}

/* Logins to display names, indexed: a file may list many authors. */
struct author_map {
	const char     **name;
	struct imp_index ix;
};

static const char *
author_of(const struct author_map *m, const char *login)
{
	size_t i;

	return imp_index_get(&m->ix, login, &i) ? m->name[i] : login;
}

/* The value of a wp:commentmeta keyed key of comment c, or NULL. */
static const char *
comment_meta(struct arena *a, const xmlNode *c, const char *key)
{
	const xmlNode *m;

	for (m = c->children; m; m = m->next)
		if (is(m, NS_WP, "commentmeta") &&
		    strcmp(child(a, m, NS_WP, "meta_key"), key) == 0)
			return child(a, m, NS_WP, "meta_value");
	return NULL;
}

static void
comments_read(struct imp_set *s, struct imp_post *p, const xmlNode *item)
{
	struct arena	   *a = s->arena;
	const xmlNode	   *c;
	struct imp_comment *cm;
	const char	   *approved, *type, *upd;
	size_t		    n = 0;

	for (c = item->children; c; c = c->next)
		if (is(c, NS_WP, "comment"))
			n++;
	if (n == 0)
		return;
	p->comments = arena_alloc(a, n * sizeof(*p->comments));
	for (c = item->children; c; c = c->next) {
		if (!is(c, NS_WP, "comment"))
			continue;
		type = child(a, c, NS_WP, "comment_type");
		if (*type && strcmp(type, "comment") != 0) {
			imp_drop(s,
			    "%s '%s': a %s is not a comment (pingbacks "
			    "and trackbacks are left out on purpose)",
			    p->kind, p->art.title, type);
			continue;
		}
		cm = &p->comments[p->ncomments++];
		cm->ext_id = imp_one_line(a, child(a, c, NS_WP, "comment_id"));
		cm->parent_ext_id = imp_one_line(a,
		    child(a, c, NS_WP, "comment_parent"));
		if (strcmp(cm->parent_ext_id, "0") == 0)
			cm->parent_ext_id = "";
		cm->author = imp_one_line(a,
		    child(a, c, NS_WP, "comment_author"));
		cm->email = imp_one_line(a,
		    child(a, c, NS_WP, "comment_author_email"));
		cm->url = imp_one_line(a,
		    child(a, c, NS_WP, "comment_author_url"));
		/* WordPress keeps a comment's paragraphs as blank lines, as
		 * it does a post's; gazette's own export has the HTML whole,
		 * and the Markdown beside it. */
		cm->markdown = comment_meta(a, c, "_gazette_markdown");
		cm->body = child(a, c, NS_WP, "comment_content");
		if (cm->markdown == NULL)
			cm->body = autop(a, cm->body);
		if ((upd = comment_meta(a, c, "_gazette_updated_at")) == NULL ||
		    !time_parse_rfc3339(upd, strlen(upd), &cm->updated_at))
			cm->updated_at = 0;
		approved = imp_one_line(a,
		    child(a, c, NS_WP, "comment_approved"));
		cm->status = strcmp(approved, "1") == 0 ?
		    "approved" :
		    strcmp(approved, "spam") == 0 ?
		    "spam" :
		    strcmp(approved, "trash") == 0 ?
		    "deleted" :
		    "pending";
		if (!imp_time_wp(child(a, c, NS_WP, "comment_date_gmt"),
			&cm->created_at) &&
		    !imp_time_wp(child(a, c, NS_WP, "comment_date"),
			&cm->created_at))
			cm->created_at = 0;
	}
}

/* The value of the wp:postmeta keyed key, or NULL. gazette's own WXR
 * export keeps what WXR has no field for there (the Markdown source, the
 * body format), so its exports import back without loss. */
static const char *
meta(struct arena *a, const xmlNode *item, const char *key)
{
	const xmlNode *c;

	for (c = item->children; c; c = c->next)
		if (is(c, NS_WP, "postmeta") &&
		    strcmp(child(a, c, NS_WP, "meta_key"), key) == 0)
			return child(a, c, NS_WP, "meta_value");
	return NULL;
}

static void
item_read(struct imp_set *s, const struct author_map *am, const xmlNode *item)
{
	struct arena	*a = s->arena;
	struct imp_post *p;
	const xmlNode	*c;
	const char	*type, *st, *title, *id, *date, *name, *link, *pw, *fmt;
	struct buf	 b = BUF_INIT;
	size_t		 ntags = 0, k;
	int64_t		 local;
	struct tm	 tm;

	type = imp_one_line(a, child(a, item, NS_WP, "post_type"));
	title = imp_one_line(a, child(a, item, NULL, "title"));
	id = imp_one_line(a, child(a, item, NS_WP, "post_id"));
	if (strcmp(type, "post") != 0 && strcmp(type, "page") != 0) {
		imp_drop(s, "item %s '%s': post type '%s' is not an article",
		    id, title, type);
		return;
	}
	st = imp_one_line(a, child(a, item, NS_WP, "status"));
	if (strcmp(st, "trash") == 0 || strcmp(st, "auto-draft") == 0 ||
	    strcmp(st, "inherit") == 0) {
		imp_drop(s, "%s %s '%s': status '%s' is not kept", type, id,
		    title, st);
		return;
	}
	p = imp_post_new(s);
	p->kind = strcmp(type, "page") == 0 ? "page" : "post";
	p->ext_id = id;
	if (*title == '\0') {
		title = arena_printf(a, "Untitled %s %s", p->kind, id);
		imp_drop(s, "%s %s: no title: imported as '%s'", p->kind, id,
		    title);
	}
	p->art.title = title;
	if (strcmp(st, "publish") == 0)
		p->art.status = ARTICLE_PUBLISHED;
	else if (strcmp(st, "future") == 0)
		p->art.status = ARTICLE_SCHEDULED;
	else {
		p->art.status = ARTICLE_DRAFT;
		if (strcmp(st, "draft") != 0)
			imp_drop(s,
			    "%s '%s': status '%s' has no equivalent: "
			    "imported as a draft",
			    p->kind, title, st);
	}
	pw = child(a, item, NS_WP, "post_password");
	if (*pw && p->art.status != ARTICLE_DRAFT) {
		p->art.status = ARTICLE_DRAFT;
		imp_drop(s,
		    "%s '%s': password protection is not supported: "
		    "imported as a draft",
		    p->kind, title);
	}
	date = child(a, item, NS_WP, "post_date_gmt");
	if (!imp_time_wp(date, &p->art.published_at)) {
		/* Drafts carry no GMT date; their local date is all there
		 * is, and it is taken as UTC. */
		if (!imp_time_wp(child(a, item, NS_WP, "post_date"),
			&p->art.published_at))
			p->art.published_at = 0;
	}
	if (p->art.status != ARTICLE_DRAFT && p->art.published_at == 0)
		p->art.published_at = s->now;
	p->art.created_at = p->art.published_at ? p->art.published_at : s->now;
	p->art.updated_at = p->art.created_at;
	p->art.author = author_of(am,
	    imp_one_line(a, child(a, item, NS_DC, "creator")));
	p->art.comments_closed =
	    strcmp(imp_one_line(a, child(a, item, NS_WP, "comment_status")),
		"closed") == 0;
	name = imp_one_line(a, child(a, item, NS_WP, "post_name"));
	/* WordPress keeps non-ASCII slugs percent-encoded; the slug is
	 * made again from it (or the title) in gazette's alphabet. */
	slugify(&b, name, strlen(name));
	if (b.len == 0)
		slugify(&b, title, strlen(title));
	if (b.len == 0)
		buf_printf(&b, "%s-%s", p->kind, id);
	p->art.slug = arena_strndup(a, b.p, b.len);
	fmt = meta(a, item, "_gazette_body_format");
	if (fmt && strcmp(fmt, "markdown") == 0)
		imp_post_markdown(s, p,
		    meta(a, item, "_gazette_markdown") ?
			meta(a, item, "_gazette_markdown") :
			"",
		    child(a, item, NS_EXCERPT, "encoded"));
	else {
		imp_post_body(s, p,
		    fmt ? child(a, item, NS_CONTENT, "encoded") :
			  autop(a, child(a, item, NS_CONTENT, "encoded")),
		    fmt ? NULL : child(a, item, NS_EXCERPT, "encoded"),
		    arena_printf(a, "%s '%s'", p->kind, title));
		if (fmt)
			p->art.summary = child(a, item, NS_EXCERPT, "encoded");
	}

	for (c = item->children; c; c = c->next)
		if (is(c, NULL, "category"))
			ntags++;
	p->art.tags =
	    ntags ? arena_alloc(a, ntags * sizeof(*p->art.tags)) : NULL;
	for (c = item->children; c; c = c->next) {
		const char *t;

		if (!is(c, NULL, "category"))
			continue;
		t = imp_one_line(a, imp_text(a, c));
		buf_reset(&b);
		slugify(&b, t, strlen(t));
		if (b.len == 0) {
			imp_drop(s, "%s '%s': tag '%s' has no letter or digit",
			    p->kind, title, t);
			continue;
		}
		for (k = 0; k < p->art.ntags; k++)
			if (strcmp(p->art.tags[k].name, t) == 0)
				break;
		if (k == p->art.ntags)
			p->art.tags[p->art.ntags++].name = t;
	}

	/* Old links: the item's permalink, the ?p= / ?page_id= link that
	 * works whatever the permalink settings, and the default dated
	 * permalink of posts (from the local post date, as WordPress
	 * makes it). */
	if (p->art.status == ARTICLE_PUBLISHED) {
		if (*id && strspn(id, "0123456789") == strlen(id))
			old_add(p,
			    arena_printf(a, "/?%s=%s",
				strcmp(p->kind, "page") == 0 ? "page_id" : "p",
				id));
		link = imp_one_line(a, child(a, item, NULL, "link"));
		if (strstr(link, "?p=") == NULL &&
		    strstr(link, "?page_id=") == NULL)
			old_add(p, imp_url_path(a, link, true));
		if (strcmp(p->kind, "post") == 0 && *name &&
		    slug_valid(name, strlen(name)) &&
		    imp_time_wp(child(a, item, NS_WP, "post_date"), &local)) {
			time_utc(local, &tm);
			old_add(p,
			    arena_printf(a, "/%04d/%02d/%02d/%s/",
				tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
				name));
		}
	}
	comments_read(s, p, item);
	buf_free(&b);
}

bool
wxr_read(void *vdoc, struct imp_set *s, struct buf *err)
{
	xmlNode		 *root = xmlDocGetRootElement(vdoc), *ch, *n;
	struct author_map am;
	size_t		  cap = 0, k = 0;

	s->format = "WordPress";
	for (ch = root ? root->children : NULL; ch; ch = ch->next)
		if (is(ch, NULL, "channel"))
			break;
	if (ch == NULL) {
		buf_printf(err, "not a WordPress export: no <channel>");
		return false;
	}
	for (n = ch->children; n; n = n->next)
		if (is(n, NS_WP, "author"))
			cap++;
	am.name = arena_alloc(s->arena, (cap ? cap : 1) * sizeof(*am.name));
	imp_index_init(&am.ix, s->arena, cap);
	for (n = ch->children; n; n = n->next) {
		const char *login, *name;

		if (!is(n, NS_WP, "author"))
			continue;
		login = imp_one_line(s->arena,
		    child(s->arena, n, NS_WP, "author_login"));
		name = imp_one_line(s->arena,
		    child(s->arena, n, NS_WP, "author_display_name"));
		/* The first of a login stands, as a walk would find it. */
		am.name[k] = *name ? name : login;
		if (imp_index_add(&am.ix, login, k))
			k++;
	}
	for (n = ch->children; n; n = n->next)
		if (is(n, NULL, "item"))
			item_read(s, &am, n);
	return true;
}
