#!/usr/bin/env python3
"""Summarise storm-rig.sh's lines: per kind and tool, the rate as a ratio to
the untraced rate of the same round, and the BPF cost per event."""
import re
import sys
from collections import defaultdict

rows = [dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
        for line in open(sys.argv[1]) if line.startswith(("round=", "costs "))]
untraced = {(r["round"], r["kind"]): float(r["rate"]) for r in rows
            if r["mode"] == "untraced" and "round" in r}
ratios = defaultdict(list)
costs = defaultdict(list)
for r in rows:
    base = untraced.get((r.get("round"), r["kind"]))
    if base and r.get("rate"):
        ratios[(r["kind"], r["mode"])].append(float(r["rate"]) / base)
    for prog in filter(None, r.get("progs", "").split(",")):
        name, ns, runs = prog.split(":")
        costs[(r["kind"], r["mode"], name)].append((float(ns), int(runs)))

print("storm rates as a ratio to untraced (same round), real KVM in the nested rig:")
for (kind, mode), v in sorted(ratios.items()):
    print(f"  {kind:9} {mode:10} " + " ".join(f"{x:.2f}" for x in v))
# The target: kvmirq record at least 2.5x trace-cmd's rate; the
# floor (do-nothing programs on the same hooks) bounds what any program can do.
rates = {(r.get("round"), r["kind"], r["mode"]): float(r["rate"]) for r in rows if r.get("rate")}
for mode in ("kvmirq", "floor"):
    per_round = [(k[1], v / rates[(k[0], k[1], "trace-cmd")]) for k, v in sorted(rates.items())
                 if k[2] == mode and (k[0], k[1], "trace-cmd") in rates]
    if per_round:
        print(f"{mode} rate / trace-cmd rate (same round; target for kvmirq: >= 2.5): "
              + " ".join(f"{kind}:{x:.2f}" for kind, x in per_round))
print("untraced ioctls/s: " + " ".join(f"{k[1]}:{v:.0f}" for k, v in sorted(untraced.items())))
print("BPF cost per event during a storm with run-time stats on (ns/run):")
for (kind, mode, name), v in sorted(costs.items()):
    if sum(runs for _, runs in v) > 1000:
        print(f"  {kind:9} {mode:10} {name:24} " + " ".join(f"{ns:.0f}" for ns, _ in v))
for line in open(sys.argv[1]):
    if not line.startswith(("round=", "costs ")):
        print(line.rstrip())
