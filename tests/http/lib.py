"""lib.py: shared helpers for the black-box tests.

Each test file builds a throwaway site with the real ./gazette binary,
starts `gazette serve` on a free loopback port, talks raw HTTP to it, and
stops it by its PID. A file ends with run_tests, which runs each test
function as one case and prints "NAME: N cases, N checks: N passed,
N failed": passed and failed count cases; a case fails when one of its
check()/eq() calls fails or it raises.
"""
import atexit
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, os.environ.get("GAZETTE_BIN", "./gazette"))

_passed = 0  # checks, over the whole file
_failed = 0


def check(cond, what):
    global _passed, _failed
    if cond:
        _passed += 1
    else:
        _failed += 1
        frame = traceback.extract_stack()[-2]
        print("FAIL %s:%d: %s" % (os.path.basename(frame.filename), frame.lineno, what))
    return cond


def eq(got, want, what=""):
    return check(got == want, "%s: got %r, want %r" % (what, got, want))


def _case_name(t):
    """A test's name; for a lambda, the test function it calls."""
    name = getattr(t, "__name__", None) or repr(t)
    if name == "<lambda>":
        code = getattr(t, "__code__", None)
        called = [n for n in (code.co_names if code else ()) if n.startswith("test")]
        if called:
            name = called[0]
    return name


def run_tests(name, tests):
    """Runs test functions, each one case; a failed check or an exception
    fails its case and the next case still runs. Checks made before (in the
    file's setup) form one more case, "setup". Exits 1 if a case failed."""
    cases = failed = 0
    if _passed + _failed > 0:
        cases += 1
        if _failed:
            failed += 1
            print("FAIL case setup: %d of %d checks failed" % (_failed, _passed + _failed))
    for t in tests:
        f0, n0 = _failed, _passed + _failed
        raised = False
        try:
            t()
        except Exception:
            raised = True
            print("FAIL %s raised:" % _case_name(t))
            traceback.print_exc(file=sys.stdout)
        cases += 1
        if raised or _failed > f0:
            failed += 1
            print("FAIL case %s: %d of %d checks failed%s" % (
                _case_name(t), _failed - f0, _passed + _failed - n0,
                ", and it raised" if raised else ""))
    print("%s: %s cases, %s checks: %s passed, %s failed" % (
        name, "{:,}".format(cases), "{:,}".format(_passed + _failed),
        "{:,}".format(cases - failed), "{:,}".format(failed)))
    sys.stdout.flush()
    # A check failing after this line (a server stopped in a finally:
    # after run_tests) is past the count: make the exit status say so,
    # which tests/run.sh counts as one more failed case.
    f_end = _failed

    def late_failures():
        if _failed > f_end:
            print("FAIL %d checks failed after the summary" % (_failed - f_end))
            sys.stdout.flush()
            os._exit(1)
    atexit.register(late_failures)
    sys.exit(1 if failed else 0)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def gazette(*args, db=None, stdin=None, env=None, check_rc=None, cwd=None):
    """Runs a gazette command; returns (rc, stdout, stderr) as text."""
    cmd = [BIN] + list(args)
    if db:
        cmd += ["--db", db]
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(cmd, input=stdin, capture_output=True, env=e,
                       cwd=cwd or ROOT, timeout=120)
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    if check_rc is not None and p.returncode != check_rc:
        raise AssertionError("gazette %s exited %d: %s" % (" ".join(args), p.returncode, err))
    return p.returncode, out, err


class TempDir:
    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="gazette-test-")

    def file(self, name, text):
        p = os.path.join(self.path, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        mode = "wb" if isinstance(text, bytes) else "w"
        with open(p, mode) as f:
            f.write(text)
        return p

    def cleanup(self):
        shutil.rmtree(self.path, ignore_errors=True)


class Server:
    """A running `gazette serve`, stopped by PID."""

    def __init__(self, db, env=None, args=(), port=None, binary=None, cwd=None):
        self.port = port or free_port()
        self.db = db
        e = dict(os.environ)
        e.update(env or {})
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [binary or BIN, "serve", "--db", db, "--listen", "127.0.0.1:%d" % self.port] + list(args),
            stdout=subprocess.DEVNULL, stderr=self.log, env=e, cwd=cwd or ROOT)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("serve exited %d: %s" % (self.proc.returncode, self.stderr()))
            if "listening on http://127.0.0.1:%d" % self.port in self.stderr():
                return
            time.sleep(0.02)
        self.stop()
        raise AssertionError("serve did not start: " + self.stderr())

    def stderr(self):
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            if sig == signal.SIGTERM:
                # A clean stop exits 0; under the sanitizers a leak or
                # error report at exit makes it non-zero.
                check(self.proc.returncode == 0, "serve exited %d after SIGTERM: %s"
                      % (self.proc.returncode, self.stderr()[-2000:]))
        return self.proc.returncode

    def request(self, method, path, body=None, headers=None):
        """One request on a fresh connection: (status, headers dict, body bytes)."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            c.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def raw(self, data, timeout=10, read_all=True):
        """Sends raw bytes; returns what came back until close or timeout."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        try:
            s.sendall(data)
            chunks = []
            while True:
                try:
                    b = s.recv(65536)
                except socket.timeout:
                    break
                except ConnectionResetError:
                    break
                if not b:
                    break
                chunks.append(b)
                if not read_all:
                    break
            return b"".join(chunks)
        finally:
            s.close()


# Which backend the suite runs on: tests/run.sh sets "pg" (and GAZETTE_TEST_PG,
# the URL of a throwaway server's maintenance database) for its pg pass.
BACKEND = os.environ.get("GAZETTE_TEST_BACKEND", "sqlite")
_dbseq = 0


def is_pg(db):
    return db.startswith("postgresql://") or db.startswith("postgres://")


def psql(url, sql):
    """Runs SQL through psql; its output lines. A failure raises."""
    p = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                       capture_output=True, timeout=60)
    if p.returncode != 0:
        raise AssertionError("psql %r: %s" % (sql, p.stderr.decode("utf-8", "replace")))
    return p.stdout.decode("utf-8").splitlines()


def new_db(tmpdir, name="site", backend=None):
    """A fresh, empty database for one test site: a SQLite file in tmpdir,
    or on the pg pass a new PostgreSQL database (returned as its URL).
    Every test makes its databases through here, so the whole suite runs on
    either backend; backend= asks for one in particular."""
    global _dbseq
    backend = backend or BACKEND
    if backend == "pg":
        base = os.environ.get("GAZETTE_TEST_PG")
        if not base:
            raise AssertionError("the pg backend needs GAZETTE_TEST_PG (tests/run.sh sets it)")
        _dbseq += 1
        dbname = "gz_%d_%d_%s" % (os.getpid(), _dbseq, re.sub(r"[^a-z0-9_]", "_", name.lower()))
        psql(base, 'CREATE DATABASE "%s"' % dbname[:63])
        return base.rsplit("/", 1)[0] + "/" + dbname[:63]
    return os.path.join(tmpdir if isinstance(tmpdir, str) else tmpdir.path, name + ".db")


def _sql_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def db_query(db, sql, args=()):
    """Rows of one SQL query against a test site's database, as a list of
    tuples, for checking what the server stored. On PostgreSQL each row
    comes back from psql as JSON, so integers stay integers; ? placeholders
    are filled in as literals."""
    if is_pg(db):
        import json
        q = _fill(sql, args)
        lines = psql(db, "SELECT row_to_json(q) FROM (%s) q" % q)
        return [tuple(v for _, v in json.loads(line, object_pairs_hook=list)) for line in lines]
    import sqlite3
    c = sqlite3.connect(db)
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


def wait_for(cond, timeout=20):
    """Waits for cond() to hold (a server's log line, a process gone):
    polls, and fails only after a generous timeout."""
    deadline = time.time() + timeout
    while not cond():
        if time.time() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


def status_of(raw):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", raw)
    return int(m.group(1)) if m else None


def text(b):
    return b.decode("utf-8", "replace")


def _fill(sql, args):
    """sql with its ? placeholders filled in as SQL literals (for psql)."""
    parts = sql.rstrip().rstrip(";").split("?")
    if len(parts) - 1 != len(args):
        raise AssertionError("%d placeholders, %d args" % (len(parts) - 1, len(args)))
    return parts[0] + "".join(_sql_literal(a) + p for a, p in zip(args, parts[1:]))


def db_exec(db, sql, args=()):
    """Runs one changing SQL statement against a test site's database (for
    states the tests need that no command makes yet), on either backend."""
    if is_pg(db):
        psql(db, _fill(sql, args))
        return
    import sqlite3
    c = sqlite3.connect(db)
    c.execute("PRAGMA foreign_keys = ON")  # as the server has it
    try:
        c.execute(sql, args)
        c.commit()
    finally:
        c.close()
