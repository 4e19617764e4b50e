#!/bin/sh
# tests/format.sh: every C file of the tree is as .clang-format lays it
# out (make format fixes it), and the check can fail: a file put out of
# shape on purpose is caught.
set -u
cd "$(dirname "$0")/.."
cases=0 failed=0 checks=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

files=$(git ls-files 'src/*.[ch]' 'tests/unit/*.[ch]' 'fuzz/*.c' 2>/dev/null)
[ -n "$files" ] || files=$(find src tests/unit fuzz -name '*.[ch]')

cases=$((cases + 1))
bad=0
for f in $files; do
	checks=$((checks + 1))
	if ! clang-format --dry-run -Werror "$f" >"$tmp/out" 2>&1; then
		bad=$((bad + 1))
		echo "FAIL tree_formatted: $f is not as .clang-format lays it out (make format):"
		head -5 "$tmp/out" | sed 's/^/  /'
	fi
done
[ "$bad" -eq 0 ] || failed=$((failed + 1))

# A file put out of shape is refused.
cases=$((cases + 1))
checks=$((checks + 1))
mkdir -p "$tmp/t"
cp .clang-format "$tmp/t/"
printf 'int\nf(void)\n{\n  return 1;\n}\n' >"$tmp/t/x.c"
if clang-format --dry-run -Werror "$tmp/t/x.c" >/dev/null 2>&1; then
	failed=$((failed + 1))
	echo "FAIL misshapen_fails: a two-space indent passed"
fi

echo "format: $cases cases, $checks checks: $((cases - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
