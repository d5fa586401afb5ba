#!/usr/bin/env bash
# What kvmirq record's syscall strategy costs the host's other ioctls: the
# same loop of non-KVM ioctls untraced, then while recording (the syscall
# tracepoints see every ioctl of the host; a non-KVM one should leave after
# reading its command). Rounds alternate, so a drifting machine shows as
# spread rather than as a ratio. Needs root (BPF).
#   tests/bench/host-ioctl-cost.sh [KVMIRQ] [ROUNDS] [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
kvmirq=${1:-build/kvmirq} rounds=${2:-5} n=${3:-2000000}
loop=build/bench/ioctl_loop
tmp=$(mktemp -d)
trap 'kill "$rec" 2>/dev/null || true; rm -rf "$tmp"' EXIT
rec=

ns_each() { "$loop" "$n" | sed -E 's/.*: ([0-9]+) ns each/\1/'; }

for ((i = 1; i <= rounds; i++)); do
	plain=$(ns_each)
	"$kvmirq" record -q -s syscall -o "$tmp/r.kvmirq" &
	rec=$!
	sleep 1 # attached (the programs load in well under a second here)
	traced=$(ns_each)
	kill -INT "$rec"
	wait "$rec" || true
	rec=
	echo "round $i: untraced $plain ns, recording $traced ns per non-KVM ioctl: ratio $(awk "BEGIN { printf \"%.2f\", $traced / $plain }")"
done
