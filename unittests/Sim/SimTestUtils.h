//===- SimTestUtils.h - systems and helpers for the Sim tests ---*- C++ -*-===//

#ifndef DUPLEX_UNITTESTS_SIM_SIMTESTUTILS_H
#define DUPLEX_UNITTESTS_SIM_SIMTESTUTILS_H

#include "../Common/TestCalibration.h"
#include "duplex/Hardware/Loader.h"
#include "duplex/Sim/Schedule.h"
#include "duplex/Sim/StageSchedule.h"

#include "gtest/gtest.h"

#include <string>

namespace duplex::sim::testing {

/// Loads a bundled device with the tests' fixed calibration
/// (Common/TestCalibration.h); a load error fails the test.
inline hw::System loadBundled(llvm::StringRef name) {
  return duplex::testing::loadBundledForTest(name);
}

/// The value of an Expected, failing the test (and returning T()) on error.
template <typename T> T valueOf(llvm::Expected<T> value) {
  if (!value) {
    ADD_FAILURE() << llvm::toString(value.takeError());
    return T();
  }
  return std::move(*value);
}

/// The message of an error; "" (and a test failure) on success.
inline std::string errorOf(llvm::Error error) {
  if (!error) {
    ADD_FAILURE() << "expected an error";
    return "";
  }
  return llvm::toString(std::move(error));
}

/// Fails the test with the message if `error` is set.
inline void expectSuccess(llvm::Error error) {
  if (error)
    ADD_FAILURE() << llvm::toString(std::move(error));
}

/// `text` contains `part` (the message shows both otherwise).
#define EXPECT_CONTAINS(text, part)                                            \
  EXPECT_NE(std::string(text).find(part), std::string::npos)                   \
      << "'" << (text) << "' does not contain '" << (part) << "'"

/// A task of fixed duration on `stream` of `schedule`.
inline TaskId addFixed(Schedule &schedule, llvm::StringRef name,
                       llvm::StringRef resource, double seconds,
                       llvm::ArrayRef<TaskId> deps = {}, uint64_t layers = 1) {
  Task task;
  task.name = name.str();
  task.stream = schedule.streamFor(resource);
  task.fixedSeconds = seconds;
  task.deps.assign(deps.begin(), deps.end());
  task.layers = layers;
  return schedule.addTask(std::move(task));
}

/// A task running `kernel` on `resource`.
inline TaskId addKernel(Schedule &schedule, llvm::StringRef name,
                        llvm::StringRef resource, Kernel kernel,
                        llvm::ArrayRef<TaskId> deps = {}) {
  Task task;
  task.name = name.str();
  task.stream = schedule.streamFor(resource);
  task.kernels.push_back(std::move(kernel));
  task.deps.assign(deps.begin(), deps.end());
  return schedule.addTask(std::move(task));
}

/// A stage of Mixtral-8x7B on one Duplex device (no parallelism): hidden
/// 4096, 32 heads and 8 KV heads of 128, 8 gated experts of 14336, 32
/// layers, vocabulary 32000. Units: 0 = xpu, 1 = logic_pim.
struct MixtralStage {
  llvm::SmallVector<uint64_t, 4> prompts;
  llvm::SmallVector<uint64_t, 64> contexts;
  llvm::SmallVector<uint64_t, 8> tokensPerExpert;
  unsigned moeUnit = 0;
  unsigned decodeAttentionUnit = 1;
};

/// The placed work of one MixtralStage, as the partitioner would give it.
inline std::vector<WorkItem> mixtralItems(const MixtralStage &stage) {
  constexpr uint64_t hidden = 4096, intermediate = 14336, vocab = 32000;
  cost::AttentionShape attention{32, 8, 128};
  uint64_t tokens = stage.contexts.size();
  for (uint64_t prompt : stage.prompts)
    tokens += prompt;
  uint64_t requests = stage.prompts.size() + stage.contexts.size();

  std::vector<WorkItem> items;
  auto add = [&](const char *label, unsigned op, TaskCategory category,
                 Kernel kernel, unsigned unit, uint64_t layers = 32) {
    WorkItem item;
    item.label = label;
    item.opIndex = op;
    item.category = category;
    item.kernels.push_back(std::move(kernel));
    item.unit = unit;
    item.layers = layers;
    items.push_back(std::move(item));
    return &items.back();
  };
  add("llm.linear qkv", 0, TaskCategory::FC,
      cost::GemmShape{tokens, hidden, 6144}, 0);
  if (!stage.prompts.empty()) {
    cost::PrefillAttention prefill{attention, {}, true};
    prefill.promptTokens.assign(stage.prompts.begin(), stage.prompts.end());
    add("llm.attention", 1, TaskCategory::AttentionPrefill, prefill, 0)->part =
        WorkPart::Prefill;
  }
  if (!stage.contexts.empty()) {
    cost::DecodeAttention decode{attention, {}};
    for (uint64_t context : stage.contexts)
      decode.addRequests(context);
    add("llm.attention", 1, TaskCategory::AttentionDecode, decode,
        stage.decodeAttentionUnit)
        ->part = WorkPart::Decode;
  }
  add("llm.linear output", 2, TaskCategory::FC,
      cost::GemmShape{tokens, hidden, hidden}, 0);
  WorkItem *moe = add("llm.moe", 3, TaskCategory::MoE,
                      cost::GemmShape{tokens, hidden, 8}, stage.moeUnit);
  for (uint64_t count : stage.tokensPerExpert) {
    moe->tokensPerExpert.push_back(count);
    if (count > 0) {
      cost::ExpertFfn expert;
      expert.tokens = count;
      expert.hidden = hidden;
      expert.intermediate = intermediate;
      moe->kernels.push_back(expert);
    }
  }
  add("llm.lm_head", 4, TaskCategory::FC,
      cost::GemmShape{requests, hidden, vocab}, 0, 1);
  return items;
}

/// 2 prompts of 2048 and 62 decode requests at 1024: 4158 tokens, 8316
/// expert slots over 8 experts.
inline MixtralStage mixedMixtralStage() {
  MixtralStage stage;
  stage.prompts = {2048, 2048};
  stage.contexts.assign(62, 1024);
  stage.tokensPerExpert = {1040, 1030, 1045, 1035, 1050, 1025, 1055, 1036};
  return stage;
}

/// 64 decode requests at 1024: 128 expert slots, 16 per expert; MoE placed
/// on Logic-PIM.
inline MixtralStage decodeMixtralStage() {
  MixtralStage stage;
  stage.contexts.assign(64, 1024);
  stage.tokensPerExpert.assign(8, 16);
  stage.moeUnit = 1;
  return stage;
}

/// Index of the task called `name`; fails the test if missing.
inline TaskId taskNamed(const Schedule &schedule, llvm::StringRef name) {
  for (size_t id = 0; id < schedule.tasks.size(); ++id)
    if (schedule.tasks[id].name == name)
      return id;
  ADD_FAILURE() << "no task '" << name.str() << "'";
  return 0;
}

} // namespace duplex::sim::testing

#endif // DUPLEX_UNITTESTS_SIM_SIMTESTUTILS_H
