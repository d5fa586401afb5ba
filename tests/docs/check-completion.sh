#!/usr/bin/env bash
# The bash completion (kvmirq completion bash) against --help: for every
# command, completing "-" must offer exactly the options --help lists; the
# commands complete, and so do option arguments by their kind. A drift test
# like check-help.sh. Prints "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
bin=build/kvmirq
pass=0 fail=0
tmp=$(mktemp -d); holder=
trap 'rm -rf "$tmp"; [[ -n $holder ]] && kill "$holder" 2>/dev/null' EXIT

if ! $bin completion bash >"$tmp/kvmirq.bash"; then
	echo "FAIL kvmirq completion bash"; echo "0 passed, 1 failed"; exit 1
fi
# shellcheck source=/dev/null
source "$tmp/kvmirq.bash"

# complete WORD...: what _kvmirq offers for the last word, sorted, one a line
complete_words() {
	COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
	_kvmirq
	((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sort -u
}

# same WHAT EXPECTED ACTUAL
same() {
	if [[ $2 == "$3" ]]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL $1:"; diff <(echo "$2") <(echo "$3") | sed 's/^/    /'; fi
}

# has WHAT WORD ACTUAL
has() {
	if grep -qxF -- "$2" <<<"$3"; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL $1: '$2' not offered, only:"; echo "$3" | head -5 | sed 's/^/    /'; fi
}

commands=$($bin --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && NF {print $1}')
same "commands" "$( (echo "$commands"; printf "%s\n" --help --version) | sort -u)" \
	"$(complete_words kvmirq "")"
same "commands after 'st'" "$(printf 'stat\n')" "$(complete_words kvmirq st)"

for cmd in $commands; do
	# "  -o, --output FILE  text" or "      --vm ID  text": its -o and --output
	from_help=$($bin "$cmd" --help | sed -n '/^Options:/,/^$/p' |
		    grep -oE '^  (-[[:alnum:]], )?--[a-z][a-z-]*|^      --[a-z][a-z-]*' |
		    grep -oE -- '--?[[:alnum:]][a-z-]*' | sort -u)
	same "kvmirq $cmd -<TAB> and kvmirq $cmd --help" "$from_help" \
		"$(complete_words kvmirq "$cmd" -)"
done

# Option arguments, by kind.
same "record --strategy" "$(printf 'auto\nfentry\nkprobe\nsyscall\n')" \
	"$(complete_words kvmirq record --strategy "")"
same "probe -s f" "fentry" "$(complete_words kvmirq probe -s f)"
same "check --fail-on" "$(printf 'error\ninfo\nwarning\n')" "$(complete_words kvmirq check --fail-on "")"
same "record --time-unit" "$(printf 'ns\nus\n')" "$(complete_words kvmirq record -t "")"
same "completion" "bash" "$(complete_words kvmirq completion "")"
same "record -e deli" "delivery" "$(complete_words kvmirq record -e deli)"
has "record -e (every kind)" "vcpus_running" "$(complete_words kvmirq record -e "")"
has "report --events=" "set_irq" "$(complete_words kvmirq report --events = "")"
# bash splits "ioctl:irq_l" at the colon, and replaces what follows it
same "record -e ioctl:irq_l" "$(printf 'irq_line\nirq_line_status\n')" \
	"$(complete_words kvmirq record -e ioctl : irq_l)"
same "record -e eoi,ioctl:signal" "signal_msi" \
	"$(complete_words kvmirq record -e eoi,ioctl : signal)"
same "record -e eoi,pv_" "eoi,pv_eoi" "$(complete_words kvmirq record -e eoi,pv_)"
same "record --duration (nothing to offer)" "" "$(complete_words kvmirq record -d "")"

# Files: recordings, snapshots, both, by their extensions (and directories).
mkdir "$tmp/d" "$tmp/d/sub"
: >"$tmp/d/a.kvmirq"; : >"$tmp/d/b.kvmsnap"; : >"$tmp/d/c.txt"
same "report FILE" "$(printf '%s\n' "$tmp/d/a.kvmirq" "$tmp/d/sub")" \
	"$(complete_words kvmirq report "$tmp/d/")"
same "show FILE" "$(printf '%s\n' "$tmp/d/a.kvmirq" "$tmp/d/b.kvmsnap" "$tmp/d/sub")" \
	"$(complete_words kvmirq show -j "$tmp/d/")"
same "diff A B" "$(printf '%s\n' "$tmp/d/a.kvmirq" "$tmp/d/b.kvmsnap" "$tmp/d/sub")" \
	"$(complete_words kvmirq diff "$tmp/d/a.kvmirq" "$tmp/d/")"
same "snapshot -o" "$(printf '%s\n' "$tmp/d/b.kvmsnap" "$tmp/d/sub")" \
	"$(complete_words kvmirq snapshot -o "$tmp/d/")"
same "top -i" "$(printf '%s\n' "$tmp/d/a.kvmirq" "$tmp/d/sub")" \
	"$(complete_words kvmirq top -i "$tmp/d/")"

# Pids: a process holding /dev/kvm is a VMM to complete; this shell is not.
if [[ -r /dev/kvm ]]; then
	(exec 3</dev/kvm; exec sleep 60) & holder=$!
	sleep 0.2
	vmms=$(complete_words kvmirq snapshot -p "")
	has "snapshot -p (a process holding /dev/kvm)" "$holder" "$vmms"
	if grep -qxF "$$" <<<"$vmms"; then fail=$((fail + 1)); echo "FAIL snapshot -p offers $$"
	else pass=$((pass + 1)); fi
fi
has "stat -p (any process)" "$$" "$(complete_words kvmirq stat -p "")"

echo "$pass passed, $fail failed"
((fail == 0))
