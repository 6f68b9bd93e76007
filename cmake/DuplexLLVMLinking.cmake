# How Duplex's libraries and tools link LLVM and MLIR: DUPLEX_LLVM_LIBS,
# DUPLEX_MLIR_LIBS, and DUPLEX_MLIR_OPT_MAIN_LIBS for duplex-opt alone.
#
#   DUPLEX_LINK_LLVM_STATIC=ON (default)  LLVM's and MLIR's static component
#       libraries. Only the objects a tool uses are linked, and nothing is
#       resolved at load time: `duplexc --version` starts in about 10 ms.
#   DUPLEX_LINK_LLVM_STATIC=OFF  Debian's libMLIR.so and libLLVM.so. Loading
#       them binds about 52,000 symbols and runs LLVM's static constructors:
#       about 110 ms before main, a fifth of a whole Azure-trace simulation.
#
# The two are never mixed in one binary (each would register LLVM's
# command-line options again). Debian builds its MLIR component libraries
# against libLLVM.so (their imported targets name `LLVM`); with static linking
# that name is replaced, on every imported MLIR target, by the LLVM component
# libraries below.

option(DUPLEX_LINK_LLVM_STATIC
       "Link LLVM and MLIR from their static component libraries" ON)

if(NOT DUPLEX_LINK_LLVM_STATIC)
  set(DUPLEX_LLVM_LIBS LLVM)
  set(DUPLEX_MLIR_LIBS MLIR)
  set(DUPLEX_MLIR_OPT_MAIN_LIBS MLIR)
  return()
endif()

# add_llvm_executable and add_mlir_*_library then map their LINK_COMPONENTS to
# static libraries instead of naming the dylib.
set(LLVM_LINK_LLVM_DYLIB OFF)
llvm_map_components_to_libnames(DUPLEX_LLVM_LIBS Support Demangle Remarks)

foreach(target IN LISTS MLIR_EXPORTED_TARGETS)
  if(NOT TARGET ${target} OR target STREQUAL "MLIR")
    continue()
  endif()
  get_target_property(type ${target} TYPE)
  if(NOT type STREQUAL "STATIC_LIBRARY" AND NOT type STREQUAL "INTERFACE_LIBRARY")
    continue()
  endif()
  get_target_property(dependencies ${target} INTERFACE_LINK_LIBRARIES)
  if(NOT dependencies)
    continue()
  endif()
  list(TRANSFORM dependencies REPLACE "^LLVM$" "${DUPLEX_LLVM_LIBS}")
  list(TRANSFORM dependencies REPLACE "^\\$<LINK_ONLY:LLVM>$"
       "${DUPLEX_LLVM_LIBS}")
  set_target_properties(${target} PROPERTIES
                        INTERFACE_LINK_LIBRARIES "${dependencies}")
endforeach()

# The MLIR libraries Duplex calls (they pull in what they need themselves):
# builtin IR, the textual parser, passes, the greedy rewriter, the op
# interfaces the dialects implement, and translation registration.
set(DUPLEX_MLIR_LIBS
    MLIRIR MLIRParser MLIRPass MLIRTransformUtils MLIRSideEffectInterfaces
    MLIRInferTypeOpInterface MLIRFunctionInterfaces MLIRControlFlowInterfaces
    MLIRBytecodeOpInterface MLIRTranslateLib)
set(DUPLEX_MLIR_OPT_MAIN_LIBS MLIROptLib)
