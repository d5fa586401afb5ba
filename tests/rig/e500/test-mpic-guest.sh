#!/usr/bin/env bash
# A guest that runs, on the real KVM MPIC (e500v2 rig): `mpicvmm --guest`
# (tests/vmm/mpicvmm_guest.c) runs a vCPU with KVM_RUN whose program
# (mpicvmm_guest.S) maps and programs the MPIC by MMIO and takes the
# interrupts the VMM raises (edge pulses, a level line, two MSIs, one more
# edge from a second thread while the vCPU runs): IACK, EOI, by MMIO. With
# ftrace's kvm and kvm_booke events on and kvmirq recording beside it.
# Here, from the VMM's KVMIRQ-GUEST report, the ftrace buffer and the
# recording: the vectors acknowledged are the sources raised, by priority;
# one EOI each; every register the guest wrote reads back the same by the
# guest and by KVM_GET_DEVICE_ATTR; each acknowledgement is a kvm_ack_irq
# of the vCPU thread, each raise a kvm_set_irq (the late one from the other
# thread) and a kvm_booke_queue_irqprio EXTERNAL_LEVEL; kvmirq recorded as
# many as ftrace saw. The guest's own MPIC accesses, which no tracepoint
# shows (kvmirq's kprobes on kvm_mpic_read/kvm_mpic_write), are in the
# recording exactly as the guest's log says, access by access (offset,
# value, order), each IACK with the vector the guest took; the recording
# reconstructed just after the guest's last access (before the VMM's own
# reads) holds every register the guest wrote as the VMM's final
# KVM_GET_DEVICE_ATTR reads it. A rig that cannot be built or booted fails.
#
# Environment: KVMIRQ_BUILD  the build directory of the host tool (default build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
. tests/rig/common/testlib.sh
rig_test_setup e500 guest
# Line numbers matter: run-4.log is the VMM's output.
cat >"$out/commands" <<'COMMANDS'
write /sys/kernel/tracing/events/kvm/enable 1
write /sys/kernel/tracing/events/kvm_booke/enable 1
start rec /bin/kvmirq record -o /tmp/guest.kvmirq
await rec 300 recording to
run /bin/mpicvmm --guest
signal rec 2
wait rec
write /sys/kernel/tracing/tracing_on 0
file /tmp/rec.log
file /sys/kernel/tracing/trace
file /tmp/guest.kvmirq
COMMANDS
rig_boot e500 600

python3 - "$out" "$build/kvmirq" <<'EOF'
import json, re, subprocess, sys
from collections import Counter

out, kvmirq = sys.argv[1], sys.argv[2]
RUN_VMM = 4
sys.path.insert(0, "tests/e2e")
from rig_outputs import RigOutputs  # noqa: E402

rig = RigOutputs(out)
check, read = rig.check, rig.read


check(rig.kernel_trouble() is None, f"no kernel oops or BUG ({rig.kernel_trouble()})")
log = read(f"run-{RUN_VMM}.log")
for line in log.splitlines():
    if line.startswith("mpicvmm:"):
        print("  " + line)
check(read(f"run-{RUN_VMM}.status").strip() == "0" and "KVMIRQ-DONE 0" in log,
      f"mpicvmm --guest exited 0 ({read(f'run-{RUN_VMM}.status').strip()})")
m = re.search(r"^KVMIRQ-GUEST (\{.*\})$", log, re.M)
try:
    g = json.loads(m.group(1)) if m else {}
except ValueError:
    g = {}
if not check(g, "the VMM's KVMIRQ-GUEST report"):
    sys.exit(rig.finish())
print(f"  guest: {g['seconds']} s in KVM_RUN, {g['kvm_runs']} KVM_RUN calls, "
      f"{g['mmio_exits']} MMIO exits")

# The report against an independent reading of what was raised.
raised = g["raised"]
batch = sorted((r for r in raised if not r["late"]), key=lambda r: -r["priority"])
want = [r["vector"] for r in batch] + [r["vector"] for r in raised if r["late"]]
check(len({r["priority"] for r in raised}) == len(raised), "the sources have distinct priorities")
check([r["vector"] for r in raised if not r["late"]] != [r["vector"] for r in batch],
      "the batch was raised out of priority order")
check(not g["fatal"], f"no unexpected exception in the guest (pc {g['fatal_pc']:#x})")
check(g["acks"] == want, f"vectors acknowledged by priority: {[hex(v) for v in g['acks']]} "
      f"(want {[hex(v) for v in want]})")
check(g["eois"] == want, f"an EOI after each ({len(g['eois'])})")
check(g["r26_taken"] == len(raised) and g["r27_eois"] == len(raised),
      f"the guest's counters: {g['r26_taken']} taken, {g['r27_eois']} EOIs")
check(g["acks_at_phase"] == [0, len(batch), len(raised)],
      f"the batch before phase 2, the late one before phase 3 ({g['acks_at_phase']})")
check(g["late_raised_during_kvm_run"], "the late source was raised while the vCPU was in KVM_RUN")
level = [r["source"] for r in raised if "level" in r["how"]]
check(g["lowered"] == level, f"the guest's handler had the level line lowered ({g['lowered']})")
check(len(g["msirs"]) == 2 and all(v and not v & (v - 1) for v in g["msirs"]),
      f"each MSI handler read one MSIR bit ({[hex(v) for v in g['msirs']]})")
regs = g["regs"]
check(len(regs) == 2 + 2 * len(raised), f"the guest programmed {len(regs)} registers")
bad = [r for r in regs if not r["guest_wrote"] == r["guest_read"] == r["get_attr"]]
check(not bad, f"each reads back as the guest wrote it, by MMIO and by GET_DEVICE_ATTR ({bad[:3]})")
ivprs = {r["offset"]: r["get_attr"] for r in regs}
check(all(ivprs.get(0x10000 + 0x20 * r["source"], 0) & 0xffff == r["vector"] for r in raised),
      "each raised source's IVPR (by the guest) holds its vector")
check(g["whoami_alias"] == 0, f"WHOAMI through the current-CPU alias is 0 in the guest ({g['whoami_alias']})")
check(g["ivpr"] == 0 and g["ivor4"] == 0x100, f"IVPR/IVOR4 the guest set ({g['ivpr']:#x}, {g['ivor4']:#x})")
check(g["iack_after"] == 0xff, f"nothing left pending: IACK spurious ({g['iack_after']:#x})")

# ftrace: the guest's traffic as the kernel traced it.
trace = read("trace")
ev = re.compile(r"^\s*(\S+)-(\d+)\s+\[\d+\].*?\s(kvm_set_irq|kvm_ack_irq|kvm_booke_queue_irqprio|kvm_exit): (.*)$")
lines = [m.groups() for m in map(ev.match, trace.splitlines()) if m and m.group(1).startswith("mpicvmm")]
vmm_tids = Counter(int(t) for _, t, _, _ in lines)
main_tid = min(vmm_tids) if vmm_tids else -1
by = Counter(e for _, _, e, _ in lines)
print(f"  ftrace, mpicvmm: {dict(by)}; threads {dict(vmm_tids)}")
for _, t, e, a in lines:
    if e != "kvm_exit":
        print(f"    {t} {e}: {a}")
acks = [(int(t), a) for _, t, e, a in lines if e == "kvm_ack_irq"]
pins = [int(re.search(r"pin (\d+)", a).group(1)) for _, a in acks]
src_of = {r["vector"]: r["source"] for r in raised}
check(pins == [src_of[v] for v in want],
      f"one kvm_ack_irq per EOI, for the source acknowledged ({pins})")
check(acks and all(t == main_tid for t, _ in acks), "each kvm_ack_irq from the vCPU thread (its MMIO EOI)")
sets = [(int(t), a) for _, t, e, a in lines if e == "kvm_set_irq"]
late_src = [r["source"] for r in raised if r["late"]]
late_sets = [a for t, a in sets if t != main_tid]
check(len(late_sets) == 2 and all(f"gsi {late_src[0]} " in a for a in late_sets),
      f"the late edge's kvm_set_irq (up, down) from the second thread ({late_sets})")
# KVM_IRQ_LINE: an edge is two, a level line up and (by the guest) down two,
# the MSI route one; MSIIR none.
n_line = sum({"KVM_IRQ_LINE edge pulse": 2, "KVM_IRQ_LINE level high": 2,
              "KVM_IRQ_LINE on an MSI route": 1}.get(r["how"], 0) for r in raised)
check(len(sets) == n_line, f"one kvm_set_irq per KVM_IRQ_LINE ({len(sets)}, want {n_line})")
queued = [a for _, _, e, a in lines if e == "kvm_booke_queue_irqprio" and "EXTERNAL_LEVEL" in a]
check(len(queued) >= len(raised), f"the MPIC raised the vCPU's external input: "
      f"{len(queued)} kvm_booke_queue_irqprio EXTERNAL_LEVEL (at least {len(raised)})")
check(by["kvm_exit"] >= g["mmio_exits"], f"kvm_exit traced ({by['kvm_exit']})")

# kvmirq's recording of the same run.
check(read("wait-rec.status").strip() == "0", "kvmirq record exited 0")
try:
    events = [json.loads(l) for l in subprocess.run(
        [kvmirq, "report", "--json", "--timeline", f"{out}/guest.kvmirq"], capture_output=True,
        text=True, check=True).stdout.splitlines()]
except (subprocess.CalledProcessError, ValueError, OSError) as e:
    events = []
    print(f"  kvmirq report: {e}")
events = [e for e in events if e.get("type") == "event"]
kinds = Counter(e.get("kind") for e in events)
check(kinds["ack_irq"] == len(acks) and kinds["set_irq"] == len(sets),
      f"kvmirq recorded {kinds['ack_irq']} ack_irq and {kinds['set_irq']} set_irq "
      f"(ftrace {len(acks)}, {len(sets)})")

# The guest's own MPIC accesses (mpic_mmio, kprobes): what its log says it did.
hdr = open("tests/vmm/mpicvmm_guest.h").read()
const = {k: int(v, 0) for k, v in re.findall(r"^#define (\w+) (0x[0-9a-f]+|\d+)\b", hdr, re.M)}
IACK, EOI, WHOAMI = const["MPIC_CPU0_IACK"], const["MPIC_CPU0_EOI"], const["MPIC_ALIAS_WHOAMI"]
msir_of = {const["VEC_MSI0"]: 0x1600, const["VEC_MSI1"]: 0x1610}
want_mmio = []
for r in regs:
    want_mmio += [(1, r["offset"], r["guest_wrote"]), (0, r["offset"], r["guest_read"])]
want_mmio.append((0, WHOAMI, g["whoami_alias"]))
msirs = iter(g["msirs"])
for v in g["acks"]:
    want_mmio.append((0, IACK, v))
    if v in msir_of:
        want_mmio.append((0, msir_of[v], next(msirs, None)))
    if v != const["GUEST_SPURIOUS"]:
        want_mmio.append((1, EOI, 0))


def num(v):
    return int(v, 16) if isinstance(v, str) and v.startswith("0x") else v


# the raw and decoded fields, numbers as numbers
mmio = [dict(e, **{k: num(v) for k, v in e.get("fields", {}).items() if k != "decoded"})
        for e in events if e.get("kind") == "mpic_mmio"]
got_mmio = [(e.get("write"), e.get("offset"), e.get("value")) for e in mmio]
first_bad = next((i for i, (a, b) in enumerate(zip(got_mmio, want_mmio)) if a != b), None)
check(got_mmio == want_mmio,
      f"kvmirq recorded the guest's {len(want_mmio)} MPIC accesses, access by access "
      f"({len(got_mmio)} recorded; first difference at {first_bad}: "
      f"{got_mmio[first_bad] if first_bad is not None and first_bad < len(got_mmio) else None} "
      f"want {want_mmio[first_bad] if first_bad is not None else None})")
check(mmio and all(e.get("result") == 0 and e.get("len") == 4 and e.get("vcpu_id") == 0
                   and e.get("vcpu") == 0 and e.get("vm") == 1 and e.get("tid") == main_tid
                   for e in mmio),
      "each access succeeded, 4 bytes, by vCPU 0 of VM 1 from the vCPU thread")
iacks = [e["value"] for e in mmio if e.get("offset") == IACK]
check(iacks == g["acks"], f"the IACK values recorded are the vectors the guest took ({[hex(v) for v in iacks]})")
names = {e.get("offset"): (e.get("register"), e.get("command")) for e in mmio}
check(names.get(IACK, (None,))[0] == "cpu_iack[0]" and names.get(IACK)[1]
      and names.get(EOI, (None,))[0] == "cpu_eoi[0]" and names.get(EOI)[1],
      f"the timeline names them in the MPIC's terms, as commands ({names.get(IACK)}, {names.get(EOI)})")


def shown(at):
    args = [kvmirq, "show", "--json"] + (["--at", at] if at else []) + [f"{out}/guest.kvmirq"]
    p = subprocess.run(args, capture_output=True, text=True)
    rows = [json.loads(l) for l in p.stdout.splitlines() if l.strip()] if p.returncode == 0 else []
    return next((r["fields"] for r in rows if r.get("chip") == "fsl-mpic"), {})


# Reconstructed right after the guest's last access, before the VMM's own reads.
at_guest = shown(f"@{mmio[-1]['ts_ns']}") if mmio else {}
at_end = shown(None)
written = sorted({e["register"] for e in mmio if e.get("write") and e.get("register")}
                 - {"cpu_eoi[0]"})
check(len(written) == len(regs), f"the guest wrote {len(written)} state registers ({len(regs)})")
bad, unknown, nknown = [], [], 0
for reg in written:
    for name, f in at_guest.items():
        if name != reg and not name.startswith(reg + "."):
            continue
        if f.get("value") is None:
            unknown.append(name)
            continue
        nknown += 1
        if f.get("value") != at_end.get(name, {}).get("value"):
            bad.append((name, f.get("value"), at_end.get(name, {}).get("value")))
check(nknown and not bad, f"the reconstruction after the guest's accesses: {nknown} fields of the "
      f"registers it wrote, each as the VMM's final GET_DEVICE_ATTR ({bad[:4]})")
check(all(n.rsplit(".", 1)[-1] in ("activity", "mode") for n in unknown),
      f"only the read-only bits unknown there ({len(unknown)}: {unknown[:4]})")
get_of = {r["offset"]: r["get_attr"] for r in regs}
check(all(at_end.get(f"src_ivpr[{r['source']}].vector", {}).get("value") == get_of[0x10000 + 0x20 * r["source"]] & 0xffff
          for r in raised), "the end state's IVPR vectors are the VMM's GET_DEVICE_ATTR values")

m = re.search(r"(\d+) events in ([\d.]+) s", read("rec.log"))
print("record: " + (m.group(0) if m else read("rec.log").strip()[-200:]))
sys.exit(rig.finish())
EOF
