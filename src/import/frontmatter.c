/* frontmatter.c: the "---" block of key: value lines atop a Markdown file.
 *
 * It is the small YAML subset that static site generators write: scalars
 * (bare, "double" or 'single' quoted), flow lists ([a, "b, c"]) and block
 * lists ("- item" lines under "tags:"). Anything else is an error that names
 * the line, because a silently misread date or status publishes the wrong
 * thing. */
#include <string.h>

#include "import/import.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

#define MAX_TAGS 64

enum fm_key {
	FM_TITLE = 0,
	FM_SLUG,
	FM_DATE,
	FM_AUTHOR,
	FM_TAGS,
	FM_SUMMARY,
	FM_STATUS,
	FM_FORMAT,
	FM_COMMENTS,
	FM_KEY__MAX
};

static const char *const keys[FM_KEY__MAX] = {
	[FM_TITLE] = "title",
	[FM_SLUG] = "slug",
	[FM_DATE] = "date",
	[FM_AUTHOR] = "author",
	[FM_TAGS] = "tags",
	[FM_SUMMARY] = "summary",
	[FM_STATUS] = "status",
	[FM_FORMAT] = "format",
	[FM_COMMENTS] = "comments",
};

struct parser {
	struct arena  *arena;
	struct buf    *err;
	struct fm_doc *doc;
	size_t	       line;
	bool	       seen[FM_KEY__MAX];
};

static bool
fail(struct parser *p, const char *fmt, const char *arg)
{
	buf_printf(p->err, "%zu: front matter: ", p->line);
	buf_printf(p->err, fmt, arg);
	return false;
}

/* Unquotes one scalar. Double quotes take the escapes \" \\ \n \t;
 * single quotes take '' for a quote, as in YAML. */
static bool
scalar(struct parser *p, struct sv v, const char **out)
{
	struct buf b = BUF_INIT;
	size_t	   i;
	char	   q;

	v = sv_trim(v);
	if (v.n == 0 || (v.p[0] != '"' && v.p[0] != '\'')) {
		*out = arena_strndup(p->arena, v.p, v.n);
		return true;
	}
	q = v.p[0];
	if (v.n < 2 || v.p[v.n - 1] != q)
		return fail(p, "unterminated %s",
		    q == '"' ? "\"string\"" : "'string'");
	for (i = 1; i < v.n - 1; i++) {
		if (q == '"' && v.p[i] == '\\' && i + 1 < v.n - 1) {
			i++;
			switch (v.p[i]) {
			case 'n':
				buf_putc(&b, '\n');
				break;
			case 't':
				buf_putc(&b, '\t');
				break;
			case '"':
			case '\\':
				buf_putc(&b, v.p[i]);
				break;
			default:
				buf_free(&b);
				return fail(p, "unknown escape '\\%s'",
				    (char[]){ v.p[i], '\0' });
			}
		} else if (q == '\'' && v.p[i] == '\'' && i + 1 < v.n - 1 &&
		    v.p[i + 1] == '\'') {
			buf_putc(&b, '\'');
			i++;
		} else if (v.p[i] == q) {
			buf_free(&b);
			return fail(p, "text after the closing quote%s", "");
		} else
			buf_putc(&b, v.p[i]);
	}
	*out = arena_strndup(p->arena, buf_str(&b), b.len);
	buf_free(&b);
	return true;
}

static bool
add_tag(struct parser *p, struct sv v)
{
	const char *t;

	if (!scalar(p, v, &t))
		return false;
	if (*t == '\0')
		return fail(p, "empty tag%s", "");
	if (strlen(t) > 100)
		return fail(p, "tag longer than 100 bytes%s", "");
	if (p->doc->ntags == MAX_TAGS)
		return fail(p, "more than 64 tags%s", "");
	if (p->doc->tags == NULL)
		p->doc->tags = arena_alloc(p->arena,
		    MAX_TAGS * sizeof(*p->doc->tags));
	p->doc->tags[p->doc->ntags++] = t;
	return true;
}

/* "[a, "b, c", 'd']": items split on commas outside quotes. */
static bool
flow_list(struct parser *p, struct sv v)
{
	size_t	  i, start;
	char	  q = 0;
	struct sv item;

	if (v.n < 2 || v.p[v.n - 1] != ']')
		return fail(p, "tags: a list needs a closing ']'%s", "");
	v.p++;
	v.n -= 2;
	if (sv_trim(v).n == 0)
		return true;
	for (i = 0, start = 0; i <= v.n; i++) {
		if (i == v.n && q)
			return fail(p, "tags: unterminated quote%s", "");
		if (i < v.n && q) {
			if (v.p[i] == q)
				q = 0;
			continue;
		}
		if (i < v.n && (v.p[i] == '"' || v.p[i] == '\'')) {
			q = v.p[i];
			continue;
		}
		if (i == v.n || v.p[i] == ',') {
			item = (struct sv){ v.p + start, i - start };
			if (!add_tag(p, item))
				return false;
			start = i + 1;
		}
	}
	return true;
}

static bool
set_key(struct parser *p, enum fm_key k, struct sv v)
{
	struct fm_doc *d = p->doc;
	const char    *s;

	if (k == FM_TAGS) {
		v = sv_trim(v);
		if (v.n == 0)
			return true; /* a block list follows */
		if (v.p[0] == '[')
			return flow_list(p, v);
		return add_tag(p, v); /* "tags: one" */
	}
	if (!scalar(p, v, &s))
		return false;
	switch (k) {
	case FM_TITLE:
		if (*s == '\0')
			return fail(p, "title is empty%s", "");
		d->title = s;
		break;
	case FM_SLUG:
		if (!slug_valid(s, strlen(s)))
			return fail(p,
			    "slug '%s' must be 1 to 80 of a-z, 0-9 "
			    "and '-', not starting or ending with '-'",
			    s);
		d->slug = s;
		break;
	case FM_DATE:
		if (!time_parse_rfc3339(s, strlen(s), &d->date))
			return fail(p,
			    "date '%s' is not RFC 3339 (like "
			    "2022-01-10T09:30:00Z or 2022-01-10)",
			    s);
		d->has_date = true;
		break;
	case FM_AUTHOR:
		d->author = s;
		break;
	case FM_SUMMARY:
		d->summary = s;
		break;
	case FM_STATUS:
		if (!article_status_parse(s, &d->status))
			return fail(p,
			    "status '%s' is not draft, published "
			    "or scheduled",
			    s);
		d->has_status = true;
		break;
	case FM_FORMAT:
		if (!body_format_parse(s, &d->format))
			return fail(p, "format '%s' is not markdown or html",
			    s);
		break;
	case FM_COMMENTS:
		if (strcmp(s, "open") != 0 && strcmp(s, "closed") != 0)
			return fail(p, "comments '%s' is not open or closed",
			    s);
		d->comments_closed = strcmp(s, "closed") == 0;
		break;
	default:
		break;
	}
	return true;
}

static bool
is_blank(struct sv v)
{
	return sv_trim(v).n == 0;
}

bool
fm_parse(struct arena *a, const char *s, size_t n, struct fm_doc *doc,
    struct buf *err)
{
	struct parser p = { a, err, doc, 1, { false } };
	struct sv     line, key, val;
	const char   *nl, *end = s + n, *colon;
	enum fm_key   k, last = FM_KEY__MAX;
	size_t	      len;
	int	      i;

	memset(doc, 0, sizeof(*doc));
	doc->status = ARTICLE_PUBLISHED;
	/* A UTF-8 byte order mark is what some editors put first. */
	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	nl = memchr(s, '\n', (size_t)(end - s));
	line = (struct sv){ s, nl ? (size_t)(nl - s) : (size_t)(end - s) };
	if (!sv_eq(sv_trim(line), "---"))
		return fail(&p, "the file must start with a '---' line%s", "");
	s = nl ? nl + 1 : end;
	for (;;) {
		p.line++;
		if (s >= end)
			return fail(&p, "no closing '---' line%s", "");
		nl = memchr(s, '\n', (size_t)(end - s));
		len = nl ? (size_t)(nl - s) : (size_t)(end - s);
		line = (struct sv){ s, len };
		if (len && line.p[len - 1] == '\r')
			line.n--;
		s = nl ? nl + 1 : end;
		if (sv_eq(line, "---") || sv_eq(line, "..."))
			break;
		if (is_blank(line) || sv_trim(line).p[0] == '#')
			continue;
		if (line.p[0] == ' ' || line.p[0] == '\t' || line.p[0] == '-') {
			val = sv_trim(line);
			if (last != FM_TAGS || val.p[0] != '-')
				return fail(&p, "unexpected indented line%s",
				    "");
			val.p++;
			val.n--;
			if (!add_tag(&p, val))
				return false;
			continue;
		}
		colon = memchr(line.p, ':', line.n);
		if (colon == NULL)
			return fail(&p, "expected 'key: value'%s", "");
		key = (struct sv){ line.p, (size_t)(colon - line.p) };
		val = (struct sv){ colon + 1, line.n - key.n - 1 };
		key = sv_trim(key);
		for (i = 0; i < FM_KEY__MAX; i++)
			if (sv_eq(key, keys[i]))
				break;
		if (i == FM_KEY__MAX) {
			char   kb[64];
			size_t kn =
			    key.n < sizeof(kb) - 1 ? key.n : sizeof(kb) - 1;

			memcpy(kb, key.p, kn);
			kb[kn] = '\0';
			return fail(&p, "unknown key '%s'", kb);
		}
		k = (enum fm_key)i;
		if (p.seen[k])
			return fail(&p, "key '%s' given twice", keys[k]);
		p.seen[k] = true;
		last = k;
		if (!set_key(&p, k, val))
			return false;
	}
	if (doc->title == NULL) {
		p.line = 1;
		return fail(&p, "title is required%s", "");
	}
	if (doc->status == ARTICLE_SCHEDULED && !doc->has_date) {
		p.line = 1;
		return fail(&p, "a scheduled article needs a date%s", "");
	}
	doc->body = s;
	doc->body_len = (size_t)(end - s);
	return true;
}
