#!/usr/bin/env python3
"""Cut what a rig's guest printed on its serial console into files.

usage: split-console.py OUT_DIR [--commands]

Reads OUT_DIR/console.log (rig-init.c's markers, console_file.h's files) and
writes into OUT_DIR:
  run-N.log, run-N.status   the output and exit status of command line N
  wait-NAME.status          the status of background command NAME
  NAME                      each file printed between KVMIRQ-FILE-BEGIN and
                            KVMIRQ-FILE-END, checked against its size and CRC-32
  expect.json               the KVMIRQ-EXPECT line (the e500 MPIC VMM's)
Exits non-zero when a file is garbled, or (without --commands: the VMM was
/init) when there was no file at all."""
import base64
import sys
import zlib


def main():
    out, commands = sys.argv[1], "--commands" in sys.argv[2:]
    text = open(out + "/console.log", "rb").read().decode("latin-1")
    name, chunks, files, run, run_lines = None, [], 0, None, []
    for line in text.replace("\r", "").split("\n"):
        if line.startswith("KVMIRQ-RUN-BEGIN "):
            run, run_lines = line.split()[1], []
        elif line.startswith("KVMIRQ-RUN-END ") and run == line.split()[1]:
            open(f"{out}/run-{run}.log", "w").write("\n".join(run_lines) + "\n")
            open(f"{out}/run-{run}.status", "w").write(line.split()[2] + "\n")
            run = None
        elif line.startswith("KVMIRQ-WAIT "):
            _, job, status = line.split()
            open(f"{out}/wait-{job}.status", "w").write(status + "\n")
        elif run is not None and name is None and not line.startswith("KVMIRQ-FILE-BEGIN "):
            run_lines.append(line)
        if line.startswith("KVMIRQ-FILE-BEGIN "):
            name, chunks = line.split()[1], []
        elif line.startswith("KVMIRQ-FILE-END ") and name:
            _, n, size, crc = line.split()
            data = base64.b64decode("".join(chunks))
            if n != name or len(data) != int(size) or zlib.crc32(data) != int(crc, 16):
                sys.exit(f"{name}: {len(data)} bytes, crc {zlib.crc32(data):08x}; "
                         f"the guest said {size}, {crc}")
            open(f"{out}/{name}", "wb").write(data)
            name, files = None, files + 1
        elif name:
            chunks.append(line.strip())
        elif line.startswith("KVMIRQ-EXPECT "):
            open(out + "/expect.json", "w").write(line[len("KVMIRQ-EXPECT "):] + "\n")
    if files == 0 and not commands:
        sys.exit("no file on the console")


main()
