/* fuzz-wxr.c: export files: the safe XML read, the WordPress and Blogger
 * readers, and the HTML allow-list over every body they produce. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import/import-int.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static bool
in_list(const char *s, size_t n, const char *const *l)
{
	for (; *l; l++)
		if (strlen(*l) == n && strncasecmp(*l, s, n) == 0)
			return true;
	return false;
}

/* Every tag in h (text has its '<' escaped, so each '<' opens a tag the
 * sanitiser wrote) is on the allow-list, with allowed attributes only,
 * and no href or src with a dangerous scheme; sanitising h again gives
 * h (a fixed point). */
static void
check_html(const char *h)
{
	static const char *const tags[] = { "p", "br", "h2", "h3", "h4", "h5",
		"h6", "blockquote", "ul", "ol", "li", "a", "em", "strong", "b",
		"i", "u", "s", "del", "sub", "sup", "code", "pre", "img",
		"figure", "figcaption", "table", "thead", "tbody", "tfoot",
		"tr", "th", "td", "hr", "span", "div", "cite", NULL };
	static const char *const attrs[] = { "href", "src", "alt", "width",
		"height", "title", "colspan", "rowspan", NULL };
	struct buf		 again = BUF_INIT;
	const char		*t, *q, *nm, *v;
	size_t			 n;

	for (t = strchr(h, '<'); t; t = strchr(q, '<')) {
		q = t + 1;
		if (*q == '/')
			q++;
		for (nm = q;
		     (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9'); q++)
			;
		if (!in_list(nm, (size_t)(q - nm), tags))
			abort();
		while (*q == ' ') {
			nm = ++q;
			while (*q && *q != '=')
				q++;
			n = (size_t)(q - nm);
			if (!in_list(nm, n, attrs) || q[1] != '"')
				abort();
			v = q + 2;
			if ((q = strchr(v, '"')) == NULL)
				abort();
			if ((n == 4 || n == 3) &&
			    (strncasecmp(v, "javascript:", 11) == 0 ||
				strncasecmp(v, "data:", 5) == 0 ||
				strncasecmp(v, "vbscript:", 9) == 0))
				abort();
			q++;
		}
		if (*q != '>')
			abort();
	}
	html_sanitize(&again, h, strlen(h), NULL);
	if (again.len != strlen(h) || memcmp(buf_str(&again), h, again.len))
		abort();
	buf_free(&again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct buf     err = BUF_INIT, report = BUF_INIT, h = BUF_INIT;
	struct imp_set set;
	struct arena   a;
	void	      *doc;
	size_t	       i;

	/* The allow-list on the raw bytes too (it takes any input). */
	html_sanitize(&h, (const char *)data, n, NULL);
	if (utf8_valid((const char *)data, n))
		check_html(buf_str(&h));
	arena_init(&a);
	memset(&set, 0, sizeof(set));
	set.arena = &a;
	set.file = "fuzz";
	set.report = &report;
	set.now = 1700000000;
	if ((doc = imp_xml_read((const char *)data, n, &err)) != NULL) {
		switch (imp_xml_kind(doc)) {
		case IMP_WXR:
			wxr_read(doc, &set, &err);
			break;
		case IMP_BLOGGER:
			blogger_read(doc, &set, &err);
			break;
		default:
			break;
		}
		imp_xml_free(doc);
		for (i = 0; i < set.n; i++) {
			const struct article *art = &set.posts[i].art;

			if (!slug_valid(art->slug, strlen(art->slug)) ||
			    text_check(art->title, strlen(art->title), false) !=
				NULL)
				abort();
			if (art->format == BODY_HTML)
				check_html(art->body_html);
		}
	} else if (err.len == 0)
		abort(); /* a refusal always says why */
	arena_free(&a);
	buf_free(&err);
	buf_free(&report);
	buf_free(&h);
	return 0;
}
