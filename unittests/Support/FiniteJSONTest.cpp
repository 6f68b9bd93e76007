//===- FiniteJSONTest.cpp - no inf or nan reaches an output ---------------===//

#include "duplex/Support/FiniteJSON.h"

#include "gtest/gtest.h"

#include <limits>

using namespace duplex;
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

namespace {

std::string message(const Value &value) {
  llvm::Error error = requireFiniteJSON(value, "the report");
  return error ? llvm::toString(std::move(error)) : "";
}

TEST(FiniteJSONTest, FiniteValuesPass) {
  EXPECT_EQ(message(Object{{"a", 1.5},
                           {"b", Array{1, 2.5, "text", nullptr, true}},
                           {"c", Object{{"d", -1e308}}}}),
            "");
}

// The path names the first non-finite number in key order.
TEST(FiniteJSONTest, NamesThePath) {
  double inf = std::numeric_limits<double>::infinity();
  double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(message(Object{{"ttft_s", Object{{"p99", inf}, {"p50", 1.0}}}}),
            "the report has a non-finite value (inf) at $.ttft_s.p99: a "
            "model, device or workload number drove the arithmetic out of "
            "range (docs/device-format.md lists the device bounds)");
  EXPECT_NE(message(Array{1.0, Object{{"x", Array{0.0, nan}}}})
                .find("(nan) at $[1].x[1]"),
            std::string::npos);
  EXPECT_NE(
      message(Object{{"b", -inf}, {"a", Object{{"z", nan}}}}).find("at $.a.z"),
      std::string::npos);
}

} // namespace
