#!/usr/bin/python3
"""The picture in docs/terrain.md: the example's model DEM after the features (hillshade, with the
cell mask `floodsim check --write-model` writes) and the flood's maximum depth after a run.

    python3 make_inputs.py
    floodsim check terrain.toml --write-model model
    floodsim run terrain.toml
    /usr/bin/python3 plot_model.py [out.png]    # needs numpy, GDAL's Python bindings, matplotlib, h5py
"""
import os
import sys

import h5py
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from osgeo import gdal

HERE = os.path.dirname(os.path.abspath(__file__))


def read(name):
    ds = gdal.Open(os.path.join(HERE, "model", name))
    return ds.ReadAsArray().astype(float), ds.GetGeoTransform()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "docs", "terrain", "example-model.png")
    dem, gt = read("model_dem.tif")
    mask, _ = read("model_mask.tif")
    ny, nx = dem.shape
    extent = [0, nx * gt[1], 0, ny * -gt[5]]  # metres from the south-west corner
    filled = np.where(np.isnan(dem), np.nanmax(dem), dem)
    gy, gx = np.gradient(filled, -gt[5], gt[1])
    shade = np.clip(0.6 + 2.0 * (gx - gy) / np.sqrt(1 + gx**2 + gy**2), 0, 1)

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    ax = axes[0]
    im = ax.imshow(dem, extent=extent, cmap="terrain", vmin=np.nanmin(dem) - 3, vmax=np.nanmax(dem) + 2)
    ax.imshow(shade, extent=extent, cmap="gray", alpha=0.25)
    kinds = np.ma.masked_where(mask < 2, mask)
    colours = ListedColormap(["#444444", "#8c6d31", "#1f5fbf", "#d62728", "#ff7f0e"])  # 2..6
    ax.imshow(kinds - 2, extent=extent, cmap=colours, vmin=-0.5, vmax=4.5, interpolation="nearest")
    ax.set_title("model DEM after the features")
    ax.set_xlabel("m east")
    ax.set_ylabel("m north")
    fig.colorbar(im, ax=ax, label="bed elevation (m)", shrink=0.85)
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color="#444444", label="blocked building"), Patch(color="#1f5fbf", label="channel"),
                       Patch(color="#d62728", label="levee"), Patch(color="#ff7f0e", label="breach")],
              loc="lower right", fontsize=7, framealpha=0.8)

    ax = axes[1]
    with h5py.File(os.path.join(HERE, "out", "terrain.h5"), "r") as f:
        depth = f["/max_depth"][...]
    ax.imshow(shade, extent=extent, cmap="gray", vmin=0, vmax=1.3)
    wet = np.ma.masked_where(~(depth > 0.01), depth)
    im = ax.imshow(wet, extent=extent, cmap="YlGnBu", vmin=0, vmax=1.0)
    ax.set_title("maximum depth over 3 h (breach at 1 h)")
    ax.set_xlabel("m east")
    fig.colorbar(im, ax=ax, label="depth (m)", shrink=0.85)
    fig.savefig(out, dpi=90)
    print("wrote", out)


if __name__ == "__main__":
    main()
