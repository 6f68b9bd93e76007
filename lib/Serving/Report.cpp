//===- Report.cpp - serving metrics ---------------------------------------===//

#include "duplex/Serving/Report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

using namespace llvm;

namespace duplex::serving {

static std::array<double, kNumCostCategories>
fractions(const std::array<double, kNumCostCategories> &values) {
  double total = std::accumulate(values.begin(), values.end(), 0.0);
  std::array<double, kNumCostCategories> out{};
  if (total > 0)
    for (size_t c = 0; c < kNumCostCategories; ++c)
      out[c] = values[c] / total;
  return out;
}

ServingReport makeReport(ArrayRef<ServingResult> replicas, double wallSeconds,
                         const ReportOptions &options) {
  ServingReport report;
  std::vector<double> ttft, tpot, e2e;
  SampleRuns itl;
  uint64_t good = 0;
  std::vector<const RequestRecord *> records;
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
    for (const RequestRecord &record : result.requests)
      records.push_back(&record);
    itl.append(result.tokenGapSeconds);
  }
  // Per-request samples in request-id order, the order of the request
  // table, so that numpy over its columns gives the same sums.
  llvm::stable_sort(records,
                    [](const RequestRecord *a, const RequestRecord *b) {
                      return a->id < b->id;
                    });
  for (const RequestRecord *record : records) {
    ++report.requests;
    report.promptTokens += record->inputTokens;
    // A prefill-only request has an end-to-end latency but no first token.
    if (record->outputTokens == 0)
      ++report.prefillOnlyRequests;
    RequestLatencies latencies = measure(*record);
    if (latencies.ttft)
      ttft.push_back(*latencies.ttft);
    if (latencies.tpot)
      tpot.push_back(*latencies.tpot);
    e2e.push_back(latencies.e2e);
    if (!options.slo.empty() && meets(latencies, options.slo))
      ++good;
  }
  if (report.simulatedSeconds > 0) {
    report.throughputTokensPerSecond =
        report.generatedTokens / report.simulatedSeconds;
    report.totalTokensPerSecond =
        double(report.generatedTokens + report.promptTokens) /
        report.simulatedSeconds;
    report.requestsPerSecond = report.requests / report.simulatedSeconds;
  }
  if (!options.slo.empty()) {
    Goodput goodput;
    goodput.slo = options.slo;
    goodput.goodRequests = good;
    if (report.requests)
      goodput.attainment = double(good) / report.requests;
    if (report.simulatedSeconds > 0)
      goodput.requestsPerSecond = good / report.simulatedSeconds;
    report.goodput = goodput;
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
  report.ttftSeconds = summarize(std::move(ttft), options.percentiles);
  report.tpotSeconds = summarize(std::move(tpot), options.percentiles);
  report.itlSeconds = summarizeRuns(std::move(itl), options.percentiles);
  report.e2eSeconds = summarize(std::move(e2e), options.percentiles);
  report.timeBreakdown = fractions(seconds);
  report.energyBreakdown = fractions(joules);
  report.wallSeconds = wallSeconds;
  return report;
}

/// {"count", "mean", "median", "std", "p50", ...}; with no samples every
/// statistic is null, never a 0 that reads as a measurement.
static json::Object toJSON(const Distribution &d) {
  auto value = [&](double v) -> json::Value {
    if (d.empty())
      return nullptr;
    return v;
  };
  json::Object object{{"count", d.count},
                      {"mean", value(d.mean)},
                      {"median", value(d.median)},
                      {"std", value(d.std)}};
  for (const auto &[percent, v] : d.percentiles)
    object[percentileKey(percent)] = value(v);
  return object;
}

static json::Object toJSON(const Goodput &goodput) {
  json::Object slo;
  if (goodput.slo.ttft)
    slo["ttft_s"] = *goodput.slo.ttft;
  if (goodput.slo.tpot)
    slo["tpot_s"] = *goodput.slo.tpot;
  if (goodput.slo.e2e)
    slo["e2e_s"] = *goodput.slo.e2e;
  return json::Object{{"slo", std::move(slo)},
                      {"good_requests", goodput.goodRequests},
                      {"attainment", goodput.attainment},
                      {"requests_per_s", goodput.requestsPerSecond}};
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
static json::Value energyDetailJSON(const ServingReport &report) {
  // No token generated: nothing to divide by (null, never a 0).
  if (report.generatedTokens == 0)
    return nullptr;
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
      {"total_tokens_per_s", report.totalTokensPerSecond},
      {"requests_per_s", report.requestsPerSecond},
      {"ttft_s", toJSON(report.ttftSeconds)},
      {"tpot_s", toJSON(report.tpotSeconds)},
      {"itl_s", toJSON(report.itlSeconds)},
      {"e2e_s", toJSON(report.e2eSeconds)},
      {"energy_j_per_token", report.generatedTokens
                                 ? json::Value(report.joulesPerToken)
                                 : json::Value(nullptr)},
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
      {"prompt_tokens", report.promptTokens},
      {"simulated_seconds", report.simulatedSeconds},
      {"wall_seconds", report.wallSeconds},
  };
  if (report.batchLimit)
    result["batch_limit"] =
        json::Object{{"system", report.batchLimit},
                     {"per_replica", report.batchLimitPerReplica},
                     {"replicas", report.replicas}};
  if (report.kvCapacityTokens)
    result["kv_cache"] = json::Object{
        {"capacity_tokens_per_replica",
         report.kvCapacityTokens == std::numeric_limits<uint64_t>::max()
             ? json::Value(nullptr)
             : json::Value(report.kvCapacityTokens)},
        {"runtime_reserved_bytes_per_device", report.runtimeReservedBytes},
        {"admission",
         report.kvWholeRequestAdmission ? "whole-request" : "prompt"}};
  if (!report.calibration.empty())
    result["calibration"] = report.calibration;
  if (!report.scheduler.empty()) {
    result["scheduler"] = report.scheduler;
    result["stage_token_budget"] = report.stageTokenBudget;
    result["chunked_prefill"] = report.chunkedPrefill;
  }
  if (report.goodput)
    result["goodput"] = toJSON(*report.goodput);
  if (report.partialModel)
    result["partial"] = true;
  if (report.longContextRequests)
    result["past_max_position_embeddings"] = report.longContextRequests;
  if (!report.inputs.empty())
    result["inputs"] = json::Object(report.inputs);
  return result;
}

std::vector<std::string> getReportKeys() {
  // A report with every optional part set prints every key.
  ServingReport report;
  report.batchLimit = 1;
  report.calibration = report.scheduler = "set";
  report.goodput = Goodput();
  report.partialModel = true;
  report.longContextRequests = 1;
  report.inputs["set"] = true;
  std::vector<std::string> keys;
  for (const auto &entry : toJSON(report))
    keys.push_back(entry.first.str());
  llvm::sort(keys);
  return keys;
}

/// `value` with `digits` significant digits in fixed notation (12.35,
/// 0.001235, 12346): what a reader compares, without exponents.
static std::string significant(double value, int digits = 4) {
  if (value == 0 || !std::isfinite(value))
    return fmt::format("{}", value);
  int magnitude = int(std::floor(std::log10(std::fabs(value))));
  int decimals = std::max(0, digits - 1 - magnitude);
  return fmt::format("{:.{}f}", value, decimals);
}

/// "mean 12.35  median 11.9  std 3.1  p50 ...", in milliseconds; `none`
/// says why a metric without samples has no value.
static std::string latencyLine(const Distribution &d, StringRef none) {
  if (d.empty())
    return ("n/a (" + none + ")").str();
  std::string text =
      fmt::format("mean {}  median {}  std {}", significant(1e3 * d.mean),
                  significant(1e3 * d.median), significant(1e3 * d.std));
  for (const auto &[percent, value] : d.percentiles)
    text += fmt::format("  {} {}", percentileKey(percent),
                        significant(1e3 * value));
  return text;
}

/// "N tokens per replica, admitted ...; the runtime keeps X GiB ...".
static std::string kvCacheText(const ServingReport &report) {
  std::string text =
      report.kvCapacityTokens == std::numeric_limits<uint64_t>::max()
          ? std::string("none needed")
          : fmt::format("{} tokens per replica", report.kvCapacityTokens);
  text += report.kvWholeRequestAdmission
              ? ", a request admitted when its prompt and output fit"
              : ", a request admitted when its prompt fits";
  if (report.runtimeReservedBytes > 0)
    text += fmt::format("; the runtime keeps {:.2f} GiB per device",
                        report.runtimeReservedBytes / (1024.0 * 1024 * 1024));
  return text;
}

/// "ttft <= 200 ms, tpot <= 50 ms".
static std::string describe(const ServiceLevelObjectives &slo) {
  std::string text;
  auto add = [&](const char *name, std::optional<double> seconds) {
    if (seconds)
      text += fmt::format("{}{} <= {} ms", text.empty() ? "" : ", ", name,
                          1e3 * *seconds);
  };
  add("TTFT", slo.ttft);
  add("TPOT", slo.tpot);
  add("E2E", slo.e2e);
  return text;
}

void printReport(const ServingReport &report, raw_ostream &os) {
  std::string text;
  auto line = [&](const char *name, const std::string &value) {
    text += fmt::format("  {:<28}{}\n", name, value);
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
  line("simulated time",
       fmt::format("{} s", significant(report.simulatedSeconds)));
  line("throughput",
       fmt::format("{} output tokens/s, {} total tokens/s, {} requests/s",
                   significant(report.throughputTokensPerSecond),
                   significant(report.totalTokensPerSecond),
                   significant(report.requestsPerSecond)));
  line("TTFT (ms)",
       latencyLine(report.ttftSeconds, "no request generated a token"));
  line("TPOT (ms)",
       latencyLine(report.tpotSeconds, "no request generated two tokens"));
  line("ITL (ms)",
       latencyLine(report.itlSeconds, "no request generated two tokens"));
  line("E2E (ms)", latencyLine(report.e2eSeconds, "no request"));
  if (report.goodput)
    line("goodput",
         fmt::format("{} requests/s: {} of {} requests ({}%) meet {}",
                     significant(report.goodput->requestsPerSecond),
                     report.goodput->goodRequests, report.requests,
                     significant(100 * report.goodput->attainment, 3),
                     describe(report.goodput->slo)));
  line("energy", report.generatedTokens
                     ? fmt::format("{} mJ/token",
                                   significant(1e3 * report.joulesPerToken))
                     : std::string("n/a (no token generated)"));
  line("stages",
       fmt::format("{} prefill-only, {} mixed, {} decode-only",
                   report.stages[0], report.stages[1], report.stages[2]));
  line("preemptions", fmt::format("{}", report.preemptions));
  if (report.kvCapacityTokens)
    line("kv cache", kvCacheText(report));
  // Replicas run their stages side by side: their batches add up. The mean
  // is over the simulated time, idle gaps included (L3's "batch size").
  line("batch",
       fmt::format(
           "{:.1f} requests in flight on average over the simulated "
           "time, at most {} in a stage{}",
           report.meanBatch, report.maxBatch,
           report.replicas > 1
               ? fmt::format(" (summed over {} replicas)", report.replicas)
               : std::string()));
  text += fmt::format("\n  {:<28}{:>8}{:>9}\n", "breakdown", "time", "energy");
  for (size_t c = 0; c < kNumCostCategories; ++c)
    text += fmt::format(
        "  {:<28}{:>7.1f}%{:>8.1f}%\n", toString(CostCategory(c)).str(),
        100 * report.timeBreakdown[c], 100 * report.energyBreakdown[c]);
  os << text;
}

} // namespace duplex::serving
