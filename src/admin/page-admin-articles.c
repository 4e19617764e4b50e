/* page-admin-articles.c: the article list, the editor with its preview,
 * deletion, and revisions with their diff and restore. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin/admin.h"
#include "render/body.h"
#include "render/esc.h"
#include "util/str.h"

#define PER_PAGE    20
#define TITLE_MAX   300 /* characters */
#define SUMMARY_MAX 1000
#define TAG_MAX	    60
#define TAGS_MAX    20
#define BODY_MAX    (512 * 1024) /* bytes */

/* What the editor form holds, as typed. */
struct edit {
	const char	   *title, *slug, *summary, *tags, *body;
	const char	   *status_s, *publish_at;
	enum article_status status;
	/* The body's language: an HTML body (an import's) is edited, shown
	 * and saved as HTML, never read as Markdown. */
	enum body_format format;
	int64_t		 version;
	bool		 preview;
};

static const char *
msg_text(const char *code)
{
	static const struct {
		const char *code, *text;
	} m[] = {
		{ "saved", "Saved." },
		{ "created", "Article created." },
		{ "deleted", "Article deleted." },
		{ "restored", "Revision restored as a new version." },
		{ "stale",
		    "Someone saved this article after you opened it; "
		    "nothing was restored. Here is the latest version." },
	};
	size_t i;

	if (code == NULL)
		return NULL;
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (strcmp(code, m[i].code) == 0)
			return m[i].text;
	return NULL;
}

/* The article id in route parameter i, or 0. */
static int64_t
id_param(const struct http_req *req, size_t i)
{
	int64_t id;

	if (i >= req->nparams || req->params[i].n > 18 ||
	    !parse_int(req->params[i].p, req->params[i].n, 1, INT64_MAX, &id))
		return 0;
	return id;
}

/* What acl_article_refused says about the signed-in user. */
static enum acl_action
refused(const struct admin_req *ar, enum acl_action action,
    const struct article *cur, enum article_status want)
{
	return acl_article_refused(&ar->sess.user, action, cur, want);
}

/* true when a lookup found its row; else answers 404 or 503. */
static bool
found(struct http_req *req, struct http_resp *resp, const struct admin_req *ar,
    enum store_err e)
{
	if (e == STORE_NOTFOUND) {
		page_not_found(req, resp, (void *)ar->site);
		return false;
	}
	if (e != STORE_OK) {
		admin_store_failed(resp, ar->st);
		return false;
	}
	return true;
}

/* Loads article id for the request; false after answering 404 or 503. */
static bool
load_article(struct http_req *req, struct http_resp *resp,
    const struct admin_req *ar, int64_t id, struct article *a)
{
	return found(req, resp, ar,
	    id ? store_article_by_id(ar->st, req->arena, id, a) :
		 STORE_NOTFOUND);
}

/* "a, b, c" into tags; NULL or why not. */
static const char *
parse_tags(struct arena *ar, const char *s, struct tag **out, size_t *n)
{
	struct tag *t = arena_alloc(ar, TAGS_MAX * sizeof(*t));
	struct sv   v;
	const char *p, *comma;
	size_t	    k = 0, i;

	for (p = s; *p; p = *comma ? comma + 1 : comma) {
		comma = strchr(p, ',');
		if (comma == NULL)
			comma = p + strlen(p);
		v = sv_trim((struct sv){ p, (size_t)(comma - p) });
		if (v.n == 0)
			continue;
		if (utf8_len(v.p, v.n) > TAG_MAX)
			return "a tag is longer than 60 characters";
		for (i = 0; i < k; i++)
			if (strlen(t[i].name) == v.n &&
			    strncmp(t[i].name, v.p, v.n) == 0)
				break;
		if (i < k)
			continue;
		if (k == TAGS_MAX)
			return "an article may have at most 20 tags";
		t[k].name = arena_strndup(ar, v.p, v.n);
		t[k].slug = "";
		k++;
	}
	*out = t;
	*n = k;
	return NULL;
}

/* A datetime-local value ("2024-05-01T09:30", seconds optional) read in
 * the site's time zone; "" is 0. false when it is not such a value. */
static bool
parse_local(const struct site *s, const char *v, int64_t *out)
{
	int	  y, mo, d, h, mi, sec = 0, used = 0;
	struct tm tm = { 0 };
	char	  iso[40];
	size_t	  n = strlen(v);

	*out = 0;
	if (n == 0)
		return true;
	if ((n != 16 && n != 19) || v[4] != '-' || v[7] != '-' ||
	    v[10] != 'T' || v[13] != ':')
		return false;
	if (sscanf(v, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &used) !=
		5 ||
	    used != 16)
		return false;
	if (n == 19 && (v[16] != ':' || sscanf(v + 17, "%2d", &sec) != 1))
		return false;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 59 || h < 0 || mi < 0 || sec < 0)
		return false;
	if (s->tz_utc) {
		snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02dZ", y,
		    mo, d, h, mi, sec);
		return time_parse_rfc3339(iso, strlen(iso), out);
	}
	/* The process runs in the site's zone (site_load sets TZ), so
	 * mktime reads the wall time there; isdst -1 lets it pick. */
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	*out = (int64_t)mktime(&tm);
	return tm.tm_mday == d; /* 31 February rolls over: refuse it */
}

static const char *
format_local(const struct site *s, struct arena *a, int64_t t)
{
	struct tm tm;

	if (t == 0)
		return "";
	site_time(s, t, &tm);
	return arena_printf(a, "%04d-%02d-%02dT%02d:%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

static const char *
tags_text(struct arena *a, const struct article *art)
{
	struct buf  b = BUF_INIT;
	const char *s;
	size_t	    i;

	for (i = 0; i < art->ntags; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", art->tags[i].name);
	s = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return s;
}

static void
edit_from_article(struct http_req *req, const struct site *s,
    const struct article *a, struct edit *e)
{
	memset(e, 0, sizeof(*e));
	e->title = a->title;
	e->slug = a->slug;
	e->summary = a->summary;
	e->tags = tags_text(req->arena, a);
	e->body = a->body_md;
	e->format = a->format;
	e->status = a->status;
	e->status_s = article_status_name(a->status);
	e->publish_at = format_local(s, req->arena, a->published_at);
	e->version = a->version;
}

/* The form as posted; a form without a format (one from before there
 * was a choice, or a script's) keeps the body's format, keep. */
static void
edit_from_form(const struct admin_req *ar, enum body_format keep,
    struct edit *e)
{
	const char *v;

	memset(e, 0, sizeof(*e));
	e->title = admin_field(ar, "title", NULL);
	e->slug = admin_field(ar, "slug", NULL);
	e->summary = admin_field(ar, "summary", NULL);
	e->tags = admin_field(ar, "tags", NULL);
	e->body = admin_field(ar, "body", NULL);
	e->status_s = admin_field(ar, "status", NULL);
	e->publish_at = admin_field(ar, "publish_at", NULL);
	if (!article_status_parse(e->status_s, &e->status))
		e->status = ARTICLE_DRAFT;
	if (!body_format_parse(admin_field(ar, "format", NULL), &e->format))
		e->format = keep;
	v = admin_field(ar, "version", NULL);
	if (!parse_int(v, strlen(v), 0, INT64_MAX, &e->version))
		e->version = 0;
	e->preview = form_get(&ar->form, "preview", NULL) != NULL;
}

/* Checks e and fills the fields of a it sets; NULL or why not. */
static const char *
edit_validate(struct http_req *req, const struct admin_req *ar,
    const struct edit *e, struct article *a)
{
	struct arena	   *ara = req->arena;
	struct article_body body;
	struct buf	    slug = BUF_INIT;
	const char	   *why = NULL;
	size_t		    n;

	n = strlen(e->title);
	if (n == 0 || text_check(e->title, n, false) != NULL ||
	    utf8_len(e->title, n) > TITLE_MAX)
		return "the title must be 1 to 300 characters on one line";
	n = strlen(e->summary);
	if (text_check(e->summary, n, false) != NULL ||
	    utf8_len(e->summary, n) > SUMMARY_MAX)
		return "the summary must be at most 1000 characters on one line";
	if (text_check(e->tags, strlen(e->tags), false) != NULL)
		return "tags must be text on one line";
	n = strlen(e->body);
	if (n > BODY_MAX || text_check(e->body, n, true) != NULL)
		return "the body must be text of at most 512 KiB";
	if (!article_status_parse(e->status_s, &a->status))
		return "pick a status: draft, published or scheduled";
	if (!parse_local(ar->site, e->publish_at, &a->published_at))
		return "the publish time is not a date and time";
	if (a->status == ARTICLE_SCHEDULED && a->published_at <= ar->now)
		return "a scheduled article needs a publish time in the "
		       "future (or publish it now)";
	if (a->status == ARTICLE_PUBLISHED && a->published_at == 0)
		a->published_at = ar->now;
	if (*e->slug == '\0') {
		slugify(&slug, e->title, strlen(e->title));
		if (slug.len == 0) {
			why = "the title has no letter or digit to make a "
			      "slug from: type one";
			goto out;
		}
		a->slug = arena_strndup(ara, buf_str(&slug), slug.len);
	} else if (!slug_valid(e->slug, strlen(e->slug))) {
		why = "the slug must be 1 to 80 of a-z, 0-9 and '-', not "
		      "starting or ending with '-'";
		goto out;
	} else
		a->slug = e->slug;
	if ((why = parse_tags(ara, e->tags, &a->tags, &a->ntags)) != NULL)
		goto out;
	a->title = e->title;
	if (!article_body(ara, e->format, e->body, strlen(e->body), e->summary,
		NULL, &body)) {
		why = "the body could not be rendered";
		goto out;
	}
	a->format = e->format;
	a->body_md = body.source;
	a->body_html = body.html;
	a->body_text = body.text;
	a->summary = body.summary;
out:
	buf_free(&slug);
	return why;
}

/* Renders the editor. art is the stored article (NULL for a new one). */
static void
editor_page(struct http_req *req, struct http_resp *resp,
    const struct admin_req *ar, const struct article *art, const struct edit *e,
    const char *msg, const char *error)
{
	static const char *const
	    labels[ARTICLE_STATUS__MAX] = { "Draft", "Published", "Scheduled" };
	static const char
	    *const	    flabels[BODY_FORMAT__MAX] = { "Markdown", "HTML" };
	struct arena	   *a = req->arena;
	struct article_body body;
	struct tval	   *root, *f, *opts, *o, *revs, *r;
	struct revision	   *rv;
	enum user_role	    role = ar->sess.user.role;
	bool   can_publish = acl_allows(role, ACL_ARTICLE_PUBLISH, true);
	size_t i, n;

	root = admin_root(req, ar,
	    art ? arena_printf(a, "Edit: %s", art->title) : "New article", msg);
	if (error)
		tv_set_str(a, root, "error", error);
	f = tv_map(a);
	tv_set(a, root, "form", f);
	tv_set_str(a, f, "action",
	    art ? arena_printf(a, "/admin/articles/%lld", (long long)art->id) :
		  "/admin/articles/new");
	tv_set_str(a, f, "title", e->title);
	tv_set_str(a, f, "slug", e->slug);
	tv_set_str(a, f, "summary", e->summary);
	tv_set_str(a, f, "tags", e->tags);
	tv_set_str(a, f, "body", e->body);
	tv_set_str(a, f, "publish_at", e->publish_at);
	tv_set_int(a, f, "version", e->version);
	tv_set_str(a, f, "timezone", ar->site->timezone);
	opts = tv_list(a);
	for (i = 0; i < ARTICLE_STATUS__MAX; i++) {
		if (i != ARTICLE_DRAFT && !can_publish &&
		    e->status != (enum article_status)i)
			continue;
		o = tv_map(a);
		tv_set_str(a, o, "value",
		    article_status_name((enum article_status)i));
		tv_set_str(a, o, "label", labels[i]);
		tv_set_bool(a, o, "selected",
		    e->status == (enum article_status)i);
		tv_push(a, opts, o);
	}
	tv_set(a, f, "statuses", opts);
	opts = tv_list(a);
	for (i = 0; i < BODY_FORMAT__MAX; i++) {
		o = tv_map(a);
		tv_set_str(a, o, "value",
		    body_format_name((enum body_format)i));
		tv_set_str(a, o, "label", flabels[i]);
		tv_set_bool(a, o, "checked", e->format == (enum body_format)i);
		tv_push(a, opts, o);
	}
	tv_set(a, f, "formats", opts);
	tv_set_bool(a, root, "can_publish", can_publish);
	/* The preview is the body as it would be saved: HTML through the
	 * allow-list, Markdown with its raw HTML escaped. */
	if (e->preview &&
	    article_body(a, e->format, e->body, strlen(e->body), NULL, NULL,
		&body))
		tv_set(a, root, "preview",
		    tv_raw(a, body.html, strlen(body.html)));
	if (art) {
		o = tv_map(a);
		tv_set(a, root, "article", o);
		tv_set_int(a, o, "id", art->id);
		tv_set_str(a, o, "status", article_status_name(art->status));
		tv_set_str(a, o, "author", art->author);
		if (article_is_public(art, ar->now))
			tv_set_str(a, o, "url", article_path(ar->site, a, art));
		tv_set_bool(a, o, "can_delete",
		    refused(ar, ACL_ARTICLE_DELETE, art, art->status) ==
			ACL__MAX);
		if (store_revision_list(ar->st, a, art->id, &rv, &n) !=
		    STORE_OK) {
			admin_store_failed(resp, ar->st);
			return;
		}
		revs = tv_list(a);
		for (i = 0; i < n; i++) {
			r = tv_map(a);
			tv_set_int(a, r, "version", rv[i].version);
			tv_set_str(a, r, "editor", rv[i].editor);
			tv_set_str(a, r, "when",
			    admin_time(ar, a, rv[i].created_at));
			tv_set_str(a, r, "status",
			    article_status_name(rv[i].status));
			tv_set_bool(a, r, "current",
			    rv[i].version == art->version);
			tv_set_str(a, r, "url",
			    arena_printf(a,
				"/admin/articles/%lld/revisions/%lld",
				(long long)art->id, (long long)rv[i].id));
			tv_push(a, revs, r);
		}
		tv_set(a, root, "revisions", revs);
	}
	admin_render(resp, ar, "admin/editor.html", root);
}

void
admin_article_new(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct admin_req ar;
	struct article	 a;
	struct edit	 e;
	enum acl_action	 no;
	const char	*why;
	enum store_err	 err;

	if (!admin_begin(req, resp, ctx, &ar))
		return;
	if (refused(&ar, ACL_ARTICLE_CREATE, NULL, ARTICLE_DRAFT) != ACL__MAX) {
		admin_forbidden(req, resp, &ar,
		    acl_action_name(ACL_ARTICLE_CREATE));
		return;
	}
	if (req->method != HTTP_POST) {
		memset(&e, 0, sizeof(e));
		e.title = e.slug = e.summary = e.tags = e.body = "";
		e.publish_at = "";
		e.status_s = "draft";
		e.format = BODY_MARKDOWN;
		editor_page(req, resp, &ar, NULL, &e, NULL, NULL);
		return;
	}
	edit_from_form(&ar, BODY_MARKDOWN, &e);
	e.version = 0;
	if ((no = refused(&ar, ACL_ARTICLE_CREATE, NULL, e.status)) !=
	    ACL__MAX) {
		admin_forbidden(req, resp, &ar, acl_action_name(no));
		return;
	}
	if (e.preview) {
		editor_page(req, resp, &ar, NULL, &e, NULL, NULL);
		return;
	}
	memset(&a, 0, sizeof(a));
	if ((why = edit_validate(req, &ar, &e, &a)) != NULL) {
		resp->status = 400;
		editor_page(req, resp, &ar, NULL, &e, NULL, why);
		return;
	}
	a.author = *ar.sess.user.display_name ?
	    ar.sess.user.display_name :
	    ar.sess.user.name;
	a.author_id = ar.sess.user.id;
	a.created_at = a.updated_at = ar.now;
	err = store_article_insert(ar.st, &a);
	if (err == STORE_CONFLICT) {
		resp->status = 409;
		editor_page(req, resp, &ar, NULL, &e, NULL,
		    arena_printf(req->arena,
			"another article has the slug '%s': choose "
			"another",
			a.slug));
		return;
	}
	if (err != STORE_OK) {
		admin_store_failed(resp, ar.st);
		return;
	}
	http_resp_redirect(resp, 303,
	    arena_printf(req->arena, "/admin/articles/%lld?msg=created",
		(long long)a.id));
}

void
admin_article_edit(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct admin_req ar;
	struct article	 cur, a, now_art;
	struct edit	 e;
	enum acl_action	 no;
	const char	*why;
	enum store_err	 err;

	if (!admin_begin(req, resp, ctx, &ar) ||
	    !load_article(req, resp, &ar, id_param(req, 0), &cur))
		return;
	if (refused(&ar, ACL_ARTICLE_VIEW, &cur, cur.status) != ACL__MAX) {
		admin_forbidden(req, resp, &ar,
		    acl_action_name(ACL_ARTICLE_VIEW));
		return;
	}
	if (req->method != HTTP_POST) {
		edit_from_article(req, ar.site, &cur, &e);
		editor_page(req, resp, &ar, &cur, &e,
		    msg_text(form_get(&ar.form, "msg", NULL)), NULL);
		return;
	}
	edit_from_form(&ar, cur.format, &e);
	if ((no = refused(&ar, ACL_ARTICLE_EDIT, &cur, e.status)) != ACL__MAX) {
		admin_forbidden(req, resp, &ar, acl_action_name(no));
		return;
	}
	if (e.preview) {
		editor_page(req, resp, &ar, &cur, &e, NULL, NULL);
		return;
	}
	a = cur;
	if ((why = edit_validate(req, &ar, &e, &a)) != NULL) {
		resp->status = 400;
		editor_page(req, resp, &ar, &cur, &e, NULL, why);
		return;
	}
	a.version = e.version;
	err = store_article_update(ar.st, &a, ar.sess.user.name, ar.now);
	if (err == STORE_STALE) {
		/* Their text stays in the form; the version becomes the
		 * stored one, so saving again is a deliberate choice, and
		 * what it replaces stays in the revisions. */
		if (store_article_by_id(ar.st, req->arena, cur.id, &now_art) !=
		    STORE_OK) {
			admin_store_failed(resp, ar.st);
			return;
		}
		e.version = now_art.version;
		resp->status = 409;
		editor_page(req, resp, &ar, &now_art, &e, NULL,
		    arena_printf(req->arena,
			"Not saved: this article was saved by someone "
			"else (version %lld, %s) after you opened it. Your text is "
			"kept below. Compare with the latest revision, then save "
			"again to replace it.",
			(long long)now_art.version,
			admin_time(&ar, req->arena, now_art.updated_at)));
		return;
	}
	if (err == STORE_CONFLICT) {
		resp->status = 409;
		editor_page(req, resp, &ar, &cur, &e, NULL,
		    arena_printf(req->arena,
			"another article has the slug '%s': choose "
			"another",
			a.slug));
		return;
	}
	if (err == STORE_NOTFOUND) {
		page_not_found(req, resp, ctx);
		return;
	}
	if (err != STORE_OK) {
		admin_store_failed(resp, ar.st);
		return;
	}
	http_resp_redirect(resp, 303,
	    arena_printf(req->arena, "/admin/articles/%lld?msg=saved",
		(long long)a.id));
}

void
admin_article_delete(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct admin_req ar;
	struct article	 cur;
	struct tval	*root, *m;

	if (!admin_begin(req, resp, ctx, &ar) ||
	    !load_article(req, resp, &ar, id_param(req, 0), &cur))
		return;
	if (refused(&ar, ACL_ARTICLE_DELETE, &cur, cur.status) != ACL__MAX) {
		admin_forbidden(req, resp, &ar,
		    acl_action_name(ACL_ARTICLE_DELETE));
		return;
	}
	if (req->method == HTTP_POST &&
	    strcmp(admin_field(&ar, "confirm", NULL), "yes") == 0) {
		if (store_article_delete(ar.st, cur.id) != STORE_OK) {
			admin_store_failed(resp, ar.st);
			return;
		}
		http_resp_redirect(resp, 303, "/admin/articles?msg=deleted");
		return;
	}
	root = admin_root(req, &ar,
	    arena_printf(req->arena, "Delete: %s", cur.title), NULL);
	m = tv_map(req->arena);
	tv_set_int(req->arena, m, "id", cur.id);
	tv_set_str(req->arena, m, "title", cur.title);
	tv_set_str(req->arena, m, "status", article_status_name(cur.status));
	tv_set(req->arena, root, "article", m);
	if (req->method == HTTP_POST)
		tv_set_str(req->arena, root, "error",
		    "Tick the box to confirm.");
	admin_render(resp, &ar, "admin/delete.html", root);
}

void
admin_preview(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct admin_req    ar;
	struct article_body b;
	enum body_format    f;
	const char	   *body;
	size_t		    n;

	if (!admin_begin(req, resp, ctx, &ar))
		return;
	body = admin_field(&ar, "body", &n);
	if (n > BODY_MAX) {
		http_resp_text(resp, 413, "the body is over 512 KiB");
		return;
	}
	if (text_check(body, n, true) != NULL) {
		http_resp_text(resp, 400, "the body must be text");
		return;
	}
	if (!body_format_parse(admin_field(&ar, "format", NULL), &f))
		f = BODY_MARKDOWN;
	/* Rendered as on save: Markdown with its raw HTML escaped, HTML
	 * through the allow-list, so the fragment is safe to insert. */
	if (!article_body(req->arena, f, body, n, NULL, NULL, &b)) {
		http_resp_text(resp, 500, "the preview could not be rendered");
		return;
	}
	buf_puts(&resp->body, b.html);
}

/* The list of articles with its filters. */
void
admin_articles(struct http_req *req, struct http_resp *resp, void *ctx)
{
	static const char *const filters[] = { "status", "tag", "author", "q" };
	struct admin_req	 ar;
	struct arena		*a = req->arena;
	struct article_query	 q = { 0 };
	struct article_list	 l;
	struct tval		*root, *items, *m, *opts, *o, *f;
	struct user		*users = NULL, u;
	struct buf		 qs = BUF_INIT;
	const char		*status, *tag, *author, *search, *v;
	size_t			 i, nusers = 0;
	int64_t			 page = 1;
	bool			 all;
	enum store_err		 e;

	if (!admin_begin(req, resp, ctx, &ar))
		return;
	all = acl_allows(ar.sess.user.role, ACL_ARTICLE_LIST_ALL, false);
	status = admin_field(&ar, "status", NULL);
	tag = admin_field(&ar, "tag", NULL);
	author = admin_field(&ar, "author", NULL);
	search = admin_field(&ar, "q", NULL);
	v = admin_field(&ar, "page", NULL);
	if (*v && !parse_int(v, strlen(v), 1, 100000, &page))
		page = 1;
	q.any_status = !article_status_parse(status, &q.status);
	if (*tag && slug_valid(tag, strlen(tag)))
		q.tag_slug = tag;
	if (*search && strlen(search) <= 200 &&
	    text_check(search, strlen(search), false) == NULL)
		q.title_like = search;
	if (!all)
		q.author_id = ar.sess.user.id; /* authors see their own */
	else if (*author) {
		e = store_user_by_name(ar.st, a, author, &u);
		if (e == STORE_OK)
			q.author_id = u.id;
		else if (e == STORE_NOTFOUND)
			q.author_id = -1; /* matches nothing */
		else {
			admin_store_failed(resp, ar.st);
			return;
		}
	}
	q.limit = PER_PAGE;
	q.offset = (size_t)(page - 1) * PER_PAGE;
	if (store_article_query(ar.st, a, &q, &l) != STORE_OK ||
	    (all && store_user_list(ar.st, a, &users, &nusers) != STORE_OK)) {
		admin_store_failed(resp, ar.st);
		return;
	}
	root = admin_root(req, &ar, "Articles",
	    msg_text(form_get(&ar.form, "msg", NULL)));
	f = tv_map(a);
	tv_set(a, root, "filter", f);
	tv_set_str(a, f, "tag", tag);
	tv_set_str(a, f, "q", search);
	tv_set_bool(a, f, "all", all);
	opts = tv_list(a);
	for (i = 0; i < ARTICLE_STATUS__MAX; i++) {
		o = tv_map(a);
		tv_set_str(a, o, "value",
		    article_status_name((enum article_status)i));
		tv_set_bool(a, o, "selected",
		    !q.any_status && q.status == (enum article_status)i);
		tv_push(a, opts, o);
	}
	tv_set(a, f, "statuses", opts);
	opts = tv_list(a);
	for (i = 0; i < nusers; i++) {
		o = tv_map(a);
		tv_set_str(a, o, "value", users[i].name);
		tv_set_bool(a, o, "selected",
		    strcmp(users[i].name, author) == 0);
		tv_push(a, opts, o);
	}
	tv_set(a, f, "authors", opts);
	items = tv_list(a);
	for (i = 0; i < l.n; i++) {
		struct article *art = &l.items[i];

		m = tv_map(a);
		tv_set_int(a, m, "id", art->id);
		tv_set_str(a, m, "title", art->title);
		tv_set_str(a, m, "status", article_status_name(art->status));
		tv_set_str(a, m, "author", art->author);
		tv_set_str(a, m, "updated",
		    admin_time(&ar, a, art->updated_at));
		tv_set_str(a, m, "published",
		    admin_time(&ar, a, art->published_at));
		tv_set_str(a, m, "edit_url",
		    arena_printf(a, "/admin/articles/%lld",
			(long long)art->id));
		if (article_is_public(art, ar.now))
			tv_set_str(a, m, "url", article_path(ar.site, a, art));
		tv_push(a, items, m);
	}
	tv_set(a, root, "articles", items);
	/* Paging links keep the filters. */
	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		v = admin_field(&ar, filters[i], NULL);
		if (*v == '\0')
			continue;
		buf_printf(&qs, "%s=", filters[i]);
		esc_url_arg(&qs, v, strlen(v));
		buf_putc(&qs, '&');
	}
	if (page > 1)
		tv_set_str(a, root, "newer_url",
		    arena_printf(a, "/admin/articles?%spage=%lld", buf_str(&qs),
			(long long)page - 1));
	if (l.more)
		tv_set_str(a, root, "older_url",
		    arena_printf(a, "/admin/articles?%spage=%lld", buf_str(&qs),
			(long long)page + 1));
	buf_free(&qs);
	admin_render(resp, &ar, "admin/articles.html", root);
}

/* Loads article params[0] and its revision params[1]; false after an
 * answer. */
static bool
load_revision(struct http_req *req, struct http_resp *resp,
    const struct admin_req *ar, struct article *cur, struct revision *rv)
{
	enum store_err e;
	int64_t	       rid = id_param(req, 1);

	if (!load_article(req, resp, ar, id_param(req, 0), cur))
		return false;
	if (refused(ar, ACL_ARTICLE_VIEW, cur, cur->status) != ACL__MAX) {
		admin_forbidden(req, resp, ar,
		    acl_action_name(ACL_ARTICLE_VIEW));
		return false;
	}
	e = rid ?
	    store_revision_get(ar->st, req->arena, rid, rv) :
	    STORE_NOTFOUND;
	if (e == STORE_OK && rv->article_id != cur->id)
		e = STORE_NOTFOUND; /* another article's revision */
	return found(req, resp, ar, e);
}

static void
field_change(struct arena *a, struct tval *list, const char *name,
    const char *old, const char *cur)
{
	struct tval *m;

	if (strcmp(old, cur) == 0)
		return;
	m = tv_map(a);
	tv_set_str(a, m, "name", name);
	tv_set_str(a, m, "old", old);
	tv_set_str(a, m, "new", cur);
	tv_push(a, list, m);
}

void
admin_revision(struct http_req *req, struct http_resp *resp, void *ctx)
{
	static const char *const cls[DIFF_OP__MAX] = { "same", "del", "add" };
	static const char *const mark[DIFF_OP__MAX] = { " ", "-", "+" };
	struct admin_req	 ar;
	struct arena		*a = req->arena;
	struct article		 cur;
	struct revision		 rv;
	struct diff_line	*d;
	struct tval		*root, *lines, *l, *m, *changes;
	size_t			 n, i;
	bool			 full;

	if (!admin_begin(req, resp, ctx, &ar) ||
	    !load_revision(req, resp, &ar, &cur, &rv))
		return;
	root = admin_root(req, &ar,
	    arena_printf(a, "Version %lld of %s", (long long)rv.version,
		cur.title),
	    NULL);
	m = tv_map(a);
	tv_set(a, root, "article", m);
	tv_set_int(a, m, "id", cur.id);
	tv_set_str(a, m, "title", cur.title);
	tv_set_int(a, m, "version", cur.version);
	m = tv_map(a);
	tv_set(a, root, "revision", m);
	tv_set_int(a, m, "id", rv.id);
	tv_set_int(a, m, "version", rv.version);
	tv_set_str(a, m, "editor", rv.editor);
	tv_set_str(a, m, "when", admin_time(&ar, a, rv.created_at));
	tv_set_bool(a, m, "current", rv.version == cur.version);
	tv_set_str(a, m, "restore_url",
	    arena_printf(a, "/admin/articles/%lld/revisions/%lld/restore",
		(long long)cur.id, (long long)rv.id));
	changes = tv_list(a);
	field_change(a, changes, "Title", rv.title, cur.title);
	field_change(a, changes, "Slug", rv.slug, cur.slug);
	field_change(a, changes, "Summary", rv.summary, cur.summary);
	field_change(a, changes, "Tags", rv.tags, tags_text(a, &cur));
	field_change(a, changes, "Body format", body_format_name(rv.format),
	    body_format_name(cur.format));
	tv_set(a, root, "changes", changes);
	full = diff_lines(a, rv.body_md, cur.body_md, &d, &n);
	tv_set_bool(a, root, "diff_coarse", !full);
	lines = tv_list(a);
	for (i = 0; i < n; i++) {
		l = tv_map(a);
		tv_set_str(a, l, "op", cls[d[i].op]);
		tv_set_str(a, l, "mark", mark[d[i].op]);
		tv_set_str(a, l, "text", d[i].text);
		tv_push(a, lines, l);
	}
	tv_set(a, root, "lines", lines);
	tv_set_bool(a, root, "can_restore",
	    refused(&ar, ACL_ARTICLE_EDIT, &cur, cur.status) == ACL__MAX);
	admin_render(resp, &ar, "admin/revision.html", root);
}

void
admin_revision_restore(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct admin_req    ar;
	struct article	    cur, a;
	struct article_body body;
	struct revision	    rv;
	enum acl_action	    no;
	enum store_err	    e;
	const char	   *v;

	if (!admin_begin(req, resp, ctx, &ar) ||
	    !load_revision(req, resp, &ar, &cur, &rv))
		return;
	/* Restoring brings back the words, not the status or the time:
	 * what readers see changes only by a save that says so. */
	if ((no = refused(&ar, ACL_ARTICLE_EDIT, &cur, cur.status)) !=
	    ACL__MAX) {
		admin_forbidden(req, resp, &ar, acl_action_name(no));
		return;
	}
	a = cur;
	a.title = rv.title;
	a.slug = rv.slug;
	v = admin_field(&ar, "version", NULL);
	if (!parse_int(v, strlen(v), 1, INT64_MAX, &a.version))
		a.version = cur.version;
	/* The revision's body is made again as any save makes it, in the
	 * language it was saved in; its summary was given or made then, and
	 * is kept as it was. */
	a.format = rv.format;
	if (parse_tags(req->arena, rv.tags, &a.tags, &a.ntags) != NULL ||
	    !article_body(req->arena, a.format, rv.body_md, strlen(rv.body_md),
		rv.summary, NULL, &body)) {
		http_resp_text(resp, 500, "the revision could not be restored");
		return;
	}
	a.body_md = body.source;
	a.body_html = body.html;
	a.body_text = body.text;
	a.summary = body.summary;
	e = store_article_update(ar.st, &a, ar.sess.user.name, ar.now);
	if (e == STORE_STALE) {
		http_resp_redirect(resp, 303,
		    arena_printf(req->arena, "/admin/articles/%lld?msg=stale",
			(long long)cur.id));
		return;
	}
	if (e == STORE_CONFLICT) {
		http_resp_text(resp, 409,
		    "another article now has this "
		    "revision's slug; edit the slug, then save");
		return;
	}
	if (e != STORE_OK) {
		admin_store_failed(resp, ar.st);
		return;
	}
	http_resp_redirect(resp, 303,
	    arena_printf(req->arena, "/admin/articles/%lld?msg=restored",
		(long long)cur.id));
}
