#!/usr/bin/env bash
# The main job: build kvmirq, show what this kernel offers, then open the
# viewer, `kvmirq top`: live on the VMs of this machine, or, where no VM is
# running (or there is no KVM at all), replaying the recording shipped in
# demo/ (a real QEMU guest recorded in the project's rig; demo/README.md).
# On a terminal the viewer is full-screen (q quits); otherwise it prints
# text frames.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
make -s
SUDO=; [[ $(id -u) -ne 0 ]] && SUDO=sudo
$SUDO build/kvmirq probe || true
batch=(); [[ -t 1 ]] || batch=(-b -n 8 -d 5)
if ls -l /proc/[0-9]*/fd 2>/dev/null | grep -q 'anon_inode:kvm-vm'; then
	echo "== VMs are running: kvmirq top, live"
	[[ -t 1 ]] || batch=(-b -n 5 -d 1)
	if $SUDO build/kvmirq top "${batch[@]}"; then exit 0; fi
	echo "== the live view could not start (see above): the shipped recording instead"
else
	echo "== no VM running here: kvmirq top on the shipped recording of a real QEMU guest (demo/)"
fi
exec build/kvmirq top -i demo/x86-qemu-guest.kvmirq --speed 4 "${batch[@]}"
