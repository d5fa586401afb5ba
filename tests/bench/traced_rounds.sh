# shellcheck shell=bash
# Sourced by the benchmarks that time a loop untraced and while kvmirq
# records, in alternating rounds (a drifting machine shows as spread, not as
# a ratio). The loop prints "... X ns each".
#   traced_rounds KVMIRQ ROUNDS WHAT RECORD_ARGS -- LOOP...
# prints "round N: untraced A ns, recording B ns per WHAT: ratio B/A", and
# leaves the ratios in the array traced_rounds_ratios.
traced_rounds() {
	local kvmirq=$1 rounds=$2 what=$3 plain traced i
	local -a record_args=()
	shift 3
	while [[ $1 != -- ]]; do record_args+=("$1"); shift; done
	shift
	traced_rounds_rec= traced_rounds_tmp=$(mktemp -d) # globals: the EXIT trap reads them
	traced_rounds_ratios=()
	trap 'kill $traced_rounds_rec 2>/dev/null || true; rm -rf "$traced_rounds_tmp"' EXIT
	ns_each() { "$@" | sed -E 's/.*: ([0-9]+) ns each/\1/'; }
	for ((i = 1; i <= rounds; i++)); do
		plain=$(ns_each "$@")
		"$kvmirq" record --force "${record_args[@]}" -o "$traced_rounds_tmp/r.kvmirq" \
			2>"$traced_rounds_tmp/record.err" &
		traced_rounds_rec=$!
		# attached: it says so (loading takes seconds under emulation)
		for _ in $(seq 600); do
			grep -q "recording to" "$traced_rounds_tmp/record.err" && break
			kill -0 "$traced_rounds_rec" 2>/dev/null || break
			sleep 0.1
		done
		if ! grep -q "recording to" "$traced_rounds_tmp/record.err"; then
			echo "kvmirq record did not start:" >&2
			cat "$traced_rounds_tmp/record.err" >&2
			return 1
		fi
		traced=$(ns_each "$@")
		kill -INT "$traced_rounds_rec"
		wait "$traced_rounds_rec" || true
		traced_rounds_rec=
		traced_rounds_ratios+=("$(awk "BEGIN { printf \"%.3f\", $traced / $plain }")")
		echo "round $i: untraced $plain ns, recording $traced ns per $what: ratio ${traced_rounds_ratios[-1]}"
	done
}
