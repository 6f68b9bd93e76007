//===- Stage.cpp - stage specs --------------------------------------------===//

#include "duplex/Support/Stage.h"

#include "llvm/ADT/StringExtras.h"

using namespace llvm;

namespace duplex {

uint64_t Stage::tokens() const {
  uint64_t total = decodeContexts.size();
  for (uint64_t prompt : prefillTokens)
    total += prompt;
  return total;
}

static void appendRuns(std::string &out, StringRef kind,
                       ArrayRef<uint64_t> lengths) {
  for (size_t i = 0; i < lengths.size();) {
    size_t j = i;
    while (j < lengths.size() && lengths[j] == lengths[i])
      ++j;
    // Appended piece by piece: a serving run spells out every stage it
    // prices (the spelling seeds its routing draw).
    if (!out.empty())
      out += ',';
    out += kind;
    out += '=';
    out += utostr(j - i);
    out += '@';
    out += utostr(lengths[i]);
    i = j;
  }
}

std::string Stage::str() const {
  std::string out;
  appendRuns(out, "prefill", prefillTokens);
  appendRuns(out, "decode", decodeContexts);
  return out;
}

static Error specError(StringRef spec, StringRef entry, const Twine &why) {
  return createStringError(inconvertibleErrorCode(), "invalid stage spec '" +
                                                         spec + "': entry '" +
                                                         entry + "' " + why);
}

// Requests and lengths beyond these are certainly typos and would make the
// stage's token count overflow.
static constexpr uint64_t kMaxRequests = 1u << 20;
static constexpr uint64_t kMaxLength = 1u << 24;
// The prompt tokens of one stage: MoE routing samples each one's experts,
// so prefill=1048576@16777216 (1.8e13 tokens) ran for days. 2^27 is the
// serving loop's prompt-token limit for a whole run.
static constexpr uint64_t kMaxPrefillTokens = uint64_t(1) << 27;

Expected<Stage> parseStageSpec(StringRef spec) {
  Stage stage;
  uint64_t prefillTokens = 0;
  if (spec.trim().empty())
    return createStringError(
        inconvertibleErrorCode(),
        "invalid stage spec '': expected entries like 'decode=64@1024' or "
        "'prefill=2@4096,decode=62@1024'");
  SmallVector<StringRef, 4> entries;
  spec.split(entries, ',');
  for (StringRef rawEntry : entries) {
    StringRef entry = rawEntry.trim();
    auto [kind, rest] = entry.split('=');
    auto [countText, lengthText] = rest.split('@');
    if (kind != "prefill" && kind != "decode")
      return specError(spec, entry, "must start with 'prefill=' or 'decode='");
    if (!rest.contains('@'))
      return specError(spec, entry,
                       "must be KIND=COUNT@LENGTH, e.g. 'decode=64@1024'");
    uint64_t count, length;
    if (!to_integer(countText.trim(), count, 10) || count == 0 ||
        count > kMaxRequests)
      return specError(spec, entry,
                       "has a request count that is not a positive integer "
                       "up to " +
                           Twine(kMaxRequests));
    if (!to_integer(lengthText.trim(), length, 10) || length == 0 ||
        length > kMaxLength)
      return specError(spec, entry,
                       "has a length that is not a positive integer up to " +
                           Twine(kMaxLength));
    // The cap holds for the whole stage: a few hundred entries at the cap
    // would otherwise take gigabytes.
    if (stage.requests() + count > kMaxRequests)
      return specError(spec, entry,
                       "brings the stage past " + Twine(kMaxRequests) +
                           " requests");
    // count <= 2^20 and length <= 2^24: the product fits.
    if (kind == "prefill" &&
        (prefillTokens += count * length) > kMaxPrefillTokens)
      return specError(spec, entry,
                       "brings the stage past " + Twine(kMaxPrefillTokens) +
                           " prompt tokens");
    auto &lengths =
        kind == "prefill" ? stage.prefillTokens : stage.decodeContexts;
    lengths.append(count, length);
  }
  return stage;
}

} // namespace duplex
