#!/usr/bin/env bash
# Regenerates the dialect and pass reference from ODS/Passes.td and copies it
# into docs/reference (run after changing a .td file; a test checks it).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build --target mlir-doc >/dev/null
(cd build/docs && find . -name '*.md') | while read -r doc; do
  mkdir -p "docs/reference/$(dirname "$doc")"
  cp "build/docs/$doc" "docs/reference/$doc"
done
echo "docs/reference updated"
