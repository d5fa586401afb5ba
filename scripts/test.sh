#!/usr/bin/env bash
# Every test: installs what it needs, builds, runs unit, BPF, docs, fuzz
# corpus and real-KVM rig tests. The last line is "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test
make -s tests
exec tests/run.sh all
