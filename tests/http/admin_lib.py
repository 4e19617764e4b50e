"""admin_lib.py: a signed-in admin's browser for the admin tests: a cookie
jar, the session's CSRF token picked up from each page, sign-in."""
import html
import re
import urllib.parse

from lib import text

PW = "correct horse battery staple"


def form(fields):
    return urllib.parse.urlencode(fields).encode()


class Browser:
    """A client with a cookie jar (names only, as a browser keeps them),
    optionally from another loopback source address."""

    def __init__(self, srv, source="127.0.0.1"):
        self.srv = srv
        self.source = source
        self.cookies = {}
        self.csrf = None

    def request(self, method, path, body=None, headers=None):
        import http.client
        c = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=30,
                                       source_address=(self.source, 0))
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if body is not None:
            h["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            data = r.read()
            for k, v in r.getheaders():
                if k.lower() == "set-cookie":
                    name, _, rest = v.partition("=")
                    val = rest.split(";")[0]
                    if "Max-Age=0" in v:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = val
            hd = {}
            for k, v in r.getheaders():
                hd.setdefault(k.lower(), v)
            hd["_set_cookie"] = [v for k, v in r.getheaders() if k.lower() == "set-cookie"]
            return r.status, hd, text(data)
        finally:
            c.close()

    def get(self, path):
        st, h, body = self.request("GET", path)
        m = re.search(r'name="csrf" value="([^"]+)"', body)
        if m and not path.startswith("/admin/login"):
            self.csrf = m.group(1)
        return st, h, body

    def post(self, path, fields, csrf=True):
        f = dict(fields)
        if csrf is True:
            f["csrf"] = self.csrf
        elif csrf:
            f["csrf"] = csrf
        return self.request("POST", path, form(f))

    def login(self, name, pw=PW, next_=None):
        # The form as a signed-out browser gets it; the old session
        # cookie, if any, still goes with the POST (rotation is tested).
        old = self.cookies.pop("gz_session", None)
        st, h, body = self.request("GET", "/admin/login")
        if old is not None:
            self.cookies["gz_session"] = old
        m = re.search(r'name="csrf" value="([^"]+)"', body)
        f = {"csrf": m.group(1) if m else "", "username": name, "password": pw}
        if next_:
            f["next"] = next_
        st, h, body = self.request("POST", "/admin/login", form(f))
        if st == 303:
            self.get("/admin")
        return st, h, body


def field(body, name):
    m = re.search(r'name="%s"[^>]*value="([^"]*)"' % re.escape(name), body)
    return html.unescape(m.group(1)) if m else None


def textarea(body):
    m = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', body, re.S)
    return html.unescape(m.group(1)) if m else None
