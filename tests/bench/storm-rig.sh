#!/usr/bin/env bash
# The interrupt storm benchmark, on real KVM in the nested x86 rig (L1 on
# multi-threaded TCG; KVMIRQ_STORM_TCG_THREAD=single for the tests' mode): the test
# VMM issues KVM_IRQ_LINE or KVM_SIGNAL_MSI as fast as it can, untraced and
# under each tracer in turn, alternating in one run. Rates are reported as
# ratios to the untraced rate of the same round (under TCG absolute numbers
# mean little). kvmirq records under each attach strategy (auto, which is
# fentry on the rig's kernel, and syscall). Also: kvmirq's drops, and the
# in-kernel cost per event of kvmirq's programs, the floor's do-nothing ones
# and bpftrace's count-only ones (BPF run-time statistics). The rounds
# themselves are storm_rounds.sh's (KVMIRQ_STORM_N, _ROUNDS, _MODES).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
cd "$root"
if [[ ${1:-} == --inside ]]; then
	"$here/storm_rounds.sh" "$2"
	exit 0
fi

make -s all build/bench/hook_floor >/dev/null
make -s -C tests/vmm >/dev/null
out=$(mktemp -d /var/tmp/kvmirq-storm.XXXXXX)
trap 'rm -rf "$out"' EXIT
# Multi-threaded TCG, as on a real host: a tracer's reader runs on another
# CPU than the storm, instead of taking turns with it on one host thread.
tcg=(--tcg-multi)
[[ ${KVMIRQ_STORM_TCG_THREAD:-multi} == single ]] && tcg=()
tests/rig/x86/run-in-l1.sh "${tcg[@]}" --out "$out" --timeout 1800 -- "$here/storm-rig.sh" --inside "$out" >/dev/null
python3 "$here/storm_summary.py" "$out/storm.txt"
