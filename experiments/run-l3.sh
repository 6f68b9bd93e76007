#!/usr/bin/env bash
# Regenerates every L3/CHIME result (docs/validation.md): the derived
# device files, the synthetic traces, experiments/results/l3_throughput.*
# and l3_scaling.*, and the quick check of the paper's qualitative claims.
# Deterministic: the same build gives byte-identical CSVs.
#   bash experiments/run-l3.sh [--jobs N]   (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=(--jobs 2)
[ $# -gt 0 ] && jobs=("$@")
python=/usr/bin/python3
$python experiments/l3_devices.py
$python experiments/l3_traces.py
$python experiments/l3_throughput.py "${jobs[@]}"
$python experiments/l3_paper_parallelism.py "${jobs[@]}"
$python experiments/l3_scaling.py "${jobs[@]}"
$python experiments/l3_check.py
