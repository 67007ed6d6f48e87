#!/usr/bin/env bash
# Installs the Debian 12 packages floodsim needs (only those missing) and builds it.
# Usage: scripts/setup.sh [BUILD_DIR] [extra cmake options...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
shift || true

packages=(
  build-essential cmake pkg-config
  libgdal-dev gdal-bin libhdf5-dev hdf5-tools
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libeigen3-dev
  libcurl4-gnutls-dev libxml2-dev
  googletest libgtest-dev libbenchmark-dev
  openmpi-bin libopenmpi-dev libhdf5-openmpi-dev
  python3 python3-numpy python3-h5py python3-gdal python3-matplotlib
)
"$root/scripts/install-packages.sh" setup "${packages[@]}"

jobs="$(nproc 2>/dev/null || echo 2)"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -j "$jobs"
