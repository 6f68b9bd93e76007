//===- TensorInfoTest.cpp - ONNX tensor sizes, types and locations --------===//

#include "TensorInfo.h"

#include "mlir/IR/MLIRContext.h"
#include "onnx/onnx_pb.h"

#include "gtest/gtest.h"

#include <cstdint>

using namespace duplex::onnx_import;

namespace {

TEST(TensorInfo, ElementCounts) {
  EXPECT_EQ(getNumElements({}), 1u);
  EXPECT_EQ(getNumElements({8192, 28672}), 234881024u);
  EXPECT_EQ(getNumElements({0, 5}), 0u);
  EXPECT_EQ(getNumElements({-1, 4}), std::nullopt);
  // 2^32 * 2^32 overflows; 2^31 * 2^32 does not.
  EXPECT_EQ(getNumElements({int64_t(1) << 32, int64_t(1) << 32}), std::nullopt);
  EXPECT_EQ(getNumElements({int64_t(1) << 31, int64_t(1) << 32}), uint64_t(1)
                                                                      << 63);
}

TEST(TensorInfo, ByteSizesPackSubByteTypes) {
  EXPECT_EQ(getByteSize(128256ull * 8192, 16), 2101346304u); // bf16 table
  EXPECT_EQ(getByteSize(7, 4), 4u); // int4: two per byte, rounded up
  EXPECT_EQ(getByteSize(9, 1), 2u); // bits
  EXPECT_EQ(getByteSize(uint64_t(1) << 61, 32), uint64_t(1) << 63);
  EXPECT_EQ(getByteSize(uint64_t(1) << 62, 32), std::nullopt);
  EXPECT_EQ(getByteSize(uint64_t(1) << 60, 8), uint64_t(1) << 60);
}

TEST(TensorInfo, ExternalLocationsStayUnderTheModel) {
  EXPECT_EQ(checkExternalLocation("model.onnx.data"), "");
  EXPECT_EQ(checkExternalLocation("weights/layer0.bin"), "");
  EXPECT_EQ(checkExternalLocation("a..b/c"), ""); // not a '..' component
  EXPECT_NE(checkExternalLocation(""), "");
  EXPECT_NE(checkExternalLocation("/etc/passwd"), "");
  EXPECT_NE(checkExternalLocation("C:\\weights.bin"), "");
  EXPECT_NE(checkExternalLocation("\\\\server\\share\\w.bin"), "");
  EXPECT_NE(checkExternalLocation("../w.bin"), "");
  EXPECT_NE(checkExternalLocation("data/../../w.bin"), "");
  EXPECT_NE(checkExternalLocation("data\\..\\w.bin"), "");
}

TEST(TensorInfo, ElementTypes) {
  mlir::MLIRContext context;
  EXPECT_TRUE(getElementType(&context, 1).isF32());
  EXPECT_TRUE(getElementType(&context, 16).isBF16());
  EXPECT_TRUE(getElementType(&context, 22).isInteger(4));
  EXPECT_TRUE(getElementType(&context, 2).isUnsignedInteger(8));
  EXPECT_FALSE(getElementType(&context, 0));  // UNDEFINED
  EXPECT_FALSE(getElementType(&context, 99)); // not a data type
  EXPECT_EQ(getDataTypeName(10), "FLOAT16");
}

TEST(TensorInfo, ReadsExternalDataFields) {
  onnx::TensorProto tensor;
  auto add = [&](const char *key, const char *value) {
    auto *entry = tensor.add_external_data();
    entry->set_key(key);
    entry->set_value(value);
  };
  add("location", "w.bin");
  add("offset", "4096");
  ExternalData data;
  EXPECT_EQ(readExternalData(tensor, data), "");
  EXPECT_EQ(data.location, "w.bin");
  EXPECT_EQ(data.offset, 4096u);
  EXPECT_EQ(data.length, std::nullopt);

  onnx::TensorProto noLocation;
  ExternalData unused;
  EXPECT_NE(readExternalData(noLocation, unused), "");
}

TEST(TensorInfo, DecodesInlineValuesAndCountsThem) {
  mlir::MLIRContext context;
  auto type =
      mlir::RankedTensorType::get({3}, mlir::IntegerType::get(&context, 64));
  onnx::TensorProto tensor;
  tensor.set_data_type(onnx::TensorProto::INT64);
  tensor.add_dims(3);
  for (int64_t v : {0, -1, 16})
    tensor.add_int64_data(v);
  std::string error;
  mlir::DenseElementsAttr values = decodeTensor(tensor, type, error);
  ASSERT_TRUE(values) << error;
  EXPECT_EQ(values.getValues<int64_t>()[1], -1);

  // The same values as little-endian raw bytes.
  onnx::TensorProto raw;
  raw.set_data_type(onnx::TensorProto::INT64);
  raw.add_dims(3);
  std::string bytes(24, '\0');
  bytes[0] = 0;
  for (int i = 8; i < 16; ++i)
    bytes[i] = '\xff';
  bytes[16] = 16;
  raw.set_raw_data(bytes);
  values = decodeTensor(raw, type, error);
  ASSERT_TRUE(values) << error;
  EXPECT_EQ(values.getValues<int64_t>()[1], -1);
  EXPECT_EQ(values.getValues<int64_t>()[2], 16);

  onnx::TensorProto shortTensor;
  shortTensor.set_data_type(onnx::TensorProto::INT64);
  shortTensor.add_int64_data(1);
  EXPECT_FALSE(decodeTensor(shortTensor, type, error));
  EXPECT_EQ(error, "declares 3 elements but holds 1");
}

} // namespace
