//===- StageSpecFuzzer.cpp - fuzz the stage-spec parser -------------------===//
//
// An accepted spec must survive a round trip through its canonical form.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include "duplex/Support/Stage.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace duplex;
  auto stage = parseStageSpec(fuzz::asText(data, size));
  if (!stage) {
    fuzz::requireNamedError(stage.takeError(), "invalid stage spec '");
    return 0;
  }
  auto again = parseStageSpec(stage->str());
  fuzz::require(bool(again), "the canonical form of a spec does not parse");
  fuzz::require(again->prefillTokens == stage->prefillTokens &&
                    again->decodeContexts == stage->decodeContexts,
                "the canonical form of a spec is another stage");
  return 0;
}
