/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Aggregation for `kvmirq top`: instead of a record per event, each program
 * adds one to a per-CPU counter keyed by VM, kind, vCPU and detail (a GSI,
 * a vector, an MSI message). The viewer reads the map once per refresh, so
 * its cost does not grow with the interrupt rate. `kvmirq exporter` uses the
 * same counters with a coarser, bounded key (aggregate_bounded).
 */
#ifndef KVMIRQ_AGGREGATE_BPF_H
#define KVMIRQ_AGGREGATE_BPF_H

#include "common.bpf.h"

const volatile bool aggregate = false;
/* With aggregate: KVM ioctls still go to the ring as records too (top's
 * checker, src/top/live_check.c); delivery stays counted only. */
const volatile bool aggregate_ioctl_records = false;
/* With aggregate: kvmirq exporter's bounded key (KVMIRQ_AGG_BOUNDED_*). */
const volatile bool aggregate_bounded = false;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC); /* entries per key seen, not 16384 x CPUs */
	__uint(max_entries, KVMIRQ_AGG_MAX_ENTRIES);
	__type(key, struct kvmirq_agg_key);
	__type(value, struct kvmirq_agg_value);
} agg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct kvmirq_vm_info);
} vm_info SEC(".maps");

/*
 * Count one event. VCPU >= 0 names the target vCPU (an accepted interrupt's
 * APIC id); otherwise the raising thread's vCPU is used. A full map counts
 * as a drop of that kind.
 */
static __always_inline int aggregate_event(__u32 kind, __s32 vcpu, __u64 detail, __u64 last)
{
	struct thread_state *st;
	struct kvmirq_agg_key key = { .kind = kind, .detail = detail };
	struct kvmirq_agg_value *v, zero = {};
	__s32 own_vcpu;
	__u32 flags; /* what a record's header would say: top does not count it */

	if (!event_wanted(kind, bpf_get_current_pid_tgid()))
		return 0;
	st = current_thread_state();
	if (!vm_wanted(st))
		return 0;
	key.vm = event_vm(st, &own_vcpu, &flags);
	key.vcpu = vcpu >= 0 ? vcpu : own_vcpu;
	if (aggregate_bounded) { /* KIND is a constant: this folds away */
		if (!((KVMIRQ_AGG_BOUNDED_DETAIL_KINDS >> kind) & 1))
			key.detail = 0;
		if (!((KVMIRQ_AGG_BOUNDED_VCPU_KINDS >> kind) & 1))
			key.vcpu = KVMIRQ_NO_VCPU;
	}
	v = bpf_map_lookup_elem(&agg, &key);
	if (!v) {
		bpf_map_update_elem(&agg, &key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&agg, &key);
		if (!v) {
			count_kind(kind, true);
			return 0;
		}
	}
	v->count++;
	v->last_ns = bpf_ktime_get_ns();
	v->last = last;
	return 0;
}

/* Remember who runs a VM and its debugfs name, the first time it is seen. */
static __always_inline void aggregate_note_vm(__u64 kvm)
{
	struct kvmirq_vm_info info = { .tgid = bpf_get_current_pid_tgid() >> 32 };
	struct dentry *d;

	if (!kvm || bpf_map_lookup_elem(&vm_info, &kvm))
		return;
	if (bpf_core_field_exists(((struct kvm *)0)->debugfs_dentry)) {
		d = (struct dentry *)KREAD((struct kvm *)kvm, debugfs_dentry);
		if (d)
			bpf_probe_read_kernel_str(info.name, sizeof(info.name),
						  (const void *)KREAD(d, d_name.name));
	}
	bpf_map_update_elem(&vm_info, &kvm, &info, BPF_NOEXIST);
}

#endif /* KVMIRQ_AGGREGATE_BPF_H */
