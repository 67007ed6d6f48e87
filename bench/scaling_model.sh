#!/usr/bin/env bash
# The tables of docs/parallel.md, "Scaling model": bench/scaling_model (a model, no MPI) for
# Zhengzhou's downtown at 2 m (a synthetic city of ~770 km2 in a 35 x 35 km box, 17500^2 cells)
# at 16 to 256 ranks, printed as markdown: fv1, fv2 and inertial on InfiniBand with 16 threads per
# rank in full, then the efficiencies only for: the ledger's gather blocking, the limiters' donor
# factors exchanged, the full rectangle, 100 Gb Ethernet, 4 and 64 threads per rank.
# About 25 s and 0.3 GB of memory.
# Usage: bench/scaling_model.sh [BUILD_DIR=build] [extra options for scaling_model ...]
set -euo pipefail
build="${1:-build}"
shift || true
exe="$build/bench/scaling_model"
[[ -x "$exe" ]] || { echo "no $exe: build the target scaling_model (-DFLOODSIM_BUILD_BENCH=ON)" >&2; exit 1; }

# One markdown table per scheme from the CSV: ranks, layout, load, halo, times, efficiencies.
table_py=$(cat <<'PY'
import csv, sys
rows = list(csv.DictReader(sys.stdin))
for scheme in dict.fromkeys(r["scheme"] for r in rows):
    rs = [r for r in rows if r["scheme"] == scheme]
    print()
    print(f"{scheme} (exchanges per step, width x bytes per cell: {rs[0]['halo_widths']})")
    print()
    print("| ranks | layout | domain cells per rank (max) | max / mean | messages per step | halo cells per exchange"
          " | halo KB per step | compute ms | halo ms | reductions ms | step ms | efficiency | step ms, overlap"
          " | efficiency, overlap |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rs:
        red = float(r["dt_reduce_ms"]) + float(r["ledger_ms"]) + float(r["volume_ms"])
        print(f"| {r['ranks']} | {r['px']}x{r['py']} | {int(r['max_cells']):,} | {float(r['imbalance']):.3f} | "
              f"{r['messages_per_step']} | {int(r['max_halo_cells']):,} | {float(r['halo_bytes_per_step']) / 1e3:.0f} | "
              f"{float(r['compute_ms']):.3f} | {float(r['halo_ms']):.3f} | {red:.3f} | {float(r['step_ms']):.3f} | "
              f"{100 * float(r['efficiency']):.1f} % | {float(r['step_overlap_ms']):.3f} | "
              f"{100 * float(r['efficiency_overlap']):.1f} % |")
PY
)
table() { /usr/bin/python3 -c "$table_py"; }

summary_py=$(cat <<'PY'
import csv, sys
case = sys.argv[1]
rows = list(csv.DictReader(sys.stdin))
for scheme in dict.fromkeys(r["scheme"] for r in rows):
    rs = [r for r in rows if r["scheme"] == scheme and r["ranks"] != "1"]
    cells = " | ".join(f"{100 * float(r['efficiency']):.0f} / {100 * float(r['efficiency_overlap']):.0f}" for r in rs)
    print(f"| {case} | {scheme} | {cells} |")
PY
)
summary() { /usr/bin/python3 -c "$summary_py" "$1"; }

ranks=1,16,32,64,128,256
echo "## InfiniBand (1.5 us, 12 GB/s), 16 threads per rank"
"$exe" --csv --ranks "$ranks" "$@" | table
echo
echo "## Efficiency in %, without / with overlap of the exchanges, at 16, 32, 64, 128, 256 ranks"
echo
echo "| case | scheme | 16 | 32 | 64 | 128 | 256 |"
echo "|---|---|---:|---:|---:|---:|---:|"
"$exe" --csv --ranks "$ranks" "$@" | summary "InfiniBand, 16 threads per rank"
"$exe" --csv --ranks "$ranks" --ledger-blocking "$@" | summary "the same, ledger gather blocking (before stop 35)"
"$exe" --csv --ranks "$ranks" --schemes fv2-factors,inertial-factors "$@" | summary "the same, donor factors exchanged"
"$exe" --csv --ranks "$ranks" --mask full "$@" | summary "the same, full 35 x 35 km rectangle"
"$exe" --csv --ranks "$ranks" --network eth "$@" | summary "100 Gb Ethernet, 16 threads per rank"
"$exe" --csv --ranks "$ranks" --threads 4 "$@" | summary "InfiniBand, 4 threads per rank"
"$exe" --csv --ranks "$ranks" --threads 64 "$@" | summary "InfiniBand, 64 threads per rank"
