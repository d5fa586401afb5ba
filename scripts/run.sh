#!/usr/bin/env bash
# The main job: build kvmirq, show what this kernel offers, then record the
# KVM interrupt traffic of this machine for a few seconds and report it.
# Where no VM is running, report the recording shipped in demo/ instead
# (made on real KVM in the project's test rig; see demo/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
make -s
SUDO=; [[ $(id -u) -ne 0 ]] && SUDO=sudo
$SUDO build/kvmirq probe || true
if ls -l /proc/[0-9]*/fd 2>/dev/null | grep -q 'anon_inode:kvm-vm'; then
	echo "== a VM is running: recording 5 s of its interrupt traffic"
	$SUDO build/kvmirq record -o /tmp/kvmirq-run.kvmirq -d 5s
	build/kvmirq report /tmp/kvmirq-run.kvmirq
else
	echo "== no VM running here: the shipped recording from a real KVM run (demo/)"
	build/kvmirq report demo/x86-testvmm.kvmirq --timeline --limit 40
fi
