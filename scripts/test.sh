#!/usr/bin/env bash
# Runs every test of a built tree (run scripts/setup.sh first): the lit suite
# (IR, import and driver tests), the GoogleTest unit tests and the
# documentation's examples through ctest, the Python package's tests (pytest)
# and a fuzz smoke (scripts/fuzz.sh). Prints each summary and fails if any
# part has a failure.
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
# A short run of every fuzz target (ASan+UBSan, clang-22, in build-sanitize/)
# on its seeds and regression inputs; DUPLEX_FUZZ_SECONDS=0 skips it.
fuzz_seconds=${DUPLEX_FUZZ_SECONDS:-15}
if ((fuzz_seconds > 0)); then
  echo "== fuzz smoke (${fuzz_seconds} s per target) =="
  bash scripts/fuzz.sh "$fuzz_seconds" || status=1
fi
exit $status
