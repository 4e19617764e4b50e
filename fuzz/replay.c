/* replay.c: runs a fuzz driver over saved inputs, without libFuzzer.
 *
 * `make test` links every driver with this main and feeds it each file of
 * fuzz/corpus/NAME and fuzz/regression/NAME, so every crasher ever found
 * stays a regression test under gcc and under the sanitizers:
 *   replay-NAME NAME FOLDER...
 *
 * Each input is one case, run in a child process of its own: a driver
 * signals a broken property by aborting, and a child killed by a signal
 * or exiting non-zero (a sanitizer's report, a leak at exit) fails that
 * case, named by its file, while the other inputs still run and the
 * summary line still prints. A folder that cannot be read is a failed
 * case too: a missing corpus must not pass as an empty one. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int cases, failed;

/* Runs the driver on one input in a child; counts the case. */
static void
run_input(const char *label, const uint8_t *data, size_t n)
{
	pid_t pid;
	int   status;

	cases++;
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		printf("FAIL %s: cannot fork: %s\n", label, strerror(errno));
		failed++;
		return;
	}
	if (pid == 0) {
		LLVMFuzzerTestOneInput(data, n);
		/* exit, not _exit: LeakSanitizer checks at exit. */
		exit(0);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			printf("FAIL %s: waitpid: %s\n", label,
			    strerror(errno));
			failed++;
			return;
		}
	}
	if (WIFSIGNALED(status)) {
		printf("FAIL %s: killed by signal %d (%s)\n", label,
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
		failed++;
	} else if (WEXITSTATUS(status) != 0) {
		printf("FAIL %s: exited %d\n", label, WEXITSTATUS(status));
		failed++;
	}
}

static void
run_file(const char *path)
{
	struct stat st;
	uint8_t	   *data = NULL;
	FILE	   *f = NULL;
	size_t	    n;

	if (stat(path, &st) != 0) {
		cases++;
		failed++;
		printf("FAIL %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode))
		goto out;
	if ((f = fopen(path, "rb")) == NULL) {
		cases++;
		failed++;
		printf("FAIL %s: cannot open: %s\n", path, strerror(errno));
		goto out;
	}
	/* Exactly the input's size, so an over-read shows under ASan. */
	if ((data = malloc(st.st_size > 0 ? (size_t)st.st_size : 1)) == NULL)
		abort();
	n = fread(data, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		cases++;
		failed++;
		printf("FAIL %s: cannot read\n", path);
		goto out;
	}
	run_input(path, data, n);
out:
	free(data);
	if (f != NULL)
		fclose(f);
}

/* The folder's inputs in name order (dot files, such as the .keep of a
 * folder with no input yet, are not inputs). */
static void
run_folder(const char *dir)
{
	char		path[4096];
	struct dirent **de;
	int		i, n;

	if ((n = scandir(dir, &de, NULL, alphasort)) < 0) {
		cases++;
		failed++;
		printf("FAIL %s: cannot read the folder: %s\n", dir,
		    strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		if (de[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir,
			    de[i]->d_name);
			run_file(path);
		}
		free(de[i]);
	}
	free(de);
}

/* n with a comma every three digits, as every suite prints its counts. */
static const char *
num(char *buf, size_t sz, int n)
{
	char   d[16];
	size_t len, i, o = 0;

	snprintf(d, sizeof(d), "%d", n);
	len = strlen(d);
	for (i = 0; i < len && o + 2 < sz; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = d[i];
	}
	buf[o] = '\0';
	return buf;
}

int
main(int argc, char **argv)
{
	char	    a[20], b[20], c[20], d[20];
	const char *name = argc > 1 ? argv[1] : "fuzz";
	int	    i;

	for (i = 2; i < argc; i++)
		run_folder(argv[i]);
	/* The empty input is always worth a run. */
	run_input("(empty input)", (const uint8_t *)"", 0);
	/* One input is one case and its one check. */
	printf("fuzz-%s: %s cases, %s checks: %s passed, %s failed\n", name,
	    num(a, sizeof(a), cases), num(b, sizeof(b), cases),
	    num(c, sizeof(c), cases - failed), num(d, sizeof(d), failed));
	return failed ? 1 : 0;
}
