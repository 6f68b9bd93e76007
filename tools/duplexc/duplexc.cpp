//===- duplexc.cpp - the Duplex compiler driver
//-----------------------------===//
//
// Parses flags and hands each subcommand to lib/Driver.
//
//===----------------------------------------------------------------------===//

#include "duplex/Driver/Commands.h"
#include "duplex/Import/HFConfig.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

static cl::OptionCategory duplexCategory("duplexc options");

//===----------------------------------------------------------------------===//
// duplexc stats
//===----------------------------------------------------------------------===//

static cl::SubCommand statsCommand(
    "stats",
    "Print a model's parameter count, weight bytes, KV-cache bytes per token "
    "and a breakdown by op kind (embedding, attention projections, MLP, "
    "experts, router, norms, LM head).\n"
    "MODEL is a bundled name (see `duplexc models`), a Hugging Face "
    "config.json, or a .mlir file holding an llm.model.");
static cl::opt<std::string> statsModel(cl::Positional, cl::Required,
                                       cl::desc("MODEL"), cl::sub(statsCommand),
                                       cl::cat(duplexCategory));
static cl::opt<bool>
    statsJSON("json",
              cl::desc("Print JSON (keys: parameters, weight_bytes, "
                       "kv_cache_bytes_per_token, active_parameters, layers, "
                       "moe_layers, breakdown)"),
              cl::sub(statsCommand), cl::cat(duplexCategory));
static cl::opt<std::string>
    statsOutput("o", cl::desc("Write to FILE instead of stdout (atomically)"),
                cl::value_desc("FILE"), cl::init("-"), cl::sub(statsCommand),
                cl::cat(duplexCategory));
static cl::opt<std::string> statsWeightDType(
    "weight-dtype",
    cl::desc("Store every weight as this type instead of the config's "
             "(f32, f16, bf16, fp8, int8, int4)"),
    cl::value_desc("TYPE"), cl::sub(statsCommand), cl::cat(duplexCategory));
static cl::opt<std::string> statsKVDType(
    "kv-dtype",
    cl::desc("Store the KV cache as this type instead of the config's "
             "(f32, f16, bf16, fp8, int8, int4)"),
    cl::value_desc("TYPE"), cl::sub(statsCommand), cl::cat(duplexCategory));

//===----------------------------------------------------------------------===//
// duplexc models
//===----------------------------------------------------------------------===//

static cl::SubCommand
    modelsCommand("models", "List the bundled models and their sources.");
static cl::opt<bool> modelsJSON("json", cl::desc("Print JSON"),
                                cl::sub(modelsCommand),
                                cl::cat(duplexCategory));

/// Parses a --*-dtype flag; false (after a message) when it is unknown.
static bool parseDTypeFlag(StringRef flag, StringRef value,
                           std::optional<duplex::llm::DType> &out) {
  if (value.empty())
    return true;
  out = duplex::parseDTypeName(value);
  if (out)
    return true;
  WithColor::error(errs(), "duplexc")
      << "--" << flag << "=" << value
      << " is not a known type (f32, f16, bf16, fp8, int8, int4)\n";
  return false;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(duplexCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "Duplex compiler driver: models and devices in, placement, schedules "
      "and serving metrics out.\n\n"
      "  duplexc stats MODEL [--json]   parameters, weight and KV-cache bytes\n"
      "  duplexc models                 the bundled models\n\n"
      "Run `duplexc <subcommand> --help` for the options of each.\n");

  if (statsCommand) {
    duplex::StatsOptions options;
    options.model = statsModel;
    options.json = statsJSON;
    options.outputFile = statsOutput;
    if (!parseDTypeFlag("weight-dtype", statsWeightDType,
                        options.import.weightDType) ||
        !parseDTypeFlag("kv-dtype", statsKVDType, options.import.kvDType))
      return 1;
    return duplex::runStatsCommand(options);
  }
  if (modelsCommand) {
    duplex::ModelsOptions options;
    options.json = modelsJSON;
    return duplex::runModelsCommand(options);
  }
  WithColor::error(errs(), "duplexc")
      << "no subcommand given; run `duplexc --help` for the list\n";
  return 1;
}
