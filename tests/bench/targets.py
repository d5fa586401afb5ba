#!/usr/bin/env python3
"""Issue #15's targets, each a figure measured in one run beside its target.
The benchmarks add rows to the file $KVMIRQ_BENCH_TARGETS (make bench sets
it; without it they add none), and make bench prints them at the end:
  targets.py add NAME MEASURED TARGET   (from a shell script; or add() here)
  targets.py print FILE"""
import os
import sys


def add(name, measured, target):
    """One row: MEASURED is a figure as text (e.g. "1.08", "0 of 4 rounds"),
    TARGET what it should be (e.g. ">= 1.0"), or "report" when there is none."""
    path = os.environ.get("KVMIRQ_BENCH_TARGETS")
    if path:
        with open(path, "a") as f:
            f.write(f"{name}\t{measured}\t{target}\n")


def spread(values, fmt="{:.2f}"):
    """A list of per-round figures as its median and range."""
    v = sorted(values)
    if not v:
        return "not measured"
    mid = v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2
    text = fmt.format(mid)
    if len(v) > 1:
        text += f" ({fmt.format(v[0])}-{fmt.format(v[-1])})"
    return text


def show(path):
    rows = [line.rstrip("\n").split("\t") for line in open(path) if line.strip()] \
        if os.path.exists(path) else []
    print("== issue #15's targets: measured (median, range over rounds) beside the target")
    if not rows:
        print("  no benchmark reported a target")
        return
    width = max(len(r[0]) for r in rows)
    mwidth = max(len(r[1]) for r in rows)
    for name, measured, target in rows:
        print(f"  {name:<{width}}  {measured:<{mwidth}}  target {target}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "add":
        add(*sys.argv[2:5])
    elif len(sys.argv) == 3 and sys.argv[1] == "print":
        show(sys.argv[2])
    else:
        sys.exit(__doc__)
