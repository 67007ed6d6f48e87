#!/usr/bin/env python3
"""Synthetic rain-on-grid catchment with rough hillslopes draining to a winding channel, at any
resolution (issue 9: runoff accuracy of the schemes on thin sheets over steep rough slopes).

    make_hillslope_catchment.py FOLDER DX [--scheme fv1] [--size 5000] [--duration 1h]
                                [--threads 2] [--name NAME]

Writes FOLDER/dem.asc, FOLDER/manning.asc, FOLDER/rain.csv and FOLDER/NAME.toml (result
out/NAME.h5 next to it). The catchment, in map metres on a square SIZE x SIZE domain:

- a channel winding west to east about the middle, centreline y_c(x) = SIZE/2 + A sin(2 pi x / W)
  (A = 0.08 SIZE, W = SIZE/2), 50 m wide, its bed 1.5 m below the foot of the banks, falling
  0.2 % eastwards; it leaves the domain through a free east boundary;
- hillslopes rising from the banks at 0.4 % along the distance d to the centreline
  (d = |y - y_c(x)| / sqrt(1 + y_c'(x)^2)), so the bed falls about 4 cm per 10 m cell towards the
  channel: a sheet of a few mm to a few cm over a bed step of the same size between cells;
- Manning n = 0.08 on the hillslopes (rough pasture / scrub; Chow's table gives 0.035-0.16 for
  overland flow on such cover) and 0.035 in the channel;
- 100 mm/h of rain for the first 30 min, then none; the run lasts DURATION (default 1 h, so the
  final state is 30 min into the recession, when the hillslope sheets are thinnest).

Other sides are walls (ridges). Cell centres are sampled on the grid of size DX, so the same
catchment is produced at every resolution. Needs numpy (/usr/bin/python3).
"""
import argparse
import math
import os

import numpy as np

CHANNEL_WIDTH = 50.0
CHANNEL_DEPTH = 1.5
VALLEY_SLOPE = 0.002
HILL_SLOPE = 0.004
N_HILL = 0.08
N_CHANNEL = 0.035
RAIN_MM_H = 100.0
RAIN_S = 1800.0


def geometry(size, dx):
    """Cell-centre coordinates (rows north first), the bed, the distance to the centreline and the
    channel mask."""
    n = int(round(size / dx))
    x = (np.arange(n) + 0.5) * dx
    y = (n - np.arange(n) - 0.5) * dx  # row 0 is the northern row
    X, Y = np.meshgrid(x, y)
    amp, wave = 0.08 * size, 0.5 * size
    yc = 0.5 * size + amp * np.sin(2 * math.pi * X / wave)
    dyc = amp * 2 * math.pi / wave * np.cos(2 * math.pi * X / wave)
    d = np.abs(Y - yc) / np.sqrt(1.0 + dyc * dyc)
    channel = d < 0.5 * CHANNEL_WIDTH
    valley = VALLEY_SLOPE * (size - X)
    z = np.where(channel, valley - CHANNEL_DEPTH, valley + HILL_SLOPE * (d - 0.5 * CHANNEL_WIDTH))
    return n, z, d, channel


def write_asc(path, a, dx, fmt):
    n = a.shape[0]
    with open(path, "w") as f:
        f.write(f"ncols {n}\nnrows {n}\nxllcorner 0\nyllcorner 0\ncellsize {dx}\nNODATA_value -9999\n")
        for row in a:
            f.write(" ".join(fmt % v for v in row) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder")
    p.add_argument("dx", type=float)
    p.add_argument("--scheme", default="fv1")
    p.add_argument("--size", type=float, default=5000.0)
    p.add_argument("--duration", default="1h")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--cfl", type=float, default=0.5)
    p.add_argument("--name", default="hillslope")
    a = p.parse_args()
    os.makedirs(a.folder, exist_ok=True)
    n, z, _, channel = geometry(a.size, a.dx)
    write_asc(os.path.join(a.folder, "dem.asc"), z, a.dx, "%.4f")
    write_asc(os.path.join(a.folder, "manning.asc"), np.where(channel, N_CHANNEL, N_HILL), a.dx, "%.3f")
    with open(os.path.join(a.folder, "rain.csv"), "w") as f:
        f.write(f"time_s,intensity_mm_h\n0,{RAIN_MM_H}\n{RAIN_S:g},0\n")
    with open(os.path.join(a.folder, a.name + ".toml"), "w") as f:
        f.write(
            f'format = 1\nname = "{a.name}"\n'
            '[domain]\ndem = "dem.asc"\nmanning = "manning.asc"\n'
            f'[time]\nduration = "{a.duration}"\noutput_interval = "{a.duration}"\ngauge_interval = "5min"\n'
            f'[solver]\nscheme = "{a.scheme}"\ncfl = {a.cfl}\nthreads = {a.threads}\n'
            '[rain]\nseries = "rain.csv"\n'
            '[[boundary]]\nside = "east"\nkind = "free"\n'
            f'[output]\nfile = "out/{a.name}.h5"\n'
        )


if __name__ == "__main__":
    main()
