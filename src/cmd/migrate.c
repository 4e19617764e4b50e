/* migrate.c: gazette migrate — copy a whole site between databases. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cmd/cmd.h"
#include "store/store.h"

static void
report(const struct store_digest *from, const struct store_digest *to)
{
	char hex[2 * sizeof(from->sum) + 1];
	int  t;

	printf("%-14s %10s %10s\n", "table", "source", "target");
	for (t = 0; t < STORE_TABLE__MAX; t++)
		printf("%-14s %10lld %10lld\n",
		    store_table_name((enum store_table)t),
		    (long long)from->rows[t], (long long)to->rows[t]);
	sodium_bin2hex(hex, sizeof(hex), from->sum, sizeof(from->sum));
	printf("checksum source %s\n", hex);
	sodium_bin2hex(hex, sizeof(hex), to->sum, sizeof(to->sum));
	printf("checksum target %s\n", hex);
}

int
cmd_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_digest dfrom, dto;
	int64_t		    rows[STORE_TABLE__MAX], total = 0;
	const char	   *from = NULL, *to = NULL, *path;
	struct store	   *src = NULL, *dst = NULL, *bad;
	bool		    empty = false;
	int		    c, t, rc = 1;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'h':
			return cmd_usage("migrate", true);
		default:
			return cmd_usage("migrate", false);
		}
	}
	if (optind != argc || from == NULL || to == NULL || !*from || !*to)
		return cmd_usage("migrate", false);
	if (strcmp(from, to) == 0) {
		cmd_err("migrate", "--from and --to name the same database");
		return 1;
	}
	/* Opening a SQLite path that does not exist would create it. */
	if ((path = store_url_path(from)) != NULL && access(path, F_OK) != 0) {
		cmd_err("migrate", "%s: no such database file", path);
		return 1;
	}
	if ((src = cmd_open("migrate", from, false)) == NULL)
		return 1;
	if ((dst = cmd_open("migrate", to, true)) == NULL)
		goto out;
	if (store_site_empty(dst, &empty) != STORE_OK) {
		cmd_err("migrate", "target: %s", store_errmsg(dst));
		goto out;
	}
	if (!empty) {
		cmd_err("migrate",
		    "the target database already holds a site "
		    "(articles, tags, users, comments or settings); give an "
		    "empty one");
		goto out;
	}
	/* The source is read inside one transaction (on SQLite one that
	 * holds off writers), so the copy and its digest see the same
	 * site. */
	if (store_begin(src) != STORE_OK) {
		cmd_err("migrate", "source: %s", store_errmsg(src));
		goto out;
	}
	if (store_copy(src, dst, rows, &bad) != STORE_OK) {
		cmd_err("migrate", "%s: %s; nothing was written",
		    bad == src ? "reading the source" : "writing the target",
		    store_errmsg(bad));
		store_rollback(src);
		goto out;
	}
	if (store_digest(src, &dfrom) != STORE_OK) {
		cmd_err("migrate", "source: %s", store_errmsg(src));
		store_rollback(src);
		goto out;
	}
	store_rollback(src);
	if (store_digest(dst, &dto) != STORE_OK) {
		cmd_err("migrate", "target: %s", store_errmsg(dst));
		goto out;
	}
	report(&dfrom, &dto);
	for (t = 0; t < STORE_TABLE__MAX; t++)
		total += rows[t];
	if (memcmp(dfrom.rows, dto.rows, sizeof(dfrom.rows)) != 0 ||
	    memcmp(dfrom.sum, dto.sum, sizeof(dfrom.sum)) != 0) {
		cmd_err("migrate",
		    "copied %lld rows but the target differs "
		    "from the source (see the table above)",
		    (long long)total);
		goto out;
	}
	fprintf(stderr,
	    "gazette: migrate: copied %lld rows; row counts and "
	    "checksums match\n",
	    (long long)total);
	rc = 0;
out:
	store_close(src);
	store_close(dst);
	return rc;
}
