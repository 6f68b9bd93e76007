"""`pip install ./python` works offline: the wheel is built by the in-tree
backend (nothing to download) and installs into a virtual environment."""

import os
import pathlib
import shutil
import subprocess
import sys
import venv

import pytest

from conftest import BUILD, REPOSITORY

pip_missing = subprocess.run([sys.executable, "-m", "pip", "--version"],
                             capture_output=True).returncode != 0


@pytest.mark.skipif(pip_missing, reason="python3-pip is not installed")
def test_pip_install_offline(tmp_path):
    env = dict(os.environ, DUPLEX_BUILD_DIR=str(BUILD), PIP_NO_INDEX="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1",
               # Any download attempt fails at once.
               HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9")
    environment = tmp_path / "venv"
    # System site packages give the venv Debian's matplotlib, as documented.
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(
        environment)
    python = environment / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--no-index",
                    str(REPOSITORY / "python")], env=env, check=True,
                   capture_output=True)
    code = ("import duplex, duplex.plot; print(duplex.__file__); "
            "print(duplex.stats('tiny')['parameters'])")
    result = subprocess.run([str(python), "-c", code], cwd=tmp_path,
                            env=env, capture_output=True, text=True,
                            check=True)
    location, parameters = result.stdout.split()
    assert pathlib.Path(location).is_relative_to(environment)
    assert int(parameters) > 0
    assert not (REPOSITORY / "python" / "build").exists()
    shutil.rmtree(environment)


def test_wheel_declares_its_dependencies(tmp_path):
    sys.path.insert(0, str(REPOSITORY / "python" / "build_backend"))
    try:
        import duplex_build
    finally:
        sys.path.pop(0)
    info = duplex_build.prepare_metadata_for_build_wheel(str(tmp_path))
    metadata = (tmp_path / info / "METADATA").read_text()
    assert "Requires-Dist: numpy\n" in metadata
    assert "Requires-Dist: pandas\n" in metadata
    assert "Provides-Extra: plot\n" in metadata
    assert 'Requires-Dist: matplotlib; extra == "plot"\n' in metadata


def test_no_build_is_a_clear_error(tmp_path, monkeypatch):
    sys.path.insert(0, str(REPOSITORY / "python" / "build_backend"))
    try:
        import duplex_build
    finally:
        sys.path.pop(0)
    monkeypatch.setenv("DUPLEX_BUILD_DIR", str(tmp_path / "nothing"))
    monkeypatch.delenv("DUPLEX_CONFIGURE", raising=False)
    with pytest.raises(RuntimeError, match="no CMake build in .*scripts/setup.sh"):
        duplex_build.build_wheel(str(tmp_path))
