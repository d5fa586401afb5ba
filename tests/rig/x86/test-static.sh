#!/usr/bin/env bash
# The static kvmirq on real KVM (nested x86 rig) in a root that holds nothing
# but itself and the static test VMM: no libraries, no loader, no /etc.
# Inside L1 it runs `kvmirq probe`, then records the test VMM's scripted run;
# on the host the normal build's `report --json` must show that run: every
# ioctl the VMM logged, field for field (tests/e2e/compare_ioctls.py), and
# the in-kernel deliveries they caused.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"

# Inside L1: the bare root on L1's tmpfs, the kernel's files bound in, and
# the results copied to the out dir.
if [[ ${1:-} == --inside ]]; then
	out=$2
	bare=$(mktemp -d /tmp/static-root.XXXXXX)
	mkdir "$bare/proc" "$bare/sys" "$bare/dev" "$bare/tmp"
	cp build/static/kvmirq build/tests/testvmm "$bare/"
	find "$bare" | sed "s|^$bare||" >"$out/bare-root.txt"
	mount --bind /proc "$bare/proc"
	mount --rbind /sys "$bare/sys"
	mount --rbind /dev "$bare/dev"
	trap 'umount -R "$bare/dev" "$bare/sys" "$bare/proc" && rm -rf --one-file-system "$bare"' EXIT
	rc=0
	chroot "$bare" /kvmirq probe >"$out/probe.txt" 2>&1 || rc=$?
	echo "$rc" >"$out/probe.rc"
	chroot "$bare" /kvmirq record -o /tmp/trace.kvmirq 2>"$out/record.err" &
	rec=$!
	for _ in $(seq 300); do
		grep -q "recording to" "$out/record.err" 2>/dev/null && break
		kill -0 "$rec" 2>/dev/null || break
		sleep 0.1
	done
	rc=0
	chroot "$bare" /testvmm --log /tmp/vmm.jsonl 2>"$out/vmm.err" || rc=$?
	echo "$rc" >"$out/vmm.rc"
	kill -TERM "$rec"
	rc=0
	wait "$rec" || rc=$?
	echo "$rc" >"$out/record.rc"
	cp "$bare/tmp/trace.kvmirq" "$bare/tmp/vmm.jsonl" "$out/" 2>/dev/null || true
	exit 0
fi

make -s all static build/tests/testvmm >/dev/null
out=$(mktemp -d /var/tmp/kvmirq-static.XXXXXX)
trap 'rm -rf "$out"' EXIT
"$here/run-in-l1.sh" --out "$out" --timeout 600 -- "$here/test-static.sh" --inside "$out"

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# The root held only the two programs and the mount points.
want=$'\n/dev\n/kvmirq\n/proc\n/sys\n/testvmm\n/tmp'
if [[ $(sort "$out/bare-root.txt") == "$want" ]]; then ok; else bad "bare root: $(tr '\n' ' ' <"$out/bare-root.txt")"; fi
for f in probe.rc vmm.rc record.rc; do
	v=$(cat "$out/$f" 2>/dev/null || echo missing)
	if [[ $v == 0 ]]; then ok; else bad "$f = $v"; tail -n 5 "$out/${f%.rc}".{err,txt} 2>/dev/null || true; fi
done
# probe found KVM and BTF and attached the delivery tracepoints.
for line in '^/dev/kvm: +present' '^BTF: +yes' 'on_set_irq +kvm/kvm_set_irq +attached'; do
	if grep -qE "$line" "$out/probe.txt"; then ok; else bad "probe lacks /$line/"; cat "$out/probe.txt"; fi
done

build/kvmirq report --json --timeline "$out/trace.kvmirq" >"$out/report.jsonl" 2>"$out/report.err" || true
line=$(python3 tests/e2e/compare_ioctls.py "$out/vmm.jsonl" "$out/report.jsonl" | tee /dev/stderr | tail -n 1) || true
p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
[[ $p =~ ^[0-9]+$ && $f =~ ^[0-9]+$ ]] || { p=0; f=1; echo "FAIL compare_ioctls.py: $line"; }
pass=$((pass + p)); fail=$((fail + f))
# The VMM's scripted lines and MSIs reached the in-kernel chips, none dropped.
read -r pid < <(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["pid"])' "$out/vmm.jsonl")
deliveries=$(python3 - "$out/report.jsonl" "$pid" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
head = next((r for r in rows if r.get("type") == "recording"), {})
vm = [r for r in rows if r.get("type") == "vm_summary" and r.get("pid") == int(sys.argv[2])]
ev = vm[0]["events"] if vm else {}
print(head.get("dropped"), *(ev.get(k, 0) for k in ("set_irq", "msi_set_irq", "apic_accept_irq")))
PY
)
read -r dropped set_irq msi accept <<<"$deliveries"
if [[ $dropped == 0 ]]; then ok; else bad "dropped $dropped events"; fi
for kind in set_irq msi accept; do
	if ((${!kind:-0} > 0)); then ok; else bad "no $kind events for the VMM (pid $pid)"; fi
done
echo "$pass passed, $fail failed"
((fail == 0))
