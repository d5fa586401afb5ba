#!/bin/bash
# Build (or find in the cache) what the e500v2 rig boots: a 32-bit PowerPC
# e500v2 kernel with KVM and the in-kernel MPIC, and an initramfs whose /init
# is the static MPIC test VMM (tests/vmm/mpicvmm.c).
#
# Usage: build.sh [-q]
#   Prints shell assignments on stdout (safe for eval):
#     RIG_E500_KERNEL=...  RIG_E500_INITRD=...  RIG_E500_VMM=...
#   -q  no progress messages
#
# Every part comes from Debian: the kernel from linux-source-6.1 (allnoconfig
# plus the option fragment), built with gcc-powerpc-linux-gnu; zlib for the
# VMM from Debian's zlib source package (apt-get source through a private,
# temporary deb-src list: nothing under /etc/apt changes).
#
# Cache: ${KVMIRQ_CACHE:-/var/tmp/kvmirq-cache}/e500/
#   kernel-<key>/   vmlinux, gen_init_cpio   key: option lines of the fragment,
#                                            linux-source version, compiler
#   zlib-<key>/     include/, lib/libz.a     key: zlib source version, compiler
#   vmm-<key>/      mpicvmm                  key: its sources, zlib, compiler
#   initrd-<key>.cpio.gz                     key: the VMM
# Each part is built under a temporary name and renamed when complete; a run
# with everything cached takes a second or two and touches no network.
#
# Environment:
#   KVMIRQ_E500_CONFIG  the option fragment (default: the shared rig's copy
#                       if it is there, else kvm-mpic.config beside this file)
#   KVMIRQ_E500_JOBS    make -j for the kernel (default 2)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../../.." && pwd -P)
RIG_PROG=build.sh
. "$here/../lib.sh"

CROSS=powerpc-linux-gnu-
# Bump when a stage's output changes in a way its key cannot see.
KERNEL_LAYOUT=1
ZLIB_LAYOUT=1
VMM_LAYOUT=1
INITRD_LAYOUT=1

quiet=0
case "${1:-}" in
-q) quiet=1 ;;
"") ;;
*) rig_die "usage: build.sh [-q]" ;;
esac
say() { [ "$quiet" = 1 ] || rig_log "$@"; }

pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }
short_hash() { sha256sum | cut -c1-16; }

pick_config() {
	local shared=$repo/../shared/rig/e500v2-kvm-mpic.config
	if [ -n "${KVMIRQ_E500_CONFIG:-}" ]; then
		config=$KVMIRQ_E500_CONFIG
	elif [ -f "$shared" ]; then
		config=$shared
	else
		config=$here/kvm-mpic.config
	fi
	[ -f "$config" ] || rig_die "kernel option fragment $config not found"
	grep -q '^CONFIG_KVM_MPIC=y' "$config" || rig_die "$config does not enable CONFIG_KVM_MPIC"
}

# Stage 1: the kernel. Only the option lines count for the key, so the
# shared fragment and the project's copy (same options, other comments)
# share one build.
build_kernel() {
	local out=$1 tmp tree start
	tmp=$(mktemp -d "$cache/.tmp.kernel.XXXXXX")
	say "extracting linux-source-$src_version"
	start=$SECONDS
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$tmp"
	tree=$tmp/linux-source-6.1
	[ -f "$tree/Makefile" ] || rig_die "linux-source-6.1.tar.xz has no linux-source-6.1/"
	say "configuring (allnoconfig + $config)"
	make -C "$tree" -s ARCH=powerpc CROSS_COMPILE=$CROSS KCONFIG_ALLCONFIG="$config" \
		allnoconfig >"$tmp/config.log" 2>&1 || { cat "$tmp/config.log" >&2; rig_die "allnoconfig failed"; }
	# allnoconfig silently drops what the fragment asks for when a dependency
	# is missing: every requested =y must have survived.
	local opt missing=()
	while read -r opt; do
		grep -qx "$opt" "$tree/.config" || missing+=("$opt")
	done < <(grep -E '^CONFIG_[A-Z0-9_]+=y' "$config")
	[ ${#missing[@]} -eq 0 ] || rig_die "options lost by allnoconfig: ${missing[*]}"
	say "building vmlinux with -j${KVMIRQ_E500_JOBS:-2} (about 5-10 minutes on 2 cores)"
	if ! make -C "$tree" ARCH=powerpc CROSS_COMPILE=$CROSS -j"${KVMIRQ_E500_JOBS:-2}" \
		vmlinux >"$tmp/build.log" 2>&1; then
		tail -n 40 "$tmp/build.log" >&2
		rig_die "kernel build failed (log: $tmp/build.log)"
	fi
	mkdir -p "$tmp/out"
	cp "$tree/vmlinux" "$tmp/out/vmlinux"
	cp "$tree/usr/gen_init_cpio" "$tmp/out/gen_init_cpio"
	cp "$tree/.config" "$tmp/out/config"
	printf 'linux-source-6.1 %s\nbuilt in %s s\n' "$src_version" $((SECONDS - start)) >"$tmp/out/INFO"
	rm -rf "$out"
	mv -T "$tmp/out" "$out"
	rm -rf "$tmp"
	say "kernel built in $((SECONDS - start)) s"
}

# apt-get with a private deb-src list and private state: Debian's own
# mirrors (from the machine's sources), nothing written under /etc/apt or
# /var/lib/apt.
apt_src() {
	local dir=$1
	shift
	apt-get -q -o Dir::Etc::SourceList="$dir/src.sources" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache" \
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
		-o APT::Sandbox::User=root "$@"
}

debian_deb_src_list() {
	local f
	for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		if grep -q 'debian.org/debian' "$f"; then
			sed 's/^Types:.*$/Types: deb-src/' "$f"
			return 0
		fi
	done
	if [ -f /etc/apt/sources.list ]; then
		sed -n 's/^deb \(.*debian\.org\/debian.*\)$/deb-src \1/p' /etc/apt/sources.list
		return 0
	fi
	return 1
}

# Stage 2: zlib for 32-bit big-endian PowerPC, from Debian's source package.
build_zlib() {
	local out=$1 tmp srcdir
	tmp=$(mktemp -d "$cache/.tmp.zlib.XXXXXX")
	mkdir -p "$tmp/apt/lists/partial" "$tmp/apt/cache/archives/partial" "$tmp/src"
	debian_deb_src_list >"$tmp/apt/src.sources" || rig_die "no Debian apt source to derive a deb-src list from"
	say "fetching Debian's zlib source package (private deb-src list)"
	apt_src "$tmp/apt" update >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log" >&2; rig_die "apt-get update (deb-src) failed"; }
	(cd "$tmp/src" && apt_src "$tmp/apt" source "zlib=$zlib_version") >>"$tmp/apt.log" 2>&1 ||
		{ cat "$tmp/apt.log" >&2; rig_die "apt-get source zlib=$zlib_version failed"; }
	srcdir=$(find "$tmp/src" -mindepth 1 -maxdepth 1 -type d -name 'zlib-*' | head -n 1)
	[ -n "$srcdir" ] || rig_die "apt-get source zlib unpacked nothing"
	say "cross-building zlib $zlib_version"
	(cd "$srcdir" && CHOST=powerpc-linux-gnu CC=${CROSS}gcc AR=${CROSS}ar RANLIB=${CROSS}ranlib \
		CFLAGS="-O2" ./configure --static --prefix="$tmp/out" &&
		make -j2 libz.a && make install) >"$tmp/zlib.log" 2>&1 ||
		{ tail -n 30 "$tmp/zlib.log" >&2; rig_die "zlib cross build failed"; }
	[ -f "$tmp/out/lib/libz.a" ] || rig_die "zlib build left no libz.a"
	rm -rf "$out"
	mv -T "$tmp/out" "$out"
	rm -rf "$tmp"
}

# The project sources the VMM links: the snapshot code and what it needs.
vmm_sources() {
	printf '%s\n' "$repo/tests/vmm/mpicvmm.c" "$repo"/src/snapshot/snapshot.c \
		"$repo"/src/snapshot/snapshot_file.c "$repo"/src/snapshot/routing.c "$repo"/src/chips/*.c "$repo"/src/tracefile/*.c \
		"$repo"/src/util/host.c "$repo"/src/util/json.c "$repo"/src/util/kv.c "$repo"/src/util/varint.c
}

VMM_CFLAGS="-std=gnu11 -O2 -g0 -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers -D_GNU_SOURCE -ffunction-sections -fdata-sections"

# Stage 3: the static test VMM.
build_vmm() {
	local out=$1 tmp
	tmp=$(mktemp -d "$cache/.tmp.vmm.XXXXXX")
	say "cross-building the MPIC test VMM"
	# shellcheck disable=SC2086,SC2046
	if ! ${CROSS}gcc $VMM_CFLAGS -DKVMIRQ_VERSION="\"$(cat "$repo/VERSION")\"" -I"$repo/src" -I"$repo/include" -I"$zdir/include" \
		-static -Wl,--gc-sections -o "$tmp/mpicvmm" $(vmm_sources) -L"$zdir/lib" -lz \
		>"$tmp/cc.log" 2>&1; then
		cat "$tmp/cc.log" >&2
		rig_die "cross-building the test VMM failed"
	fi
	rm -rf "$out"
	mkdir -p "$tmp/out"
	mv "$tmp/mpicvmm" "$tmp/out/mpicvmm"
	mv -T "$tmp/out" "$out"
	rm -rf "$tmp"
}

# Stage 4: the initramfs, with the kernel's own gen_init_cpio (no root or
# device nodes on the host needed). /init is the VMM; it mounts what it needs.
build_initrd() {
	local out=$1 list
	list=$(mktemp "$cache/.tmp.initrd.XXXXXX")
	cat >"$list" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /tmp 1777 0 0
file /init $vdir/mpicvmm 0755 0 0
EOF
	"$kdir/gen_init_cpio" "$list" | gzip -n -1 >"$out.tmp.$$"
	mv -f "$out.tmp.$$" "$out"
	rm -f "$list"
}

main() {
	local key initrd
	rig_ensure_packages linux-source-6.1 gcc-powerpc-linux-gnu libc6-dev-powerpc-cross \
		qemu-system-ppc make gcc libc6-dev bc bison flex xz-utils gzip dpkg-dev
	pick_config
	cache=$(rig_cache_root)/e500
	mkdir -p "$cache"
	src_version=$(pkg_version linux-source-6.1)
	gcc_version=$(${CROSS}gcc -dumpfullversion)-$(pkg_version gcc-powerpc-linux-gnu)
	# The zlib version apt would fetch: the one Debian ships for this release.
	zlib_version=$(pkg_version zlib1g)
	[ -n "$zlib_version" ] || rig_die "zlib1g is not installed: cannot tell Debian's zlib version"

	# One builder at a time per cache; others wait, then find it done.
	exec 9>"$cache/.lock"
	flock 9
	rm -rf "$cache"/.tmp.* "$cache"/*.tmp.*

	key=$( { echo "layout $KERNEL_LAYOUT $src_version $gcc_version"; grep '^CONFIG_' "$config" | sort; } | short_hash)
	kdir=$cache/kernel-$key
	if [ ! -f "$kdir/vmlinux" ]; then
		build_kernel "$kdir"
		find "$cache" -maxdepth 1 -name 'kernel-*' ! -path "$kdir" -exec rm -rf {} +
	fi

	key=$(echo "layout $ZLIB_LAYOUT $zlib_version $gcc_version" | short_hash)
	zdir=$cache/zlib-$key
	if [ ! -f "$zdir/lib/libz.a" ]; then
		build_zlib "$zdir"
		find "$cache" -maxdepth 1 -name 'zlib-*' ! -path "$zdir" -exec rm -rf {} +
	fi

	key=$( {
		echo "layout $VMM_LAYOUT $gcc_version $zdir $VMM_CFLAGS"
		# shellcheck disable=SC2046
		sha256sum $(vmm_sources) "$repo"/src/*/*.h "$repo"/include/kvmirq/*.h "$repo/VERSION" |
			cut -d' ' -f1
	} | short_hash)
	vdir=$cache/vmm-$key
	if [ ! -x "$vdir/mpicvmm" ]; then
		build_vmm "$vdir"
		find "$cache" -maxdepth 1 -name 'vmm-*' ! -path "$vdir" -exec rm -rf {} +
	fi

	key=$(echo "layout $INITRD_LAYOUT $vdir" | short_hash)
	initrd=$cache/initrd-$key.cpio.gz
	if [ ! -f "$initrd" ]; then
		build_initrd "$initrd"
		find "$cache" -maxdepth 1 -name 'initrd-*.cpio.gz' ! -path "$initrd" -delete
	fi
	exec 9>&-

	echo "RIG_E500_KERNEL=$(rig_shell_quote "$kdir/vmlinux")"
	echo "RIG_E500_INITRD=$(rig_shell_quote "$initrd")"
	echo "RIG_E500_VMM=$(rig_shell_quote "$vdir/mpicvmm")"
}

main
