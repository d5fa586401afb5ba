#!/usr/bin/env bash
# make bench: every benchmark, ratios measured within one run each.
#   1. BPF program cost per event on this kernel (bench_bpf), then the same
#      inside the rig's 6.1 kernel under emulation, what recording costs
#      the host's other ioctls (the syscall strategy sees them all; in the
#      rig, the kprobe strategy beside it) and each KVM_RUN (the count of
#      threads in it), the writer's CPU per event, the interrupt storm on
#      this kernel beside ftrace's own buffer;
#   2. the interrupt storm in the rig: kvmirq vs trace-cmd, perf, bpftrace;
#   3. bytes per event on disk for a real guest boot, beside trace-cmd;
#   4. snapshots: how long a VMM is stopped, per snapshot and per read, and sizes;
#   5. what a live viewer costs: kvmirq top and stat, kvm_stat, perf kvm stat live;
#   6. the e500 rig (32-bit big-endian PowerPC): a storm on the real MPIC
#      alone, recorded and counted; bytes per event; key-frame stop times.
# The steps on this machine's own /dev/kvm print "not measured" and say so in
# their target row where it has none (a PVM kernel that is itself a guest).
# Then issue #15's targets, each measured figure beside its target, in one
# block (tests/bench/targets.py: each benchmark adds its rows).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d /var/tmp/kvmirq-bench.XXXXXX)
KVMIRQ_BENCH_TARGETS=$(mktemp /var/tmp/kvmirq-targets.XXXXXX)
export KVMIRQ_BENCH_TARGETS
trap 'rm -rf "$out" "$KVMIRQ_BENCH_TARGETS"' EXIT
# on_this_kernel TITLE TARGET-ROW CMD...: a benchmark on this machine's own
# KVM. Without /dev/kvm (a PVM guest that is itself a guest) it is not run,
# and its target row says so: never a figure that was not measured.
on_this_kernel() {
	local title=$1 row=$2
	shift 2
	echo "== $title"
	if [[ -e /dev/kvm ]]; then
		"$@"
	else
		echo "not measured: this machine has no /dev/kvm (the rig's figures follow)"
		tests/bench/targets.py add "$row" "not measured (no /dev/kvm)" "see the rig's row"
	fi
	echo
}
on_this_kernel "BPF cost per event, this kernel ($(uname -r))" \
	"BPF cost per event, this kernel" build/bench/bench_bpf
echo "== BPF cost per event, the rig's kernel (TCG emulation)"
tests/rig/x86/run-in-l1.sh --out "$out" -- build/bench/bench_bpf
echo
on_this_kernel "the host's non-KVM ioctls while recording (syscall strategy, this kernel)" \
	"host's non-KVM ioctls: slowdown while recording, this kernel" tests/bench/host-ioctl-cost.sh
echo "== the same in the rig's kernel (TCG emulation): kprobe strategy, then syscall"
# L1 sees the host read-only: its target rows come back through the out dir
tests/rig/x86/run-in-l1.sh --out "$out" --timeout 1200 --env KVMIRQ_BENCH_TARGETS="$out/l1-targets" -- \
	sh -c 'tests/bench/host-ioctl-cost.sh -s kprobe build/kvmirq 5 500000 &&
	       tests/bench/host-ioctl-cost.sh -s syscall build/kvmirq 5 500000'
sed 's/^[^\t]*/& (rig)/' "$out/l1-targets" >>"$KVMIRQ_BENCH_TARGETS"
echo
on_this_kernel "a vCPU's exits to user space while recording (this kernel's /dev/kvm)" \
	"KVM_RUN exits: slowdown while recording, this kernel" tests/bench/run-exit-cost.sh
on_this_kernel "the writer's CPU per event on a storm (this kernel's /dev/kvm)" \
	"writer CPU per event, this kernel" tests/bench/writer-cost.sh
on_this_kernel "interrupt storm (this kernel's /dev/kvm): kvmirq beside ftrace's own buffer" \
	"storm: kvmirq rate / ftrace's, this kernel" tests/bench/storm-native.sh
echo "== interrupt storm (rig)"
tests/bench/storm-rig.sh
echo
echo "== bytes per event (rig, real guest boot)"
tests/bench/bytes-rig.sh
echo
echo "== snapshots (rig)"
tests/bench/snapshot-rig.sh
echo
echo "== viewers: kvmirq top and stat beside kvm_stat and perf kvm stat live (rig)"
tests/bench/viewer-rig.sh
echo
echo "== e500 rig: storm on the MPIC, bytes per event, key frames"
tests/bench/e500-rig.sh
echo
tests/bench/targets.py print "$KVMIRQ_BENCH_TARGETS"
