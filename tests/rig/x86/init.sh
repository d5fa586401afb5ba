#!/bin/busybox sh
# /init of the x86 L1 rig initramfs (runs under busybox, as PID 1).
#
# Loads KVM and the virtio/9p modules, mounts the host's root read-only at
# /host and the run's writable out dir ("rigout" 9p tag), then chroots into
# /host and runs the command that run-in-l1.sh wrote to <out>/.rig/cmd.sh.
# The protocol with run-in-l1.sh, all files in <out>/.rig/:
#   outpath   (in)  absolute path of the out dir on the host; mounted there
#   cmd.sh    (in)  POSIX sh script run in the chroot (cd, env, exec COMMAND)
#   stdout, stderr  (out) the command's output streams
#   uptime    (out) guest uptime in seconds when the command starts
#   status    (out) "exit N" once the command ended, or "rig-error MESSAGE"
# Anything else (a panic, a hang) leaves no status; the host treats that as
# a failure. Kernel messages go to the serial console, never to the streams.

/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

CTL=/rig/.rig
ctl_ready=0

# Report a rig failure (through the out dir once it is mounted) and stop.
fail() {
	echo "rig-init: $*" >/dev/console
	if [ "$ctl_ready" = 1 ]; then
		echo "rig-error $*" >"$CTL/status.tmp" && mv "$CTL/status.tmp" "$CTL/status"
	fi
	sync
	poweroff -f
}

P9OPTS=trans=virtio,version=9p2000.L,msize=512000

for m in $(cat /modules/order); do
	insmod "/modules/$m" || fail "insmod $m failed"
done

mount -t 9p -o "$P9OPTS" rigout /rig || fail "cannot mount the out dir (9p tag rigout)"
[ -f "$CTL/outpath" ] || fail "no .rig/outpath in the out dir"
ctl_ready=1
OUTPATH=$(cat "$CTL/outpath")

[ -c /dev/kvm ] || fail "/dev/kvm does not exist in L1 (kvm_amd did not bind: no SVM in -cpu?)"

mount -t 9p -o "$P9OPTS,ro,cache=loose" host /host || fail "cannot mount the host root (9p tag host)"

mount -t tracefs tracefs /sys/kernel/tracing || fail "cannot mount tracefs"
mount -t debugfs debugfs /sys/kernel/debug || fail "cannot mount debugfs"
mount -t bpf bpf /sys/fs/bpf || fail "cannot mount bpffs"
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
ip link set lo up || fail "cannot bring lo up"

# The host's root is read-only: give the command a private /tmp and /run,
# keeping the host's own reachable for the working directory below.
mkdir -p /hosttmp /hostrun
mount -o bind /host/tmp /hosttmp || fail "cannot keep the host's /tmp"
mount -o bind /host/run /hostrun || fail "cannot keep the host's /run"
mount -t tmpfs -o mode=1777 tmpfs /host/tmp || fail "cannot mount tmpfs on /host/tmp"
mount -t tmpfs -o mode=755 tmpfs /host/run || fail "cannot mount tmpfs on /host/run"
# A working directory under /tmp or /run (a CI checkout, say) shows through
# at its own path, read-only like the rest of the host.
CWD=$(cat "$CTL/cwd" 2>/dev/null)
case "$CWD" in
/tmp/*) mkdir -p "/host$CWD" && mount -o bind "/hosttmp${CWD#/tmp}" "/host$CWD" ||
	fail "cannot show the working directory $CWD" ;;
/run/*) mkdir -p "/host$CWD" && mount -o bind "/hostrun${CWD#/run}" "/host$CWD" ||
	fail "cannot show the working directory $CWD" ;;
esac
for d in proc sys dev; do
	mount -o rbind "/$d" "/host/$d" || fail "cannot bind /$d into /host"
done
# The out dir appears at its host path (created if it lies in the new tmpfs).
mkdir -p "/host$OUTPATH" 2>/dev/null
mount -o bind /rig "/host$OUTPATH" || fail "cannot bind the out dir at $OUTPATH"

cut -d' ' -f1 /proc/uptime >"$CTL/uptime"
# Kernel symbols, so that run-in-l1.sh can name where a hung L1's CPUs spin.
cat /proc/kallsyms >"$CTL/kallsyms" 2>/dev/null &
chroot /host /usr/bin/env -i /bin/sh "$OUTPATH/.rig/cmd.sh" \
	</dev/null >"$CTL/stdout" 2>"$CTL/stderr"
rc=$?
echo "exit $rc" >"$CTL/status.tmp" && mv "$CTL/status.tmp" "$CTL/status"
sync
poweroff -f
