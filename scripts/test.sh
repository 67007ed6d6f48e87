#!/usr/bin/env bash
# Set up, build everything with the tests, and run the whole test suite through ctest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" "$root/build-tests" -DFLOODSIM_BUILD_TESTS=ON
cd "$root/build-tests"
ctest --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" "$@"
# The portable package (x86-64-v2 with glibc-hwcaps copies), installed and used as a consumer.
"$root/scripts/package.sh"
