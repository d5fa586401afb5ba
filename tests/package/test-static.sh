#!/usr/bin/env bash
# make static: the binary is statically linked (no loader, no shared
# library) and works in an empty chroot that holds only itself and a demo
# recording: --version, and a report identical to the normal build's.
# Needs no KVM: recording from a bare root is the x86 rig's test-static.sh.
# Prints "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

make -s all static >/dev/null
bin=build/static/kvmirq
if file "$bin" | grep -q 'statically linked'; then ok; else bad "file: $(file "$bin")"; fi
if ! readelf -lW "$bin" | grep -q INTERP && ! readelf -dW "$bin" | grep -q NEEDED; then ok; else
	bad "$bin asks for a loader or shared libraries"; fi

root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bare=$work/root
mkdir "$bare"
demo=x86-testvmm.kvmirq
cp "$bin" "$bare/kvmirq"
cp "demo/$demo" "$bare/"
if [[ $(chroot "$bare" /kvmirq --version 2>&1) == "kvmirq $(cat VERSION) "* ]]; then ok; else
	bad "--version in the empty root: $(chroot "$bare" /kvmirq --version 2>&1)"; fi
# chroot starts in /, the host's report runs in the root's folder: the same path.
for args in "" "--json --timeline"; do
	# shellcheck disable=SC2086 # args is a list of options
	if chroot "$bare" /kvmirq report $args "$demo" >"$work/static" 2>&1 &&
	   (cd "$bare" && "$root/build/kvmirq" report $args "$demo") >"$work/normal" 2>&1 &&
	   [[ -s $work/normal ]] && cmp -s "$work/static" "$work/normal"; then ok; else
		bad "report $args differs from the normal build's:"; diff "$work/normal" "$work/static" | head -5; fi
done

echo "$pass passed, $fail failed"
((fail == 0))
