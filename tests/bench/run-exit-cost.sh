#!/usr/bin/env bash
# What kvmirq record adds to each KVM_RUN: a vCPU's exits to user space
# (tests/bench/run_exits.c) untraced, then while recording. The recorder
# counts each VM's threads inside KVM_RUN (for kvmirq check) and records a
# thread's first KVM_RUN on a vCPU, not the rest. Rounds alternate, so a
# drifting machine shows as spread rather than as a ratio. Needs root and
# /dev/kvm.
#   tests/bench/run-exit-cost.sh [KVMIRQ] [ROUNDS] [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
kvmirq=${1:-build/kvmirq} rounds=${2:-5} n=${3:-200000}
if [[ ! -c /dev/kvm ]]; then
	echo "run-exit-cost: no /dev/kvm on this machine: nothing measured" >&2
	exit 1
fi
. tests/bench/traced_rounds.sh
traced_rounds "$kvmirq" "$rounds" "exit to user space" -- build/bench/run_exits "$n"
