#!/usr/bin/env bash
# Two builds of bench/template_speed on the Shangjie templates, side by side: runs interleaved old,
# new, new, old (ABBA, ROUNDS times), medians of the wall and user CPU times of each, their ratio
# new/old, and the state hashes (equal: the two builds stepped the scenario identically, bit for bit).
#   bash bench/compare_templates.sh OLD_TEMPLATE_SPEED NEW_TEMPLATE_SPEED [720:10 urban:10 ...]
#   env: THREADS (default 2), ROUNDS (default 2: 4 runs of each), DURATION (a shorter simulated
#   window from t = 0, e.g. 1h), FLOODSIM (the floodsim that makes the scenarios; default the one
#   next to NEW's build: NEW/../../cli/floodsim).
# Copy the old binary aside before rebuilding (template_speed links the engine statically).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 OLD_TEMPLATE_SPEED NEW_TEMPLATE_SPEED [TEMPLATE:RESOLUTION ...]" >&2; exit 2; }
old="$1" new="$2"
shift 2
floodsim="${FLOODSIM:-$(dirname "$new")/../cli/floodsim}"
threads="${THREADS:-2}" rounds="${ROUNDS:-2}"
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(720:10 urban:10)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
for c in "${cases[@]}"; do
  template="${c%%:*}" resolution="${c##*:}"
  dir="$work/$template-$resolution"
  "$floodsim" scenario new --template "$template" "$dir" --resolution "$resolution" >/dev/null
  [ -z "${DURATION:-}" ] || sed -i "s/^duration = .*/duration = \"$DURATION\"/" "$dir/scenario.toml"
  : > "$work/old.t"
  : > "$work/new.t"
  run() {  # $1: old or new
    local bin="$old"
    [ "$1" = new ] && bin="$new"
    /usr/bin/time -f "%e %U" -o "$work/time" "$bin" "$dir/scenario.toml" "$threads" > "$work/$1.out"
    cat "$work/time" >> "$work/$1.t"
  }
  for ((r = 0; r < rounds; ++r)); do run old; run new; run new; run old; done
  wo="$(cut -d' ' -f1 "$work/old.t" | median)" wn="$(cut -d' ' -f1 "$work/new.t" | median)"
  uo="$(cut -d' ' -f2 "$work/old.t" | median)" un="$(cut -d' ' -f2 "$work/new.t" | median)"
  ho="$(sed -n 's/.*state hash //p' "$work/old.out")" hn="$(sed -n 's/.*state hash //p' "$work/new.out")"
  echo "$template at $resolution m${DURATION:+, $DURATION simulated}, $threads threads, $((2 * rounds)) runs each (ABBA):"
  echo "  wall  old $(tr '\n' ' ' < <(cut -d' ' -f1 "$work/old.t"))-> median $wo s"
  echo "  wall  new $(tr '\n' ' ' < <(cut -d' ' -f1 "$work/new.t"))-> median $wn s"
  echo "  user  old median $uo s, new median $un s"
  awk -v a="$wo" -v b="$wn" -v c="$uo" -v d="$un" 'BEGIN {printf "  new/old: wall %.3f, user CPU %.3f\n", b / a, d / c}'
  if [ "$ho" = "$hn" ]; then echo "  state hashes equal ($hn): bitwise the same run"; else echo "  STATE HASHES DIFFER: old $ho, new $hn"; fi
  echo "  new run's phases:"
  grep -E '^\s+(sweep|sources|source:|boundaries|timestep|refresh|wall time)' "$work/new.out" | sed 's/^/  /'
done
