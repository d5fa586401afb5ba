#!/bin/bash
# Build (or find in the cache) what the arm64 rig boots: Debian 12's arm64
# 6.1 kernel or Debian 13's 6.12 (KVM and the VGICv3/ITS built in, BPF, BTF,
# fentry) and the tool image, whose /init (../common/rig-init.c) runs commands with kvmirq
# itself, cross-built static for arm64, the arm64 test VMM and busybox.
#
# Usage: build.sh [-q]
#   Prints shell assignments on stdout (safe for eval):
#     RIG_ARM64_KERNEL=...  RIG_ARM64_INITRD=...  RIG_ARM64_KVMIRQ=...
#     RIG_ARM64_TESTVMM=...  RIG_ARM64_CPIO=...  RIG_ARM64_QEMU_ARCHIVE=...
#   -q  no progress messages
#
# Every part comes from Debian 12: linux-image-6.1.0-<abi>-arm64 (the ABI
# that the machine's linux-image-amd64 names, as the x86 rig picks it),
# busybox-static, and the arm64 -dev packages of libbpf, libelf, zlib and
# ncurses (their static libraries), all fetched with `apt-get download`
# through private package lists with APT::Architecture=arm64: the machine's
# dpkg architectures, /etc/apt and /var/lib/apt stay as they are. Only the
# 6.12 kernel comes from Debian 13 (trixie): linux-image-6.12.<abi>-arm64,
# the one trixie's linux-image-arm64 names, through a second private sources
# list (trixie main on the mirror of the machine's own sources) and its own
# lists. The
# packages' static libraries link kvmirq as they are: nothing is compiled
# but the project's own code (the e500 rig must build its libraries from
# source, Debian has no 32-bit PowerPC port).
#
# Cache: ${KVMIRQ_CACHE:-/var/tmp/kvmirq-cache}/arm64/
#   apt/            the private package lists (apt-get update, ~1 s)
#   resolved        the package versions those lists offer, refreshed when
#                   the machine's own lists are newer (as the x86 rig does)
#   apt-trixie/     6.12: the private trixie sources list and package lists
#   resolved-6.12   6.12: the trixie kernel package and version (as resolved)
#   kernel-<key>/   vmlinuz, config            key: package and version
#   kernel-6.12-<key>/  the same for 6.12
#   sysroot-<key>/  usr/include, usr/lib/aarch64-linux-gnu/*.a, bin/busybox
#                                              key: the packages' versions
#   cpio-<key>/     gen_init_cpio (from linux-source-6.1's usr/, built for
#                   this machine)              key: linux-source version
#   vmm-<key>/      rig-init, testvmm,         key: their sources, the sysroot,
#                   gicguest, gicvmm           the compiler
#   initrd-<key>.cpio.gz                       key: everything in it
#   resolved-qemu   qemu-system-arm and the library packages of its
#                   dependency closure, with versions (with `resolved`)
#   qemu-<key>/     bin/qemu-system-aarch64, lib/aarch64-linux-gnu/: the
#                   libraries its ELF NEEDED entries reach, the loader
#                                              key: resolved-qemu
#   l2-<key>/       initrd.cpio.gz of the L2 guest: busybox, the virtio
#                   PCI modules, l2-init.sh    key: kernel, sysroot, script
#   l2-6.12-<key>/  the same for 6.12 (the modules it has built in left out)
#   qemu-guest-<key>.cpio  (uncompressed) the QEMU, its libraries and the
#                   L2 guest (/l2/vmlinuz, /l2/initrd.cpio.gz), for
#                   run.sh --archive           key: everything in it
#   qemu-guest-6.12-<key>.cpio  the same with the 6.12 kernel
# The two kernels' stages live side by side: building one never deletes the
# other's.
# kvmirq itself is built by the project's Makefile into build/arm64/ of the
# repository (make's own dependencies decide what to rebuild).
# Each part is built under a temporary name and renamed when complete; a run
# with everything cached takes about a second and touches no network.
#
# Environment:
#   KVMIRQ_RIG_KERNEL        6.1 (default): Debian 12's kernel; 6.12: Debian
#                            13's (trixie), as the x86 rig selects its L1's
#   KVMIRQ_ARM64_KERNEL_PKG  kernel package (default: for 6.1, the machine's
#                            linux-image-amd64's dependency with -amd64 turned
#                            into -arm64; for 6.12, what trixie's
#                            linux-image-arm64 depends on)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../../.." && pwd -P)
RIG_PROG=build.sh
. "$here/../lib.sh"

CROSS=aarch64-linux-gnu-
TRIPLET=aarch64-linux-gnu
# The arm64 packages unpacked into the sysroot.
SYSROOT_PKGS="libbpf-dev libelf-dev zlib1g-dev libncurses-dev busybox-static"
# Bump when a stage's output changes in a way its key cannot see.
KERNEL_LAYOUT=1
SYSROOT_LAYOUT=1
CPIO_LAYOUT=1
VMM_LAYOUT=1
INITRD_LAYOUT=1
QEMU_LAYOUT=1
L2_LAYOUT=1
QEMU_ARCHIVE_LAYOUT=1
# A real VMM for the rig: Debian's arm64 QEMU (qemu-system-aarch64).
QEMU_PKG=qemu-system-arm
# The L2 guest's modules under kernel/, in load order (each after the ones
# it depends on): virtio PCI and virtio-rng are =m in Debian's arm64 config;
# a kernel that has one built in (modules.builtin) loads it not.
L2_MODULES="drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci_modern_dev
	drivers/virtio/virtio_pci drivers/char/hw_random/virtio-rng"

quiet=0
case "${1:-}" in
-q) quiet=1 ;;
"") ;;
*) rig_die "usage: build.sh [-q]" ;;
esac
say() { [ "$quiet" = 1 ] || rig_log "$@"; }

# ktag names the selected kernel's stages; KVMIRQ_ARM64_KERNEL_PKG names
# a package of its suite.
rig_kernel=${KVMIRQ_RIG_KERNEL:-6.1} ktag='' pkg_61='' pkg_612=''
case "$rig_kernel" in
6.1) pkg_61=${KVMIRQ_ARM64_KERNEL_PKG:-} ;;
6.12) ktag=-6.12 pkg_612=${KVMIRQ_ARM64_KERNEL_PKG:-} ;;
*) rig_die "KVMIRQ_RIG_KERNEL=$rig_kernel: the rig has 6.1 and 6.12" ;;
esac

pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }

# apt-get/apt-cache for arm64 with private lists and caches under
# $cache/$apt_dir, from the machine's own Debian sources (or $apt_sources):
# nothing under /etc/apt or /var/lib/apt and no dpkg architecture changes.
apt_dir=apt apt_sources=
apt_arm64() {
	local tool=$1 sources=()
	shift
	[ -z "$apt_sources" ] ||
		sources=(-o "Dir::Etc::sourcelist=$apt_sources" -o Dir::Etc::sourceparts=-)
	"$tool" -q -o APT::Architecture=arm64 -o APT::Architectures=arm64 \
		-o Dir::State::Lists="$cache/$apt_dir/lists" -o Dir::Cache="$cache/$apt_dir/cache" \
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
		-o APT::Sandbox::User=root ${sources[@]+"${sources[@]}"} "$@"
}

# apt_arm64 on Debian 13 (trixie) main, through a sources list of our own
# on the mirror the machine's sources name.
apt_trixie_arm64() {
	local apt_dir=apt-trixie apt_sources=$cache/apt-trixie/sources.list
	apt_arm64 "$@"
}

# The apt of the selected kernel's suite.
kernel_apt() {
	if [ "$rig_kernel" = 6.12 ]; then apt_trixie_arm64 "$@"; else apt_arm64 "$@"; fi
}

# The amd64 kernel package the machine's lists name, as the x86 rig picks it.
amd64_kernel_package() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

# The candidate version of package $2 for apt function $1.
arm64_candidate() {
	"$1" apt-cache policy "$2" 2>/dev/null | awk '$1 == "Candidate:" { print $2; exit }'
}

# Write $cache/resolved: "PACKAGE VERSION" lines, the kernel first.
resolve_packages() {
	local kpkg p v tmp
	kpkg=$pkg_61
	if [ -z "$kpkg" ]; then
		kpkg=$(amd64_kernel_package)
		if [ -z "$kpkg" ]; then
			say "apt lists do not name a kernel; running apt-get update"
			apt-get update >&2 || rig_die "apt-get update failed"
			kpkg=$(amd64_kernel_package)
		fi
		[ -n "$kpkg" ] || rig_die "apt-cache depends linux-image-amd64 names no kernel package"
		kpkg=${kpkg%-amd64}-arm64
	fi
	say "updating the private arm64 package lists"
	mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial"
	# The security suite's index may fail while the main one is fine: the
	# candidates below say whether what is needed is there.
	apt_arm64 apt-get update >"$cache/apt/update.log" 2>&1 || true
	tmp=$cache/resolved.tmp.$$
	for p in "$kpkg" $SYSROOT_PKGS; do
		v=$(arm64_candidate apt_arm64 "$p")
		[ -n "$v" ] && [ "$v" != "(none)" ] ||
			{ cat "$cache/apt/update.log" >&2; rig_die "no arm64 $p in the Debian lists"; }
		printf '%s %s\n' "$p" "$v"
	done >"$tmp"
	mv -f "$tmp" "$cache/resolved"
}

# Write $cache/resolved-6.12: "PACKAGE VERSION" of trixie's arm64 kernel.
resolve_trixie_kernel() {
	local uri kpkg v
	uri=$(rig_system_mirror)
	[ -n "$uri" ] || rig_die "no Debian mirror in the system's apt sources"
	mkdir -p "$cache/apt-trixie/lists/partial" "$cache/apt-trixie/cache/archives/partial"
	printf 'deb %s trixie main\n' "$uri" >"$cache/apt-trixie/sources.list"
	say "updating the private trixie arm64 package lists"
	apt_trixie_arm64 apt-get update >"$cache/apt-trixie/update.log" 2>&1 ||
		{ cat "$cache/apt-trixie/update.log" >&2; rig_die "apt-get update of trixie failed"; }
	kpkg=${pkg_612:-$(apt_trixie_arm64 apt-cache depends linux-image-arm64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')}
	[ -n "$kpkg" ] || rig_die "trixie's linux-image-arm64 names no kernel package"
	v=$(arm64_candidate apt_trixie_arm64 "$kpkg")
	[ -n "$v" ] && [ "$v" != "(none)" ] || rig_die "no arm64 $kpkg in trixie's lists"
	printf '%s %s\n' "$kpkg" "$v" >"$cache/resolved-6.12.tmp.$$"
	mv -f "$cache/resolved-6.12.tmp.$$" "$cache/resolved-6.12"
}

# Download PACKAGE=VERSION... into DIR with apt function APT.
download() {
	local dir=$1 apt=$2
	shift 2
	mkdir -p "$dir"
	(cd "$dir" && "$apt" apt-get download "$@") >"$dir/apt.log" 2>&1 ||
		{ cat "$dir/apt.log" >&2; rig_die "apt-get download $* failed"; }
}

# Stage 1: the kernel. KVM (with the VGIC and ITS) is built in on arm64:
# no modules are needed.
build_kernel() {
	local out=$1 tmp start=$SECONDS
	tmp=$(mktemp -d "$cache/.tmp.kernel.XXXXXX")
	say "downloading $kernel_pkg=$kernel_ver"
	download "$tmp/dl" kernel_apt "$kernel_pkg=$kernel_ver"
	dpkg-deb --fsys-tarfile "$tmp"/dl/*.deb |
		tar -x -C "$tmp" --wildcards './boot/vmlinuz-*' './boot/config-*'
	mkdir -p "$tmp/out"
	mv "$tmp"/boot/vmlinuz-* "$tmp/out/vmlinuz"
	mv "$tmp"/boot/config-* "$tmp/out/config"
	grep -qx 'CONFIG_KVM=y' "$tmp/out/config" || rig_die "$kernel_pkg has no built-in KVM"
	grep -qx 'CONFIG_DEBUG_INFO_BTF=y' "$tmp/out/config" || rig_die "$kernel_pkg has no BTF"
	finish_stage "$tmp" "$out" "$kernel_pkg $kernel_ver" "$start"
}

# Stage 2: the arm64 libraries and headers kvmirq links, and busybox.
build_sysroot() {
	local out=$1 tmp deb start=$SECONDS
	tmp=$(mktemp -d "$cache/.tmp.sysroot.XXXXXX")
	say "downloading $SYSROOT_PKGS (arm64)"
	# shellcheck disable=SC2046
	download "$tmp/dl" apt_arm64 $(sed 1d "$cache/resolved" | awk '{ print $1 "=" $2 }')
	mkdir -p "$tmp/out"
	for deb in "$tmp"/dl/*.deb; do
		dpkg-deb -x "$deb" "$tmp/out"
	done
	mkdir -p "$tmp/out/bin"
	mv "$tmp/out/bin/busybox" "$tmp/out/busybox" 2>/dev/null || true
	rm -rf "$tmp/out/bin" "$tmp/out/usr/share" "$tmp/out/usr/bin" "$tmp/out/usr/lib/$TRIPLET/pkgconfig"
	local f
	for f in busybox usr/lib/$TRIPLET/libbpf.a usr/lib/$TRIPLET/libelf.a \
		usr/lib/$TRIPLET/libz.a usr/lib/$TRIPLET/libncursesw.a usr/lib/$TRIPLET/libtinfo.a; do
		[ -f "$tmp/out/$f" ] || rig_die "the arm64 packages left no $f"
	done
	finish_stage "$tmp" "$out" "$(sed 1d "$cache/resolved" | tr '\n' ' ')" "$start"
}

# $cache/resolved-qemu: "PACKAGE VERSION" of QEMU_PKG and of every package
# its library dependencies reach (not its data and helper packages, which
# hold nothing the binary loads): build_qemu keeps of them only the
# libraries that the ELF NEEDED entries reach.
resolve_qemu_packages() {
	local libs tmp=$cache/resolved-qemu.tmp.$$
	libs=$(apt_arm64 apt-cache depends "$QEMU_PKG" 2>/dev/null |
		awk '$1 == "Depends:" && $2 !~ /^(qemu|<)/ { print $2 }' | sort -u)
	[ -n "$libs" ] || rig_die "no arm64 $QEMU_PKG in the Debian lists"
	# shellcheck disable=SC2046,SC2086
	apt_arm64 apt-cache show --no-all-versions "$QEMU_PKG" $(apt_arm64 apt-cache depends \
		--recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
		--no-enhances $libs | grep -v '^[ <]' | sort -u) |
		awk '$1 == "Package:" { p = $2 } $1 == "Version:" { print p, $2 }' >"$tmp"
	grep -q "^$QEMU_PKG " "$tmp" || rig_die "no arm64 $QEMU_PKG version in the Debian lists"
	mv -f "$tmp" "$cache/resolved-qemu"
}

# Copy into DEST the shared libraries that ELF's NEEDED entries reach, and
# theirs, from POOL's library directories (unpacked packages).
copy_needed() {
	local pool=$1 dest=$2 queue=("$3") lib dir found
	while [ ${#queue[@]} -gt 0 ]; do
		for lib in $(${CROSS}readelf -d "${queue[0]}" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
			[ -e "$dest/$lib" ] && continue
			found=
			for dir in lib/$TRIPLET usr/lib/$TRIPLET; do
				[ -e "$pool/$dir/$lib" ] && found=$pool/$dir/$lib && break
			done
			[ -n "$found" ] || rig_die "no $lib (needed by ${queue[0]##*/}) in the arm64 packages"
			cp -L "$found" "$dest/$lib"
			queue+=("$dest/$lib")
		done
		queue=("${queue[@]:1}")
	done
}

# Stage: qemu-system-aarch64 and the libraries it loads, with the loader.
# It needs no firmware or data files with -kernel, -nodefaults and no
# display (no option ROM, no keymap).
build_qemu() {
	local out=$1 tmp deb interp start=$SECONDS
	tmp=$(mktemp -d "$cache/.tmp.qemu.XXXXXX")
	say "downloading $QEMU_PKG and its library packages (arm64)"
	# shellcheck disable=SC2046
	download "$tmp/dl" apt_arm64 $(awk '{ print $1 "=" $2 }' "$cache/resolved-qemu")
	mkdir -p "$tmp/pool" "$tmp/out/bin" "$tmp/out/lib/$TRIPLET"
	for deb in "$tmp"/dl/*.deb; do
		dpkg-deb -x "$deb" "$tmp/pool"
	done
	cp "$tmp/pool/usr/bin/qemu-system-aarch64" "$tmp/out/bin/"
	copy_needed "$tmp/pool" "$tmp/out/lib/$TRIPLET" "$tmp/out/bin/qemu-system-aarch64"
	interp=$(${CROSS}readelf -l "$tmp/out/bin/qemu-system-aarch64" |
		sed -n 's/.*program interpreter: \(.*\)\]$/\1/p')
	[ "$interp" = /lib/ld-linux-aarch64.so.1 ] && [ -f "$tmp/out/lib/$TRIPLET/${interp##*/}" ] ||
		rig_die "qemu-system-aarch64 wants the loader $interp, which the packages do not give"
	finish_stage "$tmp" "$out" "$(head -n 1 "$cache/resolved-qemu") and its $(ls "$tmp/out/lib/$TRIPLET" |
		wc -l) libraries" "$start"
}

# Stage: the L2 guest's initramfs (its kernel is the rig's own): busybox,
# the virtio PCI and virtio-rng modules of the kernel package (uncompressed:
# busybox's insmod wants plain ELF, 6.12 ships .ko.xz under
# /usr/lib/modules), and l2-init.sh as /init, which loads them in
# /modules/order. A module the kernel has built in is not loaded.
build_l2() {
	local out=$1 tmp m ko name dep moddir loaded=" " builtin='' start=$SECONDS
	tmp=$(mktemp -d "$cache/.tmp.l2.XXXXXX")
	say "downloading $kernel_pkg=$kernel_ver for the L2 guest's modules"
	download "$tmp/dl" kernel_apt "$kernel_pkg=$kernel_ver"
	dpkg-deb --fsys-tarfile "$tmp"/dl/*.deb >"$tmp/data.tar"
	tar -tf "$tmp/data.tar" >"$tmp/files"
	moddir=$(sed -n 's#^\(\./\(usr/\)\{0,1\}lib/modules/[^/]*\)/modules\.builtin$#\1#p' "$tmp/files")
	[ -n "$moddir" ] || rig_die "$kernel_pkg has no modules.builtin"
	# shellcheck disable=SC2046
	tar -xf "$tmp/data.tar" -C "$tmp" "$moddir/modules.builtin" $(for m in $L2_MODULES; do
		grep -Fx -e "$moddir/kernel/$m.ko" -e "$moddir/kernel/$m.ko.xz" "$tmp/files" || true; done)
	cat >"$tmp/list" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /bin 0755 0 0
dir /modules 0755 0 0
file /init $here/l2-init.sh 0755 0 0
file /bin/busybox $sysroot/busybox 0755 0 0
file /modules/order $tmp/order 0644 0 0
EOF
	: >"$tmp/order"
	mkdir -p "$tmp/ko"
	for m in $L2_MODULES; do
		name=${m##*/}
		if grep -qx "kernel/$m.ko" "$tmp/$moddir/modules.builtin"; then
			builtin="$builtin $name"
			continue
		fi
		ko=$tmp/ko/$name.ko
		case $(echo "$tmp/$moddir/kernel/$m".ko*) in
		*.ko) cp "$tmp/$moddir/kernel/$m.ko" "$ko" ;;
		*.ko.xz) xz -dc "$tmp/$moddir/kernel/$m.ko.xz" >"$ko" ;;
		*) rig_die "$kernel_pkg has no module kernel/$m, neither built in" ;;
		esac
		for dep in $(modinfo -F depends "$ko" | tr , ' '); do
			case $loaded in
			*" $dep "*) ;;
			*) rig_die "the L2 module $name needs $dep before it (L2_MODULES)" ;;
			esac
		done
		loaded="$loaded${name//-/_} "
		echo "$name" >>"$tmp/order"
		echo "file /modules/$name.ko $ko 0644 0 0" >>"$tmp/list"
	done
	mkdir -p "$tmp/out"
	"$cdir/gen_init_cpio" "$tmp/list" | gzip -n -9 >"$tmp/out/initrd.cpio.gz"
	finish_stage "$tmp" "$out" "L2 initramfs: $kernel_pkg $kernel_ver, busybox,${loaded% }${builtin:+ (built in:$builtin)}" "$start"
}

# The QEMU and the L2 guest as one uncompressed archive for run.sh
# --archive: the kernel unpacks it without decompressing (fast under TCG).
build_qemu_archive() {
	local out=$1 list f
	list=$(mktemp "$cache/.tmp.qemu-archive.XXXXXX")
	{
		echo "dir /lib 0755 0 0"
		echo "dir /lib/$TRIPLET 0755 0 0"
		echo "slink /lib/ld-linux-aarch64.so.1 $TRIPLET/ld-linux-aarch64.so.1 0777 0 0"
		for f in "$qdir/lib/$TRIPLET"/*; do
			echo "file /lib/$TRIPLET/${f##*/} $f 0755 0 0"
		done
		echo "file /bin/qemu-system-aarch64 $qdir/bin/qemu-system-aarch64 0755 0 0"
		echo "dir /l2 0755 0 0"
		echo "file /l2/vmlinuz $kdir/vmlinuz 0644 0 0"
		echo "file /l2/initrd.cpio.gz $l2dir/initrd.cpio.gz 0644 0 0"
	} >"$list"
	"$cdir/gen_init_cpio" "$list" >"$out.tmp.$$"
	mv -f "$out.tmp.$$" "$out"
	rm -f "$list"
}

# Stage 3: the kernel's gen_init_cpio (packs /dev/console without root),
# for this machine, from linux-source-6.1 (the e500 rig's kernel source).
build_cpio() {
	local out=$1 tmp start=$SECONDS
	tmp=$(mktemp -d "$cache/.tmp.cpio.XXXXXX")
	say "building gen_init_cpio from linux-source-$src_version"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$tmp" linux-source-6.1/usr/gen_init_cpio.c
	mkdir -p "$tmp/out"
	gcc -O2 -o "$tmp/out/gen_init_cpio" "$tmp/linux-source-6.1/usr/gen_init_cpio.c" ||
		rig_die "building gen_init_cpio failed"
	finish_stage "$tmp" "$out" "gen_init_cpio of linux-source $src_version" "$start"
}

# Move a finished stage from TMP/out to OUT, with what it is and its time.
finish_stage() {
	local tmp=$1 out=$2 what=$3 start=$4
	printf '%s\nbuilt in %s s\n' "$what" $((SECONDS - start)) >"$tmp/out/INFO"
	rm -rf "$out"
	mv -T "$tmp/out" "$out"
	rm -rf "$tmp"
	say "$what: built in $((SECONDS - start)) s"
}

init_sources() {
	printf '%s\n' "$here/../common/rig-init.c" "$repo/tests/vmm/console_file.c"
}

# The scripted interrupt-ioctl VMM (tests/vmm/vmm.mk), for the image's /bin.
testvmm_sources() {
	printf '%s\n' "$repo/tests/vmm/testvmm.c" "$repo/tests/vmm/testvmm_arm64.c" "$repo/tests/vmm/kernel_expect.c"
}
VMM_CFLAGS="-std=gnu11 -O2 -g0 -Wall -Wextra -Werror"

# The VMM whose guest takes interrupts through the VGICv3 and its ITS, with
# its guest program: /bin/gicguest.
gicguest_sources() {
	printf '%s\n' "$repo/tests/vmm/gicguest.c" "$repo/tests/vmm/gicguest_guest.S"
}
build_gicguest() {
	# shellcheck disable=SC2086,SC2046
	${CROSS}gcc $VMM_CFLAGS -static -I"$repo/tests/vmm" -o "$1/gicguest" $(gicguest_sources)
}

# The VGICv3 snapshot VMM (tests/vmm/gicvmm.c) with the project's snapshot
# code and what it needs (libc and zlib), as the e500 rig links mpicvmm.
gicvmm_sources() {
	printf '%s\n' "$repo/tests/vmm/gicvmm.c" "$repo/tests/vmm/console_file.c" "$repo/tests/vmm/expect_text.c" "$repo/tests/vmm/hold_wait.c" \
		"$repo"/src/snapshot/snapshot.c "$repo"/src/snapshot/snapshot_file.c \
		"$repo"/src/snapshot/routing.c "$repo"/src/codec/routing_entry.c "$repo"/src/chips/*.c \
		"$repo"/src/tracefile/*.c "$repo"/src/util/atomic_file.c "$repo"/src/util/host.c "$repo"/src/util/json.c \
		"$repo"/src/util/kv.c "$repo"/src/util/varint.c
}

# gicvmm into DIR, or its compiler's messages on stderr and a failure.
build_gicvmm() {
	# shellcheck disable=SC2046
	${CROSS}gcc $VMM_CFLAGS -Wno-missing-field-initializers -D_GNU_SOURCE \
		-DKVMIRQ_VERSION="\"$(cat "$repo/VERSION")\"" -I"$repo/src" -I"$repo/include" \
		-I"$repo/tests/vmm" -I"$sysroot/usr/include" -static -Wl,--gc-sections \
		-ffunction-sections -fdata-sections -o "$1/gicvmm" $(gicvmm_sources) \
		-L"$sysroot/usr/lib/$TRIPLET" -lz
}

# Stage 4: rig-init and the test VMM, static.
build_vmm() {
	local out=$1 tmp start=$SECONDS
	tmp=$(mktemp -d "$cache/.tmp.vmm.XXXXXX")
	say "cross-building rig-init and the arm64 test VMMs"
	mkdir -p "$tmp/out"
	# shellcheck disable=SC2086,SC2046
	if ! ${CROSS}gcc $VMM_CFLAGS -D_GNU_SOURCE -I"$repo/tests/vmm" -I"$sysroot/usr/include" -static \
		-o "$tmp/out/rig-init" $(init_sources) -L"$sysroot/usr/lib/$TRIPLET" -lz >"$tmp/cc.log" 2>&1 ||
		! ${CROSS}gcc $VMM_CFLAGS -static -o "$tmp/out/testvmm" $(testvmm_sources) \
		>>"$tmp/cc.log" 2>&1 ||
		! build_gicguest "$tmp/out" >>"$tmp/cc.log" 2>&1 ||
		! build_gicvmm "$tmp/out" >>"$tmp/cc.log" 2>&1; then
		cat "$tmp/cc.log" >&2
		rig_die "cross-building rig-init or the test VMMs failed"
	fi
	finish_stage "$tmp" "$out" "rig-init, testvmm and gicvmm" "$start"
}

# Stage 5: kvmirq for the guest, by the project's Makefile into build/arm64/:
# the BPF object for __TARGET_ARCH_arm64 (little-endian, so bpftool makes
# the skeleton directly), linked static against the Debian packages'
# libraries (libncursesw needs libtinfo there).
build_kvmirq() {
	local inc lib
	inc="-I$sysroot/usr/include -I$sysroot/usr/include/$TRIPLET"
	lib="-L$sysroot/usr/lib/$TRIPLET"
	say "cross-building kvmirq into build/arm64"
	make -C "$repo" -s -j2 CC=${CROSS}gcc ARCH=arm64 BUILD=build/arm64 \
		CFLAGS="-O2 -g0 $inc" LDFLAGS="-static $lib" \
		LIBS="-lbpf -lelf -lz -lncursesw -ltinfo -lm" build/arm64/kvmirq \
		>"$cache/.kvmirq-make.log" 2>&1 ||
		{ tail -n 30 "$cache/.kvmirq-make.log" >&2; rig_die "cross-building kvmirq failed"; }
	kvmirq_arm64=$repo/build/arm64/kvmirq
}

# Stage 6: the tool image: /init is rig-init, which runs /rig-commands
# (run.sh appends them as a second archive); kvmirq (stripped), the test VMM
# and busybox (`run /bin/busybox APPLET ...`) in /bin.
build_initrd() {
	local out=$1 list
	list=$(mktemp "$cache/.tmp.initrd.XXXXXX")
	${CROSS}strip -o "$list.kvmirq" "$kvmirq_arm64"
	cat >"$list" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /tmp 1777 0 0
dir /bin 0755 0 0
file /init $vdir/rig-init 0755 0 0
file /bin/testvmm $vdir/testvmm 0755 0 0
file /bin/gicguest $vdir/gicguest 0755 0 0
file /bin/gicvmm $vdir/gicvmm 0755 0 0
file /bin/kvmirq $list.kvmirq 0755 0 0
file /bin/busybox $sysroot/busybox 0755 0 0
EOF
	"$cdir/gen_init_cpio" "$list" | gzip -n -1 >"$out.tmp.$$"
	mv -f "$out.tmp.$$" "$out"
	rm -f "$list" "$list.kvmirq"
}

main() {
	local key initrd memo kernel_line
	rig_ensure_packages qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
		linux-source-6.1 make gcc libc6-dev xz-utils gzip dpkg-dev clang llvm bpftool \
		libbpf-dev python3 kmod
	cache=$(rig_cache_root)/arm64
	mkdir -p "$cache"
	# One builder at a time per cache; others wait, then find it done.
	exec 9>"$cache/.lock"
	flock 9
	rm -rf "$cache"/.tmp.* "$cache"/*.tmp.*

	memo=$cache/resolved
	if [ ! -s "$memo" ] || [ -n "$pkg_61" ] ||
		[ -n "$(find /var/lib/apt/lists -maxdepth 0 -newer "$memo" 2>/dev/null)" ]; then
		resolve_packages
		resolve_qemu_packages
	fi
	[ -s "$cache/resolved-qemu" ] || resolve_qemu_packages
	# The sysroot and the QEMU stay Debian 12's whichever kernel boots.
	if [ "$rig_kernel" = 6.12 ]; then
		if [ ! -s "$cache/resolved-6.12" ] || [ -n "$pkg_612" ] ||
			[ -n "$(find /var/lib/apt/lists -maxdepth 0 -newer "$cache/resolved-6.12" 2>/dev/null)" ]; then
			resolve_trixie_kernel
		fi
		read -r kernel_line <"$cache/resolved-6.12"
	else
		read -r kernel_line <"$memo"
	fi
	kernel_pkg=${kernel_line% *} kernel_ver=${kernel_line#* }
	src_version=$(pkg_version linux-source-6.1)
	gcc_version=$(${CROSS}gcc -dumpfullversion)-$(pkg_version gcc-aarch64-linux-gnu)

	kdir=$(rig_stage "kernel$ktag" "$(echo "layout $KERNEL_LAYOUT $kernel_line" | rig_short_hash)" \
		vmlinuz build_kernel)
	sysroot=$(rig_stage sysroot "$( { echo "layout $SYSROOT_LAYOUT"; sed 1d "$memo"; } | rig_short_hash)" \
		busybox build_sysroot)
	cdir=$(rig_stage cpio "$(echo "layout $CPIO_LAYOUT $src_version" | rig_short_hash)" \
		gen_init_cpio build_cpio)
	# shellcheck disable=SC2046
	key=$( {
		echo "layout $VMM_LAYOUT $gcc_version $sysroot $VMM_CFLAGS"
		rig_hash_files $(init_sources) $(testvmm_sources) $(gicguest_sources) \
			$(gicvmm_sources) "$repo"/tests/vmm/*.h "$repo"/src/*/*.h "$repo"/include/kvmirq/*.h
	} | rig_short_hash)
	vdir=$(rig_stage vmm "$key" testvmm build_vmm)

	build_kvmirq
	key=$( { echo "layout $INITRD_LAYOUT $vdir $sysroot"
		rig_hash_files "$kvmirq_arm64"; } | rig_short_hash)
	initrd=$cache/initrd-$key.cpio.gz
	if [ ! -f "$initrd" ]; then
		build_initrd "$initrd"
		find "$cache" -maxdepth 1 -name 'initrd-*.cpio.gz' ! -path "$initrd" -delete
	fi

	qdir=$(rig_stage qemu "$( { echo "layout $QEMU_LAYOUT"; cat "$cache/resolved-qemu"; } |
		rig_short_hash)" bin/qemu-system-aarch64 build_qemu)
	l2dir=$(rig_stage "l2$ktag" "$( { echo "layout $L2_LAYOUT $kernel_line $sysroot $L2_MODULES"
		rig_hash_files "$here/l2-init.sh"; } | rig_short_hash)" initrd.cpio.gz build_l2)
	key=$(echo "layout $QEMU_ARCHIVE_LAYOUT $qdir $l2dir $kdir" | rig_short_hash)
	qemu_archive=$cache/qemu-guest$ktag-$key.cpio
	if [ ! -f "$qemu_archive" ]; then
		build_qemu_archive "$qemu_archive"
		find "$cache" -maxdepth 1 -name "qemu-guest$ktag-????????????????.cpio" \
			! -path "$qemu_archive" -delete
	fi
	exec 9>&-

	echo "RIG_ARM64_KERNEL=$(rig_shell_quote "$kdir/vmlinuz")"
	echo "RIG_ARM64_INITRD=$(rig_shell_quote "$initrd")"
	echo "RIG_ARM64_KVMIRQ=$(rig_shell_quote "$kvmirq_arm64")"
	echo "RIG_ARM64_TESTVMM=$(rig_shell_quote "$vdir/testvmm")"
	echo "RIG_ARM64_CPIO=$(rig_shell_quote "$cdir/gen_init_cpio")"
	echo "RIG_ARM64_QEMU_ARCHIVE=$(rig_shell_quote "$qemu_archive")"
}

main
