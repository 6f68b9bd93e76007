//===- NodeOrder.cpp - validate and order the nodes of a graph ------------===//

#include "NodeOrder.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/Twine.h"

#include "onnx/onnx_pb.h"

#include <queue>

using namespace llvm;
using llvm::Expected;
namespace pb = ::onnx;

std::string duplex::onnx_import::describeNode(const pb::NodeProto &node,
                                              size_t index) {
  if (!node.name().empty())
    return "'" + node.name() + "'";
  std::string label = "#" + std::to_string(index);
  if (node.output_size() > 0)
    label += " (output '" + node.output(0) + "')";
  return label;
}

Expected<std::vector<size_t>>
duplex::onnx_import::sortNodes(const pb::GraphProto &graph,
                               const llvm::StringSet<> &defined,
                               StringRef fileName) {
  auto fail = [&](const Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   (fileName + ": " + message).str());
  };
  size_t count = graph.node_size();
  // Which node produces each value (graph inputs and initializers are
  // `defined`).
  llvm::StringMap<size_t> producer;
  for (size_t i = 0; i < count; ++i) {
    const pb::NodeProto &node = graph.node(int(i));
    for (const std::string &output : node.output()) {
      if (output.empty())
        continue;
      if (defined.count(output))
        return fail("node " + describeNode(node, i) + " (" + node.op_type() +
                    ") redefines '" + output +
                    "', which is a graph input or initializer");
      auto [it, inserted] = producer.try_emplace(output, i);
      if (!inserted)
        return fail("value '" + output + "' is produced by two nodes, " +
                    describeNode(graph.node(int(it->second)), it->second) +
                    " and " + describeNode(node, i));
    }
  }

  std::vector<SmallVector<size_t>> users(count);
  std::vector<size_t> pending(count, 0);
  for (size_t i = 0; i < count; ++i) {
    const pb::NodeProto &node = graph.node(int(i));
    for (const std::string &input : node.input()) {
      if (input.empty() || defined.count(input))
        continue;
      auto it = producer.find(input);
      if (it == producer.end())
        return fail("node " + describeNode(node, i) + " (" + node.op_type() +
                    "): input '" + input +
                    "' is not produced by any node, initializer or graph "
                    "input");
      users[it->second].push_back(i);
      ++pending[i];
    }
  }
  for (const pb::ValueInfoProto &output : graph.output())
    if (!defined.count(output.name()) && !producer.count(output.name()))
      return fail("graph output '" + output.name() +
                  "' is not produced by any node, initializer or graph "
                  "input");

  // Kahn's algorithm, taking the lowest-numbered ready node first so an
  // already sorted graph keeps its order.
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t i = 0; i < count; ++i)
    if (pending[i] == 0)
      ready.push(i);
  std::vector<size_t> order;
  order.reserve(count);
  while (!ready.empty()) {
    size_t i = ready.top();
    ready.pop();
    order.push_back(i);
    for (size_t user : users[i])
      if (--pending[user] == 0)
        ready.push(user);
  }
  if (order.size() == count)
    return order;

  // Every node left waits on another one left: walk back through unresolved
  // inputs until a node repeats, which closes a cycle.
  size_t start = 0;
  while (pending[start] == 0)
    ++start;
  std::vector<size_t> path;
  llvm::DenseMap<size_t, size_t> position;
  size_t current = start;
  while (!position.count(current)) {
    position[current] = path.size();
    path.push_back(current);
    for (const std::string &input : graph.node(int(current)).input()) {
      auto it = producer.find(input);
      if (!input.empty() && it != producer.end() && pending[it->second]) {
        current = it->second;
        break;
      }
    }
  }
  std::string cycle;
  for (size_t k = position[current]; k < path.size(); ++k)
    cycle += describeNode(graph.node(int(path[k])), path[k]) + " -> ";
  cycle += describeNode(graph.node(int(current)), current);
  const pb::NodeProto &node = graph.node(int(current));
  return fail("the graph has a cycle through node " +
              describeNode(node, current) + " (" + node.op_type() +
              "): " + cycle);
}
