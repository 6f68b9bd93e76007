//===- Commands.h - the subcommands of duplexc ------------------*- C++ -*-===//
//
// Each `duplexc` subcommand is a function over a plain options struct, so the
// tool's main only parses flags and the Python module can call the same code.
// `make<Command>Output` does the work and returns what the command prints (an
// error names what is wrong, without the tool's prefix); `run<Command>Command`
// prints that to stdout or `-o FILE` and returns the process exit code. The
// Python module writes the same output to a string, so its dicts are the
// `--json` output by construction.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_DRIVER_COMMANDS_H
#define DUPLEX_DRIVER_COMMANDS_H

#include "duplex/Hardware/DeviceOverride.h"
#include "duplex/Import/HFConfig.h"
#include "duplex/Serving/Workload.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace duplex {

/// What a command prints; it owns everything it needs (the model, the
/// schedule), so it can be called after the command returns.
using CommandOutput = std::function<void(llvm::raw_ostream &)>;

/// Writes `output` to `outputFile` ("-" is stdout, a file is written
/// atomically) or reports its error as "<tool>: error: ..."; the exit code.
int emitCommandOutput(llvm::StringRef tool,
                      llvm::Expected<CommandOutput> output,
                      llvm::StringRef outputFile = "-");

/// Sets the `--weight-dtype` / `--kv-dtype` overrides ("" keeps the
/// config's); an unknown name is an error that lists the known ones.
llvm::Error setImportTypes(HFImportOptions &import, llvm::StringRef weightDType,
                           llvm::StringRef kvDType);

struct StatsOptions {
  std::string model;
  HFImportOptions import;
  bool json = false;
  /// "-" is stdout; anything else is written atomically.
  std::string outputFile = "-";
};

/// `duplexc stats`: parameters, weight bytes, KV-cache bytes per token.
llvm::Expected<CommandOutput> makeStatsOutput(const StatsOptions &options);
int runStatsCommand(const StatsOptions &options);

struct CompileOptions {
  std::string model;
  HFImportOptions import;
  /// Device description: bundled name or path; devices/nodes 0 keep its
  /// topology.
  std::string device;
  /// Calibration profile: a bundled name (measured, paper) or a file.
  std::string calibration = "measured";
  /// --set PATH=VALUE: device values changed before the device is checked.
  std::vector<hw::DeviceOverride> deviceOverrides;
  unsigned devices = 0;
  unsigned nodes = 0;
  /// Compile a stage whose contexts exceed the model's
  /// max_position_embeddings (a warning) instead of failing.
  bool allowLongContext = false;
  std::string stage;
  std::string routing = "expected";
  uint64_t seed = 0;
  bool expertTensorParallel = false;
  /// none | pe | pe-et | two-mini-batch | l3 (for the schedule emits).
  std::string coprocess = "pe";
  /// opb | placed | placement | schedule | trace | json
  std::string emit = "placed";
  bool json = false;
  std::string placementFile;
  std::string savePlacementFile;
  std::string outputFile = "-";
};

/// `duplexc compile`: Op/B analysis and placement of a model for a stage.
/// `--save-placement` is written before this returns.
/// One `compile --emit` kind: its name and what it prints.
struct EmitKind {
  llvm::StringRef name;
  llvm::StringRef summary;
  /// Builds the stage's co-processing schedule (--coprocess shapes it).
  bool schedules = false;
};

/// The --emit kinds, in the order the help lists them.
llvm::ArrayRef<EmitKind> getEmitKinds();
/// The kind named `name`, or null.
const EmitKind *findEmitKind(llvm::StringRef name);

llvm::Expected<CommandOutput> makeCompileOutput(const CompileOptions &options);
int runCompileCommand(const CompileOptions &options);

struct SimulateOptions {
  std::string model;
  HFImportOptions import;
  std::string device;
  unsigned devices = 0;
  unsigned nodes = 0;
  /// Data-parallel replicas of `devices` devices inside each node, sharing
  /// its host memory and host units (0: one).
  unsigned replicasPerNode = 0;
  std::string coprocess = "pe";
  /// Arrivals: closed loop (the default), Poisson at `qps`, or a trace.
  bool closedLoop = false;
  std::optional<double> qps;
  /// How requests arrive at `qps` (Workload.h's process names; empty:
  /// poisson).
  std::string arrivals;
  std::string traceFile;
  /// The trace's arrivals stretched or compressed to this mean rate.
  std::optional<double> traceQPS;
  /// "arrival=COL,prompt=COL,output=COL": the trace's columns by header
  /// name (empty: a known layout recognised by its header).
  std::string traceColumns;
  /// The system's maximum running batch, dealt over the data-parallel
  /// replicas (nodes x replicas per node), as the Duplex paper and its
  /// simulator mean it.
  uint64_t batch = 64;
  /// Instead of `batch`: each replica's maximum batch.
  std::optional<uint64_t> batchPerReplica;
  /// Calibration profile: a bundled name (measured, paper) or a file.
  std::string calibration = "measured";
  /// --set PATH=VALUE: device values changed before the device is checked.
  std::vector<hw::DeviceOverride> deviceOverrides;
  /// None: every request of the trace, or 256 synthetic ones (0 is an
  /// error).
  std::optional<uint64_t> requests;
  std::optional<double> inputTokens;
  std::optional<double> outputTokens;
  /// Standard deviation of the lengths as a fraction of their means (the
  /// Duplex paper draws Gaussian lengths without giving sigma).
  /// None: 0.1 (ignored, with a warning, for a trace's own lengths).
  std::optional<double> lengthStd;
  /// Serving framework whose batching to follow (SchedulerPolicy.h).
  std::string scheduler = "orca";
  /// Override the policy's token budget (0: none) and prompt chunking.
  std::optional<uint64_t> maxTokensPerStage;
  /// Requests and generated tokens a run may have (0 lifts a limit).
  serving::WorkLimits limits;
  /// Simulate requests whose prompt plus output exceed the model's
  /// max_position_embeddings (a warning) instead of failing.
  bool allowLongContext = false;
  std::optional<bool> chunkedPrefill;
  std::string routing = "uniform";
  uint64_t seed = 0;
  /// "50,90,99.9": the percentiles of every latency (empty: p50, p90, p99).
  std::string percentiles;
  /// "ttft=200ms,tpot=50ms": service-level objectives for goodput.
  std::string slo;
  /// Per-request table (.csv or .jsonl); empty: none.
  std::string requestsOutFile;
  /// Whole-run Perfetto trace (serving/Timeline.h); empty: none.
  std::string timelineFile;
  /// "START:END" in simulated seconds; empty: the whole run.
  std::string timelineWindow;
  /// Put the per-request table in the JSON report as columns
  /// ("request_table"; the Python API's DataFrame).
  bool embedRequestTable = false;
  /// Threads for data-parallel replicas (0: one per hardware thread).
  unsigned threads = 0;
  bool json = false;
  bool quiet = false;
  std::string outputFile = "-";
};

/// `duplexc simulate`: serve a workload on a device and report throughput,
/// TTFT, TBT, E2E, energy and breakdowns.
llvm::Expected<CommandOutput>
makeSimulateOutput(const SimulateOptions &options);
/// The same run's JSON report as a value (a sweep's point).
llvm::Expected<llvm::json::Value>
makeSimulateReport(const SimulateOptions &options);
int runSimulateCommand(const SimulateOptions &options);

struct SweepOptions {
  std::string specFile;
  std::string outputFile = "-";
  unsigned threads = 0;
  bool resume = false;
  bool quiet = false;
};

/// `duplexc sweep SPEC -o results.csv`: every point of a sweep spec
/// (duplex/Driver/SweepSpec.h), one CSV row each.
int runSweepCommand(const SweepOptions &options);

struct PlanOptions {
  std::string candidatesFile;
  /// Workload and SLO by Python name, the attainment and tolerance
  /// (duplex/Driver/Plan.h).
  llvm::json::Object workload;
  double attainment = 90;
  double tolerance = 0.02;
  unsigned threads = 0;
  bool json = false;
  bool csv = false;
  bool quiet = false;
  std::string outputFile = "-";
};

/// `duplexc plan MODEL --candidates SPEC --qps Q|--trace T --slo ...`: the
/// highest rate each candidate system serves within the SLO, and the
/// cheapest that serves the target.
int runPlanCommand(const PlanOptions &options);

struct ModelsOptions {
  bool json = false;
};

struct DevicesOptions {
  bool json = false;
};

/// `duplexc devices`: the bundled device names and their descriptions.
llvm::Expected<CommandOutput> makeDevicesOutput(const DevicesOptions &options);
int runDevicesCommand(const DevicesOptions &options);

/// `duplexc models`: the bundled model names and where each comes from.
llvm::Expected<CommandOutput> makeModelsOutput(const ModelsOptions &options);
int runModelsCommand(const ModelsOptions &options);

} // namespace duplex

#endif // DUPLEX_DRIVER_COMMANDS_H
