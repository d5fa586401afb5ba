#!/usr/bin/env python3
"""Check what tests/rig/x86/test-top-live.sh saw of kvmirq top on a live QEMU.

  check_top_live.py OUTDIR

Prints one line per failure and ends with "N passed, M failed".
"""
import json
import os
import re
import subprocess
import sys

from checks import Checks

check = Checks()


def read(out, name, default=""):
    try:
        with open(os.path.join(out, name)) as f:
            return f.read().strip()
    except OSError:
        return default


def main(out):
    qemu = int(read(out, "qemu.pid", "0"))
    check(read(out, "batch.rc") == "0", f"kvmirq top -b exited {read(out, 'batch.rc')}: {read(out, 'top.err')}")
    frames = []
    for line in read(out, "frames.jsonl").splitlines():
        try:
            frames.append(json.loads(line))
        except ValueError:
            check(False, f"not JSON: {line[:80]}")
    check(len(frames) == 6, f"{len(frames)} frames, expected 6")
    vms = [vm for f in frames for vm in f.get("vms", []) if vm.get("pid") == qemu]
    check(len(vms) >= 5, f"QEMU (pid {qemu}) in {len(vms)} frames")
    check(any(vm.get("name") == "live-guest" for vm in vms), "the VM is not named live-guest")
    rate = lambda vm, k: vm.get("rates", {}).get(k, vm.get(k + "_per_s", 0))
    for k in ("lines", "injections", "eois"):
        check(any(rate(vm, k) > 0 for vm in vms), f"the {k} rate never moved: {vms[-1] if vms else None}")
    lines = [l for f in frames for l in f.get("lines", [])]
    check(any(l.get("gsi") == 4 and l.get("total", 0) > 0 for l in lines), "GSI 4 (serial) not among the lines")

    check(read(out, "tui-vm") == "0", "the VM never appeared on the screen")
    # the VM's row (the title names the '/' filter too)
    row = [l for l in read(out, "screen-vms.txt").splitlines()
           if "live-guest" in l and re.match(r"\s*\d+\s+\d+\s", l)]
    numbers = [int(x) for x in re.findall(r"\s(\d+)(?=\s)", row[0])] if row else []
    # VM, PID, VCPU, then LINE/s MSI/s INJ/s EOI/s ...: some rate beyond the first three
    check(len(numbers) > 4 and any(n > 0 for n in numbers[3:8]),
          f"the VM's rates on the screen did not move: {row[0] if row else 'no row'}")
    check(read(out, "tui.rc") == "0", f"the screen exited {read(out, 'tui.rc', 'never')}")
    opened = read(out, "screen-vm-open.txt")
    check("controllers read" in opened and re.search(r"\[1\]\s+\S", opened),
          "opening the VM did not read its controllers by itself")
    shown = subprocess.run(["build/kvmirq", "show", "--json", os.path.join(out, "cli.kvmsnap")],
                           capture_output=True, text=True)
    vector = None
    for line in shown.stdout.splitlines():
        chip = json.loads(line)
        if chip.get("chip") == "x86-ioapic":
            vector = chip["fields"].get("redir[4].vector", {}).get("value")
    check(vector is not None and vector >= 0x20, f"no programmed IOAPIC entry for the serial port: {vector}")
    screen = read(out, "screen-ioapic.txt")
    check(re.search(r"IOAPIC|ioapic", screen) is not None, "the IOAPIC screen did not open")
    if vector is not None:
        check(f"0x{vector:x}" in screen or f"0x{vector:02x}" in screen,
              f"the IOAPIC screen does not show the serial port's vector 0x{vector:02x}")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
