#!/usr/bin/env bash
# show and diff on the real snapshots and recording in demo/ (taken on real
# KVM by tests/vmm/statevmm.c, see demo/README.md), and on bad input: the
# right answers, clear errors, the right exit codes, no sanitizer report.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/sanitized-cli.sh
snap=demo/x86-statevmm.kvmsnap planted=demo/x86-statevmm-planted.kvmsnap
rec=demo/x86-statevmm.kvmirq

# decoding what statevmm set (see tests/vmm/statevmm.c)
expect 0 "redir\[9\] +vector=0x39 .*polarity=active-low remote_irr=yes trigger=level masked=no" -- $bin show $snap
expect 0 "irr\[3\] +vectors=\{0x62\}" -- $bin show -c lapic $snap
expect 0 '"chip":"x86-pic-master".*"imr.pin2":\{"value":0' -- $bin show --json $snap
expect 0 "in-process" -- $bin show -z $snap
# diff: the planted migration bug, named exactly; a snapshot equals itself
expect 1 "^3 differences" -- $bin diff $snap $planted
expect 1 "redir\[4\]\.vector: 0x34 -> 0x0" -- $bin diff $snap $planted
expect 1 '"field":"irr\[3\].vectors","a":"\{0x62\}","b":"\{\}"' -- $bin diff --json $snap $planted
expect 0 "^0 differences" -- $bin diff $snap $snap
# reconstruction from the recording, at the moment the snapshot began
t=$($bin show --json $snap | python3 -c 'import json,sys; print(min(json.loads(l)["time_ns"] for l in sys.stdin) - 1)')
expect 0 "^0 differences .* in 500 fields and 0 GSI routes compared" -- $bin diff --at "@$t" $snap $rec
expect 0 "redir\[9\] +vector=0x39" -- $bin show --at "@$t" $rec
expect 0 "recorded" -- $bin show $rec
expect 0 "VM 1" -- $bin show --at 60 $rec
# a time past the last event shows the end, and says so (not a silent end)
expect 0 "warning: .*past the last event .*the state at the end is shown" -- $bin show --at 60 $rec
expect 0 "warning: .*past the last event" -- $bin diff --at 60 $rec $rec
expect 0 "warning: .*past the last event" -- $bin snapshot -q --from $rec --at 60 -o "$tmp/late.kvmsnap"
out=$($bin show --at 0.000001 $rec 2>&1)
if grep -q "past the last event" <<<"$out"; then bad "a time inside the recording warned: $out"; else ok; fi

# routing and irqfds, known only from a recording (demo/x86-testvmm.kvmirq)
tv=demo/x86-testvmm.kvmirq
expect 0 "gsi 24 +msi dest=0x0 vector=0x61 delivery=fixed trigger=edge" -- $bin show -c routing $tv
expect 0 "gsi 9 +ioapic pin 9" -- $bin show -c routing $tv
expect 0 "eventfd 8 -> gsi 9 \(resample eventfd 9\)" -- $bin show -c routing $tv
expect 0 '"chip":"routing","table_known":true' -- $bin show --json $tv
expect 0 " and 24 GSI routes compared" -- $bin diff $tv $tv
# the same recording at two moments: the MSIs it signalled in between
expect 1 "irr\[3\]\.vectors: \{\} -> \{0x61,0x64\}" -- $bin diff --at 0.0017 --at-b end $tv $tv

expect 0 "Controller state reconstructed.*" -- $bin report --state $tv
expect 0 '"chip":"routing"' -- $bin report --json --state $tv

# a reconstruction saved as a snapshot reads back equal to the recording
expect 0 "reconstructed to" -- $bin snapshot --from $tv -o "$tmp/tv.kvmsnap"
expect 0 "^0 differences .* and 24 GSI routes compared" -- $bin diff "$tmp/tv.kvmsnap" $tv
expect 1 "is a snapshot already" -- $bin snapshot --from $snap -o "$tmp/x.kvmsnap"
expect 2 "give --pid PID or --from" -- $bin snapshot -o "$tmp/x.kvmsnap"
expect 1 "not a KVM VMM|no KVM VM" -- $bin snapshot --pid $$ -o "$tmp/x.kvmsnap"

# bad input
expect 2 "one snapshot or recording" -- $bin show
expect 2 "two snapshot files" -- $bin diff $snap
expect 2 "bad time" -- $bin show --at soon $snap
expect 2 "No such file" -- $bin show "$tmp/missing"
expect 2 "No such file" -- $bin diff $snap "$tmp/missing"
head -c 4096 /dev/urandom >"$tmp/random"
expect 2 "kvmirq show:" -- $bin show "$tmp/random"
expect 1 "a snapshot, not a recording" -- $bin report $snap
size=$(stat -c %s $snap)
for cut in 1 16 64 $((size / 2)) $((size - 1)); do
	head -c "$cut" $snap >"$tmp/cut"
	out=$($bin show "$tmp/cut" 2>&1); status=$?
	if { [[ $status == 0 ]] && grep -qi "warning\|cut short\|truncat" <<<"$out"; } ||
	   { [[ $status == 2 ]] && grep -q "kvmirq show:" <<<"$out"; }; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAIL cut at $cut: status $status"; echo "$out" | head -5
	fi
done

# A damaged record inside a sound container (tests/cli/cut-record.py): the
# error names the damage after the path, never the path alone.
tests/cli/cut-record.py $snap "$tmp/count.kvmsnap" 0 1 # the known-values count
tests/cli/cut-record.py $snap "$tmp/read.kvmsnap" 0 2  # into the last read
expect 2 "^kvmirq show: $tmp/count.kvmsnap: a x86-pic-master record ends before its known-values count$" \
	-- $bin show "$tmp/count.kvmsnap"
expect 2 "^kvmirq diff: $tmp/count.kvmsnap: a x86-pic-master record ends before" \
	-- $bin diff $snap "$tmp/count.kvmsnap"
expect 2 "^kvmirq show: $tmp/read.kvmsnap: read 0 of a x86-pic-master overruns its record$" \
	-- $bin show "$tmp/read.kvmsnap"

# A real recording cut short: every reader reads what is there and says what
# it could not read, in report's words, on stderr.
big=demo/x86-qemu-guest.kvmirq
head -c $(($(stat -c %s $big) / 2)) $big >"$tmp/half.kvmirq"
cut_warning() { echo "kvmirq $1: warning: $tmp/half.kvmirq: file truncated after chunk [0-9]+ "; }
expect 0 "$(cut_warning report)" -- $bin report "$tmp/half.kvmirq"
expect 0 "$(cut_warning show)" -- $bin show "$tmp/half.kvmirq"
expect 0 "$(cut_warning show)" -- $bin show --at 0.001 "$tmp/half.kvmirq"
expect 0 "$(cut_warning diff)" -- $bin diff "$tmp/half.kvmirq" "$tmp/half.kvmirq"
expect 0 "$(cut_warning snapshot)" -- $bin snapshot -q --from "$tmp/half.kvmirq" -o "$tmp/half.kvmsnap"
expect 0 "$(cut_warning top)" -- $bin top -i "$tmp/half.kvmirq" -b -n 1
# under --json the warning is a JSON object on stderr, as every message
expect 0 "^\\{\"warning\":\"$tmp/half.kvmirq: file truncated after chunk [0-9]+ .*\",\"command\":\"top\"\\}$" -- \
	$bin top -i "$tmp/half.kvmirq" --json -n 1
# ... and what read all of it says nothing of the kind
expect 0 "^0 differences" -- $bin diff "$tmp/half.kvmsnap" "$tmp/half.kvmsnap"
out=$($bin show $big 2>&1 >/dev/null; $bin top -i $big -b -n 1 2>&1 >/dev/null)
if [[ -z $out ]]; then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "FAIL: a whole recording warned: $out"; fi

# A directory is refused at once (timeout: a hang fails); a FIFO is read
# (tests/cli/test-damaged-input.sh).
mkdir "$tmp/dir"
p="$tmp/dir"
expect 2 "^kvmirq show: $p: not a regular file" -- timeout 10 $bin show "$p"
expect 1 "^kvmirq report: $p: not a regular file" -- timeout 10 $bin report "$p"
expect 2 "^kvmirq diff: $p: not a regular file" -- timeout 10 $bin diff $snap "$p"
expect 1 "^kvmirq top: $p: not a regular file" -- timeout 10 $bin top -i "$p" -b -n 1
expect 1 "^kvmirq snapshot: $p: not a regular file" \
	-- timeout 10 $bin snapshot --from "$p" -o "$tmp/x.kvmsnap"

echo "$pass passed, $fail failed"
((fail == 0))
