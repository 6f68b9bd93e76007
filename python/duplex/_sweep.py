"""Design-space sweeps from Python: ``duplex.sweep(spec)``.

The spec is what ``duplexc sweep SPEC`` reads (docs/sweeps.md): a dict, or
the path of a YAML or JSON file. Without a cluster the points run on this
machine's cores (the C++ engine's thread pool); with a Dask
``distributed.Client`` (or ``scheduler="tcp://host:8786"``) they are cut
into batches, each a task that a worker runs through the same C++ code
(GIL released), retried by Dask if the worker is lost. Every row is
formatted by the C++ engine, so the CSV is byte for byte the one
``duplexc sweep`` writes, whoever ran it.
"""

import io
import json as _json
import os

from . import _duplex


def _spec_text(spec):
    """(text, name) of a spec dict or file."""
    if isinstance(spec, dict):
        return _json.dumps(spec), "<spec>"
    if isinstance(spec, (str, os.PathLike)):
        path = os.fspath(spec)
        with open(path, encoding="utf-8") as stream:
            return stream.read(), path
    raise TypeError("spec must be a dict or the path of a YAML/JSON spec, "
                    f"not {type(spec).__name__}")


def _sweep_batch(text, name, indices):
    """A Dask task: the CSV lines of some points (runs on a worker)."""
    from duplex import _duplex as engine
    return list(zip(indices, engine.sweep_rows(text, name, list(indices), 1)))


def _frame(csv):
    import pandas
    return pandas.read_csv(io.StringIO(csv), float_precision="round_trip")


def sweep(spec, *, client=None, scheduler=None, output=None, threads=0,
          resume=False, batch_size=None):
    """Runs every point of ``spec`` and returns one row per point as a
    pandas DataFrame (the CSV's columns: point, point_hash, the axes, every
    report metric, fingerprints, version, error).

    ``output`` also writes the CSV (with ``resume=True``, the rows already
    in it for points of this spec are kept and only the others run; local
    runs only). ``threads`` bounds the local engine (0: every core).
    ``client`` (a ``dask.distributed.Client``) or ``scheduler`` (its
    address) runs the points on a Dask cluster in batches of
    ``batch_size`` points (default: about four tasks per worker thread).
    Points that fail carry their message in ``error``.
    """
    text, name = _spec_text(spec)
    info = _json.loads(_duplex.sweep_info(text, name))
    count = info["points"]
    if client is None and scheduler is None:
        if output is not None:
            path = os.fspath(output)
            _duplex.sweep_file(text, name, path, threads, resume)
            with open(path, encoding="utf-8") as stream:
                return _frame(stream.read())
        lines = _duplex.sweep_rows(text, name, list(range(count)), threads)
        return _frame(info["header"] + "".join(lines))
    if resume:
        raise ValueError("resume=True continues a local sweep's file; run "
                         "the whole spec on the cluster instead")
    if client is None:
        from distributed import Client
        client = Client(scheduler)
    if batch_size is None:
        workers = max(1, sum(client.nthreads().values()))
        batch_size = max(1, -(-count // (4 * workers)))
    batches = [list(range(i, min(count, i + batch_size)))
               for i in range(0, count, batch_size)]
    futures = client.map(_sweep_batch, [text] * len(batches),
                         [name] * len(batches), batches, retries=3,
                         pure=False)
    lines = [None] * count
    for batch in client.gather(futures):
        for index, line in batch:
            lines[index] = line
    csv = info["header"] + "".join(lines)
    if output is not None:
        _duplex.write_file(os.fspath(output), csv.encode())
    return _frame(csv)
