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
/// `fill(begin, n, out)` writes the values at [begin, begin + n), n <= 128,
/// to `out`; they are summed as numpy sums an array of them. A functor, so
/// the squared deviations of the std need no array of their own (a trace
/// has millions of samples); it is asked for blocks in increasing order.
template <typename Fill>
static double pairwiseSum(const Fill &fill, size_t begin, size_t n) {
  if (n <= 128) {
    double block[128];
    fill(begin, n, block);
    if (n < 8) {
      double sum = 0.;
      for (size_t i = 0; i < n; ++i)
        sum += block[i];
      return sum;
    }
    double partial[8];
    for (size_t j = 0; j < 8; ++j)
      partial[j] = block[j];
    size_t i = 8;
    for (; i < n - n % 8; i += 8)
      for (size_t j = 0; j < 8; ++j)
        partial[j] += block[i + j];
    double sum = ((partial[0] + partial[1]) + (partial[2] + partial[3])) +
                 ((partial[4] + partial[5]) + (partial[6] + partial[7]));
    for (; i < n; ++i)
      sum += block[i];
    return sum;
  }
  size_t half = n / 2;
  half -= half % 8;
  // The left half first: the order of a +'s operands is unspecified, and
  // the runs' cursor walks forward.
  double left = pairwiseSum(fill, begin, half);
  double right = pairwiseSum(fill, begin + half, n - half);
  return left + right;
}

/// The ranks (0-based, in sorted order) every statistic of n samples needs:
/// the median's and each percentile's two closest, sorted and unique.
static SmallVector<size_t, 16> ranksNeeded(size_t n,
                                           ArrayRef<double> percents) {
  SmallVector<size_t, 16> ranks = {(n - 1) / 2, n / 2}; // The median's.
  for (double p : percents) {
    double rank = p / 100.0 * (n - 1);
    size_t below = size_t(std::floor(rank));
    ranks.push_back(below);
    ranks.push_back(std::min(below + 1, n - 1));
  }
  llvm::sort(ranks);
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  return ranks;
}

/// The statistics of n > 0 samples: `fill` gives blocks of them in their
/// order (pairwiseSum; asked for in increasing order, twice),
/// `select(ranks)` the values at ranksNeeded() of their sorted order.
template <typename Fill, typename Select>
static Distribution summarizeWith(size_t n, const Fill &fill,
                                  const Select &select,
                                  ArrayRef<double> percents) {
  Distribution d;
  d.count = n;
  // numpy.mean and numpy.std (ddof 0) of the samples in the order given.
  d.mean = pairwiseSum(fill, 0, n) / double(n);
  double mean = d.mean;
  auto squares = [&fill, mean](size_t begin, size_t count, double *out) {
    fill(begin, count, out);
    for (size_t i = 0; i < count; ++i)
      out[i] = (out[i] - mean) * (out[i] - mean);
  };
  d.std = std::sqrt(pairwiseSum(squares, 0, n) / double(n));

  SmallVector<size_t, 16> ranks = ranksNeeded(n, percents);
  SmallVector<double, 16> selected = select(ranks);
  auto valueAtRank = [&](size_t rank) {
    return selected[llvm::lower_bound(ranks, rank) - ranks.begin()];
  };
  // Linear interpolation between the closest ranks, computed as numpy's
  // percentile does (its _lerp: from the nearer end), so that a table of
  // the same samples gives the same doubles in numpy or pandas.
  for (double p : percents) {
    double rank = p / 100.0 * (n - 1);
    size_t below = size_t(std::floor(rank));
    double low = valueAtRank(below);
    double high = valueAtRank(std::min(below + 1, n - 1));
    double t = rank - below;
    double difference = high - low;
    d.percentiles.push_back(
        {p, t >= 0.5 ? high - difference * (1 - t) : low + difference * t});
  }
  // numpy.median: the middle sample, or the mean of the middle two.
  d.median = n % 2 ? valueAtRank(n / 2)
                   : (valueAtRank(n / 2 - 1) + valueAtRank(n / 2)) / 2;
  return d;
}

static Distribution emptyDistribution(ArrayRef<double> percents) {
  Distribution d;
  for (double p : percents)
    d.percentiles.push_back({p, 0});
  return d;
}

Distribution summarize(std::vector<double> values, ArrayRef<double> percents) {
  if (values.empty())
    return emptyDistribution(percents);
  const double *data = values.data();
  auto fill = [data](size_t begin, size_t count, double *out) {
    std::copy_n(data + begin, count, out);
  };
  // Percentiles by selection, not a sort (a trace's millions of ITL samples
  // took a tenth of simulate's time): each rank once, in increasing order,
  // by an nth_element over the part after the previous rank (all no
  // smaller).
  auto select = [&values](ArrayRef<size_t> ranks) {
    SmallVector<double, 16> selected;
    size_t from = 0;
    for (size_t rank : ranks) {
      std::nth_element(values.begin() + from, values.begin() + rank,
                       values.end());
      selected.push_back(values[rank]);
      from = rank;
    }
    return selected;
  };
  return summarizeWith(values.size(), fill, select, percents);
}

SampleRuns::SampleRuns(std::initializer_list<double> values) {
  for (double value : values)
    push_back(value);
}

void SampleRuns::append(const SampleRuns &other) {
  for (const Run &run : other.runs) {
    if (!runs.empty() && sameBits(runs.back().value, run.value))
      runs.back().count += run.count;
    else
      runs.push_back(run);
  }
  total += other.total;
}

std::vector<double> SampleRuns::expand() const {
  std::vector<double> values;
  values.reserve(total);
  for (const Run &run : runs)
    values.insert(values.end(), run.count, run.value);
  return values;
}

std::vector<SampleRuns::Run> SampleRuns::takeRuns() {
  total = 0;
  return std::move(runs);
}

/// The sample at `rank` (0-based) of the sorted samples `runs` stand for,
/// by a quickselect over the runs weighted by their counts; `runs` is
/// reordered. The pivot is one of the values, so each round removes it.
static double selectWeighted(MutableArrayRef<SampleRuns::Run> runs,
                             uint64_t rank) {
  using Run = SampleRuns::Run;
  while (runs.size() > 16) {
    double first = runs.front().value, middle = runs[runs.size() / 2].value,
           last = runs.back().value;
    double pivot = std::max(std::min(first, middle),
                            std::min(std::max(first, middle), last));
    Run *less = std::partition(runs.begin(), runs.end(), [pivot](const Run &r) {
      return r.value < pivot;
    });
    Run *equal = std::partition(
        less, runs.end(), [pivot](const Run &r) { return !(pivot < r.value); });
    uint64_t below = 0, at = 0;
    for (const Run *r = runs.begin(); r != less; ++r)
      below += r->count;
    for (const Run *r = less; r != equal; ++r)
      at += r->count;
    if (rank < below) {
      runs = MutableArrayRef<Run>(runs.begin(), less);
    } else if (rank < below + at) {
      return pivot;
    } else {
      rank -= below + at;
      runs = MutableArrayRef<Run>(equal, runs.end());
    }
  }
  llvm::sort(runs,
             [](const Run &a, const Run &b) { return a.value < b.value; });
  for (const Run &run : runs) {
    if (rank < run.count)
      return run.value;
    rank -= run.count;
  }
  assert(false && "rank past the samples");
  return runs.back().value;
}

Distribution summarizeRuns(SampleRuns samples, ArrayRef<double> percents) {
  if (samples.empty())
    return emptyDistribution(percents);
  // Blocks of samples asked for in increasing order: a cursor walks the
  // runs forward (and starts over should a block come back).
  ArrayRef<SampleRuns::Run> order = samples.getRuns();
  struct Cursor {
    size_t run = 0;
    uint64_t start = 0; ///< The sample the cursor's run starts at.
  } cursor;
  auto fill = [&order, &cursor](size_t begin, size_t count, double *out) {
    if (begin < cursor.start)
      cursor = Cursor();
    while (count > 0) {
      const SampleRuns::Run &run = order[cursor.run];
      uint64_t end = cursor.start + run.count;
      if (begin >= end) {
        cursor.start = end;
        ++cursor.run;
        continue;
      }
      size_t take = size_t(std::min<uint64_t>(count, end - begin));
      std::fill_n(out, take, run.value);
      out += take;
      begin += take;
      count -= take;
    }
  };
  // summarizeWith selects after both sums: only then are the runs,
  // which `order` views, moved out to be reordered.
  auto select = [&](ArrayRef<size_t> ranks) {
    std::vector<SampleRuns::Run> runs = samples.takeRuns();
    SmallVector<double, 16> selected;
    for (size_t rank : ranks)
      selected.push_back(selectWeighted(runs, rank));
    return selected;
  };
  size_t n = samples.size();
  return summarizeWith(n, fill, select, percents);
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
