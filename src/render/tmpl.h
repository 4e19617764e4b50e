/* tmpl.h: gazette's template engine: small, strict, escaping by context.
 *
 * Syntax (mustache-like):
 *   {{name}}  {{a.b}}      a value, escaped for where it stands (below)
 *   {{{name}}}             raw: only a TV_RAW value (HTML gazette rendered
 *                          itself) comes out unescaped; anything else is
 *                          still escaped
 *   {{#name}}…{{/name}}    section: a list repeats it once per item, a map
 *                          or a truthy scalar renders it once; inside, names
 *                          resolve against the item first, then outward
 *   {{^name}}…{{/name}}    inverted section: renders when name is falsy
 *                          (missing, null, false, 0, "", empty list)
 *   {{>name}}              partial: the template "name" from the same set
 *   {{! comment }}
 *   {{.}}                  the current item itself (lists of strings)
 *
 * Contexts are worked out when a template is compiled, by following the
 * HTML around each tag: text and quoted attribute values get esc_html /
 * esc_attr; a tag at the very start of a URL attribute (href, src, action,
 * formaction, cite, poster, srcset) gets esc_url (scheme filter), later in
 * such a value esc_url_arg; inside <script type="application/ld+json"> it
 * gets esc_json. Templates whose name ends in ".xml" are XML throughout
 * (esc_xml). A tag where no escaping is safe (unquoted attribute value,
 * inside a tag or attribute name, in other <script> or <style>, in a
 * comment) is a compile error, as is a section whose body leaves the
 * HTML in a different context from where it began.
 *
 * Details a page author meets:
 *  - Values are refused also in event handler, style and srcdoc attribute
 *    values (no escaping makes them safe). Sections are fine there, and
 *    between attributes: <input type="checkbox"{{#on}} checked{{/on}}>.
 *    After such a section the next character must not run the attribute
 *    name on or give it a value ("{{/on}}>", "{{/on}} name=…").
 *  - A second value in a URL attribute, or any after literal text, is a
 *    URL component: href="/tag/{{slug}}" encodes '/' and ':' too.
 *  - A partial may stand only in HTML text and must itself end in text;
 *    it sees the same names as the place it is included from. Partials
 *    nest at most 16 deep and may not include themselves.
 *  - Templates may not hold "<!--" inside <script>, nor a tag inside an
 *    end tag such as "</scr{{x}}ipt>".
 *  - Names are [A-Za-z0-9_-] parts joined by dots; the first part is
 *    looked up from the innermost section outwards, the rest inside it.
 *    Literal text is kept byte for byte; there is no way to write "{{"
 *    as text. Sections nest at most 32 deep; a file may be 1 MiB.
 *  - Errors read "FILE:LINE: problem", FILE being the template name.
 *
 * Names: the set loads every file ending in .html or .xml in the theme
 * directory (and an override directory, whose files replace those of the
 * same name); a template is named by its file name without the directory,
 * e.g. "article.html". Partials name templates the same way. */
#ifndef GAZETTE_TMPL_H
#define GAZETTE_TMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;

enum tval_type {
	TV_NULL = 0,
	TV_STR, /* text: always escaped */
	TV_RAW, /* trusted HTML rendered by gazette */
	TV_INT,
	TV_BOOL,
	TV_LIST,
	TV_MAP,
	TV__MAX
};

struct tval;

/* Values live in an arena and die with it. Strings are copied in. */
struct tval *tv_map(struct arena *);
struct tval *tv_list(struct arena *);
struct tval *tv_str(struct arena *, const char *, size_t);
struct tval *tv_cstr(struct arena *, const char *); /* NULL → TV_NULL */
struct tval *tv_raw(struct arena *, const char *, size_t);
struct tval *tv_int(struct arena *, int64_t);
struct tval *tv_bool(struct arena *, bool);
/* Adds or replaces key in a map; key is not copied (use literals or arena
 * strings). Returns val for chaining. */
struct tval *tv_set(struct arena *, struct tval *map, const char *key,
    struct tval *val);
void	     tv_set_str(struct arena *, struct tval *, const char *key,
	    const char *s); /* NULL s: key is set to TV_NULL */
void   tv_set_int(struct arena *, struct tval *, const char *key, int64_t);
void   tv_set_bool(struct arena *, struct tval *, const char *key, bool);
void   tv_push(struct arena *, struct tval *list, struct tval *val);
size_t tv_len(const struct tval *); /* list items; else 0 */
struct tval *tv_get(const struct tval *map, const char *key);

struct tmpl_set;

/* Compiles every template under dir and then overlay (overlay may be NULL).
 * On failure returns NULL and writes "FILE:LINE: problem" into err. The set
 * is immutable afterwards and may be used from many threads at once. */
struct tmpl_set *tmpl_set_load(const char *dir, const char *overlay, char *err,
    size_t errlen);
/* Compiles templates from memory (tests, fuzzing): names[i] ↔ texts[i]. */
struct tmpl_set *tmpl_set_from_strings(const char *const *names,
    const char *const *texts, size_t n, char *err, size_t errlen);
void		 tmpl_set_free(struct tmpl_set *);
bool		 tmpl_exists(const struct tmpl_set *, const char *name);

/* Renders template name with data as the root context, appending to out.
 * Returns false (out unchanged beyond what was appended) if there is no
 * such template. Missing values render as nothing. */
bool tmpl_render(const struct tmpl_set *, const char *name,
    const struct tval *data, struct buf *out);

#endif
