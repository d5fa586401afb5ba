#!/usr/bin/env python3
"""Checks the recordings made by tests/rig/x86/test-filters.sh."""
import json
import os
import sys

from checks import Checks
from collections import Counter

out, n = sys.argv[1], int(sys.argv[2])
check = Checks()


def events(name):
    path = os.path.join(out, name + ".jsonl")
    if not os.path.exists(path):
        return []
    return [e for e in map(json.loads, open(path)) if e["type"] == "event"]


def gsis(evs):
    return Counter(e["fields"]["gsi"] for e in evs if e["kind"] == "set_irq")


pid = {c: int(open(os.path.join(out, c + ".pid")).read()) for c in ("vm", "pid", "kinds")}

# --vm PID:FD: the first VM's GSI 5 only, every event of that VM
evs = events("vm")
check(gsis(evs) == Counter({5: 2 * n}), f"--vm: set_irq by gsi {dict(gsis(evs))}")
check(all(e["vm"] == evs[0]["vm"] and not e["unattributed"] for e in evs) and evs,
      "--vm: events from another VM or none attributed")
check(sum(1 for e in evs if e.get("ioctl") == "KVM_IRQ_LINE") == 2 * n, "--vm: KVM_IRQ_LINE count")

# -p PID: both VMs of the process, nothing from the other process
evs = events("pid")
check(gsis(evs) == Counter({5: 2 * n, 6: 2 * n}), f"-p: set_irq by gsi {dict(gsis(evs))}")
check(all(e["pid"] == pid["pid"] for e in evs), "-p: an event of another process")
check(len({e["vm"] for e in evs if e["vm"]}) == 2, "-p: not both VMs")

# -e set_irq,ioctl:irq_line: only those kinds, all of them
evs = events("kinds")
kinds = Counter(e["kind"] if e["kind"] != "ioctl" else e["ioctl"] for e in evs
                if e["pid"] == pid["kinds"])
check(set(kinds) == {"set_irq", "KVM_IRQ_LINE"}, f"-e: kinds {dict(kinds)}")
check(kinds["set_irq"] == 4 * n and kinds["KVM_IRQ_LINE"] == 4 * n, f"-e: counts {dict(kinds)}")
sys.exit(check.finish())
