#!/usr/bin/env bash
# kvmirq snapshot --pid of a VMM whose guest is taking interrupts (e500v2
# rig): mpicvmm --guest-loop runs its guest (mpicvmm_guest.S) under
# KVM_RUN while a VMM thread raises an edge every 10 ms, the guest
# acknowledging each by IACK and EOI. Between two SIGUSR1 marks, 50
# `kvmirq snapshot --pid` in a row: each exits 0 with 1117 reads, none
# failed; the guest's acknowledgements grew across them and again after
# them; every one was the raised vector with its EOI; the last snapshot
# holds what the guest programmed by MMIO; the VMM, ended by SIGTERM,
# exits 0. Each snapshot's ptrace stop interrupts the vCPU thread's
# KVM_RUN (EINTR, the VMM enters again): counted and printed, with the
# VMM's stop time per snapshot. Then the same with an MPIC 4.2, fewer in a
# row. A rig that cannot be built or booted fails.
#
# Environment: KVMIRQ_BUILD  the build directory of the host tool (default build)
#              KVMIRQ_E500_GUEST_LOOP  snapshots in a row (default 50)
#              KVMIRQ_E500_GUEST_LOOP42  the same on the MPIC 4.2 (default 10)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
loop=${KVMIRQ_E500_GUEST_LOOP:-50}
loop42=${KVMIRQ_E500_GUEST_LOOP42:-10}


. tests/rig/common/testlib.sh
rig_test_setup e500 guest-loop
# One VMM of MPIC TYPE at a time, its files and job named with SUFFIX.
loop_commands() {
	local type=$1 sfx=$2 n=$3 i
	echo "start guest$sfx /bin/mpicvmm --type $type --guest-loop 600 /tmp"
	echo "await guest$sfx 120 mpicvmm: guest-loop: taking interrupts"
	echo "signal guest$sfx 10"
	echo "await guest$sfx 10 mark 1:"
	for ((i = 0; i < n; i++)); do
		echo "run /bin/kvmirq snapshot --force --pid %guest$sfx -o /tmp/running$sfx.kvmsnap"
	done
	echo "signal guest$sfx 10"
	echo "await guest$sfx 10 mark 2:"
	# A recording that starts while the vCPU is inside KVM_RUN: the guest's
	# MPIC accesses still name their VM (from the vCPU, not the thread).
	echo "runout /tmp/late$sfx.txt /bin/kvmirq record -q --no-key-frames -d 2s -o /tmp/late$sfx.kvmirq"
	echo "file /tmp/late$sfx.kvmirq"
	echo "sleep 1"
	echo "signal guest$sfx 15"
	echo "wait guest$sfx"
	echo "file /tmp/running$sfx.kvmsnap"
	echo "file /tmp/guest$sfx.log"
}
{
	loop_commands 20 "" "$loop"
	loop_commands 42 42 "$loop42"
} >"$out/commands"
rig_boot e500 900

python3 - "$out" "$build/kvmirq" <<'EOF'
import json, re, statistics, subprocess, sys

out, kvmirq = sys.argv[1], sys.argv[2]
sys.path.insert(0, "tests/e2e")
from rig_outputs import RigOutputs  # noqa: E402

rig = RigOutputs(out)
check, read = rig.check, rig.read
commands = open(f"{out}/commands").read().splitlines()
# What the guest programs by MMIO (mpicvmm_guest.h, mpicvmm_guest.S): the
# raised source 4, vector 0x44, priority 6, to CPU 0; SPVR 0xff; CTPR 0.
PROGRAMMED = {"src_ivpr[4].vector": 0x44, "src_ivpr[4].priority": 6, "src_ivpr[4].masked": 0,
              "src_idr[4].dest": 1, "spvr.vector": 0xff, "cpu_ctpr[0].priority": 0}


def running_vmm(sfx, mpic, brr1):
    lines = [i for i, c in enumerate(commands) if f"-o /tmp/running{sfx}.kvmsnap" in c]
    print(f"-- {mpic}: mpicvmm --guest-loop, {len(lines)} snapshots --pid while the guest runs")
    log = read(f"guest{sfx}.log")
    m = re.search(r"mpicvmm: guest-loop: taking interrupts, pid (\d+)", log)
    check(m, "the guest took its seven interrupts and loops (mpicvmm --guest-loop ready)")
    pid = m.group(1) if m else "?"
    marks = {int(k): (int(a), int(r), int(e)) for k, a, r, e in re.findall(
        r"mark (\d+): (\d+) acks, (\d+) raised, (\d+) KVM_RUN EINTR", log)}
    stops, bad = [], []
    for i in lines:
        text = read(f"run-{i}.log")
        s = re.search(rf"pid {pid} \(mpicvmm[^)]*\): 1 controllers, 1117 reads \(0 failed\); "
                      r"VMM stopped ([0-9.]+) ms", text)
        if read(f"run-{i}.status").strip() != "0" or not s:
            bad.append((i, read(f"run-{i}.status").strip(), text.strip()[-200:]))
        else:
            stops.append(float(s.group(1)))
    check(lines and not bad, f"{len(lines)} snapshots --pid in a row, each 1117 reads, none failed ({bad[:3]})")
    if stops:
        print(f"  VMM stopped per snapshot --pid: min {min(stops):.1f} ms, median "
              f"{statistics.median(stops):.1f} ms, max {max(stops):.1f} ms ({len(stops)} snapshots)")
    one, two = marks.get(1), marks.get(2)
    check(one and two and two[0] > one[0],
          f"the guest's acknowledgements grew across the snapshots (marks {one} -> {two})")
    g = re.search(r"KVMIRQ-GUEST-LOOP (\{.*\})", log)
    end = json.loads(g.group(1)) if g else {}
    check(two and end.get("acks", 0) > two[0],
          f"and after them ({two and two[0]} -> {end.get('acks')} acknowledgements)")
    check(end.get("ended_by") == 15 and end.get("wrong") == 0 and end.get("acks") == end.get("eois")
          and 0 < end.get("acks", 0) <= end.get("raised", 0),
          f"every acknowledgement in the loop the raised vector, each EOId, at most one per edge ({end})")
    if one and two:
        eintr = two[2] - one[2] - 1  # less the second SIGUSR1
        print(f"  KVM_RUN returned EINTR {eintr} times over the {len(lines)} snapshots "
              f"(the vCPU thread is stopped by ptrace with the others and enters KVM_RUN again); "
              f"{two[0] - one[0]} interrupts taken, {two[1] - one[1]} raised meanwhile")
        check(0 < eintr <= len(lines), f"ptrace stops interrupt KVM_RUN at most once per snapshot ({eintr})")
    check(read(f"wait-guest{sfx}.status").strip() == "0" and "KVMIRQ-DONE 0" in log,
          f"the VMM's own checks passed and it exited 0 after SIGTERM "
          f"({read(f'wait-guest{sfx}.status').strip()}; {re.findall(r'mpicvmm: guest: FAIL .*', log)[:3]})")
    p = subprocess.run([kvmirq, "show", "--json", f"{out}/running{sfx}.kvmsnap"], capture_output=True, text=True)
    chips = [json.loads(l) for l in p.stdout.splitlines() if l.strip()] if p.returncode == 0 else []
    fields = chips[0]["fields"] if len(chips) == 1 else {}
    got = {k: fields.get(k, {}).get("value") for k in PROGRAMMED}
    check(got == PROGRAMMED, f"the last snapshot holds what the guest programmed by MMIO ({got})")
    mm = [fields.get(f"brr1.{k}", {}).get("value") for k in ("major", "minor")]
    check(mm == [brr1 >> 8 & 0xff, brr1 & 0xff], f"the MPIC is the {mpic} (BRR1 major, minor: {mm})")


check(rig.kernel_trouble() is None, f"no kernel oops or BUG ({rig.kernel_trouble()})")
def late_recording(sfx, mpic):
    """Recorded from inside a running KVM_RUN: every MMIO access has its VM and vCPU."""
    p = subprocess.run([kvmirq, "report", "--json", "--timeline", f"{out}/late{sfx}.kvmirq"],
                       capture_output=True, text=True)
    evs = [json.loads(l) for l in p.stdout.splitlines() if '"type":"event"' in l]
    mmio = [e for e in evs if e["kind"] == "mpic_mmio"]
    lost = [e for e in mmio if not e["vm"] or e["unattributed"] or e["vcpu"] != 0]
    check(p.returncode == 0 and mmio and not lost,
          f"{mpic}: a recording begun during KVM_RUN names the VM and vCPU of all "
          f"{len(mmio)} guest MPIC accesses ({len(lost)} without: {lost[:1]})")
    # those before the vCPU thread's first recorded ioctl had only the vCPU to go by
    tid = mmio[0]["tid"] if mmio else None
    first = min((e["ts_ns"] for e in evs if e["kind"] == "ioctl" and e["tid"] == tid), default=None)
    early = [e for e in mmio if first is None or e["ts_ns"] < first]
    check(early, f"{mpic}: {len(early)} of them came before the thread's first recorded ioctl")


running_vmm("", "FSL MPIC 2.0", 0x00400200)
running_vmm("42", "FSL MPIC 4.2", 0x00400402)
late_recording("", "FSL MPIC 2.0")
late_recording("42", "FSL MPIC 4.2")
sys.exit(rig.finish())
EOF
