//===- TestSystems.h - bundled systems for the cost-model tests -*- C++ -*-===//

#ifndef DUPLEX_UNITTESTS_COSTMODEL_TESTSYSTEMS_H
#define DUPLEX_UNITTESTS_COSTMODEL_TESTSYSTEMS_H

#include "../Common/TestCalibration.h"
#include "duplex/Hardware/Loader.h"

#include "gtest/gtest.h"

namespace duplex::testing {

/// Loads a bundled device with the tests' fixed calibration
/// (Common/TestCalibration.h); a load error fails the test.
inline hw::System loadBundled(llvm::StringRef name) {
  return duplex::testing::loadBundledForTest(name);
}

/// The unit named `name`; a missing unit fails the test.
inline const hw::Unit &unitNamed(const hw::System &system,
                                 llvm::StringRef name) {
  static const hw::Unit missing;
  const hw::Unit *unit = system.findUnit(name);
  if (!unit) {
    ADD_FAILURE() << "no unit " << name.str() << " in " << system.name;
    return missing;
  }
  return *unit;
}

/// The value of an Expected, failing the test (and returning T()) on error.
template <typename T> T valueOf(llvm::Expected<T> value) {
  if (!value) {
    ADD_FAILURE() << llvm::toString(value.takeError());
    return T();
  }
  return std::move(*value);
}

} // namespace duplex::testing

#endif // DUPLEX_UNITTESTS_COSTMODEL_TESTSYSTEMS_H
