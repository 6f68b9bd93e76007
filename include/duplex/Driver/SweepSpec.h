//===- SweepSpec.h - a design-space sweep: base options and axes -*- C++ -*-=//
//
// `duplexc sweep SPEC` and `duplex.sweep(spec)` read a YAML (or JSON) file:
//
//   base: {model: mixtral-8x7b, devices: 4, closed_loop: true, requests: 64}
//   axes:
//     device: [duplex, h100]
//     batch: {from: 16, to: 256, times: 2}     # 16, 32, ..., 256
//     device.units.logic_pim.clock_mhz: [650, 1300]
//     lin: [256, 1024]
//     lout: [256, 1024]
//   zip: [[lin, lout]]                         # these move together
//
// Keys are `duplex.simulate`'s argument names; a key with a dot is a device
// value by path (--set). Axes combine as a product, the last fastest; a zip
// group moves as one axis, in the place of its first member. Every point
// is checked when the file is read: an error names the file, line and key.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_DRIVER_SWEEPSPEC_H
#define DUPLEX_DRIVER_SWEEPSPEC_H

#include "duplex/Driver/Commands.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <utility>
#include <vector>

namespace duplex {

/// One point of a sweep: the value of every axis, and the options it runs.
struct SweepPoint {
  size_t index = 0;
  /// (axis key, value) in the spec's axis order.
  std::vector<std::pair<std::string, llvm::json::Value>> axisValues;
  SimulateOptions options;
  /// xxh3 of the point's settings (base and axes, keys sorted): what
  /// --resume matches rows by.
  std::string hash;
};

struct SweepSpec {
  std::string name; ///< The file, for messages.
  std::vector<std::string> axes;
  std::vector<SweepPoint> points;
};

/// What a command that runs a spec's points its own way adds to them
/// (`duplexc plan`: the workload, the SLO).
struct SweepSpecContext {
  /// Options every point takes after its base and axes, by Python name.
  llvm::json::Object fixed;
  /// Keys the file may not set, and why (a key of `fixed` is refused too).
  std::vector<std::pair<std::string, std::string>> reserved;
  /// Who sets them, for messages ("duplexc plan").
  std::string owner;
};

/// Parses `text` (YAML or JSON) and expands every point.
llvm::Expected<SweepSpec>
parseSweepSpec(llvm::StringRef text, llvm::StringRef name,
               const SweepSpecContext *context = nullptr);

/// Reads and parses the file at `path` (bounded like any JSON input).
llvm::Expected<SweepSpec>
readSweepSpec(llvm::StringRef path, const SweepSpecContext *context = nullptr);

/// The simulate options a spec may set, by their Python names (for help).
std::vector<llvm::StringRef> getSweepOptionNames();

} // namespace duplex

#endif // DUPLEX_DRIVER_SWEEPSPEC_H
