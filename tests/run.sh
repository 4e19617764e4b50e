#!/bin/sh
# tests/run.sh: runs every test suite and sums their summary lines into the
# closing lines CI reads.
#   GAZETTE_BIN  the binary under test (default ./gazette)
#   UNIT_DIR     where the unit test binaries are (default build/tests)
#   FUZZ_DIR     where the fuzz replay binaries are (default build/fuzz)
#   SUITES       space-separated subset: harness layers format unit fuzz http browser
#                browser-admin pg (default: all)
#
# Every suite counts test cases (a named test function, a table's group of
# rows, one fuzz input) and, beside them, checks (each assertion made), and
# ends with "NAME: N cases, N checks: N passed, N failed", passed and
# failed counting cases. This script shows that line under the name it ran
# the suite by (unit/test-store, pg/http/test_api.py), and closes with
#   tests: N cases, N checks: N passed, N failed
#   N passed, N failed
# the last alone on its line, counting cases, for CI. A suite that dies
# without its summary line is one failed case; so is one that exits
# non-zero while its summary says nothing failed.
#
# The pg suite starts a throwaway PostgreSQL (tests/pg.sh) and runs the
# store conformance suite and every black-box test against it, their
# names prefixed "pg/" (the browser suites run once, on SQLite:
# they test the pages, which the backend does not change). A PostgreSQL
# that cannot start is a failed suite, not a skipped one. An http test
# whose file says "# needs: pg" (it needs both backends at once) runs in
# the pg suite only; one that says "# needs: sqlite" (it tests SQLite
# itself, such as its fault-injecting VFS) runs in the http suite only.
#
# What the suites need from the machine (Debian packages, npm modules)
# comes from `make test`: scripts/deps.sh test first, npm ci on first use.
set -u
cd "$(dirname "$0")/.."
GAZETTE_BIN=${GAZETTE_BIN:-./gazette}
UNIT_DIR=${UNIT_DIR:-build/tests}
FUZZ_DIR=${FUZZ_DIR:-build/fuzz}
export GAZETTE_BIN UNIT_DIR FUZZ_DIR
SUITES=${SUITES:-"harness layers format unit fuzz http browser browser-admin pg"}
PY=/usr/bin/python3

. tests/pg.sh

log=$(mktemp)
trap 'pg_stop; rm -f "$log" "$log.raw" "$log.sum"' EXIT
trap 'exit 1' INT TERM

# A summary line: a name, then the counts (with thousands commas or not).
COUNTS='[0-9,]+ cases, [0-9,]+ checks: [0-9,]+ passed, [0-9,]+ failed'
SUMMARY="^[A-Za-z0-9_./-]+: $COUNTS"

# fail_case NAME WHY: one failed case that the suite could not count itself.
fail_case() {
	echo "$1: 1 cases, 0 checks: 0 passed, 1 failed ($2)"
	echo "$1 1 0 0 1" >>"$log"
}

run() {
	# Each suite prints its own summary line, shown here under the name
	# it was run by; a suite that dies without one counts as a failed
	# case of its own.
	name=$1; shift
	echo "== $name"
	if "$@" >"$log.raw" 2>&1; then rc=0; else rc=$?; fi
	sed -E "s#^[A-Za-z0-9_./-]+: ($COUNTS)#$name: \1#" "$log.raw"
	grep -E "$SUMMARY" "$log.raw" | sed -E 's/^[^:]*: //; s/,//g' |
	    awk -v n="$name" '{print n, $1, $3, $5, $7}' >"$log.sum"
	rm -f "$log.raw"
	if [ ! -s "$log.sum" ]; then
		fail_case "$name" "exited $rc without a summary"
	else
		cat "$log.sum" >>"$log"
		if [ "$rc" -ne 0 ] && ! awk '$5 > 0 {f = 1} END {exit !f}' "$log.sum"; then
			fail_case "$name" "exited $rc"
		fi
	fi
	rm -f "$log.sum"
}

# Adds commas every three digits, as the suites print their numbers.
num() {
	echo "$1" | sed -E ':a; s/([0-9])([0-9]{3})($|,)/\1,\2\3/; ta'
}

for s in $SUITES; do
	case $s in
	harness)
		# The counting itself: t.h, lib.py, lib.js, fuzz/replay.c,
		# this script and the Makefile's test targets.
		run harness sh tests/harness.sh ;;
	format)
		# Every C file as .clang-format lays it out (make format).
		run format sh tests/format.sh ;;
	layers)
		# The floors of src/ over the objects the unit tests link.
		BUILD_DIR=${UNIT_DIR%/tests}; export BUILD_DIR
		run layers sh tests/layers.sh ;;
	unit)
		ran=0
		for t in "$UNIT_DIR"/test-*; do
			[ -x "$t" ] || continue
			run "unit/$(basename "$t")" "$t"
			ran=$((ran + 1))
		done
		[ "$ran" -gt 0 ] || fail_case unit "no test binaries in $UNIT_DIR" ;;
	fuzz)
		# Both folders must exist (replay fails a missing one): a
		# driver with no crasher yet has fuzz/regression/NAME/.keep.
		ran=0
		for t in "$FUZZ_DIR"/replay-*; do
			[ -x "$t" ] || continue
			n=${t##*/replay-}
			run "fuzz/$n" "$t" "$n" "fuzz/corpus/$n" "fuzz/regression/$n"
			ran=$((ran + 1))
		done
		[ "$ran" -gt 0 ] || fail_case fuzz "no replay binaries in $FUZZ_DIR" ;;
	http)
		for t in tests/http/test_*.py; do
			[ -f "$t" ] || continue
			if grep -q '^# needs: pg$' "$t"; then
				echo "== http/$(basename "$t"): in the pg suite"
				continue
			fi
			run "http/$(basename "$t")" "$PY" "$t"
		done ;;
	browser)
		run browser sh tests/browser/run.sh ;;
	browser-admin)
		# Headless Chromium from Debian, driven by playwright-core
		# from npm (installed here on first use, pinned by the lock).
		if [ ! -f tests/browser-admin/node_modules/playwright-core/package.json ] &&
		    ! (cd tests/browser-admin && npm ci --no-audit --no-fund \
		    --loglevel=error >/dev/null 2>&1); then
			fail_case browser-admin "cannot install playwright-core: npm ci in tests/browser-admin failed"
		else
			run "browser-admin" node tests/browser-admin/run.mjs
		fi ;;
	pg)
		echo "== pg: starting a throwaway PostgreSQL"
		if ! pg_start 2>&1; then
			fail_case pg/setup "PostgreSQL did not start"
			continue
		fi
		if db=$(pg_newdb unit_store) && db2=$(pg_newdb unit_store2); then
			GAZETTE_TEST_DB=$db GAZETTE_TEST_DB2=$db2
			export GAZETTE_TEST_DB GAZETTE_TEST_DB2
			run "pg/unit/test-store" "$UNIT_DIR/test-store"
			unset GAZETTE_TEST_DB GAZETTE_TEST_DB2
		else
			fail_case pg/unit/test-store "no database"
		fi
		# The search suite's driver test (the rest of it is pure).
		if db=$(pg_newdb unit_search); then
			GAZETTE_TEST_DB=$db
			export GAZETTE_TEST_DB
			run "pg/unit/test-search" "$UNIT_DIR/test-search"
			unset GAZETTE_TEST_DB
		else
			fail_case pg/unit/test-search "no database"
		fi
		GAZETTE_TEST_BACKEND=pg
		export GAZETTE_TEST_BACKEND
		for t in tests/http/test_*.py; do
			[ -f "$t" ] || continue
			if grep -q '^# needs: sqlite$' "$t"; then
				echo "== pg/http/$(basename "$t"): SQLite only, in the http suite"
				continue
			fi
			run "pg/http/$(basename "$t")" "$PY" "$t"
		done
		unset GAZETTE_TEST_BACKEND
		pg_stop ;;
	*)
		echo "unknown suite $s" >&2; exit 2 ;;
	esac
done

# Columns of $log: name, cases, checks, passed, failed.
cases=$(awk '{n += $2} END {print n+0}' "$log")
checks=$(awk '{n += $3} END {print n+0}' "$log")
passed=$(awk '{n += $4} END {print n+0}' "$log")
failed=$(awk '{n += $5} END {print n+0}' "$log")
echo
if [ "$failed" -ne 0 ]; then
	echo "failed: $(awk '$5 > 0 {printf "%s%s", s, $1; s = " "}' "$log")"
fi
echo "tests: $(num "$cases") cases, $(num "$checks") checks: $(num "$passed") passed, $(num "$failed") failed"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$cases" -gt 0 ]
