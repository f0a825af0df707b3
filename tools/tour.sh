#!/usr/bin/env bash
# The main job: installs what it needs, builds Athanor, and runs the tour — one program per seed
# page, each running that page's examples on embedded SQLite with echo on.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/install-deps.sh" build
cmake -S "$root" -B "$root/build/tour" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DATHANOR_BUILD_TESTS=OFF >/dev/null
cmake --build "$root/build/tour" --target tour
