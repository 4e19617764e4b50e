/* json.c: JSON in (jansson, within limits); out is render/json.c. */
#include <jansson.h>
#include <string.h>

#include "api/api.h"
#include "util/buf.h"
#include "util/str.h"

/* jansson has no depth limit of its own short of its stack guard (2048),
 * so nesting is counted first, in one pass that skips strings: a deep
 * document costs a scan, never a recursion. */
static bool
depth_ok(const char *s, size_t n, size_t max)
{
	size_t i, depth = 0;
	bool   instr = false;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (instr) {
			if (c == '\\')
				i++;
			else if (c == '"')
				instr = false;
			continue;
		}
		switch (c) {
		case '"':
			instr = true;
			break;
		case '[':
		case '{':
			if (++depth > max)
				return false;
			break;
		case ']':
		case '}':
			if (depth > 0)
				depth--;
			break;
		}
	}
	return true;
}

struct api_json *
api_json_parse(struct arena *a, const char *body, size_t n,
    struct api_problem *p)
{
	json_error_t jerr;
	json_t	    *doc;

	if (n > API_MAX_BODY) {
		api_fail(p, a, 413, NULL, "the body is larger than %u bytes",
		    API_MAX_BODY);
		return NULL;
	}
	if (n == 0 || body == NULL) {
		api_fail(p, a, 400, NULL,
		    "the body is empty; send a JSON "
		    "object");
		return NULL;
	}
	if (!depth_ok(body, n, API_MAX_DEPTH)) {
		api_fail(p, a, 400, NULL,
		    "the document nests deeper than %d "
		    "levels",
		    API_MAX_DEPTH);
		return NULL;
	}
	doc = json_loadb(body, n,
	    JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY, &jerr);
	if (doc == NULL) {
		api_fail(p, a, 400, NULL, "malformed JSON: %s", jerr.text);
		p->line = jerr.line > 0 ? jerr.line : 1;
		p->column = jerr.column > 0 ? jerr.column : 1;
		return NULL;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		api_fail(p, a, 422, NULL, "the document must be a JSON object");
		return NULL;
	}
	return (struct api_json *)doc;
}

void
api_json_free(struct api_json *j)
{
	if (j)
		json_decref((json_t *)j);
}
