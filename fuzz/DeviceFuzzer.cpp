//===- DeviceFuzzer.cpp - fuzz the device-description loader --------------===//

#include "FuzzSupport.h"

#include "duplex/Hardware/Loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace duplex;
  auto system = hw::parseSystem(fuzz::asText(data, size), "fuzz.json", "fuzz");
  if (!system) {
    fuzz::requireNamedError(system.takeError(), "fuzz.json");
    return 0;
  }
  // What every command asks of a loaded system.
  fuzz::require(system->deviceMemoryBytes() > 0,
                "an accepted device has no memory");
  return 0;
}
