#!/usr/bin/env bash
# Builds the portable package (docs/portability.md): everything for x86-64-v2 plus copies of
# libfloodsim.so for x86-64-v3 and x86-64-v4 that glibc picks by CPU, no FMA contraction (the same
# bits from every copy); installs it into PREFIX (default build-package/install) and checks it as
# a consumer would (tests/package/test_package.sh: a C and a C++ host, the Python client, which
# copy the loader takes, and the same result file from every copy).
# Usage: scripts/package.sh [PREFIX]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-package"
"$root/scripts/setup.sh" "$build" -DFLOODSIM_BUILD_TESTS=OFF -DFLOODSIM_ARCH=portable \
  -DFLOODSIM_HWCAPS="x86-64-v3;x86-64-v4"
bash "$root/tests/package/test_package.sh" "$build" "$root"
if [ $# -ge 1 ]; then
  cmake --install "$build" --prefix "$1"
  echo "floodsim package installed in $1"
fi
