#!/bin/busybox sh
# /init of the arm64 rig's L2 guest (the rig's own kernel, booted by a real
# QEMU with -accel kvm inside the rig): loads the virtio PCI modules
# (/modules/order, dependencies first), reads /dev/hwrng so that the
# virtio-rng device answers with MSIs (through the GICv3 ITS), prints
# /proc/interrupts and powers off. With `l2.tick` on the kernel command
# line it then prints "tick N" every 200 ms until it is stopped (the
# snapshot and migration tests).
B=/bin/busybox
$B mount -t proc proc /proc
$B mount -t sysfs sysfs /sys
$B mount -t devtmpfs devtmpfs /dev
for m in $($B cat /modules/order); do
	$B insmod "/modules/$m.ko" || echo "l2: insmod $m failed"
done
# Each read is one request on the virtqueue, completed by an MSI.
if $B dd if=/dev/hwrng of=/dev/null bs=32 count=64 2>/dev/null; then
	echo "l2: read /dev/hwrng"
else
	echo "l2: reading /dev/hwrng failed"
fi
echo "l2: /proc/interrupts"
$B cat /proc/interrupts
echo "l2: end of /proc/interrupts"
case " $($B cat /proc/cmdline) " in
*" l2.tick "*)
	i=0
	while :; do
		echo "tick $i"
		i=$((i + 1))
		$B usleep 200000
	done
	;;
esac
$B poweroff -f
