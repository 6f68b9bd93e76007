//===- duplexc.cpp - the Duplex compiler driver ---------------------------===//
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

static cl::SubCommand compileCommand(
    "compile",
    "Analyse a model for one serving stage and place every op on a unit of "
    "a device: Op/B of each op (--emit=opb), the placed IR with transfers "
    "(--emit=placed) or a placement table with each unit pair's ridge point "
    "(--emit=placement).");

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
static cl::opt<std::string> weightDType(
    "weight-dtype",
    cl::desc("Store every weight as this type instead of the config's "
             "(f32, f16, bf16, fp8, int8, int4)"),
    cl::value_desc("TYPE"), cl::sub(statsCommand), cl::sub(compileCommand),
    cl::cat(duplexCategory));
static cl::opt<std::string>
    kvDType("kv-dtype",
            cl::desc("Store the KV cache as this type instead of the config's "
                     "(f32, f16, bf16, fp8, int8, int4)"),
            cl::value_desc("TYPE"), cl::sub(statsCommand),
            cl::sub(compileCommand), cl::cat(duplexCategory));

//===----------------------------------------------------------------------===//
// duplexc compile
//===----------------------------------------------------------------------===//

static cl::opt<std::string> compileModel(cl::Positional, cl::Required,
                                         cl::desc("MODEL"),
                                         cl::sub(compileCommand),
                                         cl::cat(duplexCategory));
static cl::opt<std::string> compileDevice(
    "device",
    cl::desc("Device description: a bundled name (h100, a100, duplex, "
             "bank-pim, bankgroup-pim, dgx-a100, dgx-a100-hbm-pim, "
             "dgx-a100-dimm-pim, dgx-a100-rank-pim) or a JSON file"),
    cl::value_desc("DEV"), cl::sub(compileCommand), cl::cat(duplexCategory));
static cl::opt<unsigned>
    compileDevices("devices",
                   cl::desc("Devices per node (default: the description's)"),
                   cl::value_desc("N"), cl::init(0), cl::sub(compileCommand),
                   cl::cat(duplexCategory));
static cl::opt<unsigned>
    compileNodes("nodes", cl::desc("Nodes (default: the description's)"),
                 cl::value_desc("M"), cl::init(0), cl::sub(compileCommand),
                 cl::cat(duplexCategory));
static cl::opt<std::string> compileStage(
    "stage",
    cl::desc("The stage: KIND=COUNT@LENGTH entries, e.g. decode=64@1024 "
             "(64 decode requests at context 1024) or "
             "prefill=2@4096,decode=62@1024 (a mixed stage)"),
    cl::value_desc("SPEC"), cl::sub(compileCommand), cl::cat(duplexCategory));
static cl::opt<std::string> compileEmit(
    "emit",
    cl::desc("What to print: opb (FLOPs, bytes and Op/B per op), placed "
             "(IR with dx.placement and dx.transfer; the default), "
             "placement (a table of units, times and ridge points)"),
    cl::value_desc("WHAT"), cl::init("placed"), cl::sub(compileCommand),
    cl::cat(duplexCategory));
static cl::opt<bool> compileJSON(
    "json",
    cl::desc("JSON instead of text: one record per op part with op, part, "
             "category, layers, flops, bytes, opb (and unit, seconds, "
             "candidates when placed)"),
    cl::sub(compileCommand), cl::cat(duplexCategory));
static cl::opt<std::string> compileRouting(
    "routing",
    cl::desc("Tokens per expert: expected (uniform expectation; default), "
             "uniform (sampled per token), zipf:S (sampled, skewed)"),
    cl::value_desc("MODE"), cl::init("expected"), cl::sub(compileCommand),
    cl::cat(duplexCategory));
static cl::opt<uint64_t> compileSeed("seed",
                                     cl::desc("Seed of sampled routing"),
                                     cl::init(0), cl::sub(compileCommand),
                                     cl::cat(duplexCategory));
static cl::opt<bool> compileExpertTP(
    "expert-tensor-parallel",
    cl::desc("Split every expert across the devices of a node (Duplex+ET) "
             "instead of expert parallelism"),
    cl::sub(compileCommand), cl::cat(duplexCategory));
static cl::opt<std::string> compilePlacement(
    "placement",
    cl::desc("Placement override file (JSON) whose entries win over the "
             "cost model"),
    cl::value_desc("FILE"), cl::sub(compileCommand), cl::cat(duplexCategory));
static cl::opt<std::string> compileSavePlacement(
    "save-placement",
    cl::desc("Write the chosen placement as an override file"),
    cl::value_desc("FILE"), cl::sub(compileCommand), cl::cat(duplexCategory));
static cl::opt<std::string>
    compileOutput("o", cl::desc("Write to FILE instead of stdout (atomically)"),
                  cl::value_desc("FILE"), cl::init("-"),
                  cl::sub(compileCommand), cl::cat(duplexCategory));

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

/// The --weight-dtype / --kv-dtype overrides shared by the subcommands.
static bool parseImportFlags(duplex::HFImportOptions &import) {
  return parseDTypeFlag("weight-dtype", weightDType, import.weightDType) &&
         parseDTypeFlag("kv-dtype", kvDType, import.kvDType);
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(duplexCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "Duplex compiler driver: models and devices in, placement, schedules "
      "and serving metrics out.\n\n"
      "  duplexc stats MODEL [--json]   parameters, weight and KV-cache bytes\n"
      "  duplexc compile MODEL --device DEV --stage SPEC [--emit=opb|placed|"
      "placement]\n"
      "                                 Op/B analysis and placement\n"
      "  duplexc models                 the bundled models\n\n"
      "Run `duplexc <subcommand> --help` for the options of each.\n");

  if (statsCommand) {
    duplex::StatsOptions options;
    options.model = statsModel;
    options.json = statsJSON;
    options.outputFile = statsOutput;
    if (!parseImportFlags(options.import))
      return 1;
    return duplex::runStatsCommand(options);
  }
  if (compileCommand) {
    duplex::CompileOptions options;
    options.model = compileModel;
    options.device = compileDevice;
    options.devices = compileDevices;
    options.nodes = compileNodes;
    options.stage = compileStage;
    options.routing = compileRouting;
    options.seed = compileSeed;
    options.expertTensorParallel = compileExpertTP;
    options.emit = compileEmit;
    options.json = compileJSON;
    options.placementFile = compilePlacement;
    options.savePlacementFile = compileSavePlacement;
    options.outputFile = compileOutput;
    if (!parseImportFlags(options.import))
      return 1;
    return duplex::runCompileCommand(options);
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
