# Sourced by scripts/fuzz.sh and scripts/test-sanitizers.sh: configures
# a clang-22 build with ASan, UBSan and libFuzzer coverage (once; later
# calls reuse it). -O1 keeps sanitizer builds quick to compile and still
# fast enough to fuzz.
configure_sanitize_build() {
  local build=$1
  [ -f "$build/build.ninja" ] && return 0
  cmake -G Ninja -S . -B "$build" \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    "-DCMAKE_C_FLAGS_RELEASE=-O1 -gline-tables-only -DNDEBUG" \
    "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -gline-tables-only -DNDEBUG" \
    -DDUPLEX_ENABLE_SANITIZERS=ON -DDUPLEX_ENABLE_FUZZERS=ON >/dev/null
}

# Runtime options of the sanitized binaries (lit passes them to its tests).
# allow_user_poisoning=0: LLVM's BumpPtrAllocator poisons its slabs when its
# inline code is compiled with ASan (our objects) but not when it is not
# (Debian's MLIR libraries), so memory MLIR allocates from a slab our code
# started reads as poisoned: a false positive in code we do not own.
export_sanitizer_options() {
  export ASAN_OPTIONS=${ASAN_OPTIONS:-allow_user_poisoning=0:detect_stack_use_after_return=1:strict_string_checks=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/scripts/lsan.supp:print_suppressions=0}
}
