#!/usr/bin/python3
"""How far two runs of one scenario are apart: maximum depths and arrival times of two result
files (floodsim run) or two state files (template_speed --save, floodsim run --save-state), on
the same grid. Used to weigh a faster scheme's results against the reference's (local time
stepping against the global step, docs/local-time-stepping.md).

Usage:
  /usr/bin/python3 bench/compare_depths.py REFERENCE.h5 OTHER.h5 [--flooded M]

Prints, over the cells flooded (maximum depth > M, default 0.01 m) in either run: their counts,
the largest maximum depth and flooded area of each, the difference of maximum depths (largest,
p99, cells over 1 cm and over 5 cm) and of arrival times (p99, cells over 1 min and 10 min,
how many of those earlier). Exit status 0 whatever the differences."""
import argparse
import sys

try:
    import h5py
    import numpy as np
except ImportError:
    sys.exit("compare_depths.py needs h5py and numpy: run it with /usr/bin/python3")


def fields(path):
    """(max depth, arrival time, cell area) of a result file or a state file."""
    with h5py.File(path, "r") as f:
        if "format" in f.attrs and f.attrs["format"] == "floodsim-state":  # its fields carry a ghost ring
            gh, nx, ny = int(f.attrs["ghost"]), int(f.attrs["nx"]), int(f.attrs["ny"])
            inner = (slice(gh, gh + ny), slice(gh, gh + nx))
            dx, dy = float(f.attrs["dx"]), float(f.attrs["dy"])
        else:  # a result file
            inner = (slice(None), slice(None))
            gt = f.attrs["geotransform"]
            dx, dy = abs(float(gt[1])), abs(float(gt[5]))
        mh = f["max_depth"][...][inner].astype(np.float64)
        arr = f["arrival_time"][...][inner].astype(np.float64)
    return mh, arr, dx * dy


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("reference")
    ap.add_argument("other")
    ap.add_argument("--flooded", type=float, default=0.01)
    a = ap.parse_args()
    mh0, ar0, area = fields(a.reference)
    mh1, ar1, _ = fields(a.other)
    if mh0.shape != mh1.shape:
        sys.exit(f"the grids differ: {mh0.shape} and {mh1.shape}")
    m0, m1 = np.nan_to_num(mh0), np.nan_to_num(mh1)  # NaN: outside the domain
    f0, f1 = m0 > a.flooded, m1 > a.flooded
    wet = f0 | f1
    d = np.abs(m1 - m0)[wet]
    print(f"flooded cells (max depth > {a.flooded} m): reference {int(f0.sum())}, other {int(f1.sum())}, "
          f"either {int(wet.sum())}")
    print(f"largest max depth: reference {m0.max():.4f} m, other {m1.max():.4f} m; flooded area "
          f"{f0.sum() * area:.4g} and {f1.sum() * area:.4g} m2")
    if d.size:
        print(f"max depth difference: largest {d.max() * 100:.2f} cm, p99 {np.percentile(d, 99) * 1000:.3f} mm, "
              f"cells over 1 cm {int((d > 0.01).sum())}, over 5 cm {int((d > 0.05).sum())}")
    both = np.isfinite(ar0) & np.isfinite(ar1)
    da = (ar1 - ar0)[both]
    once = int((np.isfinite(ar0) ^ np.isfinite(ar1)).sum())
    if da.size:
        ad = np.abs(da)
        print(f"arrival time difference over {da.size} cells reached in both: p99 {np.percentile(ad, 99):.1f} s, "
              f"over 1 min {int((ad > 60).sum())} ({int((da < -60).sum())} earlier), over 10 min {int((ad > 600).sum())}; "
              f"reached in one run only: {once}")


if __name__ == "__main__":
    main()
