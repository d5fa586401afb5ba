#!/usr/bin/env python3
"""The KVM ioctls kvmirq knows, read from include/kvmirq/ioctls.h: the one
table the BPF programs and user space are built from, so the tests keep no
copy of their own. Commands are encoded as on x86 and arm64 (the rigs'),
with the sizes the header gives x86.

  from kvm_surface import IOCTLS, RECORDED, KVM_IRQ_LINE
  IOCTLS["KVM_IRQ_LINE"].cmd == KVM_IRQ_LINE == 0x4008AE61

usage: kvm_surface.py            print the table
       kvm_surface.py --check    check it against <linux/kvm.h>'s
                                 numbers and directions, and its ids
The last line of --check is "N passed, M failed"."""
import os
import re
import sys
from collections import namedtuple

from checks import Checks

HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../include/kvmirq/ioctls.h")
KVMIO = 0xAE
DIR_BITS = {"IO": 0, "IOW": 1, "IOR": 2, "IOWR": 3}  # _IOC_WRITE 1, _IOC_READ 2

Ioctl = namedtuple("Ioctl", "name id dir nr size arch fds cmd")

ROW_RE = re.compile(r"ROW\(\s*(\w+)\s*,\s*(\d+)\s*,\s*(\w+)\s*,\s*(0x[0-9a-fA-F]+|\d+)\s*,"
                    r"\s*(\w+)\s*,\s*(\w+)\s*,\s*(\w+)")


def ioctl_cmd(direction, nr, size):
    """A KVM ioctl command as <linux/kvm.h> builds it (x86's _IOC layout)."""
    return DIR_BITS[direction] << 30 | size << 16 | KVMIO << 8 | nr


def _source(path):
    text = open(path).read().replace("\\\n", " ")
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


def parse(path=HEADER):
    """The rows, in order, as Ioctl tuples."""
    text = _source(path)
    sizes = {m[1]: int(m[2], 0) for m in re.finditer(r"#define KVMIRQ_SIZEOF_(\w+)\s+(\w+)", text)}
    table = re.search(r"#define KVMIRQ_IOCTLS\(ROW\)(.*)", text).group(1)
    rows = []
    for m in ROW_RE.finditer(table):
        name, id_, dir_, nr, size, arch, fds = m.groups()
        nr, size = int(nr, 0), sizes[size]
        rows.append(Ioctl("KVM_" + name, int(id_), dir_, nr, size, arch, fds,
                          ioctl_cmd(dir_, nr, size)))
    return rows


ROWS = parse()
IOCTLS = {r.name: r for r in ROWS}
# What kvmirq records: every row but KVM_RUN, which only gives vCPU threads their context.
RECORDED = {r.name for r in ROWS if r.name != "KVM_RUN"}
globals().update({r.name: r.cmd for r in ROWS})


def check(uapi="/usr/include/linux/kvm.h"):
    """The rows against the kernel's own macros; returns the failure count."""
    c = Checks()
    kernel = {m[1]: (m[2], int(m[3], 0)) for m in re.finditer(
        r"#define\s+(KVM_\w+)\s+_(IO|IOR|IOW|IOWR)\(\s*KVMIO\s*,\s*(0x[0-9a-fA-F]+|\d+)", _source(uapi))}
    c(len(ROWS) > 0, f"no rows in {HEADER}")
    c([r.id for r in ROWS] == list(range(1, len(ROWS) + 1)), "ids are 1..N in row order")
    for r in ROWS:
        c(kernel.get(r.name) == (r.dir, r.nr),
          f"{r.name}: {r.dir} {r.nr:#x} here, {kernel.get(r.name)} in {uapi}")
    c(IOCTLS["KVM_IRQ_LINE"].cmd == 0x4008AE61, "KVM_IRQ_LINE encodes as 0x4008AE61")
    return c.finish()


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(check())
    for r in ROWS:
        print(f"{r.id:3} {r.name:22} {r.cmd:#010x} {r.arch:4} {r.fds}")
