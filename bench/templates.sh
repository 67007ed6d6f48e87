#!/usr/bin/env bash
# Issue 11's speed goals, measured: the 720 template for 24 h and the urban one for 3 h on the
# synthetic Shangjie district, at the given resolutions (default: the goals' 10 m and 5 m; coarser
# ones for a quick look), on THREADS threads (default 2), each the median of REPS runs.
#   bash bench/templates.sh [720:10 urban:5 ...]      env: THREADS, REPS (default 1), PRECISION
#   (double or single: solver.precision of the runs; default the template's), DURATION (a shorter
#   simulated window from t = 0, e.g. 30min, when a full run takes too long: its wall time is not
#   the goal's; docs/performance-templates.md extrapolates it with the steps of a full run),
#   LTS (solver.local_time_stepping of the runs: its levels, e.g. 3; default the template's: off),
#   BUILD_DIR (default build-bench).
# Builds BUILD_DIR (Release, -DFLOODSIM_BUILD_BENCH=ON) first. Goal: each at most 300 s on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build-bench}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFLOODSIM_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target floodsim template_speed >/dev/null
threads="${THREADS:-2}"
reps="${REPS:-1}"
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(720:10 urban:5)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for c in "${cases[@]}"; do
  template="${c%%:*}" resolution="${c##*:}"
  dir="$work/$template-$resolution"
  "$build/cli/floodsim" scenario new --template "$template" "$dir" --resolution "$resolution" >/dev/null
  [ -z "${DURATION:-}" ] || sed -i "s/^duration = .*/duration = \"$DURATION\"/" "$dir/scenario.toml"
  if [ -n "${PRECISION:-}" ]; then  # replace the template's precision line, or add one
    sed -i "/^precision = /d; s/^\[solver\]\$/[solver]\nprecision = \"$PRECISION\"/" "$dir/scenario.toml"
  fi
  if [ -n "${LTS:-}" ]; then
    sed -i "/^local_time_stepping = /d; s/^\[solver\]\$/[solver]\nlocal_time_stepping = $LTS/" "$dir/scenario.toml"
  fi
  walls=()
  for ((r = 0; r < reps; ++r)); do
    out="$("$build/bench/template_speed" "$dir/scenario.toml" "$threads")"
    walls+=("$(echo "$out" | sed -n 's/.*wall time \([0-9.]*\) s.*/\1/p')")
  done
  median="$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}')"
  echo "$template at $resolution m${DURATION:+, $DURATION simulated}${PRECISION:+, $PRECISION precision}${LTS:+, local time stepping $LTS}: median wall time $median s of $reps run(s) (goal 300 s for the full duration); the last run:"
  echo "$out" | sed 's/^/  /'
done
