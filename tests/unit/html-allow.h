/* html-allow.h: a checker for the comment allow-list, shared by the
 * Markdown unit tests and the comment-rendering fuzz driver.
 *
 * comment_violation() says why a piece of comment HTML breaks the
 * allow-list, or returns NULL; it is deliberately written apart from the
 * renderer (a second reading of the rules, not the same code). Static so
 * each including file gets its own copy without a library. */
#ifndef GAZETTE_HTML_ALLOW_H
#define GAZETTE_HTML_ALLOW_H

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

static bool
in_list(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && strncasecmp(*list, s, n) == 0)
			return true;
	return false;
}

/* Why the comment HTML h breaks the allow-list, or NULL. Every '<' must
 * open an allowed tag whose only attributes are href and rel on <a>, every
 * href must be absolute http, https or mailto, no tag may hold
 * "javascript:", and outside tags no '>' or '"' may appear raw. */
static const char *
comment_violation(const char *h)
{
	static const char *const tags[] = { "p", "br", "em", "strong", "del",
		"code", "pre", "blockquote", "ul", "ol", "li", "a", NULL };
	const char		*p = h, *q, *e, *name, *v;
	size_t			 nn, vn, i;
	bool			 isa, close;

	while (*p) {
		if (*p == '>' || *p == '"')
			return "raw > or \" in text";
		if (*p != '<') {
			p++;
			continue;
		}
		if ((e = strchr(p, '>')) == NULL)
			return "unterminated tag";
		for (q = p; q + 11 <= e; q++)
			if (strncasecmp(q, "javascript:", 11) == 0)
				return "javascript: in a tag";
		q = p + 1;
		if ((close = *q == '/'))
			q++;
		name = q;
		while (isalnum((unsigned char)*q))
			q++;
		nn = (size_t)(q - name);
		if (!in_list(name, nn, tags))
			return "tag outside the allow-list";
		isa = nn == 1 && (*name == 'a' || *name == 'A');
		for (;;) {
			while (*q == ' ')
				q++;
			if (q == e)
				break;
			if (close || !isa)
				return "attribute on a tag that takes none";
			name = q;
			while (isalpha((unsigned char)*q))
				q++;
			nn = (size_t)(q - name);
			if (q[0] != '=' || q[1] != '"')
				return "attribute not name=\"value\"";
			v = q + 2;
			if ((q = strchr(v, '"')) == NULL || q > e)
				return "unterminated attribute";
			vn = (size_t)(q - v);
			q++;
			if (nn == 3 && strncmp(name, "rel", 3) == 0) {
				if (vn != 21 ||
				    strncmp(v, "nofollow ugc noopener", 21) !=
					0)
					return "rel is not nofollow ugc noopener";
			} else if (nn == 4 && strncmp(name, "href", 4) == 0) {
				if (!(strncasecmp(v, "http://", 7) == 0 ||
					strncasecmp(v, "https://", 8) == 0 ||
					strncasecmp(v, "mailto:", 7) == 0))
					return "href scheme not allowed";
				for (i = 0; i < vn; i++)
					if ((unsigned char)v[i] <= ' ' ||
					    v[i] == '<' || v[i] == '\'')
						return "raw space or < in href";
			} else
				return "attribute outside the allow-list";
		}
		if (!close && isa &&
		    (strstr(p, "href=\"") == NULL || strstr(p, "href=\"") > e ||
			strstr(p, "rel=\"") == NULL || strstr(p, "rel=\"") > e))
			return "<a> without href and rel";
		p = e + 1;
	}
	return NULL;
}

#endif
