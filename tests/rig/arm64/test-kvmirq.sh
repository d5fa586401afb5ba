#!/usr/bin/env bash
# kvmirq itself on real arm64 KVM with a VGICv3 and its ITS (the arm64 rig):
# the tool, cross-built static for arm64 (build/arm64/, the BPF object for
# __TARGET_ARCH_arm64), boots in the tool image. There, `kvmirq record` is
# started, `kvmirq probe --json` runs beside it while it loads (two vCPUs:
# the two BPF loads are most of the run), and once it records, the test VMM
# (tests/vmm/testvmm_arm64.c) makes its VGICv3/ITS ioctls.
# Here the recording is decoded (kvmirq report --json --timeline) and
# checked on raw fields (tests/e2e/check_arm64_kvmirq.py: the strategy probe
# found, the VGIC/ITS attribute groups, KVM_IRQ_LINE's irq words against the
# kvm_irq_line tracepoint, vgic_update_irq_pending), and its ioctls against
# testvmm's own log, field by field (tests/e2e/compare_ioctls.py).
# A rig that cannot be built or booted fails.
#
# Environment: KVMIRQ_BUILD  the build directory of the host tool (default build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
. tests/rig/common/testlib.sh
rig_test_setup arm64 kvmirq
# Line numbers matter: run-N.log is the output of line N (from 0).
cat >"$out/commands" <<'COMMANDS'
start rec /bin/kvmirq record -o /tmp/vmm.kvmirq
run /bin/kvmirq probe --json
await rec 300 recording to
run /bin/testvmm --log /tmp/vmm.jsonl
signal rec 2
wait rec
file /tmp/rec.log
file /tmp/vmm.jsonl
file /tmp/vmm.kvmirq
COMMANDS
rig_boot arm64 600

"$build/kvmirq" report --json --timeline "$out/vmm.kvmirq" >"$out/report.jsonl" ||
	fail_rig "kvmirq report --json --timeline failed on the arm64 recording"
status=0
line=$(python3 tests/e2e/check_arm64_kvmirq.py "$out" | tee /dev/stderr | tail -n 1) || status=1
p=${line%% passed*} f=${line#*, }
f=${f%% failed*}
[[ $p =~ ^[0-9]+$ && $f =~ ^[0-9]+$ ]] || fail_rig "check_arm64_kvmirq.py printed no result"
strategy=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])["strategy"])' \
	"$out/run-1.log" 2>/dev/null) || strategy=unknown
line=$(python3 tests/e2e/compare_ioctls.py "$out/vmm.jsonl" "$out/report.jsonl" \
	--strategy "$strategy" | tee /dev/stderr | tail -n 1) || status=1
p2=${line%% passed*} f2=${line#*, }
f2=${f2%% failed*}
[[ $p2 =~ ^[0-9]+$ && $f2 =~ ^[0-9]+$ ]] || fail_rig "compare_ioctls.py printed no result"
echo "$((p + p2)) passed, $((f + f2)) failed"
((status == 0 && f + f2 == 0))
