"""duplex.sweep: the local engine, a Dask LocalCluster and single
duplexc simulate runs give the same numbers; --resume keeps finished rows
(issue 17)."""

import os
import pathlib
import signal
import subprocess
import time

import pandas
import pytest

import duplex
from conftest import BUILD, run_cli

SPEC = {"base": {"model": "tiny-moe", "devices": 1, "closed_loop": True,
                 "requests": 24, "lin": 64, "lout": 16, "seed": 1},
        "axes": {"device": ["duplex", "h100"], "batch": [4, 8, 16]}}


def test_minimal_spec_columns_and_single_runs():
    frame = duplex.sweep(SPEC)
    assert len(frame) == 6
    assert list(frame.columns[:4]) == ["point", "point_hash", "device",
                                       "batch"]
    assert "throughput_tokens_per_s" in frame.columns
    assert frame["error"].isna().all()
    # Each row is what duplexc simulate prints for that point.
    for _, row in frame.iterrows():
        report = run_cli("simulate", "tiny-moe", "--device", row["device"],
                         "--devices", "1", "--closed-loop", "--requests",
                         "24", "--lin", "64", "--lout", "16", "--seed", "1",
                         "--batch", str(row["batch"]), "--json", "--quiet")
        assert row["throughput_tokens_per_s"] == report[
            "throughput_tokens_per_s"]
        assert row["ttft_s.p99"] == report["ttft_s"]["p99"]


def test_threads_and_file_are_identical(tmp_path):
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    duplex.sweep(SPEC, output=one, threads=1)
    duplex.sweep(SPEC, output=two, threads=2)
    assert one.read_bytes() == two.read_bytes()


def test_dask_local_cluster_matches_local(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    # Worker processes import duplex from the build tree.
    monkeypatch.setenv("PYTHONPATH", str(BUILD / "python"))
    local = tmp_path / "local.csv"
    on_dask = tmp_path / "dask.csv"
    duplex.sweep(SPEC, output=local)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                  processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        frame = duplex.sweep(SPEC, client=client, output=on_dask,
                             batch_size=1)
    assert on_dask.read_bytes() == local.read_bytes()
    pandas.testing.assert_frame_equal(
        frame, pandas.read_csv(local, float_precision="round_trip"))


def test_resume_after_kill_keeps_finished_rows(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("base: {model: mixtral-8x7b, device: duplex, devices: 4,"
                    " requests: 64, lin: 512, lout: 64}\n"
                    "axes:\n  batch: {from: 1, to: 40, step: 1}\n")
    out = tmp_path / "out.csv"
    process = subprocess.Popen([str(BUILD / "bin" / "duplexc"), "sweep",
                                str(spec), "-o", str(out), "--threads", "1",
                                "--quiet"])
    # Wait for some rows, then kill -9.
    deadline = time.time() + 60
    while time.time() < deadline:
        if out.exists() and out.read_text().count("\n") >= 4:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = out.read_text()
    kept = [line for line in partial.splitlines()[1:]]
    assert kept, "the sweep wrote no row before it was killed"
    if len(kept) == 40:
        pytest.skip("the sweep finished before the kill")
    result = subprocess.run([str(BUILD / "bin" / "duplexc"), "sweep",
                             str(spec), "-o", str(out), "--resume", "--quiet"],
                            check=True)
    final = out.read_text().splitlines()
    assert len(final) == 41
    # Finished rows are kept verbatim; the file is in point order.
    for line in kept:
        if line.count(",") == final[0].count(","):
            assert line in final
    points = [int(line.split(",")[0]) for line in final[1:]]
    assert points == list(range(40))
    fresh = tmp_path / "fresh.csv"
    subprocess.run([str(BUILD / "bin" / "duplexc"), "sweep", str(spec), "-o",
                    str(fresh), "--quiet"], check=True)
    assert fresh.read_text() == out.read_text()


def test_dask_survives_a_lost_worker(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    import threading
    monkeypatch.setenv("PYTHONPATH", str(BUILD / "python"))
    spec = {"base": {"model": "mixtral-8x7b", "device": "duplex",
                     "devices": 4, "requests": 64, "lin": 512, "lout": 64},
            "axes": {"batch": {"from": 1, "to": 128, "step": 1}}}
    local = duplex.sweep(spec)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                  processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        pids = client.run(os.getpid)
        result = {}

        def run():
            result["frame"] = duplex.sweep(spec, client=client, batch_size=1)
        thread = threading.Thread(target=run)
        thread.start()
        time.sleep(0.3)
        # kill -9 one worker mid-sweep: its nanny restarts it and Dask
        # retries the tasks it held.
        assert thread.is_alive(), "the sweep ended before the kill"
        os.kill(next(iter(pids.values())), signal.SIGKILL)
        thread.join(timeout=120)
        assert not thread.is_alive()
    pandas.testing.assert_frame_equal(result["frame"], local)


def test_plot_sweep(tmp_path):
    from duplex import plot
    frame = duplex.sweep(SPEC)
    path = tmp_path / "lines.png"
    figure = plot.sweep(frame, x="batch", y="throughput_tokens_per_s",
                        hue="device", path=path)
    assert path.read_bytes().startswith(b"\x89PNG")
    lines = figure.axes[0].lines
    assert len(lines) == 2
    duplex_rows = frame[frame["device"] == "duplex"].sort_values("batch")
    assert list(lines[0].get_ydata()) == list(
        duplex_rows["throughput_tokens_per_s"])
    heat = plot.sweep(frame, x="batch", y="tpot_s.p50", hue="device",
                      kind="heatmap", path=tmp_path / "heat.png")
    assert heat.axes[0].images[0].get_array().shape == (2, 3)
    with pytest.raises(ValueError, match="no column 'nope'"):
        plot.sweep(frame, x="nope", y="batch")
