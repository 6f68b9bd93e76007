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

LogicalResult TransferOp::verify() {
  if (getFrom() == getTo())
    return emitOpError() << "moves a value from '" << getFrom()
                         << "' to itself";
  if (getBytes().isNegative() || getSeconds().isNegative())
    return emitOpError("bytes and seconds must not be negative");
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
  if (getSeconds().isNegative())
    return emitOpError() << "seconds must not be negative";
  return success();
}

/// Finds a dependency cycle among the tasks of `body` (graph regions allow
/// them syntactically; no schedule can run one).
static Operation *findCycle(Block &body) {
  enum class Mark { None, Active, Done };
  llvm::DenseMap<Operation *, Mark> marks;
  std::function<Operation *(Operation *)> visit =
      [&](Operation *op) -> Operation * {
    Mark &mark = marks[op];
    if (mark == Mark::Done)
      return nullptr;
    if (mark == Mark::Active)
      return op;
    mark = Mark::Active;
    for (Value dependency : op->getOperands())
      if (Operation *producer = dependency.getDefiningOp())
        if (Operation *cycle = visit(producer))
          return cycle;
    marks[op] = Mark::Done;
    return nullptr;
  };
  for (Operation &op : body)
    if (Operation *cycle = visit(&op))
      return cycle;
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
