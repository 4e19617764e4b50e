#!/bin/sh
# bench/pg-nodes.sh [SECONDS] [CLIENTS]: two gazette nodes on one PostgreSQL
# database against one node on SQLite: cached article page requests/s and
# comment posts/s. Never run by make test.
#
# A throwaway PostgreSQL (tests/pg.sh, with fsync, synchronous_commit and
# full_page_writes back on, so commits are as durable as SQLite's
# synchronous=FULL), the demo site in one database, and two `gazette serve`
# nodes on it on two loopback ports, as behind a load balancer; every
# write is NOTIFYed to both. Then:
# - cached pages: wrk on each node at the same time (CLIENTS connections
#   each, default 25), on the article page; each node's requests/s and
#   their sum. wrk sends no cookie, so every request is a new visitor whose
#   token is spliced into the cached page (as in bench/http.py);
# - comment posts: wrk posting comments through both nodes at the same
#   time (CLIENTS connections each, pacing off, moderation none), counted
#   in the database afterwards, as bench/comments.sh counts them;
# - beside them, the same page measured on one node on SQLite (the demo
#   site in a file), and bench/comments.sh with 2 x CLIENTS connections.
# Everything runs on this one machine: the nodes, PostgreSQL and wrk share
# its cores, so the sums say what one host gives, not what N hosts would.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-10}
clients=${2:-25}
command -v wrk >/dev/null || { echo "bench/pg-nodes.sh: wrk is missing (scripts/deps.sh bench)" >&2; exit 1; }
article=/2022/01/china-offers-kazakhstan-security-cooperation
dir=$(mktemp -d "$PWD/bench/tmp-pg-nodes-XXXXXX")
pids=""
. tests/pg.sh
. bench/post-lua.sh
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	pg_stop
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

PG_EXTRA_OPTS="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
pg_start
db=$(pg_newdb bench_nodes)
./gazette demo --db "$db" 2>/dev/null

free_port() {
	python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# node NAME DB: starts a node on a free port, in $port.
node() {
	port=$(free_port)
	: >"$dir/$1.log"
	GAZETTE_COMMENT_MIN_FILL=0 GAZETTE_COMMENT_RATE=0 GAZETTE_MODERATION=none \
	    ./gazette serve --db "$2" --listen "127.0.0.1:$port" \
	    --threads "$clients" --no-access-log >/dev/null 2>"$dir/$1.log" &
	pids="$pids $!"
	i=0
	until grep -q "listening on" "$dir/$1.log"; do
		i=$((i + 1)); [ $i -gt 500 ] && { cat "$dir/$1.log" >&2; exit 1; }
		sleep 0.02
	done
}

# rps FILE: Requests/sec from a wrk output, refusing one with errors.
rps() {
	if grep -qE "Non-2xx|Socket errors" "$1"; then
		echo "bench/pg-nodes.sh: wrk saw errors:" >&2
		cat "$1" >&2
		exit 1
	fi
	sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$1"
}

comments() {
	psql -X -q -At -d "$db" -c "SELECT count(*) FROM comments"
}

node a "$db"; a=$port
node b "$db"; b=$port
# Warm: each node renders and caches the page once.
curl -s -o /dev/null "http://127.0.0.1:$a$article"
curl -s -o /dev/null "http://127.0.0.1:$b$article"

wrk -t1 -c"$clients" -d"${secs}s" "http://127.0.0.1:$a$article" >"$dir/page-a.out" &
wa=$!
wrk -t1 -c"$clients" -d"${secs}s" "http://127.0.0.1:$b$article" >"$dir/page-b.out" &
wb=$!
wait "$wa" "$wb"
pa=$(rps "$dir/page-a.out")
pb=$(rps "$dir/page-b.out")

post_lua "http://127.0.0.1:$a$article" "$dir" "$dir/post-a.lua"
post_lua "http://127.0.0.1:$b$article" "$dir" "$dir/post-b.lua"
before=$(comments)
start=$(date +%s.%N)
wrk -t1 -c"$clients" -d"${secs}s" -s "$dir/post-a.lua" "http://127.0.0.1:$a$article/comments" >"$dir/post-a.out" &
wa=$!
wrk -t1 -c"$clients" -d"${secs}s" -s "$dir/post-b.lua" "http://127.0.0.1:$b$article/comments" >"$dir/post-b.out" &
wb=$!
wait "$wa" "$wb"
end=$(date +%s.%N)
after=$(comments)
rps "$dir/post-a.out" >/dev/null
rps "$dir/post-b.out" >/dev/null
notes=$(curl -s "http://127.0.0.1:$a/metrics" | sed -n 's/^gazette_cache_notifications_total //p')
for p in $pids; do
	kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
done
pids=""
pg_stop

# SQLite, one node, the same page and the same number of connections.
./gazette demo --db "$dir/site.db" 2>/dev/null
node sqlite "$dir/site.db"; s=$port
curl -s -o /dev/null "http://127.0.0.1:$s$article"
wrk -t1 -c$((2 * clients)) -d"${secs}s" "http://127.0.0.1:$s$article" >"$dir/page-s.out"
ps=$(rps "$dir/page-s.out")
for p in $pids; do
	kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
done
pids=""
sqlite_comments=$(sh bench/comments.sh "$secs" $((2 * clients)))

python3 - "$pa" "$pb" "$ps" "$before" "$after" "$start" "$end" "$clients" "$secs" "$notes" <<'PY'
import sys
pa, pb, ps = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
before, after, start, end = int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
c, secs, notes = int(sys.argv[8]), sys.argv[9], sys.argv[10]
print("pg-nodes: cached article page, %s s, wrk -c%d on each node at once:" % (secs, c))
print("  PostgreSQL node A %.0f r/s + node B %.0f r/s = %.0f r/s" % (pa, pb, pa + pb))
print("  SQLite one node (wrk -c%d): %.0f r/s" % (2 * c, ps))
print("pg-nodes: comment posts, %d clients through each node at once, %.1f s: %d stored, %.0f comments/s"
      " (PostgreSQL fsync on, synchronous_commit on); node A heard %s notifications"
      % (c, end - start, after - before, (after - before) / (end - start), notes))
PY
echo "  SQLite $sqlite_comments"
