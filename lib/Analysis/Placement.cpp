//===- Placement.cpp - place each op part on the fastest unit -------------===//

#include "duplex/Analysis/Placement.h"
#include "duplex/Analysis/ModelStats.h"
#include "duplex/CostModel/Collectives.h"
#include "duplex/CostModel/CostCache.h"
#include "duplex/Support/InputFile.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <fmt/format.h>

#include <cmath>
#include <iterator>
#include <limits>

using namespace llvm;
using namespace duplex;
using namespace duplex::llm;

bool duplex::unitCanRun(hw::UnitKind kind, const Kernel &kernel) {
  bool gemmLike = std::holds_alternative<cost::GemmShape>(kernel) ||
                  std::holds_alternative<cost::ExpertFfn>(kernel);
  bool decode = std::holds_alternative<cost::DecodeAttention>(kernel);
  bool prefill = std::holds_alternative<cost::PrefillAttention>(kernel);
  switch (kind) {
  case hw::UnitKind::Gpu:
  case hw::UnitKind::Xpu:
    return true;
  case hw::UnitKind::LogicPim:
    return gemmLike || decode || prefill;
  case hw::UnitKind::BankGroupPim:
  case hw::UnitKind::BankPim:
    return gemmLike || decode;
  case hw::UnitKind::DimmPim:
  case hw::UnitKind::RankPim:
    return decode;
  }
  llvm_unreachable("unknown unit kind");
}

const UnitTime &PlacedRecord::chosen() const {
  for (const UnitTime &candidate : candidates)
    if (candidate.unit == unit)
      return candidate;
  llvm_unreachable("placed on a unit that is not a candidate");
}

//===----------------------------------------------------------------------===//
// Override files
//===----------------------------------------------------------------------===//

static Error overrideError(StringRef path, size_t entry, const Twine &message) {
  return createStringError(inconvertibleErrorCode(), path + ": placements[" +
                                                         Twine(entry) +
                                                         "]: " + message);
}

Expected<std::vector<PlacementOverride>>
duplex::loadPlacementOverrides(StringRef path) {
  auto buffer = readInputFile(path, "JSON", "placement file");
  if (!buffer)
    return buffer.takeError();
  Expected<json::Value> parsed = parseBoundedJSON((*buffer)->getBuffer(), path);
  if (!parsed)
    return parsed.takeError();
  const json::Object *root = parsed->getAsObject();
  const json::Array *list = root ? root->getArray("placements") : nullptr;
  if (!list)
    return createStringError(inconvertibleErrorCode(),
                             "%s: expected an object with a 'placements' list",
                             path.str().c_str());
  std::vector<PlacementOverride> overrides;
  for (auto [i, value] : enumerate(*list)) {
    const json::Object *entry = value.getAsObject();
    if (!entry)
      return overrideError(path, i, "must be an object");
    PlacementOverride override;
    for (const auto &field : *entry)
      if (!is_contained({"index", "match", "op", "part", "unit", "seconds"},
                        field.first.str()))
        return overrideError(path, i,
                             "unknown field '" + field.first.str() + "'");
    if (std::optional<int64_t> index = entry->getInteger("index")) {
      if (*index < 0)
        return overrideError(path, i, "'index' must not be negative");
      override.index = unsigned(*index);
    }
    if (std::optional<StringRef> match = entry->getString("match"))
      override.match = match->str();
    if (!override.index && override.match.empty())
      return overrideError(path, i, "needs an 'index' or a 'match'");
    if (std::optional<StringRef> part = entry->getString("part")) {
      if (*part == "whole")
        override.part = WorkPart::Whole;
      else if (*part == "prefill")
        override.part = WorkPart::Prefill;
      else if (*part == "decode")
        override.part = WorkPart::Decode;
      else
        return overrideError(path, i,
                             "'part' must be whole, prefill or decode, not '" +
                                 *part + "'");
    }
    std::optional<StringRef> unit = entry->getString("unit");
    if (!unit)
      return overrideError(path, i, "needs a 'unit'");
    override.unit = unit->str();
    override.source = (path + ": placements[" + Twine(i) + "]").str();
    overrides.push_back(std::move(override));
  }
  return overrides;
}

/// Whether `override` names `record`'s op, whatever the part.
static bool matchesOp(const PlacementOverride &override,
                      const WorkRecord &record) {
  if (override.index)
    return *override.index == record.index;
  return StringRef(record.label).starts_with(override.match);
}

static bool matches(const PlacementOverride &override,
                    const WorkRecord &record) {
  if (override.part && *override.part != record.work.part)
    return false;
  return matchesOp(override, record);
}

/// An override that names no op of the model is a typo or a file for
/// another model: an error, not a silent no-op. One that names ops but
/// not the part this stage runs (a prefill override in a decode-only
/// stage) is expected when a file serves several stages.
static Error checkOverridesMatch(ArrayRef<PlacementOverride> overrides,
                                 ArrayRef<WorkRecord> records) {
  for (const PlacementOverride &override : overrides) {
    if (any_of(records, [&](const WorkRecord &record) {
          return matchesOp(override, record);
        }))
      continue;
    std::string what = override.index
                           ? "index " + std::to_string(*override.index)
                           : "match '" + override.match + "'";
    return createStringError(
        inconvertibleErrorCode(),
        "%s: %s names no op of the model (%zu records; `duplexc compile "
        "--emit=opb` lists their indices and labels)",
        override.source.empty() ? "placement override"
                                : override.source.c_str(),
        what.c_str(), records.size());
  }
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Pricing
//===----------------------------------------------------------------------===//

namespace {

/// Tokens of the stage that flow through one part of an op.
uint64_t partTokens(const WorkRecord &record, const Stage &stage) {
  switch (record.work.part) {
  case WorkPart::Whole:
    return stage.tokens();
  case WorkPart::Prefill:
    return stage.tokens() - stage.decodeContexts.size();
  case WorkPart::Decode:
    return stage.decodeContexts.size();
  }
  llvm_unreachable("unknown part");
}

uint64_t widthOf(mlir::Value value) {
  return mlir::cast<ActType>(value.getType()).getWidth();
}

class Pricer {
public:
  Pricer(const hw::System &system, const WorkContext &context)
      : system(system), context(context), home(system.hostProcessor()) {}

  const hw::Unit *getHome() const { return home; }

  bool sharesHomeMemory(const hw::Unit &unit) const {
    return system.memoryOf(unit).placement == system.memoryOf(*home).placement;
  }

  Expected<double> kernelSeconds(const hw::Unit &unit,
                                 const WorkRecord &record) const {
    double seconds = 0;
    for (const Kernel &kernel : record.work.kernels) {
      Expected<cost::Cost> cost =
          cost::estimateKernel(system, unit, kernel, context.costCache);
      if (!cost)
        return cost.takeError();
      seconds += cost->seconds;
    }
    // A host unit serves every device of its node with the same hardware.
    return seconds * system.devicesSharing(unit);
  }

  /// Bytes one device sends to (inputs) and gets back from (output) a unit
  /// outside the host processor's memory.
  std::pair<double, double> transferBytes(const WorkRecord &record) const {
    double bytesPerElement = context.activationBits / 8.0;
    double tokens = partTokens(record, context.stage);
    unsigned tp = context.tensorParallel;
    double in = 0;
    for (mlir::Value operand : record.op->getOperands())
      in += double(widthOf(operand)) / tp;
    double out = double(widthOf(record.op->getResult(0))) / tp;
    return {tokens * in * bytesPerElement, tokens * out * bytesPerElement};
  }

  Expected<UnitTime> price(const hw::Unit &unit,
                           const WorkRecord &record) const {
    UnitTime time;
    time.unit = &unit;
    Expected<double> seconds = kernelSeconds(unit, record);
    if (!seconds)
      return seconds.takeError();
    time.kernelSeconds = *seconds;
    if (!sharesHomeMemory(unit)) {
      auto [in, out] = transferBytes(record);
      Expected<cost::Cost> there = cost::hostCopy(system, in);
      if (!there)
        return there.takeError();
      Expected<cost::Cost> back = cost::hostCopy(system, out);
      if (!back)
        return back.takeError();
      time.transferSeconds = there->seconds + back->seconds;
    }
    return time;
  }

private:
  const hw::System &system;
  const WorkContext &context;
  const hw::Unit *home;
};

} // namespace

/// `bytes` in the largest binary unit that keeps its magnitude at 1 or
/// more, so a small memory never reads "0.00 GiB".
static std::string formatBytes(double bytes) {
  static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  size_t unit = 0;
  while (unit + 1 < std::size(units) &&
         std::fabs(bytes) >= std::ldexp(1.0, 10 * int(unit + 1)))
    ++unit;
  return fmt::format("{:.2f} {}", std::ldexp(bytes, -10 * int(unit)),
                     units[unit]);
}

namespace {
/// Which memories can hold the stage's KV cache.
struct KVRoom {
  double weightsPerDevice = 0;
  double kvPerDevice = 0;
  double kvPerNode = 0;
  bool fitsDevice = false;
  bool fitsHost = false;
};

/// Weights: tensor/expert parallel inside a node, data parallel across
/// nodes, so each device holds 1/devices-per-node of them. The KV cache is
/// split the same way, or held whole by the replica's share of the node's
/// host memory.
Expected<KVRoom> measureRoom(const hw::System &system,
                             const CapacityNeeds &needs, const Stage &stage) {
  if (Error error = checkWeightsFit(system, needs))
    return std::move(error);
  unsigned perNode = system.topology.devicesPerNode;
  double deviceBytes = system.deviceMemoryBytes();
  KVRoom room;
  room.weightsPerDevice = needs.weightsPerDevice(perNode);
  room.kvPerNode =
      stageKVBytes(stage, needs.kvBytesPerToken) / system.topology.nodes;
  room.kvPerDevice = room.kvPerNode / perNode;
  room.fitsDevice = room.weightsPerDevice + room.kvPerDevice <= deviceBytes;
  room.fitsHost = room.kvPerNode <= system.hostMemoryBytesPerReplica();
  return room;
}

} // namespace

CapacityNeeds duplex::capacityNeedsOf(ModelOp model, const hw::System &system) {
  ModelStats stats = computeModelStats(model);
  CapacityNeeds needs{model.getSymName().str(), double(stats.weightBytes),
                      double(stats.kvCacheBytesPerToken)};
  if (stats.numMoELayers > 0 && system.topology.nodes > 1) {
    for (const StatsCategory &category : stats.breakdown)
      if (category.name == "experts")
        needs.expertWeightBytes = double(category.weightBytes());
    needs.expertNodes = system.topology.nodes;
  }
  return needs;
}

Error duplex::checkWeightsFit(const hw::System &system,
                              const CapacityNeeds &needs) {
  unsigned perNode = system.topology.devicesPerNode;
  double weightsPerDevice = needs.weightsPerDevice(perNode);
  double deviceBytes = system.deviceMemoryBytes();
  double reserved = system.runtimeReservedBytes;
  if (weightsPerDevice + reserved <= deviceBytes)
    return Error::success();
  unsigned devices = perNode * needs.expertNodes;
  std::string reservedText =
      reserved > 0
          ? fmt::format(", {} of it kept by the serving runtime "
                        "(calibration '{}')",
                        formatBytes(reserved), system.calibrationProfile)
          : std::string();
  return createStringError(
      inconvertibleErrorCode(),
      "model '%s' does not fit: its weights need %s per device (%s over %u "
      "device%s%s) but a device of '%s' has %s%s",
      needs.modelName.c_str(), formatBytes(weightsPerDevice).c_str(),
      formatBytes(needs.weightBytes).c_str(), devices, devices == 1 ? "" : "s",
      needs.expertNodes > 1 ? ", experts over all nodes" : " per node",
      system.name.c_str(), formatBytes(deviceBytes).c_str(),
      reservedText.c_str());
}

uint64_t duplex::kvCapacityTokens(const hw::System &system,
                                  const CapacityNeeds &needs,
                                  const KVMemoryShare &share) {
  if (needs.kvBytesPerToken <= 0)
    return std::numeric_limits<uint64_t>::max();
  Kernel probe = cost::DecodeAttention();
  bool hostRunsDecode = any_of(system.units, [&](const hw::Unit &unit) {
    return system.memoryOf(unit).placement == hw::Placement::Host &&
           unitCanRun(unit.kind, probe);
  });
  unsigned perNode = system.topology.devicesPerNode;
  double bytes =
      hostRunsDecode
          ? system.hostMemoryBytesPerReplica()
          : std::max(0.0, share.memoryUtilization * system.deviceMemoryBytes() -
                              needs.weightsPerDevice(perNode) -
                              system.runtimeReservedBytes) *
                share.freeFraction * perNode;
  // Saturate: a conversion past 2^64 is undefined (a 1e15 GiB memory read
  // as room for 0 tokens). 2^63 tokens is beyond any trace.
  double tokens = bytes / needs.kvBytesPerToken;
  constexpr double kMaxTokens = 9223372036854775808.0; // 2^63
  return tokens >= kMaxTokens ? uint64_t(1) << 63 : uint64_t(tokens);
}

namespace {

Error kvNowhereError(const hw::System &system, const Stage &stage,
                     const KVRoom &room) {
  bool hostUnits = any_of(system.units, [&](const hw::Unit &unit) {
    return system.memoryOf(unit).placement == hw::Placement::Host;
  });
  std::string host =
      hostUnits
          ? fmt::format(", and the host memory of a node has {} for its {}",
                        formatBytes(system.hostMemoryBytesPerReplica()),
                        formatBytes(room.kvPerNode))
          : "";
  return createStringError(
      inconvertibleErrorCode(),
      "stage '%s' does not fit: its KV cache needs %s per device but a "
      "device of '%s' has %s left after %s of weights%s",
      stage.str().c_str(), formatBytes(room.kvPerDevice).c_str(),
      system.name.c_str(),
      formatBytes(system.deviceMemoryBytes() - room.weightsPerDevice).c_str(),
      formatBytes(room.weightsPerDevice).c_str(), host.c_str());
}
} // namespace

Expected<PlacementPlan>
duplex::planPlacement(const hw::System &system, std::vector<WorkRecord> records,
                      const WorkContext &context, const CapacityNeeds &needs,
                      ArrayRef<PlacementOverride> overrides) {
  if (Error error = checkOverridesMatch(overrides, records))
    return std::move(error);
  PlacementPlan plan;
  plan.system = &system;
  Pricer pricer(system, context);
  plan.home = pricer.getHome();
  if (!plan.home)
    return createStringError(inconvertibleErrorCode(),
                             "%s: the system has no GPU or xPU to run the "
                             "model's dense layers",
                             system.fileName.c_str());
  Expected<KVRoom> room = measureRoom(system, needs, context.stage);
  if (!room)
    return room.takeError();
  if (!room->fitsDevice && !room->fitsHost)
    return kvNowhereError(system, context.stage, *room);

  plan.records.reserve(records.size());
  for (WorkRecord &record : records) {
    // Built in place: a record's kernels sit inline, so a move copies them.
    PlacedRecord &placed = plan.records.emplace_back();
    for (const hw::Unit &unit : system.units) {
      // A unit runs the part only if it can run every kernel, in the
      // kernel's arithmetic or a wider type it lists (no FP32 on
      // FP16-only PIM units; FP8 runs there at FP16).
      if (!all_of(record.work.kernels, [&](const Kernel &kernel) {
            return unitCanRun(unit.kind, kernel) &&
                   unit.computeTypeFor(cost::computeTypeOf(kernel));
          }))
        continue;
      // Decode attention runs where the KV cache can live.
      bool inHost = system.memoryOf(unit).placement == hw::Placement::Host;
      if (record.work.part == WorkPart::Decode &&
          !(inHost ? room->fitsHost : room->fitsDevice))
        continue;
      Expected<UnitTime> time = pricer.price(unit, record);
      if (!time)
        return time.takeError();
      placed.candidates.push_back(*time);
    }
    if (placed.candidates.empty()) {
      if (record.work.part == WorkPart::Decode)
        return kvNowhereError(system, context.stage, *room);
      return createStringError(
          inconvertibleErrorCode(),
          "no unit of '%s' can run #%u '%s' (%s): check the arithmetic "
          "types its units list against the model's activation type",
          system.name.c_str(), record.index, record.label.c_str(),
          toString(record.work.part).str().c_str());
    }
    const UnitTime *best = &placed.candidates.front();
    for (const UnitTime &candidate : placed.candidates)
      if (candidate.seconds() < best->seconds())
        best = &candidate;
    placed.unit = best->unit;

    for (const PlacementOverride &override : overrides) {
      if (!matches(override, record))
        continue;
      const UnitTime *forced = find_if(placed.candidates, [&](auto &c) {
        return c.unit->name == override.unit;
      });
      if (forced == placed.candidates.end()) {
        std::string names;
        for (const UnitTime &c : placed.candidates)
          names += (names.empty() ? "" : ", ") + c.unit->name;
        return createStringError(
            inconvertibleErrorCode(),
            "placement override puts #%u '%s' (%s) on '%s', which %s; units "
            "that can run it: %s",
            record.index, record.label.c_str(),
            toString(record.work.part).str().c_str(), override.unit.c_str(),
            system.findUnit(override.unit) ? "cannot run it"
                                           : "is not a unit of the system",
            names.c_str());
      }
      placed.unit = forced->unit;
      placed.overridden = true;
    }

    if (!pricer.sharesHomeMemory(*placed.unit)) {
      std::tie(placed.inputTransferBytes, placed.outputTransferBytes) =
          pricer.transferBytes(record);
      placed.link = system.findLink(hw::LinkScope::Host);
    }
    placed.record = std::move(record);
  }
  return plan;
}

SmallVector<RidgePoint, 6>
duplex::computeRidgePoints(const hw::System &system) {
  SmallVector<RidgePoint, 6> points;
  for (size_t i = 0; i < system.units.size(); ++i)
    for (size_t j = i + 1; j < system.units.size(); ++j) {
      Expected<cost::BreakEven> breakEven =
          cost::breakEven(system, system.units[i], system.units[j],
                          hw::DType::FP16, cost::Rate::Sustained);
      if (!breakEven) {
        consumeError(breakEven.takeError()); // A unit without FP16 peak.
        continue;
      }
      points.push_back({&system.units[i], &system.units[j], *breakEven});
    }
  return points;
}

double duplex::stageKVBytes(const Stage &stage, double kvBytesPerToken) {
  double tokens = 0;
  for (uint64_t prompt : stage.prefillTokens)
    tokens += prompt;
  for (uint64_t contextTokens : stage.decodeContexts)
    tokens += contextTokens + 1;
  return tokens * kvBytesPerToken;
}

json::Object duplex::toJSON(const PlacedRecord &placed) {
  json::Object object = toJSON(placed.record);
  object["unit"] = placed.unit->name;
  object["seconds"] = placed.chosen().seconds();
  if (placed.overridden)
    object["overridden"] = true;
  json::Object candidates;
  for (const UnitTime &candidate : placed.candidates)
    candidates[candidate.unit->name] = candidate.seconds();
  object["candidates"] = std::move(candidates);
  if (placed.link) {
    object["transfer"] =
        json::Object{{"link", placed.link->name},
                     {"bytes_in", placed.inputTransferBytes},
                     {"bytes_out", placed.outputTransferBytes},
                     {"seconds", placed.chosen().transferSeconds}};
  }
  return object;
}

json::Array duplex::ridgePointsToJSON(const PlacementPlan &plan) {
  json::Array points;
  for (const RidgePoint &point : plan.ridgePoints) {
    json::Object object{
        {"units", json::Array{point.first->name, point.second->name}}};
    if (point.breakEven.opsPerByte)
      object["opb"] = *point.breakEven.opsPerByte;
    else
      object["opb"] = nullptr;
    object["faster_below"] = point.breakEven.fasterBelow->name;
    object["faster_above"] = point.breakEven.fasterAbove->name;
    points.push_back(std::move(object));
  }
  return points;
}

json::Value duplex::toOverrideJSON(const PlacementPlan &plan) {
  json::Array entries;
  for (const PlacedRecord &placed : plan.records)
    entries.push_back(json::Object{{"index", placed.record.index},
                                   {"op", placed.record.label},
                                   {"part", toString(placed.record.work.part)},
                                   {"unit", placed.unit->name}});
  return json::Object{{"placements", std::move(entries)}};
}
