#!/usr/bin/env bash
# Run the test suites and sum their "N passed, M failed" lines into one.
#   tests/run.sh quick   unit, BPF (this kernel's verifier and KVM, check --live,
#                        live top and the exporter on a test VMM's run), the test
#                        harness itself, docs, layers, command line, export
#                        (read by node packages), fuzz corpus, make install and
#                        uninstall, the static binary in an empty chroot,
#                        scripts/hostcheck.sh on this host's KVM in a busybox root
#                        (the suites on this host's KVM run in the x86 rig's L1
#                        where this machine has no /dev/kvm: run_kvm_suite)
#   tests/run.sh all     the same, plus real KVM in the nested x86, e500 and
#                        arm64 rigs (Debian's 6.1, and a subset on 6.12), the
#                        Debian package in a clean Debian 12 chroot,
#                        and every fuzz harness under libFuzzer for a fixed time
#                        (tests/fuzz/run-budget.sh: KVMIRQ_FUZZ_SECONDS each,
#                        default 45)
#   tests/run.sh unit|bpf|rig|fuzz   only the unit tests, the BPF test, the rig
#                        suites, the fuzzing on its budget
# Each suite's line gives its wall time; the end names the slowest. The
# suites run in two lanes side by side (see kvm_lane; KVMIRQ_TEST_LANES=1:
# one after the other).
set -uo pipefail
shopt -s extglob
cd "$(dirname "$0")/.."
mode=${1:-all}
if [[ $mode != @(quick|all|unit|bpf|rig|fuzz) ]]; then
	echo "usage: tests/run.sh [quick|all|unit|bpf|rig|fuzz]" >&2
	exit 2
fi
. tests/lib/suite-counts.sh
started=$(date +%s)
# Each suite adds "NAME PASSED FAILED RETRIED SECONDS" here: lanes are
# subshells, so the sums are taken from this file at the end.
results=$(mktemp) print_lock=$(mktemp)
trap 'rm -f "$results" "$print_lock"' EXIT

# Print standard input as one block: lanes run side by side.
say() { { flock 9; cat; } 9>>"$print_lock"; }

run_suite() {
	local name=$1; shift
	local log p f status start secs retried=0
	log=$(mktemp)
	echo "== $name" | say
	start=$(date +%s)
	"$@" >"$log" 2>&1
	status=$?
	# 125: the rig itself failed (L1 hung or panicked: see run-in-l1.sh), not
	# a check. Said loudly, and retried once: a second failure counts.
	if ((status == 125)) && [[ $name == rig/* ]]; then
		{ cat "$log"
		  echo "   $name: THE RIG FAILED (exit 125 after $(($(date +%s) - start)) s, log above): retrying once"
		} | say
		retried=1
		"$@" >"$log" 2>&1
		status=$?
	fi
	read -r p f < <(suite_counts "$log" "$status")
	secs=$(($(date +%s) - start))
	{ if ((f > 0)); then
		cat "$log"
		grep -qE '^[0-9]+ passed, [0-9]+ failed' "$log" ||
			echo "suite $name printed no result line (exit $status)"
	  fi
	  echo "   $name: $p passed, $f failed ($secs s)"
	} | say
	echo "$name $p $f $retried $secs" >>"$results"
	rm -f "$log"
}

# The suites on this host's own KVM. Where the machine has no /dev/kvm (it
# comes and goes with the machine: KVM's PVM flavour binds only on some),
# they run in the x86 rig's L1 instead: real KVM either way, never a skip.
# There, named rig/native/NAME, a rig failure is retried like the others',
# and KVMIRQ_TIME_SCALE stretches the waits the suites size for native speed.
run_kvm_suite() {
	local name=$1; shift
	if [[ -c /dev/kvm ]]; then
		run_suite "$name" "$@"
	else
		run_suite "rig/native/$name" tests/rig/x86/run-in-l1.sh --timeout 900 \
			--env KVMIRQ_TIME_SCALE=4 --env TMPDIR=/tmp -- "$@"
	fi
}

SAN=build/asan/tests

# Two lanes run side by side: a rig's L1 is one QEMU under single-threaded
# TCG, one host core, and CI's machine has two. The KVM lane holds every
# x86 L1 (and this host's KVM), the package and the fuzzing; the host lane
# the rest, with the e500 and arm64 rigs. Each rig keeps to its own caches
# and build folder (build/ppc, build/arm64), and what both lanes run is
# built before they start, so they share only a tree they read.
# KVMIRQ_TEST_LANES=1: one after the other.
kvm_lane() {
	if [[ $mode == @(quick|all|bpf) ]]; then
		run_kvm_suite bpf-ioctl "$SAN/test_bpf_ioctl"
		run_kvm_suite bpf-check-live tests/bpf/test-check-live.sh
		run_kvm_suite bpf-exporter tests/bpf/test-exporter.sh
		run_kvm_suite bpf-record-late-error tests/bpf/test-record-late-error.sh
		run_kvm_suite vmm-kernel-expect tests/vmm/test-kernel-expect.sh
		run_kvm_suite rig-keeper tests/harness/test-keeper.sh
	fi
	[[ $mode == @(quick|all) ]] && run_kvm_suite hostcheck tests/package/test-hostcheck.sh
	# Here for balance: the e500 and arm64 rigs take longer than x86's.
	[[ $mode == all ]] && run_suite package-deb tests/package/test-deb.sh
	# Not in quick: the four clang builds alone take a couple of minutes on
	# two cores, and quick already replays the corpora under the sanitizers.
	[[ $mode == @(all|fuzz) ]] && run_suite fuzz-budget tests/fuzz/run-budget.sh
	[[ $mode == @(all|rig) ]] || return 0
	for s in tests/rig/x86/test-*.sh; do
		[[ -e $s ]] && run_suite "rig/$(basename "$s" .sh)" "$s"
	done
	# Debian 13's 6.12 in L1: capture under both strategies, snapshots,
	# migration, top live and the hooks per kernel (the rest on 6.1 only,
	# for CI's time: tests/rig/README.md).
	for t in test-probe-kernels test-ioctl-sequence test-snapshot-state test-migration \
		test-top-live; do
		run_suite "rig/6.12/$t" env KVMIRQ_RIG_KERNEL=6.12 "tests/rig/x86/$t.sh"
	done
	# Debian 13's QEMU as the real guest's VMM (tests/rig/x86/qemu-trixie.sh),
	# and a live migration from Debian 12's QEMU to it. (test-top-live with
	# it passes by hand, KVMIRQ_RIG_QEMU=trixie, but hung L1 once in CI in
	# multi-threaded TCG: live top on 6.12 and on 6.1 stays in CI.)
	run_suite rig/qemu-trixie/test-qemu-guest \
		env KVMIRQ_RIG_QEMU=trixie tests/rig/x86/test-qemu-guest.sh
	run_suite rig/qemu-7.2-to-trixie/test-migration \
		env KVMIRQ_RIG_QEMU_DST=trixie tests/rig/x86/test-migration.sh
}

host_lane() {
	if [[ $mode == @(quick|all|unit) ]]; then
		for t in "$SAN"/test_*; do
			case $t in *test_bpf | *test_bpf_ioctl) continue ;; esac
			run_suite "unit/$(basename "$t")" "$t"
		done
	fi
	[[ $mode == @(quick|all|bpf) ]] && run_suite bpf "$SAN/test_bpf"
	if [[ $mode == @(quick|all) ]]; then
		run_suite harness tests/harness/check-harness.sh
		run_suite docs tests/docs/check-help.sh
		run_suite docs-completion tests/docs/check-completion.sh
		run_suite docs-json-keys tests/docs/check-json-keys.py
		run_suite kvm-surface tests/e2e/kvm_surface.py --check
		run_suite exposition-self-test tests/e2e/check_exposition.py --self-test
		run_suite btf-self-test python3 tests/e2e/btf.py --self-test
		run_suite layers tests/layers/check-layers.py
		run_suite layers-self-test tests/layers/check-layers.py --self-test
		run_suite cli tests/cli/test-cli.sh
		run_suite cli-options tests/cli/test-options.sh
		run_suite cli-output-files tests/cli/test-output-files.sh
		run_suite cli-json-errors tests/cli/test-json-errors.sh
		run_suite cli-state tests/cli/test-state.sh
		run_suite cli-damaged-input tests/cli/test-damaged-input.sh
		run_suite cli-top tests/cli/test-top.sh
		run_suite cli-top-tmux tests/cli/test-top-tmux.sh
		run_suite export tests/export/test-export.sh
		[[ -x tests/fuzz/run-corpus.sh ]] && run_suite fuzz-corpus tests/fuzz/run-corpus.sh
		run_suite install tests/package/test-install.sh
		run_suite static tests/package/test-static.sh
	fi
	[[ $mode == @(all|rig) ]] || return 0
	for s in tests/rig/e500/test-*.sh; do
		[[ -e $s ]] && run_suite "rig/e500/$(basename "$s" .sh)" "$s"
	done
	# Debian 13's 6.12 on the e500 rig: the hooks per kernel, capture
	# (recording vs ftrace, ioctls vs testvmm's log), snapshots of both MPIC
	# versions and a guest taking interrupts (the rest on 6.1 only, for CI's
	# time: tests/rig/e500/README.md).
	for t in test-probe-kernels test-kvmirq test-mpic-snapshot test-mpic-guest; do
		run_suite "rig/e500/6.12/$t" env KVMIRQ_RIG_KERNEL=6.12 "tests/rig/e500/$t.sh"
	done
	for s in tests/rig/arm64/test-*.sh; do
		[[ -e $s ]] && run_suite "rig/arm64/$(basename "$s" .sh)" "$s"
	done
	# Debian 13's 6.12 on arm64: the hooks per kernel (6.1's ran above),
	# capture under fentry (6.1 refuses it), a guest through the VGICv3 and
	# ITS, a real QEMU guest with key frames (tests/rig/arm64/README.md).
	for t in test-probe-kernels test-kvmirq test-gic-guest test-qemu-guest; do
		run_suite "rig/arm64/6.12/$t" env KVMIRQ_RIG_KERNEL=6.12 "tests/rig/arm64/$t.sh"
	done
}

# What both lanes' suites build (make all, make static, make hostcheck: L1
# sees the tree read-only) is built once here, not twice at once.
if [[ $mode == @(quick|all|rig) ]] && ! make -s all static hostcheck >/dev/null; then
	echo "make all static hostcheck failed: the suites that need them will fail"
fi
if [[ ${KVMIRQ_TEST_LANES:-2} == 1 ]]; then
	host_lane
	kvm_lane
else
	host_lane &
	kvm_lane &
	wait
fi

echo "wall time: $(($(date +%s) - started)) s; slowest suites:" \
	"$(sort -k5,5nr "$results" | head -n 5 | awk '{ print $1, $5, "s" }' | paste -sd, | sed 's/,/, /g')"
retried=$(awk '$4 == 1 { print $1 }' "$results" | xargs)
failed_suites=$(awk '$3 > 0 { print $1 }' "$results" | xargs)
read -r passed failed < <(awk '{ p += $2; f += $3 } END { print p + 0, f + 0 }' "$results")
[[ -n $retried ]] && echo "rig failures retried: $retried"
[[ -n $failed_suites ]] && echo "failed suites: $failed_suites"
echo "$passed passed, $failed failed"
((failed == 0))
