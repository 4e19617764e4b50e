/* export.c: everything out again, as Markdown files with front matter or
 * as one WordPress WXR 1.2 file, in forms `gazette import` reads back to
 * the same articles, tags and comments.
 *
 * Markdown: OUT/SLUG.md, front matter with every field (format: html for
 * bodies kept as HTML), and OUT/SLUG.comments.json beside it for an
 * article with comments (front matter has no good shape for a thread of
 * texts with their own fields; JSON has, and stays readable). WXR: a
 * standard export WordPress can read, plus wp:postmeta
 * _gazette_body_format and _gazette_markdown, which carry the Markdown
 * source that WXR has no field for, and likewise wp:commentmeta
 * _gazette_markdown and _gazette_updated_at on comments. A comment's
 * content is its body_html either way; import-comment.c says how the two
 * bodies come back. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import/import.h"
#include "render/esc.h"
#include "render/json.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/str.h"

#define BATCH 200

/* A double-quoted front matter scalar (escapes \" \\ \n \t). */
static void
fm_quote(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		switch (*s) {
		case '"':
			buf_puts(b, "\\\"");
			break;
		case '\\':
			buf_puts(b, "\\\\");
			break;
		case '\n':
			buf_puts(b, "\\n");
			break;
		case '\t':
			buf_puts(b, "\\t");
			break;
		case '\r':
			break; /* the parser has no escape for it */
		default:
			buf_putc(b, *s);
			break;
		}
	}
	buf_putc(b, '"');
}

static void
md_article(struct buf *b, const struct article *a)
{
	size_t i;

	buf_puts(b, "---\ntitle: ");
	fm_quote(b, a->title);
	buf_puts(b, "\nslug: ");
	fm_quote(b, a->slug);
	if (a->published_at) {
		buf_puts(b, "\ndate: ");
		time_format_rfc3339(b, a->published_at);
	}
	if (a->author && *a->author) {
		buf_puts(b, "\nauthor: ");
		fm_quote(b, a->author);
	}
	if (a->ntags) {
		buf_puts(b, "\ntags:");
		for (i = 0; i < a->ntags; i++) {
			buf_puts(b, "\n- ");
			fm_quote(b, a->tags[i].name);
		}
	}
	buf_puts(b, "\nsummary: ");
	fm_quote(b, a->summary ? a->summary : "");
	buf_printf(b, "\nstatus: %s", article_status_name(a->status));
	if (a->format != BODY_MARKDOWN)
		buf_printf(b, "\nformat: %s", body_format_name(a->format));
	if (a->comments_closed)
		buf_puts(b, "\ncomments: closed");
	buf_puts(b, "\n---\n");
	buf_puts(b, a->body_md ? a->body_md : "");
}

static bool
write_new(const char *path, const struct buf *b, struct buf *err)
{
	/* Private: an export holds drafts and commenters' emails. */
	int	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		FILE_MODE_PRIVATE);
	size_t	off = 0;
	ssize_t w;

	if (fd < 0) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		return false;
	}
	while (off < b->len) {
		if ((w = write(fd, b->p + off, b->len - off)) < 0) {
			if (errno == EINTR)
				continue;
			buf_printf(err, "%s: %s", path, strerror(errno));
			close(fd);
			return false;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		return false;
	}
	return true;
}

/* Calls fn for every article, in id order, in batches. */
static bool
each_article(struct store *st, bool (*fn)(const struct article *, void *),
    void *ctx, struct buf *err)
{
	struct article_list l;
	struct arena	    a;
	int64_t		    after = 0;
	size_t		    i;
	bool		    ok = false;

	arena_init(&a);
	for (;;) {
		if (store_article_all(st, &a, after, BATCH, &l) != STORE_OK) {
			buf_printf(err, "cannot read the articles: %s",
			    store_errmsg(st));
			goto out;
		}
		for (i = 0; i < l.n; i++)
			if (!fn(&l.items[i], ctx))
				goto out;
		if (!l.more || l.n == 0)
			break;
		after = l.items[l.n - 1].id;
		arena_free(&a);
	}
	ok = true;
out:
	arena_free(&a);
	return ok;
}

/* Every comment of an article, any status, oldest first, into the
 * arena. */
static bool
comments_of(struct store *st, struct arena *a, const struct article *art,
    struct comment_list *out, struct buf *err)
{
	struct comment_list l;
	struct comment	   *all = NULL, *grown;
	size_t		    n = 0;
	int64_t		    after = 0;

	do {
		if (store_comment_page(st, a, art->id, -1, after, 1000, &l) !=
		    STORE_OK) {
			buf_printf(err, "cannot read the comments of '%s': %s",
			    art->slug, store_errmsg(st));
			return false;
		}
		if (l.n) {
			grown = arena_alloc(a, (n + l.n) * sizeof(*grown));
			if (n)
				memcpy(grown, all, n * sizeof(*grown));
			memcpy(grown + n, l.items, l.n * sizeof(*grown));
			all = grown;
			n += l.n;
		}
		after = l.next_after;
	} while (after);
	out->items = all;
	out->n = n;
	out->next_after = 0;
	return true;
}

void
export_comment_json(struct buf *b, const struct comment *c, bool moderator)
{
	bool first = true;

	buf_putc(b, '{');
	jw_key(b, &first, "id");
	buf_printf(b, "%lld", (long long)c->id);
	jw_key(b, &first, "parent");
	if (c->parent_id)
		buf_printf(b, "%lld", (long long)c->parent_id);
	else
		buf_puts(b, "null");
	jw_key(b, &first, "author");
	jw_str(b, c->author ? c->author : "");
	if (moderator) {
		jw_key(b, &first, "email");
		jw_str(b, c->email ? c->email : "");
	}
	jw_key(b, &first, "url");
	jw_str(b, c->url ? c->url : "");
	jw_key(b, &first, "body_markdown");
	jw_str(b, c->body_md ? c->body_md : "");
	jw_key(b, &first, "body_html");
	jw_str(b, c->body_html ? c->body_html : "");
	if (moderator) {
		jw_key(b, &first, "status");
		jw_str(b, comment_status_name(c->status));
	}
	jw_key(b, &first, "created_at");
	jw_time(b, c->created_at);
	jw_key(b, &first, "updated_at");
	jw_time(b, c->updated_at);
	buf_putc(b, '}');
}

/* The sidecar is the moderator's view of each comment (every field,
 * email and status included), one per line. */
static void
md_comments(struct buf *b, const struct comment_list *l)
{
	size_t i;

	buf_puts(b, "{\"comments\": [");
	for (i = 0; i < l->n; i++) {
		buf_puts(b, i ? ",\n" : "\n");
		export_comment_json(b, &l->items[i], true);
	}
	buf_puts(b, "\n]}\n");
}

struct md_ctx {
	struct store	    *st;
	const char	    *dir;
	struct export_stats *stats;
	struct buf	    *err;
};

static bool
md_one(const struct article *a, void *vctx)
{
	struct md_ctx	   *c = vctx;
	struct buf	    b = BUF_INIT, path = BUF_INIT;
	struct comment_list l;
	struct arena	    ar;
	bool		    ok;

	arena_init(&ar);
	md_article(&b, a);
	buf_printf(&path, "%s/%s.md", c->dir, a->slug);
	if (!(ok = write_new(path.p, &b, c->err)))
		goto out;
	c->stats->articles++;
	if (!(ok = comments_of(c->st, &ar, a, &l, c->err)) || l.n == 0)
		goto out;
	buf_reset(&b);
	buf_reset(&path);
	md_comments(&b, &l);
	buf_printf(&path, "%s/%s.comments.json", c->dir, a->slug);
	if (buf_err(&b)) {
		buf_printf(c->err, "%s: too large to build", path.p);
		ok = false;
		goto out;
	}
	if ((ok = write_new(path.p, &b, c->err)))
		c->stats->comments += l.n;
out:
	arena_free(&ar);
	buf_free(&b);
	buf_free(&path);
	return ok;
}

bool
export_markdown(struct store *st, const char *dir, struct export_stats *stats,
    struct buf *err)
{
	struct md_ctx c = { st, dir, stats, err };

	memset(stats, 0, sizeof(*stats));
	if (mkdir(dir, DIR_MODE_PRIVATE) != 0 && errno != EEXIST) {
		buf_printf(err, "%s: %s", dir, strerror(errno));
		return false;
	}
	return each_article(st, md_one, &c, err);
}

/* CDATA holds anything but "]]>", which is split across two sections. */
static void
cdata(struct buf *b, const char *s)
{
	const char *e;

	buf_puts(b, "<![CDATA[");
	while ((e = strstr(s, "]]>")) != NULL) {
		buf_put(b, s, (size_t)(e - s) + 2);
		buf_puts(b, "]]><![CDATA[");
		s = e + 2;
	}
	buf_puts(b, s);
	buf_puts(b, "]]>");
}

static void
wp_time(struct buf *b, int64_t t)
{
	struct tm tm;

	if (t == 0) {
		buf_puts(b, "0000-00-00 00:00:00");
		return;
	}
	time_utc(t, &tm);
	buf_printf(b, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

struct wxr_ctx {
	struct store	    *st;
	struct buf	    *err;
	struct buf	    *out;
	const char	    *base;
	struct export_stats *stats;
	/* bylines already written as wp:author: "\nA\nB\n" */
	struct buf seen;
};

static void
xml_text(struct buf *b, const char *s)
{
	esc_xml(b, s, strlen(s));
}

/* First pass: one wp:author per byline; login and display name are both
 * the byline, which is what the import maps back. */
static bool
wxr_author(const struct article *a, void *vctx)
{
	struct wxr_ctx *c = vctx;
	struct buf	key = BUF_INIT;
	bool		seen;

	if (a->author == NULL || *a->author == '\0')
		return true;
	buf_printf(&key, "\n%s\n", a->author);
	if (c->seen.len == 0)
		buf_putc(&c->seen, '\n');
	seen = strstr(c->seen.p, key.p) != NULL;
	if (!seen) {
		buf_puts(&c->seen, key.p + 1);
		buf_puts(c->out, "\t<wp:author><wp:author_login>");
		cdata(c->out, a->author);
		buf_puts(c->out, "</wp:author_login><wp:author_display_name>");
		cdata(c->out, a->author);
		buf_puts(c->out, "</wp:author_display_name></wp:author>\n");
		c->stats->authors++;
	}
	buf_free(&key);
	return true;
}

static bool
wxr_comments(struct wxr_ctx *c, const struct article *art)
{
	static const char *const approved[COMMENT_STATUS__MAX] = {
		[COMMENT_PENDING] = "0",
		[COMMENT_APPROVED] = "1",
		[COMMENT_SPAM] = "spam",
		[COMMENT_DELETED] = "trash",
	};
	struct buf	     *b = c->out;
	struct comment_list   l;
	const struct comment *m;
	struct arena	      a;
	size_t		      i;
	bool		      ok;

	arena_init(&a);
	if (!(ok = comments_of(c->st, &a, art, &l, c->err)))
		goto out;
	for (i = 0; i < l.n; i++) {
		m = &l.items[i];
		buf_printf(b,
		    "\t\t<wp:comment>\n"
		    "\t\t\t<wp:comment_id>%lld</wp:comment_id>\n"
		    "\t\t\t<wp:comment_author>",
		    (long long)m->id);
		cdata(b, m->author);
		buf_puts(b,
		    "</wp:comment_author>\n"
		    "\t\t\t<wp:comment_author_email>");
		cdata(b, m->email);
		buf_puts(b,
		    "</wp:comment_author_email>\n"
		    "\t\t\t<wp:comment_author_url>");
		xml_text(b, m->url);
		buf_puts(b,
		    "</wp:comment_author_url>\n"
		    "\t\t\t<wp:comment_author_IP></wp:comment_author_IP>\n"
		    "\t\t\t<wp:comment_date><![CDATA[");
		wp_time(b, m->created_at);
		buf_puts(b,
		    "]]></wp:comment_date>\n"
		    "\t\t\t<wp:comment_date_gmt><![CDATA[");
		wp_time(b, m->created_at);
		buf_puts(b,
		    "]]></wp:comment_date_gmt>\n"
		    "\t\t\t<wp:comment_content>");
		cdata(b, m->body_html);
		buf_printf(b,
		    "</wp:comment_content>\n"
		    "\t\t\t<wp:comment_approved><![CDATA[%s]]>"
		    "</wp:comment_approved>\n"
		    "\t\t\t<wp:comment_type><![CDATA[comment]]>"
		    "</wp:comment_type>\n"
		    "\t\t\t<wp:comment_parent>%lld</wp:comment_parent>\n"
		    "\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n"
		    "\t\t\t<wp:commentmeta>\n\t\t\t\t<wp:meta_key>"
		    "<![CDATA[_gazette_markdown]]></wp:meta_key>\n"
		    "\t\t\t\t<wp:meta_value>",
		    approved[m->status < COMMENT_STATUS__MAX ? m->status : 0],
		    (long long)m->parent_id);
		cdata(b, m->body_md);
		buf_puts(b, "</wp:meta_value>\n\t\t\t</wp:commentmeta>\n");
		if (m->updated_at != m->created_at) {
			buf_puts(b,
			    "\t\t\t<wp:commentmeta>\n\t\t\t\t"
			    "<wp:meta_key><![CDATA[_gazette_updated_at]]>"
			    "</wp:meta_key>\n\t\t\t\t<wp:meta_value>");
			time_format_rfc3339(b, m->updated_at);
			buf_puts(b,
			    "</wp:meta_value>\n"
			    "\t\t\t</wp:commentmeta>\n");
		}
		buf_puts(b, "\t\t</wp:comment>\n");
	}
	c->stats->comments += l.n;
out:
	arena_free(&a);
	return ok;
}

static bool
wxr_item(const struct article *a, void *vctx)
{
	static const char *const wp_status[ARTICLE_STATUS__MAX] = {
		[ARTICLE_DRAFT] = "draft",
		[ARTICLE_PUBLISHED] = "publish",
		[ARTICLE_SCHEDULED] = "future",
	};
	struct wxr_ctx *c = vctx;
	struct buf     *b = c->out;
	struct tm	tm;
	size_t		i;

	time_utc(a->published_at, &tm);
	buf_puts(b, "\t<item>\n\t\t<title>");
	cdata(b, a->title);
	buf_puts(b, "</title>\n\t\t<link>");
	xml_text(b, c->base);
	buf_printf(b, "/%04d/%02d/", tm.tm_year + 1900, tm.tm_mon + 1);
	xml_text(b, a->slug);
	buf_puts(b, "</link>\n\t\t<pubDate>");
	time_format_http(b, a->published_at);
	buf_puts(b, "</pubDate>\n\t\t<dc:creator>");
	cdata(b, a->author ? a->author : "");
	buf_printf(b, "</dc:creator>\n\t\t<guid isPermaLink=\"false\">");
	xml_text(b, c->base);
	buf_printf(b,
	    "/?p=%lld</guid>\n\t\t<description></description>\n"
	    "\t\t<content:encoded>",
	    (long long)a->id);
	cdata(b, a->format == BODY_HTML ? a->body_md : a->body_html);
	buf_puts(b, "</content:encoded>\n\t\t<excerpt:encoded>");
	cdata(b, a->summary ? a->summary : "");
	buf_printf(b,
	    "</excerpt:encoded>\n\t\t<wp:post_id>%lld</wp:post_id>\n"
	    "\t\t<wp:post_date><![CDATA[",
	    (long long)a->id);
	wp_time(b, a->published_at);
	buf_puts(b, "]]></wp:post_date>\n\t\t<wp:post_date_gmt><![CDATA[");
	wp_time(b, a->published_at);
	buf_printf(b,
	    "]]></wp:post_date_gmt>\n"
	    "\t\t<wp:comment_status><![CDATA[%s]]></wp:comment_status>\n"
	    "\t\t<wp:ping_status><![CDATA[closed]]></wp:ping_status>\n"
	    "\t\t<wp:post_name>",
	    a->comments_closed ? "closed" : "open");
	cdata(b, a->slug);
	buf_printf(b,
	    "</wp:post_name>\n"
	    "\t\t<wp:status><![CDATA[%s]]></wp:status>\n"
	    "\t\t<wp:post_parent>0</wp:post_parent>\n"
	    "\t\t<wp:menu_order>0</wp:menu_order>\n"
	    "\t\t<wp:post_type><![CDATA[post]]></wp:post_type>\n"
	    "\t\t<wp:post_password><![CDATA[]]></wp:post_password>\n"
	    "\t\t<wp:is_sticky>0</wp:is_sticky>\n",
	    wp_status[a->status < ARTICLE_STATUS__MAX ? a->status : 0]);
	for (i = 0; i < a->ntags; i++) {
		struct buf slug = BUF_INIT;

		slugify(&slug, a->tags[i].name, strlen(a->tags[i].name));
		buf_puts(b, "\t\t<category domain=\"post_tag\" nicename=\"");
		xml_text(b, buf_str(&slug));
		buf_puts(b, "\">");
		cdata(b, a->tags[i].name);
		buf_puts(b, "</category>\n");
		buf_free(&slug);
	}
	buf_printf(b,
	    "\t\t<wp:postmeta>\n\t\t\t<wp:meta_key><![CDATA["
	    "_gazette_body_format]]></wp:meta_key>\n\t\t\t<wp:meta_value>"
	    "<![CDATA[%s]]></wp:meta_value>\n\t\t</wp:postmeta>\n",
	    body_format_name(a->format));
	if (a->format == BODY_MARKDOWN) {
		buf_puts(b,
		    "\t\t<wp:postmeta>\n\t\t\t<wp:meta_key><![CDATA["
		    "_gazette_markdown]]></wp:meta_key>\n\t\t\t"
		    "<wp:meta_value>");
		cdata(b, a->body_md ? a->body_md : "");
		buf_puts(b, "</wp:meta_value>\n\t\t</wp:postmeta>\n");
	}
	if (!wxr_comments(c, a))
		return false;
	buf_puts(b, "\t</item>\n");
	c->stats->articles++;
	return true;
}

bool
export_wxr(struct store *st, const char *path, const char *base_url,
    struct export_stats *stats, struct buf *err)
{
	struct buf     out = BUF_INIT;
	struct wxr_ctx c = { st, err, &out, base_url, stats, BUF_INIT };
	bool	       ok = false;

	memset(stats, 0, sizeof(*stats));
	buf_puts(&out,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
	    "<!-- A WordPress eXtended RSS (WXR 1.2) export written by "
	    "gazette. -->\n"
	    "<rss version=\"2.0\"\n"
	    "\txmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\"\n"
	    "\txmlns:content=\"http://purl.org/rss/1.0/modules/content/\"\n"
	    "\txmlns:wfw=\"http://wellformedweb.org/CommentAPI/\"\n"
	    "\txmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	    "\txmlns:wp=\"http://wordpress.org/export/1.2/\"\n>\n"
	    "<channel>\n\t<title>gazette export</title>\n\t<link>");
	xml_text(&out, base_url);
	buf_puts(&out,
	    "</link>\n\t<description></description>\n"
	    "\t<wp:wxr_version>1.2</wp:wxr_version>\n\t<wp:base_site_url>");
	xml_text(&out, base_url);
	buf_puts(&out, "</wp:base_site_url>\n\t<wp:base_blog_url>");
	xml_text(&out, base_url);
	buf_puts(&out, "</wp:base_blog_url>\n");
	if (!each_article(st, wxr_author, &c, err) ||
	    !each_article(st, wxr_item, &c, err))
		goto out;
	buf_puts(&out, "</channel>\n</rss>\n");
	if (buf_err(&out)) {
		buf_printf(err, "the export is too large to build");
		goto out;
	}
	ok = write_new(path, &out, err);
out:
	buf_free(&out);
	buf_free(&c.seen);
	return ok;
}
