#!/usr/bin/env bash
# The result file of a run over MPI written two ways (docs/parallel.md, "The result file under
# MPI"): every rank its block with parallel HDF5 (the default) against rank 0 alone from gathered
# fields (FLOODSIM_RESULT_GATHER=1). A wet N x N catchment (bench/make_storm_catchment.py, 0.3 m of
# initial water, 100 mm/h of rain, fv1, 1 thread per rank) run for DURATION with depth and
# velocity frames every INTERVAL, on P ranks, the two ways interleaved ROUNDS times. Prints per run
# the summary's solver wall time, its "result complete" time (from the start until the file is
# complete), the writing time it reports and the whole process's wall time.
# Usage: bench/mpi_output.sh FLOODSIM_EXE [P=2] [N=2048] [DURATION_S=120] [INTERVAL_S=10] [ROUNDS=3]
set -euo pipefail
exe="$1"
np="${2:-2}"
n="${3:-2048}"
duration="${4:-120}"
interval="${5:-10}"
rounds="${6:-3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

/usr/bin/python3 "$root/bench/make_storm_catchment.py" "$out" "$n" >/dev/null
sed -e "s/^\[time\]/[initial]\ndepth = 0.3\n[time]/" \
    -e "s/duration = \"1h\"/duration = \"${duration}s\"/" \
    -e "s/output_interval = \"10min\"/output_interval = \"${interval}s\"/" \
    -e "s/^\[output\]/[output]\nvariables = [\"depth\", \"velocity\"]/" \
    "$out/storm.toml" > "$out/run.toml"

mpi=(mpiexec -np "$np" --bind-to none -x OMP_WAIT_POLICY=passive -x FLOODSIM_RESULT_GATHER)
[ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)
[ "$np" -gt "$(nproc)" ] && mpi+=(--oversubscribe)
printf "%-10s %5s %9s %11s %9s %9s\n" writer round solver_s complete_s output_s process_s
TIMEFORMAT='%R'
for r in $(seq 1 "$rounds"); do
  for way in together gathered; do
    gather=0
    [ "$way" = gathered ] && gather=1
    rm -f "$out/r.h5"
    { time FLOODSIM_RESULT_GATHER=$gather "${mpi[@]}" "$exe" run "$out/run.toml" --threads 1 --output "$out/r.h5" \
        > "$out/s.txt"; } 2> "$out/t.txt"
    solver=$(sed -n 's/^  wall time *\([0-9.]*\) s.*/\1/p' "$out/s.txt")
    complete=$(sed -n 's/.*result complete \([0-9.]*\) s after.*/\1/p' "$out/s.txt")
    output=$(sed -n 's/^  output *\([0-9.]*\) s writing.*/\1/p' "$out/s.txt")
    printf "%-10s %5d %9s %11s %9s %9s\n" "$way" "$r" "$solver" "$complete" "$output" "$(tail -1 "$out/t.txt")"
  done
done
