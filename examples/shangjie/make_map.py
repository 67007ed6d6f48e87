#!/usr/bin/python3
"""Map of the SYNTHETIC Shangjie district (not survey data) from a folder made by
`floodsim scenario new`: DEM hillshade, rivers, levees, buildings, storage area, village,
underpasses and the six shelters. Needs numpy, GDAL and matplotlib (/usr/bin/python3 here).

    floodsim scenario new --template urban /tmp/sj
    /usr/bin/python3 examples/shangjie/make_map.py /tmp/sj examples/shangjie/district-map.png
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import font_manager
from osgeo import gdal, ogr

folder, out = sys.argv[1], sys.argv[2]
dem = gdal.Open(f"{folder}/dem.tif")
z = dem.ReadAsArray().astype(float)
x0, dx, _, y0, _, dy = dem.GetGeoTransform()
extent = [0, z.shape[1] * dx / 1000, 0, z.shape[0] * -dy / 1000]  # km from the south-west corner


def km(x, y):
    return (np.asarray(x) - x0) / 1000, (np.asarray(y) - (y0 + z.shape[0] * dy)) / 1000


def hillshade(z, dx, az=315, alt=45):
    gy, gx = np.gradient(z, dx)
    slope = np.arctan(np.hypot(gx, gy))
    aspect = np.arctan2(-gx, gy)
    a, e = np.radians(360 - az + 90), np.radians(alt)
    return np.sin(e) * np.cos(slope) + np.cos(e) * np.sin(slope) * np.cos(a - aspect)


fig, ax = plt.subplots(figsize=(7.2, 7.2), dpi=100)
ax.imshow(z, cmap="terrain", extent=extent, vmin=120, vmax=480)
ax.imshow(hillshade(z, dx), cmap="gray", alpha=0.35, extent=extent)
gpkg = ogr.Open(f"{folder}/district.gpkg")


def layer(name):
    return [f.GetGeometryRef().Clone() for f in gpkg.GetLayerByName(name)]


for g in layer("buildings"):
    r = g.GetGeometryRef(0)
    xs, ys = km([r.GetX(k) for k in range(r.GetPointCount())], [r.GetY(k) for k in range(r.GetPointCount())])
    ax.fill(xs, ys, color="0.25", lw=0)
for name, style in [("storage_area", dict(color="tab:cyan", alpha=0.5)), ("village", dict(color="tab:orange", alpha=0.5))]:
    for g in layer(name):
        r = g.GetGeometryRef(0)
        xs, ys = km([r.GetX(k) for k in range(r.GetPointCount())], [r.GetY(k) for k in range(r.GetPointCount())])
        ax.fill(xs, ys, lw=0, label=name.replace("_", " "), **style)
for name, style in [("sishui", dict(color="tab:blue", lw=2.5)), ("ku", dict(color="tab:blue", lw=2)),
                    ("sishui-levee", dict(color="tab:red", lw=1.2)), ("ku-levee", dict(color="tab:red", lw=1.2))]:
    for g in layer(name):
        xs, ys = km([g.GetX(k) for k in range(g.GetPointCount())], [g.GetY(k) for k in range(g.GetPointCount())])
        ax.plot(xs, ys, **style, label={"sishui": "rivers", "sishui-levee": "levees"}.get(name))
up = layer("underpasses")
ax.plot(*km([g.GetX() for g in up], [g.GetY() for g in up]), "v", color="magenta", ms=7, label="underpasses (pumps)")
cjk = [f.fname for f in font_manager.fontManager.ttflist if any(k in f.name for k in ("CJK", "Hei", "Noto Sans SC", "WenQuanYi"))]
font = font_manager.FontProperties(fname=cjk[0]) if cjk else None
assets_ds = ogr.Open(f"{folder}/assets.gpkg")  # keep the dataset alive while its layer is read
assets = assets_ds.GetLayerByName("assets")
kp = [[], []]
for f in assets:
    g = f.GetGeometryRef()
    x, y = km(g.GetX(), g.GetY())
    if f.GetField("kind") == "shelter":
        ax.plot(x, y, "*", color="gold", mec="k", ms=13)
        if font:
            ax.annotate(f.GetField("name"), (x, y), xytext=(4, 4), textcoords="offset points", fontproperties=font, fontsize=8)
    else:
        kp[0].append(x)
        kp[1].append(y)
ax.plot(*kp, ".", color="k", ms=3, label="137 key points (synthetic positions)")
ax.plot([], [], "*", color="gold", mec="k", ms=11, label="6 shelters (real names)")
ax.set_xlabel("km east of 705000 E (UTM 49N)")
ax.set_ylabel("km north of 3849000 N")
ax.set_title("SYNTHETIC Shangjie district (not survey data), seed 1")
ax.text(5.6, 1.2, "Wuyun Mt.", fontsize=9, ha="center")
ax.legend(loc="lower left", fontsize=7, framealpha=0.85)
fig.tight_layout()
fig.savefig(out, dpi=100)
try:  # a palette PNG keeps the picture small (< 200 KB)
    from PIL import Image

    Image.open(out).convert("RGB").quantize(colors=96).save(out, optimize=True)
except ImportError:
    pass
