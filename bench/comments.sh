#!/bin/sh
# bench/comments.sh [SECONDS] [CLIENTS]: comments accepted per second.
#
# A fresh demo site on SQLite (WAL, synchronous=FULL) in a directory on the
# working tree's disk; wrk keeps CLIENTS connections (default 16) posting
# comments for SECONDS (default 10). Pacing is off and moderation none, so
# every post is written. The server gets one handler thread per client: a
# handler waits for its group's COMMIT, and the writer commits whatever
# has queued meanwhile in one transaction. The figure is rows stored per
# second, counted in the database afterwards (each was acknowledged 303).
set -eu
cd "$(dirname "$0")/.."
secs=${1:-10}
clients=${2:-16}
command -v wrk >/dev/null || { echo "bench/comments.sh: wrk is missing (scripts/deps.sh bench)" >&2; exit 1; }
dir=$(mktemp -d "$PWD/bench/tmp-comments-XXXXXX")
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
db=$dir/site.db
./gazette demo --db "$db" 2>/dev/null
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
: >"$dir/serve.log"
GAZETTE_COMMENT_MIN_FILL=0 GAZETTE_COMMENT_RATE=0 GAZETTE_MODERATION=none \
    ./gazette serve --db "$db" --listen "127.0.0.1:$port" --threads "$clients" \
    --no-access-log 2>"$dir/serve.log" &
pid=$!
i=0
until grep -q "listening on" "$dir/serve.log"; do
	i=$((i + 1)); [ $i -gt 500 ] && { cat "$dir/serve.log" >&2; exit 1; }
	sleep 0.02
done
article=/2022/01/china-offers-kazakhstan-security-cooperation
. bench/post-lua.sh
post_lua "http://127.0.0.1:$port$article" "$dir" "$dir/post.lua"
count() {
	python3 -c "import sqlite3,sys;print(sqlite3.connect(sys.argv[1]).execute('select count(*) from comments').fetchone()[0])" "$db"
}
before=$(count)
start=$(date +%s.%N)
wrk -t2 -c"$clients" -d"${secs}s" -s "$dir/post.lua" "http://127.0.0.1:$port$article/comments" >"$dir/wrk.out"
end=$(date +%s.%N)
after=$(count)
errors=$(grep -E "Non-2xx|Socket errors" "$dir/wrk.out" || true)
python3 - "$before" "$after" "$start" "$end" "$clients" "$errors" <<'PY'
import sys
b, a, s, e, c, err = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]
print("comments: %s clients, %.1f s: %d stored, %.0f comments/s (SQLite WAL, synchronous=FULL)%s"
      % (c, e - s, a - b, (a - b) / (e - s), ("; wrk: " + err.strip()) if err.strip() else ""))
PY
