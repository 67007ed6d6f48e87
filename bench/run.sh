#!/usr/bin/env bash
# Builds Release with the benchmarks, runs them and writes docs/performance.md: kernel and whole-
# step throughput (cell updates per second) in double and single precision, bytes per cell,
# dry-skipping and thread ratios, peak memory of a 4096^2 fv1 run, the cost of writing frames,
# and whole 1-hour storm runs over 1000 x 1000 cells at 10 m for every scheme and precision.
# Ratios are taken within one run: these machines are shared and noisy. Every kernel and
# whole-step rate is the median of REPS repetitions (Google Benchmark's --benchmark_repetitions,
# default 3); the output benchmarks (several seconds each) run once.
# Usage: bench/run.sh [--quick] [--reps N] [--filter REGEX]
#   --quick   smaller whole runs and shorter benchmark times
#   --reps N  repetitions per benchmark (at least 3; default 3)
#   --filter  only the whole-step benchmarks matching REGEX; skips the kernels, output, memory and
#             whole runs, and writes the report to stdout instead of docs/performance.md (a check)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-bench"
quick=0 reps=3 filter=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --reps) reps="$2"; shift 2 ;;
    --filter) filter="$2"; shift 2 ;;
    *) echo "usage: bench/run.sh [--quick] [--reps N] [--filter REGEX]" >&2; exit 2 ;;
  esac
done
[ "$reps" -ge 3 ] || { echo "run.sh: --reps must be at least 3" >&2; exit 2; }
py=/usr/bin/python3

if [ -n "$filter" ]; then  # a check: build only bench_steps
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFLOODSIM_BUILD_BENCH=ON -DFLOODSIM_BUILD_TESTS=OFF \
    -DFLOODSIM_CORE_ONLY=OFF >/dev/null
  cmake --build "$build" -j "$(nproc)" --target bench_steps >/dev/null
else
  "$root/scripts/setup.sh" "$build" -DFLOODSIM_BUILD_BENCH=ON -DFLOODSIM_BUILD_TESTS=OFF -DFLOODSIM_CORE_ONLY=OFF
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

min_time=0.5
[ $quick -eq 1 ] && min_time=0.1
reps_args=(--benchmark_repetitions="$reps" --benchmark_display_aggregates_only=true)
uptime > "$out/load_before.txt"
if [ -n "$filter" ]; then
  "$build/bench/bench_steps" --benchmark_min_time=$min_time "${reps_args[@]}" --benchmark_filter="$filter" \
    --benchmark_format=json --benchmark_out="$out/steps.json" >/dev/null
  uptime > "$out/load_after.txt"
  "$py" "$root/bench/report.py" "$out" 0
  exit 0
fi
"$build/bench/bench_kernels" --benchmark_min_time=$min_time "${reps_args[@]}" --benchmark_format=json \
  --benchmark_out="$out/kernels.json" >/dev/null
"$build/bench/bench_steps" --benchmark_min_time=$min_time "${reps_args[@]}" --benchmark_format=json \
  --benchmark_out="$out/steps.json" >/dev/null
if [ -x "$build/bench/bench_output" ]; then
  "$build/bench/bench_output" --benchmark_format=json --benchmark_out="$out/output.json" >/dev/null || true
fi
"$build/bench/memory_fv1" 4096 double > "$out/memory.txt"
"$build/bench/memory_fv1" 4096 single >> "$out/memory.txt"

# Whole runs: 1 h of a 100 mm/h storm over 1000 x 1000 cells at 10 m, each scheme and precision.
n=1000
[ $quick -eq 1 ] && n=300
"$py" "$root/bench/make_storm_catchment.py" "$out/storm" "$n"
for scheme in fv1 fv2 inertial; do
  for precision in double single; do
    tag="${scheme}_${precision}"
    sed -e "s/scheme = \"fv1\"/scheme = \"$scheme\"\nprecision = \"$precision\"/" \
      "$out/storm/storm.toml" > "$out/storm/storm_$tag.toml"
    start=$(date +%s.%N)
    "$build/cli/floodsim" run "$out/storm/storm_$tag.toml" --quiet --output "$out/storm/$tag.h5" \
      > "$out/run_$tag.txt" 2>&1 || echo "run failed" >> "$out/run_$tag.txt"
    end=$(date +%s.%N)
    echo "$end - $start" | bc > "$out/wall_$tag.txt"
  done
done
uptime > "$out/load_after.txt"

"$py" "$root/bench/report.py" "$out" "$n" > "$root/docs/performance.md"
echo "wrote docs/performance.md"
