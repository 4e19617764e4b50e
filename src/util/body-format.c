/* body-format.c: the names of the body formats. */
#include <string.h>

#include "util/body-format.h"

static const char *const format_names[BODY_FORMAT__MAX] = {
	[BODY_MARKDOWN] = "markdown",
	[BODY_HTML] = "html",
};

const char *
body_format_name(enum body_format f)
{
	return (unsigned)f < BODY_FORMAT__MAX ? format_names[f] : "markdown";
}

bool
body_format_parse(const char *s, enum body_format *out)
{
	int i;

	for (i = 0; i < BODY_FORMAT__MAX; i++)
		if (strcmp(s, format_names[i]) == 0) {
			*out = (enum body_format)i;
			return true;
		}
	return false;
}
