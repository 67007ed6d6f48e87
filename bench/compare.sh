#!/usr/bin/env bash
# Compares the whole-step throughput of two revisions on this machine.
#
# Usage: bench/compare.sh [options] OLD_REV [NEW_REV]
#   OLD_REV, NEW_REV  any git revision (commit, branch, tag, HEAD~3); NEW_REV defaults to the
#                     working tree as it is (uncommitted changes included).
# Options:
#   -n, --reps N      separate process runs of each binary, interleaved old, new, old, new, ...
#                     (default 3; more on a noisy machine)
#   --dry             also the 90 %-dry catchment (wet%:10)
#   --one-thread      also 1 thread
#   --single          also single precision
#   --filter REGEX    Google Benchmark filter instead of the cases above
#   --tolerance PCT   verdict tolerance in percent (default 3)
#   --out FILE        also write the markdown table to FILE
#   --cmake ARG       extra CMake argument for both builds (repeatable), e.g.
#                     --cmake -DFLOODSIM_ARCH=x86-64-v3 (revisions before FLOODSIM_ARCH ignore it)
#   --old-cmake ARG, --new-cmake ARG   the same for one side only: two builds of one revision,
#                     e.g. bench/compare.sh --new-cmake -DFLOODSIM_ARCH=x86-64-v3 HEAD HEAD
#   --build-root DIR  where the builds live (default build-compare/ in the repository; reused:
#                     a revision's build is kept under its commit id, the working tree's is
#                     rebuilt incrementally)
#   -j, --jobs N      build jobs (default 2)
# Default cases: fv1, fv2, inertial whole steps, 1024^2, double, 2 threads, all wet (each case
# runs for at least 0.5 s, as bench_steps sets).
# Each revision is checked out in a temporary git worktree (removed afterwards) and only
# bench_steps is built (Release, FLOODSIM_CORE_ONLY=ON, tests off). Prints per case the median
# items/s (cell updates per second) of old and new, new/old and a verdict ("within 3 %",
# "SLOWER by x %", "faster by x %"; "(noisy)" when the runs' spread exceeds the tolerance: re-run
# with more --reps). Exit status 0 whatever the verdicts; non-zero only if a
# build (or the arguments) fail. Example: bench/compare.sh --reps 5 --dry main
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py=/usr/bin/python3
reps=3 dry=0 one=0 single=0 filter="" tol=3 out_file="" jobs=2
build_root="$root/build-compare"
cmake_extra=() old_extra=() new_extra=()
revs=()
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    -n|--reps) reps="$2"; shift 2 ;;
    --dry) dry=1; shift ;;
    --one-thread) one=1; shift ;;
    --single) single=1; shift ;;
    --filter) filter="$2"; shift 2 ;;
    --tolerance) tol="$2"; shift 2 ;;
    --out) out_file="$2"; shift 2 ;;
    --cmake) cmake_extra+=("$2"); shift 2 ;;
    --old-cmake) old_extra+=("$2"); shift 2 ;;
    --new-cmake) new_extra+=("$2"); shift 2 ;;
    --build-root) build_root="$2"; shift 2 ;;
    -j|--jobs) jobs="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "compare.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) revs+=("$1"); shift ;;
  esac
done
if [ ${#revs[@]} -lt 1 ] || [ ${#revs[@]} -gt 2 ]; then usage >&2; exit 2; fi
if [ "$reps" -lt 3 ]; then echo "compare.sh: --reps must be at least 3" >&2; exit 2; fi
mkdir -p "$build_root"
build_root="$(cd "$build_root" && pwd)"

if [ -z "$filter" ]; then
  prec="double"; [ $single -eq 1 ] && prec="(double|single)"
  wet="100"; [ $dry -eq 1 ] && wet="(100|10)"
  thr="2"; [ $one -eq 1 ] && thr="(1|2)"
  filter="^BM_Step/(fv1|fv2|inertial)/$prec/n:1024/wet%:$wet/threads:$thr/"
fi


worktrees=()
cleanup() {
  for w in ${worktrees[@]+"${worktrees[@]}"}; do
    git -C "$root" worktree remove --force "$w" >/dev/null 2>&1 || rm -rf "$w"
  done
  git -C "$root" worktree prune >/dev/null 2>&1 || true
  [ -n "${tmp:-}" ] && rm -rf "$tmp"
}
trap cleanup EXIT

# build REV [extra cmake args...] -> sets $bin (path of bench_steps) and $desc
build() {
  local rev="$1" src dir suffix=""
  shift
  local cmake_args=(-DCMAKE_BUILD_TYPE=Release -DFLOODSIM_BUILD_BENCH=ON -DFLOODSIM_BUILD_TESTS=OFF
                    -DFLOODSIM_CORE_ONLY=ON "$@")
  [ $# -gt 0 ] && suffix="-$(printf '%s\n' "$@" | md5sum | cut -c1-8)"
  if [ "$rev" = "WORKTREE" ]; then
    src="$root" dir="$build_root/worktree$suffix"
    desc="working tree ($(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- 2>/dev/null || echo ' + changes'))"
    [ $# -gt 0 ] && desc="$desc $*"
  else
    local sha
    sha="$(git -C "$root" rev-parse --verify --quiet "$rev^{commit}")" || { echo "compare.sh: unknown revision $rev" >&2; exit 2; }
    dir="$build_root/${sha:0:12}$suffix"
    desc="$rev ($(git -C "$root" rev-parse --short "$sha"))"
    [ $# -gt 0 ] && desc="$desc $*"
    if [ -f "$dir/.built" ] && [ -x "$dir/bench/bench_steps" ]; then
      bin="$dir/bench/bench_steps"; echo "compare.sh: reusing $dir" >&2; return
    fi
    src="$build_root/src-${sha:0:12}"
    [ -e "$src" ] && { git -C "$root" worktree remove --force "$src" >/dev/null 2>&1 || rm -rf "$src"; git -C "$root" worktree prune; }
    git -C "$root" worktree add --detach --quiet "$src" "$sha"
    worktrees+=("$src")
  fi
  echo "compare.sh: building bench_steps of $desc in $dir" >&2
  cmake -S "$src" -B "$dir" "${cmake_args[@]}" >"$dir.cmake.log" 2>&1 || { cat "$dir.cmake.log" >&2; echo "compare.sh: cmake failed for $desc" >&2; exit 1; }
  cmake --build "$dir" -j "$jobs" --target bench_steps >"$dir.build.log" 2>&1 || { tail -40 "$dir.build.log" >&2; echo "compare.sh: build failed for $desc" >&2; exit 1; }
  [ "$rev" = "WORKTREE" ] || { touch "$dir/.built"; git -C "$root" worktree remove --force "$src"; }
  bin="$dir/bench/bench_steps"
}

build "${revs[0]}" ${cmake_extra[@]+"${cmake_extra[@]}"} ${old_extra[@]+"${old_extra[@]}"}
old_bin="$bin" old_desc="$desc"
build "${revs[1]:-WORKTREE}" ${cmake_extra[@]+"${cmake_extra[@]}"} ${new_extra[@]+"${new_extra[@]}"}
new_bin="$bin" new_desc="$desc"

tmp="$(mktemp -d)"
load_before="$(uptime)"
for ((r = 1; r <= reps; r++)); do
  for side in old new; do
    b="${side}_bin"
    echo "compare.sh: repetition $r/$reps, $side" >&2
    "${!b}" --benchmark_filter="$filter" --benchmark_format=json \
      --benchmark_out="$tmp/${side}_$r.json" >/dev/null 2>"$tmp/${side}_$r.err" \
      || echo "compare.sh: warning: $side run $r failed: $(tail -1 "$tmp/${side}_$r.err")" >&2
  done
done
load_after="$(uptime)"

title="old = $old_desc, new = $new_desc; $reps interleaved runs each, filter \`$filter\`, $(nproc) CPUs;
load average before: \`${load_before##*load average: }\`, after: \`${load_after##*load average: }\`."
"$py" "$root/bench/compare.py" --tolerance "$tol" --title "$title" ${out_file:+--out "$out_file"} \
  old="$tmp/old_*.json" new="$tmp/new_*.json" || echo "compare.sh: no summary (see above)" >&2
exit 0
