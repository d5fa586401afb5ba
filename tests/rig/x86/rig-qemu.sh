#!/bin/bash
# The qemu-system-x86_64 that the real-guest rig tests run in L1 as their
# L2 guest's VMM (L1 itself always boots under the system's QEMU):
#   KVMIRQ_RIG_QEMU=7.2 (the default)  Debian 12's, the system's own
#   KVMIRQ_RIG_QEMU=trixie             Debian 13's, from a private root
#                                      (qemu-trixie.sh; the first run downloads)
# Usage: rig-qemu.sh [7.2|trixie]   (the argument overrides KVMIRQ_RIG_QEMU)
# Prints its path. Runs on the host, before L1 boots (L1 has no network).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
RIG_PROG=rig-qemu.sh
. "$here/../lib.sh"

which=${1:-${KVMIRQ_RIG_QEMU:-7.2}}
case "$which" in
7.2)
	rig_ensure_packages qemu-system-x86
	command -v qemu-system-x86_64 ;;
trixie) "$here/qemu-trixie.sh" -q ;;
*) rig_die "QEMU '$which': want 7.2 or trixie (KVMIRQ_RIG_QEMU)" ;;
esac
