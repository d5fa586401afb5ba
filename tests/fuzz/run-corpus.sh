#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Regression test: replay every file in tests/fuzz/corpus/ through the fuzz
# harnesses with a plain main() (no libFuzzer; builds with gcc or clang, with
# ASan/UBSan). Prints "N passed, M failed"; a crash exits non-zero.
set -eu
exec "$(dirname "$0")/run-fuzz.sh" --replay
