#!/usr/bin/env bash
# The main job: set up, build, run the default example scenario end to end (an HDF5 result in
# examples/urban/out/urban.h5) and print its summary.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh" "$root/build" -DFLOODSIM_BUILD_TESTS=OFF
"$root/build/cli/floodsim" run "$root/examples/urban/urban.toml" "$@"
"$root/build/cli/floodsim" info "$root/examples/urban/out/urban.h5"
