"""test_install.py: the man page agrees with `gazette help`, and
`make install` lays out a tree whose binary finds its theme."""
import os
import re
import shutil
import subprocess

from lib import ROOT, TempDir, Server, check, eq, gazette, new_db, run_tests

MAN = os.path.join(ROOT, "man", "gazette.1")


def man_text():
    with open(MAN, encoding="utf-8") as f:
        return f.read()


def man_commands(text):
    """The commands the man page documents: `.It Cm NAME` items of the
    COMMANDS section."""
    sec = text.split(".Sh COMMANDS", 1)[1].split("\n.Sh ", 1)[0]
    return [m.group(1) for m in re.finditer(r"^\.It Cm ([a-z-]+)", sec, re.M)]


def help_commands(out):
    """The commands `gazette help` lists: the indented lines under
    "Commands:" up to the first blank line."""
    block = out.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines() if line.strip()]


def test_commands_agree():
    rc, out, _ = gazette("help")
    eq(rc, 0, "help exits 0")
    cmds = help_commands(out)
    man = man_commands(man_text())
    check(len(cmds) >= 8, "help lists the commands: %r" % cmds)
    for c in cmds:
        check(c in man, "command %s is in help but not in the man page" % c)
    for c in man:
        check(c in cmds, "command %s is in the man page but not in help" % c)


def test_options_documented():
    text = man_text()
    documented = set(re.findall(r"Fl -([a-z][a-z-]*)", text))
    rc, out, _ = gazette("help")
    for c in help_commands(out):
        rc, usage, _ = gazette(c, "--help")
        eq(rc, 0, "%s --help exits 0" % c)
        for opt in set(re.findall(r"--([a-z][a-z-]*)", usage)):
            check(opt in documented, "%s --%s is not in the man page" % (c, opt))


def test_environment_documented():
    text = man_text()
    names = set()
    for dirpath, _, files in os.walk(os.path.join(ROOT, "src")):
        for fn in files:
            # fault.c is compiled only into the fault-injection test
            # build (./gazette-fault); its variables are not the product's.
            if fn.endswith(".c") and fn != "fault.c":
                with open(os.path.join(dirpath, fn), encoding="utf-8") as f:
                    src = f.read()
                names |= set(re.findall(r'"(GAZETTE_[A-Z_]+)"', src))
                if fn == "site.c":
                    table = src.split("site_settings[] = {", 1)[1].split("};", 1)[0]
                    names |= {"GAZETTE_" + k.upper()
                              for k in re.findall(r'\{ "([a-z_]+)",', table)}
    check(len(names) >= 10, "found the variables: %r" % sorted(names))
    for n in sorted(names):
        check((".It Ev " + n) in text or ("Ev " + n + " ") in text,
              "%s is not in the man page's ENVIRONMENT" % n)


def make_install(build, prefix, destdir=""):
    cmd = ["make", "-s", "-j2", "BUILD=" + build, "BIN=" + os.path.join(build, "gazette"),
           "OPT=-O0", "PREFIX=" + prefix, "install"]
    if destdir:
        cmd.append("DESTDIR=" + destdir)
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, timeout=600)
    eq(p.returncode, 0, "make install: %s" % p.stderr.decode()[-2000:])


HOSTILE = "HOSTILE-THEME-FROM-THE-WORKING-DIRECTORY"


def plant_hostile_theme(cwd):
    """A whole themes/default/ in cwd whose every page and stylesheet
    says HOSTILE: what a server started there must not serve."""
    theme = os.path.join(cwd, "themes", "default")
    shutil.copytree(os.path.join(ROOT, "themes", "default"), theme)
    for dirpath, _, files in os.walk(theme):
        for fn in files:
            if fn.endswith(".html") or fn.endswith(".css"):
                with open(os.path.join(dirpath, fn), "a") as f:
                    f.write("\n<!-- %s -->\n" % HOSTILE)


def serves_own_theme(srv, what):
    for path in ("/", "/2022/01/china-offers-kazakhstan-security-cooperation",
                 "/static/style.css"):
        status, _, body = srv.get(path)
        eq(status, 200, "%s serves %s" % (what, path))
        check(HOSTILE.encode() not in body, "%s: %s is not from the working directory's theme" % (what, path))


def serves_front_page(binary, cwd):
    db = os.path.join(cwd, "site.db")
    env = {"GAZETTE_BIN": binary}
    rc = subprocess.run([binary, "demo", "--db", db], cwd=cwd, capture_output=True).returncode
    eq(rc, 0, "installed demo")
    plant_hostile_theme(cwd)
    srv = Server(db, binary=binary, cwd=cwd, env=env)
    try:
        status, _, body = srv.get("/")
        eq(status, 200, "installed binary serves /")
        check(b"Kazakhstan" in body, "the front page lists the demo article")
        status, _, _ = srv.get("/static/style.css")
        eq(status, 200, "the installed theme's static file")
        serves_own_theme(srv, "the installed binary")
    finally:
        srv.stop()


def test_theme_not_from_cwd():
    """The built-in theme is found from the binary (beside it in a build
    tree, else the installed one), never from the working directory: the
    checkout's ./gazette started in a directory holding someone else's
    themes/default/ serves its own; GAZETTE_THEME still overlays it."""
    t = TempDir()
    try:
        work = os.path.join(t.path, "work")
        os.makedirs(work)
        plant_hostile_theme(work)
        db = new_db(t, "site")
        gazette("demo", db=db, cwd=work, check_rc=0)
        srv = Server(db, args=["--no-access-log"], cwd=work)
        try:
            serves_own_theme(srv, "./gazette")
        finally:
            srv.stop()
        rc, out, err = gazette("check", db=db, cwd=work)
        check("ok: theme %s/themes/default:" % ROOT in out, "check names the checkout's theme: " + out + err)
        # An overlay named on purpose is used, from anywhere.
        overlay = os.path.join(t.path, "overlay")
        os.makedirs(overlay)
        with open(os.path.join(ROOT, "themes", "default", "article.html")) as f:
            page = f.read()
        with open(os.path.join(overlay, "article.html"), "w") as f:
            f.write(page + "\n<!-- OVERLAY-ON-PURPOSE -->\n")
        srv = Server(db, args=["--no-access-log"], cwd=work, env={"GAZETTE_THEME": overlay})
        try:
            status, _, body = srv.get("/2022/01/china-offers-kazakhstan-security-cooperation")
            check(status == 200 and b"OVERLAY-ON-PURPOSE" in body, "GAZETTE_THEME overlays the theme")
            check(HOSTILE.encode() not in body, "and the working directory still does not")
        finally:
            srv.stop()
    finally:
        t.cleanup()


def test_install_prefix():
    """Installed with PREFIX=DIR, run from elsewhere: the compiled-in
    data directory is where the theme is found."""
    t = TempDir()
    try:
        build, prefix = os.path.join(t.path, "build"), os.path.join(t.path, "prefix")
        make_install(build, prefix)
        for f in ["bin/gazette", "share/gazette/themes/default/article.html",
                  "share/gazette/themes/default/list.html",
                  "share/man/man1/gazette.1"]:
            check(os.path.isfile(os.path.join(prefix, f)), "installed %s" % f)
        check(os.access(os.path.join(prefix, "bin/gazette"), os.X_OK), "binary is executable")
        work = os.path.join(t.path, "elsewhere")
        os.makedirs(work)
        serves_front_page(os.path.join(prefix, "bin/gazette"), work)

        # Staged under DESTDIR with the usual PREFIX: same layout below it,
        # and the binary still finds the theme beside it (BIN/../share).
        dest = os.path.join(t.path, "dest")
        make_install(build, "/usr/local", dest)
        make_install(build, "/usr/local", dest)
        for f in ["usr/local/bin/gazette",
                  "usr/local/share/gazette/themes/default/article.html",
                  "usr/local/share/gazette/themes/default/partials",
                  "usr/local/share/man/man1/gazette.1"]:
            check(os.path.exists(os.path.join(dest, f)), "DESTDIR has %s" % f)
        check(not os.path.exists(os.path.join(dest, "usr/local/share/gazette/themes/default/default")),
              "a second install does not nest the theme")
        with open(os.path.join(dest, "usr/local/bin/gazette"), "rb") as f:
            out = f.read()
        check(b"/usr/local/share/gazette" in out, "the binary looks in PREFIX/share/gazette")
        work2 = os.path.join(t.path, "elsewhere2")
        os.makedirs(work2)
        serves_front_page(os.path.join(dest, "usr/local/bin/gazette"), work2)
    finally:
        t.cleanup()


run_tests("install", [test_commands_agree, test_options_documented,
                      test_environment_documented, test_theme_not_from_cwd, test_install_prefix])
