/* cmd.c: the command table, help, and what the commands share. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "store/store.h"

const struct cmd commands[] = {
	{ "help", cmd_help, "[COMMAND]", "show help for gazette or a command",
	    "" },
	{ "init", cmd_init, "[--db URL]",
	    "create or upgrade the database schema",
	    "Creates the database (a SQLite file is created if absent) and\n"
	    "applies every schema migration it lacks. Safe to run again.\n" },
	{ "serve", cmd_serve,
	    "[--db URL] [--listen ADDR:PORT] [--threads N] [--theme DIR]\n"
	    "       [--base-url URL] [--no-access-log]",
	    "serve the site over HTTP",
	    "Serves the site (default 127.0.0.1:8080), after bringing the schema\n"
	    "up to date. Prints 'listening on http://ADDR:PORT' once it accepts\n"
	    "connections. SIGTERM or SIGINT stop accepting, finish the requests in\n"
	    "flight and close the database.\n"
	    "  --listen ADDR:PORT  address to listen on ($GAZETTE_LISTEN)\n"
	    "  --threads N         server threads, each with its own database\n"
	    "                      connection ($GAZETTE_THREADS; default: cores)\n"
	    "  --theme DIR         templates and static files that override the\n"
	    "                      default theme's ($GAZETTE_THEME)\n"
	    "  --base-url URL      absolute URL of the site ($GAZETTE_BASE_URL)\n"
	    "  --no-access-log     no request log on stderr\n"
	    "                      ($GAZETTE_ACCESS_LOG=off)\n"
	    "Site settings come from the database, then GAZETTE_TITLE,\n"
	    "GAZETTE_DESCRIPTION, GAZETTE_BASE_URL, GAZETTE_LANGUAGE,\n"
	    "GAZETTE_TIMEZONE and GAZETTE_MODERATION, then flags.\n" },
	{ "import", cmd_import, "[--db URL] [--dry-run] FILE|DIR...",
	    "import Markdown articles with front matter",
	    "Imports Markdown files (a directory stands for its *.md files).\n"
	    "Each starts with front matter between '---' lines:\n"
	    "  title (required), slug, date (RFC 3339), author, tags ([a, b]),\n"
	    "  summary, status (published | draft | scheduled)\n"
	    "All files import in one transaction: one bad file imports nothing,\n"
	    "and the error names the file, the line and the problem.\n"
	    "  --dry-run  check everything, write nothing\n" },
	{ "demo", cmd_demo, "[--db URL]",
	    "create a demo site holding the seed article",
	    "Initialises the database and imports the demo article (China and\n"
	    "Kazakhstan, January 2022). Refuses a database that already has\n"
	    "articles.\n" },
	{ "migrate", cmd_migrate, "--from URL --to URL",
	    "copy a whole site to another database (SQLite <-> PostgreSQL)",
	    "Copies every article, tag, user, comment and setting from one\n"
	    "database to another, keeping ids, in one transaction on the\n"
	    "target: a SQLite site onto PostgreSQL, or back. The source must be\n"
	    "at the current schema ('gazette init' upgrades it); the target's\n"
	    "schema is created, and a target that already holds anything is\n"
	    "refused. Then both sides are read back: row counts per table and\n"
	    "a checksum of the content are printed, and the command fails if\n"
	    "they differ. Stop writes to the source (the servers) first.\n"
	    "  --from URL  the site to copy (a SQLite path or postgresql://...)\n"
	    "  --to URL    an empty database to copy it into\n" },
};
const unsigned commands_n = sizeof(commands) / sizeof(commands[0]);

void
cmd_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "gazette: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const struct cmd *
find(const char *name)
{
	unsigned i;

	for (i = 0; i < commands_n; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int
cmd_usage(const char *name, bool asked)
{
	const struct cmd *c = find(name);
	FILE *f = asked ? stdout : stderr;

	if (c == NULL)
		return EXIT_USAGE;
	fprintf(f, "usage: gazette %s %s\n", c->name, c->usage);
	if (asked)
		fprintf(f, "%s.\n%s%s", c->summary, *c->help ? "\n" : "",
		    c->help);
	return asked ? 0 : EXIT_USAGE;
}

int
cmd_help(int argc, char **argv)
{
	unsigned i;

	if (argc > 1) {
		if (find(argv[1]) == NULL) {
			cmd_err("help", "unknown command '%s'", argv[1]);
			return EXIT_USAGE;
		}
		return cmd_usage(argv[1], true);
	}
	printf("usage: gazette COMMAND [OPTIONS]\n\n"
	    "gazette publishes a news site or blog with reader comments.\n\n"
	    "Commands:\n");
	for (i = 0; i < commands_n; i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].summary);
	printf("\nCommands on a site take --db URL (default $GAZETTE_DB, else "
	    "./gazette.db):\na file path is SQLite, postgresql://user@host/db "
	    "PostgreSQL.\n'gazette COMMAND --help' "
	    "tells more;\n'gazette --version' prints the version.\n");
	return 0;
}

const char *
cmd_db_url(const char *flag)
{
	const char *env;

	if (flag && *flag)
		return flag;
	if ((env = getenv("GAZETTE_DB")) != NULL && *env)
		return env;
	return "gazette.db";
}

struct store *
cmd_open(const char *cmd, const char *url, bool migrate)
{
	struct store *st;
	char err[512];
	int version, have;

	if ((st = store_open(url, err, sizeof(err))) == NULL) {
		cmd_err(cmd, "%s", err);
		return NULL;
	}
	if (migrate) {
		if (store_migrate(st, &version) != STORE_OK) {
			cmd_err(cmd, "cannot apply the schema: %s",
			    store_errmsg(st));
			store_close(st);
			return NULL;
		}
	} else if (store_schema_version(st, &have) != STORE_OK ||
	    have < store_schema_latest()) {
		cmd_err(cmd, "the database schema is not current; run "
		    "'gazette init' first");
		store_close(st);
		return NULL;
	}
	return st;
}
