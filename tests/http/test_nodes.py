"""test_nodes.py: two `gazette serve` nodes on one PostgreSQL database, as
behind a load balancer, keep their page caches coherent (LISTEN/NOTIFY): a
comment posted through one node and an article edited through the other's
API show on the other node within a second, though it had the page cached;
a node whose database connections are all killed (pg_terminate_backend,
the listening one included) listens again by itself, drops what it had
cached, and hears the other node's changes again.

Each node names its connections (PGAPPNAME, which libpq reads), so the
test can kill one node's and not the other's. Hits are told from misses by
/metrics, as in test_cache.py. "Within a second" is a deadline polled every
50 ms, not a sleep; without notifications a cached page would stay for the
cache's 60-second time limit, so the test fails when they do not arrive.

# needs: pg
(runs in the pg suite of tests/run.sh only, and fails there without
PostgreSQL)
"""
import re
import time

from comments_lib import ARTICLE, Reader
from lib import Server, TempDir, check, eq, gazette, new_db, psql, run_tests, wait_for

SLUG = "china-offers-kazakhstan-security-cooperation"
PW = "correct horse battery staple"
OPEN = {"GAZETTE_COMMENT_MIN_FILL": "0", "GAZETTE_COMMENT_RATE": "0",
        "GAZETTE_MODERATION": "none", "GAZETTE_ACCESS_LOG": "off"}
WITHIN = 1.0


def metric(srv, name):
    _, _, b = srv.get("/metrics")
    m = re.search(r"^%s (\d+)" % re.escape(name), b.decode(), re.M)
    if m is None:
        raise AssertionError("no %s in /metrics" % name)
    return int(m.group(1))


def was_hit(srv, path):
    h0 = metric(srv, "gazette_cache_hits_total")
    st, _, body = srv.get(path)
    eq(st, 200, path)
    return metric(srv, "gazette_cache_hits_total") == h0 + 1, body


def cache(srv, path, what):
    """Fetches path until the node answers it from its cache."""
    srv.get(path)
    hit, body = was_hit(srv, path)
    check(hit, what + ": cached before the change")
    return body


def visible_within(srv, path, needle, seconds=WITHIN):
    """Polls path every 50 ms until its body holds needle: the seconds it
    took, or None when it did not within the deadline."""
    start = time.monotonic()
    while True:
        st, _, body = srv.get(path)
        took = time.monotonic() - start
        if st == 200 and needle in body:
            return took
        if took > seconds:
            return None
        time.sleep(0.05)


def node(db, name):
    return Server(db, env=dict(OPEN, PGAPPNAME=name))


def connections(db, app, listening=False):
    q = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
         "AND application_name = '%s'" % app)
    if listening:
        q += " AND query LIKE 'LISTEN %'"
    return int(psql(db, q)[0])


def kill(db, app):
    """Ends every connection of one node, waiting until each has gone."""
    return int(psql(db, "SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND application_name = '%s'" % app)[0])


def editor_token(db):
    gazette("user", "add", "eve", "--role", "editor", db=db, stdin=PW.encode(), check_rc=0)
    _, out, _ = gazette("token", "create", "eve", db=db, check_rc=0)
    return out.strip()


def patch_title(srv, token, title):
    import json
    st, _, body = srv.request("PATCH", "/api/v1/articles/" + SLUG, body=json.dumps({"title": title}).encode(),
                              headers={"Authorization": "Bearer " + token,
                                       "Content-Type": "application/json"})
    eq(st, 200, "PATCH through the API: " + body.decode("utf-8", "replace")[:200])


def test_two_nodes():
    d = TempDir()
    db = new_db(d, "nodes")
    gazette("demo", db=db, check_rc=0)
    token = editor_token(db)
    a = node(db, "node-a")
    try:
        b = node(db, "node-b")
        try:
            for srv, name in ((a, "node A"), (b, "node B")):
                wait_for(lambda: metric(srv, "gazette_cache_listening") == 1)
                eq(connections(db, name.replace(" ", "-").lower(), listening=True), 1,
                   name + " has a listening connection")

            # A comment posted through A shows on B, which had the page.
            cache(b, ARTICLE, "B's article page")
            cache(b, "/", "B's front page")
            text = "Seen on the other node %d." % time.time_ns()
            r = Reader(a)
            r.load()
            r.post_ok(body=text)
            took = visible_within(b, ARTICLE, text.encode())
            check(took is not None, "the comment posted through A shows on B within %.1f s" % WITHIN)
            check(metric(b, "gazette_cache_notifications_total") >= 1, "B counted the notification")
            hit, _ = was_hit(b, "/")
            check(hit, "B's front page (no comment counts) stays cached: only what changed is dropped")

            # An article edited through B's API shows on A, which had it.
            cache(a, ARTICLE, "A's article page")
            cache(a, "/", "A's front page")
            title = "Edited through node B %d" % time.time_ns()
            patch_title(b, token, title)
            check(visible_within(a, ARTICLE, title.encode()) is not None,
                  "the edit through B shows on A's article page within %.1f s" % WITHIN)
            check(visible_within(a, "/", title.encode()) is not None,
                  "the edit through B shows on A's front page within %.1f s" % WITHIN)

            # A loses every database connection, the listening one too.
            cache(a, ARTICLE, "A's article page, before the kill")
            relistens = metric(a, "gazette_cache_relistens_total")
            killed = kill(db, "node-a")
            check(killed >= 2, "A's connections killed (%d), the listening one among them" % killed)
            # It listens again by itself (a generous limit: this is not
            # the timed part) and has dropped what it had cached.
            wait_for(lambda: metric(a, "gazette_cache_relistens_total") == relistens + 1)
            eq(metric(a, "gazette_cache_listening"), 1, "A listens again")
            eq(connections(db, "node-a", listening=True), 1, "A has a listening connection again")
            eq(metric(b, "gazette_cache_relistens_total"), 0, "B kept its connection")
            hit, body = was_hit(a, ARTICLE)
            check(not hit, "A dropped its cache on listening again")
            check(title.encode() in body, "A still serves the article")
            for p in ("/", "/tags", ARTICLE):
                eq(a.get(p)[0], 200, "A serves " + p + " after the kill")
            # And hears B's changes again: an edit and a comment.
            cache(a, ARTICLE, "A's article page, after the kill")
            title2 = "Edited again through node B %d" % time.time_ns()
            patch_title(b, token, title2)
            check(visible_within(a, ARTICLE, title2.encode()) is not None,
                  "after the kill, an edit through B shows on A within %.1f s" % WITHIN)
            cache(a, ARTICLE, "A's article page, before B's comment")
            text2 = "Posted through B after the kill %d." % time.time_ns()
            rb = Reader(b)
            rb.load()
            rb.post_ok(body=text2)
            check(visible_within(a, ARTICLE, text2.encode()) is not None,
                  "after the kill, a comment posted through B shows on A within %.1f s" % WITHIN)
            # A command (another process) reaches both nodes.
            cache(a, ARTICLE, "A's article page, before the command")
            cache(b, ARTICLE, "B's article page, before the command")
            gazette("comment", "spam", str(comment_id(db, text2)), db=db, check_rc=0)
            for srv, name in ((a, "A"), (b, "B")):
                check(gone_within(srv, ARTICLE, text2.encode()),
                      "a comment marked spam by a command leaves %s within %.1f s" % (name, WITHIN))
        finally:
            b.stop()
    finally:
        a.stop()
    d.cleanup()


def comment_id(db, body):
    rows = psql(db, "SELECT id FROM comments WHERE body_md = '%s'" % body.replace("'", "''"))
    return int(rows[0])


def gone_within(srv, path, needle, seconds=WITHIN):
    """Polls path every 50 ms until its body lacks needle: True when it
    did within the deadline."""
    start = time.monotonic()
    while True:
        st, _, body = srv.get(path)
        took = time.monotonic() - start
        if st == 200 and needle not in body:
            return True
        if took > seconds:
            return False
        time.sleep(0.05)


run_tests("nodes", [test_two_nodes])
