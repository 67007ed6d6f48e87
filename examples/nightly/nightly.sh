#!/usr/bin/env bash
# The nightly forecast chain (docs/operations.md "Nightly"), for cron or a Slurm array:
#   1. the day's scenario: the district's scenario with the latest rain forecast, hot-started
#      from yesterday's state when there is one;
#   2. the deterministic forecast (JSON log), its final state kept for tomorrow; checkpointed
#      every 10 simulated minutes, so that a rerun of a killed night continues it;
#   3. the warning products of the forecast (assets.csv, warnings.geojson, map.png, CAP alerts);
#   4. an ensemble of the forecast with per-asset probabilities of each warning level;
#   5. old states and runs rotated away.
#
# Usage: nightly.sh DISTRICT_DIR FORECAST_RAIN.csv WORK_DIR
#   DISTRICT_DIR  a scenario folder (scenario.toml, assets.gpkg, its inputs), e.g. from
#                 `floodsim scenario new --template urban DIR`; its [rain] must be `series = "rain.csv"`
#   FORECAST_RAIN the latest forecast as a [rain] series CSV (time_s,intensity_mm_h)
#   WORK_DIR      states/ and runs/DAY/ go here
# Environment: FLOODSIM (the executable; default: floodsim on PATH), NIGHTLY_DAY (YYYY-MM-DD;
# default today), MEMBERS (default 8), JOBS (default: the cores), KEEP_DAYS (default 7),
# ISSUE_TIME (default now, ISO 8601 with offset).
# Exit status: 0 all done; otherwise the status of the step that failed (its log says why).
set -euo pipefail
district="$(cd "$1" && pwd)"
forecast="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
work="$(mkdir -p "$3" && cd "$3" && pwd)"
floodsim="${FLOODSIM:-floodsim}"
day="${NIGHTLY_DAY:-$(date +%F)}"
members="${MEMBERS:-8}"
keep="${KEEP_DAYS:-7}"
issue="${ISSUE_TIME:-$(date +%Y-%m-%dT%H:%M:%S%:z)}"
jobs=()
[ -n "${JOBS:-}" ] && jobs=(--jobs "$JOBS")

run="$work/runs/$day"
states="$work/states"
mkdir -p "$run" "$states"
log() { echo "nightly $day: $*" >&2; }

# 1. The day's scenario, beside the district's (so that its relative paths hold).
cp "$forecast" "$district/rain-$day.csv"
scenario="$district/nightly-$day.toml"
sed 's|^series = "rain.csv"|series = "rain-'"$day"'.csv"|' "$district/scenario.toml" > "$scenario.part"
grep -q "rain-$day.csv" "$scenario.part" || { log "no [rain] series = \"rain.csv\" in $district/scenario.toml"; exit 2; }
yesterday="$(ls "$states"/*.state 2>/dev/null | grep -v "/$day.state$" | sort | tail -n 1 || true)"
if [ -n "$yesterday" ]; then
  log "hot start from $yesterday"
  printf '\n[initial]\nstate = "%s"\n' "$yesterday" >> "$scenario.part"
else
  log "cold start (no earlier state in $states)"
fi
# Checkpoints of the forecast: a night killed half-way (a scheduler, a reboot) continues, below.
printf '\n[checkpoint]\ninterval = "10min"\nfile = "%s"\n' "$run/forecast.ckpt" >> "$scenario.part"
mv "$scenario.part" "$scenario"

# 2. The deterministic forecast; its final state for tomorrow. A rerun of a night whose forecast
# was killed continues from its last checkpoint (docs/checkpoints.md) when the day's scenario is
# the same; otherwise (or if that fails) it runs from the start.
forecast_run() {
  "$floodsim" run "$scenario" --json --output "$run/forecast.h5" --save-state "$states/$day.state.part" "$@" \
    > "$run/forecast.jsonl"
}
if [ -f "$run/forecast.ckpt" ] && [ -f "$run/forecast.h5.journal" ] && forecast_run --resume "$run/forecast.ckpt"; then
  log "forecast resumed from $run/forecast.ckpt"
else
  log "forecast"
  forecast_run
fi
mv "$states/$day.state.part" "$states/$day.state"

# 3. Warning products of the forecast.
log "warnings (issued $issue)"
"$floodsim" risk "$run/forecast.h5" --assets "$district/assets.gpkg" --issue-time "$issue" \
  --out "$run/warnings" > "$run/warnings.log"

# 4. The ensemble: exceedance maps and per-asset probabilities, reproducible for the day.
log "ensemble of $members members"
"$floodsim" ensemble "$scenario" --members "$members" --seed "${day//-/}" "${jobs[@]}" \
  --assets "$district/assets.gpkg" --out "$run/ensemble.h5" 2> "$run/ensemble.log"

# 5. Rotation: the newest KEEP_DAYS states and runs stay.
ls -1 "$states"/*.state | sort | head -n -"$keep" | xargs -r rm -f
ls -1d "$work"/runs/*/ | sort | head -n -"$keep" | xargs -r rm -rf
for pattern in "nightly-*.toml" "rain-*.csv"; do
  ls -1 "$district"/$pattern 2>/dev/null | sort | head -n -"$keep" | xargs -r rm -f
done
log "done: $run"
