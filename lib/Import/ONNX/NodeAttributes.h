//===- NodeAttributes.h - ONNX attributes as MLIR attributes ----*- C++ -*-===//

#ifndef DUPLEX_LIB_IMPORT_ONNX_NODEATTRIBUTES_H
#define DUPLEX_LIB_IMPORT_ONNX_NODEATTRIBUTES_H

#include "mlir/IR/Location.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/Support/Error.h"

namespace onnx {
class NodeProto;
} // namespace onnx

namespace duplex::onnx_import {

/// Converts the attributes of `node` (number `index`, at `loc`) by their
/// ONNX type: INT -> i64, FLOAT -> f32, STRING -> string, INTS/FLOATS ->
/// dense arrays, STRINGS -> array of strings, TENSOR -> dense elements (up
/// to `inlineLimit` bytes, else an error naming `fileName` and the node).
/// Subgraph attributes set `hasSubgraph` and are not kept; other kinds
/// (types, sparse tensors) are dropped with a warning.
llvm::Error convertAttributes(const ::onnx::NodeProto &node, size_t index,
                              mlir::Location loc, llvm::StringRef fileName,
                              uint64_t inlineLimit,
                              mlir::NamedAttrList &attributes,
                              bool &hasSubgraph);

} // namespace duplex::onnx_import

#endif // DUPLEX_LIB_IMPORT_ONNX_NODEATTRIBUTES_H
