/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The MPIC test VMM's (mpicvmm.c) helpers, shared with its guest run
 * (mpicvmm_guest.c).
 */
#ifndef KVMIRQ_TEST_MPICVMM_H
#define KVMIRQ_TEST_MPICVMM_H

#include <linux/kvm.h>
#include <stdint.h>

#define NR_PINS 256 /* GSI i -> MPIC pin i, for every i below */

/* The MPIC version KVM emulates (--type 20|42), and what differs between
 * them (arch/powerpc/kvm/mpic.c, mpic_create). */
struct mpic_kind {
	uint32_t device_type; /* KVM_DEV_TYPE_FSL_MPIC_20 or _42 */
	unsigned number;      /* 20 or 42, as --type and the JSON name it */
	const char *name;
	uint32_t brr1, frr; /* FRR with one CPU connected */
	uint32_t gcr;	    /* the GCR mode this version stores, programmed */
};

/* One VM with an MPIC of kind mpic_kind and vCPU 0 connected to it as MPIC CPU 0. */
struct vm {
	int fd, vcpu, mpic;
	char name[32];
};

extern int kvm_fd; /* /dev/kvm */
extern const struct mpic_kind *mpic_kind; /* --type */
extern int status; /* the VMM's exit status: 1 once a check failed */
/* --break RULE: the kvmirq check rule this run breaks on purpose, or NULL */
extern const char *break_rule;

/* Print "mpicvmm: ...", KVMIRQ-DONE 1, and exit (power off as PID 1). */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

void create_vm(struct vm *v);
/* GSI routing: the NR_PINS pins, then EXTRA. */
void route_gsis(const struct vm *v, const struct kvm_irq_routing_entry *extra, unsigned nr_extra);
void mpic_set_attr(const struct vm *v, uint32_t group, uint64_t attr, uint64_t value);
uint32_t reg_get(const struct vm *v, uint64_t off);
void irq_line(const struct vm *v, unsigned gsi, unsigned level);

/* mpicvmm --guest (mpicvmm_guest.c): returns when the guest is done;
 * LOOP_SECONDS > 0: --guest-loop. */
void guest_run(unsigned loop_seconds);

#endif
