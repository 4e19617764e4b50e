/* page-admin-site.c: the users page and the site settings page (admins). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "admin/admin.h"
#include "auth/auth.h"
#include "util/str.h"

/*
 * Users
 */

static void
users_page(struct http_req *req, struct http_resp *resp,
    const struct admin_req *ar, const char *msg, const char *error)
{
	struct arena *a = req->arena;
	struct tval  *root, *list, *m, *roles, *o;
	struct user  *u;
	size_t	      n, i;
	int	      r;

	if (store_user_list(ar->st, a, &u, &n) != STORE_OK) {
		admin_store_failed(resp, ar->st);
		return;
	}
	root = admin_root(req, ar, "Users", msg);
	if (error)
		tv_set_str(a, root, "error", error);
	list = tv_list(a);
	for (i = 0; i < n; i++) {
		m = tv_map(a);
		tv_set_int(a, m, "id", u[i].id);
		tv_set_str(a, m, "name", u[i].name);
		tv_set_str(a, m, "display_name", u[i].display_name);
		tv_set_str(a, m, "role", user_role_name(u[i].role));
		tv_set_str(a, m, "since", admin_time(ar, a, u[i].created_at));
		tv_set_bool(a, m, "self", u[i].id == ar->sess.user.id);
		roles = tv_list(a);
		for (r = 0; r < ROLE__MAX; r++) {
			o = tv_map(a);
			tv_set_str(a, o, "value",
			    user_role_name((enum user_role)r));
			tv_set_bool(a, o, "selected",
			    u[i].role == (enum user_role)r);
			tv_push(a, roles, o);
		}
		tv_set(a, m, "roles", roles);
		tv_push(a, list, m);
	}
	tv_set(a, root, "users", list);
	roles = tv_list(a);
	for (r = 0; r < ROLE__MAX; r++) {
		o = tv_map(a);
		tv_set_str(a, o, "value", user_role_name((enum user_role)r));
		tv_set_bool(a, o, "selected", r == ROLE_AUTHOR);
		tv_push(a, roles, o);
	}
	tv_set(a, root, "roles", roles);
	admin_render(resp, ar, "admin/users.html", root);
}

/* Would taking user id out of the admin role leave no admin? */
static bool
last_admin(const struct admin_req *ar, struct arena *a, int64_t id, bool *last)
{
	struct user u;
	int64_t	    n = 0;

	*last = false;
	if (store_user_by_id(ar->st, a, id, &u) != STORE_OK)
		return true; /* gone: nothing to protect */
	if (u.role != ROLE_ADMIN)
		return true;
	if (store_user_count_role(ar->st, ROLE_ADMIN, &n) != STORE_OK)
		return false;
	*last = n <= 1;
	return true;
}

static const char *
user_add(const struct admin_req *ar, struct http_req *req)
{
	char	       hash[AUTH_HASH_MAX];
	const char    *name, *pw, *why;
	struct user    u = { 0 };
	size_t	       pwlen, n;
	enum store_err e;

	name = admin_field(ar, "name", &n);
	if (!auth_name_valid(name, n))
		return "a user name is 1 to 64 of A-Z, a-z, 0-9, '-', '_' "
		       "and '.'";
	u.name = name;
	u.display_name = admin_field(ar, "display_name", &n);
	if (n > 200 || text_check(u.display_name, n, false) != NULL)
		return "the display name must be at most 200 characters on "
		       "one line";
	if (!user_role_parse(admin_field(ar, "role", NULL), &u.role))
		return "pick a role: admin, editor or author";
	pw = admin_field(ar, "password", &pwlen);
	if ((why = auth_password_check(pw, pwlen)) != NULL)
		return arena_printf(req->arena, "the password %s", why);
	if (!auth_password_hash(pw, pwlen, hash))
		return "the password could not be hashed (out of memory)";
	u.pw_hash = hash;
	u.created_at = ar->now;
	e = store_user_add(ar->st, &u);
	sodium_memzero(hash, sizeof(hash));
	if (e == STORE_CONFLICT)
		return arena_printf(req->arena, "user '%s' exists already",
		    name);
	if (e != STORE_OK)
		return "the database refused the new user";
	return NULL;
}

/* A new password for user id: store_user_set_password also signs them
 * out everywhere and revokes their API tokens. */
static const char *
user_password(const struct admin_req *ar, struct http_req *req, int64_t id)
{
	char	       hash[AUTH_HASH_MAX];
	const char    *pw, *why;
	size_t	       pwlen;
	enum store_err e;

	pw = admin_field(ar, "password", &pwlen);
	if ((why = auth_password_check(pw, pwlen)) != NULL)
		return arena_printf(req->arena, "the password %s", why);
	if (!auth_password_hash(pw, pwlen, hash))
		return "the password could not be hashed (out of memory)";
	e = store_user_set_password(ar->st, id, hash, ar->now);
	sodium_memzero(hash, sizeof(hash));
	if (e == STORE_NOTFOUND)
		return "no such user";
	if (e != STORE_OK)
		return "the database refused the new password";
	return NULL;
}

void
admin_users(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct admin_req ar;
	const char	*op, *v, *why = NULL, *msg = NULL;
	enum user_role	 role;
	int64_t		 id = 0;
	bool		 last;

	if (!admin_begin(req, resp, ctx, &ar))
		return;
	if (!acl_allows(ar.sess.user.role, ACL_USER_MANAGE, false)) {
		admin_forbidden(req, resp, &ar,
		    acl_action_name(ACL_USER_MANAGE));
		return;
	}
	if (req->method != HTTP_POST) {
		v = admin_field(&ar, "msg", NULL);
		users_page(req, resp, &ar,
		    strcmp(v, "added") == 0 ?
			"User added." :
			strcmp(v, "role") == 0 ?
			"Role changed." :
			strcmp(v, "removed") == 0 ?
			"User removed." :
			strcmp(v, "password") == 0 ?
			"Password changed; that "
			"user's sessions and API tokens are revoked." :
			NULL,
		    NULL);
		return;
	}
	op = admin_field(&ar, "op", NULL);
	v = admin_field(&ar, "id", NULL);
	if (*v && !parse_int(v, strlen(v), 1, INT64_MAX, &id))
		id = 0;
	if (strcmp(op, "add") == 0) {
		if ((why = user_add(&ar, req)) == NULL)
			msg = "added";
	} else if (strcmp(op, "role") == 0 && id) {
		if (!user_role_parse(admin_field(&ar, "role", NULL), &role))
			why = "pick a role: admin, editor or author";
		else if (!last_admin(&ar, req->arena, id, &last))
			why = "the database is not available";
		else if (last && role != ROLE_ADMIN)
			why =
			    "this is the last admin: make another admin first";
		else if (store_user_set_role(ar.st, id, role) != STORE_OK)
			why = "no such user";
		else
			msg = "role";
	} else if (strcmp(op, "password") == 0 && id) {
		if ((why = user_password(&ar, req, id)) == NULL) {
			/* Their own: this session ended with the others. */
			if (id == ar.sess.user.id) {
				http_resp_redirect(resp, 303,
				    "/admin/login?why=password");
				return;
			}
			msg = "password";
		}
	} else if (strcmp(op, "remove") == 0 && id) {
		if (!last_admin(&ar, req->arena, id, &last))
			why = "the database is not available";
		else if (last)
			why =
			    "this is the last admin: make another admin first";
		else if (store_user_remove(ar.st, id) != STORE_OK)
			why = "no such user";
		else
			msg = "removed";
	} else
		why = "unknown request";
	if (why) {
		resp->status = 400;
		users_page(req, resp, &ar, NULL, why);
		return;
	}
	http_resp_redirect(resp, 303,
	    arena_printf(req->arena, "/admin/users?msg=%s", msg));
}

/*
 * Settings
 */

/* The settings this page edits, in order; site_settings[] has the first
 * six, comments_close_days and spam_threshold belong to the comments
 * module. */
static const struct {
	const char *key;
	const char *label;
	const char *def;
} fields[] = {
	{ "title", "Title", "Gazette" },
	{ "description", "Description", "News and comment" },
	{ "base_url", "Base URL", "" },
	{ "language", "Language", "en" },
	{ "timezone", "Time zone", "UTC" },
	{ "moderation", "Comment moderation", "first" },
	{ "comments_close_days", "Close comments after (days, 0: never)", "0" },
	{ "spam_threshold", "Spam threshold", "0.9" },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/* Whether zone names a file under /usr/share/zoneinfo (and no more). */
static bool
zone_ok(const char *z)
{
	char	    path[512];
	struct stat st;
	const char *p;

	if (*z == '\0' || strlen(z) > 64 || strstr(z, "..") || *z == '/')
		return false;
	for (p = z; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || strchr("/_+-", *p)))
			return false;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", z);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool
language_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 35 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= 'A' && s[i] <= 'Z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static bool
base_url_ok(const char *s)
{
	size_t	    n = strlen(s);
	const char *host;

	if (n == 0)
		return true; /* the listen address */
	if (n > 200 || text_check(s, n, false) != NULL || strchr(s, ' ') ||
	    strchr(s, '?') || strchr(s, '#'))
		return false;
	if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		host = s + 7;
	else
		return false;
	return *host != '\0' && *host != '/';
}

/* Why values[i] cannot be stored, or NULL. */
static const char *
setting_check(size_t i, const char *v)
{
	const char *k = fields[i].key;
	size_t	    n = strlen(v);
	int64_t	    days;
	double	    thr;

	if (strcmp(k, "title") == 0)
		return n == 0 || n > 200 || text_check(v, n, false) ?
		    "the title must be 1 to 200 characters on one line" :
		    NULL;
	if (strcmp(k, "description") == 0)
		return n > 500 || text_check(v, n, false) ?
		    "the description must be at most 500 characters on one "
		    "line" :
		    NULL;
	if (strcmp(k, "base_url") == 0)
		return base_url_ok(v) ?
		    NULL :
		    "the base URL must be an "
		    "http:// or https:// URL without query or fragment";
	if (strcmp(k, "language") == 0)
		return language_ok(v) ?
		    NULL :
		    "the language must be a BCP 47 tag such as en or pt-BR";
	if (strcmp(k, "timezone") == 0)
		return zone_ok(v) ?
		    NULL :
		    "the time zone must be an IANA "
		    "name such as Europe/Paris (see /usr/share/zoneinfo)";
	if (strcmp(k, "moderation") == 0)
		return strcmp(v, "none") == 0 || strcmp(v, "first") == 0 ||
			strcmp(v, "all") == 0 ?
		    NULL :
		    "moderation must be none, first or all";
	if (strcmp(k, "comments_close_days") == 0)
		return parse_int(v, n, 0, 36500, &days) ?
		    NULL :
		    "comment closing must be a number of days, 0 for never";
	if (strcmp(k, "spam_threshold") == 0)
		return site_threshold_parse(v, &thr) ?
		    NULL :
		    "the spam "
		    "threshold must be a number from 0 to 1, such as 0.9";
	return "unknown setting";
}

static void
settings_page(struct http_req *req, struct http_resp *resp,
    const struct admin_req *ar, const char *const *values, const char *msg,
    const char *error)
{
	static const char *const modes[] = { "none", "first", "all" };
	struct arena		*a = req->arena;
	struct tval		*root, *f, *opts, *o;
	size_t			 i;

	root = admin_root(req, ar, "Settings", msg);
	if (error)
		tv_set_str(a, root, "error", error);
	f = tv_map(a);
	tv_set(a, root, "settings", f);
	for (i = 0; i < NFIELDS; i++)
		tv_set_str(a, f, fields[i].key, values[i]);
	opts = tv_list(a);
	for (i = 0; i < 3; i++) {
		o = tv_map(a);
		tv_set_str(a, o, "value", modes[i]);
		tv_set_bool(a, o, "selected", strcmp(values[5], modes[i]) == 0);
		tv_push(a, opts, o);
	}
	tv_set(a, root, "moderation_modes", opts);
	admin_render(resp, ar, "admin/settings.html", root);
}

/* The stored value of fields[i] (its default when unset) into *v; false
 * when the database failed. */
static bool
stored(const struct admin_req *ar, struct arena *a, size_t i, const char **v)
{
	enum store_err e = store_setting_get(ar->st, a, fields[i].key, v);

	if (e == STORE_NOTFOUND)
		*v = fields[i].def;
	return e == STORE_OK || e == STORE_NOTFOUND;
}

void
admin_settings(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct admin_req ar;
	const char	*values[NFIELDS], *why = NULL;
	enum store_err	 e;
	size_t		 i;

	if (!admin_begin(req, resp, ctx, &ar))
		return;
	if (!acl_allows(ar.sess.user.role, ACL_SETTINGS, false)) {
		admin_forbidden(req, resp, &ar, acl_action_name(ACL_SETTINGS));
		return;
	}
	if (req->method != HTTP_POST) {
		for (i = 0; i < NFIELDS; i++)
			if (!stored(&ar, req->arena, i, &values[i])) {
				admin_store_failed(resp, ar.st);
				return;
			}
		settings_page(req, resp, &ar, values,
		    strcmp(admin_field(&ar, "msg", NULL), "saved") == 0 ?
			"Settings saved. The title, "
			"description, language, base URL and time zone reach "
			"readers when the server reloads its settings." :
			NULL,
		    NULL);
		return;
	}
	for (i = 0; i < NFIELDS; i++) {
		values[i] = admin_field(&ar, fields[i].key, NULL);
		/* A field the form did not send at all (a page from before
		 * the field existed) keeps what is stored. */
		if (form_get(&ar.form, fields[i].key, NULL) == NULL &&
		    !stored(&ar, req->arena, i, &values[i])) {
			admin_store_failed(resp, ar.st);
			return;
		}
		if (why == NULL)
			why = setting_check(i, values[i]);
	}
	if (why) {
		resp->status = 400;
		settings_page(req, resp, &ar, values, NULL, why);
		return;
	}
	/* All or nothing. */
	if ((e = store_begin(ar.st)) == STORE_OK) {
		for (i = 0; i < NFIELDS && e == STORE_OK; i++)
			e = store_setting_set(ar.st, fields[i].key, values[i]);
		if (e == STORE_OK)
			e = store_commit(ar.st);
		else
			store_rollback(ar.st);
	}
	if (e != STORE_OK) {
		admin_store_failed(resp, ar.st);
		return;
	}
	/* The reader site's settings are built once (struct site is shared
	 * read-only by every thread); the server rebuilds them on SIGHUP,
	 * so ask it to. The signal is taken by serve's main thread, which
	 * is where a new site may safely replace the old one. */
	kill(getpid(), SIGHUP);
	http_resp_redirect(resp, 303, "/admin/settings?msg=saved");
}
