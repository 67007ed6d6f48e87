#!/usr/bin/env bash
# The installed package as a consumer sees it: `cmake --install` into a fresh prefix, then
# examples/embed (a C and a C++ program) configured with find_package(floodsim) against that
# prefix, built and run on a shortened copy of the default example; and the Python client
# (ctypes + numpy) run against the installed libfloodsim_c.so.
# Usage: test_package.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build="$1"
src="$2"
work="$(mktemp -d "${TMPDIR:-/tmp}/floodsim-package.XXXXXX")"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
check() {  # check NAME EXPECTED_STATUS COMMAND...
  local name="$1" want="$2"
  shift 2
  local got=0
  "$@" >"$work/$name.out" 2>&1 || got=$?
  if [ "$got" -eq "$want" ]; then
    passed=$((passed + 1))
    echo "ok: $name (exit $got)"
  else
    failed=$((failed + 1))
    echo "FAILED: $name: exit $got, expected $want"
    cat "$work/$name.out"
  fi
}
expect_in() {  # expect_in NAME TEXT: the output of check NAME holds TEXT
  if grep -q -- "$2" "$work/$1.out"; then
    passed=$((passed + 1))
    echo "ok: $1 says '$2'"
  else
    failed=$((failed + 1))
    echo "FAILED: $1 does not say '$2':"
    cat "$work/$1.out"
  fi
}

cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
for f in include/floodsim/floodsim.h include/floodsim/run.hpp bin/floodsim; do
  [ -e "$work/prefix/$f" ] || { echo "FAILED: $f not installed"; exit 1; }
done
libdir="$(dirname "$(find "$work/prefix" -name 'libfloodsim_c.so' | head -1)")"

# The example, 20 minutes of it, frames every 5 minutes.
mkdir -p "$work/scenario"
cp "$src/examples/urban/"{dem.asc,dem.prj,rain.csv} "$work/scenario/"
sed -e 's/duration = "1.5h"/duration = "20min"/' "$src/examples/urban/urban.toml" >"$work/scenario/urban.toml"
sed -e 's/cfl = 0.5/cfl = "fast"/' "$work/scenario/urban.toml" >"$work/scenario/bad.toml"

cmake -S "$src/examples/embed" -B "$work/embed" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >"$work/configure.log"
cmake --build "$work/embed" >"$work/build.log" 2>&1 || { cat "$work/build.log"; echo "FAILED: the consumer does not build"; exit 1; }

check c_full 0 "$work/embed/embed_c" "$work/scenario/urban.toml" -1 "$work/c.h5"
expect_in c_full "frame 4 t=1200 s"
[ -f "$work/c.h5" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAILED: embed_c wrote no result"; }
check c_stop 3 "$work/embed/embed_c" "$work/scenario/urban.toml" 600 "$work/stopped.h5"
expect_in c_stop "stopped at t=600 s"
[ ! -e "$work/stopped.h5" ] && [ ! -e "$work/stopped.h5.part" ] && passed=$((passed + 1)) ||
  { failed=$((failed + 1)); echo "FAILED: a stopped run left a file"; }
check c_bad 2 "$work/embed/embed_c" "$work/scenario/bad.toml"
expect_in c_bad "solver.cfl"
check cxx_full 0 "$work/embed/embed_cxx" "$work/scenario/urban.toml" "$work/cxx.h5"
expect_in cxx_full "mass balance error"
# The library's file equals the installed CLI's, timing attributes aside.
check cli 0 "$work/prefix/bin/floodsim" run "$work/scenario/urban.toml" --quiet --threads 2 --output "$work/cli.h5"
if [ -x "$build/tests/cli/h5digest" ]; then
  "$build/tests/cli/h5digest" "$work/c.h5" wall_time_s >"$work/c.digest"
  "$build/tests/cli/h5digest" "$work/cli.h5" wall_time_s >"$work/cli.digest"
  if cmp -s "$work/c.digest" "$work/cli.digest"; then passed=$((passed + 1)); echo "ok: C API file = CLI file";
  else failed=$((failed + 1)); echo "FAILED: the C API's file differs from the CLI's"; diff "$work/c.digest" "$work/cli.digest" | head; fi
fi

py=/usr/bin/python3
if $py -c 'import numpy' 2>/dev/null; then
  check py_stop 3 $py "$src/examples/embed/floodsim_client.py" "$work/scenario/urban.toml" --lib "$libdir/libfloodsim_c.so" --stop-at 300
  expect_in py_stop "stopped at t=300 s"
  check py_bad 2 $py "$src/examples/embed/floodsim_client.py" "$work/scenario/bad.toml" --lib "$libdir/libfloodsim_c.so"
else
  echo "skipped: the Python client ($py has no numpy)"
fi

# A package built with glibc-hwcaps copies (scripts/package.sh): the loader takes the copy for
# this CPU, and every copy gives the same result file (no FMA contraction in such builds).
if [ -d "$libdir/glibc-hwcaps" ]; then
  levels=$(cd "$libdir/glibc-hwcaps" && ls)
  LD_DEBUG=libs "$work/embed/embed_c" "$work/scenario/urban.toml" -1 "$work/hw-best.h5" >"$work/hw.out" 2>"$work/hw.debug" || true
  ld=/lib64/ld-linux-x86-64.so.2
  # The levels this CPU has, best first, as the loader reports them ("x86-64-v3 (supported,
  # searched)"): a copy for a level the CPU lacks (x86-64-v4 without AVX-512) is never loaded,
  # not even masked, and the loader should take the copy for the best level it has.
  supported=$("$ld" --help | sed -n 's/^ *\(x86-64-v[0-9]\) (supported.*/\1/p')
  expected=$(for s in $supported; do if [ -d "$libdir/glibc-hwcaps/$s" ]; then echo "$s"; fi; done | head -1)
  best=$(grep "calling init:" "$work/hw.debug" | grep -o "glibc-hwcaps/x86-64-v[0-9]/libfloodsim.so[^ ]*" | head -1)
  case "$expected:$best" in
    :) passed=$((passed + 1)); echo "ok: the loader took the baseline library (CPU has: $(echo $supported); copies: $(echo $levels))" ;;
    ?*:glibc-hwcaps/"$expected"/*) passed=$((passed + 1)); echo "ok: the loader took $best (CPU has: $(echo $supported))" ;;
    *) failed=$((failed + 1)); echo "FAILED: the loader took '${best:-no glibc-hwcaps copy}', not the $expected copy (have: $(echo $levels); CPU has: $(echo $supported))"
       grep floodsim "$work/hw.debug" | head ;;
  esac
  for level in $levels x86-64-v2; do  # v2: the baseline library (no copy for it)
    if ! printf '%s\n' $supported | grep -qx "$level"; then
      echo "skipped: the $level copy (this CPU lacks $level; supported: $(echo $supported))"
      continue
    fi
    check "hw_$level" 0 env LD_DEBUG=libs "$ld" --glibc-hwcaps-mask "$level" "$work/embed/embed_c" \
      "$work/scenario/urban.toml" -1 "$work/hw-$level.h5"
    if [ "$level" = x86-64-v2 ]; then want="$libdir/libfloodsim.so"; else want="glibc-hwcaps/$level/libfloodsim.so"; fi
    expect_in "hw_$level" "calling init: .*$want"
    if $py - "$work/hw-best.h5" "$work/hw-$level.h5" <<'PY'
import sys, h5py, numpy as np
def items(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            for k, v in obj.attrs.items():
                if k not in ("wall_time_s",): out[name + "@" + k] = np.asarray(v).tobytes() if not isinstance(v, (str, bytes)) else v
            if isinstance(obj, h5py.Dataset): out[name] = obj[()].tobytes()
        for k, v in f.attrs.items():
            if k != "wall_time_s": out["@" + k] = np.asarray(v).tobytes() if not isinstance(v, (str, bytes)) else v
        f.visititems(visit)
    return out
a, b = items(sys.argv[1]), items(sys.argv[2])
bad = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
print("differ:", bad[:10]) if bad else None
sys.exit(1 if bad else 0)
PY
    then passed=$((passed + 1)); echo "ok: $level gives the same file as $best";
    else failed=$((failed + 1)); echo "FAILED: the $level copy gives another result"; fi
  done
fi

echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
