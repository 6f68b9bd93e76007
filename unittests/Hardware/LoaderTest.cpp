//===- LoaderTest.cpp - device descriptions: bundled files and bad files --===//
//
// Bad files are written from a bundled description with one field broken, so
// each test fails if the loader stops checking that field, and the expected
// message names the file and the JSON path.
//
//===----------------------------------------------------------------------===//

#include "duplex/Hardware/Loader.h"
#include "duplex/Support/BundledData.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <functional>

using namespace duplex;
using namespace llvm;

namespace {

StringRef bundledText(StringRef name) {
  for (const BundledFile &file : getBundledDevices())
    if (file.name == name)
      return file.contents;
  ADD_FAILURE() << "no bundled device " << name.str();
  return "";
}

json::Object bundledJson(StringRef name) {
  Expected<json::Value> value = json::parse(bundledText(name));
  if (!value) {
    ADD_FAILURE() << toString(value.takeError());
    return json::Object();
  }
  return std::move(*value->getAsObject());
}

json::Object &objectAt(json::Object &object, StringRef key) {
  return *object.getObject(key);
}

json::Object &firstOf(json::Object &object, StringRef key) {
  return *(*object.getArray(key))[0].getAsObject();
}

class LoaderTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(sys::fs::createUniqueDirectory("duplex-hw-test", directory));
  }
  void TearDown() override { sys::fs::remove_directories(directory); }

  std::string writeFile(StringRef name, StringRef text) {
    SmallString<128> path(directory);
    sys::path::append(path, name);
    std::error_code error;
    raw_fd_ostream out(path, error);
    EXPECT_FALSE(error) << error.message();
    out << text;
    return std::string(path);
  }

  /// Writes `name` (a bundled device) with `edit` applied to bad.json and
  /// returns the loader's error ("" if it loaded).
  std::string loadEdited(StringRef name,
                         const std::function<void(json::Object &)> &edit) {
    json::Object root = bundledJson(name);
    edit(root);
    std::string text;
    raw_string_ostream(text) << json::Value(std::move(root));
    badPath = writeFile("bad.json", text);
    return errorOf(hw::loadSystem(badPath));
  }

  static std::string errorOf(Expected<hw::System> system) {
    if (system)
      return "";
    return toString(system.takeError());
  }

  SmallString<128> directory;
  std::string badPath;
};

// Every bundled device loads, and the list is there.
TEST_F(LoaderTest, EveryBundledDeviceLoads) {
  for (const BundledFile &file : getBundledDevices()) {
    Expected<hw::System> system = hw::loadSystem(file.name);
    ASSERT_TRUE(bool(system)) << toString(system.takeError());
    EXPECT_EQ(system->name, file.name.str());
    EXPECT_FALSE(system->units.empty());
  }
  for (StringRef name :
       {"h100", "a100", "duplex", "bank-pim", "bankgroup-pim", "dgx-a100",
        "dgx-a100-hbm-pim", "dgx-a100-dimm-pim", "dgx-a100-rank-pim"}) {
    Expected<hw::System> system = hw::loadSystem(name);
    EXPECT_TRUE(bool(system))
        << name.str() << ": " << toString(system.takeError());
  }
}

/// Collects the JSON path of every {"value", "source"} object under `value`.
void collectSourcedPaths(const json::Value &value, const std::string &path,
                         std::vector<std::string> &paths) {
  if (const json::Object *object = value.getAsObject()) {
    if (object->get("value") && object->get("source")) {
      paths.push_back(path);
      return;
    }
    for (const auto &entry : *object)
      collectSourcedPaths(entry.second, path + "." + entry.first.str(), paths);
  } else if (const json::Array *array = value.getAsArray()) {
    for (size_t i = 0; i < array->size(); ++i)
      collectSourcedPaths((*array)[i], path + "[" + std::to_string(i) + "]",
                          paths);
  }
}

// The System keeps the source of every number of every bundled file under
// the same JSON path the error messages use.
TEST_F(LoaderTest, EveryBundledNumberKeepsItsSource) {
  for (const BundledFile &file : getBundledDevices()) {
    Expected<hw::System> system = hw::loadSystem(file.name);
    ASSERT_TRUE(bool(system)) << toString(system.takeError());
    Expected<json::Value> root = json::parse(file.contents);
    ASSERT_TRUE(bool(root)) << toString(root.takeError());
    std::vector<std::string> paths;
    collectSourcedPaths(*root, "$", paths);
    EXPECT_GT(paths.size(), 40u) << file.name.str();
    EXPECT_EQ(paths.size(), system->sources.size()) << file.name.str();
    for (const std::string &path : paths)
      EXPECT_FALSE(system->sourceOf(path).empty())
          << file.name.str() << " " << path;
  }
}

TEST_F(LoaderTest, LoadsAFilePathAndNamesTheSystemAfterIt) {
  std::string path = writeFile("my-gpu.json", bundledText("h100"));
  Expected<hw::System> system = hw::loadSystem(path);
  ASSERT_TRUE(bool(system)) << toString(system.takeError());
  EXPECT_EQ(system->name, "my-gpu");
  EXPECT_EQ(system->fileName, path);
}

TEST_F(LoaderTest, UnknownNameListsTheBundledDevices) {
  std::string error = errorOf(hw::loadSystem("no-such-device"));
  EXPECT_NE(error.find("'no-such-device' is neither a device file nor a "
                       "bundled device name"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("dgx-a100-dimm-pim"), std::string::npos) << error;
  EXPECT_NE(error.find("duplex"), std::string::npos) << error;
}

TEST_F(LoaderTest, ZeroBandwidthIsRejected) {
  std::string error = loadEdited("h100", [](json::Object &root) {
    objectAt(firstOf(objectAt(root, "device"), "memories"),
             "bandwidth_gb_per_s")["value"] = 0;
  });
  EXPECT_EQ(error, badPath + ": $.device.memories[0].bandwidth_gb_per_s: "
                             "must be positive, got 0");
}

TEST_F(LoaderTest, NegativeCapacityIsRejected) {
  std::string error = loadEdited("h100", [](json::Object &root) {
    objectAt(firstOf(objectAt(root, "device"), "memories"),
             "capacity_gib")["value"] = -80;
  });
  EXPECT_EQ(error, badPath + ": $.device.memories[0].capacity_gib: must be "
                             "positive, got -80");
}

TEST_F(LoaderTest, ZeroClockIsRejected) {
  std::string error = loadEdited("duplex", [](json::Object &root) {
    json::Array &units = *objectAt(root, "device").getArray("units");
    (*(*units[1].getAsObject()).getObject("clock_mhz"))["value"] = 0;
  });
  EXPECT_EQ(error, badPath + ": $.device.units[1].clock_mhz: must be "
                             "positive, got 0");
}

TEST_F(LoaderTest, UnknownUnitKindIsRejected) {
  std::string error = loadEdited("h100", [](json::Object &root) {
    firstOf(objectAt(root, "device"), "units")["kind"] = "tpu";
  });
  EXPECT_EQ(error, badPath + ": $.device.units[0].kind: unknown unit kind "
                             "'tpu'; known kinds: gpu, xpu, logic_pim, "
                             "bankgroup_pim, bank_pim, dimm_pim, rank_pim");
}

TEST_F(LoaderTest, MissingFieldIsRejected) {
  std::string error = loadEdited("h100", [](json::Object &root) {
    firstOf(objectAt(root, "device"), "units").erase("clock_mhz");
  });
  EXPECT_EQ(error, badPath + ": $.device.units[0].clock_mhz: missing "
                             "required field");
}

TEST_F(LoaderTest, UnknownKeyIsRejectedWithASuggestion) {
  std::string error = loadEdited("h100", [](json::Object &root) {
    json::Object &memory = firstOf(objectAt(root, "device"), "memories");
    memory["bandwith_gb_per_s"] = *memory.get("bandwidth_gb_per_s");
  });
  EXPECT_EQ(error.rfind(badPath + ": $.device.memories[0].bandwith_gb_per_s: "
                                  "unknown field (did you mean "
                                  "'bandwidth_gb_per_s'?)",
                        0),
            0u)
      << error;
}

TEST_F(LoaderTest, NumberWithoutSourceIsRejected) {
  std::string error = loadEdited("h100", [](json::Object &root) {
    firstOf(objectAt(root, "device"), "memories")["bandwidth_gb_per_s"] = 3350;
  });
  EXPECT_EQ(error.rfind(badPath + ": $.device.memories[0].bandwidth_gb_per_s:"
                                  " a number needs a source",
                        0),
            0u)
      << error;
}

TEST_F(LoaderTest, SourceWithoutAKnownPrefixIsRejected) {
  std::string error = loadEdited("h100", [](json::Object &root) {
    objectAt(firstOf(objectAt(root, "device"), "memories"),
             "bandwidth_gb_per_s")["source"] = "NVIDIA";
  });
  EXPECT_EQ(error.rfind(badPath +
                            ": $.device.memories[0].bandwidth_gb_per_s.source:"
                            " must start with one of paper:, datasheet:",
                        0),
            0u)
      << error;
}

TEST_F(LoaderTest, InvalidJsonNamesTheFile) {
  std::string path = writeFile("broken.json", "{\"format\": ");
  std::string error = errorOf(hw::loadSystem(path));
  EXPECT_EQ(error.rfind(path + ": $: invalid JSON:", 0), 0u) << error;
}

TEST_F(LoaderTest, WrongTypesAreRejected) {
  std::string error = loadEdited("h100", [](json::Object &root) {
    objectAt(root, "device")["units"] = json::Object();
  });
  EXPECT_EQ(error, badPath + ": $.device.units: expected an array, got an "
                             "object");

  error = loadEdited("h100", [](json::Object &root) {
    objectAt(firstOf(objectAt(root, "device"), "memories"),
             "bandwidth_gb_per_s")["value"] = "3350";
  });
  EXPECT_EQ(error, badPath + ": $.device.memories[0].bandwidth_gb_per_s."
                             "value: expected a number, got a string");
}

TEST_F(LoaderTest, CountsMustBeIntegers) {
  std::string error = loadEdited("h100", [](json::Object &root) {
    json::Object &memory = firstOf(objectAt(root, "device"), "memories");
    objectAt(objectAt(memory, "organization"), "stacks")["value"] = 5.5;
  });
  EXPECT_EQ(error, badPath + ": $.device.memories[0].organization.stacks: "
                             "must be a positive integer, got 5.5");
  // A count beyond `unsigned` is an error, not an out-of-range conversion
  // (found by fuzz/DeviceFuzzer.cpp).
  error = loadEdited("h100", [](json::Object &root) {
    json::Object &memory = firstOf(objectAt(root, "device"), "memories");
    objectAt(objectAt(memory, "organization"), "stacks")["value"] = 3e68;
  });
  EXPECT_EQ(error, badPath + ": $.device.memories[0].organization.stacks: "
                             "must be a positive integer, got 3e+68");
}

TEST_F(LoaderTest, EfficiencyMustBeAFraction) {
  std::string error = loadEdited("h100", [](json::Object &root) {
    json::Object &unit = firstOf(objectAt(root, "device"), "units");
    objectAt(objectAt(unit, "calibration"),
             "memory_bandwidth_efficiency")["value"] = 1.2;
  });
  EXPECT_EQ(error, badPath + ": $.device.units[0].calibration."
                             "memory_bandwidth_efficiency: must be in (0, 1], "
                             "got 1.2");
}

TEST_F(LoaderTest, UnitMustReadAKnownMemory) {
  std::string error = loadEdited("h100", [](json::Object &root) {
    firstOf(objectAt(root, "device"), "units")["memory"] = "hbm9";
  });
  EXPECT_EQ(error, badPath + ": $.device.units[0].memory: no device memory "
                             "named 'hbm9'; device memories: hbm");
}

// 10x the datasheet bandwidth cannot come out of 5 x 1024 pins at 5234 MT/s.
TEST_F(LoaderTest, BandwidthMustMatchPinsTimesDataRate) {
  std::string error = loadEdited("h100", [](json::Object &root) {
    objectAt(firstOf(objectAt(root, "device"), "memories"),
             "bandwidth_gb_per_s")["value"] = 33500;
  });
  EXPECT_EQ(error.rfind(badPath + ": $.device.memories[0].bandwidth_gb_per_s:"
                                  " 33500 GB/s disagrees with the "
                                  "organisation: 5120 pins x 5234 MT/s",
                        0),
            0u)
      << error;
}

TEST_F(LoaderTest, LogicPimNeedsBankBundlesAndTsvMultiplier) {
  std::string error = loadEdited("duplex", [](json::Object &root) {
    json::Object &memory = firstOf(objectAt(root, "device"), "memories");
    objectAt(memory, "organization").erase("bank_bundle");
  });
  EXPECT_EQ(error.rfind(badPath + ": $.device.memories[0].organization."
                                  "bank_bundle: missing required field",
                        0),
            0u)
      << error;

  error = loadEdited("duplex", [](json::Object &root) {
    firstOf(objectAt(root, "device"), "memories")
        .erase("logic_die_bandwidth_multiplier");
  });
  EXPECT_EQ(error.rfind(badPath + ": $.device.memories[0]."
                                  "logic_die_bandwidth_multiplier: missing "
                                  "required field",
                        0),
            0u)
      << error;
}

// A GPU lists peaks in TFLOPS; a PIM unit must not: its peak is derived.
TEST_F(LoaderTest, PimUnitRejectsAHandTypedPeak) {
  std::string error = loadEdited("duplex", [](json::Object &root) {
    json::Array &units = *objectAt(root, "device").getArray("units");
    (*units[1].getAsObject())["peak_tflops"] = json::Object();
  });
  EXPECT_EQ(error.rfind(badPath + ": $.device.units[1].peak_tflops: unknown "
                                  "field",
                        0),
            0u)
      << error;
}

TEST_F(LoaderTest, TopologyIsChecked) {
  std::string error = loadEdited("dgx-a100", [](json::Object &root) {
    objectAt(objectAt(root, "topology"), "devices_per_node")["value"] = 16;
  });
  EXPECT_EQ(error, badPath + ": $.topology.devices_per_node: 16 exceeds "
                             "max_devices_per_node (8)");

  error = loadEdited("dgx-a100", [](json::Object &root) {
    objectAt(objectAt(root, "topology"), "nodes")["value"] = 0;
  });
  EXPECT_EQ(error, badPath + ": $.topology.nodes: must be a positive "
                             "integer, got 0");
}

TEST_F(LoaderTest, FormatVersionIsChecked) {
  std::string error = loadEdited(
      "h100", [](json::Object &root) { root["format"] = "duplex-device-0"; });
  EXPECT_EQ(error, badPath + ": $.format: expected \"duplex-device-1\", got "
                             "\"duplex-device-0\"");
}

TEST_F(LoaderTest, DimmPimBelongsToTheHost) {
  std::string error = loadEdited("dgx-a100-dimm-pim", [](json::Object &root) {
    firstOf(objectAt(root, "host"), "units")["kind"] = "bank_pim";
  });
  EXPECT_EQ(error, badPath + ": $.host.units[0].kind: a bank_pim unit "
                             "belongs under $.device.units");
}

// docs/device-format.md shows a complete file under "## Worked example";
// it must load and mean what the text says (80 GiB, 3350 GB/s, 989.4 TFLOPS).
TEST_F(LoaderTest, DocumentedExampleLoads) {
  SmallString<128> docPath(DUPLEX_SOURCE_DIR);
  sys::path::append(docPath, "docs", "device-format.md");
  ErrorOr<std::unique_ptr<MemoryBuffer>> doc = MemoryBuffer::getFile(docPath);
  ASSERT_TRUE(bool(doc)) << docPath.str().str();
  StringRef text = (*doc)->getBuffer();
  size_t section = text.find("## Worked example");
  ASSERT_NE(section, StringRef::npos);
  size_t begin = text.find("```json\n", section);
  ASSERT_NE(begin, StringRef::npos);
  begin += strlen("```json\n");
  size_t end = text.find("\n```", begin);
  ASSERT_NE(end, StringRef::npos);
  std::string path = writeFile("example.json", text.slice(begin, end));
  Expected<hw::System> system = hw::loadSystem(path);
  ASSERT_TRUE(bool(system)) << toString(system.takeError());
  EXPECT_EQ(system->deviceName, "Example GPU");
  EXPECT_DOUBLE_EQ(system->deviceMemoryBytes(), 80.0 * (1 << 30));
  EXPECT_DOUBLE_EQ(system->memories[0].bytesPerSecond, 3350e9);
  Expected<double> peak = system->units[0].peakFlopsPerSecond(hw::DType::FP16);
  ASSERT_TRUE(bool(peak)) << toString(peak.takeError());
  EXPECT_DOUBLE_EQ(*peak, 989.4e12);
}

} // namespace
