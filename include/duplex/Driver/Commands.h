//===- Commands.h - the subcommands of duplexc ------------------*- C++ -*-===//
//
// Each `duplexc` subcommand is a function over a plain options struct, so the
// tool's main only parses flags and the Python module can call the same code.
// Each returns the process exit code and prints its own diagnostics.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_DRIVER_COMMANDS_H
#define DUPLEX_DRIVER_COMMANDS_H

#include "duplex/Import/HFConfig.h"

#include <string>

namespace duplex {

struct StatsOptions {
  std::string model;
  HFImportOptions import;
  bool json = false;
  /// "-" is stdout; anything else is written atomically.
  std::string outputFile = "-";
};

/// `duplexc stats`: parameters, weight bytes, KV-cache bytes per token.
int runStatsCommand(const StatsOptions &options);

struct CompileOptions {
  std::string model;
  HFImportOptions import;
  /// Device description: bundled name or path; devices/nodes 0 keep its
  /// topology.
  std::string device;
  unsigned devices = 0;
  unsigned nodes = 0;
  std::string stage;
  std::string routing = "expected";
  uint64_t seed = 0;
  bool expertTensorParallel = false;
  /// opb | placed | placement
  std::string emit = "placed";
  bool json = false;
  std::string placementFile;
  std::string savePlacementFile;
  std::string outputFile = "-";
};

/// `duplexc compile`: Op/B analysis and placement of a model for a stage.
int runCompileCommand(const CompileOptions &options);

struct ModelsOptions {
  bool json = false;
};

/// `duplexc models`: the bundled model names and where each comes from.
int runModelsCommand(const ModelsOptions &options);

} // namespace duplex

#endif // DUPLEX_DRIVER_COMMANDS_H
