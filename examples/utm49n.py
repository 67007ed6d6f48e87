"""The CRS of floodsim's example inputs: WGS 84 / UTM zone 49N (EPSG:32649), Shangjie's zone.

Shared by the example generators (urban/make_inputs.py, terrain/make_inputs.py); only the
standard library is needed.
"""
import os

WKT_UTM49N = (
    'PROJCS["WGS 84 / UTM zone 49N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,'
    '298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],'
    'PARAMETER["central_meridian",111],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],'
    'PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],'
    'AXIS["Northing",NORTH],AUTHORITY["EPSG","32649"]]'
)


def write_prj(path):
    """Writes the CRS as an ESRI .prj file next to an ASCII grid."""
    with open(path, "w") as f:
        f.write(WKT_UTM49N + "\n")
