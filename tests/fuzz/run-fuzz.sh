#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fuzz with libFuzzer, or replay the corpora.
#
#   tests/fuzz/run-fuzz.sh [TARGET] [SECONDS]   build TARGET with clang and fuzz it
#                                        (default: tracefile, 300 s)
#   tests/fuzz/run-fuzz.sh --replay      replay tests/fuzz/corpus/* through every
#                                        harness with a plain driver (no libFuzzer;
#                                        $CC, default cc, with ASan/UBSan) -- a
#                                        regression test; prints one final
#                                        "N passed, M failed" line for all of them
#   tests/fuzz/run-fuzz.sh --gen-corpus  regenerate the seed-* files
#
# Targets (harness, corpus directory tests/fuzz/corpus/TARGET):
#   tracefile    fuzz_tracefile_reader.c: the container reader (src/tracefile)
#   event_batch  fuzz_event_batch.c: batch decoder, record check, report code
#   trace_file   fuzz_trace_file.c: whole recordings through trace_in + report
#   snapshot     fuzz_snapshot.c: snapshot files through the reader, show and diff
#
# Environment: BUILD_DIR (default build), CLANG (default clang), CC (default cc),
# JOBS (parallel fuzzing jobs, default 1), and libFuzzer's limits, set on
# purpose rather than left at libFuzzer's defaults (a 1200 s timeout would
# outlast any budget):
#   KVMIRQ_FUZZ_SEED     -seed (default: libFuzzer picks one and prints
#                        "INFO: Seed: N"; give it back to repeat a run)
#   KVMIRQ_FUZZ_TIMEOUT  -timeout, seconds one input may take (default 20:
#                        every corpus input takes well under a second under
#                        ASan, so only a hang reaches it, even on a loaded
#                        machine)
#   KVMIRQ_FUZZ_RSS_MB   -rss_limit_mb and the largest single malloc
#                        (default 2048: a few minutes' run peaks near 500 MB)
# Leaks fail the run (-detect_leaks=1), as crashes, UB (UBSan aborts:
# -fno-sanitize-recover), timeouts and out-of-memory do.
#
# In CI: tests/fuzz/run-budget.sh (tests/run.sh all, or tests/run.sh fuzz)
# fuzzes every target for KVMIRQ_FUZZ_SECONDS each (default 45) and prints
# "N passed, M failed", one check per target.
#
# New inputs found while fuzzing go to $BUILD_DIR/fuzz/corpus-TARGET (not
# the repository). A crash, leak, timeout or OOM input is written to
# $BUILD_DIR/fuzz/TARGET-crash-* (-leak-*, -timeout-*, -oom-*); replay it with
#   $BUILD_DIR/fuzz/fuzz_TARGET FILE      (fuzz_tracefile_reader for tracefile)
# and after fixing it, copy the file into tests/fuzz/corpus/TARGET/ as a
# reproducer. To refresh the committed min-* files after a long run:
#   $BUILD_DIR/fuzz/fuzz_tracefile_reader -merge=1 NEWDIR \
#       tests/fuzz/corpus/tracefile $BUILD_DIR/fuzz/corpus-tracefile
# and copy the new files in (keep each directory under 200 KiB).
#
# Flag and source lists are split into words on purpose:
# shellcheck disable=SC2086,SC2046
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
build=${BUILD_DIR:-build}/fuzz
mkdir -p "$build"

WARN="-std=gnu11 -Wall -Wextra -Werror"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# The event layer needs every user-space library source except the parts that
# load BPF (src/capture, which needs the skeleton, and src/trace/live_capture.c,
# which drives it), the commands and main().
# (trace_out.c also wants KVMIRQ_VERSION, passed on each command line: it is quoted)
EVENT_FLAGS="-Wshadow -Wno-missing-field-initializers -Iinclude -Isrc -D_GNU_SOURCE"
EVENT_SRCS=$(ls src/chips/*.c src/codec/*.c src/model/*.c src/report/*.c \
	src/registry/*.c src/trace/*.c src/tracefile/*.c src/util/*.c src/snapshot/snapshot*.c src/snapshot/diff.c \
	src/snapshot/routing.c | grep -v '^src/trace/live_capture\.c$')
TRACEFILE_FLAGS="-Iinclude -Isrc -Isrc/tracefile"
TRACEFILE_SRCS=$(ls src/tracefile/*.c src/util/varint.c)

# harness source, flags and library sources of a target
harness() {
	case $1 in
	tracefile) echo tests/fuzz/fuzz_tracefile_reader.c ;;
	event_batch | trace_file | snapshot) echo "tests/fuzz/fuzz_$1.c" ;;
	*) echo "unknown target $1 (tracefile, event_batch, trace_file, snapshot)" >&2; exit 2 ;;
	esac
}
flags() { if [ "$1" = tracefile ]; then echo "$TRACEFILE_FLAGS"; else echo "$EVENT_FLAGS"; fi; }
srcs() { if [ "$1" = tracefile ]; then echo "$TRACEFILE_SRCS"; else echo "$EVENT_SRCS"; fi; }

TARGETS="tracefile event_batch trace_file snapshot"

case "${1:-}" in
--replay)
	# One replay binary per harness; each prints "N passed, M failed". A
	# crash aborts that harness's replay (no result line): counted as one
	# failure, and the others still run.
	passed=0 failed=0
	for t in $TARGETS; do
		bin=$build/fuzz_${t}_replay
		${CC:-cc} $WARN -O1 -g $SAN $(flags "$t") -DKVMIRQ_VERSION='"fuzz"' \
			tests/fuzz/fuzz_driver_main.c $(harness "$t") $(srcs "$t") -lz -lm -o "$bin"
		log=$build/replay-$t.log
		if "$bin" "tests/fuzz/corpus/$t" >"$log" 2>&1; then :; fi
		line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
		if [ -z "$line" ]; then
			cat "$log"
			echo "$t: crashed (see above)"
			failed=$((failed + 1))
			continue
		fi
		p=${line%% passed*}
		f=${line#*, }
		f=${f%% failed*}
		if [ "$f" -gt 0 ]; then cat "$log"; fi
		echo "$t: $line"
		passed=$((passed + p))
		failed=$((failed + f))
	done
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
	;;
--gen-corpus)
	${CC:-cc} $WARN -O2 $TRACEFILE_FLAGS tests/fuzz/gen_tracefile_corpus.c \
		$TRACEFILE_SRCS -lz -o "$build/gen_tracefile_corpus"
	"$build/gen_tracefile_corpus" tests/fuzz/corpus/tracefile
	${CC:-cc} $WARN -O2 $EVENT_FLAGS tests/fuzz/gen_event_corpus.c src/tracefile/*.c src/util/varint.c \
		src/codec/batch.c src/codec/layout.c src/codec/names.c -lz \
		-o "$build/gen_event_corpus"
	"$build/gen_event_corpus" demo/x86-testvmm.kvmirq \
		tests/fuzz/corpus/event_batch tests/fuzz/corpus/trace_file
	${CC:-cc} $WARN -O2 $TRACEFILE_FLAGS tests/fuzz/gen_snapshot_corpus.c \
		$TRACEFILE_SRCS -lz -o "$build/gen_snapshot_corpus"
	exec "$build/gen_snapshot_corpus" tests/fuzz/corpus/snapshot demo/*.kvmsnap
	;;
-*)
	sed -n '4,48p' "$0"
	exit 2
	;;
esac

target=tracefile
case "${1:-}" in
'' | *[!0-9]*)
	if [ $# -gt 0 ]; then
		target=$1
		shift
	fi
	;;
esac
secs=${1:-300}
src=$(harness "$target")
bin=fuzz_$target
[ "$target" = tracefile ] && bin=fuzz_tracefile_reader
${CLANG:-clang} $WARN -O1 -g -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer $(flags "$target") \
	-DKVMIRQ_VERSION='"fuzz"' "$src" $(srcs "$target") -lz -lm -o "$build/$bin"
mkdir -p "$build/corpus-$target"
# run from the build directory: with JOBS > 1 libFuzzer writes fuzz-N.log
# files into the current directory
build=$(cd "$build" && pwd)
seeds=$top/tests/fuzz/corpus/$target
cd "$build"
jobs=${JOBS:-1}
if [ "$jobs" -gt 1 ]; then
	par="-jobs=$jobs -workers=$jobs"
else
	par=
fi
# the event harnesses get varint extremes and event constants as a dictionary
dict=
[ "$target" = tracefile ] || dict=-dict=$top/tests/fuzz/event_batch.dict
seed=
[ -n "${KVMIRQ_FUZZ_SEED:-}" ] && seed=-seed=$KVMIRQ_FUZZ_SEED
rss=${KVMIRQ_FUZZ_RSS_MB:-2048}
exec "$build/$bin" -max_total_time="$secs" $seed \
	-timeout="${KVMIRQ_FUZZ_TIMEOUT:-20}" -rss_limit_mb="$rss" -malloc_limit_mb="$rss" \
	-detect_leaks=1 -print_final_stats=1 -artifact_prefix="$build/$target-" $par $dict \
	"$build/corpus-$target" "$seeds"
