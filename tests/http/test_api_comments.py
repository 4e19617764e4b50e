"""test_api_comments.py: the comments API against a real server: listing
(readers and moderators, statuses, cursor pagination over 300+ comments
while comments are being added), posting as a reader (201 published, 202
held by moderation policy, pacing and the token exemption), reading,
moderating with a merge patch and soft deletion; every error status,
token rights per role, hostile bodies, and nothing written by a refused
request."""
import html.parser
import json
import os
import re
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from lib import TempDir, check, db_exec, db_query, eq, run_tests  # noqa: E402
from api_lib import Site, problem  # noqa: E402

OPEN = {"GAZETTE_COMMENT_MIN_FILL": "3", "GAZETTE_COMMENT_RATE": "0",
        "GAZETTE_MODERATION": "none", "GAZETTE_ACCESS_LOG": "off"}
READER_FIELDS = {"id", "parent", "author", "url", "body_markdown", "body_html",
                 "created_at", "updated_at"}
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def site(d, name, **env):
    e = dict(OPEN)
    e.update(env)
    s = Site(d, name, env=e)
    for slug in ("story", "other"):
        st, _, _ = s.req("POST", "/api/v1/articles", {"title": slug.title(), "slug": slug,
                                                      "status": "published",
                                                      "published_at": "2024-01-01T00:00:00Z"},
                         who="eve")
        eq(st, 201, "article " + slug)
    return s


def ccount(s, where="1=1", args=()):
    return db_query(s.db, "SELECT count(*) FROM comments WHERE " + where, args)[0][0]


def article_count(s, slug):
    return db_query(s.db, "SELECT comment_count FROM articles WHERE slug = ?", (slug,))[0][0]


def post(s, body, slug="story", who=None, **kw):
    return s.req("POST", "/api/v1/articles/%s/comments" % slug, body, who=who, **kw)


def test_post_list_read():
    d = TempDir()
    s = site(d, "basic")
    try:
        st, hd, doc = post(s, {"author": "Ann", "email": "ann@example.com", "url": "https://ann.example",
                               "body": "Hello *world*"})
        eq(st, 201, "published with moderation none")
        eq(hd.get("content-type"), "application/json", "json")
        eq(set(doc), READER_FIELDS, "a reader sees no email and no status")
        cid = doc["id"]
        eq(hd.get("location"), "/api/v1/comments/%d" % cid, "Location")
        eq(doc["author"], "Ann", "author")
        eq(doc["url"], "https://ann.example", "url")
        eq(doc["parent"], None, "top-level")
        eq(doc["body_markdown"], "Hello *world*", "body kept")
        eq(doc["body_html"], "<p>Hello <em>world</em></p>\n", "body rendered")
        check(RFC3339.match(doc["created_at"]) and doc["created_at"] == doc["updated_at"], "dates")
        check("set-cookie" not in hd, "no cookie")
        # the minimum fill time (3 s here) does not apply to JSON
        st, hd, rep = post(s, {"author": "Bo", "body": "Reply", "parent": cid, "email": None, "url": None})
        eq(st, 201, "reply at once, no fill time")
        eq(rep["parent"], cid, "reply's parent")
        eq(db_query(s.db, "SELECT thread_id, depth FROM comments WHERE id = ?", (rep["id"],))[0],
           (cid, 1), "thread and depth as the store expects")
        st, _, lf = post(s, {"author": "Cy", "body": "a\rb\r\nc\r\r\nd"})
        eq(lf["body_markdown"], "a\nb\nc\n\nd", "CR and CRLF stored as LF")
        eq(article_count(s, "story"), 3, "comment_count in step")
        st, hd, lst = s.req("GET", "/api/v1/articles/story/comments")
        eq(st, 200, "list")
        eq(hd.get("access-control-allow-origin"), "*", "public read is CORS-open")
        eq([c["id"] for c in lst["items"]], [cid, rep["id"], lf["id"]], "oldest first")
        eq(lst["next_cursor"], None, "one page")
        check(all(set(c) == READER_FIELDS for c in lst["items"]), "reader fields only")
        st, _, one = s.req("GET", "/api/v1/comments/%d" % cid)
        eq(st, 200, "read one")
        eq(one, doc, "read back the same")
        st, _, mod = s.req("GET", "/api/v1/comments/%d" % cid, who="eve")
        eq(mod["email"], "ann@example.com", "a moderator sees the email")
        eq(mod["status"], "approved", "and the status")
        st, hd, lst = s.req("GET", "/api/v1/articles/story/comments", who="ada")
        eq(lst["items"][0]["email"], "ann@example.com", "admin sees emails in lists")
        eq(hd.get("cache-control"), "private, no-store", "token reads are private")
        st, _, lst = s.req("GET", "/api/v1/articles/story/comments", who="abe")
        check("email" not in lst["items"][0], "an author is no moderator: no email")
        st, _, lst = s.req("GET", "/api/v1/articles/other/comments")
        eq(lst, {"items": [], "next_cursor": None}, "another article's list is empty")
        st, _, _ = s.req("HEAD", "/api/v1/articles/story/comments")
        eq(st, 200, "HEAD")
        # the form still works the same way alongside (it is one path)
        st, hd, _ = s.req("OPTIONS", "/api/v1/articles/story/comments")
        eq(st, 204, "OPTIONS")
        check("POST" in hd.get("allow", "") and "access-control-allow-origin" not in hd,
              "OPTIONS: Allow, no CORS grant for writes")
    finally:
        s.stop()
        d.cleanup()


def test_moderation_policies():
    d = TempDir()
    s = site(d, "first", GAZETTE_MODERATION="first")
    try:
        st, hd, doc = post(s, {"author": "New", "email": "new@example.com", "body": "First words"})
        eq(st, 202, "first comment of an email is held")
        eq(hd.get("location"), "/api/v1/comments/%d" % doc["id"], "Location when held")
        check("status" not in doc, "reader sees no status")
        held = doc["id"]
        eq(article_count(s, "story"), 0, "held comments are not counted")
        st, _, lst = s.req("GET", "/api/v1/articles/story/comments")
        eq(lst["items"], [], "held comment not listed for readers")
        st, _, _ = s.req("GET", "/api/v1/comments/%d" % held)
        eq(st, 404, "held comment hidden from readers")
        st, _, lst = s.req("GET", "/api/v1/articles/story/comments?status=pending", who="eve")
        eq([(c["id"], c["status"]) for c in lst["items"]], [(held, "pending")], "moderator sees it")
        st, _, doc = s.req("PATCH", "/api/v1/comments/%d" % held, {"status": "approved"}, who="eve",
                           ctype="application/merge-patch+json")
        eq(st, 200, "approved")
        eq(doc["status"], "approved", "status now")
        eq(article_count(s, "story"), 1, "count raised on approval")
        # An email is no credential (anyone can type a regular's), and the
        # API reads no cookies: under 'first' a reader's post here always
        # waits, and says nothing about whether the address was seen.
        answers = []
        for email in ("new@example.com", "never-seen@example.com"):
            st, hd, doc = post(s, {"author": "New", "email": email, "body": "Second words"})
            answers.append((st, sorted(hd), {k: v for k, v in doc.items() if k not in
                                             ("id", "created_at", "updated_at")}))
        eq(answers[0][0], 202, "a known email is held")
        eq(answers[0], answers[1], "same answer for a known and a never-seen email")
        st, _, doc = post(s, {"author": "Other", "body": "No email"})
        eq(st, 202, "no email: held under 'first'")
    finally:
        s.stop()
    s = site(d, "all", GAZETTE_MODERATION="all")
    try:
        for i in range(2):
            st, _, _ = post(s, {"author": "A", "email": "a@example.com", "body": "x %d" % i})
            eq(st, 202, "held under 'all' (%d)" % i)
        st, _, _ = post(s, {"author": "Ed", "body": "with a token"}, who="eve")
        eq(st, 202, "a token skips pacing, not moderation")
    finally:
        s.stop()
        d.cleanup()


def test_pacing_and_token():
    d = TempDir()
    s = site(d, "rate", GAZETTE_COMMENT_RATE="2")
    try:
        for i in range(2):
            st, _, _ = post(s, {"author": "R", "body": "r%d" % i})
            eq(st, 201, "within the rate (%d)" % i)
        before = ccount(s)
        st, hd, doc = post(s, {"author": "R", "body": "one too many"})
        problem(st, hd, doc, 429, what="rate")
        check(int(hd.get("retry-after", "0")) >= 1, "Retry-After: %r" % hd.get("retry-after"))
        eq(ccount(s), before, "nothing stored past the rate")
        for who in ("eve", "abe", "ada"):
            for i in range(3):
                st, _, _ = post(s, {"author": "T", "body": "token %s %d" % (who, i)}, who=who)
                eq(st, 201, "a valid token is exempt from pacing (%s %d)" % (who, i))
        st, hd, doc = post(s, {"author": "T", "body": "x"}, headers={"Authorization": "Bearer nope"})
        problem(st, hd, doc, 401, what="a bad token is not anonymous")
    finally:
        s.stop()
        d.cleanup()


def test_delete_deep_thread():
    """An article whose replies nest 1,500 deep (data from before the depth
    cap, written here by SQL) deletes like any other: its comments went
    with it one cascade level per reply, which SQLite stops at 1,000
    ("too many levels of trigger recursion", a 503)."""
    d = TempDir()
    s = site(d, "deep")
    try:
        aid = db_query(s.db, "SELECT id FROM articles WHERE slug = 'story'")[0][0]
        db_exec(s.db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500) "
                      "INSERT INTO comments (id, article_id, parent_id, thread_id, depth, author, body_md, "
                      "body_html, status, created_at, updated_at) SELECT 100000 + i, ?, CASE WHEN i = 1 "
                      "THEN NULL ELSE 100000 + i - 1 END, 100001, i - 1, 'Old', 'old', '<p>old</p>', "
                      "'approved', 1, 1 FROM n", (aid,))
        eq(ccount(s, "article_id = ?", (aid,)), 1500, "the chain is there")
        st, _, doc = s.req("DELETE", "/api/v1/articles/story", who="eve")
        eq(st, 204, "deleted: %r" % (doc,))
        eq(ccount(s, "article_id = ?", (aid,)), 0, "its comments went with it")
        st, _, _ = s.req("GET", "/api/v1/articles/story")
        eq(st, 404, "the article is gone")
        st, _, _ = s.req("GET", "/api/v1/articles/other")
        eq(st, 200, "the other article stays")
    finally:
        s.stop()
        d.cleanup()


def test_roles_patch_delete():
    d = TempDir()
    s = site(d, "roles")
    try:
        _, _, c = post(s, {"author": "Ann", "email": "ann@example.com", "url": "https://a.example",
                           "body": "Original"})
        cid = c["id"]
        path = "/api/v1/comments/%d" % cid
        for q in ("pending", "spam", "deleted", "all"):
            st, hd, doc = s.req("GET", "/api/v1/articles/story/comments?status=" + q)
            problem(st, hd, doc, 401, what="status=%s without a token" % q)
            st, hd, doc = s.req("GET", "/api/v1/articles/story/comments?status=" + q, who="abe")
            problem(st, hd, doc, 403, what="status=%s as an author" % q)
            for who in ("eve", "ada"):
                st, _, _ = s.req("GET", "/api/v1/articles/story/comments?status=" + q, who=who)
                eq(st, 200, "status=%s as %s" % (q, who))
        st, _, _ = s.req("GET", "/api/v1/articles/story/comments?status=approved")
        eq(st, 200, "status=approved is public")
        for method in ("PATCH", "DELETE"):
            body = {"status": "spam"} if method == "PATCH" else None
            st, hd, doc = s.req(method, path, body)
            problem(st, hd, doc, 401, what=method + " without a token")
            st, hd, doc = s.req(method, path, body, who="abe")
            problem(st, hd, doc, 403, what=method + " as an author")
        eq(ccount(s, "status = 'approved'"), 1, "refused requests changed nothing")
        st, _, doc = s.req("PATCH", path, {"author": "Ann B.", "url": None, "body": "Edited **bold**",
                                           "status": "approved"}, who="eve")
        eq(st, 200, "editor patches")
        eq((doc["author"], doc["url"], doc["body_markdown"], doc["body_html"]),
           ("Ann B.", "", "Edited **bold**", "<p>Edited <strong>bold</strong></p>\n"),
           "merge patch applied, body re-rendered, null url cleared")
        eq(doc["email"], "ann@example.com", "email untouched")
        st, _, doc2 = s.req("PATCH", path, {"body_markdown": "Via *alias*"}, who="ada")
        eq((st, doc2["body_html"]), (200, "<p>Via <em>alias</em></p>\n"), "admin patches body_markdown")
        eq(doc2["author"], "Ann B.", "absent members stay")
        # a GET document can be sent back as it is
        st, _, full = s.req("GET", path, who="eve")
        st, _, back = s.req("PATCH", path, full, who="eve")
        eq(st, 200, "a GET document patches back")
        eq({k: back[k] for k in back if k != "updated_at"}, {k: full[k] for k in full if k != "updated_at"},
           "and changes nothing")
        st, _, doc = s.req("PATCH", path, {"status": "spam"}, who="eve")
        eq((doc["status"], article_count(s, "story")), ("spam", 0), "spam: count lowered")
        st, _, doc = s.req("PATCH", path, {"status": "approved"}, who="eve")
        eq(article_count(s, "story"), 1, "approved again: counted")
        st, hd, data = s.srv.request("DELETE", path, headers={"Authorization": "Bearer " + s.tok["eve"]})
        eq((st, data), (204, b""), "delete")
        eq(db_query(s.db, "SELECT status, body_md FROM comments WHERE id = ?", (cid,))[0],
           ("deleted", "Via *alias*"), "soft: the row stays, marked deleted")
        eq(article_count(s, "story"), 0, "not counted once deleted")
        st, _, _ = s.req("GET", path)
        eq(st, 404, "deleted comment hidden from readers")
        st, _, lst = s.req("GET", "/api/v1/articles/story/comments?status=deleted", who="ada")
        eq([c["id"] for c in lst["items"]], [cid], "listed as deleted for moderators")
        st, _, _ = s.req("DELETE", path, who="ada")
        eq(st, 204, "deleting again is fine")
        st, _, doc = s.req("PATCH", path, {"status": "pending"}, who="eve")
        eq(doc["status"], "pending", "undeleted into the queue")
    finally:
        s.stop()
        d.cleanup()


def test_errors():
    d = TempDir()
    s = site(d, "err")
    try:
        _, _, c = post(s, {"author": "Ann", "body": "There"})
        cid = c["id"]
        _, _, oc = post(s, {"author": "Oz", "body": "Elsewhere"}, slug="other")
        before = ccount(s)
        lst = "/api/v1/articles/story/comments"
        # 404
        for path in ("/api/v1/articles/nope/comments", "/api/v1/articles/BAD%20SLUG/comments",
                     "/api/v1/comments/999999", "/api/v1/comments/abc", "/api/v1/comments/0",
                     "/api/v1/comments/99999999999999999999999"):
            st, hd, doc = s.req("GET", path)
            problem(st, hd, doc, 404, what="GET " + path)
        st, hd, doc = post(s, {"author": "A", "body": "b"}, slug="nope")
        problem(st, hd, doc, 404, what="post to a missing article")
        s.req("POST", "/api/v1/articles", {"title": "Draft", "slug": "draft"}, who="eve")
        for who in (None, "abe"):
            st, hd, doc = s.req("GET", "/api/v1/articles/draft/comments", who=who)
            problem(st, hd, doc, 404, what="a draft's comments do not exist for %s" % who)
        st, hd, doc = post(s, {"author": "A", "body": "b"}, slug="draft")
        problem(st, hd, doc, 404, what="no comments on drafts")
        # 405 with Allow
        st, hd, doc = s.req("PUT", lst, {"a": 1}, who="eve")
        problem(st, hd, doc, 405, what="PUT on the list")
        eq(hd.get("allow"), "GET, HEAD, POST, OPTIONS", "Allow of the list")
        st, hd, doc = s.req("POST", "/api/v1/comments/%d" % cid, {"a": 1}, who="eve")
        problem(st, hd, doc, 405, what="POST on a comment")
        eq(hd.get("allow"), "GET, HEAD, PATCH, DELETE, OPTIONS", "Allow of a comment")
        # 415
        st, hd, doc = post(s, "author=A&body=b", ctype="application/x-www-form-urlencoded")
        problem(st, hd, doc, 415, what="a form's content type")
        st, hd, doc = post(s, '{"author":"A","body":"b"}', ctype="text/plain")
        problem(st, hd, doc, 415, what="text/plain (what a cross-site form can send)")
        st, hd, doc = post(s, '{"author":"A","body":"b"}', ctype=None)
        problem(st, hd, doc, 415, what="no content type")
        st, hd, doc = s.req("PATCH", "/api/v1/comments/%d" % cid, "status=spam", who="eve",
                            ctype="application/x-www-form-urlencoded")
        problem(st, hd, doc, 415, what="PATCH as a form")
        # 413
        st, hd, doc = post(s, {"author": "A", "body": "x" * 70000})
        problem(st, hd, doc, 413, what="oversize body")
        # 400: malformed JSON, deep nesting, query
        st, hd, doc = post(s, '{"author": "A", "body": ')
        problem(st, hd, doc, 400, what="malformed JSON")
        check(doc.get("line") == 1 and doc.get("column", 0) > 0, "line and column: %r" % doc)
        st, hd, doc = post(s, "[" * 5000 + "]" * 5000)
        problem(st, hd, doc, 400, what="deep nesting")
        st, hd, doc = post(s, b'{"author": "A\xff\xfe", "body": "b"}')
        problem(st, hd, doc, 400, what="invalid UTF-8")
        st, hd, doc = post(s, '{"author": "A", "author": "B", "body": "b"}')
        problem(st, hd, doc, 400, what="duplicate key")
        st, hd, doc = s.req("GET", lst + "?sort=new")
        problem(st, hd, doc, 400, "sort", "unknown query parameter")
        for q, f in (("limit=0", "limit"), ("limit=101", "limit"), ("limit=x", "limit"),
                     ("cursor=zzz", "cursor"), ("status=nope", "status"), ("limit=5&limit=6", "limit")):
            st, hd, doc = s.req("GET", lst + "?" + q)
            problem(st, hd, doc, 400, f, "query " + q)
        st, hd, doc = s.req("POST", lst + "?x=1", {"author": "A", "body": "b"})
        problem(st, hd, doc, 400, what="POST takes no query")
        # 422: top level, unknown members, types, rules
        cases = [
            ("[]", None), ('"text"', None), ("42", None),
            ({"author": "A", "body": "b", "status": "approved"}, "status"),
            ({"author": "A", "body": "b", "bodyy": "typo"}, "bodyy"),
            ({"author": "A", "body": "b", "<script>": 1}, "<script>"),
            ({"body": "b"}, "author"), ({"author": "A"}, "body"),
            ({"author": 5, "body": "b"}, "author"), ({"author": "A", "body": ["b"]}, "body"),
            ({"author": None, "body": "b"}, "author"), ({"author": "A", "body": {"x": 1}}, "body"),
            ({"author": "A", "body": "b", "email": 1}, "email"),
            ({"author": "A", "body": "b", "url": True}, "url"),
            ({"author": "A", "body": "b", "parent": "1"}, "parent"),
            ({"author": "A", "body": "b", "parent": 1.5}, "parent"),
            ({"author": "A", "body": "b", "parent": 0}, "parent"),
            ({"author": "A", "body": "b", "parent": -3}, "parent"),
            ('{"author": "A", "body": "b", "parent": 1e400}', None),
            ({"author": "A", "body": "b", "parent": 99999999}, "parent"),
            ({"author": "A", "body": "b", "parent": oc["id"]}, "parent"),
            ({"author": "   ", "body": "b"}, "author"), ({"author": "A", "body": " \n\t "}, "body"),
            ({"author": "A" * 81, "body": "b"}, "author"), ({"author": "A", "body": "é" * 10001}, "body"),
            ({"author": "A\u0000B", "body": "b"}, "author"), ({"author": "A", "body": "b\u0000"}, "body"),
            ({"author": "A\u0007", "body": "b"}, "author"), ({"author": "A", "body": "b\u001b[31m"}, "body"),
            ({"author": "A\nB", "body": "b"}, "author"),
            ({"author": "A", "email": "not-an-email", "body": "b"}, "email"),
            ({"author": "A", "email": "a@b@c", "body": "b"}, "email"),
            ({"author": "A", "url": "javascript:alert(1)", "body": "b"}, "url"),
            ({"author": "A", "url": "ftp://x.example", "body": "b"}, "url"),
        ]
        for body, field in cases:
            st, hd, doc = post(s, body)
            want = 400 if body == '{"author": "A", "body": "b", "parent": 1e400}' and st == 400 else 422
            problem(st, hd, doc, want, field, "body %r" % (body,))
            if field:
                check(field in doc.get("detail", "") or doc.get("detail"), "detail says something")
        st, _, _ = post(s, {"author": "é" * 80, "body": "ü" * 10000})
        eq(st, 201, "limits count characters, not bytes")
        before += 1
        # 403: closed articles
        db_exec(s.db, "UPDATE articles SET comments_closed = 1 WHERE slug = 'other'")
        st, hd, doc = post(s, {"author": "A", "body": "late"}, slug="other")
        problem(st, hd, doc, 403, what="closed article")
        # PATCH errors
        p = "/api/v1/comments/%d" % cid
        for body, field in (({"status": "gone"}, "status"), ({"status": 1}, "status"),
                            ({"status": None}, "status"), ({"author": None}, "author"),
                            ({"body": None}, "body"), ({"body": "  "}, "body"),
                            ({"email": "x"}, None), ({"url": "javascript:x"}, "url"),
                            ({"bogus": 1}, "bogus"), ({"body": "a", "body_markdown": "b"}, "body_markdown"),
                            ({"author": "x\u0000"}, "author")):
            st, hd, doc = s.req("PATCH", p, body, who="eve")
            if field is None:
                eq(st, 200, "email is read only, ignored like other read-only members")
                continue
            problem(st, hd, doc, 422, field, "patch %r" % (body,))
        st, hd, doc = s.req("PATCH", p, "{nope", who="eve")
        problem(st, hd, doc, 400, what="malformed patch")
        eq(ccount(s), before, "no refused request wrote a comment")
        eq(db_query(s.db, "SELECT author, body_md, status FROM comments WHERE id = ?", (cid,))[0],
           ("Ann", "There", "approved"), "no refused patch changed the comment")
    finally:
        s.stop()
        d.cleanup()


# What comment Markdown may produce (SPEC §3, §9): anything else in
# body_html is an escape gone wrong.
ALLOWED = {"p": set(), "em": set(), "strong": set(), "code": set(), "pre": set(),
           "blockquote": set(), "ul": set(), "ol": {"start"}, "li": set(), "br": set(),
           "a": {"href", "rel"}, "del": set()}


class Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED:
            self.bad.append(tag)
            return
        for k, v in attrs:
            if k not in ALLOWED[tag]:
                self.bad.append("%s@%s" % (tag, k))
            if k == "href" and not re.match(r"^(https?:|mailto:)", v or ""):
                self.bad.append("href=" + repr(v))

    def handle_comment(self, data):
        self.bad.append("comment")


def test_hostile_bodies_stored_safely():
    d = TempDir()
    s = site(d, "xss")
    try:
        payloads = [
            "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))", "[x](data:text/html,<script>alert(1)</script>)",
            "<a href=\"javascript:alert(1)\">a</a>", "![img](https://evil.example/x.png)",
            "<iframe src=//evil.example></iframe>", "# heading\n\n<style>*{}</style>",
            "`<script>`\n\n    <script>\n\n> <b onclick=x>q</b>", "<!-- c --><svg onload=alert(1)>",
            "[a](https://ok.example \"t\" onclick=x)", "<https://auto.example/?a=1&b=\"2\">",
            "**[nested [link](javascript:x)](https://ok.example)**", "&lt;script&gt; &#x3C;script&#x3E;",
            "* list\n* <em onmouseover=x>em</em>\n\n1. one", "x" + "\u202e" + "rtl",
        ]
        for i, body in enumerate(payloads):
            st, _, doc = post(s, {"author": "<b>Mallory</b>", "url": "https://m.example/?a=b&c='d'",
                                  "body": body})
            eq(st, 201, "stored %d" % i)
            eq(doc["body_markdown"], body, "source kept as written %d" % i)
            t = Tags()
            t.feed(doc["body_html"])
            eq(t.bad, [], "payload %d %r: only allowed markup in %r" % (i, body, doc["body_html"]))
            eq(doc["author"], "<b>Mallory</b>", "author is text, kept as sent")
        raw = s.srv.request("GET", "/api/v1/articles/story/comments?limit=100")[2]
        check(b"</script" not in raw.lower(), "no closing script tag in the JSON (escaped)")
        doc = json.loads(raw)
        eq(len(doc["items"]), len(payloads), "all listed")
        # what reaches the article page is escaped too
        st, _, page = s.srv.get("/2024/01/story")
        eq(st, 200, "article page")
        check(b"<b>Mallory</b>" not in page and b"<script>alert" not in page, "page escapes them")
    finally:
        s.stop()
        d.cleanup()


def test_pagination_while_adding():
    """320 comments paged 17 at a time while another client posts more:
    every original comment is seen exactly once, oldest first."""
    d = TempDir()
    s = site(d, "page")
    try:
        want = []
        for i in range(320):
            st, _, doc = post(s, {"author": "P", "body": "comment %d" % i}, who="eve")
            if not eq(st, 201, "seed %d" % i):
                break
            want.append(doc["id"])
        # some that readers must not see in the public list
        for h in (want[5], want[200]):
            st, _, _ = s.req("PATCH", "/api/v1/comments/%d" % h, {"status": "pending"}, who="eve")
            eq(st, 200, "held again")
        hidden = {want[5], want[200]}
        stop = threading.Event()
        added = []

        def writer():
            n = 0
            while not stop.is_set() and n < 300:
                st, _, doc = post(s, {"author": "W", "body": "new %d" % n}, who="ada")
                if st == 201:
                    added.append(doc["id"])
                n += 1

        t = threading.Thread(target=writer)
        t.start()
        seen, cursor, pages = [], None, 0
        try:
            while True:
                q = "/api/v1/articles/story/comments?limit=17" + ("&cursor=" + cursor if cursor else "")
                st, _, doc = s.req("GET", q)
                if not eq(st, 200, "page %d" % pages):
                    break
                seen += [c["id"] for c in doc["items"]]
                pages += 1
                cursor = doc["next_cursor"]
                if cursor is None or pages > 200:
                    break
        finally:
            stop.set()
            t.join()
        eq(len(seen), len(set(seen)), "no duplicates")
        eq(seen, sorted(seen), "oldest first")
        old = [x for x in seen if x in set(want)]
        eq(old, [x for x in want if x not in hidden], "no gaps; held comments left out")
        check(len(added) > 0, "comments were added meanwhile")
        st, _, doc = s.req("GET", "/api/v1/articles/story/comments?limit=100&status=all", who="eve")
        eq(len(doc["items"]), 100, "limit 100 is the most")
        check(doc["next_cursor"], "and a cursor follows")
        st, _, doc = s.req("GET", "/api/v1/articles/story/comments")
        eq(len(doc["items"]), 20, "20 by default")
        eq(ccount(s, "status = 'approved'"), article_count(s, "story"), "comment_count in step")
    finally:
        s.stop()
        d.cleanup()


run_tests("api_comments", [test_post_list_read, test_moderation_policies, test_pacing_and_token,
                           test_delete_deep_thread,
                           test_roles_patch_delete, test_errors, test_hostile_bodies_stored_safely,
                           test_pagination_while_adding])
