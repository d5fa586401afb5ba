#!/usr/bin/env python3
"""Injections that no VM thread makes: a VM with an irqchip, one vCPU, a
routing table (GSI 7 -> IOAPIC pin 7, GSI 40 -> an MSI to vector 0x41) and
an irqfd on each. Signalling the eventfds makes the kernel inject: GSI 7 from
a kworker (irqfd_inject -> kvm_set_irq), GSI 40 in this process's write()
(irqfd_wakeup -> kvm_arch_set_irq_inatomic), outside any KVM ioctl.
usage: irqfd_vmm.py N   (signals each eventfd N times)"""
import fcntl, os, struct, sys, time

from kvm_surface import (KVM_CREATE_IRQCHIP, KVM_CREATE_VCPU, KVM_CREATE_VM, KVM_IRQFD,
                         KVM_SET_GSI_ROUTING)

n = int(sys.argv[1])
kvm = os.open("/dev/kvm", os.O_RDWR)
vm = fcntl.ioctl(kvm, KVM_CREATE_VM, 0)
fcntl.ioctl(vm, KVM_CREATE_IRQCHIP)
vcpu = fcntl.ioctl(vm, KVM_CREATE_VCPU, 0)


def route(gsi, type_, u):
    return struct.pack("IIII", gsi, type_, 0, 0) + u.ljust(32, b"\0")


entries = [route(7, 1, struct.pack("II", 2, 7)),                       # IOAPIC pin 7
           route(40, 2, struct.pack("IIII", 0xFEE00000, 0, 0x41, 0))]  # MSI, vector 0x41
fcntl.ioctl(vm, KVM_SET_GSI_ROUTING, struct.pack("II", len(entries), 0) + b"".join(entries))
fds = []
for gsi in (7, 40):
    efd = os.eventfd(0)
    fcntl.ioctl(vm, KVM_IRQFD, struct.pack("IIII", efd, gsi, 0, 0) + bytes(16))
    fds.append(efd)
print(os.getpid(), vm, flush=True)
for _ in range(n):
    for efd in fds:
        os.eventfd_write(efd, 1)
    time.sleep(0.002)  # let the kworker inject before the next signal
time.sleep(0.2)
