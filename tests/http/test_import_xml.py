"""test_import_xml.py: WordPress (WXR 1.2) and Blogger imports checked
field by field from the fixtures, the HTML allow-list, --dry-run, refusal
of entity bombs, external entities and malformed XML (nothing imported),
old links answering 301, and export → import round trips in both
formats giving identical articles and tags."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import (ROOT, Server, TempDir, check, db_query, eq, gazette,  # noqa: E402
                 new_db, run_tests)

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
    return "\n".join(out)


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
    check("2 comments not imported" in err, "unstored comments reported: " + err)
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
    d.cleanup()


def test_dry_run():
    d = TempDir()
    db = new_db(d, "dry")
    gazette("init", db=db, check_rc=0)
    rc, out, err = gazette("import", "--dry-run", WXR, BLOGGER, db=db)
    eq(rc, 0, "dry run: " + err)
    eq(db_query(db, "SELECT count(*) FROM articles")[0][0], 0, "nothing written")
    eq(db_query(db, "SELECT count(*) FROM redirects")[0][0], 0, "no redirects written")
    for line in ("articles: 8 (pages among them: 2)", "tags: 8", "authors: 3", "comments: 4 (stored: 0)",
                 "old links: 8"):
        check(line in out, "report has %r: %s" % (line, out))
    for why in ("post type 'attachment' is not an article", "a pingback is not a comment",
                "script element removed", "settings and template entries",
                "comments not imported"):
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


def test_round_trip():
    d = TempDir()
    db = new_db(d, "src")
    md_in = d.file("in/plain.md", '---\ntitle: "Quotes \\"and\\" back\\\\slashes"\nslug: plain\n'
                                  "date: 2021-05-05T05:05:05Z\nauthor: Ann\ntags: [a, \"b, c\"]\n"
                                  "summary: \"two\\nlines\"\n---\n# Heading\n\nSome *Markdown* with ]]> inside.\n")
    gazette("import", WXR, BLOGGER, md_in, os.path.join(ROOT, "content", "demo"), db=db, check_rc=0)
    want = dump(db)
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


run_tests("import_xml", [test_wordpress_fields, test_blogger_fields, test_dry_run, test_hostile_xml,
                         test_redirects_served, test_round_trip, test_sanitiser_fixed_point])
