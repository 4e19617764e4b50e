"""test_api.py: the JSON API /api/v1/articles against a real server:
every endpoint, every error status, token rights per role, keyset cursor
pagination over 1,000 articles while articles are being added, hostile
bodies, and nothing written by a refused request."""
import json
import os
import socket
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from lib import (TempDir, check, db_query, eq, gazette,  # noqa: E402
                 run_tests, status_of)
from api_lib import Site, problem  # noqa: E402

def test_crud_and_fields():
    d = TempDir()
    s = Site(d)
    try:
        art = {"title": "Protests in Kazakhstan", "body_markdown": "Fuel *prices* doubled.\n\n## Experts\n",
               "tags": ["Central Asia", "China"], "summary": "Fuel prices.", "status": "published",
               "published_at": "2022-01-10T09:30:00Z"}
        st, hd, doc = s.req("POST", "/api/v1/articles", art, who="eve")
        eq(st, 201, "create")
        eq(hd.get("location"), "/api/v1/articles/protests-in-kazakhstan", "Location")
        eq(doc["slug"], "protests-in-kazakhstan", "slug from title")
        eq(doc["title"], art["title"], "title")
        eq(doc["body_markdown"], art["body_markdown"], "body_markdown kept")
        check("<em>prices</em>" in doc["body_html"] and '<h2 id="experts">' in doc["body_html"], "body_html rendered")
        eq(doc["tags"], ["Central Asia", "China"], "tags")
        eq(doc["author"], "eve", "author is the token user's byline")
        eq(doc["status"], "published", "status")
        eq(doc["published_at"], "2022-01-10T09:30:00Z", "published_at")
        eq(doc["url"], "https://news.example/2022/01/protests-in-kazakhstan", "absolute url")
        eq(doc["version"], 1, "version")
        check("updated_at" in doc and "created_at" in doc, "times present")
        check("set-cookie" not in hd, "no Set-Cookie on write")

        # Public read: no token, CORS open.
        st, hd, doc = s.req("GET", "/api/v1/articles/protests-in-kazakhstan")
        eq(st, 200, "public get")
        eq(hd.get("access-control-allow-origin"), "*", "CORS on public read")
        eq(hd.get("content-type"), "application/json", "json type")
        eq(doc["title"], art["title"], "get title")
        st, hd, _ = s.srv.request("HEAD", "/api/v1/articles/protests-in-kazakhstan")
        eq(st, 200, "HEAD answered")

        # PUT replaces; omitted slug keeps the URL.
        st, _, doc = s.req("PUT", "/api/v1/articles/protests-in-kazakhstan",
                           {"title": "Protests (updated)", "body_markdown": "New.", "status": "published",
                            "published_at": "2022-01-10T09:30:00Z", "version": 1}, who="eve")
        eq(st, 200, "put")
        eq(doc["title"], "Protests (updated)", "put title")
        eq(doc["tags"], [], "put without tags clears them")
        eq(doc["slug"], "protests-in-kazakhstan", "put keeps slug")
        eq(doc["version"], 2, "version bumped")

        # PATCH is a merge patch: only what is named changes; null removes.
        st, _, doc = s.req("PATCH", "/api/v1/articles/protests-in-kazakhstan",
                           {"tags": ["Kazakhstan"], "summary": None}, who="eve",
                           ctype="application/merge-patch+json")
        eq(st, 200, "patch")
        eq(doc["tags"], ["Kazakhstan"], "patched tags")
        eq(doc["title"], "Protests (updated)", "title untouched")
        eq(doc["summary"], "New.", "null summary → derived again")
        st, _, doc = s.req("PATCH", "/api/v1/articles/protests-in-kazakhstan", {"slug": "protests"}, who="eve")
        eq(st, 200, "patch with application/json too")
        eq(doc["slug"], "protests", "slug renamed")
        st, _, _ = s.req("GET", "/api/v1/articles/protests-in-kazakhstan")
        eq(st, 404, "old slug gone")

        # Stale version → 409; the stored article is untouched.
        st, hd, doc = s.req("PATCH", "/api/v1/articles/protests", {"title": "Stale", "version": 1}, who="eve")
        problem(st, hd, doc, 409, "version", "stale version")
        eq(db_query(s.db, "SELECT title FROM articles WHERE slug='protests'")[0][0], "Protests (updated)",
           "stale write changed nothing")

        # Slug taken → 409.
        s.req("POST", "/api/v1/articles", {"title": "Other", "status": "published"}, who="eve")
        st, hd, doc = s.req("PATCH", "/api/v1/articles/other", {"slug": "protests"}, who="eve")
        problem(st, hd, doc, 409, "slug", "slug taken")

        # HTML bodies go through the allow-list.
        st, _, doc = s.req("POST", "/api/v1/articles",
                           {"title": "Html", "body_format": "html", "status": "published",
                            "body_markdown": '<p onclick="x()">Hi<script>alert(1)</script>'
                                             '<a href="javascript:alert(2)">l</a></p>'}, who="eve")
        eq(st, 201, "html create")
        eq(doc["body_format"], "html", "format")
        eq(doc["body_html"], "<p>Hi<a>l</a></p>", "sanitised")
        eq(doc["body_markdown"], doc["body_html"], "html source kept sanitised")

        # DELETE.
        st, hd, _ = s.req("DELETE", "/api/v1/articles/other", who="eve")
        eq(st, 204, "delete")
        st, _, _ = s.req("GET", "/api/v1/articles/other")
        eq(st, 404, "deleted")
        st, hd, doc = s.req("DELETE", "/api/v1/articles/other", who="eve")
        problem(st, hd, doc, 404, None, "delete again")
    finally:
        s.stop()
        d.cleanup()


def test_errors():
    d = TempDir()
    s = Site(d)
    try:
        s.req("POST", "/api/v1/articles", {"title": "A", "status": "published"}, who="eve")
        # 400: malformed JSON with line and column.
        st, hd, doc = s.req("POST", "/api/v1/articles", '{"title": "x",\n "body_markdown": }', who="eve")
        problem(st, hd, doc, 400, None, "malformed")
        eq(doc.get("line"), 2, "malformed line")
        check(isinstance(doc.get("column"), int), "malformed column")
        # 400: deep nesting, refused before parsing.
        st, hd, doc = s.req("POST", "/api/v1/articles", '{"tags":' + "[" * 100000 + "]" * 100000 + "}", who="eve")
        problem(st, hd, doc, 400, None, "deep nesting")
        check("nests" in doc["detail"], "depth named")
        # 400: huge numbers, invalid UTF-8, duplicate keys, empty body.
        st, hd, doc = s.req("POST", "/api/v1/articles", '{"title":"x","version":1' + "0" * 400 + "}", who="eve")
        problem(st, hd, doc, 400, None, "huge integer")
        st, hd, doc = s.req("POST", "/api/v1/articles", '{"title":"x","version":1e999}', who="eve")
        problem(st, hd, doc, 400, None, "huge real")
        st, hd, doc = s.req("POST", "/api/v1/articles", b'{"title":"\xff\xfe"}', who="eve")
        problem(st, hd, doc, 400, None, "invalid UTF-8")
        st, hd, doc = s.req("POST", "/api/v1/articles", '{"title":"a","title":"b"}', who="eve")
        problem(st, hd, doc, 400, None, "duplicate key")
        st, hd, doc = s.req("POST", "/api/v1/articles", "", who="eve")
        problem(st, hd, doc, 400, None, "empty body")
        # 400: unknown or repeated query parameters, bad cursor and limit.
        for q, f in (("?utm_source=x", "utm_source"), ("?limit=0", "limit"), ("?limit=101", "limit"),
                     ("?limit=abc", "limit"), ("?cursor=zzz", "cursor"), ("?status=gone", "status"),
                     ("?limit=5&limit=6", "limit"), ("?tag=Not%20A%20Slug", "tag")):
            st, hd, doc = s.req("GET", "/api/v1/articles" + q)
            problem(st, hd, doc, 400, f, "query " + q)
        st, hd, doc = s.req("GET", "/api/v1/articles/a?x=1")
        problem(st, hd, doc, 400, None, "query on an item")
        # 401: writes without a token, with a bad one, with a cookie only.
        st, hd, doc = s.req("POST", "/api/v1/articles", {"title": "x"})
        problem(st, hd, doc, 401, None, "no token")
        check("bearer" in hd.get("www-authenticate", "").lower(), "WWW-Authenticate")
        st, hd, doc = s.req("POST", "/api/v1/articles", {"title": "x"},
                            headers={"Authorization": "Bearer gz_nope"})
        problem(st, hd, doc, 401, None, "bad token")
        st, hd, doc = s.req("POST", "/api/v1/articles", {"title": "x"},
                            headers={"Authorization": "Basic YWRhOnB3"})
        problem(st, hd, doc, 401, None, "basic auth")
        st, hd, doc = s.req("DELETE", "/api/v1/articles/a", headers={"Cookie": "gz_session=whatever"})
        problem(st, hd, doc, 401, None, "cookie is not a credential")
        # 404: unknown article, unknown API path.
        st, hd, doc = s.req("GET", "/api/v1/articles/nope")
        problem(st, hd, doc, 404, None, "unknown slug")
        st, hd, doc = s.req("GET", "/api/v1/nothing/here")
        problem(st, hd, doc, 404, None, "unknown API path")
        # 405 with Allow.
        st, hd, doc = s.req("DELETE", "/api/v1/articles", who="eve")
        problem(st, hd, doc, 405, None, "delete on the list")
        check("POST" in hd.get("allow", "") and "GET" in hd.get("allow", ""), "Allow on 405: %r" % hd.get("allow"))
        st, hd, doc = s.req("POST", "/api/v1/articles/a", {"title": "x"}, who="eve")
        problem(st, hd, doc, 405, None, "post on an item")
        check("PATCH" in hd.get("allow", ""), "Allow lists PATCH")
        st, hd, _ = s.req("OPTIONS", "/api/v1/articles/a")
        eq(st, 204, "OPTIONS")
        check("PUT" in hd.get("allow", ""), "OPTIONS Allow")
        # 413: past the body limit.
        # (announced by Content-Length: answered before the body is sent)
        raw = s.srv.raw(("POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                         "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n{"
                         % (s.tok["eve"], 1024 * 1024 + 10)).encode(), timeout=5)
        eq(status_of(raw), 413, "too large")
        # 415: wrong content type.
        for ct in ("text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", None):
            st, hd, doc = s.req("POST", "/api/v1/articles", {"title": "x"}, who="eve", ctype=ct)
            problem(st, hd, doc, 415, None, "content type %r" % ct)
        st, hd, doc = s.req("PUT", "/api/v1/articles/a", {"title": "x"}, who="eve",
                            ctype="application/merge-patch+json")
        problem(st, hd, doc, 415, None, "merge patch is for PATCH only")
        st, hd, doc = s.req("POST", "/api/v1/articles", {"title": "x"}, who="eve",
                            ctype="Application/JSON; charset=UTF-8")
        eq(st, 201, "media type case-insensitive, charset=utf-8 taken")
        # 422: rules, each naming the field.
        cases = [
            ({"titel": "x"}, "titel"),
            ({"title": "x", "extra": {"nested": 1}}, "extra"),
            ({"body_markdown": "no title"}, "title"),
            ({"title": ""}, "title"),
            ({"title": "   "}, "title"),
            ({"title": 5}, "title"),
            ({"title": None}, "title"),
            ({"title": "a\nb"}, "title"),
            ({"title": "x" * 301}, "title"),
            ({"title": "x", "slug": "Bad Slug"}, "slug"),
            ({"title": "x", "slug": "-x"}, "slug"),
            ({"title": "x", "status": "live"}, "status"),
            ({"title": "x", "status": ["published"]}, "status"),
            ({"title": "x", "published_at": "10/01/2022"}, "published_at"),
            ({"title": "x", "published_at": 1641807000}, "published_at"),
            ({"title": "x", "status": "scheduled"}, "published_at"),
            ({"title": "x", "tags": "a, b"}, "tags"),
            ({"title": "x", "tags": ["ok", 3]}, "tags[1]"),
            ({"title": "x", "tags": ["ok", "!!!"]}, "tags[1]"),
            ({"title": "x", "tags": ["t%d" % i for i in range(65)]}, "tags"),
            ({"title": "x", "version": "1"}, "version"),
            ({"title": "x", "version": 1.5}, "version"),
            ({"title": "x", "body_format": "rtf"}, "body_format"),
            ({"title": "x\u0000y"}, "title"),
            ({"title": "x", "body_markdown": "a\u0000b"}, "body_markdown"),
            ({"title": "x", "author": "\u0007bell"}, "author"),
            ({"title": "!!!"}, "slug"),
        ]
        for body, field in cases:
            st, hd, doc = s.req("POST", "/api/v1/articles", body, who="eve")
            problem(st, hd, doc, 422, field, "rule %r" % (body,))
        for top in ("[1,2]", '"x"', "42", "null"):
            st, hd, doc = s.req("POST", "/api/v1/articles", top, who="eve")
            problem(st, hd, doc, 422, None, "top-level " + top)
        # Nothing partially written by any of that.
        eq(db_query(s.db, "SELECT count(*) FROM articles")[0][0], 2, "only the two good articles exist")
        eq(db_query(s.db, "SELECT count(*) FROM revisions")[0][0], 2, "no stray revisions")
    finally:
        s.stop()
        d.cleanup()


def test_roles():
    d = TempDir()
    s = Site(d)
    try:
        # Authors write drafts under their own byline, cannot publish.
        st, hd, doc = s.req("POST", "/api/v1/articles", {"title": "Abe draft"}, who="abe")
        eq(st, 201, "author creates a draft")
        eq(doc["status"], "draft", "default status draft")
        eq(doc["url"], None, "a draft has no public url")
        st, hd, doc = s.req("POST", "/api/v1/articles", {"title": "Abe pub", "status": "published"}, who="abe")
        problem(st, hd, doc, 403, "status", "author cannot publish")
        st, hd, doc = s.req("POST", "/api/v1/articles", {"title": "Abe sch", "status": "scheduled",
                                                         "published_at": "2031-01-01T00:00:00Z"}, who="abe")
        problem(st, hd, doc, 403, "status", "author cannot schedule")
        st, hd, doc = s.req("POST", "/api/v1/articles", {"title": "Ghost", "author": "Somebody"}, who="abe")
        problem(st, hd, doc, 403, "author", "author under another byline")
        st, hd, doc = s.req("PATCH", "/api/v1/articles/abe-draft", {"status": "published"}, who="abe")
        problem(st, hd, doc, 403, "status", "author cannot publish by patch")
        st, _, doc = s.req("PATCH", "/api/v1/articles/abe-draft", {"body_markdown": "more"}, who="abe")
        eq(st, 200, "author edits own draft")
        # Drafts are invisible to the public and to other authors: 404,
        # as for a slug nobody has, so drafts' slugs cannot be probed.
        st, hd, doc = s.req("GET", "/api/v1/articles/abe-draft")
        problem(st, hd, doc, 404, None, "draft hidden from the public")
        st, hd, doc = s.req("GET", "/api/v1/articles/abe-draft", who="amy")
        problem(st, hd, doc, 404, None, "draft of another author")
        st, hd, doc = s.req("PATCH", "/api/v1/articles/abe-draft", {"title": "mine"}, who="amy")
        problem(st, hd, doc, 404, None, "other author cannot edit")
        st, hd, doc = s.req("DELETE", "/api/v1/articles/abe-draft", who="amy")
        problem(st, hd, doc, 404, None, "other author cannot delete")
        st, hd, _ = s.req("GET", "/api/v1/articles/abe-draft", who="abe")
        eq(st, 200, "own draft readable")
        eq(hd.get("access-control-allow-origin"), None, "no CORS on a token read")
        # Editors and admins act on everything and publish.
        st, _, doc = s.req("PATCH", "/api/v1/articles/abe-draft", {"status": "published"}, who="eve")
        eq(st, 200, "editor publishes an author's draft")
        eq(doc["author"], "abe", "byline kept")
        st, _, _ = s.req("GET", "/api/v1/articles/abe-draft")
        eq(st, 200, "now public")
        st, hd, doc = s.req("DELETE", "/api/v1/articles/abe-draft", who="abe")
        problem(st, hd, doc, 403, None, "author cannot delete a published article")
        st, _, _ = s.req("PATCH", "/api/v1/articles/abe-draft", {"title": "Edited by admin"}, who="ada")
        eq(st, 200, "admin edits")
        # Non-public listings need a token; authors see only their own.
        s.req("POST", "/api/v1/articles", {"title": "Amy draft"}, who="amy")
        s.req("POST", "/api/v1/articles", {"title": "Eve draft"}, who="eve")
        st, hd, doc = s.req("GET", "/api/v1/articles?status=draft")
        problem(st, hd, doc, 401, None, "draft list needs a token")
        st, _, doc = s.req("GET", "/api/v1/articles?status=draft", who="eve")
        eq(sorted(a["slug"] for a in doc["items"]), ["amy-draft", "eve-draft"], "editor sees all drafts")
        st, _, doc = s.req("GET", "/api/v1/articles?status=draft", who="amy")
        eq([a["slug"] for a in doc["items"]], ["amy-draft"], "author sees own drafts")
        st, hd, doc = s.req("GET", "/api/v1/articles?status=draft&author=eve", who="amy")
        eq((st, doc["items"]), (200, []), "author cannot list another's drafts")
        # A revoked token stops at once.
        gazette("token", "revoke", "1", db=s.db, check_rc=0)
        st, hd, doc = s.req("POST", "/api/v1/articles", {"title": "after revoke"}, who="ada")
        problem(st, hd, doc, 401, None, "revoked token")
    finally:
        s.stop()
        d.cleanup()


def test_author_and_live_articles():
    """An author's token may not rewrite, unpublish or delete an article
    once an editor published it: the API asks the same ACL rule as the
    admin pages, which refuse it too."""
    d = TempDir()
    s = Site(d)
    try:
        st, _, doc = s.req("POST", "/api/v1/articles", {"title": "Abe story", "body_markdown": "draft"},
                           who="abe")
        eq(st, 201, "author creates a draft")
        st, _, doc = s.req("PATCH", "/api/v1/articles/abe-story", {"status": "published"}, who="eve")
        eq(st, 200, "editor publishes it")
        live = db_query(s.db, "SELECT title, body_md, status, version FROM articles WHERE slug = 'abe-story'")
        st, hd, doc = s.req("PATCH", "/api/v1/articles/abe-story", {"title": "Rewritten", "body_markdown": "x"},
                            who="abe")
        problem(st, hd, doc, 403, None, "author rewrites a live article")
        st, hd, doc = s.req("PUT", "/api/v1/articles/abe-story",
                            {"title": "Rewritten", "status": "published"}, who="abe")
        problem(st, hd, doc, 403, None, "author replaces a live article")
        st, hd, doc = s.req("PATCH", "/api/v1/articles/abe-story", {"status": "draft"}, who="abe")
        problem(st, hd, doc, 403, None, "author unpublishes a live article")
        st, hd, doc = s.req("DELETE", "/api/v1/articles/abe-story", who="abe")
        problem(st, hd, doc, 403, None, "author deletes a live article")
        eq(db_query(s.db, "SELECT title, body_md, status, version FROM articles WHERE slug = 'abe-story'"),
           live, "the live article is untouched")
        st, _, doc = s.req("GET", "/api/v1/articles/abe-story", who="abe")
        eq((st, doc and doc["title"]), (200, "Abe story"), "the author still reads it")
        # Scheduled is live too.
        s.req("POST", "/api/v1/articles", {"title": "Abe later"}, who="abe")
        st, _, _ = s.req("PATCH", "/api/v1/articles/abe-later",
                         {"status": "scheduled", "published_at": "2099-01-01T00:00:00Z"}, who="eve")
        eq(st, 200, "editor schedules it")
        st, hd, doc = s.req("PATCH", "/api/v1/articles/abe-later", {"title": "Sooner"}, who="abe")
        problem(st, hd, doc, 403, None, "author edits a scheduled article")
        st, hd, doc = s.req("DELETE", "/api/v1/articles/abe-later", who="abe")
        problem(st, hd, doc, 403, None, "author deletes a scheduled article")
        # Once an editor turns it back into a draft, it is the author's again.
        st, _, _ = s.req("PATCH", "/api/v1/articles/abe-later", {"status": "draft"}, who="eve")
        eq(st, 200, "editor unschedules")
        st, _, _ = s.req("PATCH", "/api/v1/articles/abe-later", {"title": "Sooner"}, who="abe")
        eq(st, 200, "author edits own draft again")
        st, _, _ = s.req("DELETE", "/api/v1/articles/abe-later", who="abe")
        eq(st, 204, "author deletes own draft")
        # Editors and admins keep every right on live articles.
        st, _, _ = s.req("PATCH", "/api/v1/articles/abe-story", {"title": "Edited"}, who="eve")
        eq(st, 200, "editor edits live")
        st, _, _ = s.req("DELETE", "/api/v1/articles/abe-story", who="ada")
        eq(st, 204, "admin deletes live")
    finally:
        s.stop()
        d.cleanup()


def test_drafts_by_owner():
    """Whose draft it is is its author_id, not its byline text: an editor's
    draft under an author's byline is not that author's to list or read,
    and an author's own draft stays theirs under any byline."""
    d = TempDir()
    s = Site(d)
    try:
        st, _, _ = s.req("POST", "/api/v1/articles", {"title": "Eve as abe", "author": "abe"}, who="eve")
        eq(st, 201, "editor writes a draft under abe's byline")
        st, _, _ = s.req("POST", "/api/v1/articles", {"title": "Abe own"}, who="abe")
        eq(st, 201, "abe's own draft")
        st, _, _ = s.req("PATCH", "/api/v1/articles/abe-own", {"author": "Guest writer"}, who="eve")
        eq(st, 200, "editor gives abe's draft another byline")
        st, _, doc = s.req("GET", "/api/v1/articles?status=draft", who="abe")
        eq(st, 200, "author lists drafts")
        eq(sorted(a["slug"] for a in doc["items"]), ["abe-own"], "only drafts abe owns, whatever the byline")
        st, _, doc = s.req("GET", "/api/v1/articles?status=draft&author=abe", who="abe")
        eq([a["slug"] for a in doc["items"]], [], "a byline filter does not widen an author's list")
        st, hd, doc = s.req("GET", "/api/v1/articles/eve-as-abe", who="abe")
        problem(st, hd, doc, 404, None, "another's draft under my byline is not found")
        st, hd, doc = s.req("GET", "/api/v1/articles/eve-as-abe/comments", who="abe")
        problem(st, hd, doc, 404, None, "nor its comments")
        st, _, doc = s.req("GET", "/api/v1/articles/abe-own", who="abe")
        eq(st, 200, "own draft under another byline")
        st, _, doc = s.req("GET", "/api/v1/articles?status=draft", who="eve")
        eq(sorted(a["slug"] for a in doc["items"]), ["abe-own", "eve-as-abe"], "an editor lists every draft")
    finally:
        s.stop()
        d.cleanup()


def test_list_filters():
    d = TempDir()
    s = Site(d)
    try:
        for i, (tag, who) in enumerate([("china", "eve"), ("china", "ada"), ("economy", "eve")]):
            s.req("POST", "/api/v1/articles", {"title": "L%d" % i, "tags": [tag], "status": "published",
                                               "published_at": "2022-01-%02dT00:00:00Z" % (i + 1)}, who=who)
        s.req("POST", "/api/v1/articles", {"title": "Future", "status": "scheduled",
                                           "published_at": "2099-01-01T00:00:00Z"}, who="eve")
        st, hd, doc = s.req("GET", "/api/v1/articles")
        eq([a["slug"] for a in doc["items"]], ["l2", "l1", "l0"], "public list newest first, no scheduled")
        eq(doc["next_cursor"], None, "last page has a null cursor")
        st, _, doc = s.req("GET", "/api/v1/articles?tag=china")
        eq([a["slug"] for a in doc["items"]], ["l1", "l0"], "tag filter")
        st, _, doc = s.req("GET", "/api/v1/articles?author=eve")
        eq([a["slug"] for a in doc["items"]], ["l2", "l0"], "author filter")
        st, _, doc = s.req("GET", "/api/v1/articles?status=scheduled", who="eve")
        eq([a["slug"] for a in doc["items"]], ["future"], "scheduled list")
        st, _, doc = s.req("GET", "/api/v1/articles?limit=2")
        eq(len(doc["items"]), 2, "limit")
        st, _, doc2 = s.req("GET", "/api/v1/articles?limit=2&cursor=" + doc["next_cursor"])
        eq([a["slug"] for a in doc2["items"]], ["l0"], "second page")
    finally:
        s.stop()
        d.cleanup()


def test_pagination_while_adding():
    """1,000 articles paged 37 at a time while another client publishes
    new ones: every original article is seen exactly once."""
    d = TempDir()
    s = Site(d, "page")
    try:
        md = os.path.join(d.path, "md")
        os.makedirs(md)
        for i in range(1000):
            # Several share a timestamp so the id breaks ties.
            with open(os.path.join(md, "a%04d.md" % i), "w") as f:
                f.write("---\ntitle: Article %d\ndate: 2020-01-01T%02d:%02d:00Z\n---\nBody %d.\n"
                        % (i, (i // 3) // 60 % 24, (i // 3) % 60, i))
        gazette("import", md, db=s.db, check_rc=0)
        want = {r[0] for r in db_query(s.db, "SELECT slug FROM articles")}
        eq(len(want), 1000, "1,000 imported")
        stop = threading.Event()
        added = []

        def writer():
            n = 0
            while not stop.is_set() and n < 200:
                st, _, _ = s.req("POST", "/api/v1/articles",
                                 {"title": "New %d" % n, "status": "published"}, who="eve")
                if st == 201:
                    added.append(n)
                n += 1

        t = threading.Thread(target=writer)
        t.start()
        seen = []
        cursor = None
        pages = 0
        try:
            while True:
                q = "/api/v1/articles?limit=37" + ("&cursor=" + cursor if cursor else "")
                st, _, doc = s.req("GET", q)
                if not eq(st, 200, "page %d" % pages):
                    break
                seen += [a["slug"] for a in doc["items"]]
                pages += 1
                cursor = doc["next_cursor"]
                if cursor is None or pages > 100:
                    break
        finally:
            stop.set()
            t.join()
        old = [x for x in seen if x in want]
        eq(len(old), 1000, "every original article seen")
        eq(len(set(seen)), len(seen), "no duplicates")
        eq(set(old), want, "no gaps")
        check(len(added) > 0, "articles were added meanwhile")
    finally:
        s.stop()
        d.cleanup()


def parse_raw(raw):
    """(status, headers dict, body) of one raw response."""
    head, _, body = raw.partition(b"\r\n\r\n")
    hd = {}
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        hd[k.decode().strip().lower()] = v.decode("latin-1").strip()
    return status_of(raw), hd, body


def test_layer_errors():
    """Errors the HTTP layer raises before the API sees the request are
    problem documents under /api/v1 too, and short HTML pages on reader
    and admin paths: the same one function decides both by path."""
    d = TempDir()
    s = Site(d)
    try:
        big = 1024 * 1024 + 10
        kinds = [
            (400, "bad target", b"GET {p}\x01 HTTP/1.1\r\nHost: x\r\n\r\n"),
            (400, "two Host headers", b"GET {p} HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"),
            (400, "field name not a token", b"GET {p} HTTP/1.1\r\nHost: x\r\nX(Y): z\r\n\r\n"),
            (400, "blank before the colon", b"GET {p} HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello"),
            (400, "no Host", b"GET {p} HTTP/1.1\r\n\r\n"),
            (400, "ambiguous framing", b"POST {p} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                                       b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            (413, "body announced too large", b"POST {p} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                              b"Content-Length: %d\r\n\r\n{" % big),
            (414, "target too long", b"GET {p}?" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
            (431, "header fields too large", b"GET {p} HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 28000 + b"\r\n\r\n"),
            (501, "unknown method", b"BREW {p} HTTP/1.1\r\nHost: x\r\n\r\n"),
            (501, "unknown transfer coding", b"POST {p} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"),
            (505, "HTTP/1.2", b"GET {p} HTTP/1.2\r\nHost: x\r\n\r\n"),
        ]
        for path in (b"/api/v1/articles", b"/api/v1/search", b"/api/v1/nothing"):
            for want, what, raw in kinds:
                st, hd, body = parse_raw(s.srv.raw(raw.replace(b"{p}", path), timeout=5))
                what = "%s %s" % (path.decode(), what)
                doc = None
                try:
                    doc = json.loads(body)
                except ValueError:
                    pass
                problem(st, hd, doc, want, None, what)
                check(isinstance(doc, dict) and doc.get("detail"), what + ": the problem says what")
        # 405 from the layer (the search API has only GET), with Allow
        st, hd, doc = s.req("POST", "/api/v1/search", {"q": "x"})
        problem(st, hd, doc, 405, None, "POST on the search API")
        check("GET" in hd.get("allow", ""), "Allow on the layer's 405: %r" % hd.get("allow"))
        # 413 at the end of a chunked body past the limit
        c = socket.create_connection(("127.0.0.1", s.srv.port), timeout=10)
        c.sendall(b"POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"
        for _ in range(20):
            c.sendall(chunk)
        c.sendall(b"0\r\n\r\n")
        data = b""
        while True:
            b = c.recv(65536)
            if not b:
                break
            data += b
        c.close()
        st, hd, body = parse_raw(data)
        problem(st, hd, json.loads(body) if body else None, 413, None, "chunked body too large")
        # the same errors elsewhere are pages, not problem documents
        for path in (b"/", b"/2022/01/a-story", b"/admin/articles"):
            for want, what, raw in kinds:
                st, hd, body = parse_raw(s.srv.raw(raw.replace(b"{p}", path), timeout=5))
                what = "%s %s" % (path.decode(), what)
                eq(st, want, what + " status")
                check(hd.get("content-type", "").startswith("text/html"), what + ": an HTML page, got %r"
                      % hd.get("content-type"))
                check(b"<title>%d " % want in body, what + ": the page names the status")
                check("content-security-policy" in hd, what + ": decorated like every page")
    finally:
        s.stop()
        d.cleanup()


def test_unknown_api_paths():
    """Any path under /api that no API route takes is the API's 404, a
    problem document, whatever reader pattern its shape also fits
    (/:year/:month/:slug took /api/v1/nope); a wrong method on a real one
    is its 405."""
    d = TempDir()
    s = Site(d)
    try:
        for method, path in (("GET", "/api/v1/nope"), ("GET", "/api/v1/comments"),
                             ("GET", "/api/v1/"), ("GET", "/api/v2/x"), ("GET", "/api/v1/page/2"),
                             ("GET", "/api/v1/nope/comments.atom"), ("POST", "/api/v2/nope/comments"),
                             ("GET", "/api"), ("GET", "/api/"), ("DELETE", "/api/v1/x/y/z"),
                             ("GET", "/api/v1/nope?utm_source=x")):
            st, hd, doc = s.req(method, path, body={} if method == "POST" else None)
            problem(st, hd, doc, 404, what="%s %s" % (method, path))
        st, hd, doc = s.req("POST", "/api/v1/search?q=x", body={})
        problem(st, hd, doc, 405, what="POST /api/v1/search")
        check("GET" in hd.get("allow", ""), "405 names GET in Allow: %r" % hd.get("allow"))
        st, hd, doc = s.req("GET", "/api/v1/search?q=kazakhstan")
        eq(st, 200, "the search itself still answers")
        check(isinstance(doc, dict) and "items" in doc, "search results: %r" % (doc,))
        # Reader pages of the same shapes are untouched.
        st, _, _ = s.req("GET", "/2022/01/nothing-here")
        eq(st, 404, "a reader 404 stays a reader 404")
    finally:
        s.stop()
        d.cleanup()


run_tests("api", [test_crud_and_fields, test_errors, test_roles, test_author_and_live_articles,
                  test_drafts_by_owner, test_list_filters,
                  test_pagination_while_adding, test_layer_errors, test_unknown_api_paths])
