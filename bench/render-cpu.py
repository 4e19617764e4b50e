#!/usr/bin/env python3
"""render-cpu.py: CPU per uncached render of an article page with N comments.

Makes a demo site, adds comments to its article (approved, through the
database), starts `gazette serve` with the page cache off
(GAZETTE_CACHE_MB=0, one thread, pinned to core 0), fetches the article
REQUESTS times with wrk (one connection, keep-alive, pinned to core 1) and
divides the server's CPU time (user + system, /proc/PID/stat) by the
requests answered. The figure includes the HTTP work (parsing, headers,
sending), so it is an upper bound for the render itself; --cached runs the
same with the cache on, for the difference.

  bench/render-cpu.py [--comments 50] [--seconds 5] [--cached]
"""
import os
import sys

sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARTICLE = "/2022/01/china-offers-kazakhstan-security-cooperation"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def cpu_ticks(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])   # utime + stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--comments", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--cached", action="store_true")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="gazette-render-")
    db = os.path.join(tmp, "site.db")
    gz = os.path.join(ROOT, "gazette")
    subprocess.run([gz, "demo", "--db", db], check=True, capture_output=True)
    c = sqlite3.connect(db)
    aid, = c.execute("SELECT id FROM articles WHERE slug = ?", (ARTICLE.rsplit("/", 1)[1],)).fetchone()
    have, = c.execute("SELECT count(*) FROM comments WHERE article_id = ?", (aid,)).fetchone()
    for i in range(max(0, a.comments - have)):
        body = "Comment %d with *some* text, a [link](https://example.org/%d) and more words." % (i, i)
        cur = c.execute(
            "INSERT INTO comments (article_id, parent_id, thread_id, depth, author, email, url, body_md, "
            "body_html, status, client_hash, spam_score, created_at, updated_at) "
            "VALUES (?, NULL, 0, 0, ?, '', '', ?, ?, 'approved', '', 0, ?, ?)",
            (aid, "Reader %d" % i, body, "<p>" + body + "</p>\n", 1641800000 + i, 1641800000 + i))
        c.execute("UPDATE comments SET thread_id = id WHERE id = ?", (cur.lastrowid,))
    c.execute("UPDATE articles SET comment_count = (SELECT count(*) FROM comments WHERE article_id = ? "
              "AND status = 'approved') WHERE id = ?", (aid, aid))
    c.commit()
    n, = c.execute("SELECT count(*) FROM comments WHERE article_id = ? AND status = 'approved'", (aid,)).fetchone()
    c.close()
    port = free_port()
    env = dict(os.environ, GAZETTE_CACHE_MB="32" if a.cached else "0")
    g = subprocess.Popen(["taskset", "-c", "0", gz, "serve", "--db", db, "--listen", "127.0.0.1:%d" % port,
                          "--threads", "1", "--no-access-log"], stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        url = "http://127.0.0.1:%d%s" % (port, ARTICLE)
        subprocess.run(["wrk", "-t1", "-c1", "-d1s", url], capture_output=True)   # warm up
        t0 = cpu_ticks(g.pid)
        out = subprocess.run(["taskset", "-c", "1", "wrk", "-t1", "-c1", "-d%ds" % a.seconds, url],
                             capture_output=True, text=True).stdout
        t1 = cpu_ticks(g.pid)
        reqs = int(re.search(r"(\d+) requests in", out).group(1))
        hz = os.sysconf("SC_CLK_TCK")
        us = (t1 - t0) / hz * 1e6 / reqs
        print("article with %d comments, cache %s: %d requests, %.0f µs of server CPU per request"
              % (n, "on" if a.cached else "off", reqs, us))
    finally:
        g.send_signal(signal.SIGTERM)
        g.wait()
        shutil.rmtree(tmp, ignore_errors=True)


main()
