"""api_lib.py: what the JSON API tests share: a site with a user and a
token per role, requests as any of them, and problem document checks."""
import json

from lib import Server, check, eq, gazette, new_db

PW = "correct horse battery\n"


class Site:
    """A site with an admin, an editor and two authors, each with a token."""

    def __init__(self, d, name="api", env=None):
        self.db = new_db(d, name)
        gazette("init", db=self.db, check_rc=0)
        self.tok = {}
        for user, role in (("ada", "admin"), ("eve", "editor"), ("abe", "author"), ("amy", "author")):
            gazette("user", "add", user, "--role", role, db=self.db, stdin=PW.encode(), check_rc=0)
            _, out, _ = gazette("token", "create", user, db=self.db, check_rc=0)
            self.tok[user] = out.strip()
        e = {"GAZETTE_BASE_URL": "https://news.example"}
        e.update(env or {})
        self.srv = Server(self.db, env=e)

    def req(self, method, path, body=None, who=None, ctype="application/json", headers=None):
        h = dict(headers or {})
        if who:
            h["Authorization"] = "Bearer " + self.tok[who]
        if body is not None:
            if not isinstance(body, (bytes, str)):
                body = json.dumps(body)
            if isinstance(body, str):
                body = body.encode()
            if ctype:
                h["Content-Type"] = ctype
        st, hd, data = self.srv.request(method, path, body=body, headers=h)
        doc = None
        if data and hd.get("content-type", "").startswith(("application/json", "application/problem+json")):
            doc = json.loads(data)
        return st, hd, doc

    def stop(self):
        self.srv.stop()


def problem(st, hd, doc, status, field=None, what=""):
    eq(st, status, what + " status")
    eq(hd.get("content-type"), "application/problem+json", what + " problem type")
    if doc is not None:
        eq(doc.get("status"), status, what + " problem status member")
        check(isinstance(doc.get("title"), str) and isinstance(doc.get("type"), str),
              what + " problem has type and title")
        if field is not None:
            eq(doc.get("field"), field, what + " field named")
    check("set-cookie" not in hd, what + " no Set-Cookie")
