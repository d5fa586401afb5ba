#!/usr/bin/env bash
# Options are checked, never guessed (issue #16): every number, pid and
# duration of every command is refused with exit status 2 and the option's
# name when it is not one, a live command's --pid that names no process is
# an error (1; check's errors are 2), extra arguments are refused, and every
# command exits 2 on bad usage as its --help says. The ASan/UBSan build runs:
# an out-of-range double-to-integer cast would be reported.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/sanitized-cli.sh

rec=demo/x86-testvmm.kvmirq
# Above pid_max: never a process (kill says ESRCH), whatever runs meanwhile.
gone=$(($(cat /proc/sys/kernel/pid_max) + 1))
# A refusal must come before anything is attached; the old parsers ran
# with the guessed value, some without a time limit: bounded here.
t() { timeout 30 "$@"; }

# refused STATUS PATTERN -- record ARGS: refused, and no file written
refused() {
	local want=$1 pattern=$2; shift 3
	rm -f "$tmp/r.kvmirq"
	expect "$want" "$pattern" -- t "$@"
	if [[ -e $tmp/r.kvmirq ]]; then bad "a file written by: $*"; else ok; fi
}

# --pid: not a number is bad usage; a process that does not run, an error
# for the commands that trace live processes.
for p in abc '' 12x -1 0 99999999999; do
	refused 2 "kvmirq record: --pid: '$p' is not a whole number" -- \
		$bin record -o "$tmp/r.kvmirq" -d 1s -p "$p"
done
refused 1 "kvmirq record: --pid: no process $gone" -- $bin record -o "$tmp/r.kvmirq" -d 1s -p $gone
expect 2 "kvmirq stat: --pid: 'abc' is not a whole number" -- t $bin stat -d 1s -p abc
expect 1 "kvmirq stat: --pid: no process $gone" -- t $bin stat -d 1s -p $gone
expect 2 "kvmirq exporter: --pid: 'abc'" -- t $bin exporter -t "$tmp/m.prom" -d 1s -p abc
expect 1 "kvmirq exporter: --pid: no process $gone" -- t $bin exporter -t "$tmp/m.prom" -d 1s -p $gone
expect 2 "kvmirq top: --pid: 'abc'" -- $bin top -b -n 1 -p abc
expect 1 "kvmirq top: --pid: no process $gone" -- $bin top -b -n 1 -p $gone
expect 2 "kvmirq check: --pid: 'abc'" -- $bin check --live -d 1s -p abc
expect 2 "kvmirq check: --pid: no process $gone" -- t $bin check --live -d 1s -p $gone
expect 2 "kvmirq snapshot: --pid: 'abc'" -- $bin snapshot -p abc -o "$tmp/s.kvmsnap"
expect 2 "kvmirq snapshot: --pid: '-5'" -- $bin snapshot -p -5 -o "$tmp/s.kvmsnap"
# report and top -i filter a recording: a number is all --pid needs there.
expect 2 "kvmirq report: --pid: 'abc'" -- $bin report -p abc $rec
expect 0 "kvmirq recording" -- $bin report -p $gone $rec
expect 0 "replay" -- $bin top -i $rec -b -n 1 -p $gone

# Every other number: empty text, junk after it, a sign, out of range.
for v in abc '' 1x -1 ' 1' 99999999999999999999999; do
	expect 2 "kvmirq report: --vm: '$v' is not a whole number" -- $bin report --vm "$v" $rec
	expect 2 "kvmirq report: --limit: '$v' is not a whole number" -- $bin report -n "$v" $rec
done
expect 2 "kvmirq report: --vm: '4294967296'" -- $bin report --vm 4294967296 $rec
for v in abc '' nan inf -1 1x 1e300; do
	expect 2 "kvmirq report: --from: '$v' is not a number of seconds" -- $bin report --from "$v" $rec
	expect 2 "kvmirq report: --to: '$v' is not a number of seconds" -- $bin report -s --to "$v" $rec
done
expect 0 "kvmirq recording" -- $bin report --vm 1 -n 0 --from 0.001 --to 0.5 $rec
# Values that parse but select nothing are said, not shown as an empty report.
expect 2 "kvmirq report: --to 1 is not after --from 5" -- $bin report --from 5 --to 1 $rec
expect 2 "kvmirq report: --to 0 is not after --from 0" -- $bin report --to 0 $rec
expect 1 "kvmirq report: --vm 2: .* names only VM 1 " -- $bin report --vm 2 $rec
expect 1 "kvmirq report: --vm 9: .* names VMs 1 to 3 " -- $bin report --vm 9 demo/x86-qemu-migration.kvmirq
expect 0 "VM 3: " -- $bin report --vm 3 demo/x86-qemu-migration.kvmirq
expect 0 "warning: .*--from 60 is past the last event" -- $bin report --from 60 $rec
out=$($bin report --from 0.001 $rec 2>&1)
if grep -q "past the last event" <<<"$out"; then bad "--from inside the recording warned: $out"; else ok; fi
expect 2 "kvmirq check: --errno-loop: '99999999999'" -- $bin check --errno-loop 99999999999 $rec
expect 2 "kvmirq check: --errno-loop: ' 3'" -- $bin check --errno-loop ' 3' $rec
expect 2 "storm-rate: a count a second" -- $bin check --storm-rate 99999999999999999999 $rec
expect 2 "storm-rate: a count a second" -- $bin check --storm-rate ' 5' $rec
expect 2 "kvmirq top: --vm: '1e20'" -- $bin top -i $rec -b -n 1 --vm 1e20
expect 2 "kvmirq top: --iterations: '1.5'" -- $bin top -i $rec -b -n 1.5
expect 2 "kvmirq top: --chip: '1001'" -- $bin top -i $rec -b -n 1 --vm 1 --chip 1001
expect 2 "kvmirq top: bad delay '1e300'" -- $bin top -i $rec -b -n 1 -d 1e300
expect 2 "kvmirq top: bad speed 'inf'" -- $bin top -i $rec -b -n 1 --speed inf

# --at (show, snapshot --from, diff): "end", seconds or @NS, nothing else;
# seconds beyond 2^64 ns were an out-of-range cast.
for v in 1e300 nan inf -1 '' @ @-1 '@ 5' @1x 1x; do
	expect 2 "kvmirq show: bad time '$v'" -- $bin show --at "$v" $rec
done
expect 2 "kvmirq snapshot: bad time '1e300'" -- \
	$bin snapshot --from $rec --at 1e300 -o "$tmp/s.kvmsnap"
expect 0 "^VM 1 " -- $bin show --at 0.001 $rec
expect 0 "recorded" -- $bin show --at @0 $rec

# --buffer: a power of two from 1 to 2048 MiB, checked before loading.
for v in abc '' 0 3 4096 4294967296 -64; do
	refused 2 "kvmirq record: --buffer: '?$v'? (MiB )?is not" -- \
		$bin record -o "$tmp/r.kvmirq" -d 1s -b "$v"
done
expect 0 "ring buffer size in MiB: a power of two from 1 to" -- $bin record --help

# Durations: from 1 ms; no 0, no fraction of a millisecond, no nan or inf,
# nothing beyond the integer's range (a cast UBSan reports).
for v in 0 0.5ms 0.0001ms nan inf 18446744073709551616 -1 '' 10x 1e300h; do
	refused 2 "kvmirq record: --duration: bad duration '$v'" -- \
		$bin record -o "$tmp/r.kvmirq" -d "$v"
	expect 2 "kvmirq stat: --duration: bad duration '$v'" -- t $bin stat -d "$v"
done
refused 2 "kvmirq record: --key-frames: bad duration '0'" -- \
	$bin record -o "$tmp/r.kvmirq" -d 1s -k 0
expect 2 "kvmirq check: --stuck-after: bad duration 'nan'" -- $bin check --stuck-after nan $rec
expect 2 "kvmirq check: --duration: bad duration '0'" -- t $bin check --live -d 0
expect 2 "kvmirq exporter: --interval: bad duration '0'" -- $bin exporter -t "$tmp/m.prom" -i 0
expect 2 "kvmirq exporter: --duration: bad duration 'inf'" -- t $bin exporter -t "$tmp/m.prom" -d inf
expect 0 "over 0\.[0-9]+ s" -- t $bin stat -d 200ms

# Extra arguments, where a command takes none.
refused 2 "kvmirq record: unexpected argument 'extra'" -- $bin record -o "$tmp/r.kvmirq" -d 1s extra
expect 2 "kvmirq stat: unexpected argument 'extra'" -- t $bin stat -d 1 extra
expect 2 "kvmirq probe: unexpected argument 'extra'" -- $bin probe extra
# show -c: a controller of the file, or nothing to print at all.
expect 2 "kvmirq show: --chip: .* holds no controller 'bogus'" -- $bin show -c bogus $rec
expect 2 "holds no controller 'mpic'" -- $bin show -c mpic $rec
expect 0 "IOAPIC 0 \(x86-ioapic\)" -- $bin show -c ioapic $rec
expect 0 "GSI routing" -- $bin show -c routing $rec

# kvmirq help COMMAND is COMMAND --help; an unknown command is bad usage.
for cmd in record report show; do
	if [[ $($bin help $cmd 2>&1) == "$($bin $cmd --help)" ]]; then ok; else
		bad "kvmirq help $cmd differs from kvmirq $cmd --help"; fi
done
expect 2 "kvmirq help: unknown command 'bogus'" -- $bin help bogus
expect 2 "kvmirq help: help takes one command" -- $bin help record extra
expect 0 "^Commands:" -- $bin help

# Every command: bad usage exits 2, and its --help says so.
for cmd in $($bin --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && NF {print $1}'); do
	expect 2 "kvmirq $cmd: unknown option '--no-such-option'" -- $bin $cmd --no-such-option
	expect 0 "(^|[ ;,])2 (on|trouble)" -- \
		sh -c "$bin $cmd --help | sed -n '/^Exit status/,\$p' | tr '\n' ' '"
done

echo "$pass passed, $fail failed"
((fail == 0))
