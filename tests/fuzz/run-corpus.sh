#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Regression test: replay every file in tests/fuzz/corpus/*/ through its fuzz
# harness with a plain main() (no libFuzzer; builds with gcc or clang, with
# ASan/UBSan): tracefile/ (the container reader), event_batch/ (the event-batch
# decoder, record check and report code), trace_file/ (whole recordings through
# trace_in and the report code). Prints a line per harness, then one final
# "N passed, M failed" line for all; a crash exits non-zero.
set -eu
exec "$(dirname "$0")/run-fuzz.sh" --replay
