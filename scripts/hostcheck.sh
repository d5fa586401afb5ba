#!/bin/sh
# kvmirq on a real KVM host, checked end to end with nothing but static
# binaries and a POSIX shell (grep, sed, awk, sort: busybox will do), and
# one summary block to paste into a bug report. Run it as root.
#
#   hostcheck.sh [--quick] [--keep DIR] [--kvmirq PATH] [--testvmm PATH]
#                [--statevmm PATH] [--compare PATH]
#
# The binaries: given, or beside this script (make hostcheck puts them all
# in build/hostcheck/), or the repository's build/ (build/static/kvmirq or
# build/kvmirq, build/tests/{testvmm,ioctl_compare}, build/static/statevmm or
# build/tests/statevmm).
#
# Checks (each PASS or FAIL with its figure):
#   probe            kvmirq probe: /dev/kvm, BTF, the ioctl strategy, programs
#   kernel table     the test VMM's scripted run: every KVM answer as
#                    tests/vmm/kernel_expect.c expects for this kernel
#   ioctl sequence   that run recorded by kvmirq and compared, ioctl by
#                    ioctl, with the VMM's own log (ioctl_compare)
#   in-process vs ptrace   statevmm's own snapshot equals kvmirq snapshot
#                    --pid of it, the outside snapshot changed nothing, and
#                    a planted difference is found
#   running VMM      snapshots of a VMM in an interrupt storm: all succeed,
#                    the VMM's ioctls all succeed; how long it was stopped
#   storm msi, storm irq_line   the test VMM's storm untraced and under
#                    kvmirq record (best of 3 each): rates, their ratio,
#                    every ioctl recorded or counted as dropped
# --quick: smaller storms and 10 running-VMM snapshots instead of 50.
# Exit status: 0 all passed, 1 a check failed, 2 it could not run.
set -u

quick=0 keep='' K='' T='' S='' C=''
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--keep) keep=$2; shift ;;
	--kvmirq) K=$2; shift ;;
	--testvmm) T=$2; shift ;;
	--statevmm) S=$2; shift ;;
	--compare) C=$2; shift ;;
	*) sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
	shift
done

here=$(cd "$(dirname "$0")" && pwd -P)
first() { # the first of the paths that is an executable file
	for p in "$@"; do [ -x "$p" ] && [ -f "$p" ] && { echo "$p"; return; }; done
	echo "$1"
}
b=$here/../build
[ -n "$K" ] || K=$(first "$here/kvmirq" "$b/static/kvmirq" "$b/kvmirq")
[ -n "$T" ] || T=$(first "$here/testvmm" "$b/tests/testvmm")
[ -n "$S" ] || S=$(first "$here/statevmm" "$b/static/statevmm" "$b/tests/statevmm")
[ -n "$C" ] || C=$(first "$here/ioctl_compare" "$b/tests/ioctl_compare")
for p in "$K" "$T" "$S" "$C"; do
	[ -x "$p" ] || { echo "hostcheck: $p: not found (make hostcheck builds them all)" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "hostcheck: run it as root" >&2; exit 2; }
[ -c /dev/kvm ] || { echo "hostcheck: no /dev/kvm on this host" >&2; exit 2; }

if [ "$quick" = 1 ]; then storm_n=20000 snaps=10; else storm_n=200000 snaps=50; fi
if [ -n "$keep" ]; then
	work=$keep
	mkdir -p "$work" || exit 2
else
	work=$(mktemp -d /tmp/hostcheck.XXXXXX) || exit 2
	trap 'rm -rf "$work"' EXIT
fi
trap 'exit 2' INT TERM

nap() { sleep 0.1 2>/dev/null || sleep 1; }
# wait_for FILE PATTERN PID: until FILE holds PATTERN (PATTERN "": exists) or PID has died
wait_for() {
	i=0
	while [ $i -lt 600 ]; do
		if [ -z "$2" ]; then [ -e "$1" ] && return 0
		else grep -q "$2" "$1" 2>/dev/null && return 0; fi
		kill -0 "$3" 2>/dev/null || return 1
		nap
		i=$((i + 1))
	done
	return 1
}
# start_record FILE ERR [OPTIONS...]: kvmirq record in the background, $rec its pid
start_record() {
	out=$1 err=$2
	shift 2
	"$K" record --force -o "$out" "$@" 2>"$err" &
	rec=$!
	wait_for "$err" "recording to" "$rec"
}
stop_record() {
	kill -INT "$rec" 2>/dev/null
	stop_rc=0
	wait "$rec" || stop_rc=$?
	return $stop_rc
}

results=$work/results details=$work/details
: >"$results"
: >"$details"
passes=0 fails=0
# result PASS|FAIL NAME FIGURE [FILE...]: a FAIL shows the FILEs' lines that matter
result() {
	printf '%-4s %-24s %s\n' "$1" "$2" "$3" >>"$results"
	if [ "$1" = PASS ]; then
		passes=$((passes + 1))
		return
	fi
	fails=$((fails + 1))
	name=$2
	shift 3
	echo "-- $name" >>"$details"
	for f in "$@"; do
		[ -s "$f" ] || continue
		echo "$f:"
		grep -v -e '^[AB] /' -e ' 0 dropped$' -e '^ *$' "$f" | tail -n 12
	done >>"$details"
}
# The number before WORD in FILE's line matching PATTERN.
number_before() { sed -n "/$2/s/.* \([0-9][0-9.]*\) $3.*/\1/p" "$1" | head -n 1; }

# ---- probe ------------------------------------------------------------------
rc=0
"$K" probe >"$work/probe.txt" 2>&1 || rc=$?
strategy=$(sed -n 's/^ioctl strategy: *//p' "$work/probe.txt")
attached=$(grep -c ' attached$' "$work/probe.txt")
unused=$(grep -c ' not used: ' "$work/probe.txt")
btf=$(sed -n 's/^BTF: *//p' "$work/probe.txt")
fentry=
grep -q '^fentry refused' "$work/probe.txt" && fentry=", fentry refused"
grep -q '^kprobe refused' "$work/probe.txt" && fentry="$fentry, kprobe refused"
if [ $rc = 0 ] && grep -q '^/dev/kvm: *present' "$work/probe.txt" && [ -n "$strategy" ]; then
	result PASS probe "strategy $strategy$fentry, BTF $btf, $attached programs attached, $unused not used"
else
	result FAIL probe "exit $rc" "$work/probe.txt"
fi
[ -n "$strategy" ] || strategy=unknown

# ---- kernel table and ioctl sequence ----------------------------------------
"$T" --kernel-table >"$work/kernel-table.txt" 2>&1
rows=$(sed -n 's/^\* \([^|]*\) | [^|]* | \([^|]*\) | \([^|]*\) | \([^|]*\) |.*/\1 = \4 (\2, \3)/p' \
	"$work/kernel-table.txt" | sed 's/ *$//' | tr '\n' ';' | sed 's/;$//; s/;/; /g')
start_record "$work/seq.kvmirq" "$work/seq-record.err"
rc=0
"$T" --log "$work/vmm.jsonl" >/dev/null 2>"$work/vmm.err" || rc=$?
stop_record || true
logged=$(sed -n 's/.*: \([0-9]*\) ioctls logged.*/\1/p' "$work/vmm.err")
if [ $rc = 0 ]; then
	result PASS "kernel table" "$logged ioctls as expected; rows here: $rows"
else
	result FAIL "kernel table" "exit $rc: $(grep -c MISMATCH "$work/vmm.err") mismatches" "$work/vmm.err"
fi
"$K" report --json --timeline "$work/seq.kvmirq" >"$work/report.jsonl" 2>"$work/report.err"
"$C" "$work/vmm.jsonl" "$work/report.jsonl" --strategy "$strategy" >"$work/compare.txt" 2>&1
line=$(tail -n 1 "$work/compare.txt")
p=${line%% passed*}
f=${line#*, }
f=${f%% failed*}
case "$p:$f" in
*[!0-9:]* | :* | *:) result FAIL "ioctl sequence" "ioctl_compare: $line" "$work/seq-record.err" \
	"$work/report.err" "$work/compare.txt" ;;
*) if [ "$f" = 0 ] && [ "$p" -gt 0 ]; then
	result PASS "ioctl sequence" "$p checks passed, 0 failed ($logged ioctls logged)"
else
	result FAIL "ioctl sequence" "$p passed, $f failed" "$work/compare.txt"
fi ;;
esac

# ---- in-process vs ptrace snapshots -----------------------------------------
mkdir -p "$work/state"
"$S" "$work/state" --hold 2>"$work/state.err" &
vmm=$!
snap_rc=1 same=1 after=1
if wait_for "$work/state/ready" "" "$vmm"; then
	snap_rc=0
	"$K" snapshot --pid "$vmm" -o "$work/state/ptrace.kvmsnap" 2>"$work/state-snapshot.err" ||
		snap_rc=$?
fi
kill -TERM "$vmm" 2>/dev/null
vmm_rc=0
wait "$vmm" || vmm_rc=$?
d() { "$K" diff "$work/state/$1.kvmsnap" "$work/state/$2.kvmsnap" >"$work/diff-$2.txt" 2>&1; }
d inprocess ptrace && same=0
d inprocess after && after=0
d inprocess copied || same=1
d inprocess planted
planted=$?
fields=$(number_before "$work/diff-ptrace.txt" "differences" fields)
found=$(grep -c -e 'redir\[4\]\.vector' -e 'redir\[4\]\.masked' -e 'irr\[3\]\.vectors' \
	"$work/diff-planted.txt")
if [ $snap_rc = 0 ] && [ $vmm_rc = 0 ] && [ $same = 0 ] && [ $after = 0 ] && [ $planted = 1 ] &&
	[ "$found" = 3 ]; then
	result PASS "in-process vs ptrace" "equal in $fields fields; unchanged after; planted 3 of 3 found"
else
	result FAIL "in-process vs ptrace" "snapshot exit $snap_rc, VMM exit $vmm_rc, differ $same, changed $after, planted exit $planted with $found of 3" \
		"$work/state.err" "$work/state-snapshot.err" "$work"/diff-*.txt
fi

# ---- snapshots of a running VMM ---------------------------------------------
"$T" --storm 2000000000 --kind irq_line >"$work/running.out" 2>&1 &
vmm=$!
has_vcpu() { # PID: it holds a vCPU fd (its storm's set-up is done)
	for fd in /proc/"$1"/fd/*; do
		case $(readlink "$fd" 2>/dev/null) in *kvm-vcpu*) return 0 ;; esac
	done
	return 1
}
i=0
while ! has_vcpu "$vmm" && kill -0 "$vmm" 2>/dev/null && [ $i -lt 300 ]; do
	nap
	i=$((i + 1))
done
failed_snaps=0
: >"$work/running-snapshots.err"
i=1
while [ $i -le $snaps ]; do
	"$K" snapshot --pid "$vmm" -o "$work/running-$i.kvmsnap" 2>>"$work/running-snapshots.err" ||
		failed_snaps=$((failed_snaps + 1))
	i=$((i + 1))
done
alive=0
kill -0 "$vmm" 2>/dev/null && alive=1
kill -TERM "$vmm" 2>/dev/null
vmm_rc=0
wait "$vmm" || vmm_rc=$?
stops=$(sed -n 's/.*VMM stopped \([0-9.]*\) ms.*/\1/p' "$work/running-snapshots.err" | sort -n)
nstops=$(echo "$stops" | grep -c .)
stop_fig=$(echo "$stops" | awk '{ v[NR] = $1 } END {
	if (NR) printf "min %s, median %s, max %s ms", v[1], v[int((NR + 1) / 2)], v[NR] }')
storm_errors=$(sed -n 's/.*errors=\([0-9]*\).*/\1/p' "$work/running.out")
if [ $failed_snaps = 0 ] && [ "$nstops" = $snaps ] && [ $alive = 1 ] && [ $vmm_rc = 0 ] &&
	[ "$storm_errors" = 0 ]; then
	result PASS "running VMM snapshots" "$snaps of $snaps, its ioctls unharmed; stopped $stop_fig"
else
	result FAIL "running VMM snapshots" "$((snaps - failed_snaps)) of $snaps, alive $alive, VMM exit $vmm_rc, storm errors ${storm_errors:-?}; stopped $stop_fig" \
		"$work/running.out" "$work/running-snapshots.err"
fi

# ---- storms -----------------------------------------------------------------
# Each rate is the best of $rounds storms: a short storm on a busy host is
# easily slowed, never sped up.
rounds=3
storms() { # KIND FILE: $rounds storms, their lines in FILE; prints the best rate
	: >"$2"
	r=0
	while [ $r -lt $rounds ]; do
		"$T" --storm $storm_n --kind "$1" >>"$2" 2>&1
		r=$((r + 1))
	done
	sed -n 's/.* rate=\([0-9]*\) ioctls.*/\1/p' "$2" | sort -n | tail -n 1
}
for kind in msi irq_line; do
	untraced=$(storms $kind "$work/storm-$kind.txt")
	start_record "$work/storm-$kind.kvmirq" "$work/storm-$kind-record.err"
	traced=$(storms $kind "$work/storm-$kind-traced.txt")
	rec_rc=0
	stop_record || rec_rc=$?
	got=$(awk '$1 == "ioctl" { print $2 + $4 }' "$work/storm-$kind-record.err")
	dropped=$(awk '$1 == "ioctl" { print $4 }' "$work/storm-$kind-record.err")
	fig=$(awk -v u="${untraced:-0}" -v t="${traced:-0}" 'BEGIN {
		printf "untraced %.0f/s, recorded %.0f/s, ratio %.2f", u, t, u ? t / u : 0 }')
	errors=$(cat "$work/storm-$kind.txt" "$work/storm-$kind-traced.txt" | grep -c 'errors=0$')
	if [ "$errors" = $((2 * rounds)) ] && [ $rec_rc = 0 ] &&
		[ "${got:-0}" -ge $((rounds * storm_n)) ]; then
		result PASS "storm $kind" "$fig; $rounds x $storm_n ioctls recorded, ${dropped:-?} dropped"
	else
		result FAIL "storm $kind" "$fig; record exit $rec_rc, ${got:-0} of $storm_n ioctls counted" \
			"$work/storm-$kind.txt" "$work/storm-$kind-traced.txt" "$work/storm-$kind-record.err"
	fi
done

# ---- the summary ------------------------------------------------------------
cpu=$(sed -n 's/^model name[^:]*: *//p' /proc/cpuinfo | head -n 1)
[ -n "$cpu" ] || cpu=$(sed -n 's/^cpu[^:]*: *//p' /proc/cpuinfo | head -n 1) # powerpc
ncpu=$(grep -c '^processor' /proc/cpuinfo)
flags=$(grep -m 1 '^flags' /proc/cpuinfo)
virt=none
case " $flags " in *" vmx "*) virt=vmx ;; *" svm "*) virt=svm ;; esac
module=
for m in kvm_pvm kvm_intel kvm_amd; do [ -d /sys/module/$m ] && module="$module $m"; done
linkage=static
# a dynamic binary names its loader (.interp) in its first kilobyte
dd if="$K" bs=1024 count=1 2>/dev/null | grep -q 'ld-linux' && linkage=dynamic
version=$("$K" --version 2>&1 | head -n 1)
echo "==== kvmirq hostcheck: paste from here ===="
echo "kernel:   $(uname -r) $(uname -m)"
echo "cpu:      ${cpu:-?} ($ncpu CPUs), virtualization $virt, KVM modules:${module:- none}"
echo "kvmirq:   $version ($linkage), ioctl strategy $strategy$fentry"
echo "mode:     $([ $quick = 1 ] && echo quick || echo full), storms of $storm_n ioctls, $snaps running-VMM snapshots"
cat "$results"
if [ $fails = 0 ]; then echo "RESULT:   PASS ($passes of $passes checks)"
else echo "RESULT:   FAIL ($fails of $((passes + fails)) checks failed)"; fi
if [ $fails != 0 ]; then
	echo "---- what failed"
	sed "s|$work/||" "$details"
fi
echo "==== kvmirq hostcheck: to here ===="
[ -n "$keep" ] && echo "hostcheck: files kept in $work" >&2
[ $fails = 0 ]
