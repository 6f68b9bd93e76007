//===- PlausibleRanges.cpp - bounds on device-description values ----------===//

#include "duplex/Hardware/PlausibleRanges.h"

using namespace llvm;

namespace duplex::hw {

// The lower bounds of the quantities that must be positive stay at the sign
// rule's "> 0" where a tiny value is harmless; the upper bounds are what
// keeps products (capacity x devices x nodes, bandwidth x time) finite and
// token counts within 64 bits.
static const PlausibleRange kRanges[] = {
    // Memories.
    {"capacity_gib", 1.0 / 1024, 1024 * 1024,
     "1 MiB to 1 PiB per memory; an H200 has 141 GiB, an 8-socket host 32 TiB"},
    {"bandwidth_gb_per_s", 0.001, 1e6,
     "1 MB/s to 1 PB/s; an H200 has 4,800 GB/s"},
    {"data_rate_mt_per_s", 1, 1e5,
     "1 to 100,000 MT/s per pin; HBM3E runs 9,600"},
    {"logic_die_bandwidth_multiplier", 0.01, 1000,
     "Duplex's Logic-PIM has 4x the external bandwidth"},
    {"tCCD_S_ns", 0.01, 1e4, "10 ps to 10 us; DRAM timings are 1-50 ns"},
    {"tCCD_L_ns", 0.01, 1e4, "10 ps to 10 us; DRAM timings are 1-50 ns"},
    {"tRCD_ns", 0.01, 1e4, "10 ps to 10 us; DRAM timings are 1-50 ns"},
    {"tRP_ns", 0.01, 1e4, "10 ps to 10 us; DRAM timings are 1-50 ns"},
    {"tRAS_ns", 0.01, 1e4, "10 ps to 10 us; DRAM timings are 1-50 ns"},
    {"activate_nj_per_row", 0, 1e4, "up to 10 uJ; a DRAM row costs ~1-10 nJ"},
    {"read_pj_per_bit", 0, 1e4, "up to 10 nJ/bit; DRAM reads cost 1-30 pJ/bit"},
    {"write_pj_per_bit", 0, 1e4,
     "up to 10 nJ/bit; DRAM writes cost 1-30 pJ/bit"},
    // Organisation counts.
    {"stacks", 1, 1024, "HBM stacks per device; today's devices have 4-8"},
    {"channels_per_stack", 1, 1024, "HBM3 has 16"},
    {"pseudo_channels_per_channel", 1, 64, "HBM3 has 2"},
    {"ranks_per_pseudo_channel", 1, 64, "HBM has 1-4 (stack heights)"},
    {"bank_groups_per_rank", 1, 1024, "HBM3 has 4"},
    {"bank_groups_per_chip", 1, 1024, "DDR5 has 8"},
    {"banks_per_bank_group", 1, 1024, "HBM3 and DDR5 have 4"},
    {"sections_per_weight_stream", 1, 64,
     "Duplex keeps an expert in 1 bank-bundle section"},
    {"sections_per_kv_stream", 1, 64,
     "Duplex spreads the KV cache over 3 sections"},
    {"pseudo_channel_width_bits", 1, 65536, "HBM3 has 32"},
    {"chip_width_bits", 1, 65536, "DDR5 chips are x4, x8 or x16"},
    {"chips_per_rank", 1, 1024, "a DDR5 rank has 8-20 chips"},
    {"ranks_per_dimm", 1, 64, "DDR5 DIMMs have 1-4"},
    {"dimms_per_channel", 1, 64, "servers have 1-2"},
    {"channels", 1, 65536, "memory channels per host; servers have 8-24"},
    {"burst_length", 1, 1024, "HBM3 has 8, DDR5 16"},
    {"row_size_bytes", 1, 1 << 24, "DRAM rows are 1-8 KiB"},
    // Units.
    {"clock_mhz", 1, 1e5, "1 MHz to 100 GHz"},
    {"count", 1, 1e8, "PIM units per device or host; Duplex has 2,048"},
    {"peak_tflops", 1e-6, 1e6,
     "1 MFLOP/s to 1 EFLOP/s per device; a B200 has 9,000 (fp4)"},
    {"flops_per_cycle_per_unit", 1e-3, 1e6, "PIM units do 1-1,024 per cycle"},
    {"pj_per_mac", 0, 1e6, "up to 1 uJ; a MAC costs 0.1-10 pJ"},
    {"static_power_w_per_unit", 0, 1e5, "up to 100 kW; a GPU idles at ~100 W"},
    {"kernel_launch_overhead_us", 0, 1e6, "up to 1 s; launches take ~5 us"},
    {"per_layer_overhead_us", 0, 1e6, "up to 1 s"},
    {"per_step_overhead_us", 0, 1e6, "up to 1 s"},
    {"overhead_overlap", 0, 1, "a fraction of the overhead"},
    {"reserved_memory_gib", 0, 1 << 20,
     "up to 1 PiB per device; a serving runtime keeps 1-10 GiB of a GPU for "
     "activations, workspace and its CUDA context"},
    {"chunked_stage_token_budget", 1, 1 << 24,
     "up to 16M tokens a stage; runtimes default to 512-16,384"},
    {"compute_memory_unhidden_fraction", 0, 1,
     "a fraction of the shorter of compute and memory time"},
    {"compute_efficiency", 0.01, 1,
     "1% to 100% of peak; sustained GEMMs reach 30-80%"},
    {"memory_bandwidth_efficiency", 0.01, 1,
     "1% to 100% of the datasheet; sustained streams reach 70-95%"},
    // Links and topology.
    {"per_direction_bandwidth_gb_per_s", 0.001, 1e6,
     "1 MB/s to 1 PB/s; NVLink 5 has 900 GB/s per direction"},
    {"latency_us", 0, 1e6, "up to 1 s; links take 1-10 us"},
    {"energy_pj_per_bit", 0, 1e5, "up to 100 nJ/bit; links cost 1-20 pJ/bit"},
    {"devices_per_node", 1, 4096, "a DGX has 8, an NVL72 rack 72"},
    {"max_devices_per_node", 1, 4096, "a DGX has 8, an NVL72 rack 72"},
    {"nodes", 1, 65536,
     "the largest clusters have ~100,000 GPUs in ~12,500 nodes; an MoE "
     "stage's all-to-all is priced per node"},
};

ArrayRef<PlausibleRange> getPlausibleRanges() { return kRanges; }

const PlausibleRange *findPlausibleRange(StringRef field) {
  for (const PlausibleRange &range : kRanges)
    if (range.field == field)
      return &range;
  return nullptr;
}

} // namespace duplex::hw
