#!/usr/bin/env bash
# Bytes per event on disk: a real QEMU boots a real L2 guest in the nested
# rig while kvmirq record and trace-cmd record capture the same KVM
# tracepoints side by side. Prints each file's size, event count and bytes
# per event, and kvmirq's size as a fraction of trace-cmd's.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
cd "$root"
TPS="kvm_set_irq kvm_msi_set_irq kvm_ioapic_set_irq kvm_pic_set_irq kvm_apic_accept_irq kvm_eoi
     kvm_pv_eoi kvm_ack_irq kvm_apic_ipi kvm_inj_virq kvm_ioapic_delayed_eoi_inj"

if [[ ${1:-} == --inside ]]; then
	out=$2 kernel=$3
	events=()
	for t in $TPS; do events+=(-e "kvm:$t"); done
	build/kvmirq record -o "$out/l2.kvmirq" 2>"$out/record.err" &
	rec=$!
	trace-cmd record -q -o "$out/trace.dat" "${events[@]}" >"$out/tc.out" 2>&1 &
	tc=$!
	for _ in $(seq 300); do grep -q "recording to" "$out/record.err" 2>/dev/null && break; sleep 0.1; done
	sleep 6 # trace-cmd has no ready message
	timeout 240 qemu-system-x86_64 -accel kvm -m 256 -display none -monitor none -no-reboot \
		-serial file:"$out/l2.log" -kernel "$kernel" -append "console=ttyS0 panic=-1" \
		>/dev/null 2>&1 || true
	kill -INT "$tc" "$rec"
	wait "$tc" || true
	wait "$rec" || true
	trace-cmd report -i "$out/trace.dat" 2>/dev/null | grep -cE ' kvm_[a-z_]+:' >"$out/tc.count" || true
	build/kvmirq report --json "$out/l2.kvmirq" >"$out/report.jsonl"
	exit 0
fi

make -s all >/dev/null
eval "$(tests/rig/x86/build.sh -q)"
out=$(mktemp -d /var/tmp/kvmirq-bytes.XXXXXX)
[[ -n ${KVMIRQ_KEEP:-} ]] && echo "kept: $out" >&2 || trap 'rm -rf "$out"' EXIT
tests/rig/x86/run-in-l1.sh --tcg-multi --out "$out" --timeout 900 -- "$here/bytes-rig.sh" --inside "$out" "$RIG_X86_KERNEL" >/dev/null
python3 - "$out" <<'PY'
import json, os, sys
sys.path.insert(0, "tests/bench")
import targets
out = sys.argv[1]
events = 0
for line in open(os.path.join(out, "report.jsonl")):
    o = json.loads(line)
    if o["type"] == "vm_summary":
        events += sum(v for k, v in o["events"].items() if k != "ioctl_payload")
kb = os.path.getsize(os.path.join(out, "l2.kvmirq"))
tb = os.path.getsize(os.path.join(out, "trace.dat"))
tc = int(open(os.path.join(out, "tc.count")).read().strip() or 0)
print("bytes per event, real QEMU booting a real L2 guest (nested rig):")
print(f"  kvmirq     {kb:>10} bytes {events:>8} events {kb / max(events, 1):6.2f} bytes/event (ioctls included)")
print(f"  trace-cmd  {tb:>10} bytes {tc:>8} events {tb / max(tc, 1):6.2f} bytes/event")
if events and tc:
    print(f"  kvmirq / trace-cmd, per event: {(kb / events) / (tb / tc):.2f}")
    targets.add("bytes per event / trace-cmd's (rig, guest boot)", f"{(kb / events) / (tb / tc):.2f}",
                "<= 0.25")
PY
