"""test_confine.py: serve confines itself after start-up (util/confine.h):
a write outside the database's directory and an exec of another program
are refused by Landlock, a denied system call by seccomp, while the site
and its database keep working. The probes are a hook of the
fault-injection build (GAZETTE_FAULT_PROBE, store/fault.h); the same
probes succeed with GAZETTE_SANDBOX=off, so a refusal is the sandbox's.

# needs: sqlite
(The probes write beside a SQLite file, the one directory confinement
opens; on PostgreSQL there is none, and the whole pg pass of the suite
runs confined, which is what shows confinement leaves it working.)"""
import os
import re

from comments_lib import ARTICLE, Reader
from lib import ROOT, Server, TempDir, check, eq, gazette, new_db, run_tests

FAULT_BIN = os.path.join(ROOT, os.environ.get("GAZETTE_FAULT_BIN", "./gazette-fault"))


def probes(log):
    return dict(re.findall(r"gazette: fault: probe (write|exec|unshare)[^:]*: (.*)", log))


def site(d):
    db = new_db(d)
    gazette("demo", db=db, check_rc=0)
    return db


def serve(db, probe, env=None, args=()):
    e = {"GAZETTE_FAULT_PROBE": probe, "GAZETTE_COMMENT_MIN_FILL": "0", "GAZETTE_MODERATION": "none"}
    e.update(env or {})
    return Server(db, env=e, binary=FAULT_BIN, args=args)


def test_confined():
    d, elsewhere = TempDir(), TempDir()
    db = site(d)
    outside = os.path.join(elsewhere.path, "written-by-serve")
    srv = serve(db, outside)
    try:
        log = srv.stderr()
        check("gazette: serve: confined: " in log, "serve says it is confined: %r" % log[:500])
        p = probes(log)
        if "landlock: not available" in log:
            print("confine: LANDLOCK IS NOT AVAILABLE on this kernel: the filesystem and exec "
                  "confinement were NOT tested; only seccomp was")
        else:
            check(re.search(r"landlock ABI \d+", log) is not None, "Landlock applied")
            eq(p.get("write"), "Permission denied", "a write outside the database's directory")
            check(not os.path.exists(outside), "nothing was created outside")
            eq(p.get("exec"), "Permission denied", "exec of another program")
        eq(p.get("unshare"), "Operation not permitted", "a denied system call (seccomp)")
        # The site still reads and writes its database.
        eq(srv.get("/")[0], 200, "the front page")
        r = Reader(srv, ARTICLE)
        r.load()
        cid = r.post_ok(body="Posted from inside the sandbox.")
        check(cid > 0, "a comment is stored")
        st, _, body = srv.get(ARTICLE)
        check(st == 200 and b"Posted from inside the sandbox." in body, "and shown")
        check(srv.alive(), "still up")
    finally:
        srv.stop()
        d.cleanup()
        elsewhere.cleanup()


def test_database_directory_writable():
    d = TempDir()
    db = site(d)
    inside = os.path.join(d.path, "beside-the-database")
    srv = serve(db, inside)
    try:
        eq(probes(srv.stderr()).get("write"), "ok", "a file beside the database")
    finally:
        srv.stop()
        d.cleanup()


def test_sandbox_off():
    """The same probes succeed unconfined: the refusals above are the
    sandbox's, not the machine's."""
    for env, args in (({"GAZETTE_SANDBOX": "off"}, ()), ({}, ("--no-sandbox",))):
        d, elsewhere = TempDir(), TempDir()
        db = site(d)
        outside = os.path.join(elsewhere.path, "written-by-serve")
        srv = serve(db, outside, env=env, args=args)
        try:
            log = srv.stderr()
            check("not confined" in log, "%r %r: says it is not confined" % (env, args))
            p = probes(log)
            eq(p.get("write"), "ok", "unconfined write")
            check(os.path.exists(outside), "the file was created")
            eq(p.get("exec"), "ok", "unconfined exec")
            eq(p.get("unshare"), "ok", "unconfined unshare(0)")
        finally:
            srv.stop()
            d.cleanup()
            elsewhere.cleanup()


def test_bad_setting():
    d = TempDir()
    db = site(d)
    rc, _, err = gazette("serve", "--listen", "127.0.0.1:1", db=db, env={"GAZETTE_SANDBOX": "maybe"})
    eq(rc, 2, "GAZETTE_SANDBOX=maybe is a usage error")
    check("GAZETTE_SANDBOX" in err, "named: %r" % err)
    d.cleanup()


run_tests("confine", [test_confined, test_database_directory_writable, test_sandbox_off, test_bad_setting])
