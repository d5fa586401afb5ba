#!/usr/bin/env bash
# kvmirq itself on the real e500 KVM (e500v2 rig): the tool cross-built for
# 32-bit big-endian PowerPC (build/ppc/, BPF object bpfeb) boots in the tool
# image and runs `kvmirq probe`. This 6.1 ppc32 kernel has no BPF
# trampoline, so fentry must be refused and the syscall tracepoints chosen;
# of the delivery tracepoints only KVM's generic ones exist on e500.
# A rig that cannot be built or booted fails.
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
cat >"$out/commands" <<'EOF'
run /bin/kvmirq probe --json
run /bin/kvmirq probe
EOF
rc=0
"$here/run.sh" --out "$out" --commands "$out/commands" || rc=$?
[ "$rc" -ne 125 ] || fail_rig "the e500 rig did not run (tests/rig/e500/run.sh)"
echo "rig: build/cache $built s, $(cat "$out/timing" 2>/dev/null)" >&2

python3 - "$out" <<'EOF'
import json, sys

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

text = read("run-1.log")
check("ioctl strategy:  syscall-tracepoint" in text and "fentry refused:" in text,
      "the text report names the strategy and why fentry was refused")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
EOF
