#!/usr/bin/env bash
# Installs the Debian 12 packages a task needs, and nothing when they are all there already.
#   tools/install-deps.sh build   compiler, CMake, Ninja, SQLite, libpq, fmt, Boost headers (the tour)
#   tools/install-deps.sh test    build + GoogleTest + a PostgreSQL server    (the test suite)
#   tools/install-deps.sh bench   test + Google Benchmark and the peers the benchmarks compare
#                                 against: SQLiteCpp, SOCI, libpqxx,
#                                 SQLAlchemy, psycopg2
set -euo pipefail

build=(build-essential cmake ninja-build pkg-config libsqlite3-dev libpq-dev libfmt-dev libboost-dev)
test=("${build[@]}" libgtest-dev libgmock-dev postgresql python3)
bench=("${test[@]}" libbenchmark-dev libsqlitecpp-dev libsoci-dev libpqxx-dev
       python3-sqlalchemy python3-psycopg2 util-linux)

case "${1:-test}" in
  build) wanted=("${build[@]}") ;;
  test) wanted=("${test[@]}") ;;
  bench) wanted=("${bench[@]}") ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "installing: ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
