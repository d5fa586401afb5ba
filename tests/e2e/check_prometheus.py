#!/usr/bin/env python3
"""A real Prometheus scraped kvmirq exporter while a QEMU guest ran; kvmirq
stat counted over a window of the same run. Through Prometheus's HTTP API:

  - up{job="kvmirq"} is 1 and the exporter had no scrape errors;
  - for each kind, rate(kvmirq_events_total[W]) at the window's end equals
    stat's count / seconds, within TOLERANCE: the scrapes fall up to one
    scrape interval from each end of stat's window and rate() extrapolates
    over that edge, so each end may miss or add about one interval's events:
    2 x interval / W of the rate, rounded up for scrape jitter under TCG,
    plus two events for the kinds too rare for a fraction to mean anything;
  - the guest's VM has series under QEMU's pid, named PID-FD as KVM names it;
    its serial port's GSI 4 moves; and the man page's "top VMs by injection
    rate" query ranks QEMU first.

  check_prometheus.py URL STAT_JSON STAT_END_UNIX QEMU_PID TOLERANCE
Prints one line per check and "N passed, M failed".
"""
import json
import re
import sys
import urllib.parse
import urllib.request

url, stat_path, stat_end, qemu_pid, tolerance = sys.argv[1:6]
stat_end, tolerance = float(stat_end), float(tolerance)
stat = json.load(open(stat_path))
window = stat["seconds"]
passed = failed = 0


def expect(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok {name}")
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def query(promql, at=stat_end):
    q = urllib.parse.urlencode({"query": promql, "time": f"{at:.3f}"})
    with urllib.request.urlopen(f"{url}/api/v1/query?{q}", timeout=20) as r:
        body = json.load(r)
    if body.get("status") != "success":
        raise RuntimeError(f"{promql}: {body}")
    return body["data"]["result"]


def values(result, label):
    return {s["metric"].get(label, ""): float(s["value"][1]) for s in result}


up = values(query('up{job="kvmirq"}'), "job")
expect("Prometheus scraped the exporter", up.get("kvmirq") == 1.0, up)
errors = values(query("kvmirq_exporter_scrape_errors_total"), "job")
expect("no scrape errors", errors and all(v == 0 for v in errors.values()), errors)

w = f"{round(window)}s"
rates = values(query(f"rate(kvmirq_events_total[{w}])"), "kind")
busy = 0
for kind, count in sorted(stat["counts"].items()):
    want = count / window
    got = rates.get(kind)
    slack = want * tolerance + 2 / window
    busy += count > 0
    expect(f"{kind}: Prometheus {got} per s, stat {want:.2f} per s (+-{slack:.2f})",
           got is not None and abs(got - want) <= slack, f"{count} in {window:.1f} s")
expect("the guest raised interrupts of several kinds", busy >= 4, stat["counts"])

pid = qemu_pid
mine = query(f'kvmirq_vm_events_total{{vmm_pid="{pid}"}}')
names = {s["metric"]["vm"] for s in mine}
expect("the guest's VM has series under QEMU's pid, named PID-FD",
       len(names) == 1 and re.fullmatch(rf"{pid}-\d+", next(iter(names))), names)
vm_rates = values(query(f'rate(kvmirq_vm_events_total{{vmm_pid="{pid}"}}[{w}])'), "kind")
expect("its injections move", vm_rates.get("kvm_apic_accept_irq", 0) > 0, vm_rates)
gsi4 = query(f'rate(kvmirq_vm_gsi_events_total{{vmm_pid="{pid}",gsi="4"}}[{w}])')
expect("its serial port's GSI 4 moves", gsi4 and float(gsi4[0]["value"][1]) > 0, gsi4)
top = query('topk(1, sum by (vmm_pid, vm) '
            f'(rate(kvmirq_vm_events_total{{kind="kvm_apic_accept_irq"}}[{w}])))')
expect("top VMs by injection rate: QEMU first",
       top and top[0]["metric"].get("vmm_pid") == pid, top)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
