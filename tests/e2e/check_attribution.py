#!/usr/bin/env python3
"""Checks the recordings made by tests/rig/x86/test-attribution.sh."""
import json
import os
import sys

from checks import Checks

out, n = sys.argv[1], int(sys.argv[2])
check = Checks()


check("injections:      attributed" in open(os.path.join(out, "probe.txt")).read(),
      "probe does not report the injection hooks attached under fentry")
for strategy in ("fentry", "syscall"):
    pid = int(open(os.path.join(out, strategy + ".vmm")).read().split()[0])
    evs = [e for e in map(json.loads, open(os.path.join(out, strategy + ".jsonl")))
           if e["type"] == "event"]
    vm = next((e["vm"] for e in evs if e.get("ioctl") == "KVM_CREATE_VM" and e["pid"] == pid), None)
    check(vm, f"{strategy}: no KVM_CREATE_VM from the VMM")
    # GSI 7 through the kworker: raised and lowered per signal
    kworker = [e for e in evs if e["kind"] == "set_irq" and e["fields"]["gsi"] == 7]
    msi = [e for e in evs if e["kind"] == "msi_set_irq" and e["fields"]["vector"] == 0x41]
    check(len(kworker) == 2 * n, f"{strategy}: {len(kworker)} set_irq on gsi 7, wanted {2 * n}")
    check(len(msi) == n, f"{strategy}: {len(msi)} MSIs to vector 0x41, wanted {n}")
    check(all(e["pid"] != pid and e["kernel_thread"] for e in kworker),
          f"{strategy}: gsi 7 injections not from a kernel thread")
    check(all(e["pid"] == pid and not e["kernel_thread"] for e in msi),
          f"{strategy}: MSI injections not in the VMM's write()")
    if strategy == "fentry":
        check(all(e["vm"] == vm and not e["unattributed"] for e in kworker + msi),
              "fentry: an injection not attributed to its VM")
    else:
        check(all(e["vm"] == 0 and e["unattributed"] for e in kworker + msi),
              "syscall: an injection attributed without the data to know it")
sys.exit(check.finish())
