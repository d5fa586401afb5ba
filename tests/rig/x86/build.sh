#!/bin/bash
# Build (or find in the cache) what the x86 L1 rig boots: a Debian kernel
# (Debian 12's 6.1 or Debian 13's 6.12) and a busybox initramfs that loads KVM (kvm-amd: TCG emulates SVM) and the
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
#   resolved, resolved-6.12                   the package each kernel resolved to
#   apt-trixie/                               6.12: private apt sources and lists
#   rig-<hash>.cpio.gz                        initramfs, keyed by the hash of
#                                             init.sh, the modules and busybox
# Each stage is built under a temporary name and renamed when complete, so an
# interrupted build is never mistaken for a finished one; a second run with
# everything cached does no work and no network access. Each kernel has its
# own directory: building one never deletes the other.
#
# Environment:
#   KVMIRQ_RIG_KERNEL        6.1 (default): Debian 12's, from the system's apt
#                            sources; 6.12: Debian 13's (trixie), reached
#                            through a private sources list and lists directory
#                            under the cache, on the system sources' mirror
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

rig_kernel=${KVMIRQ_RIG_KERNEL:-6.1}
apt_opts=()

# The apt that reaches the selected kernel, and where its answer is memoised:
# 6.1 is the system's own suite; 6.12 is trixie's, through a sources list and
# lists directory of our own, so that the system's apt state stays as it is.
select_kernel_source() {
	local cache=$1 dir
	case "$rig_kernel" in
	6.1)
		memo=$cache/resolved
		lists=/var/lib/apt/lists
		;;
	6.12)
		dir=$cache/apt-trixie
		memo=$cache/resolved-6.12
		lists=$dir/lists
		apt_sources=$dir/sources.list
		apt_opts=(-o "Dir::Etc::sourcelist=$apt_sources" -o Dir::Etc::sourceparts=-
			-o "Dir::State::Lists=$lists")
		;;
	*) rig_die "KVMIRQ_RIG_KERNEL=$rig_kernel: the rig has 6.1 and 6.12" ;;
	esac
}

# Write the private sources list (6.12): trixie's main on the system's mirror.
write_private_sources() {
	local uri
	[ -n "${apt_sources:-}" ] || return 0
	uri=$(rig_system_mirror)
	[ -n "$uri" ] || rig_die "no Debian mirror in the system's apt sources"
	mkdir -p "$lists/partial"
	printf 'deb %s trixie main\n' "$uri" >"$apt_sources"
}

# Name of the kernel package that linux-image-amd64 points at.
kernel_package() {
	if [ -n "${KVMIRQ_X86_KERNEL_PKG:-}" ]; then
		printf '%s\n' "$KVMIRQ_X86_KERNEL_PKG"
		return
	fi
	apt-cache "${apt_opts[@]}" depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }' ||
		true # no lists yet (a fresh private lists directory): no answer
}

candidate_version() {
	apt-cache "${apt_opts[@]}" policy "$1" 2>/dev/null | awk '$1 == "Candidate:" { print $2; exit }'
}

# Resolve package name and version. The answer is memoised in $memo until
# apt-get update rewrites the lists (the directory's mtime changes then):
# apt-cache takes over a second, which every rig run would pay.
resolve_kernel() {
	if [ -z "${KVMIRQ_X86_KERNEL_PKG:-}" ] && [ -s "$memo" ] &&
		[ -z "$(find "$lists" -maxdepth 0 -newer "$memo" 2>/dev/null)" ]; then
		read -r pkg pkgver <"$memo"
		kver=${pkg#linux-image-}
		return
	fi
	resolve_kernel_apt
	[ -n "${KVMIRQ_X86_KERNEL_PKG:-}" ] || printf '%s %s\n' "$pkg" "$pkgver" >"$memo"
}

# Ask apt; refresh the lists once if they know no kernel (fresh machine).
resolve_kernel_apt() {
	write_private_sources
	pkg=$(kernel_package)
	[ -n "$pkg" ] && pkgver=$(candidate_version "$pkg")
	if [ -z "$pkg" ] || [ -z "${pkgver:-}" ] || [ "$pkgver" = "(none)" ]; then
		say "apt lists do not name a kernel; running apt-get update"
		apt-get "${apt_opts[@]}" update >&2 || rig_die "apt-get update failed"
		pkg=$(kernel_package)
		[ -n "$pkg" ] || rig_die "apt-cache depends linux-image-amd64 names no kernel package"
		pkgver=$(candidate_version "$pkg")
	fi
	[ -n "$pkgver" ] && [ "$pkgver" != "(none)" ] || rig_die "no installable version of $pkg"
	kver=${pkg#linux-image-}
}

# The file of module $1 as modules.order names it (x.ko), which 6.12's
# package ships compressed (x.ko.xz).
module_file() {
	local f
	for f in "$moddir/$1" "$moddir/$1.xz" "$moddir/$1.zst" "$moddir/$1.gz"; do
		[ -f "$f" ] && printf '%s\n' "$f" && return 0
	done
	rig_die "module $1 listed in modules.order but missing in $pkg"
}

# A module file's contents, uncompressed: busybox's insmod wants plain ELF.
module_cat() {
	case "$1" in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -dc "$1" ;;
	*.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac
}

# Print the dependencies of module file $1 (from its .modinfo "depends=").
module_depends() {
	module_cat "$1" | tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '
}

# Depth-first walk: emit each module after its dependencies, once. A module
# built into this kernel (virtio_pci is in 6.12) needs no loading.
declare -A modpath=() builtin=() visited=()
load_order=()
add_module() {
	local name=$1 dep
	[ -n "${visited[$name]:-}" ] && return 0
	visited[$name]=1
	if [ -z "${modpath[$name]:-}" ]; then
		[ -n "${builtin[$name]:-}" ] && return 0
		rig_die "module $name not found in $kver"
	fi
	for dep in $(module_depends "$(module_file "${modpath[$name]}")"); do
		add_module "$dep"
	done
	load_order+=("$name")
}

# Stage 1: download and unpack the kernel, keep vmlinuz and the needed .ko.
build_kernel_stage() {
	local tmp=$1 deb unpacked p base name
	mkdir -p "$tmp/dl" "$tmp/modules"
	say "downloading $pkg=$pkgver"
	if ! (cd "$tmp/dl" && apt-get "${apt_opts[@]}" -o APT::Sandbox::User=root download "$pkg=$pkgver") \
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
	[ -d "$moddir" ] || moddir=$unpacked/usr/lib/modules/$kver # merged /usr (6.12)
	[ -f "$moddir/modules.order" ] || rig_die "no modules.order in $pkg"
	while read -r p; do
		base=${p##*/}
		name=${base%.ko}
		[ "$name" != "$base" ] || rig_die "modules.order names $p, not a .ko"
		modpath[${name//-/_}]=$p
	done <"$moddir/modules.order"
	while read -r p; do
		base=${p##*/}
		base=${base%.ko}
		builtin[${base//-/_}]=1
	done < <(cat "$moddir/modules.builtin" 2>/dev/null)
	for name in $WANTED_MODULES; do
		add_module "$name"
	done
	for name in "${load_order[@]}"; do
		module_cat "$(module_file "${modpath[$name]}")" >"$tmp/modules/$name.ko"
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

# A little-endian number of $3 bytes at offset $2 of file $1.
read_le() { od -An -t "u$3" -j "$2" -N "$3" "$1" | tr -d ' '; }

# The uncompressed kernel (ELF with a PVH entry note) out of the bzImage.
# QEMU boots it directly; under TCG that skips seconds of decompression per
# boot. The boot header locates the compressed payload (payload_offset and
# payload_length, after the setup sectors); its last 4 bytes are the size.
# 6.1 compresses with xz, 6.12 with zstd. Returns non-zero (and leaves
# nothing) if it cannot be extracted.
extract_vmlinux() {
	local bz=$1 out=$2 start len decompress
	start=$((($(read_le "$bz" $((0x1f1)) 1) + 1) * 512 + $(read_le "$bz" $((0x248)) 4)))
	len=$(read_le "$bz" $((0x24c)) 4)
	case "$(head -c $((start + 4)) "$bz" | tail -c 4 | od -An -tx1 | tr -d ' ')" in
	fd377a58) decompress="xz -dc" ;;
	28b52ffd) decompress="zstd -dc" ;;
	*) return 1 ;;
	esac
	head -c $((start + len - 4)) "$bz" | tail -c $((len - 4)) | $decompress >"$out.tmp.$$" 2>/dev/null &&
		[ "$(head -c 4 "$out.tmp.$$" | od -An -c | tr -d ' ')" = '177ELF' ] &&
		mv -f "$out.tmp.$$" "$out" && return 0
	rm -f "$out.tmp.$$"
	return 1
}

main() {
	local cache kdir_tmp hash initrd kernel
	rig_ensure_packages busybox-static cpio gzip xz-utils zstd
	# The initramfs has no libc: /bin/busybox must be busybox-static's.
	[ -x /bin/busybox ] || rig_die "/bin/busybox missing"
	cache=$(rig_cache_root)/x86
	mkdir -p "$cache"
	select_kernel_source "$cache"
	resolve_kernel
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
