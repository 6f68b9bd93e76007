//===- PlanCommand.cpp - `duplexc plan` -----------------------------------===//

#include "duplex/Driver/Commands.h"
#include "duplex/Driver/Plan.h"
#include "duplex/Support/Output.h"

#include "llvm/Support/WithColor.h"

using namespace llvm;

int duplex::runPlanCommand(const PlanOptions &options) {
  static constexpr StringLiteral tool = "duplexc plan";
  if (options.json && options.csv)
    return reportError(tool, createStringError(inconvertibleErrorCode(),
                                               "--json and --csv are "
                                               "alternatives; give one"));
  if (Error error = checkOutputPath(options.outputFile))
    return reportError(tool, std::move(error));
  StringRef trace = options.workload.getString("trace").value_or("");
  StringRef model = options.workload.getString("model").value_or("");
  if (Error error =
          checkDistinctOutputs({{"-o", options.outputFile}},
                               {{"--candidates", options.candidatesFile},
                                {"--trace", trace},
                                {"MODEL", model}}))
    return reportError(tool, std::move(error));
  PlanSettings settings;
  settings.workload = options.workload;
  settings.attainment = options.attainment;
  settings.tolerance = options.tolerance;
  Expected<Plan> plan = readPlan(options.candidatesFile, settings);
  if (!plan)
    return reportError(tool, plan.takeError());
  std::vector<json::Object> rows = rankPlanRows(
      *plan, runPlanCandidates(*plan, options.threads, options.quiet));
  size_t failed = 0;
  for (const json::Object &row : rows)
    if (std::optional<StringRef> error = row.getString("error")) {
      ++failed;
      WithColor::warning(errs(), tool)
          << "candidate " << row.getInteger("candidate").value_or(0) << ": "
          << *error << "\n";
    }
  PlanFormat format = options.json  ? PlanFormat::JSON
                      : options.csv ? PlanFormat::CSV
                                    : PlanFormat::Text;
  std::string text = formatPlan(*plan, rows, format);
  if (Error error =
          writeOutput(options.outputFile, [&](raw_ostream &os) { os << text; }))
    return reportError(tool, std::move(error));
  // Every candidate failing is no plan at all; some failing (a model that
  // does not fit on fewer devices) is part of the answer.
  if (failed == rows.size()) {
    WithColor::error(errs(), tool)
        << "every candidate failed; the warnings above say why\n";
    return 1;
  }
  return 0;
}
