#!/usr/bin/env bash
# kvmirq exporter on this host's KVM: while the test VMM runs, /metrics is
# valid exposition format (tests/e2e/check_exposition.py, strict) with the
# VM's series under its pid and KVM's name for it; its per-kind totals equal
# `kvmirq stat`'s over the same run; the VM's series go when it exits while
# the totals stay; the --textfile snapshot is valid and says the same; bad
# requests are answered, not fatal (tests/e2e/http_junk.py).
# Needs root, BPF and /dev/kvm: fails (does not skip) without them.
# Prints "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/native-kvm.sh

# The VMM waits, stopped, until both tools count: they see its whole run.
# Its parent never reaps it, as a VMM's parent may not at once: when it
# exits it stays a zombie, which must not keep its VM's series.
bash -c 'bash -c "kill -STOP \$\$; exec \"\$0\" --hold 4" "$0" & echo $! >"$1"; exec sleep 120' \
	"$vmm" "$tmp/vm.pid" >/dev/null 2>"$tmp/vmm.err" &
pids+=($!)
for _ in $(seq 50); do [[ -s $tmp/vm.pid ]] && break; sleep 0.1; done
vm=$(cat "$tmp/vm.pid"); pids+=("$vm")
for _ in $(seq 50); do [[ $(ps -o stat= -p "$vm") == T* ]] && break; sleep 0.1; done

"$bin" stat -p "$vm" -d $((12 * scale))s >"$tmp/stat.txt" 2>"$tmp/stat.err" &
stat=$!; pids+=("$stat")
"$bin" exporter --listen 127.0.0.1:0 -p "$vm" --textfile "$tmp/kvmirq.prom" --interval 1s \
	-d $((16 * scale))s 2>"$tmp/exporter.err" &
exporter=$!; pids+=("$exporter")
for _ in $(seq $((300 * scale))); do
	grep -q "counting" "$tmp/stat.err" && grep -q "serving" "$tmp/exporter.err" && break
	sleep 0.1
done
port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/exporter.err")
[[ -n $port ]] || { bad "the exporter did not start"; cat "$tmp/exporter.err"; }
kill -CONT "$vm"

scrape() { curl -sf --max-time 5 "http://127.0.0.1:$port/metrics" >"$1"; }
check_format() {
	local out
	out=$(tests/e2e/check_exposition.py "$1" --json "$1.json")
	if [[ $out == ok ]]; then ok; else bad "$2: $out"; fi
}
check() {
	local out
	out=$(python3 -c "$2" "${@:3}" 2>&1)
	if [[ $out == ok ]]; then ok; else bad "$1: $out"; fi
}

# While the VM is held: its own series, under its pid and KVM's "PID-FD".
for _ in $(seq 100); do grep -q "holding the VM" "$tmp/vmm.err" && break; sleep 0.1; done
vm_fd=$(sed -n 's/.*vm fd \([0-9]*\),.*/\1/p' "$tmp/vmm.err")
if scrape "$tmp/live.txt"; then ok; else bad "GET /metrics while the VM runs"; fi
check_format "$tmp/live.txt" "the scrape while the VM runs"
check "the VM's series while it runs" '
import json, sys
s = json.load(open(sys.argv[1]))
pid, name = sys.argv[2], sys.argv[2] + "-" + sys.argv[3]
def pick(n): return [x for x in s if x["name"] == n]
mine = [x for x in pick("kvmirq_vm_events_total") if x["labels"]["vmm_pid"] == pid]
assert mine and all(x["labels"]["vm"] == name for x in mine), mine
by_kind = {x["labels"]["kind"]: x["value"] for x in mine}
assert by_kind.get("kvm_set_irq", 0) > 0 and by_kind.get("kvm_msi_set_irq", 0) > 0, by_kind
total = {x["labels"]["kind"]: x["value"] for x in pick("kvmirq_events_total")}
# every event of the VMM is its VM s but those raised outside a KVM ioctl
assert all(v <= total[k] for k, v in by_kind.items()), (by_kind, total)
gsis = {x["labels"]["gsi"]: x["value"] for x in pick("kvmirq_vm_gsi_events_total")
        if x["labels"]["vm"] == name}
assert sum(gsis.values()) == by_kind["kvm_set_irq"], (gsis, by_kind)
vcpus = [x for x in pick("kvmirq_vm_vcpu_events_total") if x["labels"]["vm"] == name]
assert {x["labels"]["vcpu"] for x in vcpus} == {"0"}, vcpus
assert sum(x["value"] for x in vcpus if x["labels"]["kind"] == "kvm_apic_accept_irq") == \
    by_kind["kvm_apic_accept_irq"], vcpus
ioctls = {(x["labels"]["ioctl"], x["labels"]["result"]): x["value"]
          for x in pick("kvmirq_vm_ioctls_total") if x["labels"]["vm"] == name}
assert ioctls.get(("KVM_IRQ_LINE_STATUS", "ok"), 0) > 0 and ("KVM_IRQFD", "error") in ioctls, ioctls
assert [x["value"] for x in pick("kvmirq_vms")] == [1], pick("kvmirq_vms")
assert all(x["value"] == 1 for x in pick("kvmirq_program_attached")), pick("kvmirq_program_attached")
assert pick("kvmirq_build_info")[0]["labels"]["version"], pick("kvmirq_build_info")
print("ok")' "$tmp/live.txt.json" "$vm" "$vm_fd"

out=$(python3 tests/e2e/http_junk.py "$port" 2>&1)
if [[ $? == 0 ]]; then ok; else bad "bad requests:"; echo "$out"; fi

# Exited but not reaped (a zombie): its VM is gone already.
for _ in $(seq $((100 * scale))); do [[ $(ps -o stat= -p "$vm") == Z* ]] && break; sleep 0.1; done
if [[ $(ps -o stat= -p "$vm") == Z* ]]; then ok; else bad "the VMM did not end as a zombie"; fi
if scrape "$tmp/zombie.txt" && ! grep -q "vmm_pid=\"$vm\"" "$tmp/zombie.txt" &&
	grep -qx 'kvmirq_vms_dropped_total 1' "$tmp/zombie.txt"; then ok; else
	bad "the VM of an exited, unreaped VMM still has series"; fi
wait "$stat"; rc=$?
if ((rc == 0)); then ok; else bad "stat exit $rc"; cat "$tmp/stat.err"; fi
# The VM exited: its series go at this scrape, the totals stay and equal stat's.
if scrape "$tmp/after.txt"; then ok; else bad "GET /metrics after the VM"; fi
check_format "$tmp/after.txt" "the scrape after the VM exited"
same_as_stat='
import json, sys
s = json.load(open(sys.argv[1]))
stat = {}
for line in open(sys.argv[2]):
    f = line.split()
    if len(f) == 3 and f[1].isdigit():
        stat[f[0]] = int(f[1])
total = {x["labels"]["kind"]: int(x["value"]) for x in s if x["name"] == "kvmirq_events_total"}
assert stat and total == stat, (total, stat)
assert stat["kvm_set_irq"] > 0, stat
assert not [x for x in s if x["name"].startswith("kvmirq_vm_")], "VM series left"
one = lambda n: [x["value"] for x in s if x["name"] == n]
assert one("kvmirq_vms") == [0] and one("kvmirq_vms_dropped_total") == [1], (one("kvmirq_vms"), one("kvmirq_vms_dropped_total"))
assert all(x["value"] == 0 for x in s if x["name"] == "kvmirq_dropped_events_total")
print("ok")'
check "totals after the VM exited = stat's" "$same_as_stat" "$tmp/after.txt.json" "$tmp/stat.txt"

wait "$exporter"; rc=$?
if ((rc == 0)); then ok; else bad "exporter exit $rc"; cat "$tmp/exporter.err"; fi
# The last textfile, written at exit: valid, and the same totals.
check_format "$tmp/kvmirq.prom" "the textfile"
check "the textfile's totals = stat's" "$same_as_stat" "$tmp/kvmirq.prom.json" "$tmp/stat.txt"
if [[ -z $(find "$tmp" -name 'kvmirq.prom.*' ! -name '*.json') ]]; then ok; else
	bad "temporary textfiles left: $(ls "$tmp")"; fi
if ! grep -qE "$SANITIZER_REPORT" "$tmp"/*.err; then ok; else bad "sanitizer report"; grep -A5 -E "$SANITIZER_REPORT" "$tmp"/*.err; fi

# Bad options: exit 2, and an address in use: exit 1.
"$bin" exporter >/dev/null 2>&1; rc=$?
if ((rc == 2)); then ok; else bad "no --listen or --textfile: exit $rc"; fi
"$bin" exporter --listen nonsense >/dev/null 2>&1; rc=$?
if ((rc == 1)); then ok; else bad "--listen nonsense: exit $rc"; fi
# A name is refused, not resolved (the static binary has no NSS modules).
"$bin" exporter --listen example.org:9477 -d 1 >/dev/null 2>"$tmp/name.err"; rc=$?
if ((rc == 1)) && grep -q "numeric" "$tmp/name.err"; then ok; else bad "--listen example.org:9477: exit $rc"; fi
# ":PORT" is every address: IPv4 reaches it too, through the IPv6 socket.
"$bin" exporter --listen :0 -d 20 2>"$tmp/any.err" & any=$!
for _ in $(seq 100); do grep -q "serving" "$tmp/any.err" && break; sleep 0.2; done
port=$(sed -nE 's/.*\(port ([0-9]+)\).*/\1/p' "$tmp/any.err")
if [[ -n $port ]] && curl -sf -m 5 "http://127.0.0.1:$port/metrics" | grep -q '^kvmirq_build_info'; then ok; else
	bad ":0 did not answer on 127.0.0.1: $(head -2 "$tmp/any.err")"; fi
kill -INT $any; wait $any

echo "$pass passed, $fail failed"
((fail == 0))
