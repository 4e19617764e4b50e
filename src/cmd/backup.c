/* backup.c: gazette backup and restore — whole-site copies of a database. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "store/store.h"

static long long
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* The URL of a PostgreSQL site for a pg_dump or pg_restore command line,
 * in shown: without its password, which those tools take from PGPASSWORD
 * or ~/.pgpass (say so when one was left out). */
static const char *
pg_shown(const char *url, char *shown, size_t n)
{
	store_url_printable(url, shown, n);
	return strcmp(shown, url) == 0 ?
	    "" :
	    "\n(the password is shown as "
	    "***: give it in PGPASSWORD or ~/.pgpass)";
}

/* Makes a rename in path's directory durable. */
static void
sync_dir_of(const char *path)
{
	char copy[PATH_MAX];
	int  fd;

	snprintf(copy, sizeof(copy), "%s", path);
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY)) >= 0) {
		fsync(fd);
		close(fd);
	}
}

static void
check_note(void *ctx, bool problem, const char *text)
{
	const char *cmd = ctx;

	if (problem)
		cmd_err(cmd, "%s", text);
}

static void
remove_db_files(const char *path)
{
	char side[PATH_MAX + 8];

	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

/* Checks the copy at path as a database of its own; true when sound. */
static bool
verify_copy(const char *path, int *version)
{
	struct store *st;
	unsigned      problems = 0;
	char	      err[512];
	bool	      ok = false;

	if ((st = store_open(path, err, sizeof(err))) == NULL) {
		cmd_err("backup", "cannot reopen the copy: %s", err);
		return false;
	}
	if (store_check(st, STORE_CHECK_INTEGRITY, check_note, "backup",
		&problems) != STORE_OK)
		cmd_err("backup", "cannot check the copy: %s",
		    store_errmsg(st));
	else if (problems > 0)
		cmd_err("backup", "the copy failed its integrity check");
	else if (store_schema_version(st, version) != STORE_OK)
		cmd_err("backup", "cannot read the copy's schema version: %s",
		    store_errmsg(st));
	else
		ok = true;
	store_close(st);
	return ok;
}

int
cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char    *db = NULL, *out, *path, *note;
	char	       tmp[PATH_MAX], err[512], rdb[PATH_MAX], rout[PATH_MAX];
	char	       shown[256];
	struct store  *st = NULL;
	enum store_err e;
	bool	       made = false;
	int	       c, rc = 1, version = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'h':
			return cmd_usage("backup", true);
		default:
			return cmd_usage("backup", false);
		}
	}
	if (optind != argc - 1)
		return cmd_usage("backup", false);
	out = argv[optind];
	db = cmd_db_url(db);
	if (store_url_kind(db) == STORE_URL_PG) {
		note = pg_shown(db, shown, sizeof(shown));
		cmd_err("backup",
		    "a PostgreSQL site is backed up with "
		    "PostgreSQL's own tools, which take a consistent snapshot "
		    "while it serves:\n"
		    "  pg_dump --format=custom --file=%s '%s'\n"
		    "and restored with:\n"
		    "  pg_restore --clean --if-exists --dbname='%s' %s%s",
		    out, shown, shown, out, note);
		return 1;
	}
	/* NULL (not a SQLite site): store_open below says why. */
	path = store_url_path(db);
	if (path && realpath(path, rdb) != NULL &&
	    realpath(out, rout) != NULL && strcmp(rdb, rout) == 0) {
		cmd_err("backup", "'%s' is the site's own database", out);
		return EXIT_USAGE;
	}
	if ((st = store_open(db, err, sizeof(err))) == NULL) {
		cmd_err("backup", "%s", err);
		return 1;
	}
	/* The copy is made beside OUT and renamed over it only once it has
	 * passed its check, so OUT is always either the old backup or a
	 * whole, verified new one. A relative OUT gets "./", so the copy is
	 * reopened as the file it is whatever its name looks like
	 * (store_url_kind: "dbname=x" would be a libpq string). */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s%s.tmp-%ld",
		out[0] == '/' ? "" : "./", out, (long)getpid()) >=
	    sizeof(tmp)) {
		cmd_err("backup", "'%s': path too long", out);
		goto out;
	}
	remove_db_files(tmp);
	made = true;
	if ((e = store_backup_to(st, tmp)) != STORE_OK) {
		if (e == STORE_UNSUPPORTED)
			cmd_err("backup",
			    "the %s backend cannot be backed up "
			    "by gazette; use its own tools",
			    store_driver_name(st));
		else
			cmd_err("backup", "%s", store_errmsg(st));
		goto out;
	}
	store_close(st);
	st = NULL;
	if (!verify_copy(tmp, &version))
		goto out;
	if (rename(tmp, out) != 0) {
		cmd_err("backup", "cannot rename '%s' to '%s': %s", tmp, out,
		    strerror(errno));
		goto out;
	}
	made = false;
	sync_dir_of(out);
	printf("backed up %s (%lld bytes) to %s (%lld bytes, schema version "
	       "%d, integrity ok)\n",
	    path, file_size(path), out, file_size(out), version);
	rc = 0;
out:
	if (made)
		remove_db_files(tmp);
	store_close(st);
	return rc;
}

int
cmd_restore(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char    *db = NULL, *in, *note;
	struct store  *st = NULL;
	enum store_err e;
	char	       err[512], shown[256];
	bool	       force = false;
	int	       c, rc = 1, version = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'f':
			force = true;
			break;
		case 'h':
			return cmd_usage("restore", true);
		default:
			return cmd_usage("restore", false);
		}
	}
	if (optind != argc - 1)
		return cmd_usage("restore", false);
	in = argv[optind];
	db = cmd_db_url(db);
	note = pg_shown(db, shown, sizeof(shown));
	if (store_url_kind(db) == STORE_URL_PG) {
		cmd_err("restore",
		    "a PostgreSQL site is restored with "
		    "PostgreSQL's own tools from a pg_dump archive:\n"
		    "  pg_restore --clean --if-exists --dbname='%s' %s%s",
		    shown, in, note);
		return 1;
	}
	if (access(in, R_OK) != 0) {
		cmd_err("restore", "cannot read '%s': %s", in, strerror(errno));
		return 1;
	}
	if ((st = store_open(db, err, sizeof(err))) == NULL) {
		cmd_err("restore", "%s", err);
		return 1;
	}
	switch ((e = store_restore_from(st, in, force))) {
	case STORE_OK:
		break;
	case STORE_CONFLICT:
		cmd_err("restore", "%s: %s; add --force to replace it", shown,
		    store_errmsg(st));
		goto out;
	case STORE_UNSUPPORTED:
		cmd_err("restore",
		    "the %s backend cannot be restored by "
		    "gazette; use its own tools",
		    store_driver_name(st));
		goto out;
	default:
		cmd_err("restore", "%s", store_errmsg(st));
		goto out;
	}
	if (store_migrate(st, &version) != STORE_OK) {
		cmd_err("restore",
		    "restored, but the schema upgrade failed: "
		    "%s",
		    store_errmsg(st));
		goto out;
	}
	printf("restored %s from %s (schema version %d)\n", shown, in, version);
	rc = 0;
out:
	store_close(st);
	return rc;
}
