#!/usr/bin/env bash
# Whole-run cost of the output: a wet N x N catchment (bench/make_storm_catchment.py with 0.3 m of
# initial water, 100 mm/h of rain, fv1, 2 threads) run for DURATION with frames about every 100
# steps (depth only, and depth + velocity) and with the first and last frames only. Prints the
# wall time of each run (the summary's solver wall time and the whole process), interleaving the
# variants ROUNDS times so that a shared machine's load hits them alike.
# Usage: bench/output_cost.sh FLOODSIM_EXE [N=1024] [DURATION_S=600] [INTERVAL_S=46] [ROUNDS=2]
# (46 s is about 100 fv1 steps at N = 1024: mean dt 0.46 s; see the summary's "mean dt".)
set -euo pipefail
exe="$(realpath "$1")"
n="${2:-1024}"
duration="${3:-600}"
interval="${4:-46}"
rounds="${5:-2}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

/usr/bin/python3 "$root/bench/make_storm_catchment.py" "$out" "$n"
make_variant() {  # name output_interval variables
  sed -e "s/^\[time\]/[initial]\ndepth = 0.3\n[time]/" \
      -e "s/duration = \"1h\"/duration = \"${duration}s\"/" \
      -e "s/output_interval = \"10min\"/output_interval = \"$2s\"/" \
      -e "s/^\[output\]/[output]\nvariables = [$3]/" \
      "$out/storm.toml" > "$out/$1.toml"
}
make_variant frames_depth "$interval" '"depth"'
make_variant frames_velocity "$interval" '"depth", "velocity"'
make_variant final_only "$duration" '"depth"'

printf "%-16s %6s %7s %10s %10s %10s\n" variant round frames steps solver_s process_s
for r in $(seq 1 "$rounds"); do
  for v in final_only frames_depth frames_velocity; do
    start=$(date +%s.%N)
    "$exe" run "$out/$v.toml" --quiet --output "$out/$v.h5" > "$out/$v.txt"
    end=$(date +%s.%N)
    wall=$(sed -n 's/.*wall time *\([0-9.]*\) s.*/\1/p' "$out/$v.txt")
    steps=$(sed -n 's/.* in \([0-9]*\) steps.*/\1/p' "$out/$v.txt")
    frames=$(sed -n 's/.*frames *\([0-9]*\) depth.*/\1/p' "$out/$v.txt")
    printf "%-16s %6s %7s %10s %10s %10.3f\n" "$v" "$r" "$frames" "$steps" "$wall" "$(echo "$end - $start" | bc)"
    rm -f "$out/$v.h5"
  done
done
