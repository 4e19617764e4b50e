#!/bin/sh
# tests/harness.sh: tests of the counting itself, run by tests/run.sh as the
# suite "harness": tests/unit/t.h, tests/http/lib.py, tests/browser/lib.js
# and fuzz/replay.c count cases and checks as tests/run.sh reads them, a
# crashing fuzz input or a missing corpus folder fails its replay, run.sh
# sums honestly (a suite dying without its summary is a failed case), and
# `make test` and `make asan` install what the suites need first.
# Prints "harness: N cases, N checks: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
T=$(mktemp -d /tmp/gazette-harness-XXXXXX)
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
CC=${CC:-cc}
# A driver's abort must not leave a core file behind.
ulimit -c 0 2>/dev/null

cases=0 cases_failed=0 checks=0 case_name= case_fails=0

begin() {
	case_name=$1 case_fails=0
}

end() {
	cases=$((cases + 1))
	if [ "$case_fails" -gt 0 ]; then
		cases_failed=$((cases_failed + 1))
		echo "FAIL case $case_name: $case_fails checks failed"
	fi
}

# check WHAT COMMAND...: one check, passed when COMMAND succeeds.
check() {
	what=$1; shift
	checks=$((checks + 1))
	if ! "$@" >/dev/null 2>&1; then
		case_fails=$((case_fails + 1))
		echo "FAIL $case_name: $what"
	fi
}

# has FILE TEXT: FILE has a line that is exactly TEXT.
has() {
	grep -qxF -e "$2" "$1"
}

# has_part FILE TEXT: FILE has TEXT somewhere.
has_part() {
	grep -qF -e "$2" "$1"
}

# show FILE: what a failed case saw.
show() {
	if [ "$case_fails" -gt 0 ]; then
		sed 's/^/    | /' "$1" | tail -n 40
	fi
}

begin "t.h counts cases"
cat >"$T/t.c" <<'EOF'
#include "t.h"
static void loop(void) { int i; for (i = 0; i < 27000; i++) T_TRUE(i >= 0); }
static void one_bad(void) { T_TRUE(1); T_EQ_INT(1, 2); }
static void empty(void) { }
int main(void);
int
main(void)
{
	T_RUN(loop);
	T_RUN(one_bad);
	T_RUN(empty);
	T_TRUE(1);	/* outside a case: the case "main" */
	T_DONE("self");
}
EOF
if $CC -std=c17 -Wall -Wextra -Werror -Itests/unit -o "$T/t" "$T/t.c" >"$T/t.out" 2>&1; then
	rc=0
	"$T/t" >"$T/t.out" 2>&1 || rc=$?
	check "exits 1 when a case failed" [ "$rc" -eq 1 ]
	check "cases, checks, passed and failed cases" \
	    has "$T/t.out" "self: 4 cases, 27,003 checks: 3 passed, 1 failed"
	check "names the failed case" \
	    has "$T/t.out" "FAIL case one_bad: 1 of 2 checks failed"
else
	check "compiles" false
fi
show "$T/t.out"
end

begin "lib.py counts cases"
cat >"$T/t.py" <<EOF
import sys
sys.path.insert(0, "$ROOT/tests/http")
from lib import check, eq, run_tests

def ok():
    for i in range(1000):
        check(True, "x")

def bad():
    check(True, "a")
    eq(1, 2, "b")

def boom():
    check(True, "c")
    raise ValueError("boom")

def test_named():
    eq(1, 2, "d")

check(True, "in the setup")
run_tests("self", [ok, bad, boom, lambda: test_named()])
EOF
rc=0
/usr/bin/python3 "$T/t.py" >"$T/t.out" 2>&1 || rc=$?
check "exits 1 when a case failed" [ "$rc" -eq 1 ]
check "cases, checks, passed and failed cases" \
    has "$T/t.out" "self: 5 cases, 1,005 checks: 2 passed, 3 failed"
check "a failed check fails its case" \
    has "$T/t.out" "FAIL case bad: 1 of 2 checks failed"
check "an exception fails its case" \
    has "$T/t.out" "FAIL case boom: 0 of 1 checks failed, and it raised"
check "a lambda's case is named by what it calls" \
    has "$T/t.out" "FAIL case test_named: 1 of 1 checks failed"
show "$T/t.out"
cat >"$T/late.py" <<EOF
import sys
sys.path.insert(0, "$ROOT/tests/http")
from lib import check, run_tests

try:
    run_tests("late", [lambda: check(True, "x")])
finally:
    check(False, "after the summary")
EOF
rc=0
/usr/bin/python3 "$T/late.py" >"$T/t.out" 2>&1 || rc=$?
check "a check failing after the summary fails the exit status" [ "$rc" -ne 0 ]
show "$T/t.out"
end

begin "lib.js counts cases"
cat >"$T/t.js" <<EOF
const { check, eq, testCase, summary } = require("$ROOT/tests/browser/lib.js");
(async () => {
  await testCase("ok", async () => { for (let i = 0; i < 1000; i++) check(true, "x"); });
  await testCase("bad", async () => { check(true, "a"); eq(1, 2, "b"); });
  await testCase("boom", async () => { check(true, "c"); throw new Error("boom"); });
  check(true, "outside a case");
  const { line, status } = summary("self");
  console.log(line);
  process.exit(status);
})();
EOF
rc=0
node "$T/t.js" >"$T/t.out" 2>&1 || rc=$?
check "exits 1 when a case failed" [ "$rc" -eq 1 ]
check "cases, checks, passed and failed cases" \
    has "$T/t.out" "self: 4 cases, 1,004 checks: 2 passed, 2 failed"
check "a failed check fails its case" \
    has "$T/t.out" "FAIL case bad: 1 of 2 checks failed"
check "an exception fails its case" \
    has "$T/t.out" "FAIL case boom: 0 of 1 checks failed, and it raised"
show "$T/t.out"
end

# A driver that crashes on "crash", exits 3 on "exit" and passes the rest,
# linked with the real fuzz/replay.c.
cat >"$T/driver.c" <<'EOF'
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	if (n >= 5 && memcmp(d, "crash", 5) == 0)
		abort();
	if (n >= 4 && memcmp(d, "exit", 4) == 0)
		exit(3);
	return 0;
}
EOF
mkdir -p "$T/corpus" "$T/regression" "$T/good"
printf fine >"$T/corpus/a"
printf crash >"$T/corpus/b"
printf exit >"$T/corpus/c"
printf fine >"$T/good/a"
: >"$T/regression/.keep"
$CC -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$T/replay" \
    "$T/driver.c" fuzz/replay.c >"$T/cc.out" 2>&1
built=$?

begin "replay fails a crashing input"
if [ "$built" -eq 0 ]; then
	rc=0
	"$T/replay" self "$T/corpus" "$T/regression" >"$T/t.out" 2>&1 || rc=$?
	check "exits 1" [ "$rc" -eq 1 ]
	check "names the crashing file" \
	    has_part "$T/t.out" "FAIL $T/corpus/b: killed by signal 6"
	check "names the file whose run exited non-zero" \
	    has "$T/t.out" "FAIL $T/corpus/c: exited 3"
	check "every input is a case, the summary still prints" \
	    has "$T/t.out" "fuzz-self: 4 cases, 4 checks: 2 passed, 2 failed"
	rc=0
	"$T/replay" self "$T/good" "$T/regression" >"$T/t2.out" 2>&1 || rc=$?
	check "passes good inputs" [ "$rc" -eq 0 ]
	check "and counts them" \
	    has "$T/t2.out" "fuzz-self: 2 cases, 2 checks: 2 passed, 0 failed"
	cat "$T/t2.out" >>"$T/t.out"
else
	cp "$T/cc.out" "$T/t.out"
	check "fuzz/replay.c compiles" false
fi
show "$T/t.out"
end

begin "replay fails a missing corpus folder"
if [ "$built" -eq 0 ]; then
	rc=0
	"$T/replay" self "$T/nope" "$T/regression" >"$T/t.out" 2>&1 || rc=$?
	check "exits 1" [ "$rc" -eq 1 ]
	check "names the folder" \
	    has "$T/t.out" "FAIL $T/nope: cannot read the folder: No such file or directory"
	check "the summary still prints" \
	    has "$T/t.out" "fuzz-self: 2 cases, 2 checks: 1 passed, 1 failed"
else
	cp "$T/cc.out" "$T/t.out"
	check "fuzz/replay.c compiles" false
fi
show "$T/t.out"
end

begin "every fuzz driver has both folders"
for f in fuzz/fuzz-*.c; do
	n=${f#fuzz/fuzz-}
	n=${n%.c}
	check "fuzz/corpus/$n exists" [ -d "fuzz/corpus/$n" ]
	check "fuzz/regression/$n exists" [ -d "fuzz/regression/$n" ]
done
end

begin "run.sh sums cases"
mkdir -p "$T/unit" "$T/none"
printf '#!/bin/sh\necho "a: 2 cases, 1,500 checks: 2 passed, 0 failed"\n' >"$T/unit/test-a"
printf '#!/bin/sh\necho "b: 3 cases, 10 checks: 2 passed, 1 failed"\nexit 1\n' >"$T/unit/test-b"
printf '#!/bin/sh\necho "FAIL before dying"\nkill -SEGV $$\n' >"$T/unit/test-c"
printf '#!/bin/sh\necho "d: 1 cases, 1 checks: 1 passed, 0 failed"\nexit 2\n' >"$T/unit/test-d"
chmod +x "$T/unit/test-a" "$T/unit/test-b" "$T/unit/test-c" "$T/unit/test-d"
rc=0
SUITES=unit UNIT_DIR="$T/unit" sh tests/run.sh >"$T/t.out" 2>&1 || rc=$?
check "exits non-zero" [ "$rc" -ne 0 ]
check "shows a suite under the name it ran it by" \
    has "$T/t.out" "unit/test-a: 2 cases, 1,500 checks: 2 passed, 0 failed"
check "a suite dying without its summary is one failed case" \
    has_part "$T/t.out" "unit/test-c: 1 cases, 0 checks: 0 passed, 1 failed (exited"
check "a non-zero exit with nothing failed is one failed case" \
    has "$T/t.out" "unit/test-d: 1 cases, 0 checks: 0 passed, 1 failed (exited 2)"
check "closes with the sums" \
    has "$T/t.out" "tests: 8 cases, 1,511 checks: 5 passed, 3 failed"
check "and the cases alone on the last line" \
    [ "$(tail -n 1 "$T/t.out")" = "5 passed, 3 failed" ]
show "$T/t.out"
rm "$T/unit/test-b" "$T/unit/test-c" "$T/unit/test-d"
rc=0
SUITES=unit UNIT_DIR="$T/unit" sh tests/run.sh >"$T/t.out" 2>&1 || rc=$?
check "exits 0 when every case passed" [ "$rc" -eq 0 ]
check "last line when every case passed" \
    [ "$(tail -n 1 "$T/t.out")" = "2 passed, 0 failed" ]
show "$T/t.out"
rc=0
SUITES=unit UNIT_DIR="$T/none" sh tests/run.sh >"$T/t.out" 2>&1 || rc=$?
check "no unit test binaries is a failure" [ "$rc" -ne 0 ]
check "and says so" has_part "$T/t.out" "unit: 1 cases, 0 checks: 0 passed, 1 failed (no test binaries"
show "$T/t.out"
end

# What make would run, without running it (the outer make's jobserver is
# not this one's).
dry() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n --no-print-directory "$1" \
	    2>/dev/null | grep -nE 'deps\.sh|tests/run\.sh|  (CC|LD) ' | head -n 3
}

begin "make test installs the test packages first"
dry test >"$T/t.out"
check "scripts/deps.sh test comes first" \
    sh -c "head -n 1 '$T/t.out' | grep -q 'sh scripts/deps.sh test\$'"
show "$T/t.out"
end

begin "make asan installs the test packages first"
dry asan >"$T/t.out"
check "scripts/deps.sh test comes first" \
    sh -c "head -n 1 '$T/t.out' | grep -q 'sh scripts/deps.sh test\$'"
show "$T/t.out"
end

num() {
	echo "$1" | sed -E ':a; s/([0-9])([0-9]{3})($|,)/\1,\2\3/; ta'
}
echo "harness: $(num $cases) cases, $(num $checks) checks: $(num $((cases - cases_failed))) passed, $(num $cases_failed) failed"
[ "$cases_failed" -eq 0 ]
