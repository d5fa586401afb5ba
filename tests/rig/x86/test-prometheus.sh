#!/usr/bin/env bash
# kvmirq exporter and a real Prometheus (Debian's package), in the nested x86
# rig. Inside L1 a real qemu-system-x86_64 -accel kvm runs an L2 guest that
# ticks on its serial port every 200 ms; `kvmirq exporter --listen` serves
# the counters, a Prometheus of our own (its own config, loopback, storage in
# a temp dir) scrapes it every second, and `kvmirq stat -d 30s --json` counts
# over a window of the same run. Prometheus's HTTP API must then give stat's
# rate per kind within the scrapes' granularity, and the guest's VM under
# QEMU's pid (tests/e2e/check_prometheus.py says how close and why).
# Fails loudly when the rig cannot be built or booted, or prometheus is not
# installed (scripts/deps.sh --test).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
root=$(cd "$here/../../.." && pwd -P)
cd "$root"

EXPORTER=127.0.0.1:9477 PROMETHEUS=127.0.0.1:9090
SCRAPE_S=1 WINDOW_S=30 TOLERANCE=0.10 # 2 x SCRAPE_S / WINDOW_S, rounded up

ticks() { local n; n=$(grep -c '^tick' "$1" 2>/dev/null); echo "${n:-0}"; }

if [[ ${1:-} == --inside ]]; then
	out=$2 kernel=$3 initrd=$4
	work=$(mktemp -d) # L1's tmpfs: the TSDB wants a real file system, not 9p
	pids=()
	trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait; rm -rf "$work"' EXIT
	qemu-system-x86_64 -accel kvm -m 256 -smp 2 -display none -monitor none -no-reboot \
		-name guest=prom-guest -kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1" -serial file:"$out/guest.log" 2>/dev/null &
	qemu=$!; pids+=("$qemu")
	build/kvmirq exporter --listen "$EXPORTER" 2>"$out/exporter.err" &
	pids+=($!)
	cat >"$work/prometheus.yml" <<-YML
	global:
	  scrape_interval: ${SCRAPE_S}s
	  scrape_timeout: ${SCRAPE_S}s
	scrape_configs:
	  - job_name: kvmirq
	    static_configs:
	      - targets: ['$EXPORTER']
	YML
	prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
		--web.listen-address="$PROMETHEUS" >"$out/prometheus.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 1200); do (($(ticks "$out/guest.log") >= 3)) && break; sleep 0.1; done
	# every scrape up from here on
	for _ in $(seq 600); do
		curl -sf "http://$PROMETHEUS/api/v1/query?query=up" | grep -q '"value":\[[0-9.]*,"1"\]' &&
			break
		sleep 0.2
	done
	sleep $((3 * SCRAPE_S))
	build/kvmirq stat -d "${WINDOW_S}s" --json >"$out/stat.json" 2>"$out/stat.err" || true
	date +%s.%N >"$out/stat.end"
	sleep $((2 * SCRAPE_S)) # the scrape after the window is in the TSDB
	rc=0
	python3 tests/e2e/check_prometheus.py "http://$PROMETHEUS" "$out/stat.json" \
		"$(cat "$out/stat.end")" "$qemu" "$TOLERANCE" || rc=$?
	exit "$rc"
fi

command -v prometheus >/dev/null || { echo "FAIL: prometheus is not installed (scripts/deps.sh --test)"
	echo "0 passed, 1 failed"; exit 1; }
make -s all >/dev/null
eval "$("$here/build.sh" -q)"
out=$(mktemp -d /var/tmp/kvmirq-prometheus.XXXXXX)
[[ -n ${KVMIRQ_KEEP:-} ]] || trap 'rm -rf "$out"' EXIT
"$here/l2-initrd.sh" "$out/l2.cpio.gz"
"$here/run-in-l1.sh" --tcg-multi --out "$out" --timeout 900 -- \
	"$here/test-prometheus.sh" --inside "$out" "$RIG_X86_KERNEL" "$out/l2.cpio.gz"
