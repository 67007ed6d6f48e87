// Terrain features through the command line ([buildings]; docs/terrain.md): footprints from a
// GeoJSON in EPSG:4326 on a UTM 49N DEM (reprojected), blocked or raised; rain on blocked
// buildings is not rain; block and raise give the same flood outside for a flood lower than the
// buildings. Bad inputs: exit 2, one line naming the file, the key and the value, nothing written.
#include "cli_util.hpp"

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>

namespace {

using namespace floodsim_test;

constexpr double kX0 = 708000.0, kY0 = 3854000.0, kDx = 10.0;  // south-west corner, cell size
constexpr int kNx = 20, kNy = 10;

/// A flat basin at 10 m, 20 x 10 cells of 10 m, in UTM 49N.
void write_basin(const TempDir& d) {
    std::string s = "ncols 20\nnrows 10\nxllcorner 708000\nyllcorner 3854000\ncellsize 10\nNODATA_value -9999\n";
    for (int j = 0; j < kNy; ++j) {
        for (int i = 0; i < kNx; ++i) s += i ? " 10" : "10";
        s += "\n";
    }
    write_text(d / "basin.asc", s);
    write_text(d / "basin.prj", kWktUtm49N);
}

/// A GeoJSON (WGS84 longitude, latitude) of rectangles given in UTM [x0, x1] x [y0, y1], each with
/// the numeric attribute `field`.
void write_rectangles(const fs::path& p, const std::vector<std::array<double, 4>>& rects, const std::string& field,
                      const std::vector<double>& values) {
    OGRSpatialReference utm, wgs;
    utm.importFromEPSG(32649);
    wgs.importFromEPSG(4326);
    utm.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> t(OGRCreateCoordinateTransformation(&utm, &wgs));
    std::string js = R"({"type": "FeatureCollection", "features": [)";
    for (std::size_t r = 0; r < rects.size(); ++r) {
        const auto& q = rects[r];
        double xs[5] = {q[0], q[1], q[1], q[0], q[0]}, ys[5] = {q[2], q[2], q[3], q[3], q[2]};
        t->Transform(5, xs, ys);
        char buf[96];
        std::snprintf(buf, sizeof buf, "%.10g", values[r]);
        js += std::string(r ? "," : "") + R"({"type": "Feature", "properties": {")" + field + "\": " + buf +
              R"(}, "geometry": {"type": "Polygon", "coordinates": [[)";
        for (int k = 0; k < 5; ++k) {
            std::snprintf(buf, sizeof buf, "%s[%.10f, %.10f]", k ? ", " : "", xs[k], ys[k]);
            js += buf;
        }
        js += "]]}}";
    }
    js += "]}\n";
    write_text(p, js);
}

/// Two footprints with a numeric attribute "h" (metres). Building A: cells i 4..7, rows 3..5
/// (centres inside), 8 m; building B: i 12..13, rows 6..8, 12 m.
void write_footprints(const fs::path& p) {
    write_rectangles(p, {{kX0 + 41, kX0 + 79, kY0 + 41, kY0 + 69}, {kX0 + 121, kX0 + 139, kY0 + 11, kY0 + 39}}, "h", {8, 12});
}

std::string scenario(const std::string& buildings, const std::string& forcing) {
    return "format = 1\n[domain]\ndem = \"basin.asc\"\nmanning = 0.03\n[time]\nduration = \"20min\"\noutput_interval = \"10min\"\n"
           "gauge_interval = \"1min\"\n[solver]\nthreads = 1\n" + forcing + "[buildings]\nfile = \"b.geojson\"\n" + buildings +
           "[output]\nfile = \"out/t.h5\"\n";
}

constexpr int kBuildingCells = 4 * 3 + 2 * 3;

// Blocked buildings: walls (NaN in the result), no water inside, and the rain falling on them is
// not rain: rain volume = intensity x time x area without the building cells.
TEST(CliTerrain, BlockedBuildingsTakeNoWaterAndNoRain) {
    TempDir d;
    write_basin(d);
    write_footprints(d / "b.geojson");
    write_text(d / "s.toml", scenario("method = \"block\"\n", "[rain]\nintensity_mm_h = 60.0\n"));
    const ProcResult c = run_floodsim({"check", (d / "s.toml").string()});
    ASSERT_EQ(c.status, 0) << describe(c);
    EXPECT_NE(c.out.find("2 footprints, 18 cells blocked"), std::string::npos) << c.out;
    const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    Hid f = open_h5(d / "out/t.h5");
    const double area = (kNx * kNy - kBuildingCells) * kDx * kDx;
    const double rain = 60.0 / 3.6e6 * 1200.0 * area;
    const auto mb_rain = read_dataset<double>(f, "/mass_balance/rain").v;
    EXPECT_NEAR(mb_rain.back(), rain, 1e-9 * rain);
    const auto maxd = read_dataset<float>(f, "/max_depth");
    EXPECT_TRUE(std::isnan(maxd.at(4 * kNx + 5)));   // inside building A (row 4, column 5)
    EXPECT_TRUE(std::isnan(maxd.at(7 * kNx + 12)));  // inside building B
    EXPECT_NEAR(maxd.at(4 * kNx + 3), 0.02, 1e-6);   // beside A: 60 mm/h for 20 min on a flat basin
}

// A flood lower than the buildings (a discharge into the west side) around the same footprints
// blocked and raised (by their attribute, 8 and 12 m): the same depths outside, within 1 cm.
TEST(CliTerrain, BlockAndRaiseAgreeOutside) {
    std::vector<float> depth[2];
    for (int m = 0; m < 2; ++m) {
        TempDir d;
        write_basin(d);
        write_footprints(d / "b.geojson");
        write_text(d / "s.toml", scenario(m ? "method = \"raise\"\nheight_field = \"h\"\n" : "method = \"block\"\n",
                                          "[[boundary]]\nside = \"west\"\nkind = \"discharge\"\nvalue = 3.0\n"));
        const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
        ASSERT_EQ(r.status, 0) << describe(r);
        Hid f = open_h5(d / "out/t.h5");
        depth[m] = read_dataset<float>(f, "/depth").v;
    }
    ASSERT_EQ(depth[0].size(), depth[1].size());
    const std::size_t last = depth[0].size() - kNx * kNy;
    int outside = 0;
    double worst = 0.0;
    for (std::size_t k = 0; k < static_cast<std::size_t>(kNx * kNy); ++k) {
        if (std::isnan(depth[0][last + k])) continue;  // a building
        ++outside;
        worst = std::max(worst, std::abs(static_cast<double>(depth[0][last + k]) - depth[1][last + k]));
        EXPECT_GT(depth[1][last + k], 0.0f);
    }
    EXPECT_EQ(outside, kNx * kNy - kBuildingCells);
    EXPECT_LT(worst, 0.01);
}

TEST(CliTerrain, BadBuildingsAreRefused) {
    TempDir d;
    write_basin(d);
    write_footprints(d / "b.geojson");
    write_text(d / "notes.txt", "not a vector\n");
    const auto refused = [&](const std::string& buildings, std::vector<std::string> parts) {
        expect_refused(d.path(), scenario(buildings, ""), parts);
    };
    refused("method = \"raze\"\n", {"s.toml", "buildings.method", "raze"});
    refused("method = \"raise\"\n", {"s.toml", "buildings.height"});
    refused("method = \"block\"\nheight = 5\n", {"s.toml", "buildings.height", "5"});
    refused("method = \"raise\"\nheight_field = \"floors\"\n", {"b.geojson", "buildings.height_field", "floors"});
    refused("layer = \"roads\"\n", {"b.geojson", "buildings.layer", "roads"});
    // The file named is not a vector.
    write_text(d / "s.toml", replace_once(scenario("", ""), "b.geojson", "notes.txt"));
    const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_NE(r.err.find("buildings.file"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("not a vector"), std::string::npos) << r.err;
}

/// A level raster on the basin: 11 m (1 m of water) where `wet(i, j)`, else 0 (dry).
void write_level(const fs::path& p, const std::function<bool(int, int)>& wet) {
    std::string s = "ncols 20\nnrows 10\nxllcorner 708000\nyllcorner 3854000\ncellsize 10\nNODATA_value -9999\n";
    for (int j = 0; j < kNy; ++j) {
        for (int i = 0; i < kNx; ++i) s += std::string(i ? " " : "") + (wet(i, j) ? "11" : "0");
        s += "\n";
    }
    write_text(p, s);
}

std::string wall_scenario(const std::string& wall) {
    return "format = 1\n[domain]\ndem = \"basin.asc\"\nmanning = 0.03\n[initial]\nwater_level = \"level.asc\"\n[time]\n"
           "duration = \"20min\"\noutput_interval = \"10min\"\ngauge_interval = \"1min\"\n[solver]\nthreads = 1\n[[wall]]\n"
           "name = \"levee\"\n" + wall + "[output]\nfile = \"out/w.h5\"\n";
}

// A straight wall (crest 12 m, 2 m above the ground) across the basin holds 1 m of water west of
// it: nothing reaches the east side; `check` counts the wall's cells.
TEST(CliTerrain, WallHoldsTheReservoir) {
    TempDir d;
    write_basin(d);
    write_level(d / "level.asc", [](int i, int) { return i < 9; });
    write_text(d / "s.toml", wall_scenario("line = [[708095.0, 3853990.0], [708095.0, 3854110.0]]\ncrest = 12.0\n"));
    const ProcResult c = run_floodsim({"check", (d / "s.toml").string()});
    ASSERT_EQ(c.status, 0) << describe(c);
    EXPECT_NE(c.out.find("walls           1, 10 cells"), std::string::npos) << c.out;
    const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    Hid f = open_h5(d / "out/w.h5");
    const auto maxd = read_dataset<float>(f, "/max_depth");
    for (int j = 0; j < kNy; ++j)
        for (int i = 9; i < kNx; ++i) EXPECT_EQ(maxd.at(j * kNx + i), 0.0f) << i << ", " << j;
}

// A wall drawn diagonally across the grid (height 3 m) with water on its north-east side: the
// 4-connected cells leave no corner gap, the south-west side stays dry.
TEST(CliTerrain, DiagonalWallDoesNotLeak) {
    TempDir d;
    write_basin(d);
    // The line from the north-west corner to the south-east one: y = 3854100 - x_rel / 2.
    // The cell's whole square lies north-east of the line (its south-west corner does), or
    // south-west of it (its north-east corner does); cells the line touches are neither.
    const auto above = [](int i, int j) {
        const double x_west = i * kDx, y_south = (kNy - j - 1) * kDx;
        return y_south > 100.0 - x_west / 2.0;
    };
    const auto below = [](int i, int j) {
        const double x_east = (i + 1) * kDx, y_north = (kNy - j) * kDx;
        return y_north < 100.0 - x_east / 2.0;
    };
    write_level(d / "level.asc", above);
    write_text(d / "s.toml", wall_scenario("line = [[708000.0, 3854100.0], [708200.0, 3854000.0]]\nheight = 3.0\n"));
    const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    Hid f = open_h5(d / "out/w.h5");
    const auto maxd = read_dataset<float>(f, "/max_depth");
    int dry = 0;
    for (int j = 0; j < kNy; ++j)
        for (int i = 0; i < kNx; ++i)
            if (below(i, j)) {
                ++dry;
                EXPECT_EQ(maxd.at(j * kNx + i), 0.0f) << i << ", " << j;
            }
    EXPECT_GT(dry, 50);
}

TEST(CliTerrain, BadWallsAreRefused) {
    TempDir d;
    write_basin(d);
    write_level(d / "level.asc", [](int, int) { return false; });
    const auto refused = [&](const std::string& wall, std::vector<std::string> parts) {
        expect_refused(d.path(), wall_scenario(wall), parts);
    };
    refused("line = [[708095.0, 3853990.0], [708095.0, 3854110.0]]\n", {"s.toml", "wall[0].crest"});
    refused("line = [[708095.0, 3853990.0], [708095.0, 3854110.0]]\ncrest = 12\nheight = 2\n", {"s.toml", "wall[0].height"});
    refused("line = [[708095.0, 3853990.0]]\ncrest = 12\n", {"s.toml", "wall[0].line"});
    refused("line = [[600000.0, 3853990.0], [600000.0, 3854110.0]]\ncrest = 12\n", {"s.toml", "wall[0].line", "levee"});
    refused("line = [[708095.0, 3853990.0], [708095.0, 3854110.0]]\nheight = -1\n", {"s.toml", "wall[0].height", "-1"});
}

const std::string kLevee = "line = [[708095.0, 3853990.0], [708095.0, 3854110.0]]\ncrest = 12.0\n";

/// The levee of WallHoldsTheReservoir with a breach (its keys `breach`), frames every minute.
std::string breach_scenario(const std::string& breach) {
    return replace_once(replace_once(wall_scenario(kLevee), "output_interval = \"10min\"", "output_interval = \"1min\""),
                        "[output]", "[[breach]]\n" + breach + "[output]");
}

// The levee holds 1 m of water until its breach starts at 5 min; it opens over 3 min to 30 m down
// to the ground, and the water passes: nothing east of the wall before 5 min, more every minute
// after the opening's bottom drops below the water (until the east side fills and the water
// sloshes back), and the balance closes (the bed drops under water with the depth kept: no water
// made or lost).
TEST(CliTerrain, BreachOpensTheWallWithTheVolumeBalanced) {
    TempDir d;
    write_basin(d);
    write_level(d / "level.asc", [](int i, int) { return i < 9; });
    write_text(d / "s.toml", breach_scenario("wall = \"levee\"\nx = 708095.0\ny = 3854050.0\nstart = \"5min\"\n"
                                             "duration = \"3min\"\nwidth = 30.0\nbottom = 10.0\n"));
    const ProcResult c = run_floodsim({"check", (d / "s.toml").string()});
    ASSERT_EQ(c.status, 0) << describe(c);
    EXPECT_NE(c.out.find("breach          in wall levee: 4 cells from 12.00 .. 12.00 m down to 10.00 m"), std::string::npos)
        << c.out;
    const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    Hid f = open_h5(d / "out/w.h5");
    const auto time = read_dataset<double>(f, "/time").v;
    const auto depth = read_dataset<float>(f, "/depth").v;
    ASSERT_EQ(depth.size(), time.size() * kNx * kNy);
    double last = 0.0;
    for (std::size_t n = 0; n < time.size(); ++n) {
        double east = 0.0;
        for (int j = 0; j < kNy; ++j)
            for (int i = 10; i < kNx; ++i) east += depth[(n * kNy + j) * kNx + i];
        if (time[n] <= 300.0) EXPECT_EQ(east, 0.0) << "t = " << time[n];
        if (time[n] >= 420.0 && time[n] <= 600.0) EXPECT_GT(east, last) << "t = " << time[n];
        last = east;
    }
    EXPECT_GT(last, 10.0);  // m summed over cells: a third of the reservoir has passed
    const auto error = read_dataset<double>(f, "/mass_balance/error").v;
    const double volume0 = 9 * kNy * kDx * kDx;
    for (double e : error) EXPECT_LT(std::abs(e), 1e-9 * volume0);
}

TEST(CliTerrain, BadBreachesAreRefused) {
    TempDir d;
    write_basin(d);
    write_level(d / "level.asc", [](int, int) { return false; });
    const auto refused = [&](const std::string& breach, std::vector<std::string> parts) {
        expect_refused(d.path(), breach_scenario(breach), parts);
    };
    const std::string keys = "start = \"5min\"\nduration = \"3min\"\nwidth = 30.0\nbottom = 10.0\n";
    refused("wall = \"dike\"\nx = 708095.0\ny = 3854050.0\n" + keys, {"s.toml", "breach[0].wall", "dike", "no [[wall]]"});
    refused("wall = \"levee\"\nx = 708150.0\ny = 3854050.0\n" + keys, {"s.toml", "breach[0].x", "708150", "55 m from wall levee"});
    refused("wall = \"levee\"\nx = 708095.0\ny = 3854050.0\n" + replace_once(keys, "bottom = 10.0", "bottom = 12.5"),
            {"s.toml", "breach[0].bottom", "12.5", "opens no cell"});
    refused("wall = \"levee\"\nx = 708095.0\ny = 3854050.0\n" + replace_once(keys, "width = 30.0", "width = 0"),
            {"s.toml", "breach[0].width", "0"});
    refused("wall = \"levee\"\nx = 708095.0\ny = 3854050.0\n" + replace_once(keys, "start = \"5min\"", "start = -5"),
            {"s.toml", "breach[0].start", "-5"});
    refused("wall = \"levee\"\nx = 708095.0\n" + keys, {"s.toml", "breach[0].y", "missing"});
    refused("wall = \"levee\"\nx = 708095.0\ny = 3854050.0\nspeed = 2\n" + keys, {"s.toml", "breach[0].speed"});
}

/// The basin's land use as polygons in EPSG:4326: class 1 west of x = 100 m, class 2 east of it
/// (`gap`: the east polygon stops at 150 m).
void write_landuse_polygons(const fs::path& p, bool gap = false) {
    write_rectangles(p, {{kX0 - 5, kX0 + 100, kY0 - 5, kY0 + 105}, {kX0 + 100, kX0 + (gap ? 150 : 205), kY0 - 5, kY0 + 105}},
                     "class", {1, 2});
}

std::string landuse_scenario(const std::string& landuse) {
    return "format = 1\n[domain]\ndem = \"basin.asc\"\n[time]\nduration = \"1h\"\noutput_interval = \"1h\"\n"
           "gauge_interval = \"10min\"\n[solver]\nthreads = 1\n[rain]\nintensity_mm_h = 50.0\n[landuse]\nmap = \"lu.geojson\"\n"
           "table = \"classes.csv\"\n" + landuse + "[infiltration]\nmodel = \"scs_cn\"\n[output]\nfile = \"out/lu.h5\"\n";
}

// Land-use polygons (EPSG:4326, reprojected) give each class its Manning n and curve number: with
// SCS-CN and 50 mm of rain in 1 h, each cell abstracts P - Q(P, CN) of the rain fallen on it, on
// the west half CN 80 (Q = 13.80 mm) and on the east half CN 95 (Q = 36.90 mm).
TEST(CliTerrain, LandusePolygonsGiveTheirClassesParameters) {
    TempDir d;
    write_basin(d);
    write_landuse_polygons(d / "lu.geojson");
    write_text(d / "classes.csv", "class,manning,cn\n1,0.015,80\n2,0.05,95\n");
    write_text(d / "s.toml", landuse_scenario("field = \"class\"\n"));
    const ProcResult c = run_floodsim({"check", (d / "s.toml").string()});
    ASSERT_EQ(c.status, 0) << describe(c);
    EXPECT_NE(c.out.find("manning         0.015..0.05"), std::string::npos) << c.out;
    EXPECT_NE(c.out.find("cn 80..95"), std::string::npos) << c.out;
    const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    const auto abstraction = [](double p, double cn) {  // mm
        const double s = 25400.0 / cn - 254.0, ia = 0.2 * s;
        return p <= ia ? p : p - (p - ia) * (p - ia) / (p + 0.8 * s);
    };
    const double cell = kDx * kDx, cells_west = 10 * kNy, cells_east = 10 * kNy;
    const double expected = (cells_west * abstraction(50.0, 80.0) + cells_east * abstraction(50.0, 95.0)) / 1000.0 * cell;
    Hid f = open_h5(d / "out/lu.h5");
    const auto infiltrated = read_dataset<double>(f, "/mass_balance/infiltration").v;
    EXPECT_NEAR(infiltrated.back(), expected, 1e-6 * expected);
    const auto error = read_dataset<double>(f, "/mass_balance/error").v;
    EXPECT_LT(std::abs(error.back()), 1e-9 * expected);
}

TEST(CliTerrain, BadLandusePolygonsAreRefused) {
    TempDir d;
    write_basin(d);
    write_text(d / "classes.csv", "class,manning,cn\n1,0.015,80\n2,0.05,95\n");
    const auto refused = [&](const std::string& landuse, std::vector<std::string> parts) {
        expect_refused(d.path(), landuse_scenario(landuse), parts);
    };
    write_landuse_polygons(d / "lu.geojson", true);
    refused("field = \"class\"\n", {"lu.geojson", "landuse.map", "no polygon covers", "x=708155"});
    refused("field = \"kind\"\n", {"lu.geojson", "landuse.field", "kind"});
    refused("field = \"class\"\nlayer = \"roads\"\n", {"lu.geojson", "landuse.layer", "roads"});
    refused("field = \"class\"\ndefault = 3\n", {"s.toml", "landuse.default", "3", "not in landuse.table"});
    write_text(d / "classes.csv", "class,manning,cn\n1,0.015,80\n");
    write_landuse_polygons(d / "lu.geojson");
    refused("field = \"class\"\n", {"lu.geojson", "landuse.field", "2", "not in landuse.table"});
}

// [[channel]] (docs/terrain.md): a DEM of 40 x 12 cells of 10 m falling eastward at 0.005 (11.95 m
// in the west column, 10 m in the east one), channels burned along it.
constexpr int kCx = 40, kCy = 12;

double slope_ground(int i) { return 10.0 + 0.05 * (kCx - 1 - i); }

void write_slope(const TempDir& d) {
    std::string s = "ncols 40\nnrows 12\nxllcorner 708000\nyllcorner 3854000\ncellsize 10\nNODATA_value -9999\n";
    char buf[32];
    for (int j = 0; j < kCy; ++j) {
        for (int i = 0; i < kCx; ++i) {
            std::snprintf(buf, sizeof buf, "%s%.4f", i ? " " : "", slope_ground(i));
            s += buf;
        }
        s += "\n";
    }
    write_text(d / "slope.asc", s);
    write_text(d / "slope.prj", kWktUtm49N);
}

/// 0.5 m3/s into the cell at (x_in, y_in), a free outflow on the east side, 30 min, and `channel`.
std::string channel_scenario(const std::string& channel, double x_in = kX0 + 5.0, double y_in = kY0 + 65.0) {
    char inflow[160];
    std::snprintf(inflow, sizeof inflow, "[[inflow]]\nname = \"up\"\nx = %.1f\ny = %.1f\nvalue = 0.5\n", x_in, y_in);
    return "format = 1\n[domain]\ndem = \"slope.asc\"\nmanning = 0.03\n[time]\nduration = \"30min\"\n"
           "output_interval = \"10min\"\ngauge_interval = \"1min\"\n[solver]\nthreads = 1\n[[boundary]]\nside = "
           "\"east\"\n"
           "kind = \"free\"\n" +
           std::string(inflow) + "[[channel]]\nname = \"ku\"\n" + channel + "[output]\nfile = \"out/c.h5\"\n";
}

/// Distance from (x, y) to segment a-b.
double to_segment(double x, double y, double ax, double ay, double bx, double by) {
    const double ux = bx - ax, uy = by - ay;
    const double t = std::clamp(((x - ax) * ux + (y - ay) * uy) / (ux * ux + uy * uy), 0.0, 1.0);
    return std::hypot(ax + t * ux - x, ay + t * uy - y);
}

// A straight channel along the middle row (10 m wide, 1.5 m below its banks) carries 0.5 m3/s
// from its upstream cell to the east side without spilling: every other cell stays dry.
TEST(CliTerrain, ChannelCarriesInflowToItsEnd) {
    TempDir d;
    write_slope(d);
    write_text(d / "s.toml", channel_scenario("line = [[708000.0, 3854065.0], [708400.0, 3854065.0]]\nwidth = 10.0\n"
                                              "depth = 1.5\n"));
    const ProcResult c = run_floodsim({"check", (d / "s.toml").string()});
    ASSERT_EQ(c.status, 0) << describe(c);
    // One row of 40 cells; its bed 1.5 m below the lowest bank within 10 m up- and downstream.
    EXPECT_NE(c.out.find("channels        1, 40 cells burned, bed 8.50 .. 10.40 m"), std::string::npos) << c.out;
    const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    Hid f = open_h5(d / "out/c.h5");
    const auto maxd = read_dataset<float>(f, "/max_depth");
    for (int j = 0; j < kCy; ++j)
        for (int i = 0; i < kCx; ++i)
            if (j != 5) {
                EXPECT_LT(maxd.at(j * kCx + i), 1e-3f) << i << ", " << j;
            }
    EXPECT_GT(maxd.at(5 * kCx + kCx - 1), 0.01f);  // water reached the channel's last cell
    const double in = read_dataset<double>(f, "/mass_balance/inflow").v.back();
    EXPECT_NEAR(in, 0.5 * 1800.0, 1e-6);
    EXPECT_GT(read_dataset<double>(f, "/mass_balance/outflow").v.back(), 0.1 * in);
    EXPECT_LT(std::abs(read_dataset<double>(f, "/mass_balance/error").v.back()), 1e-9 * in);
}

// A channel drawn diagonally (narrower than a cell's diagonal): its 4-connected cells carry the
// water to the east side; every cell whose centre lies farther than half a cell diagonal from the
// line stays dry, and no more cells get wet than the channel takes.
TEST(CliTerrain, DiagonalChannelCarriesInflowToItsEnd) {
    TempDir d;
    write_slope(d);
    const double ax = kX0 + 5, ay = kY0 + 95, bx = kX0 + 395, by = kY0 + 25;
    char line[160];
    std::snprintf(line, sizeof line, "line = [[%.1f, %.1f], [%.1f, %.1f]]\nwidth = 6.0\ndepth = 1.5\n", ax, ay, bx, by);
    write_text(d / "s.toml", channel_scenario(line, ax, ay));
    const ProcResult c = run_floodsim({"check", (d / "s.toml").string()});
    ASSERT_EQ(c.status, 0) << describe(c);
    const std::size_t at = c.out.find("channels        1, ");
    ASSERT_NE(at, std::string::npos) << c.out;
    const int burned = std::stoi(c.out.substr(at + 19));
    const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    Hid f = open_h5(d / "out/c.h5");
    const auto maxd = read_dataset<float>(f, "/max_depth");
    int wet = 0;
    for (int j = 0; j < kCy; ++j)
        for (int i = 0; i < kCx; ++i) {
            const double x = kX0 + (i + 0.5) * kDx, y = kY0 + (kCy - j - 0.5) * kDx;
            const bool near = to_segment(x, y, ax, ay, bx, by) <= 0.5 * std::hypot(kDx, kDx) + 1e-9;
            wet += maxd.at(j * kCx + i) >= 1e-3f;
            if (!near) {
                EXPECT_LT(maxd.at(j * kCx + i), 1e-3f) << i << ", " << j;
            }
        }
    EXPECT_LE(wet, burned);
    EXPECT_GT(maxd.at(9 * kCx + kCx - 1), 0.01f);  // the last cell: x 708395, y 3854025 (row 9)
    const double in = read_dataset<double>(f, "/mass_balance/inflow").v.back();
    EXPECT_GT(read_dataset<double>(f, "/mass_balance/outflow").v.back(), 0.1 * in);
    EXPECT_LT(std::abs(read_dataset<double>(f, "/mass_balance/error").v.back()), 1e-9 * in);
}

/// A gauge on each of the channel row's cells `columns`.
std::string gauges(const std::vector<int>& columns) {
    std::string s;
    for (int i : columns)
        s += "[[gauge]]\nname = \"g" + std::to_string(i) + "\"\nx = " + std::to_string(kX0 + 10.0 * i + 5.0) +
             "\ny = 3854065.0\n";
    return s;
}

// A bed profile (distance_m, bed_m): linear between its rows, the last value held beyond the last
// row, never above the ground. The bed read back at gauges (level - depth at t = 0).
TEST(CliTerrain, ChannelBedFollowsItsProfile) {
    TempDir d;
    write_slope(d);
    write_text(d / "bed.csv", "# the Ku's surveyed bed\ndistance_m,bed_m\n0,11.0\n200,9.0\n390,8.0\n");
    write_text(d / "s.toml", replace_once(channel_scenario("line = [[708000.0, 3854065.0], [708400.0, 3854065.0]]\n"
                                                           "width = 10.0\nbed_file = \"bed.csv\"\n"),
                                          "[output]", gauges({0, 20, 39}) + "[output]"));
    const ProcResult c = run_floodsim({"check", (d / "s.toml").string()});
    ASSERT_EQ(c.status, 0) << describe(c);
    EXPECT_NE(c.out.find("channels        1, 40 cells burned, bed 8.00 .. 10.95 m"), std::string::npos) << c.out;
    const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    Hid f = open_h5(d / "out/c.h5");
    const auto bed = [&](int i) {
        const std::string g = "/gauges/g" + std::to_string(i) + "/";
        return read_dataset<double>(f, g + "water_level").v.front() - read_dataset<double>(f, g + "depth").v.front();
    };
    EXPECT_NEAR(bed(0), 11.0 - 5.0 / 100.0, 1e-9);  // chainage 5 m
    EXPECT_NEAR(bed(20), 9.0 - 5.0 / 190.0, 1e-9);  // chainage 205 m
    EXPECT_NEAR(bed(39), 8.0, 1e-9);                // beyond the last row
}

// A profile above the ground leaves the ground (never raised); a channel from a vector file's
// line takes the same cells as the same line given inline.
TEST(CliTerrain, ChannelNeverRaisesAndReadsVectorFiles) {
    TempDir d;
    write_slope(d);
    write_text(d / "high.csv", "distance_m,bed_m\n0,20.0\n400,20.0\n");
    write_text(
        d / "ku.geojson",
        R"({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32649"}},)"
        R"( "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "LineString",)"
        R"( "coordinates": [[708000.0, 3854065.0], [708400.0, 3854065.0]]}}]})");
    write_text(d / "s.toml", channel_scenario("file = \"ku.geojson\"\nwidth = 10.0\nbed_file = \"high.csv\"\n"));
    const ProcResult c = run_floodsim({"check", (d / "s.toml").string()});
    ASSERT_EQ(c.status, 0) << describe(c);
    EXPECT_NE(c.out.find("channels        1, 40 cells burned, bed 10.00 .. 11.95 m"), std::string::npos) << c.out;
}

// A channel's Manning's n wins over the domain's: the rougher channel runs deeper.
TEST(CliTerrain, ChannelManningApplies) {
    float depth[2] = {0.0f, 0.0f};
    for (int m = 0; m < 2; ++m) {
        TempDir d;
        write_slope(d);
        write_text(d / "s.toml",
                   channel_scenario("line = [[708000.0, 3854065.0], [708400.0, 3854065.0]]\nwidth = 10.0\n"
                                    "depth = 1.5\nmanning = " +
                                    std::string(m ? "0.1" : "0.01") + "\n"));
        const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
        ASSERT_EQ(r.status, 0) << describe(r);
        Hid f = open_h5(d / "out/c.h5");
        depth[m] = read_dataset<float>(f, "/max_depth").at(5 * kCx + 20);
    }
    // Normal depth goes as n^0.6: 4 times deeper for 10 times the n.
    EXPECT_GT(depth[1], 2.5f * depth[0]) << depth[0] << " " << depth[1];
}

TEST(CliTerrain, BadChannelsAreRefused) {
    TempDir d;
    write_slope(d);
    write_text(d / "notes.txt", "not a vector\n");
    const std::string lines = R"({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": )"
                              R"("urn:ogc:def:crs:EPSG::32649"}}, "features": [)";
    const std::string a = R"({"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": )"
                          R"([[708000.0, 3854065.0], [708400.0, 3854065.0]]}})";
    const std::string b = R"({"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": )"
                          R"([[708000.0, 3854025.0], [708400.0, 3854025.0]]}})";
    write_text(d / "two.geojson", lines + a + ", " + b + "]}");
    write_text(d / "bed.csv", "distance_m,bed_m\n0,11\n400,9\n");
    const std::string line = "line = [[708000.0, 3854065.0], [708400.0, 3854065.0]]\nwidth = 10.0\n";
    const auto refused = [&](const std::string& channel, std::vector<std::string> parts) {
        expect_refused(d.path(), channel_scenario(channel), parts);
    };
    refused("line = [[600000.0, 3854065.0], [600400.0, 3854065.0]]\nwidth = 10.0\ndepth = 1.5\n",
            {"s.toml", "channel[0].line", "ku", "takes no domain cell"});
    refused(line + "depth = 1.5\nbed_file = \"bed.csv\"\n", {"s.toml", "channel[0].bed_file"});
    refused(line, {"s.toml", "channel[0].depth"});
    refused("line = [[708000.0, 3854065.0], [708400.0, 3854065.0]]\nwidth = 0\ndepth = 1.5\n",
            {"s.toml", "channel[0].width", "0"});
    refused(line + "depth = 150\n", {"s.toml", "channel[0].depth", "150"});
    refused(line + "depth = 1.5\nwidht = 3\n", {"s.toml", "channel[0].widht", "did you mean 'width'"});
    refused(line + "depth = 1.5\nmanning = -0.1\n", {"s.toml", "channel[0].manning", "-0.1"});
    refused(line + "depth = 1.5\n[[channel]]\nname = \"ku\"\n" + line + "depth = 1.0\n",
            {"s.toml", "channel[1].name", "ku"});
    refused("file = \"notes.txt\"\nwidth = 10.0\ndepth = 1.5\n", {"notes.txt", "channel[0].file", "not a vector"});
    refused("file = \"two.geojson\"\nlayer = \"roads\"\nwidth = 10.0\ndepth = 1.5\n",
            {"two.geojson", "channel[0].layer", "roads"});
    refused("file = \"two.geojson\"\nwidth = 10.0\nbed_file = \"bed.csv\"\n",
            {"two.geojson", "channel[0].bed_file", "use one [[channel]] per line"});
    const auto bad_profile = [&](const std::string& csv, std::vector<std::string> parts) {
        write_text(d / "p.csv", csv);
        refused(line + "bed_file = \"p.csv\"\n", parts);
    };
    bad_profile("distance_m,bed_m\n0,11\n200,10\n150,9\n400,8\n",
                {"p.csv", "channel[0].bed_file row 4", "150", "increasing"});
    bad_profile("distance_m,bed_m\n10,11\n400,8\n", {"p.csv", "channel[0].bed_file row 2", "10", "start at 0"});
    bad_profile("distance_m,bed_m\n0,11\n400,deep\n", {"p.csv", "channel[0].bed_file row 3", "deep"});
    bad_profile("distance,bed_m\n0,11\n400,8\n", {"p.csv", "channel[0].bed_file", "distance_m"});
    bad_profile("distance_m,bed_m\n0,11\n300,8\n", {"p.csv", "channel[0].bed_file", "300", "short of the line's end"});
}

// Walls are raised after channels are burned: a wall drawn across a channel dams it, and nothing
// reaches the channel below it.
TEST(CliTerrain, WallAcrossAChannelDamsIt) {
    TempDir d;
    write_slope(d);
    write_text(d / "s.toml", replace_once(channel_scenario("line = [[708000.0, 3854065.0], [708400.0, 3854065.0]]\n"
                                                           "width = 10.0\ndepth = 1.5\n"),
                                          "[output]",
                                          "[[wall]]\nname = \"dam\"\nline = [[708205.0, 3853990.0], [708205.0, "
                                          "3854130.0]]\ncrest = 13.0\n[output]"));
    const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    Hid f = open_h5(d / "out/c.h5");
    const auto maxd = read_dataset<float>(f, "/max_depth");
    EXPECT_GT(maxd.at(5 * kCx + 19), 0.1f);  // ponded above the wall (column 20)
    for (int i = 20; i < kCx; ++i) EXPECT_EQ(maxd.at(5 * kCx + i), 0.0f) << i;
}

/// A one-band GeoTIFF's values (row 0 north) and its geotransform.
std::vector<double> read_geotiff(const fs::path& p, std::array<double, 6>& gt) {
    GDALAllRegister();
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(p.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds) return {};
    ds->GetGeoTransform(gt.data());
    const int nx = ds->GetRasterXSize(), ny = ds->GetRasterYSize();
    std::vector<double> v(static_cast<std::size_t>(nx) * ny);
    if (ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, nx, ny, v.data(), nx, ny, GDT_Float64, 0, 0) != CE_None) return {};
    return v;
}

// `check --write-model DIR`: the DEM after the features (the wall at its crest, the channel burned,
// the breach closed as at t = 0), the mask of what each cell is and the Manning n, georeferenced
// like the DEM; a folder that cannot be made is refused.
TEST(CliTerrain, CheckWritesTheModel) {
    TempDir d;
    write_slope(d);
    write_text(d / "s.toml", replace_once(channel_scenario("line = [[708000.0, 3854065.0], [708400.0, 3854065.0]]\n"
                                                           "width = 10.0\ndepth = 1.5\nmanning = 0.05\n"),
                                          "[output]",
                                          "[[wall]]\nname = \"dam\"\nline = [[708205.0, 3853990.0], [708205.0, "
                                          "3854130.0]]\ncrest = 13.0\n[[breach]]\nwall = \"dam\"\nx = 708205.0\n"
                                          "y = 3854065.0\nstart = \"10min\"\nduration = 0\nwidth = 10.0\nbottom = 9.0\n[output]"));
    const ProcResult c = run_floodsim({"check", (d / "s.toml").string(), "--write-model", (d / "model").string()});
    ASSERT_EQ(c.status, 0) << describe(c);
    EXPECT_NE(c.out.find("model written"), std::string::npos) << c.out;
    std::array<double, 6> gt{};
    const std::vector<double> dem = read_geotiff(d / "model/model_dem.tif", gt);
    const std::vector<double> mask = read_geotiff(d / "model/model_mask.tif", gt);
    const std::vector<double> manning = read_geotiff(d / "model/model_manning.tif", gt);
    ASSERT_EQ(dem.size(), static_cast<std::size_t>(kCx * kCy));
    ASSERT_EQ(mask.size(), dem.size());
    ASSERT_EQ(manning.size(), dem.size());
    EXPECT_EQ(gt[0], kX0);
    EXPECT_EQ(gt[1], kDx);
    for (int j = 0; j < kCy; ++j)
        for (int i = 0; i < kCx; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * kCx + i;
            const int expected = i == 20 ? (j == 5 ? 6 : 5) : j == 5 ? 4 : 1;  // breach, wall, channel, ground
            EXPECT_EQ(mask[k], expected) << i << ", " << j;
            if (i == 20) EXPECT_EQ(dem[k], 13.0) << j;  // the crest, the breach closed
            EXPECT_EQ(manning[k], j == 5 ? 0.05 : 0.03) << i << ", " << j;  // the wall keeps the channel's n
        }
    write_text(d / "file", "x");
    const ProcResult bad = run_floodsim({"check", (d / "s.toml").string(), "--write-model", (d / "file").string()});
    EXPECT_EQ(bad.status, 2) << describe(bad);
    EXPECT_NE(bad.err.find("--write-model"), std::string::npos) << bad.err;
}

}  // namespace
