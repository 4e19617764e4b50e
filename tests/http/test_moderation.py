"""test_moderation.py: the comment moderation queue and the spam classifier,
black box: held comments listed, approve / spam / delete / edit one at a
time and in bulk, what readers see and the article's comment count, roles
and CSRF, the pending count in the header, and a spammy comment held with
its score once moderators have trained the classifier."""
import json
import os
import re

from admin_lib import PW, Browser, field, textarea
from comments_lib import ARTICLE, Reader, comments_of
from lib import (Server, TempDir, check, db_query, eq, gazette, new_db,
                 run_tests)

tmp = TempDir()
ENV = {"GAZETTE_COMMENT_MIN_FILL": "0", "GAZETTE_COMMENT_RATE": "0",
       "GAZETTE_MODERATION": "all", "GAZETTE_ACCESS_LOG": "off"}
USERS = (("ann", "admin"), ("ed", "editor"), ("al", "author"))
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "spam")
_n = [0]


def site():
    """The demo site (one article, four approved comments), its users,
    and a server holding every new comment for moderation."""
    _n[0] += 1
    db = new_db(tmp, "m%d" % _n[0])
    gazette("demo", db=db, check_rc=0)
    for name, role in USERS:
        gazette("user", "add", name, "--role", role, db=db,
                stdin=(PW + "\n").encode(), check_rc=0)
    return db, Server(db, env=ENV)


def held(r, body, author="Reader", email="", url=""):
    """Posts a comment that is held; returns its id."""
    st, h, _ = r.post(author=author, body=body, email=email, url=url)
    eq(st, 303, "posted")
    check(h.get("location", "").endswith("?held=1#comments"), "held: %s" % h)
    return db_query(r.srv_db, "SELECT max(id) FROM comments")[0][0]


def status(db, cid):
    return db_query(db, "SELECT status FROM comments WHERE id = ?", (cid,))[0][0]


def count(db):
    return db_query(db, "SELECT comment_count FROM articles")[0][0]


def signed_in(srv, name):
    b = Browser(srv)
    st, _, _ = b.login(name)
    eq(st, 303, "signed in as " + name)
    return b


def header_pending(page):
    m = re.search(r'<span class="pending"[^>]*>(\d+)<', page)
    return int(m.group(1)) if m else 0


def test_queue_approve_spam():
    db, srv = site()
    try:
        r = Reader(srv)
        r.srv_db = db
        cid = held(r, "Held *words* one", author="Hannah", email="hannah@example.com",
                   url="https://hannah.example")
        check("Held" not in r.load()[2], "held comment not on the article")
        before = count(db)
        b = signed_in(srv, "ed")
        st, _, page = b.get("/admin/comments")
        eq(st, 200, "queue")
        check('id="c-%d"' % cid in page, "pending list shows the held comment")
        check("Held <em>words</em> one" in page, "body as the page shows it")
        check("hannah@example.com" in page, "email shown to editors")
        check("https://hannah.example" in page and "Hannah" in page, "author and url")
        check('href="%s#c-%d"' % (ARTICLE, cid) in page, "article linked")
        check(re.search(r'class="score[^"]*">0\.50', page) is not None,
              "score shown (abstaining: 0.50)")
        eq(header_pending(page), 1, "pending count in the header")
        st, _, dash = b.get("/admin")
        eq(header_pending(dash), 1, "pending count on the dashboard too")

        st, h, _ = b.post("/admin/comments", {"status": "pending",
                                              "do": "approve:%d" % cid})
        eq(st, 303, "approve")
        check("msg=1-approve" in h.get("location", ""), "message: " + h.get("location", ""))
        eq(status(db, cid), "approved", "approved")
        eq(count(db), before + 1, "comment_count moved up")
        page = r.load()[2]
        check("c-%d" % cid in comments_of(page).level, "approved comment on the article at once")
        check("Held <em>words</em> one" in page, "its text")
        st, _, page = b.get("/admin/comments")
        check('id="c-%d"' % cid not in page, "gone from pending")
        eq(header_pending(page), 0, "header count back to 0")
        check("1 comment approved." in b.get("/admin/comments?status=pending&msg=1-approve")[2],
              "flash message")
        st, _, page = b.get("/admin/comments?status=approved")
        check('id="c-%d"' % cid in page, "in the approved list")

        st, h, _ = b.post("/admin/comments", {"status": "approved",
                                              "do": "spam:%d" % cid})
        eq(st, 303, "spam")
        eq(status(db, cid), "spam", "marked spam")
        eq(count(db), before, "comment_count moved back")
        check("c-%d" % cid not in comments_of(r.load()[2]).level, "spam disappears")
        check('id="c-%d"' % cid in b.get("/admin/comments?status=spam")[2], "in the spam list")
        eq(db_query(db, "SELECT spam_trained FROM comments WHERE id = ?", (cid,))[0][0],
           "spam", "the verdict trained the classifier")
        st, h, _ = b.post("/admin/comments", {"status": "spam", "do": "delete:%d" % cid})
        eq(status(db, cid), "deleted", "soft delete")
        check('id="c-%d"' % cid in b.get("/admin/comments?status=deleted")[2], "in the deleted list")
        st, _, _ = b.post("/admin/comments", {"do": "explode:%d" % cid})
        eq(st, 400, "unknown action")
        eq(status(db, cid), "deleted", "unchanged by an unknown action")
    finally:
        srv.stop()


def test_bulk_and_paging():
    db, srv = site()
    try:
        r = Reader(srv)
        r.srv_db = db
        ids = [held(r, "bulk comment %d" % i) for i in range(4)]
        before = count(db)
        b = signed_in(srv, "ann")
        eq(header_pending(b.get("/admin/comments")[2]), 4, "four pending")
        body = "csrf=%s&status=pending&action=approve&do=bulk&id=%d&id=%d" % (
            b.csrf, ids[0], ids[2])
        st, h, _ = b.request("POST", "/admin/comments", body.encode())
        eq(st, 303, "bulk approve")
        eq([status(db, i) for i in ids], ["approved", "pending", "approved", "pending"],
           "the ticked two approved")
        eq(count(db), before + 2, "count up by two")
        page = r.load()[2]
        check("bulk comment 0" in page and "bulk comment 2" in page
              and "bulk comment 1" not in page, "readers see exactly those")
        body = "csrf=%s&status=pending&action=delete&do=bulk&id=%d&id=999999&id=x&id=%d" % (
            b.csrf, ids[1], ids[3])
        st, h, _ = b.request("POST", "/admin/comments", body.encode())
        eq(st, 303, "bulk delete, an unknown id among them")
        eq([status(db, i) for i in ids], ["approved", "deleted", "approved", "deleted"],
           "bulk delete")
        st, h, _ = b.post("/admin/comments", {"status": "pending", "action": "spam",
                                              "do": "bulk"})
        eq(st, 303, "bulk with nothing ticked")
        check("No comments were ticked" in b.get(h["location"])[2], "says so")
        st, h, _ = b.post("/admin/comments", {"do": "bulk", "action": "nope", "id": ids[0]})
        eq(st, 400, "bulk with a bad action")
        # Keyset paging: 55 pending, 50 on the first page.
        for i in range(55):
            held(r, "page comment %d" % i)
        st, _, page = b.get("/admin/comments")
        eq(page.count('name="id"'), 50, "50 on a page")
        m = re.search(r'href="(/admin/comments\?status=pending&amp;before=\d+)"', page)
        check(m is not None, "older link")
        st, _, page2 = b.get(m.group(1).replace("&amp;", "&"))
        eq(page2.count('name="id"'), 5, "the rest on the next")
        check("page comment 0<" in page2 and "page comment 54<" in page, "newest first")
    finally:
        srv.stop()


def test_edit():
    db, srv = site()
    try:
        r = Reader(srv)
        r.srv_db = db
        cid = held(r, "Typo in teh comment", author="Tim", url="https://tim.example")
        b = signed_in(srv, "ed")
        st, _, page = b.get("/admin/comments/%d" % cid)
        eq(st, 200, "editor")
        eq(field(page, "author"), "Tim", "author in the form")
        eq(textarea(page), "Typo in teh comment", "body in the form")
        st, h, _ = b.post("/admin/comments/%d" % cid, {
            "author": "  Timothy ", "url": "", "body": "Fixed in *the* comment\r\n"})
        eq(st, 303, "saved")
        row = db_query(db, "SELECT id, author, url, body_md, body_html, status "
                       "FROM comments WHERE id = ?", (cid,))[0]
        eq(row[:4], (cid, "Timothy", "", "Fixed in *the* comment\n"), "edited, id kept")
        check("<em>the</em>" in row[4], "re-rendered: " + row[4])
        eq(row[5], "pending", "status kept")
        for bad, why in (({"author": "", "url": "", "body": "x"}, "no name"),
                         ({"author": "T", "url": "javascript:alert(1)", "body": "x"}, "bad url"),
                         ({"author": "T", "url": "", "body": "   "}, "blank body"),
                         ({"author": "T", "url": "", "body": "x" * 10001}, "too long")):
            st, _, page = b.post("/admin/comments/%d" % cid, bad)
            eq(st, 400, why)
            check("was not saved" in page, why + ": message")
        eq(db_query(db, "SELECT author, body_md FROM comments WHERE id = ?", (cid,))[0],
           ("Timothy", "Fixed in *the* comment\n"), "bad edits change nothing")
        b.post("/admin/comments", {"do": "approve:%d" % cid})
        page = r.load()[2]
        check("Fixed in <em>the</em> comment" in page and "Timothy" in page,
              "readers see the edit")
        st, _, _ = b.get("/admin/comments/999999")
        eq(st, 404, "no such comment")
        st, _, _ = b.get("/admin/comments/x1")
        eq(st, 404, "not an id")
    finally:
        srv.stop()


def test_roles_and_csrf():
    db, srv = site()
    try:
        r = Reader(srv)
        r.srv_db = db
        cid = held(r, "Role test")
        al = signed_in(srv, "al")
        st, _, page = al.get("/admin/comments")
        eq(st, 403, "author: queue refused")
        check('class="pending"' not in page, "no pending count for authors")
        st, _, _ = al.get("/admin/comments/%d" % cid)
        eq(st, 403, "author: editor refused")
        al.get("/admin")
        for f in ({"do": "approve:%d" % cid}, {"do": "spam:%d" % cid},
                  {"do": "delete:%d" % cid}, {"do": "bulk", "action": "approve", "id": cid}):
            st, _, _ = al.post("/admin/comments", f)
            eq(st, 403, "author: %s refused" % f["do"])
        st, _, _ = al.post("/admin/comments/%d" % cid, {"author": "x", "url": "", "body": "y"})
        eq(st, 403, "author: edit refused")
        eq(db_query(db, "SELECT status, author, body_md FROM comments WHERE id = ?", (cid,))[0],
           ("pending", "Reader", "Role test"), "nothing changed by the author")
        ed = signed_in(srv, "ed")
        ed.get("/admin/comments")
        for tok in (False, "gz_forged" + "0" * 40):
            st, _, _ = ed.post("/admin/comments", {"do": "approve:%d" % cid}, csrf=tok)
            eq(st, 403, "CSRF-less or forged POST refused")
            st, _, _ = ed.post("/admin/comments/%d" % cid,
                               {"author": "x", "url": "", "body": "y"}, csrf=tok)
            eq(st, 403, "CSRF-less edit refused")
        eq(db_query(db, "SELECT status, author FROM comments WHERE id = ?", (cid,))[0],
           ("pending", "Reader"), "nothing changed without the token")
        st, h, _ = Browser(srv).request("GET", "/admin/comments")
        eq(st, 303, "signed out: to sign-in")
    finally:
        srv.stop()


def load_set(name, n):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
        return [json.loads(line) for line in f][:n]


def test_classifier_holds_spam():
    db, srv = site()
    try:
        r = Reader(srv)
        r.srv_db = db
        ham, spam = load_set("ham.jsonl", 30), load_set("spam.jsonl", 31)
        ham_ids = [held(r, c["body"], c["author"], c["email"], c["url"]) for c in ham]
        spam_ids = [held(r, c["body"], c["author"], c["email"], c["url"]) for c in spam[:30]]
        b = signed_in(srv, "ed")
        for ids, act in ((ham_ids, "approve"), (spam_ids, "spam")):
            body = "csrf=%s&status=pending&do=bulk&action=%s&" % (b.csrf, act)
            body += "&".join("id=%d" % i for i in ids)
            st, _, _ = b.request("POST", "/admin/comments", body.encode())
            eq(st, 303, "bulk " + act)
        eq(db_query(db, "SELECT ham, spam FROM spam_totals")[0], (30, 30),
           "verdicts counted")
        c = spam[30]
        st, h, _ = r.post(author=c["author"], email=c["email"], url=c["url"], body=c["body"])
        eq(st, 303, "spammy comment answered like any held one")
        check(h.get("location", "").endswith("?held=1#comments"), "held")
        row = db_query(db, "SELECT id, status, spam_score FROM comments "
                       "ORDER BY id DESC LIMIT 1")[0]
        eq(row[1], "spam", "held as spam suspect")
        check(row[2] > 0.9, "score above the threshold: %r" % (row[2],))
        page = b.get("/admin/comments?status=spam")[2]
        m = re.search(r'id="c-%d".*?class="score suspect">([0-9.]+) <span class="flag">suspect'
                      % row[0], page, re.S)
        check(m is not None and float(m.group(1)) > 0.9, "score shown in the queue")
        # A reader's comment like the approved ones goes to pending.
        cid = held(r, "Thanks for the clear write-up on the tram line, "
                   "the timetable section was useful.", author="Grace")
        row = db_query(db, "SELECT status, spam_score FROM comments WHERE id = ?", (cid,))[0]
        eq(row[0], "pending", "ham held only by the policy")
        check(row[1] < 0.5, "ham scores low: %r" % (row[1],))
        # Approving the suspect teaches the classifier it was wrong.
        b.post("/admin/comments", {"status": "spam", "do": "approve:%d" % (cid - 1)})
        eq(db_query(db, "SELECT ham FROM spam_totals")[0][0], 31, "a false positive trains ham")
    finally:
        srv.stop()


def test_threshold_setting():
    db, srv = site()
    try:
        b = signed_in(srv, "ann")
        st, _, page = b.get("/admin/settings")
        eq(field(page, "spam_threshold"), "0.9", "default shown")
        f = {k: field(page, k) or "" for k in ("title", "description", "base_url",
                                               "language", "timezone",
                                               "comments_close_days")}
        f["moderation"] = "all"
        for bad in ("1.5", "-0.1", "abc", ""):
            f["spam_threshold"] = bad
            st, _, _ = b.post("/admin/settings", f)
            eq(st, 400, "threshold %r refused" % bad)
        f["spam_threshold"] = "0.75"
        st, _, _ = b.post("/admin/settings", f)
        eq(st, 303, "saved")
        eq(db_query(db, "SELECT value FROM settings WHERE key = 'spam_threshold'")[0][0],
           "0.75", "stored")
    finally:
        srv.stop()


run_tests("moderation", [test_queue_approve_spam, test_bulk_and_paging, test_edit,
                         test_roles_and_csrf, test_classifier_holds_spam,
                         test_threshold_setting])
