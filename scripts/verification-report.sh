#!/usr/bin/env bash
# Builds the verification report program (Release, build-report/), runs every verification case
# for every scheme at several resolutions (a few minutes on 2 cores) and regenerates
# docs/verification.md and the plots in docs/verification/.
# Usage: scripts/verification-report.sh [--quick]   (--quick: two coarse resolutions, a smoke run)
# Needs: cmake, a C++20 compiler, OpenMP, GoogleTest, /usr/bin/python3 with numpy and matplotlib
# (Debian: python3-numpy python3-matplotlib; scripts/setup.sh installs them).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-report"
out="$build/verification"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target verification_report -j "$(nproc 2>/dev/null || echo 2)"
rm -rf "$out"
"$build/tests/verification/verification_report" "$out" "$root/tests/data/swashes" "$@"
/usr/bin/python3 "$root/tests/verification/report/make_report.py" "$out" "$root/docs"
echo "docs/verification.md regenerated (raw CSVs in $out)"
