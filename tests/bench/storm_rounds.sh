#!/usr/bin/env bash
# The interrupt storm's rounds, wherever KVM is: the test VMM issues
# KVM_IRQ_LINE or KVM_SIGNAL_MSI as fast as it can, untraced and under each
# tracer in turn, alternating in one run, and appends one line per storm to
# OUT/storm.txt ("round=R kind=K mode=M rate=X [record_exit=E]"); a last
# round with BPF run-time statistics on appends "costs ..." lines (each
# program's ns per run). storm-rig.sh runs it inside the x86 rig's L1,
# storm-native.sh on this machine's /dev/kvm; storm_summary.py reads OUT.
#   storm_rounds.sh OUT      (run from the repository's root, as root)
# Environment: KVMIRQ_STORM_N (ioctls per storm), KVMIRQ_STORM_ROUNDS,
# KVMIRQ_STORM_MODES (the tracers, in order; "untraced" first).
set -euo pipefail
out=$1
N=${KVMIRQ_STORM_N:-200000}
ROUNDS=${KVMIRQ_STORM_ROUNDS:-2}
MODES=${KVMIRQ_STORM_MODES:-untraced floor ladder least batched kvmirq kvmirq-syscall kvmirq-delivery kvmirq-stat trace-cmd perf bpftrace}
TPS="kvm_set_irq kvm_msi_set_irq kvm_ioapic_set_irq kvm_pic_set_irq kvm_apic_accept_irq kvm_eoi
     kvm_pv_eoi kvm_ack_irq kvm_apic_ipi kvm_inj_virq kvm_ioapic_delayed_eoi_inj"
vmm=tests/vmm/build/testvmm
tracefs=/sys/kernel/tracing
instance=$tracefs/instances/kvmirq-storm
tc_events=() perf_events=() bt_probes=() beside=
for t in $TPS; do
	tc_events+=(-e "kvm:$t"); perf_events+=(-e "kvm:$t"); bt_probes+=("tracepoint:kvm:$t")
done
bt_script="$(IFS=,; echo "${bt_probes[*]}") { @[probe] = count(); }"
storm() { "$vmm" --storm "$N" --kind "$1" 2>/dev/null | grep -oE '[0-9.]+ ioctls/s' | cut -d' ' -f1; }
# wait_for FILE TEXT: until the tracer says it is ready (30 s at most)
wait_for() { for _ in $(seq 300); do grep -q "$2" "$1" 2>/dev/null && break; sleep 0.1; done; }
# start_tracer MODE: starts it in the background, sets $tracer, waits until it is ready
start_tracer() {
	case $1 in
	kvmirq) build/kvmirq record --force -o /tmp/storm.kvmirq 2>/tmp/kvmirq.err & tracer=$!
		wait_for /tmp/kvmirq.err "recording to" ;;
	kvmirq-syscall) # the other attach strategy: syscall tracepoints for the ioctls
		build/kvmirq record --force -s syscall -o /tmp/storm-s.kvmirq 2>/tmp/kvmirq-s.err & tracer=$!
		wait_for /tmp/kvmirq-s.err "recording to" ;;
	kvmirq-stat) # in-kernel counters only, like the bpftrace script
		build/kvmirq stat >/tmp/stat.out 2>/tmp/stat.err & tracer=$!
		wait_for /tmp/stat.err "counting" ;;
	kvmirq-delivery) # the same tracepoints as the other tools, without the ioctls
		build/kvmirq record --force -e delivery -o /tmp/storm-d.kvmirq 2>/tmp/kvmirq-d.err & tracer=$!
		wait_for /tmp/kvmirq-d.err "recording to" ;;
	floor | floor-syscall) # do-nothing programs on kvmirq's hooks: what hooking alone costs
		local strategy=fentry
		[[ $1 == floor-syscall ]] && strategy=syscall
		build/bench/hook_floor -s $strategy 2>/tmp/floor.err & tracer=$!
		wait_for /tmp/floor.err "programs attached" ;;
	ladder) # the floor on kvm_set_irq beside one program per stage of recording,
		# and kvmirq's own (record -e delivery) on the same events
		build/bench/hook_floor -s ladder 2>/tmp/floor.err & tracer=$!
		wait_for /tmp/floor.err "programs attached"
		build/kvmirq record --force -e delivery -o /tmp/storm-l.kvmirq 2>/tmp/kvmirq-l.err & beside=$!
		wait_for /tmp/kvmirq-l.err "recording to" ;;
	least | batched) # the least recorders on the delivery tracepoints alone
		build/bench/hook_floor -s $1 2>/tmp/floor.err & tracer=$!
		wait_for /tmp/floor.err "programs attached" ;;
	ftrace) # the kernel's own ring buffer, no reader: a tracefs instance
		tracer=
		mkdir "$instance"
		for t in $TPS; do
			[[ -e $instance/events/kvm/$t/enable ]] && echo 1 >"$instance/events/kvm/$t/enable"
		done ;;
	trace-cmd) trace-cmd record -q -o /tmp/trace.dat "${tc_events[@]}" >/tmp/tc.out 2>&1 & tracer=$!
		sleep 6 ;;
	perf) perf record -q -a --no-buildid -o /tmp/perf.data "${perf_events[@]}" >/tmp/perf.out 2>&1 & tracer=$!
		sleep 6 ;;
	bpftrace) bpftrace -e "$bt_script" >/tmp/bt.out 2>&1 & tracer=$!
		wait_for /tmp/bt.out "Attaching"
		sleep 2 ;;
	esac
}
# stop_tracer MODE PID: SIGINT, then SIGKILL if it has not exited within 60 s
stop_tracer() {
	stopped_rc=0
	if [[ $1 == ftrace ]]; then
		for t in $TPS; do
			[[ -e $instance/events/kvm/$t/enable ]] && echo 0 >"$instance/events/kvm/$t/enable"
		done
		rmdir "$instance"
		return
	fi
	if [[ -n $beside ]]; then
		kill -INT "$beside" 2>/dev/null || true
		wait "$beside" || true
		beside=
	fi
	kill -INT "$2" 2>/dev/null || true
	for _ in $(seq 600); do kill -0 "$2" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$2" 2>/dev/null; then
		echo "warning: $1 did not stop on SIGINT; killed" >>"$out/storm.txt"
		kill -KILL "$2"
	fi
	wait "$2" || stopped_rc=$?
}
# The modes whose programs' run-time statistics the last round reports.
bpf_mode() {
	[[ $1 == kvmirq* || $1 == bpftrace || $1 == floor* || $1 == ladder || $1 == least || $1 == batched ]]
}
# Rates with BPF run-time statistics off: they read the clock twice per
# program run, which would tax the BPF tools and not the others. The
# last round measures the per-program costs, with statistics on.
stats_before=$(sysctl -n kernel.bpf_stats_enabled)
trap 'sysctl -qw kernel.bpf_stats_enabled=$stats_before; [[ -d $instance ]] && rmdir "$instance"; true' EXIT
for round in $(seq $((ROUNDS + 1))); do
	stats=0
	((round > ROUNDS)) && stats=1
	sysctl -qw kernel.bpf_stats_enabled=$stats
	for kind in irq_line msi; do
		for mode in $MODES; do
			((stats)) && ! bpf_mode "$mode" && continue
			# the ladder's figures are its costs, on kvm_set_irq: an irq_line storm's
			[[ $mode == ladder ]] && { ((stats)) && [[ $kind == irq_line ]] || continue; }
			tracer= beside=
			[[ $mode == untraced ]] || start_tracer "$mode"
			if [[ -n $tracer ]] && ! kill -0 "$tracer" 2>/dev/null; then
				wait "$tracer" || true
				echo "warning: $mode exited before the storm (round $round, $kind); not measured" >>"$out/storm.txt"
				continue
			fi
			bpf=false
			((stats)) && bpf_mode "$mode" && bpf=true
			$bpf && bpftool -j prog show >/tmp/before.json
			rate=$(storm $kind)
			$bpf && bpftool -j prog show >/tmp/after.json
			extra=
			if [[ $mode != untraced ]]; then
				stop_tracer "$mode" "$tracer"
				[[ $mode == kvmirq* ]] && extra="record_exit=$stopped_rc"
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
grep -hE "dropped|events in|writer CPU" /tmp/kvmirq.err /tmp/kvmirq-d.err >>"$out/storm.txt" 2>/dev/null || true
