"""Shared setup of the duplex package tests.

The package is imported from the CMake build tree ($DUPLEX_BUILD_DIR, or
build/ of this repository) unless DUPLEX_TEST_INSTALLED is set (then the
installed one is tested). `cli` runs the build's duplexc for comparisons.
"""

import json
import os
import pathlib
import subprocess
import sys

import pytest

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("DUPLEX_BUILD_DIR",
                                    REPOSITORY / "build")).resolve()
if not os.environ.get("DUPLEX_TEST_INSTALLED"):
    sys.path.insert(0, str(BUILD / "python"))

# The smallest real exporter output in the tree (onnxruntime-genai's model
# builder; its external data is missing on purpose: weights are never read).
ONNX_MODEL = (REPOSITORY / "test/Import/ONNX/Inputs"
              / "tiny-random-LlamaForCausalLM-fp32/model.onnx")


def run_cli(*args, parse=True):
    """Runs `duplexc ARGS` and returns its parsed JSON (or its text)."""
    result = subprocess.run([str(BUILD / "bin" / "duplexc"), *map(str, args)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout) if parse else result.stdout


@pytest.fixture
def cli():
    return run_cli
