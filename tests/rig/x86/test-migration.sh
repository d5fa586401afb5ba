#!/usr/bin/env bash
# Real QEMU, real guest, real live migration (nested x86 rig). Inside L1 a
# QEMU with -accel kvm runs an L2 guest that prints a tick every 200 ms.
#  1. Safety: SNAPSHOTS (200) `kvmirq snapshot --pid` of that QEMU while
#     its guest runs; QEMU must stay alive and running (QMP query-status),
#     the guest must keep ticking, and every snapshot must succeed.
#  2. Migration: the guest is paused, snapshotted on the source, migrated
#     over loopback to a second QEMU (-incoming), snapshotted there, and
#     resumed; `kvmirq diff` of the two snapshots must report no
#     difference (fields that change on their own are listed apart), and
#     the guest must tick on in the destination. kvmirq records the
#     migration on both sides, and `kvmirq check` must find nothing in it.
# KVMIRQ_RIG_QEMU=trixie runs Debian 13's QEMU as the VMM instead of Debian
# 12's (rig-qemu.sh); KVMIRQ_RIG_QEMU_DST (default: the same) picks the
# destination's, and when the two differ both run machine type
# pc-i440fx-7.2, the newest that both know (QEMU migrates forward between
# versions only on one machine type). Fails loudly when the rig cannot be
# built or booted. Should the source QEMU die during the snapshots, the test
# ends at once and says how (exit status or signal, QEMU's and L1's logs);
# an exit 0 with nothing said is the guest resetting itself, the rig's
# failure (125).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
SNAPSHOTS=${SNAPSHOTS:-200}

qmp() { python3 tests/e2e/qmp.py "$@"; }
ticks() { local n; n=$(grep -c '^tick' "$1" 2>/dev/null); echo "${n:-0}"; }
wait_ticks() { # LOG N PID: until LOG has N ticks, or QEMU died, or 120 s passed
	for _ in $(seq 1200); do
		(($(ticks "$1") >= $2)) && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
record() { echo "$2" >"$out/$1"; } # NAME VALUE: a result for the host side

if [[ ${1:-} == --inside ]]; then
	out=$2 kernel=$3 initrd=$4 qemu_bin=$5 qemu_dst=$6
	sock=$(mktemp -d /tmp/kvmirq-qmp.XXXXXX) # the out dir is 9p: no sockets there
	guest=(-accel kvm -m 256 -smp 2 -display none -monitor none -no-reboot
	       -kernel "$kernel" -initrd "$initrd" -append "console=ttyS0 quiet panic=-1")
	[[ $qemu_dst == "$qemu_bin" ]] || guest+=(-M pc-i440fx-7.2)
	boot_src() {
		rm -f "$out/src.log" "$sock/src.qmp"
		"$qemu_bin" "${guest[@]}" -name guest=mig-src -serial file:"$out/src.log" \
			-D "$out/src-qemu.log" -d guest_errors \
			-qmp unix:"$sock/src.qmp",server,nowait 2>"$out/src.err" &
		src=$!
		wait_ticks "$out/src.log" 3 "$src"
	}
	# The L2 guest's boot under nested emulation fails now and then, before
	# kvmirq has done anything: boot it once more, and say so (boot.retried).
	if ! boot_src; then
		kill "$src" 2>/dev/null || true
		wait "$src" 2>/dev/null || true
		{ cat "$out/src.err"; tail -20 "$out/src.log" 2>/dev/null; } >"$out/first-boot.txt"
		record boot.retried 1
		if ! boot_src; then
			record boot.ok 1 # the rest needs a running guest
			kill "$src" 2>/dev/null || true
			exit 0
		fi
	fi
	record boot.ok 0
	"$qemu_bin" --version | head -1 >"$out/src.version"
	"$qemu_dst" --version | head -1 >"$out/dst.version"

	# 1. safety under a running guest
	before=$(ticks "$out/src.log") fails=0
	for i in $(seq "$SNAPSHOTS"); do
		build/kvmirq snapshot -q --force --pid "$src" -o "$out/run.kvmsnap" 2>>"$out/safety.err" ||
			fails=$((fails + 1))
	done
	record safety.failed "$fails"
	if kill -0 "$src" 2>/dev/null; then
		record safety.alive 0
	else
		# how it ended, for the report: an exit status or a signal (128+N),
		# and what L1's kernel said meanwhile
		record safety.alive 1
		st=0
		wait "$src" 2>/dev/null || st=$?
		record safety.exit "$st"
		dmesg 2>/dev/null | tail -n 40 >"$out/l1-dmesg.txt" || true
		exit 0 # nothing left to migrate: the host side says why, at once
	fi
	qmp "$sock/src.qmp" query-status >"$out/safety-status.json" 2>>"$out/safety.err" || true
	wait_ticks "$out/src.log" $((before + 5)) "$src" && record safety.ticking 0 ||
		record safety.ticking 1
	build/kvmirq snapshot --force --pid "$src" -o "$out/run.kvmsnap" 2>"$out/stop-time.txt" || true

	# 2. migration of the paused guest, recorded on both sides
	build/kvmirq record -q -o "$out/migration.kvmirq" 2>"$out/record.err" &
	rec=$!
	for _ in $(seq 300); do [[ -s $out/migration.kvmirq ]] && break; sleep 0.1; done
	qmp "$sock/src.qmp" stop >/dev/null || true
	rc=0
	build/kvmirq snapshot --pid "$src" -o "$out/before.kvmsnap" 2>"$out/before.err" || rc=$?
	record before.rc $rc
	"$qemu_dst" "${guest[@]}" -name guest=mig-dst -serial file:"$out/dst.log" \
		-qmp unix:"$sock/dst.qmp",server,nowait -incoming tcp:127.0.0.1:4444 \
		2>"$out/dst.err" &
	dst=$!
	for _ in $(seq 100); do [[ -S $sock/dst.qmp ]] && break; sleep 0.1; done
	sleep 1
	qmp "$sock/src.qmp" migrate '{"uri": "tcp:127.0.0.1:4444"}' >/dev/null || true
	status=none
	for _ in $(seq 1200); do
		status=$(qmp "$sock/src.qmp" query-migrate 2>/dev/null |
			python3 -c 'import json,sys; print(json.load(sys.stdin).get("status","none"))' \
			2>/dev/null || echo none)
		[[ $status == completed || $status == failed ]] && break
		sleep 0.1
	done
	record migrate.status "$status"
	# "completed" is the source's word once all is sent; the destination puts
	# the state into KVM after that, and leaves "inmigrate" when it has.
	for _ in $(seq 300); do
		qmp "$sock/dst.qmp" query-status 2>/dev/null | grep -q '"inmigrate"' || break
		sleep 0.1
	done
	rc=0
	build/kvmirq snapshot --pid "$dst" -o "$out/after.kvmsnap" 2>"$out/after.err" || rc=$?
	record after.rc $rc
	qmp "$sock/dst.qmp" cont >/dev/null || true
	wait_ticks "$out/dst.log" 5 "$dst" && record dst.ticking 0 || record dst.ticking 1
	kill -INT "$rec" 2>/dev/null || true
	rc=0
	wait "$rec" || rc=$?
	record record.rc $rc
	qmp "$sock/src.qmp" quit >/dev/null 2>&1 || true
	qmp "$sock/dst.qmp" quit >/dev/null 2>&1 || true
	wait "$src" "$dst" 2>/dev/null || true
	exit 0
fi

make -s all >/dev/null
eval "$("$here/build.sh" -q)"
qemu_bin=$("$here/rig-qemu.sh")
qemu_dst=$("$here/rig-qemu.sh" "${KVMIRQ_RIG_QEMU_DST:-}")
out=$(mktemp -d /var/tmp/kvmirq-mig.XXXXXX)
[[ -n ${KVMIRQ_KEEP:-} ]] || trap 'rm -rf "$out"' EXIT
"$here/l2-initrd.sh" "$out/l2.cpio.gz"
"$here/run-in-l1.sh" --tcg-multi --out "$out" --timeout 1500 --env SNAPSHOTS -- \
	"$here/test-migration.sh" --inside "$out" "$RIG_X86_KERNEL" "$out/l2.cpio.gz" "$qemu_bin" "$qemu_dst"

# The source QEMU died during the snapshots: how (an exit status, or a
# signal as 128+N), what it and L1's kernel said. A signal or an error is
# this test's failure, below. An exit 0 with nothing said is the guest
# resetting itself (QEMU runs it with -no-reboot): a read-only snapshot
# cannot make a guest reset, nested TCG does now and then (its boot fails
# the same way, see boot_src), so that is the rig's failure (125, which
# tests/run.sh retries once).
if [[ -e $out/safety.exit ]]; then
	st=$(cat "$out/safety.exit")
	how="exit status $st"
	((st > 128)) && how="signal $((st - 128)) ($(kill -l $((st - 128)) 2>/dev/null || echo ?))"
	echo "QEMU died during the snapshots: $how, after $(ticks "$out/src.log") guest ticks"
	# (each listing may find nothing: under set -e and pipefail that must not end the script)
	echo "  the snapshots' first errors:"
	grep -v "no process" "$out/safety.err" | head -n 5 | sed 's/^/    | /' || true
	echo "  QEMU's stderr and log (-d guest_errors):"
	{ cat "$out/src.err"; tail -n 15 "$out/src-qemu.log"; } 2>/dev/null | sed 's/^/    | /' || true
	echo "  L1's kernel log, last lines:"
	tail -n 15 "$out/l1-dmesg.txt" 2>/dev/null | sed 's/^/    | /' || true
	if [[ $st == 0 && ! -s $out/src.err ]]; then
		echo "test-migration: the L2 guest reset itself under nested TCG (QEMU -no-reboot exited 0): the rig failed" >&2
		exit 125
	fi
fi

pass=0 fail=0
echo "source: $(cat "$out/src.version" 2>/dev/null), destination: $(cat "$out/dst.version" 2>/dev/null)"
if [[ -e $out/boot.retried ]]; then
	echo "NOTE: the L2 guest did not boot the first time and was booted again; the first boot:"
	sed 's/^/    | /' "$out/first-boot.txt"
fi
if [[ $(cat "$out/boot.ok" 2>/dev/null) != 0 ]]; then
	echo "the L2 guest did not boot (twice); its QEMU said:"
	{ cat "$out/src.err"; tail -20 "$out/src.log"; } 2>/dev/null | sed 's/^/    | /'
fi
expect() { # FILE VALUE
	local v
	v=$(cat "$out/$1" 2>/dev/null || echo missing)
	if [[ $v == "$2" ]]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL $1 = $v, expected $2"; fi
}
expect boot.ok 0
expect safety.failed 0
expect safety.alive 0
expect safety.ticking 0
if grep -q '"running": true' "$out/safety-status.json" 2>/dev/null; then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "FAIL QEMU not running after the snapshots: $(cat "$out/safety-status.json" 2>/dev/null)"; fi
expect before.rc 0
expect migrate.status completed
expect after.rc 0
expect dst.ticking 0
rc=0
build/kvmirq diff "$out/before.kvmsnap" "$out/after.kvmsnap" >"$out/diff.txt" 2>&1 || rc=$?
cat "$out/diff.txt" >&2
if ((rc == 0)); then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "FAIL kvmirq diff before after exited $rc"; fi
# the two snapshots hold the same controllers, with LAPICs for both vCPUs
for f in before after; do
	n=$(build/kvmirq show --json "$out/$f.kvmsnap" 2>/dev/null | grep -c '"chip":"x86-lapic"' || true)
	if ((n == 2)); then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL $f.kvmsnap has $n LAPICs, expected 2"; fi
done
# kvmirq check on the migration recorded on both sides: a real QEMU's save
# and restore break none of the rules (restore-audit audits it: the
# destination restores what the source saved before it runs)
expect record.rc 0
rc=0
build/kvmirq check --json "$out/migration.kvmirq" >"$out/check.json" 2>&1 || rc=$?
grep -v '"severity":"info"' "$out/check.json" >&2 || true
if ((rc == 0)); then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "FAIL kvmirq check of the recorded migration exited $rc"; fi
if ! grep -q 'cannot be decided on this recording' "$out/check.json" &&
	grep -Eq 'restore-audit.*start running with all 5 registers that VM [0-9]+ saved' "$out/check.json"; then
	pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "FAIL kvmirq check did not decide the state rules on the migration (the audit: all 5 registers restored)"; fi
cat "$out/stop-time.txt" >&2 || true
tail -3 "$out"/*.err >&2 2>/dev/null || true
echo "$pass passed, $fail failed"
((fail == 0))
