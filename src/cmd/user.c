/* user.c: gazette user add|list|passwd|remove, and gazette token. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth/auth.h"
#include "cmd/cmd.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/str.h"

/* One line of stdin, without its line ending: how scripts and people both
 * hand over a password without it showing in argv or the shell history. */
static bool
read_password(const char *cmd, char *pw, size_t size, size_t *len)
{
	const char *why;

	if (fgets(pw, (int)size, stdin) == NULL) {
		cmd_err(cmd, "no password on standard input");
		return false;
	}
	*len = strlen(pw);
	if (*len == size - 1 && pw[*len - 1] != '\n') {
		cmd_err(cmd, "the password is longer than %d bytes",
		    AUTH_PASSWORD_MAX);
		return false;
	}
	while (*len > 0 && (pw[*len - 1] == '\n' || pw[*len - 1] == '\r'))
		pw[--*len] = '\0';
	if ((why = auth_password_check(pw, *len)) != NULL) {
		cmd_err(cmd, "the password %s", why);
		sodium_memzero(pw, size);
		return false;
	}
	return true;
}

static bool
name_ok(const char *cmd, const char *name)
{
	if (!auth_name_valid(name, strlen(name))) {
		cmd_err(cmd,
		    "user name '%s' must be 1 to 64 of A-Z, a-z, 0-9, "
		    "'-', '_' and '.'",
		    name);
		return false;
	}
	return true;
}

static int
user_add(struct store *st, const char *name, const char *role,
    const char *display)
{
	char	       pw[AUTH_PASSWORD_MAX + 2], hash[AUTH_HASH_MAX];
	struct user    u = { 0 };
	enum store_err e;
	size_t	       len;

	if (!name_ok("user add", name))
		return EXIT_USAGE;
	if (role == NULL || !user_role_parse(role, &u.role)) {
		cmd_err("user add", "--role must be admin, editor or author");
		return EXIT_USAGE;
	}
	if (display && text_check(display, strlen(display), false)) {
		cmd_err("user add", "--display-name is not plain text");
		return EXIT_USAGE;
	}
	if (!read_password("user add", pw, sizeof(pw), &len))
		return 1;
	if (!auth_password_hash(pw, len, hash)) {
		sodium_memzero(pw, sizeof(pw));
		cmd_err("user add", "cannot hash the password (out of memory)");
		return 1;
	}
	sodium_memzero(pw, sizeof(pw));
	u.name = name;
	u.display_name = display ? display : name;
	u.pw_hash = hash;
	u.created_at = (int64_t)time(NULL);
	if ((e = store_user_add(st, &u)) == STORE_CONFLICT) {
		cmd_err("user add", "user '%s' exists already", name);
		return 1;
	} else if (e != STORE_OK) {
		cmd_err("user add", "%s", store_errmsg(st));
		return 1;
	}
	fprintf(stderr, "gazette: user add: added %s '%s'\n",
	    user_role_name(u.role), name);
	return 0;
}

static int
user_passwd(struct store *st, const char *name)
{
	char	     pw[AUTH_PASSWORD_MAX + 2], hash[AUTH_HASH_MAX];
	struct arena a;
	struct user  u;
	size_t	     len;
	int	     rc = 1;

	arena_init(&a);
	if (store_user_by_name(st, &a, name, &u) != STORE_OK) {
		cmd_err("user passwd", "no user '%s'", name);
		goto out;
	}
	if (!read_password("user passwd", pw, sizeof(pw), &len))
		goto out;
	if (!auth_password_hash(pw, len, hash)) {
		cmd_err("user passwd", "cannot hash the password");
		goto out;
	}
	if (store_user_set_password(st, u.id, hash, (int64_t)time(NULL)) !=
	    STORE_OK) {
		cmd_err("user passwd", "%s", store_errmsg(st));
		goto out;
	}
	fprintf(stderr,
	    "gazette: user passwd: password of '%s' changed; "
	    "their sessions and API tokens are revoked\n",
	    name);
	rc = 0;
out:
	sodium_memzero(pw, sizeof(pw));
	arena_free(&a);
	return rc;
}

static int
user_remove(struct store *st, const char *name)
{
	struct arena a;
	struct user  u;
	int64_t	     admins;
	int	     rc = 1;

	arena_init(&a);
	if (store_user_by_name(st, &a, name, &u) != STORE_OK) {
		cmd_err("user remove", "no user '%s'", name);
		goto out;
	}
	if (u.role == ROLE_ADMIN &&
	    store_user_count_role(st, ROLE_ADMIN, &admins) == STORE_OK &&
	    admins <= 1) {
		cmd_err("user remove",
		    "'%s' is the last admin; add another "
		    "admin first",
		    name);
		goto out;
	}
	if (store_user_remove(st, u.id) != STORE_OK) {
		cmd_err("user remove", "%s", store_errmsg(st));
		goto out;
	}
	fprintf(stderr, "gazette: user remove: removed '%s'\n", name);
	rc = 0;
out:
	arena_free(&a);
	return rc;
}

static int
user_list(struct store *st)
{
	struct arena a;
	struct user *u;
	size_t	     n, i;

	arena_init(&a);
	if (store_user_list(st, &a, &u, &n) != STORE_OK) {
		cmd_err("user list", "%s", store_errmsg(st));
		arena_free(&a);
		return 1;
	}
	for (i = 0; i < n; i++)
		printf("%s\t%s\t%s\n", u[i].name, user_role_name(u[i].role),
		    u[i].display_name);
	arena_free(&a);
	return 0;
}

int
cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "role", required_argument, NULL, 'r' },
		{ "display-name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char   *db = NULL, *role = NULL, *display = NULL, *verb;
	struct store *st;
	int	      c, rc, want;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'r':
			role = optarg;
			break;
		case 'n':
			display = optarg;
			break;
		case 'h':
			return cmd_usage("user", true);
		default:
			return cmd_usage("user", false);
		}
	}
	if (optind >= argc)
		return cmd_usage("user", false);
	verb = argv[optind];
	want = strcmp(verb, "list") == 0 ? 1 : 2;
	if (argc - optind != want ||
	    (strcmp(verb, "add") != 0 && strcmp(verb, "list") != 0 &&
		strcmp(verb, "passwd") != 0 && strcmp(verb, "remove") != 0))
		return cmd_usage("user", false);
	if ((st = cmd_open("user", cmd_db_url(db), true)) == NULL)
		return 1;
	if (strcmp(verb, "add") == 0)
		rc = user_add(st, argv[optind + 1], role, display);
	else if (strcmp(verb, "passwd") == 0)
		rc = user_passwd(st, argv[optind + 1]);
	else if (strcmp(verb, "remove") == 0)
		rc = user_remove(st, argv[optind + 1]);
	else
		rc = user_list(st);
	store_close(st);
	return rc;
}

int
cmd_token(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char		  tok[AUTH_TOKEN_LEN + 1], dig[AUTH_DIGEST_LEN + 1];
	const char	 *db = NULL, *verb;
	struct api_token *t;
	struct store	 *st;
	struct arena	  a;
	struct user	  u;
	int64_t		  id;
	size_t		  n, i;
	int		  c, rc = 1;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'h':
			return cmd_usage("token", true);
		default:
			return cmd_usage("token", false);
		}
	}
	if (optind >= argc)
		return cmd_usage("token", false);
	verb = argv[optind];
	if (!((strcmp(verb, "create") == 0 && argc - optind == 2) ||
		(strcmp(verb, "revoke") == 0 && argc - optind == 2) ||
		(strcmp(verb, "list") == 0 && argc - optind == 1)))
		return cmd_usage("token", false);
	if ((st = cmd_open("token", cmd_db_url(db), true)) == NULL)
		return 1;
	arena_init(&a);
	if (strcmp(verb, "create") == 0) {
		if (store_user_by_name(st, &a, argv[optind + 1], &u) !=
		    STORE_OK) {
			cmd_err("token create", "no user '%s'",
			    argv[optind + 1]);
			goto out;
		}
		auth_token_new(tok);
		auth_token_digest(tok, strlen(tok), dig);
		if (store_token_add(st, u.id, dig, (int64_t)time(NULL), &id) !=
		    STORE_OK) {
			cmd_err("token create", "%s", store_errmsg(st));
			goto out;
		}
		/* The token alone on stdout: it is shown this once and
		 * only its hash is kept. */
		printf("%s\n", tok);
		fprintf(stderr,
		    "gazette: token create: token %lld for '%s' "
		    "(revoke with 'gazette token revoke %lld')\n",
		    (long long)id, u.name, (long long)id);
		sodium_memzero(tok, sizeof(tok));
	} else if (strcmp(verb, "revoke") == 0) {
		if (!parse_int(argv[optind + 1], strlen(argv[optind + 1]), 1,
			INT64_MAX, &id)) {
			cmd_err("token revoke",
			    "'%s' is not a token number "
			    "(see 'gazette token list')",
			    argv[optind + 1]);
			goto out;
		}
		if (store_token_revoke(st, id, (int64_t)time(NULL)) !=
		    STORE_OK) {
			cmd_err("token revoke", "no valid token %lld",
			    (long long)id);
			goto out;
		}
		fprintf(stderr, "gazette: token revoke: token %lld revoked\n",
		    (long long)id);
	} else {
		if (store_token_list(st, &a, &t, &n) != STORE_OK) {
			cmd_err("token list", "%s", store_errmsg(st));
			goto out;
		}
		for (i = 0; i < n; i++)
			printf("%lld\t%s\t%s\n", (long long)t[i].id, t[i].user,
			    t[i].revoked_at ? "revoked" : "valid");
	}
	rc = 0;
out:
	arena_free(&a);
	store_close(st);
	return rc;
}
