#!/usr/bin/env python3
"""Generates the inputs of the terrain-features example (docs/terrain.md): a synthetic river valley.

1.5 km x 1 km at 10 m cells (150 x 100) in UTM zone 49N (EPSG:32649) near Shangjie, Zhengzhou.
Synthetic, not survey data. The valley floor falls east at 0.2 %; the town's plain north of the river falls
gently away from it, a hillside rises to the south; a river runs west to east along y = 400 m, burned as a [[channel]] 20 m wide and 2 m below its banks; a levee 1.5 m high guards
the town on the north bank and breaches at 1 h; the town's blocks are building footprints
(blocked); land use comes as polygons (town, fields, woods on the southern hillside). The river
brings a hydrograph rising to 140 m3/s, about twice what its channel carries.
Only the standard library is needed:
    python3 make_inputs.py      # writes dem.asc, dem.prj, *.geojson, *.csv next to this script
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from utm49n import write_prj  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
NX, NY, DX = 150, 100, 10.0
X0, Y0 = 708000.0, 3853000.0  # south-west corner
CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32649"}}

RIVER_Y = 400.0


def elevation(x, y):
    """Ground (m) at local x (east), y (north): the floor falls east; north of the river the town's
    plain falls gently away from it (the river runs a little above its plain, as lowland rivers
    between levees do); south of it the hillside rises."""
    if y > RIVER_Y:
        return 100.0 - 0.002 * x - 0.001 * (y - RIVER_Y)
    return 100.0 - 0.002 * x + 0.02 * (RIVER_Y - y)


def rect(x0, y0, x1, y1):
    return [[[X0 + x0, Y0 + y0], [X0 + x1, Y0 + y0], [X0 + x1, Y0 + y1], [X0 + x0, Y0 + y1], [X0 + x0, Y0 + y0]]]


def write_geojson(name, features):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump({"type": "FeatureCollection", "crs": CRS, "features": features}, f, indent=None)
        f.write("\n")


def feature(geometry, **props):
    return {"type": "Feature", "properties": props, "geometry": geometry}


def main():
    with open(os.path.join(HERE, "dem.asc"), "w") as f:
        f.write(f"ncols {NX}\nnrows {NY}\nxllcorner {X0:.0f}\nyllcorner {Y0:.0f}\ncellsize {DX:g}\nNODATA_value -9999\n")
        for j in range(NY):
            y = (NY - j - 0.5) * DX
            f.write(" ".join(f"{elevation((i + 0.5) * DX, y):.3f}" for i in range(NX)) + "\n")
    write_prj(os.path.join(HERE, "dem.prj"))
    # The town: blocks of 60 x 40 m between streets 20 m wide, north of the levee.
    blocks = []
    for bx in range(300, 1300, 80):
        for by in range(520, 900, 60):
            blocks.append(feature({"type": "Polygon", "coordinates": rect(bx, by, bx + 60, by + 40)}, h=12))
    write_geojson("buildings.geojson", blocks)
    line = [[X0, Y0 + RIVER_Y], [X0 + 1500.0, Y0 + RIVER_Y]]
    write_geojson("river.geojson", [feature({"type": "LineString", "coordinates": line}, name="river")])
    write_geojson("landuse.geojson", [
        feature({"type": "Polygon", "coordinates": rect(-10, -10, 1510, 1010)}, cls=2),   # fields
        feature({"type": "Polygon", "coordinates": rect(250, 430, 1350, 950)}, cls=1),    # the town
        feature({"type": "Polygon", "coordinates": rect(-10, -10, 1510, 250)}, cls=3),    # woods
    ])
    with open(os.path.join(HERE, "landuse.csv"), "w") as f:
        f.write("# synthetic classes: 1 town (paved), 2 fields on loess, 3 woods\n")
        f.write("class,manning,ks_mm_h,psi_mm,dtheta\n1,0.02,0,110,0.3\n2,0.05,8,167,0.35\n3,0.10,15,167,0.35\n")
    with open(os.path.join(HERE, "river_inflow.csv"), "w") as f:
        f.write("# m3/s into the river's upstream cell: rising to 140 over 1.5 h, then falling\n")
        f.write("time_s,value\n0,5\n5400,140\n9000,80\n10800,40\n")


if __name__ == "__main__":
    main()
