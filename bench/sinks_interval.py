#!/usr/bin/python3
"""What solver.sinks_interval changes in a Shangjie template's result, and what it saves.

    /usr/bin/python3 bench/sinks_interval.py [--floodsim build-bench/cli/floodsim]
        [--template urban] [--resolution 10] [--duration 3h] [--intervals 0,5,10,30]
        [--threads 2] [--work /tmp/sinks-interval] [--out TABLE.md]

Creates the template (`floodsim scenario new`), runs it once per interval (0 = the sinks every
step: the reference) and compares each result with the reference's:
  * wall time (from the run summary; one run each: a ratio, not a benchmark) and steps;
  * the drained and infiltrated volumes, the outflow and the final volume;
  * max_depth over the cells the reference or the run wets (> 1 cm): the largest and the 99th
    percentile of |difference|, and the flooded area at 0.15 m and 0.5 m;
  * arrival times of the cells both reach: median and 99th percentile of |difference|;
  * the warning level of every asset (`floodsim risk` with assets.gpkg): how many differ.
Prints a Markdown table. Needs numpy and h5py (Debian's /usr/bin/python3).
docs/processes.md ("The sinks' interval") has the figures and how they were made.
"""
import argparse
import csv
import os
import re
import subprocess
import sys

try:
    import h5py
    import numpy as np
except ImportError as e:  # the python3 first on PATH may lack them
    sys.exit(f"sinks_interval.py: {e}: run it with /usr/bin/python3 (Debian's numpy and h5py)")


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: exit {r.returncode}\n{r.stderr}")
    return r.stdout


def summary_number(text, pattern):
    m = re.search(pattern, text)
    if not m:
        sys.exit(f"no '{pattern}' in the run summary:\n{text}")
    return float(m.group(1))


def case(args, interval):
    """Runs the template with the interval (reusing nothing) and returns what is compared."""
    d = os.path.join(args.work, f"interval-{interval:g}")
    if os.path.exists(d):
        subprocess.run(["rm", "-rf", d], check=True)
    run([args.floodsim, "scenario", "new", "--template", args.template, d, "--resolution", str(args.resolution)])
    toml = os.path.join(d, "scenario.toml")
    with open(toml) as f:
        text = f.read()
    text = re.sub(r'(?m)^duration = .*$', f'duration = "{args.duration}"', text, count=1)
    text = re.sub(r'(?m)^sinks_interval = .*\n', '', text)  # (the template's own, if any)
    text = re.sub(r'(?m)^threads = .*$', f'threads = {args.threads}\nsinks_interval = {interval:g}', text, count=1)
    with open(toml, "w") as f:
        f.write(text)
    out = run([args.floodsim, "run", toml, "--quiet"], cwd=d)
    result = os.path.join(d, "out", "result.h5")
    run([args.floodsim, "risk", result, "--assets", os.path.join(d, "assets.gpkg"), "-o", os.path.join(d, "risk")])
    with open(os.path.join(d, "risk", "assets.csv")) as f:
        levels = {row["id"]: row["level"] for row in csv.DictReader(f)}
    with h5py.File(result, "r") as f:
        mb = f["mass_balance"]
        c = {
            "wall": summary_number(out, r"wall time\s+([0-9.]+) s"),
            "steps": summary_number(out, r"in ([0-9]+) steps"),
            "drainage": float(mb["drainage"][-1]) if "drainage" in mb else 0.0,
            "infiltration": float(mb["infiltration"][-1]) if "infiltration" in mb else 0.0,
            "outflow": float(mb["outflow"][-1]),
            "final": float(mb["volume"][-1]),
            "max_depth": np.array(f["max_depth"][...], dtype=np.float64),
            "arrival": np.array(f["arrival_time"][...], dtype=np.float64),
            "area": abs(float(f.attrs["geotransform"][1]) * float(f.attrs["geotransform"][5])),
            "levels": levels,
        }
    return c


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--floodsim", default="build-bench/cli/floodsim")
    p.add_argument("--template", default="urban")
    p.add_argument("--resolution", type=float, default=10)
    p.add_argument("--duration", default="3h")
    p.add_argument("--intervals", default="0,5,10,30")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--work", default="/tmp/sinks-interval")
    p.add_argument("--out")
    args = p.parse_args()
    args.floodsim = os.path.abspath(args.floodsim)
    os.makedirs(args.work, exist_ok=True)
    intervals = [float(v) for v in args.intervals.split(",")]
    if intervals[0] != 0:
        intervals.insert(0, 0.0)
    cases = {iv: case(args, iv) for iv in intervals}
    ref = cases[0.0]
    lines = [f"{args.template} at {args.resolution:g} m, {args.duration}, {args.threads} threads; reference: the sinks every step",
             "",
             "| sinks_interval | wall s (x ref) | steps | drained | infiltrated | outflow | final volume | max_depth max / p99 abs diff | area > 0.15 m | area > 0.5 m | arrival p50 / p99 abs diff | assets at another level |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for iv, c in cases.items():
        wet = np.isfinite(c["max_depth"]) & np.isfinite(ref["max_depth"]) & ((c["max_depth"] > 0.01) | (ref["max_depth"] > 0.01))
        dmax = np.abs(c["max_depth"] - ref["max_depth"])[wet]
        both = np.isfinite(c["arrival"]) & np.isfinite(ref["arrival"])  # (NaN: never reached)
        darr = np.abs(c["arrival"] - ref["arrival"])[both]
        rel = lambda k: f"{c[k]:.4g}" if iv == 0 else f"{(c[k] / ref[k] - 1) * 100:+.2f} %" if ref[k] else "-"
        area = lambda th: f"{np.count_nonzero(c['max_depth'] > th) * c['area'] / 1e6:.3f} km2"
        other = sum(1 for k, v in c["levels"].items() if ref["levels"].get(k) != v)
        lines.append(
            f"| {iv:g} s | {c['wall']:.1f} ({c['wall'] / ref['wall']:.2f}) | {c['steps']:.0f} | {rel('drainage')} | {rel('infiltration')} | "
            f"{rel('outflow')} | {rel('final')} | {dmax.max() if dmax.size else 0:.4f} / {np.percentile(dmax, 99) if dmax.size else 0:.4f} m | "
            f"{area(0.15)} | {area(0.5)} | {np.percentile(darr, 50) if darr.size else 0:.0f} / {np.percentile(darr, 99) if darr.size else 0:.0f} s | "
            f"{other} of {len(c['levels'])} |")
    table = "\n".join(lines)
    print(table)
    if args.out:
        with open(args.out, "w") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
