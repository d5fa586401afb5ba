#!/usr/bin/env python3
"""The checks of tests/rig/arm64/test-kvmirq.sh on the outputs of one boot of
the arm64 rig (run.sh --out DIR) and the recording's timeline decoded here
(kvmirq report --json --timeline > DIR/report.jsonl): the cross build,
`kvmirq probe` on Debian's arm64 6.1 kernel, and the recording of the test
VMM's VGICv3/ITS run, on raw fields only (ioctl names, results, attribute
groups, KVM_IRQ_LINE's irq words, the kvm_irq_line and
vgic_update_irq_pending tracepoints), so that it holds whatever kvmirq's
GIC decoders know. compare_ioctls.py checks every ioctl field by field.

usage: check_arm64_kvmirq.py DIR
Prints one line per check and "N passed, M failed"."""
import json
import struct
import sys
from collections import Counter

sys.path.insert(0, "tests/e2e")
from rig_outputs import RigOutputs  # noqa: E402

# The lines of test-kvmirq.sh's command file whose output is checked.
RUN_PROBE, RUN_TESTVMM = 1, 3
ATTR_IOCTLS = ("KVM_HAS_DEVICE_ATTR", "KVM_GET_DEVICE_ATTR", "KVM_SET_DEVICE_ATTR")
# The VGIC groups the VMM uses (arch/arm64/include/uapi/asm/kvm.h).
GROUPS = {0: "ADDR", 1: "DIST_REGS", 3: "NR_IRQS", 4: "CTRL", 5: "REDIST_REGS",
          7: "LEVEL_INFO", 8: "ITS_REGS"}

out = sys.argv[1]
rig = RigOutputs(out)
check, read = rig.check, rig.read
env = dict(l.split("=", 1) for l in read("build.env").split())

# The cross build: a static little-endian AArch64 program.
elf = open(env["RIG_ARM64_KVMIRQ"].strip("'"), "rb").read(64)
check(elf[:4] == b"\x7fELF" and elf[4] == 2 and elf[5] == 1 and elf[18:20] == b"\xb7\x00",
      "build/arm64/kvmirq is ELF64 little-endian AArch64")

check(rig.kernel_trouble() is None, f"no kernel oops or BUG in the guest ({rig.kernel_trouble()})")

# probe: which ioctl attach strategy this kernel allows, and why.
check(read(f"run-{RUN_PROBE}.status").strip() == "0", "kvmirq probe --json exited 0")
try:
    probe = json.loads(read(f"run-{RUN_PROBE}.log").strip().splitlines()[-1])
except (ValueError, IndexError):
    probe = {}
check(probe.get("machine") == "aarch64", f"machine aarch64 ({probe.get('machine')})")
check(probe.get("btf") is True and probe.get("dev_kvm") is True, "BTF and /dev/kvm present")
check("error" not in probe and probe.get("strategy") in ("fentry", "kprobe"),
      f"libbpf loaded the BPF object ({probe.get('error', 'no error')})")
print(f"INFO ioctl strategy {probe.get('strategy')}; fentry refused: "
      f"{probe.get('fentry_refused')}; kprobe refused: {probe.get('kprobe_refused')}")
check(probe.get("strategy") == "fentry" or probe.get("fentry_refused"),
      "fentry, or the reason it was refused")
state = {p["name"]: p["state"] for p in probe.get("programs", [])}
for prog in ("on_arm_irq_line", "on_vgic_update_pending", "kp_exit_kvm_vcpu_ioctl"
             if probe.get("strategy") != "fentry" else "enter_kvm_device_ioctl"):
    check(state.get(prog) == "attached", f"{prog} attached ({state.get(prog)})")

# The VMM and the recorder.
check(read(f"run-{RUN_TESTVMM}.status").strip() == "0",
      "testvmm exited 0 (every kernel answer as expected)")
check(read("wait-rec.status").strip() == "0", "kvmirq record exited 0 after SIGINT")
logged = [json.loads(l) for l in read("vmm.jsonl").splitlines() if l.strip()]
events = [json.loads(l) for l in read("report.jsonl").splitlines() if l.strip()]
events = [e for e in events if e.get("type") == "event"]
check(len(logged) > 100, f"testvmm logged {len(logged)} ioctls")
pid = logged[0]["pid"] if logged else -1
ioctls = [e for e in events if e["kind"] == "ioctl" and e["pid"] == pid
          and not e.get("key_frame")]
check(all(e["strategy"] == probe.get("strategy") for e in ioctls),
      f"every ioctl recorded by the {probe.get('strategy')} strategy")


def attr_group(hexin):
    return struct.unpack_from("<I", bytes.fromhex(hexin), 4)[0]


# The VGIC and ITS attribute accesses: as many as logged, on device fds
# named for their device, with every group the VMM used.
want = [e for e in logged if e["ioctl"] in ATTR_IOCTLS and e["fd_kind"] == "device"]
got = [e for e in ioctls if e["ioctl"] in ATTR_IOCTLS and e["fd_kind"] == "device"]
check(len(got) == len(want) and len(want) > 60,
      f"{len(got)} device attribute ioctls recorded, {len(want)} logged")
devices = Counter(e.get("device") for e in got)
check(set(devices) == {"kvm-arm-vgic-v3", "kvm-arm-vgic-its"},
      f"on the VGICv3 and the ITS ({dict(devices)})")
for group, name in GROUPS.items():
    n_want = sum(attr_group(e["in"]) == group for e in want)
    n_got = sum(attr_group(e["in"]) == group for e in got)
    check(n_got == n_want > 0, f"group {group} ({name}): {n_got} recorded, {n_want} logged")
redist = [e for e in got if attr_group(e["in"]) == 5]
mpidrs = {struct.unpack_from("<Q", bytes.fromhex(e["in"]), 8)[0] >> 32 for e in redist}
check(mpidrs == {0, 1, 5}, f"redistributor accesses by MPIDR 0, 1 and 5 ({sorted(mpidrs)})")
refused = Counter((e["ioctl"], e["errno"]) for e in got if e["ret"] < 0)
check(refused == Counter((e["ioctl"], e["errno"]) for e in want if e["ret"] < 0),
      f"the refused attribute accesses and their errnos ({dict(refused)})")

# KVM_IRQ_LINE: the recorded irq words, and the kvm_irq_line tracepoint's
# decoding of each (type, vCPU, number, level), in call order.
lines = [e for e in logged if e["ioctl"] == "KVM_IRQ_LINE"]
words = [struct.unpack("<II", bytes.fromhex(e["in"])) for e in lines]
rec_words = [struct.unpack("<II", bytes.fromhex(e["in"]))
             for e in ioctls if e["ioctl"] == "KVM_IRQ_LINE"]
check(rec_words == words and len(words) >= 16,
      f"{len(rec_words)} KVM_IRQ_LINE irq words recorded as logged ({len(words)})")
traced = [e["fields"] for e in events if e["kind"] == "irq_line" and e["pid"] == pid]
expected = [{"type": irq >> 24 & 0xf, "vcpu_idx": (irq >> 16 & 0xff) + (irq >> 28) * 256,
             "irq_num": irq & 0xffff, "level": level} for irq, level in words]
raw = [{k: f[k] for k in ("type", "vcpu_idx", "irq_num", "level")} for f in traced]
check(raw == expected, f"kvm_irq_line: {len(traced)} events, one per KVM_IRQ_LINE, "
      f"with its type, vCPU, number and level")
# and named as the kernel splits the irq: "SPI 40", "PPI 23 on vCPU 0"
names = {1: "SPI {irq_num}", 2: "PPI {irq_num} on vCPU {vcpu_idx}"}
named = [(f.get("line"), names[f["type"]].format(**f)) for f in traced if f["type"] in names]
check(named and all(got == want for got, want in named),
      f"each SPI and PPI line named ({[n for n in named if n[0] != n[1]][:3]})")
types = Counter(f["type"] for f in traced)
check(types[1] >= 2 and types[2] >= 2, f"SPI and PPI lines traced ({dict(types)})")
pending = {(f["vcpu_id"], f["irq"], f["level"]) for e in events
           if e["kind"] == "vgic_update_irq_pending" and e["pid"] == pid for f in [e["fields"]]}
for what in ((0, 40, 1), (0, 41, 1), (0, 23, 1), (1, 24, 1), (0, 23, 0)):
    check(what in pending, f"vgic_update_irq_pending vcpu {what[0]} irq {what[1]} level {what[2]}")

# KVM_SIGNAL_MSI and the routing table with an ITS entry, raw.
msis = [e for e in ioctls if e["ioctl"] == "KVM_SIGNAL_MSI"]
devid_msis = [e for e in msis if struct.unpack_from("<I", bytes.fromhex(e["in"]), 12)[0] & 1]
check(any(e["errno"] == 16 for e in devid_msis),
      "KVM_SIGNAL_MSI with KVM_MSI_VALID_DEVID to the disabled ITS: EBUSY")
routes = [e for e in ioctls if e["ioctl"] == "KVM_SET_GSI_ROUTING" and e["ret"] == 0]
check(len(routes) == 1 and len(routes[0]["in"]) == 2 * (8 + 3 * 48),
      "the accepted routing table: 3 entries, recorded whole")
sys.exit(rig.finish())
