//===- DxOps.cpp - dx dialect operations ----------------------------------===//

#include "duplex/Dialect/Dx/IR/DxOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <functional>

using namespace mlir;
using namespace duplex::dx;

#define GET_OP_CLASSES
#include "duplex/Dialect/Dx/IR/DxOps.cpp.inc"

/// Times and sizes are finite and >= 0: an inf or nan would run through
/// the evaluator into every total.
static bool isFiniteNonNegative(const APFloat &value) {
  return value.isFinite() && !value.isNegative();
}

LogicalResult TransferOp::verify() {
  if (getFrom() == getTo())
    return emitOpError() << "moves a value from '" << getFrom()
                         << "' to itself";
  if (!isFiniteNonNegative(getBytes()) || !isFiniteNonNegative(getSeconds()))
    return emitOpError("bytes and seconds must be finite and not negative");
  return success();
}

//===----------------------------------------------------------------------===//
// Schedules
//===----------------------------------------------------------------------===//

static constexpr llvm::StringLiteral kTaskCategories[] = {
    "fc",  "attention_prefill", "attention_decode",
    "moe", "communication",     "other"};

LogicalResult TaskOp::verify() {
  if (!llvm::is_contained(kTaskCategories, getCategory()))
    return emitOpError() << "category '" << getCategory()
                         << "' is not one of fc, attention_prefill, "
                            "attention_decode, moe, communication, other";
  if (!isFiniteNonNegative(getSeconds()))
    return emitOpError() << "seconds must be finite and not negative";
  return success();
}

/// Finds a dependency cycle among the tasks of `body` (graph regions allow
/// them syntactically; no schedule can run one). Depth-first with an
/// explicit stack: a chain of 100,000 dependent tasks must not overflow the
/// call stack.
static Operation *findCycle(Block &body) {
  enum class Mark { None, Active, Done };
  llvm::DenseMap<Operation *, Mark> marks;
  // (op, index of the next operand to follow)
  SmallVector<std::pair<Operation *, unsigned>, 32> stack;
  for (Operation &root : body) {
    if (marks.lookup(&root) != Mark::None)
      continue;
    marks[&root] = Mark::Active;
    stack.push_back({&root, 0});
    while (!stack.empty()) {
      auto &[op, next] = stack.back();
      if (next == op->getNumOperands()) {
        marks[op] = Mark::Done;
        stack.pop_back();
        continue;
      }
      Operation *producer = op->getOperand(next++).getDefiningOp();
      if (!producer)
        continue;
      Mark mark = marks.lookup(producer);
      if (mark == Mark::Active)
        return producer;
      if (mark == Mark::None) {
        marks[producer] = Mark::Active;
        stack.push_back({producer, 0});
      }
    }
  }
  return nullptr;
}

LogicalResult ScheduleOp::verify() {
  llvm::SmallDenseSet<StringRef> units;
  for (Attribute unit : getUnits())
    units.insert(cast<StringAttr>(unit).getValue());
  for (Operation &op : getBody().front()) {
    auto task = dyn_cast<TaskOp>(op);
    if (task && !units.contains(task.getUnit()))
      return task.emitOpError()
             << "runs on '" << task.getUnit()
             << "', which is not a unit of the schedule's system (units: "
             << getUnits() << ")";
  }
  if (Operation *cycle = findCycle(getBody().front()))
    return cycle->emitOpError("is part of a dependency cycle");
  return success();
}
