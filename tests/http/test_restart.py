"""test_restart.py: zero-downtime restart under load. While wrk drives
the site (keep-alive connections, and new connections per request), the
serving process gets SIGUSR2, starts its successor on the same listening
socket, gets SIGTERM and drains; not one request may fail."""
import os
import re
import shutil
import signal
import subprocess
import time

from lib import Server, TempDir, check, eq, gazette, new_db, run_tests, wait_for

WRK = shutil.which("wrk")


def gone(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def wrk_result(p, what):
    out = p.stdout.read().decode()
    p.wait()
    eq(p.returncode, 0, "%s: wrk exit: %s" % (what, out))
    m = re.search(r"(\d+) requests in", out)
    reqs = int(m.group(1)) if m else 0
    check(reqs > 0, "%s: wrk made requests: %s" % (what, out))
    check("Socket errors" not in out, "%s: no connection errors: %s" % (what, out))
    check("Non-2xx or 3xx" not in out, "%s: only 2xx/3xx answers: %s" % (what, out))
    return reqs


def test_takeover_under_load():
    check(WRK is not None, "wrk is installed (scripts/deps.sh test)")
    if WRK is None:
        return
    d = TempDir()
    db = new_db(d)
    gazette("demo", db=db, check_rc=0)
    old = Server(db, args=["--no-access-log", "--threads", "2"])
    url = "http://127.0.0.1:%d/" % old.port
    succ = None
    try:
        # --timeout 10s: a request slowed by a loaded machine is not a
        # failed one; a reset or refused connection still counts.
        keep = subprocess.Popen([WRK, "-t1", "-c8", "-d5s", "--timeout", "10s", url],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        fresh = subprocess.Popen([WRK, "-t1", "-c4", "-d5s", "--timeout", "10s",
                                  "-H", "Connection: close", url],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        time.sleep(1.5)
        os.kill(old.proc.pid, signal.SIGUSR2)
        wait_for(lambda: old.stderr().count("listening on http://") >= 2)
        m = re.search(r"started .* as pid (\d+)", old.stderr())
        check(m is not None, "the old process names its successor")
        succ = int(m.group(1)) if m else None
        time.sleep(0.5)
        t0 = time.time()
        eq(old.stop(), 0, "the old process drained and exited 0")
        check(time.time() - t0 < 12, "draining is bounded")
        keep_n = wrk_result(keep, "keep-alive load")
        fresh_n = wrk_result(fresh, "new-connection load")
        print("  load: %d keep-alive and %d new-connection requests, none failed"
              % (keep_n, fresh_n))
        check(succ is not None and not gone(succ), "the successor is serving")
        eq(old.get("/")[0], 200, "the successor answers after the old one left")
    finally:
        if old.alive():
            old.stop()
        if succ and not gone(succ):
            os.kill(succ, signal.SIGTERM)
            wait_for(lambda: gone(succ))
        d.cleanup()


run_tests("restart", [test_takeover_under_load])
