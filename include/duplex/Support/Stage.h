//===- Stage.h - one serving stage of a continuous-batching server -*-  ---===//
//
// A stage is one forward pass over a batch that mixes prefill requests (each
// processes its prompt, or a chunk of it) and decode requests (one new token
// each, attending over its context). Written on the command line as a stage
// spec:
//
//   decode=64@1024                    64 decode requests at context 1024
//   prefill=2@4096,decode=62@1024     a mixed stage
//   prefill=1@4096,prefill=1@512      entries of one kind may repeat
//
// Plain C++ (LLVM Support only): the passes, the simulator and the Python
// module share it.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SUPPORT_STAGE_H
#define DUPLEX_SUPPORT_STAGE_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace duplex {

struct Stage {
  /// Tokens each prefill request processes in this stage (its prompt).
  llvm::SmallVector<uint64_t, 8> prefillTokens;
  /// Context length (tokens already in the KV cache) of each decode request.
  llvm::SmallVector<uint64_t, 8> decodeContexts;

  /// Tokens the stage pushes through the model: prompt tokens plus one per
  /// decode request.
  uint64_t tokens() const;
  /// Requests in the stage (each produces one logit row).
  uint64_t requests() const {
    return prefillTokens.size() + decodeContexts.size();
  }
  bool empty() const { return requests() == 0; }
  bool isDecodeOnly() const { return prefillTokens.empty() && !empty(); }
  bool isPrefillOnly() const { return decodeContexts.empty() && !empty(); }

  /// The canonical spec: runs of equal lengths grouped, prefill first.
  std::string str() const;
};

/// Parses a stage spec (see above). Errors quote the spec and the entry.
llvm::Expected<Stage> parseStageSpec(llvm::StringRef spec);

} // namespace duplex

#endif // DUPLEX_SUPPORT_STAGE_H
