#!/bin/bash
# Debian 13 (trixie)'s QEMU, unpacked into a private root beside Debian 12's:
# the real-guest rig tests run it as their L2 VMM (KVMIRQ_RIG_QEMU=trixie,
# see rig-qemu.sh), so that a change in how QEMU drives the irqchip ioctls
# shows up. Nothing is installed over the system: qemu-system-x86 and the
# whole closure of its Depends (trixie's glibc and dynamic loader included)
# are fetched with a private apt configuration, `dpkg-deb -x`ed into the
# root, and the binary's interpreter and RPATH point into it (patchelf), so
# that the process is a genuine qemu-system-x86_64 (its comm, /proc/PID/exe)
# that loads no library of the system's.
#
# Usage: qemu-trixie.sh [-q] [--update]
#   Prints the path of a wrapper script that runs that QEMU (with -L for its
#   ROMs and QEMU_MODULE_DIR for its modules) and takes qemu-system-x86_64's
#   arguments.
#   -q        no progress messages
#   --update  refresh the trixie package lists and move to trixie's newest
#             QEMU (otherwise the version of the first build is kept, and a
#             warm cache does no network access)
#
# Cache: ${KVMIRQ_CACHE:-/var/tmp/kvmirq-cache}/x86/
#   trixie-apt/             sources.list (the system's own Debian mirror),
#                           lists/, an empty dpkg status: apt's private state
#   qemu-trixie.resolved    the version in use
#   qemu-trixie-<version>/  root/ (the unpacked packages), PACKAGES (what
#                           is in it), qemu-system-x86_64 (the wrapper); built
#                           under a temporary name and renamed when complete
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
RIG_PROG=qemu-trixie.sh
. "$here/../lib.sh"

SUITE=trixie
PACKAGE=qemu-system-x86

quiet=0 update=0
for arg in "$@"; do
	case "$arg" in
	-q) quiet=1 ;;
	--update) update=1 ;;
	*) rig_die "usage: qemu-trixie.sh [-q] [--update]" ;;
	esac
done
say() { [ "$quiet" = 1 ] || rig_log "$@"; }

# apt and apt-cache on the private state only.
papt() {
	local cmd=$1
	shift
	"$cmd" -o Dir::Etc::sourcelist="$aptdir/sources.list" -o Dir::Etc::sourceparts=- \
		-o Dir::State::Lists="$aptdir/lists" -o Dir::State::status="$aptdir/status" \
		-o Dir::Cache="$aptdir/cache" -o APT::Sandbox::User=root "$@"
}

# The trixie lists, from the mirror the system's own sources name.
update_lists() {
	local uri
	uri=$(rig_system_mirror)
	[ -n "$uri" ] || rig_die "no Debian mirror in the system's apt sources"
	mkdir -p "$aptdir/lists/partial" "$aptdir/cache"
	: >"$aptdir/status"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $SUITE main" \
		>"$aptdir/sources.list"
	say "apt-get update ($SUITE, private lists in $aptdir)"
	papt apt-get -q update >"$aptdir/update.log" 2>&1 ||
		{ cat "$aptdir/update.log" >&2; rig_die "apt-get update of $SUITE failed"; }
}

candidate_version() {
	papt apt-cache policy "$PACKAGE" 2>/dev/null | awk '$1 == "Candidate:" { print $2; exit }'
}

# Every library the binary loads must come from the private root.
check_closure() {
	local root=$1 bin=$1/usr/bin/qemu-system-x86_64 foreign
	foreign=$(LD_TRACE_LOADED_OBJECTS=1 "$bin" | awk -v root="$root/" '
		/not found/ { print; next }
		$2 == "=>" && index($3, root) != 1 { print }
		$2 != "=>" && $1 ~ /^\// && index($1, root) != 1 { print }') ||
		{ rig_log "$bin does not start under its own loader"; return 1; }
	[ -z "$foreign" ] || { rig_log "libraries from outside $root: $foreign"; return 1; }
}

# Download qemu-system-x86 with every package it depends on (an empty dpkg
# status: nothing counts as installed) into TMP, unpack them all and point
# the binary at its loader and libraries, at the paths they will have once
# TMP is renamed to FINAL.
build_root() {
	local tmp=$1 root=$2/root ver=$3 deb f
	mkdir -p "$tmp/debs/partial" "$tmp/root"
	say "downloading $PACKAGE=$ver and its dependencies"
	papt apt-get -q -y --download-only --no-install-recommends \
		-o Dir::Cache::archives="$tmp/debs" install "$PACKAGE=$ver" >"$tmp/download.log" 2>&1 ||
		{ cat "$tmp/download.log" >&2; rig_die "downloading $PACKAGE=$ver from $SUITE failed"; }
	for deb in "$tmp"/debs/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root"
		dpkg-deb -f "$deb" Package Version | paste -sd' ' >>"$tmp/PACKAGES"
	done
	rm -rf "$tmp/debs" "$tmp/root/usr/share/"{doc,man,locale}
	for f in usr/lib64/ld-linux-x86-64.so.2 usr/share/seabios/bios-256k.bin \
		usr/share/qemu/efi-e1000.rom usr/share/qemu/kvmvapic.bin; do
		[ -e "$tmp/root/$f" ] || rig_die "$f is not in the unpacked packages"
	done
	patchelf --set-interpreter "$root/usr/lib64/ld-linux-x86-64.so.2" \
		--force-rpath --set-rpath "$root/usr/lib/x86_64-linux-gnu" \
		"$tmp/root/usr/bin/qemu-system-x86_64"
}

# A built root must run, on its own libraries only.
verify_root() {
	local dir=$1
	check_closure "$dir/root" &&
		"$dir/root/usr/bin/qemu-system-x86_64" --version | grep -q "QEMU emulator version"
}

# The wrapper: QEMU with its own ROMs (-L, after the caller's arguments, so
# that the command line reads as usual) and modules. Rewritten when it
# differs, so that a change here reaches a warm cache.
write_wrapper() {
	local dir=$1 ver=$2 root=$1/root
	cat >"$dir/.wrapper.$$" <<-EOF
	#!/bin/sh
	# Debian $SUITE's qemu-system-x86_64 $ver from its private
	# root (written by tests/rig/x86/qemu-trixie.sh): its own ROMs and modules.
	QEMU_MODULE_DIR=$(rig_shell_quote "$root/usr/lib/x86_64-linux-gnu/qemu")
	export QEMU_MODULE_DIR
	exec $(rig_shell_quote "$root/usr/bin/qemu-system-x86_64") "\$@" \\
		-L $(rig_shell_quote "$root/usr/share/qemu") -L $(rig_shell_quote "$root/usr/share/seabios")
	EOF
	chmod 755 "$dir/.wrapper.$$"
	if cmp -s "$dir/.wrapper.$$" "$dir/qemu-system-x86_64"; then
		rm -f "$dir/.wrapper.$$"
	else
		mv -f "$dir/.wrapper.$$" "$dir/qemu-system-x86_64"
	fi
}

main() {
	local cache memo ver dir tmp
	rig_ensure_packages patchelf
	cache=$(rig_cache_root)/x86
	aptdir=$cache/trixie-apt
	memo=$cache/qemu-trixie.resolved
	mkdir -p "$cache"
	exec 9>"$cache/.qemu-trixie.lock"
	flock 9

	ver=$(cat "$memo" 2>/dev/null || true)
	if [ "$update" = 1 ] || [ -z "$ver" ]; then
		update_lists
		ver=$(candidate_version)
		[ -n "$ver" ] && [ "$ver" != "(none)" ] || rig_die "$SUITE has no $PACKAGE"
	fi
	dir=$cache/qemu-trixie-${ver//:/_}
	if [ ! -x "$dir/root/usr/bin/qemu-system-x86_64" ]; then
		[ -f "$aptdir/sources.list" ] || update_lists
		rm -rf "$cache"/.qemu-trixie-build.*
		tmp=$(mktemp -d "$cache/.qemu-trixie-build.XXXXXX")
		chmod 755 "$tmp"
		build_root "$tmp" "$dir" "$ver"
		rm -rf "$dir"
		mv -T "$tmp" "$dir"
		verify_root "$dir" || { rm -rf "$dir"; rig_die "QEMU $ver from $SUITE does not run from $dir"; }
		# Older versions are never used again.
		find "$cache" -maxdepth 1 -name 'qemu-trixie-*' -type d ! -path "$dir" -exec rm -rf {} +
	fi
	write_wrapper "$dir" "$ver"
	printf '%s\n' "$ver" >"$memo"
	say "QEMU $ver ($SUITE)"
	printf '%s\n' "$dir/qemu-system-x86_64"
}

main
