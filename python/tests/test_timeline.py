"""Whole-run timelines (simulate --timeline) and the stage trace of
compile --emit=trace: slices lie where their resources are busy, counters
stay within capacity, names agree with the schedule JSON (issue 16)."""

import json

import pytest

import duplex

TRACE_HEADER = "TIMESTAMP,ContextTokens,GeneratedTokens\n"


def load(path):
    with open(path) as stream:
        return json.load(stream)


def slices(trace, **match):
    return [event for event in trace["traceEvents"]
            if all(event.get(key) == value for key, value in match.items())]


def thread_names(trace):
    return {(event["pid"], event["tid"]): event["args"]["name"]
            for event in slices(trace, ph="M", name="thread_name")}


@pytest.mark.parametrize("model,device,batch", [
    ("tiny-moe", "duplex", 6), ("tiny", "h100", 3)])
def test_timeline_slices_inside_stages_and_counters_bounded(
        tmp_path, model, device, batch):
    # Bursty arrivals and a small batch: a queue forms, the batch changes.
    rows = [f"{0.001 * (i // 4):.3f},{40 + 13 * i % 90},{1 + 7 * i % 12}\n"
            for i in range(24)]
    trace_csv = tmp_path / "trace.csv"
    trace_csv.write_text(TRACE_HEADER + "".join(rows))
    path = tmp_path / "timeline.json"
    report = duplex.simulate(model, device=device, trace=trace_csv,
                             batch=batch, timeline=path, max_batched_tokens=64,
                             chunked_prefill=True)
    trace = load(path)
    stages = sorted(slices(trace, cat="stage"), key=lambda e: e["ts"])
    assert len(stages) == sum(report["stages"].values())
    # Stages tile the run without overlapping.
    for before, after in zip(stages, stages[1:]):
        assert before["ts"] + before["dur"] <= after["ts"] + 2e-3  # ns rounding
    assert stages[-1]["ts"] + stages[-1]["dur"] == pytest.approx(
        report["simulated_seconds"] * 1e6, abs=1e-3)
    # Every busy slice of a unit or link lies inside a stage.
    by_start = {event["ts"]: event for event in stages}
    names = thread_names(trace)
    busy = slices(trace, cat="busy")
    assert busy, "no unit was ever busy"
    for event in busy:
        stage = by_start[event["ts"]]
        assert 0 < event["dur"] <= stage["dur"] + 2e-3
        assert names[(event["pid"], event["tid"])] != "stages"
    # Counters: the batch within its limit, the KV cache within capacity.
    capacity = trace["otherData"]["kv_capacity_tokens"]
    for event in slices(trace, ph="C", name="batch"):
        assert 0 <= event["args"]["requests"] <= batch
    for event in slices(trace, ph="C", name="kv_cache"):
        assert 0 <= event["args"]["tokens"] <= capacity
    assert slices(trace, ph="C", name="waiting")
    # Each request's lifetime nests queued, prefill (and decode) slices.
    begins = slices(trace, ph="b", cat="request")
    assert len([e for e in begins if e["name"].startswith("request ")]) == 24
    # Chunked prompts (64-token budget) draw dependency arrows.
    assert slices(trace, ph="s", cat="dependency")


def test_timeline_window(tmp_path):
    path = tmp_path / "timeline.json"
    report = duplex.simulate("tiny", device="h100", requests=64, batch=4,
                             lin=64, lout=16, timeline=path)
    whole = len(slices(load(path), cat="stage"))
    half = report["simulated_seconds"] / 2
    duplex.simulate("tiny", device="h100", requests=64, batch=4, lin=64,
                    lout=16, timeline=path, timeline_window=f"0:{half}")
    windowed = slices(load(path), cat="stage")
    assert 0 < len(windowed) < whole
    assert all(e["ts"] <= half * 1e6 for e in windowed)
    with pytest.raises(duplex.DuplexError, match="--timeline-window"):
        duplex.simulate("tiny", device="h100", requests=4, timeline=path,
                        timeline_window="5:1")


def test_stage_trace_draws_only_busy_intervals():
    # The example: logic_pim is busy 0.19% of this stage; its track
    # must not be covered by the repeated layers.
    args = dict(device="duplex", devices=4,
                stage="prefill=2@2048,decode=62@1024")
    trace = duplex.compile("mixtral-8x7b", emit="trace", **args)
    schedule = duplex.compile("mixtral-8x7b", emit="json", **args)
    names = thread_names(trace)
    # One name per resource everywhere: the schedule's stream names.
    assert sorted(names.values()) == sorted(
        stream["resource"] for stream in schedule["streams"])
    drawn = {}
    for event in trace["traceEvents"]:
        if event.get("ph") == "X" and event.get("cat") != "overhead":
            track = names[(event["pid"], event["tid"])]
            drawn[track] = drawn.get(track, 0.0) + event["dur"] * 1e-6
    for stream in schedule["streams"]:
        assert drawn.get(stream["resource"], 0.0) == pytest.approx(
            stream["busy_seconds"], rel=1e-9), stream["resource"]
