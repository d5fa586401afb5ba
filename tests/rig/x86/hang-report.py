#!/usr/bin/env python3
"""Where a hung L1 guest's CPUs are: run-in-l1.sh calls this when the time
limit passes. It asks QEMU's monitor (CTL/monitor.sock) for each vCPU's
registers a few times over, and names the instruction pointers, plus every
kernel-text address found in the top of each stack (a rough backtrace), with
the symbols that L1's init saved in CTL/kallsyms.

With --int3-loop it only samples the vCPUs, a few seconds' worth, and
exits 0 when they spend most of it handling int3: multi-threaded TCG
running a stale translation of patched kernel text (run-in-l1.sh's header)
loops there for ever, and the watchdog need not wait for the time limit.
A healthy L1 handles an int3 for microseconds, while text is patched.

Usage: hang-report.py [--int3-loop] CTL_DIR"""
import bisect
import os
import re
import socket
import sys
import time

int3_loop = sys.argv[1:2] == ["--int3-loop"]
ctl = sys.argv[-1]
# Where a vCPU is while the kernel handles an int3 (x86-64, 6.1 and 6.12).
INT3_PATH = {"asm_exc_int3", "exc_int3", "do_int3", "get_kprobe", "kprobe_int3_handler",
             "poke_int3_handler", "irqentry_nmi_enter", "irqentry_nmi_exit"}


class Monitor:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(path)
        self.read_until_prompt()

    def read_until_prompt(self):
        data = b""
        while not data.endswith(b"(qemu) "):
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            data += chunk
        # the monitor echoes with terminal escapes; keep the printable text
        text = re.sub(rb"\x1b\[[0-9;]*[A-Za-z]", b"", data).decode(errors="replace")
        return text.replace("\r", "")

    def command(self, line):
        self.sock.sendall(line.encode() + b"\n")
        return self.read_until_prompt()


def load_symbols():
    syms = []
    try:
        with open(os.path.join(ctl, "kallsyms")) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3 and parts[1] in "tTwW":
                    name = parts[2] + (" " + parts[3] if len(parts) > 3 else "")
                    syms.append((int(parts[0], 16), name))
    except OSError:
        pass
    syms.sort()
    return syms


SYMS = load_symbols()
ADDRS = [a for a, _ in SYMS]


def name(addr):
    i = bisect.bisect_right(ADDRS, addr) - 1
    if i < 0 or addr - ADDRS[i] > 0x100000:
        return None
    return f"{SYMS[i][1]}+0x{addr - ADDRS[i]:x}"


def in_int3_path(addr):
    sym = name(addr)
    return sym is not None and sym.split("+")[0].split()[0] in INT3_PATH


def int3_loop_check(mon, samples=12):
    """0 when at least half of the vCPUs' samples are in the int3 path."""
    hits = total = 0
    for _ in range(samples):
        rips = re.findall(r"RIP=([0-9a-f]+)", mon.command("info registers -a"))
        total += len(rips)
        hits += sum(in_int3_path(int(r, 16)) for r in rips)
        time.sleep(0.25)
    print(f"int3 path: {hits} of {total} vCPU samples")
    return 0 if total and 2 * hits >= total else 1


def main():
    mon = Monitor(os.path.join(ctl, "monitor.sock"))
    if int3_loop:
        sys.exit(int3_loop_check(mon) if SYMS else 2)
    print(f"symbols: {len(SYMS)} from kallsyms" if SYMS else "symbols: none (no kallsyms saved)")
    for sample in range(5):
        regs = mon.command("info registers -a")
        rips = re.findall(r"RIP=([0-9a-f]+)", regs)
        print(f"sample {sample}: " + ", ".join(f"cpu{i} {r} {name(int(r, 16)) or '?'}"
                                              for i, r in enumerate(rips)))
        time.sleep(0.3)
    regs = mon.command("info registers -a")
    for cpu, block in enumerate(re.split(r"\n(?=CPU#\d+)", regs.strip())):
        m = re.search(r"RSP=([0-9a-f]+)", block)
        flags = re.search(r"EFL=([0-9a-f]+)", block)
        if not m:
            continue
        print(f"\ncpu{cpu}: RSP={m.group(1)} EFLAGS={flags.group(1) if flags else '?'}"
              " (IF is bit 9)")
        mon.command(f"cpu {cpu}")
        dump = mon.command(f"x/96gx 0x{m.group(1)}")
        for word in re.findall(r"0x([0-9a-f]{16})", dump.split("\n", 1)[-1]):
            sym = name(int(word, 16))
            if sym and int(word, 16) >= 0xffffffff80000000:
                print(f"  {word} {sym}")


main()
