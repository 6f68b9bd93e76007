//===- LLMDialect.h - llm dialect -------------------------------*- C++ -*-===//

#ifndef DUPLEX_DIALECT_LLM_IR_LLMDIALECT_H
#define DUPLEX_DIALECT_LLM_IR_LLMDIALECT_H

#include "mlir/IR/Dialect.h"

#include "duplex/Dialect/LLM/IR/LLMDialect.h.inc"

#endif // DUPLEX_DIALECT_LLM_IR_LLMDIALECT_H
