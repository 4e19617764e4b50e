/* check.c: gazette check — is the database sound, is the theme usable. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "render/tmpl.h"
#include "site/page.h"
#include "store/store.h"

static void
finding(void *ctx, bool problem, const char *text)
{
	(void)ctx;
	printf("%s: %s\n", problem ? "PROBLEM" : "ok", text);
}

/* A SQLite site's files that other users can read or write: made by a
 * gazette from before it created them FILE_MODE_PRIVATE (util/file.h), or
 * opened up since. gazette leaves an existing file's mode alone (a group
 * may be let in on purpose) but says so here. */
static void
check_modes(const char *db, unsigned *problems)
{
	static const char *const sides[] = { "", "-wal", "-shm", "-journal" };
	const char		*path = store_url_path(db);
	char			 name[4200];
	struct stat		 st;
	size_t			 i;
	bool			 open_to_others = false;

	if (path == NULL)
		return;
	for (i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
		snprintf(name, sizeof(name), "%s%s", path, sides[i]);
		if (stat(name, &st) != 0 || (st.st_mode & S_IRWXO) == 0)
			continue;
		printf(
		    "PROBLEM: %s can be read by other users (mode %04o) and "
		    "holds password hashes, keys and emails; chmod o-rwx it\n",
		    name, (unsigned)(st.st_mode & 07777));
		open_to_others = true;
		(*problems)++;
	}
	if (!open_to_others)
		printf("ok: the database files are closed to other users\n");
}

int
cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "theme", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*db = NULL, *theme = NULL, *v;
	struct tmpl_set *ts;
	struct store	*st;
	unsigned	 problems = 0;
	char		 err[512];
	int		 c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'T':
			theme = optarg;
			break;
		case 'h':
			return cmd_usage("check", true);
		default:
			return cmd_usage("check", false);
		}
	}
	if (optind != argc)
		return cmd_usage("check", false);
	db = cmd_db_url(db);
	if (theme == NULL && (v = getenv("GAZETTE_THEME")) != NULL && *v)
		theme = v;
	fflush(stdout);
	if ((st = store_open(db, err, sizeof(err))) == NULL) {
		printf("PROBLEM: the database cannot be opened: %s\n", err);
		problems++;
	} else {
		if (store_check(st, STORE_CHECK_ALL, finding, NULL,
			&problems) != STORE_OK) {
			printf("PROBLEM: the check could not finish: %s\n",
			    store_errmsg(st));
			problems++;
		}
		store_close(st);
		check_modes(db, &problems);
	}
	if ((ts = tmpl_set_load(site_default_theme(), theme, err,
		 sizeof(err))) == NULL) {
		printf("PROBLEM: the theme does not load: %s\n", err);
		problems++;
	} else {
		printf("ok: theme %s%s%s: every template compiles\n",
		    site_default_theme(), theme ? " with " : "",
		    theme ? theme : "");
		tmpl_set_free(ts);
	}
	if (problems)
		printf("%u problem%s found\n", problems,
		    problems == 1 ? "" : "s");
	else
		printf("no problems found\n");
	return problems ? 1 : 0;
}
