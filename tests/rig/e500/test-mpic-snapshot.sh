#!/usr/bin/env bash
# End to end on the real KVM MPIC (e500v2 rig), for both versions KVM
# offers (FSL MPIC 2.0 as the boot's /init, then 4.2 in a second boot of
# the tool image): the test VMM programs an MPIC, snapshots it
# in-process, restores a second VM from that snapshot with one source's
# priority left out, and snapshots that too. Here, for each version:
# `kvmirq show --json` of the first must hold every programmed value, and
# `kvmirq diff` of the two must exit 1 naming exactly the left-out field
# (tests/e2e/check_mpic.py --type, which also holds the VMM's expectations
# against its own description of the version). A rig that cannot be built
# or booted fails.
#
# Environment: KVMIRQ_BUILD  the build directory of the host tool (default build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
. tests/rig/common/testlib.sh
rig_test_setup e500 snapshot
p=0 f=0

# Boot TYPE's run into DIR (v2.0: /init is the VMM; v4.2: the tool image
# runs it with --type 42) and check it; adds to p and f.
check_type() {
	local type=$1 dir=$2 rc=0 line tp tf
	mkdir -p "$dir"
	if [ "$type" = 20 ]; then
		"$here/run.sh" --out "$dir" || rc=$?
	else
		echo "run /bin/mpicvmm --type $type /tmp" >"$dir/commands"
		"$here/run.sh" --out "$dir" --commands "$dir/commands" || rc=$?
	fi
	[ "$rc" -ne 125 ] || fail_rig "the e500 rig did not run (tests/rig/e500/run.sh, MPIC $type)"
	if [ "$rc" -ne 0 ]; then
		tr -d '\r' <"$dir/console.log" | grep -a -v '^[A-Za-z0-9+/=]*$' | tail -n 20
		echo "FAIL the test VMM reported failure on MPIC $type (exit $rc)"
	fi
	echo "rig: MPIC $type: $(cat "$dir/timing" 2>/dev/null)" >&2
	line=$(python3 tests/e2e/check_mpic.py --kvmirq "$build/kvmirq" --type "$type" "$dir" |
		tee /dev/stderr | tail -n 1)
	tp=${line%% passed*}
	tf=${line#*, }
	tf=${tf%% failed*}
	[[ $tp =~ ^[0-9]+$ && $tf =~ ^[0-9]+$ ]] || fail_rig "check_mpic.py printed no result (MPIC $type)"
	# The VMM's own status counts as one check.
	if [ "$rc" -eq 0 ]; then tp=$((tp + 1)); else tf=$((tf + 1)); fi
	p=$((p + tp)) f=$((f + tf))
}

check_type 20 "$out"
check_type 42 "$out/v42"
echo "rig: build/cache $built s" >&2
echo "$p passed, $f failed"
((f == 0))
