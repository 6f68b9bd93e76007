#!/usr/bin/env bash
# Runs every test of a built tree (run scripts/setup.sh first): the lit suite
# (IR, import and driver tests), the GoogleTest unit tests and the
# documentation's examples through ctest, and the Python package's tests
# (pytest). Prints each summary and fails if any part has a failure. The
# sanitizer build (scripts/test-sanitizers.sh) and the fuzz smoke
# (scripts/fuzz.sh) are CI's (.ci/run), not this script's.
set -uo pipefail
cd "$(dirname "$0")/.."

status=0
echo "== lit =="
/usr/lib/llvm-22/bin/lit -sv build/test || status=1
echo "== ctest =="
ctest --test-dir build --output-on-failure -j "${DUPLEX_JOBS:-2}" || status=1
echo "== pytest =="
PYTHONDONTWRITEBYTECODE=1 DUPLEX_BUILD_DIR="$PWD/build" \
  /usr/bin/python3 -m pytest -q -p no:cacheprovider python/tests || status=1
exit $status
