"""The ``duplexc`` subcommands as Python functions.

Each function runs the same C++ code as the command-line driver and, by
default, returns what ``duplexc <command> ... --json`` prints, parsed with
:func:`json.loads` (dicts, lists, floats, ints, strings). Keyword names are the
command-line flags with ``-`` spelled ``_``: ``--closed-loop`` is
``closed_loop``, ``--expert-tensor-parallel`` is ``expert_tensor_parallel``,
``-o`` has no equivalent (you hold the result). Pass ``json=False`` for the
text the command prints without ``--json``.

Errors (an unknown model, a malformed device file, a model that does not fit)
raise :class:`DuplexError` with the message ``duplexc`` prints after
``duplexc <command>: error:``.
"""

import json as _json
import os

from . import _duplex

DuplexError = _duplex.DuplexError
DuplexError.__doc__ = (
    "A Duplex diagnostic: the error duplexc would print, e.g. "
    "\"unknown model 'x'\". Subclass of RuntimeError.")


def _path(value):
    """A command-line string for a model, device, trace or file argument."""
    return "" if value is None else os.fspath(value)


def _parse(text, json):
    return _json.loads(text) if json else text


def models(*, json=True):
    """The bundled models: ``duplexc models --json``.

    Returns a list of ``{"name", "model_type", "source"}`` dicts; any of the
    names can be passed wherever a model is accepted.
    """
    return _parse(_duplex.models(json=json), json)


def stats(model, *, json=True, weight_dtype=None, kv_dtype=None,
          allow_partial=False, model_type_as=None):
    """Parameters, weight and KV-cache bytes: ``duplexc stats MODEL --json``.

    ``model`` is a bundled name (``"mixtral-8x7b"``), a Hugging Face
    ``config.json``, an ONNX export (``.onnx`` or ONNX text) or a ``.mlir``
    file. ``weight_dtype`` / ``kv_dtype`` (``"f16"``, ``"int8"``, ...)
    override the config's element types. ``model_type_as`` reads a
    ``config.json`` whose ``model_type`` is not supported as one that is
    (``"llama"``, ``"deepseek_v3"``, ...; every field is still checked), as
    ``--model-type-as`` does. An ONNX export the raise cannot
    account for in full (weights left out, layers that disagree with its KV
    caches) raises ``DuplexError`` unless ``allow_partial=True``, which
    returns the partial model with ``"partial": True``. Returns a dict with
    ``parameters``, ``active_parameters`` (embedding tables included) and
    ``active_parameters_without_embedding``, ``weight_bytes``,
    ``kv_cache_bytes_per_token``, ``layers``, ``moe_layers`` and
    ``breakdown`` (ONNX exports also ``tied_embeddings_evidence``; configs
    whose vision tower or MTP module is left out and counted also
    ``left_out``, ``left_out_parameters`` and ``checkpoint_parameters``).
    """
    text = _duplex.stats(model=_path(model), json=json,
                         weight_dtype=weight_dtype or "",
                         kv_dtype=kv_dtype or "",
                         allow_partial=allow_partial,
                         model_type_as=model_type_as or "")
    return _parse(text, json)


def compile(model, *, stage, device=None, emit="placement", json=True,
            devices=0, nodes=0, coprocess="pe", routing="expected", seed=0,
            expert_tensor_parallel=False, placement=None, save_placement=None,
            weight_dtype=None, kv_dtype=None, allow_partial=False,
            allow_long_context=False, calibration="measured",
            model_type_as=None):
    """Op/B analysis, placement or schedule of one serving stage:
    ``duplexc compile MODEL --device DEVICE --stage STAGE --emit=EMIT --json``.

    ``stage`` is ``"KIND=COUNT@LENGTH,..."``, e.g. ``"decode=64@1024"`` or
    ``"prefill=2@2048,decode=62@1024"``. ``emit`` picks what comes back:

    - ``"opb"``: a list of records (op, part, flops, bytes, opb) per op part;
    - ``"placement"`` (the default): ``{"ridge_points": [...], "records":
      [...]}``, each record with its unit, seconds and alternatives;
    - ``"placed"``: the placed records (``json=False``: the placed IR);
    - ``"json"``: the evaluated co-processing schedule (tasks with unit,
      start and end seconds, dependencies; busy time per unit);
    - ``"trace"``: the Chrome trace-event timeline (what Perfetto opens);
    - ``"schedule"``: the ``dx.schedule`` IR, as a string.

    ``allow_partial`` accepts an ONNX export the raise cannot account for
    in full, and ``model_type_as`` reads a config as a supported family, as
    in ``stats``.

    ``devices``/``nodes`` of 0 keep the device file's topology.
    ``placement`` applies an override file, ``save_placement`` writes one.
    ``calibration`` is a profile (``"measured"``, ``"paper"`` or a file), as
    in ``simulate``.
    """
    always_json = emit in ("trace", "json")
    as_json = always_json or (json and emit != "schedule")
    device_path, device_file = _device_argument(device)
    try:
        text = _compile_text(model, device_path, devices, nodes, stage, emit,
                             as_json and not always_json, coprocess, routing,
                             seed, expert_tensor_parallel, placement,
                             save_placement, weight_dtype, kv_dtype,
                             allow_partial, allow_long_context, calibration,
                             model_type_as)
    finally:
        if device_file is not None:
            device_file.close()
    return _parse(text, as_json)


def _compile_text(model, device, devices, nodes, stage, emit, json,
                  coprocess, routing, seed, expert_tensor_parallel, placement,
                  save_placement, weight_dtype, kv_dtype, allow_partial,
                  allow_long_context, calibration, model_type_as=None):
    return _duplex.compile(
        model=_path(model), device=device, devices=devices,
        nodes=nodes, stage=stage, emit=emit, json=json,
        coprocess=coprocess, routing=routing, seed=seed,
        expert_tensor_parallel=expert_tensor_parallel,
        placement=_path(placement), save_placement=_path(save_placement),
        weight_dtype=weight_dtype or "", kv_dtype=kv_dtype or "",
        allow_partial=allow_partial, allow_long_context=allow_long_context,
        calibration=_path(calibration), model_type_as=model_type_as or "")


class Latency:
    """One latency metric of a report (``report.ttft``, ``.tpot``, ``.itl``,
    ``.e2e``), in seconds: ``count`` samples (0: the metric does not exist
    for the run, and every statistic is ``None``), ``mean``, ``median``,
    ``std`` and ``percentiles`` (``{50.0: value, 99.9: value}``)."""

    __slots__ = ("count", "mean", "median", "std", "percentiles")

    def __init__(self, entry):
        self.count = entry["count"]
        self.mean = entry["mean"]
        self.median = entry["median"]
        self.std = entry["std"]
        self.percentiles = {float(key[1:]): value
                            for key, value in entry.items()
                            if key.startswith("p") and key[1:2].isdigit()}

    def __repr__(self):
        return (f"Latency(count={self.count}, mean={self.mean}, "
                f"median={self.median}, std={self.std}, "
                f"percentiles={self.percentiles})")


class SimulationReport(dict):
    """What :func:`simulate` returns: the report dict (every key of
    ``duplexc simulate --json``; ``report["requests"]`` is the number of
    requests served) with typed views:

    - ``report.requests``: one row per request as a pandas DataFrame
      (the columns of ``--requests-out``: request_id, replica, arrival_s,
      scheduled_s, first_token_s, completion_s, prompt_tokens,
      output_tokens, ttft_s, tpot_s, e2e_s, preemptions; a latency a
      request lacks is NaN);
    - ``report.ttft``, ``.tpot``, ``.itl``, ``.e2e``: :class:`Latency`;
    - ``report.to_dict()``: a plain dict; ``report.to_pandas()``: the scalar
      metrics as a one-row DataFrame (latencies flattened to
      ``ttft_s.p50``...).
    """

    def __init__(self, report, table):
        super().__init__(report)
        self._table = table

    @property
    def requests(self):
        import pandas
        table = self._table or {"columns": [], "data": []}
        frame = pandas.DataFrame(dict(zip(table["columns"], table["data"])))
        # Times are floats even where every request lacks one (NaN, not
        # None in an object column).
        for column in frame.columns:
            if column.endswith("_s"):
                frame[column] = frame[column].astype("float64")
        return frame

    ttft = property(lambda self: Latency(self["ttft_s"]))
    tpot = property(lambda self: Latency(self["tpot_s"]))
    itl = property(lambda self: Latency(self["itl_s"]))
    e2e = property(lambda self: Latency(self["e2e_s"]))

    def to_dict(self):
        return _json.loads(_json.dumps(self))

    def to_pandas(self):
        import pandas
        row = {}

        def flatten(prefix, value):
            if isinstance(value, dict):
                for key, item in value.items():
                    flatten(f"{prefix}.{key}" if prefix else key, item)
            else:
                row[prefix] = value
        flatten("", self.to_dict())
        return pandas.DataFrame([row])


def _check_type(name, value, types, what):
    """Raises TypeError naming the argument when `value` is not one of
    `types` (bool is not accepted as a number)."""
    if isinstance(value, bool) and bool not in types:
        raise TypeError(f"{name} must be {what}, not bool")
    if not isinstance(value, types):
        raise TypeError(f"{name} must be {what}, not {type(value).__name__}")


def _check_arguments(specs):
    """`specs` maps an argument name to (value, types, what, minimum):
    TypeError for a wrong type, ValueError below `minimum`, each naming the
    argument, before anything reaches the C++ side."""
    for name, (value, types, what, minimum) in specs.items():
        if value is None:
            continue
        _check_type(name, value, types, what)
        if minimum is not None and value < minimum:
            raise ValueError(f"{name} must be at least {minimum}, got {value}")


def _trace_columns(columns):
    """--trace-columns from a dict or its string form."""
    if columns is None:
        return ""
    if isinstance(columns, dict):
        return ",".join(f"{role}={name}" for role, name in columns.items())
    if not isinstance(columns, str):
        raise TypeError("trace_columns must be a dict or an "
                        "\"arrival=COL,prompt=COL,output=COL\" string")
    return columns


def _device_argument(device):
    """A device name or path, or a dict in the device-file format written to
    a file named by its content (so the same dict gives the same report,
    byte for byte) in $XDG_CACHE_HOME/duplex/devices. Returns (path, None)."""
    if isinstance(device, dict):
        import hashlib
        text = _json.dumps(device, sort_keys=True, indent=1)
        digest = hashlib.sha256(text.encode()).hexdigest()[:12]
        folder = os.path.join(
            os.environ.get("XDG_CACHE_HOME")
            or os.path.join(os.path.expanduser("~"), ".cache"),
            "duplex", "devices")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"dict-{digest}.json")
        if not os.path.exists(path):
            _duplex.write_file(path, text.encode())
        return path, None
    if device is not None and not isinstance(device, (str, os.PathLike)):
        raise TypeError("device must be a bundled name, a path or a dict in "
                        "the device-file format, not "
                        f"{type(device).__name__}")
    return _path(device), None


def _check_path(name, value):
    if value is not None and not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path (str or os.PathLike), not "
                        f"{type(value).__name__}")


def _percentiles_argument(percentiles):
    if percentiles is None or isinstance(percentiles, str):
        return percentiles or ""
    if not isinstance(percentiles, (list, tuple)):
        raise TypeError("percentiles must be a list of numbers or a "
                        "\"50,90,99\" string")
    for value in percentiles:
        _check_type("percentiles", value, (int, float), "numbers")
        if not 0 <= value <= 100:
            raise ValueError(f"percentiles must lie in [0, 100], got {value}")
    return ",".join(repr(float(p) + 0.0) for p in percentiles)


def _slo_argument(slo):
    if slo is None or isinstance(slo, str):
        return slo or ""
    if not isinstance(slo, dict):
        raise TypeError("slo must be a dict of seconds ({\"ttft\": 0.2}) or "
                        "a \"ttft=200ms,tpot=50ms\" string")
    for key, value in slo.items():
        if key not in ("ttft", "tpot", "e2e"):
            raise ValueError(f"slo: {key!r} is not ttft, tpot or e2e")
        _check_type(f"slo[{key!r}]", value, (int, float),
                    "a number of seconds")
        if not value > 0:
            raise ValueError(f"slo[{key!r}] must be positive, got {value}")
    return ",".join(f"{key}={float(value)!r}" for key, value in slo.items())


def simulate(model, *, device, devices=0, nodes=0, replicas_per_node=0,
             coprocess="pe",
             closed_loop=False, qps=None, arrivals=None, trace=None,
             trace_columns=None, trace_qps=None, batch=64,
             batch_per_replica=None, calibration="measured", requests=None,
             lin=None, lout=None, len_std=None, max_batched_tokens=None,
             chunked_prefill=None, scheduler="orca", routing="uniform",
             seed=0, json=True,
             weight_dtype=None, kv_dtype=None, percentiles=None, slo=None,
             requests_out=None, timeline=None, timeline_window=None,
             allow_partial=False,
             allow_long_context=False, limit_requests=None,
             limit_tokens=None, limit_prompt_tokens=None, threads=0,
             max_tokens=None, model_type_as=None):
    """Serve a workload on a device: ``duplexc simulate MODEL --device DEVICE
    ... --json``.

    Arrivals: ``closed_loop=True`` (the default mode), ``qps=Q`` (Poisson,
    or evenly spaced with ``arrivals="uniform"``) or ``trace="file.csv"``
    (Azure, Vidur or BurstGPT columns, found by header name;
    ``trace_columns={"arrival": "t", "prompt": "in", "output": "out"}`` or
    ``"arrival=t,prompt=in,output=out"`` for other layouts; ``trace_qps=Q``
    stretches its arrivals to a mean rate of Q requests/s). ``device`` is a bundled name, a
    device file, or a dict in the device-file format. ``replicas_per_node=R``
    runs R data-parallel replicas of ``devices`` devices inside each node,
    sharing its host memory and host units (0 or 1: one). ``batch`` is the
    whole system's maximum running batch, dealt over its data-parallel
    replicas (nodes x replicas per node); ``batch_per_replica=B`` gives each
    replica's instead. ``calibration`` is a profile: ``"measured"`` (the
    device files' fitted values), ``"paper"`` (no derating, overhead or
    static power, as the papers assume) or a profile file. ``scheduler`` is
    a serving framework's batching (``"orca"``, ``"vllm"``, ``"vllm-v0"``,
    ``"trtllm"``, ``"sarathi"``); ``max_batched_tokens`` (0: no limit) and
    ``chunked_prefill`` override its stage token budget and prompt chunking
    (``max_tokens`` is the deprecated name). ``lin``/``lout`` are the mean
    prompt and output lengths (defaults 1024 and 256; with a trace, either
    redraws the trace's), ``len_std`` their standard deviation as a
    fraction of the mean (default 0.1). ``requests=None`` serves the whole
    trace or 256 synthetic requests. ``kv_dtype``/``weight_dtype`` override
    the model's types; ``model_type_as`` reads a config as a supported
    family, as in ``stats``. ``percentiles`` (e.g. ``[50, 90, 99.9]``) are those
    of every latency; ``slo`` (``"ttft=200ms,tpot=50ms"`` or a dict of
    seconds, ``{"ttft": 0.2}``) adds ``goodput``. ``requests_out`` also
    writes the per-request table to a .csv or .jsonl file, ``timeline`` the
    whole run as a Perfetto trace (JSON; ``timeline_window="0:60"`` keeps
    what overlaps those simulated seconds). A request whose
    prompt plus output exceed the model's ``max_position_embeddings``
    raises ``DuplexError`` unless ``allow_long_context=True``.
    ``limit_requests``, ``limit_tokens`` and ``limit_prompt_tokens`` are the
    work limits (None keeps ``duplexc``'s default, 0 lifts one). ``threads``
    simulates data-parallel replicas side by side (0: one per hardware
    thread; the results do not depend on it).

    Returns a :class:`SimulationReport` (a dict of the JSON report with
    typed views, among them ``.requests``, the per-request DataFrame), or the text report with
    ``json=False``. Keys: ``throughput_tokens_per_s`` (output tokens),
    ``total_tokens_per_s``, ``requests_per_s``, ``ttft_s``, ``tpot_s``,
    ``itl_s``, ``e2e_s`` (each with ``count``, ``mean``, ``median``,
    ``std`` and ``p50``...; None without samples), ``goodput`` (with an
    SLO), ``energy_j_per_token``, ``time_breakdown``, ``energy_breakdown``,
    ``energy_j_per_token_by_category``, ``time_breakdown_by_stage``,
    ``batch``, ``batch_limit``, ``calibration``, ``stages``,
    ``preemptions``, ``requests``, ``generated_tokens``, ``prompt_tokens``,
    ``simulated_seconds``, ``wall_seconds`` (the only field that differs
    between identical runs) and ``inputs``.
    """
    number = (int, float)
    _check_arguments({
        "devices": (devices, (int,), "an int", 0),
        "nodes": (nodes, (int,), "an int", 0),
        "replicas_per_node": (replicas_per_node, (int,), "an int", 0),
        "batch": (batch, (int,), "an int", 1),
        "batch_per_replica": (batch_per_replica, (int,), "an int", 1),
        "requests": (requests, (int,), "an int", 1),
        "qps": (qps, number, "a number", None),
        "trace_qps": (trace_qps, number, "a number", None),
        "lin": (lin, number, "a number", None),
        "lout": (lout, number, "a number", None),
        "len_std": (len_std, number, "a number", None),
        "max_batched_tokens": (max_batched_tokens, (int,), "an int", 0),
        "seed": (seed, (int,), "an int", 0),
        "limit_requests": (limit_requests, (int,), "an int", 0),
        "limit_tokens": (limit_tokens, (int,), "an int", 0),
        "limit_prompt_tokens": (limit_prompt_tokens, (int,), "an int", 0),
        "threads": (threads, (int,), "an int", 0),
    })
    for name, value in (("coprocess", coprocess), ("scheduler", scheduler),
                        ("routing", routing)):
        _check_type(name, value, (str,), "a str")
    if arrivals is not None:
        _check_type("arrivals", arrivals, (str,), "a str")
    for name, value in (("closed_loop", closed_loop), ("json", json),
                        ("allow_partial", allow_partial),
                        ("allow_long_context", allow_long_context),
                        ("chunked_prefill", chunked_prefill)):
        if value is not None:
            _check_type(name, value, (bool,), "a bool")
    for name, value in (("trace", trace), ("requests_out", requests_out),
                        ("timeline", timeline)):
        _check_path(name, value)
    if max_tokens is not None:
        import warnings
        warnings.warn("simulate(max_tokens=...) is deprecated: use "
                      "max_batched_tokens", DeprecationWarning, stacklevel=2)
        if max_batched_tokens is not None:
            raise TypeError("give max_batched_tokens or its old name "
                            "max_tokens, not both")
        max_batched_tokens = max_tokens
    percentiles = _percentiles_argument(percentiles)
    slo = _slo_argument(slo)
    device_path, device_file = _device_argument(device)
    try:
        text = _duplex.simulate(
            model=_path(model), device=device_path, devices=devices,
            nodes=nodes, replicas_per_node=replicas_per_node,
            coprocess=coprocess, closed_loop=closed_loop, qps=qps,
            trace=_path(trace), batch=batch,
            batch_per_replica=batch_per_replica,
            calibration=_path(calibration), requests=requests, lin=lin,
            lout=lout, len_std=len_std, max_tokens=max_batched_tokens,
            chunked_prefill=chunked_prefill, scheduler=scheduler,
            routing=routing, seed=seed, json=json,
            weight_dtype=weight_dtype or "", kv_dtype=kv_dtype or "",
            percentiles=percentiles, slo=slo, threads=threads,
            requests_out=_path(requests_out), timeline=_path(timeline),
            timeline_window=timeline_window or "",
            trace_columns=_trace_columns(trace_columns),
            request_table=json,
            allow_partial=allow_partial,
            allow_long_context=allow_long_context,
            limit_requests=limit_requests, limit_tokens=limit_tokens,
            limit_prompt_tokens=limit_prompt_tokens,
            arrivals=arrivals or "", trace_qps=trace_qps,
            model_type_as=model_type_as or "")
    finally:
        if device_file is not None:
            device_file.close()
    if not json:
        return text
    report = _json.loads(text)
    table = report.pop("request_table", None)
    return SimulationReport(report, table)


def load_device(device, *, devices=0, nodes=0):
    """Load and check a device description (a bundled name such as
    ``"duplex"`` or ``"h100"``, a JSON file in the format of
    docs/device-format.md, or a dict in that format), rescaled to ``devices`` per node and ``nodes``
    (0 keeps the file's).

    Returns a dict: ``name``, ``device_name``, ``description``, ``file``,
    ``devices_per_node``, ``nodes``, ``max_devices_per_node``,
    ``device_memory_bytes``, ``host_memory_bytes``, and ``units`` (kind,
    count, clock, peak FLOP/s per type), ``memories`` (capacity, bandwidth)
    and ``links`` (bandwidth per direction, latency).
    """
    device_path, device_file = _device_argument(device)
    try:
        text = _duplex.device_summary(device=device_path, devices=devices,
                                      nodes=nodes)
    finally:
        if device_file is not None:
            device_file.close()
    return _json.loads(text)
