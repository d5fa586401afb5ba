#!/usr/bin/env python3
"""From two `bpftool -j prog show` snapshots (BPF stats on): the cost per run
of the programs that ran in between. Prints `progs=name:ns/run:runs,...`."""
import json
import sys

before = {p["id"]: p for p in json.load(open(sys.argv[1]))}
parts = []
for p in json.load(open(sys.argv[2])):
    b = before.get(p["id"], {"run_cnt": 0, "run_time_ns": 0})
    runs = p.get("run_cnt", 0) - b.get("run_cnt", 0)
    if runs > 0:
        ns = (p.get("run_time_ns", 0) - b.get("run_time_ns", 0)) / runs
        parts.append(f"{p.get('name', '?')}:{ns:.0f}:{runs}")
print("progs=" + ",".join(parts))
