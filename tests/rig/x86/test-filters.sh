#!/usr/bin/env bash
# The recording filters on real KVM (nested x86 rig): one VMM process with
# two VMs raises GSI 5 on the first and GSI 6 on the second; --vm PID:FD
# must keep exactly the first VM's events, -p must keep the process's
# events and drop another process's, -e must keep only the named kinds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
N=50

if [[ ${1:-} == --inside ]]; then
	out=$2
	# run_case NAME RECORD-OPTIONS...: a fresh two-VM VMM, recorded with the options
	run_case() {
		local name=$1; shift
		rm -f /tmp/go
		python3 tests/e2e/two_vms.py /tmp/go $N >"$out/$name.vmm" &
		local vmm=$!
		for _ in $(seq 100); do [[ -s $out/$name.vmm ]] && break; sleep 0.1; done
		read -r pid vm1 vm2 <"$out/$name.vmm"
		local args=("$@")
		args=("${args[@]//@PID@/$pid}"); args=("${args[@]//@VM1@/$vm1}")
		build/kvmirq record -o "$out/$name.kvmirq" "${args[@]}" 2>"$out/$name.err" &
		local rec=$!
		for _ in $(seq 300); do grep -q "recording to" "$out/$name.err" && break; sleep 0.1; done
		python3 tests/e2e/two_vms.py /tmp/other 0 >/dev/null & # another KVM process
		local other=$!
		touch /tmp/go /tmp/other
		wait "$vmm"; wait "$other" || true
		kill -INT "$rec"; wait "$rec" || true
		build/kvmirq report --json --timeline "$out/$name.kvmirq" >"$out/$name.jsonl"
		echo "$pid" >"$out/$name.pid"
	}
	run_case vm --vm @PID@:@VM1@
	run_case pid -p @PID@
	run_case kinds -e set_irq,ioctl:irq_line
	exit 0
fi

make -s all >/dev/null
out=$(mktemp -d /var/tmp/kvmirq-filters.XXXXXX)
trap 'rm -rf "$out"' EXIT
"$here/run-in-l1.sh" --out "$out" --timeout 600 -- "$here/test-filters.sh" --inside "$out"
# not exec: the EXIT trap removes the out dir
python3 tests/e2e/check_filters.py "$out" "$N"
