#!/usr/bin/env bash
# Build a tiny initramfs for an L2 guest that stays up: busybox (static)
# as /init prints "tick N" to the serial console every 200 ms, so a test
# can see the guest run, pause, migrate and run again.
# Usage: l2-initrd.sh OUTFILE
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
. "$here/../lib.sh"
out=${1:?usage: l2-initrd.sh OUTFILE}
rig_ensure_packages busybox-static cpio
bb=/bin/busybox # busybox-static's
[[ -x $bb ]] || rig_die "$bb not found"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/bin" "$dir/dev" "$dir/proc"
cp "$bb" "$dir/bin/busybox"
ln -s busybox "$dir/bin/sh"
cat >"$dir/init" <<'INIT'
#!/bin/sh
/bin/busybox mount -t proc proc /proc
i=0
while :; do
	/bin/busybox echo "tick $i"
	i=$((i + 1))
	/bin/busybox usleep 200000
done
INIT
chmod +x "$dir/init"
(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
