#!/usr/bin/env bash
# kvmirq top on the real e500 KVM MPIC (e500v2 rig), live and replayed. In
# the tool image the MPIC test VMM runs with --hold (its VM A programmed, an
# in-process snapshot held.kvmsnap taken, then waiting) while `kvmirq
# record` runs (its key frame reads the MPIC by ptrace) and live `kvmirq top
# -b` and `-j --vm 1 --chip 1` print frames: BPF counters per VM plus the
# VM's MPIC read by ptrace before each frame. On the host: the frames show
# the VM (name, one vCPU, the MPIC), the VMM's own reads counted as ATTR,
# and the MPIC's register screen, all 3470 decoded fields, equal to the
# held snapshot with nothing marked changed between frames; the recording
# of the same boot replayed on this (little-endian) host with `top -i -j`
# and `-b` shows the same screen, and `show`, `diff` and `snapshot --from`
# read it equal to the held snapshot too. A rig that cannot be built or
# booted fails.
#
# Environment: KVMIRQ_BUILD  the build directory of the host tool (default build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
. tests/rig/common/testlib.sh
rig_test_setup e500 top
# Line numbers matter: run-N.log is the output of line N (from 0).
cat >"$out/commands" <<'COMMANDS'
start vmm /bin/mpicvmm --hold 3600 /tmp
await vmm 120 mpicvmm: holding pid
start rec /bin/kvmirq record -o /tmp/top.kvmirq
await rec 300 recording to
run /bin/kvmirq top -b -n 2 -d 1 --vm 1 --chip 1
run /bin/kvmirq top -j -n 2 -d 1 --vm 1 --chip 1
run /bin/kvmirq top -j -n 2 -d 0.5
signal rec 2
wait rec
file /tmp/top.kvmirq
file /tmp/held.kvmsnap
signal vmm 15
wait vmm
file /tmp/vmm.log
COMMANDS
rig_boot e500 600

python3 - "$out" "$build/kvmirq" <<'EOF'
import json, re, subprocess, sys

out, kvmirq = sys.argv[1], sys.argv[2]
TEXT, JSON, LIST = 4, 5, 6
READS = 1117
sys.path.insert(0, "tests/e2e")
from rig_outputs import RigOutputs  # noqa: E402

rig = RigOutputs(out)
check, read = rig.check, rig.read


def run(*args):
    p = subprocess.run([kvmirq, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr.strip()


def jsonl(text):
    rows = []
    for line in text.splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            pass
    return rows


check(rig.kernel_trouble() is None, f"no kernel oops ({rig.kernel_trouble()})")
log = read("vmm.log")
m = re.search(r"mpicvmm: holding pid (\d+)", log)
check(m, "the VMM holds its VM (mpicvmm --hold ready)")
vmm_pid = int(m.group(1)) if m else -1

# What the VMM itself read of its MPIC: the reference for every screen.
rc, text, err = run("show", "--json", f"{out}/held.kvmsnap")
held = jsonl(text)
check(rc == 0 and len(held) == 1 and held[0].get("chip") == "fsl-mpic",
      f"the held snapshot has one fsl-mpic ({rc} {err})")
want = held[0]["fields"] if held else {}
volatile = {n for n, f in want.items() if "volatile" in f}
check(len(want) == 3470, f"3470 fields in it ({len(want)}; {len(volatile)} volatile)")


def same_fields(got, what):
    """GOT (name -> value, text) equals the held snapshot, volatile fields apart."""
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    differ = [(n, want[n]["text"], got[n]) for n in want
              if n in got and n not in volatile
              and (got[n][0] is not None and got[n][0] != want[n]["value"]
                   or got[n][1] != want[n]["text"])]
    unknown = [n for n in want if n in got and got[n][1] == "?"]
    check(not missing and not extra, f"{what}: the same {len(want)} fields "
          f"({len(missing)} missing {missing[:3]}, {len(extra)} extra {extra[:3]})")
    check(not differ, f"{what}: every field equal to the held snapshot "
          f"({len(differ)} differ: {differ[:4]})")
    check(not unknown, f"{what}: every field known ({len(unknown)} '?': {unknown[:4]})")


def screen_fields(text):
    """The register lines of a text frame: '  label field=text ...'."""
    got, inside = {}, False
    for line in text.splitlines():
        if line.startswith("Controller ["):
            inside, got = True, {}
            continue
        if not line.strip():
            inside = False
        if not inside or not line.startswith("  "):
            continue
        label, *values = line.split()
        for v in values:
            v = v.rstrip("*")
            name, eq, val = v.partition("=")
            got[f"{label}.{name}" if eq else label] = (None, val if eq else name)
    return got


def json_fields(frame):
    regs = frame.get("registers") or {}
    return {n: (f["value"], f["text"]) for n, f in regs.get("fields", {}).items()}


# ---- live, text: the VM row, its detail, the MPIC's register screen ----
text = read(f"run-{TEXT}.log")
status = read(f"run-{TEXT}.status").strip()
check(status == "0", f"live top -b --vm 1 --chip 1 exited 0 ({status}{'' if status == '0' else text[-300:]})")
frames = [f for f in text.split("kvmirq top: live")[1:]]
check(len(frames) == 2, f"two text frames ({len(frames)})")
last = frames[-1] if frames else ""
row = re.search(rf"^\s+1\s+{vmm_pid}\s+mpicvmm --hold 3600 /tmp\s+{vmm_pid}-\d+\s+1\s+mpic\s", last, re.M)
check(row, "the VM row: id 1, the VMM's pid, its command line, KVM's PID-FD name, 1 vCPU, mpic")
check(re.search(r"^  \[1\] Freescale MPIC\s+fsl-mpic\s+read \S+ before$", last, re.M),
      "the VM's detail lists [1] Freescale MPIC (fsl-mpic), read by ptrace")
check(re.search(r"^Controller \[1\] Freescale MPIC \(fsl-mpic\) of VM 1: read \S+ before$", last, re.M),
      "the register screen of controller [1] follows")
check("3470 values, 0 unknown (?), 0 changed since the last frame (*)" in last,
      "3470 values, none unknown, none changed since the first frame")
same_fields(screen_fields(last), "live text screen")
check(re.search(r"^  src_ivpr\[7\]\s+vector=0xb7 priority=11 ", last, re.M),
      "src_ivpr[7] shows vector 0xb7, priority 11 (what the VMM programmed)")

# ---- live, JSON: the same, plus the counters ----
js = [f for f in jsonl(read(f"run-{JSON}.log")) if f.get("type") == "frame"]
check(read(f"run-{JSON}.status").strip() == "0" and len(js) == 2,
      f"live top -j --vm 1 --chip 1 exited 0 with two frames ({len(js)})")
for k, f in enumerate(js, 1):
    vms = f.get("vms") or [{}]
    v = vms[0]
    check(len(vms) == 1 and v.get("pid") == vmm_pid and v.get("vcpus") == 1
          and v.get("chips") == "mpic" and v.get("name") == "mpicvmm --hold 3600 /tmp",
          f"frame {k}: the VM ({v.get('pid')}, {v.get('name')!r}, {v.get('vcpus')} vCPU, {v.get('chips')!r})")
    # top's own reads run inside the VMM: its ioctls, counted by BPF per VM
    attrs = (v.get("totals") or {}).get("attrs", 0)
    check(attrs >= k * READS and (v.get("rates") or {}).get("attrs", 0) > 0,
          f"frame {k}: the VMM's GET_DEVICE_ATTRs counted ({attrs} >= {k * READS}, "
          f"{(v.get('rates') or {}).get('attrs')}/s)")
    ctl = f.get("controllers") or [{}]
    check(len(ctl) == 1 and ctl[0].get("model") == "fsl-mpic" and ctl[0].get("values") == 3470
          and ctl[0].get("unknown_values") == 0, f"frame {k}: one fsl-mpic, 3470 values known ({ctl})")
    regs = f.get("registers") or {}
    check(regs.get("model") == "fsl-mpic" and regs.get("number") == 1 and regs.get("values") == 3470
          and regs.get("unknown") == 0 and regs.get("time_ns", 0) > 0,
          f"frame {k}: its registers ({ {n: regs.get(n) for n in ('model', 'values', 'unknown', 'changed')} })")
    same_fields(json_fields(f), f"live JSON frame {k}")
if len(js) == 2:
    changed = [n for n, x in js[1]["registers"]["fields"].items() if x["changed"]]
    check(js[1]["registers"]["changed"] == len(changed)
          and not [n for n in changed if n not in volatile],
          f"frame 2: nothing marked changed but volatile fields ({changed[:5]})")

# ---- live, JSON without --vm: no ptrace, the VM from debugfs and BPF ----
js = [f for f in jsonl(read(f"run-{LIST}.log")) if f.get("type") == "frame"]
v = (js[-1].get("vms") or [{}])[0] if js else {}
check(read(f"run-{LIST}.status").strip() == "0" and len(js) == 2 and v.get("pid") == vmm_pid
      and v.get("vcpus") == 1 and v.get("chips") == "" and js[-1].get("controllers") == []
      and js[-1].get("registers", "absent") == "absent",
      f"live top -j alone: the VM, nothing read ({v.get('pid')}, {v.get('chips')!r})")

# ---- the recording of the same boot, on this host ----
rec = f"{out}/top.kvmirq"
rc, text, err = run("report", "--json", rec)
head = (jsonl(text) or [{}])[0]
frames_kf = head.get("key_frames") or [{}]
check(rc == 0 and head.get("byte_order") == "big" and head.get("machine") == "ppc"
      and frames_kf[0].get("reads") == READS and frames_kf[0].get("pid") == vmm_pid,
      f"the recording: big-endian ppc, a key frame of the VMM ({head.get('byte_order')}, {frames_kf})")
rc, text, err = run("top", "-i", rec, "-j", "--vm", "1", "--chip", "1", "-d", "0.5")
js = [f for f in jsonl(text) if f.get("type") == "frame"]
check(rc == 0 and js, f"top -i -j --vm 1 --chip 1 replays it ({rc}, {len(js)} frames, {err[:200]})")
if js:
    f = js[-1]
    v = (f.get("vms") or [{}])[0]
    check(v.get("pid") == vmm_pid and v.get("name") == "mpicvmm --hold 3600 /tmp",
          f"replay: the VM ({v.get('pid')}, {v.get('name')!r})")
    check(v.get("totals", {}).get("attrs", 0) >= 3 * READS,
          f"replay: the key frame's and live top's reads in its ATTR total ({v.get('totals', {}).get('attrs')})")
    regs = f.get("registers") or {}
    check(regs.get("model") == "fsl-mpic" and regs.get("values") == 3470 and regs.get("unknown") == 0,
          f"replay: the MPIC's registers, all known ({ {n: regs.get(n) for n in ('model', 'values', 'unknown')} })")
    same_fields(json_fields(f), "replayed JSON screen")
    marked = sum(1 for f in js for x in (f.get("registers") or {}).get("fields", {}).values() if x["changed"])
    check(marked == 0, f"replay: no field marked changed in any frame ({marked})")
rc, text, err = run("top", "-i", rec, "-b", "-n", "1", "-d", "1000", "--vm", "1", "--chip", "1")
check(rc == 0 and "Controller [1] Freescale MPIC (fsl-mpic) of VM 1: reconstructed on a read" in text,
      f"top -i -b --chip 1: the register screen ({rc}, {err[:200]})")
same_fields(screen_fields(text), "replayed text screen")

# show, diff and snapshot --from on the same recording
rc, text, err = run("show", "--json", rec)
shown = jsonl(text)
check(rc == 0 and len(shown) == 1 and shown[0].get("chip") == "fsl-mpic",
      f"show --json of the recording: one fsl-mpic ({rc}, {err[:200]})")
if shown:
    same_fields({n: (x.get("value"), x.get("text")) for n, x in shown[0]["fields"].items()}, "show --json")
rc, text, err = run("diff", "--json", f"{out}/held.kvmsnap", rec)
totals = [r for r in jsonl(text) if r.get("class") == "totals"]
t = totals[0] if totals else {}
check(rc == 0 and t.get("changed") == 0 and t.get("not_known") == 0 and t.get("compared") == 3470,
      f"diff held.kvmsnap recording: exit 0, 3470 compared, none changed or unknown ({rc}, {t})")
rc, text, err = run("snapshot", "--from", rec, "-o", f"{out}/from.kvmsnap")
check(rc == 0, f"snapshot --from the recording ({rc}, {err[:200]})")
rc, text, err = run("diff", "--json", f"{out}/held.kvmsnap", f"{out}/from.kvmsnap")
totals = [r for r in jsonl(text) if r.get("class") == "totals"]
t = totals[0] if totals else {}
check(rc == 0 and t.get("changed") == 0 and t.get("compared") == 3470,
      f"diff held.kvmsnap from.kvmsnap: exit 0 ({rc}, {t})")

check(read("wait-vmm.status").strip() == "0" and "KVMIRQ-DONE 0" in log,
      "the VMM exited 0 after SIGTERM, its own checks passed")

sys.exit(rig.finish())
EOF
