/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The KVM ioctls kvmirq knows, in one table shared by the BPF programs
 * (classification, what to capture), user space (names, the checks against
 * <linux/kvm.h> in src/codec/ioctl_abi.c) and the Python tests
 * (tests/e2e/kvm_surface.py reads this file).
 */
#ifndef KVMIRQ_IOCTLS_H
#define KVMIRQ_IOCTLS_H

#ifndef __KVMIRQ_BPF__
#include <linux/types.h> /* in BPF, bpf/vmlinux_min.h has the types */
#endif

#define KVMIRQ_KVMIO 0xAE /* the ioctl type byte of every KVM ioctl */

/* Which file an ioctl was issued on. */
enum kvmirq_fd_kind {
	KVMIRQ_FD_UNKNOWN = 0,
	KVMIRQ_FD_SYSTEM = 1, /* /dev/kvm */
	KVMIRQ_FD_VM = 2,
	KVMIRQ_FD_VCPU = 3,
	KVMIRQ_FD_DEVICE = 4,
};

/* The files an ioctl is valid on: a bit per enum kvmirq_fd_kind. */
#define KVMIRQ_ON_SYSTEM (1u << KVMIRQ_FD_SYSTEM)
#define KVMIRQ_ON_VM (1u << KVMIRQ_FD_VM)
#define KVMIRQ_ON_VCPU (1u << KVMIRQ_FD_VCPU)
#define KVMIRQ_ON_VM_VCPU (KVMIRQ_ON_VM | KVMIRQ_ON_VCPU)
#define KVMIRQ_ON_ANY (KVMIRQ_ON_SYSTEM | KVMIRQ_ON_VM | KVMIRQ_ON_VCPU | (1u << KVMIRQ_FD_DEVICE))

#if defined(__TARGET_ARCH_x86) || defined(__x86_64__) || defined(__i386__)
#define KVMIRQ_ARCH_X86 1
#endif

/*
 * The ioctl's size field: 13 bits on powerpc (bits 16..28, direction in
 * 29..31), 14 elsewhere (bits 16..29, direction in 30..31). Classification
 * reads the size and ignores the direction, encoded differently per
 * architecture: number + size + fd kind is unambiguous for this set.
 */
#if defined(__TARGET_ARCH_powerpc) || defined(__powerpc__)
#define KVMIRQ_IOC_SIZE_MASK 0x1fff
#else
#define KVMIRQ_IOC_SIZE_MASK 0x3fff
#endif

/* Argument sizes, of the kernel's structs (src/codec/ioctl_abi.c checks them). */
#define KVMIRQ_SIZEOF(S) KVMIRQ_SIZEOF_##S
#define KVMIRQ_SIZEOF_NONE 0		/* _IO: no argument struct */
#define KVMIRQ_SIZEOF_IRQ_LEVEL 8	/* struct kvm_irq_level */
#define KVMIRQ_SIZEOF_MSI 32		/* struct kvm_msi */
#define KVMIRQ_SIZEOF_IRQFD 32		/* struct kvm_irqfd */
#define KVMIRQ_SIZEOF_IRQ_ROUTING 8	/* struct kvm_irq_routing; its entries follow */
#define KVMIRQ_SIZEOF_IRQ_ROUTING_ENTRY 48 /* struct kvm_irq_routing_entry */
#define KVMIRQ_MAX_IRQ_ROUTES 4096	/* KVM_MAX_IRQ_ROUTES: a larger table is refused */
#define KVMIRQ_SIZEOF_CREATE_DEVICE 12	/* struct kvm_create_device */
#define KVMIRQ_SIZEOF_DEVICE_ATTR 24	/* struct kvm_device_attr */
#define KVMIRQ_SIZEOF_ENABLE_CAP 104	/* struct kvm_enable_cap */
#define KVMIRQ_SIZEOF_INTERRUPT 4	/* struct kvm_interrupt */
#ifdef KVMIRQ_ARCH_X86
#define KVMIRQ_SIZEOF_IRQCHIP 520	/* struct kvm_irqchip */
#define KVMIRQ_SIZEOF_LAPIC_STATE 1024	/* struct kvm_lapic_state */
#endif

/*
 * Rows of the ARCH column: ANY, or X86 for the ioctls only x86 has. A
 * consumer wraps what it makes of a row in KVMIRQ_IF_ARCH_<ARCH>(...) where
 * the row must not exist on another architecture (classification, capture).
 */
#define KVMIRQ_IF_ARCH_ANY(...) __VA_ARGS__
#ifdef KVMIRQ_ARCH_X86
#define KVMIRQ_IF_ARCH_X86(...) __VA_ARGS__
#else
#define KVMIRQ_IF_ARCH_X86(...)
#endif

/*
 * What the BPF programs capture of an ioctl's argument struct, in bytes.
 * Inputs are read at exit, when the ioctl is known to be wanted, in one go
 * with the output; only where the kernel writes over them (the status of
 * KVM_IRQ_LINE_STATUS shares the irq field, KVM_CREATE_DEVICE returns the
 * fd in place) are they saved at entry.
 */
struct kvmirq_capture_rule {
	__u16 entry_in; /* input read at entry: the kernel overwrites it */
	__u16 exit_in;	/* input read at exit: the kernel never writes it back */
	__u16 out;	/* output read at exit, on success */
	__u16 in_total; /* the input size the ioctl defines */
};

/*
 * One row per ioctl:
 *
 *   ROW(NAME, ID, DIR, NR, SIZE, ARCH, FDS, capture...)
 *
 *   NAME     KVM_<NAME> of <linux/kvm.h>; the enum constant is KVMIRQ_IOCTL_<NAME>
 *   ID       its enum kvmirq_ioctl_id value, stored in trace files: never
 *            renumber; a new ioctl is a new last row with the next ID
 *   DIR      the direction <linux/kvm.h> declares: IO, IOR, IOW or IOWR
 *   NR       the ioctl's number (its type is KVMIRQ_KVMIO)
 *   SIZE     its argument: KVMIRQ_SIZEOF_<SIZE>
 *   ARCH     ANY, or X86: see KVMIRQ_IF_ARCH_*
 *   FDS      the files it is valid on: KVMIRQ_ON_<FDS>
 *   capture  designated initializers of struct kvmirq_capture_rule; none
 *            for an ioctl whose argument is not recorded
 *
 * Two ioctls of one NR would be two cases of one switch in classify_ioctl()
 * (bpf/ioctl.bpf.h), which the compiler refuses: such a pair needs its case
 * written out there.
 */
#define KVMIRQ_IOCTLS(ROW)                                                                 \
	/*  NAME             ID  DIR   NR    SIZE           ARCH FDS */                       \
	ROW(CREATE_VM,         1, IO,   0x01, NONE,          ANY, SYSTEM)                     \
	ROW(CREATE_VCPU,       2, IO,   0x41, NONE,          ANY, VM)                         \
	ROW(CREATE_IRQCHIP,    3, IO,   0x60, NONE,          ANY, VM)                         \
	ROW(IRQ_LINE,          4, IOW,  0x61, IRQ_LEVEL,     ANY, VM,                         \
	    .exit_in = KVMIRQ_SIZEOF(IRQ_LEVEL), .in_total = KVMIRQ_SIZEOF(IRQ_LEVEL))        \
	ROW(IRQ_LINE_STATUS,   5, IOWR, 0x67, IRQ_LEVEL,     ANY, VM,                         \
	    .entry_in = KVMIRQ_SIZEOF(IRQ_LEVEL), .out = KVMIRQ_SIZEOF(IRQ_LEVEL),            \
	    .in_total = KVMIRQ_SIZEOF(IRQ_LEVEL))                                             \
	ROW(SIGNAL_MSI,        6, IOW,  0xa5, MSI,           ANY, VM,                         \
	    .exit_in = KVMIRQ_SIZEOF(MSI), .in_total = KVMIRQ_SIZEOF(MSI))                    \
	ROW(IRQFD,             7, IOW,  0x76, IRQFD,         ANY, VM,                         \
	    .exit_in = KVMIRQ_SIZEOF(IRQFD), .in_total = KVMIRQ_SIZEOF(IRQFD))                \
	/* and the entries, read by ioctl_exit() */                                           \
	ROW(SET_GSI_ROUTING,   8, IOW,  0x6a, IRQ_ROUTING,   ANY, VM,                         \
	    .exit_in = KVMIRQ_SIZEOF(IRQ_ROUTING), .in_total = KVMIRQ_SIZEOF(IRQ_ROUTING))    \
	ROW(CREATE_DEVICE,     9, IOWR, 0xe0, CREATE_DEVICE, ANY, VM,                         \
	    .entry_in = KVMIRQ_SIZEOF(CREATE_DEVICE), .out = KVMIRQ_SIZEOF(CREATE_DEVICE),    \
	    .in_total = KVMIRQ_SIZEOF(CREATE_DEVICE))                                         \
	/* the value at addr: read by ioctl_exit(), in for SET and out for GET */             \
	ROW(SET_DEVICE_ATTR,  10, IOW,  0xe1, DEVICE_ATTR,   ANY, ANY,                        \
	    .exit_in = KVMIRQ_SIZEOF(DEVICE_ATTR), .in_total = KVMIRQ_SIZEOF(DEVICE_ATTR))    \
	ROW(GET_DEVICE_ATTR,  11, IOW,  0xe2, DEVICE_ATTR,   ANY, ANY,                        \
	    .exit_in = KVMIRQ_SIZEOF(DEVICE_ATTR), .in_total = KVMIRQ_SIZEOF(DEVICE_ATTR))    \
	ROW(HAS_DEVICE_ATTR,  12, IOW,  0xe3, DEVICE_ATTR,   ANY, ANY,                        \
	    .exit_in = KVMIRQ_SIZEOF(DEVICE_ATTR), .in_total = KVMIRQ_SIZEOF(DEVICE_ATTR))    \
	/* in: chip_id and pad, which the kernel returns as given */                          \
	ROW(GET_IRQCHIP,      13, IOWR, 0x62, IRQCHIP,       X86, VM,                         \
	    .exit_in = 8, .out = KVMIRQ_SIZEOF(IRQCHIP), .in_total = 8)                       \
	ROW(SET_IRQCHIP,      14, IOR,  0x63, IRQCHIP,       X86, VM,                         \
	    .exit_in = KVMIRQ_SIZEOF(IRQCHIP), .in_total = KVMIRQ_SIZEOF(IRQCHIP))            \
	ROW(GET_LAPIC,        15, IOR,  0x8e, LAPIC_STATE,   X86, VCPU,                       \
	    .out = KVMIRQ_SIZEOF(LAPIC_STATE))                                                \
	ROW(SET_LAPIC,        16, IOW,  0x8f, LAPIC_STATE,   X86, VCPU,                       \
	    .exit_in = KVMIRQ_SIZEOF(LAPIC_STATE), .in_total = KVMIRQ_SIZEOF(LAPIC_STATE))    \
	ROW(ENABLE_CAP,       17, IOW,  0xa3, ENABLE_CAP,    ANY, VM_VCPU,                    \
	    .exit_in = KVMIRQ_SIZEOF(ENABLE_CAP), .in_total = KVMIRQ_SIZEOF(ENABLE_CAP))      \
	ROW(INTERRUPT,        18, IOW,  0x86, INTERRUPT,     ANY, VCPU,                       \
	    .exit_in = KVMIRQ_SIZEOF(INTERRUPT), .in_total = KVMIRQ_SIZEOF(INTERRUPT))        \
	/* never recorded: it gives vCPU threads their VM context */                          \
	ROW(RUN,              19, IO,   0x80, NONE,          ANY, VCPU)

#define KVMIRQ_IOCTL_ENUM_ROW(NAME, ID, ...) KVMIRQ_IOCTL_##NAME = ID,

/* The ioctls kvmirq records, and OTHER for every other one. */
enum kvmirq_ioctl_id {
	KVMIRQ_IOCTL_OTHER = 0,
	KVMIRQ_IOCTLS(KVMIRQ_IOCTL_ENUM_ROW)
	KVMIRQ_IOCTL_ID_MAX, /* rows are in ID order: src/codec/ioctl_abi.c checks */
};

#endif /* KVMIRQ_IOCTLS_H */
