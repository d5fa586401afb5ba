#!/usr/bin/env bash
# Errors under --json: for every command that takes it, a bad option and a
# bad file (or value) give exactly one JSON object on stderr, {"error",
# "command", "exit"}, with the exit status the same error has without
# --json, and an error in an option before --json is JSON too. Prints "N
# passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/sanitized-cli.sh

# json_error STATUS COMMAND ARGS...: kvmirq COMMAND ARGS exits STATUS with a
# line of text on stderr, and with --json added at the end (and at the
# start) with the same status and one JSON error object.
json_error() {
	local want=$1 cmd=$2; shift 2
	local text json_end json_start s_text s_end s_start
	text=$($bin "$cmd" "$@" 2>&1 >/dev/null); s_text=$?
	json_end=$($bin "$cmd" "$@" --json 2>&1 >/dev/null); s_end=$?
	json_start=$($bin "$cmd" --json "$@" 2>&1 >/dev/null); s_start=$?
	if [[ $s_text == "$want" && $s_end == "$want" && $s_start == "$want" ]] &&
	   [[ $text == "kvmirq $cmd: "* ]] &&
	   python3 -c '
import json, sys
for text in sys.argv[3:]:
    o = json.loads(text)  # one object: a second line would be "extra data"
    assert set(o) == {"error", "command", "exit"}, o
    assert o["command"] == sys.argv[1] and o["exit"] == int(sys.argv[2]), o
    assert o["error"], o
' "$cmd" "$want" "$json_end" "$json_start" 2>/dev/null; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL kvmirq $cmd $* [--json]: want exit $want, got $s_text / $s_end / $s_start"
		printf '    %s\n' "$text" "$json_end" "$json_start" | head -6
	fi
}

missing=$tmp/missing
commands=$($bin --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && NF {print $1}')
for cmd in $commands; do
	[[ $cmd == completion ]] && continue # prints a script: no --json
	json_error 2 "$cmd" --bogus
	json_error 2 "$cmd" -Z
done
# an option's bad value
json_error 2 record -o "$tmp/x.kvmirq" -e nonsense
json_error 2 record -o "$tmp/x.kvmirq" --time-unit ms
json_error 2 record -o "$tmp/x.kvmirq" --vm x
json_error 2 probe -s sideways
json_error 2 stat -d soon
json_error 2 show -a never demo/x86-statevmm.kvmsnap
json_error 2 diff -b never demo/x86-statevmm.kvmsnap demo/x86-statevmm.kvmsnap
json_error 2 check --fail-on fatal demo/x86-testvmm.kvmirq
json_error 2 top -b -d 0
json_error 2 snapshot -o "$tmp/x.kvmsnap"
# bad files: missing, or not what they should be
json_error 1 report "$missing.kvmirq"
json_error 2 show "$missing.kvmsnap"
json_error 2 diff "$missing.kvmsnap" demo/x86-statevmm.kvmsnap
json_error 2 check "$missing.kvmirq"
json_error 1 top -b -i "$missing.kvmirq"
json_error 1 snapshot --from "$missing.kvmirq" -o "$tmp/x.kvmsnap"
json_error 1 snapshot --from demo/x86-statevmm.kvmsnap -o "$tmp/x.kvmsnap"
# record cannot create its file (found before anything is attached)
json_error 1 record -q -d 100ms -o "$missing/dir/x.kvmirq"
# An option's missing argument (last, so --json goes first)
out=$($bin report --json demo/x86-testvmm.kvmirq -e 2>&1 >/dev/null); status=$?
if ((status == 2)) && [[ $out == '{"error":"option --events needs an argument","command":"report","exit":2}' ]]; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL kvmirq report --json FILE -e: $status $out"; fi
# An unknown command, given --json
out=$($bin frobnicate --json 2>&1 >/dev/null); status=$?
if ((status == 2)) && python3 -c 'import json, sys; o = json.loads(sys.argv[1]); assert o["command"] is None and o["exit"] == 2' "$out"; then
	pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL kvmirq frobnicate --json: $status $out"; fi

echo "$pass passed, $fail failed"
((fail == 0))
