#!/usr/bin/env bash
# The interrupt storm benchmark, on real KVM in the nested x86 rig (L1 on
# multi-threaded TCG; KVMIRQ_STORM_TCG_THREAD=single for the tests' mode): the test
# VMM issues KVM_IRQ_LINE or KVM_SIGNAL_MSI as fast as it can, untraced and
# under each tracer in turn, alternating in one run. Rates are reported as
# ratios to the untraced rate of the same round (under TCG absolute numbers
# mean little). kvmirq records under each attach strategy (auto, which is
# fentry on the rig's kernel, and syscall). Also: kvmirq's drops, and the
# in-kernel cost per event of kvmirq's programs, the floor's do-nothing ones
# and bpftrace's count-only ones (BPF run-time statistics).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
cd "$root"
N=${KVMIRQ_STORM_N:-200000}
ROUNDS=${KVMIRQ_STORM_ROUNDS:-2}
TPS="kvm_set_irq kvm_msi_set_irq kvm_ioapic_set_irq kvm_pic_set_irq kvm_apic_accept_irq kvm_eoi
     kvm_pv_eoi kvm_ack_irq kvm_apic_ipi kvm_inj_virq kvm_ioapic_delayed_eoi_inj"

if [[ ${1:-} == --inside ]]; then
	out=$2
	vmm=tests/vmm/build/testvmm
	tc_events=() perf_events=() bt_probes=()
	for t in $TPS; do
		tc_events+=(-e "kvm:$t"); perf_events+=(-e "kvm:$t"); bt_probes+=("tracepoint:kvm:$t")
	done
	bt_script="$(IFS=,; echo "${bt_probes[*]}") { @[probe] = count(); }"
	storm() { "$vmm" --storm "$N" --kind "$1" 2>/dev/null | grep -oE '[0-9.]+ ioctls/s' | cut -d' ' -f1; }
	# start_tracer MODE: starts it in the background, sets $tracer, waits until it is ready
	start_tracer() {
		case $1 in
		kvmirq) build/kvmirq record -o /tmp/storm.kvmirq 2>/tmp/kvmirq.err & tracer=$!
			for _ in $(seq 300); do grep -q "recording to" /tmp/kvmirq.err && break; sleep 0.1; done ;;
		kvmirq-syscall) # the other attach strategy: syscall tracepoints for the ioctls
			build/kvmirq record -s syscall -o /tmp/storm-s.kvmirq 2>/tmp/kvmirq-s.err & tracer=$!
			for _ in $(seq 300); do grep -q "recording to" /tmp/kvmirq-s.err && break; sleep 0.1; done ;;
		kvmirq-stat) # in-kernel counters only, like the bpftrace script
			build/kvmirq stat >/tmp/stat.out 2>/tmp/stat.err & tracer=$!
			for _ in $(seq 300); do grep -q "counting" /tmp/stat.err && break; sleep 0.1; done ;;
		kvmirq-delivery) # the same tracepoints as the other tools, without the ioctls
			build/kvmirq record -e delivery -o /tmp/storm-d.kvmirq 2>/tmp/kvmirq-d.err & tracer=$!
			for _ in $(seq 300); do grep -q "recording to" /tmp/kvmirq-d.err && break; sleep 0.1; done ;;
		floor) # do-nothing programs on kvmirq's hooks: what hooking alone costs
			build/bench/hook_floor 2>/tmp/floor.err & tracer=$!
			for _ in $(seq 300); do grep -q "programs attached" /tmp/floor.err && break; sleep 0.1; done ;;
		trace-cmd) trace-cmd record -q -o /tmp/trace.dat "${tc_events[@]}" >/tmp/tc.out 2>&1 & tracer=$!
			sleep 6 ;;
		perf) perf record -q -a --no-buildid -o /tmp/perf.data "${perf_events[@]}" >/tmp/perf.out 2>&1 & tracer=$!
			sleep 6 ;;
		bpftrace) bpftrace -e "$bt_script" >/tmp/bt.out 2>&1 & tracer=$!
			for _ in $(seq 300); do grep -q "Attaching" /tmp/bt.out && break; sleep 0.1; done
			sleep 2 ;;
		esac
	}
	# stop_tracer PID: SIGINT, then SIGKILL if it has not exited within 60 s
	stop_tracer() {
		kill -INT "$1"
		for _ in $(seq 600); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
		if kill -0 "$1" 2>/dev/null; then
			echo "warning: $mode did not stop on SIGINT; killed" >>"$out/storm.txt"
			kill -KILL "$1"
		fi
		stopped_rc=0
		wait "$1" || stopped_rc=$?
	}
	# Rates with BPF run-time statistics off: they read the clock twice per
	# program run, which would tax the BPF tools and not the others. The
	# last round measures the per-program costs, with statistics on.
	for round in $(seq $((ROUNDS + 1))); do
		stats=0
		((round > ROUNDS)) && stats=1
		sysctl -qw kernel.bpf_stats_enabled=$stats
		for kind in irq_line msi; do
			for mode in untraced floor kvmirq kvmirq-syscall kvmirq-delivery kvmirq-stat trace-cmd perf bpftrace; do
				((stats)) && [[ $mode != kvmirq* && $mode != bpftrace && $mode != floor ]] && continue
				tracer=
				[[ $mode == untraced ]] || start_tracer $mode
				bpf=false
				((stats)) && [[ $mode != untraced && $mode != trace-cmd && $mode != perf ]] && bpf=true
				$bpf && bpftool -j prog show >/tmp/before.json
				rate=$(storm $kind)
				$bpf && bpftool -j prog show >/tmp/after.json
				extra=
				if [[ -n $tracer ]]; then
					stop_tracer "$tracer"; rc=$stopped_rc
					[[ $mode == kvmirq* ]] && extra="record_exit=$rc"
				fi
				if $bpf; then
					extra="$extra $(python3 tests/bench/prog_cost.py /tmp/before.json /tmp/after.json)"
				fi
				if ((stats)); then
					echo "costs kind=$kind mode=$mode $extra" >>"$out/storm.txt"
				else
					echo "round=$round kind=$kind mode=$mode rate=$rate $extra" >>"$out/storm.txt"
				fi
			done
		done
	done
	grep -E "dropped|events in|writer CPU" /tmp/kvmirq.err >>"$out/storm.txt" || true
	exit 0
fi

make -s all build/bench/hook_floor >/dev/null
make -s -C tests/vmm >/dev/null
out=$(mktemp -d /var/tmp/kvmirq-storm.XXXXXX)
trap 'rm -rf "$out"' EXIT
# Multi-threaded TCG, as on a real host: a tracer's reader runs on another
# CPU than the storm, instead of taking turns with it on one host thread.
tcg=(--tcg-multi)
[[ ${KVMIRQ_STORM_TCG_THREAD:-multi} == single ]] && tcg=()
tests/rig/x86/run-in-l1.sh "${tcg[@]}" --out "$out" --timeout 1800 -- "$here/storm-rig.sh" --inside "$out" >/dev/null
python3 "$here/storm_summary.py" "$out/storm.txt"
