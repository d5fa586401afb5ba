#!/usr/bin/env bash
# A real QEMU on real arm64 KVM (the arm64 rig), snapshotted while it runs
# and migrated live (tests/rig/arm64/qemu-l1.sh safety): Debian's arm64
# QEMU with -accel kvm, the rig's in-kernel GICv3 and ITS and a virtio-rng
# PCI device, runs an L2 guest that prints a tick every 200 ms.
#  1. Safety: SNAPSHOTS (50) `kvmirq snapshot --pid` of that QEMU in a row
#     (the ptrace injector of src/vmm/remote_arm64.c): each exits 0, QEMU
#     stays alive and its guest ticks on after the last one.
#  2. Migration: the guest is stopped (HMP `stop` on a -monitor pipe),
#     snapshotted on the source, migrated over loopback to a second QEMU
#     (-incoming), snapshotted there, and resumed there: `kvmirq diff` of the
#     two snapshots finds no difference (the fields that change on their
#     own are listed apart, with the reason), and the guest ticks on in the
#     destination.
# A rig that cannot be built or booted fails.
#
# Environment: KVMIRQ_BUILD  the build directory of the host tool (default build)
#              SNAPSHOTS     how many snapshots in a row (default 50)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
SNAPSHOTS=${SNAPSHOTS:-50}
. tests/rig/common/testlib.sh
rig_test_setup arm64 migration
eval "$(cat "$out/build.env")"
cat >"$out/commands" <<COMMANDS
run /bin/busybox sh /bin/qemu-l1.sh safety $SNAPSHOTS
file /tmp/results
file /tmp/src.log
file /tmp/dst.log
file /tmp/src-mon.log
file /tmp/before.kvmsnap
file /tmp/after.kvmsnap
file /tmp/src.err
file /tmp/dst.err
file /tmp/safety.err
file /tmp/before.err
file /tmp/after.err
COMMANDS
rig_boot arm64 900 --bin tests/rig/arm64/qemu-l1.sh --archive "$RIG_ARM64_QEMU_ARCHIVE" \
	--memory 2048

pass=0 fail=0
result() { sed -n "s/^$1 //p" "$out/results" 2>/dev/null; }
expect() { # NAME VALUE
	local v
	v=$(result "$1")
	if [[ $v == "$2" ]]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL $1 = ${v:-missing}, expected $2"; fi
}
expect boot.ok 0
expect safety.failed 0
expect safety.alive 0
expect safety.ticking 0
expect before.rc 0
expect migrate.status completed
expect after.rc 0
expect dst.ticking 0
[[ -z $(result boot.retried) ]] || echo "INFO the L2 guest did not tick at first and was started again: $(result boot.retried)"
echo "INFO the L2 guest ticked after $(result boot.seconds) s; $SNAPSHOTS snapshots took" \
	"$(result safety.seconds) s; the migration $(result migrate.seconds) s (TCG)"
if ((fail)); then
	tail -n 5 "$out"/*.err "$out/src-mon.log" 2>/dev/null | tr -d '\r' | sed 's/^/    | /'
fi
rc=0
"$build/kvmirq" diff "$out/before.kvmsnap" "$out/after.kvmsnap" >"$out/diff.txt" 2>&1 || rc=$?
sed 's/^/    | /' "$out/diff.txt"
if ((rc == 0)); then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "FAIL kvmirq diff before after exited $rc"; fi
# Both hold the VGICv3's distributor, the redistributor and CPU interface
# of the one vCPU, and the ITS.
for f in before after; do
	chips=$("$build/kvmirq" show --json "$out/$f.kvmsnap" 2>/dev/null |
		sed -n 's/.*"chip":"\([a-z0-9-]*\)".*/\1/p' | sort | tr '\n' ' ')
	if [[ $chips == "arm-gicv3-cpu arm-gicv3-dist arm-gicv3-its arm-gicv3-redist " ]]; then
		pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL $f.kvmsnap holds ${chips:-nothing}"; fi
done
echo "$pass passed, $fail failed"
((fail == 0))
