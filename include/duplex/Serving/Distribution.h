//===- Distribution.h - summary statistics of latency samples ---*- C++ -*-===//
//
// Count, mean, median, standard deviation and chosen percentiles of a
// sample, as vLLM's serving benchmark reports each latency metric (numpy's
// mean, median, std with ddof 0 and linear-interpolation percentiles).
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SERVING_DISTRIBUTION_H
#define DUPLEX_SERVING_DISTRIBUTION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace duplex::serving {

/// The percentiles reported when none are asked for (vLLM's default set is
/// 99; the Duplex paper quotes p50, p90 and p99).
llvm::ArrayRef<double> getDefaultPercentiles();

struct Distribution {
  /// Samples; 0 means the metric does not exist for the run (no request
  /// generated two tokens, say), and every statistic below is meaningless.
  uint64_t count = 0;
  double mean = 0;
  double median = 0;
  /// Population standard deviation (numpy.std, ddof 0).
  double std = 0;
  /// (percent, value) in the order they were asked for.
  std::vector<std::pair<double, double>> percentiles;

  bool empty() const { return count == 0; }
  /// The value at `percent`, which must be one of those asked for.
  double at(double percent) const;
};

/// Summarises `values` with the percentiles `percents` (each in [0, 100]),
/// interpolating linearly between the closest ranks (numpy's default). The
/// mean and std sum as numpy does (pairwise, in the order given): the same
/// samples in the same order give numpy's values to the last bit.
Distribution
summarize(std::vector<double> values,
          llvm::ArrayRef<double> percents = getDefaultPercentiles());

/// Samples kept in order as runs of bit-identical values. The token gaps of
/// a trace run number millions, but most are a stage's decoders all waiting
/// out the same stage: a run per stage, not a double per token.
class SampleRuns {
public:
  struct Run {
    double value;
    uint64_t count;
  };

  SampleRuns() = default;
  SampleRuns(std::initializer_list<double> values);

  void push_back(double value) {
    ++total;
    if (!runs.empty() && sameBits(runs.back().value, value))
      ++runs.back().count;
    else
      runs.push_back({value, 1});
  }
  /// `other`'s samples after these.
  void append(const SampleRuns &other);
  uint64_t size() const { return total; }
  bool empty() const { return total == 0; }
  llvm::ArrayRef<Run> getRuns() const { return runs; }
  /// Every sample, in order.
  std::vector<double> expand() const;
  /// The runs, moved out (the samples are left empty).
  std::vector<Run> takeRuns();

private:
  static bool sameBits(double a, double b) {
    uint64_t x, y;
    std::memcpy(&x, &a, sizeof x);
    std::memcpy(&y, &b, sizeof y);
    return x == y;
  }
  std::vector<Run> runs;
  uint64_t total = 0;
};

/// summarize() of the samples `samples` stands for, in their order: the
/// same statistics to the last bit.
Distribution
summarizeRuns(SampleRuns samples,
              llvm::ArrayRef<double> percents = getDefaultPercentiles());

/// Parses "50,90,99,99.9": percents in [0, 100], at least one, no repeats.
llvm::Expected<std::vector<double>> parsePercentiles(llvm::StringRef spec);

/// The key of a percentile: "p50", "p99.9" (shortest decimal form).
std::string percentileKey(double percent);

} // namespace duplex::serving

#endif // DUPLEX_SERVING_DISTRIBUTION_H
