#!/usr/bin/env python3
"""Validation against a laboratory experiment: dam-break flow against an isolated building
(Soares-Frazao and Zech 2007, J. Hydraulic Research 45 Extra Issue 27-36; data and geometry:
tests/data/soares-frazao-2007/README.md). Builds the flume (DEM, initial water level, the building
footprint as GeoJSON, gauges), runs floodsim for each scheme and cell size, and compares the
simulated depths at gauges G1-G6 with the measured ones.

    validate_building.py [--floodsim build-tests/cli/floodsim] [--work /tmp/sfz-val]
        [--schemes fv2,fv1,inertial] [--dx 0.1,0.05] [--threads 2] [--force]
        [--out TABLE.md] [--plot FIGURE.png] [--plot-dx 0.05] [--setup-plot FIGURE.png] [--no-building]

Runs are kept in WORK/SCHEME-DX/ and reused unless --force. --no-building leaves the building
out (WORK/SCHEME-DX-nobuilding/): what the gauges see of it. Prints a Markdown table per gauge:
RMSE and mean error (simulated - measured) from the measured front arrival to 30 s (G6, in the
reservoir: over the whole record), the arrival time difference (first time the depth reaches
0.03 m; the measured records are 0 before the front, the flume's 0.02 m layer was not recorded),
and the peak depth difference; then the mass balance error and the wall time of each run.
Needs numpy, h5py (and matplotlib for --plot): /usr/bin/python3.
docs/validation-building.md has the figures and how they were made.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
REFERENCE = os.path.join(ROOT, "tests", "data", "soares-frazao-2007", "gauges_h.csv")

# Geometry (metres), flume frame: x from the upstream end, y from the right-hand wall.
LENGTH, WIDTH = 35.8, 3.6
DAM_X0, DAM_X1 = 6.75, 7.55             # the dam's faces; the gate is on the downstream one
GAP_Y0, GAP_Y1 = 1.30, 2.30             # the 1 m gap between the two blocks
SLOPE_H, SLOPE_W = 0.155, 0.34          # side slopes of sections AA and CC
H_RESERVOIR, H_CHANNEL = 0.40, 0.02
MANNING = 0.01
B1 = (DAM_X1 + 3.44, 1.75)              # the building's corner nearest the gate
B_LONG, B_SHORT, B_ANGLE = 0.80, 0.40, 64.0
GAUGES = {"G1": (10.20, 2.95), "G2": (10.20, 1.20), "G3": (11.55, 2.95),
          "G4": (11.55, 1.00), "G5": (12.75, 2.10), "G6": (5.68, 2.90)}
ARRIVAL_DEPTH = 0.03
NODATA = -9999.0


def building():
    """The footprint's corners b1, b2, b3, b4 (counter-clockwise)."""
    a = math.radians(B_ANGLE)
    along = (B_LONG * math.cos(a), B_LONG * math.sin(a))
    across = (B_SHORT * math.sin(a), -B_SHORT * math.cos(a))   # at B_ANGLE - 90 degrees
    b1 = B1
    b2 = (b1[0] + across[0], b1[1] + across[1])
    b3 = (b2[0] + along[0], b2[1] + along[1])
    b4 = (b1[0] + along[0], b1[1] + along[1])
    return [b1, b2, b3, b4]


def inside(poly, x, y):
    """Even-odd rule at points (x, y) (arrays)."""
    res = np.zeros(np.broadcast(x, y).shape, dtype=bool)
    n = len(poly)
    for k in range(n):
        (x0, y0), (x1, y1) = poly[k], poly[(k + 1) % n]
        cross = (y0 > y) != (y1 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            xi = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
        res ^= cross & (x < xi)
    return res


def grid(dx):
    """Cell-centre coordinates; the raster's west edge is put so that the dam's faces fall on
    cell edges (at 0.1 m: from x = -0.05 to 35.85, the reservoir and the channel half a cell
    longer than the flume's)."""
    x0 = DAM_X0 - dx * math.ceil(DAM_X0 / dx - 1e-9)
    nx = int(math.ceil((LENGTH - x0) / dx - 1e-9))
    ny = int(round(WIDTH / dx))
    xc = x0 + (np.arange(nx) + 0.5) * dx
    yc = (np.arange(ny) + 0.5) * dx          # south to north
    return x0, nx, ny, xc, yc


def write_asc(path, x0, dx, z):
    """z[j, i] with j = 0 the southern row; written north row first."""
    ny, nx = z.shape
    with open(path, "w") as f:
        f.write(f"ncols {nx}\nnrows {ny}\nxllcorner {x0:.6f}\nyllcorner 0\ncellsize {dx:g}\n"
                f"NODATA_value {NODATA:g}\n")
        for j in range(ny - 1, -1, -1):
            f.write(" ".join(f"{v:.5f}" if v != NODATA else f"{NODATA:g}" for v in z[j]) + "\n")


def make_inputs(folder, dx, scheme, threads, duration, with_building=True):
    os.makedirs(folder, exist_ok=True)
    x0, nx, ny, xc, yc = grid(dx)
    X, Y = np.meshgrid(xc, yc)
    # Bed: 0, side slopes along both walls (not in the dam's gap, section BB is rectangular).
    z = np.zeros_like(X)
    z = np.where(Y < SLOPE_W, SLOPE_H / SLOPE_W * (SLOPE_W - Y), z)
    z = np.where(Y > WIDTH - SLOPE_W, SLOPE_H / SLOPE_W * (Y - (WIDTH - SLOPE_W)), z)
    in_dam = (X > DAM_X0) & (X < DAM_X1)
    z = np.where(in_dam, 0.0, z)
    blocks = in_dam & ((Y < GAP_Y0) | (Y > GAP_Y1))
    z = np.where(blocks, NODATA, z)      # the raster is the flume: its west side is the end wall
    write_asc(os.path.join(folder, "dem.asc"), x0, dx, z)
    level = np.where(X < DAM_X1, H_RESERVOIR, H_CHANNEL)
    write_asc(os.path.join(folder, "level.asc"), x0, dx, level)
    ring = building() + [building()[0]]
    with open(os.path.join(folder, "building.geojson"), "w") as f:
        json.dump({"type": "FeatureCollection", "features": [{
            "type": "Feature", "properties": {"name": "building"},
            "geometry": {"type": "Polygon", "coordinates": [[[round(px, 6), round(py, 6)] for px, py in ring]]}}]},
            f, indent=1)
    buildings = '[buildings]\nfile = "building.geojson"\nmethod = "block"\n\n' if with_building else ""
    gauges = "".join(f'[[gauge]]\nname = "{n}"\nx = {gx}\ny = {gy}\n' for n, (gx, gy) in GAUGES.items())
    with open(os.path.join(folder, "building.toml"), "w") as f:
        f.write(f"""format = 1
name = "soares-frazao-building"

[domain]
dem = "dem.asc"
manning = {MANNING}

[initial]
water_level = "level.asc"

[time]
duration = {duration}
output_interval = {duration}
gauge_interval = 0.05

[solver]
scheme = "{scheme}"
threads = {threads}

[[boundary]]
side = "east"
kind = "free"

{buildings}{gauges}
[output]
file = "out/building.h5"
""")
    return os.path.join(folder, "building.toml")


def run(args, scheme, dx, force):
    folder = os.path.join(args.work, f"{scheme}-{dx:g}" + ("-nobuilding" if args.no_building else ""))
    result = os.path.join(folder, "out", "building.h5")
    if os.path.exists(result) and not force:
        return result
    toml = make_inputs(folder, dx, scheme, args.threads, args.duration, not args.no_building)
    t0 = time.time()
    with open(os.path.join(folder, "run.log"), "w") as log:
        subprocess.run([args.floodsim, "run", toml, "--quiet"], check=True, stdout=log, stderr=subprocess.STDOUT)
    with open(os.path.join(folder, "wall.txt"), "w") as f:
        f.write(f"{time.time() - t0:.1f}\n")
    return result


def reference():
    a = np.loadtxt(REFERENCE, delimiter=",", comments="#", skiprows=4)
    return a[:, 0], {g: a[:, k + 1] for k, g in enumerate(GAUGES)}


def arrival(t, h):
    k = np.flatnonzero(h >= ARRIVAL_DEPTH)
    return float(t[k[0]]) if len(k) else math.nan


def gauge_errors(tm, hm, ts, hs, gauge):
    """Errors of the simulated series (ts, hs) against the measured one (tm, hm)."""
    hs_at = np.interp(tm, ts, hs)
    if gauge == "G6":
        window = np.ones_like(tm, dtype=bool)
        arr_m = arr_s = math.nan
    else:
        arr_m, arr_s = arrival(tm, hm), arrival(ts, hs)
        window = tm >= arr_m
    e = hs_at[window] - hm[window]
    return {"rmse": float(np.sqrt(np.mean(e * e))), "bias": float(np.mean(e)),
            "arrival_m": arr_m, "arrival_s": arr_s, "peak_m": float(hm[window].max()),
            "peak_s": float(hs[ts >= (arr_m if not math.isnan(arr_m) else 0.0)].max())}


def read_run(path):
    with h5py.File(path, "r") as f:
        series = {g: (f[f"gauges/{g}/time"][:], f[f"gauges/{g}/depth"][:]) for g in GAUGES}
        vol = f["mass_balance/volume"][:]
        err = f["mass_balance/error"][:]
        gt = f.attrs["geotransform"]
        maxd = f["max_depth"][:]
        steps = int(f.attrs["steps"])
    # Building cells: NaN (walls) in max_depth.
    ny, nx = maxd.shape
    xc = gt[0] + (np.arange(nx) + 0.5) * gt[1]
    yc = gt[3] + (np.arange(ny) + 0.5) * gt[5]
    X, Y = np.meshgrid(xc, yc)
    cells = inside(building(), X, Y)
    return {"series": series, "mb_rel": float(np.max(np.abs(err)) / vol[0]), "building_cells": int(cells.sum()),
            "building_dry": bool(np.all(np.isnan(maxd[cells]))), "steps": steps}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--floodsim", default=os.path.join(ROOT, "build-tests", "cli", "floodsim"))
    p.add_argument("--work", default="/tmp/sfz-val")
    p.add_argument("--schemes", default="fv2,fv1,inertial")
    p.add_argument("--dx", default="0.1,0.05")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--duration", type=float, default=30.0)
    p.add_argument("--force", action="store_true")
    p.add_argument("--out")
    p.add_argument("--plot")
    p.add_argument("--plot-dx", type=float, default=None)
    p.add_argument("--setup-plot", help="plan view of the model at --plot-dx (default the finest)")
    p.add_argument("--no-building", action="store_true")
    args = p.parse_args()
    schemes = args.schemes.split(",")
    dxs = [float(v) for v in args.dx.split(",")]
    tm, hm = reference()
    rows, runs = [], {}
    for scheme in schemes:
        for dx in dxs:
            path = run(args, scheme, dx, args.force)
            r = read_run(path)
            with open(os.path.join(os.path.dirname(os.path.dirname(path)), "wall.txt")) as f:
                r["wall"] = float(f.read())
            runs[(scheme, dx)] = r
    lines = ["| scheme | dx (m) | gauge | RMSE (m) | mean error (m) | arrival measured (s) | arrival error (s) "
             "| peak measured (m) | peak error (m) |", "|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    for (scheme, dx), r in runs.items():
        for g in GAUGES:
            ts, hs = r["series"][g]
            e = gauge_errors(tm, hm[g], ts, hs, g)
            arr = "" if g == "G6" else f"{e['arrival_m']:.2f}"
            darr = "" if g == "G6" else f"{e['arrival_s'] - e['arrival_m']:+.2f}"
            pk = "" if g == "G6" else f"{e['peak_m']:.3f}"
            dpk = "" if g == "G6" else f"{e['peak_s'] - e['peak_m']:+.3f}"
            lines.append(f"| {scheme} | {dx:g} | {g} | {e['rmse']:.4f} | {e['bias']:+.4f} | {arr} | {darr} | {pk} | {dpk} |")
            rows.append((scheme, dx, g, e))
    lines += ["", "| scheme | dx (m) | cells | steps | wall (s) | max \\|mass error\\| / initial volume "
              "| building cells | building cells dry |", "|---|---:|---:|---:|---:|---:|---:|---|"]
    for (scheme, dx), r in runs.items():
        _, nx, ny, _, _ = grid(dx)
        lines.append(f"| {scheme} | {dx:g} | {nx * ny} | {r['steps']} | {r['wall']:.1f} | {r['mb_rel']:.1e} "
                     f"| {r['building_cells']} | {'yes' if r['building_dry'] else 'NO'} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if args.out:
        with open(args.out, "w") as f:
            f.write(table)
    if args.plot:
        plot(args, runs, schemes, dxs, tm, hm)
    if args.setup_plot:
        setup_plot(args, schemes[0], args.plot_dx if args.plot_dx is not None else min(dxs))


def plot(args, runs, schemes, dxs, tm, hm):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(3, 2, figsize=(9, 8), sharex=True)
    colours = {"fv2": "tab:red", "fv1": "tab:blue", "inertial": "tab:green"}
    styles = ["-", "--", ":"]
    for k, g in enumerate(GAUGES):
        ax = axes[k // 2][k % 2]
        ax.plot(tm, hm[g], color="black", lw=1.6, label="measured")
        for scheme in schemes:
            for m, dx in enumerate(dxs):
                if args.plot_dx is not None and abs(dx - args.plot_dx) > 1e-9:
                    continue
                ts, hs = runs[(scheme, dx)]["series"][g]
                ax.plot(ts, hs, color=colours.get(scheme, None), ls=styles[m % 3], lw=1.0,
                        label=f"{scheme} {dx * 100:g} cm")
        ax.set_title(f"{g} ({GAUGES[g][0]:.2f}, {GAUGES[g][1]:.2f})", fontsize=10)
        ax.set_ylim(0, 0.42 if g == "G6" else 0.26)
        ax.grid(alpha=0.3)
        if k % 2 == 0:
            ax.set_ylabel("depth (m)")
        if k >= 4:
            ax.set_xlabel("time (s)")
    axes[0][0].legend(fontsize=7, loc="upper right")
    fig.suptitle("Dam break against an isolated building (Soares-Frazão & Zech 2007): measured and floodsim",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(args.plot, dpi=80)


def setup_plot(args, scheme, dx):
    """Plan view of the model's upstream 16 m: bed, walls (nodata and blocked cells, black), the
    building's footprint, the initial water and the gauges."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    folder = os.path.join(args.work, f"{scheme}-{dx:g}" + ("-nobuilding" if args.no_building else ""))
    with h5py.File(os.path.join(folder, "out", "building.h5"), "r") as f:
        gt = f.attrs["geotransform"]
        d0 = f["depth"][0]
    ny, nx = d0.shape
    x0, x1, y1, y0 = gt[0], gt[0] + nx * gt[1], gt[3], gt[3] + ny * gt[5]
    z = np.loadtxt(os.path.join(folder, "dem.asc"), skiprows=6)
    fig, ax = plt.subplots(figsize=(9, 2.6))
    walls = np.isnan(d0)
    img = np.ones((ny, nx, 3))
    level = np.where(walls, np.nan, d0 + z)
    img[(d0 > 0) & (level > 0.3)] = (0.62, 0.78, 0.95)     # reservoir, level 0.40 m
    img[(d0 > 0) & (level <= 0.3)] = (0.85, 0.92, 0.98)    # channel, level 0.02 m
    img[(d0 <= 0) & ~walls] = (0.85, 0.85, 0.85)           # dry side slopes
    img[walls] = (0.1, 0.1, 0.1)
    ax.imshow(img, extent=(x0, x1, y0, y1), origin="upper", interpolation="nearest")
    ring = building() + [building()[0]]
    ax.plot([p[0] for p in ring], [p[1] for p in ring], color="tab:red", lw=1.2, label="footprint (GeoJSON)")
    for g, (gx, gy) in GAUGES.items():
        ax.plot(gx, gy, "o", color="tab:orange", ms=4)
        ax.annotate(g, (gx, gy), xytext=(3, 3), textcoords="offset points", fontsize=8)
    ax.set_xlim(0, 16)
    ax.set_ylim(0, WIDTH)
    ax.set_aspect("equal")
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")
    ax.set_title(f"Model at {dx * 100:g} cm (first 16 m of 35.8 m): walls and blocked cells black, reservoir "
                 "0.40 m, channel 0.02 m, side slopes grey where dry", fontsize=8)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(args.setup_plot, dpi=90)


if __name__ == "__main__":
    main()
