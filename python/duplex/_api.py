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
          allow_partial=False):
    """Parameters, weight and KV-cache bytes: ``duplexc stats MODEL --json``.

    ``model`` is a bundled name (``"mixtral-8x7b"``), a Hugging Face
    ``config.json``, an ONNX export (``.onnx`` or ONNX text) or a ``.mlir``
    file. ``weight_dtype`` / ``kv_dtype`` (``"f16"``, ``"int8"``, ...)
    override the config's element types. An ONNX export the raise cannot
    account for in full (weights left out, layers that disagree with its KV
    caches) raises ``DuplexError`` unless ``allow_partial=True``, which
    returns the partial model with ``"partial": True``. Returns a dict with
    ``parameters``, ``active_parameters``, ``weight_bytes``,
    ``kv_cache_bytes_per_token``, ``layers``, ``moe_layers`` and
    ``breakdown`` (ONNX exports also ``tied_embeddings_evidence``).
    """
    text = _duplex.stats(model=_path(model), json=json,
                         weight_dtype=weight_dtype or "",
                         kv_dtype=kv_dtype or "",
                         allow_partial=allow_partial)
    return _parse(text, json)


def compile(model, *, stage, device=None, emit="placement", json=True,
            devices=0, nodes=0, coprocess="pe", routing="expected", seed=0,
            expert_tensor_parallel=False, placement=None, save_placement=None,
            weight_dtype=None, kv_dtype=None, allow_partial=False,
            allow_long_context=False, calibration="measured"):
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
    in full, as in ``stats``.

    ``devices``/``nodes`` of 0 keep the device file's topology.
    ``placement`` applies an override file, ``save_placement`` writes one.
    ``calibration`` is a profile (``"measured"``, ``"paper"`` or a file), as
    in ``simulate``.
    """
    always_json = emit in ("trace", "json")
    as_json = always_json or (json and emit != "schedule")
    text = _duplex.compile(
        model=_path(model), device=_path(device), devices=devices,
        nodes=nodes, stage=stage, emit=emit, json=as_json and not always_json,
        coprocess=coprocess, routing=routing, seed=seed,
        expert_tensor_parallel=expert_tensor_parallel,
        placement=_path(placement), save_placement=_path(save_placement),
        weight_dtype=weight_dtype or "", kv_dtype=kv_dtype or "",
        allow_partial=allow_partial, allow_long_context=allow_long_context,
        calibration=_path(calibration))
    return _parse(text, as_json)


def simulate(model, *, device, devices=0, nodes=0, replicas_per_node=0,
             coprocess="pe",
             closed_loop=False, qps=None, trace=None, batch=64,
             batch_per_replica=None, calibration="measured", requests=0,
             lin=None, lout=None, len_std=0.1, max_tokens=None,
             chunked_prefill=None, scheduler="orca", routing="uniform",
             seed=0, json=True,
             weight_dtype=None, allow_partial=False,
             allow_long_context=False, limit_requests=None,
             limit_tokens=None, limit_prompt_tokens=None):
    """Serve a workload on a device: ``duplexc simulate MODEL --device DEVICE
    ... --json``.

    Arrivals: ``closed_loop=True`` (the default mode), ``qps=Q`` (Poisson) or
    ``trace="file.csv"`` (Azure format). ``replicas_per_node=R`` runs R
    data-parallel replicas of ``devices`` devices inside each node, sharing
    its host memory and host units (0 or 1: one). ``batch`` is the whole
    system's maximum running batch, dealt over its data-parallel replicas
    (nodes x replicas per node); ``batch_per_replica=B`` gives each
    replica's instead. ``calibration`` is a profile: ``"measured"`` (the
    device files' fitted values), ``"paper"`` (no derating, overhead or
    static power, as the papers assume) or a profile file. ``scheduler`` is
    a serving framework's batching (``"orca"``, ``"vllm"``, ``"vllm-v0"``,
    ``"trtllm"``, ``"sarathi"``); ``max_tokens`` (0: no limit) and
    ``chunked_prefill`` override its token budget and prompt chunking. ``lin``/``lout`` are the mean prompt
    and output lengths (defaults 1024 and 256; give both), ``len_std`` their
    standard deviation as a fraction of the mean. ``requests=0`` serves the
    whole trace or 256 synthetic requests. A request whose prompt plus
    output exceed the model's ``max_position_embeddings`` raises
    ``DuplexError`` unless ``allow_long_context=True``. ``limit_requests``,
    ``limit_tokens`` and ``limit_prompt_tokens`` are the work limits
    (requests served, tokens generated, prompt tokens; None keeps
    ``duplexc``'s default, 0 lifts one). Returns the report dict:
    ``throughput_tokens_per_s``, ``requests_per_s``, ``ttft_s``, ``tbt_s``,
    ``e2e_s`` (each with ``mean``, ``p50``, ``p90``, ``p99``),
    ``energy_j_per_token``, ``time_breakdown``, ``energy_breakdown``,
    ``energy_j_per_token_by_category`` (DRAM and compute per layer kind,
    and static), ``time_breakdown_by_stage`` (per stage kind), ``batch``
    (time-weighted ``mean`` and ``max``), ``batch_limit`` (``system``,
    ``per_replica``, ``replicas``), ``calibration``, ``stages``, ``preemptions``, ``requests``, ``generated_tokens``,
    ``simulated_seconds`` and ``wall_seconds`` (the only field that differs
    between identical runs).
    """
    text = _duplex.simulate(
        model=_path(model), device=_path(device), devices=devices,
        nodes=nodes, replicas_per_node=replicas_per_node, coprocess=coprocess, closed_loop=closed_loop, qps=qps,
        trace=_path(trace), batch=batch,
        batch_per_replica=batch_per_replica, calibration=_path(calibration),
        requests=requests, lin=lin,
        lout=lout, len_std=len_std, max_tokens=max_tokens,
        chunked_prefill=chunked_prefill, scheduler=scheduler,
        routing=routing, seed=seed,
        json=json, weight_dtype=weight_dtype or "",
        allow_partial=allow_partial, allow_long_context=allow_long_context,
        limit_requests=limit_requests, limit_tokens=limit_tokens,
        limit_prompt_tokens=limit_prompt_tokens)
    return _parse(text, json)


def load_device(device, *, devices=0, nodes=0):
    """Load and check a device description (a bundled name such as
    ``"duplex"`` or ``"h100"``, or a JSON file in the format of
    docs/device-format.md), rescaled to ``devices`` per node and ``nodes``
    (0 keeps the file's).

    Returns a dict: ``name``, ``device_name``, ``description``, ``file``,
    ``devices_per_node``, ``nodes``, ``max_devices_per_node``,
    ``device_memory_bytes``, ``host_memory_bytes``, and ``units`` (kind,
    count, clock, peak FLOP/s per type), ``memories`` (capacity, bandwidth)
    and ``links`` (bandwidth per direction, latency).
    """
    text = _duplex.device_summary(device=_path(device), devices=devices,
                                  nodes=nodes)
    return _json.loads(text)
