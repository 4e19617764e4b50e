/* import-comment.c: the comments of imported posts.
 *
 * Kept apart from the article importer because comments have their own
 * store (store-comment.c) and their own rendering policy. For each
 * comment of a post:
 *   - status (approved | pending | spam | deleted) and dates are kept as
 *     they are, so nothing is re-moderated;
 *   - the body is HTML from the source system: it goes through the one
 *     allow-list (html_sanitize) and is kept as body_html; body_md, which
 *     gazette's comments otherwise hold as Markdown, gets the comment's
 *     text in plain form (html_text: paragraphs as blank lines, <br> as
 *     line breaks, no markup), which is what feeds, search and an
 *     editor's edit start from. A comment from gazette's own export
 *     carries its stored body_md beside its body_html: when rendering
 *     that Markdown gives exactly the HTML, the comment was written in
 *     Markdown and both come back as they were; otherwise the HTML is
 *     sanitised (a fixed point, so unchanged) and the text kept as it
 *     was. Either way an export imports back to the same bytes, and no
 *     HTML reaches the store unless gazette rendered or sanitised it;
 *   - parents are found by the source's id within the same post (an
 *     index: a hostile file of 100,000 replies listed child first stays
 *     linear); replies may come before their parents (each is placed
 *     after its parent, imp_order), and one whose parent is not in the
 *     post becomes top-level, reported;
 *   - store_comment_insert places each reply (thread, depth, and the
 *     depth cap: a thread deeper than COMMENT_DEPTH_MAX comes in with its
 *     deeper replies beside the deepest allowed comment, as a post's
 *     would) and keeps the article's comment_count;
 *   - an http(s) web address is kept, anything else dropped, reported;
 *     an empty name becomes "Anonymous", as WordPress shows it.
 * It runs inside the import's one transaction, so a failure here rolls
 * back the articles too. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "import/import-int.h"
#include "render/esc.h"
#include "render/markdown.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

/* Text fit to store: control characters (which XML 1.0 cannot carry
 * anyway, but HTML character references can) become spaces. */
static const char *
storable(struct arena *a, const char *s, size_t n, bool multiline)
{
	char  *o;
	size_t i;

	if (text_check(s, n, multiline) == NULL)
		return arena_strndup(a, s, n);
	o = arena_strndup(a, s, n);
	for (i = 0; i < n; i++)
		if (((unsigned char)o[i] < 0x20 &&
			!(multiline && o[i] == '\n')) ||
		    o[i] == 0x7f)
			o[i] = ' ';
	if (text_check(o, n, multiline) != NULL)
		return "";
	return o;
}

void
imp_comment_body(struct arena *a, const char *html, const char *md,
    const char **body_md, const char **body_html, struct html_drops *drops)
{
	struct buf b = BUF_INIT;

	if (md && text_check(md, strlen(md), true) == NULL) {
		if (md_render(&b, md, strlen(md), MD_COMMENT) && !buf_err(&b) &&
		    strcmp(buf_str(&b), html) == 0) {
			*body_md = arena_strdup(a, md);
			*body_html = arena_strndup(a, buf_str(&b), b.len);
			goto out;
		}
		buf_reset(&b);
	}
	html_sanitize(&b, html, strlen(html), drops);
	*body_html = arena_strndup(a, buf_str(&b), b.len);
	if (md && text_check(md, strlen(md), true) == NULL)
		*body_md = arena_strdup(a, md);
	else {
		buf_reset(&b);
		html_text(&b, *body_html, strlen(*body_html));
		*body_md = storable(a, buf_str(&b), b.len, true);
	}
out:
	buf_free(&b);
}

/* A comment of the post once placed: its new id. */
struct placed {
	int64_t id;
	bool	done;
};

static const char *
what(const struct imp_comment *c)
{
	return *c->ext_id ? c->ext_id : "without an id";
}

/* Stores comment i (its parent placed, or none: top-level). */
static bool
place(struct store *st, struct imp_set *set, const struct imp_post *p, size_t i,
    ssize_t parent, struct placed *pl, int64_t article_id,
    size_t per[COMMENT_STATUS__MAX], struct import_stats *stats,
    struct buf *err)
{
	const struct imp_comment *ic = &p->comments[i];
	struct arena		 *a = set->arena;
	struct html_drops	  d;
	struct comment		  c;
	enum store_err		  e;
	const char		 *url;

	memset(&c, 0, sizeof(c));
	memset(&d, 0, sizeof(d));
	c.article_id = article_id;
	if (!comment_status_parse(ic->status, &c.status)) {
		imp_drop(set,
		    "%s '%s': comment %s: status '%s' unknown: held "
		    "as pending",
		    p->kind, p->art.title, what(ic), ic->status);
		c.status = COMMENT_PENDING;
	}
	c.author = storable(a, ic->author, strlen(ic->author), false);
	if (sv_trim(sv_cstr(c.author)).n == 0)
		c.author = "Anonymous";
	c.email = storable(a, ic->email, strlen(ic->email), false);
	url = ic->url ? ic->url : "";
	c.url = "";
	if (*url && url_is_http(url, strlen(url)))
		c.url = url;
	else if (*url)
		imp_drop(set,
		    "%s '%s': comment %s: web address '%s' dropped: "
		    "only http and https are kept",
		    p->kind, p->art.title, what(ic), url);
	imp_comment_body(a, ic->body ? ic->body : "", ic->markdown, &c.body_md,
	    &c.body_html, &d);
	if (d.elements + d.attributes + d.urls > 0)
		imp_drop(set,
		    "%s '%s': comment %s: body: %s (%zu element%s, "
		    "%zu attribute%s, %zu address%s removed)",
		    p->kind, p->art.title, what(ic), d.first, d.elements,
		    d.elements == 1 ? "" : "s", d.attributes,
		    d.attributes == 1 ? "" : "s", d.urls,
		    d.urls == 1 ? "" : "es");
	c.created_at = ic->created_at;
	if (c.created_at <= 0) {
		c.created_at =
		    p->art.published_at > 0 ? p->art.published_at : set->now;
		imp_drop(set,
		    "%s '%s': comment %s: no date: dated as its "
		    "article",
		    p->kind, p->art.title, what(ic));
	}
	c.updated_at =
	    ic->updated_at > c.created_at ? ic->updated_at : c.created_at;
	if (parent >= 0)
		c.parent_id = pl[parent].id;
	if (st != NULL) {
		if ((e = store_comment_insert(st, &c)) != STORE_OK) {
			buf_printf(err,
			    "%s: %s '%s': comment %s: cannot "
			    "store: %s",
			    set->file, p->kind, p->art.title, what(ic),
			    store_errmsg(st));
			return false;
		}
	} else {
		/* Dry: ids only have to be distinct within the post. */
		c.id = (int64_t)i + 1;
	}
	pl[i].id = c.id;
	pl[i].done = true;
	per[c.status]++;
	stats->comments_stored++;
	return true;
}

bool
imp_comments_store(struct store *st, struct imp_set *set,
    const struct imp_post *p, int64_t article_id, struct import_stats *stats,
    struct buf *err)
{
	struct arena		 *a = set->arena;
	struct imp_index	  ix;
	struct placed		 *pl;
	size_t			  per[COMMENT_STATUS__MAX] = { 0 };
	size_t			 *order, n = p->ncomments, nplaced, i, k, j;
	ssize_t			 *par;
	bool			 *missing;
	const struct imp_comment *ic;

	if (n == 0)
		return true;
	pl = arena_alloc(a, n * sizeof(*pl));
	par = arena_alloc(a, n * sizeof(*par));
	missing = arena_alloc(a, n * sizeof(*missing));
	order = arena_alloc(a, n * sizeof(*order));
	/* Parents by the source's id, the first comment of an id being
	 * the one that id names. */
	imp_index_init(&ix, a, n);
	for (i = 0; i < n; i++)
		imp_index_add(&ix, p->comments[i].ext_id, i);
	for (i = 0; i < n; i++) {
		ic = &p->comments[i];
		par[i] = IMP_ROOT;
		if (*ic->parent_ext_id == '\0')
			continue;
		if (imp_index_get(&ix, ic->parent_ext_id, &j) && j != i)
			par[i] = (ssize_t)j;
		else
			missing[i] = true;
	}
	/* Replies may come before what they answer: each is placed once
	 * its parent is, in the order a pass after pass over the comments
	 * would place them (imp_order), which keeps a file's threads in
	 * the order it lists them. */
	nplaced = imp_order(a, par, n, order);
	for (k = 0; k < nplaced; k++) {
		i = order[k];
		ic = &p->comments[i];
		if (missing[i])
			imp_drop(set,
			    "%s '%s': comment %s: the comment it "
			    "answers (%s) is not in the export: imported as "
			    "top-level",
			    p->kind, p->art.title, what(ic), ic->parent_ext_id);
		if (!place(st, set, p, i, par[i], pl, article_id, per, stats,
			err))
			return false;
	}
	/* What is left is a loop of replies (a → b → a) and what hangs
	 * from one: none has a parent to hang from, so each starts its own
	 * thread. */
	for (i = 0; i < n; i++) {
		if (pl[i].done)
			continue;
		imp_drop(set,
		    "%s '%s': comment %s: its replies form a loop: "
		    "imported as top-level",
		    p->kind, p->art.title, what(&p->comments[i]));
		if (!place(st, set, p, i, -1, pl, article_id, per, stats, err))
			return false;
	}
	/* The per-article count is what a dry run is for; an import
	 * proper says only what it dropped. */
	if (set->report && st == NULL)
		buf_printf(set->report,
		    "comments: %s: %s '%s': %zu (approved "
		    "%zu, pending %zu, spam %zu, deleted %zu)\n",
		    set->file, p->kind, p->art.title, p->ncomments,
		    per[COMMENT_APPROVED], per[COMMENT_PENDING],
		    per[COMMENT_SPAM], per[COMMENT_DELETED]);
	return true;
}

/* The sidecar of a Markdown export: SLUG.comments.json beside SLUG.md
 * (export.c writes it; import.h has its shape). Strict, since only
 * gazette writes it: a member of the wrong type or a date that does not
 * parse fails the import, naming the comment and the member. */

static const char *
json_text(json_t *o, const char *key, bool nullable, bool *ok)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || (nullable && json_is_null(v))) {
		*ok = *ok && nullable;
		return "";
	}
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		*ok = false;
		return "";
	}
	return json_string_value(v);
}

static bool
json_when(json_t *o, const char *key, int64_t *t)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) &&
	    time_parse_rfc3339(json_string_value(v), json_string_length(v), t);
}

static bool
sidecar_read(struct arena *a, const char *path, const char *text, size_t n,
    struct imp_post *p, struct buf *err)
{
	static const char *const known[] = { "id", "parent", "author", "email",
		"url", "status", "created_at", "updated_at", "body_markdown",
		"body_html", NULL };
	json_error_t		 jerr;
	json_t			*doc, *list, *o, *v;
	struct imp_comment	*c;
	const char *key, *const *k;
	size_t i;
	bool   ok = false, fine;

	if ((doc = json_loadb(text, n, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		buf_printf(err, "%s:%d: %s", path, jerr.line, jerr.text);
		return false;
	}
	if (!json_is_object(doc) ||
	    !json_is_array(list = json_object_get(doc, "comments"))) {
		buf_printf(err,
		    "%s: not a comments file: {\"comments\": "
		    "[...]} expected",
		    path);
		goto out;
	}
	p->ncomments = json_array_size(list);
	p->comments = arena_alloc(a,
	    (p->ncomments ? p->ncomments : 1) * sizeof(*p->comments));
	for (i = 0; i < p->ncomments; i++) {
		c = &p->comments[i];
		memset(c, 0, sizeof(*c));
		o = json_array_get(list, i);
		if (!json_is_object(o)) {
			buf_printf(err, "%s: comments[%zu]: not an object",
			    path, i);
			goto out;
		}
		json_object_foreach(o, key, v)
		{
			for (k = known; *k && strcmp(*k, key); k++)
				;
			if (*k == NULL) {
				buf_printf(err,
				    "%s: comments[%zu]: unknown "
				    "member '%s'",
				    path, i, key);
				goto out;
			}
		}
		v = json_object_get(o, "id");
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			buf_printf(err,
			    "%s: comments[%zu]: id must be a "
			    "positive integer",
			    path, i);
			goto out;
		}
		c->ext_id = arena_printf(a, "%lld",
		    (long long)json_integer_value(v));
		v = json_object_get(o, "parent");
		if (v && !json_is_null(v) &&
		    (!json_is_integer(v) || json_integer_value(v) < 1)) {
			buf_printf(err,
			    "%s: comments[%zu]: parent must be an "
			    "id or null",
			    path, i);
			goto out;
		}
		c->parent_ext_id = v && json_is_integer(v) ?
		    arena_printf(a, "%lld", (long long)json_integer_value(v)) :
		    "";
		fine = true;
		c->author = arena_strdup(a,
		    json_text(o, "author", false, &fine));
		c->email = arena_strdup(a, json_text(o, "email", true, &fine));
		c->url = arena_strdup(a, json_text(o, "url", true, &fine));
		c->status = arena_strdup(a,
		    json_text(o, "status", false, &fine));
		c->markdown = arena_strdup(a,
		    json_text(o, "body_markdown", false, &fine));
		c->body = arena_strdup(a,
		    json_text(o, "body_html", false, &fine));
		if (!fine) {
			buf_printf(err,
			    "%s: comments[%zu]: author, email, url, "
			    "status, body_markdown and body_html are strings "
			    "(without NUL)",
			    path, i);
			goto out;
		}
		if (!json_when(o, "created_at", &c->created_at) ||
		    (json_object_get(o, "updated_at") &&
			!json_when(o, "updated_at", &c->updated_at))) {
			buf_printf(err,
			    "%s: comments[%zu]: created_at and "
			    "updated_at are RFC 3339 dates",
			    path, i);
			goto out;
		}
	}
	ok = true;
out:
	json_decref(doc);
	return ok;
}

/* The sidecar's name: md_path with ".comments.json" for ".md"; false for
 * a file not named .md, which has none. */
static bool
sidecar_path(struct buf *path, const char *md_path)
{
	size_t len = strlen(md_path);

	if (len < 3 || strcmp(md_path + len - 3, ".md") != 0)
		return false;
	buf_printf(path, "%.*s.comments.json", (int)(len - 3), md_path);
	return true;
}

bool
imp_sidecar_read(const char *md_path, struct buf *text, bool *found,
    struct buf *err)
{
	struct buf path = BUF_INIT;
	char	   chunk[65536];
	size_t	   n;
	FILE	  *f;
	bool	   ok = false;

	*found = false;
	buf_reset(text);
	if (!sidecar_path(&path, md_path)) {
		ok = true;
		goto out;
	}
	if ((f = fopen(path.p, "rb")) == NULL) {
		ok = errno == ENOENT;
		if (!ok)
			buf_printf(err, "%s: %s", path.p, strerror(errno));
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (text->len + n > IMP_MAX_XML) {
			buf_printf(err, "%s: larger than %u MiB", path.p,
			    IMP_MAX_XML >> 20);
			fclose(f);
			goto out;
		}
		buf_put(text, chunk, n);
	}
	if (ferror(f)) {
		buf_printf(err, "%s: %s", path.p, strerror(errno));
		fclose(f);
		goto out;
	}
	fclose(f);
	*found = true;
	ok = true;
out:
	buf_free(&path);
	return ok;
}

bool
imp_comments_sidecar(struct store *st, const char *md_path, const char *text,
    size_t len, const struct article *art, const struct import_opts *o,
    struct import_stats *stats, struct buf *err)
{
	struct arena	a;
	struct imp_set	set;
	struct imp_post p;
	struct buf	path = BUF_INIT;
	bool		ok = false;

	if (text == NULL || !sidecar_path(&path, md_path))
		return true;
	arena_init(&a);
	memset(&set, 0, sizeof(set));
	memset(&p, 0, sizeof(p));
	set.arena = &a;
	set.file = path.p;
	set.format = "Markdown";
	set.report = o->report;
	set.now = o->now;
	p.art = *art;
	p.kind = "article";
	p.ext_id = "";
	if (!sidecar_read(&a, path.p, text, len, &p, err))
		goto out;
	stats->comments += p.ncomments;
	if (!imp_comments_store(o->dry_run ? NULL : st, &set, &p, art->id,
		stats, err))
		goto out;
	stats->drops += set.drops;
	ok = true;
out:
	arena_free(&a);
	buf_free(&path);
	return ok;
}
