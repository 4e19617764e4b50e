"""test_search.py: full-text search through the real server: ranking,
phrases, prefixes, exclusion, escaped snippets, hostile queries, the JSON
API, the index following edits and deletes, and JSON-LD that cannot close
its script element. And what bounds a search's cost: the grammar's prefix
limits (400), result pages kept in the page cache under the query's
canonical form, the time budget (503) and the number of searches at once
(503), the last two provoked by holding the database locked, so that a
search waits, rather than by any timing."""
import fcntl
import html
import html.parser
import http.client
import json
import os
import re
import signal
import subprocess
import threading
import urllib.parse

from lib import (Server, TempDir, check, db_exec, db_query, eq, gazette, is_pg, new_db, psql, run_tests,
                 text, wait_for)

tmp = TempDir()
DB = new_db(tmp)


def article(name, title, body, tags="[News]", date="2022-05-01T10:00:00Z", extra=""):
    tmp.file("md/%s.md" % name, "---\ntitle: %s\nslug: %s\ndate: %s\nauthor: Desk\ntags: %s\n%s---\n\n%s\n"
             % (title, name, date, tags, extra, body))


def setup():
    gazette("init", db=DB, check_rc=0)
    article("title-hit", "Zanzibar spice harvest", "A report on the harvest season.")
    article("body-hit", "Island economy", "Farmers on Zanzibar sold cloves this year.",
            date="2022-06-01T10:00:00Z")
    article("phrase-yes", "Regional outlook", "Trade across central asia grew fast.")
    article("phrase-no", "Asia and the centre", "The asia desk moved to the central office.")
    article("prefix", "Kazakhstan elections", "Voters went to the polls.")
    article("exclude-a", "Pipeline deal", "China and Russia signed a pipeline deal.")
    article("exclude-b", "Pipeline repairs", "China repaired the pipeline alone.")
    article("xss", "Security notes", "Someone wrote <script>alert(1)</script> near the quokka enclosure.")
    article("jsonld", "</script><script>alert(1)</script> headline", "A headline test.")
    article("tagged", "Untitled", "Nothing in the body.", tags="[Mongolia]")
    article("draft", "Zanzibar draft", "Zanzibar unpublished.", extra="status: draft\n")
    gazette("import", tmp.path + "/md", db=DB, check_rc=0)


class Results(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.snippets = [], []
        self._in_result = self._in_snip = False
        self._cur = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "li" and a.get("class") == "result":
            self._in_result = True
        elif self._in_result and tag == "a" and "href" in a and self._cur is None:
            self._cur = a["href"]
            self.links.append(a["href"])
        elif self._in_result and tag == "p" and a.get("class") == "snippet":
            self._in_snip = True

    def handle_endtag(self, tag):
        if tag == "li":
            self._in_result = False
            self._cur = None


def search(srv, q):
    st, h, body = srv.get("/search?q=" + urllib.parse.quote(q))
    r = Results()
    r.feed(text(body))
    return st, [l.rsplit("/", 1)[-1] for l in r.links], text(body)


def test_ranking(srv):
    st, slugs, body = search(srv, "zanzibar")
    eq(st, 200, "search status")
    eq(slugs, ["title-hit", "body-hit"], "title match ranks above body match; drafts absent")
    check('<li class="result">' in body and '<p class="snippet">' in body, "result markup")
    check("<mark>" in body, "matches are marked")


def test_phrase_prefix_exclusion(srv):
    _, slugs, _ = search(srv, '"central asia"')
    eq(slugs, ["phrase-yes"], "phrase")
    _, slugs, _ = search(srv, "central asia")
    eq(sorted(slugs), ["phrase-no", "phrase-yes"], "words without quotes")
    _, slugs, _ = search(srv, "kazakh*")
    eq(slugs, ["prefix"], "prefix")
    _, slugs, _ = search(srv, "kazakh")
    eq(slugs, [], "a word is not a prefix")
    _, slugs, _ = search(srv, "pipeline -russia")
    eq(slugs, ["exclude-b"], "exclusion")
    _, slugs, _ = search(srv, 'pipeline -"signed a"')
    eq(slugs, ["exclude-b"], "excluded phrase")
    _, slugs, _ = search(srv, "mongolia")
    eq(slugs, ["tagged"], "tags are searched")
    _, slugs, _ = search(srv, "ZANZIBAR")
    eq(len(slugs), 2, "case-insensitive")


def test_snippet_escaped(srv):
    st, slugs, body = search(srv, "quokka")
    eq(slugs, ["xss"], "found")
    snip = re.search(r'<p class="snippet">(.*?)</p>', body, re.S)
    check(snip is not None, "snippet present")
    s = snip.group(1) if snip else ""
    check("<script" not in s and "&lt;script&gt;" in s, "snippet escaped: " + s)
    check("<mark>quokka</mark>" in s, "term marked: " + s)
    eq(re.sub(r"</?mark>", "", s).count("<"), 0, "no markup but <mark>")


HOSTILE = ['"', "*", "x " * 3900, "NEAR(", ")", "-", "AND OR NOT", "(", "title:x", "^x", "x OR", "'", "\\",
           '"unclosed phrase', "a" * 300, "x " * 5000, "\u00a0", "💥*", "-x", "-x -y",
           " ".join("w%d" % i for i in range(40)), "NEAR(a b, 2)", "{a b}", "a:b:c", "\x01\x02",
           "%", "%%", "*" * 200]


def ok_status(q, st):
    # A request target over the HTTP layer's 8 KiB limit is refused with
    # 414 before search sees it (RFC 9110 §15.5.15); anything shorter is
    # the grammar's to answer, with 200 or 400.
    if len(urllib.parse.quote(q)) > 8000:
        return st == 414
    return st in (200, 400)


def test_hostile(srv):
    for q in HOSTILE:
        st, _, _ = srv.get("/search?q=" + urllib.parse.quote(q))
        check(ok_status(q, st), "page %r answered %d" % (q[:40], st))
        st, h, _ = srv.get("/api/v1/search?q=" + urllib.parse.quote(q))
        check(ok_status(q, st), "api %r answered %d" % (q[:40], st))
    for raw in ("%ff", "%c3%28", "abc%ed%a0%80", "%00", "%zz", "", "%e2%82"):
        st, _, body = srv.get("/search?q=" + raw)
        check(st in (200, 400), "page raw %r answered %d" % (raw, st))
        st, h, body = srv.get("/api/v1/search?q=" + raw)
        check(st in (200, 400), "api raw %r answered %d" % (raw, st))
    st, _, body = srv.get("/search?q=%ff")
    eq(st, 400, "invalid UTF-8 is a 400")
    check("UTF-8" in text(body), "with a clear message")
    st, h, body = srv.get("/api/v1/search?q=" + "x" * 10240)
    eq(st, 414, "10 KB query: URI too long")
    st, h, body = srv.get("/api/v1/search?q=" + "x" * 8000)
    eq(st, 400, "8000-byte query: the grammar's limit")
    eq(h.get("content-type"), "application/problem+json", "problem JSON")
    p = json.loads(body)
    eq(p.get("status"), 400, "problem status")
    check("too long" in p.get("detail", ""), "problem detail")
    st, _, body = srv.get("/search")
    eq(st, 200, "empty search page")
    st, _, body = srv.get("/search?q=")
    eq(st, 200, "empty query shows the form")
    st, _, body = srv.get("/search?q=-x")
    eq(st, 400, "only exclusions")
    check(srv.alive(), "server alive after hostile queries")


def test_api(srv):
    st, h, body = srv.get("/api/v1/search?q=zanzibar")
    eq(st, 200, "api status")
    eq(h.get("content-type"), "application/json", "api content type")
    eq(h.get("access-control-allow-origin"), "*", "CORS")
    j = json.loads(body)
    eq([i["url"].rsplit("/", 1)[-1] for i in j["items"]], ["title-hit", "body-hit"], "api ranking")
    check(j["items"][0]["url"].startswith("http://127.0.0.1:%d/" % srv.port), "absolute url")
    check("next_cursor" in j and j["next_cursor"] is None, "no next page")
    check("<mark>" in j["items"][0]["snippet_html"], "snippet_html marked")
    st, h, body = srv.get("/api/v1/search?q=pipeline&limit=1")
    j = json.loads(body)
    eq(len(j["items"]), 1, "limit")
    check(isinstance(j["next_cursor"], str), "cursor given")
    st, h, body2 = srv.get("/api/v1/search?q=pipeline&limit=1&cursor=" + urllib.parse.quote(j["next_cursor"]))
    j2 = json.loads(body2)
    eq(len(j2["items"]), 1, "second page")
    check(j2["items"][0]["id"] != j["items"][0]["id"], "second page differs")
    eq(j2["next_cursor"], None, "last page")
    for bad in ("q=x&utm_source=y", "q=x&limit=0", "q=x&limit=abc", "q=x&cursor=-1", "limit=5"):
        st, h, body = srv.get("/api/v1/search?" + bad)
        eq(st, 400, "api 400 for " + bad)
        eq(h.get("content-type"), "application/problem+json", "problem type for " + bad)
    st, _, _ = srv.get("/search?q=zanzibar&utm_source=x")
    eq(st, 200, "page ignores unknown params")


def behind_back(srv, sql):
    """An edit made behind gazette's back reaches no change hook: a reload
    (SIGHUP) drops the cached result pages, as the manual says."""
    db_exec(DB, sql)
    n = srv.stderr().count("reloaded settings")
    os.kill(srv.proc.pid, signal.SIGHUP)
    wait_for(lambda: srv.stderr().count("reloaded settings") > n)


def test_index_in_step(srv):
    behind_back(srv, "UPDATE articles SET title = 'Wombat census' WHERE slug = 'prefix'")
    _, slugs, _ = search(srv, "wombat")
    eq(slugs, ["prefix"], "title edit indexed")
    _, slugs, _ = search(srv, "kazakhstan")
    eq(slugs, [], "old title gone")
    behind_back(srv, "UPDATE tags SET name = 'Outer Mongolia' WHERE slug = 'mongolia'")
    _, slugs, _ = search(srv, "outer")
    eq(slugs, ["tagged"], "tag rename indexed")
    behind_back(srv, "DELETE FROM article_tags WHERE article_id = (SELECT id FROM articles WHERE slug = 'tagged')")
    _, slugs, _ = search(srv, "mongolia")
    eq(slugs, [], "tag removal indexed")
    behind_back(srv, "DELETE FROM articles WHERE slug = 'body-hit'")
    _, slugs, _ = search(srv, "zanzibar")
    eq(slugs, ["title-hit"], "deleted article gone")
    # The backend's own comparison of its index with the articles (FTS5's
    # integrity-check on SQLite, the tag text on PostgreSQL), through the
    # command an operator runs.
    rc, out, err = gazette("check", db=DB)
    eq(rc, 0, "index consistent with its content: " + out + err)
    check(re.search(r"^ok: search index \S+: in step", out, re.M) is not None,
          "the search index was checked: " + out)
    # a second import adds to the index
    tmp.file("md2/late.md", "---\ntitle: Late addition\nslug: late\ndate: 2022-07-01T10:00:00Z\n---\n\nPlatypus sighting.\n")
    gazette("import", tmp.path + "/md2", db=DB, check_rc=0)
    _, slugs, _ = search(srv, "platypus")
    eq(slugs, ["late"], "imported article indexed")


def test_jsonld(srv):
    st, _, body = srv.get("/2022/05/jsonld")
    eq(st, 200, "article status")
    t = text(body)
    eq(t.lower().count("</script"), 1, "only the JSON-LD's own end tag")
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', t, re.S)
    check(m is not None, "JSON-LD present")
    if m:
        d = json.loads(m.group(1))
        eq(d["@type"], "NewsArticle", "type")
        eq(d["headline"], "</script><script>alert(1)</script> headline", "headline round-trips")
        for k in ("datePublished", "dateModified", "author", "publisher"):
            check(k in d, "JSON-LD has " + k)
        eq(d["author"]["name"], "Desk", "author")
        eq(d["publisher"]["@type"], "Organization", "publisher")
    for tag in ('property="og:locale"', 'property="article:tag" content="News"', 'name="twitter:title"',
                'name="description" content="A headline test."', 'rel="canonical"'):
        check(tag in t, "head has " + tag)


def test_search_form(srv):
    st, _, body = srv.get("/")
    t = text(body)
    check(re.search(r'<form[^>]*role="search"[^>]*action="/search"[^>]*method="get"', t), "search form in header")
    check('<label for="site-search-q">' in t and 'id="site-search-q" name="q"' in t, "labelled field")


def refused(srv, q, why):
    """q is refused by the page and the API with a 400 naming the problem."""
    st, _, body = srv.get("/search?q=" + urllib.parse.quote(q))
    eq(st, 400, "page refuses %r" % q)
    check(why in html.unescape(text(body)), "page says why for %r" % q)
    st, h, body = srv.get("/api/v1/search?q=" + urllib.parse.quote(q))
    eq(st, 400, "api refuses %r" % q)
    eq(h.get("content-type"), "application/problem+json", "problem JSON for %r" % q)
    check(why in json.loads(body).get("detail", ""), "api says why for %r: %s" % (q, text(body)))


def test_prefix_limits(srv):
    # A prefix is merged from every word it starts: at least 2 letters
    # of its word before the '*', at most 4 of them in one search.
    for q in ("k*", "pipeline -k*", '"central a"*', "x.y*", "a\u2026*", "\U0001f4a5*"):
        refused(srv, q, "at least 2 letters or digits before the '*'")
    refused(srv, "co* re* pr* de* ex*", "too many words ending in '*' (at most 4)")
    refused(srv, " ".join("w%d" % i for i in range(17)), "too many words (at most 16)")
    _, slugs, _ = search(srv, "ka*")
    eq(slugs, ["prefix"], "a 2-letter prefix is searched")
    _, slugs, _ = search(srv, "zan* pi* ce* sp*")
    eq(slugs, [], "4 prefixes are searched")
    st, _, _ = srv.get("/api/v1/search?q=" + urllib.parse.quote("co* re* pr*"))
    eq(st, 200, "the issue's query is searched")


def cache_hits(srv):
    _, _, b = srv.get("/metrics")
    return int(re.search(r"^gazette_cache_hits_total (\d+)", text(b), re.M).group(1))


def was_hit(srv, path):
    h0 = cache_hits(srv)
    st, h, body = srv.get(path)
    return cache_hits(srv) == h0 + 1, st, h, body


def test_cached(srv):
    for kind, path in (("page", "/search?q="), ("api", "/api/v1/search?q=")):
        hit, st, _, b1 = was_hit(srv, path + "harvest")
        check(not hit and st == 200 and b"title-hit" in b1, kind + ": the first search is run")
        hit, st, h, b2 = was_hit(srv, path + "harvest")
        check(hit and st == 200, kind + ": the second comes from the cache")
        eq(b2, b1, kind + ": the same bytes")
        # The key is the query as understood, not as spelled.
        hit, st, _, b3 = was_hit(srv, path + urllib.parse.quote("  harvest harvest  ") + "&utm_source=x"
                                 if kind == "page" else path + urllib.parse.quote("  harvest   harvest"))
        check(hit and st == 200, kind + ": another spelling of it too")
        hit, st, _, _ = was_hit(srv, path + "harvest&page=2" if kind == "page" else path + "harvest&cursor=1")
        check(not hit and st == 200, kind + ": another page of results is its own")
    eq(h.get("content-type"), "application/json", "api content type from the cache")
    eq(h.get("access-control-allow-origin"), "*", "api CORS from the cache")
    # The API still refuses what it refused before looking in the cache.
    st, h, _ = srv.get("/api/v1/search?q=harvest&utm_source=x")
    eq(st, 400, "unknown parameter still a 400 with the page cached")
    # A write through gazette drops the cached results at once.
    for _ in range(2):
        hit, st, _, b = was_hit(srv, "/search?q=wallaby")
    check(hit and b"No articles match" in b, "an empty result is cached too")
    tmp.file("md3/wallaby.md", "---\ntitle: Wallaby spotted\nslug: wallaby\ndate: 2022-08-01T10:00:00Z\n---\n\nIn the park.\n")
    gazette("import", tmp.path + "/md3", db=DB, check_rc=0)
    hit, st, _, b = was_hit(srv, "/search?q=wallaby")
    _, slugs, _ = search(srv, "wallaby")
    check(not hit and slugs == ["wallaby"], "an import drops the cached result")


class HoldDb:
    """Keeps the site's searches waiting for the database: on PostgreSQL a
    transaction holding ACCESS EXCLUSIVE on articles (the server gives up
    after its 5 s lock_timeout); on SQLite, locks on the five WAL read
    marks (bytes 123 to 127 of the -shm file, for SQLite's unix VFS), so
    a reader cannot start (it retries for about 10 s)."""

    def __init__(self, db):
        self.db = db
        if is_pg(db):
            self.p = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db],
                                      stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
            self.p.stdin.write(b"BEGIN;\nLOCK TABLE articles IN ACCESS EXCLUSIVE MODE;\n")
            self.p.stdin.flush()
            wait_for(lambda: psql(db, "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                                      "WHERE c.relname = 'articles' AND l.mode = 'AccessExclusiveLock' "
                                      "AND l.granted") == ["1"])
        else:
            self.f = open(db + "-shm", "r+b")
            wait_for(self._lock)

    def _lock(self):
        try:
            fcntl.lockf(self.f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB, 5, 123)
            return True
        except OSError:
            return False    # a read in progress: again

    def release(self):
        if is_pg(self.db):
            self.p.communicate(b"ROLLBACK;\n", timeout=30)
        else:
            fcntl.lockf(self.f.fileno(), fcntl.LOCK_UN, 5, 123)
            self.f.close()


def warm(srv, n):
    """A search on n connections at once, so that each of the server's n
    threads (libmicrohttpd gives a connection to a thread by its socket)
    has opened its database connection before the database is held."""
    cs = [http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30) for _ in range(n)]
    for i, c in enumerate(cs):
        c.connect()
    for i, c in enumerate(cs):
        c.request("GET", "/api/v1/search?q=warm%d" % i)
    for c in cs:
        c.getresponse().read()
        c.close()


def in_flight(srv):
    _, _, b = srv.get("/metrics")
    return int(re.search(r"^gazette_http_requests_in_flight (\d+)", text(b), re.M).group(1))


def test_budget():
    # A search of 1,500 matches (tens of milliseconds) given 1 ms.
    db = new_db(tmp, "heavy")
    gazette("init", db=db, check_rc=0)
    for i in range(1500):
        tmp.file("heavy/a%d.md" % i, "---\ntitle: Common story %d\nslug: common-%d\ndate: 2022-01-01T10:00:00Z\n"
                 "---\n\nCommon words on a common theme, common to every one of these common articles.\n" % (i, i))
    gazette("import", tmp.path + "/heavy", db=db, check_rc=0)
    srv = Server(db, env={"GAZETTE_SEARCH_BUDGET_MS": "1"})
    try:
        st, h, body = srv.get("/api/v1/search?limit=100&q=common")
        eq(st, 503, "a search past its budget")
        eq(h.get("content-type"), "application/problem+json", "problem JSON")
        check("time budget" in json.loads(body).get("detail", ""), "says so: " + text(body))
        check(h.get("retry-after", "").isdigit(), "with Retry-After")
        st, h, body = srv.get("/search?q=common")
        eq(st, 503, "the page too")
        check("time budget" in text(body) and 'class="error"' in text(body), "the page says so")
        check(h.get("retry-after", "").isdigit(), "with Retry-After")
        check("past its 1 ms budget" in srv.stderr(), "logged")
        check(srv.alive(), "alive")
    finally:
        srv.stop()
    rc, _, err = gazette("serve", "--listen", "127.0.0.1:0", db=db, env={"GAZETTE_SEARCH_BUDGET_MS": "soon"})
    check(rc != 0 and "GAZETTE_SEARCH_BUDGET_MS 'soon'" in err, "a bad budget is refused at start: " + err)


def test_concurrency():
    # One search at a time: another is refused at once, not queued.
    srv = Server(DB, env={"GAZETTE_SEARCH_CONCURRENCY": "1", "GAZETTE_THREADS": "4",
                          "GAZETTE_SEARCH_BUDGET_MS": "30000"})
    answers = {}

    def ask(name, path):
        st, h, body = srv.get(path)
        answers[name] = (st, h.get("retry-after"), text(body))
    try:
        warm(srv, 4)
        hold = HoldDb(DB)
        try:
            first = threading.Thread(target=ask, args=("first", "/api/v1/search?q=first"), daemon=True)
            first.start()
            wait_for(lambda: in_flight(srv) >= 2)   # itself and the search
            # Three more at once, on the server's other threads (one may
            # share the held one's, and wait for it).
            more = [threading.Thread(target=ask, args=(i, ("/search?q=more%d" if i else
                                                           "/api/v1/search?q=more%d") % i), daemon=True)
                    for i in range(3)]
            for t in more:
                t.start()
            wait_for(lambda: any(a[0] == 503 for a in answers.values()))
        finally:
            hold.release()
        for t in [first] + more:
            t.join(30)
        eq(answers.get("first", (None,))[0], 200, "the search holding the slot finishes")
        refusals = [a for a in answers.values() if a[0] == 503]
        check(len(refusals) >= 1, "a search over the limit is refused: %r" % answers)
        for st, ra, body in refusals:
            check(ra == "1", "Retry-After: %r" % ra)
            check("too many searches" in body, "says why: " + body[:300])
        for i in range(3):
            st, _, body = srv.get("/api/v1/search?q=after%d" % i)
            eq(st, 200, "the slot is given back: " + text(body))
    finally:
        srv.stop()


def main():
    setup()
    srv = Server(DB)
    try:
        run_tests("search", [lambda: test_ranking(srv), lambda: test_phrase_prefix_exclusion(srv),
                             lambda: test_snippet_escaped(srv), lambda: test_hostile(srv),
                             lambda: test_api(srv), lambda: test_jsonld(srv),
                             lambda: test_search_form(srv), lambda: test_prefix_limits(srv),
                             lambda: test_cached(srv), lambda: test_index_in_step(srv),
                             lambda: srv.stop(), test_budget, test_concurrency])
    finally:
        srv.stop()
        tmp.cleanup()


main()
