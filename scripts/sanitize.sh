#!/usr/bin/env bash
# The sanitizer job (docs/robustness.md): the whole test suite under AddressSanitizer +
# UndefinedBehaviorSanitizer (g++), then the threaded parts under ThreadSanitizer (clang++ with
# LLVM's libomp and its Archer tool, which tells TSan about OpenMP's synchronisation).
# Every finding aborts its test, so ctest fails. CI runs it after scripts/test.sh.
# Usage: scripts/sanitize.sh [asan|tsan]...   (default: both)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="$(nproc 2>/dev/null || echo 2)"
stages=("$@")
[ "${#stages[@]}" -eq 0 ] && stages=(asan tsan)

# clang, its sanitizer runtimes and libomp (with Archer) for the TSan stage.
"$root/scripts/install-packages.sh" sanitize clang libclang-rt-14-dev libomp-14-dev

for stage in "${stages[@]}"; do
  case "$stage" in
  asan)
    # -O1 keeps the build and the instrumented run fast enough for CI; leaks are reported too
    # (suppressions, each explained, in scripts/lsan.supp). Not here: the package test (it builds
    # its own package) and the regression tests, whose bitwise references come from the
    # optimised build (other optimisation, other rounding; 2 minutes each under ASan).
    # Built for x86-64-v2, not this CPU: with -march=native on an AVX-512 machine gcc 12 moves
    # 64-byte-aligned stack objects with aligned zmm loads, and ASan's fake stack
    # (detect_stack_use_after_return) places them on 32-byte boundaries only: the load faults
    # (seen: a braced initializer list of std::array<double, 2> rings in two risk tests). The
    # sanitizers check the logic, not the instruction set; every ASan option stays on.
    "$root/scripts/setup.sh" "$root/build-asan" -DFLOODSIM_BUILD_TESTS=ON -DFLOODSIM_ARCH=portable \
      -DFLOODSIM_SANITIZE=address,undefined -DCMAKE_CXX_FLAGS_RELEASE="-O1" -DCMAKE_C_FLAGS_RELEASE="-O1"
    cd "$root/build-asan"
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1" \
    LSAN_OPTIONS="suppressions=$root/scripts/lsan.supp:print_suppressions=0" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
      ctest --output-on-failure -j "$jobs" -LE "package|regression"
    ;;
  tsan)
    # The threaded parts: the library's runs (concurrent runs, cancel from another thread, the C
    # API, the online warnings' spool and delivery threads), the writer thread, the OpenMP teams
    # and the 1-vs-2-thread determinism tests.
    tsan_tests='^(LibraryRun\.|CApi\.|OnlineWarnings\.|io\.AsyncResultWriter\.|.*SmallTeam\.|[A-Za-z0-9]*Determinism\.BitwiseIdenticalForOneAndTwoThreads)'
    archer="$(ls /usr/lib/llvm-14/lib/libarcher.so 2>/dev/null || true)"
    [ -n "$archer" ] || { echo "floodsim sanitize: libarcher.so (libomp-14-dev) not found" >&2; exit 1; }
    CC=clang CXX=clang++ "$root/scripts/setup.sh" "$root/build-tsan" -DFLOODSIM_BUILD_TESTS=ON \
      -DFLOODSIM_SANITIZE=thread -DCMAKE_CXX_FLAGS_RELEASE="-O1" -DCMAKE_C_FLAGS_RELEASE="-O1" -DFLOODSIM_ARCH=none
    cd "$root/build-tsan"
    OMP_TOOL_LIBRARIES="$archer" \
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=$root/scripts/tsan.supp" \
      ctest --output-on-failure -j "$jobs" -R "$tsan_tests"
    ;;
  *) echo "usage: scripts/sanitize.sh [asan|tsan]..." >&2; exit 2 ;;
  esac
done
