#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# CI's fuzzing, on a fixed budget (tests/run.sh all, or tests/run.sh fuzz):
# every libFuzzer harness of tests/fuzz/run-fuzz.sh, built with clang under
# ASan+UBSan, seeded from the committed tests/fuzz/corpus/TARGET (and what
# earlier runs left in build/fuzz/corpus-TARGET), fuzzed for
# KVMIRQ_FUZZ_SECONDS each (default 45: about 3 minutes for the four, plus
# their builds). One check per target: it passes when libFuzzer loaded its
# seeds and ran out its budget with status 0. A crash, UB, a leak, a timeout
# (KVMIRQ_FUZZ_TIMEOUT) or running out of memory (KVMIRQ_FUZZ_RSS_MB) fails
# it loudly: the sanitizer's report or the harness's failed property, the
# input's path (it stays under build/fuzz/), the input itself in base64
# when it is at most 16 KiB (a CI machine is gone when its log is read), and
# the commands that replay it. New corpus entries go to
# build/fuzz/corpus-TARGET, never the repository. No network.
#
# The seed: KVMIRQ_FUZZ_SEED, default the number of the UTC day. A run is
# repeatable (the same day, or with the seed given back) while the seed
# still changes each day, so CI explores new mutations instead of the same
# ones. Even with the seed fixed, a time budget makes the run end wherever
# the machine's speed takes it: the kept input, not the seed, is what makes
# a failure reproducible.
#
# Environment: KVMIRQ_FUZZ_SECONDS, KVMIRQ_FUZZ_SEED, KVMIRQ_FUZZ_TARGETS
# (default all four), and run-fuzz.sh's (BUILD_DIR, CLANG, KVMIRQ_FUZZ_TIMEOUT,
# KVMIRQ_FUZZ_RSS_MB). Prints a line per target, then "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2

secs=${KVMIRQ_FUZZ_SECONDS:-45}
seed=${KVMIRQ_FUZZ_SEED:-$(($(date -u +%s) / 86400))}
targets=${KVMIRQ_FUZZ_TARGETS:-tracefile event_batch trace_file snapshot}
build=${BUILD_DIR:-build}/fuzz
clang=${CLANG:-clang}
mkdir -p "$build"
pass=0 fail=0
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

if [[ ! $secs =~ ^[1-9][0-9]*$ ]]; then
	echo "KVMIRQ_FUZZ_SECONDS must be a whole number of seconds, 1 or more: $secs" >&2
	exit 2
fi

# Without clang's libFuzzer runtime (Debian 12: libclang-rt-14-dev) nothing
# below can build: say so once, as a failure, not as a skip.
if ! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }\n' |
	"$clang" -x c -fsanitize=fuzzer,address,undefined - -o "$build/libfuzzer-probe" >"$build/libfuzzer-probe.log" 2>&1; then
	cat "$build/libfuzzer-probe.log"
	bad "$clang cannot link -fsanitize=fuzzer (scripts/deps.sh --test installs libclang-rt-14-dev)"
	echo "$pass passed, $fail failed"
	exit 1
fi
echo "seed $seed, $secs s per target (KVMIRQ_FUZZ_SEED=$seed KVMIRQ_FUZZ_SECONDS=$secs repeats it)"

for t in $targets; do
	bin=fuzz_$t
	[[ $t == tracefile ]] && bin=fuzz_tracefile_reader
	log=$build/budget-$t.log
	start=$SECONDS
	# the build and the budget, with room to spare; past that libFuzzer
	# itself is stuck
	KVMIRQ_FUZZ_SEED=$seed timeout -k 10 $((secs + 300)) \
		tests/fuzz/run-fuzz.sh "$t" "$secs" >"$log" 2>&1
	status=$?
	took=$((SECONDS - start))
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log")
	added=$(sed -n 's/^stat::new_units_added: *//p' "$log")
	seeds=$(sed -n "s|^INFO: *\([0-9]*\) files found in .*/tests/fuzz/corpus/$t\$|\1|p" "$log")
	# libFuzzer names every input it writes: crash-, leak-, timeout-, oom-, slow-unit-
	mapfile -t inputs < <(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log")
	if ((status == 0)) && [[ -n $runs && ${seeds:-0} -gt 0 ]]; then
		pass=$((pass + 1))
		echo "$t: ${runs} runs in ${took} s (build included), ${added:-0} new inputs, from $seeds seeds: ok"
		for f in "${inputs[@]}"; do echo "   (slow, within the timeout: $f)"; done
		continue
	fi
	tail -n 60 "$log"
	if ((status == 124 || status == 137)); then
		bad "$t: still running $((secs + 300)) s after it started: killed (log $log)"
	elif ! grep -q '^INFO: Seed:' "$log"; then
		bad "$t: did not build or start (exit $status, log $log)"
	elif ((status == 0)); then
		bad "$t: ${seeds:-no} seeds loaded from tests/fuzz/corpus/$t, ${runs:-no} runs (log $log)"
	else
		# a harness's own property comes first, before libFuzzer's "deadly signal"
		what=$(grep -m1 -E 'property failed:|ERROR: (libFuzzer|[A-Za-z]+Sanitizer)|runtime error:' "$log")
		bad "$t: exit $status: ${what:-see the log} (log $log)"
	fi
	for f in "${inputs[@]}"; do
		echo "   input kept: $f"
		echo "   replay it:  $build/$bin $f"
		# CI's machine is gone when its log is read: the input itself, if small
		if (($(stat -c %s "$f") <= 16384)); then
			echo "   the input, base64 (base64 -d >FILE):"
			base64 -w 100 "$f" | sed 's/^/   /'
		fi
	done
	echo "   fuzz again: KVMIRQ_FUZZ_SEED=$seed tests/fuzz/run-fuzz.sh $t $secs"
done

echo "$pass passed, $fail failed"
((fail == 0))
