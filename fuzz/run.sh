#!/bin/sh
# fuzz/run.sh SECONDS NAME...: runs each libFuzzer driver for SECONDS on its
# corpus (new inputs go to fuzz/out/NAME, crashers to fuzz/out/NAME-crash-*)
# and prints executions and corpus size per driver.
set -u
secs=$1; shift
fails=0
for n in "$@"; do
	out=fuzz/out/$n
	mkdir -p "$out" "fuzz/corpus/$n"
	dict=""
	[ -f "fuzz/dict/$n.dict" ] && dict="-dict=fuzz/dict/$n.dict"
	log=fuzz/out/$n.log
	./build-fuzz/fuzz/fuzz-"$n" "$out" "fuzz/corpus/$n" $dict \
	    -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix="fuzz/out/$n-" -print_final_stats=1 >"$log" 2>&1
	rc=$?
	execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
	files=$(ls "$out" | wc -l)
	if [ $rc -eq 0 ]; then
		echo "fuzz $n: ${execs:-?} executions, corpus $files files, no crash"
	else
		echo "fuzz $n: CRASH (exit $rc), see $log and fuzz/out/$n-*"
		fails=$((fails + 1))
	fi
done
[ $fails -eq 0 ]
