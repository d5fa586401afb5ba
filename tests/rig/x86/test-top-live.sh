#!/usr/bin/env bash
# kvmirq top, live, on a real QEMU guest (nested x86 rig). Inside L1 a real
# qemu-system-x86_64 -accel kvm runs an L2 guest that prints a tick every
# 200 ms on its serial port (its UART interrupts), while
#  1. `kvmirq top -b --json` prints frames: the VM must appear with QEMU's
#     pid and -name, its line, injection and EOI rates must move, and the
#     serial port's GSI 4 must be among its lines;
#  2. the real screen runs in tmux: the VM row appears with moving rates, Enter opens it
#     and reads its controllers once (ptrace), r reads them again, 3 opens the IOAPIC, whose entry for
#     the serial port shows the vector the guest programmed (checked
#     against `kvmirq snapshot --pid` of the same QEMU), and q exits 0.
# KVMIRQ_RIG_QEMU=trixie runs Debian 13's QEMU as the VMM instead of Debian
# 12's (rig-qemu.sh). Fails loudly when the rig cannot be built or booted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"

ticks() { local n; n=$(grep -c '^tick' "$1" 2>/dev/null); echo "${n:-0}"; }

if [[ ${1:-} == --inside ]]; then
	out=$2 kernel=$3 initrd=$4 qemu_bin=$5
	"$qemu_bin" -accel kvm -m 256 -smp 2 -display none -monitor none -no-reboot \
		-name guest=live-guest -kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1" -serial file:"$out/guest.log" 2>/dev/null &
	qemu=$!
	echo "$qemu" >"$out/qemu.pid"
	for _ in $(seq 1200); do (($(ticks "$out/guest.log") >= 3)) && break; sleep 0.1; done
	ticks "$out/guest.log" >"$out/ticks-at-start"
	rc=0
	build/kvmirq top -b --json -n 6 -d 1 >"$out/frames.jsonl" 2>"$out/top.err" || rc=$?
	echo "$rc" >"$out/batch.rc"
	build/kvmirq snapshot --pid "$qemu" -o "$out/cli.kvmsnap" 2>"$out/snapshot.err" || true
	# the real screen, in a tmux server of our own
	tm() { tmux -L kvmirq-live "$@"; }
	screen() { tm capture-pane -p -t top; }
	wait_for() { # PATTERN SECONDS
		local deadline=$((SECONDS + $2))
		while ((SECONDS < deadline)); do
			screen 2>/dev/null | grep -qE -- "$1" && return 0
			sleep 0.2
		done
		return 1
	}
	tm new-session -d -s top -x 100 -y 30 \
		"build/kvmirq top -d 1; echo \$? >$out/tui.rc; sleep 2"
	wait_for "live-guest" 60 && echo 0 >"$out/tui-vm" || echo 1 >"$out/tui-vm"
	# The rig's keeper's VMs (keeper.py) are listed too: filter down to the guest with '/'.
	tm send-keys -t top /
	sleep 1
	tm send-keys -t top live-guest Enter
	sleep 4 # a few refreshes: the rates on the screen must have moved
	screen >"$out/screen-vms.txt" || true
	tm send-keys -t top Enter
	wait_for "^Controllers" 20 || true
	# opening the VM reads its controllers once by itself
	wait_for "controllers read" 30 || true
	screen >"$out/screen-vm-open.txt" || true
	tm send-keys -t top r
	# reading stops the VMM (ptrace): under emulation it can take seconds
	wait_for "controllers read" 30 || true
	screen >"$out/screen-vm.txt" || true
	tm send-keys -t top 3
	wait_for "IOAPIC|ioapic" 20 || true
	sleep 1
	screen >"$out/screen-ioapic.txt" || true
	tm send-keys -t top q
	for _ in $(seq 100); do [[ -e $out/tui.rc ]] && break; sleep 0.1; done
	tm kill-server 2>/dev/null || true
	kill "$qemu" 2>/dev/null || true
	wait "$qemu" 2>/dev/null || true
	exit 0
fi

make -s all >/dev/null
eval "$("$here/build.sh" -q)"
qemu_bin=$("$here/rig-qemu.sh")
out=$(mktemp -d /var/tmp/kvmirq-toplive.XXXXXX)
[[ -n ${KVMIRQ_KEEP:-} ]] || trap 'rm -rf "$out"' EXIT
"$here/l2-initrd.sh" "$out/l2.cpio.gz"
"$here/run-in-l1.sh" --tcg-multi --out "$out" --timeout 900 -- \
	"$here/test-top-live.sh" --inside "$out" "$RIG_X86_KERNEL" "$out/l2.cpio.gz" "$qemu_bin"
# not exec: the EXIT trap removes the out dir
python3 tests/e2e/check_top_live.py "$out"
