"""test_feeds.py: Atom, RSS and JSON feeds read by a real parser (Debian's
python3-feedparser), conditional requests, stable ids, discovery links,
sitemaps and robots.txt."""
import json
import os
import re
import signal
import time
import xml.etree.ElementTree as ET

import feedparser

from lib import Server, TempDir, check, db_exec, db_query, eq, gazette, new_db, run_tests, text, wait_for

tmp = TempDir()
DB = new_db(tmp)
HOSTILE = 'Ürümqi & Almaty <b> "quoted"'
NOW = int(time.time())


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def setup():
    gazette("init", db=DB, check_rc=0)
    tmp.file("md/a.md", "---\ntitle: %s\nslug: urumqi\ndate: 2022-03-01T10:00:00Z\n"
             "author: Asel Nurlanovna\ntags: [Kazakhstan, Xinjiang]\n---\n\n"
             "Trains run from *Ürümqi* to [Almaty](/tags/kazakhstan) & back.\n" % HOSTILE)
    tmp.file("md/b.md", "---\ntitle: Beijing talks\nslug: beijing\ndate: 2022-03-02T10:00:00Z\n"
             "author: Bob Li\ntags: [China]\n---\n\nTalks in Beijing.\n")
    tmp.file("md/c.md", "---\ntitle: Astana budget\nslug: astana\ndate: 2022-03-03T10:00:00Z\n"
             "author: Asel Nurlanovna\ntags: [Kazakhstan, Economy]\n---\n\nThe budget.\n")
    tmp.file("md/d.md", "---\ntitle: Draft piece\nslug: draft\ndate: 2022-03-04T10:00:00Z\n"
             "status: draft\ntags: [Kazakhstan]\n---\n\nNot yet.\n")
    tmp.file("md/e.md", "---\ntitle: Fresh news\nslug: fresh\ndate: %s\n"
             "author: Bob Li\ntags: [China]\n---\n\nJust in.\n" % iso(NOW - 3600))
    gazette("import", tmp.path + "/md", db=DB, check_rc=0)


FEEDS = {
    # path prefix: titles expected, newest first
    "/": ["Fresh news", "Astana budget", "Beijing talks", HOSTILE],
    "/tags/kazakhstan/": ["Astana budget", HOSTILE],
    "/authors/asel-nurlanovna/": ["Astana budget", HOSTILE],
}
TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml",
         "json": "application/feed+json"}


class Obj(dict):
    __getattr__ = dict.get


def jsonfeed_parse(body):
    """Debian's feedparser (6.0) predates JSON Feed support, so JSON Feed
    1.1 is checked here against the spec's MUSTs and returned shaped like
    feedparser's result (bozo, feed, entries)."""
    problems = []
    try:
        j = json.loads(body.decode("utf-8"))
    except ValueError as e:
        return Obj(bozo=1, bozo_exception=e, feed=Obj(), entries=[])
    if j.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version")
    if not isinstance(j.get("title"), str):
        problems.append("title")
    if not isinstance(j.get("items"), list):
        problems.append("items")
    for k in ("home_page_url", "feed_url"):
        if k in j and not re.match(r"^https?://", j[k]):
            problems.append(k)
    entries = []
    for it in j.get("items") or []:
        if not isinstance(it.get("id"), str) or not it["id"]:
            problems.append("item id")
        if not (isinstance(it.get("content_html"), str) or isinstance(it.get("content_text"), str)):
            problems.append("item content")
        for k in ("date_published", "date_modified"):
            if k in it and not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$", it[k]):
                problems.append(k)
        for a in it.get("authors", []):
            if not isinstance(a.get("name"), str):
                problems.append("author name")
        entries.append(Obj(title=it.get("title"), link=it.get("url"), id=it.get("id"),
                           updated=it.get("date_modified"), published=it.get("date_published"),
                           content=[Obj(value=it.get("content_html", ""))]))
    return Obj(bozo=1 if problems else 0, bozo_exception=problems or None,
               feed=Obj(title=j.get("title")), entries=entries)


def parse(srv, path):
    st, h, body = srv.get(path)
    eq(st, 200, "status of " + path)
    if h.get("content-type") == "application/feed+json":
        return h, body, jsonfeed_parse(body)
    return h, body, feedparser.parse(body, response_headers={"content-type": h.get("content-type", "")})


def test_feeds_parse(srv):
    base = "http://127.0.0.1:%d" % srv.port
    for prefix, titles in FEEDS.items():
        for fmt, ctype in TYPES.items():
            path = prefix + "feed." + fmt
            h, body, f = parse(srv, path)
            eq(h.get("content-type"), ctype, "content type of " + path)
            eq(f.bozo, 0, "bozo of %s (%r)" % (path, f.get("bozo_exception")))
            eq([e.title for e in f.entries], titles, "entries of " + path)
            for e in f.entries:
                check(e.link.startswith(base + "/2022/") or e.link.startswith(base + "/20"),
                      "absolute entry link %s in %s" % (e.link, path))
                check(re.match(r"^tag:127\.0\.0\.1,\d{4}-\d\d-\d\d:/articles/\d+$", e.id),
                      "tag: id %r in %s" % (e.id, path))
                check(e.get("updated") or e.get("published"), "entry has a date in " + path)
            hostile = [e for e in f.entries if e.title == HOSTILE]
            if HOSTILE in titles:
                eq(len(hostile), 1, "hostile title round-trips exactly in " + path)
                body_html = hostile[0].content[0].value if hostile[0].get("content") else ""
                check("Ürümqi" in body_html and "&amp;" in body_html,
                      "full content in %s: %r" % (path, body_html[:200]))
            if fmt == "rss":
                raw = text(body)
                check("<content:encoded>" in raw and "<dc:creator>" in raw and "<slash:comments>0</slash:comments>" in raw,
                      "RSS modules in " + path)
            if fmt == "json":
                j = json.loads(body)
                eq(j["version"], "https://jsonfeed.org/version/1.1", "JSON Feed version")
                check(j["feed_url"].startswith(base), "absolute feed_url")
                check(all("content_html" in i for i in j["items"]), "content_html in items")
            if fmt == "atom":
                check(f.feed.get("updated"), "feed updated in " + path)
                links = {l["rel"]: l["href"] for l in f.feed.links}
                eq(links.get("self"), base + path, "self link of " + path)
    # the draft is in none of them; an unknown tag has no feed
    st, _, body = srv.get("/feed.atom")
    check(b"Draft piece" not in body, "draft not in the site feed")
    st, _, _ = srv.get("/tags/no-such-tag/feed.atom")
    eq(st, 404, "unknown tag feed")
    st, _, _ = srv.get("/authors/Nobody%20Here/feed.rss")
    eq(st, 404, "author without articles has no feed")


def test_updated(srv):
    _, _, f = parse(srv, "/feed.atom")
    rows = dict(db_query(DB, "SELECT title, CASE WHEN updated_at > published_at THEN updated_at "
                         "ELSE published_at END FROM articles"))
    for e in f.entries:
        eq(e.updated, iso(rows[e.title]), "updated of " + e.title)
    newest = max(v for k, v in rows.items() if k != "Draft piece")
    eq(f.feed.updated, iso(newest), "feed updated is the newest entry's")


def test_conditional(srv):
    for path in ("/feed.atom", "/feed.rss", "/feed.json", "/tags/kazakhstan/feed.atom", "/sitemap.xml"):
        st, h, body = srv.get(path)
        etag, lm = h.get("etag"), h.get("last-modified")
        check(etag and etag.startswith('"') and not etag.startswith("W/"), "strong ETag on " + path)
        check(lm and lm.endswith("GMT"), "Last-Modified on " + path)
        st, h2, body2 = srv.get(path, {"If-None-Match": etag})
        eq(st, 304, "If-None-Match on " + path)
        eq(body2, b"", "304 has no body")
        eq(h2.get("etag"), etag, "304 repeats the ETag")
        st, _, _ = srv.get(path, {"If-None-Match": 'W/"x", ' + etag})
        eq(st, 304, "If-None-Match list on " + path)
        st, _, _ = srv.get(path, {"If-Modified-Since": lm})
        eq(st, 304, "If-Modified-Since on " + path)
        st, _, _ = srv.get(path, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
        eq(st, 200, "older If-Modified-Since on " + path)
        st, _, _ = srv.get(path, {"If-None-Match": '"other"', "If-Modified-Since": lm})
        eq(st, 200, "If-None-Match decides over If-Modified-Since on " + path)
        st, _, _ = srv.get(path, {"If-Modified-Since": "garbage"})
        eq(st, 200, "bad date ignored on " + path)


def test_ids_stable(srv):
    before = {}
    for fmt in TYPES:
        _, _, f = parse(srv, "/feed." + fmt)
        before[fmt] = {e.link: e.id for e in f.entries}
    db_exec(DB, "UPDATE articles SET title = 'Renamed story' WHERE slug = 'beijing'")
    # An edit behind gazette's back reaches no change hook: a reload
    # (SIGHUP) drops the page cache, as the manual says.
    n = srv.stderr().count("reloaded settings")
    os.kill(srv.proc.pid, signal.SIGHUP)
    wait_for(lambda: srv.stderr().count("reloaded settings") > n)
    for fmt in TYPES:
        _, _, f = parse(srv, "/feed." + fmt)
        titles = [e.title for e in f.entries]
        check("Renamed story" in titles and "Beijing talks" not in titles, "title changed in " + fmt)
        eq({e.link: e.id for e in f.entries}, before[fmt], "ids unchanged in " + fmt)


def test_discovery_links(srv):
    st, _, body = srv.get("/")
    t = text(body)
    for fmt, ctype in TYPES.items():
        check('<link rel="alternate" type="%s"' % ctype in t and 'href="/feed.%s"' % fmt in t,
              "site %s feed linked from the front page" % fmt)
    st, _, body = srv.get("/tags/kazakhstan")
    t = text(body)
    check('href="/tags/kazakhstan/feed.atom"' in t and 'href="/tags/kazakhstan/feed.json"' in t,
          "tag feeds linked from the tag page")
    check('href="/feed.atom"' in t, "site feed on the tag page too")
    st, _, body = srv.get("/authors/asel-nurlanovna")
    check('href="/authors/asel-nurlanovna/feed.rss"' in text(body), "author feed linked")


NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
      "n": "http://www.google.com/schemas/sitemap-news/0.9"}


def test_sitemap_robots(srv):
    base = "http://127.0.0.1:%d" % srv.port
    st, h, body = srv.get("/robots.txt")
    eq(st, 200, "robots status")
    check("Sitemap: %s/sitemap.xml" % base in text(body), "robots names the sitemap (absolute)")
    st, h, body = srv.get("/sitemap.xml")
    eq(st, 200, "sitemap status")
    root = ET.fromstring(body)
    eq(root.tag, "{%s}urlset" % NS["s"], "small site: one urlset")
    locs = [u.find("s:loc", NS).text for u in root.findall("s:url", NS)]
    for slug in ("urumqi", "beijing", "astana", "fresh"):
        check(any(l.endswith("/" + slug) and l.startswith(base) for l in locs), "sitemap has " + slug)
    check(not any(l.endswith("/draft") for l in locs), "no draft in the sitemap")
    check(all(u.find("s:lastmod", NS) is not None for u in root.findall("s:url", NS)
              if "/20" in u.find("s:loc", NS).text), "articles have lastmod")
    st, h, body = srv.get("/sitemap-news.xml")
    eq(st, 200, "news sitemap status")
    root = ET.fromstring(body)
    news = [u.find("s:loc", NS).text for u in root.findall("s:url", NS)]
    eq(len(news), 1, "news sitemap: only the last two days")
    check(news and news[0].endswith("/fresh"), "news sitemap has the fresh article")
    eq(root.find("s:url/n:news/n:title", NS).text, "Fresh news", "news title")


def test_sitemap_index():
    # A per-file limit of 3 turns this site's 9 URLs into an index.
    srv = Server(DB, env={"GAZETTE_SITEMAP_URLS": "3"})
    try:
        st, h, body = srv.get("/sitemap.xml")
        eq(st, 200, "index status")
        root = ET.fromstring(body)
        eq(root.tag, "{%s}sitemapindex" % NS["s"], "a sitemap index")
        children = [s.find("s:loc", NS).text for s in root.findall("s:sitemap", NS)]
        check(len(children) >= 3, "several child sitemaps: %r" % children)
        lastmods = [s.find("s:lastmod", NS) for s in root.findall("s:sitemap", NS)]
        locs = []
        for i, c in enumerate(children):
            path = c.split(str(srv.port), 1)[1]
            st, _, cb = srv.get(path)
            eq(st, 200, "child " + path)
            cr = ET.fromstring(cb)
            n = [u.find("s:loc", NS).text for u in cr.findall("s:url", NS)]
            check(1 <= len(n) <= 3, "child holds at most 3 URLs")
            if any(re.search(r"/\d{4}/\d\d/", l) for l in n):
                check(lastmods[i] is not None, "a child with articles has lastmod: " + path)
            locs += n
        eq(len(locs), len(set(locs)), "no URL twice")
        eq(sum(1 for l in locs if re.search(r"/\d{4}/\d\d/", l)), 4, "every public article listed")
        st, _, _ = srv.get("/sitemaps/%d.xml" % (len(children) + 1))
        eq(st, 404, "past the last child")
        st, _, _ = srv.get("/sitemaps/x.xml")
        eq(st, 404, "not a number")
    finally:
        srv.stop()


def main():
    setup()
    srv = Server(DB)
    try:
        run_tests("feeds", [lambda: test_feeds_parse(srv), lambda: test_updated(srv),
                            lambda: test_conditional(srv), lambda: test_discovery_links(srv),
                            lambda: test_sitemap_robots(srv), lambda: test_ids_stable(srv),
                            test_sitemap_index, lambda: srv.stop()])
    finally:
        srv.stop()
        tmp.cleanup()


main()
