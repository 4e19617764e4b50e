#!/bin/sh
# bench/memory.sh [N]: resident memory of gazette serve holding N
# generated articles (default 20,000), after warming the first 50 front
# pages, the tag pages and 500 article pages: VmRSS and VmHWM from
# /proc/PID/status.
set -eu
cd "$(dirname "$0")/.."
n=${1:-20000}
dir=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
python3 bench/gen-articles.py "$n" "$dir/md"
./gazette init --db "$dir/site.db" 2>/dev/null
./gazette import --db "$dir/site.db" "$dir/md" 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./gazette serve --db "$dir/site.db" --listen "127.0.0.1:$port" --no-access-log 2>"$dir/serve.log" &
pid=$!
python3 - "$port" "$n" "$pid" <<'PY'
import http.client, random, sys, time
port, n, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for _ in range(200):
    try:
        http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/healthz")
        break
    except OSError:
        time.sleep(0.05)
def get(p):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", p, headers={"Accept-Encoding": "gzip"})
    r = c.getresponse(); r.read(); c.close()
    return r.status
paths = ["/"] + ["/page/%d" % i for i in range(2, 51)] + ["/tags"]
for t in ["kazakhstan", "china", "central-asia", "energy", "politics", "economy"]:
    paths.append("/tags/" + t)
r = random.Random(1)
for i in r.sample(range(n), min(500, n)):
    year, month = 2015 + (i // 336) % 10, 1 + (i // 28) % 12
    paths.append("/%04d/%02d/article-%d" % (year, month, i))
bad = sum(1 for p in paths for _ in (0, 1) if get(p) != 200)
st = dict(l.split(":", 1) for l in open("/proc/%s/status" % pid) if ":" in l)
rss = int(st["VmRSS"].split()[0]) / 1024
hwm = int(st["VmHWM"].split()[0]) / 1024
print("memory: %d articles, %d pages warmed twice (%d not 200): VmRSS %.1f MiB, VmHWM %.1f MiB"
      % (n, len(paths), bad, rss, hwm))
PY
