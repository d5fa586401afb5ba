#!/usr/bin/env bash
# End to end on the real KVM VGICv3 and ITS (arm64 rig): the test VMM
# (tests/vmm/gicvmm.c) programs a distributor, two redistributors, two CPU
# interfaces and an ITS with known values and raises lines, snapshots them
# in-process with kvmirq's snapshot code, saves the ITS tables into the
# guest's RAM as a migrating VMM does, restores a second VM from the
# snapshot file in the order the kernel documents, and snapshots that too.
# Here: every value it wrote must be in `kvmirq show --json` of the first
# snapshot, field by field, as KVM keeps it (tests/e2e/check_gic.py, with
# its own bit layouts), and `kvmirq diff` of the two must exit 0 with no
# difference. The VMM's own status counts as one check. A rig that cannot
# be built or booted fails.
#
# Environment: KVMIRQ_BUILD  the build directory of the host tool (default build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
. tests/rig/common/testlib.sh
rig_test_setup arm64 gic
cat >"$out/commands" <<'COMMANDS'
run /bin/gicvmm /tmp
COMMANDS
rig_boot arm64 300

vmm_ok=0
if [ "$(cat "$out/run-0.status" 2>/dev/null)" = 0 ] && grep -qx 'gicvmm: exit 0' "$out/run-0.log"; then
	vmm_ok=1
else
	grep -a '^gicvmm:' "$out/run-0.log" || true
	echo "FAIL gicvmm reported failure (status $(cat "$out/run-0.status" 2>/dev/null))"
fi
line=$(python3 tests/e2e/check_gic.py --kvmirq "$build/kvmirq" "$out" | tee /dev/stderr | tail -n 1)
p=${line%% passed*} f=${line#*, }
f=${f%% failed*}
[[ $p =~ ^[0-9]+$ && $f =~ ^[0-9]+$ ]] || fail_rig "check_gic.py printed no result"
if [ "$vmm_ok" = 1 ]; then p=$((p + 1)); else f=$((f + 1)); fi
echo "$p passed, $f failed"
((f == 0))
