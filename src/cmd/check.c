/* check.c: gazette check — is the database sound, is the theme usable. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "site/page.h"
#include "render/tmpl.h"
#include "store/store.h"

static void
finding(void *ctx, bool problem, const char *text)
{
	(void)ctx;
	printf("%s: %s\n", problem ? "PROBLEM" : "ok", text);
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
	const char *db = NULL, *theme = NULL, *v;
	struct tmpl_set *ts;
	struct store *st;
	unsigned problems = 0;
	char err[512];
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'T': theme = optarg; break;
		case 'h': return cmd_usage("check", true);
		default: return cmd_usage("check", false);
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
		printf("%u problem%s found\n", problems, problems == 1 ? "" :
		    "s");
	else
		printf("no problems found\n");
	return problems ? 1 : 0;
}
