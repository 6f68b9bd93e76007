#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, with clang-22, ASan and UBSan) into
# build-sanitize/ and runs each for SECONDS (default 60): first on its
# regression inputs (fuzz/regressions/<target>, each must pass), then
# fuzzing from its seed corpus (fuzz/corpus/<target>; new inputs collect in
# build-sanitize/fuzz-corpus/<target>), with the target's dictionary
# (fuzz/dictionaries/<target>.dict) and inputs up to MAX_LEN bytes. Prints
# one line per target (runs, CPU seconds, edges and features covered, corpus
# size) and fails if any target crashes, leaks, times out or runs out of
# memory; the input that did it lands in build-sanitize/fuzz-artifacts/<target>/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#   DUPLEX_JOBS=N          parallel build jobs (default 2)
#   DUPLEX_FUZZ_MAX_LEN=N  largest input tried (default 131072 bytes: the
#                          seeds go to 64 KiB, deep nesting needs room)
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift $(($# > 0 ? 1 : 0))
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(onnx-binary-fuzzer onnx-text-fuzzer hf-config-fuzzer device-fuzzer
           trace-fuzzer stage-spec-fuzzer dialect-parser-fuzzer
           sweep-spec-fuzzer)
fi

build=build-sanitize
source scripts/sanitize-configure.sh
configure_sanitize_build "$build" || exit 1
cmake --build "$build" -j "${DUPLEX_JOBS:-2}" --target "${targets[@]}" ||
  exit 1

export_sanitizer_options
status=0
for target in "${targets[@]}"; do
  corpus=$build/fuzz-corpus/$target
  artifacts=$build/fuzz-artifacts/$target
  log=$build/fuzz-logs/$target.log
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  regressions=(fuzz/regressions/"$target"/*)
  if [ -e "${regressions[0]}" ] &&
    ! "$build/fuzz/$target" "${regressions[@]}" >"$log" 2>&1; then
    echo "$target: FAILED on a regression input (log: $log)"
    tail -n 30 "$log"
    status=1
    continue
  fi
  dictionary=()
  [ -f "fuzz/dictionaries/$target.dict" ] &&
    dictionary=(-dict="fuzz/dictionaries/$target.dict")
  TIMEFORMAT='%U %S'
  cpu=$( { time "$build/fuzz/$target" -max_total_time="$seconds" \
    -max_len="${DUPLEX_FUZZ_MAX_LEN:-131072}" "${dictionary[@]}" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" "fuzz/corpus/$target" \
    >"$log" 2>&1; } 2>&1)
  rc=$?
  cpu=$(awk '{printf "%.1f", $1 + $2}' <<<"$cpu")
  runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
  size=$(ls "$corpus" | wc -l)
  # The last status line: "#N ... cov: EDGES ft: FEATURES corp: ...".
  coverage=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
  if ((rc != 0)); then
    echo "$target: CRASHED after ${cpu}s CPU (log: $log, input in $artifacts)"
    grep -E "ERROR|SUMMARY|fuzz check failed|error message" "$log" | head -n 5
    status=1
  else
    echo "$target: ${runs:-?} runs in ${cpu}s CPU, ${coverage:-cov: ?}," \
      "corpus of $size inputs"
  fi
done
exit $status
