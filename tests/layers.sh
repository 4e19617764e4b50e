#!/bin/sh
# tests/layers.sh: the floors of src/ hold (scripts/layers.sh), and the
# check can fail: a back-edge added on purpose, by an #include, by a call
# linked without one, and between two folders of one floor, is caught.
#   BUILD_DIR  the objects of the tree under test (default build)
set -u
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cases=0 failed=0 checks=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# case NAME WANT(0|1) PATTERN CMD...: the command's exit status is WANT and
# its output has PATTERN.
case_() {
	name=$1 want=$2 pat=$3; shift 3
	cases=$((cases + 1))
	if "$@" >"$tmp/out" 2>&1; then rc=0; else rc=1; fi
	ok=1
	checks=$((checks + 2))
	[ "$rc" -eq "$want" ] || ok=0
	grep -q -- "$pat" "$tmp/out" || ok=0
	if [ $ok -eq 0 ]; then
		failed=$((failed + 1))
		echo "FAIL $name: exit $rc (want $want), output lacks '$pat':"
		sed 's/^/  /' "$tmp/out" | head -40
	fi
}

case_ tree_holds 0 'layers: util < ' sh scripts/layers.sh src "$BUILD_DIR"
cat "$tmp/out"

# A copy of the tree with one include going up a floor.
cp -R src "$tmp/up"
echo '#include "cmd/cmd.h"' >>"$tmp/up/util/buf.c"
case_ include_upwards_fails 1 'util/buf.c:.*util (floor 0) uses cmd' \
    sh scripts/layers.sh "$tmp/up"

# Two folders of one floor.
cp -R src "$tmp/same"
echo '#include "search/query.h"' >>"$tmp/same/render/esc.c"
case_ same_floor_fails 1 'render/esc.c:.*render uses search on its own floor' \
    sh scripts/layers.sh "$tmp/same"

# A call with a hand-written prototype and no include: only the objects
# show it.
mkdir -p "$tmp/sym/src/util" "$tmp/sym/src/store" "$tmp/sym/b/src/util" \
    "$tmp/sym/b/src/store"
printf 'int store_thing(void);\nint util_thing(void);\nint util_thing(void) { return store_thing(); }\n' \
    >"$tmp/sym/src/util/u.c"
printf 'int store_thing(void);\nint store_thing(void) { return 1; }\n' \
    >"$tmp/sym/src/store/s.c"
cc -c -o "$tmp/sym/b/src/util/u.o" "$tmp/sym/src/util/u.c" &&
cc -c -o "$tmp/sym/b/src/store/s.o" "$tmp/sym/src/store/s.c"
case_ call_upwards_fails 1 'util/u.c: util (floor 0) uses store (floor 2): calls store_thing' \
    sh scripts/layers.sh "$tmp/sym/src" "$tmp/sym/b"

# A folder the floors do not name is refused, not waved through.
cp -R src "$tmp/new"
mkdir -p "$tmp/new/newthing"
printf '#include "util/buf.h"\n' >"$tmp/new/newthing/x.c"
case_ unknown_folder_fails 1 'folder newthing has no floor' \
    sh scripts/layers.sh "$tmp/new"

echo "layers: $cases cases, $checks checks: $((cases - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
