#!/usr/bin/env bash
# End to end with a real VMM: inside the nested x86 rig, a real QEMU with
# -accel kvm boots a real L2 guest kernel (it runs until its "unable to mount
# root" panic, then QEMU exits) while kvmirq records. The per-tracepoint
# counts in the recording must equal what the kernel's own ftrace buffer
# counted for the same tracepoints over the same run: zero loss. The
# recording takes a key frame of QEMU every 3 s (ptrace, as snapshot --pid):
# none may fail, and right after one the reconstruction must know at least
# 95% of every controller's fields. KVMIRQ_RIG_QEMU=trixie runs Debian 13's
# QEMU as the VMM instead of Debian 12's (rig-qemu.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
EVENTS="kvm_set_irq kvm_msi_set_irq kvm_ioapic_set_irq kvm_pic_set_irq kvm_apic_accept_irq
	kvm_eoi kvm_pv_eoi kvm_ack_irq kvm_apic_ipi kvm_inj_virq kvm_ioapic_delayed_eoi_inj"

if [[ ${1:-} == --inside ]]; then
	out=$2 kernel=$3 qemu_bin=$4
	T=/sys/kernel/tracing
	echo 0 >$T/tracing_on
	echo >$T/trace
	echo 65536 >$T/buffer_size_kb # per CPU: no overruns for this run
	for e in $EVENTS; do echo 1 >$T/events/kvm/$e/enable; done
	build/kvmirq record -k 3s -o "$out/trace.kvmirq" 2>"$out/record.err" &
	rec=$!
	for _ in $(seq 300); do
		grep -q "recording to" "$out/record.err" 2>/dev/null && break
		sleep 0.1
	done
	echo 1 >$T/tracing_on
	rc=0
	"$qemu_bin" --version | head -1 >"$out/qemu.version"
	cut -d' ' -f1 /proc/uptime >"$out/qemu.start"
	timeout 240 "$qemu_bin" -accel kvm -m 256 -display none -monitor none \
		-no-reboot -serial file:"$out/l2.log" -kernel "$kernel" \
		-append "console=ttyS0 panic=-1" >"$out/qemu.out" 2>&1 || rc=$?
	echo "$rc" >"$out/qemu.rc"
	cut -d' ' -f1 /proc/uptime >"$out/qemu.end"
	echo 0 >$T/tracing_on
	kill -TERM "$rec"
	rc=0
	wait "$rec" || rc=$?
	echo "$rc" >"$out/record.rc"
	for e in $EVENTS; do echo 0 >$T/events/kvm/$e/enable; done
	cat $T/per_cpu/cpu*/stats >"$out/ftrace-stats.txt"
	cat $T/trace >"$out/ftrace.txt"
	build/kvmirq report --json "$out/trace.kvmirq" >"$out/report.jsonl" 2>"$out/report.err" || true
	rc=0
	build/kvmirq check --json "$out/trace.kvmirq" >"$out/check.jsonl" 2>"$out/check.err" || rc=$?
	echo "$rc" >"$out/check.rc"
	# the state right after the first key frame of QEMU that read every
	# controller: one that falls between its KVM_CREATE_IRQCHIP and its
	# KVM_CREATE_VCPU reads no LAPIC yet (seen once in five runs). The
	# keeper's frames (its irqchip VM reads as many) are not QEMU's.
	end=$(python3 -c 'import json,sys
h = json.loads(open(sys.argv[1]).readline())
keeper = int(open(sys.argv[2]).read())
ok = [k for k in h.get("key_frames") or [] if k["pid"] != keeper and
      not k["error"] and k["reads"] and not k["failed_reads"]]
most = max((k["reads"] for k in ok), default=0)
print(next((k["end_ns"] for k in ok if k["reads"] == most), ""))' \
		"$out/report.jsonl" "$out/.rig/keeper.pid" || true)
	if [[ -n $end ]]; then
		build/kvmirq show --json --at "@$end" "$out/trace.kvmirq" >"$out/key-frame-state.jsonl" \
			2>"$out/show.err" || true
	fi
	exit 0
fi

make -s all >/dev/null
eval "$("$here/build.sh" -q)"
qemu_bin=$("$here/rig-qemu.sh")
out=$(mktemp -d /var/tmp/kvmirq-qemu.XXXXXX)
[[ -n ${KVMIRQ_KEEP:-} ]] || trap 'rm -rf "$out"' EXIT
"$here/run-in-l1.sh" --tcg-multi --out "$out" --timeout 900 -- "$here/test-qemu-guest.sh" --inside "$out" "$RIG_X86_KERNEL" "$qemu_bin"
# not exec: the EXIT trap removes the out dir
python3 tests/e2e/compare_counts.py "$out"
