"""test_cli.py: the command line: help, init, demo, import and its errors."""
import os
import stat

from lib import BACKEND, BIN, ROOT, TempDir, check, db_query, eq, gazette, is_pg, new_db, run_tests

MIGRATIONS = [f for f in os.listdir(os.path.join(ROOT, "src/store/schema/sqlite")) if f.endswith(".sql")]

GOOD = """---
title: {title}
date: 2022-01-{day:02d}T10:00:00Z
tags: [Alpha, "Beta, Gamma"]
---

Body of {title}.
"""


def count(db, sql="SELECT count(*) FROM articles"):
    return db_query(db, sql)[0][0]


def test_help():
    rc, out, err = gazette("help")
    eq(rc, 0, "help exit")
    for cmd in ("init", "serve", "import", "demo"):
        check(("  %s " % cmd) in out, "help lists " + cmd)
    rc, out, _ = gazette("import", "--help")
    eq(rc, 0, "import --help exit")
    check("usage: gazette import" in out, "import usage")
    rc, _, err = gazette("frobnicate")
    check(rc != 0 and "unknown command 'frobnicate'" in err, "unknown command: " + err)
    rc, out, _ = gazette("--version")
    check(rc == 0 and out.startswith("gazette "), "version")


def test_init_idempotent():
    d = TempDir()
    db = new_db(d, "site")
    rc, _, err = gazette("init", db=db)
    eq(rc, 0, "init: " + err)
    v1 = count(db, "SELECT max(version) FROM schema_migrations")
    rc, _, err = gazette("init", db=db)
    eq(rc, 0, "second init: " + err)
    eq(count(db, "SELECT max(version) FROM schema_migrations"), v1, "version unchanged")
    eq(count(db, "SELECT count(*) FROM settings WHERE key = 'client_hash_key'"), 1, "hash key made once")
    # --db after or before the command's other words, and $GAZETTE_DB
    db2 = new_db(d, "env")
    rc, _, err = gazette("init", env={"GAZETTE_DB": db2})
    eq(rc, 0, "init via GAZETTE_DB: " + err)
    check(count(db2, "SELECT count(*) FROM schema_migrations") > 0, "GAZETTE_DB used")
    d.cleanup()


def test_concurrent_init():
    """Nodes starting at once on one fresh database: each migration is
    applied once, and every process succeeds (on PostgreSQL through the
    advisory lock, on SQLite through BEGIN IMMEDIATE)."""
    import subprocess
    d = TempDir()
    db = new_db(d, "race")
    procs = [subprocess.Popen([BIN, "init", "--db", db], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE) for _ in range(6)]
    for p in procs:
        _, err = p.communicate(timeout=60)
        eq(p.returncode, 0, "concurrent init: " + err.decode("utf-8", "replace"))
    eq(db_query(db, "SELECT count(*), count(DISTINCT version) FROM schema_migrations")[0],
       (len(MIGRATIONS), len(MIGRATIONS)), "each migration recorded once")
    d.cleanup()


def test_demo():
    d = TempDir()
    db = new_db(d, "demo")
    rc, _, err = gazette("demo", db=db)
    eq(rc, 0, "demo: " + err)
    row = db_query(db, "SELECT title, slug, published_at, body_html, summary FROM articles")[0]
    tags = [r[0] for r in db_query(db, "SELECT name FROM tags ORDER BY name")]
    check("Kazakhstan" in row[0], "demo title")
    eq(row[2], 1641805200, "demo date 2022-01-10T09:00Z")
    check('<h2 id="protests-in-kazakhstan">Protests in Kazakhstan</h2>' in row[3], "section heading with id")
    check('<h2 id="experts-on-china">Experts on China</h2>' in row[3], "second heading")
    check("Post a Comment" not in row[3], "comment lines are not article text")
    eq(tags, ["Central Asia", "China", "Kazakhstan"], "demo tags")
    rc, _, err = gazette("demo", db=db)
    check(rc != 0 and "already holds articles" in err, "demo refuses a used db: " + err)
    d.cleanup()


def test_import_ok_and_dry_run():
    d = TempDir()
    db = new_db(d, "s")
    files = [d.file("in/a%d.md" % i, GOOD.format(title="Story %d" % i, day=i + 1)) for i in range(5)]
    rc, _, err = gazette("import", "--dry-run", os.path.join(d.path, "in"), db=db)
    eq(rc, 0, "dry run: " + err)
    check("would import 5 articles" in err, "dry run report: " + err)
    eq(count(db), 0, "dry run wrote nothing")
    # options after positionals
    rc, _, err = gazette("import", *files[:2], db=db)
    eq(rc, 0, "import: " + err)
    eq(count(db), 2, "two imported")
    eq(count(db, "SELECT count(*) FROM tags"), 2, "tags shared, not duplicated")
    eq(count(db, "SELECT slug FROM articles ORDER BY id LIMIT 1"), "story-0", "slug from title")
    d.cleanup()


BAD = [
    ("unknown key", "---\ntitle: X\ntitel: Y\n---\nbody\n", "x.md:3: front matter: unknown key 'titel'"),
    ("no title", "---\nslug: x\n---\nbody\n", "x.md:1: front matter: title is required"),
    ("bad date", "---\ntitle: X\ndate: 10/01/2022\n---\n", "x.md:3: front matter: date '10/01/2022' is not RFC 3339"),
    ("bad status", "---\ntitle: X\nstatus: live\n---\n", "x.md:3: front matter: status 'live'"),
    ("no opening", "title: X\n", "x.md:1: front matter: the file must start with a '---' line"),
    ("no closing", "---\ntitle: X\n", "x.md:3: front matter: no closing '---' line"),
    ("bad slug", "---\ntitle: X\nslug: Not A Slug\n---\n", "x.md:3: front matter: slug 'Not A Slug'"),
    ("twice", "---\ntitle: X\ntitle: Y\n---\n", "x.md:3: front matter: key 'title' given twice"),
    ("unterminated", "---\ntitle: \"X\n---\n", "x.md:2: front matter: unterminated"),
    ("tags list", "---\ntitle: X\ntags: [a, b\n---\n", "x.md:3: front matter: tags: a list needs a closing ']'"),
    ("scheduled no date", "---\ntitle: X\nstatus: scheduled\n---\n", "x.md:1: front matter: a scheduled article needs a date"),
    ("invalid utf-8", b"---\ntitle: X\n---\nok\nbad \xff here\n", "x.md:5: text is not valid UTF-8"),
    ("nul byte", b"---\ntitle: X\n---\na\x00b\n", "x.md:4: text contains a NUL byte"),
    ("control char", b"---\ntitle: X\x1b[31m\n---\n", "x.md:2: text contains a control character"),
    ("no slug possible", "---\ntitle: \u65e5\u672c\n---\n", "x.md: cannot make a slug from the title"),
]


def test_import_errors_write_nothing():
    for name, body, want in BAD:
        d = TempDir()
        db = new_db(d, "s")
        good = d.file("a.md", GOOD.format(title="Fine", day=1))
        bad = d.file("x.md", body)
        rc, _, err = gazette("import", good, bad, db=db)
        check(rc != 0, name + ": exit status")
        check(("gazette: import: %s" % os.path.join(d.path, want)) in err or
              (want in err), "%s: message %r lacks %r" % (name, err, want))
        eq(err.count("\n"), 1, name + ": one line")
        eq(count(db), 0, name + ": nothing imported (all or nothing)")
        d.cleanup()


def test_import_duplicate_slug():
    d = TempDir()
    db = new_db(d, "s")
    a = d.file("a.md", GOOD.format(title="Same", day=1))
    b = d.file("b.md", GOOD.format(title="Same", day=2))
    rc, _, err = gazette("import", a, b, db=db)
    check(rc != 0 and "b.md: slug 'same' is already taken" in err, "duplicate within a batch: " + err)
    eq(count(db), 0, "batch rolled back")
    rc, _, err = gazette("import", a, db=db)
    eq(rc, 0, "first import")
    rc, _, err = gazette("import", b, db=db)
    check(rc != 0 and "already taken" in err, "duplicate against the database")
    eq(count(db), 1, "still one")
    rc, _, err = gazette("import", os.path.join(d.path, "missing.md"), db=db)
    check(rc != 0 and "missing.md: No such file" in err, "missing file: " + err)
    d.cleanup()


def test_import_drafts_and_accents():
    d = TempDir()
    db = new_db(d, "s")
    f = d.file("u.md", "---\ntitle: \u00dcr\u00fcmqi & Almaty\nstatus: draft\ntags:\n  - One\n  - 'Two'\n---\nx\n")
    rc, _, err = gazette("import", f, db=db)
    eq(rc, 0, "import: " + err)
    eq(db_query(db, "SELECT slug, status, published_at FROM articles")[0],
       ("urumqi-almaty", "draft", 0), "draft with transliterated slug")
    eq(sorted(r[0] for r in db_query(db, "SELECT name FROM tags")), ["One", "Two"], "block list tags")
    d.cleanup()


def test_import_many_files():
    """More files than the import's reader thread runs ahead (64): the
    first bad file in name order is the one reported, whichever thread
    finds it, and nothing is stored; a good batch is searchable as if its
    articles had been saved one by one."""
    d = TempDir()
    db = new_db(d, "s")
    tags = ["Alpha", "beta", "Central Asia", "alpha", "Zeta", "Asia"]
    files = []
    for i in range(150):
        t = ", ".join('"%s"' % x for x in tags[i % 4:i % 4 + i % 3 + 1])
        files.append(d.file("in/f%03d.md" % i, "---\ntitle: Story %d\ntags: [%s]\n---\n\nWord%d *text* [link](http://x)\n" % (i, t, i)))
    path = os.path.join(d.path, "in")
    with open(files[40], "w") as f:
        f.write("---\ntitle: Story 3\n---\nsame slug as f003\n")
    with open(files[120], "ab") as f:
        f.write(b"bad \xff\n")
    rc, _, err = gazette("import", path, db=db)
    check(rc != 0 and "f040.md: slug 'story-3' is already taken" in err, "the first bad file: " + err)
    eq(count(db), 0, "nothing stored")
    os.unlink(files[40])
    rc, _, err = gazette("import", path, db=db)
    check(rc != 0 and "f120.md:7: text is not valid UTF-8" in err, "the later bad file: " + err)
    eq(count(db), 0, "nothing stored either")
    with open(files[120], "w") as f:
        f.write("---\ntitle: Story 120\n---\nfine now\n")
    # A comments file that cannot be read is named after its article.
    os.makedirs(os.path.join(path, "f090.comments.json"))
    rc, _, err = gazette("import", path, db=db)
    check(rc != 0 and "f090.comments.json: Is a directory" in err, "an unreadable comments file: " + err)
    eq(count(db), 0, "nothing stored for it")
    os.rmdir(os.path.join(path, "f090.comments.json"))
    rc, _, err = gazette("import", path, db=db)
    eq(rc, 0, "import: " + err)
    eq(count(db), 149, "all stored")
    # The search text went in with each row: as the tags and the body
    # say, what an edit would have made of them.
    tags_now = ("gazette_tags_text(a.id)" if is_pg(db) else
                "(SELECT coalesce(group_concat(t.name, ' '), '') FROM article_tags at "
                "JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id)")
    eq(count(db, "SELECT count(*) FROM articles a WHERE a.tags_text <> %s" % tags_now), 0, "tags_text in step")
    eq(count(db, "SELECT count(*) FROM articles WHERE tags_text = ''"), 1, "the one article without tags")
    eq(count(db, "SELECT body_text FROM articles WHERE slug = 'story-7'"), "Word7 text link", "body_text")
    if not is_pg(db):
        central = sum(1 for i in range(150) if i not in (40, 120) and "Central Asia" in tags[i % 4:i % 4 + i % 3 + 1])
        eq(count(db, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'central'"), central, "tags indexed")
        eq(count(db, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'word7'"),
           count(db, "SELECT id FROM articles WHERE slug = 'story-7'"), "body indexed")
        eq(count(db, "PRAGMA journal_mode"), "wal", "back in WAL mode after the import")
    rc, _, err = gazette("check", "--db", db, "--theme", os.path.join(ROOT, "themes/default"))
    check("search index" in err + _ and "PROBLEM" not in err + _, "check: " + err + _)
    d.cleanup()


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_files_private():
    """A SQLite database and an export hold password hashes, keys and
    commenters' emails: init, demo, import and export create them for
    their owner alone (0600, a directory 0700), whatever the umask lets
    through. An existing database keeps its mode; check reports one that
    other users can read."""
    if BACKEND == "pg":
        return
    old = os.umask(0o022)
    d = TempDir()
    try:
        md = d.file("in/a.md", "---\ntitle: A\n---\nx\n")
        for cmd in (["init"], ["demo"], ["import", md]):
            db = os.path.join(d.path, "%s.db" % cmd[0])
            rc, _, err = gazette(*cmd, db=db)
            eq(rc, 0, "%s: %s" % (cmd[0], err))
            eq(oct(mode_of(db)), oct(0o600), "%s creates the database 0600" % cmd[0])
        db = os.path.join(d.path, "demo.db")
        wxr = os.path.join(d.path, "site.wxr")
        rc, _, err = gazette("export", wxr, db=db)
        eq(rc, 0, "export: " + err)
        eq(oct(mode_of(wxr)), oct(0o600), "WXR export (comment emails) 0600")
        out = os.path.join(d.path, "md")
        rc, _, err = gazette("export", "--format", "markdown", out, db=db)
        eq(rc, 0, "markdown export: " + err)
        eq(oct(mode_of(out)), oct(0o700), "Markdown export directory 0700")
        names = sorted(os.listdir(out))
        check(any(n.endswith(".comments.json") for n in names), "comments exported: %r" % names)
        for n in names:
            eq(oct(mode_of(os.path.join(out, n))), oct(0o600), "exported %s 0600" % n)

        # Made by an older gazette: left as it is, and reported.
        os.chmod(db, 0o644)
        rc, _, err = gazette("init", db=db)
        eq(rc, 0, "init on an existing database: " + err)
        eq(oct(mode_of(db)), oct(0o644), "an existing database keeps its mode")
        rc, out_, _ = gazette("check", db=db)
        check(rc == 1 and "PROBLEM: %s can be read by other users (mode 0644)" % db in out_,
              "check reports it: " + out_)
        os.chmod(db, 0o640)
        rc, out_, _ = gazette("check", db=db)
        check(rc == 0 and "closed to other users" in out_, "group-readable is a choice: " + out_)
    finally:
        os.umask(old)
        d.cleanup()


SECRET = "S3cr3tPw"


def test_db_strings_refused_and_masked():
    """--db is a file path or a postgresql:// URL. A libpq keyword string
    (or another scheme) is refused with a pointer to the URL form, and no
    file is made, named after its password or anything else. No message
    shows a password: not the URL's user:PASSWORD@, not its ?password=,
    not libpq's own quote of a URL it cannot parse."""
    d = TempDir()
    work = os.path.join(d.path, "cwd")
    os.makedirs(work)
    src = os.path.join(d.path, "src.db")
    gazette("init", db=src, check_rc=0)
    bad = ["host=127.0.0.1 password=%s dbname=x" % SECRET,
           "dbname = x password = '%s'" % SECRET,
           "mysql://u:%s@127.0.0.1/db" % SECRET]
    for s in bad:
        for args in (["init", "--db", s], ["serve", "--db", s], ["user", "list", "--db", s],
                     ["backup", "--db", s, "b.db"], ["migrate", "--from", s, "--to", "t.db"],
                     ["migrate", "--from", src, "--to", s], ["check", "--db", s]):
            rc, out, err = gazette(*args, cwd=work, env={"GAZETTE_SANDBOX": "off"})
            check(rc != 0, "%r refused" % args)
            check(SECRET not in out + err, "%r shows no password: %s" % (args, out + err))
            check("postgresql://" in out + err, "%r says to write a URL: %s" % (args, out + err))
        eq(os.listdir(work), [], "nothing made for %r" % s)
    # A file that is named like a keyword is a path written ./NAME.
    rc, _, err = gazette("init", "--db", "./dbname=x.db", cwd=work)
    eq(rc, 0, "./dbname=x.db: " + err)
    eq(os.listdir(work), ["dbname=x.db"], "the file named so")
    rc, _, err = gazette("backup", "--db", "./dbname=x.db", "dbname=y.db", cwd=work)
    eq(rc, 0, "a backup named so: " + err)
    eq(sorted(os.listdir(work)), ["dbname=x.db", "dbname=y.db"], "the backup named so")
    os.unlink(os.path.join(work, "dbname=y.db"))

    # Nothing listens on port 1: every open fails, and says why.
    urls = ["postgresql://u:%s@127.0.0.1:1/db" % SECRET,
            "postgresql://u@127.0.0.1:1/db?password=%s" % SECRET,
            "postgres://u@127.0.0.1:1/db?sslmode=disable&pass%%77ord=%s&connect_timeout=5" % SECRET,
            # libpq quotes the bad token, and the whole URL
            "postgresql://u:%s%%zz@127.0.0.1:1/db" % SECRET,
            "postgresql://u:%s@[::1/db" % SECRET,
            "postgresql://u:%s@127.0.0.1:1/db?bogus=1" % SECRET]
    for url in urls:
        for args in (["init"], ["demo"], ["check"], ["migrate", "--from", url, "--to", "t.db"]):
            if args[0] != "migrate":
                args = args + ["--db", url]
            rc, out, err = gazette(*args, cwd=work)
            check(rc != 0 and "cannot open" in out + err, "%r fails: %s" % (args, out + err))
            check(SECRET not in out + err, "%r shows no password: %s" % (args, out + err))
        rc, _, err = gazette("backup", "site.dump", db=url, cwd=work)
        check(rc == 1 and "pg_dump" in err and "PGPASSWORD" in err, "backup explains: " + err)
        check(SECRET not in err, "backup's pg_dump line shows no password: " + err)
        rc, _, err = gazette("restore", "site.dump", db=url, cwd=work)
        check(rc == 1 and "pg_restore" in err, "restore explains: " + err)
        check(SECRET not in err, "restore's pg_restore line shows no password: " + err)
    eq(sorted(os.listdir(work)), ["dbname=x.db"], "no file made for a URL")
    d.cleanup()


run_tests("cli", [test_help, test_init_idempotent, test_concurrent_init, test_demo, test_import_ok_and_dry_run,
                  test_import_errors_write_nothing, test_import_duplicate_slug,
                  test_import_drafts_and_accents, test_import_many_files, test_files_private,
                  test_db_strings_refused_and_masked])
