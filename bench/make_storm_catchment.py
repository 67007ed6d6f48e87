#!/usr/bin/env python3
"""Synthetic rained-on catchment for whole-run timings: N x N cells at 10 m, a valley draining
east (1 % down-valley, 3 % side slopes) with gentle undulations, 1 h of 100 mm/h, free east side.
Writes dem.asc and storm.toml into the folder given. Standard library only."""
import math
import os
import sys


def main():
    folder, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(folder, exist_ok=True)
    dx = 10.0
    with open(os.path.join(folder, "dem.asc"), "w") as f:
        f.write(f"ncols {n}\nnrows {n}\nxllcorner 0\nyllcorner 0\ncellsize {dx}\nNODATA_value -9999\n")
        for j in range(n):
            y = (n - j - 0.5) * dx
            row = []
            for i in range(n):
                x = (i + 0.5) * dx
                z = 0.01 * (n * dx - x) + 0.03 * abs(y - 0.5 * n * dx) + 0.5 * math.sin(x / 170.0) * math.cos(y / 130.0)
                row.append(f"{z:.3f}")
            f.write(" ".join(row) + "\n")
    with open(os.path.join(folder, "storm.toml"), "w") as f:
        f.write(
            'format = 1\nname = "storm"\n[domain]\ndem = "dem.asc"\nmanning = 0.035\n'
            '[time]\nduration = "1h"\noutput_interval = "10min"\ngauge_interval = "1min"\n'
            '[solver]\nscheme = "fv1"\ncfl = 0.5\nthreads = 2\n'
            '[rain]\nintensity_mm_h = 100.0\n'
            '[[boundary]]\nside = "east"\nkind = "free"\n'
            '[output]\nfile = "out/storm.h5"\n'
        )


if __name__ == "__main__":
    main()
