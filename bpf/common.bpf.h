/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Maps, filters and helpers shared by every kvmirq BPF program: the ring
 * buffer, the per-kind counters, the per-thread VM context used to attribute
 * events, and the record header.
 */
#ifndef KVMIRQ_COMMON_BPF_H
#define KVMIRQ_COMMON_BPF_H

#define __KVMIRQ_BPF__
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "kvmirq/event.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * The first statement of every program and callback that can load on a
 * 32-bit PowerPC kernel. Linux 6.1's ppc32 JIT sizes a program in a first
 * pass that counts BPF r5 as used only from where it first appears, so a
 * helper call before that point is sized without the two stores that save
 * r5, which the later passes do emit: the program outgrows its image, and
 * when the image ends at a page boundary the kernel oopses in
 * bpf_jit_emit_common_epilogue. Writing r5 first gives every pass the same
 * size. One instruction on other JITs; r5 is scratch at entry.
 */
#define JIT_SIZE_STABLE() asm volatile("r5 = 0" ::: "r5")

/* Filters, set by user space between open and load. */
const volatile __u32 filter_tgid = 0;		  /* 0: every process */
const volatile __u64 filter_kinds = ~0ULL;	  /* bit per enum kvmirq_event_kind */
const volatile __u64 filter_ioctl_kinds = ~0ULL; /* bit per enum kvmirq_ioctl_id */
/* kvmirq stat: count events per kind in per-CPU counters, record nothing. */
const volatile bool count_only = false;
/* One VM only: its debugfs name, "PID-FD" (the VMM's pid and the VM's fd). */
const volatile bool filter_vm = false;
const volatile char filter_vm_name[KVMIRQ_VM_NAME_LEN] = {};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* resized by user space */
} events SEC(".maps");

/* Per-CPU counters by kind: cheap, and they let user space prove no loss. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KVMIRQ_EV_KIND_MAX);
	__type(key, __u32);
	__type(value, struct kvmirq_kind_counters);
} kind_counters SEC(".maps");

#define IN_INLINE_MAX 16 /* the few ioctl input bytes saved at entry */
/*
 * Delivery events raised inside a recorded ioctl (KVM_IRQ_LINE's kvm_set_irq,
 * kvm_ioapic_set_irq, ...) wait in the thread's state and travel in the
 * ioctl's own ring record: one ring reservation for the whole chain.
 */
#define PENDING_SLOTS KVMIRQ_MAX_SLOTS

/*
 * Per thread: which VM it works for right now, and the ioctl it is inside.
 * The VM context is valid while the thread is inside a KVM ioctl (KVM_RUN
 * included, which makes vCPU threads attributable); events raised outside
 * any context are marked unattributed rather than guessed. One entry per
 * thread, written in place and never deleted on the hot path: under
 * emulation every map update and delete is expensive. An LRU map retires
 * the entries of threads that are gone.
 */
struct thread_state {
	/* the VM context */
	__u64 kvm;
	__u64 object;	/* the vCPU or device whose ioctl runs */
	__s32 vcpu_id;
	__u8 in_ioctl;	/* the fields below describe an ioctl in flight */
	__u8 ioctl_id;
	__u8 fd_kind;
	__u8 strategy;
	__u8 vm_selected; /* kvm passes the VM filter */
	/*
	 * Set by the injection hooks (fentry on irqfd_inject, irqfd_shutdown,
	 * pit_do_work and kvm_arch_set_irq_inatomic: attribution.bpf.h): the
	 * VM an injection works for, which a kernel thread or an interrupted
	 * task does not otherwise tell.
	 */
	__u8 inject_depth;
	__u8 inject_vm_selected;
	__u8 kernel_thread; /* set by the injection hooks: a task's flags never change */
	__u8 in_run;	    /* inside a KVM_RUN counted in vm_running */
	__u8 pad1[3];
	__u64 run_vcpu;	    /* the vCPU whose first KVM_RUN this thread announced last */
	__u64 inject_kvm;
	__u64 inject_saved_kvm[2]; /* outer injections, for nesting (irq on kworker) */
	__u8 coalesce;		   /* enum coalesce: who carries this ioctl's events */
	__u8 pending_count;
	__u8 pad2[6];
	__u8 pending[PENDING_SLOTS * KVMIRQ_SLOT_SIZE];
	/* the ioctl in flight */
	__u64 start_ns;
	__u64 arg;
	__u32 cmd;
	__s32 fd;
	__u16 in_len;
	__u8 flags;	/* KVMIRQ_F_PAYLOAD_* found at entry */
	__u8 pad;
	__u32 in_total;
	char device_name[KVMIRQ_DEVICE_NAME_LEN];
	__u8 in[IN_INLINE_MAX];
};

/*
 * The delivery events an ioctl raises wait in its thread's slots and ride
 * in one ring record at its exit: its own record, or, when that is not
 * wanted, a carrier (include/kvmirq/event.h) that holds nothing else.
 */
enum coalesce {
	COALESCE_NONE = 0,	/* each event reserves its own ring record */
	COALESCE_IOCTL = 1,	/* in the ioctl's record */
	COALESCE_CARRIER = 2,	/* in a carrier */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct thread_state);
} threads SEC(".maps");

/*
 * Bound a value for the verifier with an AND the compiler cannot drop (it
 * often proves the bound itself and removes a plain mask).
 */
#define VERIFIER_MASK(v, mask) asm volatile("%[x] &= %[m]" : [x] "+r"(v) : [m] "i"(mask))

/*
 * Wake the reader each time the ring's backlog crosses a multiple of
 * wakeup_bytes (a power of two), not on every record: a wakeup (an
 * irq_work, often an IPI) costs more than the event itself, and waking on
 * every record once past the mark cost several microseconds per record
 * under emulation whenever the reader fell behind. The reader also drains
 * the ring on a short timer, so nothing waits for long. BACKLOG_AFTER: the
 * unread bytes once this record is in the ring, ADDED: its size.
 */
const volatile __u64 wakeup_bytes = 1 << 20; /* set from the ring size */

static __always_inline __u64 wakeup_flags(__u64 backlog_after, __u64 added)
{
	__u64 mask = ~(wakeup_bytes - 1);

	return backlog_after >= wakeup_bytes &&
			       (backlog_after & mask) != ((backlog_after - added) & mask)
		       ? BPF_RB_FORCE_WAKEUP
		       : BPF_RB_NO_WAKEUP;
}

/* For a record already reserved: the backlog counts it. */
static __always_inline __u64 submit_flags(__u64 size)
{
	return wakeup_flags(bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA), size);
}

/* For bpf_ringbuf_output(): the record is not in the ring yet. */
static __always_inline __u64 output_flags(__u64 size)
{
	return wakeup_flags(bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) + size, size);
}

static __always_inline bool kind_enabled(__u32 kind)
{
	return kind < 64 && (filter_kinds & (1ULL << kind));
}

static __always_inline void count_kind(__u32 kind, bool dropped)
{
	struct kvmirq_kind_counters *c = bpf_map_lookup_elem(&kind_counters, &kind);

	if (!c)
		return;
	if (dropped)
		c->dropped++;
	else
		c->seen++;
}

/* Is this task one we were asked to trace? */
static __always_inline bool tgid_selected(__u32 tgid)
{
	return filter_tgid == 0 || filter_tgid == tgid;
}

/*
 * A kernel pointer or long, at the running kernel's size: 4 bytes on a
 * 32-bit kernel (ppc32), where BPF's 8-byte pointers would read two fields
 * at once and, big-endian, the wrong half. SIGNED widens a 4-byte value as
 * the long it is. (BPF_CORE_READ relocates a field's offset, not its size.)
 */
static __always_inline __u64 read_long(const void *at, __u32 size, bool is_signed)
{
	__u64 v = 0;

	if (size == 4) {
		__u32 w = 0;

		bpf_probe_read_kernel(&w, 4, at);
		return is_signed ? (__u64)(__s64)(__s32)w : w;
	}
	bpf_probe_read_kernel(&v, 8, at);
	return v;
}

/* SRC->FIELD, a pointer or unsigned long of a kernel struct, at its size. */
#define KREAD(src, field)                                                                 \
	read_long((const void *)(src) + bpf_core_field_offset((src)->field),              \
		  bpf_core_field_size((src)->field), false)

/*
 * The VM an event of the current thread (state ST, or NULL) is for: the VM
 * of the injection it is inside, else of the KVM ioctl it is inside; 0 when
 * neither (the event is unattributed). Also its vCPU, and the header flags
 * that say how the VM was found. Record headers and kvmirq top's counters
 * both use it.
 */
static __always_inline __u64 event_vm(const struct thread_state *st, __s32 *vcpu_id,
				      __u32 *flags)
{
	if (st && st->inject_depth && st->inject_kvm) {
		*vcpu_id = st->in_ioctl && st->kvm == st->inject_kvm ? st->vcpu_id : KVMIRQ_NO_VCPU;
		*flags = st->kernel_thread ? KVMIRQ_F_KERNEL_THREAD : 0;
		return st->inject_kvm;
	}
	if (st && st->in_ioctl && st->kvm) {
		*vcpu_id = st->vcpu_id;
		*flags = 0;
		return st->kvm;
	}
	*vcpu_id = KVMIRQ_NO_VCPU;
	*flags = KVMIRQ_F_UNATTRIBUTED;
	return 0;
}

/*
 * The header of a record raised by the current thread, whose state is ST (or
 * NULL), at time NOW (bpf_ktime_get_ns(): one reading serves every record of
 * a program run that stands for the same instant).
 */
static __always_inline void fill_header_state(struct kvmirq_event_header *h, __u32 kind,
					      __u32 size, __u64 pid_tgid,
					      const struct thread_state *st, __u64 now)
{
	h->timestamp_ns = now;
	h->pid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
	h->kind = kind;
	h->size = size;
	h->cpu = bpf_get_smp_processor_id();
	h->vm = event_vm(st, &h->vcpu_id, &h->flags);
	/* Only worth the read when the VM is unknown: says why it is. */
	if (!h->vm && (bpf_get_current_task_btf()->flags & PF_KTHREAD))
		h->flags |= KVMIRQ_F_KERNEL_THREAD;
}

/* Does the --vm filter let this thread's events through? */
static __always_inline bool vm_wanted(const struct thread_state *st)
{
	if (!filter_vm)
		return true;
	if (st && st->inject_depth)
		return st->inject_vm_selected;
	return st && st->in_ioctl && st->vm_selected;
}

/*
 * The current thread's state, or NULL when it never entered a KVM ioctl. A
 * thread that no BPF program gave local storage to, as most of the host's
 * threads, has none of ours either: one load instead of the helper call,
 * on every other ioctl's exit.
 */
static __always_inline struct thread_state *current_thread_state(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (bpf_core_field_exists(task->bpf_storage) && !task->bpf_storage)
		return NULL;
	return bpf_task_storage_get(&threads, task, 0, 0);
}

/* Filters common to every record: kind and process. */
static __always_inline bool event_wanted(__u32 kind, __u64 pid_tgid)
{
	return kind_enabled(kind) && tgid_selected(pid_tgid >> 32);
}

/*
 * Reserve, fill and submit a fixed-size delivery record: the header, then
 * BODY (a struct value), at time NOW. Only drops are counted: every record
 * submitted reaches user space, which counts those itself, and under
 * emulation even a per-CPU increment per event shows. A macro: the ring
 * needs a constant size.
 */
#define EMIT_FIXED_AT(KIND, BODY, NOW)                                           \
	({                                                                       \
		struct {                                                         \
			struct kvmirq_event_header h;                            \
			typeof(BODY) b;                                          \
		} *rec_;                                                         \
		__u64 pid_tgid_ = bpf_get_current_pid_tgid();                   \
		struct thread_state *st_;                                        \
		_Static_assert(sizeof(*rec_) <= KVMIRQ_SLOT_SIZE, "slot size");  \
		if (count_only) {                                                \
			if (event_wanted(KIND, pid_tgid_))                       \
				count_kind(KIND, false);                         \
		} else if (event_wanted(KIND, pid_tgid_) &&                      \
		    vm_wanted(st_ = current_thread_state())) {                   \
			if (st_ && st_->in_ioctl && st_->coalesce &&             \
			    st_->pending_count < PENDING_SLOTS) {                \
				/* rides with the ioctl's record */              \
				rec_ = (void *)&st_->pending[(st_->pending_count & \
					(PENDING_SLOTS - 1)) * KVMIRQ_SLOT_SIZE]; \
				fill_header_state(&rec_->h, KIND, sizeof(*rec_), \
						  pid_tgid_, st_, (NOW));       \
				rec_->b = (BODY);                                \
				st_->pending_count++;                            \
			} else if ((rec_ = bpf_ringbuf_reserve(&events, sizeof(*rec_), 0))) { \
				fill_header_state(&rec_->h, KIND, sizeof(*rec_), \
						  pid_tgid_, st_, (NOW));       \
				rec_->b = (BODY);                                \
				bpf_ringbuf_submit(rec_, submit_flags(sizeof(*rec_))); \
			} else {                                                 \
				count_kind(KIND, true);                          \
			}                                                        \
		}                                                                \
		0;                                                               \
	})

/* The same, stamped now. */
#define EMIT_FIXED(KIND, BODY) EMIT_FIXED_AT(KIND, BODY, bpf_ktime_get_ns())

#endif /* KVMIRQ_COMMON_BPF_H */
