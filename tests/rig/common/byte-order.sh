#!/usr/bin/env bash
# A recording reads the same on every host: the shipped demos, made on
# little-endian x86_64 (8-byte words), on big-endian 32-bit PowerPC (the
# e500 rig) and on little-endian arm64 (the arm64 rig), are decoded by
# kvmirq on this host and by the build for RIG inside that rig (report and
# its timeline, text and JSON; show; diff; top -b), and every output must be
# byte for byte the same. A rig that cannot be built or booted fails.
#
# Usage: byte-order.sh RIG TITLE   (RIG: e500 or arm64; TITLE names its
#                                  build in the messages: "ppc32 big-endian")
# Environment: KVMIRQ_BUILD  the build directory of the host tool (default build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"
rig=$1 title=$2
. tests/rig/common/testlib.sh
rig_test_setup "$rig" order
build=$(realpath "$build")

# Each case: an output name and the kvmirq arguments, with the inputs as
# bin/NAME (where run.sh --bin puts them in the guest, cwd /; here, $out/host).
cases=(
	"le-report report bin/x86-statevmm.kvmirq"
	"le-timeline report --timeline bin/x86-testvmm.kvmirq"
	"le-timeline-json report --json --timeline bin/x86-statevmm.kvmirq"
	"le-show show --json bin/x86-statevmm.kvmirq"
	"le-show-at show --at 0.001 bin/x86-testvmm.kvmirq"
	"le-diff diff bin/x86-statevmm.kvmsnap bin/x86-statevmm-planted.kvmsnap"
	"le-top top -i bin/x86-statevmm.kvmirq -b -n 3 -d 1 --vm 1"
	"be-report report bin/ppc-e500-mpic.kvmirq"
	"be-timeline-json report --json --timeline bin/ppc-e500-mpic.kvmirq"
	"be-show show --json bin/ppc-e500-mpic.kvmirq"
	"be-diff diff bin/ppc-e500-mpic-held.kvmsnap bin/ppc-e500-mpic.kvmirq"
	"be-top top -i bin/ppc-e500-mpic.kvmirq -b -n 3 -d 0.1 --vm 1 --chip 1"
)
inputs=(x86-statevmm.kvmirq x86-testvmm.kvmirq x86-statevmm.kvmsnap x86-statevmm-planted.kvmsnap
	ppc-e500-mpic.kvmirq ppc-e500-mpic-held.kvmsnap)
# The arm64 demos, made in the arm64 rig, each decoded every way that applies.
for f in demo/arm64-*.kvmirq; do
	[[ -e $f ]] || continue
	f=${f#demo/}
	inputs+=("$f")
	cases+=("arm-report-${f%.kvmirq} report bin/$f"
		"arm-timeline-json-${f%.kvmirq} report --json --timeline bin/$f"
		"arm-show-${f%.kvmirq} show bin/$f"
		"arm-top-${f%.kvmirq} top -i bin/$f -b -n 3 -d 0.1 --vm 1")
done
for f in demo/arm64-*.kvmsnap; do
	[[ -e $f ]] || continue
	f=${f#demo/}
	inputs+=("$f")
	cases+=("arm-snap-${f%.kvmsnap} show --json bin/$f")
done
mkdir -p "$out/host/bin"
bins=()
for f in "${inputs[@]}"; do
	cp "demo/$f" "$out/host/bin/"
	bins+=(--bin "demo/$f")
done
: >"$out/commands"
for c in "${cases[@]}"; do
	read -r name args <<<"$c"
	echo "runout /tmp/$name.out /bin/kvmirq $args" >>"$out/commands"
done
for c in "${cases[@]}"; do
	echo "file /tmp/${c%% *}.out" >>"$out/commands"
done
rig_boot "$rig" 600 "${bins[@]}"

pass=0 fail=0
i=0
for c in "${cases[@]}"; do
	read -r name args <<<"$c"
	# shellcheck disable=SC2086 # ARGS are words
	host_rc=0
	(cd "$out/host" && "$build/kvmirq" $args >"$name.out" 2>&1) || host_rc=$?
	guest_rc=$(cat "$out/run-$i.status" 2>/dev/null || echo missing)
	if [[ ! -f $out/$name.out ]]; then
		fail=$((fail + 1)); echo "FAIL $name: no output came back from the rig"
	elif cmp -s "$out/$name.out" "$out/host/$name.out"; then
		pass=$((pass + 1))
		echo "PASS $name: $(wc -c <"$out/$name.out") bytes the same on $title and here"
	else
		fail=$((fail + 1)); echo "FAIL $name: the outputs differ"
		diff "$out/$name.out" "$out/host/$name.out" | head -n 10 | sed 's/^/    /'
	fi
	if [[ $guest_rc == "$host_rc" ]]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL $name: exit $guest_rc on $rig, $host_rc here"; fi
	i=$((i + 1))
done
# (a colon or a space: the base64 the rig sends files in has neither)
grep -aqE 'Oops[: ]|BUG: |kernel BUG at|Kernel panic' "$out/console.log" &&
	{ fail=$((fail + 1)); echo "FAIL a kernel oops in the rig"; }
echo "$pass passed, $fail failed"
((fail == 0))
