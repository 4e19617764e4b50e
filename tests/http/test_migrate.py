"""test_migrate.py: gazette migrate between SQLite and PostgreSQL.

# needs: pg
(The line above makes tests/run.sh run this file in its pg suite only: it
needs both backends at once, and fails there if PostgreSQL is missing.)
"""
import os
import re
import sqlite3

from lib import Server, TempDir, check, db_query, eq, gazette, new_db, run_tests, text

TABLES = [
    ("users", "id"), ("articles", "id"), ("tags", "id"),
    ("article_tags", "article_id, tag_id"), ("comments", "id"), ("settings", "key"),
    ("sessions", "hash"), ("api_tokens", "id"), ("revisions", "id"), ("redirects", "old_path"),
]
ARTICLE = "/2022/01/china-offers-kazakhstan-security-cooperation"


def dump(path):
    """Every row of every table of a SQLite site, by primary key."""
    c = sqlite3.connect(path)
    try:
        return {t: c.execute("SELECT * FROM %s ORDER BY %s" % (t, k)).fetchall() for t, k in TABLES}
    finally:
        c.close()


def checksums(out):
    return re.findall(r"^checksum (source|target) ([0-9a-f]{64})$", out, re.M)


def make_site(d):
    """A SQLite site with rows in every table: the demo (an article with
    comments), more articles (a draft, accents, shared tags; each with its
    first revision), an edit, a user with a token and a session, a thread
    of comments with a NULL parent and real spam scores, an old link."""
    db = new_db(d, "origin", backend="sqlite")
    gazette("demo", db=db, check_rc=0)
    for i in range(3):
        d.file("in/%d.md" % i, "---\ntitle: \u00dcr\u00fcmqi story %d\ndate: 2023-02-0%dT08:00:00Z\n"
               "tags: [Kazakhstan, \"Caf\u00e9 Culture\"]\n%s---\nBody %d with *emphasis*.\n"
               % (i, i + 1, "status: draft\n" if i == 2 else "", i))
    gazette("import", os.path.join(d.path, "in"), db=db, check_rc=0)
    gazette("user", "add", "ann", "--role", "admin", "--display-name", "Ann \u00c5", db=db,
            stdin=b"correct horse battery staple", check_rc=0)
    gazette("token", "create", "ann", db=db, check_rc=0)
    c = sqlite3.connect(db)
    c.execute("PRAGMA foreign_keys = ON")
    uid = c.execute("SELECT id FROM users WHERE name = 'ann'").fetchone()[0]
    c.execute("UPDATE articles SET author_id = ? WHERE id = 1", (uid,))
    c.execute("INSERT INTO sessions VALUES ('s3ss10n-hash', ?, 'csrf', 1700000000, 1700000100)", (uid,))
    c.execute("INSERT INTO revisions (article_id, version, editor, title, slug, summary, body_md, tags, "
              "status, published_at, created_at) SELECT id, version + 1, 'ann', title || ' (edited)', "
              "slug, summary, body_md, 'Kazakhstan', status, published_at, 1700000200 FROM articles "
              "WHERE id = 2")
    c.execute("UPDATE articles SET version = version + 1 WHERE id = 2")
    c.execute("INSERT INTO comments (id, article_id, parent_id, thread_id, depth, author, email, url, "
              "body_md, body_html, status, client_hash, spam_score, created_at, updated_at) VALUES "
              "(10, 1, NULL, 10, 0, 'Bo', 'bo@example.org', '', 'First!', '<p>First!</p>', 'approved', "
              "'h1', 0.125, 1, 2),"
              "(11, 1, 10, 10, 1, 'Cy', '', 'https://example.org/', 'Re', '<p>Re</p>', 'pending', 'h2', "
              "0.7, 3, 4)")
    c.execute("UPDATE articles SET comment_count = comment_count + 1 WHERE id = 1")
    c.execute("INSERT INTO redirects VALUES ('/?p=42', 1), ('/2019/05/old-story.html', 2)")
    c.commit()
    c.close()
    return db


def same_page(a, b):
    """Two servers' pages: byte for byte (nothing per visitor in them)."""
    return a == b


def test_round_trip():
    d = TempDir()
    origin = make_site(d)
    before = dump(origin)
    pg = new_db(d, "target", backend="pg")
    rc, out1, err = gazette("migrate", "--from", origin, "--to", pg)
    eq(rc, 0, "sqlite -> pg: " + err)
    check("row counts and checksums match" in err, "report: " + err)
    sums1 = checksums(out1)
    eq(len(sums1), 2, "two checksums printed: " + out1)
    check(len(sums1) == 2 and sums1[0][1] == sums1[1][1], "source and target checksums equal")
    for t, _ in TABLES:
        n = len(before[t])
        check(n > 0, "the site has rows in " + t)
        check(re.search(r"^%s\s+%d\s+%d$" % (t, n, n), out1, re.M) is not None,
              "%s counted on both sides: %s" % (t, out1))
    eq(db_query(pg, "SELECT count(*) FROM articles")[0][0], 4, "articles on pg")
    eq(db_query(pg, "SELECT parent_id, spam_score FROM comments WHERE id >= 10 ORDER BY id"),
       [(None, 0.125), (10, 0.7)], "NULL and real values on pg")

    back = new_db(d, "back", backend="sqlite")
    rc, out2, err = gazette("migrate", "--from", pg, "--to", back)
    eq(rc, 0, "pg -> sqlite: " + err)
    sums2 = checksums(out2)
    check(sums1 == sums2, "same checksum all the way: %r %r" % (sums1, sums2))
    after = dump(back)
    for t, _ in TABLES:
        eq(after[t], before[t], "table %s identical after the round trip" % t)

    # The copy is a working site: new ids follow the copied ones, and a
    # node on PostgreSQL serves the same article page.
    d.file("more/x.md", "---\ntitle: After the move\ndate: 2023-03-01T00:00:00Z\n---\nNew.\n")
    rc, _, err = gazette("import", os.path.join(d.path, "more"), db=pg)
    eq(rc, 0, "import after migrate: " + err)
    eq(db_query(pg, "SELECT id FROM articles WHERE slug = 'after-the-move'")[0][0], 5, "next id")
    same = ["--no-access-log", "--base-url", "https://news.example"]
    a = Server(origin, args=same)
    b = Server(pg, args=same)
    try:
        sa, _, ba = a.get(ARTICLE)
        sb, _, bb = b.get(ARTICLE)
        eq((sa, sb), (200, 200), "article on both")
        check(same_page(ba, bb), "same article page from either backend")
    finally:
        a.stop()
        b.stop()
    d.cleanup()


def test_refuses_non_empty_target():
    d = TempDir()
    origin = make_site(d)
    for backend in ("pg", "sqlite"):
        used = new_db(d, "used_" + backend, backend=backend)
        gazette("demo", db=used, check_rc=0)
        rc, out, err = gazette("migrate", "--from", origin, "--to", used)
        check(rc != 0 and "already holds a site" in err, backend + ": refused: " + err)
        eq(db_query(used, "SELECT count(*) FROM articles")[0][0], 1, backend + ": target untouched")
        eq(db_query(used, "SELECT count(*) FROM comments WHERE id >= 10")[0][0], 0,
           backend + ": no comments copied")
        # A settings row alone (what `init` writes) makes a site too.
        inited = new_db(d, "inited_" + backend, backend=backend)
        gazette("init", db=inited, check_rc=0)
        rc, _, err = gazette("migrate", "--from", origin, "--to", inited)
        check(rc != 0 and "already holds a site" in err, backend + ": initialised target refused: " + err)
    d.cleanup()


def test_usage():
    d = TempDir()
    rc, _, err = gazette("migrate", "--from", "x.db")
    eq(rc, 2, "no --to is a usage error")
    check("usage: gazette migrate" in err, "usage shown")
    rc, _, err = gazette("migrate", "--from", os.path.join(d.path, "none.db"),
                         "--to", new_db(d, "t", backend="pg"))
    check(rc != 0 and "no such database file" in err, "missing source: " + err)
    check(not os.path.exists(os.path.join(d.path, "none.db")), "missing source not created")
    rc, _, err = gazette("migrate", "--from", "postgresql://nobody:secret@127.0.0.1:1/none",
                         "--to", os.path.join(d.path, "t.db"))
    check(rc != 0 and "cannot open" in err, "unreachable source: " + err)
    check("secret" not in err, "password not printed: " + err)
    rc, out, _ = gazette("migrate", "--help")
    check(rc == 0 and "checksum" in out, "help")
    d.cleanup()


run_tests("migrate", [test_round_trip, test_refuses_non_empty_target, test_usage])
