//===- NodeOrder.h - validate and order the nodes of a graph ----*- C++ -*-===//

#ifndef DUPLEX_LIB_IMPORT_ONNX_NODEORDER_H
#define DUPLEX_LIB_IMPORT_ONNX_NODEORDER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace onnx {
class GraphProto;
class NodeProto;
} // namespace onnx

namespace duplex::onnx_import {

/// How messages name node `index`: "'name'" or, for nameless nodes,
/// "#3 (output 'y')".
std::string describeNode(const ::onnx::NodeProto &node, size_t index);

/// The indices of `graph`'s nodes in an order where every node follows the
/// producers of its inputs; an already sorted graph keeps its order. Values
/// in `defined` (graph inputs, initializers) need no producer. Errors, naming
/// `fileName` and the node: a value produced twice or redefining an input,
/// an input nothing produces, a graph output nothing produces, a cycle.
llvm::Expected<std::vector<size_t>> sortNodes(const ::onnx::GraphProto &graph,
                                              const llvm::StringSet<> &defined,
                                              llvm::StringRef fileName);

} // namespace duplex::onnx_import

#endif // DUPLEX_LIB_IMPORT_ONNX_NODEORDER_H
