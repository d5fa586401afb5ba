#!/usr/bin/env bash
# The Debian package, built from a copy of the tree with dpkg-buildpackage,
# checked by lintian (no errors), installed with apt into a clean Debian 12
# chroot (apt fetches its dependencies from deb.debian.org), where kvmirq
# --version, probe (the host's /proc, /sys and /dev bound in) and man work.
#
# The clean chroot is bootstrapped once (debootstrap, network) and kept as a
# tarball under ${KVMIRQ_CACHE:-/var/tmp/kvmirq-cache}/debian-chroot/, named
# after what made it (suite, architecture, variant, extra packages), never a
# date. Its mounts live in a private mount namespace (unshare), so none can
# outlive the test, and they are unmounted before anything is deleted.
# Prints "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { # description command...
	local what=$1; shift
	if "$@"; then ok; else bad "$what"; fi
}

version=$(cat VERSION)
arch=$(dpkg --print-architecture)
suite=bookworm variant=minbase include=man-db
mirror=http://deb.debian.org/debian
cache=${KVMIRQ_CACHE:-/var/tmp/kvmirq-cache}/debian-chroot
tarball=$cache/$suite-$arch-$variant-${include//,/-}.tar.gz

work=$(mktemp -d /var/tmp/kvmirq-deb.XXXXXX)
root=$work/root
cleanup() {
	if findmnt -rn -o TARGET | grep -q "^$work/"; then
		echo "FAIL mounts left under $work, not deleting it"
		exit 1
	fi
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# Build from a copy of the tree (tracked and new files, not build/): the
# artefacts land beside the copy, in $work.
src=$work/kvmirq-$version
mkdir "$src"
git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$src"
if (cd "$src" && dpkg-buildpackage -b -us -uc) >"$work/build.log" 2>&1; then ok; else
	bad "dpkg-buildpackage"; tail -n 30 "$work/build.log"; fi
deb=$work/kvmirq_${version}_$arch.deb
check "no $deb" test -f "$deb"
check "the package's version is not VERSION ($version)" \
	test "$(dpkg-deb -f "$deb" Version 2>/dev/null)" == "$version"
depends=$(dpkg-deb -f "$deb" Depends 2>/dev/null || true)
for lib in libbpf1 libncursesw6; do
	check "Depends lacks $lib: $depends" grep -q "\b$lib\b" <<<"$depends"
done
contents=$(dpkg-deb -c "$deb" 2>/dev/null | awk '{print $NF}' || true)
for f in ./usr/bin/kvmirq ./usr/share/man/man1/kvmirq.1.gz ./usr/share/man/man1/kvmirq-record.1.gz \
	 ./usr/share/bash-completion/completions/kvmirq ./usr/share/doc/kvmirq/copyright \
	 ./usr/share/doc/kvmirq/README.md.gz; do
	check "the package lacks $f" grep -qxF "$f" <<<"$contents"
done

lintian --tag-display-limit 0 "$work"/kvmirq_*.changes >"$work/lintian.txt" 2>&1 || true
echo "lintian:" >&2
sed 's/^/  /' "$work/lintian.txt" >&2
if grep -q '^E:' "$work/lintian.txt"; then bad "lintian reports errors"; grep '^E:' "$work/lintian.txt"; else ok; fi

# The clean chroot, bootstrapped once.
if [[ ! -f $tarball ]]; then
	mkdir -p "$cache"
	echo "bootstrapping $suite ($arch, $variant, +$include) into $tarball" >&2
	if ! debootstrap --variant="$variant" --include="$include" --arch="$arch" "$suite" "$work/boot" "$mirror" \
		>"$work/debootstrap.log" 2>&1; then
		tail -n 20 "$work/debootstrap.log"
		bad "debootstrap $suite"
		echo "$pass passed, $fail failed"
		exit 1
	fi
	tar -C "$work/boot" --numeric-owner -czf "$tarball.tmp.$$" . && mv "$tarball.tmp.$$" "$tarball"
	find "$cache" -maxdepth 1 -type f ! -name "$(basename "$tarball")" -delete
	rm -rf --one-file-system "$work/boot"
fi
mkdir "$root"
check "cannot unpack $tarball" tar -C "$root" --numeric-owner -xzf "$tarball"
cp "$deb" "$root/tmp/"
cp /etc/resolv.conf "$root/etc/resolv.conf"

# Inside a private mount namespace: bind the host's kernel files, install,
# run, unmount. Each result goes to a file in $work for the checks below.
unshare --mount --propagation private bash -s "$root" "$work" "$(basename "$deb")" <<'INSIDE'
set -uo pipefail
root=$1 work=$2 deb=$3
unmount() { umount -R "$root/dev" "$root/sys" "$root/proc" 2>/dev/null; }
trap unmount EXIT
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
{ in_root apt-get update -q && in_root sh -c "cd /tmp && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ./$deb"; } \
	>"$work/apt.log" 2>&1
echo $? >"$work/apt.rc"
in_root kvmirq --version >"$work/version.txt" 2>&1
in_root kvmirq probe >"$work/probe.txt" 2>&1
echo $? >"$work/probe.rc"
in_root ldd /usr/bin/kvmirq >"$work/ldd.txt" 2>&1
in_root sh -c 'MANWIDTH=80 man -P cat kvmirq 2>&1' >"$work/man.txt"
in_root dpkg-query -W -f='${Version} ${Status}\n' kvmirq >"$work/dpkg.txt" 2>&1
test -f "$root/usr/share/bash-completion/completions/kvmirq"
echo $? >"$work/completion.rc"
unmount
trap - EXIT
INSIDE

check "apt install ./$(basename "$deb") failed: $(tail -n 5 "$work/apt.log")" test "$(cat "$work/apt.rc")" == 0
check "installed: $(cat "$work/dpkg.txt")" test "$(cat "$work/dpkg.txt")" == "$version install ok installed"
if grep -q 'not found' "$work/ldd.txt"; then bad "libraries missing: $(grep 'not found' "$work/ldd.txt")"; else ok; fi
check "kvmirq --version: $(cat "$work/version.txt")" grep -q "^kvmirq $version " "$work/version.txt"
check "kvmirq probe failed: $(tail -n 3 "$work/probe.txt")" test "$(cat "$work/probe.rc")" == 0
# probe reads the host's /dev/kvm through the bind mount: as the host has it
kvm_line='^/dev/kvm: +absent'
[[ -c /dev/kvm ]] && kvm_line='^/dev/kvm: +present'
for line in "$kvm_line" '^BTF: +yes' ' attached$'; do
	check "kvmirq probe lacks /$line/" grep -qE "$line" "$work/probe.txt"
done
check "man kvmirq: $(head -n 3 "$work/man.txt")" grep -q '^KVMIRQ(1)' "$work/man.txt"
check "no bash completion installed" test "$(cat "$work/completion.rc")" == 0
check "mounts left behind" bash -c "! findmnt -rn -o TARGET | grep -q '^$work/'"

echo "$pass passed, $fail failed"
((fail == 0))
