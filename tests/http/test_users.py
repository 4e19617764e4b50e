"""test_users.py: gazette user and gazette token from the command line."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, TempDir, check, db_query, eq, gazette, new_db, run_tests  # noqa: E402
from admin_lib import Browser  # noqa: E402

PW = b"correct horse battery staple\n"


def test_user_lifecycle():
    d = TempDir()
    db = new_db(d)
    rc, _, err = gazette("user", "add", "ann", "--role", "admin", db=db, stdin=PW)
    eq(rc, 0, "add admin: " + err)
    rc, _, err = gazette("user", "add", "--role", "author", "bob", "--display-name", "Bob B.", db=db, stdin=PW)
    eq(rc, 0, "options before the name: " + err)
    rc, out, _ = gazette("user", "list", db=db)
    eq(out, "ann\tadmin\tann\nbob\tauthor\tBob B.\n", "list")
    h = db_query(db, "SELECT pw_hash FROM users WHERE name = 'ann'")[0][0]
    check(h.startswith("$argon2id$"), "argon2id hash stored: " + h[:12])
    check("correct horse" not in h, "not the password")
    for args, stdin, want in (
            (("user", "add", "ANN", "--role", "editor"), PW, "user 'ANN' exists already"),
            (("user", "add", "carl", "--role", "king"), PW, "--role must be admin, editor or author"),
            (("user", "add", "carl", "--role", "editor"), b"short\n", "shorter than 10 characters"),
            (("user", "add", "carl", "--role", "editor"), b"", "no password on standard input"),
            (("user", "add", "carl", "--role", "editor"), b"\n", "shorter than 10"),
            (("user", "add", "carl", "--role", "editor"), b"tab\tin password ok?\x01\n", "control character"),
            (("user", "add", "bad name", "--role", "editor"), PW, "must be 1 to 64 of"),
            (("user", "passwd", "nobody"), PW, "no user 'nobody'"),
            (("user", "remove", "ann"), None, "'ann' is the last admin"),
            (("user", "frob"), None, "usage: gazette user")):
        rc, _, err = gazette(*args, db=db, stdin=stdin)
        check(rc != 0 and want in err, "%s: %r" % (" ".join(args), err))
    eq(db_query(db, "SELECT count(*) FROM users")[0][0], 2, "no user added by refusals")
    rc, _, err = gazette("user", "passwd", "bob", db=db, stdin=b"another long password\n")
    eq(rc, 0, "passwd: " + err)
    check(db_query(db, "SELECT pw_hash FROM users WHERE name = 'bob'")[0][0] != h, "hash changed")
    rc, _, err = gazette("user", "remove", "bob", db=db)
    eq(rc, 0, "remove: " + err)
    eq(db_query(db, "SELECT count(*) FROM users")[0][0], 1, "removed")
    d.cleanup()


def test_tokens():
    d = TempDir()
    db = new_db(d)
    gazette("user", "add", "ann", "--role", "editor", db=db, stdin=PW, check_rc=0)
    rc, out, err = gazette("token", "create", "ann", db=db)
    eq(rc, 0, "create: " + err)
    tok = out.strip()
    check(out.count("\n") == 1 and tok.startswith("gz_") and len(tok) == 46, "token alone on stdout: %r" % out)
    stored = db_query(db, "SELECT hash FROM api_tokens")[0][0]
    check(tok not in stored and len(stored) == 64, "only a hash is stored")
    rc, out2, _ = gazette("token", "create", "ann", db=db)
    check(out2.strip() != tok, "tokens differ")
    rc, out, _ = gazette("token", "list", db=db)
    eq(out, "1\tann\tvalid\n2\tann\tvalid\n", "list")
    eq(gazette("token", "revoke", "1", db=db)[0], 0, "revoke")
    rc, _, err = gazette("token", "revoke", "1", db=db)
    check(rc != 0 and "no valid token 1" in err, "revoke twice: " + err)
    rc, _, err = gazette("token", "create", "nobody", db=db)
    check(rc != 0 and "no user 'nobody'" in err, "unknown user")
    rc, out, _ = gazette("token", "list", db=db)
    eq(out, "1\tann\trevoked\n2\tann\tvalid\n", "list after revoke")
    gazette("user", "add", "root", "--role", "admin", db=db, stdin=PW, check_rc=0)
    gazette("user", "remove", "ann", db=db, check_rc=0)
    eq(db_query(db, "SELECT count(*) FROM api_tokens")[0][0], 0, "tokens go with their user")
    d.cleanup()


def test_passwd_revokes():
    """A new password ends what the old one opened: the user's sessions
    (the old cookie) and API tokens stop working at once, someone else's
    do not, and the new password signs in."""
    d = TempDir()
    db = new_db(d)
    for name, role in (("ann", "admin"), ("bob", "editor")):
        gazette("user", "add", name, "--role", role, db=db, stdin=PW, check_rc=0)
    tok = {n: gazette("token", "create", n, db=db, check_rc=0)[1].strip() for n in ("ann", "bob")}
    srv = Server(db)
    try:
        def api(who):
            return srv.request("GET", "/api/v1/articles?status=draft",
                               headers={"Authorization": "Bearer " + tok[who]})[0]

        br = {}
        for n in ("ann", "bob"):
            br[n] = Browser(srv)
            eq(br[n].login(n, PW.decode().strip())[0], 303, n + " signs in")
            eq(br[n].get("/admin")[0], 200, n + " session works")
            eq(api(n), 200, n + " token works")
        old_cookie = dict(br["bob"].cookies)
        rc, _, err = gazette("user", "passwd", "bob", db=db, stdin=b"a brand new password\n")
        eq(rc, 0, "passwd: " + err)
        check("revoked" in err, "says what it revoked: " + err)
        eq(br["bob"].get("/admin")[0], 303, "old cookie refused after passwd")
        late = Browser(srv)
        late.cookies = old_cookie
        eq(late.get("/admin/articles")[0], 303, "a copy of the old cookie is refused too")
        eq(api("bob"), 401, "old token refused after passwd")
        eq(br["ann"].get("/admin")[0], 200, "another user's session lives on")
        eq(api("ann"), 200, "another user's token lives on")
        eq(Browser(srv).login("bob", PW.decode().strip())[0], 401, "old password refused")
        eq(Browser(srv).login("bob", "a brand new password")[0], 303, "new password signs in")
        rc, out, _ = gazette("token", "list", db=db, check_rc=0)
        check(any("bob" in l and "revoked" in l for l in out.splitlines()), "token list shows it revoked: " + out)
    finally:
        srv.stop()
        d.cleanup()


run_tests("users", [test_user_lifecycle, test_tokens, test_passwd_revokes])
