#pragma once
// Shared fixtures of the risk tests: a small result with known depths and velocities (written with
// Hdf5ResultWriter), asset files written with OGR, and the expected values computed here
// independently of risk/ (plain threshold comparisons on the known depths).
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "../io/io_test_util.hpp"
#include "io/hdf5_result_writer.hpp"

namespace floodsim::test::risk {

/// WGS 84 / UTM zone 49N (Shangjie's CRS).
inline const char* utm49n_wkt =
    "PROJCS[\"WGS 84 / UTM zone 49N\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,"
    "298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,"
    "AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],"
    "AUTHORITY[\"EPSG\",\"4326\"]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],"
    "PARAMETER[\"central_meridian\",111],PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_easting\",500000],"
    "PARAMETER[\"false_northing\",0],UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],AXIS[\"Easting\",EAST],"
    "AXIS[\"Northing\",NORTH],AUTHORITY[\"EPSG\",\"32649\"]]";

constexpr int nx = 10, ny = 8;
constexpr double dx = 10.0, x_west = 500000.0, y_north = 3850000.0;
constexpr int frames = 5;
inline double frame_time(int f) { return 600.0 * f; }
/// The flood's stage per frame: rises, then falls back (frame 4 = frame 2).
inline int stage(int f) { return f == 4 ? 2 : f; }
/// Cell (0, 0) lies outside the domain.
inline bool outside(int i, int j) { return i == 0 && j == 0; }

inline float depth(int f, int i, int j) {
    if (outside(i, j)) return std::numeric_limits<float>::quiet_NaN();
    return static_cast<float>(0.04 * stage(f) * (i + 1) / 2.0);
}
inline float vx(int f, int i, int j) {
    if (outside(i, j)) return std::numeric_limits<float>::quiet_NaN();
    return static_cast<float>(0.5 * (j + 1) * stage(f) / 4.0);
}
inline float vy(int f, int i, int j) {
    if (outside(i, j)) return std::numeric_limits<float>::quiet_NaN();
    return static_cast<float>(-0.1 * stage(f));
}
/// The cell whose run maximum peaked between frames (max_depth 0.45 m, frames at most 0.24 m).
constexpr int peak_i = 3, peak_j = 5;
constexpr float peak_depth = 0.45f;
inline float max_depth(int i, int j) {
    if (outside(i, j)) return std::numeric_limits<float>::quiet_NaN();
    if (i == peak_i && j == peak_j) return peak_depth;
    float m = 0.0f;
    for (int f = 0; f < frames; ++f) m = std::max(m, depth(f, i, j));
    return m;
}
inline float max_speed(int i, int j) {
    if (outside(i, j)) return std::numeric_limits<float>::quiet_NaN();
    float m = 0.0f;
    for (int f = 0; f < frames; ++f) m = std::max(m, std::hypot(vx(f, i, j), vy(f, i, j)));
    return m;
}

template <class F>
std::vector<float> grid_of(F&& value) {
    std::vector<float> v(static_cast<std::size_t>(nx) * ny);
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) v[static_cast<std::size_t>(j) * nx + i] = value(i, j);
    return v;
}

/// Writes the result; `velocity` false leaves /velocity_x and /velocity_y out. `scenario` is the
/// scenario text stored in the file.
inline void write_result(const std::string& path, bool velocity = true,
                         const std::string& scenario = "format = 1\n[time]\nduration = \"40min\"\n") {
    ResultMetadata m;
    m.nx = nx;
    m.ny = ny;
    m.crs_wkt = utm49n_wkt;
    m.geotransform = {x_west, dx, 0.0, y_north, 0.0, -dx};
    m.scenario_text = scenario;
    m.floodsim_version = "0.2.0";
    m.scheme = "fv1";
    m.write_velocity = velocity;
    Hdf5ResultWriter w(path, m);
    for (int f = 0; f < frames; ++f) {
        const auto d = grid_of([&](int i, int j) { return depth(f, i, j); });
        const auto u = grid_of([&](int i, int j) { return vx(f, i, j); });
        const auto v = grid_of([&](int i, int j) { return vy(f, i, j); });
        w.write_frame(frame_time(f), d.data(), velocity ? u.data() : nullptr, velocity ? v.data() : nullptr);
    }
    const auto md = grid_of(max_depth), ms = grid_of(max_speed);
    const auto arrival = grid_of([](int, int) { return 0.0f; });
    w.finish(md.data(), ms.data(), arrival.data(), 100, 1.0);
}

inline double cx(int i) { return x_west + (i + 0.5) * dx; }
inline double cy(int j) { return y_north - (j + 0.5) * dx; }

/// One asset to write: id, name and a WKT geometry in the CRS of the file.
struct AssetSpec {
    std::string id, name, wkt;
};

/// Writes `assets` as a vector file (`driver`: "GPKG", "GeoJSON", ...) in the CRS `epsg` (0:
/// UTM 49N as WKT); `with_id` / `with_name` false leave that attribute out.
inline void write_assets(const std::string& path, const std::vector<AssetSpec>& assets, const char* driver = "GPKG",
                         int epsg = 0, bool with_id = true, bool with_name = true) {
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver);
    ASSERT_NE(drv, nullptr);
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    ASSERT_NE(ds, nullptr);
    OGRSpatialReference srs;
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (epsg)
        srs.importFromEPSG(epsg);
    else
        srs.importFromWkt(utm49n_wkt);
    OGRLayer* layer = ds->CreateLayer("assets", &srs, wkbUnknown, nullptr);
    ASSERT_NE(layer, nullptr);
    OGRFieldDefn id("id", OFTString), name("name", OFTString);
    if (with_id) layer->CreateField(&id);
    if (with_name) layer->CreateField(&name);
    for (const AssetSpec& a : assets) {
        OGRFeature f(layer->GetLayerDefn());
        if (with_id) f.SetField("id", a.id.c_str());
        if (with_name) f.SetField("name", a.name.c_str());
        OGRGeometry* g = nullptr;
        ASSERT_EQ(OGRGeometryFactory::createFromWkt(a.wkt.c_str(), &srs, &g), OGRERR_NONE) << a.wkt;
        f.SetGeometryDirectly(g);
        ASSERT_EQ(layer->CreateFeature(&f), OGRERR_NONE);
    }
}

/// "x y" with every digit a double has.
inline std::string xy(double x, double y) {
    char b[80];
    std::snprintf(b, sizeof b, "%.17g %.17g", x, y);
    return b;
}
inline std::string point_wkt(double x, double y) { return "POINT (" + xy(x, y) + ")"; }
inline std::string rect_wkt(double x0, double y0, double x1, double y1) {
    const auto p = [](double x, double y) { return xy(x, y); };
    return "POLYGON ((" + p(x0, y0) + "," + p(x1, y0) + "," + p(x1, y1) + "," + p(x0, y1) + "," + p(x0, y0) + "))";
}

/// The sample assets and, for each, its cells (i, j) by construction.
struct SampleAsset {
    AssetSpec spec;
    std::vector<std::pair<int, int>> cells;
};
inline std::vector<SampleAsset> sample_assets() {
    std::vector<SampleAsset> a;
    a.push_back({{"P1", "Underpass 1", point_wkt(cx(2) + 2.0, cy(1) - 3.0)}, {{2, 1}}});
    a.push_back({{"P2", "Peak point", point_wkt(cx(peak_i), cy(peak_j))}, {{peak_i, peak_j}}});
    a.push_back({{"L1", "Road, with \"quotes\"",
                  "LINESTRING (" + std::to_string(cx(1)) + " " + std::to_string(cy(6)) + ", " + std::to_string(cx(6)) +
                      " " + std::to_string(cy(6)) + ")"},
                 {{1, 6}, {2, 6}, {3, 6}, {4, 6}, {5, 6}, {6, 6}}});
    a.push_back({{"A1", "Shelter", rect_wkt(x_west + 71, y_north - 29, x_west + 89, y_north - 11)},
                 {{7, 1}, {8, 1}, {7, 2}, {8, 2}}});
    // Smaller than a cell and away from its centre: the cell of its centroid.
    a.push_back({{"A2", "Kiosk", rect_wkt(x_west + 51, y_north - 33, x_west + 53, y_north - 31)}, {{5, 3}}});
    // Its cells: (0, 0) is outside the domain, (1, 0) inside.
    a.push_back({{"E1", "Edge", rect_wkt(x_west + 1, y_north - 9, x_west + 19, y_north - 1)}, {{1, 0}}});
    return a;
}

/// Depth level by the default bands, written out here.
inline int depth_level(double d) {
    if (d >= 0.60) return 1;
    if (d >= 0.40) return 2;
    if (d >= 0.25) return 3;
    if (d >= 0.15) return 4;
    return 0;
}
/// 0 none, 1 blue .. 4 red.
inline int rank_of(int level) { return level == 0 ? 0 : 5 - level; }

}  // namespace floodsim::test::risk
