#!/bin/sh
# bench/search.sh [N]: full-text search at scale. Imports N generated
# articles (default 100,000) into a fresh SQLite database, reporting the
# import rate with the search index kept in step (articles indexed per
# second), then serves the site and times a fixed set of queries through
# /api/v1/search (sequential, one connection each), reporting p50, p99
# and max latency. Figures only; nothing here passes or fails.
set -eu
cd "$(dirname "$0")/.."
n=${1:-100000}
dir=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
python3 bench/gen-articles.py "$n" "$dir/md"
./gazette init --db "$dir/site.db" 2>/dev/null
start=$(date +%s.%N)
./gazette import --db "$dir/site.db" "$dir/md" 2>/dev/null
end=$(date +%s.%N)
python3 - "$n" "$start" "$end" <<'PY'
import sys
n, s, e = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print("index: %d articles imported and indexed in %.2f s = %.0f articles/s" % (n, e - s, n / (e - s)))
PY
ls -l "$dir/site.db" | awk '{printf "database: %.0f MiB\n", $5 / 1048576}'
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./gazette serve --db "$dir/site.db" --listen "127.0.0.1:$port" 2>"$dir/serve.log" &
pid=$!
python3 - "$port" <<'PY'
import http.client, random, sys, time, urllib.parse
port = int(sys.argv[1])
for _ in range(200):
    try:
        http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/healthz")
        break
    except OSError:
        time.sleep(0.05)
words = ("china kazakhstan security cooperation unrest fuel price protest government "
         "minister foreign ministry police region border energy import project analyst "
         "report agency statement troops alliance election parliament economy market").split()
r = random.Random(7)
queries = []
for w in words:
    queries += [w, w[:4] + "*", '"%s %s"' % (w, r.choice(words)), "%s -%s" % (w, r.choice(words)),
                "%s %s %s" % (w, r.choice(words), r.choice(words))]
queries += ["Central Asia", "reporter", "article 99999", "zzzznothing", "a*", "NEAR(", '"']
lat = []
slow = []
status = {}
for q in queries * 2:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    t0 = time.perf_counter()
    c.request("GET", "/api/v1/search?q=" + urllib.parse.quote(q))
    resp = c.getresponse()
    resp.read()
    lat.append(time.perf_counter() - t0)
    slow.append((lat[-1], q))
    status[resp.status] = status.get(resp.status, 0) + 1
    c.close()
lat.sort()
pct = lambda p: lat[min(len(lat) - 1, int(round(p / 100.0 * len(lat))) - 1)] * 1000
print("search: %d queries (%d distinct), statuses %s" % (len(lat), len(queries), status))
print("search latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms" % (pct(50), pct(99), lat[-1] * 1000))
print("slowest: " + ", ".join("%r %.0f ms" % (q, t * 1000) for t, q in sorted(slow, reverse=True)[:6]))
PY
