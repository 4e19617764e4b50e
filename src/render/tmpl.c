/* tmpl.c: template values, loading, compiling to flat op arrays, rendering. */
#include "render/tmpl.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render/esc.h"
#include "render/tmpl-int.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define TMPL_MAX_SIZE (1024 * 1024)
#define TMPL_MAX_NEST 32 /* sections inside one template */
#define TMPL_MAX_PART 16 /* partials inside partials */

/*
 * Values.
 */

struct tkv {
	const char  *key;
	size_t	     keylen;
	struct tval *val;
};

struct tval {
	enum tval_type type;
	size_t	       len; /* string bytes, list items, map entries */
	size_t	       cap; /* list or map slots */
	union {
		const char   *s;
		int64_t	      i;
		struct tval **items;
		struct tkv   *kv;
	} u;
};

static struct tval *
tv_new(struct arena *a, enum tval_type type)
{
	struct tval *v = arena_alloc(a, sizeof(*v));

	v->type = type;
	return v;
}

struct tval *
tv_map(struct arena *a)
{
	return tv_new(a, TV_MAP);
}

struct tval *
tv_list(struct arena *a)
{
	return tv_new(a, TV_LIST);
}

struct tval *
tv_str(struct arena *a, const char *s, size_t n)
{
	struct tval *v = tv_new(a, TV_STR);

	v->u.s = arena_strndup(a, s, n);
	v->len = n;
	return v;
}

struct tval *
tv_cstr(struct arena *a, const char *s)
{
	return s == NULL ? tv_new(a, TV_NULL) : tv_str(a, s, strlen(s));
}

struct tval *
tv_raw(struct arena *a, const char *s, size_t n)
{
	struct tval *v = tv_str(a, s, n);

	v->type = TV_RAW;
	return v;
}

struct tval *
tv_int(struct arena *a, int64_t i)
{
	struct tval *v = tv_new(a, TV_INT);

	v->u.i = i;
	return v;
}

struct tval *
tv_bool(struct arena *a, bool b)
{
	struct tval *v = tv_new(a, TV_BOOL);

	v->u.i = b;
	return v;
}

/* Arena memory cannot grow in place: double and copy, which costs at most
 * as much again as the final array. */
static void *
grow(struct arena *a, void *old, size_t len, size_t *cap, size_t size)
{
	void *p;

	if (len < *cap)
		return old;
	*cap = *cap ? *cap * 2 : 8;
	p = arena_alloc(a, *cap * size);
	if (len)
		memcpy(p, old, len * size);
	return p;
}

static struct tval *
map_get(const struct tval *map, const char *key, size_t n)
{
	size_t i;

	if (map == NULL || map->type != TV_MAP)
		return NULL;
	/* The first byte before memcmp: most keys differ there, and this
	 * runs for every name of every template, a row at a time. */
	for (i = 0; i < map->len; i++)
		if (map->u.kv[i].keylen == n &&
		    (n == 0 ||
			(map->u.kv[i].key[0] == key[0] &&
			    memcmp(map->u.kv[i].key, key, n) == 0)))
			return map->u.kv[i].val;
	return NULL;
}

struct tval *
tv_set(struct arena *a, struct tval *map, const char *key, struct tval *val)
{
	size_t i, n;

	if (map == NULL || map->type != TV_MAP || key == NULL)
		return val;
	n = strlen(key);
	for (i = 0; i < map->len; i++)
		if (map->u.kv[i].keylen == n &&
		    (n == 0 ||
			(map->u.kv[i].key[0] == key[0] &&
			    memcmp(map->u.kv[i].key, key, n) == 0))) {
			map->u.kv[i].val = val;
			return val;
		}
	map->u.kv = grow(a, map->u.kv, map->len, &map->cap, sizeof(struct tkv));
	map->u.kv[map->len].key = key;
	map->u.kv[map->len].keylen = n;
	map->u.kv[map->len].val = val;
	map->len++;
	return val;
}

void
tv_set_str(struct arena *a, struct tval *map, const char *key, const char *s)
{
	tv_set(a, map, key, tv_cstr(a, s));
}

void
tv_set_int(struct arena *a, struct tval *map, const char *key, int64_t i)
{
	tv_set(a, map, key, tv_int(a, i));
}

void
tv_set_bool(struct arena *a, struct tval *map, const char *key, bool b)
{
	tv_set(a, map, key, tv_bool(a, b));
}

void
tv_push(struct arena *a, struct tval *list, struct tval *val)
{
	if (list == NULL || list->type != TV_LIST)
		return;
	list->u.items = grow(a, list->u.items, list->len, &list->cap,
	    sizeof(struct tval *));
	list->u.items[list->len++] = val;
}

size_t
tv_len(const struct tval *v)
{
	return v != NULL && v->type == TV_LIST ? v->len : 0;
}

struct tval *
tv_get(const struct tval *map, const char *key)
{
	return key == NULL ? NULL : map_get(map, key, strlen(key));
}

/*
 * Compiled templates.
 */

enum topk {
	TOP_TEXT = 0,
	TOP_VAR,     /* {{x}} */
	TOP_RAW,     /* {{{x}}} */
	TOP_SECT,    /* {{#x}}, body up to arg */
	TOP_INV,     /* {{^x}}, body up to arg */
	TOP_PARTIAL, /* {{>x}}, arg is the template's index */
	TOP__MAX
};

struct tseg {
	const char *p;
	size_t	    n;
};

struct top {
	enum topk	   kind;
	enum tctx	   ctx;
	const char	  *p; /* text, or the name as written */
	size_t		   n;
	const struct tseg *seg;	 /* name split at dots */
	size_t		   segi; /* index of seg while compiling */
	size_t		   nseg; /* 0 for {{.}} */
	size_t		   arg;
	unsigned	   line;
};

struct tmpl {
	char	    *name;
	char	    *src; /* ops point into it */
	size_t	     srclen;
	bool	     xml;
	bool	     endtext; /* ends in HTML text, may be a partial */
	int	     mark;    /* partial walk: 0 new, 1 on path, 2 done */
	unsigned     depth;   /* partial nesting below, itself counted */
	struct top  *ops;
	size_t	     nops;
	struct tseg *segs;
	size_t	     nsegs;
};

struct tmpl_set {
	struct tmpl *t; /* sorted by name */
	size_t	     n;
};

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static unsigned
count_lines(const char *s, size_t n)
{
	unsigned    k = 0;
	const char *e = s + n;

	while ((s = memchr(s, '\n', (size_t)(e - s))) != NULL) {
		k++;
		s++;
	}
	return k;
}

static bool
namechar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* "a.b.c" or "." */
static bool
name_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 1 && s[0] == '.')
		return true;
	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (i = 0; i < n; i++)
		if (!namechar((unsigned char)s[i]) &&
		    (s[i] != '.' || s[i + 1] == '.'))
			return false;
	return true;
}

/* Template names as files are named: "nav.html", "partials/nav.html". */
static bool
pname_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == '.' || s[0] == '/')
		return false;
	for (i = 0; i < n; i++)
		if (!namechar((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '/')
			return false;
	return true;
}

static struct top *
op_add(struct tmpl *t, size_t *cap, enum topk kind, unsigned line)
{
	struct top *op;

	if (t->nops == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		t->ops = xrealloc(t->ops, *cap * sizeof(*t->ops));
	}
	op = &t->ops[t->nops++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->line = line;
	return op;
}

/* Splits the op's name into segments; seg is set once the segment array
 * stops moving. */
static void
op_name(struct tmpl *t, size_t *cap, struct top *op, const char *s, size_t n)
{
	size_t i, start = 0;

	op->p = s;
	op->n = n;
	op->segi = t->nsegs;
	op->nseg = 0;
	if (n == 1 && s[0] == '.')
		return;
	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (t->nsegs == *cap) {
			*cap = *cap ? *cap * 2 : 32;
			t->segs = xrealloc(t->segs, *cap * sizeof(*t->segs));
		}
		t->segs[t->nsegs].p = s + start;
		t->segs[t->nsegs].n = i - start;
		t->nsegs++;
		op->nseg++;
		start = i + 1;
	}
}

struct open_sect {
	const char *name;
	size_t	    n;
	size_t	    op;
	unsigned    line;
	struct hctx h;
};

/*
 * Compiles t->src into t->ops. Literal text is followed through the HTML
 * tracker; each tag takes the escaping of the context it stands in.
 */
static bool
tmpl_compile(struct tmpl *t, char *err, size_t errlen)
{
	struct open_sect stack[TMPL_MAX_NEST];
	const char	*s = t->src, *e = t->src + t->srclen, *k, *close, *why;
	const char	*tag, *name;
	size_t		 depth = 0, opcap = 0, segcap = 0, off, taglen, n, i;
	unsigned	 line = 1;
	struct hctx	 h;
	struct top	*op;
	enum tctx	 tc;
	bool		 ok = false, triple;
	int		 sigil;

	hctx_init(&h);
	while (s < e) {
		k = memmem(s, (size_t)(e - s), "{{", 2);
		n = (size_t)((k ? k : e) - s);
		if (n > 0) {
			if (!t->xml &&
			    (why = hctx_feed(&h, s, n, k != NULL, &off)) !=
				NULL) {
				seterr(err, errlen, "%s:%u: %s", t->name,
				    line + count_lines(s, off), why);
				goto out;
			}
			op = op_add(t, &opcap, TOP_TEXT, line);
			op->p = s;
			op->n = n;
			line += count_lines(s, n);
		}
		if (k == NULL)
			break;

		triple = k + 2 < e && k[2] == '{';
		close = memmem(k + 2, (size_t)(e - k - 2),
		    triple ? "}}}" : "}}", triple ? 3 : 2);
		if (close == NULL) {
			seterr(err, errlen, "%s:%u: unclosed tag '%.*s'",
			    t->name, line, (int)((e - k) > 20 ? 20 : e - k), k);
			goto out;
		}
		tag = k;
		taglen = (size_t)(close - k) + (triple ? 3 : 2);
		name = k + (triple ? 3 : 2);
		sigil = !triple && strchr("#^/>!", name[0]) ? name[0] : 0;
		if (sigil)
			name++;
		n = (size_t)(close - name);
		while (n > 0 && (*name == ' ' || *name == '\t'))
			name++, n--;
		while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t'))
			n--;
		s = tag + taglen;
		if (sigil == '!') {
			line += count_lines(tag, taglen);
			continue;
		}
		if (sigil == '>' ?
			!pname_valid(name, n) :
			!name_valid(name, n)) {
			seterr(err, errlen, "%s:%u: bad name in '%.*s'",
			    t->name, line, (int)(taglen > 60 ? 60 : taglen),
			    tag);
			goto out;
		}

		switch (sigil) {
		case 0:
			tc = TC_XML;
			if (!t->xml && (why = hctx_var(&h, &tc)) != NULL)
				goto badctx;
			op = op_add(t, &opcap, triple ? TOP_RAW : TOP_VAR,
			    line);
			op->ctx = tc;
			op_name(t, &segcap, op, name, n);
			break;
		case '#':
		case '^':
			if (!t->xml && (why = hctx_sect_open(&h)) != NULL)
				goto badctx;
			if (depth == TMPL_MAX_NEST) {
				seterr(err, errlen,
				    "%s:%u: sections nested "
				    "deeper than %d",
				    t->name, line, TMPL_MAX_NEST);
				goto out;
			}
			op = op_add(t, &opcap,
			    sigil == '#' ? TOP_SECT : TOP_INV, line);
			op_name(t, &segcap, op, name, n);
			stack[depth].name = name;
			stack[depth].n = n;
			stack[depth].op = t->nops - 1;
			stack[depth].line = line;
			stack[depth].h = h;
			depth++;
			break;
		case '/':
			if (depth == 0) {
				seterr(err, errlen,
				    "%s:%u: '%.*s' closes no "
				    "section",
				    t->name, line, (int)taglen, tag);
				goto out;
			}
			if (stack[depth - 1].n != n ||
			    memcmp(stack[depth - 1].name, name, n) != 0) {
				seterr(err, errlen,
				    "%s:%u: '%.*s' closes '%.*s'", t->name,
				    line, (int)taglen, tag,
				    (int)stack[depth - 1].n,
				    stack[depth - 1].name);
				goto out;
			}
			depth--;
			if (!t->xml &&
			    (why = hctx_sect_close(&h, &stack[depth].h)) !=
				NULL) {
				seterr(err, errlen,
				    "%s:%u: section '%.*s' "
				    "%s (began in %s at line %u, ends in %s)",
				    t->name, line, (int)n, name, why,
				    hctx_where(&stack[depth].h),
				    stack[depth].line, hctx_where(&h));
				goto out;
			}
			t->ops[stack[depth].op].arg = t->nops;
			break;
		case '>':
			if (!t->xml && (why = hctx_partial(&h)) != NULL)
				goto badctx;
			op = op_add(t, &opcap, TOP_PARTIAL, line);
			op->p = name;
			op->n = n;
			break;
		}
		line += count_lines(tag, taglen);
		continue;
badctx:
		seterr(err, errlen, "%s:%u: '%.*s' in %s", t->name, line,
		    (int)(taglen > 60 ? 60 : taglen), tag, why);
		goto out;
	}
	if (depth > 0) {
		seterr(err, errlen, "%s:%u: unclosed section '%.*s'", t->name,
		    stack[depth - 1].line, (int)stack[depth - 1].n,
		    stack[depth - 1].name);
		goto out;
	}
	t->endtext = t->xml || h.st == HS_DATA;
	for (i = 0; i < t->nops; i++)
		if (t->ops[i].kind != TOP_TEXT && t->ops[i].kind != TOP_PARTIAL)
			t->ops[i].seg = t->segs + t->ops[i].segi;
	ok = true;
out:
	return ok;
}

static void
tmpl_clear(struct tmpl *t)
{
	free(t->name);
	free(t->src);
	free(t->ops);
	free(t->segs);
	memset(t, 0, sizeof(*t));
}

void
tmpl_set_free(struct tmpl_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		tmpl_clear(&set->t[i]);
	free(set->t);
	free(set);
}

static const struct tmpl *
tmpl_find(const struct tmpl_set *set, const char *name, size_t n)
{
	size_t lo = 0, hi = set->n, mid;
	int    c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strncmp(set->t[mid].name, name, n);
		if (c == 0 && set->t[mid].name[n] != '\0')
			c = 1;
		if (c == 0)
			return &set->t[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool
tmpl_exists(const struct tmpl_set *set, const char *name)
{
	return set != NULL && name != NULL &&
	    tmpl_find(set, name, strlen(name)) != NULL;
}

/* Depth-first over partial references: finds cycles and measures how deep
 * partials nest, so rendering needs no check of its own. */
static bool
partial_walk(struct tmpl_set *set, struct tmpl *t, char *err, size_t errlen)
{
	struct tmpl *p;
	size_t	     i;

	if (t->mark == 2)
		return true;
	t->mark = 1;
	t->depth = 1;
	for (i = 0; i < t->nops; i++) {
		if (t->ops[i].kind != TOP_PARTIAL)
			continue;
		p = &set->t[t->ops[i].arg];
		if (p->mark == 1) {
			seterr(err, errlen,
			    "%s:%u: partial '%s' includes "
			    "itself",
			    t->name, t->ops[i].line, p->name);
			return false;
		}
		if (!partial_walk(set, p, err, errlen))
			return false;
		if (p->depth + 1 > t->depth)
			t->depth = p->depth + 1;
		if (t->depth > TMPL_MAX_PART + 1) {
			seterr(err, errlen,
			    "%s:%u: partials nested deeper "
			    "than %d",
			    t->name, t->ops[i].line, TMPL_MAX_PART);
			return false;
		}
	}
	t->mark = 2;
	return true;
}

static int
tmpl_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tmpl *)a)->name,
	    ((const struct tmpl *)b)->name);
}

static bool
endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Takes over set->t[] (names and sources filled in), compiles every
 * template and links partials. Frees the set on failure. */
static struct tmpl_set *
set_build(struct tmpl_set *set, char *err, size_t errlen)
{
	const struct tmpl *p;
	struct tmpl	  *t;
	size_t		   i, j;

	qsort(set->t, set->n, sizeof(*set->t), tmpl_cmp);
	for (i = 0; i < set->n; i++) {
		t = &set->t[i];
		t->xml = endswith(t->name, ".xml");
		if (!tmpl_compile(t, err, errlen))
			goto fail;
	}
	/* Partials are checked only now, so files may name each other in
	 * any order. */
	for (i = 0; i < set->n; i++) {
		t = &set->t[i];
		for (j = 0; j < t->nops; j++) {
			if (t->ops[j].kind != TOP_PARTIAL)
				continue;
			if ((p = tmpl_find(set, t->ops[j].p, t->ops[j].n)) ==
			    NULL) {
				seterr(err, errlen,
				    "%s:%u: unknown partial "
				    "'%.*s'",
				    t->name, t->ops[j].line, (int)t->ops[j].n,
				    t->ops[j].p);
				goto fail;
			}
			if (!t->xml && !p->endtext) {
				seterr(err, errlen,
				    "%s:%u: partial '%s' does "
				    "not end in HTML text",
				    t->name, t->ops[j].line, p->name);
				goto fail;
			}
			t->ops[j].arg = (size_t)(p - set->t);
		}
	}
	for (i = 0; i < set->n; i++)
		if (!partial_walk(set, &set->t[i], err, errlen))
			goto fail;
	return set;
fail:
	tmpl_set_free(set);
	return NULL;
}

/* Adds or replaces (by name) a template source; takes name and src. */
static void
set_add(struct tmpl_set *set, size_t *cap, char *name, char *src, size_t len)
{
	struct tmpl *t = NULL;
	size_t	     i;

	for (i = 0; i < set->n; i++)
		if (strcmp(set->t[i].name, name) == 0) {
			t = &set->t[i];
			tmpl_clear(t);
			break;
		}
	if (t == NULL) {
		if (set->n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			set->t = xrealloc(set->t, *cap * sizeof(*set->t));
		}
		t = &set->t[set->n++];
		memset(t, 0, sizeof(*t));
	}
	t->name = name;
	t->src = src;
	t->srclen = len;
}

struct tmpl_set *
tmpl_set_from_strings(const char *const *names, const char *const *texts,
    size_t n, char *err, size_t errlen)
{
	struct tmpl_set *set = xcalloc(1, sizeof(*set));
	size_t		 i, cap = 0, len;

	for (i = 0; i < n; i++) {
		len = strlen(texts[i]);
		if (len > TMPL_MAX_SIZE) {
			seterr(err, errlen, "%s:1: template larger than 1 MiB",
			    names[i]);
			tmpl_set_free(set);
			return NULL;
		}
		set_add(set, &cap, xstrdup(names[i]), xstrndup(texts[i], len),
		    len);
	}
	return set_build(set, err, errlen);
}

/* Reads one template file whole; false with err set on failure. */
static bool
read_file(int dfd, const char *file, const char *path, char **srcp,
    size_t *lenp, char *err, size_t errlen)
{
	struct stat st;
	char	   *src = NULL;
	size_t	    len = 0;
	ssize_t	    r;
	int	    fd;
	bool	    ok = false;

	if ((fd = openat(dfd, file, O_RDONLY | O_CLOEXEC)) == -1) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (st.st_size > TMPL_MAX_SIZE) {
		seterr(err, errlen, "%s:1: template larger than 1 MiB", path);
		goto out;
	}
	/* One byte more than stat said, to notice a file that grew. */
	src = xmalloc((size_t)st.st_size + 2);
	while (len < (size_t)st.st_size + 1) {
		r = read(fd, src + len, (size_t)st.st_size + 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			seterr(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > (size_t)st.st_size) {
		seterr(err, errlen, "%s: changed while being read", path);
		goto out;
	}
	src[len] = '\0';
	*srcp = src;
	*lenp = len;
	src = NULL;
	ok = true;
out:
	free(src);
	if (fd != -1)
		close(fd);
	return ok;
}

/* Adds every *.html and *.xml in dir/sub (sub "", "partials/" or
 * "admin/"), named sub + file name. A missing subdirectory is not an
 * error. */
static bool
load_dir(struct tmpl_set *set, size_t *cap, const char *dir, const char *sub,
    char *err, size_t errlen)
{
	char	       path[4096], *src, *name;
	struct dirent *de;
	struct stat    st;
	DIR	      *d = NULL;
	size_t	       len;
	bool	       ok = false;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if ((d = opendir(path)) == NULL) {
		if (errno == ENOENT && *sub != '\0') {
			ok = true;
			goto out;
		}
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    (!endswith(de->d_name, ".html") &&
			!endswith(de->d_name, ".xml")))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, 0) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;
		snprintf(path, sizeof(path), "%s/%s%s", dir, sub, de->d_name);
		if (!read_file(dirfd(d), de->d_name, path, &src, &len, err,
			errlen))
			goto out;
		name = xmalloc(strlen(sub) + strlen(de->d_name) + 1);
		strcpy(name, sub);
		strcat(name, de->d_name);
		set_add(set, cap, name, src, len);
	}
	ok = true;
out:
	if (d != NULL)
		closedir(d);
	return ok;
}

struct tmpl_set *
tmpl_set_load(const char *dir, const char *overlay, char *err, size_t errlen)
{
	struct tmpl_set *set = xcalloc(1, sizeof(*set));
	size_t		 cap = 0;

	if (!load_dir(set, &cap, dir, "", err, errlen) ||
	    !load_dir(set, &cap, dir, "partials/", err, errlen) ||
	    !load_dir(set, &cap, dir, "admin/", err, errlen))
		goto fail;
	if (overlay != NULL &&
	    (!load_dir(set, &cap, overlay, "", err, errlen) ||
		!load_dir(set, &cap, overlay, "partials/", err, errlen) ||
		!load_dir(set, &cap, overlay, "admin/", err, errlen)))
		goto fail;
	return set_build(set, err, errlen);
fail:
	tmpl_set_free(set);
	return NULL;
}

/*
 * Rendering. Nothing is allocated but the output buffer: the context stack
 * is a chain of frames on the C stack.
 */

struct frame {
	const struct tval  *v;
	const struct frame *up;
};

static const struct tval *
lookup(const struct frame *f, const struct tseg *seg, size_t nseg)
{
	const struct tval *v = NULL;
	size_t		   i;

	if (nseg == 0)
		return f->v;
	for (; f != NULL; f = f->up)
		if ((v = map_get(f->v, seg[0].p, seg[0].n)) != NULL)
			break;
	for (i = 1; v != NULL && i < nseg; i++)
		v = map_get(v, seg[i].p, seg[i].n);
	return v;
}

static bool
truthy(const struct tval *v)
{
	if (v == NULL)
		return false;
	switch (v->type) {
	case TV_STR:
	case TV_RAW:
	case TV_LIST:
		return v->len > 0;
	case TV_INT:
	case TV_BOOL:
		return v->u.i != 0;
	case TV_MAP:
		return true;
	default:
		return false;
	}
}

static void
emit(struct buf *out, enum tctx tc, const char *s, size_t n)
{
	switch (tc) {
	case TC_HTML:
	case TC_RCDATA:
		esc_html(out, s, n);
		break;
	case TC_ATTR:
		esc_attr(out, s, n);
		break;
	case TC_URL:
		esc_url(out, s, n);
		break;
	case TC_URL_ARG:
		esc_url_arg(out, s, n);
		break;
	case TC_JSON:
		esc_json(out, s, n);
		break;
	case TC_XML:
	case TC__MAX:
		esc_xml(out, s, n);
		break;
	}
}

static void
put_value(struct buf *out, const struct top *op, const struct tval *v)
{
	char	 num[24], *p = num + sizeof(num);
	uint64_t u;

	if (v == NULL)
		return;
	switch (v->type) {
	case TV_RAW:
		if (op->kind == TOP_RAW && op->ctx == TC_HTML) {
			buf_put(out, v->u.s, v->len);
			break;
		}
		/* FALLTHROUGH */
	case TV_STR:
		emit(out, op->ctx, v->u.s, v->len);
		break;
	case TV_INT:
		u = v->u.i < 0 ? -(uint64_t)v->u.i : (uint64_t)v->u.i;
		do
			*--p = (char)('0' + u % 10);
		while ((u /= 10) != 0);
		if (v->u.i < 0)
			*--p = '-';
		emit(out, op->ctx, p, (size_t)(num + sizeof(num) - p));
		break;
	case TV_BOOL:
		if (v->u.i)
			emit(out, op->ctx, "true", 4);
		else
			emit(out, op->ctx, "false", 5);
		break;
	default:
		break;
	}
}

static void
render(const struct tmpl_set *set, const struct tmpl *t, size_t i, size_t end,
    const struct frame *f, unsigned pdepth, struct buf *out)
{
	const struct top  *op;
	const struct tval *v;
	const struct tmpl *p;
	struct frame	   fr;
	size_t		   k;

	while (i < end) {
		op = &t->ops[i];
		switch (op->kind) {
		case TOP_TEXT:
			buf_put(out, op->p, op->n);
			i++;
			break;
		case TOP_VAR:
		case TOP_RAW:
			put_value(out, op, lookup(f, op->seg, op->nseg));
			i++;
			break;
		case TOP_SECT:
			v = lookup(f, op->seg, op->nseg);
			fr.up = f;
			if (!truthy(v))
				;
			else if (v->type == TV_LIST) {
				for (k = 0; k < v->len && !buf_err(out); k++) {
					fr.v = v->u.items[k];
					render(set, t, i + 1, op->arg, &fr,
					    pdepth, out);
				}
			} else {
				fr.v = v;
				render(set, t, i + 1, op->arg, &fr, pdepth,
				    out);
			}
			i = op->arg;
			break;
		case TOP_INV:
			if (!truthy(lookup(f, op->seg, op->nseg)))
				render(set, t, i + 1, op->arg, f, pdepth, out);
			i = op->arg;
			break;
		case TOP_PARTIAL:
			/* Loading refused cycles and deep nesting; this only
			 * keeps a bug there from becoming a stack overflow. */
			p = &set->t[op->arg];
			if (pdepth < TMPL_MAX_PART)
				render(set, p, 0, p->nops, f, pdepth + 1, out);
			i++;
			break;
		case TOP__MAX:
			i++;
			break;
		}
	}
}

bool
tmpl_render(const struct tmpl_set *set, const char *name,
    const struct tval *data, struct buf *out)
{
	const struct tmpl *t;
	struct frame	   root;

	if (set == NULL || name == NULL ||
	    (t = tmpl_find(set, name, strlen(name))) == NULL)
		return false;
	root.v = data;
	root.up = NULL;
	render(set, t, 0, t->nops, &root, 0, out);
	return true;
}
