/* cmd.c: the command table, help, and what the commands share. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache.h"
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
	    "       [--base-url URL] [--access-log text|json|off]\n"
	    "       [--no-access-log] [--trusted-proxy CIDR]... [--no-sandbox]",
	    "serve the site over HTTP",
	    "Serves the site (default 127.0.0.1:8080), after bringing the schema\n"
	    "up to date. Prints 'listening on http://ADDR:PORT' once it accepts\n"
	    "connections. /metrics answers in the Prometheus text format, to\n"
	    "the clients in GAZETTE_METRICS_ALLOW only (addresses and\n"
	    "networks, comma-separated; default 127.0.0.0/8,::1; 'none':\n"
	    "nobody); others get 404. Behind a proxy that is the client it\n"
	    "names, if the proxy is trusted.\n"
	    "  --listen ADDR:PORT    address to listen on ($GAZETTE_LISTEN)\n"
	    "  --threads N           server threads, each with its own database\n"
	    "                        connection ($GAZETTE_THREADS; default: cores)\n"
	    "  --theme DIR           templates and static files that override the\n"
	    "                        default theme's ($GAZETTE_THEME); the default\n"
	    "                        theme is the one beside the binary in a build\n"
	    "                        tree, else the installed one, never one in\n"
	    "                        the working directory\n"
	    "  --base-url URL        absolute URL of the site ($GAZETTE_BASE_URL)\n"
	    "  --access-log FORMAT   request log on stderr: text (default), json\n"
	    "                        or off ($GAZETTE_ACCESS_LOG)\n"
	    "  --no-access-log       the same as --access-log off\n"
	    "  --trusted-proxy CIDR  a reverse proxy whose X-Forwarded-For and\n"
	    "                        X-Forwarded-Proto are believed; repeatable\n"
	    "                        ($GAZETTE_TRUSTED_PROXIES, comma-separated)\n"
	    "  --no-sandbox          do not confine the server after start-up\n"
	    "                        (GAZETTE_SANDBOX=off): by default Landlock\n"
	    "                        limits files to the theme, the time zones\n"
	    "                        and the database's directory, and seccomp\n"
	    "                        denies system calls a server never needs\n"
	    "Query strings: '&' alone separates parameters, names and values\n"
	    "are percent-decoded, '+' is a space. A page reads only its own\n"
	    "parameters and ignores others (the API refuses them with 400); one\n"
	    "of its own that is malformed (broken escape, NUL, not UTF-8) or\n"
	    "given twice is a 400 naming it.\n"
	    "Site settings come from the database, then GAZETTE_TITLE,\n"
	    "GAZETTE_DESCRIPTION, GAZETTE_BASE_URL, GAZETTE_LANGUAGE,\n"
	    "GAZETTE_TIMEZONE and GAZETTE_MODERATION, then flags.\n"
	    "Slow clients: GAZETTE_BODY_TIMEOUT (seconds to send a request\n"
	    "body; default 30) and GAZETTE_BODY_MIN_RATE (bytes a second a\n"
	    "body must average after its first 2 s; default 1024, 0 none);\n"
	    "a client too slow is disconnected.\n"
	    "Searches: GAZETTE_SEARCH_BUDGET_MS is the database time one may\n"
	    "take (default 1000, 0 no limit; past it: 503), and\n"
	    "GAZETTE_SEARCH_CONCURRENCY how many run at once (default one fewer\n"
	    "than the threads; one more: 503 at once). A prefix (word*) needs 2\n"
	    "letters, a search at most 4 of them (else 400). Result pages are\n"
	    "kept in the page cache (GAZETTE_CACHE_MB, default 32; 0 none).\n"
	    "Signals: SIGTERM or SIGINT stop accepting, finish the requests in\n"
	    "flight and close the database; SIGHUP reloads settings and theme;\n"
	    "SIGUSR2 starts a new gazette on the same listening socket (then\n"
	    "SIGTERM the old one: no connection is dropped). See gazette(1).\n" },
	{ "import", cmd_import, "[--db URL] [--dry-run] FILE|DIR...",
	    "import Markdown articles, a WordPress or a Blogger export",
	    "Imports Markdown files (a directory stands for its *.md files),\n"
	    "WordPress exports (WXR) and Blogger exports (Atom), told apart by\n"
	    "their content. Markdown starts with front matter between '---' lines:\n"
	    "  title (required), slug, date (RFC 3339), author, tags ([a, b]),\n"
	    "  summary, status (published | draft | scheduled),\n"
	    "  format (markdown | html), comments (open | closed)\n"
	    "WordPress and Blogger bodies are HTML, kept as HTML after passing an\n"
	    "allow-list (no scripts, event handlers or dangerous URLs); their old\n"
	    "links (/?p=N, /YYYY/MM/DD/slug/, /YYYY/MM/slug.html) answer 301 to\n"
	    "the new ones. XML with a DOCTYPE is refused (no entity expansion,\n"
	    "no external entities, no network).\n"
	    "All files import in one transaction: one bad file imports nothing,\n"
	    "and the error names the file, the line and the problem.\n"
	    "  --dry-run  check everything, write nothing; print what would be\n"
	    "             imported and every item or field dropped, and why\n" },
	{ "export", cmd_export,
	    "[--db URL] [--format wxr|markdown] [--base-url URL] OUT",
	    "export every article as WXR or Markdown",
	    "Writes every article, importable again without loss:\n"
	    "  --format wxr       one WordPress WXR 1.2 file OUT (the default)\n"
	    "  --format markdown  a directory OUT of SLUG.md files with front\n"
	    "                     matter\n"
	    "  --base-url URL     for the links in WXR ($GAZETTE_BASE_URL, then\n"
	    "                     the site setting)\n"
	    "Existing files are never overwritten. They hold commenters' emails:\n"
	    "they are made readable by their owner alone (0600, less the umask).\n" },
	{ "build", cmd_build,
	    "--out DIR [--db URL] [--base-url URL] [--live-url URL]\n"
	    "       [--jobs N] [--theme DIR]",
	    "write the public site as static files",
	    "Writes every public page, listing (with its later pages), tag,\n"
	    "author and archive page, feed, sitemap, robots.txt, 404.html and\n"
	    "static file to DIR, at its URL path (/2022/01/slug is\n"
	    "DIR/2022/01/slug/index.html; an author's pages are at the slug of\n"
	    "the byline, /authors/j-smith), rendered by the same templates and\n"
	    "code as serve, with a gzip copy (FILE.gz) beside each text file.\n"
	    "The site is written beside DIR first and replaces DIR only when\n"
	    "complete: a failed or interrupted build leaves DIR as it was. DIR\n"
	    "must be absent, empty, or an earlier build's output.\n"
	    "  --out DIR        where the site goes\n"
	    "  --base-url URL   absolute URL the site will be served at, for\n"
	    "                   feeds, sitemaps and canonical links\n"
	    "                   ($GAZETTE_BASE_URL, then the site setting)\n"
	    "  --live-url URL   the running gazette that search, comment\n"
	    "                   posting and replies link to (default: the base\n"
	    "                   URL); '' leaves those out\n"
	    "  --jobs N         worker threads, each with its own database\n"
	    "                   connection (default: cores)\n"
	    "  --theme DIR      templates and static files that override the\n"
	    "                   default theme's ($GAZETTE_THEME)\n"
	    "A progress bar is drawn on a terminal; a count line ends the run.\n" },
	{ "user", cmd_user,
	    "add NAME --role admin|editor|author [--display-name TEXT]\n"
	    "       | list | passwd NAME | remove NAME  [--db URL]",
	    "manage the people who sign in",
	    "add and passwd read the password as one line from standard input\n"
	    "(at least 10 characters); it is stored as an argon2id hash.\n"
	    "passwd also signs the user out everywhere and revokes their API\n"
	    "tokens. remove keeps the user's articles and refuses to remove\n"
	    "the last admin. list prints name, role and display name, one per\n"
	    "line.\n" },
	{ "token", cmd_token, "create NAME | list | revoke ID  [--db URL]",
	    "manage API tokens",
	    "create prints a new API token for user NAME alone on standard\n"
	    "output, once: only its hash is stored. It acts with that user's\n"
	    "role (Authorization: Bearer TOKEN). list shows every token's number,\n"
	    "user and state; revoke ID stops one from working at once.\n" },
	{ "demo", cmd_demo, "[--db URL]",
	    "create a demo site holding the seed article",
	    "Initialises the database and imports the demo article (China and\n"
	    "Kazakhstan, January 2022). Refuses a database that already has\n"
	    "articles.\n" },
	{ "comment", cmd_comment,
	    "[--db URL] list [--status S] [--article ID]\n"
	    "       [--db URL] approve|spam|delete|hold ID...",
	    "list and moderate reader comments",
	    "'list' prints the newest 1000 comments, one a line, tab-separated:\n"
	    "id, status, article id, parent id (0: none), author, email and\n"
	    "the start of the text. The actions set the status of each ID:\n"
	    "approve publishes, spam and delete hide (nothing is erased), hold\n"
	    "puts a comment back in the moderation queue. approve and spam\n"
	    "also train the spam classifier, as the admin's queue does, and\n"
	    "trust or distrust the browser that posted the comment.\n"
	    "  --status S    pending, approved, spam or deleted\n"
	    "  --article ID  one article's comments\n"
	    "Comment settings: 'moderation' (GAZETTE_MODERATION: none, first\n"
	    "or all; first holds a browser's comments until one is approved:\n"
	    "what is trusted is its gz_commenter cookie, never an email, and\n"
	    "posts through the API always wait), 'comments_close_days'\n"
	    "(GAZETTE_COMMENTS_CLOSE_DAYS; 0 never), 'spam_threshold'\n"
	    "(GAZETTE_SPAM_THRESHOLD; default 0.9: a new comment scored\n"
	    "above it is held as spam),\n"
	    "GAZETTE_COMMENT_MIN_FILL (seconds from showing the form to\n"
	    "accepting it; default 3, 0 off) and GAZETTE_COMMENT_RATE (posts\n"
	    "per address per minute; default 6, 0 off).\n" },
	{ "backup", cmd_backup, "[--db URL] OUT",
	    "copy the live database to OUT, consistently",
	    "Copies a SQLite site while it serves (readers and writers go on),\n"
	    "as one consistent snapshot, to a file beside OUT; checks the copy\n"
	    "(integrity_check) and only then renames it to OUT, replacing an\n"
	    "older backup there; the copy is readable by its owner alone (0600).\n"
	    "Prints the sizes. For a PostgreSQL site it explains how to use\n"
	    "pg_dump instead (the password shown as ***), and exits 1.\n" },
	{ "restore", cmd_restore, "[--db URL] [--force] IN",
	    "replace the database with the backup IN",
	    "Checks IN (integrity, a gazette schema no newer than this\n"
	    "binary's), copies it over the site's database and brings its\n"
	    "schema up to date. Refuses a site that holds articles, comments\n"
	    "or users unless --force is given.\n"
	    "  --force  replace a site that is not empty\n" },
	{ "check", cmd_check, "[--db URL] [--theme DIR]",
	    "check the database and the theme, in plain words",
	    "Checks the database file (integrity_check), foreign keys and\n"
	    "orphaned rows, counters, the schema version, the full-text search\n"
	    "index (when there is one), that other users cannot read the database\n"
	    "files, and that every template of the theme compiles. Prints one\n"
	    "line per finding ('ok: …' or 'PROBLEM: …');\n"
	    "exits 1 when there is a problem.\n"
	    "  --theme DIR  the overlay theme to check too ($GAZETTE_THEME)\n" },
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
	FILE		 *f = asked ? stdout : stderr;

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
		if (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0)
			return cmd_usage("help", true);
		if (find(argv[1]) == NULL) {
			cmd_err("help", "unknown command '%s'", argv[1]);
			return EXIT_USAGE;
		}
		return cmd_usage(argv[1], true);
	}
	printf(
	    "usage: gazette COMMAND [OPTIONS]\n\n"
	    "gazette publishes a news site or blog with reader comments.\n\n"
	    "Commands:\n");
	for (i = 0; i < commands_n; i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].summary);
	printf(
	    "\nCommands on a site take --db URL (default $GAZETTE_DB, else "
	    "./gazette.db):\na file path is SQLite, postgresql://user@host/db "
	    "PostgreSQL; nothing else\nis taken (no libpq host=... strings), "
	    "and no message shows its password.\nA SQLite database gazette "
	    "creates is readable by its owner alone (0600).\n"
	    "'gazette COMMAND --help' tells more;\n'gazette --version' prints "
	    "the version.\n");
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

static const char *cli_db_url;

static void
cli_changed(void *ctx, const char *const *keys, size_t n)
{
	(void)ctx;
	cache_notify_send(cli_db_url, keys, n);
}

struct store *
cmd_open(const char *cmd, const char *url, bool migrate)
{
	struct store *st;
	char	      err[512];
	int	      version, have;

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
		cmd_err(cmd,
		    "the database schema is not current; run "
		    "'gazette init' first");
		store_close(st);
		return NULL;
	}
	/* What this command writes reaches a server's page cache on the
	 * same database (serve replaces the hook with its own). */
	cli_db_url = url;
	store_on_change(cli_changed, NULL);
	return st;
}
