"""test_validate.py: reader pages are valid HTML by the Nu Html Checker.

The checker is the vnu-jar npm package (installed into tests/validate/ on
first use, from its package-lock.json) run with the machine's java. Pages
checked: front page, an article (with a hostile title), a tag page, search
results, the 404 page and the 400 page. Any error the checker reports fails the test,
with the checker's message."""
import json
import os
import shutil
import subprocess

from lib import ROOT, Server, TempDir, check, eq, gazette, new_db, run_tests, text

VDIR = os.path.join(ROOT, "tests", "validate")
JAR = os.path.join(VDIR, "node_modules", "vnu-jar", "build", "dist", "vnu.jar")

tmp = TempDir()
DB = new_db(tmp)


def install_checker():
    if os.path.exists(JAR):
        return
    if shutil.which("npm") is None:
        raise AssertionError("npm is missing: run scripts/deps.sh test")
    # --ignore-scripts: the package's postinstall would fetch a Java
    # runtime; the machine's java (scripts/deps.sh) runs the jar.
    subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
                   cwd=VDIR, check=True, capture_output=True, timeout=600)


def site():
    gazette("init", db=DB, check_rc=0)
    tmp.file("md/a.md", "---\ntitle: Ürümqi & Almaty <b> \"quoted\" </script>\n"
             "date: 2022-03-01T10:00:00Z\nauthor: Asel Nurlanovna\n"
             "tags: [Kazakhstan, Central Asia]\nsummary: A summary with <tags> & \"quotes\".\n---\n\n"
             "Body with **bold**, a [link](https://example.com/) and `<script>`.\n\n"
             "## A heading\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    tmp.file("md/b.md", "---\ntitle: Steppe railway opens\ndate: 2022-03-02T10:00:00Z\n"
             "tags: [Kazakhstan]\n---\n\nThe railway crosses the steppe near Almaty.\n")
    gazette("import", tmp.path + "/md", db=DB, check_rc=0)


def test_pages_validate():
    install_checker()
    site()
    srv = Server(DB)
    try:
        pages = {
            "front": "/",
            "article": "/2022/03/urumqi-almaty-b-quoted-script",
            "tag": "/tags/kazakhstan",
            "search": "/search?q=almaty",
            "notfound": "/no/such/page/here",
            "badquery": "/search?q=a%00b",
        }
        files = {}
        for name, path in pages.items():
            st, h, body = srv.get(path)
            want = {"notfound": 404, "badquery": 400}.get(name, 200)
            eq(st, want, "status of " + path)
            if name == "search":
                check('<li class="result">' in text(body), "search page has results")
            p = tmp.file("pages/%s.html" % name, body)
            files[p] = path
    finally:
        srv.stop()
    r = subprocess.run(["java", "-jar", JAR, "--errors-only", "--format", "json"] + list(files),
                       capture_output=True, timeout=300)
    out = r.stderr.decode("utf-8", "replace")
    try:
        msgs = json.loads(out).get("messages", [])
    except ValueError:
        raise AssertionError("vnu did not answer JSON (exit %d): %s" % (r.returncode, out[:2000]))
    errors = [m for m in msgs if m.get("type") == "error" or m.get("subType") == "fatal"]
    by_file = {}
    for m in errors:
        by_file.setdefault(files.get(m.get("url", "").replace("file:", ""), m.get("url")), []).append(m)
    for p, path in files.items():
        errs = by_file.get(path, [])
        check(not errs, "%s: %d HTML errors: %s" % (path, len(errs), "; ".join(
            "line %s: %s" % (e.get("lastLine"), e.get("message")) for e in errs[:5])))
    # a file the checker did not report on by path is still an error
    eq(sum(len(v) for v in by_file.values()), 0, "total HTML errors")


try:
    run_tests("validate", [test_pages_validate])
finally:
    tmp.cleanup()
