#!/usr/bin/env bash
# Builds the benchmarks in a Release build and runs them; each prints its contenders' ratios to
# the raw C driver API. Figures go to bench/RESULTS.md by hand, with this command.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/install-deps.sh" bench
cmake -S "$root" -B "$root/build/bench" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DATHANOR_BUILD_BENCH=ON -DATHANOR_BUILD_TESTS=OFF -DATHANOR_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$root/build/bench"
for b in "$root"/build/bench/bench/bench_*; do
  "$b"
done
