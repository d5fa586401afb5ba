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

echo "$pass passed, $fail failed"
((fail == 0))
