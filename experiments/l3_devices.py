"""Derives the device files of L3/CHIME's extra systems from the bundled ones.

CHIME (arXiv 2504.17584 v2; ../shared/reference/l3-dimm-pim.md) compares
GPU + DIMM-PIM with GPU + HBM-PIM-EXT (320 GB of extra HBM-PIM at
130.4 TB/s, "equal cost") and scales the DIMM-PIM from one rankset (512 GB)
by 8x in capacity, in bandwidth, or both. Those systems differ from
`dgx-a100-dimm-pim` and `dgx-a100-hbm-pim` only in the PIM pool, so this
script writes them from those files: the GPU, the links and the topology
(calibration blocks included) are copied unchanged, and every number that
changes gets a `derived:` source with its arithmetic.

    python3 experiments/l3_devices.py          # (re)write the files
    python3 experiments/l3_devices.py --check  # fail if any is stale

Run it after editing the base files (e.g. a GPU calibration refit) so that
every system keeps the same GPU.
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEVICES = os.path.join(os.path.dirname(HERE), 'devices')

DIMM_BASE = 'dgx-a100-dimm-pim'
HBM_BASE = 'dgx-a100-hbm-pim'
GPU_ONLY = 'dgx-a100'


def load(name):
    with open(os.path.join(DEVICES, name + '.json'), encoding='utf-8') as f:
        return json.load(f)


def number(value, source):
    return {'value': value, 'source': source}


def is_number(node):
    return isinstance(node, dict) and set(node) == {'value', 'source'}


def dumps(node, indent=0):
    """JSON the way devices/*.json are written: a {value, source} pair on
    one line, everything else one key per line, two-space indents."""
    pad = '  ' * (indent + 1)
    if is_number(node):
        return json.dumps(node, ensure_ascii=False)
    if isinstance(node, dict):
        if not node:
            return '{}'
        items = [f'{pad}{json.dumps(k)}: {dumps(v, indent + 1)}'
                 for k, v in node.items()]
        return '{\n' + ',\n'.join(items) + '\n' + '  ' * indent + '}'
    if isinstance(node, list):
        if not node:
            return '[]'
        items = [pad + dumps(v, indent + 1) for v in node]
        return '[\n' + ',\n'.join(items) + '\n' + '  ' * indent + ']'
    return json.dumps(node, ensure_ascii=False)


# -- GPU + HBM-PIM-EXT ---------------------------------------------------------

EXT_GIB = 320  # CHIME v2: 320 GB of extra HBM-PIM at 130.4 TB/s, equal cost.


def hbm_pim_ext():
    """The HBM-PIM baseline with CHIME's extra 320 GB of HBM-PIM. Spread over
    the 8 GPUs that is 40 GiB and half again each GPU's banks: a third stack
    ID per pseudo-channel (12-hi instead of 8-hi stacks), so the KV cache
    gets 120 GiB per GPU minus the weights and the bank PUs 1.5 x 32.6 =
    48.9 TB/s per GPU (+130.4 TB/s per node), while the GPU's own pins, and
    so its 2039 GB/s for the weights, are unchanged."""
    system = load(HBM_BASE)
    gpus = system['topology']['devices_per_node']['value']
    memory = system['device']['memories'][0]
    organization = memory['organization']
    ranks = organization['ranks_per_pseudo_channel']['value']
    extra_gib = EXT_GIB // gpus
    capacity = memory['capacity_gib']['value'] + extra_gib
    system['description'] = (
        "L3's GPU + HBM-PIM-EXT baseline: the HBM-PIM DGX A100 plus 320 GB "
        'of extra bank-level HBM-PIM (40 GiB and 1280 banks per GPU; '
        '48.9 TB/s and 120 GiB per GPU, 391 TB/s per node).')
    memory['capacity_gib'] = number(
        capacity, f'derived: 80 GiB + {EXT_GIB} GiB / {gpus} GPUs = '
        f'{capacity} GiB (L3 (CHIME v2) HBM-PIM-EXT: 320 GB of extra HBM-PIM '
        'at equal cost)')
    organization['ranks_per_pseudo_channel'] = number(
        ranks + 1, f'derived: a third stack ID per pseudo-channel (12-hi '
        f'stacks) holds the extra {extra_gib} GiB per GPU and adds half the '
        'banks: 16 TB/s of the 130.4 TB/s per node that L3 gives '
        'HBM-PIM-EXT')
    unit = system['device']['units'][1]
    assert unit['kind'] == 'bank_pim'
    banks = unit['count']['value'] * (ranks + 1) // ranks
    unit['count'] = number(
        banks, f'derived: one unit per bank, 5 stacks x 16 pseudo-channels x '
        f'{ranks + 1} stack IDs x 16 banks = {banks}; {banks} x 32 B / '
        '2.511 ns = 48.9 TB/s per GPU, 8 x 16.3 = 130.4 TB/s more per node '
        '(L3 HBM-PIM-EXT)')
    return system


# -- DIMM-PIM scaling ------------------------------------------------------------

def dimm_pim_variant(ranksets, capacity_gib, what):
    """The DIMM-PIM with `ranksets` ranks per channel and `capacity_gib` in
    all (L3's baseline is 1 rankset / 512 GB; bandwidth follows ranksets)."""
    system = load(DIMM_BASE)
    memory = system['host']['memories'][0]
    organization = memory['organization']
    dimms, ranks = (1, 1) if ranksets == 1 else (ranksets // 2, 2)
    channels = organization['channels']['value']
    chips = organization['chips_per_rank']['value']
    banks_per_chip = (organization['bank_groups_per_chip']['value'] *
                      organization['banks_per_bank_group']['value'])
    banks = channels * ranksets * chips * banks_per_chip
    tb_per_s = banks * 1.6e9 / 1e12
    base = ('L3 (CHIME v2) scaling study from 1 rankset / 512 GB: ' + what)
    organization['dimms_per_channel'] = number(
        dimms, f'derived: {base}; {ranksets} rankset(s) = {dimms} DIMM(s) x '
        f'{ranks} rank(s) per channel')
    organization['ranks_per_dimm'] = number(
        ranks, f'derived: {base}; {ranks} rank(s) per DIMM')
    memory['capacity_gib'] = number(
        capacity_gib, f'derived: {base}; {capacity_gib} GiB over '
        f'{channels * ranksets} ranks ({capacity_gib // (channels * ranksets)} '
        'GiB per rank)')
    unit = system['host']['units'][0]
    unit['count'] = number(
        banks, f'derived: one bank PU per bank, {channels} channels x '
        f'{ranksets} rank(s) x {chips} chips x {banks_per_chip} banks = '
        f'{banks} -> {tb_per_s:.2f} TB/s at 1.6 GB/s per bank')
    system['description'] = (
        f'L3 scaling study: DIMM-PIM with {ranksets} rankset(s) '
        f'({banks} bank PUs, {tb_per_s:.1f} TB/s) and {capacity_gib} GiB '
        f'({what}).')
    return system


def variants():
    return {
        'dgx-a100-hbm-pim-ext': hbm_pim_ext(),
        'dgx-a100-dimm-pim-1rs': dimm_pim_variant(
            1, 512, 'the 1-rankset 512 GB baseline'),
        'dgx-a100-dimm-pim-1rs-cap8': dimm_pim_variant(
            1, 4096, 'capacity x8 alone (8x denser DIMMs)'),
        'dgx-a100-dimm-pim-1rs-bw8': dimm_pim_variant(
            8, 512, 'bandwidth x8 alone (8 ranksets of 1/8 the density)'),
        'dgx-a100-dimm-pim-1rs-both8': dimm_pim_variant(
            8, 4096, 'capacity and bandwidth x8 (8 ranksets)'),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--check', action='store_true',
                        help='fail if a file differs from what would be '
                        'written')
    args = parser.parse_args()
    # The formatter must reproduce the base files byte for byte.
    for name in (DIMM_BASE, HBM_BASE, GPU_ONLY):
        path = os.path.join(DEVICES, name + '.json')
        if dumps(load(name)) + '\n' != open(path, encoding='utf-8').read():
            sys.exit(f'error: {path} is not in the canonical layout')
    stale = []
    for name, system in variants().items():
        path = os.path.join(DEVICES, name + '.json')
        text = dumps(system) + '\n'
        current = (open(path, encoding='utf-8').read()
                   if os.path.exists(path) else None)
        if current == text:
            continue
        if args.check:
            stale.append(name)
            continue
        with open(path, 'w', encoding='utf-8') as stream:
            stream.write(text)
        print(f'wrote {os.path.relpath(path)}')
    if stale:
        sys.exit('error: stale device files (run python3 '
                 f'experiments/l3_devices.py): {", ".join(stale)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
