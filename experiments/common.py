"""Shared plumbing of the experiments: run `duplexc`, write CSV and PNG files
atomically, parse the common command-line options.

Every experiment is a script `experiments/<name>.py` that builds a list of
points, runs `duplexc simulate --json` for each (in parallel worker threads:
each point is its own process), and writes `<out>/<name>.csv` and
`<out>/<name>.png`. Same build and same arguments give byte-identical CSVs:
the simulator is deterministic for a seed and the CSV never holds wall time.
"""
import argparse
import concurrent.futures
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_OUT = os.path.join(HERE, 'results')


class ExperimentError(RuntimeError):
    """A `duplexc` run failed; the message carries its command and stderr."""


def duplexc_path(build=None):
    """The `duplexc` binary: $DUPLEXC, else <build>/bin/duplexc."""
    path = os.environ.get('DUPLEXC') or os.path.join(
        build or os.path.join(ROOT, 'build'), 'bin', 'duplexc')
    if not os.path.exists(path):
        sys.exit(f'error: no duplexc at {path}: build first '
                 '(bash scripts/setup.sh) or set DUPLEXC')
    return path


def parse_args(description, extra=None):
    """The options every experiment takes; `extra(parser)` adds its own."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--out', default=DEFAULT_OUT,
                        help='folder for the CSV and PNG (default: '
                        'experiments/results)')
    parser.add_argument('--build', default=None,
                        help='build folder holding bin/duplexc (default: '
                        'build)')
    parser.add_argument('--jobs', type=int, default=os.cpu_count() or 1,
                        help='duplexc processes at once (default: all cores)')
    parser.add_argument('--quick', action='store_true',
                        help='a few points only (the test suite\'s subset)')
    parser.add_argument('--no-plot', action='store_true',
                        help='write the CSV only')
    if extra:
        extra(parser)
    args = parser.parse_args()
    args.duplexc = duplexc_path(args.build)
    return args


def simulate_command(duplexc, model, device, **options):
    """`duplexc simulate` arguments for keyword options named like its flags
    (`lin=1024` -> `--lin 1024`, `closed_loop=True` -> `--closed-loop`)."""
    command = [duplexc, 'simulate', model, '--device', device]
    for key, value in options.items():
        if value is None or value is False:
            continue
        flag = '--' + key.replace('_', '-')
        command += [flag] if value is True else [flag, str(value)]
    # The papers' workloads run models past the positions they were trained
    # for (OPT-66B at Lin + Lout up to 2,153 of its 2,048; GPT-3 in L3's
    # traces at 5,083): the cost model extends to them, and the reports
    # count such requests (past_max_position_embeddings).
    return command + ['--allow-long-context', '--json', '--quiet']


def run_json(command):
    """Runs a `duplexc ... --json` command and returns its parsed output."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise ExperimentError(f'{" ".join(command)}\n{result.stderr.strip()}')
    return json.loads(result.stdout)


def simulate(duplexc, model, device, **options):
    """One `duplexc simulate --json` report as a dict."""
    return run_json(simulate_command(duplexc, model, device, **options))


def run_points(function, points, jobs):
    """`[function(p) for p in points]`, `jobs` at a time, in input order, with
    a progress line on stderr."""
    results = [None] * len(points)
    with concurrent.futures.ThreadPoolExecutor(max(1, jobs)) as pool:
        futures = {pool.submit(function, p): i for i, p in enumerate(points)}
        for done, future in enumerate(
                concurrent.futures.as_completed(futures), 1):
            results[futures[future]] = future.result()
            print(f'\r  {done}/{len(points)} points', end='', file=sys.stderr,
                  flush=True)
    print(file=sys.stderr)
    return results


def format_value(value):
    """CSV text of a value: floats with 6 significant digits (stable across
    platforms and far below the model's own error)."""
    if isinstance(value, float):
        return f'{value:.6g}'
    return str(value)


def _replace_atomically(path, write):
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix='.tmp-')
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def write_csv(path, rows, columns):
    """Writes `rows` (dicts) with `columns` in order, atomically."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator='\n')
    writer.writerow(columns)
    for row in rows:
        writer.writerow(format_value(row[c]) for c in columns)

    def write(temporary):
        with open(temporary, 'w', encoding='utf-8') as stream:
            stream.write(text.getvalue())

    _replace_atomically(path, write)
    print(f'wrote {os.path.relpath(path)}', file=sys.stderr)


def pyplot():
    """matplotlib's pyplot on the Agg backend (no display needed)."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    plt.rcParams.update({'font.size': 8, 'svg.hashsalt': 'duplex'})
    return plt


def save_figure(figure, path):
    """Saves a PNG atomically, without the varying metadata."""
    def write(temporary):
        figure.savefig(temporary, format='png', dpi=130,
                       bbox_inches='tight', metadata={'Software': None})

    _replace_atomically(path, write)
    pyplot().close(figure)
    print(f'wrote {os.path.relpath(path)}', file=sys.stderr)


def geometric_mean(values):
    values = list(values)
    product = 1.0
    for value in values:
        product *= value
    return product ** (1.0 / len(values)) if values else float('nan')


def normalise(rows, keys, value='throughput_tokens_per_s', baseline='GPU',
              column='speedup_vs_gpu'):
    """Adds `column` = row[value] / the `baseline` system's at the same
    `keys` (e.g. model, batch, lin)."""
    base = {tuple(r[k] for k in keys): r[value] for r in rows
            if r['system'] == baseline}
    for r in rows:
        r[column] = r[value] / base[tuple(r[k] for k in keys)]
    return rows


def grouped_bars(axis, groups, series, value_of, labels=None):
    """One bar per (group, series) side by side; value_of(group, series)."""
    width = 0.8 / len(series)
    for s, name in enumerate(series):
        axis.bar([i + (s - len(series) / 2 + 0.5) * width
                  for i in range(len(groups))],
                 [value_of(g, name) for g in groups], width, label=name)
    axis.set_xticks(range(len(groups)))
    axis.set_xticklabels(labels or [str(g) for g in groups], fontsize=6)


def load_device(name):
    """A bundled device description (devices/<name>.json) as a dict."""
    with open(os.path.join(ROOT, 'devices', name + '.json'),
              encoding='utf-8') as stream:
        return json.load(stream)


# Calibration keys the GPU/xPU files may leave out (0 when absent).
OPTIONAL_CALIBRATION = ('overhead_overlap', 'compute_memory_unhidden_fraction')


def write_device_variant(folder, name, values, tag):
    """Writes devices/<name>.json with calibration values replaced (`values`:
    key -> number, applied to every unit whose calibration has the key) to
    <folder>/<name>-<tag>.json and returns its path. For ablations and the
    calibration fit only: the experiments themselves use the device files."""
    device = load_device(name)
    for unit in device['device']['units']:
        calibration = unit.get('calibration', {})
        for key, value in values.items():
            if key in calibration:
                calibration[key]['value'] = value
            elif key in OPTIONAL_CALIBRATION and unit['kind'] in ('gpu', 'xpu'):
                # Optional in the files (0 when absent).
                calibration[key] = {'value': value,
                                    'source': f'assumed: variant {tag}'}
    path = os.path.join(folder, f'{name}-{tag}.json')
    with open(path, 'w', encoding='utf-8') as stream:
        json.dump(device, stream)
    return path


def replace_text(path, text):
    """Writes `text` to `path` atomically."""
    def write(temporary):
        with open(temporary, 'w', encoding='utf-8') as stream:
            stream.write(text)

    _replace_atomically(path, write)


def run_experiment(args, name, points, measure, columns, plot=None,
                   post=None):
    """Measures `points` (measure(duplexc, point) -> row, or a list of rows),
    applies `post(rows)`, writes <out>/<name>.csv and, unless --no-plot,
    plot(rows, <out>/<name>.png). Returns the rows."""
    results = run_points(lambda p: measure(args.duplexc, p), list(points),
                         args.jobs)
    rows = [row for result in results
            for row in (result if isinstance(result, list) else [result])]
    if post:
        rows = post(rows)
    write_csv(os.path.join(args.out, name + '.csv'), rows, columns)
    if plot and not args.no_plot:
        plot(rows, os.path.join(args.out, name + '.png'))
    return rows


class Claims:
    """A claims script's verdicts: `check` a claim, `known_difference` a
    claim the model is known to miss (XFAIL; XPASS fails, so the docs get
    revisited), then `exit_status` prints the summary."""

    def __init__(self):
        self.failures = []

    def check(self, condition, message):
        print(('ok    ' if condition else 'FAIL  ') + message)
        if not condition:
            self.failures.append(message)

    def known_difference(self, condition, message):
        print(('XPASS ' if condition else 'XFAIL ') + message)
        if condition:
            self.failures.append('unexpectedly holds: ' + message)

    def exit_status(self):
        if self.failures:
            print(f'{len(self.failures)} claim(s) failed')
            return 1
        print('all claims hold; the known differences fail as expected')
        return 0


def claims_duplexc(description):
    """The duplexc binary a claims script runs (--duplexc, else $DUPLEXC or
    build/bin/duplexc)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--duplexc', default=None,
                        help='duplexc binary (default: $DUPLEXC or '
                        'build/bin/duplexc)')
    return parser.parse_args().duplexc or duplexc_path()
