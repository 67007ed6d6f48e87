#!/usr/bin/env python3
"""Convergence of the schemes on the rained hillslope catchment (bench/make_hillslope_catchment.py)
against a fine reference: for each scheme and resolution, the share of cells whose final depth is
within 2 cm of the reference (the reference's depths averaged over each coarse cell), the mean
depth of the channel and of the hillslopes against the reference's, and the run's wall time.

    compare_rain_on_grid.py [--floodsim build-rog/cli/floodsim] [--work /tmp/rog]
        [--schemes fv1,fv2,inertial] [--dx 20,10,5] [--ref inertial:2.5] [--size 5000]
        [--duration 1h] [--threads 2] [--force] [--out TABLE.md]

Runs are kept in WORK/SCHEME-DX/ and reused unless --force (the reference is reused always
when its file exists, it is the expensive one). Prints a Markdown table. Needs numpy and h5py
(/usr/bin/python3). The reference resolution must divide every coarse one. A run that exists is
reused as it is: to compare two builds, give each its own --work (and link the reference in).
docs/rain-on-grid.md has the figures and how they were made.
"""
import argparse
import os
import subprocess
import sys
import time

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_hillslope_catchment as cat  # noqa: E402


def run(args, scheme, dx, force):
    folder = os.path.join(args.work, f"{scheme}-{dx:g}")
    result = os.path.join(folder, "out", "hillslope.h5")
    if os.path.exists(result) and not force:
        return result
    subprocess.run([sys.executable, os.path.join(HERE, "make_hillslope_catchment.py"), folder, str(dx),
                    "--scheme", scheme, "--size", str(args.size), "--duration", args.duration,
                    "--threads", str(args.threads)], check=True)
    t0 = time.time()
    with open(os.path.join(folder, "run.log"), "w") as log:
        subprocess.run([args.floodsim, "run", os.path.join(folder, "hillslope.toml"), "--quiet"], check=True,
                       stdout=log, stderr=subprocess.STDOUT)
    with open(os.path.join(folder, "wall.txt"), "w") as f:
        f.write(f"{time.time() - t0:.1f}\n")
    return result


def final_depth(path):
    with h5py.File(path, "r") as f:
        return np.nan_to_num(f["depth"][-1].astype(np.float64))


def block_mean(a, k):
    n = a.shape[0] // k
    return a.reshape(n, k, n, k).mean(axis=(1, 3))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--floodsim", default="build-rog/cli/floodsim")
    p.add_argument("--work", default="/tmp/rain-on-grid")
    p.add_argument("--schemes", default="fv1,fv2,inertial")
    p.add_argument("--dx", default="20,10,5")
    p.add_argument("--ref", default="inertial:2.5")
    p.add_argument("--size", type=float, default=5000.0)
    p.add_argument("--duration", default="1h")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--tol", type=float, default=0.02)
    p.add_argument("--force", action="store_true")
    p.add_argument("--out", help="also write the table (Markdown) to this file")
    args = p.parse_args()
    args.floodsim = os.path.abspath(args.floodsim)

    ref_scheme, ref_dx = args.ref.split(":")
    ref_dx = float(ref_dx)
    ref = final_depth(run(args, ref_scheme, ref_dx, False))
    _, _, _, ref_channel = cat.geometry(args.size, ref_dx)
    ref_chan = ref[ref_channel].mean()
    ref_hill = ref[~ref_channel].mean()
    lines = [f"Reference: {ref_scheme} at {ref_dx:g} m on {args.size / 1000:g} x {args.size / 1000:g} km; mean depth "
             f"{ref_chan:.4f} m in the channel, {ref_hill:.4f} m on the hillslopes, after {args.duration}.", "",
             "| scheme | dx (m) | cells within %g cm | channel depth (m) | channel error | hillslope depth (m) | "
             "hillslope error | wall (s) |" % (100 * args.tol),
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for line in lines:
        print(line, flush=True)
    for scheme in args.schemes.split(","):
        for dx in (float(s) for s in args.dx.split(",")):
            path = run(args, scheme, dx, args.force)
            h = final_depth(path)
            k = int(round(dx / ref_dx))
            r = block_mean(ref, k)
            _, _, _, channel = cat.geometry(args.size, dx)
            within = 100.0 * np.mean(np.abs(h - r) <= args.tol)
            chan = h[channel].mean()
            hill = h[~channel].mean()
            wall_file = os.path.join(os.path.dirname(os.path.dirname(path)), "wall.txt")
            wall = open(wall_file).read().strip() if os.path.exists(wall_file) else "?"
            line = (f"| {scheme} | {dx:g} | {within:.2f} % | {chan:.4f} | {100 * (chan / ref_chan - 1):+.1f} % | "
                    f"{hill:.4f} | {100 * (hill / ref_hill - 1):+.1f} % | {wall} |")
            lines.append(line)
            print(line, flush=True)
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(lines) + "\n")

if __name__ == "__main__":
    main()
