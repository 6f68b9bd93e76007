# lit configuration for the Duplex toolchain tests.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "DUPLEX"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
# ONNX text models with RUN lines in `#` comments (test/Import/ONNX).
config.suffixes.append(".onnxtext")
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.duplex_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%duplex_src_root", config.duplex_src_root))
config.substitutions.append(("%python", config.python_executable))

llvm_config.with_system_environment(["HOME", "TMP", "TEMP"])
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.use_default_substitutions()

tool_dirs = [config.duplex_tools_dir, config.llvm_tools_dir]
tools = ["duplex-opt", "duplex-translate", "duplexc", "split-file", "not", "count"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# ONNX tests that build binary models with python3-onnx, and the torch
# export tests (scripts/export_torch_models.py) when python3-torch is there.
import subprocess
def _python_can_import(modules):
    try:
        return subprocess.run([config.python_executable, "-c", "import " + modules],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=120).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False
if _python_can_import("onnx"):
    config.available_features.add("onnx-python")
if _python_can_import("torch, onnx"):
    config.available_features.add("torch")
