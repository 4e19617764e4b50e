/* replay.c: runs a fuzz driver over saved inputs, without libFuzzer.
 *
 * `make test` links every driver with this main and feeds it each file of
 * fuzz/corpus/NAME and fuzz/regression/NAME, so every crasher ever found
 * stays a regression test under gcc and under the sanitizers. A driver
 * signals a broken property by aborting, which fails the suite. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
run_file(const char *path)
{
	struct stat st;
	uint8_t *data;
	FILE *f;
	size_t n;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	/* Exactly the input's size, so an over-read shows under ASan. */
	data = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	n = fread(data, 1, (size_t)st.st_size, f);
	fclose(f);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 1;
}

int
main(int argc, char **argv)
{
	char path[4096];
	struct dirent *de;
	const char *name = argc > 1 ? argv[1] : "fuzz";
	int i, count = 0;
	DIR *d;

	for (i = 2; i < argc; i++) {
		if ((d = opendir(argv[i])) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i],
			    de->d_name);
			count += run_file(path);
		}
		closedir(d);
	}
	/* The empty input is always worth a run. */
	LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
	count++;
	printf("fuzz-%s: %d passed, 0 failed\n", name, count);
	return 0;
}
