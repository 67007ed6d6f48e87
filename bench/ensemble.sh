#!/usr/bin/env bash
# An ensemble against the same number of single runs (issue 13): `floodsim ensemble` with MEMBERS
# members and JOBS members at once (1 thread each) against MEMBERS `floodsim run`s of the scenario
# one after another (each with all THREADS threads), on the district's urban template
# (`floodsim scenario new --template urban --resolution RES`), interleaved ROUNDS times. Prints each
# wall time (whole process) and the medians' ratio. The single runs write their result files as a
# user's would; ensemble members keep only their maximum depths (docs/operations.md).
# Usage: bench/ensemble.sh FLOODSIM_EXE [MEMBERS=8] [JOBS=2] [RES=100] [ROUNDS=3] [THREADS=2]
set -euo pipefail
exe="$1"
members="${2:-8}"
jobs="${3:-2}"
res="${4:-100}"
rounds="${5:-3}"
threads="${6:-2}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$exe" scenario new --template urban "$out/district" --resolution "$res" > /dev/null
scenario="$out/district/scenario.toml"

now() { date +%s.%N; }
printf "%-10s %5s %9s\n" variant round wall_s
: > "$out/rows.txt"
for r in $(seq 1 "$rounds"); do
  t0=$(now)
  "$exe" ensemble "$scenario" --members "$members" --seed 7 --jobs "$jobs" --threads 1 --out "$out/e.h5" \
    > /dev/null 2>&1
  t1=$(now)
  for k in $(seq 1 "$members"); do
    "$exe" run "$scenario" --quiet --threads "$threads" --output "$out/run.h5" > /dev/null
  done
  t2=$(now)
  e=$(echo "$t1 - $t0" | bc)
  s=$(echo "$t2 - $t1" | bc)
  printf "%-10s %5s %9.2f\n" ensemble "$r" "$e"
  printf "%-10s %5s %9.2f\n" single "$r" "$s"
  echo "ensemble $e" >> "$out/rows.txt"
  echo "single $s" >> "$out/rows.txt"
done
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
e=$(awk '$1 == "ensemble" { print $2 }' "$out/rows.txt" | median)
s=$(awk '$1 == "single" { print $2 }' "$out/rows.txt" | median)
echo "median wall time: ensemble of $members members ($jobs jobs x 1 thread) $e s; $members single runs ($threads threads each) one after another $s s; ratio $(awk -v a="$e" -v b="$s" 'BEGIN { printf "%.3f", a / b }')"
