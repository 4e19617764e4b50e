/* import.h: reading articles from files: Markdown with front matter.
 *
 * fm_parse() is a pure parser over a (pointer, length) view, for tests and
 * fuzzing; import_files() is the command's engine: it reads, checks and
 * renders every file, then stores them all in one transaction, so a bad
 * file imports nothing. */
#ifndef GAZETTE_IMPORT_H
#define GAZETTE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render/body.h"
#include "store/store.h"

struct arena;
struct buf;

struct fm_doc {
	const char	   *title; /* required */
	const char	   *slug;  /* NULL: derive from title */
	int64_t		    date;
	bool		    has_date;
	const char	   *author;
	const char	   *summary;
	enum article_status status; /* default published */
	bool		    has_status;
	const char	  **tags;
	size_t		    ntags;
	const char	   *body; /* Markdown after the front matter */
	size_t		    body_len;
	enum body_format    format;	     /* "format: html": body is HTML */
	bool		    comments_closed; /* "comments: closed" */
};

/* Parses "---\nkey: value\n…\n---\nbody". On failure returns false and
 * writes "LINE: problem" into err (e.g. "3: front matter: unknown key
 * 'titel'"). Strings are copied into the arena. The input must already be
 * valid UTF-8 (callers check with text_check). */
bool fm_parse(struct arena *, const char *s, size_t n, struct fm_doc *out,
    struct buf *err);

struct import_opts {
	bool	    dry_run;  /* check and report, write nothing */
	bool	    progress; /* a progress bar on stderr */
	int64_t	    now;
	struct buf *report; /* "dropped: FILE: what: why" lines */
};

/* What an import brought (or, dry, would bring). */
struct import_stats {
	size_t articles;
	size_t pages;	 /* of articles, WordPress and Blogger pages */
	size_t tags;	 /* distinct, by slug */
	size_t authors;	 /* distinct bylines */
	size_t comments; /* found in the exports */
	size_t comments_stored;
	size_t redirects; /* old links recorded */
	size_t drops;	  /* items or fields not imported */
};

/* Imports the files (a directory stands for its *.md files, sorted). A
 * file whose first non-blank byte is '<' is XML: a WordPress export (WXR)
 * or a Blogger export (Atom), told apart by their root element; their
 * HTML bodies are kept as HTML (article_body sanitises them). On
 * failure returns false with "FILE:LINE: problem" or "FILE: problem" in
 * err and nothing written. */
bool import_files(struct store *, char *const *paths, size_t	   npaths,
    const struct import_opts *, struct import_stats *, struct buf *err);

/* Imports one Markdown text (name is for errors), in its own transaction. */
bool import_memory(struct store *, const char *name, const char *text,
    size_t len, const struct import_opts *, struct buf *err);

/* export.c: everything out, importable again without loss. */
struct export_stats {
	size_t articles;
	size_t authors;	 /* wxr: distinct bylines */
	size_t comments; /* of every status */
};

/* Writes OUT/SLUG.md for every article (dir is created if absent; an
 * existing file is an error, nothing is overwritten), and beside it
 * OUT/SLUG.comments.json when the article has comments: {"comments":
 * [...]} with every comment of every status, oldest first, each as the
 * API shows it to a moderator: id, parent (an id in the same file, or
 * null), author, email, url, body_markdown, body_html, status,
 * created_at and updated_at (RFC 3339); import_files reads it back with
 * SLUG.md. */
bool export_markdown(struct store *, const char *dir, struct export_stats *,
    struct buf *err);
/* Appends c as a JSON object: the sidecar's form, which import_files
 * reads back, and the API's comment resource, so the two never differ.
 * Email and status only when moderator is set. */
void export_comment_json(struct buf *, const struct comment *c, bool moderator);
/* Writes one WXR 1.2 file at path (must not exist); links are made from
 * base_url. Comments are wp:comment elements (ids, parents, status as
 * 1, 0, spam or trash, dates, author, email, url, body_html as the
 * content) with wp:commentmeta _gazette_markdown (body_md) and
 * _gazette_updated_at, which WXR has no field for. */
bool export_wxr(struct store *, const char *path, const char *base_url,
    struct export_stats *, struct buf *err);

#endif
