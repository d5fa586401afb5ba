#!/usr/bin/env bash
# Recordings and snapshots from every host decode byte for byte the same on
# this rig's build of kvmirq (arm64 little-endian, 8-byte words) as here: ../common/byte-order.sh.
exec "$(dirname "$0")/../common/byte-order.sh" arm64 "arm64 little-endian, 8-byte words"
