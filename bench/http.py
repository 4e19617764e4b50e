#!/usr/bin/env python3
"""http.py: gazette against nginx on the same bytes, with wrk.

Starts `gazette serve` (one thread, pinned to core 0) on a site, saves each
benchmarked page as a file for nginx (one worker, sendfile, open_file_cache,
access_log off, also pinned to core 0; gzip served precompressed from .gz
files), and measures both with wrk (pinned to core 1) alternating
A B A B. Prints requests/s medians, the ratio gazette/nginx and p99 latency.

  bench/http.py [--db DB] [--runs N] [--seconds S] [--connections C] PATH...
"""
import os
import sys

# This file is called http.py: without this, "import urllib.request" would
# find it instead of the standard library's http package.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse  # noqa: E402
import gzip  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, timeout=10):
    t = time.time() + timeout
    while time.time() < t:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("port %d did not open" % port)


def wrk(url, seconds, conns, gz):
    cmd = ["taskset", "-c", "1", "wrk", "-t1", "-c%d" % conns, "-d%ds" % seconds, "--latency", url]
    if gz:
        cmd[5:5] = ["-H", "Accept-Encoding: gzip"]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)] if m else float("nan")
    errs = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errs:
        raise SystemExit("wrk saw %s non-2xx/3xx responses from %s" % (errs.group(1), url))
    return rps, p99


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("paths", nargs="*", default=["/2022/01/china-offers-kazakhstan-security-cooperation", "/"])
    a = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="gazette-bench-")
    os.chmod(tmp, 0o755)  # nginx's workers (user nobody) read www/ below it
    db = a.db
    if not db:
        db = os.path.join(tmp, "site.db")
        subprocess.run([os.path.join(ROOT, "gazette"), "demo", "--db", db], check=True, capture_output=True)
    gport, nport = free_port(), free_port()
    g = subprocess.Popen(["taskset", "-c", "0", os.path.join(ROOT, "gazette"), "serve", "--db", db,
                          "--listen", "127.0.0.1:%d" % gport, "--threads", "1", "--no-access-log"],
                         stderr=subprocess.DEVNULL, cwd=ROOT)
    wait_port(gport)
    www = os.path.join(tmp, "www")
    for p in a.paths:
        body = urllib.request.urlopen("http://127.0.0.1:%d%s" % (gport, p)).read()
        f = os.path.join(www, p.lstrip("/"), "index.html") if p.endswith("/") or "." not in p.rsplit("/", 1)[-1] \
            else os.path.join(www, p.lstrip("/"))
        os.makedirs(os.path.dirname(f), exist_ok=True)
        with open(f, "wb") as fh:
            fh.write(body)
        with open(f + ".gz", "wb") as fh:
            fh.write(gzip.compress(body, 6))
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as fh:
        fh.write("""
worker_processes 1;
daemon off;
pid %(tmp)s/nginx.pid;
error_log %(tmp)s/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  open_file_cache max=1000 inactive=60s;
  keepalive_requests 1000000;
  default_type text/html;
  gzip_static on;
  client_body_temp_path %(tmp)s/body;
  proxy_temp_path %(tmp)s/proxy;
  fastcgi_temp_path %(tmp)s/fastcgi;
  uwsgi_temp_path %(tmp)s/uwsgi;
  scgi_temp_path %(tmp)s/scgi;
  server {
    listen 127.0.0.1:%(port)d;
    root %(www)s;
    location / { try_files $uri $uri/index.html =404; }
  }
}
""" % {"tmp": tmp, "port": nport, "www": www})
    n = subprocess.Popen(["taskset", "-c", "0", "nginx", "-c", conf, "-p", tmp], stderr=subprocess.DEVNULL)
    wait_port(nport)
    print("%-55s %4s %12s %12s %7s %9s %9s" % ("path", "gzip", "gazette r/s", "nginx r/s", "ratio", "g p99 ms", "n p99 ms"))
    try:
        for p in a.paths:
            for gz in (False, True):
                gr, nr, gl, nl = [], [], [], []
                for _ in range(a.runs):
                    r, l = wrk("http://127.0.0.1:%d%s" % (gport, p), a.seconds, a.connections, gz)
                    gr.append(r); gl.append(l)
                    r, l = wrk("http://127.0.0.1:%d%s" % (nport, p), a.seconds, a.connections, gz)
                    nr.append(r); nl.append(l)
                gm, nm = statistics.median(gr), statistics.median(nr)
                print("%-55s %4s %12.0f %12.0f %7.2f %9.2f %9.2f" % (p[:55], "yes" if gz else "no", gm, nm, gm / nm,
                      statistics.median(gl), statistics.median(nl)))
                print("    runs: gazette %s, nginx %s, worst ratio %.2f" % (
                    [round(x) for x in gr], [round(x) for x in nr], min(x / y for x, y in zip(gr, nr))))
        rss = int(open("/proc/%d/status" % g.pid).read().split("VmRSS:")[1].split()[0])
        print("gazette resident memory: %.1f MiB" % (rss / 1024))
    finally:
        g.send_signal(signal.SIGTERM)
        n.send_signal(signal.SIGQUIT)
        g.wait()
        n.wait()
        shutil.rmtree(tmp, ignore_errors=True)


main()
