#!/bin/sh
# tests/run.sh: runs every test suite and sums their "N passed, N failed"
# lines into the one closing line CI reads.
#   GAZETTE_BIN  the binary under test (default ./gazette)
#   UNIT_DIR     where the unit test binaries are (default build/tests)
#   SUITES       space-separated subset: unit fuzz http browser
#                browser-admin pg (default: all)
#
# The pg suite starts a throwaway PostgreSQL (tests/pg.sh) and runs the
# store conformance suite and every black-box test against it, their
# summary lines prefixed "pg/" (the browser suites run once, on SQLite:
# they test the pages, which the backend does not change). A PostgreSQL
# that cannot start is a failed suite, not a skipped one. An http test
# whose file says "# needs: pg" (it needs both backends at once) runs in
# the pg suite only; one that says "# needs: sqlite" (it tests SQLite
# itself, such as its fault-injecting VFS) runs in the http suite only.
set -u
cd "$(dirname "$0")/.."
GAZETTE_BIN=${GAZETTE_BIN:-./gazette}
UNIT_DIR=${UNIT_DIR:-build/tests}
FUZZ_DIR=${FUZZ_DIR:-build/fuzz}
export GAZETTE_BIN UNIT_DIR FUZZ_DIR
SUITES=${SUITES:-"unit fuzz http browser browser-admin pg"}
PY=/usr/bin/python3
PREFIX=

. tests/pg.sh

log=$(mktemp)
trap 'pg_stop; rm -f "$log" "$log.out"' EXIT
trap 'exit 1' INT TERM
status=0

run() {
	# Each suite prints its own "NAME: N passed, N failed" lines; a suite
	# that dies without one counts as a failure of its own.
	name=$1; shift
	echo "== $name"
	if "$@" >"$log.raw" 2>&1; then rc=0; else rc=$?; fi
	sed -E "s#^([A-Za-z0-9_./-]+: [0-9]+ passed, [0-9]+ failed)#$PREFIX\1#" \
	    "$log.raw" >"$log.out"
	rm -f "$log.raw"
	cat "$log.out"
	if ! grep -qE '^[A-Za-z0-9_./-]+: [0-9]+ passed, [0-9]+ failed' "$log.out"; then
		echo "$name: 0 passed, 1 failed (exited $rc without a summary)"
		echo "$name: 0 passed, 1 failed" >>"$log"
	else
		grep -E '^[A-Za-z0-9_./-]+: [0-9]+ passed, [0-9]+ failed' "$log.out" >>"$log"
		if [ "$rc" -ne 0 ] && ! grep -qE ' [1-9][0-9]* failed' "$log.out"; then
			echo "$name: 0 passed, 1 failed (exited $rc)"
			echo "$name: 0 passed, 1 failed" >>"$log"
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
		if [ ! -d tests/browser-admin/node_modules/playwright-core ]; then
			(cd tests/browser-admin && npm ci --no-audit --no-fund \
			    >/dev/null 2>&1)
		fi
		run "browser-admin" node tests/browser-admin/run.mjs ;;
	pg)
		echo "== pg: starting a throwaway PostgreSQL"
		if ! pg_start 2>&1; then
			echo "pg/setup: 0 passed, 1 failed (PostgreSQL did not start)"
			echo "pg/setup: 0 passed, 1 failed" >>"$log"
			continue
		fi
		PREFIX=pg/
		if db=$(pg_newdb unit_store) && db2=$(pg_newdb unit_store2); then
			GAZETTE_TEST_DB=$db GAZETTE_TEST_DB2=$db2
			export GAZETTE_TEST_DB GAZETTE_TEST_DB2
			run "pg/unit/test-store" "$UNIT_DIR/test-store"
			unset GAZETTE_TEST_DB GAZETTE_TEST_DB2
		else
			echo "pg/unit/test-store: 0 passed, 1 failed (no database)"
			echo "pg/unit/test-store: 0 passed, 1 failed" >>"$log"
		fi
		# The search suite's driver test (the rest of it is pure).
		if db=$(pg_newdb unit_search); then
			GAZETTE_TEST_DB=$db
			export GAZETTE_TEST_DB
			run "pg/unit/test-search" "$UNIT_DIR/test-search"
			unset GAZETTE_TEST_DB
		else
			echo "pg/unit/test-search: 0 passed, 1 failed (no database)"
			echo "pg/unit/test-search: 0 passed, 1 failed" >>"$log"
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
		PREFIX=
		pg_stop ;;
	*)
		echo "unknown suite $s" >&2; exit 2 ;;
	esac
done

passed=$(awk '{p += $(NF-3)} END {print p+0}' "$log")
failed=$(awk '{f += $(NF-1)} END {print f+0}' "$log")
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
