/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The event records that the BPF programs send to user space through the
 * ring buffer. This header is shared byte for byte by bpf/ and src/, so it
 * uses only fixed-width UAPI types and explicit padding.
 *
 * Bump KVMIRQ_SCHEMA_VERSION whenever a record changes shape.
 */
#ifndef KVMIRQ_EVENT_H
#define KVMIRQ_EVENT_H

#ifdef __KVMIRQ_BPF__
/* In BPF the kernel types come from bpf/vmlinux_min.h. */
#else
#include <linux/types.h>
#endif
#include "kvmirq/ioctls.h"

#define KVMIRQ_SCHEMA_VERSION 1

/* Every kind of record. Values are stored in trace files: never renumber. */
enum kvmirq_event_kind {
	KVMIRQ_EV_NONE = 0,

	/* Delivery tracepoints (x86 and generic). */
	KVMIRQ_EV_SET_IRQ = 1,		  /* kvm_set_irq */
	KVMIRQ_EV_MSI_SET_IRQ = 2,	  /* kvm_msi_set_irq */
	KVMIRQ_EV_IOAPIC_SET_IRQ = 3,	  /* kvm_ioapic_set_irq */
	KVMIRQ_EV_PIC_SET_IRQ = 4,	  /* kvm_pic_set_irq */
	KVMIRQ_EV_APIC_ACCEPT_IRQ = 5,	  /* kvm_apic_accept_irq */
	KVMIRQ_EV_EOI = 6,		  /* kvm_eoi */
	KVMIRQ_EV_PV_EOI = 7,		  /* kvm_pv_eoi */
	KVMIRQ_EV_ACK_IRQ = 8,		  /* kvm_ack_irq */
	KVMIRQ_EV_APIC_IPI = 9,		  /* kvm_apic_ipi */
	KVMIRQ_EV_INJ_VIRQ = 10,	  /* kvm_inj_virq */
	KVMIRQ_EV_IOAPIC_DELAYED_EOI = 11, /* kvm_ioapic_delayed_eoi_inj */
	/* arm64 */
	KVMIRQ_EV_ARM_IRQ_LINE = 12,	     /* kvm_irq_line */
	KVMIRQ_EV_VGIC_UPDATE_PENDING = 13, /* vgic_update_irq_pending */
	/* PowerPC BookE (e500) */
	KVMIRQ_EV_BOOKE_QUEUE_IRQPRIO = 14, /* kvm_booke_queue_irqprio */
	KVMIRQ_EV_MPIC_MMIO = 15,	     /* kprobes: kvm_mpic_read, kvm_mpic_write */
	/* Kinds 1-15 and 17 are delivery ("-e delivery"); 16 and from 32 on, the
	 * ioctl programs'. */
	KVMIRQ_EV_VCPUS_RUNNING = 16, /* a VM's threads inside KVM_RUN, when it matters */
	KVMIRQ_EV_ARM_TIMER_UPDATE = 17, /* kvm_timer_update_irq (arm64) */

	/* ioctl paths */
	KVMIRQ_EV_IOCTL = 32,	      /* one KVM ioctl, entry to exit */
	KVMIRQ_EV_IOCTL_PAYLOAD = 33, /* continuation of a large payload */

	KVMIRQ_EV_KIND_MAX = 34,
};

/* How the ioctl programs are attached (stored in every ioctl record). */
enum kvmirq_strategy {
	KVMIRQ_STRATEGY_NONE = 0,
	KVMIRQ_STRATEGY_FENTRY = 1,  /* fentry/fexit on kvm_*_ioctl */
	KVMIRQ_STRATEGY_SYSCALL = 2, /* syscalls:sys_{enter,exit}_ioctl + fd walk */
	KVMIRQ_STRATEGY_KPROBE = 3,  /* kprobe/kretprobe on kvm_*_ioctl */
};

#define KVMIRQ_NO_VCPU (-1)
#define KVMIRQ_VM_NAME_LEN 24 /* a VM's debugfs name: "PID-FD" */
#define KVMIRQ_DEVICE_NAME_LEN 24

/* Header flags */
#define KVMIRQ_F_UNATTRIBUTED (1u << 0) /* VM unknown: raised outside any VM context */
#define KVMIRQ_F_PAYLOAD_TRUNCATED (1u << 1)
#define KVMIRQ_F_PAYLOAD_FAULT (1u << 2) /* the user buffer could not be read */
#define KVMIRQ_F_KERNEL_THREAD (1u << 3) /* raised by a kernel thread */

struct kvmirq_event_header {
	__u64 timestamp_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 vm;	    /* kernel address of struct kvm; 0 = unattributed */
	__u32 pid;	    /* thread group id of the raising task */
	__u32 tid;
	__s32 vcpu_id; /* KVMIRQ_NO_VCPU when not known */
	__u16 kind;    /* enum kvmirq_event_kind */
	__u16 size;    /* whole record, header included */
	__u32 cpu;
	__u32 flags; /* KVMIRQ_F_* */
};

/* Delivery records: one struct per tracepoint, raw values, decoded later. */
struct kvmirq_ev_set_irq {
	__u32 gsi;
	__s32 level;
	__s32 irq_source_id;
	__u32 pad;
};

struct kvmirq_ev_msi_set_irq {
	__u64 address;
	__u64 data;
};

struct kvmirq_ev_ioapic_set_irq {
	__u64 entry; /* the redirection entry as the kernel saw it */
	__u32 pin;
	__u32 coalesced;
};

struct kvmirq_ev_pic_set_irq {
	__u8 chip;
	__u8 pin;
	__u8 elcr;
	__u8 imr;
	__u8 coalesced;
	__u8 pad[3];
};

struct kvmirq_ev_apic_accept_irq {
	__u32 apicid; /* = vcpu_id in the kernel's tracepoint */
	__u16 delivery_mode;
	__u16 trig_mode;
	__u32 vector;
	__u32 pad;
};

struct kvmirq_ev_eoi { /* kvm_eoi and kvm_pv_eoi */
	__u32 apicid;
	__u32 vector;
};

struct kvmirq_ev_ack_irq {
	__u32 irqchip;
	__u32 pin;
};

struct kvmirq_ev_apic_ipi {
	__u32 icr_low;
	__u32 dest_id;
};

struct kvmirq_ev_inj_virq {
	__u32 vector;
	__u8 soft;	 /* valid when has_soft_reinjected */
	__u8 reinjected;
	__u8 has_soft_reinjected; /* the kernel's prototype has them (5.19+) */
	__u8 pad;
};

struct kvmirq_ev_ioapic_delayed_eoi {
	__u64 entry;
};

struct kvmirq_ev_arm_irq_line {
	__u32 type;
	__s32 vcpu_idx;
	__s32 irq_num;
	__s32 level;
};

struct kvmirq_ev_vgic_update_pending {
	__u64 vcpu_id;
	__u32 irq;
	__u32 level;
};

/* An arm64 vCPU's timer output changed: its PPI (27 virtual, 30 physical)
 * goes to the VGIC at that level. */
struct kvmirq_ev_arm_timer_update {
	__u64 vcpu_id;
	__u32 irq;
	__s32 level;
};

/*
 * An exception queued for a BookE vCPU: an MPIC output raised to a vCPU
 * queues EXTERNAL_LEVEL (20), KVM_INTERRUPT EXTERNAL (16); the other
 * priorities are the guest's own exceptions (arch/powerpc/kvm/booke.h).
 */
struct kvmirq_ev_booke_queue_irqprio {
	__u32 vcpu_id;
	__u32 priority;
	__u64 pending; /* the vCPU's pending exceptions before this one: bit per priority */
};

/*
 * A guest's own access to an in-kernel MPIC's registers (kvm_mpic_read or
 * kvm_mpic_write, the MPIC's MMIO handlers: no tracepoint, so kprobes).
 * OFFSET is from the MPIC's base as the kernel computes it, which is the
 * register's KVM_DEV_MPIC_GRP_REGISTER attr (0x200a0: CPU 0's IACK). The
 * VM and the vCPU thread are the header's (the vCPU is inside KVM_RUN).
 */
struct kvmirq_ev_mpic_mmio {
	__u32 offset;
	__u32 value;	/* written; or read, as the handler stored it */
	__s32 vcpu_id;	/* the accessing vCPU (the handler's argument) */
	__s16 result;	/* the handler's return: 0 or a negative errno */
	__u8 len;	/* bytes: 4, or 1 for a byte read */
	__u8 write;	/* 1: a write, 0: a read */
};

/*
 * How many threads of the header's VM are inside KVM_RUN, counted from the
 * KVM_RUNs that began while kvmirq was attached, said where kvmirq check
 * needs it (the KVM_RUNs themselves, one per exit to user space, are not
 * recorded):
 *  - FIRST_RUN: a thread's first KVM_RUN on a vCPU (the header's), at its
 *    entry; THREADS includes it;
 *  - STATE_IOCTL: a controller-state ioctl (KVM_{GET,SET}_IRQCHIP, _LAPIC,
 *    _DEVICE_ATTR) began while THREADS other threads were inside KVM_RUN;
 *    it rides with that ioctl's record, just before it. Never said for 0.
 */
enum kvmirq_running_cause {
	KVMIRQ_RUNNING_FIRST_RUN = 1,
	KVMIRQ_RUNNING_STATE_IOCTL = 2,
};

struct kvmirq_ev_vcpus_running {
	__u32 threads;
	__u32 cause; /* enum kvmirq_running_cause */
};

/*
 * Payload limits. A record carries at most KVMIRQ_PAYLOAD_MAX bytes; longer
 * inputs (a routing table of many entries) continue in IOCTL_PAYLOAD records
 * that follow on the same CPU.
 */
#define KVMIRQ_PAYLOAD_MAX 2048
#define KVMIRQ_PAYLOAD_TOTAL_MAX /* kvm_irq_routing, full */                       \
	(KVMIRQ_SIZEOF_IRQ_ROUTING + KVMIRQ_MAX_IRQ_ROUTES * KVMIRQ_SIZEOF_IRQ_ROUTING_ENTRY)

struct kvmirq_ev_ioctl {
	__u32 cmd;	/* raw ioctl number as the VMM passed it */
	__s32 fd;
	__u8 ioctl_id;	/* enum kvmirq_ioctl_id */
	__u8 fd_kind;	/* enum kvmirq_fd_kind */
	__u8 strategy;	/* enum kvmirq_strategy */
	__u8 slot_count; /* ring only: delivery slots after this record */
	__u32 in_total; /* input payload size the ioctl defines */
	__s64 ret;	/* return value: negative errno on failure */
	__u64 arg;	/* the user pointer or value */
	__u64 object;	/* kernel address of the vCPU or device (identity) */
	__u64 duration_ns;
	/* device fds and KVM_CREATE_DEVICE: the device's ops->name;
	 * KVM_CREATE_VM: the VMM's comm */
	char device_name[KVMIRQ_DEVICE_NAME_LEN];
	__u16 in_len;			  /* input bytes in this record */
	__u16 out_len;			  /* output bytes in this record, after input */
	__u32 pad1;
	__u8 payload[]; /* in_len input bytes, then out_len output bytes */
};

struct kvmirq_ev_ioctl_payload {
	__u32 offset; /* into the input payload */
	__u16 len;
	__u16 pad;
	__u8 bytes[];
};

/*
 * A ring record of kind IOCTL may be followed, within the same ring record,
 * by the delivery events the ioctl raised, each in a slot of this size (the
 * event's own size, at most this, is in its header), from the first 8-byte
 * boundary after the ioctl record; the record's slot_count says how many.
 * The events happened before the ioctl returned: user space hands them on
 * first.
 */
#define KVMIRQ_SLOT_SIZE 56
#define KVMIRQ_MAX_SLOTS 8

/*
 * A ring record of this kind carries only slots: the delivery events of an
 * ioctl whose own record is not wanted (`-e delivery`, or an ioctl left out
 * by `-e ioctl:NAME`), so that they cost one ring reservation together, not
 * one each. Its header says only the kind and its size; slot_count slots
 * follow the carrier at the next 8-byte boundary. User space hands the
 * events on and drops the carrier: it is never stored, and is no event kind.
 */
#define KVMIRQ_RING_CARRIER 0xffff

struct kvmirq_ring_carrier {
	__u32 slot_count;
	__u32 pad;
};

/* The largest record the ring buffer carries. */
#define KVMIRQ_RECORD_MAX                                                        \
	(sizeof(struct kvmirq_event_header) + sizeof(struct kvmirq_ev_ioctl) +   \
	 KVMIRQ_PAYLOAD_MAX)
#define KVMIRQ_RING_RECORD_MAX (KVMIRQ_RECORD_MAX + KVMIRQ_MAX_SLOTS * KVMIRQ_SLOT_SIZE)

/* In-kernel counters, per CPU, indexed by enum kvmirq_event_kind. */
struct kvmirq_kind_counters {
	__u64 seen;	/* counting programs only: the recording ones leave it 0 */
	__u64 dropped;	/* the ring buffer was full */
};

/*
 * kvmirq top: counters aggregated in the kernel, one entry per VM, event
 * kind, vCPU and detail, so rates need no record per event.
 * detail by kind: SET_IRQ gsi; MSI_SET_IRQ address_lo << 32 | data (last:
 * address_hi); IOAPIC_SET_IRQ pin (last: the entry); PIC_SET_IRQ chip << 8 |
 * pin (last: imr << 8 | elcr); APIC_ACCEPT_IRQ, EOI, PV_EOI, INJ_VIRQ vector
 * (vcpu: the target vCPU); ACK_IRQ irqchip << 16 | pin; APIC_IPI dest_id
 * (last: icr_low); MPIC_MMIO write << 32 | offset (last: the value); IOCTL
 * ioctl_id | KVMIRQ_AGG_IOCTL_FAILED when it failed; ARM_IRQ_LINE type << 32
 * | number (vcpu: the vCPU index).
 * SET_IRQ's and ARM_IRQ_LINE's last is the level.
 */
#define KVMIRQ_AGG_MAX_ENTRIES 16384
#define KVMIRQ_AGG_IOCTL_FAILED 0x100

/*
 * kvmirq exporter: the same counters with a bounded key. Each kind keeps the
 * detail only where it is a GSI or an ioctl (with its failure), the vCPU only
 * where the event is aimed at one vCPU; every other kind counts per VM and
 * kind alone. So entries grow with VMs, GSIs and vCPUs, never with vectors
 * or MSI messages.
 */
#define KVMIRQ_AGG_BOUNDED_DETAIL_KINDS (1ULL << KVMIRQ_EV_SET_IRQ | 1ULL << KVMIRQ_EV_IOCTL)
#define KVMIRQ_AGG_BOUNDED_VCPU_KINDS                                                       \
	(1ULL << KVMIRQ_EV_APIC_ACCEPT_IRQ | 1ULL << KVMIRQ_EV_EOI | 1ULL << KVMIRQ_EV_PV_EOI | \
	 1ULL << KVMIRQ_EV_INJ_VIRQ | 1ULL << KVMIRQ_EV_VGIC_UPDATE_PENDING |                  \
	 1ULL << KVMIRQ_EV_ARM_TIMER_UPDATE | 1ULL << KVMIRQ_EV_BOOKE_QUEUE_IRQPRIO)

struct kvmirq_agg_key {
	__u64 vm; /* kernel address of struct kvm; 0 unattributed */
	__u64 detail;
	__u16 kind;
	__u16 pad;
	__s32 vcpu; /* KVMIRQ_NO_VCPU when none */
};

struct kvmirq_agg_value {
	__u64 count;
	__u64 last_ns;
	__u64 last;
};

/* Per VM seen in a KVM ioctl: who runs it and what KVM calls it. */
struct kvmirq_vm_info {
	__u32 tgid;
	__u32 pad;
	char name[KVMIRQ_VM_NAME_LEN]; /* debugfs: "PID-FD" */
};

#endif /* KVMIRQ_EVENT_H */
