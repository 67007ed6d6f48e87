#!/usr/bin/env bash
# Issue 12's speed goal, measured: `floodsim risk` on a 1000 x 1000 result with 100 frames (and
# 1000 assets: points, lines, polygons) in under 10 s, with the depth criterion (the default) and
# with Defra (which reads the velocities of every frame too). Each the median of REPS runs.
#   bash bench/risk.sh [NX NY FRAMES ASSETS]      env: REPS (default 3), BUILD (default build-bench)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD:-$root/build-bench}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFLOODSIM_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target floodsim risk_bench_input >/dev/null
reps="${REPS:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$build/bench/risk_bench_input" "$work" "${1:-1000}" "${2:-1000}" "${3:-100}" "${4:-1000}"
echo "result: $(du -h "$work/result.h5" | cut -f1)"
printf 'criterion = "defra"\n' >"$work/defra.toml"
for criterion in depth defra; do
  levels=()
  [ "$criterion" = defra ] && levels=(--levels "$work/defra.toml")
  walls=()
  for ((r = 0; r < reps; ++r)); do
    rm -rf "$work/out"
    start=$(date +%s.%N)
    "$build/cli/floodsim" risk "$work/result.h5" --assets "$work/assets.gpkg" "${levels[@]}" --out "$work/out" >"$work/log"
    walls+=("$(echo "$(date +%s.%N) - $start" | bc)")
  done
  median="$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}')"
  echo "criterion $criterion: median wall time $median s of $reps run(s) (goal 10 s); the last run:"
  sed 's/^/  /' "$work/log" | head -8
done
