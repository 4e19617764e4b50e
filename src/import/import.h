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

#include "store/store.h"

struct arena;
struct buf;

struct fm_doc {
	const char		*title;		/* required */
	const char		*slug;		/* NULL: derive from title */
	int64_t			 date;
	bool			 has_date;
	const char		*author;
	const char		*summary;
	enum article_status	 status;	/* default published */
	bool			 has_status;
	const char		**tags;
	size_t			 ntags;
	const char		*body;		/* Markdown after the front matter */
	size_t			 body_len;
};

/* Parses "---\nkey: value\n…\n---\nbody". On failure returns false and
 * writes "LINE: problem" into err (e.g. "3: front matter: unknown key
 * 'titel'"). Strings are copied into the arena. The input must already be
 * valid UTF-8 (callers check with text_check). */
bool	fm_parse(struct arena *, const char *s, size_t n, struct fm_doc *out,
	    struct buf *err);

struct import_opts {
	bool	 dry_run;	/* check and report, write nothing */
	bool	 progress;	/* a progress bar on stderr */
	int64_t	 now;
};

struct import_stats {
	size_t	 articles;
};

/* Imports the files (a directory stands for its *.md files, sorted). On
 * failure returns false with "FILE:LINE: problem" or "FILE: problem" in
 * err and nothing written. */
bool	import_files(struct store *, char *const *paths, size_t npaths,
	    const struct import_opts *, struct import_stats *,
	    struct buf *err);

/* Imports one Markdown text (name is for errors), in its own transaction. */
bool	import_memory(struct store *, const char *name, const char *text,
	    size_t len, const struct import_opts *, struct buf *err);

#endif
