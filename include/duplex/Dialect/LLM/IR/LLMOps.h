//===- LLMOps.h - llm dialect types, attributes and ops ---------*- C++ -*-===//

#ifndef DUPLEX_DIALECT_LLM_IR_LLMOPS_H
#define DUPLEX_DIALECT_LLM_IR_LLMOPS_H

#include "duplex/Dialect/Common/FieldParsers.h"
#include "duplex/Dialect/LLM/IR/LLMDialect.h"
#include "duplex/Dialect/LLM/IR/LLMWork.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "duplex/Dialect/LLM/IR/LLMEnums.h.inc"

namespace duplex::llm {
/// Storage size of one element of `type`, in bits (int4 packs two per byte).
unsigned getDTypeBits(DType type);
/// Bits that `count` weights of `type` occupy: their elements, and for the
/// microscaling formats one 8-bit scale per block (MXFP4: E8M0 per 32,
/// OCP MX spec; NVFP4: E4M3 per 16, NVIDIA's NVFP4).
uint64_t getStorageBits(DType type, uint64_t count);
/// The same per weight, on average (MXFP4 4.25, NVFP4 4.5): what a kernel
/// streams per weight.
double getDTypeStorageBits(DType type);
/// The arithmetic type of work whose activations are `activation`: fp16
/// for 16-bit ones (bf16 has the same peak wherever both are listed), fp4
/// for MXFP4/NVFP4. A unit without it computes at a wider type it has
/// (hw::Unit::computeTypeFor).
hw::DType getComputeType(DType activation);
/// Every DType's spelling, comma-separated, from the enum itself (for
/// option help and error messages).
llvm::StringRef getDTypeSpellings();

/// The most experts one MoE layer may have: 2^20, the largest published
/// design (PEER, He 2024: 1024^2 experts). The simulator keeps state per
/// expert; 2^31 experts took 24 GB before it was stopped. llm.moe verifies
/// it; the HF config reader checks it first to name the config's field.
constexpr uint64_t kMaxExperts = uint64_t(1) << 20;
} // namespace duplex::llm

#define GET_TYPEDEF_CLASSES
#include "duplex/Dialect/LLM/IR/LLMTypes.h.inc"

#define GET_ATTRDEF_CLASSES
#include "duplex/Dialect/LLM/IR/LLMAttrs.h.inc"

#include "duplex/Dialect/LLM/IR/LLMInterfaces.h.inc"

#define GET_OP_CLASSES
#include "duplex/Dialect/LLM/IR/LLMOps.h.inc"

namespace duplex::llm {
/// What the attention core of a decoder layer appends to the KV cache per
/// token.
struct KVCacheShape {
  int64_t elementsPerToken = 0;
  DType dtype = DType::f16;
};
/// The KV-cache shape of `op` when it is an attention core (llm.attention,
/// llm.mla): one per decoder layer, which is how layers are counted.
std::optional<KVCacheShape> getKVCacheShape(mlir::Operation *op);
/// The parameters of `model`'s weight-bearing ops times their repeat counts
/// (the verifier has checked that they fit 64 bits).
uint64_t countParameters(ModelOp model);
} // namespace duplex::llm

#endif // DUPLEX_DIALECT_LLM_IR_LLMOPS_H
