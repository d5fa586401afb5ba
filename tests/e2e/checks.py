"""Counting checks for the end-to-end scripts: each check passes or prints
why it failed, and finish() prints the "N passed, M failed" line the test
runner reads and returns the exit status."""


class Checks:
    def __init__(self, label="FAIL"):
        self.passed = self.failed = 0
        self.label = label

    def __call__(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(self.label, what)
        return ok

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0

