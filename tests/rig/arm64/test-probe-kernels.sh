#!/usr/bin/env bash
# Tracepoint and BTF drift (arm64 rig, on the kernel KVMIRQ_RIG_KERNEL
# selects: 6.1 or 6.12): every program of kvmirq's BPF object attaches, or
# `kvmirq probe --json` reports it as not used with its reason, under each
# ioctl strategy; and the hooks kvmirq reads keep the arguments, record
# fields and parameters it was written for. All of it must equal the rows of
# probe-kernels.expected beside this file for that kernel
# (tests/e2e/check_probe_kernels.py, as the x86 rig's test-probe-kernels.sh),
# so a new kernel's difference shows up as a named row. KVM is built in on
# arm64: its types are in /sys/kernel/btf/vmlinux, there is no kvm module BTF.
#
# Environment: KVMIRQ_BUILD  the build directory of the host tool (default build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
. tests/rig/common/testlib.sh
kernel=${KVMIRQ_RIG_KERNEL:-6.1}
rig_test_setup arm64 probe
# The four probes load the BPF object side by side on the rig's two vCPUs
# (a minute each under TCG); the BTF comes back gzipped (5 MB, 1.5 gzipped).
cat >"$out/commands" <<'COMMANDS'
start fentry /bin/busybox sh -c "/bin/kvmirq probe -s fentry --json >/tmp/probe-fentry.json"
start kprobe /bin/busybox sh -c "/bin/kvmirq probe -s kprobe --json >/tmp/probe-kprobe.json"
start syscall /bin/busybox sh -c "/bin/kvmirq probe -s syscall --json >/tmp/probe-syscall.json"
run /bin/busybox sh -c "/bin/kvmirq probe --json >/tmp/probe-default.json"
wait fentry
wait kprobe
wait syscall
run /bin/busybox sh -c "uname -r >/tmp/uname.txt"
run /bin/busybox sh -c "cat /sys/kernel/tracing/events/kvm/*/format >/tmp/formats.txt"
run /bin/busybox sh -c "gzip -c /sys/kernel/btf/vmlinux >/tmp/btf-vmlinux.gz"
file /tmp/probe-default.json
file /tmp/probe-fentry.json
file /tmp/probe-kprobe.json
file /tmp/probe-syscall.json
file /tmp/uname.txt
file /tmp/formats.txt
file /tmp/btf-vmlinux.gz
COMMANDS
rig_boot arm64 600
# A probe's status is the table's to judge (its error is a row); the rest
# must have run.
for f in run-7.status run-8.status run-9.status; do
	[ "$(cat "$out/$f" 2>/dev/null)" = 0 ] || fail_rig "a command in the rig failed ($f)"
done
for f in probe-default.json probe-fentry.json probe-kprobe.json probe-syscall.json; do
	[ -s "$out/$f" ] || fail_rig "no $f came back"
done
gzip -d "$out/btf-vmlinux.gz" || fail_rig "the rig's BTF did not come back whole"
python3 tests/e2e/check_probe_kernels.py "$out" "$kernel" "$here/probe-kernels.expected"
