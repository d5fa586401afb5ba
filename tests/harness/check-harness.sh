#!/usr/bin/env bash
# The test machinery itself: make's test targets and the rule that a test
# which checks nothing fails (the unit harnesses' exit status, and how
# tests/run.sh counts a suite).
set -uo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# `make tests` builds statevmm: make would rebuild it when its source changed.
out=$(make -n -W tests/vmm/statevmm.c tests 2>&1)
if grep -q "build/tests/statevmm" <<<"$out"; then ok; else
	bad "make tests does not build build/tests/statevmm"; fi

# Every phony target does something: a recipe or prerequisites (-B: even
# when all is built). make says "Nothing to be done" for a name with neither.
phony=$(make -pq 2>/dev/null | sed -n 's/^\.PHONY: //p')
for t in all tests test check unit bpf-test rig-test bench clean fuzz; do
	grep -qw -- "$t" <<<"$phony" || { bad "$t is not a phony target"; continue; }
done
for t in $phony; do
	out=$(make -n -B "$t" 2>&1); status=$?
	if ((status == 0)) && ! grep -q "Nothing to be done" <<<"$out"; then ok; else
		bad "make $t (status $status): ${out:0:200}"; fi
done
# The test targets run the suites their names say.
for t in unit:"tests/run.sh unit" bpf-test:"tests/run.sh bpf" rig-test:"tests/run.sh rig" \
	 fuzz:"tests/fuzz/run-fuzz.sh tracefile 300"; do
	out=$(make -n "${t%%:*}" 2>&1)
	if grep -qF "${t#*:}" <<<"$out"; then ok; else
		bad "make -n ${t%%:*} does not run ${t#*:}"; fi
done

# A unit test that ran no check fails; one check that held passes.
# harness HEADER INCLUDE-DIR BODY: exit status and output of a program.
harness() {
	printf '#include "%s"\nint main(void) { %s return check_done(); }\n' "$1" "$3" >"$tmp/t.c"
	cc -std=gnu11 -Wall -Wextra -Werror -I"$2" "$tmp/t.c" -o "$tmp/t" || return 99
	"$tmp/t" 2>&1
}
for h in "check.h tests/unit" "tf_check.h tests/unit/tracefile"; do
	read -r header dir <<<"$h"
	out=$(harness "$header" "$dir" ""); status=$?
	if ((status == 1)) && grep -q "^0 passed, 0 failed" <<<"$out"; then ok; else
		bad "$header: no check ran, but exit $status: $out"; fi
	out=$(harness "$header" "$dir" "CHECK(1);"); status=$?
	if ((status == 0)) && grep -q "^1 passed, 0 failed" <<<"$out"; then ok; else
		bad "$header: one check held, but exit $status: $out"; fi
	out=$(harness "$header" "$dir" "CHECK(1); CHECK(0);"); status=$?
	if ((status == 1)) && grep -q "^1 passed, 1 failed" <<<"$out"; then ok; else
		bad "$header: one check failed, but exit $status: $out"; fi
done

# tests/run.sh's count of a suite: LOG-LINE STATUS -> "PASSED FAILED"
. tests/lib/suite-counts.sh
for c in "0 passed, 0 failed|0|0 1" "0 passed, 0 failed|1|0 1" "3 passed, 0 failed|0|3 0" \
	 "3 passed, 0 failed|1|3 1" "3 passed, 2 failed|1|3 2" "no result line|0|0 1"; do
	IFS='|' read -r line status want <<<"$c"
	printf 'output\n%s\n' "$line" >"$tmp/log"
	got=$(suite_counts "$tmp/log" "$status")
	if [[ $got == "$want" ]]; then ok; else
		bad "suite_counts '$line' exit $status: $got, wanted $want"; fi
done

# make bench's summary of issue #15's targets: a storm's lines (two rounds,
# the floor's and kvmirq's program times) reach the block as ratios, medians
# over rounds, beside their targets; without KVMIRQ_BENCH_TARGETS no file.
cat >"$tmp/storm.txt" <<'STORM'
round=1 kind=msi mode=untraced rate=100000
round=1 kind=msi mode=kvmirq rate=40000 record_exit=0
round=1 kind=msi mode=kvmirq-syscall rate=30000 record_exit=3
round=1 kind=msi mode=trace-cmd rate=50000
round=2 kind=msi mode=untraced rate=100000
round=2 kind=msi mode=kvmirq rate=60000 record_exit=0
round=2 kind=msi mode=trace-cmd rate=50000
costs kind=msi mode=floor progs=floor_a:50:1000,floor_b:50:1000
costs kind=msi mode=kvmirq record_exit=0 progs=kvmirq_a:200:1000,kvmirq_b:100:1000
STORM
(unset KVMIRQ_BENCH_TARGETS; cd "$tmp" && python3 "$OLDPWD/tests/bench/storm_summary.py" storm.txt >/dev/null)
if [[ -e $tmp/targets.tsv ]]; then bad "storm_summary.py wrote targets.tsv unasked"; else ok; fi
KVMIRQ_BENCH_TARGETS=$tmp/rows.tsv python3 tests/bench/storm_summary.py "$tmp/storm.txt" >/dev/null
block=$(tests/bench/targets.py print "$tmp/rows.tsv")
for want in "msi: kvmirq rate / trace-cmd's (rig)  *1.00 (0.80-1.20)  *target >= 1.0" \
	"msi: kvmirq-syscall rate / trace-cmd's (rig)  *0.60  *target >= 1.0" \
	"msi: kvmirq BPF time / floor's (rig)  *3.00  *target <= 1.5" \
	"records that dropped events, default ring (rig)  *1 of 3  *target 0"; do
	if grep -q -- "$want" <<<"$block"; then ok; else
		bad "the targets block lacks '$want':"$'\n'"$block"; fi
done
# storm-native.sh's lines: ftrace's own buffer as a second reference, the
# syscall strategy's floor, rows labelled native
cat >"$tmp/native.txt" <<'STORM'
round=1 kind=irq_line mode=untraced rate=100000
round=1 kind=irq_line mode=kvmirq rate=30000 record_exit=0
round=1 kind=irq_line mode=ftrace rate=60000
costs kind=irq_line mode=floor-syscall progs=floor_a:50:1000
costs kind=irq_line mode=kvmirq record_exit=0 progs=kvmirq_a:100:1000
STORM
KVMIRQ_BENCH_TARGETS=$tmp/native.tsv python3 tests/bench/storm_summary.py "$tmp/native.txt" native >/dev/null
block=$(tests/bench/targets.py print "$tmp/native.tsv")
for want in "irq_line: kvmirq rate / ftrace's (native)  *0.50  *target >= 1.0" \
	"irq_line: kvmirq BPF time / floor's (native)  *2.00  *target <= 1.5"; do
	if grep -q -- "$want" <<<"$block"; then ok; else
		bad "the native targets block lacks '$want':"$'\n'"$block"; fi
done

echo "$pass passed, $fail failed"
((fail == 0))
