//===- Plan.h - capacity planning over candidate systems --------*- C++ -*-===//
//
// `duplexc plan` and `duplex.plan` answer "what is the cheapest system that
// serves this load within the SLO?". Candidates are the points of a sweep
// spec (device kind x count x coprocess x max batch ...); the plan adds the
// workload (a QPS or a trace) and the SLO. For each candidate a search over
// the arrival rate finds the highest rate whose SLO attainment (the share
// of requests meeting every objective) reaches the target, e.g. 90%; the
// candidates that meet it at the target load are ranked by device count
// and by energy per token.
//
// Every candidate is independent: the command runs them on a thread pool,
// Python on Dask workers, and both build the table from the same rows, so
// the files are byte-identical.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_DRIVER_PLAN_H
#define DUPLEX_DRIVER_PLAN_H

#include "duplex/Driver/SweepSpec.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>
#include <vector>

namespace duplex {

struct RateSearchOptions {
  /// Requests/s where the search starts: the load to plan for.
  double target = 1;
  /// The search stops when the lowest failing rate is within this
  /// fraction above the highest passing one.
  double tolerance = 0.02;
  /// Doublings (or halvings) from the target before the search gives up:
  /// 2^20 either way.
  unsigned maxSteps = 20;
};

struct RateSearch {
  /// The highest rate that met the objective (0: none tried did).
  double maxRate = 0;
  /// The lowest rate that missed it (0: none up to the search's ceiling).
  double minFailingRate = 0;
  /// The target rate itself met it.
  bool meetsTarget = false;
  unsigned probes = 0;
};

/// Doubles the rate from the target while it passes (halves while it
/// fails), then bisects the bracket geometrically until it is within the
/// tolerance. Assumes attainment falls as the rate rises; `passes(rate)`
/// is one simulation, and its error ends the search.
llvm::Expected<RateSearch>
searchMaxRate(const RateSearchOptions &options,
              llvm::function_ref<llvm::Expected<bool>(double)> passes);

/// What `duplexc plan` adds to every candidate.
struct PlanSettings {
  /// Workload and SLO options by Python name (model, qps or trace,
  /// arrivals, trace_columns, requests, lin, lout, len_std, seed, slo):
  /// the flags given to the command.
  llvm::json::Object workload;
  /// Percent of requests that must meet every objective (1 to 100).
  double attainment = 90;
  double tolerance = 0.02;
};

struct Plan {
  SweepSpec candidates;
  PlanSettings settings;
  /// The load to plan for: --qps, or the trace's own mean rate.
  double targetQPS = 0;
  /// The rate is the trace's (trace_qps), not synthetic arrivals' (qps).
  bool traceRate = false;
};

/// Checks the settings and reads the candidates (a sweep spec whose points
/// are systems: it may not set the workload's arrivals or the SLO).
llvm::Expected<Plan> parsePlan(llvm::StringRef candidatesText,
                               llvm::StringRef name,
                               const PlanSettings &settings);
llvm::Expected<Plan> readPlan(llvm::StringRef candidatesFile,
                              const PlanSettings &settings);

/// Searches one candidate: its row as a JSON object, the table's columns
/// as keys (a candidate that fails has its message under "error").
llvm::json::Object runPlanCandidate(const Plan &plan, size_t index);

/// Every candidate's row, on `threads` threads (0: one per hardware
/// thread), with a progress line unless `quiet`.
std::vector<llvm::json::Object> runPlanCandidates(const Plan &plan,
                                                  unsigned threads, bool quiet);

/// The columns of the table, in order.
std::vector<std::string> getPlanColumns(const Plan &plan);

/// The rows with the `cheapest` column filled in: "devices" for the
/// fewest devices meeting the target (then the lowest energy per token,
/// then the first), "energy" for the lowest energy per token (then the
/// fewest devices, then the first), "devices+energy" for one that is both.
std::vector<llvm::json::Object>
rankPlanRows(const Plan &plan, std::vector<llvm::json::Object> rows);

enum class PlanFormat { Text, CSV, JSON };

/// The ranked table as text (a summary and the two choices), CSV or JSON.
std::string formatPlan(const Plan &plan,
                       llvm::ArrayRef<llvm::json::Object> rankedRows,
                       PlanFormat format);

} // namespace duplex

#endif // DUPLEX_DRIVER_PLAN_H
