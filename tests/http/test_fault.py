"""test_fault.py: injected storage faults (the gazette-fault build fails the
Nth write, sync, read, lock or allocation). For every N over an operation,
the command or request fails with a clear error, the database passes
PRAGMA integrity_check, and nothing half-written is visible.

# needs: sqlite
(The faults are injected by a SQLite VFS: tests/run.sh runs this file in
its http suite only, not again in the pg pass.)"""
import os
import subprocess

from lib import ROOT, TempDir, check, db_query, eq, run_tests

FAULT_BIN = os.path.join(ROOT, os.environ.get("GAZETTE_FAULT_BIN", "./gazette-fault"))


def fault_run(args, kind, n, persist=False):
    env = dict(os.environ)
    env["GAZETTE_FAULT"] = "%s=%d" % (kind, n)
    if persist:
        env["GAZETTE_FAULT_PERSIST"] = "1"
    p = subprocess.run([FAULT_BIN] + args, capture_output=True, env=env, timeout=60, cwd=ROOT)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def integrity(db):
    return db_query(db, "PRAGMA integrity_check")[0][0]


def articles(db):
    try:
        return db_query(db, "SELECT count(*) FROM articles")[0][0]
    except Exception:
        return 0   # the schema itself was never committed: nothing visible


def sweep_import(kind, persist=False, stride=False):
    """Imports three files with the Nth operation of kind failing, for
    N = 1, 2, ... until an import runs with no fault left to fire. With
    stride (allocations: thousands of them), N grows by 3% a step so the
    whole range is crossed in a few hundred runs."""
    d = TempDir()
    files = []
    for i in range(3):
        files.append(d.file("in/%d.md" % i, "---\ntitle: Faulty %d\ntags: [A, B]\n---\n\n%s\n" % (i, "text " * 400)))
    n, fired = 0, 0
    runs = 0
    while runs < 400:
        runs += 1
        n += max(1, n * 3 // 100) if stride else 1
        db = os.path.join(d.path, "f%d.db" % n)
        rc, err = fault_run(["import", "--db", db] + files, kind, n, persist)
        hit = ("injected %s fault" % kind) in err
        if rc == 0:
            eq(articles(db), 3, "%s=%d: a successful import has everything" % (kind, n))
            if not hit:
                break
            continue
        fired += 1
        lines = [l for l in err.splitlines() if not l.startswith("gazette: fault:")]
        check(len(lines) == 1 and lines[0].startswith("gazette: "), "%s=%d: one clear error line: %r" % (kind, n, err))
        if os.path.exists(db):
            eq(integrity(db), "ok", "%s=%d: integrity_check" % (kind, n))
            eq(articles(db), 0, "%s=%d: nothing half-imported" % (kind, n))
        os.path.exists(db) and os.unlink(db)
    check(fired > 0, "%s: some fault fired (%d)" % (kind, fired))
    check(runs < 400, "%s: sweep reached an import with no fault (N=%d)" % (kind, n))
    d.cleanup()
    return fired


def test_import_write():
    sweep_import("write")


def test_import_write_persistent():
    sweep_import("write", persist=True)


def test_import_sync():
    sweep_import("sync")


def test_import_read():
    sweep_import("read")


def test_import_busy():
    sweep_import("busy")


def test_import_alloc():
    sweep_import("alloc", stride=True)


run_tests("fault", [test_import_write, test_import_write_persistent, test_import_sync, test_import_read,
                    test_import_busy, test_import_alloc])
