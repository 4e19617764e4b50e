"""test_comments.py: posting, validation, anti-forgery, pacing, moderation,
threading, paging and the comments feed, through the real server."""
import json
import os
import re
import time
import xml.etree.ElementTree as ET

from lib import (Server, TempDir, check, db_exec, db_query, eq, gazette,
                 new_db, run_tests)
from comments_lib import ARTICLE, Reader, comments_of, enc

tmp = TempDir()
OPEN = {"GAZETTE_COMMENT_MIN_FILL": "0", "GAZETTE_COMMENT_RATE": "0",
        "GAZETTE_MODERATION": "none", "GAZETTE_ACCESS_LOG": "off"}
_n = [0]


def site(env=None, extra_article=False, args=()):
    """A fresh demo site (which has four approved comments) and a server."""
    _n[0] += 1
    db = new_db(tmp, "c%d" % _n[0])
    gazette("demo", db=db, check_rc=0)
    if extra_article:
        p = tmp.file("other%d/other.md" % _n[0], "---\ntitle: Other story\nslug: other-story\n"
                     "date: 2022-01-11T09:00:00Z\nstatus: published\n---\n\nText.\n")
        gazette("import", p, db=db, check_rc=0)
    e = dict(OPEN)
    e.update(env or {})
    return db, Server(db, env=e, args=args)


def count(db, where="1=1", args=()):
    return db_query(db, "SELECT count(*) FROM comments WHERE " + where, args)[0][0]


def test_post_and_show():
    db, srv = site()
    try:
        r = Reader(srv)
        st, h, page = r.load()
        eq(st, 200, "article")
        sc = h.get("set-cookie", "")
        check("HttpOnly" in sc and "SameSite=Strict" in sc and "Path=/" in sc
              and "Secure" not in sc, "cookie attributes: " + sc)
        check("<h2 id=\"post-comment\">Post a Comment</h2>" in page, "form heading")
        for f in ("c-author", "c-email", "c-url", "c-body", "c-website2"):
            check('<label for="%s">' % f in page, "label for " + f)
        # a second load with the cookie keeps the token and sets no cookie
        st, h2, _ = r.load()
        check("set-cookie" not in h2, "no new cookie for a known visitor")
        before = count(db)
        cid = r.post_ok(author="Ann <b>&amp;", email="ann@example.com",
                        url="https://example.com/a?b=1&c=2",
                        body="Hello *world* <script>alert(1)</script>")
        eq(count(db), before + 1, "stored")
        st, h, page = r.load()
        c = comments_of(page)
        check("c-%d" % cid in c.level, "comment on the page")
        check("Ann &lt;b&gt;&amp;amp;" in page, "author escaped")
        check('href="https://example.com/a?b=1&amp;c=2" rel="nofollow ugc"' in page, "author link")
        check("<em>world</em>" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page,
              "markdown rendered, raw HTML as text")
        check("ann@example.com" not in page, "email never shown")
        row = db_query(db, "SELECT status, client_hash, email FROM comments WHERE id = ?", (cid,))[0]
        eq(row[0], "approved", "status")
        check(re.fullmatch(r"[0-9a-f]{32}", row[1]) is not None and "127" not in row[1],
              "client address stored only as a keyed hash")
        eq(row[2], "ann@example.com", "email kept for moderation")
        eq(db_query(db, "SELECT comment_count FROM articles")[0][0], 5, "comment_count in step")
        check("(5 comments)" in page, "count shown")
        # a comment without a url is not linked
        cid2 = r.post_ok(author="Plain", body="x")
        m = re.search(r'id="c-%d">.*?</header>' % cid2, page + r.load()[2], re.S)
        check(m and "<a href" not in m.group(0).split("comment-time")[0], "no link without url")
    finally:
        srv.stop()


def test_validation():
    db, srv = site(extra_article=True)
    try:
        r = Reader(srv)
        r.load()
        before = count(db)
        cases = [
            (dict(author=""), "author-error", "please give a name"),
            (dict(author="   "), "author-error", "please give a name"),
            (dict(author="é" * 81), "author-error", "longer than 80 characters"),
            (dict(email="x" * 250 + "@a.bc"), "email-error", "longer than 254"),
            (dict(email="not-an-address"), "email-error", "does not look like an email"),
            (dict(url="javascript:alert(1)"), "url-error", "http:// or https://"),
            (dict(url="ftp://example.com/"), "url-error", "http:// or https://"),
            (dict(url="example.com"), "url-error", "http:// or https://"),
            (dict(body=""), "body-error", "please write a comment"),
            (dict(body=" \n\t "), "body-error", "please write a comment"),
            (dict(body="ж" * 10001), "body-error", "longer than 10000 characters"),
            (dict(parent="999999"), "parent-error", "not on this article"),
            (dict(parent="abc"), "parent-error", "not on this article"),
            (dict(author=b"bad\xff\xfe"), "author-error", "is not valid UTF-8"),
            (dict(body=b"bad \xc3\x28 utf8"), "body-error", "is not valid UTF-8"),
            (dict(author=b"nul\x00byte"), "author-error", "contains a NUL byte"),
            (dict(body=b"nul\x00byte"), "body-error", "contains a NUL byte"),
            (dict(author=b"bell\x07"), "author-error", "contains a control character"),
            (dict(body=b"esc\x1b[31m"), "body-error", "contains a control character"),
            (dict(url=b"https://x.org/\x01"), "url-error", "contains a control character"),
            (dict(email=b"a\x00@b.c"), "email-error", "contains a NUL byte"),
        ]
        for kw, fid, msg in cases:
            base = dict(author="Kept Name", body="Kept body text")
            base.update(kw)
            st, h, page = r.post(**base)
            what = "%r" % (kw,)
            eq(st, 400, what + " status")
            m = re.search(r'id="%s">([^<]*)<' % fid, page)
            check(m and msg in m.group(1), what + ": message next to its field: %r"
                  % (m.group(1) if m else None))
            check("the comment was not posted" in page, what + ": form-level notice")
            f = comments_of(page).form
            if "author" not in kw:
                eq(f.get("author"), "Kept Name", what + ": author kept")
            if "body" not in kw:
                eq(f.get("body"), "Kept body text", what + ": body kept")
        eq(count(db), before, "nothing stored by bad submissions")
        # text past a limit is kept for the reader to shorten
        st, h, page = r.post(author="Kept", body="ж" * 10001)
        eq(comments_of(page).form.get("body"), "ж" * 10001, "long body kept")
        # limits count characters, not bytes
        r.post_ok(author="é" * 80, body="ж" * 10000)
        # a parent on another article, and a held parent, are refused
        other = Reader(srv, "/2022/01/other-story")
        oid = other.post_ok(author="O", body="on the other article")
        st, _, page = r.post(parent=str(oid))
        eq(st, 400, "parent from another article")
        db_exec(db, "UPDATE comments SET status = 'pending' WHERE id = ?", (oid,))
        st, _, _ = other.post(parent=str(oid))
        eq(st, 400, "parent not approved")
        # the request's shape
        st, _, _ = r.post(content_type="text/plain")
        eq(st, 415, "wrong content type")
        st, _, _ = r.post(content_type="multipart/form-data; boundary=x")
        eq(st, 415, "multipart refused")
        st, _, _ = r.post(raw=b"author=a&body=%zz&csrf=" + r.csrf.encode())
        eq(st, 400, "malformed escape")
        st, _, _ = r.post(body="x" * (70 * 1024))
        eq(st, 413, "body over 64 KiB")
        st, _, _ = r.post(raw=b"&".join([b"f%d=1" % i for i in range(100)]))
        eq(st, 400, "too many fields")
    finally:
        srv.stop()


def test_csrf():
    db, srv = site(extra_article=True)
    try:
        r = Reader(srv)
        r.load()
        other = Reader(srv)
        other.load()
        check(r.cookie and other.cookie and r.cookie != other.cookie,
              "each visitor gets their own token")
        eq(r.csrf, other.csrf, "the page's form token is the same for everyone")
        elsewhere = Reader(srv, "/2022/01/other-story")
        elsewhere.load()
        check(elsewhere.csrf and elsewhere.csrf != r.csrf, "each article's form has its own")
        before = count(db)
        flip = lambda t, i: t[:i] + ("0" if t[i] != "0" else "1") + t[i + 1:]
        for what, kw in (
                ("no form token", dict(csrf=False)),
                ("empty form token", dict(csrf="")),
                ("another article's form token", dict(csrf=elsewhere.csrf)),
                ("form token one digit off", dict(csrf=flip(r.csrf, 31))),
                ("no cookie", dict(cookie="")),
                ("garbage cookie", dict(cookie="abc")),
                ("random token of the right length", dict(cookie="ab" * 40)),
                ("MAC one digit off", dict(cookie=flip(r.cookie, 79))),
                ("issue time one digit off", dict(cookie=flip(r.cookie, 15))),
                ("random part one digit off", dict(cookie=flip(r.cookie, 30))),
                ("token too long", dict(cookie=r.cookie + "00")),
                ("old-style 64-digit token", dict(cookie=r.cookie[:64])),
        ):
            st, h, page = r.post(**kw)
            eq(st, 403, what)
            check("security token" in page, what + ": says why")
        # A genuine cookie, but the form was on another site's page (a
        # sibling subdomain can plant our cookie): the browser says so.
        for what, hd in (
                ("cross-site", {"Sec-Fetch-Site": "cross-site"}),
                ("same-site sibling", {"Sec-Fetch-Site": "same-site"}),
                ("foreign Origin", {"Origin": "http://evil.example"}),
                ("sibling Origin", {"Origin": "http://news.127.0.0.1:%d" % srv.port}),
                ("opaque Origin", {"Origin": "null"}),
        ):
            st, h, page = r.post(headers=hd)
            eq(st, 403, what)
            check("own pages" in page, what + ": says why")
        eq(count(db), before, "a refused forgery stores nothing")
        r.post_ok(headers={"Origin": "http://127.0.0.1:%d" % srv.port,
                           "Sec-Fetch-Site": "same-origin"})
        other.post_ok(headers={"Origin": "http://127.0.0.1:%d" % srv.port})
        r.post_ok()  # a client that says nothing: the SameSite cookie decides
    finally:
        srv.stop()


def test_honeypot():
    db, srv = site()
    try:
        r = Reader(srv)
        st, h, _ = r.post(author="Bot", body="buy now", extra=[("website2", "http://spam")])
        eq(st, 303, "honeypot answered like a held comment")
        eq(h.get("location"), ARTICLE + "?held=1#comments", "held location")
        eq(db_query(db, "SELECT status FROM comments WHERE author = 'Bot'"), [("spam",)],
           "stored as spam")
        page = r.load()[2]
        check("buy now" not in page, "spam not shown")
    finally:
        srv.stop()


def test_min_fill():
    db, srv = site({"GAZETTE_COMMENT_MIN_FILL": "2"})
    try:
        r = Reader(srv)
        r.load()
        st, h, page = r.post(author="Quick", body="too fast")
        eq(st, 400, "posted before the minimum fill time")
        check("that was quick" in page, "says why")
        eq(comments_of(page).form.get("body"), "too fast", "text kept")
        eq(count(db, "author = 'Quick'"), 0, "not stored")
        time.sleep(2.2)  # past the minimum: the lower bound is what is tested
        st, h, _ = r.post(author="Quick", body="after a while")
        eq(st, 303, "accepted after the minimum fill time")
    finally:
        srv.stop()


def test_rate_limit():
    db, srv = site({"GAZETTE_COMMENT_RATE": "3"})
    try:
        r = Reader(srv)
        for i in range(3):
            r.post_ok(body="n%d" % i)
        st, h, page = r.post(body="one too many")
        eq(st, 429, "over the rate")
        ra = h.get("retry-after", "")
        check(ra.isdigit() and 1 <= int(ra) <= 60, "Retry-After seconds: %r" % ra)
        check("too many comments" in page, "says why")
        eq(comments_of(page).form.get("body"), "one too many", "text kept")
        eq(count(db, "body_md = 'one too many'"), 0, "not stored")
    finally:
        srv.stop()


def test_moderation_first():
    db, srv = site({"GAZETTE_MODERATION": "first"})
    try:
        r = Reader(srv)
        st, h, _ = r.post(author="New", email="new@example.com", body="first words")
        eq(st, 303, "held")
        eq(h.get("location"), ARTICLE + "?held=1#comments", "held location")
        st, _, page = r.load("?held=1")
        check("awaits moderation" in page, "held notice")
        check("first words" not in page, "held comment not shown")
        check("awaits moderation" not in r.load()[2], "no notice without held=1")
        cid = db_query(db, "SELECT id, status FROM comments WHERE body_md = 'first words'")[0]
        eq(cid[1], "pending", "pending")
        st, h, _ = r.post(author="New", email="new@example.com", body="second words")
        check(h.get("location", "").endswith("?held=1#comments"), "still held before approval")
        rc, out, err = gazette("comment", "list", "--status", "pending", db=db)
        eq(rc, 0, "list")
        check(out.startswith(str(cid[0] + 1) + "\tpending") and "new@example.com" in out,
              "pending listed: " + out)
        gazette("comment", "approve", str(cid[0]), db=db, check_rc=0)
        check("first words" in r.load()[2], "approved comment shown")
        cid2 = r.post_ok(author="New", email="new@example.com", body="third words")
        check("c-%d" % cid2 in comments_of(r.load()[2]).level, "trusted browser published at once")
        r2 = Reader(srv)
        st, h, _ = r2.post(author="Anon", body="no email")
        check(h.get("location", "").endswith("?held=1#comments"), "no email: held")
        st, h, _ = r2.post(author="Other", email="other@example.com", body="x")
        check(h.get("location", "").endswith("?held=1#comments"), "another email: held")
        gazette("comment", "delete", "999999", db=db, check_rc=1)
        gazette("comment", "approve", "x", db=db, check_rc=2)
    finally:
        srv.stop()


def test_moderation_first_trust():
    """Under 'first', trust is what a browser holds (the signed commenter
    cookie of a browser whose comment a moderator approved), never an
    email address: anyone can type a regular's. The answer to a stranger
    says nothing about whether an address was seen before."""
    db, srv = site({"GAZETTE_MODERATION": "first"})
    try:
        regular = Reader(srv)
        st, h, _ = regular.post(author="Reg", email="reg@example.com", body="regular one")
        check(h.get("location", "").endswith("?held=1#comments"), "a new browser: held")
        sc = h.get("set-cookie", "")
        check(re.match(r"gz_commenter=[0-9a-f]{64}; Path=/; Max-Age=\d+; HttpOnly; SameSite=Strict$", sc)
              is not None, "commenter cookie with its first post: " + sc)
        cid = db_query(db, "SELECT id FROM comments WHERE body_md = 'regular one'")[0][0]
        gazette("comment", "approve", str(cid), db=db, check_rc=0)
        live = regular.post_ok(author="Reg", email="reg@example.com", body="regular two")
        check("c-%d" % live in comments_of(regular.load()[2]).level, "approved browser: live")

        # The old attack: a regular's email from a fresh browser, under any
        # name. Held, and answered exactly as a never-seen email is.
        answers = []
        for email in ("reg@example.com", "never-seen@example.com"):
            st, h, page = Reader(srv).post(author="Mallory", email=email, body="impostor words")
            answers.append((st, h.get("location"), page, sorted(h),
                            re.sub(r"=[0-9a-f]{64};", "=X;", h.get("set-cookie", ""))))
        eq(answers[0][0], 303, "impostor: 303")
        check(answers[0][1].endswith("?held=1#comments"), "a regular's email from a fresh browser is held")
        eq(answers[0], answers[1], "same answer whether or not the email was seen before")
        eq(db_query(db, "SELECT DISTINCT status FROM comments WHERE author = 'Mallory'"), [("pending",)],
           "both impostors held")

        # A tampered or forged cookie is no commenter: held, and replaced.
        for i in (0, 40, 63):
            forger = Reader(srv)
            c = regular.commenter
            forger.commenter = c[:i] + ("0" if c[i] != "0" else "1") + c[i + 1:]
            st, h, _ = forger.post(author="Forger", body="forged %d" % i)
            check(h.get("location", "").endswith("?held=1#comments"), "digit %d flipped: held" % i)
            check(forger.commenter != regular.commenter, "a new commenter cookie instead")
        forger = Reader(srv)
        forger.commenter = "ab" * 32
        st, h, _ = forger.post(author="Forger", body="made up")
        check(h.get("location", "").endswith("?held=1#comments"), "made-up cookie: held")
        live = regular.post_ok(author="Reg", body="no email, same browser")
        check("c-%d" % live in comments_of(regular.load()[2]).level, "trust needs no email")
        # The cookie itself is the credential: the regular's, copied.
        other = Reader(srv)
        other.commenter = regular.commenter
        other.post_ok(author="Reg", body="from the regular's other tab")

        # The JSON API reads no cookies: even the regular's browser waits.
        st, _, _ = srv.request("POST", "/api/v1/articles/%s/comments" % ARTICLE.rsplit("/", 1)[1],
                               body=json.dumps({"author": "Reg", "body": "through the API"}).encode(),
                               headers={"Content-Type": "application/json",
                                        "Cookie": "gz_commenter=" + regular.commenter})
        eq(st, 202, "API post held under 'first', cookie or not")
        # A spam verdict takes the trust back.
        gazette("comment", "spam", str(live), db=db, check_rc=0)
        st, h, _ = regular.post(author="Reg", body="after a spam verdict")
        check(h.get("location", "").endswith("?held=1#comments"), "distrusted after spam")
        kept = db_query(db, "SELECT commenter FROM comments WHERE id = ?", (cid,))[0][0]
        check(re.match(r"^[0-9a-f]{32}$", kept) and kept not in regular.commenter,
              "the database keeps a hash of the commenter, not the cookie: " + kept)
    finally:
        srv.stop()


def test_moderation_all_and_none():
    db, srv = site({"GAZETTE_MODERATION": "all"})
    try:
        r = Reader(srv)
        st, h, _ = r.post(author="A", email="a@example.com", body="one")
        check(h.get("location", "").endswith("?held=1#comments"), "all: held")
        cid = db_query(db, "SELECT id FROM comments WHERE body_md = 'one'")[0][0]
        gazette("comment", "approve", str(cid), db=db, check_rc=0)
        st, h, _ = r.post(author="A", email="a@example.com", body="two")
        check(h.get("location", "").endswith("?held=1#comments"), "all: held even when known")
        # spam and delete hide an approved comment and keep the count right
        eq(db_query(db, "SELECT comment_count FROM articles")[0][0], 5, "count after approve")
        gazette("comment", "spam", str(cid), db=db, check_rc=0)
        eq(db_query(db, "SELECT comment_count FROM articles")[0][0], 4, "count after spam")
        check("one" not in [t.strip() for t in comments_of(r.load()[2]).text], "spam hidden")
        gazette("comment", "delete", str(cid), db=db, check_rc=0)
        eq(db_query(db, "SELECT status FROM comments WHERE id = ?", (cid,)), [("deleted",)],
           "soft delete keeps the row")
    finally:
        srv.stop()
    db, srv = site({"GAZETTE_MODERATION": "none"})
    try:
        r = Reader(srv)
        r.post_ok(author="B", body="published at once")
    finally:
        srv.stop()


def test_closed():
    db, srv = site(extra_article=True)
    try:
        db_exec(db, "UPDATE articles SET comments_closed = 1 WHERE slug = 'other-story'")
        r = Reader(srv, "/2022/01/other-story")
        st, h, page = r.load()
        check("Comments are closed." in page and "Post a Comment" not in page, "closed: no form")
        r2 = Reader(srv)
        r2.load()
        r.cookie, r.csrf = r2.cookie, r2.csrf
        st, _, page = r.post()
        eq(st, 403, "closed article")
        check("closed" in page, "says it is closed")
        eq(count(db, "body_md = 'A comment.'"), 0, "nothing stored")
    finally:
        srv.stop()
    # closed after N days: the demo article is from 2022
    db, srv = site({"GAZETTE_COMMENTS_CLOSE_DAYS": "30"})
    try:
        r = Reader(srv)
        st, _, page = r.load()
        check("Comments are closed." in page and "Post a Comment" not in page, "closed by age")
        check("c-1" in comments_of(page).level, "comments still shown")
    finally:
        srv.stop()
    db, srv = site({"GAZETTE_COMMENTS_CLOSE_DAYS": "100000"})
    try:
        check("Post a Comment" in Reader(srv).load()[2], "open within the days")
    finally:
        srv.stop()


def test_threading():
    db, srv = site()
    try:
        r = Reader(srv)
        a = r.post_ok(author="A", body="top")
        # the reply link pre-sets parent, without JavaScript
        st, _, page = r.load("?reply=%d" % a)
        c = comments_of(page)
        eq(c.form.get("parent"), str(a), "reply pre-sets parent")
        check("Replying to A" in page, "says whom")
        check('href="?reply=%d#post-comment"' % a in page, "reply link")
        eq(comments_of(r.load("?reply=999999")[2]).form.get("parent"), "", "unknown reply ignored")
        eq(comments_of(r.load("?reply=x")[2]).form.get("parent"), "", "bad reply ignored")
        b = r.post_ok(author="B", body="reply", parent=a)
        cc = r.post_ok(author="C", body="reply to reply", parent=b)
        d = r.post_ok(author="D", body="second reply", parent=a)
        c = comments_of(r.load()[2])
        eq(c.parent.get("c-%d" % b), "c-%d" % a, "reply nested in parent")
        eq(c.parent.get("c-%d" % cc), "c-%d" % b, "reply to reply nested")
        eq(c.parent.get("c-%d" % d), "c-%d" % a, "second reply nested")
        check(c.order.index("c-%d" % b) < c.order.index("c-%d" % cc) < c.order.index("c-%d" % d),
              "reading order")
        eq(c.level.get("c-%d" % a), 1, "top level")
        eq(db_query(db, "SELECT thread_id, depth FROM comments WHERE id = ?", (cc,)), [(a, 2)],
           "thread and depth stored")
        # a hidden comment keeps its replies' place
        gazette("comment", "spam", str(b), db=db, check_rc=0)
        page = r.load()[2]
        c = comments_of(page)
        eq(c.parent.get("c-%d" % cc), "c-%d" % b, "reply keeps its place")
        check("no longer shown" in page and "reply to reply" in page and ">reply<" not in page,
              "placeholder for the hidden parent")
        # deep chains: past six levels, replies list flat under the sixth
        prev, chain = a, []
        for i in range(9):
            prev = r.post_ok(author="Deep%d" % i, body="deep %d" % i, parent=prev)
            chain.append(prev)
        c = comments_of(r.load()[2])
        levels = [c.level.get("c-%d" % x) for x in chain]
        eq(levels, [2, 3, 4, 5, 6, 7, 7, 7, 7], "depth past six shown flat")
        sixth = "c-%d" % chain[4]
        eq([c.parent.get("c-%d" % x) for x in chain[5:]], [sixth] * 4, "under the sixth level")
        eq(max(c.level.values()), 7, "never deeper")
        # ... and stored so: a reply to a reply at the cap (depth 6) is
        # attached to the deepest allowed ancestor, beside the reply.
        cap = chain[5]
        eq(db_query(db, "SELECT depth FROM comments WHERE id = ?", (cap,)), [(6,)], "the cap")
        eq(db_query(db, "SELECT parent_id, depth, thread_id FROM comments WHERE id IN (?, ?, ?) ORDER BY id",
                    tuple(chain[6:])), [(chain[4], 6, a)] * 3, "past the cap: under the sixth level")
        eq(db_query(db, "SELECT max(depth) FROM comments"), [(6,)], "no deeper comment stored")
        st, _, body = srv.get("/api/v1/comments/%d" % chain[6])
        eq(json.loads(body)["parent"], chain[4], "the API says where it went")
    finally:
        srv.stop()


def test_paging():
    db, srv = site()
    try:
        r = Reader(srv)
        ids = [r.post_ok(author="P", body="thread %d" % i) for i in range(205)]
        late = r.post_ok(author="Late", body="late reply", parent=1)  # a demo thread
        page = r.load()[2]
        c = comments_of(page)
        tops = [x for x in c.order if c.level[x] == 1]
        eq(len(tops), 100, "100 threads on the first page")
        eq(tops[0], "c-1", "oldest first")
        check("c-%d" % late in c.level, "a late reply stays with its thread")
        m = re.search(r'href="\?comments_after=(\d+)#comments" rel="next"', page)
        check(m is not None, "link to more")
        page2 = r.load("?comments_after=%s" % m.group(1))[2]
        c2 = comments_of(page2)
        tops2 = [x for x in c2.order if c2.level[x] == 1]
        eq(len(tops2), 100, "second page")
        check(not set(tops) & set(tops2), "no overlap")
        check('href="%s#comments">First comments' % ARTICLE in page2, "back to the first page")
        m = re.search(r'href="\?comments_after=(\d+)#comments" rel="next"', page2)
        page3 = r.load("?comments_after=%s" % m.group(1))[2]
        c3 = comments_of(page3)
        tops3 = [x for x in c3.order if c3.level[x] == 1]
        eq(len(tops) + len(tops2) + len(tops3), 205 + 2, "every thread once")
        eq(tops3[-1], "c-%d" % ids[-1], "newest last")
        check('rel="next"' not in page3, "no more link on the last page")
        check("(%d comments)" % (205 + 4 + 1) in page3, "total count")
    finally:
        srv.stop()


def test_feed():
    db, srv = site({"GAZETTE_MODERATION": "first"})
    try:
        r = Reader(srv)
        r.post(author="Held", email="held@example.com", body="held text")
        held = db_query(db, "SELECT id FROM comments WHERE author = 'Held'")[0][0]
        gazette("comment", "approve", str(held), db=db, check_rc=0)  # r is trusted now
        db_exec(db, "UPDATE comments SET status = 'pending' WHERE id = 4")
        gazette("comment", "approve", "1", db=db, check_rc=0)
        st, h, _ = r.post(author="Evil\"<x>", email="held@example.com",
                          url="https://e.example/?a=1&b='x", body="**bold** & <i>", parent=1)
        st, h, body = srv.get(ARTICLE + "/comments.atom")
        eq(st, 200, "feed")
        eq(h.get("content-type"), "application/atom+xml", "content type")
        x = body.decode()
        check("@example.com" not in x, "no emails in the feed")
        check("Worth reading" not in x, "unapproved comments not in the feed")
        root = ET.fromstring(body)
        ns = {"a": "http://www.w3.org/2005/Atom", "thr": "http://purl.org/syndication/thread/1.0"}
        entries = root.findall("a:entry", ns)
        eq(len(entries), 5, "approved comments only")
        evil = [e for e in entries if e.find("a:author/a:name", ns).text == 'Evil"<x>']
        check(len(evil) == 1, "author as text")
        irt = evil[0].find("thr:in-reply-to", ns)
        check(irt is not None and irt.get("ref").endswith(ARTICLE + "#c-1"), "thr:in-reply-to")
        eq(evil[0].find("a:author/a:uri", ns).text, "https://e.example/?a=1&b='x", "author uri")
        check("<strong>bold</strong>" in evil[0].find("a:content", ns).text, "html content")
        tops = [e for e in entries if e.find("thr:in-reply-to", ns) is None]
        check(len(tops) >= 1, "top-level comments have no in-reply-to")
        import feedparser
        f = feedparser.parse(body)
        eq(f.bozo, 0, "feedparser accepts it: %r" % (f.get("bozo_exception"),))
        eq(len(f.entries), 5, "feedparser entries")
        check(f.feed.title.startswith("Comments on China"), "feed title")
        check(all(e.link.startswith("http://127.0.0.1:%d%s#c-" % (srv.port, ARTICLE)) for e in f.entries),
              "absolute entry links")
        st, _, _ = srv.get("/2022/01/no-such-article/comments.atom")
        eq(st, 404, "feed of a missing article")
        st, h, _ = srv.request("HEAD", ARTICLE + "/comments.atom")
        eq(st, 200, "HEAD")
    finally:
        srv.stop()


def test_secure_cookie():
    db, srv = site(args=("--base-url", "https://news.example"))
    try:
        r = Reader(srv)
        st, h, _ = r.load()
        check("; Secure" in h.get("set-cookie", ""), "Secure with an https base URL")
        st, h, _ = r.post()
        sc = h.get("set-cookie", "")
        check(sc.startswith("gz_commenter=") and "; Secure" in sc, "commenter cookie Secure too: " + sc)
    finally:
        srv.stop()


def test_link_limit_and_metrics():
    """More than GAZETTE_COMMENT_MAX_LINKS links: held whatever the policy
    (here none); every outcome is counted in /metrics."""
    db, srv = site(env={"GAZETTE_COMMENT_MAX_LINKS": "3"})
    try:
        def outcomes():
            _, _, body = srv.get("/metrics")
            got = {}
            for line in body.decode().splitlines():
                m = re.match(r'gazette_comment_posts_total\{outcome="(\w+)"\} (\d+)', line)
                if m:
                    got[m.group(1)] = int(m.group(2))
            return got
        before = outcomes()
        r = Reader(srv)
        three = " ".join("https://example.com/%d" % i for i in range(3))
        four = " ".join("[x%d](https://example.com/%d)" % (i, i) for i in range(4))
        st, h, _ = r.post(author="Three", body="links: " + three)
        eq(st, 303, "three links")
        check("#c-" in h.get("location", ""), "three links published: " + h.get("location", ""))
        st, h, _ = r.post(author="Four", body="links: " + four)
        eq(st, 303, "four links")
        check("held=1" in h.get("location", ""), "four links held: " + h.get("location", ""))
        eq(db_query(db, "SELECT status FROM comments WHERE author = 'Four'"), [("pending",)], "stored pending")
        st, _, _ = r.post(author="", body="no name")
        eq(st, 400, "a refused post")
        deadline = time.time() + 5
        while time.time() < deadline:
            after = outcomes()
            if after.get("refused", 0) >= before.get("refused", 0) + 1:
                break
            time.sleep(0.05)
        eq(after.get("published", 0) - before.get("published", 0), 1, "published counted")
        eq(after.get("held", 0) - before.get("held", 0), 1, "held counted")
        eq(after.get("refused", 0) - before.get("refused", 0), 1, "refused counted")
    finally:
        srv.stop()


def test_after_reload():
    """A SIGHUP reload builds a new site; comment posting must survive it,
    and a moderation change made in the database takes effect."""
    import signal
    db, srv = site()
    try:
        r = Reader(srv)
        r.post_ok(body="before the reload")
        db_exec(db, "INSERT INTO settings (key, value) VALUES ('moderation', 'all') "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        os.kill(srv.proc.pid, signal.SIGHUP)
        deadline = time.time() + 10
        while "reloaded" not in srv.stderr() and time.time() < deadline:
            time.sleep(0.05)
        check("reloaded settings" in srv.stderr(), "reloaded")
        r2 = Reader(srv)
        st, h, page = r2.load()
        check('class="comment-form"' in page, "the form is still there after a reload")
        st, h, _ = r2.post(author="After", body="after the reload")
        eq(st, 303, "posting works after a reload")
        # GAZETTE_MODERATION=none from the environment still wins over the
        # database: the comment is published
        eq(db_query(db, "SELECT status FROM comments WHERE author = 'After'"), [("approved",)],
           "environment overrides the database setting")
    finally:
        srv.stop()


if __name__ == "__main__":
    try:
        run_tests("comments", [test_post_and_show, test_validation, test_csrf, test_honeypot,
                               test_min_fill, test_rate_limit, test_moderation_first,
                               test_moderation_first_trust,
                               test_moderation_all_and_none, test_closed, test_threading,
                               test_paging, test_feed, test_secure_cookie, test_after_reload,
                               test_link_limit_and_metrics])
    finally:
        tmp.cleanup()
