# Sourced, from the repository root, by the command-line suites that run the
# ASan/UBSan build: $bin ($KVMIRQ or build/asan/kvmirq), the sanitizers'
# options (tests/lib/sanitizer-options.sh: a report fails any check), $tmp
# (removed on exit), the $pass/$fail counters and their helpers, expect
# (tests/cli/expect.sh) and run.
# shellcheck shell=bash

bin=${KVMIRQ:-build/asan/kvmirq}
. tests/lib/sanitizer-options.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

. tests/cli/expect.sh

# run NAME STATUS -- command: the exit status, and no sanitizer report;
# stdout and stderr are kept in $tmp/NAME.out and $tmp/NAME.err
run() {
	local name=$1 want=$2; shift 3
	"$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	local status=$?
	if [[ $status != "$want" ]] || grep -qE "$SANITIZER_REPORT" "$tmp/$name.err"; then
		bad "$name: exit $status (wanted $want): $*"; head -5 "$tmp/$name.err"
		return 1
	fi
	ok
}
