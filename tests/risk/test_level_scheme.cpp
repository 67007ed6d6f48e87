#include "risk/level_scheme.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>

#include "../io/io_test_util.hpp"
#include "mesh/input_error.hpp"

using floodsim::InputError;
using floodsim::risk::arr_class;
using floodsim::risk::Criterion;
using floodsim::risk::LevelScheme;
using floodsim::risk::load_level_scheme;

TEST(LevelScheme, DepthBandsLowerEdgeBelongsToTheBand) {
    const LevelScheme s;
    EXPECT_EQ(s.level(0.0, 0.0), 0);
    EXPECT_EQ(s.level(0.1499, 0.0), 0);
    EXPECT_EQ(s.level(0.15, 0.0), 4);
    EXPECT_EQ(s.level(0.2499, 0.0), 4);
    EXPECT_EQ(s.level(0.25, 0.0), 3);
    EXPECT_EQ(s.level(0.3999, 0.0), 3);
    EXPECT_EQ(s.level(0.40, 0.0), 2);
    EXPECT_EQ(s.level(0.5999, 0.0), 2);
    EXPECT_EQ(s.level(0.60, 0.0), 1);
    EXPECT_EQ(s.level(7.0, 0.0), 1);
    EXPECT_EQ(s.level(NAN, 0.0), 0);
    // Depths as a result stores them (float32) on the edges stay in the band.
    for (double edge : {0.15, 0.25, 0.40, 0.60}) EXPECT_GE(s.level(static_cast<float>(edge), 0.0), 1) << edge;
    EXPECT_EQ(s.level(static_cast<float>(0.15), 0.0), 4);
    EXPECT_EQ(s.level(static_cast<float>(0.60), 0.0), 1);
}

TEST(LevelScheme, DefraHazardRating) {
    LevelScheme s;
    s.criterion = Criterion::defra;
    // HR = d (v + 0.5) + DF, DF = 0 up to 0.25 m.
    EXPECT_DOUBLE_EQ(s.hazard_value(0.2, 1.0), 0.3);
    EXPECT_DOUBLE_EQ(s.hazard_value(0.25, 2.5), 0.75);  // DF still 0 at 0.25 m
    EXPECT_DOUBLE_EQ(s.hazard_value(0.5, 1.0), 1.25);   // 0.75 + DF 0.5
    EXPECT_DOUBLE_EQ(s.hazard_value(1.0, 1.5), 2.5);
    EXPECT_EQ(s.level(0.2, 1.0), 0);   // 0.3: below 0.75
    EXPECT_EQ(s.level(0.25, 2.5), 3);  // 0.75 on the edge: danger for some
    EXPECT_EQ(s.level(0.5, 1.0), 2);   // 1.25 on the edge: danger for most
    EXPECT_EQ(s.level(1.0, 1.5), 1);   // 2.5: danger for all
    EXPECT_EQ(s.level(0.4, 0.5), 3);   // 0.4 + 0.5 = 0.9
    EXPECT_EQ(s.level(NAN, 1.0), 0);
    s.debris_factor = 1.0;
    EXPECT_DOUBLE_EQ(s.hazard_value(0.5, 1.0), 1.75);
}

TEST(LevelScheme, ArrClassesByTheirLimits) {
    EXPECT_EQ(arr_class(0.0, 0.0), 1);
    EXPECT_EQ(arr_class(0.29, 1.0), 1);  // dv 0.29
    EXPECT_EQ(arr_class(0.3, 0.1), 2);   // d on H1's limit
    EXPECT_EQ(arr_class(0.2, 1.5), 2);   // dv 0.3 on H1's limit
    EXPECT_EQ(arr_class(0.49, 1.2), 2);  // dv 0.588
    EXPECT_EQ(arr_class(0.5, 0.5), 3);   // d on H2's limit
    EXPECT_EQ(arr_class(1.1, 0.5), 3);   // dv 0.55
    EXPECT_EQ(arr_class(1.0, 0.7), 4);   // dv 0.7
    EXPECT_EQ(arr_class(1.2, 0.1), 4);
    EXPECT_EQ(arr_class(0.1, 2.0), 5);  // v on H1-H4's limit
    EXPECT_EQ(arr_class(2.0, 0.0), 5);
    EXPECT_EQ(arr_class(1.5, 1.0), 5);  // dv 1.5
    EXPECT_EQ(arr_class(3.9, 1.0), 5);  // dv 3.9
    EXPECT_EQ(arr_class(4.0, 0.0), 6);
    EXPECT_EQ(arr_class(0.1, 4.0), 6);
    EXPECT_EQ(arr_class(2.5, 1.6), 6);  // dv 4.0
    LevelScheme s;
    s.criterion = Criterion::arr;
    EXPECT_EQ(s.level(0.2, 0.5), 0);    // H1
    EXPECT_EQ(s.level(0.4, 0.5), 4);    // H2
    EXPECT_EQ(s.level(1.0, 0.5), 3);    // H3
    EXPECT_EQ(s.level(1.5, 0.5), 2);    // H4
    EXPECT_EQ(s.level(3.0, 1.0), 1);    // H5
    EXPECT_EQ(s.level(5.0, 1.0), 1);    // H6
    EXPECT_EQ(s.level(0.005, 3.0), 0);  // below min_depth: H1, however fast
    EXPECT_EQ(s.level(0.02, 3.0), 1);   // H5: shallow and fast
}

namespace {
std::string write_levels(const floodsim::test::TempDir& dir, const std::string& text) {
    const std::string p = dir.file("LEVELS.toml");
    std::ofstream(p) << text;
    return p;
}
/// Loads `text` expecting an InputError whose message names the file, `key` and `value`.
void expect_error(const std::string& text, const std::string& key, const std::string& value) {
    floodsim::test::TempDir dir;
    const std::string p = write_levels(dir, text);
    try {
        load_level_scheme(p);
        ADD_FAILURE() << "no error for:\n" << text;
    } catch (const InputError& e) {
        EXPECT_EQ(e.file(), p);
        EXPECT_EQ(e.key(), key) << e.what();
        EXPECT_NE(e.value().find(value), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(p), std::string::npos);
    }
}
}  // namespace

TEST(LevelScheme, FileTunesEveryCriterion) {
    floodsim::test::TempDir dir;
    const LevelScheme s = load_level_scheme(write_levels(dir, R"(
criterion = "defra"
[depth]
bands = [0.1, 0.2, 0.3, 0.5]
[defra]
debris_factor = 1.0
debris_depth = 0.3
thresholds = [0.5, 0.75, 1.25, 2.0]
[arr]
levels = { H1 = 0, H2 = 0, H3 = 4, H4 = 2, H5 = 1, H6 = 1 }
min_depth = 0.05
[areas]
point_radius_km = 0.5
)"));
    EXPECT_EQ(s.criterion, Criterion::defra);
    EXPECT_DOUBLE_EQ(s.depth_bands[0], 0.1);
    EXPECT_DOUBLE_EQ(s.depth_bands[3], 0.5);
    EXPECT_DOUBLE_EQ(s.debris_factor, 1.0);
    EXPECT_DOUBLE_EQ(s.debris_depth, 0.3);
    EXPECT_DOUBLE_EQ(s.hr_thresholds[0], 0.5);
    EXPECT_EQ(s.level(0.3, 1.5), 4);  // HR 0.6, DF 0 at 0.3 m: blue with four thresholds
    EXPECT_EQ(s.arr_levels[1], 0);
    EXPECT_EQ(s.arr_levels[2], 4);
    EXPECT_DOUBLE_EQ(s.arr_min_depth, 0.05);
    EXPECT_DOUBLE_EQ(s.point_radius_km, 0.5);
    // Three Defra thresholds: levels 3, 2, 1, no blue.
    const LevelScheme t =
        load_level_scheme(write_levels(dir, "criterion = \"defra\"\n[defra]\nthresholds = [1, 2, 3]\n"));
    EXPECT_TRUE(std::isnan(t.hr_thresholds[0]));
    EXPECT_EQ(t.level(0.2, 9.5), 2);  // HR 2.0
    EXPECT_EQ(t.level(0.1, 0.1), 0);
}

TEST(LevelScheme, BadFilesNameFileKeyAndValue) {
    expect_error("criterion = \"depths\"\n", "criterion", "depths");
    expect_error("criterion = 3\n", "criterion", "3");
    expect_error("colour = 1\n", "colour", "1");
    expect_error("[depth]\nbands = [0.15, 0.25, 0.25, 0.6]\n", "depth.bands", "0.25");
    expect_error("[depth]\nbands = [0.6, 0.4, 0.25, 0.15]\n", "depth.bands", "0.6");
    expect_error("[depth]\nbands = [-0.1, 0.25, 0.4, 0.6]\n", "depth.bands", "-0.1");
    expect_error("[depth]\nbands = [0.15, 0.25, 0.4]\n", "depth.bands", "0.4");
    expect_error("[depth]\nband = [0.15, 0.25, 0.4, 0.6]\n", "depth.band", "0.15");
    expect_error("[defra]\ndebris_factor = -0.5\n", "defra.debris_factor", "-0.5");
    expect_error("[defra]\nthresholds = [0.75, 0.5, 2.0]\n", "defra.thresholds", "0.75");
    expect_error("[arr]\nlevels = { H2 = 5 }\n", "arr.levels.H2", "5");
    expect_error("[arr]\nlevels = { H7 = 1 }\n", "arr.levels.H7", "1");
    expect_error("[arr]\nlevels = { H4 = 2, H5 = 3 }\n", "arr.levels.H5", "3");
    expect_error("[areas]\npoint_radius_km = 0\n", "areas.point_radius_km", "0");
    expect_error("criterion = \"depth\"\n[depth\n", "", "");
}
