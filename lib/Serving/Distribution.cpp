//===- Distribution.cpp - summary statistics of latency samples -----------===//

#include "duplex/Serving/Distribution.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FormatVariadic.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

using namespace llvm;

namespace duplex::serving {

ArrayRef<double> getDefaultPercentiles() {
  static const double percents[] = {50, 90, 99};
  return percents;
}

double Distribution::at(double percent) const {
  for (const auto &[p, value] : percentiles)
    if (p == percent)
      return value;
  assert(false && "percentile not summarised");
  return 0;
}

/// numpy's pairwise summation (numpy/core/src/umath/loops_utils.h.src,
/// pairwise_sum): runs of up to 128 summed in 8 interleaved partial sums,
/// longer runs split in halves (rounded to a multiple of 8). The same
/// doubles in the same order give numpy's sum to the last bit, so a table
/// of the samples re-aggregates to the report's mean and std exactly.
/// `valueAt(i)` for i in [begin, begin + n) summed as numpy sums an array
/// of those values; a functor, so the squared deviations of the std need
/// no array of their own (a trace has millions of samples).
template <typename ValueAt>
static double pairwiseSum(const ValueAt &valueAt, size_t begin, size_t n) {
  if (n < 8) {
    double sum = 0.;
    for (size_t i = 0; i < n; ++i)
      sum += valueAt(begin + i);
    return sum;
  }
  if (n <= 128) {
    double partial[8];
    for (size_t j = 0; j < 8; ++j)
      partial[j] = valueAt(begin + j);
    size_t i = 8;
    for (; i < n - n % 8; i += 8)
      for (size_t j = 0; j < 8; ++j)
        partial[j] += valueAt(begin + i + j);
    double sum = ((partial[0] + partial[1]) + (partial[2] + partial[3])) +
                 ((partial[4] + partial[5]) + (partial[6] + partial[7]));
    for (; i < n; ++i)
      sum += valueAt(begin + i);
    return sum;
  }
  size_t half = n / 2;
  half -= half % 8;
  return pairwiseSum(valueAt, begin, half) +
         pairwiseSum(valueAt, begin + half, n - half);
}

Distribution summarize(std::vector<double> values, ArrayRef<double> percents) {
  Distribution d;
  d.count = values.size();
  if (values.empty()) {
    for (double p : percents)
      d.percentiles.push_back({p, 0});
    return d;
  }
  // numpy.mean and numpy.std (ddof 0) of the samples in the order given.
  size_t n = values.size();
  const double *data = values.data();
  d.mean = pairwiseSum([data](size_t i) { return data[i]; }, 0, n) / double(n);
  double mean = d.mean;
  auto square = [data, mean](size_t i) {
    return (data[i] - mean) * (data[i] - mean);
  };
  d.std = std::sqrt(pairwiseSum(square, 0, n) / double(n));

  // Percentiles by selection, not a sort (a trace's millions of ITL samples
  // took a tenth of simulate's time): the ranks every statistic needs are
  // gathered, and each is selected once, in increasing order, by an
  // nth_element over the part after the previous rank (all no smaller).
  auto bracket = [&](double p) {
    double rank = p / 100.0 * (n - 1);
    size_t below = size_t(std::floor(rank));
    return std::make_pair(below, std::min(below + 1, n - 1));
  };
  SmallVector<size_t, 16> ranks = {(n - 1) / 2, n / 2}; // The median's.
  for (double p : percents) {
    auto [below, above] = bracket(p);
    ranks.push_back(below);
    ranks.push_back(above);
  }
  llvm::sort(ranks);
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  SmallVector<double, 16> selected;
  size_t from = 0;
  for (size_t rank : ranks) {
    std::nth_element(values.begin() + from, values.begin() + rank,
                     values.end());
    selected.push_back(values[rank]);
    from = rank;
  }
  auto valueAt = [&](size_t rank) {
    return selected[llvm::lower_bound(ranks, rank) - ranks.begin()];
  };
  // Linear interpolation between the closest ranks, computed as numpy's
  // percentile does (its _lerp: from the nearer end), so that a table of
  // the same samples gives the same doubles in numpy or pandas.
  for (double p : percents) {
    auto [below, above] = bracket(p);
    double low = valueAt(below);
    double high = valueAt(above);
    double t = p / 100.0 * (n - 1) - below;
    double difference = high - low;
    d.percentiles.push_back(
        {p, t >= 0.5 ? high - difference * (1 - t) : low + difference * t});
  }
  // numpy.median: the middle sample, or the mean of the middle two.
  d.median = n % 2 ? valueAt(n / 2) : (valueAt(n / 2 - 1) + valueAt(n / 2)) / 2;
  return d;
}

Expected<std::vector<double>> parsePercentiles(StringRef spec) {
  std::vector<double> percents;
  SmallVector<StringRef, 8> parts;
  spec.split(parts, ',');
  for (StringRef part : parts) {
    part = part.trim();
    double value;
    // getAsDouble accepts "nan" and "inf": the range check below refuses
    // them (NaN fails every comparison).
    if (part.getAsDouble(value) || !(value >= 0 && value <= 100))
      return createStringError(inconvertibleErrorCode(),
                               "--percentiles: '%s' is not a percent between "
                               "0 and 100 (e.g. --percentiles 50,90,99,99.9)",
                               part.str().c_str());
    value += 0.0; // -0 is 0 (its key would read "p-0").
    if (llvm::is_contained(percents, value))
      return createStringError(inconvertibleErrorCode(),
                               "--percentiles: %s is given twice",
                               part.str().c_str());
    percents.push_back(value);
  }
  return percents;
}

std::string percentileKey(double percent) {
  return fmt::format("p{}", percent);
}

} // namespace duplex::serving
