#!/usr/bin/env bash
# Every reader says what it could not read (issue #16): recordings and
# snapshots cut short at several places, through every command that reads
# them, and the same files through a pipe, a process substitution and a
# FIFO. A file with nothing readable is an error; a recording cut after
# some events is read with a warning; a snapshot cut short is damaged (exit
# 2 after printing what it holds).
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/sanitized-cli.sh
rec=demo/x86-testvmm.kvmirq snap=demo/x86-statevmm.kvmsnap planted=demo/x86-statevmm-planted.kvmsnap

# offsets (docs/file-format.md): where the header ends, where the first
# chunk ends, where the trailer chunk begins
offsets() {
	python3 - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
pos = 24 + struct.unpack_from("<I", d, 16)[0]
header, ends = pos, []
while pos + 48 <= len(d):
    ctype, csize = struct.unpack_from("<H", d, pos + 4)[0], struct.unpack_from("<I", d, pos + 12)[0]
    ends.append((pos, ctype))
    pos += 48 + csize
first_end = ends[1][0] if len(ends) > 1 else pos
trailer = [p for p, t in ends if t == 3][0]
print(header, first_end, trailer)
EOF
}
cut() { head -c "$2" "$1" >"$3"; }

read -r rh rfirst rtrailer < <(offsets $rec)
read -r sh sfirst strailer < <(offsets $snap)
cut $rec $((rh / 2)) "$tmp/r-header.kvmirq"            # inside the header
cut $rec $((rh + 10)) "$tmp/r-before.kvmirq"           # before the first whole chunk
cut $rec $(((rh + rfirst) / 2)) "$tmp/r-midfirst.kvmirq" # inside the first chunk
cut $rec $((rfirst + 60)) "$tmp/r-mid.kvmirq"          # inside a later chunk
cut $rec $rtrailer "$tmp/r-notrailer.kvmirq"          # all but the trailer
cut $snap $((sh / 2)) "$tmp/s-header.kvmsnap"
cut $snap $((sh + 10)) "$tmp/s-before.kvmsnap"
cut $snap $strailer "$tmp/s-notrailer.kvmsnap"

# --- a recording with nothing readable: an error from every reader, in the
# status each gives a file it cannot read
for c in header before midfirst; do
	f="$tmp/r-$c.kvmirq"
	if [[ $c == header ]]; then why="header truncated"; else why="cut short before its first event"; fi
	expect 2 "^kvmirq show: $f: $why" -- $bin show "$f"
	expect 2 "^kvmirq show: $f: $why" -- $bin show --at 0.001 "$f"
	expect 2 "^kvmirq diff: $f: $why" -- $bin diff $rec "$f"
	expect 2 "^kvmirq diff: $f: $why" -- $bin diff "$f" $rec
	expect 1 "^kvmirq snapshot: $f: $why" -- $bin snapshot --from "$f" -o "$tmp/x.kvmsnap"
	expect 2 "^kvmirq check: $f: $why" -- $bin check "$f"
	expect 1 "^kvmirq export: $f: $why" -- $bin export --force -o "$tmp/x.json" -f chrome-json "$f"
	expect 1 "^kvmirq report: $f: $why" -- $bin report "$f"
	expect 1 "^kvmirq top: $f: $why" -- $bin top -b -n 1 -i "$f"
	# nothing written, nothing half-printed
	if [[ ! -e $tmp/x.kvmsnap && ! -e $tmp/x.json ]]; then ok; else bad "$c: an output was left"; fi
	out=$($bin show "$f" 2>/dev/null)
	if [[ -z $out ]]; then ok; else bad "$c: show printed '$out'"; fi
done
expect 2 '^\{"error":".*cut short before its first event: file truncated before the first chunk .*","command":"show","exit":2\}$' \
	-- $bin show --json "$tmp/r-before.kvmirq"

# --- a recording cut after some events: what it holds, with the reader's
# warning, and the exit status the data gives
for c in mid notrailer; do
	f="$tmp/r-$c.kvmirq"
	w="^kvmirq %s: warning: $f: file truncated after chunk [0-9]+ "
	# shellcheck disable=SC2059
	expect 0 "$(printf "$w" show)" -- $bin show "$f"
	expect 0 "^VM 1" -- $bin show "$f"
	# shellcheck disable=SC2059
	expect 0 "$(printf "$w" show)" -- $bin show --at 0.001 "$f"
	# shellcheck disable=SC2059
	expect 0 "$(printf "$w" diff)" -- $bin diff "$f" "$f"
	# shellcheck disable=SC2059
	expect 0 "$(printf "$w" snapshot)" -- $bin snapshot -q --from "$f" -o "$tmp/x.kvmsnap"
	expect 0 "^0 differences" -- $bin diff "$tmp/x.kvmsnap" "$f"
	rm -f "$tmp/x.kvmsnap"
	# shellcheck disable=SC2059
	expect 1 "$(printf "$w" check)" -- $bin check "$f" # findings: the status of what was read
	# shellcheck disable=SC2059
	expect 0 "$(printf "$w" export)" -- $bin export --force -o "$tmp/x.json" -f chrome-json "$f"
	# shellcheck disable=SC2059
	expect 0 "$(printf "$w" report)" -- $bin report "$f"
	# shellcheck disable=SC2059
	expect 0 "$(printf "$w" top)" -- $bin top -b -n 1 -i "$f"
	expect 0 '^\{"warning":".*file truncated after chunk [0-9]+ .*","command":"show"\}$' \
		-- $bin show --json "$f"
done

# --- a real recording cut before its writer wrote any table
# (tests/cli/fixtures/README.md): every reader counts the events the
# timeline shows, for VM 1 of pid 138, and says the VM was not listed
f=tests/cli/fixtures/cut-by-fsize.kvmirq
$bin report --timeline "$f" >"$tmp/cut.timeline" 2>/dev/null
n=$(grep -c '^ *[0-9.]* vm1 ' "$tmp/cut.timeline")
m=$(grep -c '^ *[0-9.]* vm1 .* msi_set_irq ' "$tmp/cut.timeline")
w="^kvmirq %s: warning: $f: file truncated after chunk 28 .*; VM 1 is not in its tables \\(cut before they were written\\)"
if ((n == 355956 && m > 100000)); then ok; else bad "the timeline of $f shows $n events of VM 1, $m MSIs"; fi
# shellcheck disable=SC2059
expect 0 "$(printf "$w" report)" -- $bin report "$f"
expect 0 "; $n events over 1\.326 s; dropped: unknown" -- $bin report "$f"
expect 0 "^VM 1: pid 138$" -- $bin report "$f"
expect 0 "^  MSIs:$" -- $bin report "$f"
expect 0 "^    addr 0xfee00000 data 0x0051: dest 0 physical vector 81 fixed edge +$m " -- $bin report "$f"
expect 0 "; $n events over" -- $bin report --vm 1 "$f"
expect 0 "^\\{\"type\":\"recording\",.*\"events\":$n,.*\"dropped\":null,\"warning\":\"file truncated after chunk 28 .*VM 1 is not in its tables" \
	-- $bin report --json "$f"
expect 0 '^\{"type":"vm_summary","vm":1,"pid":138,"events":\{"msi_set_irq":'$m',' -- $bin report --json "$f"
# shellcheck disable=SC2059
expect 0 "$(printf "$w" top)" -- $bin top -b -n 1 -i "$f"
expect 0 "^ +1 +138 .* PIC IOAPIC LAPIC " -- $bin top -b -n 1 -i "$f"
expect 0 '"vms":\[\{"id":1,' -- $bin top -j -n 1 -i "$f"
# shellcheck disable=SC2059
expect 0 "$(printf "$w" show)" -- $bin show --at 1 "$f"
expect 0 "^VM 1 \\(pid 138\\)$" -- $bin show --at 1 "$f"
# shellcheck disable=SC2059
expect 0 "$(printf "$w" snapshot)" -- $bin snapshot -q --from "$f" -o "$tmp/cut.kvmsnap"
# shellcheck disable=SC2059
expect 0 "$(printf "$w" diff)" -- $bin diff "$tmp/cut.kvmsnap" "$f"
expect 0 "^0 differences" -- $bin diff "$tmp/cut.kvmsnap" "$f"
# shellcheck disable=SC2059
expect 1 "$(printf "$w" check)" -- $bin check "$f"
expect 1 "^error: VM 1 \\(pid 138, thread 138\\), t=0\\.011959: route-before-line" -- $bin check "$f"
# shellcheck disable=SC2059
expect 0 "$(printf "$w" export)" -- $bin export -f chrome-json -o "$tmp/cut.json" "$f"
out=$(python3 -c '
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
names = sorted(e["args"]["name"] for e in ev if e.get("name") == "process_name")
pids = {e["pid"] for e in ev if e.get("ph") == "X"}
print(names, len(pids))' "$tmp/cut.json" 2>&1)
if [[ $out == "['VM 1: pid 138 (?)'] 1" ]]; then ok; else bad "export of $f: $out"; fi

# --- a snapshot: written whole, so one cut short is damaged
f="$tmp/s-header.kvmsnap"
expect 2 "^kvmirq show: $f: header truncated" -- $bin show "$f"
expect 2 "^kvmirq diff: $f: header truncated" -- $bin diff $snap "$f"
f="$tmp/s-before.kvmsnap"
expect 2 "^kvmirq show: $f: damaged snapshot, cut short before its first controller: file truncated before the first chunk" \
	-- $bin show "$f"
expect 2 "^kvmirq diff: $f: damaged snapshot, cut short before its first controller" -- $bin diff "$f" $snap
out=$($bin show "$f" 2>/dev/null)
if [[ -z $out ]]; then ok; else bad "s-before: show printed '$out'"; fi
f="$tmp/s-notrailer.kvmsnap"
expect 2 "^kvmirq show: $f: damaged snapshot \(what it holds is shown\): file truncated after chunk 0 " \
	-- $bin show "$f"
expect 2 "redir\[9\] +vector=0x39" -- $bin show "$f" # what it holds, printed first
expect 2 '^\{"error":".*damaged snapshot .*trailer missing","command":"show","exit":2\}$' \
	-- $bin show --json "$f"
expect 2 "^kvmirq diff: $f: damaged snapshot" -- $bin diff $snap "$f"
expect 2 "^0 differences" -- $bin diff $snap "$f"
for c in header before notrailer; do
	f="$tmp/s-$c.kvmsnap"
	expect 1 "^kvmirq snapshot: $f" -- $bin snapshot --from "$f" -o "$tmp/x.kvmsnap"
	expect 2 "^kvmirq check: $f: " -- $bin check "$f"
	expect 1 "^kvmirq export: $f: " -- $bin export --force -o "$tmp/x.json" "$f"
	expect 1 "^kvmirq report: $f: " -- $bin report "$f"
	expect 1 "^kvmirq top: $f: " -- $bin top -b -n 1 -i "$f"
done

# --- pipes and FIFOs: read once, as a file is (every reader opens its file
# more than once); the messages name what the user gave
expect 0 "^/dev/stdin: pid 21666 \(testvmm\), recorded" -- sh -c "cat $rec | $bin show /dev/stdin"
expect 0 "gsi 24 +msi dest=0x0 vector=0x61" -- sh -c "cat $rec | $bin show -c routing /dev/stdin"
expect 0 "redir\[9\] +vector=0x39" -- sh -c "cat $snap | $bin show /dev/stdin"
expect 1 "^3 differences" -- bash -c "$bin diff <(cat $snap) <(cat $planted)"
expect 0 "^0 differences" -- bash -c "$bin diff <(cat $rec) $rec"
expect 0 "^kvmirq recording /dev/stdin" -- sh -c "cat $rec | $bin report -s /dev/stdin"
expect 1 "route-before-line" -- sh -c "cat $rec | $bin check /dev/stdin"
expect 0 "" -- sh -c "cat $rec | $bin export -f chrome-json -o $tmp/pipe.json /dev/stdin"
$bin export -f chrome-json -o "$tmp/file.json" $rec
if cmp -s "$tmp/pipe.json" "$tmp/file.json"; then ok; else bad "export from a pipe differs"; fi
expect 0 "replay /dev/stdin " -- sh -c "cat $rec | $bin top -b -n 1 -i /dev/stdin"
expect 0 "" -- sh -c "cat $rec | $bin snapshot -q --from /dev/stdin -o $tmp/pipe.kvmsnap"
expect 0 "^0 differences" -- $bin diff "$tmp/pipe.kvmsnap" $rec
mkfifo "$tmp/fifo"
# the writer may come after the reader: a FIFO waits for one
# (timeout: a reader that refuses the FIFO leaves the writer blocked)
(sleep 1; timeout 20 sh -c "cat $rec >$tmp/fifo") &
expect 0 "^$tmp/fifo: pid 21666" -- timeout 20 $bin show "$tmp/fifo"
wait
(timeout 20 sh -c "cat $snap >$tmp/fifo") &
expect 0 "^0 differences" -- timeout 20 $bin diff "$tmp/fifo" $snap
wait
# damage through a pipe reads as it does in a file, named as given
expect 2 "^kvmirq show: /dev/stdin: cut short before its first event" \
	-- sh -c "cat $tmp/r-before.kvmirq | $bin show /dev/stdin"
expect 0 "^kvmirq show: warning: /dev/stdin: file truncated after chunk" \
	-- sh -c "cat $tmp/r-mid.kvmirq | $bin show /dev/stdin"
expect 2 "^kvmirq show: /dev/stdin: damaged snapshot" \
	-- sh -c "cat $tmp/s-notrailer.kvmsnap | $bin show /dev/stdin"
expect 2 "^kvmirq show: /dev/stdin: not a kvmirq trace file: the file is empty" \
	-- sh -c ": | $bin show /dev/stdin"
# not a kvmirq file: said after its first bytes, not after reading it all
expect 2 "^kvmirq show: /dev/stdin: not a kvmirq trace file \(bad magic\)" \
	-- timeout 20 sh -c "yes | $bin show /dev/stdin"
out=$(cat $rec | $bin show --json /dev/stdin 2>&1 >/dev/null; cat $rec | $bin report /dev/stdin 2>&1 >/dev/null)
if [[ -z $out ]]; then ok; else bad "a whole file through a pipe said: $out"; fi

# --- a moment before the recording shows any controller: said, not silence
expect 0 "^no controller state is known yet at that time: the recording first shows one at @[0-9]+, 0\.000872 s after its first event$" \
	-- $bin show --at @0 $rec
expect 0 '^\{"notice":".*: no controller state is known yet at that time: .*","command":"show"\}$' \
	-- $bin show --json --at @0 $rec
expect 0 "^A: no controller state is known yet at that time" -- $bin diff --at @0 $rec $rec
expect 0 "^no controller state is known: the recording never shows a controller's registers$" \
	-- $bin show demo/x86-testvmm-break-errno-loop.kvmirq
expect 0 "^kvmirq snapshot: warning: $rec: no controller state is known yet" \
	-- $bin snapshot --from $rec --at @0 -o "$tmp/empty.kvmsnap"
# ... and a moment after it shows them, none of that
out=$($bin show --at 0.001 $rec 2>&1)
if grep -q "VM 1" <<<"$out" && ! grep -q "no controller state" <<<"$out"; then ok; else
	bad "show --at 0.001: $(head -3 <<<"$out")"; fi

echo "$pass passed, $fail failed"
((fail == 0))
