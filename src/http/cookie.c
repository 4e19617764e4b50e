/* cookie.c: finding one cookie in a Cookie header (RFC 6265 section 5.4
 * syntax, read leniently: whitespace around names and values, optional
 * double quotes around a value, pairs without '=' skipped). */
#include <string.h>

#include "http/http-int.h"

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t';
}

const char *
cookie_find(struct arena *a, const char *header, const char *name)
{
	const char *p, *semi, *eq, *ns, *ne, *vs, *ve;
	size_t	    nlen;

	if (header == NULL || name == NULL)
		return NULL;
	nlen = strlen(name);
	for (p = header; *p != '\0'; p = *semi ? semi + 1 : semi) {
		semi = strchr(p, ';');
		if (semi == NULL)
			semi = p + strlen(p);
		eq = memchr(p, '=', (size_t)(semi - p));
		if (eq == NULL)
			continue;
		for (ns = p; ns < eq && is_ws(*ns); ns++)
			;
		for (ne = eq; ne > ns && is_ws(ne[-1]); ne--)
			;
		if ((size_t)(ne - ns) != nlen || memcmp(ns, name, nlen) != 0)
			continue;
		for (vs = eq + 1; vs < semi && is_ws(*vs); vs++)
			;
		for (ve = semi; ve > vs && is_ws(ve[-1]); ve--)
			;
		if (ve - vs >= 2 && vs[0] == '"' && ve[-1] == '"') {
			vs++;
			ve--;
		}
		return arena_strndup(a, vs, (size_t)(ve - vs));
	}
	return NULL;
}
