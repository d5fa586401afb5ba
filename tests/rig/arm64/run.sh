#!/bin/bash
# Boot the arm64 rig once: QEMU's virt board with EL2 (virtualization=on), a
# GICv3 with its ITS, -cpu max under TCG; Debian's arm64 kernel comes up in
# VHE mode with KVM. /init is ../common/rig-init.c, which runs FILE's
# commands (kvmirq, the test VMM, busybox) and prints their output and files
# on the console; this script cuts them out into files.
#
# Usage: run.sh --commands FILE [--out DIR] [--timeout SECONDS] [--bin PROGRAM]...
#               [--archive CPIO]... [--memory MB]
#   --bin adds PROGRAM (built for arm64) to the image's /bin.
#   --archive adds an uncompressed cpio archive to the image (build.sh's
#     RIG_ARM64_QEMU_ARCHIVE: a real QEMU and its L2 guest).
#   --memory: the guest's RAM (default 1024 MB).
#   DIR (default: a new temporary directory, printed) receives
#     console.log               everything the guest printed
#     run-N.log, run-N.status   the output and exit status of FILE's line N
#                               (from 0) when it is a run command
#     wait-NAME.status          the status of background command NAME
#     every file a `file` command printed
#     timing                    QEMU's wall time
# Exit status: 0 when every command finished with status 0, 1 when one
# failed, 125 when the rig itself failed (no boot, timeout, garbled files).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
RIG_PROG=run.sh
RIG_DIE_STATUS=125
. "$here/../lib.sh"

out= timeout_s=${KVMIRQ_ARM64_TIMEOUT:-300} commands= extra_bins=() archives=() memory=1024
while [ $# -gt 0 ]; do
	case $1 in
	--out) out=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--commands) commands=$2; shift 2 ;;
	--bin) extra_bins+=("$2"); shift 2 ;;
	--archive) archives+=("$2"); shift 2 ;;
	--memory) memory=$2; shift 2 ;;
	-h | --help) sed -n '2,22p' "$0"; exit 0 ;;
	*) rig_die "unknown argument $1 (see --help)" ;;
	esac
done
[ -n "$commands" ] || rig_die "--commands FILE is required (see --help)"
[ -f "$commands" ] || rig_die "no command file $commands"
if [ -z "$out" ]; then
	out=$(mktemp -d /tmp/kvmirq-arm64.XXXXXX)
	rig_log "output in $out"
fi
mkdir -p "$out"
rm -f "$out"/console.log "$out"/run-* "$out"/wait-*

eval "$("$here/build.sh" -q)" || rig_die "build.sh failed"
command -v qemu-system-aarch64 >/dev/null || rig_die "qemu-system-aarch64 not installed"

initrd=$out/initrd.cpio.gz
rig_initrd_with_commands "$RIG_ARM64_INITRD" "$RIG_ARM64_CPIO" "$commands" "$initrd" \
	${extra_bins[@]+"${extra_bins[@]}"}
for archive in ${archives[@]+"${archives[@]}"}; do
	[ -f "$archive" ] || rig_die "no archive $archive (--archive)"
	# The kernel takes an uncompressed archive only at a 4-byte boundary.
	truncate -s %4 "$initrd"
	cat "$archive" >>"$initrd"
done

# -smp 2: a test can load two BPF objects at once (the slow part under
# TCG: about a minute each). The GIC's ITS is QEMU's default on virt.
start=$(date +%s.%N)
set +e
timeout --kill-after=5 "$timeout_s" qemu-system-aarch64 \
	-M virt,virtualization=on,gic-version=3 -cpu max -accel tcg -m "$memory" -smp 2 \
	-nographic -no-reboot -kernel "$RIG_ARM64_KERNEL" -initrd "$initrd" \
	-append "console=ttyAMA0 panic=-1 quiet" </dev/null >"$out/console.log" 2>&1
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
if tr -d '\r' <"$out/console.log" | grep -aqE 'Internal error: Oops|Kernel panic|BUG: '; then
	tail_console
	rig_die "the guest kernel oopsed (console: $out/console.log)"
fi

python3 "$here/../common/split-console.py" "$out" --commands ||
	rig_die "the files on the console are garbled"

status=${done_line#KVMIRQ-DONE }
[ "$status" = 0 ] || { tr -d '\r' <"$out/console.log" | grep -a '^rig-init:' >&2 || true; exit 1; }
exit 0
