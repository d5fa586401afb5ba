#!/bin/bash
# Build (or find in the cache) what the x86 L1 rig boots: Debian's 6.1 kernel
# and a busybox initramfs that loads KVM (kvm-amd: TCG emulates SVM) and the
# virtio/9p stack, then runs init.sh beside this file.
#
# Usage: build.sh [-q]
#   Prints shell assignments on stdout (safe for eval):
#     RIG_X86_KVER=...  RIG_X86_KERNEL=...  RIG_X86_INITRD=...
#   -q  no progress messages
#
# Cache: ${KVMIRQ_CACHE:-/var/tmp/kvmirq-cache}/x86/<uname-r>_<deb-version>/
#   vmlinuz, modules/*.ko, modules/order     kernel stage (one directory rename)
#   vmlinux.pvh                               vmlinuz uncompressed (PVH boot)
#   rig-<hash>.cpio.gz                        initramfs, keyed by the hash of
#                                             init.sh, the modules and busybox
# Each stage is built under a temporary name and renamed when complete, so an
# interrupted build is never mistaken for a finished one; a second run with
# everything cached does no work and no network access.
#
# Environment:
#   KVMIRQ_X86_KERNEL_PKG    kernel package (default: what linux-image-amd64
#                            depends on, e.g. linux-image-6.1.0-56-amd64)
#   KVMIRQ_X86_EXTRA_MODULES extra module names to load in L1 (space-separated)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
RIG_PROG=build.sh
. "$here/../lib.sh"

# Modules the L1 init loads; their dependencies are added automatically.
WANTED_MODULES="kvm_amd virtio_pci 9pnet_virtio 9p ${KVMIRQ_X86_EXTRA_MODULES:-}"
# Bump when the initramfs layout changes in a way the hash cannot see.
INITRAMFS_LAYOUT=1

quiet=0
case "${1:-}" in
-q) quiet=1 ;;
"") ;;
*) rig_die "usage: build.sh [-q]" ;;
esac
say() { [ "$quiet" = 1 ] || rig_log "$@"; }

# Name of the kernel package that linux-image-amd64 points at.
kernel_package() {
	if [ -n "${KVMIRQ_X86_KERNEL_PKG:-}" ]; then
		printf '%s\n' "$KVMIRQ_X86_KERNEL_PKG"
		return
	fi
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

candidate_version() {
	apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" { print $2; exit }'
}

# Resolve package name and version. The answer is memoised in $memo until
# apt-get update rewrites the lists (the directory's mtime changes then):
# apt-cache takes over a second, which every rig run would pay.
resolve_kernel() {
	local memo=$1
	if [ -z "${KVMIRQ_X86_KERNEL_PKG:-}" ] && [ -s "$memo" ] &&
		[ -z "$(find /var/lib/apt/lists -maxdepth 0 -newer "$memo" 2>/dev/null)" ]; then
		read -r pkg pkgver <"$memo"
		kver=${pkg#linux-image-}
		return
	fi
	resolve_kernel_apt
	[ -n "${KVMIRQ_X86_KERNEL_PKG:-}" ] || printf '%s %s\n' "$pkg" "$pkgver" >"$memo"
}

# Ask apt; refresh the lists once if they know no kernel (fresh machine).
resolve_kernel_apt() {
	pkg=$(kernel_package)
	[ -n "$pkg" ] && pkgver=$(candidate_version "$pkg")
	if [ -z "$pkg" ] || [ -z "${pkgver:-}" ] || [ "$pkgver" = "(none)" ]; then
		say "apt lists do not name a kernel; running apt-get update"
		apt-get update >&2 || rig_die "apt-get update failed"
		pkg=$(kernel_package)
		[ -n "$pkg" ] || rig_die "apt-cache depends linux-image-amd64 names no kernel package"
		pkgver=$(candidate_version "$pkg")
	fi
	[ -n "$pkgver" ] && [ "$pkgver" != "(none)" ] || rig_die "no installable version of $pkg"
	kver=${pkg#linux-image-}
}

# Print the dependencies of module file $1 (from its .modinfo "depends=").
module_depends() {
	tr '\0' '\n' <"$1" | sed -n 's/^depends=//p' | tr ',' ' '
}

# Depth-first walk: emit each module after its dependencies, once.
declare -A modpath=() visited=()
load_order=()
add_module() {
	local name=$1 dep
	[ -n "${visited[$name]:-}" ] && return 0
	visited[$name]=1
	[ -n "${modpath[$name]:-}" ] || rig_die "module $name not found in $kver (built in?)"
	for dep in $(module_depends "$moddir/${modpath[$name]}"); do
		add_module "$dep"
	done
	load_order+=("$name")
}

# Stage 1: download and unpack the kernel, keep vmlinuz and the needed .ko.
build_kernel_stage() {
	local tmp=$1 deb unpacked p base name
	mkdir -p "$tmp/dl" "$tmp/modules"
	say "downloading $pkg=$pkgver"
	if ! (cd "$tmp/dl" && apt-get -o APT::Sandbox::User=root download "$pkg=$pkgver") \
		>"$tmp/apt.log" 2>&1; then
		cat "$tmp/apt.log" >&2
		rig_die "apt-get download $pkg=$pkgver failed"
	fi
	deb=$(ls "$tmp"/dl/*.deb)
	unpacked=$tmp/unpacked
	mkdir -p "$unpacked"
	dpkg-deb -x "$deb" "$unpacked"
	cp "$unpacked/boot/vmlinuz-$kver" "$tmp/vmlinuz"

	moddir=$unpacked/lib/modules/$kver
	[ -f "$moddir/modules.order" ] || rig_die "no modules.order in $pkg"
	while read -r p; do
		base=${p##*/}
		name=${base%.ko}
		[ "$name" != "$base" ] || rig_die "module $p is not a plain .ko (compressed?)"
		modpath[${name//-/_}]=$p
	done <"$moddir/modules.order"
	for name in $WANTED_MODULES; do
		add_module "$name"
	done
	for name in "${load_order[@]}"; do
		cp "$moddir/${modpath[$name]}" "$tmp/modules/$name.ko"
		echo "$name.ko" >>"$tmp/modules/order"
	done
	printf '%s %s\n' "$pkg" "$pkgver" >"$tmp/PACKAGE"
	rm -rf "$tmp/dl" "$unpacked"
	say "modules (load order): ${load_order[*]}"
}

# Stage 2: the initramfs. Busybox applets are linked at boot (--install -s).
build_initramfs() {
	local out=$1 root
	root=$(mktemp -d "$kdir/.initramfs.XXXXXX")
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,host,rig,modules,tmp}
	cp /bin/busybox "$root/bin/busybox"
	cp "$here/init.sh" "$root/init"
	chmod 755 "$root/init" "$root/bin/busybox"
	cp "$kdir"/modules/*.ko "$kdir/modules/order" "$root/modules/"
	(cd "$root" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet | gzip -1) >"$out.tmp.$$"
	mv -f "$out.tmp.$$" "$out"
	rm -rf "$root"
}

# The uncompressed kernel (ELF with a PVH entry note) out of the bzImage.
# QEMU boots it directly; under TCG that skips ~3.5 s of XZ decompression
# per boot. Returns non-zero (and leaves nothing) if it cannot be extracted.
extract_vmlinux() {
	local bz=$1 out=$2 off
	off=$(LC_ALL=C grep -m1 -obUaP '\xfd7zXZ\x00' "$bz" | cut -d: -f1) || return 1
	[ -n "$off" ] || return 1
	# xz stops after the stream; tail may die of SIGPIPE, which is fine.
	xz -dc --single-stream < <(tail -c +$((off + 1)) "$bz") >"$out.tmp.$$" 2>/dev/null &&
		[ "$(head -c 4 "$out.tmp.$$" | od -An -c | tr -d ' ')" = '177ELF' ] &&
		mv -f "$out.tmp.$$" "$out" && return 0
	rm -f "$out.tmp.$$"
	return 1
}

main() {
	local cache kdir_tmp hash initrd kernel
	rig_ensure_packages busybox-static cpio gzip xz-utils
	# The initramfs has no libc: /bin/busybox must be busybox-static's.
	[ -x /bin/busybox ] || rig_die "/bin/busybox missing"
	cache=$(rig_cache_root)/x86
	mkdir -p "$cache"
	resolve_kernel "$cache/resolved"
	kdir=$cache/${kver}_$pkgver

	# One builder at a time per cache; others wait, then find it done.
	exec 9>"$cache/.lock"
	flock 9
	# Leftovers of interrupted builds (nobody else builds while we hold the lock).
	rm -rf "$cache"/.tmp.* "$cache"/*/.initramfs.* "$cache"/*/*.tmp.*

	if [ ! -f "$kdir/vmlinuz" ]; then
		kdir_tmp=$(mktemp -d "$cache/.tmp.${kver}.XXXXXX")
		chmod 755 "$kdir_tmp"
		build_kernel_stage "$kdir_tmp"
		rm -rf "$kdir"
		mv -T "$kdir_tmp" "$kdir"
	fi

	kernel=$kdir/vmlinux.pvh
	if [ ! -f "$kernel" ] && ! extract_vmlinux "$kdir/vmlinuz" "$kernel"; then
		say "cannot extract vmlinux from the bzImage; booting the bzImage (slower)"
		kernel=$kdir/vmlinuz
	fi

	hash=$( {
		echo "layout $INITRAMFS_LAYOUT"
		sha256sum "$here/init.sh" /bin/busybox | cut -d' ' -f1
		cat "$kdir/modules/order"
	} | sha256sum | cut -c1-12)
	initrd=$kdir/rig-$hash.cpio.gz
	if [ ! -f "$initrd" ]; then
		say "building initramfs $initrd"
		build_initramfs "$initrd"
		# Older images (another init.sh) are never used again.
		find "$kdir" -maxdepth 1 -name 'rig-*.cpio.gz' ! -path "$initrd" -delete
	fi
	exec 9>&-

	say "kernel $pkg $pkgver"
	echo "RIG_X86_KVER=$(rig_shell_quote "$kver")"
	echo "RIG_X86_KERNEL=$(rig_shell_quote "$kernel")"
	echo "RIG_X86_INITRD=$(rig_shell_quote "$initrd")"
}

main
