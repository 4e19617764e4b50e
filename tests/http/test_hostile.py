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


def test_strict_fields(srv):
    """What RFC 9112 makes strict is a 400, not a 200: a blank before the
    colon, two Host headers, a field name that is not a token, no Host on
    HTTP/1.1, a blank inside the target."""
    for what, raw in (
            ("blank before colon", b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello"),
            ("tab before colon", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A\t: b\r\n\r\n"),
            ("two Host headers", b"GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"),
            ("two Host on HTTP/1.0", b"GET /healthz HTTP/1.0\r\nHost: x\r\nhost: y\r\n\r\n"),
            ("name not a token", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX(Y): z\r\n\r\n"),
            ("name with a slash", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX/Y: z\r\n\r\n"),
            ("no Host on HTTP/1.1", b"GET /healthz HTTP/1.1\r\n\r\n"),
            ("blank in target", b"GET /healthz /x HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("two hosts in one Host", b"GET /healthz HTTP/1.1\r\nHost: x, y\r\n\r\n"),
            ("a path in Host", b"GET /healthz HTTP/1.1\r\nHost: x/y\r\n\r\n")):
        raw_resp = srv.raw(raw, timeout=5)
        eq(status_of(raw_resp), 400, what)
        check(b"Connection: close" in raw_resp.split(b"\r\n\r\n")[0], what + ": closed after the 400")
    # and what is fine still is
    for what, raw in (("one Host", b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"),
                      ("Host with a port and an IPv6 literal", b"GET /healthz HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"),
                      ("HTTP/1.0 without Host", b"GET /healthz HTTP/1.0\r\n\r\n"),
                      ("token characters", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-a.b_c~!#$%&'*+^`|: v\r\n\r\n"),
                      ("blanks around the value", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A:  b  \r\n\r\n")):
        eq(status_of(srv.raw(raw, timeout=5, read_all=False)), 200, what)


def closed_within(s, seconds):
    """Whether the server answered or closed s within seconds (reading
    what it sends until the end)."""
    s.settimeout(seconds)
    t = time.time()
    try:
        while s.recv(65536):
            if time.time() - t > seconds:
                return False
        return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except (socket.timeout, OSError):
        return False


def test_chunked_half_close(srv):
    """A chunked body cut short by a half-close (the client shuts down its
    side after "5\\r\\nhel") is answered or closed at once, not held for
    the idle timeout (30 s): libmicrohttpd misses an end of stream that
    arrives with the last bytes."""
    late = 0
    for i in range(12):
        path = (b"/api/v1/articles", ARTICLE + b"/comments", b"/healthz")[i % 3]
        for tail in (b"5\r\nhel", b""):
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
            s.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + tail)
            s.shutdown(socket.SHUT_WR)
            if not closed_within(s, 1.5):
                late += 1
            s.close()
    eq(late, 0, "half-closed partial bodies still open after 1.5 s")
    # a whole request then a half-close is answered, not cut
    for raw in (b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab",
                b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n"):
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        s.sendall(raw)
        s.shutdown(socket.SHUT_WR)
        data = b""
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                data += b
        except OSError:
            pass
        s.close()
        check(status_of(data) in (200, 405), "half-close after a whole request answered: %r" % data[:40])


def slow_bodies(srv, n, addrs):
    """n connections from addrs loopback addresses, each with headers that
    announce a 1,000,000-byte body, then one byte of it."""
    socks = []
    for i in range(n):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.%d" % (2 + i % addrs), 0))
        s.settimeout(5)
        path = (b"/api/v1/articles", ARTICLE + b"/comments")[i % 2]
        try:
            s.connect(("127.0.0.1", srv.port))
            s.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 1000000\r\n\r\n{")
            socks.append(s)
        except OSError:
            s.close()
    return socks


def count_closed(socks):
    closed = 0
    for s in socks:
        try:
            s.settimeout(0.05)
            if s.recv(65536) == b"" or s.recv(65536) == b"":
                closed += 1
        except (ConnectionResetError, BrokenPipeError):
            closed += 1
        except (socket.timeout, OSError):
            pass
    return closed


def healthz_time(srv, timeout=5):
    """Seconds /healthz took from a fresh connection, or None when it got
    no 200 within timeout."""
    t = time.time()
    try:
        c = socket.create_connection(("127.0.0.1", srv.port), timeout=timeout)
        c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        st = status_of(c.recv(100))
        c.close()
    except OSError:
        return None
    return time.time() - t if st == 200 else None


def test_slow_bodies(srv):
    """1,024 connections from 16 addresses (64 each: the per-address cap,
    and all of them: the connection cap) send headers and a byte of a
    1 MB body, then a byte every so often: /healthz is answered promptly
    all along (a newcomer takes the slot of the connection slowest in
    its phase), and the body deadline (GAZETTE_BODY_TIMEOUT=4 here, the
    minimum rate off) closes them."""
    t0 = time.time()
    socks = slow_bodies(srv, 1024, 16)
    check(len(socks) >= 1000, "opened %d slow connections" % len(socks))
    worst, missed = 0.0, 0
    while time.time() - t0 < 3.5:
        for s in socks[::64]:
            try:
                s.send(b" ")
            except OSError:
                pass
        d = healthz_time(srv)
        if d is None:
            missed += 1
        else:
            worst = max(worst, d)
        time.sleep(0.3)
    eq(missed, 0, "/healthz unanswered while the slow bodies were open")
    check(worst < 2.0, "/healthz answered promptly under the attack (worst %.3f s)" % worst)
    # past the deadline (4 s after the headers, and the watchdog's tick)
    time.sleep(max(0, t0 + 4 + 2.5 - time.time()))
    closed = count_closed(socks)
    check(closed >= len(socks) * 0.95, "slow bodies closed at the deadline: %d of %d" % (closed, len(socks)))
    for s in socks:
        s.close()


def test_slow_body_rate(srv):
    """A body dribbled a byte every half second falls below the minimum
    rate (default 1024 bytes/s after a grace) and is closed long before
    the body deadline (default 30 s) or the idle timeout (30 s)."""
    socks = slow_bodies(srv, 40, 4)
    t0 = time.time()
    while time.time() - t0 < 6:
        for s in socks:
            try:
                s.send(b" ")
            except OSError:
                pass
        time.sleep(0.5)
    closed = count_closed(socks)
    eq(closed, len(socks), "bodies under the minimum rate closed within 6 s")
    for s in socks:
        s.close()


def test_slow_reader(srv):
    """Clients that ask for pages and read nothing hold no worker: more of
    them than there are threads, and /healthz is still answered."""
    socks = []
    for _ in range(8):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", srv.port))
        s.sendall((b"GET " + ARTICLE + b" HTTP/1.1\r\nHost: x\r\n\r\n") * 50)
        socks.append(s)
    time.sleep(0.5)
    d = healthz_time(srv)
    check(d is not None and d < 2.0, "/healthz with slow readers: %r" % d)
    for s in socks:
        s.close()


def test_pacing_by_64(srv):
    """Comment pacing counts an IPv6 client by its /64 (here behind a
    trusted proxy that names it): new addresses within one /64 are the
    same client, another /64 is not."""
    import json

    def post(addr, n):
        return srv.request("POST", "/api/v1/articles/%s/comments" % ARTICLE.decode().rsplit("/", 1)[1],
                           body=json.dumps({"author": "R", "body": "rotating %d" % n}).encode(),
                           headers={"Content-Type": "application/json", "X-Forwarded-For": addr})[0]
    for i in range(2):
        check(post("2001:db8:1:2::%x" % (i + 1), i) in (201, 202), "within the rate (%d)" % i)
    eq(post("2001:db8:1:2:ffff:ffff:ffff:ffff", 2), 429, "another address in the same /64")
    eq(post("::ffff:203.0.113.9", 3) in (201, 202), True, "an IPv4 client is its own")
    check(post("2001:db8:1:3::1", 4) in (201, 202), "another /64 is another client")


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


def run(fn, env=None):
    def wrapped():
        srv = Server(DB, args=["--no-access-log"], env=env)
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
                      run(test_many_connections_one_address), run(test_bad_query), run(test_slowloris), run(test_strict_fields),
                      run(test_chunked_half_close),
                      run(test_slow_bodies, {"GAZETTE_BODY_TIMEOUT": "4", "GAZETTE_BODY_MIN_RATE": "0"}),
                      run(test_slow_body_rate), run(test_slow_reader),
                      run(test_pacing_by_64, {"GAZETTE_TRUSTED_PROXIES": "127.0.0.1", "GAZETTE_COMMENT_RATE": "2",
                                              "GAZETTE_COMMENT_MIN_FILL": "0"})])
