//===- LLMDialect.cpp - llm dialect registration --------------------------===//

#include "duplex/Dialect/LLM/IR/LLMDialect.h"
#include "duplex/Dialect/LLM/IR/LLMOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace duplex::llm;

#include "duplex/Dialect/LLM/IR/LLMDialect.cpp.inc"
#include "duplex/Dialect/LLM/IR/LLMEnums.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "duplex/Dialect/LLM/IR/LLMTypes.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "duplex/Dialect/LLM/IR/LLMAttrs.cpp.inc"

void LLMDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "duplex/Dialect/LLM/IR/LLMTypes.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "duplex/Dialect/LLM/IR/LLMAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "duplex/Dialect/LLM/IR/LLMOps.cpp.inc"
      >();
}

llvm::StringRef duplex::llm::getDTypeSpellings() {
  static const std::string spellings = [] {
    std::string list;
    for (uint32_t value = 0; value <= getMaxEnumValForDType(); ++value)
      if (std::optional<DType> type = symbolizeDType(value))
        list += (list.empty() ? "" : ", ") + stringifyDType(*type).str();
    return list;
  }();
  return spellings;
}

duplex::hw::DType duplex::llm::getComputeType(DType activation) {
  switch (activation) {
  case DType::f32:
    return hw::DType::FP32;
  case DType::f16:
  case DType::bf16:
    return hw::DType::FP16;
  case DType::fp8:
    return hw::DType::FP8;
  case DType::int8:
    return hw::DType::INT8;
  case DType::int4:
    return hw::DType::INT4;
  case DType::mxfp4:
  case DType::nvfp4:
    return hw::DType::FP4;
  }
  llvm_unreachable("unknown llm::DType");
}

/// Elements per shared scale of a microscaling format, 0 for the others.
static uint64_t scaleBlockOf(DType type) {
  switch (type) {
  case DType::mxfp4:
    return 32;
  case DType::nvfp4:
    return 16;
  default:
    return 0;
  }
}

static constexpr uint64_t kScaleBits = 8; // E8M0 (MXFP4), E4M3 (NVFP4).

uint64_t duplex::llm::getStorageBits(DType type, uint64_t count) {
  uint64_t block = scaleBlockOf(type);
  uint64_t scales = block ? (count + block - 1) / block : 0;
  return count * getDTypeBits(type) + scales * kScaleBits;
}

double duplex::llm::getDTypeStorageBits(DType type) {
  uint64_t block = scaleBlockOf(type);
  return getDTypeBits(type) + (block ? double(kScaleBits) / block : 0.0);
}

unsigned duplex::llm::getDTypeBits(DType type) {
  switch (type) {
  case DType::f32:
    return 32;
  case DType::f16:
  case DType::bf16:
    return 16;
  case DType::fp8:
  case DType::int8:
    return 8;
  case DType::int4:
    return 4;
  case DType::mxfp4:
  case DType::nvfp4:
    // The elements' 4 bits; the shared scales are getStorageBits'.
    return 4;
  }
  llvm_unreachable("unknown llm::DType");
}

LogicalResult ActType::verify(function_ref<InFlightDiagnostic()> emitError,
                              int64_t width) {
  if (width <= 0)
    return emitError() << "'!llm.act' width must be positive, got " << width;
  return success();
}

LogicalResult RopeAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               APFloat theta, int64_t rotaryDim,
                               RopeStyle style, APFloat scaling) {
  if (!(theta.convertToDouble() > 0) || !theta.isFinite())
    return emitError() << "'#llm.rope' theta must be a positive number";
  if (rotaryDim < 0 || rotaryDim % 2 != 0)
    return emitError() << "'#llm.rope' rotary_dim (" << rotaryDim
                       << ") must be even and non-negative";
  if (!(scaling.convertToDouble() > 0) || !scaling.isFinite())
    return emitError() << "'#llm.rope' scaling must be a positive number";
  return success();
}
