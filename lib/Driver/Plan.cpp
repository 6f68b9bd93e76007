//===- Plan.cpp - capacity planning over candidate systems ----------------===//

#include "duplex/Driver/Plan.h"

#include "CSVCells.h"
#include "duplex/Serving/Request.h"
#include "duplex/Serving/Workload.h"
#include "duplex/Support/InputFile.h"
#include "duplex/Support/Progress.h"
#include "duplex/Support/Provenance.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <mutex>

using namespace llvm;

namespace duplex {

/// The rates simulate accepts (Workload.cpp).
static constexpr double kLowestRate = 1e-6, kHighestRate = 1e9;

static Error planError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

Expected<RateSearch>
searchMaxRate(const RateSearchOptions &options,
              function_ref<Expected<bool>(double)> passes) {
  if (!(options.target >= kLowestRate && options.target <= kHighestRate))
    return planError(fmt::format("the target rate must be {} to {} "
                                 "requests/s (got {})",
                                 kLowestRate, kHighestRate, options.target));
  if (!(options.tolerance > 0 && options.tolerance < 1))
    return planError(fmt::format("the tolerance must be above 0 and below 1 "
                                 "(got {})",
                                 options.tolerance));
  RateSearch search;
  auto probe = [&](double rate) {
    ++search.probes;
    return passes(rate);
  };
  Expected<bool> atTarget = probe(options.target);
  if (!atTarget)
    return atTarget.takeError();
  search.meetsTarget = *atTarget;
  // `pass` met the objective, `fail` missed it (0: not found yet).
  double pass = 0, fail = 0;
  if (*atTarget) {
    pass = options.target;
    for (unsigned step = 0; step < options.maxSteps && !fail; ++step) {
      double next = std::min(pass * 2, kHighestRate);
      if (next <= pass)
        break;
      Expected<bool> ok = probe(next);
      if (!ok)
        return ok.takeError();
      (*ok ? pass : fail) = next;
    }
  } else {
    fail = options.target;
    for (unsigned step = 0; step < options.maxSteps && !pass; ++step) {
      double next = std::max(fail / 2, kLowestRate);
      if (next >= fail)
        break;
      Expected<bool> ok = probe(next);
      if (!ok)
        return ok.takeError();
      (*ok ? pass : fail) = next;
    }
  }
  // Geometric bisection: the bracket's ratio is square-rooted each probe.
  while (pass > 0 && fail > 0 && fail > pass * (1 + options.tolerance)) {
    double middle = std::sqrt(pass * fail);
    Expected<bool> ok = probe(middle);
    if (!ok)
      return ok.takeError();
    (*ok ? pass : fail) = middle;
  }
  search.maxRate = pass;
  search.minFailingRate = fail;
  return search;
}

/// Keys the candidates file leaves to the plan.
static const std::pair<const char *, const char *> kPlanOwnedKeys[] = {
    {"qps", "the plan searches the rate (give the load to plan for as "
            "duplexc plan --qps)"},
    {"trace_qps", "the plan searches the rate"},
    {"closed_loop", "the plan serves open-loop arrivals"},
    {"trace", "the workload is the plan's (duplexc plan --trace)"},
    {"trace_columns", "the workload is the plan's (--trace-columns)"},
    {"arrivals", "the workload is the plan's (--arrivals)"},
    {"slo", "the objectives are the plan's (--slo)"},
    {"percentiles", "the plan's table reports p90 latencies"},
};

Expected<Plan> parsePlan(StringRef candidatesText, StringRef name,
                         const PlanSettings &settings) {
  if (!(settings.attainment >= 1 && settings.attainment <= 100))
    return planError(fmt::format("--attainment is a percent of requests, 1 "
                                 "to 100 (got {}; 90 means 90%)",
                                 settings.attainment));
  if (!(settings.tolerance > 0 && settings.tolerance < 1))
    return planError(fmt::format("--tolerance is a fraction of the rate, "
                                 "above 0 and below 1 (got {})",
                                 settings.tolerance));
  const json::Object &workload = settings.workload;
  std::optional<StringRef> slo = workload.getString("slo");
  if (!slo || slo->empty())
    return planError("give the objectives to plan for: --slo, e.g. "
                     "ttft=500ms,tpot=50ms");
  std::optional<double> qps = workload.getNumber("qps");
  std::optional<StringRef> trace = workload.getString("trace");
  if (!qps && !trace)
    return planError("give the load to plan for: --qps Q (synthetic "
                     "arrivals) or --trace FILE (its arrival pattern)");
  if (qps && !(*qps >= kLowestRate && *qps <= kHighestRate))
    return planError(fmt::format("--qps must be {} to {} requests/s (got {})",
                                 kLowestRate, kHighestRate, *qps));

  SweepSpecContext context;
  context.owner = "duplexc plan";
  for (const auto &[key, why] : kPlanOwnedKeys)
    context.reserved.push_back({key, why});
  // The search sets the rate; --qps is where it starts.
  for (const auto &entry : workload)
    if (entry.first != "qps")
      context.fixed[entry.first] = entry.second;
  Plan plan;
  plan.settings = settings;
  Expected<SweepSpec> candidates =
      parseSweepSpec(candidatesText, name, &context);
  if (!candidates)
    return candidates.takeError();
  plan.candidates = std::move(*candidates);
  plan.traceRate = trace.has_value();
  if (qps) {
    plan.targetQPS = *qps;
    return plan;
  }
  // The trace's own rate: read once here, as every probe will read it.
  const SimulateOptions &first = plan.candidates.points.front().options;
  std::optional<serving::TraceColumns> columns;
  if (!first.traceColumns.empty()) {
    Expected<serving::TraceColumns> parsed =
        serving::parseTraceColumns(first.traceColumns);
    if (!parsed)
      return parsed.takeError();
    columns = std::move(*parsed);
  }
  Expected<std::vector<serving::RequestSpec>> requests = serving::readTraceCSV(
      *trace, first.requests.value_or(0), first.limits.maxRequests, columns);
  if (!requests)
    return requests.takeError();
  Expected<double> rate = serving::getMeanArrivalRate(*requests);
  if (!rate)
    return planError("trace '" + *trace + "': " + toString(rate.takeError()) +
                     "; give the load to plan for with --qps");
  plan.targetQPS = *rate;
  return plan;
}

Expected<Plan> readPlan(StringRef candidatesFile,
                        const PlanSettings &settings) {
  auto buffer = readInputFile(candidatesFile, "JSON", "candidates file");
  if (!buffer)
    return buffer.takeError();
  return parsePlan((*buffer)->getBuffer(), candidatesFile, settings);
}

/// The metric columns taken from the report at the target rate.
static const char *const kTargetMetrics[] = {
    "requests_per_s",     "throughput_tokens_per_s",
    "energy_j_per_token", "ttft_s.p90",
    "tpot_s.p90",         "e2e_s.p90"};

std::vector<std::string> getPlanColumns(const Plan &plan) {
  std::vector<std::string> columns = {"candidate", "candidate_hash"};
  append_range(columns, plan.candidates.axes);
  for (const char *column :
       {"devices_total", "target_qps", "max_qps", "min_failing_qps",
        "meets_target", "probes", "attainment_pct", "attainment_at_max_pct"})
    columns.push_back(column);
  append_range(columns, kTargetMetrics);
  for (const char *column : {"model_xxh3", "device_xxh3", "version",
                             "git_revision", "cheapest", "error"})
    columns.push_back(column);
  return columns;
}

/// A value of the report by dotted path, or null.
static json::Value reportValue(const json::Value &report, StringRef path) {
  const json::Value *value = &report;
  SmallVector<StringRef, 4> keys;
  path.split(keys, '.');
  for (StringRef key : keys) {
    const json::Object *object = value->getAsObject();
    value = object ? object->get(key) : nullptr;
    if (!value)
      return nullptr;
  }
  return *value;
}

json::Object runPlanCandidate(const Plan &plan, size_t index) {
  const SweepPoint &point = plan.candidates.points[index];
  json::Object row{{"candidate", int64_t(index)},
                   {"candidate_hash", point.hash},
                   {"target_qps", plan.targetQPS},
                   {"version", getDuplexVersion()},
                   {"git_revision", getDuplexGitRevision()}};
  for (const auto &[axis, value] : point.axisValues)
    row[axis] = value;
  std::optional<json::Value> atTarget;
  std::map<double, double> attainmentAt;
  auto passes = [&](double rate) -> Expected<bool> {
    SimulateOptions options = point.options;
    options.closedLoop = false;
    (plan.traceRate ? options.traceQPS : options.qps) = rate;
    Expected<json::Value> report = makeSimulateReport(options);
    if (!report)
      return report.takeError();
    std::optional<double> attainment =
        reportValue(*report, "goodput.attainment").getAsNumber();
    if (!attainment)
      return planError("the report has no goodput.attainment");
    attainmentAt[rate] = *attainment * 100;
    if (!atTarget)
      atTarget = std::move(*report);
    return *attainment * 100 >= plan.settings.attainment - 1e-9;
  };
  RateSearchOptions search;
  search.target = plan.targetQPS;
  search.tolerance = plan.settings.tolerance;
  Expected<RateSearch> found = searchMaxRate(search, passes);
  if (!found) {
    std::string message = toString(found.takeError());
    std::replace(message.begin(), message.end(), '\n', ' ');
    row["error"] = message;
    return row;
  }
  auto orNull = [](double rate) {
    return rate > 0 ? json::Value(rate) : json::Value(nullptr);
  };
  row["max_qps"] = found->maxRate;
  row["min_failing_qps"] = orNull(found->minFailingRate);
  row["meets_target"] = found->meetsTarget;
  row["probes"] = int64_t(found->probes);
  row["attainment_pct"] = attainmentAt[plan.targetQPS];
  row["attainment_at_max_pct"] = found->maxRate > 0
                                     ? json::Value(attainmentAt[found->maxRate])
                                     : json::Value(nullptr);
  const json::Value &report = *atTarget;
  int64_t devices = 1;
  for (StringRef key : {"devices", "nodes", "replicas_per_node"})
    devices *= std::max<int64_t>(
        1, reportValue(report, ("inputs.options." + key).str())
               .getAsInteger()
               .value_or(1));
  row["devices_total"] = devices;
  for (const char *metric : kTargetMetrics)
    row[metric] = reportValue(report, metric);
  row["model_xxh3"] = reportValue(report, "inputs.model.xxh3_64");
  row["device_xxh3"] = reportValue(report, "inputs.device.xxh3_64");
  return row;
}

std::vector<json::Object> runPlanCandidates(const Plan &plan, unsigned threads,
                                            bool quiet) {
  size_t total = plan.candidates.points.size();
  std::vector<json::Object> rows(total);
  ProgressBar progress("planning", !quiet);
  std::mutex mutex;
  size_t done = 0;
  auto run = [&](size_t index) {
    json::Object row = runPlanCandidate(plan, index);
    std::lock_guard<std::mutex> lock(mutex);
    rows[index] = std::move(row);
    ++done;
    progress.update(double(done) / total,
                    formatv("{0}/{1} candidates", done, total).str());
  };
  threads = threads ? threads : hardware_concurrency().compute_thread_count();
  if (threads <= 1 || total <= 1) {
    for (size_t index = 0; index < total; ++index)
      run(index);
  } else {
    DefaultThreadPool pool(hardware_concurrency(threads));
    for (size_t index = 0; index < total; ++index)
      pool.async([&run, index] { run(index); });
    pool.wait();
  }
  progress.finish();
  return rows;
}

std::vector<json::Object> rankPlanRows(const Plan &plan,
                                       std::vector<json::Object> rows) {
  (void)plan;
  struct Key {
    int64_t devices;
    double energy;
    size_t index;
  };
  std::optional<Key> byDevices, byEnergy;
  for (size_t i = 0; i < rows.size(); ++i) {
    json::Object &row = rows[i];
    row["cheapest"] = "";
    if (!row.getBoolean("meets_target").value_or(false))
      continue;
    // Energies equal to 9 significant digits tie (sums in another order
    // differ in the last bit).
    double energy = row.getNumber("energy_j_per_token").value_or(HUGE_VAL);
    if (std::isfinite(energy))
      energy = std::stod(fmt::format("{:.9g}", energy));
    Key key{row.getInteger("devices_total").value_or(INT64_MAX), energy, i};
    auto fewerDevices = [](const Key &a, const Key &b) {
      return std::tie(a.devices, a.energy, a.index) <
             std::tie(b.devices, b.energy, b.index);
    };
    auto lessEnergy = [](const Key &a, const Key &b) {
      return std::tie(a.energy, a.devices, a.index) <
             std::tie(b.energy, b.devices, b.index);
    };
    if (!byDevices || fewerDevices(key, *byDevices))
      byDevices = key;
    if (!byEnergy || lessEnergy(key, *byEnergy))
      byEnergy = key;
  }
  if (byDevices)
    rows[byDevices->index]["cheapest"] = "devices";
  if (byEnergy)
    rows[byEnergy->index]["cheapest"] =
        byDevices && byDevices->index == byEnergy->index ? "devices+energy"
                                                         : "energy";
  return rows;
}

/// "device=h100, devices=2": a candidate by its axis values.
static std::string describeCandidate(const Plan &plan,
                                     const json::Object &row) {
  std::string text;
  for (const std::string &axis : plan.candidates.axes) {
    const json::Value *value = row.get(axis);
    text += (text.empty() ? "" : ", ") + axis + "=" +
            (value ? csvCellOf(*value) : std::string());
  }
  return text;
}

/// A number for people: four significant digits.
static std::string shortNumber(double value) {
  return fmt::format("{:.4g}", value);
}

static std::string formatText(const Plan &plan, ArrayRef<json::Object> rows) {
  std::string out;
  raw_string_ostream os(out);
  const json::Object &workload = plan.settings.workload;
  os << formatv(
      "Capacity plan{6} for {0} req/s ({1}), SLO {2} met by {3}% of "
      "requests; {4} candidate(s) from {5}\n\n",
      shortNumber(plan.targetQPS),
      plan.traceRate
          ? "trace " + workload.getString("trace")->str()
          : workload.getString("arrivals").value_or("poisson").str() +
                " arrivals",
      workload.getString("slo").value_or(""),
      shortNumber(plan.settings.attainment), rows.size(), plan.candidates.name,
      workload.getString("model") ? " of " + workload.getString("model")->str()
                                  : std::string());
  std::vector<std::string> header = {"#"};
  append_range(header, plan.candidates.axes);
  for (const char *column : {"all devices", "max req/s", "meets", "attain %",
                             "J/token", "TTFT p90 s", "TPOT p90 s", "cheapest"})
    header.push_back(column);
  std::vector<std::vector<std::string>> table = {header};
  auto number = [](const json::Object &row, StringRef key) -> std::string {
    std::optional<double> value = row.getNumber(key);
    return value ? shortNumber(*value) : "-";
  };
  for (const json::Object &row : rows) {
    std::vector<std::string> cells = {
        std::to_string(row.getInteger("candidate").value_or(0))};
    for (const std::string &axis : plan.candidates.axes)
      cells.push_back(row.get(axis) ? csvCellOf(*row.get(axis)) : "");
    if (row.getString("error")) {
      cells.push_back("error: " + row.getString("error")->str());
      table.push_back(std::move(cells));
      continue;
    }
    cells.push_back(
        std::to_string(row.getInteger("devices_total").value_or(0)));
    // No failing rate up to the search's ceiling: at least this much.
    cells.push_back((row.getNumber("min_failing_qps") ? "" : ">=") +
                    number(row, "max_qps"));
    cells.push_back(row.getBoolean("meets_target").value_or(false) ? "yes"
                                                                   : "no");
    cells.push_back(number(row, "attainment_pct"));
    cells.push_back(number(row, "energy_j_per_token"));
    cells.push_back(number(row, "ttft_s.p90"));
    cells.push_back(number(row, "tpot_s.p90"));
    cells.push_back(row.getString("cheapest").value_or("").str());
    table.push_back(std::move(cells));
  }
  // An error row's message runs on past the columns: it sets no width.
  std::vector<size_t> widths(header.size(), 0);
  for (const auto &cells : table)
    for (size_t c = 0; c < cells.size() && c < widths.size(); ++c)
      if (cells.size() == header.size() || c + 1 < cells.size())
        widths[c] = std::max(widths[c], cells[c].size());
  for (const auto &cells : table) {
    std::string line;
    for (size_t c = 0; c < cells.size(); ++c)
      line += (c ? "  " : "") + cells[c] +
              (c + 1 < cells.size() && c < widths.size()
                   ? std::string(widths[c] - cells[c].size(), ' ')
                   : std::string());
    os << StringRef(line).rtrim() << "\n";
  }
  os << "\nmax req/s: the highest rate found meeting the SLO (within "
     << shortNumber(plan.settings.tolerance * 100)
     << "%; >= where no rate up to 2^20 x the load failed); attain %, "
        "J/token and p90s at the load planned for\n";
  const json::Object *byDevices = nullptr, *byEnergy = nullptr;
  const json::Object *most = nullptr;
  for (const json::Object &row : rows) {
    StringRef cheapest = row.getString("cheapest").value_or("");
    if (cheapest.contains("devices"))
      byDevices = &row;
    if (cheapest.contains("energy"))
      byEnergy = &row;
    if (row.getNumber("max_qps") &&
        (!most || *row.getNumber("max_qps") > *most->getNumber("max_qps")))
      most = &row;
  }
  if (!byDevices) {
    os << formatv("No candidate serves {0} req/s within the SLO",
                  shortNumber(plan.targetQPS));
    if (most && *most->getNumber("max_qps") > 0)
      os << formatv("; the most any serves is {0} req/s (candidate {1}: "
                    "{2})",
                    shortNumber(*most->getNumber("max_qps")),
                    most->getInteger("candidate").value_or(0),
                    describeCandidate(plan, *most));
    os << "\n";
    return out;
  }
  auto choice = [&](StringRef by, const json::Object &row) {
    os << formatv("Cheapest by {0}: candidate {1} ({2}): {3} device(s), "
                  "{4} J/token, up to {5} req/s\n",
                  by, row.getInteger("candidate").value_or(0),
                  describeCandidate(plan, row),
                  row.getInteger("devices_total").value_or(0),
                  shortNumber(row.getNumber("energy_j_per_token").value_or(0)),
                  shortNumber(row.getNumber("max_qps").value_or(0)));
  };
  choice("device count", *byDevices);
  choice("energy per token", *byEnergy);
  return out;
}

std::string formatPlan(const Plan &plan, ArrayRef<json::Object> rows,
                       PlanFormat format) {
  std::vector<std::string> columns = getPlanColumns(plan);
  if (format == PlanFormat::Text)
    return formatText(plan, rows);
  if (format == PlanFormat::CSV) {
    std::vector<std::string> header;
    for (const std::string &column : columns)
      header.push_back(csvCell(column));
    std::string out = csvLine(header);
    for (const json::Object &row : rows) {
      std::vector<std::string> cells;
      for (const std::string &column : columns) {
        const json::Value *value = row.get(column);
        cells.push_back(value ? csvCellOf(*value) : std::string());
      }
      out += csvLine(cells);
    }
    return out;
  }
  // Keys print sorted: the columns' order is the CSV's.
  json::Array array;
  for (const json::Object &row : rows)
    array.push_back(json::Object(row));
  json::Object settings = plan.settings.workload;
  settings["attainment_pct"] = plan.settings.attainment;
  settings["tolerance"] = plan.settings.tolerance;
  json::Value document(json::Object{{"target_qps", plan.targetQPS},
                                    {"trace_rate", plan.traceRate},
                                    {"settings", std::move(settings)},
                                    {"candidates", std::move(array)}});
  return formatv("{0:2}\n", document).str();
}

} // namespace duplex
