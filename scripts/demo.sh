#!/usr/bin/env bash
# The main job: set up (packages, grammars), build, and scan examples/.
#   scripts/demo.sh [extra scalint check arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSCALINT_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target scalint >/dev/null
echo "scalint: scanning examples/"
rc=0
build/src/cli/scalint check "$@" examples/ || rc=$?
# 1 means "findings", which is what the examples are for
[ "$rc" -le 1 ] || exit "$rc"
