#!/usr/bin/env python3
"""Compare the test VMM's own log of the ioctls it made with what kvmirq
recorded: the recorded ioctls of that process must be exactly the logged
ones that kvmirq records, in order, with the same fd, command, return value,
errno, thread, input payload and output payload.

usage: compare_ioctls.py VMM_LOG.jsonl REPORT_TIMELINE.jsonl [--strategy NAME]
Prints one line per mismatch and "N passed, M failed"."""
import json
import sys

from checks import Checks
from kvm_surface import RECORDED


def expected_payloads(e):
    """What kvmirq is specified to capture for a logged ioctl: (in, out)."""
    name, vin, vout = e["ioctl"], e.get("in", ""), e.get("out", "")
    if name == "KVM_SET_DEVICE_ATTR":
        # the attr struct, then the value at addr (kvmirq reads 8 bytes;
        # the VMM logs the width it wrote, a prefix of those 8)
        return vin, "", e.get("value", "")
    if name == "KVM_GET_IRQCHIP":
        return vin[:16], vout, None  # chip_id and pad are the real input
    return vin, vout, None


def main():
    log_path, rec_path = sys.argv[1], sys.argv[2]
    strategy = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--strategy" else None
    logged = [json.loads(l) for l in open(log_path) if l.strip()]
    pid = logged[0]["pid"]
    want = [e for e in logged if e["ioctl"] in RECORDED]
    got = [r for r in (json.loads(l) for l in open(rec_path) if l.strip())
           if r.get("type") == "event" and r.get("kind") == "ioctl" and r["pid"] == pid
           and not r.get("key_frame")]  # kvmirq's own reads, not the VMM's
    check = Checks("MISMATCH")

    check(len(got) == len(want), f"count: recorded {len(got)} ioctls, VMM made {len(want)}")
    for i, (w, g) in enumerate(zip(want, got)):
        where = f"#{i} seq {w['seq']} {w['ioctl']}"
        check(g["ioctl"] == w["ioctl"], f"{where}: recorded {g['ioctl']}")
        if g["ioctl"] != w["ioctl"]:
            break  # the rest would only repeat the same misalignment
        check(int(g["cmd"], 16) == int(w["cmd"], 16), f"{where}: cmd {g['cmd']} != {w['cmd']}")
        check(g["fd"] == w["fd"], f"{where}: fd {g['fd']} != {w['fd']}")
        check(g["fd_kind"] == w["fd_kind"], f"{where}: fd kind {g['fd_kind']} != {w['fd_kind']}")
        check(g["ret"] == w["ret"], f"{where}: ret {g['ret']} != {w['ret']}")
        check(g["errno"] == w["errno"], f"{where}: errno {g['errno']} != {w['errno']}")
        check(g["tid"] == w["tid"], f"{where}: tid {g['tid']} != {w['tid']}")
        check(int(g["arg"], 16) == int(w.get("arg", "0"), 16),
              f"{where}: arg {g['arg']} != {w.get('arg')}")
        check(g["payload_complete"], f"{where}: payload incomplete")
        if strategy:
            check(g["strategy"] == strategy, f"{where}: strategy {g['strategy']}")
        vin, vout, value = expected_payloads(w)
        if value is not None:
            check(g["in"][:48] == vin, f"{where}: attr {g['in'][:48]} != {vin}")
            check(g["in"][48:48 + len(value)] == value,
                  f"{where}: value {g['in'][48:]} != {value}")
        else:
            check(g["in"] == vin, f"{where}: in {g['in'][:80]}... != {vin[:80]}...")
        if w["ioctl"] == "KVM_GET_DEVICE_ATTR" and vout:
            check(g["out"][:len(vout)] == vout, f"{where}: value {g['out']} != {vout}")
        else:
            check(g["out"] == vout, f"{where}: out {g['out'][:80]}... != {vout[:80]}...")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
