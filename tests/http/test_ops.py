"""test_ops.py: what operators rely on: /metrics (checked by a strict parser
of the Prometheus text format), the JSON access log, trusted proxies,
SIGHUP reloads, `check`, and `backup`/`restore` of a site under write load."""
import json
import math
import os
import re
import shutil
import signal
import sqlite3
import stat
import threading
import time

from lib import (ROOT, Server, TempDir, check, db_exec, db_query, eq, gazette, is_pg,
                 new_db, psql, run_tests, text, wait_for)

# --- a strict parser of the Prometheus text format 0.0.4 -------------------

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"


class FormatError(Exception):
    pass


def parse_value(s):
    if s in ("+Inf", "Inf"):
        return math.inf
    if s == "-Inf":
        return -math.inf
    if s == "NaN":
        return math.nan
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", s):
        raise FormatError("bad value %r" % s)
    return float(s)


def parse_labels(s, line):
    """s starts after '{'; returns (dict, rest after '}')."""
    labels = {}
    i = 0
    while True:
        if s[i:i + 1] == "}":
            return labels, s[i + 1:]
        m = re.match(LABEL, s[i:])
        if not m:
            raise FormatError("bad label name: %r" % line)
        name = m.group(0)
        i += len(name)
        if s[i:i + 2] != '="':
            raise FormatError("label without =\": %r" % line)
        i += 2
        val = []
        while True:
            if i >= len(s):
                raise FormatError("unterminated label value: %r" % line)
            c = s[i]
            if c == "\\":
                nxt = s[i + 1:i + 2]
                if nxt not in ("\\", '"', "n"):
                    raise FormatError("bad escape in %r" % line)
                val.append("\n" if nxt == "n" else nxt)
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == "\n":
                raise FormatError("newline in label value")
            else:
                val.append(c)
                i += 1
        if name in labels:
            raise FormatError("label %s twice: %r" % (name, line))
        labels[name] = "".join(val)
        if s[i:i + 1] == ",":
            i += 1
        elif s[i:i + 1] != "}":
            raise FormatError("expected , or }: %r" % line)


def family_of(name, types):
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix) and types.get(name[:-len(suffix)]) in ("histogram", "summary"):
            return name[:-len(suffix)]
    return name


def parse_metrics(body):
    """Parses the whole exposition; raises FormatError on anything the
    format does not allow. Returns {(name, frozenset(labels)): value} and
    the types."""
    if not body.endswith("\n"):
        raise FormatError("does not end with a newline")
    types, helps, samples = {}, {}, {}
    done = set()          # families whose sample block has ended
    current = None
    for line in body[:-1].split("\n"):
        if line == "":
            raise FormatError("empty line")
        if line.startswith("#"):
            m = re.fullmatch(r"# (HELP|TYPE) (%s) (.*)" % NAME, line)
            if not m:
                if line.startswith("# HELP") or line.startswith("# TYPE"):
                    raise FormatError("bad %r" % line)
                continue
            kind, name, rest = m.groups()
            if kind == "TYPE":
                if rest not in ("counter", "gauge", "histogram", "summary", "untyped"):
                    raise FormatError("bad type %r" % line)
                if name in types:
                    raise FormatError("TYPE twice for %s" % name)
                if any(family_of(n, {name: rest}) == name for (n, _) in samples):
                    raise FormatError("TYPE after samples of %s" % name)
                types[name] = rest
            else:
                if name in helps:
                    raise FormatError("HELP twice for %s" % name)
                helps[name] = rest
            continue
        m = re.match(NAME, line)
        if not m:
            raise FormatError("bad sample %r" % line)
        name = m.group(0)
        rest = line[len(name):]
        labels = {}
        if rest.startswith("{"):
            labels, rest = parse_labels(rest[1:], line)
        parts = rest.split(" ")
        if len(parts) not in (2, 3) or parts[0] != "":
            raise FormatError("bad sample %r" % line)
        value = parse_value(parts[1])
        if len(parts) == 3 and not re.fullmatch(r"-?\d+", parts[2]):
            raise FormatError("bad timestamp %r" % line)
        fam = family_of(name, types)
        if fam != current:
            if fam in done:
                raise FormatError("samples of %s not together" % fam)
            if current is not None:
                done.add(current)
            current = fam
        key = (name, frozenset(labels.items()))
        if key in samples:
            raise FormatError("series twice: %r" % line)
        samples[key] = value
    check_histograms(samples, types)
    return samples, types


def check_histograms(samples, types):
    for fam, t in types.items():
        if t != "histogram":
            continue
        groups = {}
        for (name, labels), v in samples.items():
            if name == fam + "_bucket":
                d = dict(labels)
                if "le" not in d:
                    raise FormatError("bucket without le in %s" % fam)
                le = parse_value(d.pop("le"))
                groups.setdefault(frozenset(d.items()), []).append((le, v))
        for lbl, buckets in groups.items():
            buckets.sort()
            if buckets[-1][0] != math.inf:
                raise FormatError("%s%s has no +Inf bucket" % (fam, dict(lbl)))
            for a, b in zip(buckets, buckets[1:]):
                if b[1] < a[1]:
                    raise FormatError("%s buckets not cumulative" % fam)
            count = samples.get((fam + "_count", lbl))
            if count is None or samples.get((fam + "_sum", lbl)) is None:
                raise FormatError("%s%s lacks _sum or _count" % (fam, dict(lbl)))
            if count != buckets[-1][1]:
                raise FormatError("%s: +Inf bucket %s != count %s" % (fam, buckets[-1][1], count))


def test_parser_refuses():
    """The parser itself must be able to fail."""
    bad = [
        "a 1",                                   # no newline at end
        "a{b=\"x} 1\n",                          # unterminated
        "a{b=\"\\x\"} 1\n",                      # bad escape
        "a 1 2 3\n",
        "a one\n",
        "# TYPE a counter\n# TYPE a counter\na 1\n",
        "a 1\nb 1\na{x=\"1\"} 2\n",              # family split
        "a 1\na 1\n",                            # duplicate
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",
        "1a 1\n",
    ]
    for b in bad:
        try:
            parse_metrics(b)
            check(False, "parser accepted %r" % b)
        except FormatError:
            check(True, "")
    s, _ = parse_metrics("# HELP a x\n# TYPE a counter\na{b=\"q\\\"\\\\\\n\"} 1.5e3\n")
    eq(s[("a", frozenset({("b", "q\"\\\n")}))], 1500.0, "escaped label value")


def get_metrics(srv):
    status, headers, body = srv.get("/metrics")
    eq(status, 200, "/metrics status")
    check(headers.get("content-type", "").startswith("text/plain; version=0.0.4"),
          "content type %r" % headers.get("content-type"))
    return parse_metrics(text(body))


def wait_metric(srv, key, want, timeout=10):
    """The request counters move when a response has been sent, a moment
    after the client read it: read until the value is there."""
    deadline = time.time() + timeout
    while True:
        samples, types = get_metrics(srv)
        if samples.get(key, 0) >= want or time.time() > deadline:
            return samples, types
        time.sleep(0.05)


def req_key(route, status):
    return ("gazette_http_requests_total",
            frozenset({("route", route), ("status", str(status))}))


def demo_site(d, name="site"):
    db = new_db(d, name)
    gazette("demo", db=db, check_rc=0)
    return db


def test_metrics():
    d = TempDir()
    srv = Server(demo_site(d), args=["--no-access-log"])
    try:
        samples, types = get_metrics(srv)
        for fam, t in [("gazette_http_requests_total", "counter"),
                       ("gazette_http_request_duration_seconds", "histogram"),
                       ("gazette_http_connections_open", "gauge"),
                       ("gazette_http_requests_in_flight", "gauge"),
                       ("gazette_db_statement_duration_seconds", "histogram"),
                       ("gazette_cache_hits_total", "counter"),
                       ("gazette_cache_misses_total", "counter"),
                       ("gazette_cache_bytes", "gauge"),
                       ("gazette_comment_posts_total", "counter"),
                       ("gazette_reloads_total", "counter")]:
            eq(types.get(fam), t, "type of " + fam)
        for o in ("published", "held", "spam", "refused"):
            check(("gazette_comment_posts_total", frozenset({("outcome", o)})) in samples,
                  "comment outcome %s" % o)
        db0 = samples[("gazette_db_statement_duration_seconds_count", frozenset())]
        base = samples.get(req_key("/", 200), 0)
        for _ in range(3):
            eq(srv.get("/")[0], 200, "front page")
        for p in ("/nope", "/nope/x/y/z/w"):
            eq(srv.get(p)[0], 404, "404")
        slug = db_query(srv.db, "SELECT slug FROM articles")[0][0]
        eq(srv.get("/2022/01/" + slug)[0], 200, "article")
        samples, _ = wait_metric(srv, req_key("/:year/:month/:slug", 200), 1)
        samples, _ = wait_metric(srv, req_key("/", 200), base + 3)
        samples, _ = wait_metric(srv, req_key("none", 404), 2)
        eq(samples.get(req_key("/", 200), 0) - base, 3, "front page counted by route")
        eq(samples.get(req_key("none", 404)), 2, "unmatched paths share route=none")
        eq(samples.get(req_key("/:year/:month/:slug", 200)), 1, "article by pattern, not path")
        check(not any("nope" in str(k) for k in samples), "raw paths never become labels")
        lbl = frozenset({("route", "/")})
        check(samples[("gazette_http_request_duration_seconds_count", lbl)] >= 3, "latency count")
        check(samples[("gazette_http_request_duration_seconds_sum", lbl)] > 0, "latency sum")
        check(samples[("gazette_db_statement_duration_seconds_count", frozenset())] > db0,
              "database time moved with the pages")
        check(samples[("gazette_http_connections_open", frozenset())] >= 1, "our connection is open")
    finally:
        srv.stop()
        d.cleanup()


# --- access log and proxies -------------------------------------------------

def json_lines(srv):
    out = []
    for line in srv.stderr().splitlines():
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def test_json_log_and_proxy():
    d = TempDir()
    db = demo_site(d)
    srv = Server(db, args=["--access-log", "json", "--trusted-proxy", "127.0.0.0/8"])
    try:
        srv.get("/", headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.7",
                              "X-Forwarded-Proto": "https"})
        srv.get("/tags", headers={"X-Forwarded-For": "198.51.100.7, <script>"})
        srv.raw(b'GET /a"b\\c%22\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
        srv.raw(b'GET /x\x01y HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    finally:
        srv.stop()
    lines = json_lines(srv)
    check(len(lines) >= 4, "a JSON line per request: %r" % srv.stderr()[-1500:])
    for ln in lines:
        for k in ("time", "method", "path", "route", "status", "bytes", "duration_us",
                  "client", "scheme", "aborted"):
            check(k in ln, "key %s in %r" % (k, ln))
        check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", ln.get("time", "")),
              "RFC 3339 time")
    # Lines are written as responses finish, not necessarily in order.
    by_path = {ln["path"]: ln for ln in lines}
    eq(by_path["/"]["client"], "198.51.100.7", "client from X-Forwarded-For, right-most untrusted")
    eq(by_path["/"]["scheme"], "https", "scheme from X-Forwarded-Proto")
    eq(by_path["/"]["route"], "/", "route pattern")
    eq(by_path["/tags"]["client"], "127.0.0.1", "garbage in XFF: the proxy itself")
    eq(by_path["/tags"]["scheme"], "http", "no X-Forwarded-Proto: http")
    check(any(ln["path"].startswith('/a"b\\c%22') and ln["route"] is None for ln in lines),
          "a hostile path survives as a JSON string: %r" % lines)
    check(any("\x01" in ln["path"] and ln["status"] == 400 for ln in lines),
          "control bytes escaped, not dropped: %r" % lines)

    srv = Server(db, args=["--access-log", "json"])
    try:
        srv.get("/", headers={"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"})
    finally:
        srv.stop()
    lines = json_lines(srv)
    eq(lines[0]["client"], "127.0.0.1", "untrusted peer: X-Forwarded-For ignored")
    eq(lines[0]["scheme"], "http", "untrusted peer: X-Forwarded-Proto ignored")

    srv = Server(db, env={"GAZETTE_TRUSTED_PROXIES": "10.0.0.0/8, ::1,127.0.0.1",
                          "GAZETTE_ACCESS_LOG": "json"})
    try:
        srv.get("/", headers={"X-Forwarded-For": "2001:db8::7"})
    finally:
        srv.stop()
    lines = json_lines(srv)
    eq(lines[0]["client"], "2001:db8::7", "GAZETTE_TRUSTED_PROXIES")

    rc, _, err = gazette("serve", "--trusted-proxy", "10.0.0.0/33", db=db)
    eq(rc, 2, "bad --trusted-proxy is a usage error: " + err)
    rc, _, err = gazette("serve", env={"GAZETTE_TRUSTED_PROXIES": "10.0.0.1,nope"}, db=db)
    check(rc == 2 and "'nope'" in err, "bad GAZETTE_TRUSTED_PROXIES named: " + err)
    rc, _, err = gazette("serve", "--access-log", "xml", db=db)
    eq(rc, 2, "bad --access-log: " + err)
    d.cleanup()


def test_metrics_allow():
    """/metrics answers only the clients in GAZETTE_METRICS_ALLOW (loopback
    by default), judged by the client address the rest of the server uses:
    behind a trusted proxy, the one it names. Anyone else gets the 404."""
    import http.client
    d = TempDir()
    db = demo_site(d)

    def get(srv, source="127.0.0.1", headers=None, method="GET"):
        c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10, source_address=(source, 0))
        try:
            c.request(method, "/metrics", headers=headers or {})
            r = c.getresponse()
            return r.status, text(r.read())
        finally:
            c.close()

    srv = Server(db, args=["--no-access-log"], env={"GAZETTE_METRICS_ALLOW": "127.0.0.2, 10.0.0.0/8"})
    try:
        st, body = get(srv)
        eq(st, 404, "a loopback address not in the list")
        check("gazette_" not in body, "the 404 page, no numbers")
        eq(get(srv, method="HEAD")[0], 404, "HEAD too")
        st, body = get(srv, source="127.0.0.2")
        eq(st, 200, "an address in the list")
        check("gazette_http_requests_total" in body, "the numbers")
        eq(get(srv, headers={"X-Forwarded-For": "127.0.0.2"})[0], 404,
           "X-Forwarded-For from an untrusted peer changes nothing")
    finally:
        srv.stop()
    # Behind a trusted proxy on the same host, the proxy's loopback address
    # is not the client: the address it names is.
    srv = Server(db, args=["--no-access-log", "--trusted-proxy", "127.0.0.1"])
    try:
        eq(get(srv)[0], 200, "the proxy itself (no X-Forwarded-For), loopback by default")
        eq(get(srv, headers={"X-Forwarded-For": "203.0.113.9"})[0], 404, "a remote client through the proxy")
        eq(get(srv, headers={"X-Forwarded-For": "127.0.0.1, 203.0.113.9"})[0], 404,
           "a remote client that wrote loopback into the header")
        eq(get(srv, headers={"X-Forwarded-For": "::1"})[0], 200, "a local client through the proxy")
        eq(srv.get("/")[0], 200, "the site itself is anyone's")
    finally:
        srv.stop()
    srv = Server(db, args=["--no-access-log"], env={"GAZETTE_METRICS_ALLOW": "none"})
    try:
        eq(get(srv)[0], 404, "none: nobody")
    finally:
        srv.stop()
    rc, _, err = gazette("serve", env={"GAZETTE_METRICS_ALLOW": "127.0.0.1,localhost"}, db=db)
    check(rc == 2 and "'localhost'" in err, "a bad GAZETTE_METRICS_ALLOW is named: " + err)
    d.cleanup()


# --- SIGHUP -----------------------------------------------------------------

def test_reload():
    d = TempDir()
    db = demo_site(d)
    theme = os.path.join(d.path, "theme")
    os.makedirs(theme)
    with open(os.path.join(ROOT, "themes/default/404.html")) as f:
        orig404 = f.read()
    d.file("theme/404.html", orig404.replace("</main>", "<p>MARK-ONE</p></main>", 1)
           if "</main>" in orig404 else orig404 + "MARK-ONE")
    srv = Server(db, args=["--theme", theme, "--no-access-log"])
    failures = []
    stop = threading.Event()

    def load():
        while not stop.is_set():
            try:
                st, _, _ = srv.get("/")
                if st != 200:
                    failures.append(st)
            except Exception as e:
                failures.append(repr(e))

    t = threading.Thread(target=load)
    t.start()
    try:
        check(b"MARK-ONE" in srv.get("/nope")[2], "overlay template in use")
        d.file("theme/404.html", orig404.replace("</main>", "<p>MARK-TWO</p></main>", 1)
               if "</main>" in orig404 else orig404 + "MARK-TWO")
        db_exec(db, "INSERT INTO settings (key, value) VALUES ('title', 'Reloaded Times') "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        # One at a time: signals sent together merge into one.
        for i in range(1, 4):
            os.kill(srv.proc.pid, signal.SIGHUP)
            wait_for(lambda: srv.stderr().count("reloaded settings and theme") >= i)
        body = srv.get("/nope")[2]
        check(b"MARK-TWO" in body, "the new template after SIGHUP")
        check(b"Reloaded Times" in srv.get("/")[2], "the new title after SIGHUP")

        d.file("theme/404.html", "{{#broken}} never closed")
        os.kill(srv.proc.pid, signal.SIGHUP)
        wait_for(lambda: "reload failed" in srv.stderr())
        check("still serving the previous" in srv.stderr(), "failed reload says what it kept")
        check(b"MARK-TWO" in srv.get("/nope")[2], "a broken theme keeps the old one")
        samples, _ = get_metrics(srv)
        eq(samples[("gazette_reloads_total", frozenset({("result", "ok")}))], 3, "reloads ok")
        eq(samples[("gazette_reloads_total", frozenset({("result", "failed")}))], 1, "reloads failed")
    finally:
        stop.set()
        t.join()
        srv.stop()
        d.cleanup()
    eq(failures, [], "no request failed across the reloads")


# --- check ------------------------------------------------------------------

def check_pg(d, db):
    """check on PostgreSQL: what SQLite reads for itself (file integrity,
    foreign keys it may have skipped) is said not to apply; the orphan,
    counter, search and schema checks find what they find on SQLite."""
    rc, out, _ = gazette("check", db=db)
    check("not applicable on PostgreSQL" in out, "file check reported as not applicable: " + out)
    check("ok: search index articles.search: in step" in out, "search index checked: " + out)
    # An orphan PostgreSQL's own keys would refuse: written with triggers
    # (and so foreign keys) off, as a restore gone wrong could leave it.
    psql(db, "SET session_replication_role = replica; "
         "INSERT INTO article_tags (article_id, tag_id) SELECT min(id), 4242 FROM articles")
    rc, out, _ = gazette("check", db=db)
    eq(rc, 1, "check fails on an orphan: " + out)
    check("tag 4242" in out and "does not exist" in out, "names the orphan: " + out)
    psql(db, "SET session_replication_role = replica; DELETE FROM article_tags WHERE tag_id = 4242")
    # A comment counter and the search text of the tags out of step.
    psql(db, "UPDATE articles SET comment_count = 7 WHERE id = (SELECT min(id) FROM articles)")
    psql(db, "UPDATE articles SET tags_text = 'stale' WHERE id = (SELECT min(id) FROM articles)")
    rc, out, _ = gazette("check", db=db)
    check(rc == 1 and "counts 7 approved comments" in out, "counter out of step: " + out)
    check("out of step with their tags" in out and "gazette_tags_text" in out,
          "search text out of step, and the fix: " + out)
    psql(db, "UPDATE articles SET tags_text = gazette_tags_text(id), comment_count = "
         "(SELECT count(*) FROM comments c WHERE c.article_id = articles.id "
         "AND c.status = 'approved')")
    rc, out, _ = gazette("check", db=db)
    eq(rc, 0, "repaired: " + out)
    psql(db, "INSERT INTO schema_migrations VALUES (999, 'future', 0)")
    rc, out, _ = gazette("check", db=db)
    check(rc == 1 and "newer than this gazette" in out, "future schema: " + out)
    d.cleanup()


def test_check():
    d = TempDir()
    db = demo_site(d)
    rc, out, err = gazette("check", db=db)
    eq(rc, 0, "check passes on the demo site: " + out + err)
    check("no problems found" in out, "says so")
    check("search" in out, "mentions the search index, checked or skipped: " + out)
    if is_pg(db):
        check_pg(d, db)
        return


    # An article_tags row pointing at a tag that does not exist.
    broken = new_db(d, "orphan")
    shutil.copy(db, broken)
    c = sqlite3.connect(broken)
    c.execute("PRAGMA foreign_keys = OFF")
    c.execute("INSERT INTO article_tags (article_id, tag_id) "
              "SELECT min(id), 4242 FROM articles")
    c.commit()
    c.close()
    rc, out, _ = gazette("check", db=broken)
    eq(rc, 1, "check fails on an orphan")
    check("tag 4242" in out and "does not exist" in out, "names the orphan: " + out)
    check("refer to rows of tags that do not exist" in out, "foreign key check: " + out)

    # An index that no longer matches its table.
    bad_index = new_db(d, "index")
    shutil.copy(db, bad_index)
    c = sqlite3.connect(bad_index)
    c.execute("PRAGMA writable_schema = ON")
    c.execute("UPDATE sqlite_schema SET sql = replace(sql, '(author,', '(title,') "
              "WHERE name = 'articles_author'")
    c.commit()
    c.close()
    rc, out, _ = gazette("check", db=bad_index)
    eq(rc, 1, "check fails on a broken index")
    check("articles_author" in out and "REINDEX" in out, "says which index and what to do: " + out)

    # A full-text index out of step with the articles it indexes.
    fts = new_db(d, "fts")
    shutil.copy(db, fts)
    c = sqlite3.connect(fts)
    c.execute("CREATE VIRTUAL TABLE test_fts USING fts5(title, body_md, "
              "content='articles', content_rowid='id')")
    c.execute("INSERT INTO test_fts(test_fts) VALUES ('rebuild')")
    c.commit()
    rc, out, _ = gazette("check", db=fts)
    check(rc == 0 and "search index test_fts: in step" in out, "a sound search index: " + out)
    c.execute("UPDATE articles SET title = 'changed behind the index'")
    c.commit()
    c.close()
    rc, out, _ = gazette("check", db=fts)
    check(rc == 1 and "search index test_fts is out of step" in out, "a stale search index: " + out)

    # A schema from the future, and a theme that does not compile.
    c = sqlite3.connect(broken)
    c.execute("INSERT INTO schema_migrations VALUES (999, 'future', 0)")
    c.commit()
    c.close()
    rc, out, _ = gazette("check", db=broken)
    check(rc == 1 and "newer than this gazette" in out, "future schema: " + out)
    theme = os.path.join(d.path, "theme")
    d.file("theme/article.html", "{{#x}} unclosed")
    rc, out, _ = gazette("check", "--theme", theme, db=db)
    check(rc == 1 and "theme does not load" in out and "article.html" in out,
          "broken theme: " + out)
    d.cleanup()


# --- backup and restore -----------------------------------------------------

def dump(db):
    """Every table, rows in primary key order, as one comparable value."""
    c = sqlite3.connect(db)
    try:
        out = {}
        tables = [r[0] for r in c.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for t in tables:
            pk = [r[1] for r in sorted((r for r in c.execute('PRAGMA table_info("%s")' % t)
                                        if r[5]), key=lambda r: r[5])]
            order = ", ".join('"%s"' % k for k in pk) or "rowid"
            out[t] = c.execute('SELECT * FROM "%s" ORDER BY %s' % (t, order)).fetchall()
        return out
    finally:
        c.close()


def fill(db, n):
    c = sqlite3.connect(db)
    body = "lorem ipsum " * 200
    now = int(time.time())
    with c:
        for i in range(n):
            c.execute("INSERT INTO articles (slug, title, body_md, body_html, status, "
                      "published_at, created_at, updated_at) VALUES (?, ?, ?, ?, "
                      "'published', ?, ?, ?)", ("fill-%d" % i, "Fill %d" % i, body, body,
                                                now - i, now, now))
    c.close()


def test_backup_under_load():
    d = TempDir()
    db = demo_site(d)
    if is_pg(db):
        # gazette does not copy a PostgreSQL site itself (pg_dump does, as
        # a consistent snapshot under load): what this backend answers is
        # the explanation, for this very site, and no file.
        out = os.path.join(d.path, "site.dump")
        rc, _, err = gazette("backup", out, db=db)
        check(rc == 1 and "pg_dump --format=custom --file=%s" % out in err, "backup explains pg_dump: " + err)
        check(not os.path.exists(out), "no file written")
        rc, _, err = gazette("restore", out, db=db)
        check(rc == 1 and "pg_restore" in err, "restore explains pg_restore: " + err)
        eq(db_query(db, "SELECT count(*) FROM articles")[0][0], 1, "site untouched")
        d.cleanup()
        return
    fill(db, 3000)
    tag = db_query(db, "SELECT min(id) FROM tags")[0][0]
    seen = []
    stop = threading.Event()
    errors = []

    def writer():
        # Each transaction adds an article, tags it and records the count:
        # a consistent copy has all three in step.
        c = sqlite3.connect(db, timeout=30)
        c.execute("PRAGMA journal_mode = WAL")
        i = 0
        try:
            while not stop.is_set():
                i += 1
                now = int(time.time())
                with c:
                    cur = c.execute(
                        "INSERT INTO articles (slug, title, status, published_at, "
                        "created_at, updated_at) VALUES (?, ?, 'published', ?, ?, ?)",
                        ("live-%d" % i, "Live %d" % i, now, now, now))
                    c.execute("INSERT INTO article_tags VALUES (?, ?)", (cur.lastrowid, tag))
                    n = c.execute("SELECT count(*) FROM articles").fetchone()[0]
                    c.execute("INSERT INTO settings VALUES ('test_count', ?) ON CONFLICT (key) "
                              "DO UPDATE SET value = excluded.value", (str(n),))
                seen.append(n)
        except Exception as e:
            errors.append(repr(e))
        finally:
            c.close()

    srv = Server(db, args=["--no-access-log"])
    out = os.path.join(d.path, "backups", "site.db")
    os.makedirs(os.path.dirname(out))
    t = threading.Thread(target=writer)
    t.start()
    try:
        wait_for(lambda: len(seen) >= 20)
        before = len(seen)
        rc, stdout, err = gazette("backup", out, db=db)
        after = len(seen)
        eq(rc, 0, "backup under load: " + err)
        check(re.search(r"\(\d+ bytes\).*\(\d+ bytes, schema version \d+, integrity ok\)", stdout),
              "reports sizes: " + stdout)
        eq(srv.get("/")[0], 200, "the site served during the backup")
    finally:
        stop.set()
        t.join()
        srv.stop()
    eq(errors, [], "writer ran without errors")
    check(after > before, "writes went on while the backup ran (%d → %d)" % (before, after))
    leftovers = [f for f in os.listdir(os.path.dirname(out)) if f != "site.db"]
    eq(leftovers, [], "no temporary files left beside OUT")

    n = db_query(out, "SELECT count(*) FROM articles")[0][0]
    recorded = db_query(out, "SELECT value FROM settings WHERE key = 'test_count'")
    check(n in seen, "the copy's article count %d is one the writer saw" % n)
    check(recorded and int(recorded[0][0]) == n, "count recorded in the same transaction matches")
    eq(db_query(out, "SELECT count(*) FROM article_tags at JOIN articles a ON a.id = at.article_id "
                "WHERE a.slug LIKE 'live-%'")[0][0],
       db_query(out, "SELECT count(*) FROM articles WHERE slug LIKE 'live-%'")[0][0],
       "every live article has its tag: no torn transaction")
    eq(db_query(out, "PRAGMA integrity_check")[0][0], "ok", "copy integrity")

    # Restore into a new path: the same database, table by table.
    restored = new_db(d, "restored")
    rc, stdout, err = gazette("restore", out, db=restored)
    eq(rc, 0, "restore into an empty site: " + err)
    check(dump(restored) == dump(out), "restored database equals the backup")
    rc, _, err = gazette("check", db=restored)
    eq(rc, 0, "restored site passes check: " + err)

    # Refusals.
    rc, _, err = gazette("restore", out, db=db)
    check(rc == 1 and "--force" in err and "not empty" in err, "non-empty site refused: " + err)
    rc, _, err = gazette("restore", "--force", out, db=db)
    eq(rc, 0, "--force replaces: " + err)
    check(dump(db) == dump(out), "forced restore equals the backup")
    junk = d.file("junk.db", b"this is not a database at all" * 100)
    rc, _, err = gazette("restore", junk, db=new_db(d, "j"))
    check(rc == 1 and "damaged or not a database" in err, "junk refused: " + err)
    future = new_db(d, "future")
    shutil.copy(out, future)
    c = sqlite3.connect(future)
    c.execute("INSERT INTO schema_migrations VALUES (999, 'future', 0)")
    c.commit()
    c.close()
    rc, _, err = gazette("restore", future, db=new_db(d, "f2"))
    check(rc == 1 and "newer gazette" in err, "newer schema refused: " + err)
    rc, _, err = gazette("backup", db, db=db)
    eq(rc, 2, "backup onto the live database refused: " + err)
    rc, _, err = gazette("backup", "/nonexistent-dir/x.db", db=db)
    eq(rc, 1, "unwritable OUT: " + err)
    d.cleanup()


def test_postgres_explains():
    url = "postgresql://gazette@localhost/gazette"
    rc, _, err = gazette("backup", "site.dump", db=url)
    check(rc == 1 and "pg_dump" in err and url in err, "backup explains pg_dump: " + err)
    rc, _, err = gazette("restore", "site.dump", db=url)
    check(rc == 1 and "pg_restore" in err, "restore explains pg_restore: " + err)


def test_files_private():
    """serve and backup: a database's -wal and -shm (SQLite gives them the
    database file's mode) and a backup are readable by their owner alone,
    whatever the umask lets through."""
    old = os.umask(0o022)
    d = TempDir()
    try:
        db = new_db(d)
        if is_pg(db):
            return
        # serve creates the database itself here: no init before it.
        srv = Server(db, args=["--no-access-log"])
        try:
            eq(srv.get("/")[0], 200, "served")
            for f in (db, db + "-wal", db + "-shm"):
                check(os.path.exists(f), "%s exists while serving" % f)
                if os.path.exists(f):
                    eq(oct(stat.S_IMODE(os.stat(f).st_mode)), oct(0o600), "%s 0600" % f)
            out = os.path.join(d.path, "site-backup.db")
            rc, _, err = gazette("backup", out, db=db)
            eq(rc, 0, "backup: " + err)
            eq(oct(stat.S_IMODE(os.stat(out).st_mode)), oct(0o600), "backup 0600")
        finally:
            srv.stop()
    finally:
        os.umask(old)
        d.cleanup()


run_tests("ops", [test_parser_refuses, test_metrics, test_json_log_and_proxy, test_reload,
                  test_check, test_backup_under_load, test_postgres_explains, test_files_private])
run_tests("ops", [test_parser_refuses, test_metrics, test_metrics_allow, test_json_log_and_proxy, test_reload,
                  test_check, test_backup_under_load, test_postgres_explains])
