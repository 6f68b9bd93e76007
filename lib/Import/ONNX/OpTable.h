//===- OpTable.h - the importer's ONNX operator table -----------*- C++ -*-===//
//
// Maps (domain, op_type) to the `onnx` dialect op that imports it. The table
// is built from the dialect's ODS (every op with an ONNX name), so the
// dialect alone decides what is supported; a few aliases cover operators
// registered under two domains.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_LIB_IMPORT_ONNX_OPTABLE_H
#define DUPLEX_LIB_IMPORT_ONNX_OPTABLE_H

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/ADT/StringMap.h"

namespace duplex::onnx_import {

struct OpTableEntry {
  mlir::OperationName name;
  /// Inputs and outputs the schema declares (a minimum when variadic).
  unsigned numInputs;
  unsigned numOutputs;
  bool variadicInputs;
  bool variadicOutputs;
};

class OpTable {
public:
  explicit OpTable(mlir::MLIRContext *context);

  /// The entry of `opType` in `domain` ("" or "ai.onnx" for the standard
  /// domain), or null.
  const OpTableEntry *lookup(llvm::StringRef domain,
                             llvm::StringRef opType) const;

  /// The ai.onnx opsets whose operators the table covers.
  static constexpr int64_t kMinOpset = 11;
  static constexpr int64_t kMaxOpset = 24;

private:
  template <typename OpTy> void add(mlir::MLIRContext *context);
  template <typename... OpTys> void addAll(mlir::MLIRContext *context) {
    (add<OpTys>(context), ...);
  }
  void addAlias(llvm::StringRef domain, llvm::StringRef opType,
                llvm::StringRef targetDomain, llvm::StringRef targetOpType);

  /// Keyed by "domain:op_type" with the standard domain as "".
  llvm::StringMap<OpTableEntry> entries;
};

/// The element type of result `resultIndex` of an op of the table when the
/// model gives no type for it: from the operator's type rule (Cast's `to`,
/// int64 indices, boolean comparisons) or else the first tensor operand's.
mlir::Type inferResultElementType(mlir::OperationName name,
                                  unsigned resultIndex,
                                  mlir::ValueRange operands,
                                  mlir::DictionaryAttr attributes);

} // namespace duplex::onnx_import

#endif // DUPLEX_LIB_IMPORT_ONNX_OPTABLE_H
