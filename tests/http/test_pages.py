"""test_pages.py: reader pages through the real server, and HTTP limits."""
import html.parser
import os
import re
import socket
import time

from lib import Server, TempDir, check, db_exec, db_query, eq, gazette, new_db, run_tests, status_of, text

tmp = TempDir()
DB = new_db(tmp)
gazette("demo", db=DB, check_rc=0)
ARTICLE = "/2022/01/china-offers-kazakhstan-security-cooperation"


class Outline(html.parser.HTMLParser):
    """Counts elements and collects links, to check page structure."""

    def __init__(self):
        super().__init__()
        self.tags = {}
        self.links = []
        self.ids = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        a = dict(attrs)
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if "id" in a:
            self.ids.append(a["id"])

    def handle_data(self, data):
        self.text.append(data)


def outline(body):
    o = Outline()
    o.feed(text(body))
    return o


def test_front_page(srv):
    st, h, body = srv.get("/")
    eq(st, 200, "front page status")
    eq(h.get("content-type"), "text/html; charset=utf-8", "content type")
    o = outline(body)
    check(ARTICLE in o.links, "front page links the seed article")
    eq(o.tags.get("h1"), 1, "one h1")
    check("<title>" in text(body) and 'name="description"' in text(body), "title and description")
    check('rel="canonical" href="http://127.0.0.1:%d/"' % srv.port in text(body), "canonical is absolute")
    for k, v in (("x-content-type-options", "nosniff"),
                 ("referrer-policy", "strict-origin-when-cross-origin")):
        eq(h.get(k), v, k)
    csp = h.get("content-security-policy", "")
    check("script-src 'self'" in csp and "unsafe-inline" not in csp, "CSP without inline script: " + csp)
    # unknown query parameters are ignored on reader pages
    st2, _, body2 = srv.get("/?utm_source=newsletter&utm_campaign=x")
    eq(st2, 200, "campaign tags do not break the page")
    check(ARTICLE in text(body2), "same page with campaign tags")


def test_article(srv):
    st, h, body = srv.get(ARTICLE)
    eq(st, 200, "article status")
    t = text(body)
    o = outline(body)
    eq(o.tags.get("h1"), 1, "one h1")
    # the article itself, and the demo's four comments (each an <article>)
    eq(t.count('<article class="post"'), 1, "one article body")
    eq(o.tags.get("article"), 5, "the article and the demo's comments")
    check(re.search(r"<h1>China offers Kazakhstan security cooperation after deadly unrest</h1>", t), "headline")
    check('<h2 id="protests-in-kazakhstan">' in t and '<h2 id="experts-on-china">' in t, "section headings with ids")
    check("By <a href=\"/authors/gazette-staff\" rel=\"author\">Gazette Staff</a>" in t, "byline")
    check('<time datetime="2022-01-10T09:00:00Z">10 January 2022</time>' in t, "date")
    for tag, slug in (("Kazakhstan", "kazakhstan"), ("China", "china"), ("Central Asia", "central-asia")):
        check('<a href="/tags/%s" rel="tag">%s</a>' % (slug, tag) in t, "tag " + tag)
    check('<section id="comments"' in t, "comments section")
    check("Wang Yi reportedly said" in t, "body text")
    check('"@type": "NewsArticle"' in t, "NewsArticle JSON-LD")
    check('property="og:type" content="article"' in t, "og:type article")
    # HEAD is answered wherever GET is, with no body
    st, h2, b2 = srv.request("HEAD", ARTICLE)
    eq(st, 200, "HEAD status")
    eq(b2, b"", "HEAD has no body")
    eq(h2.get("content-length"), str(len(body)), "HEAD content-length")
    # a wrong month in the URL redirects to the article's real URL
    st, h, _ = srv.get("/2022/02/china-offers-kazakhstan-security-cooperation")
    eq(st, 301, "wrong date redirects")
    eq(h.get("location"), ARTICLE, "to the canonical path")


def test_listings(srv):
    for path in ("/tags/china", "/tags/central-asia", "/2022/", "/2022/01/", "/authors/gazette-staff", "/tags"):
        st, _, body = srv.get(path)
        eq(st, 200, path)
        check(ARTICLE in text(body) or path == "/tags", path + " lists the article")
    st, _, body = srv.get("/tags")
    check("Central Asia" in text(body) and "(1)" in text(body), "tag index with counts")
    for path in ("/tags/nope", "/2021/", "/2022/02/page/2", "/authors/Nobody", "/2022/13/", "/page/2", "/page/0",
                 "/page/x", "/2022/01/no-such-article", "/2022/01/Bad_Slug", "/nothing/here/at/all"):
        st, _, body = srv.get(path)
        if path == "/2021/":
            # an empty listing is a page, not an error (an author
            # without articles, like a tag without, has none)
            eq(st, 200, path)
        else:
            eq(st, 404, path)
    st, h, _ = srv.get("/page/1")
    eq(st, 301, "/page/1 redirects")
    eq(h.get("location"), "/", "to /")


def test_404_and_405(srv):
    st, h, body = srv.get("/no/such/page/here/x")
    eq(st, 404, "404 status")
    check("Page not found" in text(body) and "<html" in text(body), "themed 404")
    eq(outline(body).tags.get("h1"), 1, "404 has one h1")
    st, h, _ = srv.request("POST", "/", body=b"x=1", headers={"Content-Type": "application/x-www-form-urlencoded"})
    eq(st, 405, "POST / is 405")
    allow = h.get("allow", "")
    check("GET" in allow and "HEAD" in allow, "Allow names GET and HEAD: " + allow)
    st, _, _ = srv.request("DELETE", ARTICLE)
    eq(st, 405, "DELETE article is 405")


def test_static_and_health(srv):
    st, h, body = srv.get("/static/style.css")
    eq(st, 200, "stylesheet")
    check(h.get("content-type", "").startswith("text/css"), "css type")
    check(b"font" in body, "css body")
    eq(srv.get("/static/nope.css")[0], 404, "missing static")
    st, _, body = srv.get("/healthz")
    eq((st, body), (200, b"ok\n"), "healthz")
    st, _, body = srv.get("/robots.txt")
    eq(st, 200, "robots")


def test_limits(srv):
    # 414: request target too long
    st = status_of(srv.raw(b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"))
    check(st in (414, 431), "long URL: %r" % st)
    st = status_of(srv.raw(b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"))
    eq(st, 414, "URL over the 8 KiB limit")
    # 413: declared body too big, and a chunked body that grows too big
    st = status_of(srv.raw(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n"))
    eq(st, 413, "declared huge body")
    chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
    st = status_of(srv.raw(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk * 20 + b"0\r\n\r\n"))
    eq(st, 413, "chunked body past the limit")
    # malformed requests get a 4xx or a closed connection, never a 5xx
    for raw in (b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
                b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
                b"GET /\x00x HTTP/1.1\r\nHost: x\r\n\r\n",
                b"GET / HTTP/1.1\r\n" + b"X-Big: " + b"a" * 40000 + b"\r\n\r\n",
                b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"):
        st = status_of(srv.raw(raw, timeout=5))
        check(st is None or 400 <= st < 500 or st == 505, "malformed %r -> %r" % (raw[:30], st))
    st = status_of(srv.raw(b"BREW / HTTP/1.1\r\nHost: x\r\n\r\n"))
    check(st in (405, 501), "unknown method: %r" % st)
    check(srv.alive(), "server survived")
    eq(srv.get("/")[0], 200, "and still serves")


def test_keepalive(srv):
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    req = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    s.sendall(req + req)
    data = b""
    deadline = time.time() + 5
    while data.count(b"HTTP/1.1 200") < 2 and time.time() < deadline:
        b = s.recv(65536)
        if not b:
            break
        data += b
    s.close()
    eq(data.count(b"HTTP/1.1 200"), 2, "two pipelined requests on one connection")
    check(b"Connection: close" not in data, "kept alive")


def test_visibility_and_paging():
    d = TempDir()
    db = new_db(d, "p")
    now = time.gmtime()
    files = []
    for i in range(45):
        files.append(d.file("a/%02d.md" % i, "---\ntitle: Story %02d\ndate: 2021-03-%02dT%02d:00:00Z\ntags: [Paging]\n---\nText %d\n"
                            % (i, 1 + i // 24, i % 24, i)))
    d.file("a/draft.md", "---\ntitle: Secret draft\nstatus: draft\n---\nnot yet\n")
    d.file("a/future.md", "---\ntitle: Future story\ndate: %d-01-01T00:00:00Z\n---\nlater\n" % (now.tm_year + 2))
    d.file("a/sched.md", "---\ntitle: Scheduled story\nstatus: scheduled\ndate: %d-01-01T00:00:00Z\n---\nlater\n" % (now.tm_year + 2))
    gazette("import", os.path.join(d.path, "a"), db=db, check_rc=0)
    srv = Server(db, args=["--no-access-log"])
    try:
        seen = []
        page, path = 1, "/"
        while path:
            st, _, body = srv.get(path)
            eq(st, 200, path)
            t = text(body)
            seen += re.findall(r"Story (\d\d)</a>", t)
            m = re.search(r'rel="next" href="([^"]+)"', t)
            path = m.group(1) if m else None
            page += 1
        eq(seen, ["%02d" % i for i in range(44, -1, -1)], "45 stories, newest first, no gaps or repeats")
        eq(page - 1, 3, "three pages of 20")
        st, _, body = srv.get("/page/2")
        check('rel="prev" href="/"' in text(body), "page 2 links back to /")
        st, _, body = srv.get("/tags/paging/page/3")
        eq(len(re.findall(r'class="summary"', text(body))), 5, "tag page 3 has the last 5")
        all_text = "".join(text(srv.get(p)[2]) for p in ("/", "/page/2", "/page/3", "/tags"))
        for hidden in ("Secret draft", "Future story", "Scheduled story"):
            check(hidden not in all_text, hidden + " not listed")
        eq(srv.get("/page/4")[0], 404, "past the last page")
        eq(srv.get("/%d/01/future-story" % (now.tm_year + 2))[0], 404, "future article hidden")
        eq(srv.get("/1970/01/secret-draft")[0], 404, "draft hidden")
        eq(srv.get("/2021/03/")[0], 200, "month archive")
        st, _, body = srv.get("/2021/03/page/2")
        eq(st, 200, "month archive page 2")
    finally:
        srv.stop()
        d.cleanup()


def test_tag_visibility():
    """A tag is a page (and feeds) only while a public article carries it:
    one that only a draft, a future article or a deleted article had is a
    404 like any unknown tag, and is not listed; the store drops a tag
    with its last link."""
    from api_lib import Site
    d = TempDir()
    s = Site(d, "tags")
    now = time.gmtime()
    try:
        arts = [("Public one", "published", "2021-05-01T00:00:00Z", ["Open Tag", "Shared Tag"]),
                ("Draft one", "draft", None, ["Draft Only", "Shared Tag"]),
                ("Future one", "scheduled", "%d-01-01T00:00:00Z" % (now.tm_year + 2), ["Future Only"]),
                ("Doomed one", "published", "2021-05-02T00:00:00Z", ["Doomed Tag"])]
        for title, status, when, tags in arts:
            doc = {"title": title, "status": status, "tags": tags}
            if when:
                doc["published_at"] = when
            st, _, _ = s.req("POST", "/api/v1/articles", doc, who="eve")
            eq(st, 201, "create " + title)
        feeds = ("", "/feed.atom", "/feed.rss", "/feed.json")
        for slug in ("open-tag", "shared-tag", "doomed-tag"):
            for f in feeds:
                eq(s.srv.get("/tags/" + slug + f)[0], 200, "/tags/%s%s of a public article" % (slug, f))
        st, _, body = s.srv.get("/tags/shared-tag")
        check("Public one" in text(body) and "Draft one" not in text(body), "only the public article listed")
        st, _, body = s.req("DELETE", "/api/v1/articles/doomed-one", who="eve")
        eq(st, 204, "delete the doomed article")
        for slug in ("draft-only", "future-only", "doomed-tag"):
            for f in feeds:
                eq(s.srv.get("/tags/" + slug + f)[0], 404, "/tags/%s%s without a public article" % (slug, f))
        tags_page = text(s.srv.get("/tags")[2])
        sitemap = text(s.srv.get("/sitemap.xml")[2])
        for slug in ("draft-only", "future-only", "doomed-tag"):
            check("/tags/" + slug not in tags_page, slug + " not on /tags")
            check("/tags/" + slug not in sitemap, slug + " not in the sitemap")
        check("/tags/open-tag" in tags_page and "/tags/open-tag" in sitemap, "a public tag is listed")
        eq(db_query(s.db, "SELECT count(*) FROM tags WHERE slug = 'doomed-tag'")[0][0], 0,
           "the deleted article's only tag left the store")
        # Taken off its only article by an edit: gone too; a tag still on
        # a draft stays (the draft is published some day).
        st, _, _ = s.req("PATCH", "/api/v1/articles/public-one", {"tags": ["Shared Tag"]}, who="eve")
        eq(st, 200, "edit the tags")
        eq(s.srv.get("/tags/open-tag")[0], 404, "a tag taken off its article")
        eq(db_query(s.db, "SELECT slug FROM tags ORDER BY slug"),
           [("draft-only",), ("future-only",), ("shared-tag",)], "tags in the store")
        # A tag an older version left behind (no article links it at all).
        db_exec(s.db, "INSERT INTO tags (name, slug) VALUES ('Orphan', 'orphan')")
        for f in feeds:
            eq(s.srv.get("/tags/orphan" + f)[0], 404, "/tags/orphan%s" % f)
    finally:
        s.stop()
        d.cleanup()


def test_graceful_stop():
    srv = Server(DB, args=["--no-access-log"])
    eq(srv.get("/")[0], 200, "serving")
    rc = srv.stop()
    eq(rc, 0, "SIGTERM exits 0")
    check("stopping" in srv.stderr(), "says it is stopping")


def test_access_log():
    srv = Server(DB)
    srv.get("/healthz?x=1")
    srv.get("/bad\x7fpath".replace("\x7f", "%7F"))
    time.sleep(0.2)
    srv.stop()
    log = srv.stderr()
    check(re.search(r"GET /healthz\S* 200 3 \d+", log), "access log line: " + log[-300:])


def test_bad_theme():
    d = TempDir()
    d.file("theme/article.html", "{{#article}}\n<p>{{title}}\n")
    rc, _, err = gazette("serve", "--listen", "127.0.0.1:1", "--theme", os.path.join(d.path, "theme"), db=DB)
    check(rc != 0 and "article.html:1:" in err, "template error names file and line: " + err)
    d.cleanup()


def with_server(fn):
    def wrapped():
        srv = Server(DB, args=["--no-access-log"])
        try:
            fn(srv)
        finally:
            srv.stop()
    wrapped.__name__ = fn.__name__
    return wrapped


run_tests("pages", [with_server(test_front_page), with_server(test_article), with_server(test_listings),
                    with_server(test_404_and_405), with_server(test_static_and_health),
                    with_server(test_limits), with_server(test_keepalive),
                    test_visibility_and_paging, test_tag_visibility, test_graceful_stop, test_access_log, test_bad_theme])
