#!/usr/bin/env bash
# kvmirq check's MPIC rules on real KVM (e500v2 rig), against the MPIC test
# VMM breaking each on purpose and behaving, recorded by kvmirq in the rig:
#  - `mpicvmm --break command-as-state`: a "save" that reads CPU 0's IACK
#    among the registers: command-as-state, an error naming the IACK read,
#    and one for the MSI its setup raises through MSIIR among its writes;
#  - `mpicvmm --guest --break state-set-while-running`: a source's IVPR set
#    (and the base address, which is allowed) from a second thread while
#    the vCPU is in KVM_RUN: exactly one state-set-while-running, naming
#    the IVPR, none for the base address;
#  - `mpicvmm --guest`: the same guest, well behaved: neither rule;
#  - `mpicvmm --break restore-audit`: VM A let run (KVM_RUN with
#    immediate_exit), saved, VM B restored without source 7's IVPR and let
#    run: one restore-audit error naming it (read-only and volatile
#    registers are not a restore's to write).
# Each recording is checked here, on the x86 host (recordings decode the
# same on any host). A rig that cannot be built or booted fails.
#
# Environment: KVMIRQ_BUILD  the build directory of the host tool (default build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
. tests/rig/common/testlib.sh
rig_test_setup e500 check
cat >"$out/commands" <<'COMMANDS'
start rec1 /bin/kvmirq record -o /tmp/command.kvmirq
await rec1 300 recording to
run /bin/mpicvmm --break command-as-state
signal rec1 2
wait rec1
start rec2 /bin/kvmirq record -o /tmp/running.kvmirq
await rec2 300 recording to
run /bin/mpicvmm --guest --break state-set-while-running
signal rec2 2
wait rec2
start rec3 /bin/kvmirq record -o /tmp/clean.kvmirq
await rec3 300 recording to
run /bin/mpicvmm --guest
signal rec3 2
wait rec3
start rec4 /bin/kvmirq record -o /tmp/restore.kvmirq
await rec4 300 recording to
run /bin/mpicvmm --break restore-audit
signal rec4 2
wait rec4
file /tmp/command.kvmirq
file /tmp/running.kvmirq
file /tmp/clean.kvmirq
file /tmp/restore.kvmirq
COMMANDS
rig_boot e500 900

python3 - "$out" "$build/kvmirq" <<'EOF2'
import json, subprocess, sys

out, kvmirq = sys.argv[1], sys.argv[2]
sys.path.insert(0, "tests/e2e")
from rig_outputs import RigOutputs  # noqa: E402

rig = RigOutputs(out)
check, read = rig.check, rig.read
check(rig.kernel_trouble() is None, f"no kernel oops or BUG ({rig.kernel_trouble()})")
for n, name in ((2, "--break command-as-state"), (7, "--guest --break state-set-while-running"),
                (12, "--guest"), (17, "--break restore-audit")):
    log = read(f"run-{n}.log")
    for line in log.splitlines():
        if line.startswith("mpicvmm:"):
            print("  " + line)
    check(read(f"run-{n}.status").strip() == "0", f"mpicvmm {name} exited 0")
for rec in ("rec1", "rec2", "rec3", "rec4"):
    check(read(f"wait-{rec}.status").strip() == "0", f"kvmirq record ({rec}) exited 0")


def findings(name):
    """kvmirq check --json of the recording NAME: (exit status, findings)."""
    p = subprocess.run([kvmirq, "check", "--json", f"{out}/{name}"], capture_output=True,
                       text=True)
    if p.stderr:
        print(p.stderr.rstrip())
    got = []
    for line in p.stdout.splitlines():
        try:
            got.append(json.loads(line))
        except ValueError:
            check(False, f"check --json gave a JSON line: {line!r}")
    for f in got:
        if f["severity"] != "info":
            print(f"  {name}: {f['severity']}: {f['rule']}: {f['message'][:150]}")
    return p.returncode, got


def of(got, rule, severity="error"):
    return [f for f in got if f["rule"] == rule and f["severity"] == severity]


status, got = findings("command.kvmirq")
bad = of(got, "command-as-state")
check(status == 1, f"check exits 1 on the command-as-state run ({status})")
# the IACK read amid the save, and the MSI that mpicvmm's setup raises
# through MSIIR amid its register writes (a restore-like sequence)
check(sorted(f["message"].split(" during")[0] for f in bad) ==
      ["KVM_GET_DEVICE_ATTR of cpu_iack[0] (iack)", "KVM_SET_DEVICE_ATTR of msiir (msi)"],
      f"two command-as-state errors: the IACK read and the MSIIR write ({len(bad)})")
check(not of(got, "state-set-while-running"), "no state-set-while-running: no vCPU ran")
check(not [f for f in got if f["rule"] in ("state-set-while-running", "command-as-state",
                                            "restore-audit") and f["severity"] == "info"],
      "the recording decides the state rules (no 'cannot be decided')")

status, got = findings("running.kvmirq")
bad = of(got, "state-set-while-running")
check(len(bad) == 1 and "src_ivpr[4]" in bad[0]["message"],
      f"one state-set-while-running error, source 4's IVPR ({[f['message'][:60] for f in bad]})")
check(not any("base" in f["message"] for f in bad),
      "the base address moved at run time is not a finding")
check(not of(got, "command-as-state"), "the guest's own IACKs and EOIs are not command-as-state")

status, got = findings("clean.kvmirq")
for rule in ("state-set-while-running", "command-as-state", "restore-audit"):
    check(not [f for f in got if f["rule"] == rule], f"the well-behaved guest run: no {rule}")
status, got = findings("restore.kvmirq")
bad = of(got, "restore-audit")
check(len(bad) == 1 and "src_ivpr[7]" in bad[0]["message"] and "1 of the" in bad[0]["message"],
      f"one restore-audit error: VM B ran without source 7's IVPR ({[f['message'][:90] for f in bad]})")
check(not of(got, "restore-audit", "warning"), "no register restored twice")
check(not of(got, "state-set-while-running"), "no state set while a vCPU ran")
sys.exit(rig.finish())
EOF2
