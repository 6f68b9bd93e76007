//===- SweepRun.cpp - run the points of a sweep, rows of a CSV ------------===//

#include "duplex/Driver/SweepRun.h"

#include "CSVCells.h"

#include "duplex/Serving/Report.h"
#include "duplex/Support/Output.h"
#include "duplex/Support/Progress.h"
#include "duplex/Support/Provenance.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <optional>
#include <set>

using namespace llvm;

namespace duplex {

/// "key" -> scalar, nested objects joined with dots; arrays are left out.
static void flattenReport(const json::Value &value, const std::string &prefix,
                          std::map<std::string, const json::Value *> &out) {
  if (const json::Object *object = value.getAsObject()) {
    for (const auto &entry : *object)
      flattenReport(entry.second,
                    prefix.empty() ? entry.first.str()
                                   : prefix + "." + entry.first.str(),
                    out);
    return;
  }
  if (!value.getAsArray())
    out[prefix] = &value;
}

/// The metric columns: every scalar a report of this spec can print. The
/// keys depend on the percentiles and whether an SLO is set, so a report
/// with every optional part set (and point 0's percentiles) stands in.
static std::vector<std::string> metricColumns(const SweepSpec &spec) {
  serving::ServingReport sample;
  sample.batchLimit = 1;
  sample.calibration = sample.scheduler = "set";
  sample.generatedTokens = 1;
  sample.partialModel = true;
  sample.longContextRequests = 1;
  std::vector<double> percents(serving::getDefaultPercentiles().begin(),
                               serving::getDefaultPercentiles().end());
  const SimulateOptions &first = spec.points.front().options;
  if (!first.percentiles.empty())
    if (Expected<std::vector<double>> parsed =
            serving::parsePercentiles(first.percentiles))
      percents = *parsed;
    else
      consumeError(parsed.takeError());
  for (auto *d : {&sample.ttftSeconds, &sample.tpotSeconds, &sample.itlSeconds,
                  &sample.e2eSeconds}) {
    d->count = 1;
    for (double p : percents)
      d->percentiles.push_back({p, 0});
  }
  for (const SweepPoint &point : spec.points)
    if (!point.options.slo.empty())
      sample.goodput = serving::Goodput{};
  if (sample.goodput)
    sample.goodput->slo.ttft = sample.goodput->slo.tpot =
        sample.goodput->slo.e2e = 1.0;
  json::Value report(serving::toJSON(sample));
  std::map<std::string, const json::Value *> flat;
  flattenReport(report, "", flat);
  std::vector<std::string> columns;
  for (const auto &entry : flat)
    if (entry.first != "wall_seconds")
      columns.push_back(entry.first);
  return columns;
}

/// A report key's column: the key, or "report.KEY" where an axis has its
/// name (an axis `requests` and the report's served `requests`).
static std::string metricColumnName(const SweepSpec &spec,
                                    const std::string &key) {
  return is_contained(spec.axes, key) ? "report." + key : key;
}

SweepColumns getSweepColumns(const SweepSpec &spec) {
  SweepColumns columns;
  columns.metricKeys = metricColumns(spec);
  columns.names = {"point", "point_hash"};
  llvm::append_range(columns.names, spec.axes);
  for (const std::string &key : columns.metricKeys)
    columns.names.push_back(metricColumnName(spec, key));
  for (const char *column :
       {"model_xxh3", "device_xxh3", "version", "git_revision", "error"})
    columns.names.push_back(column);
  return columns;
}

std::string sweepHeaderLine(const SweepSpec &spec) {
  std::vector<std::string> cells;
  for (const std::string &column : getSweepColumns(spec).names)
    cells.push_back(csvCell(column));
  return csvLine(cells);
}

std::string runSweepPoint(const SweepSpec &spec, const SweepColumns &columns,
                          const SweepPoint &point) {
  std::map<std::string, std::string> cells;
  cells["point"] = std::to_string(point.index);
  cells["point_hash"] = point.hash;
  for (const auto &[axis, value] : point.axisValues)
    cells[axis] = csvCellOf(value);
  cells["version"] = getDuplexVersion().str();
  cells["git_revision"] = getDuplexGitRevision().str();
  Expected<json::Value> report = makeSimulateReport(point.options);
  if (!report) {
    std::string message = toString(report.takeError());
    std::replace(message.begin(), message.end(), '\n', ' ');
    cells["error"] = csvCell(message);
  } else {
    std::map<std::string, const json::Value *> flat;
    flattenReport(*report, "", flat);
    for (const std::string &key : columns.metricKeys)
      if (auto found = flat.find(key); found != flat.end())
        cells[metricColumnName(spec, key)] = csvCellOf(*found->second);
    if (auto hash = flat.find("inputs.model.xxh3_64"); hash != flat.end())
      cells["model_xxh3"] = csvCellOf(*hash->second);
    if (auto hash = flat.find("inputs.device.xxh3_64"); hash != flat.end())
      cells["device_xxh3"] = csvCellOf(*hash->second);
  }
  std::vector<std::string> row;
  for (const std::string &column : columns.names)
    row.push_back(cells.count(column) ? cells[column] : std::string());
  return csvLine(row);
}

/// The complete rows of an earlier run of `output`, by point hash; an
/// error when its header is not this spec's.
static Expected<std::map<std::string, std::string>>
readFinishedRows(const SweepSpec &spec, StringRef output) {
  std::map<std::string, std::string> rows;
  if (!sys::fs::exists(output))
    return rows;
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(output, /*IsText=*/true);
  if (!buffer)
    return createStringError(buffer.getError(), "--resume: cannot read '%s'",
                             output.str().c_str());
  StringRef text = (*buffer)->getBuffer();
  if (text.empty())
    return rows;
  auto [header, rest] = text.split('\n');
  if ((header + "\n").str() != sweepHeaderLine(spec))
    return createStringError(inconvertibleErrorCode(),
                             "--resume: '%s' has other columns than this "
                             "sweep's: it holds another sweep",
                             output.str().c_str());
  std::set<std::string> hashes;
  for (const SweepPoint &point : spec.points)
    hashes.insert(point.hash);
  // A line cut short by a kill has no newline: it is run again.
  while (!rest.empty()) {
    size_t end = rest.find('\n');
    if (end == StringRef::npos)
      break;
    StringRef line = rest.take_front(end + 1);
    rest = rest.drop_front(end + 1);
    SmallVector<StringRef, 3> fields;
    line.split(fields, ',', 2);
    if (fields.size() >= 2 && hashes.count(fields[1].str()))
      rows[fields[1].str()] = line.str();
  }
  return rows;
}

std::vector<std::string> runSweepPoints(const SweepSpec &spec,
                                        ArrayRef<size_t> indices,
                                        unsigned threads) {
  std::vector<std::string> lines(indices.size());
  SweepColumns columns = getSweepColumns(spec);
  auto run = [&](size_t i) {
    lines[i] = runSweepPoint(spec, columns, spec.points[indices[i]]);
  };
  threads = threads ? threads : hardware_concurrency().compute_thread_count();
  if (threads <= 1 || indices.size() <= 1) {
    for (size_t i = 0; i < indices.size(); ++i)
      run(i);
    return lines;
  }
  DefaultThreadPool pool(hardware_concurrency(threads));
  for (size_t i = 0; i < indices.size(); ++i)
    pool.async([&run, i] { run(i); });
  pool.wait();
  return lines;
}

Expected<size_t> runSweep(const SweepSpec &spec, StringRef output,
                          const SweepRunOptions &options) {
  if (Error error = checkOutputPath(output))
    return std::move(error);
  std::map<std::string, std::string> finished;
  if (options.resume) {
    Expected<std::map<std::string, std::string>> rows =
        readFinishedRows(spec, output);
    if (!rows)
      return rows.takeError();
    finished = std::move(*rows);
  }
  size_t total = spec.points.size();
  std::vector<std::optional<std::string>> lines(total);
  std::vector<size_t> todo;
  for (const SweepPoint &point : spec.points) {
    if (auto found = finished.find(point.hash); found != finished.end())
      lines[point.index] = found->second;
    else
      todo.push_back(point.index);
  }
  bool toStdout = isOutputSink(output);
  // The file holds what is finished at every moment: the header and kept
  // rows now (replaced atomically), then each new row appended in point
  // order as soon as the rows before it are done.
  std::error_code ec;
  std::optional<raw_fd_ostream> appender;
  size_t flushed = 0;
  auto flushReady = [&]() {
    while (flushed < total && lines[flushed]) {
      if (appender) {
        *appender << *lines[flushed];
        appender->flush();
      }
      ++flushed;
    }
  };
  if (!toStdout) {
    if (Error error = writeOutput(output, [&](raw_ostream &os) {
          os << sweepHeaderLine(spec);
          while (flushed < total && lines[flushed])
            os << *lines[flushed++];
        }))
      return std::move(error);
    appender.emplace(output, ec, sys::fs::OF_Append);
    if (ec)
      return createStringError(ec, "cannot append to '%s'",
                               output.str().c_str());
  }

  ProgressBar progress("sweeping", !options.quiet);
  std::mutex mutex;
  size_t done = 0;
  SweepColumns columns = getSweepColumns(spec);
  auto run = [&](size_t index) {
    std::string line = runSweepPoint(spec, columns, spec.points[index]);
    std::lock_guard<std::mutex> lock(mutex);
    lines[index] = std::move(line);
    ++done;
    flushReady();
    progress.update(double(done) / std::max<size_t>(1, todo.size()),
                    formatv("{0}/{1} points", done, todo.size()).str());
  };
  unsigned threads = options.threads
                         ? options.threads
                         : hardware_concurrency().compute_thread_count();
  if (threads <= 1 || todo.size() <= 1) {
    for (size_t index : todo)
      run(index);
  } else {
    DefaultThreadPool pool(hardware_concurrency(threads));
    for (size_t index : todo)
      pool.async([&run, index] { run(index); });
    pool.wait();
  }
  progress.finish();
  appender.reset();

  // The whole file in point order, atomically (kept rows may have come
  // from anywhere in it).
  size_t failed = 0;
  std::string columnsHeader = sweepHeaderLine(spec);
  for (const std::optional<std::string> &line : lines)
    if (line && !StringRef(*line).trim().ends_with(","))
      ++failed;
  if (Error error = writeOutput(output, [&](raw_ostream &os) {
        os << columnsHeader;
        for (const std::optional<std::string> &line : lines)
          os << *line;
      }))
    return std::move(error);
  return failed;
}

} // namespace duplex
