//===- ExpertCoprocessing.cpp - split MoE experts across two units --------===//

#include "duplex/Sim/ExpertCoprocessing.h"

#include "ScheduleBuilder.h"
#include "duplex/Sim/Pricing.h"
#include "duplex/Sim/StageSchedule.h"

#include <numeric>

using namespace llvm;

namespace duplex::sim {

Expected<ExpertTimeTable> ExpertTimeTable::build(const hw::System &system,
                                                 const hw::Unit &unit,
                                                 const cost::ExpertFfn &shape,
                                                 uint64_t maxTokens) {
  std::vector<double> seconds(maxTokens + 1, 0);
  cost::ExpertFfn expert = shape;
  for (uint64_t tokens = 1; tokens <= maxTokens; ++tokens) {
    expert.tokens = tokens;
    Expected<KernelTime> time = priceKernel(system, unit, expert);
    if (!time)
      return time.takeError();
    seconds[tokens] = time->seconds();
  }
  return ExpertTimeTable(std::move(seconds));
}

double ExpertTimeTable::seconds(uint64_t tokens) const {
  if (tokens == 0 || secondsByTokens.empty())
    return 0;
  uint64_t last = maxTokens();
  if (tokens <= last)
    return secondsByTokens[tokens];
  if (last < 2)
    return secondsByTokens[last] * double(tokens) / double(last);
  double slope = secondsByTokens[last] - secondsByTokens[last - 1];
  return secondsByTokens[last] + slope * double(tokens - last);
}

cost::Elementwise partialSumReduceKernel(const hw::System &system,
                                         const hw::Unit &pim, uint64_t tokens,
                                         uint64_t hidden,
                                         unsigned activationBits) {
  const hw::Memory &memory = system.memoryOf(pim);
  unsigned stacks = memory.hbm ? memory.hbm->stacks : 1;
  cost::Elementwise reduce;
  reduce.elements = tokens * hidden;
  reduce.inputs = stacks;
  // stacks - 1 additions per element plus the top-k routing weight.
  reduce.flopsPerElement = stacks;
  reduce.bits = activationBits;
  return reduce;
}

Expected<PartialSumReduce> partialSumReduceCost(const hw::System &system,
                                                const hw::Unit &xpu,
                                                const hw::Unit &pim,
                                                uint64_t hidden,
                                                unsigned activationBits) {
  // Two points of an affine function: 1 token and 1025 tokens.
  constexpr uint64_t kSpan = 1024;
  Expected<KernelTime> one = priceKernel(
      system, xpu,
      partialSumReduceKernel(system, pim, 1, hidden, activationBits));
  if (!one)
    return one.takeError();
  Expected<KernelTime> many = priceKernel(
      system, xpu,
      partialSumReduceKernel(system, pim, 1 + kSpan, hidden, activationBits));
  if (!many)
    return many.takeError();
  PartialSumReduce reduce;
  reduce.secondsPerToken = (many->seconds() - one->seconds()) / kSpan;
  reduce.fixedSeconds = one->seconds() - reduce.secondsPerToken;
  return reduce;
}

namespace {
/// Experts that move between the units together: one expert, or one
/// memory section's experts.
struct MovableGroup {
  SmallVector<uint32_t, 4> experts;
  uint64_t tokens = 0;
  double xpuSeconds = 0;
  double pimSeconds = 0;
};
} // namespace

void splitExperts(ArrayRef<uint64_t> tokensPerExpert,
                  const ExpertTimeTable &xpu, const ExpertTimeTable &pim,
                  const PartialSumReduce &reduce, ExpertSplit &split,
                  unsigned sections) {
  // Experts with tokens, grouped by section (or alone), fewest tokens first
  // (ties by first index, so deterministic).
  SmallVector<MovableGroup, 64> groups(sections);
  for (auto [expert, tokens] : enumerate(tokensPerExpert)) {
    if (tokens == 0)
      continue;
    if (!sections)
      groups.emplace_back();
    MovableGroup &group = sections ? groups[expert % sections] : groups.back();
    group.experts.push_back(uint32_t(expert));
    group.tokens += tokens;
    group.xpuSeconds += xpu.seconds(tokens);
    group.pimSeconds += pim.seconds(tokens);
  }
  llvm::erase_if(groups,
                 [](const MovableGroup &group) { return group.tokens == 0; });
  llvm::stable_sort(groups, [](const MovableGroup &a, const MovableGroup &b) {
    return a.tokens < b.tokens;
  });

  double xpuSeconds = 0;
  for (const MovableGroup &group : groups)
    xpuSeconds += group.xpuSeconds;
  double pimSeconds = 0;
  uint64_t pimTokens = 0;
  size_t bestMoved = 0;
  double bestSeconds = xpuSeconds;
  double bestXpu = xpuSeconds, bestPim = 0, bestReduce = 0;
  for (size_t moved = 1; moved <= groups.size(); ++moved) {
    const MovableGroup &group = groups[moved - 1];
    xpuSeconds -= group.xpuSeconds;
    pimSeconds += group.pimSeconds;
    pimTokens += group.tokens;
    // Summing and subtracting can leave a tiny negative remainder.
    if (moved == groups.size())
      xpuSeconds = 0;
    double reduceSeconds = reduce.seconds(pimTokens);
    double seconds = std::max(xpuSeconds, pimSeconds) + reduceSeconds;
    if (seconds < bestSeconds) {
      bestSeconds = seconds;
      bestMoved = moved;
      bestXpu = xpuSeconds;
      bestPim = pimSeconds;
      bestReduce = reduceSeconds;
    }
  }

  split.xpuExperts.clear();
  split.pimExperts.clear();
  split.xpuTokens = split.pimTokens = 0;
  for (auto [position, group] : enumerate(groups)) {
    bool onPim = position < bestMoved;
    auto &experts = onPim ? split.pimExperts : split.xpuExperts;
    experts.append(group.experts.begin(), group.experts.end());
    (onPim ? split.pimTokens : split.xpuTokens) += group.tokens;
  }
  llvm::sort(split.xpuExperts);
  llvm::sort(split.pimExperts);
  split.xpuSeconds = bestXpu;
  split.pimSeconds = bestPim;
  split.reduceSeconds = bestReduce;
}

ExpertSplit splitExperts(ArrayRef<uint64_t> tokensPerExpert,
                         const ExpertTimeTable &xpu, const ExpertTimeTable &pim,
                         const PartialSumReduce &reduce, unsigned sections) {
  ExpertSplit split;
  splitExperts(tokensPerExpert, xpu, pim, reduce, split, sections);
  return split;
}

unsigned expertSections(const hw::System &system, const hw::Unit &pim) {
  const hw::Memory &memory = system.memoryOf(pim);
  if (!memory.hbm || !memory.hbm->bankBundle)
    return 0;
  // No stated layout: experts move one at a time, as before the paper's
  // layout was modelled. An expert spanning s sections of N shares banks
  // with every expert whose span overlaps its own: N / s disjoint groups
  // when s divides N, else one (the units cannot split experts apart).
  unsigned span = memory.hbm->bankBundle->sectionsPerWeightStream;
  unsigned sections = memory.hbm->bundlesPerPseudoChannel();
  if (span == 0)
    return 0;
  return sections % span == 0 ? sections / span : 1;
}

static bool sameShape(const cost::ExpertFfn &a, const cost::ExpertFfn &b) {
  return a.hidden == b.hidden && a.intermediate == b.intermediate &&
         a.gated == b.gated && a.weightBits == b.weightBits &&
         a.activationBits == b.activationBits && a.computeType == b.computeType;
}

Expected<const ExpertTimeTable *>
ExpertTableCache::get(unsigned unitIndex, const cost::ExpertFfn &shape,
                      uint64_t minTokens) {
  Entry *entry = nullptr;
  for (const std::unique_ptr<Entry> &candidate : entries)
    if (candidate->unitIndex == unitIndex && sameShape(candidate->shape, shape))
      entry = candidate.get();
  if (entry && entry->table.maxTokens() >= minTokens)
    return &entry->table;
  // Grow geometrically so a slowly rising token count rebuilds rarely.
  uint64_t tokens = std::max<uint64_t>(minTokens, 64);
  if (entry)
    tokens = std::max(tokens, 2 * entry->table.maxTokens());
  Expected<ExpertTimeTable> table =
      ExpertTimeTable::build(system, system.units[unitIndex], shape, tokens);
  if (!table)
    return table.takeError();
  if (!entry) {
    entries.push_back(std::make_unique<Entry>(Entry{unitIndex, shape, {}}));
    entry = entries.back().get();
  }
  entry->table = std::move(*table);
  return &entry->table;
}

//===----------------------------------------------------------------------===//
// MoE tasks of a schedule
//===----------------------------------------------------------------------===//

const hw::Unit *findExpertPim(const hw::System &system, const hw::Unit &xpu) {
  for (const hw::Unit &unit : system.units)
    if (unit.memoryIndex == xpu.memoryIndex &&
        (unit.kind == hw::UnitKind::LogicPim ||
         unit.kind == hw::UnitKind::BankGroupPim ||
         unit.kind == hw::UnitKind::BankPim))
      return &unit;
  return nullptr;
}

namespace detail {

namespace {
/// A MoE item's kernels by role (LLMWork.cpp's order).
struct MoEKernels {
  SmallVector<Kernel, 2> router;
  /// Per local expert: its kernel, or null when it has no tokens.
  SmallVector<const cost::ExpertFfn *, 16> routed;
  SmallVector<Kernel, 2> shared;
};

Expected<MoEKernels> decompose(const WorkItem &item, StringRef name) {
  MoEKernels moe;
  size_t active = llvm::count_if(item.tokensPerExpert,
                                 [](uint64_t tokens) { return tokens > 0; });
  SmallVector<const cost::ExpertFfn *, 16> experts;
  for (const Kernel &kernel : item.kernels) {
    if (const auto *expert = std::get_if<cost::ExpertFfn>(&kernel)) {
      if (experts.size() < active)
        experts.push_back(expert);
      else
        moe.shared.push_back(kernel);
    } else {
      moe.router.push_back(kernel);
    }
  }
  if (experts.size() != active)
    return createStringError(inconvertibleErrorCode(),
                             "'%s' lists %zu experts with tokens but %zu "
                             "expert kernels",
                             name.str().c_str(), active, experts.size());
  size_t next = 0;
  for (uint64_t tokens : item.tokensPerExpert)
    moe.routed.push_back(tokens > 0 ? experts[next++] : nullptr);
  return moe;
}

uint64_t tokensOf(ArrayRef<Kernel> kernels) {
  uint64_t tokens = 0;
  for (const Kernel &kernel : kernels)
    if (const auto *expert = std::get_if<cost::ExpertFfn>(&kernel))
      tokens += expert->tokens;
  return tokens;
}

} // namespace

Expected<TaskIds> emitMoE(ScheduleBuilder &builder, const Chain &chain,
                          const WorkItem &item, ArrayRef<TaskId> deps,
                          bool coprocess) {
  const hw::System &system = builder.system;
  std::string name = builder.baseName(chain, item);
  Expected<MoEKernels> moe = decompose(item, name);
  if (!moe)
    return moe.takeError();
  const hw::Unit *xpu = system.hostProcessor();
  const hw::Unit *pim = xpu ? findExpertPim(system, *xpu) : nullptr;
  const cost::ExpertFfn *shape = nullptr;
  for (const cost::ExpertFfn *expert : moe->routed)
    if (expert && !shape)
      shape = expert;
  unsigned activationBits = shape ? shape->activationBits : 16;
  uint64_t hidden = shape ? shape->hidden : 0;
  Slice whole;

  if (!coprocess || !pim || !shape) {
    Expected<TaskId> task = builder.emitOnUnit(chain, item, "", item.kernels,
                                               item.unit, deps, whole);
    if (!task)
      return task.takeError();
    const hw::Unit &placed = system.units[item.unit];
    if (!xpu || !hw::isPim(placed.kind) ||
        placed.memoryIndex != xpu->memoryIndex || !shape)
      return TaskIds{*task};
    // PIM leaves one partial sum per stack for the xPU to add up.
    Task &reduce = builder.startTask(xpu->name, builder.extend(name, " reduce"),
                                     TaskCategory::MoE, *task, item.layers);
    reduce.kernels.push_back(partialSumReduceKernel(
        system, placed, tokensOf(item.kernels), hidden, activationBits));
    return TaskIds{builder.lastTask()};
  }

  // The paper's lookup tables, one per unit, kept by the cache.
  uint64_t maxTokens = 0;
  for (uint64_t tokens : item.tokensPerExpert)
    maxTokens = std::max(maxTokens, tokens);
  Expected<const ExpertTimeTable *> xpuTable =
      builder.tables.get(builder.indexOf(*xpu), *shape, maxTokens);
  if (!xpuTable)
    return xpuTable.takeError();
  Expected<const ExpertTimeTable *> pimTable =
      builder.tables.get(builder.indexOf(*pim), *shape, maxTokens);
  if (!pimTable)
    return pimTable.takeError();
  Expected<PartialSumReduce> reduceCost =
      partialSumReduceCost(system, *xpu, *pim, hidden, activationBits);
  if (!reduceCost)
    return reduceCost.takeError();
  ExpertSplit split = splitExperts(item.tokensPerExpert, **xpuTable, **pimTable,
                                   *reduceCost, expertSections(system, *pim));

  TaskIds after(deps.begin(), deps.end());
  if (!moe->router.empty()) {
    Task &router = builder.startTask(xpu->name, builder.extend(name, " router"),
                                     TaskCategory::MoE, deps, item.layers);
    router.kernels.assign(moe->router.begin(), moe->router.end());
    after = {builder.lastTask()};
  }
  TaskIds terminals;
  auto expertTask = [&](const hw::Unit &unit, ArrayRef<uint32_t> experts,
                        ArrayRef<Kernel> extra) -> std::optional<TaskId> {
    if (experts.empty() && extra.empty())
      return std::nullopt;
    Task &task = builder.startTask(
        unit.name, builder.extend(name, " experts " + unit.name),
        TaskCategory::MoE, after, item.layers);
    task.slice.kind = SliceKind::Experts;
    for (uint32_t expert : experts) {
      task.slice.indices.push_back(expert);
      task.kernels.push_back(*moe->routed[expert]);
    }
    task.kernels.append(extra.begin(), extra.end());
    return builder.lastTask();
  };
  // Shared experts see every token: a large Op/B that belongs on the xPU.
  std::optional<TaskId> onXpu = expertTask(*xpu, split.xpuExperts, moe->shared);
  std::optional<TaskId> onPim = expertTask(*pim, split.pimExperts, {});
  if (onXpu)
    terminals.push_back(*onXpu);
  if (onPim) {
    Task &reduce = builder.startTask(xpu->name, builder.extend(name, " reduce"),
                                     TaskCategory::MoE, *onPim, item.layers);
    reduce.kernels.push_back(partialSumReduceKernel(
        system, *pim, split.pimTokens, hidden, activationBits));
    // After the xPU's own experts too, by stream order.
    terminals = {builder.lastTask()};
  }
  if (terminals.empty())
    terminals = after;
  return terminals;
}

} // namespace detail

} // namespace duplex::sim
