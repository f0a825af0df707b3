#!/usr/bin/env bash
# Installs what the tests need, builds, and passes every test:
#   1. the suite (unit, backend-parametrized, seed ports, the tour) in a normal build;
#   2. the same suite under AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. the pool and threading tests (tests/pool, the dialect registry) under ThreadSanitizer;
#   4. an installed Athanor used from a separate project through find_package(athanor).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
"$root/tools/install-deps.sh" test

# A throwaway PostgreSQL server: the backend suites run once more against it.
pgdir=$(mktemp -d /tmp/athanor-pg.XXXXXX)
work=$(mktemp -d)
trap '"$root/tools/pg-server.sh" stop "$pgdir"; rm -rf "$work"' EXIT
ATHANOR_TEST_POSTGRESQL_URL=$("$root/tools/pg-server.sh" start "$pgdir")
export ATHANOR_TEST_POSTGRESQL_URL
echo "PostgreSQL test server: ${ATHANOR_TEST_POSTGRESQL_URL/:tiger@/:***@}"

passed=0
# Tests that use the PostgreSQL server share its one database, so they run one at a time; the
# rest run in parallel.
server_tests='/postgresql|Pg(Batch|Driver|Stream)|PostgreSQL(Engine|Dialect)'

# Runs ctest in a build directory (server tests serially, the others in parallel) and adds the
# test counts to the total.
run_ctest() {
  local dir=$1
  shift
  local log
  log=$(mktemp)
  (cd "$dir" && env "$@" ctest --output-on-failure -j "$jobs" -E "$server_tests") | tee "$log"
  (cd "$dir" && env "$@" ctest --output-on-failure -R "$server_tests") | tee -a "$log"
  local count
  for count in $(sed -n 's/.*tests passed, 0 tests failed out of \([0-9]*\).*/\1/p' "$log"); do
    passed=$((passed + count))
  done
  rm -f "$log"
}

# Runs a test binary with a --gtest_filter and adds its passed count to the total.
run_gtest() {
  local binary=$1 filter=$2
  shift 2
  local log
  log=$(mktemp)
  if ! env "$@" "$binary" --gtest_filter="$filter" >"$log" 2>&1; then
    cat "$log"
    exit 1
  fi
  grep '^\[  PASSED  \]' "$log"
  passed=$((passed + $(sed -n 's/^\[  PASSED  \] \([0-9]*\) tests\?\./\1/p' "$log")))
  rm -f "$log"
}

configure_build() {
  local dir=$1
  shift
  cmake -S "$root" -B "$dir" -G Ninja -DATHANOR_BUILD_TESTS=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

echo "== normal build"
configure_build "$root/build/release" -DCMAKE_BUILD_TYPE=RelWithDebInfo
run_ctest "$root/build/release"

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build"
configure_build "$root/build/asan" -DCMAKE_BUILD_TYPE=Debug -DATHANOR_SANITIZE=ON
run_ctest "$root/build/asan" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

echo "== ThreadSanitizer build: the pool and threading tests"
cmake -S "$root" -B "$root/build/tsan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DATHANOR_TSAN=ON \
  >/dev/null
cmake --build "$root/build/tsan" -j "$jobs" --target athanor_thread_tests
run_gtest "$root/build/tsan/tests/athanor_thread_tests" '*' \
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

echo "== installed package, used with find_package(athanor)"
cmake --install "$root/build/release" --prefix "$work/prefix" >/dev/null
cmake -S "$root/tests/consumer" -B "$work/consumer" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  >/dev/null
cmake --build "$work/consumer"
"$work/consumer/consumer"
passed=$((passed + 1))

echo "all: $passed passed, 0 failed"
