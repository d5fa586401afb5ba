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
loop=build/bench/run_exits
tmp=$(mktemp -d)
trap 'kill "$rec" 2>/dev/null || true; rm -rf "$tmp"' EXIT
rec=

if [[ ! -c /dev/kvm ]]; then
	echo "run-exit-cost: no /dev/kvm on this machine: nothing measured" >&2
	exit 1
fi
ns_each() { "$loop" "$n" | sed -E 's/.*: ([0-9]+) ns each/\1/'; }

for ((i = 1; i <= rounds; i++)); do
	plain=$(ns_each)
	"$kvmirq" record -q -o "$tmp/r.kvmirq" &
	rec=$!
	sleep 1 # attached (the programs load in well under a second here)
	traced=$(ns_each)
	kill -INT "$rec"
	wait "$rec" || true
	rec=
	echo "round $i: untraced $plain ns, recording $traced ns per exit to user space: ratio $(awk "BEGIN { printf \"%.2f\", $traced / $plain }")"
done
