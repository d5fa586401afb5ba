#!/usr/bin/env bash
# kvmirq snapshot --pid on real arm64 KVM (arm64 rig): the arm64 part of the
# syscall injector (src/vmm/remote_arm64.c) stops the VGICv3 test VMM with
# ptrace and reads its distributor, redistributors, CPU interfaces and ITS
# from inside it. In the tool image the VMM runs with --hold: after its own
# run it snapshots VM A in-process (held.kvmsnap) and waits. Then:
#  - one `kvmirq snapshot --pid`, equal to the in-process snapshot field for
#    field (`kvmirq show --json`, and `kvmirq diff` exiting 0), and 50 more
#    in a row (KVMIRQ_ARM64_PID_LOOP), each exiting 0 with every read done,
#    the last one still equal;
#  - a recording with key frames (`kvmirq record -k 4s`) taken while it
#    holds: each key frame's reconstruction equals the held snapshot, and
#    its reads are GETs only;
#  - a second recording (--no-key-frames: a snapshot --pid while a key
#    frame stops the VMM is refused, the VMM being traced already) of a
#    plain snapshot and one with --its-save-tables: it holds exactly one
#    CTRL group access of the VMM, that snapshot's
#    KVM_DEV_ARM_ITS_SAVE_TABLES on the ITS, the plain one's reads are GETs
#    only, the file says so, and the VMM sees its ITS collection table
#    written in guest memory at that stop and not before;
#  - the VMM, ended by SIGTERM, exits 0 having counted one EINTR of its
#    sigtimedwait() per stop, and its last in-process snapshot
#    (after.kvmsnap) equals the held one.
# Every program runs on the rig's vCPU 0 (busybox taskset 1): under TCG a
# wake-up across vCPUs costs milliseconds, and each injected syscall takes
# several (measured: 28 s per snapshot across vCPUs, 3 s on one). A rig that
# cannot be built or booted fails.
#
# Environment: KVMIRQ_BUILD  the build directory of the host tool (default build)
#              KVMIRQ_ARM64_PID_LOOP  snapshots in a row after the first (default 50)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
loop=${KVMIRQ_ARM64_PID_LOOP:-50}
. tests/rig/common/testlib.sh
rig_test_setup arm64 pid
on0="/bin/busybox taskset 1"
{
	echo "start vmm $on0 /bin/gicvmm --hold 3600 /tmp"
	echo "await vmm 120 gicvmm: holding pid"
	echo "run $on0 /bin/kvmirq snapshot --pid %vmm -o /tmp/pid.kvmsnap"
	echo "file /tmp/held.kvmsnap"
	echo "file /tmp/pid.kvmsnap"
	for ((i = 0; i < loop; i++)); do
		echo "run $on0 /bin/kvmirq snapshot --force --pid %vmm -o /tmp/again.kvmsnap"
	done
	echo "file /tmp/again.kvmsnap"
	echo "start rec $on0 /bin/kvmirq record -k 4s -o /tmp/kf.kvmirq"
	echo "await rec 600 key frame of pid"
	echo "sleep 20"
	echo "signal rec 2"
	echo "wait rec"
	echo "file /tmp/kf.kvmirq"
	echo "file /tmp/rec.log"
	echo "start cmd $on0 /bin/kvmirq record --no-key-frames -o /tmp/cmd.kvmirq"
	echo "await cmd 600 recording to"
	echo "run $on0 /bin/kvmirq snapshot --pid %vmm -o /tmp/plain.kvmsnap"
	echo "run $on0 /bin/kvmirq snapshot --pid %vmm --its-save-tables -o /tmp/saved.kvmsnap"
	echo "signal cmd 2"
	echo "wait cmd"
	echo "file /tmp/cmd.kvmirq"
	echo "file /tmp/plain.kvmsnap"
	echo "file /tmp/saved.kvmsnap"
	echo "signal vmm 15"
	echo "wait vmm"
	echo "file /tmp/after.kvmsnap"
	echo "file /tmp/vmm.log"
} >"$out/commands"
rig_boot arm64 $((600 + 15 * loop))

python3 - "$out" "$build/kvmirq" <<'EOF'
import json, re, statistics, subprocess, sys

out, kvmirq = sys.argv[1], sys.argv[2]
sys.path.insert(0, "tests/e2e")
from rig_outputs import RigOutputs  # noqa: E402

rig = RigOutputs(out)
check, read = rig.check, rig.read
commands = open(f"{out}/commands").read().splitlines()
console = read("console.log")
check(rig.kernel_trouble() is None, f"no kernel oops ({rig.kernel_trouble()})")
CHIPS = [("arm-gicv3-cpu", 0), ("arm-gicv3-cpu", 1), ("arm-gicv3-dist", 0),
         ("arm-gicv3-its", 0), ("arm-gicv3-redist", 0), ("arm-gicv3-redist", 1)]


def run(*args):
    return subprocess.run([kvmirq, *args], capture_output=True, text=True)


def chips(path):
    p = run("show", "--json", path)
    if p.returncode:
        print(f"  kvmirq show --json {path}: exit {p.returncode}: {p.stderr.strip()}")
        return {}
    return {(c["chip"], c["index"]): c for c in map(json.loads, p.stdout.splitlines()) if c}


def diff_totals(a, b, *at):
    p = run("diff", "--json", *at, a, b)
    t = [json.loads(l) for l in p.stdout.splitlines() if '"totals"' in l]
    return p, (t[0] if t else {})


def same_state(a, b, what):
    """B's controllers equal A's field for field, as show and diff see them."""
    ca, cb = chips(f"{out}/{a}"), chips(f"{out}/{b}")
    if not check(sorted(ca) == CHIPS and sorted(cb) == CHIPS,
                 f"{what}: the six GICv3 controllers each ({sorted(ca)}, {sorted(cb)})"):
        return
    differ, unread, n = [], [], 0
    for k in CHIPS:
        fa, fb = ca[k]["fields"], cb[k]["fields"]
        n += len(fa)
        check(fa.keys() == fb.keys(), f"{what}: {k} has the same {len(fa)} fields")
        differ += [(k, f) for f in fa if fa[f].get("value") != fb.get(f, {}).get("value")]
        # not read: AP<n>R1..3 (the host has 5 priority bits) and the
        # distributor's INTIDs past NR_IRQS 128
        unread += [(k, f) for f in fb if fb[f].get("value") is None
                   and not re.match(r"^ap[01]r\[[123]\]$", f)
                   and fb[f].get("error") != "past the chip's interrupts"]
    check(not differ, f"{what}: every field equal ({len(differ)} differ: {differ[:5]})")
    check(not unread, f"{what}: every field read but AP<n>R1..3 and those past NR_IRQS "
          f"({len(unread)} not: {unread[:5]})")
    p, t = diff_totals(f"{out}/{a}", f"{out}/{b}")
    check(p.returncode == 0 and t.get("changed") == 0 and t.get("compared", 0) > 10000,
          f"{what}: kvmirq diff exits 0 over {t.get('compared')} fields ({p.returncode}, {p.stderr.strip()[:200]})")
    return n


def status(i):
    return read(f"run-{i}.status").strip()


print(f"-- gicvmm --hold: snapshots --pid, a recording with key frames, --its-save-tables")
log = read("vmm.log")
m = re.search(r"gicvmm: holding pid (\d+)", log)
check("KVMIRQ-AWAIT vmm " in console and m, "the VMM holds its VM (gicvmm --hold ready)")
vmm_pid = m.group(1) if m else "?"
LINE = re.compile(rf"pid {vmm_pid} \(gicvmm[^)]*\): 6 controllers, (\d+) reads \(0 failed\); "
                  r"VMM stopped ([0-9.]+) ms")

# The first snapshot from outside, against the VMM's own of the same moment.
FIRST = commands.index(f"run /bin/busybox taskset 1 /bin/kvmirq snapshot --pid %vmm -o /tmp/pid.kvmsnap")
first = read(f"run-{FIRST}.log")
f = LINE.search(first)
check(status(FIRST) == "0" and f, f"kvmirq snapshot --pid {vmm_pid} exited 0, 6 controllers, "
      f"0 failed reads (AP<n>R1..3, which a host with 5 priority bits lacks, are not failures) "
      f"({first.strip()[-300:]})")
reads = f.group(1) if f else "?"
fields = same_state("held.kvmsnap", "pid.kvmsnap", "--pid vs in-process")

# In a row.
loop = [i for i, c in enumerate(commands) if c.endswith("-o /tmp/again.kvmsnap")]
stops, bad = [float(f.group(2))] if f else [], []
for i in loop:
    s = LINE.search(read(f"run-{i}.log"))
    if status(i) != "0" or not s or s.group(1) != reads:
        bad.append((i, status(i), read(f"run-{i}.log").strip()[-200:]))
    else:
        stops.append(float(s.group(2)))
check(not bad, f"{len(loop)} more snapshots --pid in a row, each {reads} reads as the first ({bad[:3]})")
if stops:
    print(f"  VMM stopped per snapshot --pid: min {min(stops):.0f} ms, median "
          f"{statistics.median(stops):.0f} ms, max {max(stops):.0f} ms ({len(stops)} snapshots, "
          f"{reads} reads each)")
same_state("held.kvmsnap", "again.kvmsnap", "the last --pid vs in-process")

# The recording: its key frames, each reconstruction equal to the held snapshot.
check(read("wait-rec.status").strip() == "0", f"kvmirq record exited 0 ({read('rec.log').strip()[-200:]})")
p = run("report", "--json", f"{out}/kf.kvmirq")
head = json.loads(p.stdout.splitlines()[0]) if p.returncode == 0 and p.stdout else {}
frames = head.get("key_frames") or []
check(len(frames) >= 2 and all(not (k.get("error") or "").startswith("process") and str(k.get("pid")) == vmm_pid and str(k.get("reads")) == reads
                               and k.get("failed_reads") == 0 for k in frames),
      f"the recording has key frames of the VMM, {reads} reads each ({[(k.get('pid'), k.get('reads')) for k in frames]})")
for n, k in enumerate(frames):
    p, t = diff_totals(f"{out}/held.kvmsnap", f"{out}/kf.kvmirq", "--at", f"@{k['end_ns']}")
    known = t.get("compared", 0) - t.get("not_known", 0)
    check(p.returncode == 0 and t.get("changed") == 0 and t.get("compared", 0) > 10000
          and known >= 0.99 * t["compared"],
          f"key frame {n}: the reconstruction at its end equals the held snapshot, {known} of "
          f"{t.get('compared')} fields known ({p.returncode}, {p.stderr.strip()[:200]})")
stopped = ", ".join("%.0f" % (k["stopped_ns"] / 1e6) for k in frames)
print(f"  key frames: {len(frames)}, VMM stopped {stopped} ms")

# No command but the one asked for: the VMM's device attribute accesses.
def vmm_attrs(path):
    p = run("report", "--json", "--timeline", path)
    evs = [json.loads(l) for l in p.stdout.splitlines() if '"type":"event"' in l]
    return [e for e in evs if str(e.get("pid")) == vmm_pid and e.get("kind") == "ioctl"
            and e.get("ioctl", "").endswith("_DEVICE_ATTR")]


def group(e):
    raw = bytes.fromhex(e.get("in", ""))
    return int.from_bytes(raw[4:8], "little") if len(raw) >= 16 else None


def attr(e):
    return int.from_bytes(bytes.fromhex(e["in"])[8:16], "little")


n_reads = int(reads) if reads != "?" else -1
kf = vmm_attrs(f"{out}/kf.kvmirq")
check(len(kf) == len(frames) * n_reads and all(e.get("key_frame") and e["ioctl"] == "KVM_GET_DEVICE_ATTR"
                                               for e in kf),
      f"the key frames' accesses are {len(kf)} GET_DEVICE_ATTR, {reads} each, marked, and nothing else")
check(read("wait-cmd.status").strip() == "0", "the second kvmirq record exited 0")
attrs = vmm_attrs(f"{out}/cmd.kvmirq")
ctrl = [e for e in attrs if group(e) == 4]
check(len(ctrl) == 1 and ctrl[0]["ioctl"] == "KVM_SET_DEVICE_ATTR" and attr(ctrl[0]) == 1
      and ctrl[0].get("ret") == 0,
      f"the second recording holds one CTRL access of the VMM: SAVE_TABLES (attr 1), "
      f"succeeded ({[(e['ioctl'], attr(e), e.get('ret')) for e in ctrl]})")
before = [e for e in attrs if ctrl and e["ts_ns"] < ctrl[0]["ts_ns"]]
after = [e for e in attrs if ctrl and e["ts_ns"] > ctrl[0]["ts_ns"]]
check(len(before) == n_reads and all(e["ioctl"] == "KVM_GET_DEVICE_ATTR" for e in before),
      f"the plain snapshot before it: {len(before)} GETs and no command")
check(len(after) == n_reads and all(e["ioctl"] == "KVM_GET_DEVICE_ATTR" for e in after),
      f"the --its-save-tables snapshot's reads after it: {len(after)} GETs")
PLAIN = commands.index("run /bin/busybox taskset 1 /bin/kvmirq snapshot --pid %vmm -o /tmp/plain.kvmsnap")
SAVED = PLAIN + 1
saved = read(f"run-{SAVED}.log")
check(status(PLAIN) == "0" and status(SAVED) == "0" and "ITS tables saved into guest memory first" in saved
      and "ITS tables saved" not in read(f"run-{PLAIN}.log"),
      f"snapshot --pid --its-save-tables exited 0 and said so; the plain one did not ({saved.strip()[-200:]})")
for name, want in (("plain.kvmsnap", False), ("saved.kvmsnap", True)):
    p = run("show", f"{out}/{name}")
    first_line = p.stdout.splitlines()[0] if p.stdout else ""
    check(("the tables of 1 ITS saved into guest memory first" in first_line) == want,
          f"{name}: its header {'says' if want else 'does not say'} the ITS tables were saved ({first_line})")
same_state("held.kvmsnap", "saved.kvmsnap", "--its-save-tables vs in-process (registers untouched)")
want_k = 1 + len(loop) + len(frames) + 2
w = re.search(r"gicvmm: ITS tables written before interruption (\d+) "
              r"\(collection table entry 0 = 0x0\)", log)
check(w and int(w.group(1)) == want_k,
      f"the VMM saw its collection table written (entry 0 zeroed) at the --its-save-tables stop, "
      f"interruption {want_k}, not before ({w.group(0) if w else 'never'})")

# The VMM afterwards: still there, its VM unchanged.
check(read("wait-vmm.status").strip() == "0", f"the VMM exited 0 after SIGTERM ({read('wait-vmm.status').strip()})")
e = re.search(r"gicvmm: held, ended by signal (\d+), (\d+) interruptions", log)
stops_total = 1 + len(loop) + len(frames) + 2
check(e and e.group(1) == "15", f"its hold ended by our SIGTERM ({e.group(0) if e else 'no end line'})")
check(e and int(e.group(2)) == stops_total,
      f"one EINTR of its sigtimedwait() per snapshot --pid and key frame "
      f"({e.group(2) if e else '?'}, want {stops_total})")
check("gicvmm: exit 0" in log, "the VMM's own checks passed (gicvmm: exit 0)")
same_state("held.kvmsnap", "after.kvmsnap", "its VM after the snapshots vs before")

sys.exit(rig.finish())
EOF
