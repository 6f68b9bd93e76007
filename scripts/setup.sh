#!/usr/bin/env bash
# Installs every Debian package Duplex needs (only the missing ones, so it is
# cheap to re-run) and builds the project into build/. clang-22 and its
# sanitizer/libFuzzer runtimes build the fuzz targets (scripts/fuzz.sh) and
# the sanitizer build (scripts/test-sanitizers.sh).
#
#   DUPLEX_JOBS=N   parallel build jobs (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++ git
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libonnx-dev libprotobuf-dev protobuf-compiler
  libfmt-dev libgtest-dev libbenchmark-dev pybind11-dev
  libzstd-dev zlib1g-dev
  python3 python3-dev python3-pip python3-venv
  python3-onnx python3-numpy python3-matplotlib python3-pandas python3-distributed python3-pytest
  python3-torch
  clang-22 libclang-rt-22-dev
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
    grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    --no-install-recommends "${missing[@]}"
fi

cmake -G Ninja -S . -B build \
  -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "${DUPLEX_JOBS:-2}"
