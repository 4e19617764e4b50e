/* store-ops.c: operations on a whole database: backup, restore, check. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "store/store-int.h"

#define CHECK_ROWS 20 /* findings listed per kind of orphan */

enum store_err
store_backup_to(struct store *s, const char *path)
{
	if (s->drv->backup == NULL)
		return STORE_UNSUPPORTED;
	return s->drv->backup(s->conn, path);
}

enum store_err
store_restore_from(struct store *s, const char *path, bool force)
{
	if (s->drv->restore == NULL)
		return STORE_UNSUPPORTED;
	if (s->txdepth > 0)
		return STORE_ERROR;
	return s->drv->restore(s->conn, path, store_schema_latest(), force);
}

struct check {
	store_check_fn fn;
	void	      *ctx;
	unsigned      *problems;
	enum stmt      st;
};

void
store_report(store_check_fn fn, void *ctx, unsigned *problems, bool problem,
    const char *fmt, ...)
{
	char	text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (problem)
		(*problems)++;
	fn(ctx, problem, text);
}

#define say(k, problem, ...) \
	store_report((k)->fn, (k)->ctx, (k)->problems, (problem), __VA_ARGS__)

static int
orphan_row(void *ctx, const struct sval *c, size_t n)
{
	struct check *k = ctx;

	if (n < 4 && k->st != ST_CHECK_COMMENT_PARENT)
		return 0;
	switch (k->st) {
	case ST_CHECK_ARTICLE_TAGS:
		say(k, true,
		    "article %lld is tagged with tag %lld, but the "
		    "%s does not exist",
		    (long long)c[0].i, (long long)c[1].i,
		    c[2].i ? "article" : "tag");
		break;
	case ST_CHECK_COMMENT_PARENT:
		if (n < 3)
			return 0;
		say(k, true,
		    "comment %lld (article %lld) replies to a comment "
		    "on another article (%lld)",
		    (long long)c[0].i, (long long)c[1].i, (long long)c[2].i);
		break;
	default:
		say(k, true,
		    "article %lld (%.*s) counts %lld approved "
		    "comments but has %lld",
		    (long long)c[0].i, (int)c[1].n, c[1].s, (long long)c[2].i,
		    (long long)c[3].i);
		break;
	}
	return 0;
}

/*
 * The backend checks its own storage (integrity, foreign keys, full-text
 * index); what the schema promises beyond its constraints (no orphans
 * where a constraint could not say so, denormalised counters in step) is
 * checked here, the same on every backend.
 */
enum store_err
store_check(struct store *s, unsigned what, store_check_fn fn, void *ctx,
    unsigned *problems)
{
	static const enum stmt orphans[] = { ST_CHECK_ARTICLE_TAGS,
		ST_CHECK_COMMENT_PARENT, ST_CHECK_COMMENT_COUNT };
	struct check	       k = { fn, ctx, problems, ST__MAX };
	struct sval	       p[] = { P_INT(CHECK_ROWS) };
	enum store_err	       e = STORE_OK;
	int		       version = 0, latest = store_schema_latest();
	size_t		       i;

	*problems = 0;
	if (s->drv->check == NULL)
		say(&k, false,
		    "the %s backend has no storage check of its "
		    "own: integrity and search checks skipped",
		    s->drv->name);
	else if ((e = s->drv->check(s->conn,
		      what & (STORE_CHECK_INTEGRITY | STORE_CHECK_KEYS), fn,
		      ctx, problems)) != STORE_OK)
		return e;
	if ((what & (STORE_CHECK_SCHEMA | STORE_CHECK_KEYS)) &&
	    (e = store_schema_version(s, &version)) != STORE_OK)
		return e;
	if (what & STORE_CHECK_SCHEMA) {
		if (version == 0)
			say(&k, true,
			    "the database has no gazette schema; "
			    "run 'gazette init'");
		else if (version < latest)
			say(&k, true,
			    "the schema is at version %d, this "
			    "gazette's is %d; run 'gazette init' to upgrade",
			    version, latest);
		else if (version > latest)
			say(&k, true,
			    "the schema is at version %d, newer than "
			    "this gazette knows (%d); run the newer binary",
			    version, latest);
		else
			say(&k, false, "schema version %d: current", version);
	}
	/* Orphan queries need the tables they look at. */
	if ((what & STORE_CHECK_KEYS) && version >= 1)
		for (i = 0; i < sizeof(orphans) / sizeof(orphans[0]); i++) {
			k.st = orphans[i];
			if ((e = store_exec(s, orphans[i], p, 1, orphan_row,
				 &k)) != STORE_OK)
				return e;
		}
	if ((what & STORE_CHECK_SEARCH) && s->drv->check != NULL &&
	    (e = s->drv->check(s->conn, STORE_CHECK_SEARCH, fn, ctx,
		 problems)) != STORE_OK)
		return e;
	return STORE_OK;
}
