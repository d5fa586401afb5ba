# Shared helpers for the test rigs (sourced, not executed).
#
# Every rig script is `set -euo pipefail`; these helpers keep messages in
# one format ("<script>: ...") and install what a fresh CI machine lacks.

RIG_PROG=${RIG_PROG:-$(basename "$0")}

rig_log() { printf '%s: %s\n' "$RIG_PROG" "$*" >&2; }

rig_die() {
	printf '%s: ERROR: %s\n' "$RIG_PROG" "$*" >&2
	exit "${RIG_DIE_STATUS:-1}"
}

# Root of the download/build cache; shared by all architectures.
rig_cache_root() { printf '%s\n' "${KVMIRQ_CACHE:-/var/tmp/kvmirq-cache}"; }

rig_pkg_installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# Install the Debian packages given as arguments that are not installed yet.
# The package lists are refreshed only when the first attempt fails, so a
# machine that has everything never touches the network.
rig_ensure_packages() {
	local missing=() pkg
	for pkg in "$@"; do
		rig_pkg_installed "$pkg" || missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || rig_die "missing packages (${missing[*]}) and not root to install them"
	rig_log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y --no-install-recommends "${missing[@]}" >&2; then
		apt-get update >&2 || rig_die "apt-get update failed"
		apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
			rig_die "cannot install ${missing[*]}"
	fi
}

# Quote one word for a POSIX shell: 'it'\''s'.
rig_shell_quote() {
	local s=${1//\'/\'\\\'\'}
	printf "'%s'" "$s"
}

# The Debian mirror the system's own sources name for its release (deb822
# .sources stanzas or one-line entries): never a host name of ours. The rigs
# reach Debian 13 (trixie) on it through private sources lists.
rig_system_mirror() {
	local codename
	codename=$(. /etc/os-release && printf '%s\n' "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || rig_die "/etc/os-release names no release"
	local f files=()
	for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; do
		[ -f "$f" ] && files+=("$f")
	done
	[ ${#files[@]} -gt 0 ] || return 0
	awk -v rel="$codename" '
		function check() {
			if (!found && uri != "" && (" " suites " ") ~ (" " rel " ")) found = uri
		}
		FNR == 1 || /^[ \t]*$/ { check(); uri = ""; suites = "" }
		$1 == "URIs:" { uri = $2 }
		$1 == "Suites:" { $1 = ""; suites = $0 }
		$1 == "deb" && !found { sub(/\[[^]]*\] */, ""); if ($3 == rel) found = $2 }
		END { check(); if (found) print found }' "${files[@]}"
}

# Stage caches (the e500 and arm64 rigs' build.sh): one directory per stage
# and key under $cache, built under a temporary name and renamed when done.
rig_short_hash() { sha256sum | cut -c1-16; }
rig_hash_files() { sha256sum "$@" | cut -d' ' -f1; }

# Find stage NAME-KEY in $cache, or build it with BUILDER DIR when FILE (a
# path inside it) is missing, deleting the stage's other keys (16 hex digits:
# not those of a stage whose name extends NAME, as kernel-6.12 does kernel);
# prints its path.
rig_stage() {
	local name=$1 key=$2 file=$3 builder=$4 dir
	dir=$cache/$name-$key
	if [ ! -e "$dir/$file" ]; then
		"$builder" "$dir" >&2
		find "$cache" -maxdepth 1 -name "$name-????????????????" ! -name "$name-$key" \
			-exec rm -rf {} +
	fi
	printf '%s\n' "$dir"
}

# OUT: the tool image BASE, then an archive holding COMMANDS as
# /rig-commands and each BIN as /bin/NAME (the kernel unpacks concatenated
# archives in turn), made with the kernel's gen_init_cpio CPIO.
#   rig_initrd_with_commands BASE CPIO COMMANDS OUT [BIN...]
rig_initrd_with_commands() {
	local base=$1 cpio=$2 commands=$3 out=$4 bin
	shift 4
	cp "$base" "$out"
	{
		printf 'file /rig-commands %s 0644 0 0\n' "$(realpath "$commands")"
		for bin in "$@"; do
			[ -f "$bin" ] || rig_die "no program $bin (--bin)"
			printf 'file /bin/%s %s 0755 0 0\n' "$(basename "$bin")" "$(realpath "$bin")"
		done
	} | "$cpio" /dev/stdin | gzip -n -1 >>"$out"
}
