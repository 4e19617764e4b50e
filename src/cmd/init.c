/* init.c: gazette init — create or upgrade the schema. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cmd/cmd.h"
#include "store/store.h"
#include "util/arena.h"

/* Settings a new site needs that are secrets rather than preferences: the
 * key that client addresses are hashed with is made once, here, so no two
 * sites share it and it survives restarts. */
static int
init_secrets(struct store *st)
{
	unsigned char  key[32];
	char	       hex[65];
	struct arena   a;
	const char    *v;
	enum store_err e;

	arena_init(&a);
	e = store_setting_get(st, &a, "client_hash_key", &v);
	arena_free(&a);
	if (e == STORE_OK)
		return 0;
	if (e != STORE_NOTFOUND)
		return -1;
	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	return store_setting_set(st, "client_hash_key", hex) == STORE_OK ?
	    0 :
	    -1;
}

int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char   *db = NULL;
	struct store *st;
	char	      shown[256];
	int	      c, version;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'h':
			return cmd_usage("init", true);
		default:
			return cmd_usage("init", false);
		}
	}
	if (optind != argc)
		return cmd_usage("init", false);
	db = cmd_db_url(db);
	if ((st = cmd_open("init", db, true)) == NULL)
		return 1;
	if (init_secrets(st) != 0) {
		cmd_err("init", "cannot store settings: %s", store_errmsg(st));
		store_close(st);
		return 1;
	}
	store_schema_version(st, &version);
	fprintf(stderr, "gazette: init: %s is at schema version %d\n",
	    store_url_printable(db, shown, sizeof(shown)), version);
	store_close(st);
	return 0;
}
