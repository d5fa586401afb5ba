#!/usr/bin/env bash
# kvmirq itself on the real e500 KVM (e500v2 rig): the tool, its BPF test and
# the JIT stress, cross-built for 32-bit big-endian PowerPC (build/ppc/, BPF
# object bpfeb), boot in the tool image. There:
#   - jit_stress loads every program alone ten times: the 6.1 ppc32 JIT
#     oopsed past its image before JIT_SIZE_STABLE (bpf/common.bpf.h);
#   - test_bpf runs the delivery programs on this kernel's verifier and JIT;
#   - kvmirq probe must refuse fentry (no BPF trampoline on ppc32) and pick
#     kprobes on KVM's ioctl handlers;
#   - kvmirq record, started and awaited, records the MPIC test VMM
#     (mpicvmm) and the scripted one (testvmm, both MPIC versions) with
#     ftrace's kvm_set_irq and kvm_ack_irq events on beside it;
#   - a second recording, under the syscall tracepoints, records testvmm
#     again.
# Here the recording (big-endian) is decoded and checked against ftrace's
# counts (tests/e2e/check_e500_kvmirq.py), and each recording's ioctls
# against testvmm's own log, field by field (tests/e2e/compare_ioctls.py).
# A rig that cannot be built or booted fails.
#
# Environment: KVMIRQ_BUILD  the build directory of the host tool (default build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
. tests/rig/common/testlib.sh
rig_test_setup e500 kvmirq
# Line numbers matter: run-N.log is the output of line N (from 0).
cat >"$out/commands" <<'COMMANDS'
run /bin/jit_stress 10
run /bin/test_bpf
run /bin/kvmirq probe --json
run /bin/kvmirq probe
write /sys/kernel/tracing/events/kvm/kvm_set_irq/enable 1
write /sys/kernel/tracing/events/kvm/kvm_ack_irq/enable 1
write /sys/kernel/tracing/events/kvm_booke/kvm_booke_queue_irqprio/enable 1
start rec /bin/kvmirq record -o /tmp/mpic.kvmirq
await rec 300 recording to
run /bin/mpicvmm
run /bin/testvmm --log /tmp/vmm.jsonl
signal rec 2
wait rec
write /sys/kernel/tracing/tracing_on 0
file /tmp/rec.log
file /tmp/vmm.jsonl
file /sys/kernel/tracing/trace
file /tmp/mpic.kvmirq
start sysrec /bin/kvmirq record -s syscall -o /tmp/syscall.kvmirq
await sysrec 300 recording to
run /bin/testvmm --log /tmp/vmm-syscall.jsonl
signal sysrec 2
wait sysrec
file /tmp/sysrec.log
file /tmp/vmm-syscall.jsonl
file /tmp/syscall.kvmirq
COMMANDS
rig_boot e500 600

status=0
line=$(python3 tests/e2e/check_e500_kvmirq.py --kvmirq "$build/kvmirq" "$out" | tee /dev/stderr | tail -n 1) || status=1
p=${line%% passed*} f=${line#*, }
f=${f%% failed*}
[[ $p =~ ^[0-9]+$ && $f =~ ^[0-9]+$ ]] || fail_rig "check_e500_kvmirq.py printed no result"
"$build/kvmirq" report --json --timeline "$out/mpic.kvmirq" >"$out/report.jsonl" ||
	fail_rig "kvmirq report --timeline failed on the e500 recording"
"$build/kvmirq" report --json --timeline "$out/syscall.kvmirq" >"$out/report-syscall.jsonl" ||
	fail_rig "kvmirq report --timeline failed on the e500 syscall recording"
# Each recording's ioctls against testvmm's log: the default (kprobe) and syscall.
for run in kprobe:vmm.jsonl:report.jsonl syscall-tracepoint:vmm-syscall.jsonl:report-syscall.jsonl; do
	IFS=: read -r strategy log report <<<"$run"
	line=$(python3 tests/e2e/compare_ioctls.py "$out/$log" "$out/$report" \
		--strategy "$strategy" | tee /dev/stderr | tail -n 1) || status=1
	p2=${line%% passed*} f2=${line#*, }
	f2=${f2%% failed*}
	[[ $p2 =~ ^[0-9]+$ && $f2 =~ ^[0-9]+$ ]] || fail_rig "compare_ioctls.py printed no result"
	echo "$strategy: $line" >&2
	p=$((p + p2)) f=$((f + f2))
done
echo "$p passed, $f failed"
((f == 0))
