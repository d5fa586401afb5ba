#!/usr/bin/env bash
# Attribution of injections that no VM thread makes (nested x86 rig): irqfds
# signalled on an irqchip route (injected by a kworker) and on an MSI route
# (injected inside the signalling write()). With fentry, every such event
# must name its VM; with the syscall strategy, none may: they are marked
# unattributed (and kernel-thread for the kworker's), never guessed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
N=40

if [[ ${1:-} == --inside ]]; then
	out=$2
	for strategy in fentry syscall; do
		build/kvmirq record -s "$strategy" -o "$out/$strategy.kvmirq" 2>"$out/$strategy.err" &
		rec=$!
		for _ in $(seq 300); do grep -q "recording to" "$out/$strategy.err" && break; sleep 0.1; done
		python3 tests/e2e/irqfd_vmm.py $N >"$out/$strategy.vmm"
		kill -INT "$rec"; wait "$rec" || true
		build/kvmirq report --json --timeline "$out/$strategy.kvmirq" >"$out/$strategy.jsonl"
	done
	build/kvmirq probe -s fentry >"$out/probe.txt" 2>&1 || true
	exit 0
fi

make -s all >/dev/null
out=$(mktemp -d /var/tmp/kvmirq-attr.XXXXXX)
[[ -n ${KVMIRQ_KEEP:-} ]] && echo "kept: $out" >&2 || trap 'rm -rf "$out"' EXIT
"$here/run-in-l1.sh" --out "$out" --timeout 600 -- "$here/test-attribution.sh" --inside "$out"
# not exec: the EXIT trap removes the out dir
python3 tests/e2e/check_attribution.py "$out" "$N"
