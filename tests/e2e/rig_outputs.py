"""The outputs of one boot of a rig (run.sh --out DIR) as a checker reads
them, and the counting checks every checker prints: "PASS ..." or
"FAIL ..." per check, then "N passed, M failed", which tests/run.sh reads."""


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

    def finish(self):
        """Print the count line; the exit status: 1 when a check failed."""
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0
