"""test_admin.py: the administration pages, black box: sign-in, sessions,
CSRF, roles, the editor, revisions, scheduling, users and settings."""
import html
import re
import socket
import subprocess
import time
import urllib.parse

from admin_lib import PW, Browser, field, form, textarea
from lib import (Server, TempDir, check, db_exec, db_query, eq, gazette, is_pg, new_db,
                 run_tests, text)

USERS = (("ann", "admin"), ("ed", "editor"), ("al", "author"), ("au", "author"))


def make_site(d, users=USERS):
    db = new_db(d)
    gazette("init", db=db, check_rc=0)
    for name, role in users:
        gazette("user", "add", name, "--role", role, db=db,
                stdin=(PW + "\n").encode(), check_rc=0)
    return db


def new_article(b, title, body="Some *text*.", status="draft", **kw):
    f = {"title": title, "slug": "", "summary": "", "tags": "", "body": body,
         "status": status, "publish_at": "", "version": "0"}
    f.update(kw)
    st, h, _ = b.post("/admin/articles/new", f)
    m = re.match(r"/admin/articles/(\d+)\?msg=created", h.get("location", ""))
    return st, (int(m.group(1)) if m else None)


def edit_fields(b, aid):
    st, _, body = b.get("/admin/articles/%d" % aid)
    f = {k: field(body, k) or "" for k in ("title", "slug", "summary", "tags",
                                          "publish_at", "version")}
    f["body"] = textarea(body) or ""
    m = re.search(r'<option value="(\w+)" selected>', body)
    f["status"] = m.group(1) if m else "draft"
    return f


ADMIN_GETS = ["/admin", "/admin/", "/admin/articles", "/admin/articles/new",
              "/admin/articles/1", "/admin/articles/1/delete",
              "/admin/articles/1/revisions/1", "/admin/users",
              "/admin/settings", "/admin/comments", "/admin/nothing/here",
              "/admin/logout"]
ADMIN_POSTS = ["/admin/logout", "/admin/articles/new", "/admin/articles/1",
               "/admin/articles/1/delete", "/admin/articles/1/revisions/1/restore",
               "/admin/preview", "/admin/users", "/admin/settings"]


def test_redirects_without_session():
    d = TempDir()
    db = make_site(d)
    srv = Server(db)
    try:
        for p in ADMIN_GETS:
            st, h, _ = srv.get(p)
            eq(st, 303, "GET %s without a session" % p)
            loc = h.get("location", "")
            check(loc.startswith("/admin/login"), "%s → %s" % (p, loc))
            check("next=" + urllib.parse.quote(p, safe="") in loc or p == "/admin/logout",
                  "%s: next kept: %s" % (p, loc))
        for p in ADMIN_POSTS:
            st, h, _ = srv.request("POST", p, body=b"csrf=x&title=t",
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})
            eq(st, 303, "POST %s without a session" % p)
        eq(db_query(db, "SELECT count(*) FROM articles")[0][0], 0, "nothing made")
        # next= must stay on this site's admin.
        b = Browser(srv)
        for bad in ("//evil.example/admin", "https://evil.example/", "/\\evil",
                    "/adminx", "/admin//evil.example", "javascript:alert(1)"):
            st, h, _ = b.login("ann", next_=bad)
            eq(h.get("location"), "/admin", "next %r refused" % bad)
        st, h, _ = b.login("ann", next_="/admin/articles?status=draft")
        eq(h.get("location"), "/admin/articles?status=draft", "good next kept")
        st, h, body = b.get("/admin/login?next=/admin/users")
        eq((st, h.get("location")), (303, "/admin/users"), "signed in: login page moves on")
    finally:
        srv.stop()
        d.cleanup()


def test_login():
    d = TempDir()
    db = make_site(d)
    srv = Server(db)
    try:
        b = Browser(srv)
        st, h, body = b.request("GET", "/admin/login")
        eq(st, 200, "login page")
        check('type="password"' in body, "password field")
        eq(h.get("cache-control"), "no-store", "not cached")
        st, h, body = b.login("ann", "wrong password!!")
        eq(st, 401, "wrong password")
        check("Wrong user name or password" in body, "message")
        check("gz_session" not in b.cookies, "no session cookie")
        st, h, body = b.login("nobody", PW)
        eq(st, 401, "unknown user: same answer")
        check("Wrong user name or password" in body, "same message")
        # No form token: refused before anything is checked.
        st, _, _ = Browser(srv).request("POST", "/admin/login",
                                        form({"username": "ann", "password": PW}))
        eq(st, 403, "login without its form token")
        st, h, _ = b.login("ann")
        eq(st, 303, "right password")
        eq(h.get("location"), "/admin", "to the dashboard")
        sc = [c for c in h["_set_cookie"] if c.startswith("gz_session=")]
        check(len(sc) == 1, "session cookie set")
        c = sc[0] if sc else ""
        for attr in ("HttpOnly", "SameSite=Lax", "Path=/admin"):
            check(attr in c, "cookie has " + attr + ": " + c)
        check("Secure" not in c, "no Secure over http")
        tok = b.cookies["gz_session"]
        check(re.fullmatch(r"gz_[A-Za-z0-9_-]{43}", tok) is not None, "256-bit token")
        stored = db_query(db, "SELECT hash FROM sessions")
        eq(len(stored), 1, "one session")
        check(tok not in stored[0][0], "only the digest is stored")
        st, _, body = b.get("/admin")
        eq(st, 200, "dashboard")
        check("ann" in body and "Sign out" in body, "signed in")
        # A second sign-in rotates: the old secret stops working.
        old = tok
        b.login("ann")
        check(b.cookies["gz_session"] != old, "new secret")
        st, _, _ = srv.get("/admin", headers={"Cookie": "gz_session=" + old})
        eq(st, 303, "old session dropped at sign-in")
        # Logout needs the token, then ends the session.
        st, _, _ = b.post("/admin/logout", {}, csrf=False)
        eq(st, 403, "logout without csrf")
        st, h, _ = b.post("/admin/logout", {})
        eq((st, h.get("location")), (303, "/admin/login?why=out"), "logout")
        eq(db_query(db, "SELECT count(*) FROM sessions")[0][0], 0, "session gone")
        st, _, _ = b.get("/admin")
        eq(st, 303, "signed out")
    finally:
        srv.stop()
        d.cleanup()
    # Behind https, the cookie is Secure.
    d = TempDir()
    db = make_site(d)
    srv = Server(db, args=["--base-url", "https://news.example.org"])
    try:
        st, h, _ = Browser(srv).login("ann")
        c = [c for c in h["_set_cookie"] if c.startswith("gz_session=")]
        check(c and "; Secure" in c[0], "Secure under https: %r" % c)
    finally:
        srv.stop()
        d.cleanup()


def test_rate_limits():
    d = TempDir()
    db = make_site(d)
    srv = Server(db)
    try:
        # Per account: ten failures from ten addresses lock the name.
        for i in range(10):
            st, _, _ = Browser(srv, "127.0.0.%d" % (10 + i)).login("ed", "bad password %d" % i)
            eq(st, 401, "failure %d" % (i + 1))
        b = Browser(srv, "127.0.0.30")
        st, h, body = b.login("ed")
        eq(st, 429, "locked account, even with the right password")
        check(int(h.get("retry-after", "0")) > 0, "Retry-After")
        check("Too many failed sign-ins" in body, "message on the page")
        check("gz_session" not in b.cookies, "no session")
        st, _, _ = Browser(srv, "127.0.0.30").login("ann")
        eq(st, 303, "another account from that address is fine")
        # Per address: ten failures over many names lock the address.
        for i in range(10):
            st, _, _ = Browser(srv, "127.0.0.50").login("user%d" % i, "nope nope nope")
            eq(st, 401, "address failure %d" % (i + 1))
        st, _, _ = Browser(srv, "127.0.0.50").login("ann")
        eq(st, 429, "locked address")
        st, _, _ = Browser(srv, "127.0.0.51").login("ann")
        eq(st, 303, "another address is fine")
        # A success resets the account's count.
        for i in range(9):
            Browser(srv, "127.0.0.%d" % (60 + i)).login("al", "bad password")
        st, _, _ = Browser(srv, "127.0.0.70").login("al")
        eq(st, 303, "ninth failure, then success")
        for i in range(9):
            st, _, _ = Browser(srv, "127.0.0.%d" % (80 + i)).login("al", "bad password")
        eq(st, 401, "counted from zero again")
        st, _, _ = Browser(srv, "127.0.0.90").login("al")
        eq(st, 303, "still not locked")
    finally:
        srv.stop()
        d.cleanup()


def test_csrf():
    d = TempDir()
    db = make_site(d)
    srv = Server(db)
    try:
        b = Browser(srv)
        b.login("ann")
        st, aid = new_article(b, "First")
        eq(st, 303, "create with token")
        f = edit_fields(b, aid)
        before = db_query(db, "SELECT version, title FROM articles")
        users = db_query(db, "SELECT count(*) FROM users")
        settings = db_query(db, "SELECT count(*) FROM settings")
        other = Browser(srv)
        other.login("ed")
        for csrf in (False, "", "gz_" + "A" * 43, other.csrf):
            what = "csrf=%r" % (csrf,)
            g = dict(f, title="Changed")
            eq(b.post("/admin/articles/%d" % aid, g, csrf=csrf)[0], 403, "edit " + what)
            eq(b.post("/admin/articles/new", dict(g, title="New"), csrf=csrf)[0], 403, "new " + what)
            eq(b.post("/admin/articles/%d/delete" % aid, {"confirm": "yes"}, csrf=csrf)[0], 403,
               "delete " + what)
            eq(b.post("/admin/users", {"op": "add", "name": "zed", "role": "admin",
                                       "password": PW}, csrf=csrf)[0], 403, "users " + what)
            eq(b.post("/admin/settings", {"title": "Pwned"}, csrf=csrf)[0], 403, "settings " + what)
            eq(b.post("/admin/preview", {"body": "x"}, csrf=csrf)[0], 403, "preview " + what)
            eq(b.post("/admin/articles/%d/revisions/1/restore" % aid, {}, csrf=csrf)[0], 403,
               "restore " + what)
            eq(b.post("/admin/logout", {}, csrf=csrf)[0], 403, "logout " + what)
        eq(db_query(db, "SELECT version, title FROM articles"), before, "article unchanged")
        eq(db_query(db, "SELECT count(*) FROM users"), users, "no user added")
        eq(db_query(db, "SELECT count(*) FROM settings"), settings, "settings unchanged")
        eq(b.get("/admin")[0], 200, "still signed in")
        # A GET never changes anything, whatever it carries.
        st, _, _ = b.request("GET", "/admin/articles/%d/delete?confirm=yes&csrf=%s" % (aid, b.csrf))
        eq(st, 200, "GET delete is only the confirm page")
        eq(db_query(db, "SELECT count(*) FROM articles")[0][0], 1, "not deleted by GET")
    finally:
        srv.stop()
        d.cleanup()


def test_roles():
    """Every role × action, each expected outcome from the ACL table."""
    d = TempDir()
    db = make_site(d)
    srv = Server(db)
    try:
        br = {}
        for name, _ in USERS:
            br[name] = Browser(srv)
            eq(br[name].login(name)[0], 303, "login " + name)
        # Fixtures: al's draft, al's published (by ed), au's draft, ed's draft.
        _, al_draft = new_article(br["al"], "Al draft")
        _, al_pub = new_article(br["al"], "Al live")
        f = edit_fields(br["ed"], al_pub)
        eq(br["ed"].post("/admin/articles/%d" % al_pub, dict(f, status="published"))[0], 303,
           "editor publishes al's article")
        _, au_draft = new_article(br["au"], "Au draft")
        _, ed_draft = new_article(br["ed"], "Ed draft")

        def try_save(who, aid, status):
            f = edit_fields(br["ann"], aid)
            f["body"] += "\n\nmore by " + who
            f["status"] = status
            if status == "published" and not f["publish_at"]:
                f["publish_at"] = ""
            return br[who].post("/admin/articles/%d" % aid, f)[0]

        def view(who, aid):
            return br[who].get("/admin/articles/%d" % aid)[0]

        rows = [
            # (role user, action, target, expected status)
            ("ann", "view", ed_draft, 200), ("ed", "view", al_draft, 200),
            ("al", "view", al_draft, 200), ("al", "view", au_draft, 403),
            ("al", "view", ed_draft, 403), ("al", "view", al_pub, 200),
            ("ann", "save draft", al_draft, 303), ("ed", "save draft", al_draft, 303),
            ("al", "save draft", al_draft, 303), ("al", "save draft", au_draft, 403),
            ("al", "save draft", ed_draft, 403),
            ("al", "publish", al_draft, 403), ("al", "schedule", al_draft, 403),
            ("al", "save live", al_pub, 403),
            ("ed", "save live", al_pub, 303), ("ann", "save live", al_pub, 303),
            ("ed", "publish", ed_draft, 303),
        ]
        for who, action, aid, want in rows:
            if action == "view":
                got = view(who, aid)
            elif action == "save draft":
                got = try_save(who, aid, "draft")
            elif action == "publish":
                got = try_save(who, aid, "published")
            elif action == "schedule":
                f = edit_fields(br["ann"], aid)
                f.update(status="scheduled", publish_at="2099-01-01T10:00")
                got = br[who].post("/admin/articles/%d" % aid, f)[0]
            elif action == "save live":
                got = try_save(who, aid, "published")
            eq(got, want, "%s (%s) %s article %d" % (who, dict(USERS)[who], action, aid))
        eq(db_query(db, "SELECT status FROM articles WHERE id = ?", (al_draft,))[0][0], "draft",
           "al's draft still a draft")
        # An author may not create a published article either.
        st, aid = new_article(br["al"], "Sneaky", status="published")
        eq(st, 403, "author creates published")
        eq(db_query(db, "SELECT count(*) FROM articles WHERE title = 'Sneaky'")[0][0], 0, "not made")
        # Deletion.
        eq(br["al"].post("/admin/articles/%d/delete" % au_draft, {"confirm": "yes"})[0], 403,
           "author deletes another's draft")
        eq(br["al"].post("/admin/articles/%d/delete" % al_pub, {"confirm": "yes"})[0], 403,
           "author deletes own live article")
        eq(br["al"].get("/admin/articles/%d/delete" % al_draft)[0], 200, "confirm page")
        eq(br["al"].post("/admin/articles/%d/delete" % al_draft, {})[0], 200,
           "delete without the box ticked asks again")
        eq(br["al"].post("/admin/articles/%d/delete" % al_draft, {"confirm": "yes"})[0], 303,
           "author deletes own draft")
        eq(br["ed"].post("/admin/articles/%d/delete" % au_draft, {"confirm": "yes"})[0], 303,
           "editor deletes any")
        # Revisions of others' articles.
        rev = db_query(db, "SELECT id FROM revisions WHERE article_id = ?", (ed_draft,))[0][0]
        eq(br["al"].get("/admin/articles/%d/revisions/%d" % (ed_draft, rev))[0], 403,
           "author reads another's revision")
        eq(br["al"].post("/admin/articles/%d/revisions/%d/restore" % (ed_draft, rev), {})[0], 403,
           "author restores another's revision")
        # Users, settings, comments by role.
        for who, want in (("ann", 200), ("ed", 403), ("al", 403)):
            eq(br[who].get("/admin/users")[0], want, "%s users page" % who)
            eq(br[who].get("/admin/settings")[0], want, "%s settings page" % who)
            eq(br[who].post("/admin/users", {"op": "add", "name": "x" + who, "role": "admin",
                                             "password": PW})[0],
               303 if want == 200 else 403, "%s adds a user" % who)
            eq(br[who].post("/admin/settings", {"title": "T " + who, "description": "",
                                                "base_url": "", "language": "en",
                                                "timezone": "UTC", "moderation": "first",
                                                "comments_close_days": "0"})[0],
               303 if want == 200 else 403, "%s saves settings" % who)
            eq(br[who].get("/admin/comments")[0], 200 if who != "al" else 403,
               "%s comment queue" % who)
        eq(db_query(db, "SELECT count(*) FROM users WHERE name LIKE 'x%'")[0][0], 1,
           "only the admin added a user")
        eq(db_query(db, "SELECT value FROM settings WHERE key = 'title'")[0][0], "T ann",
           "only the admin changed settings")
        # The author's list shows only their own articles.
        _, body = br["au"].get("/admin/articles")[1:]
        check("Ed draft" not in body and "Al live" not in body, "author list: own only")
        _, body = br["ed"].get("/admin/articles")[1:]
        check("Ed draft" in body and "Al live" in body, "editor list: all")
    finally:
        srv.stop()
        d.cleanup()


def test_expired_and_forged():
    d = TempDir()
    db = make_site(d)
    srv = Server(db)
    try:
        b = Browser(srv)
        b.login("ann")
        eq(b.get("/admin")[0], 200, "fresh session")
        now = int(time.time())
        db_exec(db, "UPDATE sessions SET seen_at = ?", (now - 3 * 3600,))
        st, h, _ = b.get("/admin/articles")
        eq(st, 303, "idle session refused")
        check("why=expired" in h.get("location", ""), "says why")
        eq(db_query(db, "SELECT count(*) FROM sessions")[0][0], 0, "expired session deleted")
        b.login("ann")
        db_exec(db, "UPDATE sessions SET created_at = ?", (now - 13 * 3600,))
        eq(b.get("/admin")[0], 303, "session past its absolute lifetime refused")
        b.login("ann")
        eq(b.get("/admin")[0], 200, "fresh again")
        for forged in ("gz_" + "A" * 43, b.cookies["gz_session"][:-1] + "x", "", "garbage",
                       db_query(db, "SELECT hash FROM sessions")[0][0]):
            st, _, _ = srv.get("/admin", headers={"Cookie": "gz_session=" + forged})
            eq(st, 303, "forged cookie %r" % forged[:20])
    finally:
        srv.stop()
        d.cleanup()


def test_no_clear_passwords():
    d = TempDir()
    db = make_site(d)
    srv = Server(db)
    try:
        b = Browser(srv)
        b.login("ann", "a wrong password here")
        b.login("ann")
        b.post("/admin/users", {"op": "add", "name": "newbie", "role": "author",
                                "password": "newbie secret pass"})
        Browser(srv).login("newbie", "newbie secret pass")
        err = srv.stderr()
        for pw in (PW, "a wrong password here", "newbie secret pass"):
            check(pw not in err and urllib.parse.quote_plus(pw) not in err,
                  "password not in the log")
        check("POST /admin/login" in err, "the log has the path")
        if is_pg(db):
            # Every row of every table, as pg_dump writes them out.
            raw = subprocess.run(["pg_dump", "--data-only", "-d", db], capture_output=True,
                                 check=True, timeout=60).stdout
            check(b"newbie" in raw, "the dump holds the users")
        else:
            raw = open(db, "rb").read()
        for pw in (PW, "newbie secret pass"):
            check(pw.encode() not in raw, "password not in the database")
        for h, in db_query(db, "SELECT pw_hash FROM users"):
            check(h.startswith("$argon2id$"), "argon2id")
    finally:
        srv.stop()
        d.cleanup()


def test_editor_preview_stale_restore():
    d = TempDir()
    db = make_site(d)
    srv = Server(db)
    try:
        a, e = Browser(srv), Browser(srv)
        a.login("ann")
        e.login("ed")
        # Preview without saving.
        f = {"title": "Hello world", "slug": "", "summary": "Sum", "tags": "News, Asia",
             "body": "# Head\n\nSome **bold** <script>x</script>", "status": "draft",
             "publish_at": "", "version": "0", "preview": "1"}
        st, _, body = a.post("/admin/articles/new", f)
        eq(st, 200, "preview")
        check("<strong>bold</strong>" in body, "preview rendered")
        check("<script>x" not in body, "raw HTML escaped in the preview")
        eq(textarea(body), f["body"], "text kept")
        eq(db_query(db, "SELECT count(*) FROM articles")[0][0], 0, "preview saves nothing")
        st, h, frag = a.post("/admin/preview", {"body": "*hi*"})
        eq((st, frag.strip()), (200, "<p><em>hi</em></p>"), "live preview fragment")
        # Validation keeps the text.
        g = dict(f, slug="Bad Slug!")
        del g["preview"]
        st, _, body = a.post("/admin/articles/new", g)
        eq(st, 400, "bad slug")
        check("the slug must be" in body and textarea(body) == f["body"], "message, text kept")
        # Save, slug made from the title, tags.
        del f["preview"]
        st, aid = new_article(a, **{k: v for k, v in f.items() if k not in ("version",)})
        eq(st, 303, "created")
        row = db_query(db, "SELECT slug, status, version, author_id, body_html FROM articles")[0]
        eq(row[:4], ("hello-world", "draft", 1, 1), "stored")
        check("<h1 id=\"head\">Head</h1>" in row[4], "body_html rendered: " + row[4][:60])
        eq(sorted(r[0] for r in db_query(db, "SELECT t.name FROM tags t")), ["Asia", "News"], "tags")
        # Both open version 1; ed saves; ann's save is stale.
        fa, fe = edit_fields(a, aid), edit_fields(e, aid)
        eq(e.post("/admin/articles/%d" % aid, dict(fe, body="Ed's text"))[0], 303, "ed saves")
        mine = "Ann's careful text\nwith two lines"
        st, _, body = a.post("/admin/articles/%d" % aid, dict(fa, body=mine))
        eq(st, 409, "stale save refused")
        check("saved by someone else" in body, "clear message")
        eq(textarea(body), mine, "ann's text kept in the form")
        eq(db_query(db, "SELECT body_md, version FROM articles")[0], ("Ed's text", 2),
           "ed's save stands")
        eq(field(body, "version"), "2", "form now at the stored version")
        st, _, _ = a.post("/admin/articles/%d" % aid, dict(fa, body=mine, version="2"))
        eq(st, 303, "saving again on purpose")
        eq(db_query(db, "SELECT body_md, version FROM articles")[0], (mine, 3), "saved")
        # Revisions: listed, diffed, restored.
        _, _, body = a.get("/admin/articles/%d" % aid)
        for v in ("1", "2", "3"):
            check(re.search(r">%s</a>" % v, body), "revision %s listed" % v)
        check("ed</td>" in body, "who saved")
        rev2 = db_query(db, "SELECT id FROM revisions WHERE version = 2")[0][0]
        st, _, body = a.get("/admin/articles/%d/revisions/%d" % (aid, rev2))
        eq(st, 200, "revision page")
        check('<span class="del">- Ed&#39;s text</span>' in body or
              '<span class="del">- Ed&#x27;s text</span>' in body, "removed line")
        check('<span class="add">+ with two lines</span>' in body, "added line")
        st, h, _ = a.post("/admin/articles/%d/revisions/%d/restore" % (aid, rev2), {"version": "3"})
        eq((st, h.get("location")), (303, "/admin/articles/%d?msg=restored" % aid), "restore")
        eq(db_query(db, "SELECT body_md, version FROM articles")[0], ("Ed's text", 4),
           "restored as version 4")
        st, h, _ = a.post("/admin/articles/%d/revisions/%d/restore" % (aid, rev2), {"version": "3"})
        eq(h.get("location"), "/admin/articles/%d?msg=stale" % aid, "stale restore refused")
        eq(db_query(db, "SELECT version FROM articles")[0][0], 4, "nothing restored")
        # A revision of another article is not found through this one.
        _, other = new_article(a, "Other")
        orev = db_query(db, "SELECT id FROM revisions WHERE article_id = ?", (other,))[0][0]
        eq(a.get("/admin/articles/%d/revisions/%d" % (aid, orev))[0], 404, "mismatched revision")
        eq(a.get("/admin/articles/999")[0], 404, "no such article")
        # Slug taken.
        st, _ = new_article(a, "Hello world")
        eq(st, 409, "taken slug")
        # List filters and search.
        _, _, body = a.get("/admin/articles?q=hello")
        check("Hello world" in body and ">Other<" not in body, "search by title")
        _, _, body = a.get("/admin/articles?tag=asia")
        check("Hello world" in body and ">Other<" not in body, "tag filter")
        _, _, body = a.get("/admin/articles?status=published")
        check("Hello world" not in body, "status filter")
        _, _, body = a.get("/admin/articles?author=ed")
        check("Hello world" not in body, "author filter")
        _, _, body = a.get("/admin/articles?q=%25")
        check("Hello world" not in body, "LIKE wildcards are literal")
    finally:
        srv.stop()
        d.cleanup()


def test_publish_and_schedule():
    d = TempDir()
    db = make_site(d, users=(("ann", "admin"),))
    srv = Server(db, env={"TZ": "UTC"})
    try:
        a = Browser(srv)
        a.login("ann")
        st, aid = new_article(a, "Now news", status="published")
        eq(st, 303, "published")
        _, _, home = srv.get("/")
        check("Now news" in text(home), "on the front page")
        # Two seconds ahead, in the site's zone (UTC here).
        when = int(time.time()) + 2
        local = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(when))
        st, sid = new_article(a, "Later news", status="scheduled", publish_at=local)
        eq(st, 303, "scheduled")
        eq(db_query(db, "SELECT status, published_at FROM articles WHERE id = ?", (sid,))[0],
           ("scheduled", when), "stored time")
        path = None
        _, _, home = srv.get("/")
        check("Later news" not in text(home) or time.time() >= when, "not yet on the front page")
        # Poll (no timed assertion: it must show up, however long it takes).
        deadline = time.time() + 30
        while time.time() < deadline:
            _, _, home = srv.get("/")
            if "Later news" in text(home):
                break
            time.sleep(0.2)
        check("Later news" in text(home), "appeared by itself, no restart")
        m = re.search(r'href="(/\d{4}/\d\d/later-news)"', text(home))
        check(m is not None, "linked")
        if m:
            eq(srv.get(m.group(1))[0], 200, "article page")
        # Scheduling in the past is refused with the text kept.
        st, _ = new_article(a, "Past", status="scheduled", publish_at="2001-01-01T00:00")
        eq(st, 400, "scheduled in the past")
        st, _ = new_article(a, "Bad time", status="draft", publish_at="2001-02-31T00:00")
        eq(st, 400, "no 31 February")
    finally:
        srv.stop()
        d.cleanup()
    # In another zone, the publish time is read as that zone's wall time.
    d = TempDir()
    db = make_site(d, users=(("ann", "admin"),))
    srv = Server(db, env={"GAZETTE_TIMEZONE": "Asia/Almaty"})
    try:
        a = Browser(srv)
        a.login("ann")
        st, aid = new_article(a, "Zoned", status="scheduled", publish_at="2099-06-01T12:00")
        eq(st, 303, "scheduled in Almaty")
        got = db_query(db, "SELECT published_at FROM articles")[0][0]
        eq(edit_fields(a, aid)["publish_at"], "2099-06-01T12:00", "shown back in the zone")
        utc = time.strftime("%Y-%m-%dT%H:%M", time.gmtime(got))
        check(utc != "2099-06-01T12:00", "not read as UTC: " + utc)
    finally:
        srv.stop()
        d.cleanup()


def test_users_and_settings():
    d = TempDir()
    db = make_site(d, users=(("ann", "admin"), ("ed", "editor")))
    srv = Server(db)
    try:
        a = Browser(srv)
        a.login("ann")
        ann_id = db_query(db, "SELECT id FROM users WHERE name = 'ann'")[0][0]
        ed_id = db_query(db, "SELECT id FROM users WHERE name = 'ed'")[0][0]
        st, h, _ = a.post("/admin/users", {"op": "add", "name": "bo", "display_name": "Bo B.",
                                           "role": "author", "password": "bo's long password"})
        eq((st, h.get("location")), (303, "/admin/users?msg=added"), "add user")
        eq(Browser(srv).login("bo", "bo's long password")[0], 303, "new user signs in")
        for fields, why in (({"name": "bo"}, "exists already"),
                            ({"name": "bad name"}, "1 to 64"),
                            ({"name": "cy", "password": "short"}, "shorter than"),
                            ({"name": "cy", "role": "king"}, "pick a role")):
            f = {"op": "add", "role": "author", "password": "long enough pw"}
            f.update(fields)
            st, _, body = a.post("/admin/users", f)
            check(st == 400 and why in html.unescape(body), "refused: %s" % why)
        st, _, body = a.post("/admin/users", {"op": "role", "id": ann_id, "role": "editor"})
        check(st == 400 and "last admin" in body, "last admin keeps the role")
        st, _, body = a.post("/admin/users", {"op": "remove", "id": ann_id})
        check(st == 400 and "last admin" in body, "last admin stays")
        eq(a.post("/admin/users", {"op": "role", "id": ed_id, "role": "admin"})[0], 303,
           "promote ed")
        eq(db_query(db, "SELECT role FROM users WHERE id = ?", (ed_id,))[0][0], "admin", "role")
        e = Browser(srv)
        e.login("ed")
        eq(e.get("/admin/users")[0], 200, "ed is admin now")
        eq(a.post("/admin/users", {"op": "role", "id": ed_id, "role": "author"})[0], 303,
           "demote ed")
        eq(e.get("/admin/users")[0], 403, "role change applies to a live session")
        eq(a.post("/admin/users", {"op": "remove", "id": ed_id})[0], 303, "remove ed")
        eq(e.get("/admin")[0], 303, "removed user's session ends")
        # Settings.
        good = {"title": "The Steppe Times", "description": "News <from> the steppe",
                "base_url": "https://steppe.example", "language": "kk", "timezone": "Asia/Almaty",
                "moderation": "all", "comments_close_days": "30"}
        st, h, _ = a.post("/admin/settings", good)
        eq((st, h.get("location")), (303, "/admin/settings?msg=saved"), "settings saved")
        got = dict(db_query(db, "SELECT key, value FROM settings"))
        for k, v in good.items():
            eq(got.get(k), v, "setting " + k)
        _, _, body = a.get("/admin/settings")
        eq(field(body, "title"), "The Steppe Times", "page shows the stored title")
        check("News &lt;from&gt; the steppe" in body, "escaped")
        for k, bad in (("timezone", "Mars/Olympus"), ("timezone", "../../etc/passwd"),
                       ("timezone", "Europe"), ("moderation", "some"),
                       ("comments_close_days", "-1"), ("base_url", "ftp://x"),
                       ("language", "en us"), ("title", "")):
            st, _, body = a.post("/admin/settings", dict(good, **{k: bad}))
            eq(st, 400, "bad %s %r refused" % (k, bad))
        eq(dict(db_query(db, "SELECT key, value FROM settings")), got, "nothing changed")
        check(srv.alive(), "server still up after the reload request")
    finally:
        srv.stop()
        d.cleanup()


def test_password_change():
    """An admin sets a user's password on the users page: that user's
    sessions and API tokens end with it; their own ends theirs too."""
    d = TempDir()
    db = make_site(d, users=(("ann", "admin"), ("ed", "editor"), ("al", "author")))
    srv = Server(db)
    try:
        ed_tok = gazette("token", "create", "ed", db=db, check_rc=0)[1].strip()

        def ed_api():
            return srv.request("GET", "/api/v1/articles?status=draft",
                               headers={"Authorization": "Bearer " + ed_tok})[0]

        a, e, al = Browser(srv), Browser(srv), Browser(srv)
        for b, n in ((a, "ann"), (e, "ed"), (al, "al")):
            eq(b.login(n)[0], 303, "login " + n)
        ann_id, ed_id = (db_query(db, "SELECT id FROM users WHERE name = ?", (n,))[0][0] for n in ("ann", "ed"))
        _, _, body = a.get("/admin/users")
        check('name="op" value="password"' in body, "the users page has a password form")
        eq(ed_api(), 200, "ed's token works")
        st, _, body = a.post("/admin/users", {"op": "password", "id": ed_id, "password": "short"})
        check(st == 400 and "shorter than" in html.unescape(body), "short password refused")
        eq(e.get("/admin")[0], 200, "a refused change revokes nothing")
        eq(al.post("/admin/users", {"op": "password", "id": ed_id, "password": "al's choice pw"})[0], 403,
           "an author may not set passwords")
        st, h, _ = a.post("/admin/users", {"op": "password", "id": ed_id, "password": "ed's new password"})
        eq((st, h.get("location")), (303, "/admin/users?msg=password"), "password set")
        eq(e.get("/admin")[0], 303, "ed's old session is refused")
        eq(ed_api(), 401, "ed's old token is refused")
        eq(a.get("/admin")[0], 200, "the admin's own session lives on")
        eq(Browser(srv).login("ed", PW)[0], 401, "ed's old password is refused")
        eq(Browser(srv).login("ed", "ed's new password")[0], 303, "ed signs in with the new one")
        st, h, _ = a.post("/admin/users", {"op": "password", "id": ann_id, "password": "ann's new password"})
        eq((st, h.get("location")), (303, "/admin/login?why=password"), "own password: sign in again")
        eq(a.get("/admin")[0], 303, "own session ended")
        st, _, body = a.get("/admin/login?why=password")
        check("signed you out" in body, "the sign-in page says why")
        eq(a.login("ann", "ann's new password")[0], 303, "ann signs in with the new one")
    finally:
        srv.stop()
        d.cleanup()


run_tests("admin", [test_redirects_without_session, test_login, test_rate_limits,
                    test_csrf, test_roles, test_expired_and_forged, test_no_clear_passwords,
                    test_editor_preview_stale_restore, test_publish_and_schedule,
                    test_users_and_settings, test_password_change])
