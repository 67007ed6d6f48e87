#!/usr/bin/env bash
# Runs the libFuzzer targets (fuzz/; docs/robustness.md) with clang++, AddressSanitizer and
# UndefinedBehaviorSanitizer. Each target starts from its committed corpus (fuzz/corpus/<t>/)
# plus what earlier runs here found (build-fuzz/corpus/<t>/), and runs for SECONDS of wall time.
# A report per target goes to build-fuzz/reports/<t>.log; findings (crash-*, leak-*, timeout-*,
# oom-*) to build-fuzz/findings/<t>/. With --merge, the new inputs that add coverage are merged
# into the committed corpus (review them before committing).
# --no-build skips the build (for several fuzz.sh runs side by side on one build).
# Usage: scripts/fuzz.sh [--merge] [--no-build] [--seconds N] [--jobs N] [target...]   (default: all, 60 s)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-fuzz"
seconds=60
jobs=1
# s per input before libFuzzer calls it a hang: generous, because a fuzzer sharing the machine
# with builds (or niced) can be starved for seconds; a real hang runs for ever.
timeout=120
merge=0
build_first=1
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
  --merge) merge=1 ;;
  --no-build) build_first=0 ;;
  --seconds) seconds="$2"; shift ;;
  --jobs) jobs="$2"; shift ;;
  -*) echo "usage: scripts/fuzz.sh [--merge] [--no-build] [--seconds N] [--jobs N] [target...]" >&2; exit 2 ;;
  *) targets+=("$1") ;;
  esac
  shift
done
[ "${#targets[@]}" -eq 0 ] && targets=(scenario series_csv duration dem state_file result_info)

"$root/scripts/install-packages.sh" fuzz clang libclang-rt-14-dev libomp-14-dev
if [ "$build_first" -eq 1 ]; then
  # (the libraries floodsim builds with come from scripts/setup.sh)
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DFLOODSIM_BUILD_TESTS=ON -DFLOODSIM_FUZZ=ON -DFLOODSIM_SANITIZE=address,undefined -DFLOODSIM_ARCH=none >/dev/null
  cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target $(printf 'fuzz_%s ' "${targets[@]}")
fi

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export OMP_NUM_THREADS=1
mkdir -p "$build/reports"
for t in "${targets[@]}"; do
  work="$build/corpus/$t"
  found="$build/findings/$t"
  mkdir -p "$work" "$found"
  max_len=4096
  case "$t" in
  state_file | result_info) max_len=131072 ;;
  scenario) max_len=8192 ;;
  duration) max_len=64 ;;
  esac
  echo "fuzz $t: $seconds s, $jobs job(s)" >&2
  parallel=""  # one job runs in this process; more run as libFuzzer jobs writing fuzz-N.log
  [ "$jobs" -gt 1 ] && parallel="-jobs=$jobs -workers=$jobs"
  TIMEFORMAT="%R %U %S"
  { time ( cd "$found" && "$build/fuzz/fuzz_$t" "$work" "$root/fuzz/corpus/$t" \
      -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=4096 -timeout="$timeout" \
      $parallel -print_final_stats=1 -artifact_prefix="$found/" \
      > "$build/reports/$t.log" 2>&1 ) || true ; } 2> "$build/reports/$t.time"
  read -r wall user sys < "$build/reports/$t.time"
  [ "$jobs" -gt 1 ] && cat "$found"/fuzz-*.log >> "$build/reports/$t.log" 2>/dev/null || true
  execs="$(grep -h '^stat::number_of_executed_units' "$build/reports/$t.log" | awk '{s += $2} END {print s + 0}')"
  n_found="$(find "$found" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)"
  echo "fuzz $t: $execs executions in ${wall} s wall, ${user%.*}+${sys%.*} s CPU (user+sys), corpus $(find "$work" -type f | wc -l) inputs, findings $n_found (in $found)"
  if [ "$merge" -eq 1 ]; then
    "$build/fuzz/fuzz_$t" -merge=1 -max_len="$max_len" -rss_limit_mb=4096 -timeout="$timeout" \
      "$root/fuzz/corpus/$t" "$work" > "$build/reports/$t.merge.log" 2>&1 || true
  fi
done
