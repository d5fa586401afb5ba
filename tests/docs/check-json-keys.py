#!/usr/bin/env python3
"""The keys each command prints under --json against the keys its man page
documents (its JSON OUTPUT section, a `.TP` then `.B key` per key), both
ways: every key printed is documented, and every key documented is printed
by one of the runs below (the shipped demos; record, stat and probe with
real BPF on this kernel). The error and warning objects on stderr are
checked against kvmirq(1): error, warning, notice, command, exit. Prints "N passed, M failed"."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BIN = "build/kvmirq"
passed = failed = 0


def documented(page):
    text = open(f"docs/{page}.1").read()
    section = re.search(r"^\.SH JSON OUTPUT\n(.*?)(?=^\.SH )", text, re.M | re.S)
    if not section:
        return set()
    return set(re.findall(r"^\.TP\n\.B (\S+)$", section.group(1), re.M))


def top_level_keys(text, what):
    keys = set()
    for line in text.splitlines():
        if line.strip():
            obj = json.loads(line)  # a line that is not JSON fails the test
            if not isinstance(obj, dict):
                raise ValueError(f"{what}: not an object: {line[:80]}")
            keys |= obj.keys()
    return keys


def fail(message):
    global failed
    failed += 1
    print("FAIL " + message)


tmp = tempfile.mkdtemp()
cut = os.path.join(tmp, "cut.kvmirq")
with open("demo/x86-testvmm.kvmirq", "rb") as f:
    data = f.read()
with open(cut, "wb") as f:
    # into the trailer: every event read, then a warning (a cut before the
    # first event would be an error instead)
    f.write(data[: len(data) - 60])

# (the pages that document the output, the command's arguments)
RUNS = [
    (["kvmirq-report", "kvmirq-show"], ["report", "-j", "-t", "-s", "demo/x86-testvmm.kvmirq"]),
    (["kvmirq-report"], ["report", "-j", "-t", "demo/arm64-gicguest.kvmirq"]),
    (["kvmirq-report"], ["report", "-j", "-t", "demo/ppc-e500-mpic.kvmirq"]),
    (["kvmirq-show"], ["show", "-j", "demo/x86-statevmm.kvmsnap"]),
    (["kvmirq-show"], ["show", "-j", "demo/arm64-gicvmm.kvmsnap"]),
    (["kvmirq-diff"], ["diff", "-j", "demo/x86-statevmm-planted.kvmsnap",
                       "demo/x86-testvmm-reconstructed.kvmsnap"]),
    (["kvmirq-check"], ["check", "-j", "demo/x86-testvmm.kvmirq"]),
    (["kvmirq-top"], ["top", "-j", "-i", "demo/x86-testvmm.kvmirq", "-n", "2", "--vm", "1",
                      "--chip", "1"]),
    (["kvmirq-snapshot"], ["snapshot", "-j", "--from", "demo/x86-testvmm.kvmirq", "-o",
                           os.path.join(tmp, "s.kvmsnap")]),
    (["kvmirq-record"], ["record", "-j", "-d", "500ms", "-o", os.path.join(tmp, "r.kvmirq")]),
    (["kvmirq-stat"], ["stat", "-j", "-d", "200ms"]),
    (["kvmirq-probe"], ["probe", "-j"]),
]
# probe's failure (its error key) where the programs cannot load: as nobody
if shutil.which("setpriv"):
    RUNS.append((["kvmirq-probe"], ["probe", "-j"], ["setpriv", "--reuid=65534", "--regid=65534",
                                                      "--clear-groups", "--inh-caps=-all"]))
# stderr: an error, a warning (a recording cut short) and a notice (stat's)
STDERR_RUNS = [["report", "-j", os.path.join(tmp, "missing.kvmirq")], ["report", "-j", cut],
               ["stat", "-j", "-d", "100ms"]]

printed = {}
try:
    for run in RUNS:
        pages, args = run[0], run[1]
        prefix = run[2] if len(run) > 2 else []
        what = "kvmirq " + " ".join(args)
        out = subprocess.run(prefix + [BIN] + args, capture_output=True, text=True)
        try:
            keys = top_level_keys(out.stdout, what)
        except ValueError as e:
            fail(f"{what}: {e}")
            continue
        docs = set().union(*(documented(p) for p in pages))
        if not keys:
            fail(f"{what} printed nothing (exit {out.returncode}): {out.stderr[:200]}")
        elif keys - docs:
            fail(f"{what} prints keys its man page does not document: {sorted(keys - docs)}")
        else:
            passed += 1
        for p in pages:
            printed.setdefault(p, set()).update(keys)
    for page, keys in sorted(printed.items()):
        missing = documented(page) - keys
        if missing:
            fail(f"docs/{page}.1 documents keys no run printed: {sorted(missing)}")
        else:
            passed += 1
    keys = set()
    for args in STDERR_RUNS:
        out = subprocess.run([BIN] + args, capture_output=True, text=True)
        try:
            keys |= top_level_keys(out.stderr, "kvmirq " + " ".join(args) + " (stderr)")
        except ValueError as e:
            fail(str(e))
    if keys == documented("kvmirq"):
        passed += 1
    else:
        fail(f"stderr's keys {sorted(keys)} and kvmirq(1)'s {sorted(documented('kvmirq'))}")
finally:
    shutil.rmtree(tmp)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
