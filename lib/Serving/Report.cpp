//===- Report.cpp - serving metrics ---------------------------------------===//

#include "duplex/Serving/Report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace llvm;

namespace duplex::serving {

Distribution summarize(std::vector<double> values) {
  Distribution d;
  if (values.empty())
    return d;
  d.mean = std::accumulate(values.begin(), values.end(), 0.0) / values.size();
  // Percentiles by selection, not a sort (a trace's millions of TBT
  // samples took a tenth of simulate's time): ranks are visited in
  // increasing order, each nth_element over the part after the previous
  // rank, whose elements are all no smaller.
  // Below 64 samples two percentiles' ranks can share or cross an
  // interpolation pair: sort those (it is cheap).
  if (values.size() < 64)
    std::sort(values.begin(), values.end());
  size_t selected = 0;
  auto valueAt = [&](size_t rank) {
    if (values.size() < 64)
      return values[rank];
    std::nth_element(values.begin() + selected, values.begin() + rank,
                     values.end());
    selected = rank;
    return values[rank];
  };
  // Linear interpolation between the closest ranks (numpy's default).
  auto percentile = [&](double p) {
    double rank = p / 100.0 * (values.size() - 1);
    size_t below = size_t(std::floor(rank));
    size_t above = std::min(below + 1, values.size() - 1);
    double low = valueAt(below);
    double high = above == below ? low : valueAt(above);
    return low + (rank - below) * (high - low);
  };
  d.p50 = percentile(50);
  d.p90 = percentile(90);
  d.p99 = percentile(99);
  return d;
}

static std::array<double, kNumCostCategories>
fractions(const std::array<double, kNumCostCategories> &values) {
  double total = std::accumulate(values.begin(), values.end(), 0.0);
  std::array<double, kNumCostCategories> out{};
  if (total > 0)
    for (size_t c = 0; c < kNumCostCategories; ++c)
      out[c] = values[c] / total;
  return out;
}

ServingReport makeReport(ArrayRef<ServingResult> replicas, double wallSeconds) {
  ServingReport report;
  std::vector<double> ttft, tbt, e2e;
  std::array<double, kNumCostCategories> seconds{}, joules{}, dramJoules{};
  std::array<std::array<double, kNumCostCategories>, 3> secondsByKind{};
  double totalJoules = 0, staticJoules = 0;
  for (const ServingResult &result : replicas) {
    report.simulatedSeconds =
        std::max(report.simulatedSeconds, result.simulatedSeconds);
    report.generatedTokens += result.generatedTokens;
    report.preemptions += result.preemptions;
    if (result.simulatedSeconds > 0)
      report.meanBatch += result.batchRequestSeconds / result.simulatedSeconds;
    report.maxBatch += result.maxBatch;
    totalJoules += result.totals.joules;
    staticJoules += result.totals.staticJoules;
    for (size_t k = 0; k < 3; ++k)
      report.stages[k] += result.stagesByKind[k];
    for (size_t c = 0; c < kNumCostCategories; ++c) {
      seconds[c] += result.totals.secondsByCategory[c];
      joules[c] += result.totals.joulesByCategory[c];
      dramJoules[c] += result.totals.dramJoulesByCategory[c];
      for (size_t k = 0; k < 3; ++k)
        secondsByKind[k][c] += result.secondsByKind[k][c];
    }
    for (const RequestRecord &record : result.requests) {
      ++report.requests;
      // A prefill-only request has an end-to-end latency but no first token.
      if (record.outputTokens == 0)
        ++report.prefillOnlyRequests;
      else
        ttft.push_back(record.firstTokenSeconds - record.arrivalSeconds);
      e2e.push_back(record.finishSeconds - record.arrivalSeconds);
    }
    tbt.insert(tbt.end(), result.tokenGapSeconds.begin(),
               result.tokenGapSeconds.end());
  }
  if (report.simulatedSeconds > 0) {
    report.throughputTokensPerSecond =
        report.generatedTokens / report.simulatedSeconds;
    report.requestsPerSecond = report.requests / report.simulatedSeconds;
  }
  if (report.generatedTokens > 0) {
    double tokens = report.generatedTokens;
    report.joulesPerToken = totalJoules / tokens;
    report.staticJoulesPerToken = staticJoules / tokens;
    for (size_t c = 0; c < kNumCostCategories; ++c) {
      report.dramJoulesPerToken[c] = dramJoules[c] / tokens;
      report.otherJoulesPerToken[c] = (joules[c] - dramJoules[c]) / tokens;
    }
  }
  for (size_t k = 0; k < 3; ++k)
    report.timeBreakdownByKind[k] = fractions(secondsByKind[k]);
  report.ttftSeconds = summarize(std::move(ttft));
  report.tbtSeconds = summarize(std::move(tbt));
  report.e2eSeconds = summarize(std::move(e2e));
  report.timeBreakdown = fractions(seconds);
  report.energyBreakdown = fractions(joules);
  report.wallSeconds = wallSeconds;
  return report;
}

static json::Object toJSON(const Distribution &d) {
  return json::Object{
      {"mean", d.mean}, {"p50", d.p50}, {"p90", d.p90}, {"p99", d.p99}};
}

static json::Object
breakdownJSON(const std::array<double, kNumCostCategories> &values) {
  json::Object object;
  for (size_t c = 0; c < kNumCostCategories; ++c)
    object[toString(CostCategory(c))] = values[c];
  return object;
}

/// Joules per token by category: {"fc": {"dram": J, "compute": J}, ...}, with
/// "link" instead of "compute" for communication, and "static".
static json::Object energyDetailJSON(const ServingReport &report) {
  json::Object object;
  for (size_t c = 0; c < kNumCostCategories; ++c) {
    CostCategory category = CostCategory(c);
    object[toString(category)] = json::Object{
        {"dram", report.dramJoulesPerToken[c]},
        {category == CostCategory::Communication ? "link" : "compute",
         report.otherJoulesPerToken[c]}};
  }
  object["static"] = report.staticJoulesPerToken;
  return object;
}

json::Object toJSON(const ServingReport &report) {
  json::Object result{
      {"throughput_tokens_per_s", report.throughputTokensPerSecond},
      {"requests_per_s", report.requestsPerSecond},
      {"ttft_s", toJSON(report.ttftSeconds)},
      {"tbt_s", toJSON(report.tbtSeconds)},
      {"e2e_s", toJSON(report.e2eSeconds)},
      {"energy_j_per_token", report.joulesPerToken},
      {"time_breakdown", breakdownJSON(report.timeBreakdown)},
      {"energy_breakdown", breakdownJSON(report.energyBreakdown)},
      {"energy_j_per_token_by_category", energyDetailJSON(report)},
      {"time_breakdown_by_stage",
       json::Object{
           {"prefill_only", breakdownJSON(report.timeBreakdownByKind[0])},
           {"mixed", breakdownJSON(report.timeBreakdownByKind[1])},
           {"decode_only", breakdownJSON(report.timeBreakdownByKind[2])}}},
      {"stages", json::Object{{"prefill_only", report.stages[0]},
                              {"mixed", report.stages[1]},
                              {"decode_only", report.stages[2]}}},
      {"preemptions", report.preemptions},
      {"batch",
       json::Object{{"mean", report.meanBatch}, {"max", report.maxBatch}}},
      {"requests", report.requests},
      {"prefill_only_requests", report.prefillOnlyRequests},
      {"generated_tokens", report.generatedTokens},
      {"simulated_seconds", report.simulatedSeconds},
      {"wall_seconds", report.wallSeconds},
  };
  if (report.batchLimit)
    result["batch_limit"] =
        json::Object{{"system", report.batchLimit},
                     {"per_replica", report.batchLimitPerReplica},
                     {"replicas", report.replicas}};
  if (!report.calibration.empty())
    result["calibration"] = report.calibration;
  if (!report.scheduler.empty()) {
    result["scheduler"] = report.scheduler;
    result["stage_token_budget"] = report.stageTokenBudget;
    result["chunked_prefill"] = report.chunkedPrefill;
  }
  if (report.partialModel)
    result["partial"] = true;
  if (report.longContextRequests)
    result["past_max_position_embeddings"] = report.longContextRequests;
  return result;
}

void printReport(const ServingReport &report, raw_ostream &os) {
  std::string text;
  auto line = [&](const char *name, const std::string &value) {
    text += fmt::format("  {:<28}{}\n", name, value);
  };
  auto latency = [](const Distribution &d) {
    return fmt::format("mean {:9.4f}  p50 {:9.4f}  p90 {:9.4f}  p99 {:9.4f} s",
                       d.mean, d.p50, d.p90, d.p99);
  };
  if (!report.title.empty())
    text += report.title + "\n";
  if (report.partialModel)
    text += "  PARTIAL: the model was raised with --allow-partial; weights or "
            "layers of the graph are left out\n";
  if (report.longContextRequests)
    text += fmt::format("  LONG CONTEXT: {} requests run past the model's "
                        "max_position_embeddings (--allow-long-context)\n",
                        report.longContextRequests);
  line("requests", fmt::format("{} ({} tokens generated{})", report.requests,
                               report.generatedTokens,
                               report.prefillOnlyRequests
                                   ? fmt::format("; {} prefill-only",
                                                 report.prefillOnlyRequests)
                                   : std::string()));
  line("simulated time", fmt::format("{:.3f} s", report.simulatedSeconds));
  line("throughput",
       fmt::format("{:.1f} tokens/s, {:.3f} requests/s",
                   report.throughputTokensPerSecond, report.requestsPerSecond));
  line("TTFT", latency(report.ttftSeconds));
  line("TBT", latency(report.tbtSeconds));
  line("E2E", latency(report.e2eSeconds));
  line("energy", fmt::format("{:.3f} J/token", report.joulesPerToken));
  line("stages",
       fmt::format("{} prefill-only, {} mixed, {} decode-only",
                   report.stages[0], report.stages[1], report.stages[2]));
  line("preemptions", fmt::format("{}", report.preemptions));
  // Replicas run their stages side by side: their batches add up.
  line("batch", fmt::format("mean {:.1f}, max {} requests per stage{}",
                            report.meanBatch, report.maxBatch,
                            report.replicas > 1
                                ? fmt::format(", summed over {} replicas",
                                              report.replicas)
                                : std::string()));
  text += fmt::format("\n  {:<28}{:>8}{:>9}\n", "breakdown", "time", "energy");
  for (size_t c = 0; c < kNumCostCategories; ++c)
    text += fmt::format(
        "  {:<28}{:>7.1f}%{:>8.1f}%\n", toString(CostCategory(c)).str(),
        100 * report.timeBreakdown[c], 100 * report.energyBreakdown[c]);
  os << text;
}

} // namespace duplex::serving
