# What the suites on this host's own /dev/kvm share (sourced, from the
# repository root): the sanitizer build of kvmirq and the test VMM, a temp
# dir, the ok/bad counters, the children in "pids" resumed and killed at
# exit, the time scale, and a loud failure, never a skip, without root,
# /dev/kvm or a build.
bin=${KVMIRQ:-build/asan/kvmirq}
# How much longer than natively the fixed waits must be: tests/run.sh sets it
# when the suite runs in the x86 rig's L1 under emulation (run_kvm_suite).
scale=${KVMIRQ_TIME_SCALE:-1}
vmm=build/tests/testvmm
. tests/lib/sanitizer-options.sh
tmp=$(mktemp -d)
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
pids=()
trap 'for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT

for need in "$bin" "$vmm"; do
	[[ -x $need ]] || { echo "FAIL: $need is missing (make tests)"; echo "0 passed, 1 failed"; exit 1; }
done
if [[ ! -c /dev/kvm || $(id -u) != 0 ]]; then
	echo "FAIL: needs root and /dev/kvm"; echo "0 passed, 1 failed"; exit 1
fi
