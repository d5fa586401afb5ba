#!/usr/bin/env bash
# The interrupt storm on this machine's own /dev/kvm (a real host's KVM, or
# this workplace's 6.18 PVM kernel): untraced; do-nothing programs on the
# hooks kvmirq uses here; kvmirq record (all kinds) and record -e delivery;
# ftrace writing the same delivery tracepoints into its own buffer with no
# reader; trace-cmd record of them. Rounds alternate (storm_rounds.sh);
# the summary gives each rate as a ratio to the untraced one and to
# trace-cmd's and ftrace's in the same round. Needs root and /dev/kvm.
#   tests/bench/storm-native.sh       (KVMIRQ_STORM_N, KVMIRQ_STORM_ROUNDS)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
cd "$here/../.."
if [[ ! -c /dev/kvm ]]; then
	echo "storm-native: no /dev/kvm on this machine: nothing measured" >&2
	exit 1
fi
make -s all build/bench/hook_floor >/dev/null
make -s -C tests/vmm >/dev/null
# The floor on the hooks kvmirq attaches here: fentry where the kernel takes it.
floor="floor-syscall"
strategy=$(build/kvmirq probe 2>/dev/null | sed -n 's/^ioctl strategy: *//p')
[[ $strategy == fentry* ]] && floor=floor
modes="untraced $floor ladder least batched kvmirq kvmirq-delivery ftrace"
# trace-cmd, where it can enable ftrace here (a locked-down kernel refuses it)
if command -v trace-cmd >/dev/null &&
	trace-cmd record -q -o "$(mktemp -u /tmp/kvmirq-tc.XXXXXX)" -e kvm:kvm_set_irq true >/dev/null 2>&1; then
	modes="$modes trace-cmd"
fi
out=$(mktemp -d /var/tmp/kvmirq-storm-native.XXXXXX)
trap 'rm -rf "$out"' EXIT
echo "kvmirq's ioctl strategy here: ${strategy:-unknown}"
KVMIRQ_STORM_N=${KVMIRQ_STORM_N:-400000} KVMIRQ_STORM_MODES=$modes "$here/storm_rounds.sh" "$out"
python3 "$here/storm_summary.py" "$out/storm.txt" native
