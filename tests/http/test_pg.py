"""test_pg.py: what only a shared PostgreSQL brings: a node that loses its
database connections recovers by itself.

# needs: pg
(runs in the pg suite of tests/run.sh only, and fails there without
PostgreSQL)
"""
import os

from lib import Server, TempDir, check, eq, gazette, new_db, psql, run_tests

ARTICLE = "/2022/01/china-offers-kazakhstan-security-cooperation"


def kill_connections(db):
    """Ends every server process on the node's database, waiting until each
    has gone (the second argument of pg_terminate_backend)."""
    name = db.rsplit("/", 1)[1]
    return psql(db, "SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity "
                    "WHERE datname = '%s' AND pid <> pg_backend_pid()" % name)


def test_reconnect_after_terminate():
    d = TempDir()
    db = new_db(d, "node")
    gazette("demo", db=db, check_rc=0)
    for threads in ("1", "2"):
        # No page cache: a cached page needs no connection, and what is
        # tested here is that the connections come back by themselves.
        srv = Server(db, args=["--no-access-log", "--threads", threads],
                     env={"GAZETTE_CACHE_MB": "0"})
        try:
            for path in ("/", ARTICLE, "/tags"):
                eq(srv.get(path)[0], 200, "before: " + path)
            for round_ in range(3):
                killed = kill_connections(db)
                eq(int(killed[0]) > 0, True, "connections ended")
                # Every request after the kill is served: the dropped
                # connection is noticed and replaced, none fails.
                for path in ("/", ARTICLE, "/tags", ARTICLE):
                    eq(srv.get(path)[0], 200, "after kill %d (%s threads): %s" % (round_, threads, path))
        finally:
            srv.stop()
    d.cleanup()


SECRET = "S3cr3tPw"


def test_password_not_shown():
    """A password in the URL, in user:PASSWORD@ or ?password=, is not
    printed when the server refuses the connection (a database that does
    not exist), nor by a node that starts, reloads and stops."""
    base = os.environ["GAZETTE_TEST_PG"].rsplit("/", 1)[0]
    user, rest = base.split("://", 1)[1].split("@", 1)
    for url in ["postgresql://%s:%s@%s/gz_no_such_db" % (user, SECRET, rest),
                base + "/gz_no_such_db?password=" + SECRET,
                base + "/gz_no_such_db?sslmode=disable&password=" + SECRET]:
        for args in (["init"], ["demo"], ["serve"], ["check"]):
            rc, out, err = gazette(*args, db=url)
            check(rc != 0 and "gz_no_such_db" in out + err and "does not exist" in out + err,
                  "%s fails and says why: %s" % (args[0], out + err))
            check(SECRET not in out + err, "%s shows no password: %s" % (args[0], out + err))
    # This server trusts local connections: the password is ignored, and
    # a node runs with it in its URL.
    d = TempDir()
    db = new_db(d, "secret") + "?password=" + SECRET
    rc, out, err = gazette("demo", db=db)
    eq(rc, 0, "demo: " + err)
    check(SECRET not in out + err, "demo shows no password: " + err)
    srv = Server(db)
    try:
        eq(srv.get("/")[0], 200, "served")
        srv.proc.send_signal(1)  # SIGHUP: reload
        eq(srv.get("/")[0], 200, "served after a reload")
    finally:
        srv.stop()
    check(SECRET not in srv.stderr(), "serve's log shows no password: " + srv.stderr())
    d.cleanup()


run_tests("pg", [test_reconnect_after_terminate, test_password_not_shown])
