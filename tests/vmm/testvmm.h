/* SPDX-License-Identifier: GPL-2.0 */
/*
 * testvmm: shared declarations between the generic part (testvmm.c) and the
 * architecture part (testvmm_<arch>.c). See testvmm.c for the log format.
 */
#ifndef TESTVMM_H
#define TESTVMM_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kernel_expect.h"

enum fd_kind { FD_SYSTEM, FD_VM, FD_VCPU, FD_DEVICE };

/* What one ioctl must return for the run to pass. */
enum expect_kind {
	EXPECT_RET,   /* ret == value */
	EXPECT_FD,    /* ret >= 0: a new file descriptor */
	EXPECT_ERRNO, /* ret == -1 && errno == value */
	EXPECT_NONNEG /* ret >= 0, any value (e.g. a host-dependent count) */
};
struct expect {
	enum expect_kind kind;
	long value;
	const struct kernel_row *kernel; /* the row of kernel_expect.c it came from, if any */
};
#define RETURNS(v) ((struct expect){ .kind = EXPECT_RET, .value = (v) })
#define SUCCEEDS RETURNS(0)
#define NEW_FD ((struct expect){ .kind = EXPECT_FD })
#define FAILS(e) ((struct expect){ .kind = EXPECT_ERRNO, .value = (e) })
#define NONNEG ((struct expect){ .kind = EXPECT_NONNEG })
/* What this kernel returns for CHECK, from kernel_expect.c's table. */
struct expect kernel_returns(const char *check);

/* Where a device-attribute value travels (the bytes at attr.addr). */
enum value_dir { VALUE_NONE, VALUE_IN, VALUE_OUT };

/*
 * One ioctl as the kernel sees it. buf is the pointer argument (NULL: the
 * integer argument arg is passed instead); in_len bytes of it are read by
 * the kernel, out_len bytes written back. value/value_len describe the
 * memory a kvm_device_attr's addr points at.
 */
struct kcall {
	enum fd_kind kind;
	int fd;
	const char *name;
	unsigned long cmd;
	unsigned long arg;
	void *buf;
	size_t in_len;
	size_t out_len;
	void *value;
	size_t value_len;
	enum value_dir value_dir;
	struct expect expect;
	const char *note;
};
/* .name and .cmd from one ioctl macro: KC(KVM_IRQ_LINE). */
#define KC(ioctl_macro) .name = #ioctl_macro, .cmd = (ioctl_macro)

struct vmm {
	int sys_fd, vm_fd, vcpu_fd;
	int dev_fd;        /* the device FD_DEVICE calls go to (last created) */
	FILE *log;         /* JSON lines, or NULL */
	unsigned seq;      /* ioctls performed so far */
	unsigned mismatches;
	bool verbose;
};

/* Perform, log and check one ioctl. Returns the ioctl's return value. */
long vmm_call(struct vmm *v, const struct kcall *c);
/* Record a mismatch found by a caller's own check of the last call. */
void vmm_mismatch(struct vmm *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int vmm_fd(const struct vmm *v, enum fd_kind kind);

/* Generic steps (testvmm.c), shared by every architecture. */
struct line_case {
	__u32 gsi, level;
	int status;   /* expected kvm_irq_level.status (KVM_IRQ_LINE_STATUS) */
	const char *note;
};
void step_irq_lines(struct vmm *v, const struct line_case *cases, size_t n);
void step_irq_line_status(struct vmm *v, const struct line_case *cases, size_t n);

struct msi_case {
	struct kvm_msi msi;
	struct expect expect;
	const char *note;
};
void step_signal_msi(struct vmm *v, const struct msi_case *cases, size_t n);

/* One KVM_IRQFD; an eventfd for it (the VMM exits when none is left). */
long step_irqfd_one(struct vmm *v, int efd, __u32 gsi, __u32 flags, int resamplefd,
		    struct expect expect, const char *note);
int vmm_new_eventfd(void);
/* irqfd: plain assign on edge_gsi, resample assign on level_gsi, errors. */
void step_irqfd(struct vmm *v, __u32 edge_gsi, __u32 level_gsi);

/* KVM_SET_GSI_ROUTING with an arbitrary header flags word. */
long step_gsi_routing(struct vmm *v, const struct kvm_irq_routing_entry *e,
		      __u32 nr, __u32 flags, struct expect expect, const char *note);

/* KVM_CREATE_DEVICE on the VM fd; returns the new fd (-1: failed, or TEST). */
int step_create_device(struct vmm *v, __u32 type, __u32 flags, struct expect expect,
		       const char *note);

/* The KVM-VFIO pseudo device: create (real, TEST, errors) and its attrs. */
void step_vfio_device(struct vmm *v);

struct attr_case {
	enum fd_kind kind;
	const char *name;
	unsigned long cmd;  /* KVM_{HAS,GET,SET}_DEVICE_ATTR */
	__u32 group;
	__u64 attr;
	__u64 value;        /* SET: the value written; GET: expected, if check */
	size_t value_len;   /* bytes at addr (0 for HAS) */
	bool check_value;   /* GET: compare the value read with .value */
	struct expect expect;
	const char *note;
	__u64 below;        /* GET check: also accept .value - below ... .value */
	/* GET check: the row that says what this kernel reads back (value, or the SET's) */
	const struct kernel_row *kernel;
};
void step_device_attrs(struct vmm *v, const struct attr_case *cases, size_t n);
/* attr_case initialisers: HAS (addr 0), GET of a u64 / u32, SET of a u32 / u64. */
#define ATTR_HAS(kind, g, a, exp, note) \
	{ kind, "KVM_HAS_DEVICE_ATTR", KVM_HAS_DEVICE_ATTR, g, a, 0, 0, false, exp, note, 0, NULL }
#define ATTR_GET64(kind, g, a, exp, note) \
	{ kind, "KVM_GET_DEVICE_ATTR", KVM_GET_DEVICE_ATTR, g, a, 0, 8, false, exp, note, 0, NULL }
#define ATTR_GET64_IS(kind, g, a, val, note) \
	{ kind, "KVM_GET_DEVICE_ATTR", KVM_GET_DEVICE_ATTR, g, a, val, 8, true, SUCCEEDS, note, 0, NULL }
#define ATTR_GET64_NEAR(kind, g, a, val, below_, note) \
	{ kind, "KVM_GET_DEVICE_ATTR", KVM_GET_DEVICE_ATTR, g, a, val, 8, true, SUCCEEDS, note, below_, NULL }
/* GET of a u64 that this kernel reads back as kernel_expect.c's row CHECK says. */
#define ATTR_GET64_KERNEL(kind_, g, a, written, below_, check, note_)                       \
	{ .kind = kind_, .name = "KVM_GET_DEVICE_ATTR", .cmd = KVM_GET_DEVICE_ATTR, .group = g, \
	  .attr = a, .value = written, .value_len = 8, .check_value = true, .expect = SUCCEEDS,  \
	  .note = note_, .below = below_, .kernel = kernel_expect(check, arch_name) }
#define ATTR_GET32(kind, g, a, exp, note) \
	{ kind, "KVM_GET_DEVICE_ATTR", KVM_GET_DEVICE_ATTR, g, a, 0, 4, false, exp, note, 0, NULL }
#define ATTR_GET32_IS(kind, g, a, val, note) \
	{ kind, "KVM_GET_DEVICE_ATTR", KVM_GET_DEVICE_ATTR, g, a, (__u32)(val), 4, true, SUCCEEDS, note, 0, NULL }
#define ATTR_SET32(kind, g, a, val, exp, note) \
	{ kind, "KVM_SET_DEVICE_ATTR", KVM_SET_DEVICE_ATTR, g, a, (__u32)(val), 4, false, exp, note, 0, NULL }
#define ATTR_SET64(kind, g, a, val, exp, note) \
	{ kind, "KVM_SET_DEVICE_ATTR", KVM_SET_DEVICE_ATTR, g, a, val, 8, false, exp, note, 0, NULL }

long step_check_extension(struct vmm *v, enum fd_kind kind, long cap,
			  const char *cap_name, struct expect expect);

/* Architecture part (testvmm_<arch>.c). */
extern const char arch_name[];
/* The whole scripted sequence, from KVM_CREATE_VM on. */
void arch_sequence(struct vmm *v);
/* A VM with an irqchip and one vCPU, ready for a storm (logged calls). */
void arch_storm_setup(struct vmm *v);
/* The GSI toggled and the message sent by --storm. */
__u32 arch_storm_gsi(void);
struct kvm_msi arch_storm_msi(void);

/*
 * --break RULE: a misbehaving VMM, one mode per kvmirq check rule it breaks
 * on purpose: just enough set-up (logged calls), then the misbehaviour,
 * then one line on stdout saying what it did.
 */
struct break_mode {
	const char *rule; /* the kvmirq check rule id */
	void (*run)(struct vmm *v);
};
extern const struct break_mode *const arch_breaks;
extern const size_t arch_nr_breaks;

#endif
