//===- Types.h - kinds of units, memories, paths and links ------*- C++ -*-===//
//
// The closed vocabularies of a device description: every `kind` string in a
// devices/*.json file maps to one enumerator here, and an unknown string is a
// load error. See docs/device-format.md.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_HARDWARE_TYPES_H
#define DUPLEX_HARDWARE_TYPES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace duplex::hw {

/// A processing unit. GPU and xPU read memory through the external (PHY)
/// path; the PIM kinds sit at successively deeper points of the DRAM.
enum class UnitKind {
  Gpu,          ///< A discrete GPU (A100, H100).
  Xpu,          ///< The compute die of a Duplex device (H100-class).
  LogicPim,     ///< Units on the HBM logic (base) die, fed by bank bundles.
  BankGroupPim, ///< Units next to each bank group on the DRAM dies.
  BankPim,      ///< One unit per bank on the DRAM dies (HBM-PIM style).
  DimmPim,      ///< One unit per bank in each DDR chip of a DIMM (L3).
  RankPim,      ///< One unit per rank on the DIMM buffer chip.
};

/// The DRAM standard of a memory. HBM kinds use an HBM organisation (stacks,
/// pseudo-channels); DDR kinds a DIMM organisation (channels, ranks, chips).
enum class MemoryKind { Hbm2e, Hbm3, Hbm3e, Ddr4, Ddr5 };

/// Where along the DRAM data path a unit takes its data. It selects both the
/// bandwidth model and the per-bit energy.
enum class AccessPath {
  External,  ///< Through the PHY/interposer (HBM) or memory channel (DIMM).
  LogicDie,  ///< Through TSVs to the HBM base die, skipping the interposer.
  BankGroup, ///< At the bank-group mux on the DRAM die.
  Bank,      ///< At the bank's column decoder (HBM bank or DDR chip bank).
  Rank,      ///< At the DIMM buffer chip, one rank at a time.
};

/// Whether a unit or memory belongs to each accelerator device or to the
/// host of a node (DIMMs, DIMM-PIM).
enum class Placement { Device, Host };

enum class LinkKind { NVLink, PCIe, InfiniBand };

/// Which pair of endpoints a link connects: devices inside a node, a device
/// and its host, or nodes.
enum class LinkScope { IntraNode, Host, InterNode };

/// Arithmetic types a unit lists a peak for. Weight bit widths (int4 = 4)
/// are separate: a kernel can stream int4 weights and compute in fp16. FP4
/// is the 4-bit E2M1 element of MXFP4 and NVFP4 (Blackwell tensor cores).
enum class DType { FP32, TF32, FP16, BF16, FP8, INT8, INT4, FP4 };

llvm::StringRef toString(UnitKind kind);
llvm::StringRef toString(MemoryKind kind);
llvm::StringRef toString(AccessPath path);
llvm::StringRef toString(Placement placement);
llvm::StringRef toString(LinkKind kind);
llvm::StringRef toString(LinkScope scope);
llvm::StringRef toString(DType type);

std::optional<UnitKind> parseUnitKind(llvm::StringRef text);
std::optional<MemoryKind> parseMemoryKind(llvm::StringRef text);
std::optional<AccessPath> parseAccessPath(llvm::StringRef text);
std::optional<LinkKind> parseLinkKind(llvm::StringRef text);
std::optional<LinkScope> parseLinkScope(llvm::StringRef text);
std::optional<DType> parseDType(llvm::StringRef text);

/// The spellings accepted by the parse functions, for error messages.
llvm::StringRef unitKindSpellings();
llvm::StringRef memoryKindSpellings();
llvm::StringRef accessPathSpellings();
llvm::StringRef linkKindSpellings();
llvm::StringRef linkScopeSpellings();
llvm::StringRef dtypeSpellings();

bool isPim(UnitKind kind);
bool isHbm(MemoryKind kind);

/// The only path a unit of `kind` reads its memory through.
AccessPath accessPathOf(UnitKind kind);

/// Width of one element of `type` in bits.
unsigned bitsOf(DType type);

/// Every DType, in declaration order.
llvm::ArrayRef<DType> allDTypes();

/// The types arithmetic in `type` may run at on a unit that lists no peak
/// for it, nearest first: each holds every value of `type` (fp8 and int8 in
/// fp16, fp16 in fp32). A unit computes at the first of these it lists.
llvm::ArrayRef<DType> widerTypesOf(DType type);

} // namespace duplex::hw

#endif // DUPLEX_HARDWARE_TYPES_H
