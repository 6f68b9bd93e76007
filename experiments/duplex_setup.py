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
    whole system. Nodes are data-parallel replicas, so each runs batch/nodes
    (the paper's batch is the system's)."""
    device, options = system_options(model, system)
    per_replica = max(1, batch // options['nodes'])
    options.update(closed_loop=True, batch=per_replica,
                   requests=CONFIG['generations'] * batch, lin=lin, lout=lout,
                   len_std=CONFIG['len_std'], seed=CONFIG['seed'])
    options.update(extra)
    return device, options


def run(duplexc, model, system, options_of):
    """Simulates one point: `options_of(model, system)` gives (device,
    options)."""
    device, options = options_of(model, system)
    return common.simulate(duplexc, model, device, **options)
