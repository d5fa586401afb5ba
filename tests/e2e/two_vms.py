#!/usr/bin/env python3
"""A tiny VMM with two VMs, for the recording filters: creates both with an
in-kernel irqchip, prints "PID VMFD1 VMFD2", waits until the file named by
argv[1] exists, raises GSI 5 on the first VM and GSI 6 on the second N times
each (argv[2]), then exits."""
import fcntl, os, struct, sys, time

from kvm_surface import KVM_CREATE_IRQCHIP, KVM_CREATE_VM, KVM_IRQ_LINE

go, n = sys.argv[1], int(sys.argv[2])
kvm = os.open("/dev/kvm", os.O_RDWR)
vms = [fcntl.ioctl(kvm, KVM_CREATE_VM, 0) for _ in range(2)]
for vm in vms:
    fcntl.ioctl(vm, KVM_CREATE_IRQCHIP)
print(os.getpid(), *vms, flush=True)
while not os.path.exists(go):
    time.sleep(0.05)
for _ in range(n):
    for vm, gsi in zip(vms, (5, 6)):
        fcntl.ioctl(vm, KVM_IRQ_LINE, struct.pack("II", gsi, 1))
        fcntl.ioctl(vm, KVM_IRQ_LINE, struct.pack("II", gsi, 0))
