#!/usr/bin/env bash
# Tracepoint and BTF drift on the real e500 KVM (e500v2 rig, on the kernel
# KVMIRQ_RIG_KERNEL selects: 6.1 or 6.12): every program of kvmirq's BPF
# object (big-endian, for powerpc) attaches, or `kvmirq probe --json` reports
# it as not used with its reason, by default and under each ioctl strategy;
# and the hooks kvmirq reads keep the arguments, record fields and
# parameters it was written for (the kernel's own BTF, copied out of the rig:
# big-endian). All of it must equal the rows of probe-kernels.expected for
# that kernel (tests/e2e/check_probe_kernels.py, shared with the x86 rig), so
# a new kernel's difference shows up as a named row.
#
# Environment: KVMIRQ_BUILD  the build directory of the host tool (default build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
kernel=${KVMIRQ_RIG_KERNEL:-6.1}
. tests/rig/common/testlib.sh
rig_test_setup e500 probe
# Every tracepoint a program hooks (bpf/programs.h): its format, where the
# kernel has it (a `file` of an absent one fails alone, and its event then
# has no record row).
events=$(sed -n 's/.*PROGRAM([a-z_]*, DELIVERY, "\([a-z_]*\)\/\([a-z_]*\)").*/\1 \2/p' bpf/programs.h)
[ -n "$events" ] || fail_rig "no DELIVERY tracepoint found in bpf/programs.h"
# Line numbers matter: run-N.log is the output of line N (from 0).
{
	echo "run /bin/kvmirq probe --json"
	echo "run /bin/kvmirq probe -s fentry --json"
	echo "run /bin/kvmirq probe -s kprobe --json"
	echo "run /bin/kvmirq probe -s syscall --json"
	echo "file /proc/sys/kernel/osrelease uname.txt"
	echo "file /sys/kernel/btf/vmlinux btf-vmlinux"
	while read -r system event; do
		echo "file /sys/kernel/tracing/events/$system/$event/format format-$event"
	done <<<"$events"
} >"$out/commands"
rig_boot e500 600

# The layout check_probe_kernels.py reads: probe-STRATEGY.json, formats.txt.
n=0
for strategy in default fentry kprobe syscall; do
	grep . "$out/run-$n.log" | tail -n 1 >"$out/probe-$strategy.json"
	n=$((n + 1))
done
cat /dev/null "$out"/format-* >"$out/formats.txt"
cd tests/e2e
python3 check_probe_kernels.py "$out" "$kernel" "$here/probe-kernels.expected"
