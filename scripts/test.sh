#!/usr/bin/env bash
# Set up, build everything with the tests, and run the whole test suite through ctest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" "$root/build-tests" -DFLOODSIM_BUILD_TESTS=ON
cd "$root/build-tests"
ctest --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" "$@"
# The portable package (x86-64-v2 with glibc-hwcaps copies), installed and used as a consumer.
"$root/scripts/package.sh"
# In CI (CI=true), or when asked (FLOODSIM_SANITIZE_JOB=1): the sanitizer job, the whole suite
# under ASan + UBSan and the threaded parts under TSan (docs/robustness.md).
if [ "${CI:-}" = "true" ] || [ "${FLOODSIM_SANITIZE_JOB:-0}" = "1" ]; then
  "$root/scripts/sanitize.sh"
fi
