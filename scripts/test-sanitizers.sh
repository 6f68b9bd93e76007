#!/usr/bin/env bash
# Builds every tool, library and unit test with clang-22, AddressSanitizer
# and UndefinedBehaviorSanitizer into build-sanitize/ and runs the whole test
# suite on it (lit, then ctest). Any sanitizer report fails its test: the
# build does not recover from UBSan errors, and ASan/LSan abort on theirs.
#
#   DUPLEX_JOBS=N   parallel build jobs (default 2)
set -uo pipefail
cd "$(dirname "$0")/.."

build=build-sanitize
source scripts/sanitize-configure.sh
configure_sanitize_build "$build" || exit 1
cmake --build "$build" -j "${DUPLEX_JOBS:-2}" || exit 1

export_sanitizer_options

status=0
echo "== lit (ASan+UBSan) =="
/usr/lib/llvm-22/bin/lit -sv "$build/test" || status=1
echo "== ctest (ASan+UBSan) =="
# doc-examples runs the docs' Python examples, which load the (instrumented)
# extension into Debian's uninstrumented python3: ASan cannot start there.
# They run in the normal build (scripts/test.sh); their duplexc commands are
# the code paths the lit tests above cover.
ctest --test-dir "$build" --output-on-failure -j "${DUPLEX_JOBS:-2}" \
  -E '^doc-examples$' || status=1
exit $status
