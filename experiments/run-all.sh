#!/usr/bin/env bash
# Regenerates every experiment's CSV and PNG under experiments/results, the
# L3 device files and traces, the 2025-model study, and the generated tables
# of docs/validation.md and docs/studies.md.
# Deterministic: the same build gives byte-identical CSVs. Build first:
# bash scripts/setup.sh.
#
#   bash experiments/run-all.sh [--jobs N]
set -euo pipefail
cd "$(dirname "$0")"
python=/usr/bin/python3
for experiment in calibrate_gpu trtllm_serving duplex_throughput duplex_latency \
    duplex_bankpim duplex_energy gpu_time_breakdown duplex_qps \
    duplex_ablation; do
  echo "== $experiment"
  "$python" "$experiment.py" "$@"
done
echo "== claims"
"$python" check_duplex_claims.py "$@"
echo "== L3"
bash run-l3.sh "$@"
echo "== study_2025"
"$python" study_2025.py "$@"
echo "== docs/validation.md, docs/studies.md"
"$python" summarize.py
