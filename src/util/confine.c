/* confine.c: Landlock and seccomp for serve (see confine.h). */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/confine.h"

/* LeakSanitizer stops the process's threads at exit with ptrace, after
 * listing them in /proc: the sanitizer builds (make asan) keep both. */
#if defined(__SANITIZE_ADDRESS__)
#define CONFINE_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CONFINE_SANITIZER 1
#endif
#endif
#ifndef CONFINE_SANITIZER
#define CONFINE_SANITIZER 0
#endif

/* Rights on files (the rest apply to directories only). */
#define LL_FILE \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	    LANDLOCK_ACCESS_FS_READ_FILE | LL_TRUNCATE | LL_IOCTL)
#define LL_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_WRITE \
	(LL_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	    LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG | \
	    LL_TRUNCATE)
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
#define LL_TRUNCATE LANDLOCK_ACCESS_FS_TRUNCATE
#else
#define LL_TRUNCATE 0
#endif
#ifdef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LL_IOCTL LANDLOCK_ACCESS_FS_IOCTL_DEV
#else
#define LL_IOCTL 0
#endif

/* Every filesystem right the kernel's ABI knows: all are denied unless a
 * rule grants them. */
static uint64_t
ll_handled(int abi)
{
	uint64_t h = ((uint64_t)LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;

#ifdef LANDLOCK_ACCESS_FS_REFER
	if (abi >= 2)
		h |= LANDLOCK_ACCESS_FS_REFER;
#endif
	if (abi >= 3)
		h |= LL_TRUNCATE;
	if (abi >= 5)
		h |= LL_IOCTL;
	return h;
}

/* One rule; a path that does not exist is skipped (there is nothing to
 * reach through it). */
static bool
ll_rule(int ruleset, const char *path, uint64_t access, uint64_t handled,
    struct buf *log, char *what, size_t n)
{
	struct landlock_path_beneath_attr pb = { 0 };
	struct stat			  st;
	int				  fd;

	if ((fd = open(path, O_PATH | O_CLOEXEC)) < 0)
		return true;
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		access &= LL_FILE;
	pb.allowed_access = access & handled;
	pb.parent_fd = fd;
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH,
		&pb, 0) != 0) {
		snprintf(what, n, "landlock: cannot add a rule for '%s': %s",
		    path, strerror(errno));
		close(fd);
		return false;
	}
	close(fd);
	buf_printf(log, " %s", path);
	return true;
}

/* The ELF interpreter (dynamic loader) the successor's exec needs. */
static int
interp_of(struct dl_phdr_info *info, size_t size, void *out)
{
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_INTERP) {
			*(const char **)out = (const char *)(info->dlpi_addr +
			    info->dlpi_phdr[i].p_vaddr);
			return 1;
		}
	return 1; /* the first object is the program: stop there */
}

static bool
landlock(const struct confine *c, struct buf *log, char *what, size_t n)
{
	static const char *const     libs[] = { "/lib", "/lib64", "/usr/lib",
		    "/usr/lib64", "/etc/ld.so.cache", NULL };
	struct landlock_ruleset_attr ra = { 0 };
	const char		    *interp = NULL;
	uint64_t		     h;
	int			     abi, rs;
	size_t			     i;
	bool			     ok = false;

	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1) {
		buf_printf(log, "landlock: not available (%s); ",
		    strerror(errno));
		return true;
	}
	h = ll_handled(abi);
	ra.handled_access_fs = h;
	if ((rs = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra),
		 0)) < 0) {
		snprintf(what, n, "landlock: cannot create a ruleset: %s",
		    strerror(errno));
		return false;
	}
	buf_printf(log, "landlock ABI %d: read", abi);
	for (i = 0; i < c->nread; i++)
		if (!ll_rule(rs, c->read[i], LL_READ, h, log, what, n))
			goto out;
	if (CONFINE_SANITIZER &&
	    !ll_rule(rs, "/proc", LL_READ, h, log, what, n))
		goto out;
	buf_puts(log, "; read-write");
	for (i = 0; i < c->nwrite; i++)
		if (!ll_rule(rs, c->write[i], LL_WRITE, h, log, what, n))
			goto out;
	if (c->exe) {
		buf_puts(log, "; execute");
		dl_iterate_phdr(interp_of, &interp);
		if (!ll_rule(rs, c->exe,
			LANDLOCK_ACCESS_FS_EXECUTE |
			    LANDLOCK_ACCESS_FS_READ_FILE,
			h, log, what, n) ||
		    (interp &&
			!ll_rule(rs, interp,
			    LANDLOCK_ACCESS_FS_EXECUTE |
				LANDLOCK_ACCESS_FS_READ_FILE,
			    h, log, what, n)))
			goto out;
		buf_puts(log, "; read, for the loader");
		for (i = 0; libs[i]; i++)
			if (!ll_rule(rs, libs[i], LL_READ, h, log, what, n))
				goto out;
	}
	if (syscall(SYS_landlock_restrict_self, rs, 0) != 0) {
		/* A successor stacks a layer on its predecessor's; past the
		 * kernel's depth it keeps the inherited one, as strict. */
		if (errno != E2BIG) {
			snprintf(what, n, "landlock: cannot restrict: %s",
			    strerror(errno));
			goto out;
		}
		buf_puts(log, " (inherited: too many layers to add one)");
	}
	buf_puts(log, "; ");
	ok = true;
out:
	close(rs);
	return ok;
}

static bool
seccomp(struct buf *log, char *what, size_t n)
{
	/* System calls a web server never makes; each fails with EPERM. */
	static const char *const deny[] = {
		"ptrace",
		"process_vm_readv",
		"process_vm_writev",
		"mount",
		"umount2",
		"pivot_root",
		"chroot",
		"move_mount",
		"open_tree",
		"fsopen",
		"fsmount",
		"fsconfig",
		"fspick",
		"mount_setattr",
		"kexec_load",
		"kexec_file_load",
		"reboot",
		"init_module",
		"finit_module",
		"delete_module",
		"bpf",
		"perf_event_open",
		"userfaultfd",
		"unshare",
		"setns",
		"keyctl",
		"add_key",
		"request_key",
		"swapon",
		"swapoff",
		"acct",
		"quotactl",
		"settimeofday",
		"clock_settime",
		"clock_adjtime",
		"adjtimex",
		"sethostname",
		"setdomainname",
		"iopl",
		"ioperm",
		"open_by_handle_at",
		"name_to_handle_at",
		"lookup_dcookie",
		"fanotify_init",
		"personality",
		"uselib",
		"vhangup",
		"mknod",
		"mknodat",
		NULL,
	};
	scmp_filter_ctx ctx;
	int		rc, sc, count = 0;
	size_t		i;
	bool		ok = false;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL) {
		snprintf(what, n, "seccomp: cannot make a filter");
		return false;
	}
	for (i = 0; deny[i]; i++) {
		if (CONFINE_SANITIZER && strcmp(deny[i], "ptrace") == 0)
			continue;
		/* A name this architecture lacks is simply not there. */
		if ((sc = seccomp_syscall_resolve_name(deny[i])) ==
			__NR_SCMP_ERROR ||
		    sc < 0)
			continue;
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), sc,
			 0)) != 0) {
			snprintf(what, n, "seccomp: cannot deny %s: %s",
			    deny[i], strerror(-rc));
			goto out;
		}
		count++;
	}
	if ((rc = seccomp_load(ctx)) != 0) {
		snprintf(what, n, "seccomp: cannot load the filter: %s",
		    strerror(-rc));
		goto out;
	}
	buf_printf(log, "seccomp: %d system calls denied (EPERM)", count);
	ok = true;
out:
	seccomp_release(ctx);
	return ok;
}

bool
confine_apply(const struct confine *c, char *what, size_t n)
{
	struct buf log = BUF_INIT;
	bool	   ok = false;

	/* Both need it, and nothing serve runs may gain privileges. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(what, n, "cannot set no_new_privs: %s",
		    strerror(errno));
		goto out;
	}
	if (!landlock(c, &log, what, n) || !seccomp(&log, what, n))
		goto out;
	snprintf(what, n, "%s", buf_str(&log));
	ok = true;
out:
	buf_free(&log);
	return ok;
}
