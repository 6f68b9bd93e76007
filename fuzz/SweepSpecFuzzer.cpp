//===- SweepSpecFuzzer.cpp - fuzz the sweep spec reader -------------------===//
//
// YAML and JSON specs of `duplexc sweep`: any input is a spec or an error
// naming the file, never a crash, a hang or an unbounded expansion.

#include "FuzzSupport.h"

#include "duplex/Driver/SweepSpec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace duplex;
  auto spec = parseSweepSpec(fuzz::asText(data, size), "fuzz.yaml");
  if (!spec) {
    fuzz::requireNamedError(spec.takeError(), "fuzz.yaml");
    return 0;
  }
  fuzz::require(!spec->points.empty() && !spec->axes.empty(),
                "an accepted spec has no points");
  for (const SweepPoint &point : spec->points)
    fuzz::require(point.axisValues.size() == spec->axes.size(),
                  "a point lacks an axis value");
  return 0;
}
