#!/usr/bin/env python3
"""Hold KVM's global static keys steady in L1 until killed.

usage: keeper.py PIDFILE

run-in-l1.sh --tcg-multi starts it before the command. KVM flips static
keys (text_poke_bp: an int3 over the patch site, then the new code) as
VMs, vCPUs and local APICs come and go, and QEMU's multi-threaded TCG
mishandles text that one vCPU patches while another runs it: a stale
translation loops on an int3 that is gone (L1 hangs), or KVM's own int3
oopses in kvm_arch_vcpu_ioctl_run (README.md). A key whose count never
returns to 0 is never patched again, so the keeper takes one reference on
each key a VMM can flip (the list read from the 6.1 and 6.12 kvm.ko's
jump tables and their callers), before any other VM exists:

  preempt_notifier_key  (kernel/sched) one per VM: any VM.
  kvm_has_noapic_vcpu   one per vCPU without an in-kernel LAPIC: VM 1,
                        no irqchip, one vCPU.
  apic_sw_disabled      one per in-kernel LAPIC while its SVR has the APIC
                        software-disabled, as it is from creation until the
                        guest enables it: VM 2, with KVM_CREATE_IRQCHIP and
                        one vCPU that never runs. Every QEMU guest flips it
                        (vCPUs created, then enabled by the guest; HZ later
                        the deferred decrement patches).
  apic_hw_disabled      one per in-kernel LAPIC whose APIC_BASE MSR has the
                        global enable bit clear: VM 2's vCPU, its MSR
                        cleared by KVM_SET_MSRS.
  kvm_xen_enabled       one per VM with a Xen hypercall MSR (6.12; Debian's
                        6.1 is built without Xen emulation): VM 1, given
                        one by KVM_XEN_HVM_CONFIG where the kernel has it.

Tracepoint keys flip too, but with tracing, not with VMs: kvmirq and
ftrace turn them on and off (the rig's tests do, between runs of QEMU).

Once everything is held the keeper writes its pid to PIDFILE (written
whole, then renamed): run-in-l1.sh starts the command only then, and tests
that count VMs, key frames or snapshots leave that pid's out (it has an
in-kernel irqchip now, so "no irqchip" no longer tells it from a guest)."""
import fcntl
import os
import signal
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../e2e"))
from kvm_surface import (KVM_CREATE_IRQCHIP, KVM_CREATE_VCPU, KVM_CREATE_VM,  # noqa: E402
                         ioctl_cmd)

# Beyond kvmirq's table (kvm_surface): what only the keeper issues.
KVM_CHECK_EXTENSION = ioctl_cmd("IO", 0x03, 0)
KVM_GET_MSRS = ioctl_cmd("IOWR", 0x88, 8)       # struct kvm_msrs, entries follow
KVM_SET_MSRS = ioctl_cmd("IOW", 0x89, 8)
KVM_XEN_HVM_CONFIG = ioctl_cmd("IOW", 0x7A, 56)  # struct kvm_xen_hvm_config
KVM_CAP_XEN_HVM = 38
KVM_XEN_HVM_CONFIG_HYPERCALL_MSR = 1 << 0
MSR_IA32_APICBASE = 0x1B
APICBASE_ENABLE = 1 << 11
XEN_HYPERCALL_MSR = 0x40000200            # Xen's own, in KVM's allowed range


def msr(vcpu, index, value=None):
    """Read MSR INDEX of VCPU, or write VALUE to it; returns its value."""
    buf = bytearray(struct.pack("<IIIIQ", 1, 0, index, 0, value or 0))
    done = fcntl.ioctl(vcpu, KVM_GET_MSRS if value is None else KVM_SET_MSRS, buf)
    if done != 1:
        sys.exit(f"keeper: MSR {index:#x} not {'read' if value is None else 'written'}")
    return struct.unpack_from("<Q", buf, 16)[0]


def main(pidfile):
    kvm = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
    vm1 = fcntl.ioctl(kvm, KVM_CREATE_VM, 0)
    xen = fcntl.ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_XEN_HVM) & KVM_XEN_HVM_CONFIG_HYPERCALL_MSR
    if xen:
        fcntl.ioctl(vm1, KVM_XEN_HVM_CONFIG, struct.pack("<II48x", 0, XEN_HYPERCALL_MSR))
    fcntl.ioctl(vm1, KVM_CREATE_VCPU, 0)
    vm2 = fcntl.ioctl(kvm, KVM_CREATE_VM, 0)
    fcntl.ioctl(vm2, KVM_CREATE_IRQCHIP, 0)
    vcpu = fcntl.ioctl(vm2, KVM_CREATE_VCPU, 0)
    base = msr(vcpu, MSR_IA32_APICBASE)
    msr(vcpu, MSR_IA32_APICBASE, base & ~APICBASE_ENABLE)
    if msr(vcpu, MSR_IA32_APICBASE) & APICBASE_ENABLE:
        sys.exit("keeper: the LAPIC stayed hardware-enabled")
    with open(pidfile + ".tmp", "w") as f:
        f.write(f"{os.getpid()}\n")
    os.rename(pidfile + ".tmp", pidfile)
    print(f"keeper: pid {os.getpid()} holds 2 VMs{', Xen MSR' if xen else ''}", flush=True)
    signal.pause()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    main(sys.argv[1])
