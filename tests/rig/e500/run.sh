#!/bin/bash
# Boot the e500v2 rig once: QEMU's ppce500 board with an e500v2 CPU, the
# kernel and initramfs from build.sh; /init is the MPIC test VMM, which
# prints its snapshot files base64-encoded on the serial console. This
# script cuts them out of the console log into files.
#
# With --commands FILE the tool image boots instead: /init is
# ../common/rig-init.c, which runs FILE's commands (kvmirq, the VMM) and prints
# their output and files on the console.
#
# Usage: run.sh [--out DIR] [--timeout SECONDS] [--commands FILE [--bin PROGRAM]...]
#   --bin adds PROGRAM (built for the guest) to the tool image's /bin.
#   DIR (default: a new temporary directory, printed) receives
#     console.log         everything the guest printed
#     first.kvmsnap       VM A's snapshot          (each file checked against
#     second.kvmsnap      VM B's, after restore     the size and CRC-32 printed
#     expect.json         what the VMM programmed   with it)
#   and with --commands:
#     run-N.log, run-N.status   the output and exit status of FILE's line N
#                               (from 0) when it is a run command
#     wait-NAME.status          the status of background command NAME
#     every file a `file` command printed
# Exit status: 0 when the VMM (or every command) finished with status 0, 1
# when one reported a failure, 125 when the rig itself failed (no boot,
# timeout, garbled files).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
RIG_PROG=run.sh
RIG_DIE_STATUS=125
. "$here/../lib.sh"

out= timeout_s=${KVMIRQ_E500_TIMEOUT:-120} commands= extra_bins=()
while [ $# -gt 0 ]; do
	case $1 in
	--out) out=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--commands) commands=$2; shift 2 ;;
	--bin) extra_bins+=("$2"); shift 2 ;;
	-h | --help) sed -n '2,28p' "$0"; exit 0 ;;
	*) rig_die "unknown argument $1 (see --help)" ;;
	esac
done
if [ -z "$out" ]; then
	out=$(mktemp -d /tmp/kvmirq-e500.XXXXXX)
	rig_log "output in $out"
fi
mkdir -p "$out"
rm -f "$out"/console.log "$out"/*.kvmsnap "$out"/expect.json "$out"/run-* "$out"/wait-*
[ -z "$commands" ] || [ -f "$commands" ] || rig_die "no command file $commands"

eval "$("$here/build.sh" -q)" || rig_die "build.sh failed"
command -v qemu-system-ppc >/dev/null || rig_die "qemu-system-ppc not installed"

initrd=$RIG_E500_INITRD
if [ -n "$commands" ]; then
	initrd=$out/initrd.cpio.gz
	rig_initrd_with_commands "$RIG_E500_TOOL_INITRD" "$RIG_E500_CPIO" "$commands" "$initrd" \
		${extra_bins[@]+"${extra_bins[@]}"}
fi

start=$(date +%s.%N)
set +e
timeout --kill-after=5 "$timeout_s" qemu-system-ppc -M ppce500 -cpu e500v2 -m 256 \
	-nographic -no-reboot -kernel "$RIG_E500_KERNEL" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 quiet" </dev/null >"$out/console.log" 2>&1
qemu_status=$?
set -e
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
printf 'qemu %.1f s\n' "$elapsed" >"$out/timing"

tail_console() { tail -n 25 "$out/console.log" | tr -d '\r' >&2; }
[ "$qemu_status" -ne 124 ] && [ "$qemu_status" -ne 137 ] ||
	{ tail_console; rig_die "the guest ran past ${timeout_s} s (console: $out/console.log)"; }
done_line=$(tr -d '\r' <"$out/console.log" | grep -a '^KVMIRQ-DONE ' | tail -n 1 || true)
[ -n "$done_line" ] ||
	{ tail_console; rig_die "the guest never finished (qemu exit $qemu_status; console: $out/console.log)"; }

# Cut the files out of the log and check each against its size and CRC.
python3 "$here/../common/split-console.py" "$out" ${commands:+--commands} ||
	rig_die "the files on the console are garbled"

status=${done_line#KVMIRQ-DONE }
[ "$status" = 0 ] || { tr -d '\r' <"$out/console.log" | grep -a '^mpicvmm:\|^rig-init:' >&2 || true; exit 1; }
exit 0
