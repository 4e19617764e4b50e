"""test_hostile.py: hostile clients against the real server. Every attack
gets a 4xx or a closed connection, never a 5xx, a crash or a hang, and the
server answers normally afterwards."""
import os
import socket
import time

from lib import Server, TempDir, check, eq, gazette, new_db, run_tests, status_of

tmp = TempDir()
DB = new_db(tmp)
gazette("demo", db=DB, check_rc=0)
ARTICLE = b"/2022/01/china-offers-kazakhstan-security-cooperation"


def fine(st):
    return st is None or 400 <= st < 500


def test_slowloris(srv):
    """800 connections each dribbling a request from many loopback
    addresses (the per-address cap would otherwise stop them early): a
    normal client still gets its page in well under a second."""
    socks = []
    for i in range(800):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.%d.%d" % (1 + i // 40 // 250, 2 + (i // 40) % 250), 0))
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", srv.port))
            s.send(b"GET / HTTP/1.1\r\nHost: x\r\n")
            socks.append(s)
        except OSError:
            s.close()
    check(len(socks) >= 700, "opened %d slow connections" % len(socks))
    worst = 0.0
    for _ in range(3):
        for s in socks[::50]:
            try:
                s.send(b"X-a: b\r\n")
            except OSError:
                pass
        t = time.time()
        st, _, _ = srv.get("/healthz")
        worst = max(worst, time.time() - t)
        eq(st, 200, "normal request during slowloris")
        time.sleep(0.5)
    check(worst < 1.0, "normal requests answered within a second (worst %.3f s)" % worst)
    # the header deadline (10 s) closes them: wait and count
    time.sleep(11)
    closed = 0
    for s in socks:
        try:
            s.settimeout(0.5)
            if s.recv(1) == b"":
                closed += 1
        except (ConnectionResetError, BrokenPipeError):
            closed += 1
        except (socket.timeout, OSError):
            pass
        s.close()
    check(closed >= len(socks) * 0.95, "slow connections cut at the header deadline: %d of %d" % (closed, len(socks)))


def test_big_headers(srv):
    st = status_of(srv.raw(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n"))
    check(fine(st), "100 KB header: %r" % st)
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(10000))
    st = status_of(srv.raw(b"GET / HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n"))
    check(fine(st), "10,000 headers: %r" % st)


def test_smuggling(srv):
    cases = [
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc\r\n0\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
    ]
    for raw in cases:
        st = status_of(srv.raw(raw, timeout=5))
        check(fine(st) or st == 501, "smuggling %r -> %r" % (raw[:70], st))


def test_traversal(srv):
    for path in (b"/../../etc/passwd", b"/static/../../etc/passwd", b"/static/%2e%2e/%2e%2e/etc/passwd",
                 b"/static/..%2f..%2fetc%2fpasswd", b"/%2e%2e/%2e%2e/etc/passwd", b"/static/%c0%ae%c0%ae/x",
                 b"/static/style.css/..", b"/static//etc/passwd"):
        raw = srv.raw(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        st = status_of(raw)
        check(fine(st), "traversal %r -> %r" % (path, st))
        check(b"root:" not in raw, "no /etc/passwd for %r" % path)


def test_bad_bytes(srv):
    for target in (b"/tags/\xff\xfe", b"/tags/%ff%fe", b"/tags/%00", b"/authors/%c0%af", b"/search?q=%ff%00",
                   b"/?q=\xff", b"/%ed%a0%80", b"/" + b"%" * 100, b"/tags/" + b"a" * 5000,
                   b"/authors/%E2%80%AE%E2%80%AE", b"/2022/01/" + b"x" * 200):
        st = status_of(srv.raw(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        check(fine(st) or st == 200, "bad bytes %r -> %r" % (target[:40], st))


def test_many_connections_one_address(srv):
    """The per-address cap refuses the 65th connection from one address
    without hurting other addresses."""
    socks = []
    for _ in range(80):
        s = socket.socket()
        s.settimeout(2)
        try:
            s.connect(("127.0.0.1", srv.port))
            socks.append(s)
        except OSError:
            s.close()
    time.sleep(0.3)
    alive = 0
    for s in socks:
        try:
            s.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            if s.recv(100).startswith(b"HTTP/1.1 200"):
                alive += 1
        except OSError:
            pass
        s.close()
    check(alive <= 64, "at most 64 connections served from one address (%d)" % alive)
    c = socket.socket()
    c.bind(("127.0.0.9", 0))
    c.connect(("127.0.0.1", srv.port))
    c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    eq(status_of(c.recv(100)), 200, "another address is served")
    c.close()


def test_bad_query(srv):
    """A parameter the page reads, with a NUL, a broken escape, bytes that
    are not UTF-8 or given twice, is a 400 naming it: an HTML page for
    readers, a problem document on the API. Parameters the page does not
    read are ignored however they are spelled."""
    import json
    art = ARTICLE.decode()
    for path, name, what in (("/search?q=a%00b", "q", "NUL"),
                             ("/search?q=%zz%4", "q", "percent-escape"),
                             ("/search?q=ok&page=%4", "page", "percent-escape"),
                             ("/search?q=%ff", "q", "UTF-8"),
                             ("/search?q=a%01", "q", "control character"),
                             ("/search?q=a&q=b", "q", "more than once"),
                             ("/search?q=a&%71=b", "q", "more than once"),
                             (art + "?held=1&held=1", "held", "more than once"),
                             (art + "?reply=%00", "reply", "NUL"),
                             (art + "?comments_after=%", "comments_after", "percent-escape")):
        st, h, body = srv.get(path)
        eq(st, 400, path + ": status")
        eq(h.get("content-type"), "text/html; charset=utf-8", path + ": an HTML page")
        b = body.decode("utf-8", "replace")
        check("query parameter &#39;%s&#39;" % name in b and what in b, path + ": names it: " + b[-400:])
        check("<h1>" in b and "</html>" in b, path + ": the themed page")
    for path, name, what in (("/api/v1/search?q=a%00b", "q", "NUL"),
                             ("/api/v1/search?q=%zz%4", "q", "percent-escape"),
                             ("/api/v1/search?q=a&q=b", "q", "more than once"),
                             ("/api/v1/articles?limit=%zz", "limit", "percent-escape"),
                             ("/api/v1/articles?cursor=%ff", "cursor", "UTF-8"),
                             ("/api/v1/articles?%zz=1", None, "percent-escape"),
                             ("/api/v1/articles?utm_source=x", "utm_source", "unknown query parameter")):
        st, h, body = srv.get(path)
        eq(st, 400, path + ": status")
        eq(h.get("content-type"), "application/problem+json", path + ": a problem document")
        doc = json.loads(body)
        eq(doc.get("status"), 400, path + ": problem status")
        eq(doc.get("field"), name, path + ": field")
        check(what in doc.get("detail", ""), path + ": detail: %r" % doc.get("detail"))
    # Not the page's parameters: ignored, however broken.
    for path in ("/search?q=china&utm_source=%zz&x=%00&y=%ff&y=1", "/?x=%00&y=%zz%4",
                 art + "?fbclid=%00&utm=%zz&utm=%ff", "/tags/china?page=%zz", "/feed.atom?q=%00"):
        st, h, body = srv.get(path)
        eq(st, 200, path + ": unused parameters ignored")
        check(not path.startswith("/search") or b'class="result"' in body, path + ": and q searched")
    # A refused query is not cached as anything: the plain page is whole.
    st, _, body = srv.get(art)
    check(st == 200 and b"awaits moderation" not in body, "the plain article after the 400s")


def run(fn):
    def wrapped():
        srv = Server(DB, args=["--no-access-log"])
        try:
            fn(srv)
            check(srv.alive(), fn.__name__ + ": server alive")
            eq(srv.get("/healthz")[0], 200, fn.__name__ + ": healthy afterwards")
            eq(srv.get(ARTICLE.decode())[0], 200, fn.__name__ + ": pages still served")
        finally:
            srv.stop()
    wrapped.__name__ = fn.__name__
    return wrapped


run_tests("hostile", [run(test_big_headers), run(test_smuggling), run(test_traversal), run(test_bad_bytes),
                      run(test_many_connections_one_address), run(test_bad_query),
                      run(test_slowloris)])
