#!/usr/bin/env bash
# What a live viewer costs, in the nested x86 rig, measured in one run: the
# CPU time (user + system) per second of `kvmirq top`, `kvmirq stat`, kvm_stat (the
# kernel's own tool, from Debian's linux-source) and `perf kvm stat live`,
# each first with a VM that does nothing, then under the test VMM's
# KVM_IRQ_LINE storm. The viewers' work in the traced threads (BPF programs,
# perf counters) is not in these numbers: `make bench`'s storm part measures
# what tracing costs the VMM.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
cd "$root"
SECS=${SECS:-10}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; } # utime + stime
# stop PID: SIGINT, then SIGKILL after 5 s; never blocks on wait
stop() {
	kill -INT "$1" 2>/dev/null || return 0
	for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null || true
}
# The tracepoints kvmirq counts, for kvm_stat's filter: the same work for each viewer.
KVM_STAT_FILTER='^kvm_(set_irq|msi_set_irq|ioapic_set_irq|pic_set_irq|apic_accept_irq|eoi|pv_eoi|ack_irq|apic_ipi|inj_virq|ioapic_delayed_eoi_inj)$'

if [[ ${1:-} == --inside ]]; then
	out=$2 kvm_stat=$3
	vmm=tests/vmm/build/testvmm
	hz=$(getconf CLK_TCK)
	"$vmm" --hold 100000 >/dev/null 2>&1 & # an idle VM for the viewers to watch
	idle_vm=$!
	for viewer in kvmirq-top kvmirq-stat kvm_stat perf-kvm-stat; do
		case $viewer in
		kvmirq-top) build/kvmirq top -b -d 1 >/dev/null 2>"$out/$viewer.err" & ;;
		kvmirq-stat) build/kvmirq stat >/dev/null 2>"$out/$viewer.err" & ;;
		kvm_stat) python3 "$kvm_stat" -l -f "$KVM_STAT_FILTER" >/dev/null 2>"$out/$viewer.err" & ;;
		perf-kvm-stat) # run where it may write (the tree is read-only in L1)
			(cd /tmp && exec perf kvm stat live -d 1) >/dev/null 2>"$out/$viewer.err" & ;;
		esac
		pid=$!
		sleep 4
		a=$(cpu_ticks "$pid"); sleep "$SECS"; b=$(cpu_ticks "$pid")
		idle=$(python3 -c "print(($b - $a) / $hz / $SECS)")
		a=$(cpu_ticks "$pid")
		"$vmm" --storm 100000000 --kind irq_line >/dev/null 2>&1 &
		storm=$!
		sleep "$SECS"
		b=$(cpu_ticks "$pid")
		stop "$storm"
		busy=$(python3 -c "print(($b - $a) / $hz / $SECS)")
		stop "$pid"
		echo "viewer=$viewer idle_cpu=$idle storm_cpu=$busy" >>"$out/viewers.txt"
	done
	stop "$idle_vm"
	exit 0
fi

make -s all >/dev/null
make -s -C tests/vmm >/dev/null
eval "$(tests/rig/x86/build.sh -q)"
cache=${KVMIRQ_CACHE:-/var/tmp/kvmirq-cache}
kvm_stat=$cache/kvm_stat/kvm_stat
if [[ ! -s $kvm_stat ]]; then # the kernel's own script, from Debian's kernel source package
	. tests/rig/lib.sh
	rig_ensure_packages linux-source-6.1 xz-utils
	mkdir -p "$cache/kvm_stat"
	tar -xJOf /usr/src/linux-source-6.1.tar.xz linux-source-6.1/tools/kvm/kvm_stat/kvm_stat \
		>"$kvm_stat.tmp"
	mv "$kvm_stat.tmp" "$kvm_stat"
fi
out=$(mktemp -d /var/tmp/kvmirq-viewers.XXXXXX)
trap 'rm -rf "$out"' EXIT
tests/rig/x86/run-in-l1.sh --tcg-multi --out "$out" --timeout 1200 --env "SECS=$SECS" -- \
	"$here/viewer-rig.sh" --inside "$out" "$kvm_stat" >/dev/null
python3 - "$out/viewers.txt" <<'PY'
import sys
sys.path.insert(0, "tests/bench")
import targets
rows = [dict(kv.split("=") for kv in line.split()) for line in open(sys.argv[1])]
print("  viewer            CPU/s, idle VM   CPU/s, KVM_IRQ_LINE storm")
for r in rows:
    print(f"  {r['viewer']:<17} {float(r['idle_cpu']):>14.4f} {float(r['storm_cpu']):>20.4f}")
# issue #15: kvmirq's viewers' CPU per second under the storm beside the others'
storm = {r["viewer"]: float(r["storm_cpu"]) for r in rows}
for ours in ("kvmirq-top", "kvmirq-stat"):
    for theirs in ("kvm_stat", "perf-kvm-stat"):
        if ours in storm and storm.get(theirs):
            targets.add(f"storm: {ours} CPU/s / {theirs}'s (rig)",
                        f"{storm[ours] / storm[theirs]:.2f} ({storm[ours]:.3f} / {storm[theirs]:.3f})",
                        "report")
PY
