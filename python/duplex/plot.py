"""Plots of Duplex results with matplotlib.

Every function takes what the :mod:`duplex` functions return (report dicts
from :func:`duplex.simulate`, the trace or schedule from
:func:`duplex.compile`), draws on ``ax`` (a new figure when ``None``),
saves to ``path`` when given, and returns the matplotlib ``Figure``.
Without a display, matplotlib's Agg backend is selected, so the functions
work on headless machines and in tests.

>>> from duplex import plot
>>> plot.throughput_curve({"duplex": [(b, duplex.simulate(..., batch=b))
...                                   for b in (16, 32, 64)]},
...                       path="throughput.png")
"""

import io
import os

try:
    import matplotlib
except ImportError as error:  # pragma: no cover (a plain venv)
    raise ImportError(
        "duplex.plot draws with matplotlib, which is not installed: "
        "apt install python3-matplotlib (and a venv made with "
        "--system-site-packages), or pip install 'duplex[plot]'") from error

if not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
    matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 (after the backend choice)

from . import _duplex  # noqa: E402

CATEGORIES = ("fc", "attention_prefill", "attention_decode", "moe",
              "communication", "other")
"""The breakdown categories of a report, in the order they are stacked."""


def _axes(ax, figsize=(6.4, 4.0)):
    if ax is not None:
        return ax.figure, ax
    return plt.subplots(figsize=figsize)


def _finish(figure, path):
    figure.tight_layout()
    if path is not None:
        # Rendered in memory, then written by the tools' output writer: it
        # replaces only a regular file, atomically, and never a device,
        # FIFO, directory or symbolic link.
        path = os.fspath(path)
        image = io.BytesIO()
        figure.savefig(image, dpi=120,
                       format=os.path.splitext(path)[1][1:] or "png")
        _duplex.write_file(path, image.getvalue())
    return figure


def throughput_curve(series, *, metric="throughput_tokens_per_s",
                     xlabel="max batch", ax=None, path=None):
    """Throughput (or another scalar report field) against a swept value.

    ``series`` maps a label (a device, a coprocess mode) to a list of
    ``(x, report)`` pairs, e.g. ``{"duplex": [(16, r16), (32, r32)]}``.
    """
    figure, ax = _axes(ax)
    for label, points in series.items():
        points = sorted(points, key=lambda point: point[0])
        ax.plot([x for x, _ in points], [report[metric] for _, report in points],
                marker="o", label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("tokens/s" if metric == "throughput_tokens_per_s" else metric)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return _finish(figure, path)


def latency_cdf(reports, *, metric="e2e_s", ax=None, path=None):
    """The empirical CDF of a per-request latency (``ttft_s``, ``tpot_s``
    or ``e2e_s``) of each report: every request's value from
    ``report.requests`` (what :func:`duplex.simulate` returns), sorted;
    requests without the metric (no TPOT below two tokens) are left out.

    ``reports`` maps a label to a report.
    """
    figure, ax = _axes(ax)
    for label, report in reports.items():
        table = getattr(report, "requests", None)
        if table is None or not hasattr(table, "columns"):
            raise TypeError(f"report {label!r} has no per-request table: "
                            "pass what duplex.simulate returns")
        if metric not in table.columns:
            raise ValueError(f"metric {metric!r} is not a per-request column "
                             f"({', '.join(table.columns)})")
        values = sorted(table[metric].dropna())
        count = len(values)
        ax.step(values, [(i + 1) / count for i in range(count)],
                where="post", label=f"{label} ({count} requests)")
    ax.set_xlabel(metric[:-2].upper() + " (s)")
    ax.set_ylabel("fraction of requests")
    ax.set_ylim(0, 1.02)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return _finish(figure, path)


def _breakdown(reports, key, scale, ylabel, ax, path):
    figure, ax = _axes(ax)
    labels = list(reports)
    bottoms = [0.0] * len(labels)
    for category in CATEGORIES:
        heights = [reports[label][key].get(category, 0.0) * scale(reports[label])
                   for label in labels]
        ax.bar(labels, heights, bottom=bottoms, label=category)
        bottoms = [b + h for b, h in zip(bottoms, heights)]
    ax.set_ylabel(ylabel)
    ax.legend(fontsize="small")
    return _finish(figure, path)


def time_breakdown(reports, *, ax=None, path=None):
    """Stacked bars of where the time goes (fractions of busy time per
    category) for each report; ``reports`` maps a label to a report."""
    return _breakdown(reports, "time_breakdown", lambda report: 1.0,
                      "fraction of time", ax, path)


def energy_breakdown(reports, *, ax=None, path=None):
    """Stacked bars of energy per generated token (J) split by category,
    for each report; ``reports`` maps a label to a report."""
    return _breakdown(reports, "energy_breakdown",
                      lambda report: report["energy_j_per_token"],
                      "energy (J/token)", ax, path)


def _trace_tasks(trace):
    """(track, category, start_us, duration_us) of every slice of a Chrome
    trace from ``duplex.compile(..., emit="trace")`` (a repeated layer's
    slice carries its task's category in its args)."""
    names = {}
    for event in trace["traceEvents"]:
        if event.get("ph") == "M" and event.get("name") == "thread_name":
            names[event["tid"]] = event["args"]["name"]
    return [(names.get(event["tid"], str(event["tid"])),
             event.get("args", {}).get("category", event.get("cat", "other")),
             event["ts"], event["dur"])
            for event in trace["traceEvents"] if event.get("ph") == "X"]


def _schedule_tasks(schedule):
    """The same from ``duplex.compile(..., emit="json")`` (layer 1 of each
    repeated segment)."""
    return [(task["stream"], task["category"],
             task["start_seconds"] * 1e6, task["seconds"] * 1e6)
            for task in schedule["tasks"] if task["stream"] is not None]


def stage_timeline(timeline, *, ax=None, path=None):
    """A Gantt chart of one stage: one row per unit or link, one bar per
    task, coloured by category (fc, attention, moe, communication, ...) with
    a legend. ``timeline`` is the trace (``emit="trace"``: every layer) or
    the schedule (``emit="json"``: layer 1 of repeated layers) of
    :func:`duplex.compile`."""
    tasks = (_trace_tasks(timeline) if "traceEvents" in timeline
             else _schedule_tasks(timeline))
    figure, ax = _axes(ax, figsize=(9.0, 3.5))
    tracks = list(dict.fromkeys(track for track, _, _, _ in tasks))
    categories = list(dict.fromkeys(category for _, category, _, _ in tasks))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    color_of = {category: colors[i % len(colors)]
                for i, category in enumerate(categories)}
    for row, track in enumerate(tracks):
        for category in categories:
            spans = [(start, duration) for t, c, start, duration in tasks
                     if t == track and c == category]
            if spans:
                ax.broken_barh(spans, (row - 0.4, 0.8),
                               facecolors=color_of[category],
                               edgecolor="white", linewidth=0.3)
    ax.set_yticks(range(len(tracks)))
    ax.set_yticklabels(tracks)
    ax.invert_yaxis()
    ax.set_xlabel("time (us)")
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color=color_of[c], label=c) for c in categories],
              fontsize="small", loc="upper right")
    return _finish(figure, path)


def sweep(frame, *, x, y, hue=None, kind="line", ax=None, path=None):
    """The usual views of a sweep (``duplex.sweep``'s DataFrame):

    - ``kind="line"``: ``y`` against ``x``, one line per value of ``hue``
      (e.g. throughput against batch per device);
    - ``kind="heatmap"``: ``y`` over the grid of ``x`` (columns) and ``hue``
      (rows), each cell annotated (e.g. a speed-up over two axes).

    Rows whose point failed (``error`` set) are left out. Where several rows
    share a cell (an axis not named), their mean is drawn.
    """
    for column in (x, y) + ((hue,) if hue else ()):
        if column not in frame.columns:
            raise ValueError(f"no column {column!r} in the sweep "
                             f"(columns: {', '.join(frame.columns)})")
    if "error" in frame.columns:
        frame = frame[frame["error"].isna()]
    figure, ax = _axes(ax)
    if kind == "line":
        groups = frame.groupby(hue) if hue else [(None, frame)]
        for label, group in groups:
            means = group.groupby(x)[y].mean().sort_index()
            ax.plot(means.index, means.values, marker="o",
                    label=None if label is None else f"{hue}={label}")
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        ax.grid(True, alpha=0.3)
        if hue:
            ax.legend(fontsize="small")
    elif kind == "heatmap":
        if not hue:
            raise ValueError("kind='heatmap' needs hue (the rows' axis)")
        grid = frame.pivot_table(index=hue, columns=x, values=y,
                                 aggfunc="mean")
        image = ax.imshow(grid.values, aspect="auto", origin="lower")
        ax.set_xticks(range(len(grid.columns)))
        ax.set_xticklabels([str(c) for c in grid.columns])
        ax.set_yticks(range(len(grid.index)))
        ax.set_yticklabels([str(i) for i in grid.index])
        import numpy
        for (row, column), value in numpy.ndenumerate(grid.values):
            ax.text(column, row, f"{value:.3g}", ha="center", va="center",
                    fontsize="small", color="white")
        ax.set_xlabel(x)
        ax.set_ylabel(hue)
        figure.colorbar(image, ax=ax, label=y)
    else:
        raise ValueError(f"kind must be 'line' or 'heatmap', not {kind!r}")
    return _finish(figure, path)


def frontier(frame, *, hue="device", ax=None, path=None):
    """The SLO-feasible frontier of a capacity plan (``duplex.plan``'s
    DataFrame): the highest rate meeting the SLO (``max_qps``) against the
    system's device count, one line per value of ``hue`` (the device kind
    when it is an axis). Where several candidates share a device count
    (other axes: batch, coprocess), the best is drawn: that is the frontier.
    The load planned for is a dashed line; the cheapest candidates are
    ringed.
    """
    for column in ("devices_total", "max_qps", "target_qps"):
        if column not in frame.columns:
            raise ValueError(f"no column {column!r}: pass duplex.plan's "
                             "DataFrame")
    if hue is not None and hue not in frame.columns:
        hue = None
    if "error" in frame.columns:
        frame = frame[frame["error"].isna()]
    figure, ax = _axes(ax)
    groups = frame.groupby(hue) if hue else [(None, frame)]
    for label, group in groups:
        best = group.groupby("devices_total")["max_qps"].max().sort_index()
        ax.plot(best.index, best.values, marker="o",
                label="all" if label is None else f"{hue}={label}")
    if len(frame):
        ax.axhline(frame["target_qps"].iloc[0], linestyle="--", color="grey",
                   label="load planned for")
    if "cheapest" in frame.columns:
        chosen = frame[frame["cheapest"].fillna("") != ""]
        ax.scatter(chosen["devices_total"], chosen["max_qps"], s=160,
                   facecolors="none", edgecolors="black", label="cheapest")
    ax.set_xlabel("devices")
    ax.set_ylabel("highest rate meeting the SLO (requests/s)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    return _finish(figure, path)
