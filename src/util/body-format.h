/* body-format.h: the language an article's body is written in, named the
 * one way for the store, the renderer and every reader of a format field.
 * A vocabulary, not a renderer: render/body.h renders, the store only
 * keeps the name. */
#ifndef GAZETTE_BODY_FORMAT_H
#define GAZETTE_BODY_FORMAT_H

#include <stdbool.h>

/* The language of an article's source (its body_md): Markdown as authors
 * write it, or HTML kept from another system, sanitised on the way in. */
enum body_format {
	BODY_MARKDOWN = 0,
	BODY_HTML,
	BODY_FORMAT__MAX
};

/* "markdown" | "html", as the database, the API and exports spell it. */
const char *body_format_name(enum body_format);
/* Parses "markdown" | "html"; false otherwise. */
bool body_format_parse(const char *, enum body_format *);

#endif
