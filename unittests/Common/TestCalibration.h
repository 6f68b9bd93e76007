//===- TestCalibration.h - a fixed calibration for unit tests ---*- C++ -*-===//
//
// The cost-model and simulator tests check numbers derived by hand, and the
// derivations assume one calibration: compute efficiency 0.5, memory
// efficiency 0.8, 5 us per kernel, 100 us per decoder layer and 3 ms per
// step on a GPU/xPU, 5 us per PIM kernel (the device files' provisional
// values before the GPU calibration was fitted). Pinning it keeps these
// tests about the model's mechanics when the device files are refitted; the
// fitted values themselves are checked by experiments/calibrate_gpu.py.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_UNITTESTS_COMMON_TESTCALIBRATION_H
#define DUPLEX_UNITTESTS_COMMON_TESTCALIBRATION_H

#include "duplex/Hardware/Loader.h"

#include "gtest/gtest.h"

namespace duplex::testing {

inline void pinTestCalibration(hw::System &system) {
  for (hw::Unit &unit : system.units) {
    unit.calibration.kernelLaunchSeconds = 5e-6;
    if (hw::isPim(unit.kind))
      continue;
    unit.calibration.computeEfficiency = 0.5;
    unit.calibration.memoryBandwidthEfficiency = 0.8;
    unit.calibration.perLayerSeconds = 100e-6;
    unit.calibration.perStepSeconds = 3e-3;
    unit.calibration.overheadOverlap = 0;
    unit.calibration.computeMemoryUnhidden = 0;
  }
}

/// Loads a bundled device with the test calibration; a load error fails the
/// test.
inline hw::System loadBundledForTest(llvm::StringRef name) {
  llvm::Expected<hw::System> system = hw::loadSystem(name);
  if (!system) {
    ADD_FAILURE() << llvm::toString(system.takeError());
    return hw::System();
  }
  pinTestCalibration(*system);
  return std::move(*system);
}

} // namespace duplex::testing

#endif // DUPLEX_UNITTESTS_COMMON_TESTCALIBRATION_H
