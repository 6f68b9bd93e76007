//===- CalibrationProfileTest.cpp - profiles and their runtime sections ---===//

#include "duplex/Hardware/CalibrationProfile.h"
#include "duplex/Hardware/Loader.h"

#include "gtest/gtest.h"

using namespace duplex;
using namespace llvm;

namespace {

// The profile sets every GPU's compute efficiency to 0.5 and its per-layer
// overhead to 100 us; its "fast" runtime sets the GPU's compute efficiency
// to 0.7 and, through "*", every other kind's per-layer overhead to 10 us.
constexpr StringLiteral kProfile = R"({
  "format": "duplex-calibration-1", "description": "test",
  "units": {"gpu": {
    "compute_efficiency": {"value": 0.5, "source": "assumed: a test"},
    "per_layer_overhead_us": {"value": 100, "source": "assumed: a test"}}},
  "runtimes": {"fast": {"description": "test", "units": {
    "gpu": {"compute_efficiency": {"value": 0.7, "source": "assumed: a test"}},
    "*": {"per_layer_overhead_us": {"value": 10, "source": "assumed: a test"}}}}}
})";

hw::System loadH100() {
  Expected<hw::System> system = hw::loadSystem("h100");
  if (!system) {
    ADD_FAILURE() << toString(system.takeError());
    return hw::System();
  }
  return std::move(*system);
}

hw::CalibrationProfile parseProfile() {
  Expected<hw::CalibrationProfile> profile =
      hw::parseCalibrationProfile(kProfile, "test.json", "test");
  if (!profile) {
    ADD_FAILURE() << toString(profile.takeError());
    return hw::CalibrationProfile();
  }
  return std::move(*profile);
}

TEST(CalibrationProfile, RuntimeSectionAppliesOverTheProfile) {
  hw::CalibrationProfile profile = parseProfile();
  ASSERT_EQ(profile.runtimes.size(), 1u);
  hw::System system = loadH100();
  ASSERT_FALSE(system.units.empty());
  ASSERT_FALSE(bool(hw::applyCalibrationProfile(profile, system, "fast")));
  const hw::Calibration &gpu = system.units.front().calibration;
  // The runtime's own GPU entry wins over the profile's; "*" in the runtime
  // does not reach a kind the runtime lists, so the profile's 100 us stays.
  EXPECT_EQ(gpu.computeEfficiency, 0.7);
  EXPECT_DOUBLE_EQ(gpu.perLayerSeconds, 100e-6);
  EXPECT_EQ(system.calibrationProfile, "test/fast");
}

TEST(CalibrationProfile, OtherRuntimesTakeTheProfileAlone) {
  hw::CalibrationProfile profile = parseProfile();
  hw::System system = loadH100();
  ASSERT_FALSE(system.units.empty());
  ASSERT_FALSE(bool(hw::applyCalibrationProfile(profile, system, "slow")));
  EXPECT_EQ(system.units.front().calibration.computeEfficiency, 0.5);
  EXPECT_EQ(system.calibrationProfile, "test");
  EXPECT_EQ(profile.findRuntime("slow"), nullptr);
  EXPECT_NE(profile.findRuntime("fast"), nullptr);
}

TEST(CalibrationProfile, BundledMeasuredHasTheTrtllmRuntime) {
  Expected<hw::CalibrationProfile> measured =
      hw::loadCalibrationProfile("measured");
  ASSERT_TRUE(bool(measured)) << toString(measured.takeError());
  const hw::RuntimeCalibration *trtllm = measured->findRuntime("trtllm");
  ASSERT_NE(trtllm, nullptr);
  // calibration/measured.json, fitted by experiments/calibrate_gpu.py --fit
  // --runtime trtllm: 72.5 us per layer on the GPU.
  const hw::CalibrationOverride *gpu =
      hw::findOverride(trtllm->units, hw::UnitKind::Gpu);
  ASSERT_NE(gpu, nullptr);
  ASSERT_TRUE(gpu->perLayerSeconds.has_value());
  EXPECT_DOUBLE_EQ(*gpu->perLayerSeconds, 72.5e-6);
}

TEST(CalibrationProfile, RuntimeStageBudgetReachesTheSystemUnderItsRuntime) {
  Expected<hw::CalibrationProfile> measured =
      hw::loadCalibrationProfile("measured");
  ASSERT_TRUE(bool(measured)) << toString(measured.takeError());
  // calibration/measured.json, fitted by experiments/trtllm_serving.py
  // --fit-budget: NIM's stages hold 2,048 tokens, prompts chunked.
  hw::System trtllm = loadH100();
  ASSERT_FALSE(bool(hw::applyCalibrationProfile(*measured, trtllm, "trtllm")));
  ASSERT_TRUE(trtllm.runtimeChunkedStageTokens.has_value());
  EXPECT_EQ(*trtllm.runtimeChunkedStageTokens, 2048u);
  // Another runtime keeps its policy's own budget.
  hw::System vllm = loadH100();
  ASSERT_FALSE(bool(hw::applyCalibrationProfile(*measured, vllm, "vllm")));
  EXPECT_FALSE(vllm.runtimeChunkedStageTokens.has_value());
}

} // namespace
