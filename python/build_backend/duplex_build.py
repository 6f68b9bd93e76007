"""A PEP 517 build backend for the duplex package that needs nothing from
PyPI: it builds the CMake target ``duplex-python`` (configuring the project
first if needed) and writes a wheel of ``duplex/*.py`` plus the compiled
``_duplex`` extension with the standard library's zipfile.

The CMake build directory is ``$DUPLEX_BUILD_DIR``, or ``build/`` of the
repository that holds this ``python/`` folder.
"""

import base64
import glob
import hashlib
import os
import subprocess
import sys
import sysconfig
import zipfile

NAME = "duplex"
VERSION = "0.1.0"
PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPOSITORY = os.path.dirname(PYTHON_DIR)
MLIR_DIR = "/usr/lib/llvm-22/lib/cmake/mlir"


def _build_dir():
    return os.path.abspath(os.environ.get("DUPLEX_BUILD_DIR")
                           or os.path.join(REPOSITORY, "build"))


def _build_extension():
    """Builds (or brings up to date) the extension; returns its path. With
    no configured build directory it stops with what to run, unless
    DUPLEX_CONFIGURE=1 asks it to configure and compile the whole project
    (many minutes, with pip showing nothing)."""
    build = _build_dir()
    jobs = os.environ.get("DUPLEX_JOBS", "2")
    if not os.path.exists(os.path.join(build, "CMakeCache.txt")):
        if os.environ.get("DUPLEX_CONFIGURE") != "1":
            raise RuntimeError(
                f"duplex: no CMake build in {build}. Build the project first "
                f"(bash scripts/setup.sh in {REPOSITORY}, about 7 minutes), "
                "or point DUPLEX_BUILD_DIR at a build; DUPLEX_CONFIGURE=1 "
                "makes pip configure and compile it itself.")
        print(f"duplex: configuring and compiling {build} (many minutes)",
              file=sys.stderr)
        subprocess.check_call(
            ["cmake", "-G", "Ninja", "-S", REPOSITORY, "-B", build,
             "-DMLIR_DIR=" + MLIR_DIR, "-DCMAKE_BUILD_TYPE=Release",
             "-DPYTHON_EXECUTABLE=" + sys.executable],
            stdout=sys.stderr)
    subprocess.check_call(["cmake", "--build", build, "--target",
                           "duplex-python", "-j", jobs], stdout=sys.stderr)
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    path = os.path.join(build, "python", NAME, "_duplex" + suffix)
    if not os.path.exists(path):
        found = glob.glob(os.path.join(build, "python", NAME, "_duplex*"))
        raise RuntimeError(
            f"{path} was not built (found {found or 'nothing'}): configure "
            f"{build} with -DPYTHON_EXECUTABLE={sys.executable}")
    return path


def _tag():
    version = f"cp{sys.version_info.major}{sys.version_info.minor}"
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"{version}-{version}-{platform}"


# What the package imports: numpy and pandas (per-request DataFrames) always,
# matplotlib for duplex.plot (the "plot" extra). Debian's python3-numpy,
# python3-pandas and python3-matplotlib satisfy them (a venv made with
# --system-site-packages sees them; pip downloads nothing).
REQUIRES = ["numpy", "pandas"]
EXTRAS = {"plot": ["matplotlib"]}


def _metadata():
    lines = [f"Metadata-Version: 2.1", f"Name: {NAME}", f"Version: {VERSION}",
             "Summary: Compile and simulate LLM inference on PIM devices "
             "(Duplex toolchain)", "Requires-Python: >=3.9"]
    lines += [f"Requires-Dist: {name}" for name in REQUIRES]
    for extra, names in EXTRAS.items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {name}; extra == "{extra}"'
                  for name in names]
    return "\n".join(lines) + "\n"


def _wheel_info():
    return (f"Wheel-Version: 1.0\nGenerator: duplex_build\n"
            f"Root-Is-Purelib: false\nTag: {_tag()}\n")


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest())
    return f"{name},sha256={digest.rstrip(b'=').decode()},{len(data)}"


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    info = f"{NAME}-{VERSION}.dist-info"
    os.makedirs(os.path.join(metadata_directory, info), exist_ok=True)
    with open(os.path.join(metadata_directory, info, "METADATA"), "w") as f:
        f.write(_metadata())
    with open(os.path.join(metadata_directory, info, "WHEEL"), "w") as f:
        f.write(_wheel_info())
    return info


def build_wheel(wheel_directory, config_settings=None,
                metadata_directory=None):
    extension = _build_extension()
    files = [(f"{NAME}/{os.path.basename(path)}", path) for path in
             sorted(glob.glob(os.path.join(PYTHON_DIR, NAME, "*.py")))]
    files.append((f"{NAME}/{os.path.basename(extension)}", extension))
    info = f"{NAME}-{VERSION}.dist-info"
    wheel = f"{NAME}-{VERSION}-{_tag()}.whl"
    records = []
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel), "w",
                         zipfile.ZIP_DEFLATED) as archive:
        def add(name, data):
            info_ = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info_.external_attr = 0o755 << 16 if name.endswith(".so") \
                else 0o644 << 16
            info_.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info_, data)
            records.append(_record_line(name, data))
        for name, path in files:
            with open(path, "rb") as f:
                add(name, f.read())
        add(f"{info}/METADATA", _metadata().encode())
        add(f"{info}/WHEEL", _wheel_info().encode())
        add(f"{info}/top_level.txt", f"{NAME}\n".encode())
        records.append(f"{info}/RECORD,,")
        archive.writestr(f"{info}/RECORD", "\n".join(records) + "\n")
    return wheel
