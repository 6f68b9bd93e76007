//===- Simulator.cpp - continuous-batching serving loop -------------------===//

#include "duplex/Serving/Simulator.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <deque>
#include <limits>

using namespace llvm;

namespace duplex::serving {

StageOracle::~StageOracle() = default;

StringRef toString(CostCategory category) {
  static const char *const names[] = {
      "fc",  "attention_prefill", "attention_decode",
      "moe", "communication",     "other"};
  return names[size_t(category)];
}

StringRef toString(StageKind kind) {
  switch (kind) {
  case StageKind::PrefillOnly:
    return "prefill-only";
  case StageKind::Mixed:
    return "mixed";
  case StageKind::DecodeOnly:
    return "decode-only";
  }
  llvm_unreachable("unknown stage kind");
}

namespace {

/// A request while it is being served.
struct Live {
  size_t index = 0; ///< Into the result's records.
  /// Tokens whose KV must be (re)computed before decoding: the prompt, plus
  /// the tokens generated before a preemption.
  uint64_t promptTokens = 0;
  uint64_t prefilled = 0;
  uint64_t generated = 0;
  /// KV-cache tokens held.
  uint64_t kvTokens = 0;
  double lastTokenSeconds = 0;
  uint64_t admissionOrder = 0;
  /// Admitted before (a preempted request keeps its first scheduling time).
  bool scheduled = false;

  bool prefilling() const { return prefilled < promptTokens; }
};

class Loop {
public:
  Loop(ArrayRef<RequestSpec> specs, StageOracle &oracle,
       const ServingOptions &options)
      : specs(specs), oracle(oracle), options(options),
        capacity(oracle.kvCapacityTokens()) {
    result.requests.resize(specs.size());
    for (size_t i = 0; i < specs.size(); ++i) {
      result.requests[i].inputTokens = specs[i].inputTokens;
      // 0: a prefill-only request (a trace row that generated nothing).
      result.requests[i].outputTokens = specs[i].outputTokens;
    }
  }

  Expected<ServingResult> run() {
    if (options.closedLoop) {
      for (uint64_t i = 0; i < options.maxBatch && nextArrival < specs.size();
           ++i)
        arrive(0.0);
    }
    while (finished < specs.size()) {
      if (!options.closedLoop)
        while (nextArrival < specs.size() &&
               specs[nextArrival].arrivalSeconds <= now)
          arrive(specs[nextArrival].arrivalSeconds);
      if (running.empty() && waiting.empty()) {
        if (options.closedLoop || nextArrival >= specs.size())
          break; // Nothing can happen any more.
        now = specs[nextArrival].arrivalSeconds;
        continue;
      }
      if (Error error = step())
        return std::move(error);
      if (options.progress && (++stepsSinceProgress % 256 == 0))
        reportProgress();
    }
    result.simulatedSeconds = now;
    if (options.progress)
      reportProgress();
    return std::move(result);
  }

private:
  void reportProgress() {
    options.progress(
        ServingProgress{finished, specs.size(), now, result.generatedTokens});
  }

  void arrive(double at) {
    size_t index = nextArrival++;
    result.requests[index].arrivalSeconds = at;
    result.requests[index].id = index;
    Live live;
    live.index = index;
    live.promptTokens = std::max<uint64_t>(1, specs[index].inputTokens);
    waiting.push_back(live);
  }

  /// The KV tokens `live` holds once it has generated everything.
  uint64_t wholeLength(const Live &live) const {
    const RequestRecord &record = result.requests[live.index];
    // Saturating: a hostile trace's lengths must not wrap into a fit.
    return SaturatingAdd(std::max<uint64_t>(1, record.inputTokens),
                         record.outputTokens);
  }

  uint64_t kvUsed() const {
    uint64_t used = 0;
    for (const Live &live : running)
      used += live.kvTokens;
    return used;
  }

  /// Frees the most recently admitted request and queues it to recompute
  /// its prompt and the tokens it has generated.
  void preemptLatest() {
    auto latest = std::max_element(running.begin(), running.end(),
                                   [](const Live &a, const Live &b) {
                                     return a.admissionOrder < b.admissionOrder;
                                   });
    Live live = *latest;
    running.erase(latest);
    heldTokens -= live.kvTokens;
    if (options.reserveWholeRequest)
      promisedTokens -= wholeLength(live);
    decodingRequests -= !live.prefilling();
    live.promptTokens =
        std::max<uint64_t>(1, result.requests[live.index].inputTokens) +
        live.generated;
    live.prefilled = 0;
    live.kvTokens = 0;
    ++result.requests[live.index].preemptions;
    ++result.preemptions;
    waiting.push_front(live);
  }

  /// Tokens of `live`'s prompt that fit this stage, or 0.
  uint64_t chunkFor(const Live &live, uint64_t budget, uint64_t kvFree,
                    bool first) const {
    uint64_t remaining = live.promptTokens - live.prefilled;
    uint64_t limit = std::min(budget, kvFree);
    if (options.chunkedPrefill)
      return std::min(remaining, limit);
    // A whole prompt at once; the first of a stage may exceed the token
    // budget (it could never run otherwise), never the KV cache.
    if (remaining <= limit || (first && remaining <= kvFree))
      return remaining;
    return 0;
  }

  Error step() {
    // Decode growth: every decoding request adds one token of KV.
    while (!running.empty() && heldTokens + decodingRequests > capacity)
      preemptLatest();
    uint64_t used = heldTokens, decoding = decodingRequests;
    uint64_t budget = options.maxTokensPerStage
                          ? options.maxTokensPerStage
                          : std::numeric_limits<uint64_t>::max();
    // Decodes take one token each of a stage they share with prompts.
    if (options.mixPrefillAndDecode)
      budget = budget > decoding ? budget - decoding : 0;
    uint64_t kvFree = capacity - std::min(capacity, used + decoding);

    // Prompt work: admitted requests still prefilling (chunked or
    // recomputing), then new admissions, first come first served. Indices
    // into `running` stay valid: it only grows until the stage is formed.
    SmallVector<std::pair<size_t, uint64_t>, 8> chunks;
    auto take = [&](size_t i) {
      uint64_t chunk = chunkFor(running[i], budget, kvFree, chunks.empty());
      if (chunk == 0)
        return false;
      chunks.push_back({i, chunk});
      budget -= std::min(budget, chunk);
      kvFree -= chunk;
      return true;
    };
    // One pass over the batch (it runs once a stage): prompt chunks up to
    // the first that does not fit, and the decoders' contexts. Requests
    // admitted below are all still prefilling, so the contexts are final.
    // Reused: the stage's buffers keep their capacity from stage to stage.
    stage.prefillTokens.clear();
    stage.decodeContexts.clear();
    bool takingPrompts = true;
    for (size_t i = 0; i < running.size(); ++i) {
      if (!running[i].prefilling())
        stage.decodeContexts.push_back(running[i].kvTokens);
      else if (takingPrompts)
        takingPrompts = take(i);
    }
    while (!waiting.empty() && running.size() < options.maxBatch) {
      uint64_t promise = 0;
      if (options.reserveWholeRequest) {
        promise = wholeLength(waiting.front());
        if (promise > capacity)
          return createStringError(
              inconvertibleErrorCode(),
              "request %zu needs %llu tokens of KV cache for its prompt and "
              "output (the scheduler admits a request only when its whole "
              "length fits) but the system holds %llu",
              waiting.front().index, (unsigned long long)promise,
              (unsigned long long)capacity);
        if (promisedTokens + promise > capacity)
          break; // Waits for a running request to finish.
      }
      if (waiting.front().promptTokens > capacity) {
        const Live &live = waiting.front();
        std::string what =
            live.generated
                ? formatv("its prompt and the {0} tokens it generated before "
                          "a preemption",
                          live.generated)
                      .str()
                : std::string("its prompt");
        return createStringError(
            inconvertibleErrorCode(),
            "request %zu needs %llu tokens of KV cache for %s but the system "
            "holds %llu",
            live.index, (unsigned long long)live.promptTokens, what.c_str(),
            (unsigned long long)capacity);
      }
      running.push_back(waiting.front());
      if (!take(running.size() - 1)) {
        running.pop_back();
        break;
      }
      Live &admitted = running.back();
      promisedTokens += promise;
      admitted.admissionOrder = admissions++;
      if (!admitted.scheduled) {
        admitted.scheduled = true;
        result.requests[admitted.index].scheduledSeconds = now;
      }
      waiting.pop_front();
    }

    // Prefill first: a stage with prompt work does not decode.
    bool decodes = options.mixPrefillAndDecode || chunks.empty();
    for (auto [i, chunk] : chunks)
      stage.prefillTokens.push_back(chunk);
    if (!decodes)
      stage.decodeContexts.clear();
    if (stage.empty())
      return createStringError(inconvertibleErrorCode(),
                               "the serving loop formed an empty stage: the "
                               "KV cache (%llu tokens) cannot hold any "
                               "waiting request",
                               (unsigned long long)capacity);

    Expected<const StageCost &> cost = oracle.cost(stage);
    if (!cost)
      return cost.takeError();
    if (options.recordStages) {
      StageRecord record;
      record.startSeconds = now;
      record.seconds = cost->seconds;
      record.kind = kindOf(stage);
      record.prefills = stage.prefillTokens.size();
      for (uint64_t tokens : stage.prefillTokens)
        record.prefillTokens += tokens;
      record.decodes = stage.decodeContexts.size();
      record.waiting = waiting.size();
      record.busySeconds = cost->busySecondsByResource;
      result.stageRecords.push_back(std::move(record));
    }
    now += cost->seconds;
    uint64_t batch = stage.prefillTokens.size() + stage.decodeContexts.size();
    result.batchRequestSeconds += double(batch) * cost->seconds;
    result.maxBatch = std::max(result.maxBatch, batch);
    accumulate(*cost, stage);

    // Decoding requests append their token's KV and emit the next token.
    // `done`: some request has all its tokens (the retire pass below is
    // skipped on the many stages where none has).
    bool done = false;
    if (decodes) {
      for (Live &live : running) {
        if (live.prefilling())
          continue;
        ++live.kvTokens;
        done |= emitToken(live);
      }
      heldTokens += decoding;
    }
    // Prompt chunks fill the cache; a completed prompt emits a token (the
    // first, or the next one after a recompute) unless the request is
    // prefill-only.
    for (auto [i, chunk] : chunks) {
      Live &live = running[i];
      live.prefilled += chunk;
      live.kvTokens += chunk;
      heldTokens += chunk;
      if (live.prefilling())
        continue;
      ++decodingRequests;
      done |= live.generated >= result.requests[live.index].outputTokens ||
              emitToken(live);
    }
    if (options.recordStages)
      result.stageRecords.back().kvTokens = kvUsed();
    if (done)
      retireFinished();
    return Error::success();
  }

  /// Retires the requests that have all their tokens (and replaces them in a
  /// closed loop).
  void retireFinished() {
    for (size_t i = 0; i < running.size();) {
      Live &live = running[i];
      RequestRecord &record = result.requests[live.index];
      if (!live.prefilling() && live.generated >= record.outputTokens) {
        record.finishSeconds = now;
        ++finished;
        heldTokens -= live.kvTokens;
        if (options.reserveWholeRequest)
          promisedTokens -= wholeLength(live);
        --decodingRequests;
        running.erase(running.begin() + i);
        if (options.closedLoop && nextArrival < specs.size())
          arrive(now);
        continue;
      }
      ++i;
    }
  }

  /// Records `live`'s next token; true when it was the request's last.
  bool emitToken(Live &live) {
    RequestRecord &record = result.requests[live.index];
    if (live.generated == 0)
      record.firstTokenSeconds = now;
    else
      result.tokenGapSeconds.push_back(now - live.lastTokenSeconds);
    ++live.generated;
    live.lastTokenSeconds = now;
    ++result.generatedTokens;
    return live.generated >= record.outputTokens;
  }

  static StageKind kindOf(const Stage &stage) {
    return stage.isPrefillOnly()  ? StageKind::PrefillOnly
           : stage.isDecodeOnly() ? StageKind::DecodeOnly
                                  : StageKind::Mixed;
  }

  void accumulate(const StageCost &cost, const Stage &stage) {
    StageCost &totals = result.totals;
    totals.seconds += cost.seconds;
    totals.joules += cost.joules;
    totals.staticJoules += cost.staticJoules;
    StageKind kind = kindOf(stage);
    for (size_t c = 0; c < kNumCostCategories; ++c) {
      totals.secondsByCategory[c] += cost.secondsByCategory[c];
      totals.joulesByCategory[c] += cost.joulesByCategory[c];
      totals.dramJoulesByCategory[c] += cost.dramJoulesByCategory[c];
      result.secondsByKind[size_t(kind)][c] += cost.secondsByCategory[c];
    }
    ++result.stagesByKind[size_t(kind)];
  }

  ArrayRef<RequestSpec> specs;
  StageOracle &oracle;
  const ServingOptions &options;
  uint64_t capacity;
  ServingResult result;
  std::deque<Live> waiting;
  std::vector<Live> running;
  Stage stage; ///< The stage being formed (see step()).
  /// KV tokens the running requests hold, and how many of them decode: kept
  /// as requests change, not summed again for every stage.
  uint64_t heldTokens = 0;
  /// KV tokens promised to the running requests, their whole lengths
  /// (ServingOptions::reserveWholeRequest).
  uint64_t promisedTokens = 0;
  uint64_t decodingRequests = 0;
  size_t nextArrival = 0;
  size_t finished = 0;
  uint64_t admissions = 0;
  uint64_t stepsSinceProgress = 0;
  double now = 0;
};

} // namespace

Expected<ServingResult> simulateServing(ArrayRef<RequestSpec> requests,
                                        StageOracle &oracle,
                                        const ServingOptions &options) {
  if (options.maxBatch == 0)
    return createStringError(inconvertibleErrorCode(),
                             "the batch size must be positive");
  return Loop(requests, oracle, options).run();
}

} // namespace duplex::serving
