"""Every plotting helper renders a PNG."""

import pytest

import duplex
from duplex import plot

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def reports():
    common = dict(devices=4, batch=16, lin=256, lout=64, requests=32, seed=1)
    return {device: duplex.simulate("mixtral-8x7b", device=device, **common)
            for device in ("duplex", "h100")}


def check_png(path):
    assert path.exists()
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC)
    assert len(data) > 5000


def test_throughput_curve(tmp_path):
    series = {"duplex": [(batch, duplex.simulate(
        "tiny-moe", device="duplex", batch=batch, requests=16, lin=128,
        lout=32)) for batch in (4, 8, 16)]}
    path = tmp_path / "throughput.png"
    plot.throughput_curve(series, path=path)
    check_png(path)


@pytest.mark.parametrize("metric", ["ttft_s", "tpot_s", "e2e_s"])
def test_latency_cdf(tmp_path, reports, metric):
    path = tmp_path / f"{metric}.png"
    figure = plot.latency_cdf(reports, metric=metric, path=path)
    check_png(path)
    # One step per request: the curve ends at 1 after the report's count.
    line = figure.axes[0].lines[0]
    label = next(iter(reports))
    assert len(line.get_xdata()) == reports[label][metric]["count"]
    assert line.get_ydata()[-1] == 1.0
    assert max(line.get_xdata()) == max(
        reports[label].requests[metric].dropna())


def test_latency_cdf_needs_request_data(reports):
    with pytest.raises(TypeError, match="per-request table"):
        plot.latency_cdf({"plain": dict(next(iter(reports.values())))})


def test_breakdowns(tmp_path, reports):
    for draw in (plot.time_breakdown, plot.energy_breakdown):
        path = tmp_path / f"{draw.__name__}.png"
        figure = draw(reports, path=path)
        check_png(path)
        assert len(figure.axes[0].patches) == len(reports) * len(
            plot.CATEGORIES)


@pytest.mark.parametrize("emit", ["trace", "json"])
def test_stage_timeline(tmp_path, emit):
    timeline = duplex.compile("mixtral-8x7b", device="duplex", devices=4,
                              stage="prefill=2@2048,decode=62@1024",
                              emit=emit)
    path = tmp_path / f"timeline-{emit}.png"
    figure = plot.stage_timeline(timeline, path=path)
    check_png(path)
    labels = [label.get_text() for label in figure.axes[0].get_yticklabels()]
    assert "xpu" in labels and "logic_pim" in labels
    # Bars coloured by category, named in the legend.
    legend = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert "moe" in legend and "attention_decode" in legend


def test_plots_are_written_like_the_tools_outputs(reports, tmp_path):
    """A plot replaces only a regular file (through the tools' writer): a
    symbolic link or a directory at the path is refused and left as it is."""
    target = tmp_path / "target.png"
    target.write_bytes(b"old")
    link = tmp_path / "link.png"
    link.symlink_to(target)
    with pytest.raises(duplex.DuplexError, match="symbolic link"):
        plot.time_breakdown(reports, path=link)
    assert link.is_symlink() and target.read_bytes() == b"old"
    (tmp_path / "dir.png").mkdir()
    with pytest.raises(duplex.DuplexError, match="directory"):
        plot.time_breakdown(reports, path=tmp_path / "dir.png")
    written = tmp_path / "ok.png"
    plot.time_breakdown(reports, path=written)
    check_png(written)
