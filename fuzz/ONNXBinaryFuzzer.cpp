//===- ONNXBinaryFuzzer.cpp - fuzz the binary ONNX importer ---------------===//

#include "ONNXImportFuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return duplex::fuzz::fuzzONNXImport(data, size, "fuzz.onnx");
}
