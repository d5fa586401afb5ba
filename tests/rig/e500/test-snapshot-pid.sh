#!/usr/bin/env bash
# kvmirq snapshot --pid on the real e500 KVM (e500v2 rig): the ppc32 part of
# the syscall injector (src/vmm/remote_ppc32.c) stops the MPIC test VMM
# with ptrace and reads its MPIC from inside it. In the tool image the VMM
# runs with --hold: after its own run it snapshots VM A in-process
# (held.kvmsnap) and waits. Then one `kvmirq snapshot --pid`, which must
# equal the in-process snapshot field for field (`kvmirq show --json`, and
# `kvmirq diff` exiting 0), and 50 more in a row: each exits 0 with every
# read done, the last one still equal; the VMM, ended by SIGTERM, exits 0,
# counted one EINTR of its sigtimedwait() per snapshot, and its own last
# in-process snapshot (after.kvmsnap) equals the first: the VM is as it was.
# Then the same on an FSL MPIC 4.2 (mpicvmm --type 42 --hold), with fewer
# snapshots in a row. Prints each snapshot's "VMM stopped" time. A rig
# that cannot be built or booted fails.
#
# Environment: KVMIRQ_BUILD  the build directory of the host tool (default build)
#              KVMIRQ_E500_PID_LOOP  snapshots in a row after the first (default 50)
#              KVMIRQ_E500_PID_LOOP42  the same for the MPIC 4.2 (default 5)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
loop=${KVMIRQ_E500_PID_LOOP:-50}
loop42=${KVMIRQ_E500_PID_LOOP42:-5}
. tests/rig/common/testlib.sh
rig_test_setup e500 pid
# One held VMM of MPIC TYPE at a time (a recording key-frames every VMM);
# its files carry SUFFIX (the python below finds its lines by them).
hold_commands() {
	local type=$1 sfx=$2 n=$3 i
	echo "start vmm$sfx /bin/mpicvmm --type $type --hold 3600 /tmp"
	echo "await vmm$sfx 120 mpicvmm: holding pid"
	echo "run /bin/kvmirq snapshot --pid %vmm$sfx -o /tmp/pid$sfx.kvmsnap"
	echo "file /tmp/held.kvmsnap held$sfx.kvmsnap"
	echo "file /tmp/pid$sfx.kvmsnap"
	for ((i = 0; i < n; i++)); do
		echo "run /bin/kvmirq snapshot --force --pid %vmm$sfx -o /tmp/again$sfx.kvmsnap"
	done
	echo "file /tmp/again$sfx.kvmsnap"
	# A recording started while the VMM holds: its key frame (ptrace too).
	echo "run /bin/kvmirq record -d 2s -o /tmp/kf$sfx.kvmirq"
	echo "file /tmp/kf$sfx.kvmirq"
	echo "signal vmm$sfx 15"
	echo "wait vmm$sfx"
	echo "file /tmp/after.kvmsnap after$sfx.kvmsnap"
	echo "file /tmp/vmm$sfx.log"
}
{
	hold_commands 20 "" "$loop"
	hold_commands 42 42 "$loop42"
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


def chips(path):
    p = subprocess.run([kvmirq, "show", "--json", path], capture_output=True, text=True)
    if p.returncode:
        print(f"  kvmirq show --json {path}: exit {p.returncode}: {p.stderr.strip()}")
        return []
    return [json.loads(l) for l in p.stdout.splitlines() if l.strip()]


def same_state(a, b, what):
    """B's controllers equal A's field for field; the read times apart."""
    ca, cb = chips(f"{out}/{a}"), chips(f"{out}/{b}")
    if not check(len(ca) == 1 and ca[0].get("chip") == "fsl-mpic" and len(cb) == len(ca),
                 f"{what}: one fsl-mpic each ({len(ca)}, {len(cb)} controllers)"):
        return
    x, y = ca[0], cb[0]
    head = ("vm", "vm_name", "chip", "title", "index")
    check(all(x.get(k) == y.get(k) for k in head),
          f"{what}: same VM and controller ({[(x.get(k), y.get(k)) for k in head]})")
    fa, fb = x["fields"], y["fields"]
    check(fa.keys() == fb.keys() and len(fa) > 3000, f"{what}: the same {len(fa)} fields")
    vol = sorted(n for n in fa if "volatile" in fa[n] or "volatile" in fb.get(n, {}))
    differ = [n for n in fa if n in fb and n not in vol and fa[n].get("value") != fb[n].get("value")]
    unread = [n for n in fb if fb[n].get("value") is None]
    check(not differ, f"{what}: every field equal ({len(differ)} differ: {differ[:5]})")
    check(not unread, f"{what}: every field read ({len(unread)} not: {unread[:5]})")
    vdiff = [n for n in vol if fa[n].get("value") != fb.get(n, {}).get("value")]
    print(f"  {what}: volatile fields, apart: {len(vol)} ({len(vdiff)} differ: {vdiff[:5]});"
          f" read times {x.get('time_ns')} / {y.get('time_ns')} ns")
    p = subprocess.run([kvmirq, "diff", "--json", f"{out}/{a}", f"{out}/{b}"],
                       capture_output=True, text=True)
    totals = [json.loads(l) for l in p.stdout.splitlines() if '"totals"' in l]
    check(p.returncode == 0 and totals and totals[0].get("changed") == 0
          and totals[0].get("compared", 0) > 3000,
          f"{what}: kvmirq diff exits 0 ({p.returncode}, {totals[:1]}, {p.stderr.strip()})")


def held_vmm(sfx, mpic, brr1):
    """The checks of one held VMM, its commands' files named with SFX."""
    lines = [i for i, c in enumerate(commands) if f"-o /tmp/again{sfx}.kvmsnap" in c]
    FIRST = commands.index(f"run /bin/kvmirq snapshot --pid %vmm{sfx} -o /tmp/pid{sfx}.kvmsnap")
    LOOP_FROM, loop = lines[0] if lines else FIRST + 3, len(lines)
    KEY_FRAME = commands.index(f"run /bin/kvmirq record -d 2s -o /tmp/kf{sfx}.kvmirq")
    print(f"-- {mpic}: mpicvmm --hold, {loop + 1} snapshots --pid and a key frame")
    log = read(f"vmm{sfx}.log")
    m = re.search(r"mpicvmm: holding pid (\d+)", log)
    check(f"KVMIRQ-AWAIT vmm{sfx} " in console and m, "the VMM holds its VM (mpicvmm --hold ready)")
    vmm_pid = m.group(1) if m else "?"
    held = chips(f"{out}/held{sfx}.kvmsnap")
    fields = held[0]["fields"] if held else {}
    major_minor = [fields.get(f"brr1.{k}", {}).get("value") for k in ("major", "minor")]
    check(major_minor == [brr1 >> 8 & 0xff, brr1 & 0xff],
          f"the held VM's MPIC is the {mpic} (BRR1 major, minor: {major_minor})")

    # The first snapshot from outside, against the VMM's own of the same moment.
    first = read(f"run-{FIRST}.log")
    check(read(f"run-{FIRST}.status").strip() == "0",
          f"kvmirq snapshot --pid {vmm_pid} exited 0 ({first.strip()[-300:]})")
    check(re.search(rf"pid {vmm_pid} \(mpicvmm[^)]*\): 1 controllers, 1117 reads \(0 failed\)", first),
          "it read 1117 registers of one controller of mpicvmm, none failed")
    same_state(f"held{sfx}.kvmsnap", f"pid{sfx}.kvmsnap", "--pid vs in-process")

    # In a row.
    stops = []
    bad = []
    for i in range(LOOP_FROM, LOOP_FROM + loop):
        text = read(f"run-{i}.log")
        s = re.search(r"1117 reads \(0 failed\); VMM stopped ([0-9.]+) ms", text)
        if read(f"run-{i}.status").strip() != "0" or not s:
            bad.append((i, read(f"run-{i}.status").strip(), text.strip()[-200:]))
        else:
            stops.append(float(s.group(1)))
    s = re.search(r"VMM stopped ([0-9.]+) ms", first)
    if s:
        stops.insert(0, float(s.group(1)))
    check(not bad, f"{loop} more snapshots --pid in a row, each 1117 reads, none failed ({bad[:3]})")
    if stops:
        print(f"  VMM stopped per snapshot --pid: min {min(stops):.1f} ms, median "
              f"{statistics.median(stops):.1f} ms, max {max(stops):.1f} ms ({len(stops)} snapshots)")
    same_state(f"held{sfx}.kvmsnap", f"again{sfx}.kvmsnap", "the last --pid vs in-process")

    # A recording's key frame: the same reads by record, marked, and the
    # reconstruction from it equal to the VMM's own snapshot in every field.
    text = read(f"run-{KEY_FRAME}.log")
    check(read(f"run-{KEY_FRAME}.status").strip() == "0", f"kvmirq record exited 0 ({text.strip()[-200:]})")
    k = re.search(rf"key frame of pid {vmm_pid}: 1 controllers, 1117 reads \(0 failed\); "
                  r"VMM stopped ([0-9.]+) ms", text)
    check(k, "record took a key frame of the VMM: 1117 reads, none failed")
    p = subprocess.run([kvmirq, "report", "--json", f"{out}/kf{sfx}.kvmirq"], capture_output=True, text=True)
    head = json.loads(p.stdout.splitlines()[0]) if p.returncode == 0 and p.stdout else {}
    frames = head.get("key_frames") or []
    check(len(frames) == 1 and str(frames[0].get("pid")) == vmm_pid and frames[0].get("reads") == 1117,
          f"the recording lists that key frame ({frames})")
    p = subprocess.run([kvmirq, "report", "--json", "--timeline", f"{out}/kf{sfx}.kvmirq"],
                       capture_output=True, text=True)
    evs = [json.loads(l) for l in p.stdout.splitlines() if '"type":"event"' in l]
    marked = [e for e in evs if e.get("key_frame")]
    check(len(marked) == 1117 and len(marked) == len(evs),
          f"its 1117 GET_DEVICE_ATTR events are marked key_frame ({len(marked)} of {len(evs)})")
    p = subprocess.run([kvmirq, "diff", "--json", f"{out}/held{sfx}.kvmsnap", f"{out}/kf{sfx}.kvmirq"],
                       capture_output=True, text=True)
    totals = [json.loads(l) for l in p.stdout.splitlines() if '"totals"' in l]
    t = totals[0] if totals else {}
    known = t.get("compared", 0) - t.get("not_known", 0)
    check(p.returncode == 0 and t.get("changed") == 0 and t.get("compared", 0) > 3000
          and known >= 0.95 * t["compared"],
          f"the recording's reconstruction equals the VMM's snapshot, {known} of "
          f"{t.get('compared')} fields known ({p.returncode}, {p.stderr.strip()[:200]})")
    if k:
        print(f"  key frame: VMM stopped {k.group(1)} ms for 1117 reads")

    # The VMM afterwards: still there, answering, its VM unchanged.
    check(read(f"wait-vmm{sfx}.status").strip() == "0", f"the VMM exited 0 after SIGTERM ({read(f'wait-vmm{sfx}.status').strip()})")
    e = re.search(r"mpicvmm: held, ended by signal (\d+), (\d+) interruptions", log)
    check(e and e.group(1) == "15", f"its hold ended by our SIGTERM ({e.group(0) if e else 'no end line'})")
    check(e and int(e.group(2)) == loop + 2,
          f"one EINTR of its sigtimedwait() per snapshot --pid and key frame "
          f"({e.group(2) if e else '?'}, want {loop + 2})")
    check("KVMIRQ-DONE 0" in log, "the VMM's own checks passed (KVMIRQ-DONE 0)")
    same_state(f"held{sfx}.kvmsnap", f"after{sfx}.kvmsnap", "its VM after the snapshots vs before")


console = read("console.log")
check(rig.kernel_trouble() is None, f"no kernel oops ({rig.kernel_trouble()})")
held_vmm("", "FSL MPIC 2.0", 0x00400200)
held_vmm("42", "FSL MPIC 4.2", 0x00400402)

sys.exit(rig.finish())
EOF
