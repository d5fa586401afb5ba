#!/usr/bin/env bash
# make install into a staging DESTDIR under a PREFIX of its own: every file
# in its place, the program runs, man renders every page, the completion
# parses in bash; then make uninstall leaves no file of kvmirq's behind and
# none of anyone else's missing. Prints "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
prefix=/opt/kvmirq-test
top=$dest$prefix
# Someone else's files in the shared folders: uninstall must leave them.
mkdir -p "$top/bin" "$top/share/man/man1"
echo other >"$top/bin/other-tool"
echo other >"$top/share/man/man1/other-tool.1"

if make -s install DESTDIR="$dest" PREFIX="$prefix" >"$dest/install.log" 2>&1; then ok; else
	bad "make install"; cat "$dest/install.log"; fi

same() { # installed-file source-file mode
	if [[ -f $1 ]] && cmp -s "$1" "$2" && [[ $(stat -c %a "$1") == "$3" ]]; then ok; else
		bad "${1#"$dest"} is not $2 with mode $3"; fi
}
same "$top/bin/kvmirq" build/kvmirq 755
if [[ $("$top/bin/kvmirq" --version) == "kvmirq $(cat VERSION) "* ]]; then ok; else
	bad "installed kvmirq --version"; fi
for page in docs/*.1; do
	installed=$top/share/man/man1/$(basename "$page")
	same "$installed" "$page" 644
	# man -l renders it without a complaint from groff, with its name and NAME section.
	name=$(basename "$page" .1)
	text=$(MANWIDTH=80 man --warnings -l "$installed" 2>"$dest/man.err" | col -b) || true
	if [[ ! -s $dest/man.err && $text == *"${name^^}(1)"* && $text == *NAME*"$name"* ]]; then ok; else
		bad "man -l $installed: $(head -3 "$dest/man.err")"; fi
done
completion=$top/share/bash-completion/completions/kvmirq
same "$completion" build/completion/kvmirq 644
if bash -n "$completion" 2>"$dest/bash.err"; then ok; else bad "completion: $(cat "$dest/bash.err")"; fi
for doc in README.md docs/*.md; do
	same "$top/share/doc/kvmirq/$(basename "$doc")" "$doc" 644
done

if make -s uninstall DESTDIR="$dest" PREFIX="$prefix" >"$dest/uninstall.log" 2>&1; then ok; else
	bad "make uninstall"; cat "$dest/uninstall.log"; fi
left=$(cd "$dest" && find ."$prefix" ! -type d | sort | tr '\n' ' ')
want="./${prefix#/}/bin/other-tool ./${prefix#/}/share/man/man1/other-tool.1 "
if [[ $left == "$want" ]]; then ok; else bad "after uninstall: left '$left', want '$want'"; fi
if [[ ! -e $top/share/doc/kvmirq ]]; then ok; else bad "share/doc/kvmirq is still there"; fi

echo "$pass passed, $fail failed"
((fail == 0))
