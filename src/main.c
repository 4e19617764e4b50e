/* main.c: argv → the command table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cmd/cmd.h"
#include "render/body.h"
#include "store/fault.h"
#include "store/store.h"

#ifndef GAZETTE_VERSION
#define GAZETTE_VERSION "0.1.0"
#endif

int
main(int argc, char **argv)
{
	unsigned i;

	if (sodium_init() < 0) {
		fprintf(stderr, "gazette: cannot initialise libsodium\n");
		return 1;
	}
	fault_init();
	/* The store never renders: a migration that must index bodies
	 * already stored makes their text with this. */
	store_on_body_text(article_body_text);
	if (argc < 2) {
		cmd_help(1, argv);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		printf("gazette %s\n", GAZETTE_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(argc - 1, argv + 1);
	for (i = 0; i < commands_n; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "gazette: unknown command '%s' (see 'gazette help')\n",
	    argv[1]);
	return EXIT_USAGE;
}
