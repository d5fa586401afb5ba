#!/usr/bin/env bash
# The command line on bad input: clear errors, the right exit codes, no
# crash (the ASan/UBSan build runs). A real recording (real BPF, this kernel)
# is cut at many offsets and corrupted; report must warn or fail cleanly.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/sanitized-cli.sh

expect 2 "unknown command" -- $bin frobnicate
expect 2 "-o FILE is required" -- $bin record
expect 2 "unknown event kind" -- $bin record -o "$tmp/x" -e nonsense
expect 2 "bad duration" -- $bin record -o "$tmp/x" -d soon
expect 1 "No such file" -- $bin report "$tmp/missing.kvmirq"
: >"$tmp/empty"
expect 1 "empty|truncated|short" -- $bin report "$tmp/empty"
head -c 4096 /dev/urandom >"$tmp/random"
expect 1 "not a kvmirq" -- $bin report "$tmp/random"

# Output that cannot be written (a full disk, a closed stdout) is an error
# with its reason, never a silent 0; a reader that went away (| head) is not.
rec=demo/x86-testvmm.kvmirq
for c in "report" "report -t" "show" "diff $rec" "top -b -i" "export -o -"; do
	expect 1 "kvmirq ${c%% *}: .*standard output: (No space left on device|a write failed)" -- \
		sh -c "$bin $c $rec >/dev/full"
done
expect 1 "kvmirq: standard output: No space left on device" -- sh -c "$bin --version >/dev/full"
expect 1 "kvmirq report: standard output: Bad file descriptor" -- sh -c "$bin report $rec >&-"
# (a timeline far past a pipe's buffer, SIGPIPE ignored as some shells do:
# the write fails with EPIPE)
status=$( (trap '' PIPE
	$bin report -t demo/x86-testvmm-break-interrupt-storm.kvmirq 2>"$tmp/pipe.err" | head -n1 >/dev/null
	echo "${PIPESTATUS[0]}") )
if [[ $status == 0 && ! -s $tmp/pipe.err ]]; then ok; else bad "a reader that went away: exit $status, $(cat "$tmp/pipe.err")"; fi

# kvmirq check: 2 on an unreadable file or bad usage, 1 on findings at
# --fail-on or worse, 0 on none (the demos: tests/unit/test_check.c).
expect 2 "kvmirq check: .*No such file" -- $bin check "$tmp/missing.kvmirq"
expect 2 "kvmirq check: .*not a kvmirq" -- $bin check "$tmp/random"
expect 2 "info, warning or error" -- $bin check --fail-on fatal demo/x86-testvmm.kvmirq
expect 2 "one recording" -- $bin check
expect 2 "not a recording" -- $bin check --live demo/x86-testvmm.kvmirq
expect 2 "are for --live" -- $bin check -p 1 demo/x86-testvmm.kvmirq
expect 2 "are for --live" -- $bin check -d 1s demo/x86-testvmm.kvmirq
expect 2 "--pid: 'x' is not a whole number" -- $bin check --live -p x
# Live without the privileges BPF needs: the capture's own error, exit 2.
if command -v setpriv >/dev/null; then
	expect 2 '^kvmirq check: .+' -- setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all $bin check --live -d 100ms
fi
expect 1 "^error: VM 1 \(pid 21666, thread 21666\), t=0.001784: route-before-line: .* \[events #170, #158\]$" -- \
	$bin check demo/x86-testvmm.kvmirq
expect 1 '"rule":"route-before-line","vm":2,.*"events":\[1229,1223\]' -- \
	$bin check --json demo/ppc-e500-mpic.kvmirq
expect 1 "^info: VM 4 \(pid 24, thread 24\), t=0.211928: route-before-line: cannot be decided" -- \
	$bin check --fail-on error demo/ppc-e500-mpic.kvmirq
expect 1 "errno-loop: KVM_SET_GSI_ROUTING on fd 9 failed with EINVAL .* 7 times" -- \
	$bin check --errno-loop 7 demo/ppc-e500-mpic.kvmirq
# recorded before kvmirq counted running vCPUs: the state rules say so
expect 0 "^info: state-set-while-running: cannot be decided on this recording: .*did not count running vCPUs" -- \
	$bin check demo/x86-qemu-guest.kvmirq
expect 1 "^error: VM 4 \(pid 30887, vcpu 0\), t=0.631580: restore-audit: .*irqchip 1, lapic 1;" -- \
	$bin check demo/x86-migratevmm-broken.kvmirq
expect 0 "stuck-level-line +warning" -- $bin check --list-rules
expect 0 "eoi-never-injected +warning" -- $bin check --list-rules
expect 2 "masked-rate: a count a second" -- $bin check --masked-rate 0 demo/x86-qemu-guest.kvmirq
expect 2 "storm-rate: a count a second" -- $bin check --storm-rate 10/m demo/x86-qemu-guest.kvmirq
expect 1 "^warning: VM 1 .*: interrupt-storm: the MSI address 0xfee00000 data 0x51 .* \[events #270119\]$" -- \
	$bin check demo/x86-testvmm-break-interrupt-storm.kvmirq
expect 0 "^info: state-set-while-running: cannot be decided on this recording" -- $bin check --storm-rate 110000/s demo/x86-testvmm-break-interrupt-storm.kvmirq
expect 1 "masked-pin-churn: PIC master pin 4 changed while masked" -- \
	$bin check --masked-rate 2999 demo/x86-testvmm-break-masked-pin-churn.kvmirq

# The kprobe strategy: refused, with the reason, where the kernel has no
# kprobes (this machine's); auto then falls through to the syscall
# tracepoints and probe says why. Where it has them, it is used when asked.
expect 2 "unknown strategy 'sideways' \(auto, fentry, kprobe or syscall\)" -- \
	$bin record -o "$tmp/x" -s sideways
if [[ -e /sys/kernel/tracing/kprobe_events || -e /sys/kernel/debug/tracing/kprobe_events ]]; then
	expect 0 "^ioctl strategy: +kprobe$" -- $bin probe -s kprobe
else
	expect 1 "^kvmirq record: the kernel has no kprobes \(no kprobe_events in tracefs\)$" -- \
		$bin record -s kprobe -o "$tmp/kprobe.kvmirq" -d 1s
	expect 0 "^kprobe refused: +the kernel has no kprobes" -- $bin probe
	expect 0 '"kprobe_refused":"the kernel has no kprobes' -- $bin probe --json
fi

# A real recording: real programs attached on this kernel for one second.
expect 0 "events in" -- $bin record -o "$tmp/real.kvmirq" -d 1s
expect 0 "kvmirq recording" -- $bin report "$tmp/real.kvmirq"
expect 0 '"type":"recording"' -- $bin report --json --timeline "$tmp/real.kvmirq"
size=$(stat -c %s "$tmp/real.kvmirq")

# Ended by a signal: SIGHUP (a dropped SSH session) and SIGTERM once it
# records, SIGINT from the start, attach included, to a job that a script
# started in the background (which inherits SIGINT ignored). Each time the
# recording ends cleanly: exit 0 and a whole file (report does not warn).
for sig in HUP TERM INT; do
	rm -f "$tmp/sig.kvmirq"
	if [[ $sig == INT ]]; then
		# once the shell's child is kvmirq, and again until it ends
		wait_for="[[ \$(readlink /proc/\$pid/exe) == */kvmirq ]]"
	else
		wait_for="[[ -s $tmp/sig.kvmirq ]]" # signal once it records
	fi
	timeout 60 bash -c "$bin record -q -o $tmp/sig.kvmirq -d 30s & pid=\$!
		until $wait_for || ! kill -0 \$pid 2>/dev/null; do sleep 0.05; done
		while kill -$sig \$pid 2>/dev/null; do sleep 0.2; done
		wait \$pid" >"$tmp/sig.out" 2>&1
	status=$?
	out=$($bin report "$tmp/sig.kvmirq" 2>&1)
	if [[ $status == 0 ]] && grep -q "kvmirq recording" <<<"$out" && ! grep -qi "warning" <<<"$out" &&
	   ! grep -qE "$SANITIZER_REPORT" "$tmp/sig.out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAIL SIG$sig: record exit $status"
		head -5 "$tmp/sig.out"; echo "$out" | head -5
	fi
done
# Cut short anywhere: a warning or a clear error, never a crash.
for cut in 1 8 16 40 100 $((size / 2)) $((size - 20)) $((size - 1)); do
	((cut < size)) || continue
	head -c "$cut" "$tmp/real.kvmirq" >"$tmp/cut"
	out=$($bin report "$tmp/cut" 2>&1); status=$?
	if { { [[ $status == 0 ]] && grep -qi "warning" <<<"$out"; } ||
	     { [[ $status == 1 ]] && grep -q "kvmirq report:" <<<"$out"; }; } &&
	   ! grep -qE "$SANITIZER_REPORT" <<<"$out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAIL cut at $cut: status $status"; echo "$out" | head -5
	fi
done
# A flipped byte inside a chunk: a clear error naming the damage.
cp "$tmp/real.kvmirq" "$tmp/flip"
printf '\xff' | dd of="$tmp/flip" bs=1 seek=$((size - 30)) conv=notrunc status=none
out=$($bin report "$tmp/flip" 2>&1); status=$?
if [[ $status == 1 ]] && ! grep -qE "$SANITIZER_REPORT" <<<"$out"; then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "FAIL flipped byte: status $status"; echo "$out" | head -5; fi

# An e500 recording's MPIC attributes in the MPIC's terms (the unit test
# test_mpic_decode writes it; it checks every decoded field).
if build/asan/tests/test_mpic_decode --write "$tmp/mpic.kvmirq" >/dev/null; then
	expect 0 "register=src_ivpr\[7\] decoded=\{vector=0x41 priority=5 " -- \
		$bin report --timeline "$tmp/mpic.kvmirq"
	expect 0 "register=cpu_iack\[0\] command=iack" -- $bin report --timeline "$tmp/mpic.kvmirq"
	expect 0 "register=msiir command=msi decoded=\{ibs=5 srs=2\} msir=2 bit=5 source=226" -- \
		$bin report --timeline "$tmp/mpic.kvmirq"
	expect 0 '"group_name":"IRQ_ACTIVE","register":"irq_active\[7\]"' -- \
		$bin report --json --timeline "$tmp/mpic.kvmirq"
	expect 0 "attr 0x1150 .*REGISTER gtbcr\[1\]" -- $bin report "$tmp/mpic.kvmirq"
else
	fail=$((fail + 1)); echo "FAIL test_mpic_decode --write"
fi

echo "$pass passed, $fail failed"
((fail == 0))
