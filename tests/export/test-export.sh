#!/usr/bin/env bash
# kvmirq export on the shipped real recordings (demo/: x86, the big-endian
# e500 and arm64): each exported in both formats by the ASan/UBSan build,
# read back by third-party readers (protobufjs for Perfetto's protobuf,
# Chrome DevTools' trace model for the JSON) and checked against the
# formats' rules and against kvmirq report's reading of the same file
# (tests/export/check-export.js); then the command line's errors, and a
# recording cut short.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/sanitized-cli.sh

[[ -x $bin ]] || { echo "no $bin: make tests"; echo "0 passed, 1 failed"; exit 1; }
modules=$(tests/export/npm-deps.sh) || { echo "FAIL: the npm packages the test reads with"; echo "0 passed, 1 failed"; exit 1; }

args=()
for rec in demo/*.kvmirq; do
	b=$(basename "$rec" .kvmirq)
	run "$b-report" 0 -- "$bin" report --json --timeline "$rec" || continue
	run "$b-perfetto" 0 -- "$bin" export "$rec" -o "$tmp/$b.pftrace" || continue
	run "$b-json" 0 -- "$bin" export "$rec" --format chrome-json -o "$tmp/$b.json" || continue
	args+=("$b" "$tmp/$b-report.out" "$tmp/$b.json" "$tmp/$b.pftrace")
done
node tests/export/check-export.js "$modules" tests/export/perfetto_subset.proto "${args[@]}" >"$tmp/node.out" 2>&1
grep -v '^[0-9]* passed, [0-9]* failed$' "$tmp/node.out"
read -r p f < <(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$tmp/node.out" | tail -1)
[[ -n ${p:-} ]] || { bad "check-export.js printed no result"; p=0 f=0; }
pass=$((pass + p)) fail=$((fail + f))

# The same file exported twice is the same trace, byte for byte.
rec=demo/ppc-e500-mpic.kvmirq
run again 0 -- "$bin" export "$rec" -o "$tmp/again.pftrace" &&
	if cmp -s "$tmp/again.pftrace" "$tmp/ppc-e500-mpic.pftrace"; then ok; else bad "two exports differ"; fi
run stdout 0 -- "$bin" export "$rec" -f chrome-json -o - &&
	if cmp -s "$tmp/stdout.out" "$tmp/ppc-e500-mpic.json"; then ok; else bad "-o - differs from the file"; fi

# Bad usage and unreadable input: an error, and no trace left behind.
expect_err() { # NAME STATUS PATTERN -- command
	local name=$1 want=$2 pattern=$3; shift 4
	run "$name" "$want" -- "$@" || return
	if grep -qE -- "$pattern" "$tmp/$name.err"; then ok; else bad "$name: /$pattern/ not in: $(head -2 "$tmp/$name.err")"; fi
}
expect_err no-output 2 '-o OUT is needed' -- "$bin" export "$rec"
expect_err no-file 2 'exactly one FILE' -- "$bin" export -o "$tmp/x"
expect_err bad-format 2 "unknown format 'systrace'" -- "$bin" export "$rec" -f systrace -o "$tmp/x"
expect_err missing 1 'nosuch.kvmirq' -- "$bin" export "$tmp/nosuch.kvmirq" -o "$tmp/missing.pftrace"
if [[ -e $tmp/missing.pftrace ]]; then bad "a trace was left for a missing recording"; else ok; fi
expect_err not-a-recording 1 'kvmirq export: ' -- "$bin" export tests/export/perfetto_subset.proto -o "$tmp/junk.pftrace"
if [[ -e $tmp/junk.pftrace ]]; then bad "a trace was left for a file that is not a recording"; else ok; fi
# An earlier trace under the name stays as it was when an export fails, and
# no temporary file is left beside it.
cp "$tmp/ppc-e500-mpic.json" "$tmp/earlier.json"
expect_err kept 1 'kvmirq export: ' -- "$bin" export tests/export/perfetto_subset.proto -f chrome-json -o "$tmp/earlier.json"
if cmp -s "$tmp/earlier.json" "$tmp/ppc-e500-mpic.json" && [[ -z $(compgen -G "$tmp/earlier.json.*") ]]; then ok; else
	bad "a failed export damaged the earlier trace or left a temporary file"; fi
expect_err unwritable 1 'kvmirq export: /nonexistent/' -- "$bin" export "$rec" -o /nonexistent/x.pftrace

# Cut short: read up to the last whole chunk, warned about on stderr like report.
size=$(stat -c %s demo/x86-qemu-guest.kvmirq)
head -c $((size * 2 / 3)) demo/x86-qemu-guest.kvmirq >"$tmp/cut.kvmirq"
expect_err cut 0 'kvmirq export: warning: .*cut.kvmirq' -- "$bin" export "$tmp/cut.kvmirq" -o "$tmp/cut.pftrace"
run cut-report 0 -- "$bin" report --json --timeline "$tmp/cut.kvmirq"
run cut-json 0 -- "$bin" export "$tmp/cut.kvmirq" -f chrome-json -o "$tmp/cut.json"
if node tests/export/check-export.js "$modules" tests/export/perfetto_subset.proto cut \
	"$tmp/cut-report.out" "$tmp/cut.json" "$tmp/cut.pftrace" >"$tmp/cut-node.out" 2>&1; then ok; else
	bad "the cut recording's export"; cat "$tmp/cut-node.out"; fi

echo "$pass passed, $fail failed"
((fail == 0))
