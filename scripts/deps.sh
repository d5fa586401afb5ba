#!/usr/bin/env bash
# Install the Debian 12 packages kvmirq needs to build, run and test, when
# they are missing. Idempotent: a machine that has them all does nothing.
set -euo pipefail

build_pkgs=(make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libncurses-dev
	    pkg-config linux-libc-dev)
test_pkgs=(qemu-system-x86 busybox-static cpio kmod python3 tmux libclang-rt-14-dev
	   trace-cmd bpftrace linux-perf
	   qemu-system-ppc gcc-powerpc-linux-gnu libc6-dev-powerpc-cross linux-source-6.1
	   qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	   bc bison flex xz-utils dpkg-dev dwarves curl prometheus
	   file man-db debhelper lintian debootstrap
	   patchelf) # trixie's QEMU in a private root: tests/rig/x86/qemu-trixie.sh

want=("${build_pkgs[@]}")
[[ "${1:-}" == "--test" ]] && want+=("${test_pkgs[@]}")
# The export test reads traces with npm packages (tests/export/npm-deps.sh):
# node and npm, from Debian unless another node (e.g. NodeSource's) is there.
if [[ "${1:-}" == "--test" ]] && ! { command -v node && command -v npm; } >/dev/null; then
	want+=(nodejs npm)
fi

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	echo "kvmirq: installing ${missing[*]}" >&2
	SUDO=; [[ $(id -u) -ne 0 ]] && SUDO=sudo
	$SUDO apt-get update -qq
	# Debian's prometheus starts its own server on :9090 when installed; the
	# tests start theirs on loopback with their own config. No service starts
	# during the install (policy-rc.d says no), and it stays disabled.
	no_starts=
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
		$SUDO chmod 755 /usr/sbin/policy-rc.d
		no_starts=1
	fi
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	if [[ -n $no_starts ]]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
	if [[ " ${missing[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null &&
	   [[ -d /run/systemd/system ]]; then
		$SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
	fi
fi
