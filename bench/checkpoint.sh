#!/usr/bin/env bash
# Cost of checkpoints (issue 13's goals: one checkpoint of a 1024^2 fv1 state in under 0.5 s, and
# under 2 % of a run writing one every 10 simulated minutes). A wet N x N catchment
# (bench/make_storm_catchment.py, 0.3 m of initial water, 100 mm/h of rain, fv1, THREADS threads)
# runs for DURATION with frames every 10 min, once without [checkpoint] and once with a checkpoint
# every INTERVAL, interleaved ROUNDS times so that a shared machine's load hits both alike.
# Prints per run: the solver's wall time, the checkpoints written and their wall time (the
# summary's line: journal sync + state file, on the solver's thread), the time per checkpoint and
# its share of the run; then the medians and the wall-time ratio with / without.
# Usage: bench/checkpoint.sh FLOODSIM_EXE [N=1024] [DURATION_S=1800] [INTERVAL_S=600] [ROUNDS=3] [THREADS=2]
set -euo pipefail
exe="$1"
n="${2:-1024}"
duration="${3:-1800}"
interval="${4:-600}"
rounds="${5:-3}"
threads="${6:-2}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

/usr/bin/python3 "$root/bench/make_storm_catchment.py" "$out" "$n" > /dev/null
sed -e "s/^\[time\]/[initial]\ndepth = 0.3\n[time]/" \
    -e "s/duration = \"1h\"/duration = \"${duration}s\"/" \
    -e "s/output_interval = \"10min\"/output_interval = \"600s\"/" \
    -e "s/^threads = .*/threads = $threads/" \
    "$out/storm.toml" > "$out/plain.toml"
cp "$out/plain.toml" "$out/checkpointed.toml"
printf '[checkpoint]\ninterval = "%ss"\nfile = "%s/state.ckpt"\n' "$interval" "$out" >> "$out/checkpointed.toml"

printf "%-13s %5s %7s %9s %6s %8s %10s %7s\n" variant round steps solver_s ckpts ckpt_s per_ckpt_s share
: > "$out/rows.txt"
for r in $(seq 1 "$rounds"); do
  for v in plain checkpointed; do
    "$exe" run "$out/$v.toml" --quiet --output "$out/$v.h5" > "$out/$v.txt"
    wall=$(sed -n 's/.*wall time *\([0-9.]*\) s.*/\1/p' "$out/$v.txt")
    steps=$(sed -n 's/.* in \([0-9]*\) steps.*/\1/p' "$out/$v.txt")
    ck=$(sed -n 's/.*checkpoints *\([0-9]*\) written.*/\1/p' "$out/$v.txt")
    ck_s=$(sed -n 's/.*checkpoints .*(\([0-9.]*\) s).*/\1/p' "$out/$v.txt")
    ck="${ck:-0}"
    ck_s="${ck_s:-0}"
    per=$(awk -v s="$ck_s" -v k="$ck" 'BEGIN { printf "%.3f", (k > 0) ? s / k : 0 }')
    share=$(awk -v s="$ck_s" -v w="$wall" 'BEGIN { printf "%.2f%%", 100 * s / w }')
    printf "%-13s %5s %7s %9s %6s %8s %10s %7s\n" "$v" "$r" "$steps" "$wall" "$ck" "$ck_s" "$per" "$share"
    echo "$v $wall $per" >> "$out/rows.txt"
    rm -f "$out/$v.h5"
  done
done
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
plain=$(awk '$1 == "plain" { print $2 }' "$out/rows.txt" | median)
ckpt=$(awk '$1 == "checkpointed" { print $2 }' "$out/rows.txt" | median)
per=$(awk '$1 == "checkpointed" { print $3 }' "$out/rows.txt" | median)
echo "median solver wall time: plain $plain s, checkpointed $ckpt s (ratio $(awk -v a="$ckpt" -v b="$plain" 'BEGIN { printf "%.4f", a / b }'))"
echo "median time per checkpoint: $per s (state file $(stat -c %s "$out/state.ckpt" 2>/dev/null || echo '?') bytes)"
