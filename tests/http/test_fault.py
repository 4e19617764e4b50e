"""test_fault.py: injected storage faults (the gazette-fault build fails the
Nth write, sync, read, lock or allocation). For every N over an operation,
the command or request fails with a clear error, the database passes
PRAGMA integrity_check, and nothing half-written is visible. Sweeps over an
import (one process per N), and over a comment post and an API article save
(one gazette-fault serve per N, counting from when it listens: each N from 1
to 50, then 3% strides; the server must stay up and answer /healthz).

# needs: sqlite
(The faults are injected by a SQLite VFS: tests/run.sh runs this file in
its http suite only, not again in the pg pass.)"""
import json
import os
import shutil
import subprocess
import time

from comments_lib import ARTICLE, Reader, enc
from lib import ROOT, Server, TempDir, check, db_query, eq, gazette, run_tests

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


class Site:
    """The demo site with an admin's API token, and what a reader's browser
    holds (the anti-forgery cookie and the form's fields) read once from a
    normal server: the form's key lives in the database, so every copy of
    it accepts them."""

    def __init__(self):
        self.dir = TempDir()
        self.db = os.path.join(self.dir.path, "template.db")
        gazette("demo", db=self.db, check_rc=0)
        gazette("user", "add", "ada", "--role", "admin", db=self.db, stdin=b"correct horse battery\n",
                check_rc=0)
        _, out, _ = gazette("token", "create", "ada", db=self.db, check_rc=0)
        self.token = out.strip()
        srv = Server(self.db, env={"GAZETTE_COMMENT_MIN_FILL": "0"})
        try:
            self.reader = Reader(srv)
            self.reader.load()
            st, _, body = srv.request("GET", "/api/v1/articles/" + SLUG,
                                      headers={"Authorization": "Bearer " + self.token})
            eq(st, 200, "the article to save")
            self.article = json.loads(body)
        finally:
            srv.stop()
        check(self.reader.csrf and self.reader.cookie, "form token read")

    def copy(self, name):
        db = os.path.join(self.dir.path, name + ".db")
        # With the template's mode (0600): `gazette check` reports a
        # database other users can read.
        shutil.copy(self.db, db)
        return db


SLUG = ARTICLE.rsplit("/", 1)[1]
SITE = None


def site():
    global SITE
    if SITE is None:
        SITE = Site()
    return SITE


def next_n(n):
    """1, 2, ... 50, then 3% more each step: the first 50 writes, syncs,
    locks and allocations of a request are each tried; past 50 (article
    writes, and allocations, thousands of them) the range is crossed in
    about 150 more servers (each one costs ~40 ms)."""
    return n + 1 if n < 50 else n + max(1, n * 3 // 100)


def fault_serve(db, kind, n):
    env = {"GAZETTE_FAULT": "%s=%d" % (kind, n), "GAZETTE_FAULT_ARM": "listen",
           "GAZETTE_COMMENT_MIN_FILL": "0", "GAZETTE_COMMENT_RATE": "0", "GAZETTE_MODERATION": "none",
           "GAZETTE_ACCESS_LOG": "off"}
    return Server(db, env=env, binary=FAULT_BIN)


def request_under_fault(kind, n, name, send):
    """Starts gazette-fault on a copy of the site, sends one request, checks
    the server still answers, stops it; returns (db, status, body, fired)."""
    db = site().copy(name)
    srv = fault_serve(db, kind, n)
    try:
        st, body = send(srv)
        fired = ("injected %s fault" % kind) in srv.stderr()
        check(srv.alive(), "%s=%d: %s: the server is still up" % (kind, n, name))
        if st >= 500:
            check(len(body.strip()) > 0, "%s=%d: %s: the %d says why" % (kind, n, name, st))
        # Still serving once the fault has passed.
        hst, _, _ = srv.get("/healthz")
        eq(hst, 200, "%s=%d: %s: healthy afterwards" % (kind, n, name))
    finally:
        srv.stop()
    eq(integrity(db), "ok", "%s=%d: %s: integrity_check" % (kind, n, name))
    rc, out, err = gazette("check", db=db)
    eq(rc, 0, "%s=%d: %s: gazette check: %s%s" % (kind, n, name, out, err))
    return db, st, body, fired


def sweep_request(kind, name, send, verify):
    """For N = 1, 2, ... (next_n), one request with the Nth operation of
    kind failing, until a request runs with no fault left to fire."""
    n, runs, fired = 0, 0, 0
    t0 = time.time()
    while runs < 400:
        runs += 1
        n = next_n(n)
        db, st, body, hit = request_under_fault(kind, n, name, send)
        fired += hit
        verify(db, st, body, "%s=%d" % (kind, n))
        os.unlink(db)
        if not hit:
            break
    check(fired > 0, "%s: %s: some fault fired" % (name, kind))
    check(runs < 400, "%s: %s: sweep reached a request with no fault (N=%d)" % (name, kind, n))
    print("fault: %s %s: %d servers, %d faults fired, N up to %d, %.1f s"
          % (name, kind, runs, fired, n, time.time() - t0))


BODY = "A comment under injected faults."


def post_comment(srv):
    r = site().reader
    h = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": "gz_csrf=" + r.cookie}
    data = enc([("csrf", r.csrf), ("author", "Faulty"), ("email", ""), ("url", ""),
                ("body", BODY), ("parent", ""), ("website2", "")])
    st, hd, b = srv.request("POST", ARTICLE + "/comments", body=data, headers=h)
    if st == 303:
        check("#c-" in hd.get("location", ""), "303 to the new comment: %r" % hd.get("location"))
    return st, b.decode("utf-8", "replace")


def verify_comment(db, st, body, what):
    check(st == 303 or st >= 500, "%s: a 303 or a 5xx, got %d %r" % (what, st, body[:200]))
    n = db_query(db, "SELECT count(*) FROM comments WHERE body_md = ?", (BODY,))[0][0]
    eq(n, 1 if st == 303 else 0, "%s: %d answered, the comment is %s" % (what, st,
                                                                        "there" if st == 303 else "not there"))
    # The article's count moves with its comments, never alone.
    bad = db_query(db, "SELECT a.id FROM articles a WHERE a.comment_count <> (SELECT count(*) FROM comments c "
                   "WHERE c.article_id = a.id AND c.status = 'approved')")
    eq(bad, [], "%s: comment counts match the comments" % what)


def save_article(srv):
    a = site().article
    doc = {"title": "Saved under faults", "body_markdown": a["body_markdown"] + "\n\nAn edit.\n",
           "summary": a.get("summary", ""), "tags": a.get("tags", []), "status": a["status"],
           "published_at": a.get("published_at"), "version": a["version"]}
    st, _, b = srv.request("PUT", "/api/v1/articles/" + SLUG, body=json.dumps(doc).encode(),
                           headers={"Authorization": "Bearer " + site().token,
                                    "Content-Type": "application/json"})
    return st, b.decode("utf-8", "replace")


def verify_article(db, st, body, what):
    a = site().article
    check(st in (200, 409) or st >= 500, "%s: a 200, 409 or 5xx, got %d %r" % (what, st, body[:200]))
    rows = db_query(db, "SELECT id, title, version, body_md FROM articles WHERE slug = ?", (SLUG,))
    eq(len(rows), 1, "%s: the article is there" % what)
    aid, title, version, body_md = rows[0]
    saved = st == 200
    eq(version, a["version"] + (1 if saved else 0), "%s: %d answered: version" % (what, st))
    eq(title, "Saved under faults" if saved else a["title"], "%s: title of that version" % what)
    eq(body_md.endswith("An edit.\n") or body_md.endswith("An edit."), saved, "%s: body of that version" % what)
    revs = db_query(db, "SELECT max(version), count(*) FROM revisions WHERE article_id = ?", (aid,))[0]
    check(revs[0] is None or revs[0] <= version, "%s: no revision beyond the version (%r)" % (what, revs))
    if saved:
        r = db_query(db, "SELECT title FROM revisions WHERE article_id = ? AND version = ?", (aid, version))
        eq(r, [("Saved under faults",)], "%s: the saved version has its revision" % what)


def request_sweep(kind, name, send, verify):
    def t():
        sweep_request(kind, name, send, verify)
    t.__name__ = "test_%s_%s" % (name, kind)
    return t


REQUEST_SWEEPS = [request_sweep(k, name, send, verify)
                  for name, send, verify in (("comment", post_comment, verify_comment),
                                             ("article", save_article, verify_article))
                  for k in ("write", "sync", "busy", "alloc")]


run_tests("fault", [test_import_write, test_import_write_persistent, test_import_sync, test_import_read,
                    test_import_busy, test_import_alloc] + REQUEST_SWEEPS)
