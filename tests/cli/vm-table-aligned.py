#!/usr/bin/env python3
"""The VM table in kvmirq top's output (a batch frame, or the screen as tmux
captures it) keeps its columns: every VM row has each cell where the header
has its title. Prints "ok", or what is out of place.

  vm-table-aligned.py FILE
"""
import re
import sys

LEFT = {"NAME", "KVM", "CHIPS"}  # text columns, left-aligned; the rest are numbers


def columns(header):
    """(title, start, end) of each column title, up to DROP (the screen's
    sparkline title follows it)."""
    cols = []
    for m in re.finditer(r"\S+", header):
        cols.append((m.group(), m.start(), m.end()))
        if m.group() == "DROP":
            break
    return cols


def problems(lines):
    heads = [i for i, l in enumerate(lines) if re.match(r"^ +VM +PID NAME ", l)]
    if not heads:
        return ["no VM table header"]
    out = []
    for h in heads:
        cols = columns(lines[h])
        rows = []  # the lines right under the header that are VM rows
        for line in lines[h + 1:]:
            if not re.match(r"^ +\d+ +\d+ ", line):
                break
            rows.append(line)
        if not rows:
            out.append("no VM row under the header")
        for row in rows:
            row = row.ljust(len(lines[h]))
            for title, start, end in cols:
                if title in LEFT:  # the cell starts where the title does
                    ok = row[start] != " " and row[start - 1] == " "
                else:  # the cell ends where the title does
                    ok = row[end - 1] != " " and (end == len(row) or row[end] == " ")
                if not ok:
                    out.append(f"{title} out of place in {row.rstrip()!r} under {lines[h]!r}")
    return out


if __name__ == "__main__":
    text = open(sys.argv[1], encoding="utf-8").read().splitlines()
    print("; ".join(problems(text)) or "ok")
