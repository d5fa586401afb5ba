# Sourced by the command-line tests: expect() counts into $pass and $fail.
# shellcheck shell=bash

# expect STATUS PATTERN -- command...: the exit status, a pattern in its
# stdout or stderr, and no sanitizer report ($SANITIZER_REPORT:
# tests/lib/sanitizer-options.sh)
expect() {
	local want=$1 pattern=$2; shift 3
	local out status
	out=$("$@" 2>&1); status=$?
	if [[ $status == "$want" ]] && grep -qE -- "$pattern" <<<"$out" && ! grep -qE "$SANITIZER_REPORT" <<<"$out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAIL ($status, wanted $want /$pattern/): $*"; echo "$out" | head -5
	fi
}
