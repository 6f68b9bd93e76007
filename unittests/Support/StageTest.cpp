//===- StageTest.cpp - stage specs ----------------------------------------===//

#include "duplex/Support/Stage.h"

#include "gtest/gtest.h"

using namespace duplex;

namespace {

TEST(Stage, MixedSpec) {
  llvm::Expected<Stage> stage = parseStageSpec("prefill=2@4096,decode=62@1024");
  ASSERT_TRUE(bool(stage)) << llvm::toString(stage.takeError());
  EXPECT_EQ(stage->prefillTokens.size(), 2u);
  EXPECT_EQ(stage->decodeContexts.size(), 62u);
  // 2 prompts of 4096 plus one token for each of 62 decode requests.
  EXPECT_EQ(stage->tokens(), 2u * 4096 + 62);
  EXPECT_EQ(stage->requests(), 64u);
  EXPECT_FALSE(stage->isDecodeOnly());
  EXPECT_EQ(stage->str(), "prefill=2@4096,decode=62@1024");
}

TEST(Stage, CanonicalFormGroupsRuns) {
  llvm::Expected<Stage> stage =
      parseStageSpec(" decode=1@5 , prefill=1@7,decode=2@5,prefill=1@9");
  ASSERT_TRUE(bool(stage)) << llvm::toString(stage.takeError());
  EXPECT_EQ(stage->str(), "prefill=1@7,prefill=1@9,decode=3@5");
}

TEST(Stage, Errors) {
  auto message = [](llvm::StringRef spec) {
    llvm::Expected<Stage> stage = parseStageSpec(spec);
    return stage ? std::string("<ok>") : llvm::toString(stage.takeError());
  };
  EXPECT_EQ(message("decode=64"),
            "invalid stage spec 'decode=64': entry 'decode=64' must be "
            "KIND=COUNT@LENGTH, e.g. 'decode=64@1024'");
  EXPECT_EQ(message("verify=1@2"),
            "invalid stage spec 'verify=1@2': entry 'verify=1@2' must start "
            "with 'prefill=' or 'decode='");
  EXPECT_EQ(message("decode=-1@5"),
            "invalid stage spec 'decode=-1@5': entry 'decode=-1@5' has a "
            "request count that is not a positive integer up to 1048576");
  EXPECT_EQ(message("decode=1@x"),
            "invalid stage spec 'decode=1@x': entry 'decode=1@x' has a "
            "length that is not a positive integer up to 16777216");
  EXPECT_NE(message("").find("expected entries like"), std::string::npos);
  // The request cap holds for the stage, not per entry: a 4 KB spec could
  // otherwise ask for gigabytes.
  EXPECT_EQ(message("decode=1048576@1,prefill=1@8"),
            "invalid stage spec 'decode=1048576@1,prefill=1@8': entry "
            "'prefill=1@8' brings the stage past 1048576 requests");
  EXPECT_EQ(message("decode=1048575@1,prefill=1@8"), "<ok>");
}

} // namespace
