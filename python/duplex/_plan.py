"""Capacity planning from Python: ``duplex.plan(candidates, ...)``.

What ``duplexc plan`` does (docs/planning.md): for every candidate system
(a point of a sweep spec) the highest arrival rate whose SLO attainment
reaches the target, and the cheapest candidates serving the load to plan
for. Each candidate's search runs in the C++ engine; locally they share
this machine's cores, on a Dask cluster each is a task (retried if its
worker is lost). The table is ranked and formatted by the same C++ code
either way, so it equals ``duplexc plan --csv``.
"""

import json as _json
import os

from . import _duplex
from ._api import _check_type, _slo_argument, _trace_columns
from ._sweep import _frame, _spec_text


def _plan_task(text, name, settings, index):
    """A Dask task: one candidate's row (runs on a worker)."""
    from duplex import _duplex as engine
    return engine.plan_rows(text, name, settings, [index])[0]


def plan(candidates, *, model=None, qps=None, trace=None, slo=None,
         attainment=90, tolerance=0.02, arrivals=None, trace_columns=None,
         requests=None, lin=None, lout=None, len_std=None, seed=None,
         client=None, scheduler=None, threads=0, output=None, format="csv"):
    """Plans capacity over ``candidates`` (a sweep spec dict or file whose
    points are systems: ``{"base": {"device": "h100"}, "axes":
    {"devices": [1, 2, 4]}}``) for the load ``qps`` (requests/s; synthetic
    ``arrivals``, "poisson" or "uniform") or a ``trace`` (its pattern,
    rescaled in time; ``qps`` then sets the load, default the trace's own
    rate). ``slo`` (``"ttft=500ms,tpot=50ms"`` or a dict of seconds) must be
    met by ``attainment`` percent of the requests; the search stops within
    ``tolerance`` of the highest passing rate. ``model``, ``requests``,
    ``lin``, ``lout``, ``len_std`` and ``seed`` are simulate's, given to
    every candidate.

    Returns a pandas DataFrame, one row per candidate: the axes,
    ``devices_total``, ``max_qps`` (the highest rate found meeting the
    SLO), ``min_failing_qps``, ``meets_target``, ``probes``,
    ``attainment_pct`` and latency/energy columns at the target rate,
    fingerprints, ``cheapest`` ("devices", "energy" or "devices+energy")
    and ``error``. ``output`` also writes the table (``format`` "csv",
    "json" or "text"). ``client``/``scheduler`` run the candidates on a
    Dask cluster; ``threads`` bounds the local engine (0: every core).
    """
    text, name = _spec_text(candidates)
    for key, value in (("attainment", attainment), ("tolerance", tolerance)):
        _check_type(key, value, (int, float), "a number")
    if format not in ("csv", "json", "text"):
        raise ValueError(f"format must be csv, json or text, not {format!r}")
    workload = {"model": model, "qps": qps,
                "trace": os.fspath(trace) if trace is not None else None,
                "arrivals": arrivals, "requests": requests, "lin": lin,
                "lout": lout, "len_std": len_std, "seed": seed,
                "trace_columns": _trace_columns(trace_columns) or None,
                "slo": _slo_argument(slo)}
    if isinstance(model, os.PathLike):
        workload["model"] = os.fspath(model)
    settings = _json.dumps({
        "workload": {k: v for k, v in workload.items() if v is not None},
        "attainment": attainment, "tolerance": tolerance})
    info = _json.loads(_duplex.plan_info(text, name, settings))
    count = info["candidates"]
    if client is None and scheduler is None:
        rows = _duplex.plan_run(text, name, settings, threads)
    else:
        if client is None:
            from distributed import Client
            client = Client(scheduler)
        futures = client.map(_plan_task, [text] * count, [name] * count,
                             [settings] * count, list(range(count)),
                             retries=3, pure=False)
        rows = client.gather(futures)
    csv = _duplex.plan_table(text, name, settings, rows, "csv")
    if output is not None:
        content = csv if format == "csv" else _duplex.plan_table(
            text, name, settings, rows, format)
        _duplex.write_file(os.fspath(output), content.encode())
    return _frame(csv)
