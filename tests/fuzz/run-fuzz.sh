#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fuzz the trace-file reader with libFuzzer, or replay the corpus.
#
#   tests/fuzz/run-fuzz.sh [SECONDS]     build with clang and fuzz (default 300 s)
#   tests/fuzz/run-fuzz.sh --replay      replay tests/fuzz/corpus/tracefile with a
#                                        plain driver (no libFuzzer; $CC, default
#                                        cc, with ASan/UBSan) -- a regression test
#   tests/fuzz/run-fuzz.sh --gen-corpus  regenerate the seed-* files
#
# Environment: BUILD_DIR (default build), CLANG (default clang), CC (default cc),
# JOBS (parallel fuzzing jobs, default 1).
#
# New inputs found while fuzzing go to $BUILD_DIR/fuzz/corpus-tracefile (not
# the repository). A crash is written to $BUILD_DIR/fuzz/crash-*; after fixing
# it, copy the file into tests/fuzz/corpus/tracefile/ as a reproducer. To
# refresh the committed min-* files after a long run:
#   $BUILD_DIR/fuzz/fuzz_tracefile_reader -merge=1 NEWDIR \
#       tests/fuzz/corpus/tracefile $BUILD_DIR/fuzz/corpus-tracefile
# and copy the new files in (keep the directory under 200 KiB).
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
build=${BUILD_DIR:-build}/fuzz
seeds=tests/fuzz/corpus/tracefile
mkdir -p "$build"

case "${1:-}" in
--replay)
	${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -O1 -g \
		-fsanitize=address,undefined -fno-sanitize-recover=undefined \
		-fno-omit-frame-pointer -Iinclude -Isrc/tracefile \
		tests/fuzz/fuzz_driver_main.c tests/fuzz/fuzz_tracefile_reader.c \
		src/tracefile/*.c -lz -o "$build/fuzz_tracefile_replay"
	exec "$build/fuzz_tracefile_replay" "$seeds"
	;;
--gen-corpus)
	${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -O2 -Iinclude -Isrc/tracefile \
		tests/fuzz/gen_tracefile_corpus.c src/tracefile/*.c -lz \
		-o "$build/gen_tracefile_corpus"
	exec "$build/gen_tracefile_corpus" "$seeds"
	;;
-*)
	sed -n '4,19p' "$0"
	exit 2
	;;
esac

secs=${1:-300}
${CLANG:-clang} -std=gnu11 -Wall -Wextra -Werror -O1 -g \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -Iinclude -Isrc/tracefile \
	tests/fuzz/fuzz_tracefile_reader.c src/tracefile/*.c -lz \
	-o "$build/fuzz_tracefile_reader"
mkdir -p "$build/corpus-tracefile"
# run from the build directory: with JOBS > 1 libFuzzer writes fuzz-N.log
# files into the current directory
build=$(cd "$build" && pwd)
seeds=$top/$seeds
cd "$build"
jobs=${JOBS:-1}
if [ "$jobs" -gt 1 ]; then
	par="-jobs=$jobs -workers=$jobs"
else
	par=
fi
# shellcheck disable=SC2086
exec "$build/fuzz_tracefile_reader" -max_total_time="$secs" \
	-print_final_stats=1 -artifact_prefix="$build/" $par \
	"$build/corpus-tracefile" "$seeds"
