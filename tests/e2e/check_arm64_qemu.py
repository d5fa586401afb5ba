#!/usr/bin/env python3
"""The checks of tests/rig/arm64/test-qemu-guest.sh on the outputs of one
boot of the arm64 rig (run.sh --out DIR), where a real QEMU with -accel kvm
booted an L2 guest with a virtio-rng PCI device while `kvmirq record -k 3s`
recorded and ftrace counted the same tracepoints, and the recording decoded
here (kvmirq report --json --timeline > DIR/report.jsonl).

usage: check_arm64_qemu.py DIR
Prints one line per check and "N passed, M failed"."""
import json
import re
import sys
from collections import Counter

sys.path.insert(0, "tests/e2e")
from rig_outputs import RigOutputs  # noqa: E402

# struct kvm_msi's flags: the devid field is valid (the ITS needs it).
KVM_MSI_VALID_DEVID = 1
# QEMU virt's ITS frame (VIRT_GIC_ITS) and its GITS_TRANSLATER doorbell.
ITS_DOORBELL = 0x08080000 + 0x10040
# The requester id of the guest's only PCI device, 00:01.0 (bus 0, devfn 8).
VIRTIO_DEVID = 0x08

out = sys.argv[1]
rig = RigOutputs(out)
check, read = rig.check, rig.read

check(rig.kernel_trouble() is None, f"no kernel oops or BUG in the rig ({rig.kernel_trouble()})")
check(read("qemu.rc").strip() == "0",
      f"QEMU exited 0 ({read('qemu.rc').strip()}: {read('qemu.out')[-300:]})")

# The L2 guest: it read /dev/hwrng and its /proc/interrupts shows the
# virtio device's MSIs, translated by the ITS.
l2 = read("l2.log").replace("\r", "")
check("l2: read /dev/hwrng" in l2 and "insmod" not in l2,
      "the L2 guest loaded the virtio modules and read /dev/hwrng")
table = l2.partition("l2: /proc/interrupts")[2].partition("l2: end of /proc/interrupts")[0]
lines = [json.loads(l) for l in read("report.jsonl").splitlines() if l.strip()]
head = next((l for l in lines if l.get("type") == "recording"), {})
# The L2 runs the rig's kernel (the recording's). Its MSI chip: the ITS's one
# PCI/MSI domain, "ITS-MSI", until the ITS became the MSI parent of a domain
# per device ("irqchip/gic-v3-its: Provide MSI parent for PCI/MSI[-X]", 6.11):
# "ITS-PCI-MSIX-0000:00:01.0" on 6.12.
release = tuple(int(n) for n in re.findall(r"\d+", head.get("kernel", "0.0"))[:2])
chip = r"ITS-MSI" if release < (6, 11) else r"ITS-PCI-MSIX-\S+"
its = {m.group(2): int(m.group(1)) for m in
       re.finditer(rf"^\s*\d+:\s+(\d+)\s+{chip}\s+\d+\s+Edge\s+(\S+)", table, re.M)}
check("virtio0-input" in its and its["virtio0-input"] > 0,
      f"the L2's /proc/interrupts ({head.get('kernel')}): virtio MSIs through the ITS as "
      f"{chip} ({its})")
for line in (l for l in table.splitlines() if re.search(chip, l)):
    print(f"INFO L2 | {line.strip()}")

# ftrace's counts against the recording's, per tracepoint kvmirq records.
counts = dict(l.split() for l in read("ftrace-counts").splitlines() if l.strip())
counts = {k: int(v) for k, v in counts.items()}
check(counts.get("overrun", 1) == 0, f"ftrace lost no event ({counts.get('overrun')} overruns)")
kinds = dict((tp, kind) for kind, tp in
             re.findall(r'\{ "(\w+)", "(\w+)" \}', open("src/codec/names.c").read()))
check(head.get("dropped") == 0, f"kvmirq dropped no event ({head.get('dropped')})")
check(read("wait-rec.status").strip() == "0", "kvmirq record exited 0 after SIGINT")
events = [e for e in lines if e.get("type") == "event"]
recorded = Counter(e["kind"] for e in events)
print(f"{'tracepoint':28} {'ftrace':>8} {'kvmirq':>8}")
for tp, n in counts.items():
    if tp == "overrun":
        continue
    print(f"{tp:28} {n:>8} {recorded[kinds[tp]] if tp in kinds else '-':>8}")
    if tp in kinds:
        check(recorded[kinds[tp]] == n, f"{tp}: kvmirq {recorded[kinds[tp]]}, ftrace {n}")
check(counts.get("kvm_irq_line", 0) > 0 and counts.get("kvm_timer_update_irq", 0) > 100,
      "QEMU raised SPIs (kvm_irq_line) and the guest's timer ran (kvm_timer_update_irq)")
# The VGIC is told of an interrupt by the guest's timer or by QEMU's
# KVM_IRQ_LINE and by nothing else here (no irqfd, no PMU use).
check(counts.get("vgic_update_irq_pending") ==
      counts.get("kvm_timer_update_irq", 0) + counts.get("kvm_irq_line", 0),
      "each vgic_update_irq_pending comes from the timer or a KVM_IRQ_LINE")

# QEMU's VGICv3 and ITS: created in the kernel, initialized.
qemu = [e for e in events if e["kind"] == "ioctl" and not e.get("key_frame")]
created = {e["fields"].get("type_name") for e in qemu
           if e["ioctl"] == "KVM_CREATE_DEVICE" and e["ret"] == 0 and
           not int(e["fields"].get("flags", "0"), 16)}
check({"arm-vgic-v3", "arm-vgic-its"} <= created,
      f"QEMU created an in-kernel VGICv3 and ITS ({sorted(created, key=str)})")
inits = {e.get("device") for e in qemu if e["ioctl"] == "KVM_SET_DEVICE_ATTR" and e["ret"] == 0
         and e["fields"].get("register") == "ctrl_init"}
check(inits >= {"kvm-arm-vgic-v3", "kvm-arm-vgic-its"}, f"and initialized both ({inits})")

# The virtio device's MSIs: KVM_SIGNAL_MSI to the ITS doorbell with the
# device id, each delivered (ret 1), at least as many as the guest counted.
msis = [e for e in qemu if e["ioctl"] == "KVM_SIGNAL_MSI"]
devid = [e for e in msis if int(e["fields"]["flags"], 16) & KVM_MSI_VALID_DEVID and
         e["fields"]["devid"] == VIRTIO_DEVID and
         int(e["fields"]["address_lo"], 16) == ITS_DOORBELL and e["ret"] == 1]
check(msis and len(devid) == len(msis),
      f"{len(msis)} KVM_SIGNAL_MSI, {len(devid)} to the ITS doorbell with device id "
      f"{VIRTIO_DEVID:#x}, delivered")
check(len(devid) >= sum(its.values()) > 0,
      f"as many MSIs signalled ({len(devid)}) as the guest counted ({sum(its.values())}) or more")

# Key frames (ptrace, every 3 s): of QEMU only; before its VGIC and ITS are
# initialized a read may fail (ENXIO), from the first complete one on none.
# One begun after QEMU's last event finds it exiting (its mappings gone:
# "no syscall instruction"): not a failure of the reads, left out.
frames = head.get("key_frames") or []
pids = {e["pid"] for e in msis}
last = max((e["ts_ns"] for e in events if e["pid"] in pids), default=0)
exiting = [k for k in frames if k["error"] and k["begin_ns"] > last]
for k in exiting:
    print(f"INFO a key frame at QEMU's exit: {k['error']}")
frames = [k for k in frames if k not in exiting]
complete = [not k["error"] and k["reads"] > 0 and not k["failed_reads"] for k in frames]
first = complete.index(True) if True in complete else len(frames)
bad = [k for k, ok in zip(frames[first:], complete[first:]) if not ok]
check(frames and {k["pid"] for k in frames} == pids,
      f"{len(frames)} key frames, of QEMU's pid {pids}")
check(first < len(frames) and not bad,
      f"from the first complete key frame (#{first}) on, every one read every controller "
      f"({bad[:2]})")
if frames:
    stops = sorted(k["stopped_ns"] / 1e6 for k in frames)
    print(f"INFO key frames: {len(frames)}, {frames[-1]['reads']} reads each, QEMU stopped "
          f"{stops[0]:.0f} / {stops[len(stops) // 2]:.0f} / {stops[-1]:.0f} ms (min/median/max)")
try:
    ran = float(read("qemu.end")) - float(read("qemu.start"))
    print(f"INFO QEMU and its L2 guest ran {ran:.1f} s in the rig (TCG); the rig {read('timing').strip()}")
except ValueError:
    check(False, "QEMU's start and end times were sent back")
sys.exit(rig.finish())
