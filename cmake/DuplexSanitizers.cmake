# Sanitizer and fuzzing builds (clang only). scripts/test-sanitizers.sh and
# scripts/fuzz.sh configure build-sanitize/ with both options on:
#
#   DUPLEX_ENABLE_SANITIZERS  every Duplex object and binary is built with
#                             AddressSanitizer and UndefinedBehaviorSanitizer;
#                             any report aborts the process (no recovery).
#   DUPLEX_ENABLE_FUZZERS     adds libFuzzer coverage instrumentation to every
#                             object and builds the targets under fuzz/.
#
# Debian's LLVM and MLIR libraries and libprotobuf are not instrumented: their
# allocations are still checked (ASan replaces malloc), their code is not.
option(DUPLEX_ENABLE_SANITIZERS
       "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(DUPLEX_ENABLE_FUZZERS "Build the libFuzzer targets under fuzz/" OFF)

if(DUPLEX_ENABLE_SANITIZERS OR DUPLEX_ENABLE_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "DUPLEX_ENABLE_SANITIZERS and DUPLEX_ENABLE_FUZZERS "
                        "need clang (configure with -DCMAKE_CXX_COMPILER="
                        "clang++-22 -DCMAKE_C_COMPILER=clang-22)")
  endif()
endif()

if(DUPLEX_ENABLE_SANITIZERS)
  set(DUPLEX_SANITIZER_FLAGS
      -fsanitize=address,undefined -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
  add_compile_options(${DUPLEX_SANITIZER_FLAGS})
  add_link_options(${DUPLEX_SANITIZER_FLAGS})
endif()

if(DUPLEX_ENABLE_FUZZERS)
  # Coverage callbacks in every object; only the fuzz targets link libFuzzer
  # (the ASan/UBSan runtimes define the callbacks for the other binaries).
  add_compile_options(-fsanitize=fuzzer-no-link)
  add_link_options(-fsanitize=fuzzer-no-link)
endif()
