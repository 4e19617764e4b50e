/* confine.h: what `serve` gives up once started (Landlock, seccomp).
 *
 * Once the database is open and the theme loaded, serve keeps only what
 * serving needs. On the filesystem (Landlock, where the kernel has it):
 * read on the theme directories and the time zone database, read and
 * write on the database's directory (SQLite creates its -wal and -shm
 * files there), execute on the gazette binary alone (the SIGUSR2
 * successor re-executes it; its loader and libraries are readable), and
 * nothing else: no writes anywhere else. In the kernel's interface
 * (seccomp, everywhere): a list of system calls serving never makes
 * (ptrace, mount, kexec, bpf, module loading, namespaces, keyrings, …)
 * fails with EPERM. execve stays allowed for that same hand-off; with
 * Landlock only the gazette binary can be executed.
 *
 * The sanitizer build alone keeps ptrace and read on /proc, which
 * LeakSanitizer needs at exit.
 *
 * Both last for the life of the process and pass to a successor. They
 * are turned off with `serve --no-sandbox` or GAZETTE_SANDBOX=off, for
 * debugging. */
#ifndef GAZETTE_UTIL_CONFINE_H
#define GAZETTE_UTIL_CONFINE_H

#include <stdbool.h>
#include <stddef.h>

#define CONFINE_MAX_PATHS 8

struct confine {
	const char *read[CONFINE_MAX_PATHS]; /* directories or files */
	size_t	    nread;
	const char *write[CONFINE_MAX_PATHS]; /* directories */
	size_t	    nwrite;
	const char *exe; /* the one executable, or NULL */
};

/* Applies both to the calling process (call it before any other thread
 * starts: Landlock binds the calling thread and those it creates later).
 * Writes a line saying what was applied to what (for the log) and
 * returns true; false, with the reason in what, when a layer the kernel
 * offers could not be applied (serve then refuses to start). */
bool confine_apply(const struct confine *, char *what, size_t n);

#endif
