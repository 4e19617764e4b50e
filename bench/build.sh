#!/bin/sh
# bench/build.sh [N]: gazette build against Hugo on the same N generated
# Markdown articles (default 10,000). The corpus is imported into a fresh
# SQLite database first (the import is timed and reported, not counted in
# the build). Hugo builds it with the minimal equivalent site in
# bench/hugo/ (home listing paginated by 20, article pages at
# /YYYY/MM/SLUG/, tag pages and index, RSS). Each builds into an empty
# directory three times, alternating; the best time of each and the ratio
# are printed. gazette also writes author and archive listings, Atom,
# RSS and JSON feeds per tag, author and article, sitemaps and a .gz of
# every file, which Hugo's side does not.
set -eu
cd "$(dirname "$0")/.."
n=${1:-10000}
command -v hugo >/dev/null || { echo "bench/build.sh: hugo is missing (scripts/deps.sh bench)" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 bench/gen-articles.py "$n" "$dir/md"
./gazette init --db "$dir/site.db" 2>/dev/null
start=$(date +%s.%N)
./gazette import --db "$dir/site.db" "$dir/md" 2>/dev/null
end=$(date +%s.%N)
python3 - "$n" "$start" "$end" <<'PY'
import sys
n, s, e = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print("build: import of the corpus (not counted): %d articles in %.2f s = %.0f articles/s" % (n, e - s, n / (e - s)))
PY
cp -R bench/hugo "$dir/hugo"
mkdir -p "$dir/hugo/content" "$dir/hugo/static/static"
cp -R "$dir/md" "$dir/hugo/content/posts"
cp themes/default/static/style.css "$dir/hugo/static/static/"
: >"$dir/times"
for run in 1 2 3; do
	rm -rf "$dir/g-out" "$dir/h-out"
	sync
	s=$(date +%s.%N)
	./gazette build --db "$dir/site.db" --out "$dir/g-out" \
	    --base-url http://news.example 2>"$dir/g.log"
	e=$(date +%s.%N)
	echo "gazette $s $e" >>"$dir/times"
	sync
	s=$(date +%s.%N)
	hugo --quiet --source "$dir/hugo" --destination "$dir/h-out" \
	    --cacheDir "$dir/hugo-cache" >"$dir/h.log" 2>&1
	e=$(date +%s.%N)
	echo "hugo $s $e" >>"$dir/times"
done
gfiles=$(find "$dir/g-out" -type f ! -name '*.gz' | wc -l)
gzs=$(find "$dir/g-out" -type f -name '*.gz' | wc -l)
hfiles=$(find "$dir/h-out" -type f | wc -l)
python3 - "$dir/times" "$n" "$gfiles" "$gzs" "$hfiles" "$(tail -1 "$dir/g.log")" <<'PY'
import sys
t = {"gazette": [], "hugo": []}
for line in open(sys.argv[1]):
    k, s, e = line.split()
    t[k].append(float(e) - float(s))
n, gf, gz, hf, glog = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
g, h = min(t["gazette"]), min(t["hugo"])
print("build: %s articles: gazette build %.2f s (best of 3: %s; %s files + %s .gz), "
      "hugo %.2f s (best of 3: %s; %s files); hugo/gazette = %.2fx"
      % (n, g, ", ".join("%.2f" % x for x in t["gazette"]), gf, gz,
         h, ", ".join("%.2f" % x for x in t["hugo"]), hf, h / g))
print("build: " + glog)
PY
