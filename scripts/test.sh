#!/usr/bin/env bash
# Runs every test of a built tree (run scripts/setup.sh first): the lit suite
# (IR, import and driver tests) and the GoogleTest unit tests through ctest.
# Prints both summaries and fails if either suite has a failure.
set -uo pipefail
cd "$(dirname "$0")/.."

status=0
echo "== lit =="
/usr/lib/llvm-22/bin/lit -sv build/test || status=1
echo "== ctest =="
ctest --test-dir build --output-on-failure -j "${DUPLEX_JOBS:-2}" || status=1
exit $status
