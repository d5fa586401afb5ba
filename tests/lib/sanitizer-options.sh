# Sourced, from the repository root, by the suites that run the ASan/UBSan
# build of kvmirq (tests/lib/sanitized-cli.sh, tests/cli/test-top-tmux.sh):
# the sanitizers' options, and $SANITIZER_REPORT, the pattern of a report.
# shellcheck shell=bash

# A report ends the program with SIGABRT, status 134, which no kvmirq exit
# status is, so a check that reads only the status fails on it too. (With
# abort_on_error=0 the status was 1, a file kvmirq could not read: a
# bad-input check that wanted 1 passed over the report.) UBSan reads its own
# options, hence abort_on_error in both; the build's -fno-sanitize-recover
# (SANFLAGS in the Makefile) makes every UBSan check fatal.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
# ASan's and LSan's reports name a Sanitizer; GCC's UBSan prints only
# "FILE:LINE:COL: runtime error: ..." and no summary.
export SANITIZER_REPORT='Sanitizer|runtime error:'
