"""The Duplex paper's setups (configs/duplex.json) as `duplexc simulate`
options: which device file, how many devices and nodes, which co-processing
mode, and the closed-loop workload of a point."""
import json
import os

import common

CONFIG_PATH = os.path.join(common.HERE, 'configs', 'duplex.json')

with open(CONFIG_PATH, encoding='utf-8') as _stream:
    CONFIG = json.load(_stream)


def topology(model, system):
    """(devices per node, nodes) of `system` for `model`: the paper's counts,
    doubled for 2xGPU (nodes of at most 8 devices)."""
    setup = CONFIG['models'][model]
    total = setup['devices'] * setup['nodes'] * CONFIG['systems'][system][
        'scale']
    per_node = min(total, CONFIG['max_devices_per_node'])
    return per_node, total // per_node


def system_options(model, system):
    """Device name and the options that place `model` on `system`."""
    spec = CONFIG['systems'][system]
    devices, nodes = topology(model, system)
    return spec['device'], dict(devices=devices, nodes=nodes,
                                coprocess=spec['coprocess'])


def closed_loop(model, system, batch, lin, lout, **extra):
    """Options of a closed-loop point with `batch` requests in flight on the
    whole system (the paper's batch, and `duplexc simulate --batch`: each of
    the data-parallel nodes runs batch/nodes)."""
    device, options = system_options(model, system)
    options.update(closed_loop=True, batch=batch,
                   requests=CONFIG['generations'] * batch, lin=lin, lout=lout,
                   len_std=CONFIG['len_std'], seed=CONFIG['seed'])
    options.update(extra)
    return device, options


def run(duplexc, model, system, options_of):
    """Simulates one point: `options_of(model, system)` gives (device,
    options)."""
    device, options = options_of(model, system)
    return common.simulate(duplexc, model, device, **options)


def grid_points(models, quick, key, values, batches=None):
    """Experiment 1's grid: each model's (Lin, Lout) and each batch (the
    first of each when `quick`), crossed with `key` in `values`."""
    batches = batches or ([64] if quick else CONFIG['batches'])
    for model in models:
        lengths = CONFIG['models'][model]['lengths']
        for lin, lout in lengths[:1] if quick else lengths:
            for batch in batches:
                for value in values:
                    yield {'model': model, 'batch': batch, 'lin': lin,
                           'lout': lout, key: value}


def simulate_point(duplexc, point, system=None, device_path=None, **extra):
    """(report, options) of a closed-loop point (model, batch, lin, lout and
    system unless `system` is given); `device_path(name)` may redirect the
    device file, `extra` adds options (ablations: `calibration=...`)."""
    device, options = closed_loop(point['model'], system or point['system'],
                                  point['batch'], point['lin'], point['lout'],
                                  **extra)
    if device_path:
        device = device_path(device)
    return common.simulate(duplexc, point['model'], device, **options), options


def plot_per_model(rows, models, series, series_key, value_key, ylabel,
                   title, path):
    """One panel per model: bars of `value_key` per (Lin, batch) group and
    `series_key` value, with a line at 1."""
    plt = common.pyplot()
    figure, axes = plt.subplots(1, len(models), figsize=(11, 2.8),
                                sharey=True)
    for axis, model in zip(axes, models):
        mine = {(r['lin'], r['batch'], r[series_key]): r[value_key]
                for r in rows if r['model'] == model}
        groups = sorted({(lin, batch) for lin, batch, _ in mine})
        common.grouped_bars(axis, groups, series,
                            lambda g, name: mine[g + (name,)],
                            [f'{lin}\nB{batch}' for lin, batch in groups])
        axis.axhline(1, color='black', lw=0.5)
        axis.set_title(model)
    axes[0].set_ylabel(ylabel)
    axes[-1].legend(fontsize=6)
    figure.suptitle(title, fontsize=8)
    common.save_figure(figure, path)
