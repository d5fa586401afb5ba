#!/usr/bin/env bash
# kvmirq itself on the real e500 KVM (e500v2 rig): the tool cross-built for
# 32-bit big-endian PowerPC (build/ppc/, BPF object bpfeb) boots in the tool
# image and runs `kvmirq probe`. This 6.1 ppc32 kernel has no BPF
# trampoline, so fentry must be refused and the syscall tracepoints chosen;
# of the delivery tracepoints only KVM's generic ones exist on e500.
# A rig that cannot be built or booted fails.
#
# Not yet in tests/run.sh (it is not named test-*.sh): Debian's 6.1 ppc32
# BPF JIT writes past its image while kvmirq loads its programs, an oops in
# about one boot in two (bpf_jit_emit_common_epilogue, from
# bpf_int_jit_compile), and the interpreter refuses our programs' callbacks.
# Run it by hand; it says "no kernel oops" or why not.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"

fail_rig() {
	echo "FAIL $*"
	echo "0 passed, 1 failed"
	exit 1
}

out=$(mktemp -d /var/tmp/kvmirq-e500-probe.XXXXXX)
# Kept when anything failed, for the console log.
trap 'if [ $? -eq 0 ]; then rm -rf "$out"; else echo "outputs kept in $out" >&2; fi' EXIT

start=$SECONDS
"$here/build.sh" >"$out/build.env" || fail_rig "the e500 rig cannot be built (tests/rig/e500/build.sh)"
built=$((SECONDS - start))
# Then a recording of the MPIC test VMM, decoded here on the host.
cat >"$out/commands" <<'EOF'
run /bin/kvmirq probe --json
run /bin/kvmirq probe
start rec /bin/kvmirq record -q -d 15s -o /tmp/mpic.kvmirq
sleep 6
run /bin/mpicvmm
wait rec
file /tmp/mpic.kvmirq
EOF
rc=0
"$here/run.sh" --out "$out" --commands "$out/commands" || rc=$?
[ "$rc" -ne 125 ] || fail_rig "the e500 rig did not run (tests/rig/e500/run.sh)"
echo "rig: build/cache $built s, $(cat "$out/timing" 2>/dev/null)" >&2

python3 - "$out" <<'EOF'
import json, subprocess, sys

out = sys.argv[1]
env = dict(l.split("=", 1) for l in open(out + "/build.env").read().split())
passed = failed = 0


def check(ok, what):
    global passed, failed
    print(("PASS " if ok else "FAIL ") + what)
    passed, failed = passed + bool(ok), failed + (not ok)


def read(name):
    try:
        return open(f"{out}/{name}").read()
    except OSError:
        return ""


# The cross build: a static 32-bit big-endian PowerPC program, and a
# big-endian BPF object beside it.
elf = open(env["RIG_E500_KVMIRQ"].strip("'"), "rb").read(64)
check(elf[:4] == b"\x7fELF" and elf[4] == 1 and elf[5] == 2 and elf[18:20] == b"\x00\x14",
      "build/ppc/kvmirq is ELF32 big-endian PowerPC")
bpf = open("build/ppc/bpf/kvmirq.bpf.o", "rb").read(64)
check(bpf[5] == 2 and bpf[18:20] == b"\x00\xf7", "build/ppc/bpf/kvmirq.bpf.o is big-endian BPF")

console = open(out + "/console.log", "rb").read().decode("latin-1")
check("Oops" not in console, "no kernel oops while the BPF programs loaded"
      + (" (the 6.1 ppc32 JIT writes past its image: see the console)" if "Oops" in console else ""))
check(read("run-0.status").strip() == "0", "kvmirq probe --json exited 0")
check(read("run-1.status").strip() == "0", "kvmirq probe exited 0")
try:
    probe = json.loads(read("run-0.log").strip().splitlines()[-1])
except (ValueError, IndexError):
    probe = {}
check(probe.get("machine") == "ppc", f"machine ppc ({probe.get('machine')})")
check(probe.get("btf") is True and probe.get("dev_kvm") is True, "BTF and /dev/kvm present")
check("error" not in probe and "strategy" in probe,
      f"libbpf loaded the BPF object ({probe.get('error', 'no error')})")
check(probe.get("strategy") == "syscall-tracepoint", f"strategy syscall-tracepoint ({probe.get('strategy')})")
refused = probe.get("fentry_refused") or ""
check("524" in refused or "not supported" in refused.lower(), f"fentry refused with ENOTSUPP ({refused!r})")
check(probe.get("inject_hooks") is False, "no injection hooks (they need fentry)")

state = {p["name"]: p for p in probe.get("programs", [])}
for name in ("on_set_irq", "on_ack_irq", "sys_enter_ioctl", "sys_exit_ioctl"):
    check(state.get(name, {}).get("state") == "attached", f"{name} attached")
for name in ("on_ioapic_set_irq", "on_pic_set_irq", "on_apic_accept_irq", "on_inj_virq",
             "on_msi_set_irq", "on_arm_irq_line", "on_vgic_update_pending"):
    p = state.get(name, {})
    check(p.get("state") == "not used" and "not in this kernel" in (p.get("why") or ""),
          f"{name} not used: not in this kernel")
fentry = [p for p in state.values() if p["name"].startswith(("enter_", "exit_", "inject_"))]
check(len(fentry) == 16 and all(p["state"] == "not used" for p in fentry),
      f"all {len(fentry)} fentry programs unused")
check(not [p for p in state.values() if p["state"] == "failed"], "no program failed")

# The recording: made big-endian, decoded on this (little-endian) host.
rec = out + "/mpic.kvmirq"
try:
    lines = [json.loads(l) for l in subprocess.run(
        ["build/kvmirq", "report", "--json", "--timeline", rec], capture_output=True,
        text=True, check=True).stdout.splitlines()]
except (subprocess.CalledProcessError, ValueError, OSError) as e:
    lines = []
    print(f"  report --json --timeline {rec}: {e}")
check(read("wait-rec.status").strip() == "0", "kvmirq record exited 0 (complete, nothing dropped)")
head = lines[0] if lines else {}
check(head.get("machine") == "ppc" and head.get("byte_order") == "big" and head.get("word_size") == 4,
      f"the recording says ppc, big-endian, 4-byte words ({head.get('machine')}, "
      f"{head.get('byte_order')}, {head.get('word_size')})")
events = [l for l in lines if l.get("type") == "event"]
ioctls = {}
for e in events:
    if e.get("kind") == "ioctl":
        ioctls[e["ioctl"]] = ioctls.get(e["ioctl"], 0) + 1
for name in ("KVM_CREATE_VM", "KVM_CREATE_DEVICE", "KVM_SET_DEVICE_ATTR", "KVM_GET_DEVICE_ATTR",
             "KVM_HAS_DEVICE_ATTR", "KVM_SET_GSI_ROUTING", "KVM_IRQ_LINE", "KVM_CREATE_VCPU",
             "KVM_ENABLE_CAP"):
    check(ioctls.get(name, 0) > 0, f"{name} recorded ({ioctls.get(name, 0)})")
creates = [e for e in events if e.get("ioctl") == "KVM_CREATE_DEVICE" and e.get("ret") == 0]
check(any((e.get("fields") or {}).get("type_name") == "fsl-mpic-20" for e in creates),
      "KVM_CREATE_DEVICE decoded as fsl-mpic-20")
named = [e for e in events if e.get("ioctl") == "KVM_SET_DEVICE_ATTR"
         and str((e.get("fields") or {}).get("register", "")).startswith("src_ivpr[")]
check(named, f"SET_DEVICE_ATTR of source IVPRs named by register ({len(named)})")
lines_up = [e for e in events if e.get("ioctl") == "KVM_IRQ_LINE" and e.get("ret") == 0]
set_irq = [e for e in events if e.get("kind") == "set_irq"]
check(lines_up and len(set_irq) == len(lines_up),
      f"one kvm_set_irq per successful KVM_IRQ_LINE ({len(set_irq)}, {len(lines_up)})")
check(all(e.get("vm", 0) > 0 for e in events if e.get("kind") == "ioctl" and e.get("fd_kind") != "system"),
      "every ioctl on a VM, vCPU or device fd names its VM")

text = read("run-1.log")
check("ioctl strategy:  syscall-tracepoint" in text and "fentry refused:" in text,
      "the text report names the strategy and why fentry was refused")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
EOF
