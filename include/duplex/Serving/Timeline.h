//===- Timeline.h - a whole serving run as a Perfetto trace -----*- C++ -*-===//
//
// `duplexc simulate --timeline FILE`: the Chrome trace-event JSON that
// Perfetto (ui.perfetto.dev) and chrome://tracing open. One process per
// data-parallel replica with
//   - a "stages" track: one slice per stage (its kind; batch, prompt
//     tokens and decodes in the args);
//   - one track per unit and link of a device: in each stage, a slice from
//     the stage's start lasting the resource's busy time in it (no slice
//     when idle), so a slice never leaves its stage; where inside the stage
//     the busy time falls is `duplexc compile --emit=trace`'s business;
//   - counters: running batch, KV-cache tokens (and the capacity in
//     otherData), waiting requests, each emitted when it changes;
//   - each request as nested async slices: queued (arrival to first
//     admission), prefill (to its first token) and decode (to completion);
//     a prompt spread over stages (chunked prefill) has a flow arrow from
//     the stage that admitted it to the stage that finished it.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SERVING_TIMELINE_H
#define DUPLEX_SERVING_TIMELINE_H

#include "duplex/Serving/Simulator.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <limits>
#include <string>

namespace duplex::serving {

struct TimelineInput {
  /// Replicas' results, recorded with ServingOptions::recordStages.
  llvm::ArrayRef<ServingResult> replicas;
  /// StageOracle::resourceNames().
  llvm::ArrayRef<std::string> resources;
  uint64_t kvCapacityTokens = 0;
  /// What ran (the report's title).
  std::string title;
  /// Only stages and requests that overlap [windowStart, windowEnd]
  /// (simulated seconds): a whole Azure trace is ~300 MB of trace.
  double windowStart = 0;
  double windowEnd = std::numeric_limits<double>::infinity();
};

/// Parses "START:END" in simulated seconds (either may be empty: from the
/// start, to the end) into `input`'s window.
llvm::Error parseTimelineWindow(llvm::StringRef spec, TimelineInput &input);

/// Streams the trace to `os` (millions of events never sit in memory as a
/// JSON tree).
void writeTimeline(const TimelineInput &input, llvm::raw_ostream &os);

} // namespace duplex::serving

#endif // DUPLEX_SERVING_TIMELINE_H
