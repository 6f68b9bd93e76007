"""The duplex functions return what `duplexc ... --json` prints."""

import json
import os

import pytest

import duplex
from conftest import ONNX_MODEL, REPOSITORY


def without_wall(report):
    return {key: value for key, value in report.items()
            if key != "wall_seconds"}


def test_simulate_is_the_cli_json(cli):
    # The example of the issue that asked for the package.
    report = duplex.simulate("mixtral-8x7b", device="duplex", devices=4,
                             batch=32, lin=256, lout=256, closed_loop=True,
                             requests=64, seed=3)
    expected = cli("simulate", "mixtral-8x7b", "--device", "duplex",
                   "--devices", "4", "--batch", "32", "--lin", "256",
                   "--lout", "256", "--closed-loop", "--requests", "64",
                   "--seed", "3", "--json")
    assert without_wall(report) == without_wall(expected)
    assert report["requests"] == 64
    assert report["throughput_tokens_per_s"] > 0


def test_simulate_poisson_and_text(cli):
    args = dict(device="h100", devices=2, qps=4.0, requests=16, lin=128,
                lout=32, len_std=0, seed=1)
    report = duplex.simulate("tiny-moe", **args)
    expected = cli("simulate", "tiny-moe", "--device", "h100", "--devices",
                   "2", "--qps", "4", "--requests", "16", "--lin", "128",
                   "--lout", "32", "--len-std", "0", "--seed", "1", "--json")
    assert without_wall(report) == without_wall(expected)
    text = duplex.simulate("tiny-moe", json=False, **args)
    assert text.startswith("tiny-moe on h100: 2 device(s)")


def test_simulate_long_context_and_work_limits(cli):
    # tiny has 512 positions (models/tiny.json): 509 + 4 is one too many.
    args = dict(device="h100", requests=2, lin=509, lout=4, len_std=0)
    with pytest.raises(duplex.DuplexError, match="max_position_embeddings"):
        duplex.simulate("tiny", **args)
    report = duplex.simulate("tiny", allow_long_context=True, **args)
    expected = cli("simulate", "tiny", "--device", "h100", "--requests", "2",
                   "--lin", "509", "--lout", "4", "--len-std", "0",
                   "--allow-long-context", "--json")
    assert without_wall(report) == without_wall(expected)
    assert report["past_max_position_embeddings"] == 2
    # 2 requests x 4 tokens = 8 generated tokens: past a limit of 7.
    with pytest.raises(duplex.DuplexError, match="--limit-tokens"):
        duplex.simulate("tiny", allow_long_context=True, limit_tokens=7,
                        **args)
    with pytest.raises(duplex.DuplexError, match="--limit-requests"):
        duplex.simulate("tiny", allow_long_context=True, limit_requests=1,
                        **args)


def test_simulate_replicas_per_node(cli):
    # L3's TP2 x DP4 on one DGX-A100 (--replicas-per-node).
    report = duplex.simulate("tiny", device="dgx-a100-dimm-pim", devices=2,
                             replicas_per_node=4, coprocess="l3",
                             closed_loop=True, batch=8, requests=16, lin=64,
                             lout=16, seed=2)
    expected = cli("simulate", "tiny", "--device", "dgx-a100-dimm-pim",
                   "--devices", "2", "--replicas-per-node", "4",
                   "--coprocess", "l3", "--closed-loop", "--batch", "8",
                   "--requests", "16", "--lin", "64", "--lout", "16",
                   "--seed", "2", "--json")
    assert without_wall(report) == without_wall(expected)


def test_simulate_batch_calibration_and_scheduler(cli):
    # batch is the system's, dealt over the 2 nodes; batch_per_replica
    # sets each node's; calibration and scheduler pass through.
    args = dict(device="h100", nodes=2, closed_loop=True, requests=16,
                lin=64, lout=8, seed=1)
    report = duplex.simulate("tiny", batch=8, calibration="paper",
                             scheduler="sarathi", **args)
    expected = cli("simulate", "tiny", "--device", "h100", "--nodes", "2",
                   "--closed-loop", "--requests", "16", "--lin", "64",
                   "--lout", "8", "--seed", "1", "--batch", "8",
                   "--calibration", "paper", "--scheduler", "sarathi",
                   "--json")
    assert without_wall(report) == without_wall(expected)
    assert report["batch_limit"] == {"system": 8, "per_replica": 4,
                                     "replicas": 2}
    assert (report["calibration"], report["scheduler"]) == ("paper",
                                                            "sarathi")
    # compile takes the profile too: paper prices the H100 at 3.35 TB/s.
    placed = duplex.compile("tiny", device="h100", stage="decode=1@64",
                            emit="json", calibration="paper")
    expected = cli("compile", "tiny", "--device", "h100", "--stage",
                   "decode=1@64", "--emit=json", "--calibration", "paper")
    assert placed == expected
    per_replica = duplex.simulate("tiny", batch_per_replica=8, **args)
    assert per_replica["batch_limit"]["system"] == 16
    with pytest.raises(duplex.DuplexError, match="unknown policy 'fifo'"):
        duplex.simulate("tiny", scheduler="fifo", **args)


@pytest.mark.parametrize("emit", ["placement", "placed", "opb", "json",
                                  "trace"])
def test_compile_is_the_cli_json(cli, emit):
    stage = "prefill=2@2048,decode=62@1024"
    result = duplex.compile("mixtral-8x7b", device="duplex", devices=4,
                            stage=stage, emit=emit)
    args = ["compile", "mixtral-8x7b", "--device", "duplex", "--devices", "4",
            "--stage", stage, "--emit=" + emit]
    if emit in ("placement", "placed", "opb"):
        args.append("--json")
    assert result == cli(*args)


def test_compile_text_outputs(cli):
    args = dict(device="duplex", stage="decode=8@256")
    ir = duplex.compile("tiny", emit="schedule", **args)
    assert ir == cli("compile", "tiny", "--device", "duplex", "--stage",
                     "decode=8@256", "--emit=schedule", parse=False)
    assert "dx.schedule" in ir
    table = duplex.compile("tiny", emit="placement", json=False, **args)
    assert "ridge point" in table


def test_save_and_apply_placement(tmp_path):
    saved = tmp_path / "placement.json"
    args = dict(device="duplex", stage="decode=16@256", emit="placement")
    chosen = duplex.compile("tiny-moe", save_placement=saved, **args)
    assert saved.exists()
    applied = duplex.compile("tiny-moe", placement=saved, **args)

    def units(result):
        return [(r["op"], r["part"], r["unit"]) for r in result["records"]]
    assert units(applied) == units(chosen)
    assert applied["ridge_points"] == chosen["ridge_points"]


def test_stats_of_a_name_and_an_onnx_export(cli):
    assert duplex.stats("mixtral-8x7b") == cli("stats", "mixtral-8x7b",
                                               "--json")
    onnx = duplex.stats(ONNX_MODEL, weight_dtype="int8")
    assert onnx == cli("stats", ONNX_MODEL, "--weight-dtype", "int8",
                       "--json")
    assert onnx["parameters"] > 0
    assert duplex.stats("gpt2", json=False) == cli("stats", "gpt2",
                                                   parse=False)


def test_stats_of_a_hugging_face_config(cli):
    config = REPOSITORY / "test/Import/HF/Inputs/mistral-7b.json"
    stats = duplex.stats(config, kv_dtype="fp8")
    assert stats == cli("stats", config, "--kv-dtype", "fp8", "--json")
    assert stats["parameters"] > 7e9


def test_models(cli):
    models = duplex.models()
    assert models == cli("models", "--json")
    assert "mixtral-8x7b" in [model["name"] for model in models]


def test_load_device():
    device = duplex.load_device("duplex", devices=4)
    assert device["name"] == "duplex"
    assert device["devices_per_node"] == 4
    kinds = {unit["kind"] for unit in device["units"]}
    assert {"xpu", "logic_pim"} <= kinds
    assert device["device_memory_bytes"] > 0
    assert all(unit["peak_flops_per_s"] for unit in device["units"])


@pytest.mark.parametrize("call, message", [
    (lambda: duplex.stats("no-such-model"), "no-such-model"),
    (lambda: duplex.stats("tiny", weight_dtype="f64"),
     "--weight-dtype=f64 is not a known type"),
    (lambda: duplex.load_device("no-such-device"), "no-such-device"),
    (lambda: duplex.load_device("h100", devices=1000), "1000"),
    (lambda: duplex.compile("tiny", device="duplex", stage="decode=1@1",
                            emit="nothing"), "--emit=nothing is not one of"),
    (lambda: duplex.compile("tiny", device="duplex", stage="bogus"),
     "bogus"),
    (lambda: duplex.simulate("tiny", device="duplex", lin=100, len_std=2),
     "--len-std is the standard deviation"),
    (lambda: duplex.simulate("tiny", device="duplex", trace="missing.csv"),
     "missing.csv"),
])
def test_errors_raise_duplex_error(call, message):
    with pytest.raises(duplex.DuplexError, match=message):
        call()
    # The interpreter and the library are still usable afterwards.
    assert duplex.models()


def test_error_text_is_the_cli_message(tmp_path):
    import subprocess
    from conftest import BUILD
    result = subprocess.run([str(BUILD / "bin" / "duplexc"), "simulate",
                             "tiny", "--device", "nope"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    with pytest.raises(duplex.DuplexError) as error:
        duplex.simulate("tiny", device="nope")
    assert result.stderr == f"duplexc simulate: error: {error.value}\n"


# onnxruntime's tiny Qwen3.5 decoder: its recurrent-state stub reads 1,000
# parameters the raise cannot place (test/Conversion/ONNXToLLM/
# real-partial.test derives the 185,984 it can).
PARTIAL_ONNX_MODEL = (REPOSITORY / "test/Import/ONNX/Inputs"
                      / "tiny-qwen35-cuda/decoder.onnx")


def test_an_incomplete_raise_is_an_error_unless_partial_is_allowed(cli):
    with pytest.raises(duplex.DuplexError,
                       match="could not be raised to llm ops"):
        duplex.stats(PARTIAL_ONNX_MODEL)
    stats = duplex.stats(PARTIAL_ONNX_MODEL, allow_partial=True)
    assert stats == cli("stats", PARTIAL_ONNX_MODEL, "--allow-partial",
                        "--json")
    assert stats["partial"] is True
    assert stats["parameters"] == 185984
    assert "partial" not in duplex.stats(ONNX_MODEL)


def test_a_decimal_comma_locale_changes_nothing(tmp_path):
    """Python code may set LC_NUMERIC to a locale with a decimal comma; the
    C++ side still reads and writes JSON numbers with a point."""
    import shutil
    import subprocess
    import sys
    if not shutil.which("localedef"):
        pytest.skip("localedef (package locales) is not installed")
    built = subprocess.run(["localedef", "-i", "de_DE", "-f", "UTF-8",
                            str(tmp_path / "de_DE.UTF-8")],
                           capture_output=True)
    if not (tmp_path / "de_DE.UTF-8").exists():
        pytest.skip("the de_DE locale source is not installed: "
                    + built.stderr.decode()[:200])
    script = (
        "import locale, json, duplex\n"
        "locale.setlocale(locale.LC_NUMERIC, 'de_DE.UTF-8')\n"
        "assert locale.localeconv()['decimal_point'] == ','\n"
        "stats = duplex.stats('tiny')\n"
        "report = duplex.simulate('tiny', device='h100', requests=4, lin=64, lout=16,\n"
        "                         seed=1)\n"
        "print(json.dumps([stats['parameters'],\n"
        "                  report['throughput_tokens_per_s']]))\n")
    env = dict(os.environ, LOCPATH=str(tmp_path),
               PYTHONPATH=os.pathsep.join(sys.path))
    result = subprocess.run([sys.executable, "-c", script], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    parameters, throughput = json.loads(result.stdout)
    assert parameters == 106816  # models/tiny.json, derived in stats-tiny.test
    expected = duplex.simulate("tiny", device="h100", requests=4, lin=64, lout=16,
                               seed=1)
    assert throughput == expected["throughput_tokens_per_s"]


def test_model_type_as_reads_a_fork_as_its_family(cli, tmp_path):
    # Llama-2-70B's config under a fork's model_type: refused as an unknown
    # architecture, read as llama with model_type_as, the same totals as
    # the bundled llama-2-70b (69.0B parameters, Touvron et al. 2023) and
    # as the CLI's --model-type-as.
    config = json.loads((REPOSITORY / "models/llama-2-70b.json").read_text())
    config["model_type"] = "my_llama_fork"
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    with pytest.raises(duplex.DuplexError, match="--model-type-as"):
        duplex.stats(path)
    read = duplex.stats(path, model_type_as="llama")
    assert read == cli("stats", path, "--model-type-as", "llama", "--json")
    bundled = duplex.stats("llama-2-70b")
    assert read["parameters"] == bundled["parameters"]
    assert abs(read["parameters"] / 69.0e9 - 1) < 0.005
    report = duplex.simulate(path, model_type_as="llama", device="h100",
                             devices=4, requests=4, batch=4)
    assert report["generated_tokens"] > 0


def test_load_device_says_which_wider_type_a_unit_computes_at():
    # devices/a100.json lists no fp8 or fp4 peak: both run at fp16, the
    # nearest wider type it lists; int4 at its int8 (docs/device-format.md).
    # The B200 lists fp4 (9 PFLOPS dense), so fp4 is not remapped there.
    a100 = duplex.load_device("a100")["units"][0]
    assert a100["computes_as"] == {"fp4": "fp16", "fp8": "fp16",
                                   "int4": "int8"}
    b200 = duplex.load_device("b200")["units"][0]
    assert "fp4" not in b200["computes_as"]
    assert b200["peak_flops_per_s"]["fp4"] == 9000e12
