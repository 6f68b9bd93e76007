//===- TextParser.cpp - ONNX text through onnx::OnnxParser ----------------===//
//
// Built with C++ exceptions (the rest of Duplex is not): onnx::OnnxParser
// reports most errors as a Status but lets std::stoll and friends throw on
// numbers out of range. Every exception stops here.
//
//===----------------------------------------------------------------------===//

#include "ModelReader.h"

#include "onnx/defs/parser.h"

#include <exception>

std::string duplex::onnx_import::parseONNXText(llvm::StringRef text,
                                               ::onnx::ModelProto &model) {
  try {
    std::string copy = text.str();
    ::onnx::OnnxParser parser(copy.c_str());
    auto status = parser.Parse(model);
    if (!status.IsOK())
      return status.ErrorMessage();
    return "";
  } catch (const std::exception &error) {
    // std::stoll and friends throw on numbers out of range.
    return std::string("the ONNX text parser could not convert a value (") +
           error.what() + ")";
  } catch (...) {
    return "the ONNX text parser failed";
  }
}
