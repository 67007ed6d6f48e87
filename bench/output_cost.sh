#!/usr/bin/env bash
# Whole-run cost of the output: a wet N x N catchment (bench/make_storm_catchment.py with 0.3 m of
# initial water, 100 mm/h of rain, fv1, 2 threads) run for DURATION with frames about every 100
# steps (depth only, and depth + velocity) and with the first and last frames only. Prints the
# wall time of each run (the summary's solver wall time and the whole process), its CPU time
# (user + system, all threads), the writer thread's busy time and the time the solver waited for
# it (the summary's "output" line; absent in builds before the writer thread), interleaving the
# variants ROUNDS times so that a shared machine's load hits them alike.
# Usage: bench/output_cost.sh FLOODSIM_EXE[,FLOODSIM_EXE...] [N=1024] [DURATION_S=600] [INTERVAL_S=46] [ROUNDS=2]
# (several executables, comma-separated, are interleaved too: e.g. before and after a change)
# (46 s is about 100 fv1 steps at N = 1024: mean dt 0.46 s; see the summary's "mean dt".)
set -euo pipefail
IFS=, read -r -a exes <<< "$1"
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

TIMEFORMAT='%R %U %S'
printf "%-16s %-16s %5s %6s %6s %9s %9s %9s %8s %8s %7s\n" exe variant round frames steps solver_s process_s cpu_s \
  writer_s waited_s MB
for r in $(seq 1 "$rounds"); do
  for exe in "${exes[@]}"; do
    for v in final_only frames_depth frames_velocity; do
      { time "$exe" run "$out/$v.toml" --quiet --output "$out/$v.h5" > "$out/$v.txt"; } 2> "$out/time.txt"
      read -r real user sys < "$out/time.txt"
      wall=$(sed -n 's/.*wall time *\([0-9.]*\) s.*/\1/p' "$out/$v.txt")
      steps=$(sed -n 's/.* in \([0-9]*\) steps.*/\1/p' "$out/$v.txt")
      frames=$(sed -n 's/.*frames *\([0-9]*\) depth.*/\1/p' "$out/$v.txt")
      writer=$(sed -n 's/.*output *\([0-9.]*\) s writing.*/\1/p' "$out/$v.txt")
      waited=$(sed -n 's/.*solver waited \([0-9.]*\) s.*/\1/p' "$out/$v.txt")
      mb=$(echo "scale=2; $(stat -c %s "$out/$v.h5") / 1000000" | bc)
      printf "%-16s %-16s %5s %6s %6s %9s %9s %9s %8s %8s %7s\n" "$(basename "$exe")" "$v" "$r" "$frames" "$steps" \
        "$wall" "$real" "$(echo "$user + $sys" | bc)" "${writer:--}" "${waited:--}" "$mb"
      rm -f "$out/$v.h5"
    done
  done
done
