/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KVM fds of a running VMM, from its /proc/PID/fd links: what a snapshot
 * by ptrace (remote.h) reads through.
 */
#ifndef KVMIRQ_VMM_FDS_H
#define KVMIRQ_VMM_FDS_H

#include <stddef.h>
#include <sys/types.h>

#include "snapshot/snapshot.h"

/*
 * Read the fd links of process PID and keep the KVM ones, in fd order:
 *   anon_inode:kvm-vm         CHIP_FD_VM
 *   anon_inode:kvm-vcpu:N     CHIP_FD_VCPU, vcpu_id N (-1 if the kernel did
 *                             not give the id)
 *   anon_inode:kvm-<other>    CHIP_FD_DEVICE (a KVM_CREATE_DEVICE fd: kvm-mpic,
 *                             kvm-vfio, kvm-arm-vgic-v3, kvm-xics, ...)
 * with name the anon-inode name without "anon_inode:". The binary-stats fds
 * (kvm-vm-stats, kvm-vcpu-stats:N) and guest_memfd ([kvm-gmem]) are not
 * devices and are left out.
 *
 * VM ordinals: the VM fds are numbered 1, 2, ... in fd order. A vCPU or
 * device fd says nothing about which VM it belongs to, so it gets vm 1 when
 * the process has exactly one VM fd and vm 0 (unknown) when it has several:
 * nothing here guesses.
 *
 * Returns 0 with *FDS (malloc'ed, free() it) and *NR, or -errno with a
 * message in ERR: -ESRCH (no such process, or it is exiting), -EACCES
 * (its fds cannot be read), -ENOENT (it has no VM fd: not a KVM VMM).
 */
int vmm_scan_fds(pid_t pid, struct snapshot_fd **fds, size_t *nr, char *err, size_t errlen);

/*
 * KVM's own name for the VM at fd VM_FD of process PID, "PID-FD": the name
 * of its directory in /sys/kernel/debug/kvm and the one record --vm takes.
 * KVM builds it when the VM is created from the creating thread's id and the
 * fd number then, so it is right when the main thread created the VM and the
 * fd was not moved since (QEMU, and every VMM we know). Writes at most LEN
 * bytes to BUF; returns what snprintf returns.
 */
int vmm_vm_name(pid_t pid, int vm_fd, char *buf, size_t len);

#endif
