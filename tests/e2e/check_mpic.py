#!/usr/bin/env python3
"""Check the e500 rig's MPIC run (tests/rig/e500/test-mpic-snapshot.sh).

Input: the directory run.sh filled for one MPIC version (--type 20 or 42): first.kvmsnap (VM A, programmed),
second.kvmsnap (VM B, restored from A's snapshot with one source's priority
left out), expect.json (what the test VMM programmed and what a GET must
return, plus the checks it made on the live VM).

Every expected register is split into fields with the bit layouts written
down here, independently of src/chips/mpic.c, and each field must be what
`kvmirq show --json` decoded; the expectations themselves must fit the
version as described here (MODELS); then `kvmirq diff A B` must exit 1 and name
exactly the left-out field (and nothing else but volatile fields).

Usage: check_mpic.py --kvmirq BIN [--type 20|42] DIR
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

# Bit layouts: (field, lowest bit, width). Registers without one are compared whole.
IVPR = [("vector", 0, 16), ("priority", 16, 4), ("sense", 22, 1), ("polarity", 23, 1),
        ("mode", 29, 1), ("activity", 30, 1), ("masked", 31, 1)]
SPECIAL_IVPR = [("vector", 0, 16), ("priority", 16, 4), ("activity", 30, 1), ("masked", 31, 1)]
IDR = [("dest", 0, 29), ("critical_cpu1", 29, 1), ("critical_cpu0", 30, 1), ("ep", 31, 1)]
LAYOUTS = {
    "brr1": [("minor", 0, 8), ("major", 8, 8), ("ip_id", 16, 16)],
    "frr": [("vid", 0, 8), ("ncpu", 8, 5), ("nirq", 16, 11)],
    "gcr": [("mode", 29, 2), ("reset", 31, 1)],
    "spvr": [("vector", 0, 16)],
    "tfrr": [("frequency", 0, 32)],
    "ipivpr": SPECIAL_IVPR,
    "gtbcr": [("base_count", 0, 31), ("count_inhibit", 31, 1)],
    "gtvpr": SPECIAL_IVPR,
    "gtdr": IDR,
    "gtccr": [("count", 0, 31), ("toggle", 31, 1)],
    "msisr": [("banks", 0, 8)],
    "src_ivpr": IVPR,
    "src_idr": IDR,
    "src_ilr": [("output", 0, 8)],
    "cpu_ctpr": [("priority", 0, 4)],
    "cpu_whoami": [("cpu", 0, 5)],
}
# The two versions with one CPU connected, as Linux 6.1's mpic_create sets
# them up: BRR1, the sources FRR counts, the GCR mode bits stored, the IDR
# bits kept (v2.0: EP, CPU 0's critical bit, CPU 0; v4.2: CPU 0), and
# whether ILR exists (v2.0 reads all ones; v4.2 keeps the low 8 bits).
MODELS = {
    20: {"brr1": 0x00400200, "sources": 80, "gcr_modes": 0x20000000,
         "idr_bits": 0xc0000001, "ilr": False},
    42: {"brr1": 0x00400402, "sources": 196, "gcr_modes": 0x60000000,
         "idr_bits": 0x00000001, "ilr": True},
}
# Registers a snapshot must never read: none of their values may appear.
NEVER_READ = ("cur_", "cpu_iack", "cpu_eoi", "cpu_ipidr", "msir[", "msiir")
# ILR holds 8 bits on v4.2; v2.0 answers all ones: compare the field only.
PARTIAL = {"src_ilr"}


def base_name(name):
    return re.sub(r"\[\d+\]$", "", name)


def show_json(kvmirq, path, check):
    p = subprocess.run([kvmirq, "show", "--json", path], capture_output=True, text=True)
    if not check(p.returncode == 0, f"kvmirq show --json {path}: exit {p.returncode}: {p.stderr.strip()}"):
        return None
    chips = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    mpics = [c for c in chips if c.get("chip") == "fsl-mpic"]
    check(len(chips) == 1 and len(mpics) == 1,
          f"{path}: {len(chips)} controllers, {len(mpics)} MPIC; want exactly one MPIC")
    return mpics[0] if mpics else None


def check_snapshot_whole(chip, path, check):
    fields = chip["fields"]
    unread = [n for n, v in fields.items() if v.get("value") is None]
    check(not unread, f"{path}: {len(unread)} values not read, e.g. {unread[:3]}")
    never = [n for n in fields if n.startswith(NEVER_READ)]
    check(not never, f"{path}: side-effect or write-only registers shown: {never[:5]}")
    # 1117 reads decode into this many values (base_addr, PIR, VIR and the
    # 256 irq_active are whole registers, the rest split into fields).
    check(len(fields) > 3000, f"{path}: only {len(fields)} values")


def check_expected(chip, expect, check):
    fields = chip["fields"]
    for name, raw in expect.items():
        layout = LAYOUTS.get(base_name(name))
        if layout is None:
            v = fields.get(name)
            check(v is not None and v.get("value") == raw,
                  f"{name}: shown {v and v.get('value')}, want {raw:#x}")
            continue
        covered = 0
        for field, lo, bits in layout:
            mask = (1 << bits) - 1
            covered |= mask << lo
            key = f"{name}.{field}"
            v = fields.get(key)
            want = (raw >> lo) & mask
            check(v is not None and v.get("value") == want,
                  f"{key}: shown {v and v.get('value')}, want {want} (register {raw:#010x})")
        if base_name(name) not in PARTIAL:
            check(raw & ~covered == 0, f"{name}: bits {raw & ~covered:#x} are in no field")


def check_live(e, check):
    caps = e.get("caps", {})
    check(caps.get("device_ctrl") == 1 and caps.get("irq_mpic") == 1, f"KVM capabilities {caps}")
    for snap in ("first.kvmsnap", "second.kvmsnap"):
        st = e.get(snap, {})
        check(st.get("reads") == 1117 and st.get("failed_reads") == 0,
              f"{snap}: {st.get('reads')} reads, {st.get('failed_reads')} failed; want 1117, 0")
        check(st.get("big_endian") is True, f"{snap}: not marked big-endian")
    q = e.get("timer_quirk", {})
    check(q.get("get_gtbcr_offset") == q.get("want_gtvpr") is not None,
          f"a GET at GTBCR's offset returned {q.get('get_gtbcr_offset')}, not GTVPR {q.get('want_gtvpr')}")
    check(q.get("get_gtccr_offset") == q.get("want_gtbcr") is not None,
          f"a GET at GTCCR's offset returned {q.get('get_gtccr_offset')}, not GTBCR {q.get('want_gtbcr')}")
    check(e.get("alias_ctpr") == 0xffffffff and e.get("alias_whoami") == 0xffffffff,
          f"current-CPU aliases from a VMM thread: CTPR {e.get('alias_ctpr')}, WHOAMI {e.get('alias_whoami')}")
    check(e.get("msisr_after") == 1, f"MSISR after the snapshot: {e.get('msisr_after')}")
    check(e.get("msir_after") == e.get("msir_want") is not None,
          f"MSIR0 after the snapshot: {e.get('msir_after')}, want {e.get('msir_want')} (did the snapshot clear it?)")
    check(e.get("msir_again") == 0, f"MSIR0 read twice: {e.get('msir_again')} (clear-on-read)")
    check(e.get("iack_after") == e.get("iack_want") is not None,
          f"IACK after the snapshot: {e.get('iack_after')}, want {e.get('iack_want')} (did the snapshot acknowledge?)")
    # Every register the VMM wrote has an expected read-back value (MSIIR is
    # write-only: its effect is the MSISR and MSIR checks above).
    expect = e.get("expect", {})
    unchecked = [n for n in e.get("programmed", {}) if n != "msiir" and n not in expect]
    check(e.get("programmed") and not unchecked, f"programmed but never checked: {unchecked}")
    raised = [f"irq_active[{n}]" for n in e.get("raised", {})]
    check(raised and all(expect.get(n) == 1 for n in raised), f"raised lines {raised} not expected active")
    m = e.get("migration", {})
    check(m.get("sets", 0) > 1000, f"migration: only {m.get('sets')} registers restored")


def check_model(e, mpic_type, check):
    """The VMM's expectations against the version's description."""
    check(e.get("mpic_type") == mpic_type, f"the VMM ran MPIC type {e.get('mpic_type')}, want {mpic_type}")
    m = MODELS[mpic_type]
    x, prog = e.get("expect", {}), e.get("programmed", {})
    wrote = {n: p.get("wrote") for n, p in prog.items()}
    check(x.get("brr1") == m["brr1"], f"BRR1 expected {x.get('brr1')}, the v{mpic_type} one is {m['brr1']:#x}")
    frr = x.get("frr", 0)
    check((frr >> 16) & 0x7ff == m["sources"] - 1 and (frr >> 8) & 0x1f == 0,
          f"FRR expected {frr:#x}: want {m['sources']} sources, one CPU")
    check(x.get("gcr") == wrote.get("gcr", 0) & m["gcr_modes"] != 0,
          f"GCR expected {x.get('gcr')}: wrote {wrote.get('gcr')}, v{mpic_type} keeps {m['gcr_modes']:#x}")
    idrs = {n: v for n, v in x.items() if base_name(n) == "src_idr"}
    bad = [n for n, v in idrs.items() if v != wrote.get(n, 0) & m["idr_bits"]]
    check(idrs and not bad, f"IDR expectations that v{mpic_type} would not keep: {bad}")
    ilrs = {n: v for n, v in x.items() if base_name(n) == "src_ilr"}
    want = {n: (wrote.get(n, 0) & 0xff if m["ilr"] else 0xffffffff) for n in ilrs}
    check(ilrs and ilrs == want, f"ILR expectations {ilrs}, want {want}")
    check(any(n in wrote for n in ilrs) and (not m["ilr"] or any(ilrs[n] for n in ilrs if n in wrote)),
          f"no ILR programmed with an output other than int ({[n for n in ilrs if n in wrote]})")


def check_diff(kvmirq, a, b, e, first, second, check):
    left_out = e["migration"]["left_out"]
    was = e["migration"]["left_out_was"]
    fa, fb = first["fields"].get(left_out, {}), second["fields"].get(left_out, {})
    check(fa.get("value") == was and fb.get("value") == 0,
          f"{left_out}: A {fa.get('value')}, B {fb.get('value')}; want {was}, 0")

    p = subprocess.run([kvmirq, "diff", a, b], capture_output=True, text=True)
    check(p.returncode == 1, f"kvmirq diff: exit {p.returncode}, want 1: {p.stderr.strip()}")
    check(left_out in p.stdout, f"kvmirq diff does not name {left_out}:\n{p.stdout}")

    p = subprocess.run([kvmirq, "diff", "--json", a, b], capture_output=True, text=True)
    check(p.returncode == 1, f"kvmirq diff --json: exit {p.returncode}, want 1")
    entries = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    totals = [x for x in entries if x.get("class") == "totals"]
    found = [x for x in entries if x.get("class") not in ("totals", "volatile")]
    names = [x.get("field") for x in found]
    check(names == [left_out], f"differences named: {names}; want exactly [{left_out}]")
    if found:
        check(found[0].get("class") == "changed" and found[0].get("a") == str(was) and
              found[0].get("b") == "0", f"the difference reads {found[0]}")
    volatile = [x.get("field") for x in entries if x.get("class") == "volatile"]
    not_volatile = [n for n in volatile if "volatile" not in first["fields"].get(n, {})]
    check(not not_volatile, f"listed as volatile but not flagged so: {not_volatile}")
    check(len(totals) == 1 and totals[0].get("changed") == 1 and totals[0].get("compared", 0) > 3000,
          f"diff totals {totals}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kvmirq", default="build/kvmirq")
    ap.add_argument("--type", type=int, choices=sorted(MODELS), default=20)
    ap.add_argument("dir")
    args = ap.parse_args()
    check = Checks()
    a, b = os.path.join(args.dir, "first.kvmsnap"), os.path.join(args.dir, "second.kvmsnap")
    try:
        e = json.load(open(os.path.join(args.dir, "expect.json")))
    except (OSError, ValueError) as err:
        check(False, f"expect.json: {err}")
        return check.finish()
    check_live(e, check)
    check_model(e, args.type, check)
    first, second = show_json(args.kvmirq, a, check), show_json(args.kvmirq, b, check)
    if first and second:
        check_snapshot_whole(first, a, check)
        check_snapshot_whole(second, b, check)
        check_expected(first, e["expect"], check)
        check_diff(args.kvmirq, a, b, e, first, second, check)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
