/* store-user.c: users, API tokens and sign-in sessions. */
#include <string.h>

#include "store/store-int.h"
#include "util/arena.h"

#define NPARAMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *const role_names[ROLE__MAX] = {
	[ROLE_ADMIN] = "admin",
	[ROLE_EDITOR] = "editor",
	[ROLE_AUTHOR] = "author",
};

const char *
user_role_name(enum user_role r)
{
	return r < ROLE__MAX ? role_names[r] : "author";
}

bool
user_role_parse(const char *s, enum user_role *out)
{
	int i = store_name_index(role_names, ROLE__MAX, s);

	if (i < 0)
		return false;
	*out = (enum user_role)i;
	return true;
}

static const char *
dup(struct arena *a, const struct sval *c)
{
	return arena_strndup(a, c->t == SV_TEXT ? c->s : "",
	    c->t == SV_TEXT ? c->n : 0);
}

struct rows {
	struct arena *arena;
	void	     *items;
	size_t	      n, cap, size;
	int64_t	      id; /* for RETURNING id */
	bool	      found;
};

static void *
grow(struct rows *r)
{
	void *grown;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		grown = arena_alloc(r->arena, r->cap * r->size);
		if (r->n)
			memcpy(grown, r->items, r->n * r->size);
		r->items = grown;
	}
	return (char *)r->items + r->n++ * r->size;
}

/* id, name, display_name, role, pw_hash, created_at from column c. */
static void
user_from(struct arena *a, const struct sval *c, struct user *u)
{
	u->id = c[0].i;
	u->name = dup(a, &c[1]);
	u->display_name = dup(a, &c[2]);
	if (!user_role_parse(dup(a, &c[3]), &u->role))
		u->role = ROLE_AUTHOR;
	u->pw_hash = dup(a, &c[4]);
	u->created_at = c[5].i;
}

static int
row_user(void *ctx, const struct sval *c, size_t n)
{
	struct rows *r = ctx;

	if (n < 6)
		return 1;
	user_from(r->arena, c, grow(r));
	return 0;
}

static int
row_id(void *ctx, const struct sval *c, size_t n)
{
	struct rows *r = ctx;

	if (n > 0) {
		r->id = c[0].i;
		r->found = true;
	}
	return 1;
}

enum store_err
store_user_add(struct store *s, struct user *u)
{
	struct rows    r = { 0 };
	struct sval    p[] = { P_TEXT(u->name),
		   P_TEXT(u->display_name ? u->display_name : ""),
		   P_TEXT(user_role_name(u->role)),
		   P_TEXT(u->pw_hash ? u->pw_hash : ""), P_INT(u->created_at) };
	enum store_err e;

	if ((e = store_exec(s, ST_USER_ADD, p, NPARAMS(p), row_id, &r)) ==
	    STORE_OK)
		u->id = r.id;
	return e;
}

static enum store_err
user_one(struct store *s, struct arena *a, enum stmt st, struct sval key,
    struct user *out)
{
	struct rows    r = { a, NULL, 0, 0, sizeof(struct user), 0, false };
	enum store_err e;

	if ((e = store_exec(s, st, &key, 1, row_user, &r)) != STORE_OK)
		return e;
	if (r.n == 0)
		return STORE_NOTFOUND;
	*out = *(struct user *)r.items;
	return STORE_OK;
}

enum store_err
store_user_by_name(struct store *s, struct arena *a, const char *name,
    struct user *out)
{
	return user_one(s, a, ST_USER_BY_NAME, P_TEXT(name), out);
}

enum store_err
store_user_by_id(struct store *s, struct arena *a, int64_t id, struct user *out)
{
	return user_one(s, a, ST_USER_BY_ID, P_INT(id), out);
}

enum store_err
store_user_list(struct store *s, struct arena *a, struct user **out, size_t *n)
{
	struct rows    r = { a, NULL, 0, 0, sizeof(struct user), 0, false };
	enum store_err e;

	e = store_exec(s, ST_USER_LIST, NULL, 0, row_user, &r);
	*out = r.items;
	*n = r.n;
	return e;
}

static enum store_err
by_id(struct store *s, enum stmt st, const struct sval *p, size_t n)
{
	struct rows    r = { 0 };
	enum store_err e;

	if ((e = store_exec(s, st, p, n, row_id, &r)) != STORE_OK)
		return e;
	return r.found ? STORE_OK : STORE_NOTFOUND;
}

/*
 * Whoever changes a password wants whoever else knows the old one out: a
 * cookie or a token got with it must stop working with the change. So
 * this is the one place a password changes, and it ends the user's
 * sessions and revokes their tokens in the same transaction; every path
 * (the command, the users page) calls it.
 */
enum store_err
store_user_set_password(struct store *s, int64_t id, const char *hash,
    int64_t now)
{
	struct sval    p[] = { P_INT(id), P_TEXT(hash) };
	struct sval    q[] = { P_INT(id), P_INT(now) };
	enum store_err e;

	if ((e = store_begin(s)) != STORE_OK)
		return e;
	if ((e = by_id(s, ST_USER_SET_PASSWORD, p, NPARAMS(p))) == STORE_OK &&
	    (e = store_exec(s, ST_SESSION_DELETE_USER, q, 1, NULL, NULL)) ==
		STORE_OK)
		e = store_exec(s, ST_TOKEN_REVOKE_USER, q, NPARAMS(q), NULL,
		    NULL);
	if (e != STORE_OK) {
		store_rollback(s);
		return e;
	}
	return store_commit(s);
}

enum store_err
store_user_remove(struct store *s, int64_t id)
{
	struct sval p[] = { P_INT(id) };

	return by_id(s, ST_USER_REMOVE, p, NPARAMS(p));
}

enum store_err
store_user_set_role(struct store *s, int64_t id, enum user_role role)
{
	struct sval p[] = { P_INT(id), P_TEXT(user_role_name(role)) };

	return by_id(s, ST_USER_SET_ROLE, p, NPARAMS(p));
}

enum store_err
store_user_count_role(struct store *s, enum user_role role, int64_t *n)
{
	struct rows    r = { 0 };
	struct sval    p[] = { P_TEXT(user_role_name(role)) };
	enum store_err e;

	e = store_exec(s, ST_USER_COUNT_ROLE, p, NPARAMS(p), row_id, &r);
	*n = r.id;
	return e;
}

enum store_err
store_token_add(struct store *s, int64_t user_id, const char *digest,
    int64_t now, int64_t *id)
{
	struct rows    r = { 0 };
	struct sval    p[] = { P_INT(user_id), P_TEXT(digest), P_INT(now) };
	enum store_err e;

	if ((e = store_exec(s, ST_TOKEN_ADD, p, NPARAMS(p), row_id, &r)) ==
	    STORE_OK)
		*id = r.id;
	return e;
}

enum store_err
store_token_user(struct store *s, struct arena *a, const char *digest,
    struct user *out)
{
	return user_one(s, a, ST_TOKEN_USER, P_TEXT(digest), out);
}

enum store_err
store_token_revoke(struct store *s, int64_t id, int64_t now)
{
	struct sval p[] = { P_INT(id), P_INT(now) };

	return by_id(s, ST_TOKEN_REVOKE, p, NPARAMS(p));
}

static int
row_token(void *ctx, const struct sval *c, size_t n)
{
	struct rows	 *r = ctx;
	struct api_token *t;

	if (n < 4)
		return 1;
	t = grow(r);
	t->id = c[0].i;
	t->user = dup(r->arena, &c[1]);
	t->created_at = c[2].i;
	t->revoked_at = c[3].i;
	return 0;
}

enum store_err
store_token_list(struct store *s, struct arena *a, struct api_token **out,
    size_t *n)
{
	struct rows r = { a, NULL, 0, 0, sizeof(struct api_token), 0, false };
	enum store_err e;

	e = store_exec(s, ST_TOKEN_LIST, NULL, 0, row_token, &r);
	*out = r.items;
	*n = r.n;
	return e;
}

enum store_err
store_session_add(struct store *s, const char *digest, int64_t user_id,
    const char *csrf, int64_t now)
{
	struct sval
	    p[] = { P_TEXT(digest), P_INT(user_id), P_TEXT(csrf), P_INT(now) };

	return store_exec(s, ST_SESSION_ADD, p, NPARAMS(p), NULL, NULL);
}

static int
row_session(void *ctx, const struct sval *c, size_t n)
{
	struct rows    *r = ctx;
	struct session *se;

	if (n < 9)
		return 1;
	se = grow(r);
	user_from(r->arena, c, &se->user);
	se->csrf = dup(r->arena, &c[6]);
	se->created_at = c[7].i;
	se->seen_at = c[8].i;
	return 0;
}

enum store_err
store_session_get(struct store *s, struct arena *a, const char *digest,
    struct session *out)
{
	struct rows    r = { a, NULL, 0, 0, sizeof(struct session), 0, false };
	struct sval    p[] = { P_TEXT(digest) };
	enum store_err e;

	if ((e = store_exec(s, ST_SESSION_GET, p, 1, row_session, &r)) !=
	    STORE_OK)
		return e;
	if (r.n == 0)
		return STORE_NOTFOUND;
	*out = *(struct session *)r.items;
	return STORE_OK;
}

enum store_err
store_session_touch(struct store *s, const char *digest, int64_t now)
{
	struct sval p[] = { P_TEXT(digest), P_INT(now) };

	return store_exec(s, ST_SESSION_TOUCH, p, NPARAMS(p), NULL, NULL);
}

enum store_err
store_session_delete(struct store *s, const char *digest)
{
	struct sval p[] = { P_TEXT(digest) };

	return store_exec(s, ST_SESSION_DELETE, p, 1, NULL, NULL);
}

enum store_err
store_session_purge(struct store *s, int64_t idle_before,
    int64_t created_before)
{
	struct sval p[] = { P_INT(idle_before), P_INT(created_before) };

	return store_exec(s, ST_SESSION_PURGE, p, NPARAMS(p), NULL, NULL);
}
