#!/bin/busybox sh
# The real-QEMU steps of the arm64 rig's tests, inside the rig (busybox sh,
# run by rig-init: `run /bin/busybox sh /bin/qemu-l1.sh STEP ...`). The
# QEMU is Debian's arm64 qemu-system-aarch64 with -accel kvm: the L1's
# in-kernel GICv3 and ITS; its L2 guest is the rig's own kernel with
# l2-init.sh (run.sh --archive of build.sh's RIG_ARM64_QEMU_ARCHIVE).
# Every result is a file under /tmp that the command list sends back.
#
#   ftrace-on EVENT...  enable the kvm tracepoints among EVENT that this
#                       kernel has (/tmp/ftrace-events), tracing still off
#   boot                trace one boot of the L2 guest, which reads
#                       /dev/hwrng, prints /proc/interrupts and powers off
#                       (/tmp/l2.log, qemu.rc, qemu.start, qemu.end)
#   ftrace-counts       the events of each enabled tracepoint in the ftrace
#                       buffer, and its overruns (/tmp/ftrace-counts)
#   safety N            N `kvmirq snapshot --pid` of a QEMU whose guest
#                       ticks; then its live migration over loopback, with
#                       snapshots before (source) and after (destination)
#                       (/tmp/results: "NAME VALUE" lines, src.log,
#                       dst.log, before.kvmsnap, after.kvmsnap)
B=/bin/busybox
T=/sys/kernel/tracing
MIGRATION_PORT=4444

uptime_s() { $B cut -d' ' -f1 /proc/uptime; }

# QEMU with the L1's in-kernel GICv3 and ITS and one virtio PCI device;
# the arguments after it are added (serial, monitor, -append).
l2_qemu() {
	$B timeout 3000 /bin/qemu-system-aarch64 -M virt,gic-version=3 -accel kvm -cpu host \
		-m 128 -smp 1 -nodefaults -display none -no-reboot \
		-kernel /l2/vmlinuz -initrd /l2/initrd.cpio.gz -device virtio-rng-pci "$@"
}

# A result, on the console too: it survives a rig that runs out of time.
result() { echo "$1 $2" | $B tee -a /tmp/results; }
ticks() {
	local n
	n=$($B grep -c '^tick' "$1" 2>/dev/null)
	echo "${n:-0}"
}

# Until LOG has N ticks, QEMU (PID) died or SECONDS passed.
wait_ticks() {
	local i=0
	while [ "$i" -lt $(($3 * 10)) ]; do
		[ "$(ticks "$1")" -ge "$2" ] && return 0
		kill -0 "$4" 2>/dev/null || return 1
		$B usleep 100000
		i=$((i + 1))
	done
	return 1
}

# HMP command to the monitor of QEMU NAME (-monitor pipe:/tmp/NAME-mon;
# its answers in /tmp/NAME-mon.log). The pipe blocks a writer while QEMU
# has not opened it, or no more: not for long.
hmp() {
	$B timeout 10 $B sh -c 'echo "$1" >"$2"' hmp "$2" "/tmp/$1-mon.in" ||
		echo "qemu-l1.sh: HMP $2 to $1 failed" >&2
}

# Until HMP's answers from QEMU NAME hold TEXT, or SECONDS passed.
await_hmp() {
	local i=0
	while [ "$i" -lt "$3" ]; do
		$B grep -q "$2" "/tmp/$1-mon.log" && return 0
		$B sleep 1
		i=$((i + 1))
	done
	return 1
}

# A ticking L2 guest as QEMU NAME (pid in /tmp/NAME.pid once it runs), with
# its monitor, serial in /tmp/NAME.log. Not in $(...): that would wait for
# QEMU's end.
start_ticking() {
	local name=$1
	shift
	$B mkfifo "/tmp/$name-mon.in" "/tmp/$name-mon.out"
	$B cat "/tmp/$name-mon.out" >"/tmp/$name-mon.log" &
	l2_qemu -serial "file:/tmp/$name.log" -monitor "pipe:/tmp/$name-mon" \
		-pidfile "/tmp/$name.pid" -append "console=ttyAMA0 panic=-1 quiet l2.tick" \
		"$@" >"/tmp/$name.err" 2>&1 &
	local i=0
	while [ ! -s "/tmp/$name.pid" ] && [ "$i" -lt 300 ]; do
		$B sleep 1
		i=$((i + 1))
	done
}

# Seconds since uptime T0.
since() { echo "$1 $(uptime_s)" | $B awk '{ print $2 - $1 }'; }

case $1 in
ftrace-on)
	shift
	echo 0 >$T/tracing_on
	echo >$T/trace
	echo 16384 >$T/buffer_size_kb
	: >/tmp/ftrace-events
	for e in "$@"; do
		[ -e "$T/events/kvm/$e/enable" ] || continue
		echo 1 >"$T/events/kvm/$e/enable"
		echo "$e" >>/tmp/ftrace-events
	done
	;;
boot)
	uptime_s >/tmp/qemu.start
	echo 1 >$T/tracing_on
	l2_qemu -serial file:/tmp/l2.log -append "console=ttyAMA0 panic=-1 quiet" >/tmp/qemu.out 2>&1
	echo $? >/tmp/qemu.rc
	echo 0 >$T/tracing_on
	uptime_s >/tmp/qemu.end
	;;
ftrace-counts)
	for e in $($B cat /tmp/ftrace-events); do
		echo "$e $($B grep -c " $e:" $T/trace)"
	done >/tmp/ftrace-counts
	$B cat $T/per_cpu/cpu*/stats | $B awk '$1 == "overrun:" { n += $2 } END { print "overrun", n + 0 }' \
		>>/tmp/ftrace-counts
	;;
safety)
	: >/tmp/results
	# The migration goes over loopback, which nothing else brings up here.
	$B ip link set lo up
	t0=$(uptime_s)
	start_ticking src
	src=$($B cat /tmp/src.pid)
	# Once in a CI run the L2 never ticked (QEMU alive, its guest silent
	# for 10 min, no kvmirq involved yet): start it once more before
	# calling the boot failed, and say so.
	if ! wait_ticks /tmp/src.log 3 240 "$src"; then
		result boot.retried "$($B tail -c 300 /tmp/src.log /tmp/src.err | $B tr '\n' ' ')"
		kill "$src" 2>/dev/null
		$B sleep 2
		$B rm -f /tmp/src.pid /tmp/src-mon.in /tmp/src-mon.out
		start_ticking src
		src=$($B cat /tmp/src.pid)
	fi
	result boot.seconds "$(since "$t0")"
	if ! wait_ticks /tmp/src.log 3 240 "$src"; then
		result boot.ok 1 # nothing after this can be measured
		exit 0
	fi
	result boot.ok 0
	before=$(ticks /tmp/src.log) fails=0 i=0 t0=$(uptime_s)
	while [ "$i" -lt "$2" ]; do
		/bin/kvmirq snapshot -q --force --pid "$src" -o /tmp/run.kvmsnap 2>>/tmp/safety.err ||
			fails=$((fails + 1))
		i=$((i + 1))
	done
	result safety.seconds "$(since "$t0")"
	result safety.failed "$fails"
	kill -0 "$src" 2>/dev/null && result safety.alive 0 || result safety.alive 1
	wait_ticks /tmp/src.log $((before + 5)) 120 "$src" && result safety.ticking 0 ||
		result safety.ticking 1

	# The live migration of the stopped guest, over loopback.
	hmp src stop
	$B sleep 1
	rc=0
	/bin/kvmirq snapshot --pid "$src" -o /tmp/before.kvmsnap 2>/tmp/before.err || rc=$?
	result before.rc $rc
	start_ticking dst -incoming "tcp:127.0.0.1:$MIGRATION_PORT"
	dst=$($B cat /tmp/dst.pid)
	# It answers once its main loop runs, after it listens.
	hmp dst "info status"
	await_hmp dst inmigrate 300 || echo "qemu-l1.sh: the destination is not waiting" >&2
	t0=$(uptime_s)
	hmp src "migrate -d tcp:127.0.0.1:$MIGRATION_PORT"
	status=none i=0
	while [ $i -lt 600 ]; do
		hmp src "info migrate"
		$B sleep 1
		status=$($B sed -n 's/.*Migration status: *\([a-z-]*\).*/\1/p' /tmp/src-mon.log |
			$B tail -n 1)
		case $status in completed | failed | cancelled) break ;; esac
		i=$((i + 1))
	done
	result migrate.status "${status:-none}"
	result migrate.seconds "$(since "$t0")"
	rc=0
	/bin/kvmirq snapshot --pid "$dst" -o /tmp/after.kvmsnap 2>/tmp/after.err || rc=$?
	result after.rc $rc
	hmp dst cont
	wait_ticks /tmp/dst.log 5 120 "$dst" && result dst.ticking 0 || result dst.ticking 1
	hmp src quit
	hmp dst quit
	i=0
	while { kill -0 "$src" || kill -0 "$dst"; } 2>/dev/null && [ $i -lt 30 ]; do
		$B sleep 1
		i=$((i + 1))
	done
	kill -9 "$src" "$dst" 2>/dev/null
	;;
*)
	echo "qemu-l1.sh: unknown step $1" >&2
	exit 2
	;;
esac
