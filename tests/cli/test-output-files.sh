#!/usr/bin/env bash
# Output files are safe (issue #16): record refuses an existing FILE unless
# --force, which replaces a file or a symbolic link itself but never a
# directory, FIFO or device; a FILE being recorded is locked and a second
# record refused; a write error (a file size limit, a full filesystem)
# before anything was recorded leaves no file, a later one keeps the
# readable part; a killed recording is readable and
# its drops unknown; --flush-interval is range-checked; snapshot and export
# write whole files or leave the earlier one as it was, with no temporary
# file behind. Real BPF, as root; the ASan/UBSan build. Prints "N passed, M
# failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/sanitized-cli.sh
vmm=build/tests/testvmm
pids=()
trap 'for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null; kill -9 "$p" 2>/dev/null; done
	umount "$tmp/full" 2>/dev/null; rm -rf --one-file-system "$tmp"' EXIT
for need in "$bin" "$vmm"; do
	[[ -x $need ]] || { echo "FAIL: $need is missing (make tests)"; echo "0 passed, 1 failed"; exit 1; }
done
if [[ $(id -u) != 0 ]]; then
	echo "FAIL: needs root (BPF)"; echo "0 passed, 1 failed"; exit 1
fi

# Each record is bounded: a FIFO opened for writing would block the old one.
rec() { timeout 60 $bin record -q --no-key-frames "$@"; }
# check WHAT COMMAND...: counted as a check
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }
# no temporary file (FILE.XXXXXX) beside FILE
no_temp() { compgen -G "$1.??????" >/dev/null && bad "a temporary file left: $(echo "$1".??????)" || ok; }
# a whole recording: report reads it without a warning (checksums, trailer)
whole() {
	local out
	out=$($bin report "$1" 2>&1) && grep -q "kvmirq recording" <<<"$out" &&
		! grep -qi "warning" <<<"$out" && ! grep -qE "$SANITIZER_REPORT" <<<"$out"
}
# the size of FILE's header (its fixed part and body): what a file limit must pass
header_size() { echo $((24 + $(od -An -tu4 -j16 -N4 "$1"))); }

run first 0 -- rec -d 300ms -o "$tmp/a.kvmirq"
check "a first recording reads whole" whole "$tmp/a.kvmirq"
cp "$tmp/a.kvmirq" "$tmp/a.orig"

# An existing file: refused, named, with the way out; left byte for byte.
expect 1 "kvmirq record: .*a\.kvmirq exists: --force replaces it" -- rec -d 300ms -o "$tmp/a.kvmirq"
check "a refused record left the file as it was" cmp -s "$tmp/a.kvmirq" "$tmp/a.orig"
no_temp "$tmp/a.kvmirq"
# --force replaces it with a new whole recording.
run force 0 -- rec -f -d 300ms -o "$tmp/a.kvmirq"
check "--force wrote a new recording" whole "$tmp/a.kvmirq"
check "--force replaced the file" bash -c "! cmp -s '$tmp/a.kvmirq' '$tmp/a.orig'"
no_temp "$tmp/a.kvmirq"

# A symbolic link: refused without --force; with it the link itself is
# replaced, its target never written.
echo "not a recording" >"$tmp/target"
ln -s target "$tmp/link.kvmirq"
expect 1 "link\.kvmirq exists: --force replaces it" -- rec -d 300ms -o "$tmp/link.kvmirq"
check "a refused record left the link" test -L "$tmp/link.kvmirq"
run force-link 0 -- rec --force -d 300ms -o "$tmp/link.kvmirq"
check "--force replaced the link by a file" bash -c "[[ -f '$tmp/link.kvmirq' && ! -L '$tmp/link.kvmirq' ]]"
check "--force left the link's target as it was" grep -qx "not a recording" "$tmp/target"
check "the link's replacement is a whole recording" whole "$tmp/link.kvmirq"

# A directory, a FIFO, a device (and a link to one): never replaced, even
# with --force. The device is this test's own /dev/null (1:3).
mkdir "$tmp/dir"
mkfifo "$tmp/fifo"
mknod "$tmp/null" c 1 3
ln -s null "$tmp/null-link"
for what in dir fifo null null-link; do
	expect 1 "kvmirq record: .*$what: not a regular file" -- rec -f -d 300ms -o "$tmp/$what"
	no_temp "$tmp/$what"
done
check "the directory stays, empty" bash -c "[[ -d '$tmp/dir' && -z \$(ls -A '$tmp/dir') ]]"
check "the FIFO stays" test -p "$tmp/fifo"
check "the device stays" test -c "$tmp/null"
check "the link to the device stays" bash -c "[[ -L '$tmp/null-link' && -c '$tmp/null-link' ]]"

# Two records of one file: the second is refused, even with --force, while
# the first holds the lock; the first's file is whole.
rm -f "$tmp/c.kvmirq"
$bin record -q --no-key-frames -d 4s -o "$tmp/c.kvmirq" 2>"$tmp/c.err" &
first=$!; pids+=("$first")
for _ in $(seq 100); do [[ -s $tmp/c.kvmirq ]] && break; sleep 0.05; done
expect 1 "c\.kvmirq is being written by another process" -- rec -d 300ms -o "$tmp/c.kvmirq"
expect 1 "c\.kvmirq is being written by another process" -- rec -f -d 300ms -o "$tmp/c.kvmirq"
wait "$first"; status=$?
check "the first record ended well (exit $status): $(head -c 300 "$tmp/c.err")" test "$status" = 0
check "the first record's file is whole" whole "$tmp/c.kvmirq"

# A file size limit below the header: record fails with the reason and
# leaves nothing (before, SIGXFSZ killed it and a broken file stayed).
hdr=$(header_size "$tmp/a.kvmirq")
rm -f "$tmp/l.kvmirq"
expect 1 "kvmirq record: .*File too large" -- prlimit --fsize=1024 -- $bin record -q --no-key-frames -d 300ms -o "$tmp/l.kvmirq"
check "a failed header left no file" test ! -e "$tmp/l.kvmirq"
no_temp "$tmp/l.kvmirq"
# Room for the header only: the file had its name, but nothing was recorded
# in it: it goes, rather than stay as an empty recording.
expect 1 "File too large; nothing was recorded and the file is removed" -- \
	prlimit --fsize=$((hdr + 64)) -- $bin record -q --no-key-frames -d 300ms -o "$tmp/l.kvmirq"
check "a recording of nothing left no file" test ! -e "$tmp/l.kvmirq"
no_temp "$tmp/l.kvmirq"

# A full filesystem (a tmpfs of one page, filled): no 0-byte file under
# the final name, from record, snapshot or export, and no temporary file.
mkdir "$tmp/full"
if mount -t tmpfs -o size=4k tmpfs "$tmp/full"; then
	head -c 4096 /dev/zero >"$tmp/full/filler"
	expect 1 "kvmirq record: .*No space left on device" -- rec -d 300ms -o "$tmp/full/r.kvmirq"
	expect 1 "kvmirq snapshot: .*No space left on device" -- \
		$bin snapshot -q --from demo/x86-testvmm.kvmirq -o "$tmp/full/s.kvmsnap"
	# export names the reason, not stdio's "Input/output error"
	for format in perfetto chrome-json; do
		expect 1 "kvmirq export: cannot write the trace: No space left on device" -- \
			$bin export -f $format demo/x86-testvmm.kvmirq -o "$tmp/full/t.$format"
	done
	check "a full filesystem left nothing: $(ls "$tmp/full")" \
		test "$(ls "$tmp/full")" = filler
	umount "$tmp/full"
else
	bad "cannot mount a tmpfs for the full-filesystem checks"
fi

# A limit hit once events were written: tests/bpf/test-record-late-error.sh
# (it needs KVM's events).

# Killed while idle: the file holds its header and no chunk (nothing was
# recorded), which every reader calls cut short before its first event.
# A killed recording with events, readable with its drops unknown, is
# tests/bpf/test-record-late-error.sh's (it needs KVM's events).
$bin record -q --no-key-frames -d 30s -o "$tmp/k.kvmirq" 2>/dev/null &
killed=$!; pids+=("$killed")
for _ in $(seq 100); do [[ -s $tmp/k.kvmirq ]] && break; sleep 0.05; done
sleep 2
kill -9 "$killed"; wait "$killed" 2>/dev/null
check "a killed recording is under its name" test -s "$tmp/k.kvmirq"
expect 1 "cut short before its first event" -- $bin report "$tmp/k.kvmirq"
expect 0 "; 0 dropped" -- $bin report "$tmp/a.kvmirq"
expect 0 '"dropped":0' -- $bin report --json "$tmp/a.kvmirq"

# --flush-interval: from 100ms to 1h.
for v in 99ms 0 1h1ms 2h abc ''; do
	expect 2 "kvmirq record: --flush-interval: " -- rec --flush-interval "$v" -d 300ms -o "$tmp/f.kvmirq"
	check "a refused --flush-interval $v wrote nothing" test ! -e "$tmp/f.kvmirq"
done
run flush-min 0 -- rec --flush-interval 100ms -d 300ms -o "$tmp/f1.kvmirq"
run flush-max 0 -- rec --flush-interval 1h -d 300ms -o "$tmp/f2.kvmirq"
check "a recording with --flush-interval 1h is whole" whole "$tmp/f2.kvmirq"

# snapshot -o: whole or not at all. Under a file size limit the earlier
# snapshot stays byte for byte, and no temporary file is left.
src=demo/x86-testvmm.kvmirq
run snap 0 -- $bin snapshot -q --from $src -o "$tmp/good.kvmsnap"
cp "$tmp/good.kvmsnap" "$tmp/good.orig"
expect 1 "kvmirq snapshot: .*File too large" -- \
	prlimit --fsize=1024 -- $bin snapshot -q --force --from $src -o "$tmp/good.kvmsnap"
check "a failed snapshot left the earlier one as it was" cmp -s "$tmp/good.kvmsnap" "$tmp/good.orig"
no_temp "$tmp/good.kvmsnap"
# An existing snapshot, as an existing recording: refused unless --force,
# before any work (--pid would stop a VMM only to fail after).
expect 1 "kvmirq snapshot: .*good\.kvmsnap exists: --force replaces it" -- \
	$bin snapshot -q --from $src -o "$tmp/good.kvmsnap"
check "a refused snapshot left the file as it was" cmp -s "$tmp/good.kvmsnap" "$tmp/good.orig"
no_temp "$tmp/good.kvmsnap"
expect 1 "kvmirq snapshot: .*good\.kvmsnap exists: --force replaces it" -- \
	$bin snapshot -q --pid $$ -o "$tmp/good.kvmsnap"
echo "not a snapshot" >"$tmp/old.kvmsnap"
run snap-force 0 -- $bin snapshot -q --force --from $src -o "$tmp/old.kvmsnap"
check "--force replaced the file with the snapshot" \
	bash -c "$bin show '$tmp/old.kvmsnap' | grep -q 'recorded'"
echo "not a snapshot" >"$tmp/snap-target"
ln -s snap-target "$tmp/snap-link.kvmsnap"
run snap-link 0 -- $bin snapshot -q --force --from $src -o "$tmp/snap-link.kvmsnap"
check "snapshot --force replaced the link itself" \
	bash -c "[[ ! -L '$tmp/snap-link.kvmsnap' ]] && grep -qx 'not a snapshot' '$tmp/snap-target'"
expect 1 "kvmirq snapshot: .*File too large" -- \
	prlimit --fsize=1024 -- $bin snapshot -q --from $src -o "$tmp/new.kvmsnap"
check "a failed snapshot left no file" test ! -e "$tmp/new.kvmsnap"
no_temp "$tmp/new.kvmsnap"
expect 1 "kvmirq snapshot: .*null: not a regular file" -- $bin snapshot -q --from $src -o "$tmp/null"
check "snapshot left the device as it was" test -c "$tmp/null"
# export -o too (it wrote through a temporary file already): a device
# was replaced by the rename.
expect 1 "kvmirq export: .*null: not a regular file" -- $bin export --force $src -o "$tmp/null"
check "export left the device as it was" test -c "$tmp/null"
no_temp "$tmp/null"
# An existing trace: refused unless --force, as record and snapshot do.
echo "an earlier trace" >"$tmp/t.pftrace"
expect 1 "kvmirq export: .*t\.pftrace exists: --force replaces it" -- $bin export $src -o "$tmp/t.pftrace"
check "a refused export left the file as it was" grep -qx "an earlier trace" "$tmp/t.pftrace"
no_temp "$tmp/t.pftrace"
run export-force 0 -- $bin export --force $src -o "$tmp/t.pftrace"
check "export --force replaced the file" bash -c "! grep -q 'an earlier trace' '$tmp/t.pftrace'"
no_temp "$tmp/t.pftrace"

# An empty file name is bad usage for every writer, not a temporary file
# named .XXXXXX in the current directory.
expect 2 "kvmirq record: --output: an empty file name" -- rec -d 300ms -o ''
expect 2 "kvmirq snapshot: --output: an empty file name" -- $bin snapshot --from $src -o ''
expect 2 "kvmirq export: --output: an empty file name" -- $bin export $src -o ''
check "no temporary file in the current directory" \
	bash -c "! compgen -G '.??????' >/dev/null"

echo "$pass passed, $fail failed"
((fail == 0))
