# shellcheck shell=bash
# Sourced by the e500 rig's tests (test-*.sh), from the repository root,
# after `set -euo pipefail`: what they all do before booting the rig.
#
#   e500_test_setup NAME   builds the host kvmirq ($build: KVMIRQ_BUILD, default
#                          build), makes $out (/var/tmp/kvmirq-e500-NAME.XXXXXX,
#                          kept when the test fails, for its console log and
#                          files), builds or finds the rig (build.sh's variables
#                          in $out/build.env) and sets $built to the seconds
#                          that took.
#   e500_boot TIMEOUT [ARG...]
#                          boots the tool image with $out/commands (run.sh
#                          --commands, ARGs after: --bin PROGRAM) into $out; a
#                          rig that did not run fails the test here, a
#                          command's own status is left in run-N.status.
#   fail_rig MESSAGE       the rig itself failed: one failed check, exit 1. A
#                          test that needs the rig and cannot get it fails.

fail_rig() {
	echo "FAIL $*"
	echo "0 passed, 1 failed"
	exit 1
}

e500_test_setup() {
	local start=$SECONDS
	build=${KVMIRQ_BUILD:-build}
	make -s BUILD="$build" "$build/kvmirq" >/dev/null || fail_rig "cannot build $build/kvmirq"
	out=$(mktemp -d "/var/tmp/kvmirq-e500-$1.XXXXXX")
	trap 'if [ $? -eq 0 ]; then rm -rf "$out"; else echo "outputs kept in $out" >&2; fi' EXIT
	tests/rig/e500/build.sh >"$out/build.env" ||
		fail_rig "the e500 rig cannot be built (tests/rig/e500/build.sh)"
	built=$((SECONDS - start))
}

e500_boot() {
	local timeout=$1 rc=0
	shift
	tests/rig/e500/run.sh --out "$out" --commands "$out/commands" --timeout "$timeout" "$@" ||
		rc=$?
	[ "$rc" -ne 125 ] || fail_rig "the e500 rig did not run (tests/rig/e500/run.sh)"
	echo "rig: build/cache $built s, $(cat "$out/timing" 2>/dev/null)" >&2
}
