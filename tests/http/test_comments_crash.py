"""test_comments_crash.py: every acknowledged comment survives SIGKILL.

Clients post as fast as they can; once a good number of comments have
been acknowledged (303), the server is killed mid-stream and started again
on the same database. Every acknowledged id must be there, with its text,
five rounds in a row. Comments in flight at the kill may or may not be
there; the acknowledged ones must."""
import http.client
import re
import signal
import threading

from lib import Server, TempDir, check, eq, gazette, new_db, run_tests
from comments_lib import ARTICLE, Reader, enc

ROUNDS = 5
CLIENTS = 8
ENV = {"GAZETTE_COMMENT_MIN_FILL": "0", "GAZETTE_COMMENT_RATE": "0",
       "GAZETTE_MODERATION": "none", "GAZETTE_ACCESS_LOG": "off"}

tmp = TempDir()


def client(srv, n, acked, lock, stop, enough):
    r = Reader(srv)
    r.load()
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    i = 0
    while not stop.is_set():
        body = "client %d comment %d" % (n, i)
        data = enc([("csrf", r.csrf), ("author", "c%d" % n),
                    ("body", body), ("website2", "")])
        try:
            conn.request("POST", ARTICLE + "/comments", body=data,
                         headers={"Content-Type": "application/x-www-form-urlencoded",
                                  "Cookie": "gz_csrf=" + r.cookie})
            resp = conn.getresponse()
            resp.read()
        except (OSError, http.client.HTTPException):
            return  # the server is gone
        m = re.search(r"#c-(\d+)$", resp.getheader("Location") or "")
        if resp.status == 303 and m:
            with lock:
                acked.append((int(m.group(1)), body))
                if len(acked) >= 300:
                    enough.set()
        i += 1


def test_crash_rounds():
    db = new_db(tmp)
    gazette("demo", db=db, check_rc=0)
    total = []
    for rnd in range(ROUNDS):
        srv = Server(db, env=ENV, args=("--threads", "16"))
        acked, lock = [], threading.Lock()
        stop, enough = threading.Event(), threading.Event()
        ts = [threading.Thread(target=client, args=(srv, n, acked, lock, stop, enough))
              for n in range(CLIENTS)]
        for t in ts:
            t.start()
        enough.wait(60)
        srv.stop(sig=signal.SIGKILL)
        stop.set()
        for t in ts:
            t.join(15)
        with lock:
            got = list(acked)
        check(len(got) >= 300, "round %d: posts were acknowledged before the kill (%d)" % (rnd, len(got)))
        total += got
        # restart on the same database: everything acknowledged so far is there
        srv = Server(db, env=ENV)
        try:
            from lib import db_query
            have = dict(db_query(db, "SELECT id, body_md FROM comments WHERE status = 'approved'"))
            missing = [(i, b) for i, b in total if have.get(i) != b]
            eq(missing[:5], [], "round %d: acknowledged comments all there (%d so far)" % (rnd, len(total)))
            n = db_query(db, "SELECT comment_count FROM articles WHERE slug = ?",
                         (ARTICLE.rsplit("/", 1)[1],))[0][0]
            eq(n, len(have), "round %d: comment_count matches the rows" % rnd)
            st, _, _ = srv.get(ARTICLE)
            eq(st, 200, "round %d: the article still renders" % rnd)
        finally:
            srv.stop()


if __name__ == "__main__":
    try:
        run_tests("comments-crash", [test_crash_rounds])
    finally:
        tmp.cleanup()
