//===- PlausibleRangesTest.cpp - device-value bounds ----------------------===//

#include "duplex/Hardware/PlausibleRanges.h"
#include "duplex/Hardware/Loader.h"
#include "duplex/Support/BundledData.h"

#include "llvm/Support/MemoryBuffer.h"
#include "gtest/gtest.h"

#include <cstdio>

using namespace duplex;
using namespace duplex::hw;

namespace {

std::string shortNumber(double x) {
  char text[32];
  snprintf(text, sizeof(text), "%.6g", x);
  return text;
}

// docs/device-format.md lists every bound as `| `field` | min | max |`.
TEST(PlausibleRangesTest, DocumentedInDeviceFormat) {
  auto doc =
      llvm::MemoryBuffer::getFile(DUPLEX_SOURCE_DIR "/docs/device-format.md");
  ASSERT_TRUE(bool(doc));
  llvm::StringRef text = (*doc)->getBuffer();
  for (const PlausibleRange &range : getPlausibleRanges()) {
    std::string row = "| `" + range.field.str() + "` | " +
                      shortNumber(range.min) + " | " + shortNumber(range.max) +
                      " | ";
    EXPECT_TRUE(text.contains(row)) << "missing row: " << row;
  }
}

TEST(PlausibleRangesTest, BoundsAreOrderedAndUnique) {
  for (const PlausibleRange &range : getPlausibleRanges()) {
    EXPECT_LT(range.min, range.max) << range.field.str();
    EXPECT_GE(range.min, 0) << range.field.str();
    EXPECT_EQ(findPlausibleRange(range.field), &range)
        << range.field.str() << " is listed twice";
  }
  EXPECT_EQ(findPlausibleRange("no_such_field"), nullptr);
}

// Every bundled device lies inside the bounds (each value a thousand times
// or more away from them).
TEST(PlausibleRangesTest, BundledDevicesAreInside) {
  EXPECT_FALSE(getBundledDevices().empty());
  for (const BundledFile &device : getBundledDevices()) {
    llvm::Expected<System> system = loadSystem(device.name);
    EXPECT_TRUE(bool(system))
        << device.name.str() << ": " << llvm::toString(system.takeError());
  }
}

} // namespace
