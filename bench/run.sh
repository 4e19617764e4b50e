#!/bin/sh
# bench/run.sh: every benchmark in turn (make bench), each figure printed
# and appended to bench/results.md with the date and the command.
#   BENCH_SEARCH_N  articles for the search benchmark (default 20000, to
#                   keep the whole run near 15 minutes)
#   BENCH_BUILD_N   articles for the build against Hugo (default 10000)
set -u
cd "$(dirname "$0")/.."
out=bench/results.md
[ -f "$out" ] || printf '# gazette benchmark results\n\nAppended by bench/run.sh (make bench); newest last.\n' >"$out"
host="$(nproc) cores, $(uname -sr), $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//')"
printf '\n## %s — %s\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$host" >>"$out"
step() {
	echo "== $*"
	printf '`%s`\n\n```\n' "$*" >>"$out"
	"$@" 2>&1 | tee -a "$out"
	printf '```\n\n' >>"$out"
}
step python3 bench/http.py / /2022/01/china-offers-kazakhstan-security-cooperation /feed.atom
step python3 bench/render-cpu.py --comments 50
step sh bench/comments.sh 10 16
step sh bench/pg-nodes.sh 10 25
step sh bench/import.sh 20000
step sh bench/search.sh "${BENCH_SEARCH_N:-20000}"
step sh bench/memory.sh 20000
step sh bench/build.sh "${BENCH_BUILD_N:-10000}"
echo "results appended to $out"
