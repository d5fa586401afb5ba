#!/usr/bin/env python3
"""Hold a KVM VM with one vCPU (never run) until killed. run-in-l1.sh
--tcg-multi starts it before the command: while a vCPU exists, KVM never
flips its preempt-notifier static key as other VMs come and go, the kernel
text patching that QEMU 7.2's multi-threaded TCG mishandles (README.md)."""
import fcntl
import os
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../e2e"))
from kvm_surface import KVM_CREATE_VCPU, KVM_CREATE_VM  # noqa: E402

kvm = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
vm = fcntl.ioctl(kvm, KVM_CREATE_VM, 0)
vcpu = fcntl.ioctl(vm, KVM_CREATE_VCPU, 0)
print("keeper: VM with one vCPU held", flush=True)
signal.pause()
