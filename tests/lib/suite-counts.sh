# Sourced by tests/run.sh and tests/harness/check-harness.sh.
# shellcheck shell=bash

# suite_counts LOG STATUS: "PASSED FAILED" for a suite that wrote LOG and
# exited with STATUS, from its last "N passed, M failed" line. One failure
# is counted when there is no such line, when the suite exited non-zero with
# none counted, and when it checked nothing ("0 passed, 0 failed").
suite_counts() {
	local out p f
	out=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	if [[ -z $out ]]; then
		echo "0 1"
		return
	fi
	p=${out%% passed*}; f=${out#*, }; f=${f%% failed*}
	(( (p == 0 || $2 != 0) && f == 0 )) && f=1
	echo "$p $f"
}
