"""The outputs of one boot of a rig (run.sh --out DIR) as a checker reads
them, and the counting checks every checker prints: "PASS ..." or
"FAIL ..." per check, then "N passed, M failed", which tests/run.sh reads."""

import re

# What the kernel prints when it breaks. Each has a colon or a space, which
# the base64 of the files the rigs send back over the console never has
# ("Oops" or "BUG" alone turn up in it by chance).
KERNEL_TROUBLE = re.compile(r"Oops[: ]|BUG: |kernel BUG at|Kernel panic|Internal error: ")


class RigOutputs:
    def __init__(self, out):
        self.out = out
        self.passed = self.failed = 0

    def check(self, ok, what):
        print(("PASS " if ok else "FAIL ") + what)
        self.passed += bool(ok)
        self.failed += not ok
        return ok

    def read(self, name):
        """The file NAME of the outputs, or "" when it is not there."""
        try:
            return open(f"{self.out}/{name}", errors="replace").read()
        except OSError:
            return ""

    def kernel_trouble(self):
        """The console's first kernel oops, BUG or panic line, or None."""
        for line in self.read("console.log").splitlines():
            if KERNEL_TROUBLE.search(line):
                return line.strip()
        return None

    def finish(self):
        """Print the count line; the exit status: 1 when a check failed."""
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0
