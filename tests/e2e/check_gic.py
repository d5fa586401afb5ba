#!/usr/bin/env python3
"""Check the arm64 rig's VGICv3/ITS run (tests/rig/arm64/test-gic-snapshot.sh).

Input: the directory run.sh filled: first.kvmsnap (VM A, programmed),
second.kvmsnap (VM B, restored from A's snapshot file), expect.json (gicvmm's
KVMIRQ-EXPECT: every register written, the value, and what a GET must
return).

Every expected register is split into fields with the bit layouts written
down here, from the GICv3 architecture and Linux 6.1's vgic, independently
of src/chips/gicv3_*.c, and each field must be what `kvmirq show --json`
decoded for that controller instance; then `kvmirq diff A B` must exit 0:
the migration kept every field.

Usage: check_gic.py --kvmirq BIN DIR
Prints "N passed, M failed"; exit status 1 on any failure.
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402

# Whole-register layouts: (field, lowest bit, width).
DIST_CTLR = [("enable_grp0", 0, 1), ("enable_grp1", 1, 1), ("are", 4, 1), ("ds", 6, 1),
             ("nassgireq", 8, 1), ("rwp", 31, 1)]
IROUTER = [("aff0", 0, 8), ("aff1", 8, 8), ("aff2", 16, 8), ("irm", 31, 1)]
PROPBASER = [("id_bits", 0, 5), ("inner_cache", 7, 3), ("shareability", 10, 2),
             ("pa_low", 12, 20)]
PENDBASER = [("inner_cache", 7, 3), ("shareability", 10, 2), ("pa_low", 16, 16)]
ICC_CTLR = [("cbpr", 0, 1), ("eoimode", 1, 1), ("pmhe", 6, 1), ("pri_bits", 8, 3),
            ("id_bits", 11, 3), ("seis", 14, 1), ("a3v", 15, 1), ("rss", 18, 1),
            ("extrange", 19, 1)]
ITS_CTLR = [("enabled", 0, 1), ("quiescent", 31, 1)]
CBASER = [("size", 0, 8), ("shareability", 10, 2), ("pa", 12, 40), ("outer_cache", 53, 3),
          ("inner_cache", 59, 3), ("valid", 63, 1)]
QUEUE_OFFSET = [("offset", 5, 15)]
ITS_BASER = [("size", 0, 8), ("page_size", 8, 2), ("shareability", 10, 2), ("pa", 12, 36),
             ("entry_size", 48, 5), ("outer_cache", 53, 3), ("type", 56, 3),
             ("inner_cache", 59, 3), ("indirect", 62, 1), ("valid", 63, 1)]
LAYOUTS = {
    ("arm-gicv3-dist", "ctlr"): DIST_CTLR,
    ("arm-gicv3-dist", "irouter"): IROUTER,
    ("arm-gicv3-dist", "irouter_hi"): [("aff3", 0, 8)],
    ("arm-gicv3-redist", "propbaser"): PROPBASER,
    ("arm-gicv3-redist", "pendbaser"): PENDBASER,
    ("arm-gicv3-cpu", "pmr"): [("priority", 0, 8)],
    ("arm-gicv3-cpu", "bpr0"): [("binary_point", 0, 3)],
    ("arm-gicv3-cpu", "bpr1"): [("binary_point", 0, 3)],
    ("arm-gicv3-cpu", "igrpen0"): [("enable", 0, 1)],
    ("arm-gicv3-cpu", "igrpen1"): [("enable", 0, 1)],
    ("arm-gicv3-cpu", "ctlr"): ICC_CTLR,
    ("arm-gicv3-its", "ctlr"): ITS_CTLR,
    ("arm-gicv3-its", "cbaser"): CBASER,
    ("arm-gicv3-its", "cwriter"): QUEUE_OFFSET + [("retry", 0, 1)],
    ("arm-gicv3-its", "creadr"): QUEUE_OFFSET + [("stalled", 0, 1)],
    ("arm-gicv3-its", "baser"): ITS_BASER,
}
# Per-interrupt registers: bits per INTID, the field's INTIDs per element, the
# first INTID of element 0. Shown as REG[E].<class><intid> (no [E] for the
# redistributor's one-word registers).
PER_IRQ = {
    "igroupr": 1, "isenabler": 1, "ispendr": 1, "isactiver": 1, "igrpmodr": 1,
    "ipriorityr": 8, "icfgr": 2,
    "igroupr0": 1, "isenabler0": 1, "ispendr0": 1, "isactiver0": 1,
}


def label(intid):
    return "sgi" if intid < 16 else "ppi" if intid < 32 else "spi" if intid < 1020 else "special"


def show_json(kvmirq, path, check):
    p = subprocess.run([kvmirq, "show", "--json", path], capture_output=True, text=True)
    if not check(p.returncode == 0, f"kvmirq show --json {path}: exit {p.returncode}: {p.stderr.strip()}"):
        return {}
    chips = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    return {(c.get("chip"), c.get("index")): c for c in chips}


def expected_fields(chip, name, raw):
    """(field name as show names it, value) for every field of register NAME = RAW."""
    m = re.match(r"^(\w+?)(?:\[(\d+)\])?$", name)
    reg, elem = m.group(1), m.group(2)
    if reg in PER_IRQ:
        bits = PER_IRQ[reg]
        per = 32 // bits
        first = int(elem or 0) * per
        for i in range(per):
            intid = first + i
            yield f"{name}.{label(intid)}{intid}", (raw >> (i * bits)) & ((1 << bits) - 1)
        return
    for field, lo, width in LAYOUTS[(chip, reg)]:
        yield f"{name}.{field}", (raw >> lo) & ((1 << width) - 1)


def covered(chip, name, raw):
    reg = re.sub(r"\[\d+\]$", "", name)
    if reg in PER_IRQ:
        return 0
    mask = 0
    for _, lo, width in LAYOUTS[(chip, reg)]:
        mask |= ((1 << width) - 1) << lo
    return raw & ~mask


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kvmirq", required=True)
    ap.add_argument("dir")
    args = ap.parse_args()
    checks = Checks()
    check = checks
    out = args.dir
    try:
        e = json.load(open(f"{out}/expect.json"))
    except (OSError, ValueError) as ex:
        check(False, f"{out}/expect.json: {ex}")
        return checks.finish()

    check(e.get("own_reads_wrong") == 0,
          f"gicvmm's own GETs after programming: {e.get('own_reads_wrong')} wrong")
    for snap in ("first.kvmsnap", "second.kvmsnap"):
        st = e.get(snap, {})
        # 2 vCPUs: distributor, ITS, 2 redistributors, 2 CPU interfaces.
        # AP0R1..3 and AP1R1..3 of each vCPU answer EINVAL, not counted as
        # failures: a host with 5 priority bits has one active-priority
        # register per group (CHIP_HOST_MAY_LACK). The
        # distributor is read up to NR_IRQS 128 (GICD_TYPER): 256 of 2459.
        check(st.get("chips") == 6 and st.get("failed_reads") == 0 and st.get("reads", 0) > 300,
              f"{snap}: {st}; want 6 controllers, no failed reads (AP<n>R1..3 are absent)")
    m = e.get("migration", {})
    check(m.get("sets", 0) > 300, f"migration: only {m.get('sets')} registers restored")
    check(e.get("saved_collection_terminator") == 0,
          f"SAVE_TABLES wrote the collection table's terminator: {e.get('saved_collection_terminator')}")

    chips = show_json(args.kvmirq, f"{out}/first.kvmsnap", check)
    check(len(chips) == 6, f"first.kvmsnap shows {len(chips)} controllers, want 6: {sorted(chips)}")
    expect = e.get("expect", [])
    check(len(expect) > 30, f"only {len(expect)} registers expected")
    for x in expect:
        chip, index, name, want = x["chip"], x["index"], x["reg"], x["want"]
        fields = chips.get((chip, index), {}).get("fields", {})
        stray = covered(chip, name, want)
        check(stray == 0, f"{chip} {index} {name}: bits {stray:#x} of {want:#x} are in no field")
        for key, value in expected_fields(chip, name, want):
            v = fields.get(key)
            check(v is not None and v.get("value") == value,
                  f"{chip} {index} {key}: shown {v and v.get('value')}, want {value} "
                  f"(register {want:#x}: {x['why']})")
    past = "past the chip's interrupts"
    unread = [(k, n) for k, c in chips.items() for n, v in c.get("fields", {}).items()
              if v.get("value") is None and not re.match(r"^ap[01]r\[[123]\]$", n)
              and v.get("error") != past]
    check(not unread, f"values not read besides AP<n>R1..3 and past NR_IRQS: {unread[:5]}")
    # Left unread past NR_IRQS 128: SPIs 128 on, never one below.
    dist = chips.get(("arm-gicv3-dist", 0), {}).get("fields", {})
    past_spis = [int(m.group(1)) for n, v in dist.items() if v.get("error") == past
                 for m in [re.search(r"\.spi(\d+)$", n)] if m]
    check(past_spis and min(past_spis) == 128,
          f"the distributor's values past NR_IRQS 128: from SPI {min(past_spis, default=None)}")

    # The migration: B restored from A's snapshot file equals A in every field.
    p = subprocess.run([args.kvmirq, "diff", "--json", f"{out}/first.kvmsnap", f"{out}/second.kvmsnap"],
                       capture_output=True, text=True)
    lines = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    totals = [t for t in lines if t.get("class") == "totals"]
    diffs = [d for d in lines if d.get("class") != "totals"]
    t = totals[0] if totals else {}
    check(p.returncode == 0 and not diffs,
          f"kvmirq diff first second exits 0 with no difference ({p.returncode}; {diffs[:5]}; "
          f"{p.stderr.strip()[:200]})")
    check(t.get("compared", 0) > 10000, f"kvmirq diff compared {t.get('compared')} fields")
    # The lines gicvmm left high in A (SPI 41, vCPU 1's PPI 24) are in both
    # snapshots' LEVEL_INFO reads, and so carried into B.
    b = show_json(args.kvmirq, f"{out}/second.kvmsnap", check)
    for name, snap in (("A", chips), ("B", b)):
        spi41 = snap.get(("arm-gicv3-dist", 0), {}).get("fields", {}).get("line_level[0].spi41", {})
        ppi24 = snap.get(("arm-gicv3-redist", 1), {}).get("fields", {}).get("line_level0.ppi24", {})
        check(spi41.get("value") == 1 and ppi24.get("value") == 1,
              f"VM {name}: SPI 41 and vCPU 1's PPI 24 are high (LEVEL_INFO: {spi41}, {ppi24})")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
