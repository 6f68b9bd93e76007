"""duplex.plan / duplexc plan: capacity planning checked against a case
derived by hand, and the same table locally, from the command line and on a
Dask LocalCluster (issue 17)."""

import pytest

import duplex
from conftest import BUILD, run_cli

# One request at a time per replica, a 64-token prompt and one output
# token: a request holds its replica for its prefill time S, then leaves.
WORKLOAD = dict(model="tiny", requests=10, lin=64, lout=1, len_std=0,
                arrivals="uniform")
CANDIDATES = {"base": {"device": "h100", "batch_per_replica": 1},
              "axes": {"nodes": [1, 2, 3]}}


def prefill_seconds():
    """S: one request's TTFT on an idle H100."""
    report = duplex.simulate("tiny", device="h100", requests=1, lin=64,
                             lout=1, len_std=0, batch=1, closed_loop=True)
    return report["ttft_s"]["mean"]


def hand_capacity(nodes, service):
    """The highest uniform rate q at which 9 of 10 requests meet TTFT <=
    1.5 S, on `nodes` replicas fed round-robin. Replica r gets requests r,
    r + n, ...; its k-th one (k from 0) arrives at k n / q and, while the
    gap n / q is below S, waits k (S - n / q): its TTFT is S + k (S - n/q).
    The requests with the largest k miss first; one of ten may miss."""
    counts = [len(range(r, 10, nodes)) for r in range(nodes)]
    # Sorted latest-first, the second request's k must meet the objective:
    # k (S - n/q) <= 0.5 S, so q <= n / (S (1 - 0.5 / k)).
    ks = sorted((k for c in counts for k in range(c)), reverse=True)
    k = ks[1]
    return nodes / (service * (1 - 0.5 / k))


def test_hand_derived_capacity_and_cheapest():
    service = prefill_seconds()
    # 1, 2 and 3 nodes: 16/(15 S), 16/(7 S) and 4/S.
    expected = [hand_capacity(n, service) for n in (1, 2, 3)]
    assert expected[0] == pytest.approx(16 / (15 * service))
    assert expected[1] == pytest.approx(16 / (7 * service))
    assert expected[2] == pytest.approx(4 / service)
    target = 1.49 / service
    frame = duplex.plan(CANDIDATES, qps=target,
                        slo={"ttft": 1.5 * service}, attainment=90,
                        tolerance=0.02, **WORKLOAD)
    assert list(frame["nodes"]) == [1, 2, 3]
    assert frame["error"].isna().all()
    for (_, row), capacity in zip(frame.iterrows(), expected):
        # The search brackets the capacity: [max_qps, min_failing_qps),
        # within the 2% tolerance.
        assert row["max_qps"] <= capacity * (1 + 1e-9)
        assert row["min_failing_qps"] > capacity * (1 - 1e-9)
        assert row["min_failing_qps"] <= row["max_qps"] * 1.02 * (1 + 1e-12)
    assert list(frame["meets_target"]) == [False, True, True]
    assert list(frame["devices_total"]) == [1, 2, 3]
    chosen = frame[frame["cheapest"].fillna("").str.contains("devices")]
    assert list(chosen["nodes"]) == [2]


def test_cli_python_and_dask_tables_are_identical(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    candidates = tmp_path / "candidates.yaml"
    candidates.write_text("base: {device: h100, batch_per_replica: 1}\n"
                          "axes:\n  nodes: [1, 2]\n")
    local = tmp_path / "local.csv"
    duplex.plan(candidates, qps=3000, slo="ttft=400us", output=local,
                **WORKLOAD)
    cli = tmp_path / "cli.csv"
    run_cli("plan", "tiny", "--candidates", str(candidates), "--qps", "3000",
            "--slo", "ttft=400us", "--requests", "10", "--lin", "64",
            "--lout", "1", "--len-std", "0", "--arrivals", "uniform",
            "--csv", "--quiet", "-o", str(cli), parse=False)
    assert cli.read_bytes() == local.read_bytes()
    monkeypatch.setenv("PYTHONPATH", str(BUILD / "python"))
    on_dask = tmp_path / "dask.csv"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                  processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        duplex.plan(candidates, qps=3000, slo="ttft=400us", output=on_dask,
                    client=client, **WORKLOAD)
    assert on_dask.read_bytes() == local.read_bytes()


def test_plan_arguments_are_checked():
    with pytest.raises(duplex.DuplexError, match="give the objectives"):
        duplex.plan(CANDIDATES, qps=1, **WORKLOAD)
    with pytest.raises(duplex.DuplexError, match="1 to 100"):
        duplex.plan(CANDIDATES, qps=1, slo="ttft=1s", attainment=0.9,
                    **WORKLOAD)
    with pytest.raises(ValueError, match="format"):
        duplex.plan(CANDIDATES, qps=1, slo="ttft=1s", format="xml",
                    **WORKLOAD)


def test_plot_frontier(tmp_path):
    from duplex import plot
    frame = duplex.plan(CANDIDATES, qps=3000, slo="ttft=400us", **WORKLOAD)
    path = tmp_path / "frontier.png"
    figure = plot.frontier(frame, path=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # One line (nodes is the only axis, no device column) plus the load.
    lines = figure.axes[0].get_lines()
    assert len(lines) == 2
    assert list(lines[0].get_xdata()) == [1, 2, 3]
