//===- SweepRun.h - run the points of a sweep, rows of a CSV ----*- C++ -*-===//
//
// One CSV row per point: point, point_hash, the axes' values, every scalar
// of the JSON report (nested keys joined by dots: ttft_s.p50), the model
// and device fingerprints, the tool's version and git revision, and error
// (empty, or why the point failed). Rows are formatted here for the
// command line, the local Python engine and Dask workers alike, so all
// three write the same bytes.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_DRIVER_SWEEPRUN_H
#define DUPLEX_DRIVER_SWEEPRUN_H

#include "duplex/Driver/SweepSpec.h"

#include <string>
#include <vector>

namespace duplex {

/// The header line, with its newline.
std::string sweepHeaderLine(const SweepSpec &spec);

/// The report keys of the metric columns, in order, and their column
/// names (computed once per spec; every row follows them).
struct SweepColumns {
  std::vector<std::string> metricKeys;
  std::vector<std::string> names; ///< Every column of the CSV.
};
SweepColumns getSweepColumns(const SweepSpec &spec);

/// Runs one point; its CSV line, with its newline. A point that fails has
/// its message in the error column and empty metrics.
std::string runSweepPoint(const SweepSpec &spec, const SweepColumns &columns,
                          const SweepPoint &point);

struct SweepRunOptions {
  unsigned threads = 0; ///< 0: one per hardware thread.
  /// Keep the rows of `output` whose point_hash is a point of the spec.
  bool resume = false;
  bool quiet = false;
};

/// Runs every point not already in `output` (with resume) on a thread
/// pool, appending finished rows in point order as they complete, then
/// rewrites the file in point order atomically. Returns the number of
/// points that failed.
llvm::Expected<size_t> runSweep(const SweepSpec &spec, llvm::StringRef output,
                                const SweepRunOptions &options);

/// The lines of the points `indices` (any order; returned in that order),
/// run on `threads` threads (0: one per hardware thread).
std::vector<std::string> runSweepPoints(const SweepSpec &spec,
                                        llvm::ArrayRef<size_t> indices,
                                        unsigned threads);

} // namespace duplex

#endif // DUPLEX_DRIVER_SWEEPRUN_H
