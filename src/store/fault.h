/* fault.h: injected storage faults, for the fault-injection test build.
 *
 * Only a binary built with -DGAZETTE_FAULT_INJECTION (make builds it as
 * ./gazette-fault for the tests) has them; in the normal build these are
 * empty and cost nothing. With GAZETTE_FAULT set to KIND=N, the Nth
 * operation of that kind fails:
 *   write=N   the Nth file write fails with SQLITE_FULL (disk full)
 *   sync=N    the Nth fsync fails with SQLITE_IOERR_FSYNC
 *   read=N    the Nth file read fails with SQLITE_IOERR_READ
 *   busy=N    the Nth lock attempt fails with SQLITE_BUSY
 *   alloc=N   SQLite's Nth memory allocation fails (SQLITE_NOMEM)
 * GAZETTE_FAULT_PERSIST=1 makes every later operation of that kind fail
 * too (a disk that stays full). Counting starts at process start, or, with
 * GAZETTE_FAULT_ARM=listen, once `serve` accepts connections, so a sweep
 * can aim at one request. When a fault fires, a line goes to stderr. */
#ifndef GAZETTE_FAULT_H
#define GAZETTE_FAULT_H

/* Installs the faulting VFS and allocator before SQLite is first used.
 * Must run before any database is opened. */
void fault_init(void);
/* Starts counting when GAZETTE_FAULT_ARM=listen. */
void fault_arm_listen(void);
/* With GAZETTE_FAULT_PROBE=PATH, once serve is confined and listening:
 * tries to create PATH, to execute /bin/true and to call unshare(0), and
 * writes one line to stderr for each with its outcome ("ok" or the
 * error), so a test can see what the sandbox (util/confine.h) refuses. */
void fault_probe(void);

#endif
