# shellcheck shell=bash
# Sourced by the e500 and arm64 rigs' tests (tests/rig/<rig>/test-*.sh), from
# the repository root, after `set -euo pipefail`: what they all do before
# booting their rig (build.sh and run.sh beside the test).
#
#   rig_test_setup RIG NAME
#                          builds the host kvmirq ($build: KVMIRQ_BUILD, default
#                          build), makes $out (/var/tmp/kvmirq-RIG-NAME.XXXXXX,
#                          kept when the test fails, for its console log and
#                          files), builds or finds the rig (build.sh's variables
#                          in $out/build.env) and sets $built to the seconds
#                          that took.
#   rig_boot RIG TIMEOUT [ARG...]
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

rig_test_setup() {
	local rig=$1 name=$2 start=$SECONDS
	build=${KVMIRQ_BUILD:-build}
	make -s BUILD="$build" "$build/kvmirq" >/dev/null || fail_rig "cannot build $build/kvmirq"
	out=$(mktemp -d "/var/tmp/kvmirq-$rig-$name.XXXXXX")
	trap 'if [ $? -eq 0 ]; then rm -rf "$out"; else echo "outputs kept in $out" >&2; fi' EXIT
	"tests/rig/$rig/build.sh" >"$out/build.env" ||
		fail_rig "the $rig rig cannot be built (tests/rig/$rig/build.sh)"
	built=$((SECONDS - start))
}

rig_boot() {
	local rig=$1 timeout=$2 rc=0
	shift 2
	"tests/rig/$rig/run.sh" --out "$out" --commands "$out/commands" --timeout "$timeout" "$@" ||
		rc=$?
	[ "$rc" -ne 125 ] || fail_rig "the $rig rig did not run (tests/rig/$rig/run.sh)"
	echo "rig: build/cache $built s, $(cat "$out/timing" 2>/dev/null)" >&2
}
