//===- Partition.h - Op/B analysis and partitioning as a library *- C++ -*-===//
//
// What --dx-opb-analysis and --dx-partition do, callable from duplexc (which
// needs the results, not only the annotated IR).
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_TRANSFORMS_PARTITION_H
#define DUPLEX_TRANSFORMS_PARTITION_H

#include "duplex/Analysis/Placement.h"
#include "duplex/Analysis/StageWork.h"
#include "duplex/Hardware/CalibrationProfile.h"
#include "duplex/Hardware/DeviceOverride.h"
#include "duplex/Hardware/System.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <memory>
#include <string>

namespace duplex {

struct StageOptions {
  /// Stage spec; empty: the module's dx.stage attribute.
  std::string stage;
  std::string routing = "expected";
  uint64_t seed = 0;
};

struct PartitionOptions {
  StageOptions stage;
  std::string system;
  unsigned devices = 0; ///< 0: the description's topology.
  unsigned nodes = 0;
  bool expertTensorParallel = false;
  std::string overridesFile;
  /// Calibration profile: a bundled name or a file (CalibrationProfile.h).
  std::string calibration = hw::kDefaultCalibrationProfile.str();
  /// --set changes to the device description.
  std::vector<hw::DeviceOverride> deviceOverrides;
};

/// The stage of `module`: `options.stage` if set (it is then recorded as
/// the module's dx.stage), else its dx.stage. Errors are emitted on the
/// module.
mlir::FailureOr<Stage> resolveStage(mlir::ModuleOp module,
                                    const StageOptions &options);

/// The single llm.model of `module`, or an error emitted on the module.
mlir::FailureOr<llm::ModelOp> findSingleModel(mlir::ModuleOp module);

/// Records of every op of `model` for `context`, attached as dx.work.
mlir::FailureOr<std::vector<WorkRecord>>
annotateStageWork(llm::ModelOp model, const llm::WorkContext &context);

struct PartitionResult {
  std::unique_ptr<hw::System> system;
  PlacementPlan plan;
};

/// Loads the system, checks capacity, places every op part, attaches
/// dx.work, dx.placement, dx.transfer and dx.target. Errors are emitted on
/// the module or the model.
mlir::FailureOr<PartitionResult>
partitionModule(mlir::ModuleOp module, const PartitionOptions &options);

/// Loads a device description, applies a --devices/--nodes
/// (--replicas-per-node) topology (0 keeps the description's) and a
/// calibration profile (a bundled name or a file; CalibrationProfile.h),
/// with its section for the serving `runtime` when it has one.
llvm::Expected<std::unique_ptr<hw::System>>
loadScaledSystem(llvm::StringRef nameOrPath, unsigned devices, unsigned nodes,
                 unsigned replicasPerNode = 0,
                 llvm::StringRef calibration = hw::kDefaultCalibrationProfile,
                 llvm::ArrayRef<hw::DeviceOverride> overrides = {},
                 llvm::StringRef runtime = {});

/// A table of records (Op/B analysis) or placed records, for people.
void printWorkTable(llvm::ArrayRef<WorkRecord> records, llvm::raw_ostream &os);
void printPlacementTable(const PlacementPlan &plan, llvm::raw_ostream &os);
void printRidgePoints(const PlacementPlan &plan, llvm::raw_ostream &os);

} // namespace duplex

#endif // DUPLEX_TRANSFORMS_PARTITION_H
