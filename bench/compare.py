#!/usr/bin/env python3
"""Median throughput of Google Benchmark JSON files, side by side (used by bench/compare.sh).

Usage:
  /usr/bin/python3 bench/compare.py [--tolerance PCT] [--out FILE] [--title TEXT] \
      LABEL='GLOB' LABEL='GLOB' [LABEL='GLOB' ...]

Each LABEL='GLOB' names one build and the JSON files of its runs (--benchmark_out of separate
process runs, and/or --benchmark_repetitions inside one run). Per benchmark, the median of all
its repetitions' items_per_second is taken. The first set is the reference:
  * two sets (old, new): a markdown table with the medians, new/old and a verdict, "within 3 %"
    or "SLOWER by x %" / "faster by x %" against --tolerance (default 3 %);
  * more sets: one column per set, each with its ratio to the first.
The spread columns give (max - min) / median of each set's repetitions: a spread wider than the
tolerance says the machine was too noisy for the verdict to mean much (the verdict then says
"(noisy)"). When every set has the
same number of files, the k-th files of the sets are taken as one round (compare.sh runs them
back to back) and "paired" is the median over rounds of the per-round ratio: less sensitive to
a load that changes slowly during the runs than the ratio of the medians.
The table goes to stdout and, with --out, to FILE as well. Exit status 0 whatever the verdicts."""
import argparse
import glob
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gbjson import medians  # noqa: E402


def case(name):
    name = re.sub(r"^BM_", "", name)
    name = re.sub(r"/min_time:[^/]*", "", name)
    return re.sub(r"/real_time$", "", name)


def spread(e):
    return 100.0 * (e["ips_max"] - e["ips_min"]) / e["items_per_second"] if e["items_per_second"] else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sets", nargs="+", metavar="LABEL=GLOB")
    ap.add_argument("--tolerance", type=float, default=3.0, help="percent (default 3)")
    ap.add_argument("--out", help="also write the table to this file")
    ap.add_argument("--title", default="")
    a = ap.parse_args()

    sets, per_file = [], []
    for s in a.sets:
        label, _, pattern = s.partition("=")
        files = sorted(glob.glob(pattern), key=lambda f: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", f)])
        if not files:
            sys.exit(f"compare.py: no files match {pattern!r} ({label})")
        sets.append((label, medians(files)))
        per_file.append([medians([f]) for f in files])
    names = [n for n in sets[0][1] if all(n in m for _, m in sets)]
    paired_ok = len({len(pf) for pf in per_file}) == 1

    def paired(k, n):
        """Median over rounds of set k / set 0 for benchmark n (NaN when not paired)."""
        if not paired_ok:
            return float("nan")
        rs = [pk[n]["items_per_second"] / p0[n]["items_per_second"]
              for p0, pk in zip(per_file[0], per_file[k]) if n in p0 and n in pk and p0[n]["items_per_second"]]
        return statistics.median(rs) if rs else float("nan")
    tol = a.tolerance
    lines = []
    if a.title:
        lines += [a.title, ""]
    if len(sets) == 2:
        (lo, old), (ln, new) = sets
        lines.append(f"| case | {lo} M items/s | {ln} M items/s | {ln}/{lo} | verdict (±{tol:g} %) | "
                     f"paired {ln}/{lo} | spread {lo} / {ln} | runs |")
        lines.append("|---|---|---|---|---|---|---|---|")
        for n in names:
            o, w = old[n], new[n]
            r = w["items_per_second"] / o["items_per_second"]
            d = 100.0 * (r - 1.0)
            verdict = (f"within {tol:g} %" if abs(d) <= tol else
                       (f"SLOWER by {-d:.1f} %" if d < 0 else f"faster by {d:.1f} %"))
            if max(spread(o), spread(w)) > tol:
                verdict += " (noisy)"
            lines.append(f"| {case(n)} | {o['items_per_second'] / 1e6:.1f} | {w['items_per_second'] / 1e6:.1f} | "
                         f"{r:.3f} | {verdict} | {paired(1, n):.3f} | {spread(o):.0f} % / {spread(w):.0f} % | "
                         f"{o['reps']} / {w['reps']} |")
    else:
        ref = sets[0][0]
        lines.append("| case | " + " | ".join(f"{l} M items/s (/{ref}; paired)" for l, _ in sets) + " | spread |")
        lines.append("|---|" + "---|" * len(sets) + "---|")
        for n in names:
            base = sets[0][1][n]["items_per_second"]
            cells = [f"{m[n]['items_per_second'] / 1e6:.1f} ({m[n]['items_per_second'] / base:.2f}; {paired(k, n):.2f})"
                     for k, (_, m) in enumerate(sets)]
            sp = " / ".join(f"{spread(m[n]):.0f}" for _, m in sets)
            lines.append(f"| {case(n)} | " + " | ".join(cells) + f" | {sp} % |")
    lines.append("")
    lines.append(f"Medians of {min(m[n]['reps'] for _, m in sets for n in names) if names else 0}+ "
                 "repetitions per case; spread = (max - min) / median of the repetitions.")
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
