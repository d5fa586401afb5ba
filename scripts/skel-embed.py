#!/usr/bin/env python3
"""Put another BPF object into a bpftool skeleton.

Usage: skel-embed.py SKELETON OBJECT > NEW_SKELETON

bpftool (libbpf before 1.5) opens only objects in the build machine's byte
order. A cross build generates the skeleton from a twin object of the same
source in that order (its maps, programs and global data have the same names
and layout) and embeds the target's object here instead of the twin's.
"""
import re
import sys

EM_BPF = 247


def c_string(data):
    """The bytes as the lines of one C string literal, as bpftool writes it."""
    out, line = [], ""
    for b in data:
        line += "\\x%02x" % b
        if len(line) >= 76:
            out.append(line + "\\")
            line = ""
    out.append(line)
    return "\n".join(out)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    skel = open(sys.argv[1]).read()
    obj = open(sys.argv[2], "rb").read()
    order = {1: "little", 2: "big"}.get(obj[5] if len(obj) > 20 else 0)
    if obj[:4] != b"\x7fELF" or order is None or int.from_bytes(obj[18:20], order) != EM_BPF:
        sys.exit(f"{sys.argv[2]}: not a BPF ELF object")
    body = re.compile(r'(__elf_bytes\(size_t \*sz\)\n\{\n\t\*sz = )\d+(;\n\treturn \(const void \*\)"\\\n)'
                      r'.*?(";\n\})', re.S)
    new, n = body.subn(lambda m: m.group(1) + str(len(obj)) + m.group(2) + c_string(obj) + m.group(3), skel)
    if n != 1:
        sys.exit(f"{sys.argv[1]}: expected one embedded object, found {n}")
    sys.stdout.write(new)


main()
