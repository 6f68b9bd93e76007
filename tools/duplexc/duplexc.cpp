//===- duplexc.cpp - the Duplex compiler driver ---------------------------===//
//
// Parses flags and hands each subcommand to lib/Driver.
//
//===----------------------------------------------------------------------===//

#include "duplex/Driver/Commands.h"
#include "duplex/Import/HFConfig.h"
#include "duplex/Serving/Report.h"
#include "duplex/Serving/Request.h"
#include "duplex/Serving/SchedulerPolicy.h"
#include "duplex/Serving/Workload.h"
#include "duplex/Support/BundledData.h"
#include "duplex/Support/InputFile.h"
#include "duplex/Support/Output.h"
#include "duplex/Support/Provenance.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

static cl::OptionCategory duplexCategory("duplexc options");

static cl::SubCommand compileCommand(
    "compile",
    "Analyse a model for one serving stage and place every op on a unit of "
    "a device: Op/B of each op (--emit=opb), the placed IR with transfers "
    "(--emit=placed) or a placement table with each unit pair's ridge point "
    "(--emit=placement).");

static cl::SubCommand simulateCommand(
    "simulate",
    "Serve a workload (closed loop, Poisson arrivals or a trace) on a device "
    "with continuous batching and report throughput, TTFT, TPOT, ITL and E2E "
    "latency (mean, median, std, percentiles), goodput under SLOs, energy "
    "per token, time and energy breakdowns, stage counts and preemptions. "
    "Every stage is placed and co-processed by the "
    "compiler's policy and timed by the stage evaluator.");

static cl::SubCommand planCommand(
    "plan",
    "Capacity planning: for each candidate system (the points of a sweep "
    "spec: device kind x count x coprocess x max batch ...) the highest "
    "arrival rate whose SLO attainment reaches the target (a search over the "
    "rate: doubling from the load to plan for, then bisection), and the "
    "cheapest candidates that serve that load, by device count and by "
    "energy per token (docs/planning.md).");

//===----------------------------------------------------------------------===//
// duplexc stats
//===----------------------------------------------------------------------===//

static cl::SubCommand statsCommand(
    "stats",
    "Print a model's parameter count, weight bytes, KV-cache bytes per token "
    "and a breakdown by op kind (embedding, attention projections, MLP, "
    "experts, router, norms, LM head).\n"
    "MODEL is a bundled name (see `duplexc models`), a Hugging Face "
    "config.json, an ONNX export (.onnx or ONNX text; raised strictly: a "
    "graph the raise cannot account for in full is an error unless "
    "--allow-partial), or a .mlir file holding an llm.model.");
static cl::opt<std::string> statsModel(cl::Positional, cl::Required,
                                       cl::desc("MODEL"), cl::sub(statsCommand),
                                       cl::cat(duplexCategory));
static cl::opt<bool>
    statsJSON("json",
              cl::desc("Print JSON (keys: parameters, weight_bytes, "
                       "kv_cache_bytes_per_token, active_parameters (what a "
                       "token touches, embedding tables included: Meta's "
                       "and Qwen's convention), "
                       "active_parameters_without_embedding (OpenAI's and "
                       "DeepSeek's), layers, "
                       "moe_layers, breakdown, model; ONNX models also "
                       "tied_embeddings_evidence and, with --allow-partial, "
                       "partial; configs whose checkpoint holds parts left "
                       "out and counted (a vision tower, an MTP module) "
                       "also left_out, left_out_parameters and "
                       "checkpoint_parameters)"),
              cl::sub(statsCommand), cl::cat(duplexCategory));
static cl::opt<std::string>
    statsOutput("o", cl::desc("Write to FILE instead of stdout (atomically)"),
                cl::value_desc("FILE"), cl::init("-"), cl::sub(statsCommand),
                cl::cat(duplexCategory));
/// Option help naming the types from the enum the parser reads.
static const std::string weightDTypeHelp =
    "Store every weight as this type instead of the config's (" +
    duplex::llm::getDTypeSpellings().str() + ")";
static const std::string kvDTypeHelp =
    "Store the KV cache as this type instead of the config's (" +
    duplex::llm::getDTypeSpellings().str() + ")";
static cl::opt<std::string>
    weightDType("weight-dtype", cl::desc(weightDTypeHelp),
                cl::value_desc("TYPE"), cl::sub(statsCommand),
                cl::sub(compileCommand), cl::sub(simulateCommand),
                cl::cat(duplexCategory));
static cl::opt<std::string>
    kvDType("kv-dtype", cl::desc(kvDTypeHelp), cl::value_desc("TYPE"),
            cl::sub(statsCommand), cl::sub(compileCommand),
            cl::sub(simulateCommand), cl::cat(duplexCategory));

/// --max-input-bytes's help, from the table of input limits.
static const std::string maxInputHelp = [] {
  std::string text = "Largest input file read, in bytes, for every kind of "
                     "input (default per kind:";
  for (const duplex::InputKind &kind : duplex::getInputKinds())
    text += " " + kind.name.str() + " " + std::to_string(kind.maxBytes >> 20) +
            " MiB,";
  return text + " also DUPLEX_MAX_INPUT_BYTES)";
}();
static cl::opt<uint64_t>
    maxInputBytes("max-input-bytes", cl::desc(maxInputHelp),
                  cl::value_desc("N"), cl::sub(statsCommand),
                  cl::sub(compileCommand), cl::sub(simulateCommand),
                  cl::cat(duplexCategory));

static cl::opt<bool> allowPartial(
    "allow-partial",
    cl::desc("ONNX models: go on when the raise cannot account for every "
             "weight or the layer structure is inconsistent (a warning; the "
             "results are marked partial) instead of failing"),
    cl::sub(statsCommand), cl::sub(compileCommand), cl::sub(simulateCommand),
    cl::cat(duplexCategory));

static cl::opt<std::string> modelTypeAs(
    "model-type-as",
    cl::desc("Config models: read the config.json as this supported "
             "model_type (a fork or fine-tune under a new name; every field "
             "is still checked)"),
    cl::value_desc("FAMILY"), cl::sub(statsCommand), cl::sub(compileCommand),
    cl::sub(simulateCommand), cl::cat(duplexCategory));

static cl::opt<cl::boolOrDefault> tiedEmbeddings(
    "tied-embeddings",
    cl::desc("ONNX models: whether the LM head reuses the token table "
             "(true/false), instead of what the weight data, a config.json "
             "beside the model or the architecture's default says"),
    cl::value_desc("true|false"), cl::sub(statsCommand),
    cl::sub(compileCommand), cl::sub(simulateCommand), cl::cat(duplexCategory));

//===----------------------------------------------------------------------===//
// duplexc compile
//===----------------------------------------------------------------------===//

static cl::opt<std::string> compileModel(cl::Positional, cl::Required,
                                         cl::desc("MODEL"),
                                         cl::sub(compileCommand),
                                         cl::cat(duplexCategory));
/// --device's help: every bundled device (`duplexc devices` describes them).
static const std::string &deviceHelp() {
  static const std::string text =
      "Device description: a JSON file or a bundled name (" +
      duplex::joinBundledNames(duplex::getBundledDevices()) +
      "; `duplexc devices` describes each)";
  return text;
}
static cl::opt<std::string> compileDevice("device", cl::desc(deviceHelp()),
                                          cl::value_desc("DEV"),
                                          cl::sub(compileCommand),
                                          cl::cat(duplexCategory));
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
/// --emit's help: the kinds of getEmitKinds().
static const std::string &emitHelp() {
  static const std::string text = [] {
    std::string help = "What to print:";
    for (const duplex::EmitKind &kind : duplex::getEmitKinds())
      help += " " + kind.name.str() + " (" + kind.summary.str() + "),";
    help.back() = '.';
    return help;
  }();
  return text;
}
static cl::opt<std::string> compileEmit("emit", cl::desc(emitHelp()),
                                        cl::value_desc("WHAT"),
                                        cl::init("placed"),
                                        cl::sub(compileCommand),
                                        cl::cat(duplexCategory));
static cl::opt<bool> compileJSON(
    "json",
    cl::desc("JSON instead of text: one record per op part with op, part, "
             "category, layers, flops, bytes, opb (and unit, seconds, "
             "candidates when placed)"),
    cl::sub(compileCommand), cl::cat(duplexCategory));
static cl::opt<std::string> compileCoprocess(
    "coprocess",
    cl::desc("Schedule of --emit=schedule|trace|json: none (one unit at a "
             "time), pe (expert and attention co-processing; default), pe-et "
             "(plus tensor-parallel experts), two-mini-batch, l3 (L3 sub-batch "
             "interleaving)"),
    cl::value_desc("MODE"), cl::init("pe"), cl::sub(compileCommand),
    cl::cat(duplexCategory));
static cl::opt<std::string> compileRouting(
    "routing",
    cl::desc("Tokens per expert: expected (uniform expectation; default), "
             "uniform (sampled), zipf:S (sampled, skewed), trace:FILE "
             "(recorded expert ids, one token per line)"),
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
// duplexc simulate
//===----------------------------------------------------------------------===//

static cl::opt<std::string> simModel(cl::Positional, cl::Required,
                                     cl::desc("MODEL"),
                                     cl::sub(simulateCommand),
                                     cl::cat(duplexCategory));
static cl::opt<std::string> simDevice("device", cl::desc(deviceHelp()),
                                      cl::value_desc("DEV"),
                                      cl::sub(simulateCommand),
                                      cl::cat(duplexCategory));
static cl::opt<unsigned>
    simDevices("devices",
               cl::desc("Devices per node, tensor parallel (default: the "
                        "description's)"),
               cl::value_desc("N"), cl::init(0), cl::sub(simulateCommand),
               cl::cat(duplexCategory));
static cl::opt<unsigned>
    simNodes("nodes",
             cl::desc("Nodes, data-parallel replicas (default: the "
                      "description's)"),
             cl::value_desc("M"), cl::init(0), cl::sub(simulateCommand),
             cl::cat(duplexCategory));
static cl::opt<unsigned> simReplicasPerNode(
    "replicas-per-node",
    cl::desc("Data-parallel replicas of --devices devices per node "
             "(default 1), sharing its host memory and units (DIMM-PIM)"),
    cl::value_desc("R"), cl::init(0), cl::sub(simulateCommand),
    cl::cat(duplexCategory));
static cl::opt<std::string> simCoprocess(
    "coprocess",
    cl::desc("none (one unit at a time), pe (expert and attention "
             "co-processing; default), pe-et (plus tensor-parallel experts), "
             "two-mini-batch (the alternative Duplex rejects), l3 (L3 "
             "sub-batch interleaving, dense models on DIMM-PIM/HBM-PIM)"),
    cl::value_desc("MODE"), cl::init("pe"), cl::sub(simulateCommand),
    cl::cat(duplexCategory));
static cl::opt<bool> simClosedLoop(
    "closed-loop",
    cl::desc("Replace each finished request at once (the default arrival "
             "mode)"),
    cl::sub(simulateCommand), cl::cat(duplexCategory));
static cl::opt<uint64_t> simBatch(
    "batch",
    cl::desc("Maximum running batch of the whole system, dealt over its "
             "data-parallel replicas (nodes x replicas per node; default 64)"),
    cl::value_desc("B"), cl::init(64), cl::sub(simulateCommand),
    cl::cat(duplexCategory));
static cl::opt<uint64_t> simBatchPerReplica(
    "batch-per-replica",
    cl::desc("Instead of --batch: the maximum running batch of each "
             "data-parallel replica"),
    cl::value_desc("B"), cl::sub(simulateCommand), cl::cat(duplexCategory));
static cl::opt<std::string> calibrationProfile(
    "calibration",
    cl::desc("Calibration profile of the units: measured (the device files' "
             "values, fitted on published GPU measurements; default), paper "
             "(the Duplex/L3 papers' assumptions: no derating, overhead or "
             "static power), or a profile file (calibration/*.json)"),
    cl::value_desc("PROFILE"), cl::init("measured"), cl::sub(simulateCommand),
    cl::sub(compileCommand), cl::cat(duplexCategory));
static cl::list<std::string> deviceSets(
    "set",
    cl::desc("Change a value of the device description before it is "
             "checked: PATH=VALUE, PATH from the file's root through keys "
             "and the names of units, memories and links, e.g. "
             "device.units.logic_pim.clock_mhz=800 or "
             "links.nvlink4.latency_us=0.3 (repeatable)"),
    cl::value_desc("PATH=VALUE"), cl::sub(simulateCommand),
    cl::sub(compileCommand), cl::cat(duplexCategory));
static cl::opt<double> simQPS("qps",
                              cl::desc("Arrivals at Q requests/s (Poisson "
                                       "unless --arrivals says otherwise)"),
                              cl::value_desc("Q"), cl::init(0),
                              cl::sub(simulateCommand),
                              cl::cat(duplexCategory));
/// --arrivals' help: the processes of the table in Workload.h.
static const std::string &arrivalsHelp() {
  static const std::string text = [] {
    std::string help = "How requests arrive at --qps:";
    for (const duplex::serving::ArrivalProcessInfo &info :
         duplex::serving::getArrivalProcesses())
      help += " " + info.name.str() + " (" + info.summary.str() + ");";
    help.back() = '.';
    return help;
  }();
  return text;
}
static cl::opt<std::string> simArrivals("arrivals", cl::desc(arrivalsHelp()),
                                        cl::value_desc("PROCESS"),
                                        cl::sub(simulateCommand),
                                        cl::sub(planCommand),
                                        cl::cat(duplexCategory));
static cl::opt<double> simTraceQPS(
    "trace-qps",
    cl::desc("Stretch or compress the --trace arrival times, from the first, "
             "so that their mean rate is Q requests/s (the trace's pattern "
             "at another load)"),
    cl::value_desc("Q"), cl::init(0), cl::sub(simulateCommand),
    cl::cat(duplexCategory));
/// --trace's help: the layouts the reader knows by their header.
static const std::string &traceHelp() {
  static const std::string text = [] {
    std::string help = "Arrivals and lengths from a CSV trace, its columns "
                       "found by header name in any order:";
    for (const duplex::serving::TraceFormat &format :
         duplex::serving::getTraceFormats())
      help += " " + format.name.str() + " (" + format.columns.arrival + ", " +
              format.columns.prompt + ", " + format.columns.output + ");";
    return help + " a file without a header is read as Azure's three "
                  "columns";
  }();
  return text;
}
static cl::opt<std::string> simTrace("trace", cl::desc(traceHelp()),
                                     cl::value_desc("FILE"),
                                     cl::sub(simulateCommand),
                                     cl::cat(duplexCategory));
static cl::opt<std::string> simTraceColumns(
    "trace-columns",
    cl::desc("The --trace columns of another layout, by header name: "
             "arrival=COL,prompt=COL,output=COL"),
    cl::value_desc("MAP"), cl::sub(simulateCommand), cl::sub(planCommand),
    cl::cat(duplexCategory));
static cl::opt<uint64_t> simRequests(
    "requests",
    cl::desc("Requests to serve (default: the whole trace, or 256)"),
    cl::value_desc("N"), cl::init(0), cl::sub(simulateCommand),
    cl::sub(planCommand), cl::cat(duplexCategory));
static cl::opt<double> simLin(
    "lin",
    cl::desc("Mean prompt length (default 1024; with --trace, redraws the "
             "trace's prompt lengths)"),
    cl::value_desc("L"), cl::init(0), cl::sub(simulateCommand),
    cl::sub(planCommand), cl::cat(duplexCategory));
static cl::opt<double>
    simLout("lout",
            cl::desc("Mean output length (default 256; with --trace, redraws "
                     "the trace's output lengths)"),
            cl::value_desc("L"), cl::init(0), cl::sub(simulateCommand),
            cl::sub(planCommand), cl::cat(duplexCategory));
static cl::opt<double> simLenStd(
    "len-std",
    cl::desc("Lengths are Gaussian around --lin/--lout (the Duplex paper's "
             "setup) with this standard deviation as a fraction of each mean "
             "(default 0.1; 0: fixed lengths)"),
    cl::value_desc("S"), cl::init(0.1), cl::sub(simulateCommand),
    cl::sub(planCommand), cl::cat(duplexCategory));
/// --scheduler's help: every policy of the table with its summary. Static:
/// cl::desc keeps a StringRef to it.
static const std::string &schedulerHelp() {
  static const std::string text = [] {
    std::string help = "Batching of a serving framework:";
    for (const duplex::serving::SchedulerPolicy &policy :
         duplex::serving::getSchedulerPolicies())
      help += " " + policy.name.str() + " (" + policy.summary.str() + ");";
    help.back() = '.';
    help += " A calibration's runtime section may replace a policy's budget "
            "and chunking with those its runtime was measured with "
            "(chunked_stage_token_budget: measured/trtllm).";
    return help;
  }();
  return text;
}
static cl::opt<std::string> simScheduler(
    "scheduler", cl::desc(schedulerHelp()), cl::value_desc("POLICY"),
    cl::init(duplex::serving::getSchedulerPolicies().front().name.str()),
    cl::sub(simulateCommand), cl::cat(duplexCategory));
static cl::opt<uint64_t> simMaxBatchedTokens(
    "max-batched-tokens",
    cl::desc("Token budget of a stage (vLLM's max_num_batched_tokens): "
             "prompt tokens are admitted after the decodes (one each) up to "
             "it; an unchunked prompt longer than it runs alone (default: "
             "the --scheduler policy's, or its runtime's in the "
             "calibration; 0: no limit)"),
    cl::value_desc("T"), cl::init(0), cl::sub(simulateCommand),
    cl::cat(duplexCategory));
static cl::opt<uint64_t>
    simMaxTokens("max-tokens",
                 cl::desc("Deprecated name of --max-batched-tokens"),
                 cl::value_desc("T"), cl::init(0), cl::Hidden,
                 cl::sub(simulateCommand), cl::cat(duplexCategory));
static cl::opt<uint64_t> simLimitRequests(
    "limit-requests",
    cl::desc("Work limit: the most requests a run may serve (default "
             "4194304, about 0.5 GB; 0: no limit)"),
    cl::value_desc("N"), cl::init(duplex::serving::WorkLimits().maxRequests),
    cl::sub(simulateCommand), cl::cat(duplexCategory));
static cl::opt<uint64_t> simLimitTokens(
    "limit-tokens",
    cl::desc("Work limit: the most tokens a run may generate (default "
             "16777216, about 40 s at batch 1; 0: no limit)"),
    cl::value_desc("N"),
    cl::init(duplex::serving::WorkLimits().maxGeneratedTokens),
    cl::sub(simulateCommand), cl::cat(duplexCategory));
static cl::opt<uint64_t> simLimitPromptTokens(
    "limit-prompt-tokens",
    cl::desc("Work limit: the most prompt tokens a run may process (default "
             "134217728, about 11 s for Mixtral; 0: no limit)"),
    cl::value_desc("N"),
    cl::init(duplex::serving::WorkLimits().maxPromptTokens),
    cl::sub(simulateCommand), cl::cat(duplexCategory));
static cl::opt<bool> simAllowLongContext(
    "allow-long-context",
    cl::desc("Go on with contexts past the model's max_position_embeddings "
             "(requests of simulate, the stage of compile; a warning, and "
             "simulate's report counts them) instead of failing"),
    cl::sub(compileCommand), cl::sub(simulateCommand), cl::cat(duplexCategory));
static cl::opt<bool>
    simChunked("chunked-prefill",
               cl::desc("Split prompts across stages to fit "
                        "--max-batched-tokens "
                        "(default: the --scheduler policy's, or on where "
                        "the calibration gives its runtime a budget; "
                        "--chunked-prefill=false turns it off)"),
               cl::sub(simulateCommand), cl::cat(duplexCategory));
static cl::opt<std::string> simRouting(
    "routing",
    cl::desc("Experts per token: uniform (sampled, the paper; default), "
             "zipf:S (skewed), expected (no sampling), trace:FILE (recorded "
             "expert ids, one token per line)"),
    cl::value_desc("MODE"), cl::init("uniform"), cl::sub(simulateCommand),
    cl::cat(duplexCategory));
static cl::opt<uint64_t> simSeed("seed",
                                 cl::desc("Seed of lengths, arrivals and "
                                          "routing (default 0)"),
                                 cl::init(0), cl::sub(simulateCommand),
                                 cl::sub(planCommand), cl::cat(duplexCategory));
/// --json's help: every key the report can print (Report.h).
static const std::string &simulateJSONHelp() {
  static const std::string text = [] {
    std::string help = "Print JSON with the keys";
    for (const std::string &key : duplex::serving::getReportKeys())
      help += " " + key + ",";
    help.back() = ' ';
    return help + "(docs/user-guide.md defines each)";
  }();
  return text;
}
static cl::opt<bool> simJSON("json", cl::desc(simulateJSONHelp()),
                             cl::sub(simulateCommand), cl::cat(duplexCategory));
static cl::opt<std::string> simPercentiles(
    "percentiles",
    cl::desc("Percentiles of every latency, e.g. 50,90,99,99.9 (default "
             "50,90,99)"),
    cl::value_desc("LIST"), cl::sub(simulateCommand), cl::cat(duplexCategory));
static cl::opt<std::string> simSLO(
    "slo",
    cl::desc("Service-level objectives, e.g. ttft=200ms,tpot=50ms,e2e=20s "
             "(units s, ms, us): the report adds goodput, the rate of "
             "requests meeting all of them, and their share"),
    cl::value_desc("SPEC"), cl::sub(simulateCommand), cl::sub(planCommand),
    cl::cat(duplexCategory));
static cl::opt<std::string> simRequestsOut(
    "requests-out",
    cl::desc("Write one row per request to FILE: .csv, or .jsonl (JSON "
             "Lines); columns request_id, replica, arrival_s, scheduled_s, "
             "first_token_s, completion_s, prompt_tokens, output_tokens, "
             "ttft_s, tpot_s, e2e_s, preemptions"),
    cl::value_desc("FILE"), cl::sub(simulateCommand), cl::cat(duplexCategory));
static cl::opt<std::string> simTimeline(
    "timeline",
    cl::desc("Write the whole run as a Perfetto/Chrome trace to FILE (JSON): "
             "stages, each unit's and link's busy time per stage, batch, "
             "KV-cache and queue counters, request lifetimes"),
    cl::value_desc("FILE"), cl::sub(simulateCommand), cl::cat(duplexCategory));
static cl::opt<std::string> simTimelineWindow(
    "timeline-window",
    cl::desc("Only what overlaps START:END (simulated seconds) goes into "
             "--timeline, e.g. 0:60 (a whole Azure trace is ~300 MB)"),
    cl::value_desc("START:END"), cl::sub(simulateCommand),
    cl::cat(duplexCategory));
static cl::opt<unsigned> simThreads(
    "threads",
    cl::desc("Threads that simulate data-parallel replicas side by side "
             "(default: one per hardware thread; the results are the same "
             "for any count)"),
    cl::value_desc("N"), cl::init(0), cl::sub(simulateCommand),
    cl::cat(duplexCategory));
static cl::opt<bool> simQuiet("quiet", cl::desc("No progress bar"),
                              cl::sub(simulateCommand),
                              cl::cat(duplexCategory));
static cl::opt<std::string>
    simOutput("o", cl::desc("Write to FILE instead of stdout (atomically)"),
              cl::value_desc("FILE"), cl::init("-"), cl::sub(simulateCommand),
              cl::cat(duplexCategory));

//===----------------------------------------------------------------------===//
// duplexc plan (also takes --arrivals, --trace-columns, --requests, --lin,
// --lout, --len-std, --seed and --slo of simulate)
//===----------------------------------------------------------------------===//

static cl::opt<std::string> planModel(cl::Positional, cl::desc("[MODEL]"),
                                      cl::sub(planCommand),
                                      cl::cat(duplexCategory));
static cl::opt<std::string> planCandidates(
    "candidates",
    cl::desc("The candidate systems: a sweep spec (YAML or JSON, "
             "docs/sweeps.md) whose points are systems, e.g. axes device: "
             "[duplex, h100], devices: [2, 4, 8]; the workload and SLO are "
             "the plan's"),
    cl::value_desc("SPEC"), cl::Required, cl::sub(planCommand),
    cl::cat(duplexCategory));
static cl::opt<double> planQPS(
    "qps",
    cl::desc("The load to plan for, in requests/s: synthetic arrivals "
             "(--arrivals) at this rate; with --trace, the trace's pattern "
             "rescaled to it (default: the trace's own rate)"),
    cl::value_desc("Q"), cl::init(0), cl::sub(planCommand),
    cl::cat(duplexCategory));
static cl::opt<std::string> planTrace(
    "trace",
    cl::desc("Plan for a trace's arrivals and lengths, rescaled in time "
             "(--trace-qps) by the search"),
    cl::value_desc("FILE"), cl::sub(planCommand), cl::cat(duplexCategory));
static cl::opt<double> planAttainment(
    "attainment",
    cl::desc("Percent of requests that must meet every --slo objective "
             "(default 90)"),
    cl::value_desc("PCT"), cl::init(90), cl::sub(planCommand),
    cl::cat(duplexCategory));
static cl::opt<double> planTolerance(
    "tolerance",
    cl::desc("The search stops when the lowest failing rate is within this "
             "fraction above the highest passing one (default 0.02)"),
    cl::value_desc("F"), cl::init(0.02), cl::sub(planCommand),
    cl::cat(duplexCategory));
static cl::opt<unsigned> planThreads(
    "threads",
    cl::desc("Candidates searched side by side (default: one per hardware "
             "thread; the results are the same for any count)"),
    cl::value_desc("N"), cl::init(0), cl::sub(planCommand),
    cl::cat(duplexCategory));
static cl::opt<bool> planJSON("json",
                              cl::desc("Print JSON: target_qps, settings and "
                                       "one object per candidate"),
                              cl::sub(planCommand), cl::cat(duplexCategory));
static cl::opt<bool> planCSV("csv",
                             cl::desc("Print CSV, one row per candidate "
                                      "(duplex.plan's DataFrame)"),
                             cl::sub(planCommand), cl::cat(duplexCategory));
static cl::opt<bool> planQuiet("quiet", cl::desc("No progress line"),
                               cl::sub(planCommand), cl::cat(duplexCategory));
static cl::opt<std::string>
    planOutput("o", cl::desc("Write to FILE instead of stdout (atomically)"),
               cl::value_desc("FILE"), cl::init("-"), cl::sub(planCommand),
               cl::cat(duplexCategory));

//===----------------------------------------------------------------------===//
// duplexc models
//===----------------------------------------------------------------------===//

static cl::SubCommand
    modelsCommand("models", "List the bundled models and their sources.");
static cl::opt<bool> modelsJSON("json", cl::desc("Print JSON"),
                                cl::sub(modelsCommand),
                                cl::cat(duplexCategory));

//===----------------------------------------------------------------------===//
// duplexc sweep
//===----------------------------------------------------------------------===//

static cl::SubCommand sweepCommand(
    "sweep",
    "Run every point of a sweep spec (YAML or JSON: base options, axes over "
    "simulate options and device values, zip groups; docs/sweeps.md) and "
    "write one CSV row per point: the axes, every report metric, the model "
    "and device fingerprints and the tool's version.");
static cl::opt<std::string> sweepSpec(cl::Positional, cl::Required,
                                      cl::desc("SPEC"), cl::sub(sweepCommand),
                                      cl::cat(duplexCategory));
static cl::opt<std::string>
    sweepOutput("o",
                cl::desc("The CSV file (rows appended as points finish, "
                         "then rewritten in point order atomically)"),
                cl::value_desc("FILE"), cl::init("-"), cl::sub(sweepCommand),
                cl::cat(duplexCategory));
static cl::opt<unsigned> sweepThreads(
    "threads",
    cl::desc("Points run side by side (default: one per hardware thread; "
             "the file is the same for any count)"),
    cl::value_desc("N"), cl::init(0), cl::sub(sweepCommand),
    cl::cat(duplexCategory));
static cl::opt<bool> sweepResume(
    "resume",
    cl::desc("Keep the rows of -o FILE that are points of this spec (by "
             "point_hash) and run only the others"),
    cl::sub(sweepCommand), cl::cat(duplexCategory));
static cl::opt<bool> sweepQuiet("quiet", cl::desc("No progress line"),
                                cl::sub(sweepCommand), cl::cat(duplexCategory));

//===----------------------------------------------------------------------===//
// duplexc devices
//===----------------------------------------------------------------------===//

static cl::SubCommand
    devicesCommand("devices",
                   "List the bundled device descriptions and what each is.");
static cl::opt<bool> devicesJSON("json", cl::desc("Print JSON"),
                                 cl::sub(devicesCommand),
                                 cl::cat(duplexCategory));

/// --set PATH=VALUE, each parsed; false after reporting a malformed one.
static bool parseDeviceSets(std::vector<duplex::hw::DeviceOverride> &out,
                            StringRef tool) {
  for (const std::string &text : deviceSets) {
    Expected<duplex::hw::DeviceOverride> parsed =
        duplex::hw::parseDeviceOverride(text);
    if (!parsed) {
      duplex::reportError(tool, parsed.takeError());
      return false;
    }
    out.push_back(std::move(*parsed));
  }
  return true;
}

/// The --weight-dtype / --kv-dtype overrides and --allow-partial, shared by
/// the subcommands.
static bool parseImportFlags(duplex::HFImportOptions &import) {
  import.allowPartial = allowPartial;
  import.modelTypeAs = modelTypeAs;
  if (maxInputBytes)
    duplex::setInputSizeLimitOverride(maxInputBytes);
  if (tiedEmbeddings != cl::BOU_UNSET)
    import.tiedEmbeddings = tiedEmbeddings == cl::BOU_TRUE;
  if (Error error = duplex::setImportTypes(import, weightDType, kvDType)) {
    duplex::reportError("duplexc", std::move(error));
    return false;
  }
  return true;
}

/// The overview --help prints: the list of subcommands for `duplexc
/// --help`, one line for a subcommand's help (its description follows).
static std::string overview(int argc, char **argv) {
  for (cl::SubCommand *command : cl::getRegisteredSubcommands())
    if (argc > 1 && command->getName() == argv[1])
      return "duplexc " + command->getName().str() +
             " (`duplexc --help` lists the subcommands)";
  std::string emitKinds;
  for (const duplex::EmitKind &kind : duplex::getEmitKinds())
    emitKinds += (emitKinds.empty() ? "" : "|") + kind.name.str();
  return "Duplex compiler driver: models and devices in, placement, "
         "schedules and serving metrics out.\n\n"
         "  duplexc stats MODEL [--json]   parameters, weight and KV-cache "
         "bytes\n"
         "  duplexc compile MODEL --device DEV --stage SPEC [--emit=" +
         emitKinds +
         "]\n"
         "                                 Op/B analysis, placement and "
         "schedules\n"
         "  duplexc simulate MODEL --device DEV [--closed-loop --batch B | "
         "--qps Q | --trace FILE]\n"
         "                                 serving throughput, latency, "
         "energy\n"
         "  duplexc models                 the bundled models\n"
         "  duplexc sweep SPEC -o FILE.csv  a design-space sweep, one row per "
         "point\n"
         "  duplexc plan MODEL --candidates SPEC --qps Q --slo "
         "ttft=..,tpot=..\n"
         "                                 capacity planning: the cheapest "
         "system meeting the SLO\n"
         "  duplexc devices                the bundled devices\n\n"
         "Run `duplexc <subcommand> --help` for the options of each, "
         "`duplexc --version` for the version.\n";
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  duplex::treatFileSizeLimitAsWriteError();
  cl::HideUnrelatedOptions(duplexCategory);
  cl::SetVersionPrinter(duplex::printDuplexVersion);
  // LLVM reports an unknown option and then the errors it causes (the
  // option's value read as a stray positional argument): print the first
  // error and its suggestion only.
  std::string parseErrors;
  raw_string_ostream errorStream(parseErrors);
  if (!cl::ParseCommandLineOptions(argc, argv, overview(argc, argv),
                                   &errorStream)) {
    SmallVector<StringRef, 4> lines;
    StringRef(parseErrors).split(lines, '\n', -1, /*KeepEmpty=*/false);
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i > 0 && !lines[i].contains("Did you mean"))
        break;
      errs() << lines[i].split("  Try:").first << "\n";
    }
    std::string command = "duplexc";
    for (cl::SubCommand *sub : cl::getRegisteredSubcommands())
      if (argc > 1 && !sub->getName().empty() && sub->getName() == argv[1])
        command += " " + sub->getName().str();
    errs() << "duplexc: run `" << command << " --help` for the options\n";
    return 1;
  }

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
    options.allowLongContext = simAllowLongContext;
    options.calibration = calibrationProfile;
    if (!parseDeviceSets(options.deviceOverrides, "duplexc compile"))
      return 1;
    options.devices = compileDevices;
    options.nodes = compileNodes;
    options.stage = compileStage;
    options.routing = compileRouting;
    options.seed = compileSeed;
    options.expertTensorParallel = compileExpertTP;
    options.coprocess = compileCoprocess;
    options.emit = compileEmit;
    // --coprocess shapes schedules; the other emit kinds place ops alone.
    const duplex::EmitKind *emitKind = duplex::findEmitKind(compileEmit);
    if (compileCoprocess.getNumOccurrences() && emitKind &&
        !emitKind->schedules)
      WithColor::warning(errs(), "duplexc compile")
          << "--coprocess is ignored by --emit=" << compileEmit
          << " (it shapes --emit=schedule, trace and json)\n";
    options.json = compileJSON;
    options.placementFile = compilePlacement;
    options.savePlacementFile = compileSavePlacement;
    options.outputFile = compileOutput;
    if (!parseImportFlags(options.import))
      return 1;
    return duplex::runCompileCommand(options);
  }
  if (simulateCommand) {
    duplex::SimulateOptions options;
    options.model = simModel;
    options.device = simDevice;
    options.devices = simDevices;
    options.nodes = simNodes;
    options.replicasPerNode = simReplicasPerNode;
    options.coprocess = simCoprocess;
    options.closedLoop = simClosedLoop;
    if (simQPS.getNumOccurrences())
      options.qps = simQPS;
    options.arrivals = simArrivals;
    options.traceFile = simTrace;
    if (simTraceQPS.getNumOccurrences())
      options.traceQPS = simTraceQPS;
    options.traceColumns = simTraceColumns;
    options.batch = simBatch;
    if (simBatchPerReplica.getNumOccurrences()) {
      if (simBatch.getNumOccurrences()) {
        WithColor::error(errs(), "duplexc simulate")
            << "--batch (the system's) and --batch-per-replica are "
               "alternatives; give one\n";
        return 1;
      }
      options.batchPerReplica = simBatchPerReplica;
    }
    options.calibration = calibrationProfile;
    if (!parseDeviceSets(options.deviceOverrides, "duplexc simulate"))
      return 1;
    if (simRequests.getNumOccurrences())
      options.requests = simRequests;
    options.limits.maxRequests = simLimitRequests;
    options.limits.maxGeneratedTokens = simLimitTokens;
    options.limits.maxPromptTokens = simLimitPromptTokens;
    options.allowLongContext = simAllowLongContext;
    if (simLin.getNumOccurrences())
      options.inputTokens = simLin;
    if (simLout.getNumOccurrences())
      options.outputTokens = simLout;
    if (simLenStd.getNumOccurrences())
      options.lengthStd = simLenStd;
    options.scheduler = simScheduler;
    if (simMaxTokens.getNumOccurrences()) {
      if (simMaxBatchedTokens.getNumOccurrences()) {
        WithColor::error(errs(), "duplexc simulate")
            << "--max-tokens is the old name of --max-batched-tokens; give "
               "one\n";
        return 1;
      }
      WithColor::warning(errs(), "duplexc simulate")
          << "--max-tokens is deprecated (it never meant an output length): "
             "use --max-batched-tokens\n";
      options.maxTokensPerStage = simMaxTokens;
    }
    if (simMaxBatchedTokens.getNumOccurrences())
      options.maxTokensPerStage = simMaxBatchedTokens;
    if (simChunked.getNumOccurrences())
      options.chunkedPrefill = simChunked;
    options.routing = simRouting;
    options.seed = simSeed;
    options.percentiles = simPercentiles;
    options.slo = simSLO;
    options.requestsOutFile = simRequestsOut;
    options.timelineFile = simTimeline;
    options.threads = simThreads;
    options.timelineWindow = simTimelineWindow;
    options.json = simJSON;
    options.quiet = simQuiet;
    options.outputFile = simOutput;
    if (!parseImportFlags(options.import))
      return 1;
    return duplex::runSimulateCommand(options);
  }
  if (modelsCommand) {
    duplex::ModelsOptions options;
    options.json = modelsJSON;
    return duplex::runModelsCommand(options);
  }
  if (sweepCommand) {
    duplex::SweepOptions options;
    options.specFile = sweepSpec;
    options.outputFile = sweepOutput;
    options.threads = sweepThreads;
    options.resume = sweepResume;
    options.quiet = sweepQuiet;
    return duplex::runSweepCommand(options);
  }
  if (planCommand) {
    duplex::PlanOptions options;
    options.candidatesFile = planCandidates;
    json::Object &workload = options.workload;
    if (!planModel.empty())
      workload["model"] = planModel.getValue();
    if (planQPS.getNumOccurrences())
      workload["qps"] = planQPS.getValue();
    if (!planTrace.empty())
      workload["trace"] = planTrace.getValue();
    if (simArrivals.getNumOccurrences())
      workload["arrivals"] = simArrivals.getValue();
    if (simTraceColumns.getNumOccurrences())
      workload["trace_columns"] = simTraceColumns.getValue();
    if (simRequests.getNumOccurrences())
      workload["requests"] = int64_t(simRequests.getValue());
    if (simLin.getNumOccurrences())
      workload["lin"] = simLin.getValue();
    if (simLout.getNumOccurrences())
      workload["lout"] = simLout.getValue();
    if (simLenStd.getNumOccurrences())
      workload["len_std"] = simLenStd.getValue();
    if (simSeed.getNumOccurrences())
      workload["seed"] = int64_t(simSeed.getValue());
    if (simSLO.getNumOccurrences())
      workload["slo"] = simSLO.getValue();
    options.attainment = planAttainment;
    options.tolerance = planTolerance;
    options.threads = planThreads;
    options.json = planJSON;
    options.csv = planCSV;
    options.quiet = planQuiet;
    options.outputFile = planOutput;
    return duplex::runPlanCommand(options);
  }
  if (devicesCommand) {
    duplex::DevicesOptions options;
    options.json = devicesJSON;
    return duplex::runDevicesCommand(options);
  }
  WithColor::error(errs(), "duplexc")
      << "no subcommand given; run `duplexc --help` for the list\n";
  return 1;
}
