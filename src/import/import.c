/* import.c: turns Markdown files into stored articles, all or nothing. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import/import.h"
#include "render/markdown.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#define MAX_FILE	(16u * 1024 * 1024)

struct pathlist {
	char	**v;
	size_t	  n, cap;
};

static void
pl_add(struct pathlist *l, const char *p)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = xstrdup(p);
}

static void
pl_free(struct pathlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory stands for its *.md files (not recursive), in name order so
 * an import is repeatable. */
static bool
expand(const char *path, struct pathlist *out, struct buf *err)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	size_t first = out->n, len;
	char *full;

	if (stat(path, &st) != 0) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		pl_add(out, path);
		return true;
	}
	if ((d = opendir(path)) == NULL) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		return false;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 4 ||
		    strcmp(de->d_name + len - 3, ".md") != 0)
			continue;
		full = xmalloc(strlen(path) + len + 2);
		sprintf(full, "%s/%s", path, de->d_name);
		pl_add(out, full);
		free(full);
	}
	closedir(d);
	qsort(out->v + first, out->n - first, sizeof(*out->v), cmp_str);
	return true;
}

static bool
read_file(const char *path, struct buf *into, struct buf *err)
{
	char chunk[65536];
	size_t n;
	FILE *f;

	buf_reset(into);
	if ((f = fopen(path, "rb")) == NULL) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		return false;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (into->len + n > MAX_FILE) {
			fclose(f);
			buf_printf(err, "%s: larger than 16 MiB", path);
			return false;
		}
		buf_put(into, chunk, n);
	}
	if (ferror(f)) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		fclose(f);
		return false;
	}
	fclose(f);
	buf_put(into, "", 0);
	return true;
}

static void
progress(size_t done, size_t total)
{
	int width = 40, fill = total ? (int)(done * (size_t)width / total) : 0;

	fprintf(stderr, "\rimporting %zu/%zu [%.*s%*s]", done, total, fill,
	    "########################################", width - fill, "");
	if (done == total)
		fputc('\n', stderr);
}

/* Checks and renders one file's text into art (arena memory); the error
 * is "NAME:LINE: problem" or "NAME: problem". */
static bool
load_text(struct arena *a, const char *path, const struct buf *text,
    const struct import_opts *o, struct article *art, struct buf *err)
{
	struct fm_doc d;
	struct buf tmp = BUF_INIT, ferr = BUF_INIT;
	const char *why;
	size_t line;
	bool ok = false;

	if ((why = text_check(text->p, text->len, true)) != NULL) {
		/* Name the line of the first bad byte: that is what an
		 * author can go and fix. No UTF-8 sequence spans a newline,
		 * so checking line by line finds it. */
		const char *ls = text->p, *le, *fin = text->p + text->len;

		for (line = 1; ls < fin; line++, ls = le + 1) {
			if ((le = memchr(ls, '\n', (size_t)(fin - ls))) == NULL)
				le = fin;
			if (text_check(ls, (size_t)(le - ls), true) != NULL)
				break;
		}
		buf_printf(err, "%s:%zu: text %s", path, line, why);
		return false;
	}
	if (!fm_parse(a, text->p, text->len, &d, &ferr)) {
		buf_printf(err, "%s:%s", path, buf_str(&ferr));
		goto out;
	}
	if ((why = text_check(d.title, strlen(d.title), false)) != NULL) {
		buf_printf(err, "%s: title %s", path, why);
		goto out;
	}
	memset(art, 0, sizeof(*art));
	art->title = d.title;
	if (d.slug)
		art->slug = d.slug;
	else {
		slugify(&tmp, d.title, strlen(d.title));
		if (tmp.len == 0) {
			buf_printf(err, "%s: cannot make a slug from the "
			    "title; give one with 'slug:'", path);
			goto out;
		}
		art->slug = arena_strndup(a, tmp.p, tmp.len);
	}
	art->status = d.status;
	art->author = d.author ? d.author : "";
	art->published_at = d.has_date ? d.date :
	    (d.status == ARTICLE_DRAFT ? 0 : o->now);
	art->created_at = o->now;
	art->updated_at = o->now;
	art->body_md = arena_strndup(a, d.body, d.body_len);
	buf_reset(&tmp);
	if (!md_render(&tmp, d.body, d.body_len, MD_ARTICLE) || buf_err(&tmp)) {
		buf_printf(err, "%s: the Markdown could not be rendered", path);
		goto out;
	}
	art->body_html = arena_strndup(a, tmp.p ? tmp.p : "", tmp.len);
	if (d.summary)
		art->summary = d.summary;
	else {
		buf_reset(&tmp);
		md_plain(&tmp, d.body, d.body_len, 280);
		art->summary = arena_strndup(a, buf_str(&tmp), tmp.len);
	}
	if (d.ntags) {
		size_t i;

		art->tags = arena_alloc(a, d.ntags * sizeof(*art->tags));
		for (i = 0; i < d.ntags; i++)
			art->tags[i].name = d.tags[i];
		art->ntags = d.ntags;
	}
	ok = true;
out:
	buf_free(&tmp);
	buf_free(&ferr);
	return ok;
}

bool
import_files(struct store *s, char *const *paths, size_t npaths,
    const struct import_opts *o, struct import_stats *stats,
    struct buf *err)
{
	struct pathlist files = { NULL, 0, 0 };
	struct buf text = BUF_INIT;
	struct arena a;
	struct article art;
	enum store_err e;
	bool ok = false, intx = false;
	size_t i, step;

	arena_init(&a);
	memset(stats, 0, sizeof(*stats));
	for (i = 0; i < npaths; i++)
		if (!expand(paths[i], &files, err))
			goto out;
	if (files.n == 0) {
		buf_printf(err, "no Markdown files to import");
		goto out;
	}
	if (!o->dry_run) {
		if ((e = store_begin(s)) != STORE_OK) {
			buf_printf(err, "cannot start a transaction: %s",
			    store_errmsg(s));
			goto out;
		}
		intx = true;
	}
	step = files.n / 100 ? files.n / 100 : 1;
	for (i = 0; i < files.n; i++) {
		if (!read_file(files.v[i], &text, err) ||
		    !load_text(&a, files.v[i], &text, o, &art, err))
			goto out;
		if (!o->dry_run &&
		    (e = store_article_insert(s, &art)) != STORE_OK) {
			if (e == STORE_CONFLICT)
				buf_printf(err, "%s: slug '%s' is already "
				    "taken by another article", files.v[i],
				    art.slug);
			else
				buf_printf(err, "%s: cannot store: %s",
				    files.v[i], store_errmsg(s));
			goto out;
		}
		stats->articles++;
		/* Per-file memory is dropped as we go so 100,000 files do
		 * not pile up in the arena. */
		arena_free(&a);
		if (o->progress && (i % step == 0 || i + 1 == files.n))
			progress(i + 1, files.n);
	}
	if (intx) {
		intx = false;
		if ((e = store_commit(s)) != STORE_OK) {
			buf_printf(err, "cannot commit: %s", store_errmsg(s));
			goto out;
		}
	}
	ok = true;
out:
	if (intx)
		store_rollback(s);
	if (!ok)
		stats->articles = 0;
	if (!ok && o->progress)
		fputc('\n', stderr);
	arena_free(&a);
	buf_free(&text);
	pl_free(&files);
	return ok;
}

bool
import_memory(struct store *s, const char *name, const char *text,
    size_t len, const struct import_opts *o, struct buf *err)
{
	struct buf t = BUF_INIT;
	struct arena a;
	struct article art;
	enum store_err e;
	bool ok = false;

	arena_init(&a);
	buf_put(&t, text, len);
	if (!load_text(&a, name, &t, o, &art, err))
		goto out;
	if ((e = store_article_insert(s, &art)) != STORE_OK) {
		buf_printf(err, "%s: cannot store: %s", name,
		    e == STORE_CONFLICT ? "the slug is already taken" :
		    store_errmsg(s));
		goto out;
	}
	ok = true;
out:
	arena_free(&a);
	buf_free(&t);
	return ok;
}
