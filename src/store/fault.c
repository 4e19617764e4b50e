/* fault.c: a SQLite VFS shim and allocator that fail on demand (test build
 * only), modelled on SQLite's own test_vfs/test_malloc fault injection. */
#include "store/fault.h"

#ifndef GAZETTE_FAULT_INJECTION

void
fault_init(void)
{
}

void
fault_arm_listen(void)
{
}

void
fault_probe(void)
{
}

#else

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum fault_kind {
	FAULT_WRITE = 0,
	FAULT_SYNC,
	FAULT_READ,
	FAULT_BUSY,
	FAULT_ALLOC,
	FAULT__MAX
};

static const char *const
    kind_names[FAULT__MAX] = { "write", "sync", "read", "busy", "alloc" };

static enum fault_kind	   kind = FAULT__MAX;
static long		   target;
static int		   persist;
static atomic_bool	   armed;
static atomic_long	   count;
static sqlite3_vfs	  *base;
static sqlite3_vfs	   shim;
static sqlite3_mem_methods base_mem;

/* true when this operation of kind k is the one to fail. */
static int
fire(enum fault_kind k)
{
	long n;

	if (k != kind || !atomic_load(&armed))
		return 0;
	n = atomic_fetch_add(&count, 1) + 1;
	if (n == target || (persist && n > target)) {
		if (n == target)
			fprintf(stderr,
			    "gazette: fault: injected %s fault "
			    "number %ld\n",
			    kind_names[k], n);
		return 1;
	}
	return 0;
}

struct ffile {
	sqlite3_file  base; /* must be first: our io methods */
	sqlite3_file *real;
};

#define REAL(f) (((struct ffile *)(f))->real)

static int
f_close(sqlite3_file *f)
{
	int rc =
	    REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;

	sqlite3_free(REAL(f));
	return rc;
}

static int
f_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	if (fire(FAULT_READ))
		return SQLITE_IOERR_READ;
	return REAL(f)->pMethods->xRead(REAL(f), p, n, off);
}

static int
f_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	if (fire(FAULT_WRITE))
		return SQLITE_FULL;
	return REAL(f)->pMethods->xWrite(REAL(f), p, n, off);
}

static int
f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
f_sync(sqlite3_file *f, int flags)
{
	if (fire(FAULT_SYNC))
		return SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
f_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
f_lock(sqlite3_file *f, int level)
{
	if (fire(FAULT_BUSY))
		return SQLITE_BUSY;
	return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int
f_unlock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int
f_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
f_fcntl(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
f_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
f_caps(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
f_shmmap(sqlite3_file *f, int pg, int sz, int extend, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, extend, pp);
}

static int
f_shmlock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void
f_shmbarrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
f_shmunmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static const sqlite3_io_methods fio = { 2, f_close, f_read, f_write, f_truncate,
	f_sync, f_size, f_lock, f_unlock, f_reserved, f_fcntl, f_sector, f_caps,
	f_shmmap, f_shmlock, f_shmbarrier, f_shmunmap, NULL, NULL };

static int
v_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out)
{
	struct ffile *ff = (struct ffile *)f;
	int	      rc;

	(void)v;
	ff->real = sqlite3_malloc(base->szOsFile);
	if (ff->real == NULL)
		return SQLITE_NOMEM;
	memset(ff->real, 0, (size_t)base->szOsFile);
	rc = base->xOpen(base, name, ff->real, flags, out);
	if (rc != SQLITE_OK) {
		sqlite3_free(ff->real);
		ff->real = NULL;
		f->pMethods = NULL;
		return rc;
	}
	f->pMethods = &fio;
	return SQLITE_OK;
}

static void *
m_malloc(int n)
{
	return fire(FAULT_ALLOC) ? NULL : base_mem.xMalloc(n);
}

static void *
m_realloc(void *p, int n)
{
	return fire(FAULT_ALLOC) ? NULL : base_mem.xRealloc(p, n);
}

void
fault_init(void)
{
	const char	   *spec = getenv("GAZETTE_FAULT"), *arm, *eq;
	sqlite3_mem_methods mem;
	int		    i;

	if (spec == NULL || (eq = strchr(spec, '=')) == NULL)
		return;
	for (i = 0; i < FAULT__MAX; i++)
		if (strlen(kind_names[i]) == (size_t)(eq - spec) &&
		    strncmp(spec, kind_names[i], (size_t)(eq - spec)) == 0)
			kind = (enum fault_kind)i;
	target = atol(eq + 1);
	if (kind == FAULT__MAX || target < 1) {
		fprintf(stderr, "gazette: fault: bad GAZETTE_FAULT '%s'\n",
		    spec);
		exit(2);
	}
	persist = getenv("GAZETTE_FAULT_PERSIST") != NULL;
	arm = getenv("GAZETTE_FAULT_ARM");
	atomic_store(&armed, !(arm && strcmp(arm, "listen") == 0));
	if (kind == FAULT_ALLOC) {
		sqlite3_config(SQLITE_CONFIG_GETMALLOC, &base_mem);
		mem = base_mem;
		mem.xMalloc = m_malloc;
		mem.xRealloc = m_realloc;
		sqlite3_config(SQLITE_CONFIG_MALLOC, &mem);
	}
	sqlite3_initialize();
	base = sqlite3_vfs_find(NULL);
	shim = *base;
	shim.zName = "gazette-fault";
	shim.szOsFile = (int)sizeof(struct ffile);
	shim.xOpen = v_open;
	sqlite3_vfs_register(&shim, 1);
}

void
fault_arm_listen(void)
{
	atomic_store(&armed, 1);
}

void
fault_probe(void)
{
	const char *path = getenv("GAZETTE_FAULT_PROBE");
	char *const argv[] = { "/bin/true", NULL };
	int	    fd, st, e;
	pid_t	    pid;

	if (path == NULL || *path == '\0')
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	e = errno;
	fprintf(stderr, "gazette: fault: probe write %s: %s\n", path,
	    fd >= 0 ? "ok" : strerror(e));
	if (fd >= 0)
		close(fd);
	/* In a child, so a success does not replace this process; the
	 * child's exit status is execve's errno. */
	if ((pid = fork()) == 0) {
		execve(argv[0], argv, NULL);
		_exit(errno);
	}
	st = 0;
	if (pid > 0)
		waitpid(pid, &st, 0);
	fprintf(stderr, "gazette: fault: probe exec /bin/true: %s\n",
	    pid < 0 ?
		"cannot fork" :
		WIFEXITED(st) && WEXITSTATUS(st) == 0 ?
		"ok" :
		strerror(WIFEXITED(st) ? WEXITSTATUS(st) : EINTR));
	e = unshare(0) == 0 ? 0 : errno;
	fprintf(stderr, "gazette: fault: probe unshare: %s\n",
	    e == 0 ? "ok" : strerror(e));
}

#endif
