#!/usr/bin/env bash
# Recordings and snapshots from every host decode byte for byte the same on
# this rig's build of kvmirq (ppc32 big-endian, 4-byte words) as here: ../common/byte-order.sh.
exec "$(dirname "$0")/../common/byte-order.sh" e500 "ppc32 big-endian, 4-byte words"
