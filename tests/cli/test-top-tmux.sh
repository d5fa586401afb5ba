#!/usr/bin/env bash
# The real kvmirq top screen, driven in a detached 80x24 tmux session on the
# shipped recording demo/x86-testvmm.kvmirq: the VM row, a VM's lines and
# controllers, stepping through events, the IOAPIC's programmed vectors and
# the fields a step changed, help, a resize, monochrome with NO_COLOR, and
# q ending the program cleanly. The ASan/UBSan build runs.
set -uo pipefail
cd "$(dirname "$0")/../.."
bin=${KVMIRQ:-build/asan/kvmirq}
. tests/lib/sanitizer-options.sh
rec=demo/x86-testvmm.kvmirq
pass=0 fail=0

if ! command -v tmux >/dev/null; then
	echo "FAIL: tmux is missing: scripts/deps.sh --test installs it"
	echo "0 passed, 1 failed"
	exit 1
fi
[[ -x $bin ]] || { echo "FAIL: no $bin: make tests"; echo "0 passed, 1 failed"; exit 1; }

tmp=$(mktemp -d)
sock=kvmirq-top-test-$$ # a tmux server of our own
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() {
	fail=$((fail + 1)); echo "FAIL: $*"
	tm capture-pane -p -t top 2>/dev/null | sed 's/^/    | /'
}

screen() { tm capture-pane -p -t top; }

# wait_for PATTERN [SECONDS]: until the screen shows it (the ASan build is slow)
wait_for() {
	local pattern=$1 deadline=$((SECONDS + ${2:-15}))
	while ((SECONDS < deadline)); do
		screen 2>/dev/null | grep -qE -- "$pattern" && return 0
		sleep 0.1
	done
	return 1
}

# check WHAT PATTERN: the screen shows it, now or soon
check() {
	if wait_for "$2"; then ok; else bad "$1: no /$2/ on the screen"; fi
}

keys() { tm send-keys -t top "$@"; }
typed() { tm send-keys -t top -l "$1"; } # text, not key names ("end" is the End key)

# Where the batch replay says events are, to know what a step must show.
python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin if "\"type\":\"event\"" in l]
start = ev[0]["ts_ns"]
at = sum(1 for e in ev if e["ts_ns"] <= start + 1500000)
name = lambda e: e.get("ioctl") or e["kind"]
print(len(ev), at, name(ev[at]), name(ev[at - 2]))
' < <("$bin" report --json --timeline "$rec") >"$tmp/expect" || { echo "FAIL: report"; echo "0 passed, 1 failed"; exit 1; }
read -r total at next_name back_name <"$tmp/expect"

start_top() { # start_top RECORDING ENV...: the program in a fresh 80x24 session
	local recording=$1; shift
	tm kill-session -t top 2>/dev/null
	rm -f "$tmp/status"
	tm new-session -d -s top -x 80 -y 24 \
		"env $* ASAN_OPTIONS=$ASAN_OPTIONS UBSAN_OPTIONS=$UBSAN_OPTIONS $bin top -i $recording 2>$tmp/stderr; echo \$? >$tmp/status; sleep 60"
}

# quit_top WHAT: q ends the program with status 0 and no sanitizer report
quit_top() {
	keys q
	local deadline=$((SECONDS + 15))
	while [[ ! -s $tmp/status ]] && ((SECONDS < deadline)); do sleep 0.1; done
	if [[ $(cat "$tmp/status" 2>/dev/null) == 0 ]] && ! grep -qE "$SANITIZER_REPORT" "$tmp/stderr"; then ok; else
		bad "$1: exit status '$(cat "$tmp/status" 2>/dev/null)'"; head -20 "$tmp/stderr"; fi
}

# aligned WHAT: every VM row has its cells under the header's titles
aligned() {
	screen >"$tmp/screen"
	local out
	out=$(python3 tests/cli/vm-table-aligned.py "$tmp/screen" 2>&1)
	if [[ $out == ok ]]; then ok; else bad "$1: $out"; fi
}

start_top "$rec" TERM=xterm-256color

# The VM list: playing at speed 1, the 17 ms recording is over within a refresh.
check "the VM row" "^ +1 +21666 testvmm +1 +36 +6\.0 +0 +0 +35 +29 +0 "
check "the end of the recording" "ev $total/$total 1x paused"
check "the status line" "^end of the recording"
check "the columns 80 columns leave out, for the VM under the cursor" "^VM 1  KVM 21666-5  CHIPS PIC IOAPIC LAPIC  FIND 5$"
check "the function bar names the findings key" " f Findings "

# f: kvmirq check's findings, as check prints them; the last one in full below.
keys f
check "the findings screen" "^8 findings of kvmirq check's rules"
check "a finding's row" "^error: VM 1 \(pid 21666, thread 21666\), t=0\.000431: route-before-line: KVM_IRQ"
keys j j j j j j j
check "the finding under the cursor in full" "\[events #170, #158\]$"
keys f
check "f again: back to the VM list" "^ +VM +PID NAME"
if (($(screen | wc -l) == 24 && $(screen | wc -L) <= 80)); then ok; else bad "the screen is not 80x24"; fi

# Enter: the VM, its controllers and lines.
keys Enter
check "the VM's title" "^VM 1 testvmm  pid 21666  KVM 21666-5  1 vCPU  PIC IOAPIC LAPIC"
check "the IOAPIC's row" "^  \[[1-9]\] IOAPIC +x86-ioapic +read"
check "a GSI line" "^ +9 ioapic 9, pic-slave 1 +level +0 +no +6\.0 +6 "
ioapic=$(screen | sed -nE 's/^  \[([1-9])\] IOAPIC .*/\1/p')
echo "the IOAPIC is controller [$ioapic]"

# Step: go to 1.5 ms, then one event forward and two back.
keys g
check "the go-to prompt" "Go to \(seconds from the start"
typed 0.0015
keys Enter
check "go to 1.5 ms" "ev $at/$total 1x paused"
keys n
check "one step forward" "ev $((at + 1))/$total"
check "the event it applied" "^last: .*$next_name"
keys p p
check "two steps back" "ev $((at - 1))/$total"
check "the event before" "^last: .*$back_name"
keys g
typed end
keys Enter
check "go to the end" "ev $total/$total"

# The IOAPIC: its programmed vectors, as a table.
keys "$ioapic"
check "the IOAPIC screen" "^IOAPIC \(x86-ioapic\) of VM 1: reconstructed on a read"
check "the table's columns" "^ +vec +deliv +dmode"
check "pin 1's vector" "^redir\[1\] +0x31 fixed physical .* edge +no +0x0"
check "pin 9's vector, level" "^redir\[9\] +0x39 fixed physical .* level no +0x0"
check "pin 11, masked" "^redir\[11\] +0x3b fixed physical .* level yes"
check "pin 5's destination" "^redir\[5\] +0x35 .* 0x7"

# A SET_IRQCHIP of the IOAPIC: the fields it made unknown change, highlighted.
keys g
typed 0.00125
keys Enter
check "before the SET_IRQCHIP" "values, 0 unknown \(\?\)"
keys n
check "after it" "^last: .*KVM_SET_IRQCHIP.*chip=ioapic"
check "the fields it changed" "values, [1-9][0-9]* unknown \(\?\), [1-9][0-9]* changed since the last frame"
check "remote_irr no longer known" "^redir\[9\] +0x39 fixed physical \? +active-high \?"
# highlighted: the changed cells are drawn in the yellow background of UI_CHANGED
if tm capture-pane -e -p -t top | grep 'redir\[9\]' | grep -q $'\e\[43m'; then ok; else
	bad "the changed fields are not highlighted"; fi

# Help, and back.
keys h
check "help" "^Keys"
check "help's step key" "n / p +replay: step one event forward / back"
keys Escape
check "back from help" "^IOAPIC \(x86-ioapic\) of VM 1"

# A bigger terminal: the optional columns come back.
keys Escape Escape
check "back to the VM list" "^ +VM +PID NAME"
tm resize-window -t top -x 120 -y 30
check "120 columns show the KVM and CHIPS columns" "^ +VM +PID NAME +KVM +VCPU CHIPS"
# 162 columns leave the sparkline 40 cells: 40 s of a replay's one-second points
tm resize-window -t top -x 162 -y 30
check "the sparkline's title says the time it spans" " FIND +DROP LINE/s 40s$"
tm resize-window -t top -x 80 -y 24
check "80 columns drop them again" "^ +VM +PID NAME +VCPU LINE/s"

# q: the program ends, cleanly.
keys q
deadline=$((SECONDS + 15))
while [[ ! -s $tmp/status ]] && ((SECONDS < deadline)); do sleep 0.1; done
if [[ $(cat "$tmp/status" 2>/dev/null) == 0 ]]; then ok; else bad "q: exit status '$(cat "$tmp/status" 2>/dev/null)'"; fi
if ! grep -qE "$SANITIZER_REPORT" "$tmp/stderr"; then ok; else bad "sanitizer report:"; head -20 "$tmp/stderr"; fi

# NO_COLOR: the same screen without a colour, reverse video instead.
start_top "$rec" TERM=xterm-256color NO_COLOR=1
check "monochrome VM row" "^ +1 +21666 testvmm"
colours=$(tm capture-pane -e -p -t top)
if ! grep -qE $'\e\\[(3[0-7]|4[0-7])m' <<<"$colours" && grep -q $'\e\\[7m' <<<"$colours"; then ok; else
	bad "NO_COLOR: colours on the screen, or no reverse video"; fi
quit_top "NO_COLOR run"

# A long process name (demo/x86-testvmm-loader.kvmirq: the loader's command
# line) elided to NAME's cells, "…" in a UTF-8 locale and "~" otherwise, the
# row still under the header; wider, the name gets more room.
start_top demo/x86-testvmm-loader.kvmirq TERM=xterm-256color LC_ALL=C.UTF-8
check "a long name elided with …" "^ +1 +15237 ld-l…-lin +1 +0 "
aligned "UTF-8: the VM row under the header"
tm resize-window -t top -x 157 -y 30
check "157 columns: the name in 24 cells" "^ +1 +15237 ld-linux-x86…unknown-lin 15237-5 +1 PIC"
aligned "157 columns: the VM row under the header"
quit_top "UTF-8 run"
start_top demo/x86-testvmm-loader.kvmirq TERM=xterm-256color LC_ALL=C
check "a long name elided with ~" "^ +1 +15237 ld-l~-lin +1 +0 "
aligned "C locale: the VM row under the header"
quit_top "C locale run"

echo "$pass passed, $fail failed"
((fail == 0))
