#!/usr/bin/env python3
"""Checks what a rig's test-probe-kernels.sh collected (tests/rig/x86: in
L1; tests/rig/e500 and tests/rig/arm64: in the emulated host) against the
table of what each rig kernel is expected to show (probe-kernels.expected
beside the test).

  check_probe_kernels.py OUT KERNEL TABLE   check; prints "N passed, M failed"
  check_probe_kernels.py --observed OUT     print the observed lines (to write
                                            the table's rows for a new kernel)

OUT holds uname.txt, probe-default.json, probe-fentry.json, probe-kprobe.json,
probe-syscall.json (kvmirq probe --json, -s fentry, -s kprobe, -s syscall), formats.txt
(the hooked tracepoints' tracefs formats), btf-vmlinux and, where KVM is a
module, btf-kvm (the kernel's BTF, in its own byte order).

Observed lines, one fact each:
  kernel RELEASE-PREFIX                 the kernel the rig booted (6.1. or 6.12.)
  strategy default STRATEGY             what probe picks when not told
  program STRATEGY NAME STATE[: WHY]    each BPF program under -s fentry|kprobe|syscall
  probe STRATEGY error: MESSAGE         -s STRATEGY refused (fentry without a
                                        BPF trampoline: e500; arm64 6.1 has no
                                        ftrace direct calls: fexit gets 524)
  tracepoint EVENT (TYPES)              a hooked tracepoint's arguments (BTF
                                        btf_trace_EVENT): what raw_tp programs read
  record EVENT FIELDS                   its ftrace record's fields (tracefs format)
  function NAME (PARAMS) -> RET         an fentry target's prototype (BTF)
"""
import json
import os
import re
import sys

from btf import Btf
from checks import Checks


def probe(out, name):
    with open(os.path.join(out, f"probe-{name}.json")) as f:
        return json.load(f)


def program_lines(out):
    for strategy in ("fentry", "kprobe", "syscall"):
        result = probe(out, strategy)
        if "error" in result:
            yield f"probe {strategy} error: {result['error']}"
        for p in result.get("programs", []):
            state = p["state"] + (f": {p['why']}" if p["why"] else "")
            yield f"program {strategy} {p['name']} {state}"


def hooks(out):
    """The tracepoints (system, event) and functions that programs hook."""
    events, functions = set(), set()
    for p in probe(out, "default")["programs"]:
        if "/" in p["hook"]:
            system, event = p["hook"].split("/")
            if system != "syscalls":
                events.add(event)
        else:
            functions.add(p["hook"])
    return sorted(events), sorted(functions)


def tracepoint_lines(kernel_btf, events):
    for event in events:
        args = kernel_btf.tracepoint(event)
        if args is not None:
            yield f"tracepoint {event} {args}"


def record_lines(out, events):
    fields, event = {}, None
    with open(os.path.join(out, "formats.txt")) as f:
        for line in f:
            if line.startswith("name: "):
                event = line.split()[1]
                fields[event] = []
            m = re.match(r"\tfield:(.+?) (\w+)(\[\d*\])?;.*size:(\d+);", line)
            if m and event and not m.group(2).startswith("common_"):
                fields[event].append(f"{m.group(1)} {m.group(2)}{m.group(3) or ''}:{m.group(4)}")
    for event in events:
        if event in fields:
            yield f"record {event} {', '.join(fields[event])}"


def function_lines(kernel_btf, functions):
    for name in functions:
        proto = kernel_btf.function(name)
        if proto is not None:
            yield f"function {name} {proto}"


def observed(out):
    release = open(os.path.join(out, "uname.txt")).read().strip()
    lines = [f"kernel {'.'.join(release.split('.')[:2])}."]
    lines.append(f"strategy default {probe(out, 'default')['strategy']}")
    lines += program_lines(out)
    events, functions = hooks(out)
    kvm = os.path.join(out, "btf-kvm")  # KVM built in (e500, arm64): in vmlinux's BTF
    kernel_btf = Btf(os.path.join(out, "btf-vmlinux"), kvm if os.path.exists(kvm) else None)
    lines += tracepoint_lines(kernel_btf, events)
    lines += record_lines(out, events)
    lines += function_lines(kernel_btf, functions)
    return lines


def expected(table, kernel):
    """Rows "KERNELS LINE" (KERNELS: comma-separated) that name KERNEL."""
    rows = []
    with open(table) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            kernels, row = line.split(None, 1)
            if kernel in kernels.split(","):
                rows.append(row)
    return rows


def main():
    if sys.argv[1] == "--observed":
        print("\n".join(observed(sys.argv[2])))
        return 0
    out, kernel, table = sys.argv[1:4]
    check = Checks()
    want, seen = expected(table, kernel), observed(out)
    check(want, f"the table has no rows for kernel {kernel}")
    for row in want:
        check(row in seen, f"{kernel}: expected, not seen: {row}")
    for row in seen:
        if row not in want:
            check(False, f"{kernel}: seen, not expected: {row}")
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
