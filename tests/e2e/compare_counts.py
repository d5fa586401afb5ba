#!/usr/bin/env python3
"""Per-tracepoint event counts: kvmirq's recording against ftrace's buffer
for the same run. usage: compare_counts.py OUT_DIR (from test-qemu-guest.sh).
Prints the table, one check per event, and "N passed, M failed"."""
import json
import os
import re
import sys
from collections import Counter

from checks import Checks
from kvm_surface import ROWS

out = sys.argv[1]
check = Checks()


def read(name):
    path = os.path.join(out, name)
    return open(path).read() if os.path.exists(path) else ""


# The rig's own failure, not kvmirq's: the L2 guest never printed a byte
# and QEMU ran into its timeout. Seen once in CI under Debian 13's QEMU on
# nested TCG, the guest stuck in its firmware 2 s before kvmirq's first key
# frame of QEMU. 125 makes tests/run.sh say so and run the suite once more;
# a second hang fails it.
if read("qemu.rc").strip() == "124" and not read("l2.log"):
    print("rig failure: the L2 guest printed nothing before QEMU's timeout "
          f"({read('qemu.out')[-300:].strip()})")
    sys.exit(125)
check(read("record.rc").strip() == "0", f"kvmirq record exit {read('record.rc').strip()}: {read('record.err')[-400:]}")
check(read("qemu.rc").strip() == "0", f"qemu exit {read('qemu.rc').strip()}: {read('qemu.out')[-400:]}")
check("Kernel panic" in read("l2.log") or "Unable to mount root" in read("l2.log"),
      "the L2 guest did not boot to its root-mount panic")
overruns = sum(int(n) for n in re.findall(r"^overrun: (\d+)", read("ftrace-stats.txt"), re.M))
check(overruns == 0, f"ftrace lost {overruns} events: the reference is incomplete")

# ftrace: one line per event, "... kvm_set_irq: gsi 4 level 1 source 0"
ftrace = Counter(m.group(1) for m in re.finditer(r"\s(kvm_\w+):", read("ftrace.txt")))

recorded = Counter()
dropped = None
for line in read("report.jsonl").splitlines():
    obj = json.loads(line)
    if obj["type"] == "recording":
        dropped = obj["dropped"]
    elif obj["type"] == "vm_summary":
        recorded.update(obj["events"])
check(dropped == 0, f"kvmirq dropped {dropped} events")

names = {"set_irq": "kvm_set_irq", "msi_set_irq": "kvm_msi_set_irq",
         "ioapic_set_irq": "kvm_ioapic_set_irq", "pic_set_irq": "kvm_pic_set_irq",
         "apic_accept_irq": "kvm_apic_accept_irq", "eoi": "kvm_eoi", "pv_eoi": "kvm_pv_eoi",
         "ack_irq": "kvm_ack_irq", "apic_ipi": "kvm_apic_ipi", "inj_virq": "kvm_inj_virq",
         "ioapic_delayed_eoi_inj": "kvm_ioapic_delayed_eoi_inj"}
print(f"{'tracepoint':28} {'ftrace':>10} {'kvmirq':>10}")
for ours, tp in names.items():
    print(f"{tp:28} {ftrace[tp]:>10} {recorded[ours]:>10}")
    check(ftrace[tp] == recorded[ours], f"{tp}: ftrace {ftrace[tp]}, kvmirq {recorded[ours]}")
check(ftrace["kvm_set_irq"] > 1000, "too little traffic for a meaningful comparison")

# Key frames of QEMU (record -k 3s). The rig's keeper (keeper.py, its pid
# in .rig/keeper.pid) holds two VMs, one with an in-kernel irqchip: its key
# frames read that one, and are left out of QEMU's. Before QEMU has created
# its irqchip there is nothing to read; from QEMU's first complete key frame
# on, every one reads every controller.
keeper = int(read(".rig/keeper.pid") or 0)
check(keeper > 0, "run-in-l1.sh --tcg-multi wrote the keeper's pid to .rig/keeper.pid")
head = json.loads(read("report.jsonl").splitlines()[0]) if read("report.jsonl") else {}
every = head.get("key_frames") or []
held = [k for k in every if k["pid"] == keeper]
check(held and all(k["reads"] > k["failed_reads"] for k in held),
      f"the keeper's key frames read its irqchip VM ({held[:1]})")
qemu = {k["pid"] for k in every} - {keeper}
frames = [k for k in every if k["pid"] in qemu]
complete = [not k["error"] and k["reads"] > 0 and not k["failed_reads"] for k in frames]
first = complete.index(True) if True in complete else len(frames)
bad = [k for k, ok in zip(frames[first:], complete[first:]) if not ok]
check(first < len(frames) and not bad,
      f"key frames of QEMU: {len(frames)}, the first complete #{first}, incomplete after it: {bad[:2]}")
if read("qemu.start"):
    print(f"QEMU ran from {read('qemu.start').strip()} s to {read('qemu.end').strip()} s; key frames:",
          " ".join(f"{k['begin_ns'] / 1e9:.1f}{'' if ok else '!'}" for k, ok in zip(frames, complete)))
if frames:
    stops = sorted(k["stopped_ns"] / 1e6 for k in frames if not k["error"])
    print(f"key frames: {len(frames)}, {frames[0]['reads']} reads each, QEMU stopped "
          f"{stops[0]:.1f} / {stops[len(stops) // 2]:.1f} / {stops[-1]:.1f} ms (min/median/max)")
# QEMU's own ioctls on its VM (with kvmirq's key-frame reads: 3
# KVM_GET_IRQCHIP and a KVM_GET_LAPIC per vCPU each), printed so that
# recordings under the two QEMUs compare. Debian 12's QEMU 7.2 and Debian
# 13's 10.0 (KVMIRQ_RIG_QEMU=trixie) issue the same irqchip ioctls for this
# guest: a full in-kernel irqchip (one KVM_CREATE_IRQCHIP, not a split one),
# one routing table, the serial port's line through KVM_IRQ_LINE_STATUS.
# Which QEMU ran is the one expectation that depends on KVMIRQ_RIG_QEMU.
WANTED_QEMU = {"7.2": r"version 7\.2\.", "trixie": r"version (?!7\.)\d+\."}
wanted = os.environ.get("KVMIRQ_RIG_QEMU", "7.2")
version = read("qemu.version").strip()
check(re.search(WANTED_QEMU.get(wanted, "^$"), version),
      f"the VMM was QEMU {wanted} (KVMIRQ_RIG_QEMU): it says '{version}'")
names = {r.id: r.name for r in ROWS}
ioctls = Counter()
for line in read("report.jsonl").splitlines():
    obj = json.loads(line)
    if obj["type"] == "vm_summary" and obj["pid"] in qemu:
        for i in obj["ioctls"]:
            ioctls[(names.get(i["ioctl_id"], f"#{i['ioctl_id']}"), i["errno"])] += i["count"]
print(f"{version}: its VM's ioctls:", ", ".join(
    f"{n}{f' (errno {e})' if e else ''} {c}" for (n, e), c in sorted(ioctls.items())))
failed = {k: c for k, c in ioctls.items() if k[1]}
check(not failed, f"QEMU's irqchip ioctls all succeed ({failed})")
check(ioctls[("KVM_CREATE_IRQCHIP", 0)] == 1 and ioctls[("KVM_SET_GSI_ROUTING", 0)] >= 1 and
      ioctls[("KVM_IRQ_LINE_STATUS", 0)] > 1000,
      f"QEMU sets up a full in-kernel irqchip and drives its lines with KVM_IRQ_LINE_STATUS ({dict(ioctls)})")
# Right after the first complete one, the reconstruction knows (nearly)
# every field that does not change on its own: line levels (PIC and IOAPIC
# IRR) move with every timer tick, even while QEMU is stopped.
state = [json.loads(l) for l in read("key-frame-state.jsonl").splitlines() if l.strip()]
state = [c for c in state if "fields" in c and c.get("vm_name") != f"pid {keeper}"]
check({c["chip"] for c in state} >= {"x86-pic-master", "x86-pic-slave", "x86-ioapic", "x86-lapic"},
      f"the reconstruction after a key frame has every controller ({[c['chip'] for c in state]})")
stable = [f for c in state for f in c["fields"].values() if "volatile" not in f]
known = sum(1 for f in stable if f.get("value") is not None)
volatile = [f for c in state for f in c["fields"].values() if "volatile" in f]
print(f"after the key frame: {known} of {len(stable)} fields known, and "
      f"{sum(1 for f in volatile if f.get('value') is not None)} of {len(volatile)} volatile ones")
check(stable and known >= 0.95 * len(stable),
      f"{known} of {len(stable)} stable fields known after the key frame")
# kvmirq check: a real QEMU booting a real guest breaks none of its rules,
# and the recording holds what the state rules need to decide.
found = [json.loads(l) for l in read("check.jsonl").splitlines() if l.strip()]
bad = [f"{f['severity']}: {f['rule']}: {f['message'][:120]}" for f in found
       if f["severity"] != "info"]
for b in bad:
    print("  " + b)
check(read("check.rc").strip() == "0" and not bad,
      f"kvmirq check finds nothing in the real guest's recording ({len(bad)} findings)")
undecided = [f["rule"] for f in found if "cannot be decided on this recording" in f["message"]]
check(not {"state-set-while-running", "command-as-state", "restore-audit"} & set(undecided),
      f"the state rules can be decided on it (undecided: {undecided})")
sys.exit(check.finish())
