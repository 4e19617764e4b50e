"""test_pg.py: what only a shared PostgreSQL brings: a node that loses its
database connections recovers by itself.

# needs: pg
(runs in the pg suite of tests/run.sh only, and fails there without
PostgreSQL)
"""
from lib import Server, TempDir, eq, gazette, new_db, psql, run_tests

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


run_tests("pg", [test_reconnect_after_terminate])
