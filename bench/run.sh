#!/usr/bin/env bash
# Builds Release with the benchmarks, runs them and writes docs/performance.md: kernel and whole-
# step throughput (cell updates per second), bytes per cell, dry-skipping and thread ratios, peak
# memory of a 4096^2 fv1 run, and whole 1-hour storm runs over 1000 x 1000 cells at 10 m.
# Ratios are taken within one run: these machines are shared and noisy.
# Usage: bench/run.sh [--quick]   (--quick: smaller whole runs and shorter benchmark times)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-bench"
quick=0
[ "${1:-}" = "--quick" ] && quick=1
py=/usr/bin/python3

"$root/scripts/setup.sh" "$build" -DFLOODSIM_BUILD_BENCH=ON -DFLOODSIM_BUILD_TESTS=OFF
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

min_time=0.5
[ $quick -eq 1 ] && min_time=0.1
"$build/bench/bench_kernels" --benchmark_format=json --benchmark_out="$out/kernels.json" >/dev/null
"$build/bench/bench_steps" --benchmark_min_time=$min_time --benchmark_format=json \
  --benchmark_out="$out/steps.json" >/dev/null
"$build/bench/memory_fv1" 4096 > "$out/memory.txt"

# Whole runs: 1 h of a 100 mm/h storm over 1000 x 1000 cells at 10 m, each scheme.
n=1000
[ $quick -eq 1 ] && n=300
"$py" "$root/bench/make_storm_catchment.py" "$out/storm" "$n"
for scheme in fv1 fv2 inertial; do
  sed "s/scheme = \"fv1\"/scheme = \"$scheme\"/" "$out/storm/storm.toml" > "$out/storm/storm_$scheme.toml"
  start=$(date +%s.%N)
  "$build/cli/floodsim" run "$out/storm/storm_$scheme.toml" --quiet --output "$out/storm/$scheme.h5" \
    > "$out/run_$scheme.txt" 2>&1 || echo "run failed" >> "$out/run_$scheme.txt"
  end=$(date +%s.%N)
  echo "$end - $start" | bc > "$out/wall_$scheme.txt"
done

"$py" "$root/bench/report.py" "$out" "$n" > "$root/docs/performance.md"
echo "wrote docs/performance.md"
