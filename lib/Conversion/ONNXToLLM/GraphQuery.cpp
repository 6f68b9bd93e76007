//===- GraphQuery.cpp - questions the raise asks of onnx IR ---------------===//

#include "GraphQuery.h"

#include "duplex/Dialect/ONNX/IR/ONNXConstants.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace duplex;
using namespace duplex::raise;

std::optional<WeightRef> duplex::raise::getWeight(Value value) {
  bool transposed = false;
  Type stored;
  for (int depth = 0; depth < 8; ++depth) {
    Operation *def = value.getDefiningOp();
    if (!def)
      return std::nullopt;
    if (auto weight = dyn_cast<ox::WeightOp>(def)) {
      auto type = cast<RankedTensorType>(weight.getType());
      WeightRef ref{weight, SmallVector<int64_t>(type.getShape()),
                    stored ? stored : type.getElementType()};
      if (transposed)
        std::reverse(ref.shape.begin(), ref.shape.end());
      return ref;
    }
    if (isa<ox::IdentityOp, ox::CastOp>(def)) {
      value = def->getOperand(0);
    } else if (auto transpose = dyn_cast<ox::TransposeOp>(def)) {
      transposed = !transposed;
      value = transpose.getData();
    } else if (auto dequantize = dyn_cast<ox::DequantizeLinearOp>(def)) {
      if (auto type = dyn_cast<TensorType>(dequantize.getX().getType()))
        stored = type.getElementType();
      value = dequantize.getX();
    } else {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

bool duplex::raise::isParameterOrConstant(Value value) {
  if (getWeight(value))
    return true;
  for (int depth = 0; depth < 8; ++depth) {
    Operation *def = value.getDefiningOp();
    if (!def)
      return false;
    if (isa<ox::ConstantOp>(def))
      return true;
    if (!isa<ox::IdentityOp, ox::CastOp, ox::UnsqueezeOp, ox::SqueezeOp,
             ox::ReshapeOp>(def))
      return false;
    value = def->getOperand(0);
  }
  return false;
}

using ShapeVector = SmallVector<std::optional<int64_t>>;

static std::optional<ShapeVector> evaluate(Value value, int depth);

/// A scalar or one-element integer tensor.
static std::optional<int64_t> evaluateScalar(Value value, int depth) {
  std::optional<ShapeVector> vector = evaluate(value, depth);
  if (!vector || vector->size() != 1)
    return std::nullopt;
  return vector->front();
}

static std::optional<ShapeVector> evaluate(Value value, int depth) {
  if (depth > 16)
    return std::nullopt;
  if (std::optional<SmallVector<int64_t>> ints = getConstantInts(value)) {
    ShapeVector result;
    for (int64_t v : *ints)
      result.push_back(v);
    return result;
  }
  Operation *def = value.getDefiningOp();
  if (!def)
    return std::nullopt;
  return llvm::TypeSwitch<Operation *, std::optional<ShapeVector>>(def)
      .Case<ox::IdentityOp, ox::CastOp, ox::UnsqueezeOp, ox::SqueezeOp>(
          [&](Operation *op) { return evaluate(op->getOperand(0), depth + 1); })
      .Case([&](ox::ReshapeOp op) { return evaluate(op.getData(), depth + 1); })
      .Case([&](ox::ConcatOp op) -> std::optional<ShapeVector> {
        ShapeVector result;
        for (Value input : op.getInputs()) {
          std::optional<ShapeVector> part = evaluate(input, depth + 1);
          if (!part)
            return std::nullopt;
          result.append(part->begin(), part->end());
        }
        return result;
      })
      .Case([&](ox::ShapeOp op) -> std::optional<ShapeVector> {
        auto type = dyn_cast<RankedTensorType>(op.getData().getType());
        if (!type)
          return std::nullopt;
        int64_t rank = type.getRank();
        int64_t start = op.getStart().value_or(0);
        int64_t end = op.getEnd().value_or(rank);
        start = std::clamp(start < 0 ? start + rank : start, int64_t(0), rank);
        end = std::clamp(end < 0 ? end + rank : end, int64_t(0), rank);
        ShapeVector result;
        for (int64_t i = start; i < end; ++i)
          result.push_back(type.isDynamicDim(i)
                               ? std::nullopt
                               : std::optional<int64_t>(type.getDimSize(i)));
        return result;
      })
      .Case([&](ox::GatherOp op) -> std::optional<ShapeVector> {
        std::optional<ShapeVector> data = evaluate(op.getData(), depth + 1);
        std::optional<SmallVector<int64_t>> indices =
            getConstantInts(op.getIndices());
        if (!indices)
          return std::nullopt;
        ShapeVector result;
        for (int64_t index : *indices) {
          if (!data) {
            result.push_back(std::nullopt);
            continue;
          }
          int64_t size = data->size();
          if (index < 0)
            index += size;
          if (index < 0 || index >= size)
            return std::nullopt;
          result.push_back((*data)[index]);
        }
        return result;
      })
      .Case<ox::AddOp, ox::SubOp, ox::MulOp, ox::DivOp>(
          [&](Operation *op) -> std::optional<ShapeVector> {
            std::optional<int64_t> lhs =
                evaluateScalar(op->getOperand(0), depth + 1);
            std::optional<int64_t> rhs =
                evaluateScalar(op->getOperand(1), depth + 1);
            if (!lhs || !rhs)
              return ShapeVector{std::nullopt};
            int64_t result = 0;
            if (isa<ox::AddOp>(op))
              result = *lhs + *rhs;
            else if (isa<ox::SubOp>(op))
              result = *lhs - *rhs;
            else if (isa<ox::MulOp>(op))
              result = *lhs * *rhs;
            else if (*rhs != 0)
              result = *lhs / *rhs;
            else
              return ShapeVector{std::nullopt};
            return ShapeVector{result};
          })
      .Case([&](ox::WhereOp op) -> std::optional<ShapeVector> {
        // torch's `x.reshape(shape)` guard: Where(Equal(s, -1), 1, s).
        std::optional<ShapeVector> other = evaluate(op.getY(), depth + 1);
        if (!other)
          return std::nullopt;
        ShapeVector result;
        for (std::optional<int64_t> v : *other)
          result.push_back(v && *v == -1 ? std::nullopt : v);
        return result;
      })
      .Default([](Operation *) { return std::nullopt; });
}

std::optional<ShapeVector> duplex::raise::evaluateShape(Value value) {
  return evaluate(value, 0);
}

std::optional<llm::DType> duplex::raise::toDType(Type type) {
  if (type.isF32())
    return llm::DType::f32;
  if (type.isF16())
    return llm::DType::f16;
  if (type.isBF16())
    return llm::DType::bf16;
  if (isa<Float8E4M3FNType, Float8E4M3FNUZType, Float8E5M2Type,
          Float8E5M2FNUZType, Float8E8M0FNUType>(type))
    return llm::DType::fp8;
  if (type.isInteger(8))
    return llm::DType::int8;
  if (type.isInteger(4) || isa<Float4E2M1FNType>(type))
    return llm::DType::int4;
  return std::nullopt;
}

llm::DType duplex::raise::getDType(Value value, llm::DType fallback) {
  if (auto type = dyn_cast<TensorType>(value.getType()))
    if (std::optional<llm::DType> dtype = toDType(type.getElementType()))
      return *dtype;
  return fallback;
}

std::optional<int64_t> duplex::raise::getStaticDim(Value value, int64_t dim) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type)
    return std::nullopt;
  if (dim < 0)
    dim += type.getRank();
  if (dim < 0 || dim >= type.getRank() || type.isDynamicDim(dim))
    return std::nullopt;
  return type.getDimSize(dim);
}

std::string duplex::raise::getONNXName(Operation *op) {
  if (auto custom = dyn_cast<ox::CustomOp>(op))
    return (custom.getDomain().empty() ? "" : custom.getDomain() + ".").str() +
           custom.getOpType().str();
  return op->getName().stripDialect().str();
}

std::string duplex::raise::getNodeName(Operation *op) {
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    return name.getName().str();
  return "";
}
