/* cmd.h: the command table and what commands share: options and errors.
 *
 * Each command lives in its own file as cmd_NAME(argc, argv) and returns
 * the process exit status. Options may come before or after positional
 * arguments (getopt_long permutes). Errors are one line on stderr,
 * "gazette: COMMAND: problem", printed with cmd_err(). */
#ifndef GAZETTE_CMD_H
#define GAZETTE_CMD_H

#include <stdbool.h>

struct store;

struct cmd {
	const char *name;
	int (*fn)(int, char **);
	const char *usage;   /* options and arguments */
	const char *summary; /* one line */
	const char *help;    /* the rest of `gazette NAME --help` */
};

extern const struct cmd commands[];
extern const unsigned	commands_n;

#define EXIT_USAGE 2

void cmd_err(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prints the usage of command name and returns EXIT_USAGE, or 0 when
 * asked for (--help). */
int cmd_usage(const char *name, bool asked);
/* --db URL, else $GAZETTE_DB, else ./gazette.db */
const char *cmd_db_url(const char *flag);
/* Opens the database and brings its schema up to date; NULL after an
 * error message. */
struct store *cmd_open(const char *cmd, const char *url, bool migrate);

int cmd_help(int, char **);
int cmd_init(int, char **);
int cmd_serve(int, char **);
int cmd_import(int, char **);
int cmd_demo(int, char **);
int cmd_user(int, char **);
int cmd_token(int, char **);
int cmd_comment(int, char **);
int cmd_backup(int, char **);
int cmd_restore(int, char **);
int cmd_check(int, char **);
int cmd_export(int, char **);
int cmd_migrate(int, char **);
int cmd_build(int, char **);

#endif
