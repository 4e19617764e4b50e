"""test_build.py: gazette build — the static site: its layout, the same
bytes as serve, the .gz copies, every internal link resolving, feeds that
parse, nothing private, and failures that leave the output as it was."""
import gzip
import json
import os
import re
import sqlite3
import subprocess
import sys
import urllib.parse

from lib import ROOT, TempDir, Server, check, eq, gazette, run_tests

import feedparser

BASE = "http://news.example"
ARTICLE = "/2022/01/china-offers-kazakhstan-security-cooperation"
# Small sitemaps, so that the build has to write an index and its parts.
ENV = {"GAZETTE_SITEMAP_URLS": "100"}

# Bylines that are no file names, and the slugs their pages are built at.
BYLINES = [("J. Smith", "j-smith"), ("../etc", "etc"), ("Ünïcode Name", "unicode-name"),
           ("a/b", "a-b")]

T = TempDir()
DB = os.path.join(T.path, "site.db")
OUT = os.path.join(T.path, "out")


def setup():
    gazette("demo", db=DB, check_rc=0)
    md = os.path.join(T.path, "md")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen-articles.py"), "300", md],
                   check=True, capture_output=True)
    T.file("md/zz-draft.md", "---\ntitle: Secret draft\nslug: secret-draft\nstatus: draft\n"
           "tags: [Hidden]\n---\n\nNot for readers.\n")
    T.file("md/zz-future.md", "---\ntitle: Future piece\nslug: future-piece\n"
           "date: 2099-01-01T00:00:00Z\nstatus: scheduled\nauthor: Time Traveller\n---\n\nLater.\n")
    for i, (byline, _) in enumerate(BYLINES):
        T.file("md/zz-byline-%d.md" % i, "---\ntitle: Byline %d\nslug: byline-%d\n"
               "date: 2021-06-0%dT10:00:00Z\nauthor: %s\n---\n\nBy %s.\n" % (i, i, i + 1, byline, byline))
    gazette("import", md, db=DB, check_rc=0)
    rc, _, err = gazette("build", "--out", OUT, "--base-url", BASE, "--jobs", "2", db=DB, env=ENV)
    eq(rc, 0, "build exits 0: " + err)
    check("%d articles" % (301 + len(BYLINES)) in err and OUT in err, "the count line: " + err)


def rel(*p):
    return os.path.join(OUT, *p)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def all_files():
    for d, _, files in os.walk(OUT):
        for f in files:
            yield os.path.join(d, f)


def test_layout():
    for p in ["index.html", "page/2/index.html", "page/16/index.html",
              "2022/01/china-offers-kazakhstan-security-cooperation/index.html",
              "2022/01/china-offers-kazakhstan-security-cooperation/comments.atom",
              "2015/01/article-0/index.html", "2015/11/article-299/index.html",
              "tags/index.html", "tags/china/index.html", "tags/china/page/2/index.html",
              "tags/china/feed.atom", "tags/china/feed.rss", "tags/china/feed.json",
              "authors/reporter-3/index.html", "authors/reporter-3/page/2/index.html",
              "authors/reporter-3/feed.atom", "authors/gazette-staff/index.html",
              "2015/index.html", "2015/page/2/index.html", "2015/03/index.html",
              "2015/03/page/2/index.html", "2022/index.html", "2022/01/index.html",
              "feed.atom", "feed.rss", "feed.json", "sitemap.xml", "sitemaps/1.xml",
              "sitemaps/4.xml", "sitemap-news.xml", "robots.txt", "404.html",
              "static/style.css"]:
        check(os.path.isfile(rel(p)), "built " + p)
    check(not os.path.exists(rel("page/17")), "no page past the last")
    check(not os.path.exists(rel("page/1")), "page 1 is the index itself")
    arts = [d for d in os.listdir(rel("2015")) if re.match(r"\d\d$", d)]
    n = sum(len([x for x in os.listdir(rel("2015", m)) if x.startswith("article-")]) for m in arts)
    eq(n, 300, "every generated article has its directory")
    check(not os.path.exists(rel("search")), "no /search page")
    check(not os.path.exists(rel("admin")), "no admin pages")
    leftovers = [x for x in os.listdir(T.path) if ".build-" in x]
    eq(leftovers, [], "no temporary directory left beside the output")


def test_gz():
    n = 0
    for f in all_files():
        if f.endswith(".gz") or f.endswith(".gazette-build"):
            continue
        gz = f + ".gz"
        if f.endswith((".png", ".ico", ".woff2")):
            continue
        if not check(os.path.isfile(gz), "a .gz beside " + f):
            continue
        eq(gzip.decompress(read(gz)), read(f), "%s.gz holds the same bytes" % f)
        n += 1
    check(n > 700, "checked the .gz of every text file (%d)" % n)
    # Same input, same bytes: no timestamp in the gzip header.
    eq(read(rel("feed.atom.gz"))[4:8], b"\0\0\0\0", "gzip mtime is zero")


def test_private_absent():
    for slug in ["secret-draft", "future-piece"]:
        hits = [f for f in all_files() if slug in f]
        eq(hits, [], "no file for " + slug)
    for f in all_files():
        if f.endswith(".gz"):
            continue
        data = read(f)
        for word in [b"Secret draft", b"secret-draft", b"Future piece", b"future-piece",
                     b"Time Traveller", b"/tags/hidden"]:
            check(word not in data, "%s does not mention %r" % (f, word))
    check(not os.path.exists(rel("tags", "hidden")), "a tag only drafts carry is not built")
    check(not os.path.exists(rel("2099")), "no archive of the future")


def link_target(url, page):
    """The file a link leads to, or None when it is not internal."""
    if url.startswith(BASE + "/"):
        url = url[len(BASE):]
    if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) or url.startswith("//"):
        return None
    path = url.split("#", 1)[0].split("?", 1)[0]
    if path == "":
        return page
    if not path.startswith("/"):
        path = os.path.join(os.path.dirname(page[len(OUT):]), path)
    path = urllib.parse.unquote(path)
    f = OUT + path
    if path.endswith("/"):
        return f + "index.html"
    if os.path.isdir(f):
        return os.path.join(f, "index.html")
    return f


def test_links():
    n = 0
    bad = []
    live = []
    for f in all_files():
        if not f.endswith(".html"):
            continue
        html = read(f).decode("utf-8")
        for m in re.finditer(r'\s(?:href|src|action)="([^"]*)"', html):
            url = m.group(1).replace("&amp;", "&")
            if url.startswith(BASE + "/search") or "?reply=" in url or "#post-comment" in url \
                    or "comments_after=" in url:
                live.append(url)
                check(url.startswith(BASE + "/"), "a dynamic link goes to the live site: " + url)
                continue
            if f.endswith("/404.html") and url.startswith(BASE):
                continue  # the canonical URL of "not found"
            t = link_target(url, f)
            if t is None:
                continue
            n += 1
            if not os.path.isfile(t):
                bad.append((f[len(OUT):], url))
    eq(bad[:10], [], "every internal link names a written file")
    check(n > 5000, "followed the links (%d)" % n)
    check(any(u == BASE + "/search" for u in live), "the search form goes to the live site")
    # Sitemaps list absolute URLs of built pages.
    for sm in ["sitemaps/1.xml", "sitemaps/4.xml"]:
        locs = re.findall(r"<loc>([^<]*)</loc>", read(rel(sm)).decode())
        check(len(locs) > 0, sm + " lists URLs")
        for loc in locs:
            t = link_target(loc, rel("index.html"))
            check(t is not None and os.path.isfile(t), "sitemap URL %s is built" % loc)


def test_static_comments():
    html = read(rel(ARTICLE[1:], "index.html")).decode()
    check('<p class="live-comment"><a href="%s%s#post-comment">Comment on the live site</a></p>'
          % (BASE, ARTICLE) in html, "the comment form becomes a link to the live site")
    check('<form class="comment-form"' not in html, "no comment form in a static page")
    check('name="csrf"' not in html, "no per-visitor token in a static page")
    check('href="%s%s?reply=1#post-comment"' % (BASE, ARTICLE) in html, "replies go live")
    check('<article class="comment" id="c-1">' in html, "the comments are there")


def normalise(path, body):
    """What a static page changes against serve's: the search form's
    action, and on articles the comment form (a link instead) and the
    reply links, which point at the live site."""
    if not path.endswith((".html", "/")) and "." in path.rsplit("/", 1)[-1]:
        return body
    b = body.decode("utf-8")
    b = b.replace('action="%s/search"' % BASE, 'action="/search"')
    b = re.sub(r'<p class="live-comment">.*?</p>\n', "", b)
    b = re.sub(r'\n<h2 id="post-comment">.*?</form>\n', "", b, flags=re.S)
    b = re.sub(r'href="%s/[^"?]*\?reply=' % re.escape(BASE), 'href="?reply=', b)
    return b.encode("utf-8")


def test_same_bytes_as_serve():
    srv = Server(DB, env=ENV, args=["--base-url", BASE, "--no-access-log"])
    try:
        sample = ["/", "/page/2", "/page/16", ARTICLE, ARTICLE + "/comments.atom",
                  "/2015/02/article-40", "/2015/11/article-299", "/tags", "/tags/china",
                  "/tags/china/page/3", "/tags/china/feed.atom", "/tags/energy/feed.json",
                  "/authors/reporter-3", "/authors/reporter-3/page/2",
                  "/authors/reporter-3/feed.rss", "/authors/j-smith", "/authors/j-smith/feed.atom",
                  "/2015/", "/2015/page/3", "/2015/03/",
                  "/2022/01/", "/feed.atom", "/feed.rss", "/feed.json", "/sitemap.xml",
                  "/sitemaps/1.xml", "/sitemaps/4.xml", "/sitemap-news.xml", "/robots.txt",
                  "/static/style.css"]
        for p in sample:
            status, _, body = srv.get(p)
            eq(status, 200, "serve " + p)
            f = link_target(p, rel("index.html"))
            built = read(f)
            same = normalise(p, built) == normalise(p, body)
            check(same, "%s: the built file has serve's bytes" % p)
            if not p.endswith("/") and "." in p.rsplit("/", 1)[-1]:
                # Feeds, sitemaps, robots.txt, static files: exactly.
                eq(built, body, p + " byte for byte")
        status, _, body = srv.get("/no/such/page")
        eq(status, 404, "serve 404")
        eq(normalise("/404.html", read(rel("404.html"))), normalise("/404.html", body),
           "404.html is serve's 404 page")
    finally:
        srv.stop()


def test_feeds_parse():
    for p in ["feed.atom", "feed.rss", "tags/china/feed.atom", "authors/reporter-3/feed.rss",
              ARTICLE[1:] + "/comments.atom"]:
        d = feedparser.parse(read(rel(p)))
        eq(d.bozo, 0, "%s parses: %r" % (p, d.get("bozo_exception")))
        check(len(d.entries) > 0, p + " has entries")
    j = json.loads(read(rel("feed.json")))
    eq(j["version"], "https://jsonfeed.org/version/1.1", "JSON Feed version")
    check(len(j["items"]) > 0 and j["items"][0]["url"].startswith(BASE + "/"),
          "JSON Feed items with absolute URLs")


def snapshot(d):
    out = {}
    for dp, _, files in os.walk(d):
        for f in files:
            p = os.path.join(dp, f)
            out[p[len(d):]] = os.path.getsize(p)
    return out


def test_rebuild_replaces():
    before = snapshot(OUT)
    stale = rel("stale.html")
    with open(stale, "w") as f:
        f.write("old")
    rc, _, err = gazette("build", "--out", OUT, "--base-url", BASE, db=DB, env=ENV)
    eq(rc, 0, "a second build over the first: " + err)
    check(not os.path.exists(stale), "the old tree is replaced whole")
    eq(snapshot(OUT), before, "the same files again")


def test_failures_leave_output():
    before = snapshot(OUT)
    # A theme that does not compile: refused before anything is written.
    bad = T.file("badtheme/list.html", "{{#articles}}unclosed\n")
    rc, _, err = gazette("build", "--out", OUT, "--theme", os.path.dirname(bad), db=DB)
    check(rc != 0, "a broken theme fails the build")
    check("list.html:" in err, "the error names the template: " + err)
    eq(snapshot(OUT), before, "a failed build leaves the output as it was")

    # A page that fails while rendering (the comments table is gone):
    # the build stops, names the page, and OUT is untouched.
    broken = os.path.join(T.path, "broken.db")
    c = sqlite3.connect(DB)
    c.execute("VACUUM INTO ?", (broken,))
    c.close()
    c = sqlite3.connect(broken)
    c.execute("PRAGMA foreign_keys=OFF")
    c.execute("DROP TABLE comments")
    c.commit()
    c.close()
    rc, _, err = gazette("build", "--out", OUT, "--base-url", BASE, db=broken)
    check(rc != 0, "a page that fails fails the build")
    check(re.search(r"/20\d\d/\d\d/[a-z0-9-]+(/comments\.atom)?: the page answered 503", err), "names the page: " + err)
    check("nothing was written to " + OUT in err, "says the output is untouched: " + err)
    eq(snapshot(OUT), before, "a build failing halfway leaves the output as it was")
    eq([x for x in os.listdir(T.path) if ".build-" in x], [], "and no temporary tree behind")

    # Somewhere that cannot be written.
    blocker = T.file("afile", "x")
    rc, _, err = gazette("build", "--out", os.path.join(blocker, "out"), db=DB)
    check(rc != 0 and "afile/out" in err, "an unwritable place is named: " + err)
    if os.geteuid() != 0:
        ro = os.path.join(T.path, "ro")
        os.makedirs(ro)
        os.chmod(ro, 0o555)
        rc, _, err = gazette("build", "--out", os.path.join(ro, "out"), db=DB)
        check(rc != 0 and "ro/out" in err, "a read-only parent is named: " + err)

    # A directory that is not an earlier build is never replaced.
    mine = os.path.join(T.path, "mine")
    os.makedirs(mine)
    T.file("mine/precious.txt", "keep")
    rc, _, err = gazette("build", "--out", mine, db=DB)
    check(rc != 0 and "not written by gazette build" in err, "a foreign directory is refused: " + err)
    eq(read(os.path.join(mine, "precious.txt")), b"keep", "and left alone")


def test_author_slugs():
    """Authors' pages and feeds are built at the slug of the byline, which
    every page links; bylines that are no file names (a dot, "..", a
    slash, accents) build like any other, and the live server sends their
    old URLs (the byline itself) to the new ones."""
    authors = sorted(os.listdir(rel("authors")))
    for byline, slug in BYLINES:
        for p in ("index.html", "feed.atom", "feed.rss", "feed.json"):
            check(os.path.isfile(rel("authors", slug, p)), "%s: authors/%s/%s built" % (byline, slug, p))
        i = [b for b, _ in BYLINES].index(byline)
        page = read(rel("2021", "06", "byline-%d" % i, "index.html")).decode()
        check('href="/authors/%s" rel="author">%s</a>' % (slug, html_esc(byline)) in page,
              "%s: the article links /authors/%s" % (byline, slug))
        listing = read(rel("authors", slug, "index.html")).decode()
        check("<h1>%s</h1>" % html_esc(byline) in listing or html_esc(byline) in listing,
              "%s: the listing is headed by the byline" % byline)
        check('href="/authors/%s/feed.atom"' % slug in listing, "%s: its feed linked" % byline)
    bad = [a for a in authors if not re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$", a)]
    eq(bad, [], "every author directory is a slug")
    check(not os.path.exists(os.path.join(T.path, "etc")), "nothing written outside the output")
    srv = Server(DB, env=ENV, args=["--base-url", BASE, "--no-access-log"])
    try:
        for old, new in (("/authors/J.%20Smith", "/authors/j-smith"),
                         ("/authors/J.%20Smith/feed.atom", "/authors/j-smith/feed.atom"),
                         ("/authors/J.%20Smith/page/2", "/authors/j-smith/page/2"),
                         ("/authors/..%2Fetc", "/authors/etc"),
                         ("/authors/a%2Fb/feed.rss", "/authors/a-b/feed.rss"),
                         ("/authors/%C3%9Cn%C3%AFcode%20Name", "/authors/unicode-name"),
                         ("/authors/Reporter%203", "/authors/reporter-3")):
            st, hd, _ = srv.get(old)
            eq((st, hd.get("location")), (301, new), "old author URL " + old)
        for p in ("/authors/j-smith", "/authors/etc/feed.json", "/authors/unicode-name"):
            eq(srv.get(p)[0], 200, "serve " + p)
        for p in ("/authors/nobody-here", "/authors/nobody-here/feed.rss", "/authors/%20",
                  "/authors/time-traveller"):
            eq(srv.get(p)[0], 404, "no such author: " + p)
    finally:
        srv.stop()


def html_esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") \
        .replace("'", "&#39;")


def test_usage():
    rc, _, err = gazette("build", db=DB)
    eq(rc, 2, "build without --out is a usage error")
    rc, out, _ = gazette("build", "--help")
    check(rc == 0 and "--live-url" in out, "build --help")
    rc, _, err = gazette("build", "--out", os.path.join(T.path, "x"), "--jobs", "0", db=DB)
    eq(rc, 2, "--jobs 0 is refused")


try:
    setup()
    run_tests("build", [test_layout, test_gz, test_private_absent, test_links,
                        test_static_comments, test_same_bytes_as_serve, test_feeds_parse,
                        test_rebuild_replaces, test_failures_leave_output, test_author_slugs,
                        test_usage])
finally:
    T.cleanup()
