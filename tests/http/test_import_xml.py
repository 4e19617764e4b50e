"""test_import_xml.py: WordPress (WXR 1.2) and Blogger imports checked
field by field from the fixtures, the HTML allow-list, --dry-run, refusal
of entity bombs, external entities and malformed XML (nothing imported),
old links answering 301, comments stored with their threading, status,
dates and sanitised bodies, and export → import round trips in both
formats giving identical articles, tags and comments."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import (BIN, ROOT, Server, TempDir, check, db_exec, db_query, eq, gazette,  # noqa: E402
                 is_pg, new_db, run_tests, text)
from api_lib import PW  # noqa: E402
from admin_lib import PW as ADMIN_PW, Browser, field, textarea  # noqa: E402

FIX = os.path.join(ROOT, "tests", "fixtures")
WXR = os.path.join(FIX, "wordpress.xml")
BLOGGER = os.path.join(FIX, "blogger.xml")

COLS = ("slug, title, summary, body_md, body_html, author, status, published_at, "
        "body_format, comments_closed")


def article(db, slug):
    rows = db_query(db, "SELECT " + COLS + " FROM articles WHERE slug = ?", (slug,))
    if not rows:
        return None
    r = dict(zip([c.strip() for c in COLS.split(",")], rows[0]))
    r["tags"] = [t[0] for t in db_query(
        db, "SELECT t.name FROM tags t JOIN article_tags at ON at.tag_id = t.id "
            "JOIN articles a ON a.id = at.article_id WHERE a.slug = ? ORDER BY t.name", (slug,))]
    return r


def dump(db):
    """Canonical text of every article and its tags, for round trips."""
    out = []
    for row in db_query(db, "SELECT " + COLS + ", id FROM articles ORDER BY slug"):
        tags = [t[0] for t in db_query(
            db, "SELECT t.name FROM tags t JOIN article_tags at ON at.tag_id = t.id "
                "WHERE at.article_id = ? ORDER BY t.name", (row[-1],))]
        out.append(repr(row[:-1]) + " tags=" + repr(tags))
    out.append("tags: " + repr(db_query(db, "SELECT name, slug FROM tags ORDER BY slug")))
    # Comments by article, in id order, each parent named by its place
    # in that order (ids themselves differ from one database to another).
    for (slug, count) in db_query(db, "SELECT slug, comment_count FROM articles ORDER BY slug"):
        rows = db_query(db, "SELECT c.id, coalesce(c.parent_id, 0), c.depth, c.author, c.email, c.url, "
                            "c.status, c.created_at, c.updated_at, c.body_md, c.body_html FROM comments c "
                            "JOIN articles a ON a.id = c.article_id WHERE a.slug = ? ORDER BY c.id", (slug,))
        place = {r[0]: i for i, r in enumerate(rows)}
        out.append("comments of %s (count %d):" % (slug, count))
        for i, r in enumerate(rows):
            out.append("  #%d parent=%s %r" % (i, place.get(r[1]) if r[1] else None, r[2:]))
    return "\n".join(out)


def comments(db, slug):
    rows = db_query(db, "SELECT c.id, c.parent_id, c.thread_id, c.depth, c.author, c.email, c.url, c.status, "
                        "c.created_at, c.updated_at, c.body_md, c.body_html FROM comments c "
                        "JOIN articles a ON a.id = c.article_id WHERE a.slug = ? ORDER BY c.id", (slug,))
    keys = ("id", "parent_id", "thread_id", "depth", "author", "email", "url", "status", "created_at",
            "updated_at", "body_md", "body_html")
    return [dict(zip(keys, r)) for r in rows]


def no_danger(html, what):
    low = html.lower()
    for bad in ("<script", "<iframe", "<object", "javascript:", "onclick", "onmouseover",
                "data:", "style=", "<embed"):
        check(bad not in low, "%s: %r survived" % (what, bad))


def test_wordpress_fields():
    d = TempDir()
    db = new_db(d, "wp")
    rc, out, err = gazette("import", WXR, db=db)
    eq(rc, 0, "wxr import: " + err)
    eq(db_query(db, "SELECT count(*) FROM articles")[0][0], 5, "posts and pages, no attachment")
    a = article(db, "protests-in-kazakhstan")
    eq(a["title"], "Protests in Kazakhstan: what we know", "title")
    eq(a["author"], "Aigerim Seitkali", "dc:creator mapped to the display name")
    eq(a["status"], "published", "publish → published")
    eq(a["published_at"], 1641807000, "post_date_gmt 2022-01-10 09:30:00")
    eq(a["summary"], "Fuel prices doubled; crowds filled Almaty's squares.", "excerpt → summary")
    eq(a["tags"], ["Central Asia", "Kazakhstan", "News"], "categories and tags as tags")
    eq(a["body_format"], "html", "kept as HTML")
    eq(a["body_md"], a["body_html"], "HTML source and rendering are one")
    eq(a["comments_closed"], 0, "comments open")
    body = a["body_html"]
    check("<strong>1 January</strong>" in body, "inline markup kept")
    check("<h2>Experts on China</h2>" in body, "heading kept")
    check("<blockquote><p>“Beijing wants stability above all.”</p><cite>A diplomat</cite></blockquote>" in body,
          "quote kept, class dropped: " + body)
    check('<a href="https://example.org/report">The report</a>' in body, "good link kept, onclick dropped")
    check("<a>a bad link</a>" in body, "javascript: href dropped")
    check('<img src="https://steppe.example/wp-content/uploads/almaty.jpg" alt="Almaty square" '
          'width="640" height="480">' in body, "image kept with its allowed attributes")
    check("Almaty&#39;s" in body, "text escaped")
    no_danger(body, "wp body")
    check("wp:paragraph" not in body, "block comments dropped")

    z = article(db, "zurich-cafe-notes")
    eq(z["title"], "Zürich café notes", "non-ASCII title")
    eq(z["author"], "Józef Kowalski", "non-ASCII author")
    eq(z["body_html"], "<p>A classic-editor post without paragraph tags.</p>\n"
                       "<p>Second paragraph, with a<br>\nline break &amp; an ampersand.</p>\n",
       "paragraphs made from blank lines")
    eq(z["comments_closed"], 1, "comment_status closed")
    eq(z["tags"], ["Travel"], "category")
    eq(z["summary"], "A classic-editor post without paragraph tags. Second paragraph, with a line break "
                     "& an ampersand.", "summary derived from the body")

    dr = article(db, "draft-the-budget")
    eq(dr["status"], "draft", "draft")
    eq(dr["published_at"], 1705233600, "draft without a GMT date takes its local date")
    eq(dr["tags"], ["Economy"], "draft tags")

    p = article(db, "about")
    eq(p["status"], "published", "page imported")
    eq(p["body_html"], '<h2>About</h2><p>We report <span>independently</span>.</p>'
                       '<table><tr><td colspan="2">cell</td></tr></table>', "page body: h1→h2, style/onclick gone")
    f = article(db, "election-night")
    eq(f["status"], "scheduled", "future → scheduled")
    eq(f["published_at"], 1893477600, "scheduled date")

    eq(sorted(r[0] for r in db_query(db, "SELECT old_path FROM redirects")),
       ["/2022/01/10/protests-in-kazakhstan/", "/2023/06/02/zurich-cafe-notes/", "/?p=42", "/?p=57",
        "/?page_id=2", "/about/"], "old links recorded for published items")
    eq(db_query(db, "SELECT count(*) FROM users")[0][0], 0, "no accounts created for bylines")

    cs = comments(db, "protests-in-kazakhstan")
    eq(len(cs), 2, "two comments; the pingback left out")
    c1, c2 = cs
    eq((c1["author"], c1["email"], c1["url"], c1["status"]),
       ("Dana", "dana@mail.example", "https://dana.example", "approved"), "comment 101 fields")
    eq((c1["parent_id"], c1["thread_id"], c1["depth"]), (None, c1["id"], 0), "101 heads its thread")
    eq(c1["created_at"], 1641808800, "comment_date_gmt 2022-01-10 10:00:00")
    eq(c1["updated_at"], c1["created_at"], "updated as created")
    eq(c1["body_html"], "<p>Thank you — <em>clear</em> and calm reporting.</p>\n",
       "HTML kept through the allow-list, paragraphs made")
    eq(c1["body_md"], "Thank you — clear and calm reporting.", "text form of the body")
    eq((c2["author"], c2["email"], c2["url"], c2["status"]),
       ("Ерлан", "erlan@mail.example", "", "pending"), "comment 102: non-ASCII name, approved 0 → pending")
    eq((c2["parent_id"], c2["thread_id"], c2["depth"]), (c1["id"], c1["id"], 1), "102 replies to 101")
    eq(c2["created_at"], 1641812400, "102's date")
    eq(c2["body_html"], "<p>Согласен. <a>hover</a></p>\n", "script and handler removed: " + c2["body_html"])
    no_danger(c2["body_html"], "wp comment")
    check("evil.example" not in c2["body_html"] and "document.cookie" not in c2["body_md"],
          "the script's content is gone with it")
    eq(db_query(db, "SELECT comment_count FROM articles WHERE slug = 'protests-in-kazakhstan'")[0][0], 1,
       "comment_count counts the approved one")
    check("comment 102: body: script element removed" in err, "comment drop reported: " + err)
    check("a pingback is not a comment (pingbacks and trackbacks are left out on purpose)" in err,
          "pingback left out on purpose")
    check("4 of 4 comments" not in err and "2 of 2 comments" in err, "summary counts comments: " + err)
    d.cleanup()


def test_blogger_fields():
    d = TempDir()
    db = new_db(d, "bl")
    rc, out, err = gazette("import", BLOGGER, db=db)
    eq(rc, 0, "blogger import: " + err)
    eq(db_query(db, "SELECT count(*) FROM articles")[0][0], 3, "two posts and a page")
    a = article(db, "pierogi-zurek-and-wawel-dragon")
    eq(a["title"], "Pierogi, żurek and the Wawel dragon", "title")
    eq(a["author"], "Zofia Nowak", "author")
    eq(a["status"], "published", "published")
    eq(a["published_at"], 1678781700, "published 2023-03-14T09:15+01:00")
    eq(a["tags"], ["Kraków", "food & drink"], "labels as tags")
    eq(a["body_html"], '<p>Breakfast at the <b>Hala Targowa</b>: żurek in a bread bowl.</p>'
                       '<div><a href="https://blogger.googleusercontent.com/img/dragon.jpg">'
                       '<img src="https://blogger.googleusercontent.com/img/dragon.jpg" width="400" height="300">'
                       '</a></div><p>Then up to Wawel</p>', "body sanitised: " + a["body_html"])
    no_danger(a["body_html"], "blogger body")
    dr = article(db, "half-written-nowa-huta-walk")
    eq(dr["status"], "draft", "app:draft yes → draft")
    eq(dr["tags"], ["Kraków"], "draft label")
    eq(dr["summary"], "Start at plac Centralny…", "summary from body")
    p = article(db, "about-me")
    eq(p["status"], "published", "page")
    eq(sorted(r[0] for r in db_query(db, "SELECT old_path FROM redirects")),
       ["/2023/03/pierogi-zurek-and-wawel-dragon.html", "/p/about-me.html"], "Blogger old links")
    cs = comments(db, "pierogi-zurek-and-wawel-dragon")
    eq(len(cs), 2, "two comments")
    c1, c2 = cs
    eq((c1["author"], c1["email"], c1["url"], c1["status"]),
       ("Marek", "", "https://marek.example", "approved"), "comment 1: noreply address dropped")
    eq(c1["created_at"], 1678791600, "published 2023-03-14T12:00+01:00")
    eq(c1["body_html"], "<p>Looks delicious! <b>Where</b> is the stall?</p>", "script removed: " + c1["body_html"])
    eq(c1["body_md"], "Looks delicious! Where is the stall?", "text form")
    eq((c2["author"], c2["parent_id"], c2["thread_id"], c2["depth"]), ("Zofia Nowak", c1["id"], c1["id"], 1),
       "reply threaded by link rel=related")
    eq(c2["body_html"], "<p>Stall 14, near the flowers. Smacznego! <a>map</a></p>",
       "javascript: link and onclick removed: " + c2["body_html"])
    for c in cs:
        no_danger(c["body_html"], "blogger comment")
    eq(db_query(db, "SELECT comment_count FROM articles WHERE slug = 'pierogi-zurek-and-wawel-dragon'")[0][0], 2,
       "comment_count")
    d.cleanup()


def test_blogger_reply_by_in_reply_to():
    """A reply whose thr:in-reply-to names the comment it answers (and
    comes before it in the file) is threaded under it."""
    d = TempDir()
    src = open(BLOGGER, encoding="utf-8").read()
    reply = ("<entry><id>tag:blogger.com,1999:blog-7001.post-5550003</id>"
             "<published>2023-03-15T08:00:00.000Z</published><updated>2023-03-16T08:00:00.000Z</updated>"
             "<category scheme='http://schemas.google.com/g/2005#kind' "
             "term='http://schemas.google.com/blogger/2008/kind#comment'/>"
             "<content type='html'>Thanks, both!</content>"
             "<author><name>Ann</name><email>ann@example.com</email></author>"
             "<thr:in-reply-to xmlns:thr='http://purl.org/syndication/thread/1.0' "
             "ref='tag:blogger.com,1999:blog-7001.post-5550002' type='text/html'/></entry>"
             "<entry><id>tag:blogger.com,1999:blog-7001.post-5550009</id>"
             "<published>2023-03-15T08:00:00.000Z</published>"
             "<category scheme='http://schemas.google.com/g/2005#kind' "
             "term='http://schemas.google.com/blogger/2008/kind#comment'/>"
             "<content type='html'>Lost</content>"
             "<thr:in-reply-to xmlns:thr='http://purl.org/syndication/thread/1.0' "
             "ref='tag:blogger.com,1999:blog-7001.post-424242' type='text/html'/></entry>")
    first = src.index("<entry>", src.index("kind#post"))
    path = d.file("b2.xml", src[:first] + reply + src[first:])
    db = new_db(d, "b2")
    rc, _, err = gazette("import", path, db=db)
    eq(rc, 0, "import: " + err)
    cs = comments(db, "pierogi-zurek-and-wawel-dragon")
    eq([c["author"] for c in cs], ["Marek", "Zofia Nowak", "Ann"], "reply placed after its parent")
    eq((cs[2]["parent_id"], cs[2]["depth"], cs[2]["thread_id"]), (cs[1]["id"], 2, cs[0]["id"]),
       "threaded two deep by thr:in-reply-to")
    eq((cs[2]["email"], cs[2]["updated_at"]), ("ann@example.com", 1678953600), "email and updated kept")
    check("comment 5550009: the post or comment it answers is not in the export" in err,
          "an orphan is reported: " + err)
    d.cleanup()


def test_wxr_deep_thread():
    """An import files replies as a reader's post would be: a thread ten
    deep comes in at most 6 deep (the store's one cap), the replies past
    it beside the sixth level's, under the comment above it."""
    d = TempDir()
    src = open(WXR, encoding="utf-8").read()
    chain = ""
    for i in range(10):
        chain += ("<wp:comment><wp:comment_id>%d</wp:comment_id>"
                  "<wp:comment_author><![CDATA[Deep %d]]></wp:comment_author>"
                  "<wp:comment_date_gmt><![CDATA[2022-01-11 10:%02d:00]]></wp:comment_date_gmt>"
                  "<wp:comment_content><![CDATA[deep %d]]></wp:comment_content>"
                  "<wp:comment_approved><![CDATA[1]]></wp:comment_approved>"
                  "<wp:comment_type><![CDATA[comment]]></wp:comment_type>"
                  "<wp:comment_parent>%d</wp:comment_parent></wp:comment>"
                  % (901 + i, i, i, i, 900 + i if i else 101))
    at = src.index("</wp:comment>") + len("</wp:comment>")
    path = d.file("deep.xml", src[:at] + chain + src[at:])
    db = new_db(d, "deep")
    rc, _, err = gazette("import", path, db=db)
    eq(rc, 0, "import: " + err)
    cs = {c["author"]: c for c in comments(db, "protests-in-kazakhstan")}
    eq([cs["Deep %d" % i]["depth"] for i in range(10)], [1, 2, 3, 4, 5, 6, 6, 6, 6, 6],
       "no deeper than the cap")
    eq([cs["Deep %d" % i]["parent_id"] for i in range(5, 10)], [cs["Deep 4"]["id"]] * 5,
       "past the cap: under the deepest allowed ancestor")
    eq({cs["Deep %d" % i]["thread_id"] for i in range(10)}, {cs["Dana"]["id"]}, "one thread")
    d.cleanup()


def test_dry_run():
    d = TempDir()
    db = new_db(d, "dry")
    gazette("init", db=db, check_rc=0)
    rc, out, err = gazette("import", "--dry-run", WXR, BLOGGER, db=db)
    eq(rc, 0, "dry run: " + err)
    eq(db_query(db, "SELECT count(*) FROM articles")[0][0], 0, "nothing written")
    eq(db_query(db, "SELECT count(*) FROM redirects")[0][0], 0, "no redirects written")
    eq(db_query(db, "SELECT count(*) FROM comments")[0][0], 0, "no comments written")
    for line in ("articles: 8 (pages among them: 2)", "tags: 8", "authors: 3", "comments: 4 (stored: 4)",
                 "old links: 8",
                 "comments: " + WXR + ": post 'Protests in Kazakhstan: what we know': 2 (approved 1, "
                 "pending 1, spam 0, deleted 0)",
                 "comments: " + BLOGGER + ": post 'Pierogi, żurek and the Wawel dragon': 2 (approved 2, "
                 "pending 0, spam 0, deleted 0)"):
        check(line in out, "report has %r: %s" % (line, out))
    for why in ("post type 'attachment' is not an article",
                "a pingback is not a comment (pingbacks and trackbacks are left out on purpose)",
                "script element removed", "settings and template entries",
                "comment 102: body: script element removed", "comment 5550002: body: href URL refused"):
        check(why in out, "drop reported: %r" % why)
    check("dropped: " + WXR + ": post 'Protests in Kazakhstan: what we know': body:" in out,
          "drops name the file and the item")
    d.cleanup()


def test_hostile_xml():
    d = TempDir()
    db = new_db(d, "bad")
    good = d.file("good.md", "---\ntitle: Good\n---\nbody\n")
    for name, want in (("entity-bomb.xml", "DOCTYPE"), ("xxe.xml", "DOCTYPE")):
        rc, _, err = gazette("import", good, os.path.join(FIX, name), db=db)
        check(rc != 0, name + " refused")
        check(want in err and name in err, name + " error is clear: " + err)
        check(len(err) < 400, name + " error is one short line")
        check("root:" not in err, "no file contents leak")
    bad = d.file("bad.xml", '<?xml version="1.0"?>\n<rss version="2.0">\n<channel>\n<item><title>x</titel>\n'
                            "</channel></rss>\n")
    rc, _, err = gazette("import", good, bad, db=db)
    check(rc != 0 and "bad.xml:4: malformed XML" in err, "malformed XML names the line: " + err)
    other = d.file("other.xml", "<html><body>hi</body></html>")
    rc, _, err = gazette("import", other, db=db)
    check(rc != 0 and "neither a WordPress export" in err, "unknown XML refused: " + err)
    rc, _, err = gazette("import", WXR, bad, db=db)
    check(rc != 0, "a good export then a bad file")
    eq(db_query(db, "SELECT count(*) FROM articles")[0][0], 0, "nothing partially imported")
    eq(db_query(db, "SELECT count(*) FROM redirects")[0][0], 0, "no redirects partially imported")
    d.cleanup()


def test_redirects_served():
    d = TempDir()
    db = new_db(d, "redir")
    gazette("import", WXR, BLOGGER, db=db, check_rc=0)
    srv = Server(db)
    try:
        for old, new in (("/?p=42", "/2022/01/protests-in-kazakhstan"),
                         ("/?p=42&utm_source=feed", "/2022/01/protests-in-kazakhstan"),
                         ("/2022/01/10/protests-in-kazakhstan/", "/2022/01/protests-in-kazakhstan"),
                         ("/2022/01/10/protests-in-kazakhstan", "/2022/01/protests-in-kazakhstan"),
                         ("/?page_id=2", "/2017/01/about"),
                         ("/about/", "/2017/01/about"),
                         ("/2023/03/pierogi-zurek-and-wawel-dragon.html", "/2023/03/pierogi-zurek-and-wawel-dragon"),
                         ("/p/about-me.html", "/2022/05/about-me")):
            st, hd, _ = srv.get(old)
            eq(st, 301, "old link " + old)
            eq(hd.get("location"), new, "old link target " + old)
        st, _, body = srv.get("/?p=999")
        eq(st, 200, "unknown ?p= shows the front page")
        st, _, body = srv.get("/?p=60")
        eq(st, 200, "a draft's ?p= is not redirected")
        st, _, _ = srv.get("/2099/01/01/nothing/")
        eq(st, 404, "unknown old-style path is a 404")
        st, _, _ = srv.get("/2022/01/protests-in-kazakhstan")
        eq(st, 200, "new URL serves the article")
    finally:
        srv.stop()
        d.cleanup()


def add_comments(d, db):
    """Comments written in gazette (Markdown), threaded three deep, in
    every status, one edited, beside the imported HTML ones."""
    gazette("user", "add", "eve", "--role", "editor", db=db, stdin=PW.encode(), check_rc=0)
    _, tok, _ = gazette("token", "create", "eve", db=db, check_rc=0)
    srv = Server(db, env={"GAZETTE_MODERATION": "none", "GAZETTE_COMMENT_RATE": "0",
                          "GAZETTE_ACCESS_LOG": "off"})
    h = {"Authorization": "Bearer " + tok.strip(), "Content-Type": "application/json"}

    def call(method, path, doc):
        st, _, data = srv.request(method, path, body=json.dumps(doc).encode(), headers=h)
        check(st in (200, 201), "%s %s: %d %s" % (method, path, st, data[:200]))
        return json.loads(data)

    try:
        slug = db_query(db, "SELECT slug FROM articles WHERE status = 'published' AND body_format = 'markdown' "
                            "ORDER BY id LIMIT 1")[0][0]
        base = "/api/v1/articles/%s/comments" % slug
        a = call("POST", base, {"author": "Ann ]]> <b>", "email": "ann@example.com",
                                "url": "https://ann.example/?q=1&r=2",
                                "body": "Hello *there*, see [this](https://x.example/a?b=1&c=2).\n\n"
                                        "> quoted ]]> text\n\n- one\n- two\n\n`code <b>`"})
        b = call("POST", base, {"author": "Бо", "body": "Reply\nwith a line", "parent": a["id"]})
        c = call("POST", base, {"author": "Cy", "body": "Deeper <script>x</script>", "parent": b["id"]})
        e = call("POST", base, {"author": "Di", "body": "Spam me"})
        f = call("POST", base, {"author": "Ed", "body": "Delete me", "parent": a["id"]})
        g = call("POST", base, {"author": "Fi", "body": "Hold me"})
        call("PATCH", "/api/v1/comments/%d" % e["id"], {"status": "spam"})
        call("PATCH", "/api/v1/comments/%d" % g["id"], {"status": "pending"})
        call("PATCH", "/api/v1/comments/%d" % c["id"], {"body": "Deeper, **edited**"})
        st, _, _ = srv.request("DELETE", "/api/v1/comments/%d" % f["id"], headers=h)
        eq(st, 204, "deleted")
    finally:
        srv.stop()
    db_query(db, "SELECT 1")
    # an edit time that differs from the creation time survives too
    db_exec(db, "UPDATE comments SET updated_at = created_at + 3600 WHERE author = 'Cy'")


def test_round_trip():
    d = TempDir()
    db = new_db(d, "src")
    md_in = d.file("in/plain.md", '---\ntitle: "Quotes \\"and\\" back\\\\slashes"\nslug: plain\n'
                                  "date: 2021-05-05T05:05:05Z\nauthor: Ann\ntags: [a, \"b, c\"]\n"
                                  "summary: \"two\\nlines\"\n---\n# Heading\n\nSome *Markdown* with ]]> inside.\n")
    gazette("import", WXR, BLOGGER, md_in, os.path.join(ROOT, "content", "demo"), db=db, check_rc=0)
    add_comments(d, db)
    want = dump(db)
    check(want.count("  #") >= 10, "comments in the corpus")
    check(want.count("\n") >= 10, "a real corpus to compare")
    for fmt in ("wxr", "markdown"):
        out = os.path.join(d.path, "export-" + fmt)
        rc, _, err = gazette("export", "--format", fmt, out, db=db)
        eq(rc, 0, fmt + " export: " + err)
        db2 = new_db(d, "back-" + fmt)
        rc, _, err = gazette("import", out, db=db2)
        eq(rc, 0, fmt + " re-import: " + err)
        got = dump(db2)
        if not eq(got == want, True, fmt + " round trip identical"):
            import difflib
            print("\n".join(difflib.unified_diff(want.split("\n"), got.split("\n"), lineterm="")))
        rc, _, err = gazette("export", "--format", fmt, out, db=db)
        check(rc != 0, fmt + " export refuses to overwrite")
    d.cleanup()


def test_comments_sidecar_hostile():
    """SLUG.comments.json is gazette's own, but read as untrusted: HTML
    that its Markdown does not render to is sanitised, and a malformed
    file imports nothing at all."""
    d = TempDir()
    db = new_db(d, "side")
    gazette("init", db=db, check_rc=0)
    d.file("in/x.md", "---\ntitle: X\nslug: x\ndate: 2021-01-01T00:00:00Z\n---\nBody\n")
    d.file("in/x.comments.json", json.dumps({"comments": [
        {"id": 7, "parent": None, "author": "M", "email": "", "url": "javascript:alert(1)", "status": "approved",
         "created_at": "2021-01-02T00:00:00Z", "updated_at": "2021-01-02T00:00:00Z",
         "body_markdown": "hi", "body_html": "<p>hi</p><script>alert(1)</script><img src=x onerror=y>"},
        {"id": 9, "parent": 7, "author": "N", "email": "n@example.com", "url": "", "status": "spam",
         "created_at": "2021-01-03T00:00:00Z", "body_markdown": "*yes*", "body_html": "<p><em>yes</em></p>\n"}]}))
    rc, _, err = gazette("import", os.path.join(d.path, "in"), db=db)
    eq(rc, 0, "import: " + err)
    cs = comments(db, "x")
    eq(len(cs), 2, "two comments")
    eq(cs[0]["body_html"], '<p>hi</p><img src="x">', "HTML not rendered from its Markdown is sanitised")
    eq(cs[0]["body_md"], "hi", "its text kept")
    eq(cs[0]["url"], "", "javascript: address dropped")
    check("web address 'javascript:alert(1)' dropped" in err, "reported: " + err)
    eq((cs[1]["parent_id"], cs[1]["status"], cs[1]["body_html"]), (cs[0]["id"], "spam", "<p><em>yes</em></p>\n"),
       "Markdown that renders to its HTML is kept as Markdown; parent and status kept")
    for bad in ('{"comments": [{"id": 1}]}', '{"comments": [{"id": "1", "author": "a"}]}', "[]", "{nope",
                '{"comments": [{"id": 1, "author": "a", "status": "approved", "body_markdown": "", '
                '"body_html": "", "created_at": "yesterday"}]}',
                '{"comments": [{"id": 1, "author": "a", "extra": 1}]}'):
        db2 = new_db(d, "side-bad")
        gazette("init", db=db2, check_rc=0)
        with open(os.path.join(d.path, "in", "x.comments.json"), "w") as f:
            f.write(bad)
        rc, _, err = gazette("import", os.path.join(d.path, "in"), db=db2)
        check(rc != 0 and "x.comments.json" in err, "malformed sidecar %r refused: %s" % (bad, err))
        eq(db_query(db2, "SELECT count(*) FROM articles")[0][0], 0, "nothing imported with it")
        if not is_pg(db2):
            os.remove(db2)
    d.cleanup()


def test_sanitiser_fixed_point():
    """What the allow-list lets through passes it again unchanged (what
    makes export and re-import lossless), via the API's HTML bodies."""
    d = TempDir()
    db = new_db(d, "fx")
    gazette("init", db=db, check_rc=0)
    nasty = ('<div><p>a<b>b<i>c</b>d</i><table><td>x<tr>y</table><ul><li>1<li>2</ul>'
             '<img src=x onerror=alert(1)><a href=" jAvAsCrIpT:alert(1)">j</a>'
             '<svg><script>alert(1)</script></svg><style>*{}</style>&lt;script&gt;'
             '<a href="mailto:x@y.z" title=\'t"q\'>m</a><img src="mailto:x">'
             '<p>unclosed <em>em <pre> x\n  y</pre><!-- c --><h1>H</h1>')
    for i, body in enumerate([nasty, "plain text & more", "<em>inline</em> only", ""]):
        p = d.file("f%d.md" % i, "---\ntitle: F%d\nformat: html\n---\n%s" % (i, body))
        gazette("import", p, db=db, check_rc=0)
        first = db_query(db, "SELECT body_md FROM articles WHERE slug = ?", ("f%d" % i,))[0][0]
        no_danger(first, "fixed point %d" % i)
        q = d.file("g%d.md" % i, "---\ntitle: G%d\nformat: html\n---\n%s" % (i, first))
        gazette("import", q, db=db, check_rc=0)
        second = db_query(db, "SELECT body_md FROM articles WHERE slug = ?", ("g%d" % i,))[0][0]
        eq(second, first, "sanitising twice changes nothing (%d)" % i)
    d.cleanup()


HOSTILE_N = 100000


def wxr_chain(n):
    """One post with n comments, each answering the next one listed: a
    reply chain listed child first, the worst order for threading."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
           'xmlns:wp="http://wordpress.org/export/1.2/" '
           'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
           'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Chain</title>\n'
           '<item><title>Chain</title><dc:creator>x</dc:creator><wp:post_id>1</wp:post_id>'
           '<wp:post_date_gmt>2022-01-10 09:30:00</wp:post_date_gmt><wp:post_name>chain</wp:post_name>'
           '<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>'
           '<content:encoded>&lt;p&gt;Top.&lt;/p&gt;</content:encoded>\n']
    for k in range(1, n + 1):
        out.append("<wp:comment><wp:comment_id>%d</wp:comment_id><wp:comment_parent>%d</wp:comment_parent>"
                   "<wp:comment_approved>1</wp:comment_approved>"
                   "<wp:comment_date_gmt>2022-01-10 10:00:00</wp:comment_date_gmt>"
                   "<wp:comment_content>c%d</wp:comment_content></wp:comment>\n"
                   % (k, k + 1 if k < n else 0, k))
    out.append("</item></channel></rss>\n")
    return "".join(out)


def blogger_many(n):
    """One post with n comments: a reply chain listed child first, each
    reply naming in thr:in-reply-to the comment it answers."""
    # As short as Blogger's grammar allows: the parser's own tree of the
    # file is most of what a dry run holds.
    kind = "<category scheme='http://schemas.google.com/g/2005#kind' term='#%s'/>"
    out = ["<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns='http://www.w3.org/2005/Atom' "
           "xmlns:thr='http://purl.org/syndication/thread/1.0'>\n"
           "<entry><id>b.post-1</id><published>2023-03-14T12:00:00Z</published>"
           + kind % "post" + "<title>Many</title><content type='html'>Top.</content></entry>\n"]
    for k in range(1, n + 1):
        ref = "c%d" % (k + 1) if k < n else "1"
        out.append("<entry><id>b.post-c%d</id><published>2023-03-14T13:00:00Z</published>%s"
                   "<content>c%d</content><thr:in-reply-to ref='b.post-%s'/></entry>\n"
                   % (k, kind % "comment", k, ref))
    out.append("</feed>\n")
    return "".join(out)


# The binary under test was built with AddressSanitizer (make asan).
SANITIZED = "ASAN_OPTIONS" in os.environ


def timed_dry_run(path, db, limit=60):
    """gazette import --dry-run path: (rc, stdout, seconds, peak RSS in
    MB), stopped (by its PID) past limit seconds, and held to 2 GiB of
    address space so that a quadratic regression fails here instead of
    taking the machine's memory."""
    import resource
    import subprocess
    import time

    def cap():
        # Not under AddressSanitizer (make asan sets ASAN_OPTIONS): it
        # reserves terabytes of address space for its shadow memory and
        # cannot start under such a cap.
        if not SANITIZED:
            resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    out = open(path + ".out", "w+b")
    t0 = time.time()
    p = subprocess.Popen([BIN, "import", "--dry-run", path, "--db", db], stdout=out,
                         stderr=subprocess.DEVNULL, preexec_fn=cap)
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid == p.pid:
            break
        if time.time() - t0 > limit:
            os.kill(p.pid, 9)
            pid, status, ru = os.wait4(p.pid, 0)
            p.returncode = -9
            break
        time.sleep(0.05)
    secs = time.time() - t0
    out.seek(0)
    text_out = out.read().decode("utf-8", "replace")
    out.close()
    rc = os.waitstatus_to_exitcode(status) if p.returncode != -9 else -9
    return rc, text_out, secs, ru.ru_maxrss / 1024.0


def test_hostile_comment_threads():
    """100,000 comments in one post, as a reply chain listed child first,
    in a WordPress and in a Blogger file: a dry run takes time and memory
    linear in the file (it was cubic and quadratic), well under generous
    bounds that a cubic or quadratic one cannot meet."""
    d = TempDir()
    db = new_db(d, "hostile")
    gazette("init", db=db, check_rc=0)
    for name, gen in (("wxr", wxr_chain), ("blogger", blogger_many)):
        path = d.file("chain-%s.xml" % name, gen(HOSTILE_N))
        rc, out, secs, mb = timed_dry_run(path, db)
        eq(rc, 0, "%s: dry run (%.1f s)" % (name, secs))
        check(secs < 60, "%s: %d comments in %.1f s" % (name, HOSTILE_N, secs))
        # AddressSanitizer's redzones and quarantine about triple the
        # heap: the bound grows with them, still far below a quadratic
        # import (650 MB for 4,000 comments).
        check(mb < (1500 if SANITIZED else 400), "%s: peak memory %.0f MB" % (name, mb))
        check("comments: %d (stored: %d)" % (HOSTILE_N, HOSTILE_N) in out,
              "%s: every comment placed: %s" % (name, out[-600:]))
        check("is not in the export" not in out and "form a loop" not in out,
              "%s: the chain is whole" % name)
        print("hostile %s: %d comments, %.1f s, %.0f MB" % (name, HOSTILE_N, secs, mb))
    d.cleanup()


def test_upgrade_fills_in():
    """A database from before migration 12 (no author slugs, revisions
    without a format) and before full-text search (body_text holding the
    source): gazette init fills both in with the store's own functions,
    HTML bodies made into text without their tags."""
    d = TempDir()
    db = new_db(d, "upgrade")
    gazette("init", db=db, check_rc=0)
    gazette("import", WXR, db=db, check_rc=0)
    for sql in ("DROP INDEX articles_author_slug_public",
                "ALTER TABLE articles DROP COLUMN author_slug",
                "ALTER TABLE revisions DROP COLUMN body_format",
                "UPDATE articles SET body_text = body_md",
                "DELETE FROM schema_migrations WHERE version = 12"):
        db_exec(db, sql)
    rc, _, err = gazette("init", db=db)
    eq(rc, 0, "init migrates: " + err)
    eq(db_query(db, "SELECT author_slug FROM articles WHERE slug = ?", ("protests-in-kazakhstan",)),
       [("aigerim-seitkali",)], "author slug filled in")
    eq(db_query(db, "SELECT count(*) FROM articles WHERE author <> '' AND author_slug = ''")[0][0], 0,
       "every byline has its slug")
    eq(db_query(db, "SELECT r.body_format FROM revisions r JOIN articles a ON a.id = r.article_id "
                    "WHERE a.slug = ?", ("protests-in-kazakhstan",)), [("html",)],
       "a revision takes its article's format")
    bt = db_query(db, "SELECT body_text FROM articles WHERE slug = ?", ("protests-in-kazakhstan",))[0][0]
    check("1 January" in bt and "<" not in bt, "search text made again, without tags: " + bt[:100])
    srv = Server(db, env={"GAZETTE_ACCESS_LOG": "off"})
    try:
        st, _, page = srv.get("/authors/aigerim-seitkali")
        check(st == 200 and "Protests in Kazakhstan" in text(page), "the author page: %d" % st)
        st, hd, _ = srv.get("/authors/Aigerim%20Seitkali/feed.atom")
        eq((st, hd.get("location")), (301, "/authors/aigerim-seitkali/feed.atom"), "old feed URL")
        st, _, data = srv.get("/api/v1/search?q=strong")
        eq((st, json.loads(data)["items"]), (200, []), "no tag names in the index")
    finally:
        srv.stop()
        d.cleanup()


def body_div(page):
    m = re.search(r'<div class="body">(.*?)</div>\n<footer>', page, re.S)
    return m.group(1) if m else None


def test_html_body_kept_as_html():
    """An imported HTML article saved again, by every door that saves a
    body (the admin editor, the API's PUT and PATCH, a revision restore),
    stays HTML: its page is unchanged, and its search text holds no tag."""
    d = TempDir()
    db = new_db(d, "edit")
    gazette("init", db=db, check_rc=0)
    gazette("user", "add", "ann", "--role", "admin", db=db, stdin=(ADMIN_PW + "\n").encode(),
            check_rc=0)
    _, tok, _ = gazette("token", "create", "ann", db=db, check_rc=0)
    gazette("import", WXR, db=db, check_rc=0)
    slug, path = "protests-in-kazakhstan", "/2022/01/protests-in-kazakhstan"
    aid = db_query(db, "SELECT id FROM articles WHERE slug = ?", (slug,))[0][0]
    srv = Server(db, env={"GAZETTE_ACCESS_LOG": "off"})
    h = {"Authorization": "Bearer " + tok.strip(), "Content-Type": "application/json"}

    def api(method, doc=None):
        st, _, data = srv.request(method, "/api/v1/articles/" + slug,
                                  body=json.dumps(doc).encode() if doc is not None else None,
                                  headers=h)
        return st, json.loads(data) if data else None

    def same(what):
        st, _, page = srv.get(path)
        eq(st, 200, what + ": page")
        eq(body_div(text(page)), want, what + ": the page's body is unchanged")
        eq(db_query(db, "SELECT body_format FROM articles WHERE id = ?", (aid,))[0][0], "html",
           what + ": still HTML")
        bt = db_query(db, "SELECT body_text FROM articles WHERE id = ?", (aid,))[0][0]
        check("1 January" in bt and "<" not in bt, what + ": search text without markup: " + bt[:120])
        for word in ("strong", "href", "blockquote", "cite"):
            st, _, data = srv.get("/api/v1/search?q=" + word)
            eq((st, [i["title"] for i in json.loads(data)["items"]]), (200, []),
               what + ": no hit for the tag name " + word)
        st, _, data = srv.get("/api/v1/search?q=diplomat")
        eq([i["title"] for i in json.loads(data)["items"]], ["Protests in Kazakhstan: what we know"],
           what + ": the words are found")

    try:
        st, _, page = srv.get(path)
        want = body_div(text(page))
        check(want and "<strong>1 January</strong>" in want, "the imported body: %r" % (want or "")[:200])
        same("imported")
        # The admin editor: shown as HTML, saved as it is.
        b = Browser(srv)
        b.login("ann")
        st, _, form_page = b.get("/admin/articles/%d" % aid)
        eq(st, 200, "editor")
        check(re.search(r'name="format" value="html" checked', form_page), "the editor says HTML")
        f = {k: field(form_page, k) or "" for k in ("title", "slug", "summary", "tags", "publish_at",
                                                    "version")}
        f["body"] = textarea(form_page)
        f["status"] = "published"
        check("<strong>1 January</strong>" in f["body"], "the editor holds the HTML source")
        st, hd, _ = b.post("/admin/articles/%d" % aid, dict(f, preview="1"))
        eq(st, 200, "preview")
        # The form as a script posts it, without the format: kept.
        st, hd, _ = b.post("/admin/articles/%d" % aid, f)
        eq((st, hd.get("location")), (303, "/admin/articles/%d?msg=saved" % aid), "admin save")
        same("admin save")
        st, _, frag = b.post("/admin/preview", {"body": "<p>a <em>b</em><script>x</script></p>",
                                                "format": "html"})
        eq((st, frag.strip()), (200, "<p>a <em>b</em></p>"), "live preview of HTML")
        # The API: a GET document PUT back, and a PATCH of the title.
        st, doc = api("GET")
        eq((st, doc["body_format"]), (200, "html"), "API GET")
        st, doc = api("PUT", doc)
        eq(st, 200, "API PUT: %r" % doc)
        same("API PUT")
        st, doc = api("PATCH", {"title": "Protests in Kazakhstan: what we know", "version": doc["version"]})
        eq(st, 200, "API PATCH: %r" % doc)
        same("API PATCH")
        # A revision restored (the import's own, version 1).
        rev = db_query(db, "SELECT id FROM revisions WHERE article_id = ? AND version = 1", (aid,))[0][0]
        ver = db_query(db, "SELECT version FROM articles WHERE id = ?", (aid,))[0][0]
        b.get("/admin/articles/%d" % aid)
        st, hd, _ = b.post("/admin/articles/%d/revisions/%d/restore" % (aid, rev), {"version": str(ver)})
        eq((st, hd.get("location")), (303, "/admin/articles/%d?msg=restored" % aid), "restore")
        same("restore")
        # Made Markdown in the editor, then the HTML revision restored:
        # a revision comes back in the language it was saved in.
        st, _, form_page = b.get("/admin/articles/%d" % aid)
        f["version"] = field(form_page, "version")
        st, hd, _ = b.post("/admin/articles/%d" % aid, dict(f, body="Now *Markdown*.", format="markdown"))
        eq(st, 303, "saved as Markdown")
        st, _, page = srv.get(path)
        eq(body_div(text(page)), "\n<p>Now <em>Markdown</em>.</p>\n\n", "the Markdown body shown")
        eq(db_query(db, "SELECT body_format FROM articles WHERE id = ?", (aid,))[0][0], "markdown",
           "the format chosen in the editor is saved")
        ver = db_query(db, "SELECT version FROM articles WHERE id = ?", (aid,))[0][0]
        st, hd, _ = b.post("/admin/articles/%d/revisions/%d/restore" % (aid, rev), {"version": str(ver)})
        eq(st, 303, "restore over a Markdown version")
        same("HTML revision restored over Markdown")
    finally:
        srv.stop()
        d.cleanup()


run_tests("import_xml", [test_wordpress_fields, test_blogger_fields, test_dry_run, test_hostile_xml,
                         test_redirects_served, test_round_trip, test_sanitiser_fixed_point,
                         test_blogger_reply_by_in_reply_to, test_comments_sidecar_hostile,
                         test_wxr_deep_thread, test_html_body_kept_as_html,
                         test_hostile_comment_threads, test_upgrade_fills_in])
