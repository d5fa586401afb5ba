#!/usr/bin/env python3
"""The checks of tests/rig/e500/test-kvmirq.sh on the outputs of one boot of
the e500 rig's tool image (run.sh --out DIR): the cross build, the BPF tests'
results inside the rig, `kvmirq probe`, and the recording of the MPIC test
VMM decoded here, against ftrace's counts made beside it.

usage: check_e500_kvmirq.py [--kvmirq PATH] DIR
Prints one line per check and "N passed, M failed"."""
import argparse
import json
import re
import subprocess
import sys
from collections import Counter

# The lines of test-kvmirq.sh's command file whose output is checked.
RUN_JIT_STRESS, RUN_TEST_BPF, RUN_PROBE_JSON, RUN_PROBE, RUN_VMM, RUN_TESTVMM = 0, 1, 2, 3, 9, 10

parser = argparse.ArgumentParser()
parser.add_argument("--kvmirq", default="build/kvmirq")
parser.add_argument("out")
args = parser.parse_args()
out = args.out
env = dict(l.split("=", 1) for l in open(out + "/build.env").read().split())
sys.path.insert(0, "tests/e2e")
from rig_outputs import RigOutputs  # noqa: E402

rig = RigOutputs(out)
check, read = rig.check, rig.read


# The cross build: a static 32-bit big-endian PowerPC program, and a
# big-endian BPF object beside it.
elf = open(env["RIG_E500_KVMIRQ"].strip("'"), "rb").read(64)
check(elf[:4] == b"\x7fELF" and elf[4] == 1 and elf[5] == 2 and elf[18:20] == b"\x00\x14",
      "build/ppc/kvmirq is ELF32 big-endian PowerPC")
bpf = open("build/ppc/bpf/kvmirq.bpf.o", "rb").read(64)
check(bpf[5] == 2 and bpf[18:20] == b"\x00\xf7", "build/ppc/bpf/kvmirq.bpf.o is big-endian BPF")

trouble = rig.kernel_trouble()
check(trouble is None, "no kernel oops while the BPF programs loaded"
      + (f" (the 6.1 ppc32 JIT writes past its image: {trouble})" if trouble else ""))

# The BPF tests inside the rig: their own "N passed, M failed" line.
for n, name in ((RUN_JIT_STRESS, "jit_stress"), (RUN_TEST_BPF, "test_bpf")):
    m = re.search(r"^(\d+) passed, (\d+) failed", read(f"run-{n}.log"), re.M)
    check(read(f"run-{n}.status").strip() == "0" and m and int(m.group(1)) > 0
          and m.group(2) == "0",
          f"{name} on the e500 kernel: {m.group(0) if m else 'no result'}")
check(read(f"run-{RUN_PROBE_JSON}.status").strip() == "0", "kvmirq probe --json exited 0")
check(read(f"run-{RUN_PROBE}.status").strip() == "0", "kvmirq probe exited 0")
try:
    probe = json.loads(read(f"run-{RUN_PROBE_JSON}.log").strip().splitlines()[-1])
except (ValueError, IndexError):
    probe = {}
check(probe.get("machine") == "ppc", f"machine ppc ({probe.get('machine')})")
check(probe.get("btf") is True and probe.get("dev_kvm") is True, "BTF and /dev/kvm present")
check("error" not in probe and "strategy" in probe,
      f"libbpf loaded the BPF object ({probe.get('error', 'no error')})")
check(probe.get("strategy") == "kprobe", f"strategy kprobe ({probe.get('strategy')})")
refused = probe.get("fentry_refused") or ""
check("524" in refused or "not supported" in refused.lower(), f"fentry refused with ENOTSUPP ({refused!r})")
check(probe.get("kprobe_refused") is None, f"kprobes not refused ({probe.get('kprobe_refused')!r})")
check(probe.get("inject_hooks") is False, "no injection hooks (they need fentry)")

state = {p["name"]: p for p in probe.get("programs", [])}
for name in ("on_set_irq", "on_ack_irq", "on_booke_queue_irqprio", "kp_enter_kvm_vcpu_ioctl",
             "kp_exit_kvm_vcpu_ioctl", "kp_enter_kvm_device_ioctl", "kp_exit_kvm_device_ioctl"):
    check(state.get(name, {}).get("state") == "attached", f"{name} attached")
for name in ("on_ioapic_set_irq", "on_pic_set_irq", "on_apic_accept_irq", "on_inj_virq",
             "on_msi_set_irq", "on_arm_irq_line", "on_vgic_update_pending"):
    p = state.get(name, {})
    check(p.get("state") == "not used" and "not in this kernel" in (p.get("why") or ""),
          f"{name} not used: not in this kernel")
fentry = [p for p in state.values() if p["name"].startswith(("enter_", "exit_", "inject_"))]
check(len(fentry) == 16 and all(p["state"] == "not used" for p in fentry),
      f"all {len(fentry)} fentry programs unused")
check(not [p for p in state.values() if p["state"] == "failed"], "no program failed")

# The recording: made big-endian, decoded on this (little-endian) host.
rec = out + "/mpic.kvmirq"
try:
    lines = [json.loads(l) for l in subprocess.run(
        [args.kvmirq, "report", "--json", "--timeline", rec], capture_output=True,
        text=True, check=True).stdout.splitlines()]
except (subprocess.CalledProcessError, ValueError, OSError) as e:
    lines = []
    print(f"  report --json --timeline {rec}: {e}")
check(read("wait-rec.status").strip() == "0", "kvmirq record exited 0 (complete, nothing dropped)")
try:
    head = json.loads(subprocess.run([args.kvmirq, "report", "--json", rec], capture_output=True,
                                     text=True, check=True).stdout.splitlines()[0])
except (subprocess.CalledProcessError, ValueError, OSError, IndexError) as e:
    head = {}
    print(f"  report --json {rec}: {e}")
check(head.get("machine") == "ppc" and head.get("byte_order") == "big" and head.get("word_size") == 4,
      f"the recording says ppc, big-endian, 4-byte words ({head.get('machine')}, "
      f"{head.get('byte_order')}, {head.get('word_size')})")
events = [l for l in lines if l.get("type") == "event"]
ioctls = {}
for e in events:
    if e.get("kind") == "ioctl":
        ioctls[e["ioctl"]] = ioctls.get(e["ioctl"], 0) + 1
for name in ("KVM_CREATE_VM", "KVM_CREATE_DEVICE", "KVM_SET_DEVICE_ATTR", "KVM_GET_DEVICE_ATTR",
             "KVM_SET_GSI_ROUTING", "KVM_IRQ_LINE", "KVM_CREATE_VCPU",
             "KVM_ENABLE_CAP"):
    check(ioctls.get(name, 0) > 0, f"{name} recorded ({ioctls.get(name, 0)})")
creates = [e for e in events if e.get("ioctl") == "KVM_CREATE_DEVICE" and e.get("ret") == 0]
check(any((e.get("fields") or {}).get("type_name") == "fsl-mpic-20" for e in creates),
      "KVM_CREATE_DEVICE decoded as fsl-mpic-20")
named = [e for e in events if e.get("ioctl") == "KVM_SET_DEVICE_ATTR"
         and str((e.get("fields") or {}).get("register", "")).startswith("src_ivpr[")]
check(named, f"SET_DEVICE_ATTR of source IVPRs named by register ({len(named)})")
# mpicvmm (the first VMM) raises lines only with KVM_IRQ_LINE; testvmm also
# through irqfds, MSIs and LINE_STATUS.
first_vmm = next((e["pid"] for e in events if e.get("ioctl") == "KVM_CREATE_VM"), None)
lines_up = [e for e in events if e.get("ioctl") == "KVM_IRQ_LINE" and e.get("ret") == 0
            and e["pid"] == first_vmm]
set_irq = [e for e in events if e.get("kind") == "set_irq" and e["pid"] == first_vmm]
check(lines_up and len(set_irq) == len(lines_up),
      f"mpicvmm: one kvm_set_irq per successful KVM_IRQ_LINE ({len(set_irq)}, {len(lines_up)})")
check(all(e.get("vm", 0) > 0 for e in events if e.get("kind") == "ioctl" and e.get("fd_kind") != "system"),
      "every ioctl on a VM, vCPU or device fd names its VM")


# ftrace beside kvmirq: every kvm_set_irq and kvm_ack_irq the VMM raised.
vmm_pids = {e["pid"] for e in events if e.get("ioctl") == "KVM_CREATE_VM"}
check(len(vmm_pids) == 2, f"both VMMs recorded ({len(vmm_pids)})")
ftrace = Counter()
TRACEPOINTS = (("set_irq", "kvm_set_irq"), ("ack_irq", "kvm_ack_irq"),
               ("booke_queue_irqprio", "kvm_booke_queue_irqprio"))
for m in re.finditer(r"-(\d+)\s+\[\d+\].*?\s(kvm_set_irq|kvm_ack_irq|kvm_booke_queue_irqprio):",
                     read("trace")):
    if int(m.group(1)) in vmm_pids:
        ftrace[m.group(2)] += 1
recorded = Counter(e["kind"] for e in events if e.get("pid") in vmm_pids)
check(ftrace["kvm_set_irq"] > 0, f"ftrace saw the VMM's kvm_set_irq ({ftrace['kvm_set_irq']})")
check(ftrace["kvm_booke_queue_irqprio"] > 0,
      f"ftrace saw the MPIC raise its output to the vCPU ({ftrace['kvm_booke_queue_irqprio']})")
for kind, tp in TRACEPOINTS:
    check(recorded[kind] == ftrace[tp], f"{tp}: ftrace {ftrace[tp]}, kvmirq {recorded[kind]}")
check(read(f"run-{RUN_VMM}.status").strip() == "0", "the MPIC test VMM exited 0")
check(read(f"run-{RUN_TESTVMM}.status").strip() == "0", "testvmm exited 0 (every kernel answer as expected)")
m = re.search(r"(\d+) events in ([\d.]+) s .*?([\d.]+) bytes/event", read("rec.log"))
print("record: " + (m.group(0) if m else read("rec.log").strip()[-200:]))

text = read(f"run-{RUN_PROBE}.log")
check("ioctl strategy:  kprobe" in text and "fentry refused:" in text,
      "the text report names the strategy and why fentry was refused")
sys.exit(rig.finish())
