#!/bin/sh
# bench/import.sh [N]: import rate of N generated articles (default 20,000)
# into a fresh SQLite database, as articles per second.
set -eu
cd "$(dirname "$0")/.."
n=${1:-20000}
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
print("import: %d articles in %.2f s = %.0f articles/s" % (n, e - s, n / (e - s)))
PY
