//===- ShapeEvaluationTest.cpp - shape tensors the raise evaluates --------===//

#include "GraphQuery.h"
#include "NormMatcher.h"

#include "duplex/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace duplex::raise;

namespace {

/// The operand the graph returns, in `text` holding one onnx.graph.
class ShapeEvaluation : public ::testing::Test {
protected:
  ShapeEvaluation() { context.loadDialect<duplex::onnx::ONNXDialect>(); }

  Value returned(StringRef text) {
    module = parseSourceString<ModuleOp>(text, &context);
    EXPECT_TRUE(module);
    Operation *ret = nullptr;
    module->walk([&](duplex::onnx::ReturnOp op) { ret = op; });
    return ret->getOperand(0);
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

TEST_F(ShapeEvaluation, TorchViewShape) {
  // view(b, t, 8, 16): Concat of two gathered dimensions and two constants.
  Value shape = returned(R"mlir(
    onnx.graph @g(%x: tensor<?x?x128xf32>) -> (tensor<*xi64>) {
      %s = onnx.Shape %x : (tensor<?x?x128xf32>) -> tensor<*xi64>
      %i0 = onnx.constant dense<0> : tensor<i64>
      %i1 = onnx.constant dense<1> : tensor<i64>
      %a = onnx.constant dense<0> : tensor<1xi64>
      %b = onnx.Gather %s, %i0 : (tensor<*xi64>, tensor<i64>) -> tensor<*xi64>
      %t = onnx.Gather %s, %i1 : (tensor<*xi64>, tensor<i64>) -> tensor<*xi64>
      %none = onnx.none
      %b1 = onnx.Unsqueeze %b, %a : (tensor<*xi64>, tensor<1xi64>) -> tensor<*xi64>
      %t1 = onnx.Unsqueeze %t, %a : (tensor<*xi64>, tensor<1xi64>) -> tensor<*xi64>
      %h = onnx.constant dense<8> : tensor<1xi64>
      %d = onnx.constant dense<16> : tensor<1xi64>
      %shape = onnx.Concat %b1, %t1, %h, %d {axis = 0 : i64} : (tensor<*xi64>, tensor<*xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<*xi64>
      onnx.return %shape : tensor<*xi64>
    })mlir");
  auto value = evaluateShape(shape);
  ASSERT_TRUE(value);
  ASSERT_EQ(value->size(), 4u);
  EXPECT_EQ((*value)[0], std::nullopt);
  EXPECT_EQ((*value)[1], std::nullopt);
  EXPECT_EQ((*value)[2], 8);
  EXPECT_EQ((*value)[3], 16);
}

TEST_F(ShapeEvaluation, StaticDimensionsAndArithmetic) {
  // shape[-1] / 2 of a tensor whose last dimension is static.
  Value half = returned(R"mlir(
    onnx.graph @g(%x: tensor<?x64xf32>) -> (tensor<*xi64>) {
      %s = onnx.Shape %x : (tensor<?x64xf32>) -> tensor<*xi64>
      %last = onnx.constant dense<-1> : tensor<i64>
      %two = onnx.constant dense<2> : tensor<i64>
      %d = onnx.Gather %s, %last : (tensor<*xi64>, tensor<i64>) -> tensor<*xi64>
      %h = onnx.Div %d, %two : (tensor<*xi64>, tensor<i64>) -> tensor<*xi64>
      onnx.return %h : tensor<*xi64>
    })mlir");
  auto value = evaluateShape(half);
  ASSERT_TRUE(value);
  ASSERT_EQ(value->size(), 1u);
  EXPECT_EQ((*value)[0], 32);
}

TEST_F(ShapeEvaluation, UnknownTensorsHaveNoShape) {
  Value input = returned(R"mlir(
    onnx.graph @g(%x: tensor<4xi64>) -> (tensor<4xi64>) {
      onnx.return %x : tensor<4xi64>
    })mlir");
  EXPECT_FALSE(evaluateShape(input));
}

TEST(RoundFromFloat, RecoversTheDecimalAFloatCameFrom) {
  EXPECT_EQ(roundFromFloat(double(1e-5f)), 1e-5);
  EXPECT_EQ(roundFromFloat(double(1e-6f)), 1e-6);
  EXPECT_EQ(roundFromFloat(double(1e-12f)), 1e-12);
  EXPECT_EQ(roundFromFloat(double(0.25f)), 0.25);
  // Doubles that are not floats are kept as they are.
  EXPECT_EQ(roundFromFloat(0.1), 0.1);
}

} // namespace
