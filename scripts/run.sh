#!/usr/bin/env bash
# The main job: build kvmirq, show what this kernel offers, then open the
# viewer, `kvmirq top`: live on the VMs of this machine, or, where no VM is
# running (or there is no KVM at all), replaying the recording shipped in
# demo/ (a real QEMU guest recorded in the project's rig; demo/README.md).
# On a terminal the viewer is full-screen (q quits); otherwise it prints
# text frames.
#
# Usage: scripts/run.sh [--demo x86|mpic]
#   --demo x86    replay the x86 demo even where VMs run (a real QEMU guest)
#   --demo mpic   replay the PowerPC MPIC demo: a real e500 VMM and its
#                 in-kernel MPIC recorded in the e500 rig (demo/README.md);
#                 Enter on the VM, then on its controller, shows the MPIC's
#                 registers decoded
set -euo pipefail
cd "$(dirname "$0")/.."
demo=
case "${1:-}" in
"") ;;
--demo) demo=${2:-}; [[ $demo == x86 || $demo == mpic ]] ||
	{ echo "usage: scripts/run.sh [--demo x86|mpic]" >&2; exit 2; } ;;
*) echo "usage: scripts/run.sh [--demo x86|mpic]" >&2; exit 2 ;;
esac
scripts/deps.sh
make -s
SUDO=; [[ $(id -u) -ne 0 ]] && SUDO=sudo
$SUDO build/kvmirq probe || true
batch=(); [[ -t 1 ]] || batch=(-b -n 8 -d 5)
if [[ $demo == mpic ]]; then
	echo "== the PowerPC MPIC demo: kvmirq top on a recording of real e500 KVM (demo/)"
	build/kvmirq report demo/ppc-e500-mpic.kvmirq >/tmp/kvmirq-mpic-demo.txt
	head -n 8 /tmp/kvmirq-mpic-demo.txt
	# under a second of recording: slow it down, and print the VM in detail
	[[ -t 1 ]] || batch=(-b -n 6 -d 0.1 --vm 1)
	exec build/kvmirq top -i demo/ppc-e500-mpic.kvmirq --speed 0.25 "${batch[@]}"
fi
if [[ $demo != x86 ]] && ls -l /proc/[0-9]*/fd 2>/dev/null | grep -q 'anon_inode:kvm-vm'; then
	echo "== VMs are running: kvmirq top, live"
	[[ -t 1 ]] || batch=(-b -n 5 -d 1)
	if $SUDO build/kvmirq top "${batch[@]}"; then exit 0; fi
	echo "== the live view could not start (see above): the shipped recording instead"
else
	echo "== no VM running here: kvmirq top on the shipped recording of a real QEMU guest (demo/)"
fi
exec build/kvmirq top -i demo/x86-qemu-guest.kvmirq --speed 4 "${batch[@]}"
