//===- Types.cpp - kinds of units, memories, paths and links --------------===//

#include "duplex/Hardware/Types.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ErrorHandling.h"

using namespace llvm;

namespace duplex::hw {

StringRef toString(UnitKind kind) {
  switch (kind) {
  case UnitKind::Gpu:
    return "gpu";
  case UnitKind::Xpu:
    return "xpu";
  case UnitKind::LogicPim:
    return "logic_pim";
  case UnitKind::BankGroupPim:
    return "bankgroup_pim";
  case UnitKind::BankPim:
    return "bank_pim";
  case UnitKind::DimmPim:
    return "dimm_pim";
  case UnitKind::RankPim:
    return "rank_pim";
  }
  llvm_unreachable("unknown UnitKind");
}

StringRef toString(MemoryKind kind) {
  switch (kind) {
  case MemoryKind::Hbm2e:
    return "hbm2e";
  case MemoryKind::Hbm3:
    return "hbm3";
  case MemoryKind::Hbm3e:
    return "hbm3e";
  case MemoryKind::Ddr4:
    return "ddr4";
  case MemoryKind::Ddr5:
    return "ddr5";
  }
  llvm_unreachable("unknown MemoryKind");
}

StringRef toString(AccessPath path) {
  switch (path) {
  case AccessPath::External:
    return "external";
  case AccessPath::LogicDie:
    return "logic_die";
  case AccessPath::BankGroup:
    return "bank_group";
  case AccessPath::Bank:
    return "bank";
  case AccessPath::Rank:
    return "rank";
  }
  llvm_unreachable("unknown AccessPath");
}

StringRef toString(Placement placement) {
  return placement == Placement::Device ? "device" : "host";
}

StringRef toString(LinkKind kind) {
  switch (kind) {
  case LinkKind::NVLink:
    return "nvlink";
  case LinkKind::PCIe:
    return "pcie";
  case LinkKind::InfiniBand:
    return "infiniband";
  }
  llvm_unreachable("unknown LinkKind");
}

StringRef toString(LinkScope scope) {
  switch (scope) {
  case LinkScope::IntraNode:
    return "intra_node";
  case LinkScope::Host:
    return "host";
  case LinkScope::InterNode:
    return "inter_node";
  }
  llvm_unreachable("unknown LinkScope");
}

StringRef toString(DType type) {
  switch (type) {
  case DType::FP32:
    return "fp32";
  case DType::TF32:
    return "tf32";
  case DType::FP16:
    return "fp16";
  case DType::BF16:
    return "bf16";
  case DType::FP8:
    return "fp8";
  case DType::INT8:
    return "int8";
  case DType::INT4:
    return "int4";
  case DType::FP4:
    return "fp4";
  }
  llvm_unreachable("unknown DType");
}

std::optional<UnitKind> parseUnitKind(StringRef text) {
  return StringSwitch<std::optional<UnitKind>>(text)
      .Case("gpu", UnitKind::Gpu)
      .Case("xpu", UnitKind::Xpu)
      .Case("logic_pim", UnitKind::LogicPim)
      .Case("bankgroup_pim", UnitKind::BankGroupPim)
      .Case("bank_pim", UnitKind::BankPim)
      .Case("dimm_pim", UnitKind::DimmPim)
      .Case("rank_pim", UnitKind::RankPim)
      .Default(std::nullopt);
}

std::optional<MemoryKind> parseMemoryKind(StringRef text) {
  return StringSwitch<std::optional<MemoryKind>>(text)
      .Case("hbm2e", MemoryKind::Hbm2e)
      .Case("hbm3", MemoryKind::Hbm3)
      .Case("hbm3e", MemoryKind::Hbm3e)
      .Case("ddr4", MemoryKind::Ddr4)
      .Case("ddr5", MemoryKind::Ddr5)
      .Default(std::nullopt);
}

std::optional<AccessPath> parseAccessPath(StringRef text) {
  return StringSwitch<std::optional<AccessPath>>(text)
      .Case("external", AccessPath::External)
      .Case("logic_die", AccessPath::LogicDie)
      .Case("bank_group", AccessPath::BankGroup)
      .Case("bank", AccessPath::Bank)
      .Case("rank", AccessPath::Rank)
      .Default(std::nullopt);
}

std::optional<LinkKind> parseLinkKind(StringRef text) {
  return StringSwitch<std::optional<LinkKind>>(text)
      .Case("nvlink", LinkKind::NVLink)
      .Case("pcie", LinkKind::PCIe)
      .Case("infiniband", LinkKind::InfiniBand)
      .Default(std::nullopt);
}

std::optional<LinkScope> parseLinkScope(StringRef text) {
  return StringSwitch<std::optional<LinkScope>>(text)
      .Case("intra_node", LinkScope::IntraNode)
      .Case("host", LinkScope::Host)
      .Case("inter_node", LinkScope::InterNode)
      .Default(std::nullopt);
}

// DType's spellings are its toString names, over allDTypes().
std::optional<DType> parseDType(StringRef text) {
  for (DType type : allDTypes())
    if (toString(type) == text)
      return type;
  return std::nullopt;
}

StringRef unitKindSpellings() {
  return "gpu, xpu, logic_pim, bankgroup_pim, bank_pim, dimm_pim, rank_pim";
}
StringRef memoryKindSpellings() { return "hbm2e, hbm3, hbm3e, ddr4, ddr5"; }
StringRef accessPathSpellings() {
  return "external, logic_die, bank_group, bank, rank";
}
StringRef linkKindSpellings() { return "nvlink, pcie, infiniband"; }
StringRef linkScopeSpellings() { return "intra_node, host, inter_node"; }
StringRef dtypeSpellings() {
  static const std::string spellings = [] {
    std::string list;
    for (DType type : allDTypes())
      list += (list.empty() ? "" : ", ") + toString(type).str();
    return list;
  }();
  return spellings;
}

bool isPim(UnitKind kind) {
  return kind != UnitKind::Gpu && kind != UnitKind::Xpu;
}

bool isHbm(MemoryKind kind) {
  return kind == MemoryKind::Hbm2e || kind == MemoryKind::Hbm3 ||
         kind == MemoryKind::Hbm3e;
}

AccessPath accessPathOf(UnitKind kind) {
  switch (kind) {
  case UnitKind::Gpu:
  case UnitKind::Xpu:
    return AccessPath::External;
  case UnitKind::LogicPim:
    return AccessPath::LogicDie;
  case UnitKind::BankGroupPim:
    return AccessPath::BankGroup;
  case UnitKind::BankPim:
  case UnitKind::DimmPim:
    return AccessPath::Bank;
  case UnitKind::RankPim:
    return AccessPath::Rank;
  }
  llvm_unreachable("unknown UnitKind");
}

unsigned bitsOf(DType type) {
  switch (type) {
  case DType::FP32:
  case DType::TF32: // Stored in 32-bit containers.
    return 32;
  case DType::FP16:
  case DType::BF16:
    return 16;
  case DType::FP8:
  case DType::INT8:
    return 8;
  case DType::INT4:
  case DType::FP4:
    return 4;
  }
  llvm_unreachable("unknown DType");
}

ArrayRef<DType> allDTypes() {
  static const DType all[] = {DType::FP32, DType::TF32, DType::FP16,
                              DType::BF16, DType::FP8,  DType::INT8,
                              DType::INT4, DType::FP4};
  return all;
}

ArrayRef<DType> widerTypesOf(DType type) {
  // fp16 before bf16: its 11-bit significand holds fp8's and int8's values
  // exactly, bf16's 8 bits hold int8's and E4M3's. tf32 is not a storage
  // type a kernel converts to.
  static const DType fromFP4[] = {DType::FP8, DType::FP16, DType::BF16,
                                  DType::FP32};
  static const DType fromINT4[] = {DType::INT8, DType::FP16, DType::BF16,
                                   DType::FP32};
  static const DType fromEight[] = {DType::FP16, DType::BF16, DType::FP32};
  static const DType fromSixteen[] = {DType::FP32};
  switch (type) {
  case DType::FP4:
    return fromFP4;
  case DType::INT4:
    return fromINT4;
  case DType::FP8:
  case DType::INT8:
    return fromEight;
  case DType::FP16:
  case DType::BF16:
  case DType::TF32:
    return fromSixteen;
  case DType::FP32:
    return {};
  }
  llvm_unreachable("unknown DType");
}

} // namespace duplex::hw
