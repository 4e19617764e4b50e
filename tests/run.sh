#!/bin/sh
# tests/run.sh: runs every test suite and sums their "N passed, N failed"
# lines into the one closing line CI reads.
#   GAZETTE_BIN  the binary under test (default ./gazette)
#   UNIT_DIR     where the unit test binaries are (default build/tests)
#   SUITES       space-separated subset: unit fuzz http browser
#                browser-admin (default: all)
set -u
cd "$(dirname "$0")/.."
GAZETTE_BIN=${GAZETTE_BIN:-./gazette}
UNIT_DIR=${UNIT_DIR:-build/tests}
FUZZ_DIR=${FUZZ_DIR:-build/fuzz}
export GAZETTE_BIN UNIT_DIR FUZZ_DIR
SUITES=${SUITES:-"unit fuzz http browser browser-admin"}
PY=/usr/bin/python3

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0

run() {
	# Each suite prints its own "NAME: N passed, N failed" lines; a suite
	# that dies without one counts as a failure of its own.
	name=$1; shift
	echo "== $name"
	if "$@" >"$log.out" 2>&1; then rc=0; else rc=$?; fi
	cat "$log.out"
	if ! grep -qE '^[A-Za-z0-9_./-]+: [0-9]+ passed, [0-9]+ failed' "$log.out"; then
		echo "$name: 0 passed, 1 failed (exited $rc without a summary)"
		echo "$name: 0 passed, 1 failed" >>"$log"
	else
		grep -E '^[A-Za-z0-9_./-]+: [0-9]+ passed, [0-9]+ failed' "$log.out" >>"$log"
		if [ "$rc" -ne 0 ] && ! grep -qE ' [1-9][0-9]* failed' "$log.out"; then
			echo "$name: 0 passed, 1 failed (exited $rc)" | tee -a "$log"
		fi
	fi
	rm -f "$log.out"
}

for s in $SUITES; do
	case $s in
	unit)
		for t in "$UNIT_DIR"/test-*; do
			[ -x "$t" ] && run "unit/$(basename "$t")" "$t"
		done ;;
	fuzz)
		for t in "$FUZZ_DIR"/replay-*; do
			[ -x "$t" ] || continue
			n=${t##*/replay-}
			run "fuzz/$n" "$t" "$n" "fuzz/corpus/$n" "fuzz/regression/$n"
		done ;;
	http)
		for t in tests/http/test_*.py; do
			[ -f "$t" ] && run "http/$(basename "$t")" "$PY" "$t"
		done ;;
	browser)
		run browser sh tests/browser/run.sh ;;
	browser-admin)
		# Headless Chromium from Debian, driven by playwright-core
		# from npm (installed here on first use, pinned by the lock).
		if [ ! -d tests/browser-admin/node_modules/playwright-core ]; then
			(cd tests/browser-admin && npm ci --no-audit --no-fund \
			    >/dev/null 2>&1)
		fi
		run "browser-admin" node tests/browser-admin/run.mjs ;;
	*)
		echo "unknown suite $s" >&2; exit 2 ;;
	esac
done

passed=$(awk '{p += $(NF-3)} END {print p+0}' "$log")
failed=$(awk '{f += $(NF-1)} END {print f+0}' "$log")
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
