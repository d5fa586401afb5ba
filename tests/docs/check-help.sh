#!/usr/bin/env bash
# The man pages and --help must name the same options, per command: a drift
# test in the spirit of bpftool's. Prints "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
bin=build/kvmirq
pass=0 fail=0

long_options() { grep -oE -- '--[a-z][a-z-]*' | sort -u; }

for page in docs/kvmirq-*.1 docs/kvmirq.1; do
	name=$(basename "$page" .1)
	cmd=${name#kvmirq}; cmd=${cmd#-}
	from_help=$($bin $cmd --help | sed -n '/^Options:/,/^$/p' | long_options)
	[[ -z $cmd ]] && from_help=$($bin --help | long_options)
	from_man=$(sed -n '/^\.SH OPTIONS/,/^\.SH [^O]/p' "$page" | sed 's/\\-/-/g' | grep -vE '^\.SH' |
		   grep -E '^\.BR' | long_options)
	if [[ -n $from_help && $from_help == "$from_man" ]]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $page and '$bin $cmd --help' disagree:"
		diff <(echo "$from_help") <(echo "$from_man") | sed 's/^/    /'
	fi
done
# The exit statuses: the numbers that --help's "Exit status" paragraph and
# the man page's EXIT STATUS section name must be the same (a status that
# one of them leaves out fails), and every command has both.
statuses() { tr '\n' ' ' | grep -oE '(^|[ ;:,])[0-9]+ ' | tr -d ' ;:,' | sort -un | tr '\n' ' '; }
for page in docs/kvmirq-*.1; do
	cmd=$(basename "$page" .1); cmd=${cmd#kvmirq-}
	from_help=$($bin $cmd --help | sed -n '/^Exit status/,$p' | statuses)
	from_man=$(awk '/^\.SH/ { on = /^\.SH EXIT STATUS/; next } on' "$page" | statuses)
	if [[ -n $from_help && $from_help == "$from_man" ]]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL exit statuses of $page ($from_man) and '$bin $cmd --help' ($from_help) differ"
	fi
done
# Every command has a man page.
for cmd in $($bin --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && NF {print $1}'); do
	if [[ -f docs/kvmirq-$cmd.1 ]]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL no man page for $cmd"; fi
done
echo "$pass passed, $fail failed"
((fail == 0))
