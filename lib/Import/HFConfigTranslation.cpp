//===- HFConfigTranslation.cpp - `--import-hf-config` registration --------===//

#include "duplex/Dialect/LLM/IR/LLMDialect.h"
#include "duplex/Import/HFConfig.h"

#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;

void duplex::registerHFConfigTranslation() {
  TranslateToMLIRRegistration registration(
      "import-hf-config",
      "Import a Hugging Face config.json as an llm.model (llama, mistral, "
      "mixtral, qwen2, qwen2_moe, grok-1, glam, opt, gpt2, gpt_neox, gptj)",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        auto module = importHFConfig(buffer->getBuffer(),
                                     buffer->getBufferIdentifier(), context);
        if (!module) {
          llvm::WithColor::error(llvm::errs())
              << llvm::toString(module.takeError()) << "\n";
          return nullptr;
        }
        return OwningOpRef<Operation *>(module->release());
      },
      [](DialectRegistry &registry) {
        registry.insert<duplex::llm::LLMDialect>();
      });
}
