#!/usr/bin/env bash
# Tracepoint and BTF drift (nested x86 rig, on the kernel KVMIRQ_RIG_KERNEL
# selects: 6.1 or 6.12): every program of kvmirq's BPF object attaches, or
# `kvmirq probe --json` reports it as not used with its reason, under each
# ioctl strategy; and the hooks kvmirq reads keep the arguments, record
# fields and parameters it was written for. All of it must equal the rows of
# probe-kernels.expected for that kernel (tests/e2e/check_probe_kernels.py),
# so a new kernel's difference shows up as a named row.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
kernel=${KVMIRQ_RIG_KERNEL:-6.1}

if [[ ${1:-} == --inside ]]; then
	out=$2
	uname -r >"$out/uname.txt"
	build/kvmirq probe --json >"$out/probe-default.json"
	for strategy in fentry kprobe syscall; do
		build/kvmirq probe -s "$strategy" --json >"$out/probe-$strategy.json"
	done
	for f in /sys/kernel/tracing/events/kvm/*/format; do cat "$f"; done >"$out/formats.txt"
	cp /sys/kernel/btf/vmlinux "$out/btf-vmlinux"
	cp /sys/kernel/btf/kvm "$out/btf-kvm"
	exit 0
fi

make -s all >/dev/null
out=$(mktemp -d /var/tmp/kvmirq-probe.XXXXXX)
[[ -n ${KVMIRQ_KEEP:-} ]] && echo "kept: $out" >&2 || trap 'rm -rf "$out"' EXIT
"$here/run-in-l1.sh" --out "$out" --timeout 300 -- "$here/test-probe-kernels.sh" --inside "$out"
cd tests/e2e
python3 check_probe_kernels.py "$out" "$kernel" "$here/probe-kernels.expected" # not exec: the trap cleans up
