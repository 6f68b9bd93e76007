"""Per-request data: the table re-aggregates to the report's figures,
typed views, argument errors and devices as dicts (issue 16)."""

import json
import math

import numpy
import pandas
import pytest

import duplex
from conftest import REPOSITORY

TRACE_HEADER = "TIMESTAMP,ContextTokens,GeneratedTokens\n"


@pytest.fixture
def trace(tmp_path):
    """40 requests with seeded lengths, among them one-token and
    prefill-only ones (TPOT and TTFT undefined), arriving in bursts so that
    requests queue and ITLs vary."""
    rng = numpy.random.default_rng(16)
    rows = []
    for i in range(40):
        output = int(rng.choice([0, 1, 2, 9, 33]))
        rows.append(f"{0.05 * (i // 5):.2f},{int(rng.integers(8, 300))},"
                    f"{output}\n")
    path = tmp_path / "trace.csv"
    path.write_text(TRACE_HEADER + "".join(rows))
    return path


def test_request_table_reaggregates_to_the_report(trace, tmp_path):
    out = tmp_path / "requests.csv"
    args = dict(device="h100", trace=trace, batch=6)
    # SLOs at the run's median TTFT and TPOT split the requests.
    first = duplex.simulate("tiny-moe", **args)
    slo = {"ttft": first.ttft.median, "tpot": first.tpot.median}
    report = duplex.simulate("tiny-moe", percentiles=[50, 90, 99, 99.9],
                             slo=slo, requests_out=out, **args)
    # round_trip: pandas's default float parser may be one ulp off.
    table = pandas.read_csv(out, float_precision="round_trip")
    assert list(table.columns) == [
        "request_id", "replica", "arrival_s", "scheduled_s", "first_token_s",
        "completion_s", "prompt_tokens", "output_tokens", "ttft_s", "tpot_s",
        "e2e_s", "preemptions"]
    assert len(table) == report["requests"] == 40
    assert list(table["request_id"]) == list(range(40))
    # The DataFrame view holds the same data as the file.
    view = report.requests
    pandas.testing.assert_frame_equal(view, table, check_dtype=False)

    def check(column, key):
        values = table[column].dropna().to_numpy()
        entry = report[key]
        assert entry["count"] == len(values)
        # Summed as numpy sums (pairwise, in request-id order): exact.
        assert entry["mean"] == values.mean()
        assert entry["std"] == values.std()
        # Percentiles select and interpolate the same doubles: exact.
        assert entry["median"] == numpy.median(values)
        for p in (50, 90, 99, 99.9):
            assert entry[f"p{p:g}"] == numpy.percentile(values, p)
    check("ttft_s", "ttft_s")
    check("tpot_s", "tpot_s")
    check("e2e_s", "e2e_s")
    assert report.ttft.percentiles[99.9] == report["ttft_s"]["p99.9"]
    # Tokens and throughputs from the rows.
    assert table["output_tokens"].sum() == report["generated_tokens"]
    assert table["prompt_tokens"].sum() == report["prompt_tokens"]
    seconds = report["simulated_seconds"]
    assert table["completion_s"].max() == seconds
    assert report["total_tokens_per_s"] == pytest.approx(
        (table["output_tokens"].sum() + table["prompt_tokens"].sum())
        / seconds, rel=1e-12)
    # Goodput: rows meeting both SLOs; a missing metric is met.
    ok = ((table["ttft_s"].isna() | (table["ttft_s"] <= slo["ttft"]))
          & (table["tpot_s"].isna() | (table["tpot_s"] <= slo["tpot"])))
    assert report["goodput"]["good_requests"] == int(ok.sum())
    assert report["goodput"]["attainment"] == pytest.approx(ok.mean())
    assert 0 < ok.sum() < 40, "the SLO must split the requests to test"
    # Each request's timeline is ordered.
    assert (table["scheduled_s"] >= table["arrival_s"]).all()
    has_token = table["output_tokens"] > 0
    assert (table.loc[has_token, "first_token_s"]
            >= table.loc[has_token, "scheduled_s"]).all()
    assert table.loc[~has_token, "first_token_s"].isna().all()


def test_multi_replica_table_reaggregates_exactly(tmp_path):
    # Two nodes serve alternate requests; the report sums in request-id
    # order, as the table is written.
    out = tmp_path / "requests.csv"
    report = duplex.simulate("tiny-moe", device="h100", nodes=2, requests=300,
                             lin=64, lout=24, batch=16, seed=4,
                             requests_out=out)
    table = pandas.read_csv(out, float_precision="round_trip")
    assert set(table["replica"]) == {0, 1}
    for column in ("ttft_s", "tpot_s", "e2e_s"):
        values = table[column].dropna().to_numpy()
        assert report[column]["mean"] == values.mean(), column
        assert report[column]["std"] == values.std(), column
        assert report[column]["median"] == numpy.median(values), column


def test_jsonl_rows_and_typed_views(trace, tmp_path):
    out = tmp_path / "requests.jsonl"
    report = duplex.simulate("tiny", device="h100", trace=trace,
                             requests_out=out)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 40
    prefill_only = [row for row in rows if row["output_tokens"] == 0]
    assert prefill_only and all(row["ttft_s"] is None for row in prefill_only)
    assert isinstance(report, dict)
    assert isinstance(report.e2e, duplex.Latency)
    assert report.e2e.count == 40
    flat = report.to_pandas()
    assert flat.loc[0, "ttft_s.p50"] == report["ttft_s"]["p50"]
    assert json.loads(json.dumps(report.to_dict())) == report.to_dict()


def test_argument_errors_name_the_argument():
    with pytest.raises(TypeError, match="batch must be an int, not str"):
        duplex.simulate("tiny", device="h100", batch="64")
    with pytest.raises(ValueError, match="requests must be at least 1"):
        duplex.simulate("tiny", device="h100", requests=0)
    with pytest.raises(TypeError, match="lin must be a number, not bool"):
        duplex.simulate("tiny", device="h100", lin=True)
    with pytest.raises(TypeError, match="device must be"):
        duplex.simulate("tiny", device=3)
    with pytest.raises(duplex.DuplexError, match="--slo"):
        duplex.simulate("tiny", device="h100", slo="itl=1ms")
    with pytest.raises(ValueError, match="slo: 'TTFT' is not ttft"):
        duplex.simulate("tiny", device="h100", slo={"TTFT": 1})
    with pytest.raises(TypeError, match=r"slo\['ttft'\] must be a number"):
        duplex.simulate("tiny", device="h100", slo={"ttft": True})
    with pytest.raises(ValueError, match=r"percentiles must lie in \[0, 100\]"):
        duplex.simulate("tiny", device="h100", percentiles=[50, 150])
    with pytest.raises(TypeError, match="closed_loop must be a bool"):
        duplex.simulate("tiny", device="h100", closed_loop="yes")
    with pytest.raises(TypeError, match="trace must be a path"):
        duplex.simulate("tiny", device="h100", trace=123)


def test_device_as_dict_and_deprecated_max_tokens():
    with open(REPOSITORY / "devices" / "h100.json") as stream:
        description = json.load(stream)
    args = dict(requests=4, lin=32, lout=4, len_std=0)
    by_dict = duplex.simulate("tiny", device=description, **args)
    by_name = duplex.simulate("tiny", device="h100", **args)
    for report in (by_dict, by_name):
        report.pop("wall_seconds")
    # The same dict names the same file: identical reports, inputs included.
    again = duplex.simulate("tiny", device=description, **args)
    again.pop("wall_seconds")
    assert again == by_dict
    assert by_dict["generated_tokens"] == by_name["generated_tokens"] == 16
    assert by_dict["e2e_s"] == by_name["e2e_s"]
    with pytest.warns(DeprecationWarning, match="max_batched_tokens"):
        duplex.simulate("tiny", device="h100", max_tokens=64, **args)
    assert math.isfinite(by_dict["throughput_tokens_per_s"])
    # The same for compile and load_device.
    assert (duplex.load_device(description)["units"]
            == duplex.load_device("h100")["units"])
    stage = dict(stage="decode=4@64", emit="placement")
    assert (duplex.compile("tiny", device=description, **stage)["records"]
            == duplex.compile("tiny", device="h100", **stage)["records"])
