"""comments_lib.py: a reader's browser in a few lines, for the comment
tests: keeps the anti-forgery cookie and the commenter cookie a post
gets back, reads the form's token (the same for every visitor: what is
the visitor's own is the cookie), and posts comments the way the form
does."""
import html.parser
import re
import urllib.parse

ARTICLE = "/2022/01/china-offers-kazakhstan-security-cooperation"


def enc(fields):
    """application/x-www-form-urlencoded from (name, value) pairs; bytes
    values are sent as they are (invalid UTF-8, NUL, controls)."""
    out = []
    for k, v in fields:
        if isinstance(v, str):
            v = v.encode("utf-8")
        out.append(urllib.parse.quote_from_bytes(k.encode()) + "=" +
                   urllib.parse.quote_from_bytes(v, safe=""))
    return "&".join(out).encode()


class Reader:
    def __init__(self, srv, article=ARTICLE):
        self.srv = srv
        self.article = article
        self.cookie = None
        self.csrf = None
        self.commenter = None   # gz_commenter, from an accepted post

    def load(self, query=""):
        h = {"Cookie": "gz_csrf=" + self.cookie} if self.cookie else {}
        st, hdrs, body = self.srv.get(self.article + query, headers=h)
        sc = hdrs.get("set-cookie")
        if sc:
            m = re.match(r"gz_csrf=([0-9a-f]+)", sc)
            self.cookie = m.group(1)
        page = body.decode("utf-8", "replace")
        m = re.search(r'name="csrf" value="([^"]*)"', page)
        if m:
            self.csrf = m.group(1)
        return st, hdrs, page

    def post(self, author="Reader", body="A comment.", email="", url="",
             parent="", extra=(), csrf=None, cookie=None, headers=None,
             content_type="application/x-www-form-urlencoded", raw=None):
        if self.cookie is None or self.csrf is None:
            self.load()
        fields = [("csrf", self.csrf if csrf is None else csrf),
                  ("author", author), ("email", email), ("url", url),
                  ("body", body), ("parent", str(parent)), ("website2", "")]
        d = dict(extra)
        fields = [(k, d.pop(k)) if k in d else (k, v) for k, v in fields]
        fields += list(d.items())
        fields = [f for f in fields if f[1] is not False]
        data = raw if raw is not None else enc(fields)
        h = {"Content-Type": content_type}
        ck = self.cookie if cookie is None else cookie
        jar = []
        if ck:
            jar.append("gz_csrf=" + ck)
        if self.commenter:
            jar.append("gz_commenter=" + self.commenter)
        if jar:
            h["Cookie"] = "; ".join(jar)
        h.update(headers or {})
        st, hdrs, b = self.srv.request("POST", self.article + "/comments",
                                       body=data, headers=h)
        m = re.match(r"gz_commenter=([0-9a-f]+)", hdrs.get("set-cookie", ""))
        if m:
            self.commenter = m.group(1)
        return st, hdrs, b.decode("utf-8", "replace")

    def post_ok(self, **kw):
        """Posts and returns the new comment's id (published ones)."""
        st, h, page = self.post(**kw)
        loc = h.get("location", "")
        m = re.search(r"#c-(\d+)$", loc)
        if st != 303 or not m:
            raise AssertionError("post failed: %d %s %s" % (st, loc, page[:500]))
        return int(m.group(1))


class Comments(html.parser.HTMLParser):
    """Each comment's id, nesting level (1: top-level) and the id of the
    comment whose article element holds it."""

    def __init__(self):
        super().__init__()
        self.stack = []     # open <article> ids ("" for non-comments)
        self.level = {}
        self.parent = {}
        self.order = []
        self.ids = set()
        self.form = {}
        self.in_form = False
        self.textarea = None
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "article":
            cid = ""
            if "comment" in (a.get("class") or "").split():
                cid = a.get("id", "")
                enclosing = [x for x in self.stack if x]
                self.level[cid] = len(enclosing) + 1
                self.parent[cid] = enclosing[-1] if enclosing else None
                self.order.append(cid)
            self.stack.append(cid)
        if tag == "form":
            self.in_form = True
        if self.in_form and tag == "input" and "name" in a:
            self.form[a["name"]] = a.get("value", "")
        if self.in_form and tag == "textarea":
            self.textarea = a.get("name")
            self.form[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "article" and self.stack:
            self.stack.pop()
        if tag == "form":
            self.in_form = False
        if tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.form[self.textarea] += data
        self.text.append(data)


def comments_of(page):
    p = Comments()
    p.feed(page)
    p.close()
    return p
