#!/bin/bash
# Build (or find in the cache) what the e500v2 rig boots: a 32-bit PowerPC
# e500v2 kernel with KVM, the in-kernel MPIC, BPF and BTF; an initramfs whose
# /init is the static MPIC test VMM (tests/vmm/mpicvmm.c); and the tool
# image, whose /init (rig-init.c) runs commands with kvmirq itself,
# cross-built static for 32-bit big-endian PowerPC.
#
# Usage: build.sh [-q]
#   Prints shell assignments on stdout (safe for eval):
#     RIG_E500_KERNEL=...  RIG_E500_INITRD=...  RIG_E500_VMM=...
#     RIG_E500_KVMIRQ=...  RIG_E500_TOOL_INITRD=...  RIG_E500_CPIO=...
#   -q  no progress messages
#
# Every part comes from Debian: the kernel from linux-source-6.1 (Debian 12)
# or linux-source-6.12 (Debian 13, KVMIRQ_RIG_KERNEL=6.12) (allnoconfig plus
# the option fragment and userland.config, with kernel-patches/*.patch
# applied), built with gcc-powerpc-linux-gnu and pahole;
# zlib, libelf (elfutils), libbpf and ncurses from Debian's source packages
# (apt-get source through a private, temporary deb-src list: nothing under
# /etc/apt changes), cross-built static.
#
# Cache: ${KVMIRQ_CACHE:-/var/tmp/kvmirq-cache}/e500/
#   kernel-6.1-<key>/ kernel-6.12-<key>/
#                   vmlinux (no DWARF), gen_init_cpio, config
#                                 key: option lines of the fragment and
#                                      userland.config, the patches,
#                                      linux-source version, compiler
#   apt-trixie/     6.12: private sources list, lists, archives/ (the
#                   linux-source-6.12 package), resolved (its version)
#   zlib-<key>/ libelf-<key>/ libbpf-<key>/ ncurses-<key>/
#                   include/, lib/*.a     key: source version, compiler, the
#                                              libraries it is built against
#   vmm-<key>/      mpicvmm, rig-init,    key: their sources, zlib, compiler
#                   testvmm
#   initrd-<key>.cpio.gz                  key: the VMM
#   tool-initrd-<key>.cpio.gz             key: rig-init, the VMM, kvmirq,
#                                              test_bpf, jit_stress
# kvmirq itself is built by the project's Makefile into build/ppc/ of the
# repository (make's own dependencies decide what to rebuild).
# Each part is built under a temporary name and renamed when complete; a run
# with everything cached takes a few seconds and touches no network.
#
# Environment:
#   KVMIRQ_E500_CONFIG  the option fragment (default: the shared rig's copy
#                       if it is there, else kvm-mpic-bpf.config beside this file)
#   KVMIRQ_E500_JOBS    make -j for the kernel (default 2)
#   KVMIRQ_RIG_KERNEL   6.1 (default): Debian 12's linux-source-6.1, installed
#                       as a package; 6.12: Debian 13's (trixie)
#                       linux-source-6.12, downloaded through a private sources
#                       list and lists directory under the cache, on the
#                       mirror the system's own sources name. Each kernel has
#                       its own stage: building one never deletes the other.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../../.." && pwd -P)
RIG_PROG=build.sh
. "$here/../lib.sh"

CROSS=powerpc-linux-gnu-
# Bump when a stage's output changes in a way its key cannot see.
KERNEL_LAYOUT=2
ZLIB_LAYOUT=1
LIBELF_LAYOUT=1
LIBBPF_LAYOUT=1
NCURSES_LAYOUT=1
VMM_LAYOUT=4
INITRD_LAYOUT=1
TOOL_INITRD_LAYOUT=2

quiet=0
case "${1:-}" in
-q) quiet=1 ;;
"") ;;
*) rig_die "usage: build.sh [-q]" ;;
esac
say() { [ "$quiet" = 1 ] || rig_log "$@"; }

rig_kernel=${KVMIRQ_RIG_KERNEL:-6.1}
case "$rig_kernel" in
6.1 | 6.12) ;;
*) rig_die "KVMIRQ_RIG_KERNEL=$rig_kernel: the e500 rig has 6.1 and 6.12" ;;
esac

pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }
# The source package version of an installed binary package: what apt-get source fetches.
source_version() { dpkg-query -W -f='${source:Version}' "$1" 2>/dev/null; }

pick_config() {
	local shared=$repo/../shared/rig/e500v2-kvm-mpic-bpf.config
	if [ -n "${KVMIRQ_E500_CONFIG:-}" ]; then
		config=$KVMIRQ_E500_CONFIG
	elif [ -f "$shared" ]; then
		config=$shared
	else
		config=$here/kvm-mpic-bpf.config
	fi
	[ -f "$config" ] || rig_die "kernel option fragment $config not found"
	grep -q '^CONFIG_KVM_MPIC=y' "$config" || rig_die "$config does not enable CONFIG_KVM_MPIC"
	grep -q '^CONFIG_DEBUG_INFO_BTF=y' "$config" || rig_die "$config does not enable CONFIG_DEBUG_INFO_BTF"
}

# Stage 1: the kernel. Only the option lines count for the key, so the
# shared fragment and the project's copy (same options, other comments)
# share one build.
build_kernel() {
	local out=$1 tmp tree start
	tmp=$(mktemp -d "$cache/.tmp.kernel.XXXXXX")
	start=$SECONDS
	unpack_kernel_source "$tmp"
	tree=$tmp/linux-source-$rig_kernel
	[ -f "$tree/Makefile" ] || rig_die "linux-source-$rig_kernel.tar.xz has no linux-source-$rig_kernel/"
	local patch
	for patch in "$here"/kernel-patches/*.patch; do
		say "applying kernel-patches/$(basename "$patch")"
		patch -s -p1 -d "$tree" <"$patch" || rig_die "$patch does not apply"
	done
	say "configuring (allnoconfig + $config + userland.config)"
	cat "$config" "$here/userland.config" >"$tmp/fragment.config"
	make -C "$tree" -s ARCH=powerpc CROSS_COMPILE=$CROSS KCONFIG_ALLCONFIG="$tmp/fragment.config" \
		allnoconfig >"$tmp/config.log" 2>&1 || { cat "$tmp/config.log" >&2; rig_die "allnoconfig failed"; }
	# allnoconfig silently drops what the fragment asks for when a dependency
	# is missing: every requested =y must have survived.
	local opt missing=()
	while read -r opt; do
		grep -qx "$opt" "$tree/.config" || missing+=("$opt")
	done < <(grep -E '^CONFIG_[A-Z0-9_]+=y' "$tmp/fragment.config")
	[ ${#missing[@]} -eq 0 ] || rig_die "options lost by allnoconfig: ${missing[*]}"
	say "building vmlinux with -j${KVMIRQ_E500_JOBS:-2} (about 5-15 minutes on 2 cores)"
	if ! make -C "$tree" ARCH=powerpc CROSS_COMPILE=$CROSS -j"${KVMIRQ_E500_JOBS:-2}" \
		vmlinux >"$tmp/build.log" 2>&1; then
		tail -n 40 "$tmp/build.log" >&2
		rig_die "kernel build failed (log: $tmp/build.log)"
	fi
	mkdir -p "$tmp/out"
	# The DWARF is 65 MB of the 77 and only pahole needed it; .BTF stays.
	${CROSS}objcopy --strip-debug "$tree/vmlinux" "$tmp/out/vmlinux"
	cp "$tree/usr/gen_init_cpio" "$tmp/out/gen_init_cpio"
	cp "$tree/.config" "$tmp/out/config"
	printf 'linux-source-%s %s\nbuilt in %s s\n' "$rig_kernel" "$src_version" $((SECONDS - start)) >"$tmp/out/INFO"
	rm -rf "$out"
	mv -T "$tmp/out" "$out"
	rm -rf "$tmp"
	say "kernel built in $((SECONDS - start)) s"
}

# Unpack linux-source-$rig_kernel's tarball into TMP: 6.1 from the installed
# package, 6.12 from trixie's package, downloaded once into the cache.
unpack_kernel_source() {
	local tmp=$1 deb
	if [ "$rig_kernel" = 6.1 ]; then
		say "extracting linux-source-6.1 $src_version"
		tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$tmp"
		return
	fi
	deb=$trixie/archives/linux-source-6.12_${src_version}_all.deb
	if [ ! -f "$deb" ]; then
		say "downloading linux-source-6.12 $src_version (trixie, private lists)"
		mkdir -p "$trixie/archives"
		(cd "$tmp" && apt-get -q "${trixie_opts[@]}" download "linux-source-6.12=$src_version") \
			>"$tmp/download.log" 2>&1 || { cat "$tmp/download.log" >&2; rig_die "downloading linux-source-6.12 failed"; }
		rm -f "$trixie"/archives/*.deb
		mv "$tmp"/linux-source-6.12_*_all.deb "$deb"
	fi
	say "extracting linux-source-6.12 $src_version"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-6.12.tar.xz | tar -xJ -C "$tmp"
}

# linux-source-6.12's version in trixie, through a private sources list and
# lists directory (nothing under /etc/apt or /var/lib/apt changes). The
# answer is memoised until apt-get update rewrites the lists: apt-cache takes
# over a second, which every rig run would pay.
trixie_source_version() {
	local memo=$trixie/resolved uri version
	if [ -s "$memo" ] && [ -z "$(find "$trixie/lists" -maxdepth 0 -newer "$memo" 2>/dev/null)" ]; then
		cat "$memo"
		return
	fi
	uri=$(rig_system_mirror)
	[ -n "$uri" ] || rig_die "no Debian mirror in the system's apt sources"
	mkdir -p "$trixie/lists/partial"
	printf 'deb %s trixie main\n' "$uri" >"$trixie/sources.list"
	version=$(apt-cache "${trixie_opts[@]}" policy linux-source-6.12 2>/dev/null | awk '$1 == "Candidate:" { print $2; exit }')
	if [ -z "$version" ] || [ "$version" = "(none)" ]; then
		say "private trixie lists do not know linux-source-6.12; running apt-get update"
		apt-get -q "${trixie_opts[@]}" update >&2 || rig_die "apt-get update (trixie) failed"
		version=$(apt-cache "${trixie_opts[@]}" policy linux-source-6.12 | awk '$1 == "Candidate:" { print $2; exit }')
	fi
	[ -n "$version" ] && [ "$version" != "(none)" ] || rig_die "trixie has no linux-source-6.12"
	printf '%s\n' "$version" >"$memo"
	printf '%s\n' "$version"
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

# Fetch and unpack Debian's source package PKG=VERSION into TMP/src; prints
# the unpacked directory.
fetch_source() {
	local tmp=$1 pkg=$2 version=$3 srcdir
	mkdir -p "$tmp/apt/lists/partial" "$tmp/apt/cache/archives/partial" "$tmp/src"
	debian_deb_src_list >"$tmp/apt/src.sources" || rig_die "no Debian apt source to derive a deb-src list from"
	say "fetching Debian's $pkg source package (private deb-src list)"
	apt_src "$tmp/apt" update >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log" >&2; rig_die "apt-get update (deb-src) failed"; }
	(cd "$tmp/src" && apt_src "$tmp/apt" source "$pkg=$version") >>"$tmp/apt.log" 2>&1 ||
		{ cat "$tmp/apt.log" >&2; rig_die "apt-get source $pkg=$version failed"; }
	srcdir=$(find "$tmp/src" -mindepth 1 -maxdepth 1 -type d -name "$pkg-*" | head -n 1)
	[ -n "$srcdir" ] || rig_die "apt-get source $pkg unpacked nothing"
	printf '%s\n' "$srcdir"
}

# Move a finished stage from TMP/out to OUT, with its build time.
finish_stage() {
	local tmp=$1 out=$2 what=$3 start=$4
	printf '%s\nbuilt in %s s\n' "$what" $((SECONDS - start)) >"$tmp/out/INFO"
	rm -rf "$out"
	mv -T "$tmp/out" "$out"
	rm -rf "$tmp"
	say "$what built in $((SECONDS - start)) s"
}

# Stage 2: zlib for 32-bit big-endian PowerPC, from Debian's source package.
build_zlib() {
	local out=$1 tmp srcdir start=$SECONDS
	tmp=$(mktemp -d "$cache/.tmp.zlib.XXXXXX")
	srcdir=$(fetch_source "$tmp" zlib "$zlib_version")
	say "cross-building zlib $zlib_version"
	(cd "$srcdir" && CHOST=powerpc-linux-gnu CC=${CROSS}gcc AR=${CROSS}ar RANLIB=${CROSS}ranlib \
		CFLAGS="-O2" ./configure --static --prefix="$tmp/out" &&
		make -j2 libz.a && make install) >"$tmp/zlib.log" 2>&1 ||
		{ tail -n 30 "$tmp/zlib.log" >&2; rig_die "zlib cross build failed"; }
	[ -f "$tmp/out/lib/libz.a" ] || rig_die "zlib build left no libz.a"
	finish_stage "$tmp" "$out" "zlib $zlib_version" "$start"
}

# Stage 3: libelf alone (libbpf's only use of elfutils), configured for the
# cross compiler but built only in lib/ and libelf/.
build_libelf() {
	local out=$1 tmp srcdir start=$SECONDS
	tmp=$(mktemp -d "$cache/.tmp.libelf.XXXXXX")
	srcdir=$(fetch_source "$tmp" elfutils "$elfutils_version")
	say "cross-building libelf from elfutils $elfutils_version"
	(cd "$srcdir" && ./configure --host=powerpc-linux-gnu CC=${CROSS}gcc CFLAGS="-O2" \
		--disable-debuginfod --disable-libdebuginfod --without-bzlib --without-lzma \
		--without-zstd --disable-nls CPPFLAGS="-I$zdir/include" LDFLAGS="-L$zdir/lib" &&
		make -C lib -j2 && make -C libelf -j2 libelf.a) >"$tmp/libelf.log" 2>&1 ||
		{ tail -n 30 "$tmp/libelf.log" >&2; rig_die "libelf cross build failed"; }
	mkdir -p "$tmp/out/include" "$tmp/out/lib"
	cp "$srcdir"/libelf/{libelf.h,gelf.h,nlist.h} "$tmp/out/include/"
	cp "$srcdir/libelf/libelf.a" "$tmp/out/lib/"
	finish_stage "$tmp" "$out" "libelf $elfutils_version" "$start"
}

# Stage 4: libbpf, against the cross libelf and zlib.
build_libbpf() {
	local out=$1 tmp srcdir start=$SECONDS
	tmp=$(mktemp -d "$cache/.tmp.libbpf.XXXXXX")
	srcdir=$(fetch_source "$tmp" libbpf "$libbpf_version")
	say "cross-building libbpf $libbpf_version"
	mkdir -p "$tmp/obj" # its Makefile races to create it under -j
	make -C "$srcdir/src" -j2 BUILD_STATIC_ONLY=1 NO_PKG_CONFIG=1 CC=${CROSS}gcc AR=${CROSS}ar \
		OBJDIR="$tmp/obj" DESTDIR="$tmp/out" PREFIX= LIBDIR=/lib \
		EXTRA_CFLAGS="-O2 -I$edir/include -I$zdir/include" install >"$tmp/libbpf.log" 2>&1 ||
		{ tail -n 30 "$tmp/libbpf.log" >&2; rig_die "libbpf cross build failed"; }
	[ -f "$tmp/out/lib/libbpf.a" ] || rig_die "libbpf build left no libbpf.a"
	finish_stage "$tmp" "$out" "libbpf $libbpf_version" "$start"
}

# Stage 5: ncursesw, static, no programs; the terminal database is the
# guest's /usr/share/terminfo.
build_ncurses() {
	local out=$1 tmp srcdir start=$SECONDS
	tmp=$(mktemp -d "$cache/.tmp.ncurses.XXXXXX")
	srcdir=$(fetch_source "$tmp" ncurses "$ncurses_version")
	say "cross-building ncurses $ncurses_version"
	(cd "$srcdir" && ./configure --host=powerpc-linux-gnu CC=${CROSS}gcc CFLAGS="-O2" \
		--prefix="$tmp/out" --enable-widec --without-shared --without-cxx \
		--without-cxx-binding --without-ada --without-progs --without-tests \
		--without-manpages --without-debug --disable-db-install --enable-pc-files=no \
		--with-default-terminfo-dir=/usr/share/terminfo &&
		make -j2 libs && make install.libs install.includes) >"$tmp/ncurses.log" 2>&1 ||
		{ tail -n 30 "$tmp/ncurses.log" >&2; rig_die "ncurses cross build failed"; }
	[ -f "$tmp/out/lib/libncursesw.a" ] || rig_die "ncurses build left no libncursesw.a"
	rm -rf "$tmp/out/bin"
	finish_stage "$tmp" "$out" "ncurses $ncurses_version" "$start"
}

# The project sources the VMM links: its guest program, the snapshot code
# and what it needs.
vmm_sources() {
	printf '%s\n' "$repo/tests/vmm/mpicvmm.c" "$repo/tests/vmm/mpicvmm_guest.c" "$repo/tests/vmm/mpicvmm_guest.S" \
		"$repo/tests/vmm/console_file.c" "$repo/tests/vmm/expect_text.c" "$repo/tests/vmm/hold_wait.c" "$repo"/src/snapshot/snapshot.c \
		"$repo"/src/snapshot/snapshot_file.c "$repo"/src/snapshot/routing.c "$repo"/src/codec/routing_entry.c "$repo"/src/chips/*.c "$repo"/src/tracefile/*.c \
		"$repo"/src/util/atomic_file.c "$repo"/src/util/host.c "$repo"/src/util/json.c "$repo"/src/util/kv.c "$repo"/src/util/varint.c
}

# -mregnames: the guest program (mpicvmm_guest.S) names its registers.
VMM_CFLAGS="-std=gnu11 -O2 -g0 -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers -D_GNU_SOURCE -ffunction-sections -fdata-sections -Wa,-mregnames"

# The tool image's /init.
init_sources() {
	printf '%s\n' "$here/../common/rig-init.c" "$repo/tests/vmm/console_file.c"
}

# The scripted interrupt-ioctl VMM (tests/vmm/vmm.mk), for the tool image's /bin.
testvmm_sources() {
	printf '%s\n' "$repo/tests/vmm/testvmm.c" "$repo/tests/vmm/testvmm_powerpc.c" "$repo/tests/vmm/kernel_expect.c"
}
TESTVMM_CFLAGS="-std=gnu11 -O2 -g0 -Wall -Wextra -Werror"

# Stage 6: the static test VMMs and the tool image's /init.
build_vmm() {
	local out=$1 tmp
	tmp=$(mktemp -d "$cache/.tmp.vmm.XXXXXX")
	say "cross-building the MPIC test VMM and rig-init"
	mkdir -p "$tmp/out"
	# shellcheck disable=SC2086,SC2046
	if ! ${CROSS}gcc $VMM_CFLAGS -DKVMIRQ_VERSION="\"$(cat "$repo/VERSION")\"" -I"$repo/src" -I"$repo/include" \
		-I"$repo/tests/vmm" -I"$zdir/include" -static -Wl,--gc-sections -o "$tmp/out/mpicvmm" \
		$(vmm_sources) -L"$zdir/lib" -lz >"$tmp/cc.log" 2>&1 ||
		! ${CROSS}gcc $VMM_CFLAGS -I"$repo/tests/vmm" -I"$zdir/include" -static -Wl,--gc-sections \
		-o "$tmp/out/rig-init" $(init_sources) -L"$zdir/lib" -lz >>"$tmp/cc.log" 2>&1 ||
		! ${CROSS}gcc $TESTVMM_CFLAGS -static -o "$tmp/out/testvmm" $(testvmm_sources) \
		>>"$tmp/cc.log" 2>&1; then
		cat "$tmp/cc.log" >&2
		rig_die "cross-building the test VMMs or rig-init failed"
	fi
	rm -rf "$out"
	mv -T "$tmp/out" "$out"
	rm -rf "$tmp"
}

# Stage 7: kvmirq for the guest, by the project's Makefile into build/ppc/:
# the BPF object big-endian for powerpc, everything linked static against
# the cross-built libraries.
build_kvmirq() {
	local inc lib
	inc="-I$bdir/include -I$edir/include -I$zdir/include -I$ndir/include/ncursesw -I$ndir/include"
	lib="-L$bdir/lib -L$edir/lib -L$zdir/lib -L$ndir/lib"
	say "cross-building kvmirq into build/ppc"
	make -C "$repo" -s -j2 CC=${CROSS}gcc ARCH=powerpc BPF_TARGET=bpfeb BUILD=build/ppc \
		CFLAGS="-O2 -g0 $inc" LDFLAGS="-static $lib" build/ppc/kvmirq \
		build/ppc/tests/test_bpf build/ppc/tests/jit_stress >"$cache/.kvmirq-make.log" 2>&1 ||
		{ tail -n 30 "$cache/.kvmirq-make.log" >&2; rig_die "cross-building kvmirq failed"; }
	kvmirq_ppc=$repo/build/ppc/kvmirq
}

# Stage 8: the initramfs, with the kernel's own gen_init_cpio (no root or
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

# Stage 9: the tool image: /init is rig-init, which runs /rig-commands (run.sh
# appends them as a second archive); kvmirq (stripped) and the VMMs in /bin.
build_tool_initrd() {
	local out=$1 list
	list=$(mktemp "$cache/.tmp.tool-initrd.XXXXXX")
	${CROSS}strip -o "$list.kvmirq" "$kvmirq_ppc"
	${CROSS}strip -o "$list.test_bpf" "$repo/build/ppc/tests/test_bpf"
	${CROSS}strip -o "$list.jit_stress" "$repo/build/ppc/tests/jit_stress"
	cat >"$list" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /tmp 1777 0 0
dir /bin 0755 0 0
file /init $vdir/rig-init 0755 0 0
file /bin/mpicvmm $vdir/mpicvmm 0755 0 0
file /bin/testvmm $vdir/testvmm 0755 0 0
file /bin/kvmirq $list.kvmirq 0755 0 0
file /bin/test_bpf $list.test_bpf 0755 0 0
file /bin/jit_stress $list.jit_stress 0755 0 0
EOF
	"$kdir/gen_init_cpio" "$list" | gzip -n -1 >"$out.tmp.$$"
	mv -f "$out.tmp.$$" "$out"
	rm -f "$list" "$list.kvmirq" "$list.test_bpf" "$list.jit_stress"
}

main() {
	local key initrd tool_initrd
	[ "$rig_kernel" = 6.1 ] && rig_ensure_packages linux-source-6.1
	rig_ensure_packages gcc-powerpc-linux-gnu libc6-dev-powerpc-cross \
		qemu-system-ppc make gcc libc6-dev bc bison flex xz-utils gzip dpkg-dev dwarves patch \
		clang llvm bpftool libbpf-dev python3
	pick_config
	cache=$(rig_cache_root)/e500
	mkdir -p "$cache"
	gcc_version=$(${CROSS}gcc -dumpfullversion)-$(pkg_version gcc-powerpc-linux-gnu)
	# The versions apt would fetch: the ones Debian ships for this release.
	zlib_version=$(source_version zlib1g)
	elfutils_version=$(source_version libelf1)
	libbpf_version=$(source_version libbpf1)
	ncurses_version=$(source_version libncursesw6)
	[ -n "$zlib_version" ] && [ -n "$elfutils_version" ] && [ -n "$libbpf_version" ] &&
		[ -n "$ncurses_version" ] ||
		rig_die "zlib1g, libelf1, libbpf1 or libncursesw6 is not installed: cannot tell Debian's source versions"

	# One builder at a time per cache; others wait, then find it done.
	exec 9>"$cache/.lock"
	flock 9
	rm -rf "$cache"/.tmp.* "$cache"/*.tmp.*

	trixie=$cache/apt-trixie
	trixie_opts=(-o "Dir::Etc::sourcelist=$trixie/sources.list" -o Dir::Etc::sourceparts=-
		-o "Dir::State::Lists=$trixie/lists")
	if [ "$rig_kernel" = 6.1 ]; then
		src_version=$(pkg_version linux-source-6.1)
	else
		src_version=$(trixie_source_version)
	fi

	key=$( { echo "layout $KERNEL_LAYOUT $src_version $gcc_version"
		grep -h '^CONFIG_' "$config" "$here/userland.config" | sort
		cat "$here"/kernel-patches/*.patch; } | rig_short_hash)
	kdir=$(rig_stage "kernel-$rig_kernel" "$key" vmlinux build_kernel)
	zdir=$(rig_stage zlib "$(echo "layout $ZLIB_LAYOUT $zlib_version $gcc_version" | rig_short_hash)" lib/libz.a build_zlib)
	edir=$(rig_stage libelf "$(echo "layout $LIBELF_LAYOUT $elfutils_version $gcc_version $zdir" | rig_short_hash)" \
		lib/libelf.a build_libelf)
	bdir=$(rig_stage libbpf "$(echo "layout $LIBBPF_LAYOUT $libbpf_version $gcc_version $edir $zdir" | rig_short_hash)" \
		lib/libbpf.a build_libbpf)
	ndir=$(rig_stage ncurses "$(echo "layout $NCURSES_LAYOUT $ncurses_version $gcc_version" | rig_short_hash)" \
		lib/libncursesw.a build_ncurses)

	# shellcheck disable=SC2046
	key=$( {
		echo "layout $VMM_LAYOUT $gcc_version $zdir $VMM_CFLAGS $TESTVMM_CFLAGS"
		rig_hash_files $(vmm_sources) $(init_sources) $(testvmm_sources) "$repo"/tests/vmm/*.h "$repo"/src/*/*.h \
			"$repo"/include/kvmirq/*.h "$repo/VERSION"
	} | rig_short_hash)
	vdir=$(rig_stage vmm "$key" rig-init build_vmm)

	key=$(echo "layout $INITRD_LAYOUT $vdir" | rig_short_hash)
	initrd=$cache/initrd-$key.cpio.gz
	if [ ! -f "$initrd" ]; then
		build_initrd "$initrd"
		find "$cache" -maxdepth 1 -name 'initrd-*.cpio.gz' ! -path "$initrd" -delete
	fi

	build_kvmirq
	key=$( { echo "layout $TOOL_INITRD_LAYOUT $vdir"
		rig_hash_files "$kvmirq_ppc" "$repo"/build/ppc/tests/{test_bpf,jit_stress}; } | rig_short_hash)
	tool_initrd=$cache/tool-initrd-$key.cpio.gz
	if [ ! -f "$tool_initrd" ]; then
		build_tool_initrd "$tool_initrd"
		find "$cache" -maxdepth 1 -name 'tool-initrd-*.cpio.gz' ! -path "$tool_initrd" -delete
	fi
	exec 9>&-

	echo "RIG_E500_KERNEL=$(rig_shell_quote "$kdir/vmlinux")"
	echo "RIG_E500_INITRD=$(rig_shell_quote "$initrd")"
	echo "RIG_E500_VMM=$(rig_shell_quote "$vdir/mpicvmm")"
	echo "RIG_E500_KVMIRQ=$(rig_shell_quote "$kvmirq_ppc")"
	echo "RIG_E500_TOOL_INITRD=$(rig_shell_quote "$tool_initrd")"
	echo "RIG_E500_CPIO=$(rig_shell_quote "$kdir/gen_init_cpio")"
}

main
