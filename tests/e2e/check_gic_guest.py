#!/usr/bin/env python3
"""The checks of tests/rig/arm64/test-gic-guest.sh on the outputs of one boot
of the arm64 rig (run.sh --out DIR) and the recording decoded here
(DIR/report.jsonl: kvmirq report --json --timeline; DIR/report.txt: the text
timeline): gicguest's own report against an independent reading of what it
raised, the ftrace buffer against the recording tracepoint by tracepoint
(kvm_irq_line, vgic_update_irq_pending, kvm_set_irq, kvm_ack_irq,
kvm_timer_update_irq)
(counts, and the fields of each event), and the recording's decoding of
the VMM's interrupt ioctls: ARM lines, the ITS MSI with its device id, the
MSI route and the irqfd on it.

usage: check_gic_guest.py DIR
Prints one line per check and "N passed, M failed"."""
import json
import re
import sys
from collections import Counter

sys.path.insert(0, "tests/e2e")
from rig_outputs import RigOutputs  # noqa: E402

RUN_VMM = 7  # the command file's gicguest line
# ftrace's event for each kind kvmirq records on arm64, and the fields of
# each in a comparable form: (ftrace's pattern, the recording's fields).
TRACEPOINTS = {
    "kvm_irq_line": ("irq_line", r"\((\d+)\), vcpu->idx: (\d+), num: (\d+), level: (\d+)",
                     ("type", "vcpu_idx", "irq_num", "level")),
    "vgic_update_irq_pending": ("vgic_update_irq_pending", r"VCPU: (\d+), IRQ (\d+), level: (\d+)",
                                ("vcpu_id", "irq", "level")),
    "kvm_set_irq": ("set_irq", r"gsi (\d+) level (\d+) source (\d+)",
                    ("gsi", "level", "irq_source_id")),
    "kvm_ack_irq": ("ack_irq", r"irqchip \S+ pin (\d+)", ("pin",)),
    "kvm_timer_update_irq": ("timer_update_irq", r"VCPU: (\d+), IRQ (\d+), level (\d+)",
                             ("vcpu_id", "irq", "level")),
}

out = sys.argv[1]
rig = RigOutputs(out)
check, read = rig.check, rig.read

check(rig.kernel_trouble() is None, f"no kernel oops or BUG ({rig.kernel_trouble()})")
log = read(f"run-{RUN_VMM}.log")
for line in log.splitlines():
    if line.startswith("gicguest:"):
        print("  " + line)
check(read(f"run-{RUN_VMM}.status").strip() == "0", "gicguest exited 0 (its own checks passed)")
m = re.search(r"^KVMIRQ-GUEST (\{.*\})$", log, re.M)
try:
    g = json.loads(m.group(1)) if m else {}
except ValueError:
    g = {}
if not check(g, "gicguest's KVMIRQ-GUEST report"):
    sys.exit(rig.finish())
print(f"INFO guest: {g['seconds']} s in KVM_RUN, {g['kvm_runs']} KVM_RUN calls, "
      f"{g['mmio_exits']} MMIO exits")

# The report against what the VMM raised: the level SPI first (its priority
# is higher), the edge, the timer's PPI, the MSI's LPI, the irqfd's.
spi_edge, spi_level = g["spis"]
msi, irqfd = g["msi"], g["irqfd"]
want = [spi_level, spi_edge, g["timer_ppi"], msi["lpi"], irqfd["lpi"]]
check(g["ok"] and g["failures"] == 0 and not g["fatal"] and not g["watchdog"],
      "the guest ran to its end without an unexpected exception")
check(g["acks"] == want, f"INTIDs acknowledged in order {g['acks']} (want {want})")
check(g["eois"] == want, f"an EOI after each ({g['eois']})")
check(g["lowered"] == [spi_level], f"the level SPI lowered on the guest's request ({g['lowered']})")
check(msi["ret"] == 1 and irqfd["written"], f"KVM_SIGNAL_MSI delivered ({msi['ret']}), irqfd written")
check(g["readbacks"][-1] == 1023, f"nothing pending at the end: ICC_IAR1_EL1 {g['readbacks'][-1]}")

# ftrace's buffer: each event with its task, in order.
trace = read("trace")
ev = re.compile(r"^\s*(.+?)-(\d+)\s+\[\d+\]\s+\S+\s+[\d.]+: (\w+): (.*)$")
traced = [m.groups() for m in map(ev.match, trace.splitlines()) if m]
by = Counter(e for _, _, e, _ in traced)
print(f"INFO ftrace: {dict(by)}")
check(read("wait-rec.status").strip() == "0", "kvmirq record exited 0 after SIGINT")
events = [json.loads(l) for l in read("report.jsonl").splitlines() if l.strip()]
header = next((e for e in events if e.get("type") == "recording"), {})
events = [e for e in events if e.get("type") == "event" and not e.get("key_frame")]
kinds = Counter(e["kind"] for e in events)
check(header.get("dropped") == 0, f"the recording dropped nothing ({header.get('dropped')})")

# Tracepoint by tracepoint: as many events as ftrace saw, with the same fields.
for tp, (kind, pattern, names) in TRACEPOINTS.items():
    ftrace_fields = Counter(tuple(int(x) for x in re.search(pattern, a).groups())
                            for _, _, e, a in traced if e == tp and re.search(pattern, a))
    rec_fields = Counter(tuple(e["fields"][n] for n in names)
                         for e in events if e["kind"] == kind)
    check(kinds[kind] == by[tp] and sum(ftrace_fields.values()) == by[tp],
          f"{tp}: {kinds[kind]} recorded, {by[tp]} in ftrace")
    check(rec_fields == ftrace_fields,
          f"{tp}: the same {', '.join(names)} in each ({sorted(rec_fields - ftrace_fields)[:3]} "
          f"recorded only, {sorted(ftrace_fields - rec_fields)[:3]} traced only)")
# kvm_irq_line comes from the VMM's thread: the same order too.
lines_traced = [tuple(int(x) for x in re.search(TRACEPOINTS["kvm_irq_line"][1], a).groups())
                for _, _, e, a in traced if e == "kvm_irq_line"]
lines_rec = [tuple(e["fields"][n] for n in TRACEPOINTS["kvm_irq_line"][2])
             for e in events if e["kind"] == "irq_line"]
want_lines = [(1, 0, spi_edge, 1), (1, 0, spi_edge, 0), (1, 0, spi_level, 1), (1, 0, spi_level, 0)]
check(lines_traced == lines_rec == want_lines,
      f"kvm_irq_line: SPI {spi_edge} up and down, SPI {spi_level} up, then down, in order")
# The timer raised PPI 27, and the VGIC's pending update followed.
timers = [e["fields"] for e in events if e["kind"] == "timer_update_irq"]
check(any(f["irq"] == g["timer_ppi"] and f["level"] == 1 and f.get("line") ==
          f"PPI {g['timer_ppi']} on vCPU 0" for f in timers),
      f"recorded: kvm_timer_update_irq raised PPI {g['timer_ppi']} on vCPU 0")
pend = [e["fields"] for e in events if e["kind"] == "vgic_update_irq_pending"]
check(any(f["irq"] == g["timer_ppi"] and f["level"] == 1 and f.get("line") ==
          f"PPI {g['timer_ppi']} on vCPU 0" for f in pend),
      f"recorded: vgic_update_irq_pending of PPI {g['timer_ppi']} on vCPU 0 raised")
acks = [e["fields"] for e in events if e["kind"] == "ack_irq"]
check([(a["pin"], a.get("line")) for a in acks] == [(spi_level - 32, f"SPI {spi_level}")],
      f"one ack_irq, the level SPI's pin {spi_level - 32} named SPI {spi_level}, at its EOI ({acks})")
sets = [e["fields"] for e in events if e["kind"] == "set_irq"]
check(all(s["gsi"] == irqfd["gsi"] for s in sets),
      f"each set_irq is the irqfd's GSI {irqfd['gsi']} ({[s['gsi'] for s in sets]})")

# The VMM's interrupt ioctls, decoded as arm64 has them.
pid = next((e["pid"] for e in events if e["kind"] == "ioctl"), -1)
ioctls = [e for e in events if e["kind"] == "ioctl"]
check(all(e["pid"] == pid for e in ioctls), f"every ioctl from gicguest (pid {pid})")
line_ioctls = [e for e in ioctls if e["ioctl"] == "KVM_IRQ_LINE"]
check([(e["fields"].get("line"), e["fields"].get("level"), e["ret"]) for e in line_ioctls] ==
      [(f"SPI {n}", lv, 0) for _, _, n, lv in want_lines],
      "KVM_IRQ_LINE x4 decoded as the ARM lines SPI 40, SPI 41 with their levels")
check([e["fields"].get("line") for e in events if e["kind"] == "irq_line"] ==
      [f"SPI {n}" for _, _, n, _ in want_lines], "the kvm_irq_line events named SPI 40, SPI 41")
msis = [e for e in ioctls if e["ioctl"] == "KVM_SIGNAL_MSI"]
f = msis[0]["fields"] if len(msis) == 1 else {}
check(len(msis) == 1 and msis[0]["ret"] == 1 and f.get("device") == msi["devid"]
      and f.get("event") == msi["event"] and f.get("flags") == "0x1"
      and int(f.get("address_lo", "0"), 16) == msi["doorbell"],
      f"KVM_SIGNAL_MSI decoded as the ITS MSI of device {msi['devid']} event {msi['event']} "
      f"to GITS_TRANSLATER, delivered ({f})")
routes = [e for e in ioctls if e["ioctl"] == "KVM_SET_GSI_ROUTING"]
entries = routes[0]["fields"].get("entries", []) if len(routes) == 1 else []
check(len(entries) == 1 and entries[0].get("gsi") == irqfd["gsi"] and entries[0].get("type") == "msi"
      and entries[0].get("devid") == irqfd["devid"] and entries[0].get("flags") == "0x1"
      and int(entries[0].get("data", "0"), 16) == irqfd["event"],
      f"the routing table: GSI {irqfd['gsi']} an MSI with device id {irqfd['devid']} ({entries})")
irqfds = [e for e in ioctls if e["ioctl"] == "KVM_IRQFD"]
check(len(irqfds) == 1 and irqfds[0]["fields"].get("gsi") == irqfd["gsi"]
      and irqfds[0]["fields"].get("op") == "assign" and irqfds[0]["ret"] == 0,
      f"KVM_IRQFD assigned on GSI {irqfd['gsi']}")
text = read("report.txt")
check(f"device={msi['devid']} event={msi['event']} = 1" in text and "line=SPI 41 level=0" in text,
      "the text timeline names the MSI's device and event and the SPI lines")

m = re.search(r"(\d+) events in ([\d.]+) s", read("rec.log"))
print("INFO record: " + (m.group(0) if m else read("rec.log").strip()[-200:]))
sys.exit(rig.finish())
