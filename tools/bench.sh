#!/usr/bin/env bash
# Builds the benchmarks in a Release build and runs them; each prints its contenders' ratios to
# the raw C driver API. Figures go to bench/RESULTS.md by hand, with this command.
#   tools/bench.sh                       every benchmark
#   tools/bench.sh pg_point_select ...   only these (the names without "bench_")
# The PostgreSQL ones (bench_pg_*) run against a throwaway server started here and stopped on
# exit, with client and server pinned to one core (taskset -c 0; the postmaster's backends
# inherit it): on this VM a cross-core wake-up costs ~50 µs per round trip, which would hide the
# libraries' own cost.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/bench"
"$root/tools/install-deps.sh" bench
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DATHANOR_BUILD_BENCH=ON -DATHANOR_BUILD_TESTS=OFF -DATHANOR_BUILD_EXAMPLES=OFF >/dev/null

benches=()
if [ $# -eq 0 ]; then
  cmake --build "$build"
  benches=("$build"/bench/bench_*)
else
  for name in "$@"; do
    cmake --build "$build" --target "bench_$name"
    benches+=("$build/bench/bench_$name")
  done
fi

pg_dir=""
for b in "${benches[@]}"; do
  case "$(basename "$b")" in
    bench_pg_*)
      if [ -z "$pg_dir" ]; then
        pg_dir=$(mktemp -d /tmp/athanor-bench-pg.XXXXXX)
        trap '"$root/tools/pg-server.sh" stop "$pg_dir"' EXIT
        url=$(taskset -c 0 "$root/tools/pg-server.sh" start "$pg_dir")
        export ATHANOR_BENCH_POSTGRESQL_URL="$url"
      fi
      taskset -c 0 "$b"
      ;;
    *) "$b" ;;
  esac
done
