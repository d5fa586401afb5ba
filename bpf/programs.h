/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Every BPF program of kvmirq.bpf.o, one row each, for the BPF object and
 * user space (src/capture/programs.c) alike:
 *
 *   PROGRAM(NAME, GROUP, HOOK)
 *
 *   NAME   the program's function in bpf/, and its field in the skeleton
 *   GROUP  DELIVERY  a KVM tracepoint, attached where the kernel has it
 *          FENTRY    ioctl strategy 1 (fentry/fexit on KVM's ioctl handlers)
 *          SYSCALL   ioctl strategy 2 (the ioctl syscall tracepoints)
 *          IOCTL_KPROBE  ioctl strategy 3 (kprobe/kretprobe on KVM's ioctl
 *                    handlers)
 *          INJECT    attribution of injections (fentry only)
 *          KPROBE    a kernel function without a tracepoint (kprobe and
 *                    kretprobe), attached where kallsyms has it
 *   HOOK   the tracepoint "system/event", or the kernel function
 *
 * A row without its program fails the BPF build (kvmirq.bpf.c refers to
 * each); a program without its row fails tests/bpf/test_bpf.c.
 */
#ifndef KVMIRQ_PROGRAMS_H
#define KVMIRQ_PROGRAMS_H

#define KVMIRQ_PROGRAMS(PROGRAM)                                                          \
	PROGRAM(on_set_irq, DELIVERY, "kvm/kvm_set_irq")                                  \
	PROGRAM(on_msi_set_irq, DELIVERY, "kvm/kvm_msi_set_irq")                          \
	PROGRAM(on_ioapic_set_irq, DELIVERY, "kvm/kvm_ioapic_set_irq")                    \
	PROGRAM(on_pic_set_irq, DELIVERY, "kvm/kvm_pic_set_irq")                          \
	PROGRAM(on_apic_accept_irq, DELIVERY, "kvm/kvm_apic_accept_irq")                  \
	PROGRAM(on_eoi, DELIVERY, "kvm/kvm_eoi")                                          \
	PROGRAM(on_pv_eoi, DELIVERY, "kvm/kvm_pv_eoi")                                    \
	PROGRAM(on_ack_irq, DELIVERY, "kvm/kvm_ack_irq")                                  \
	PROGRAM(on_apic_ipi, DELIVERY, "kvm/kvm_apic_ipi")                                \
	PROGRAM(on_inj_virq, DELIVERY, "kvm/kvm_inj_virq")                                \
	PROGRAM(on_ioapic_delayed_eoi, DELIVERY, "kvm/kvm_ioapic_delayed_eoi_inj")        \
	PROGRAM(on_arm_irq_line, DELIVERY, "kvm/kvm_irq_line")                            \
	PROGRAM(on_vgic_update_pending, DELIVERY, "kvm/vgic_update_irq_pending")          \
	PROGRAM(on_timer_update_irq, DELIVERY, "kvm/kvm_timer_update_irq")                \
	PROGRAM(on_booke_queue_irqprio, DELIVERY, "kvm_booke/kvm_booke_queue_irqprio")     \
	PROGRAM(enter_kvm_dev_ioctl, FENTRY, "kvm_dev_ioctl")                             \
	PROGRAM(exit_kvm_dev_ioctl, FENTRY, "kvm_dev_ioctl")                              \
	PROGRAM(enter_kvm_vm_ioctl, FENTRY, "kvm_vm_ioctl")                               \
	PROGRAM(exit_kvm_vm_ioctl, FENTRY, "kvm_vm_ioctl")                                \
	PROGRAM(enter_kvm_vcpu_ioctl, FENTRY, "kvm_vcpu_ioctl")                           \
	PROGRAM(exit_kvm_vcpu_ioctl, FENTRY, "kvm_vcpu_ioctl")                            \
	PROGRAM(enter_kvm_device_ioctl, FENTRY, "kvm_device_ioctl")                       \
	PROGRAM(exit_kvm_device_ioctl, FENTRY, "kvm_device_ioctl")                        \
	PROGRAM(kp_enter_kvm_dev_ioctl, IOCTL_KPROBE, "kvm_dev_ioctl")                    \
	PROGRAM(kp_exit_kvm_dev_ioctl, IOCTL_KPROBE, "kvm_dev_ioctl")                     \
	PROGRAM(kp_enter_kvm_vm_ioctl, IOCTL_KPROBE, "kvm_vm_ioctl")                      \
	PROGRAM(kp_exit_kvm_vm_ioctl, IOCTL_KPROBE, "kvm_vm_ioctl")                       \
	PROGRAM(kp_enter_kvm_vcpu_ioctl, IOCTL_KPROBE, "kvm_vcpu_ioctl")                  \
	PROGRAM(kp_exit_kvm_vcpu_ioctl, IOCTL_KPROBE, "kvm_vcpu_ioctl")                   \
	PROGRAM(kp_enter_kvm_device_ioctl, IOCTL_KPROBE, "kvm_device_ioctl")              \
	PROGRAM(kp_exit_kvm_device_ioctl, IOCTL_KPROBE, "kvm_device_ioctl")               \
	PROGRAM(sys_enter_ioctl, SYSCALL, "syscalls/sys_enter_ioctl")                     \
	PROGRAM(sys_exit_ioctl, SYSCALL, "syscalls/sys_exit_ioctl")                       \
	PROGRAM(inject_enter_irqfd, INJECT, "irqfd_inject")                               \
	PROGRAM(inject_exit_irqfd, INJECT, "irqfd_inject")                                \
	PROGRAM(inject_enter_shutdown, INJECT, "irqfd_shutdown")                          \
	PROGRAM(inject_exit_shutdown, INJECT, "irqfd_shutdown")                           \
	PROGRAM(inject_enter_pit, INJECT, "pit_do_work")                                  \
	PROGRAM(inject_exit_pit, INJECT, "pit_do_work")                                   \
	PROGRAM(inject_enter_inatomic, INJECT, "kvm_arch_set_irq_inatomic")               \
	PROGRAM(inject_exit_inatomic, INJECT, "kvm_arch_set_irq_inatomic")               \
	KVMIRQ_PROGRAMS_POWERPC(PROGRAM)

/*
 * PowerPC's only: the in-kernel MPIC's MMIO handlers (bpf/mpic_mmio.bpf.h read
 * the argument registers of a PowerPC kernel). Built where the BPF object
 * and kvmirq are built for powerpc.
 */
#if defined(__TARGET_ARCH_powerpc) || (!defined(__bpf__) && defined(__powerpc__))
#define KVMIRQ_PROGRAMS_POWERPC(PROGRAM)                                                  \
	PROGRAM(mpic_read_enter, KPROBE, "kvm_mpic_read")                                 \
	PROGRAM(mpic_read_exit, KPROBE, "kvm_mpic_read")                                  \
	PROGRAM(mpic_write_enter, KPROBE, "kvm_mpic_write")                               \
	PROGRAM(mpic_write_exit, KPROBE, "kvm_mpic_write")
#else
#define KVMIRQ_PROGRAMS_POWERPC(PROGRAM)
#endif

#define KVMIRQ_PROGRAM_ONE(...) +1
/* How many rows: a constant for arrays. */
#define KVMIRQ_PROGRAM_COUNT (0 KVMIRQ_PROGRAMS(KVMIRQ_PROGRAM_ONE))

#endif /* KVMIRQ_PROGRAMS_H */
