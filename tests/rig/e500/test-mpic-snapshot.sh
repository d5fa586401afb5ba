#!/usr/bin/env bash
# End to end on the real KVM MPIC (e500v2 rig): the test VMM programs an
# MPIC, snapshots it in-process, restores a second VM from that snapshot
# with one source's priority left out, and snapshots that too. Here:
# `kvmirq show --json` of the first must hold every programmed value, and
# `kvmirq diff` of the two must exit 1 naming exactly the left-out field
# (tests/e2e/check_mpic.py). A rig that cannot be built or booted fails.
#
# Environment: KVMIRQ_BUILD  the build directory of the host tool (default build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
build=${KVMIRQ_BUILD:-build}

fail_rig() {
	echo "FAIL $*"
	echo "0 passed, 1 failed"
	exit 1
}

make -s BUILD="$build" "$build/kvmirq" >/dev/null || fail_rig "cannot build $build/kvmirq"
out=$(mktemp -d /var/tmp/kvmirq-e500.XXXXXX)
# Kept when anything failed, for the console log and the snapshots.
trap 'if [ $? -eq 0 ]; then rm -rf "$out"; else echo "outputs kept in $out" >&2; fi' EXIT

start=$SECONDS
"$here/build.sh" >/dev/null || fail_rig "the e500 rig cannot be built (tests/rig/e500/build.sh)"
built=$((SECONDS - start))
rc=0
"$here/run.sh" --out "$out" || rc=$?
[ "$rc" -ne 125 ] || fail_rig "the e500 rig did not run (tests/rig/e500/run.sh)"
if [ "$rc" -ne 0 ]; then
	tr -d '\r' <"$out/console.log" | grep -a -v '^[A-Za-z0-9+/=]*$' | tail -n 20
	echo "FAIL the test VMM reported failure (exit $rc)"
fi
echo "rig: build/cache $built s, $(cat "$out/timing" 2>/dev/null)" >&2

line=$(python3 tests/e2e/check_mpic.py --kvmirq "$build/kvmirq" "$out" | tee /dev/stderr | tail -n 1)
p=${line%% passed*}
f=${line#*, }
f=${f%% failed*}
[[ $p =~ ^[0-9]+$ && $f =~ ^[0-9]+$ ]] || fail_rig "check_mpic.py printed no result"
# The VMM's own status counts as one check.
if [ "$rc" -eq 0 ]; then p=$((p + 1)); else f=$((f + 1)); fi
echo "$p passed, $f failed"
((f == 0))
