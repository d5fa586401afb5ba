#!/usr/bin/env python3
"""A minimal QMP client: run one command against a QEMU's QMP socket.

  qmp.py SOCKET COMMAND [ARGUMENTS-AS-JSON]

Prints the command's "return" value as JSON; exits 1 on a QMP error or when
the socket cannot be reached.
"""
import json
import socket
import sys


def qmp(path, command, arguments=None, timeout=30):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    f = s.makefile("rw")
    json.loads(f.readline())  # greeting
    f.write(json.dumps({"execute": "qmp_capabilities"}) + "\n")
    f.flush()
    while True:
        reply = json.loads(f.readline())
        if "return" in reply or "error" in reply:
            break
    msg = {"execute": command}
    if arguments:
        msg["arguments"] = arguments
    f.write(json.dumps(msg) + "\n")
    f.flush()
    while True:
        reply = json.loads(f.readline())
        if "return" in reply or "error" in reply:
            s.close()
            return reply


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        reply = qmp(argv[1], argv[2], json.loads(argv[3]) if len(argv) > 3 else None)
    except (OSError, ValueError) as e:
        print(f"qmp.py: {argv[1]}: {e}", file=sys.stderr)
        return 1
    if "error" in reply:
        print(f"qmp.py: {argv[2]}: {reply['error']}", file=sys.stderr)
        return 1
    print(json.dumps(reply["return"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
