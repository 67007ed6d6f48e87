// map.png (risk/flood_map.hpp): the PNG read back with GDAL, the hillshade's orientation, what
// shows where, and the downsampling of large grids to the width limit.
#include "risk/flood_map.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>

#include "risk/bitmap_font.hpp"
#include "risk/levels.hpp"

namespace floodsim::risk {
namespace {

namespace fs = std::filesystem;

class TempDir {
public:
    TempDir() {
        static std::atomic<int> n{0};
        path_ = fs::temp_directory_path() / ("floodsim_map_test_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

struct Png {
    int width = 0, height = 0, bands = 0;
    std::vector<std::uint8_t> rgb;  // interleaved
    std::array<int, 3> at(int x, int y) const {
        const std::size_t k = (static_cast<std::size_t>(y) * width + x) * 3;
        return {rgb[k], rgb[k + 1], rgb[k + 2]};
    }
};

Png read_png(const std::string& path) {
    GDALAllRegister();
    Png p;
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen(path.c_str(), GA_ReadOnly));
    if (!ds) throw std::runtime_error("GDAL cannot open " + path);
    EXPECT_STREQ(ds->GetDriver()->GetDescription(), "PNG");
    p.width = ds->GetRasterXSize();
    p.height = ds->GetRasterYSize();
    p.bands = ds->GetRasterCount();
    p.rgb.resize(static_cast<std::size_t>(p.width) * p.height * 3);
    for (int b = 0; b < 3; ++b)
        if (ds->GetRasterBand(b + 1)->RasterIO(GF_Read, 0, 0, p.width, p.height, p.rgb.data() + b, p.width, p.height,
                                               GDT_Byte, 3, 3 * static_cast<GSpacing>(p.width)) != CE_None)
            throw std::runtime_error("cannot read " + path);
    GDALClose(ds);
    return p;
}

/// A 60 x 40 grid of 5 m cells: a valley running north-south (bed rising to the east and west),
/// dry except for a deep pond in the valley; the north-west corner cell is outside.
struct Scene {
    Grid2D g = Grid2D::make(60, 40, 5.0, 5.0, 500000.0, 3800200.0);
    std::vector<float> bed, depth;
    static constexpr int pond_i = 30, pond_j = 20;
    Scene() {
        bed.resize(g.cells());
        depth.assign(g.cells(), 0.0f);
        for (int j = 0; j < g.ny; ++j)
            for (int i = 0; i < g.nx; ++i) {
                const std::size_t k = static_cast<std::size_t>(j) * g.nx + i;
                bed[k] = static_cast<float>(100.0 + 0.2 * std::abs(i - 30) + 0.05 * j);
                if (std::abs(i - pond_i) <= 3 && std::abs(j - pond_j) <= 3) depth[k] = 1.5f;
            }
        bed[0] = depth[0] = NAN;
    }
    double x(int i) const { return g.geotransform[0] + (i + 0.5) * g.dx; }
    double y(int j) const { return g.geotransform[3] - (j + 0.5) * g.dy; }
};

bool blueish(std::array<int, 3> c) { return c[2] > c[0] + 40 && c[2] > c[1]; }
bool reddish(std::array<int, 3> c) { return c[0] > 180 && c[1] < 90 && c[2] < 90; }

TEST(Hillshade, SlopesFacingTheNorthWestSunAreLighterThanThoseFacingAway) {
    // A ridge running north-south: its western flank faces the sun (azimuth 315 deg), its eastern
    // flank does not; flat ground shows cos(45 deg) * 255.
    const Grid2D g = Grid2D::make(21, 5, 10.0, 10.0);
    std::vector<float> bed(g.cells()), flat(g.cells(), 50.0f);
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) bed[static_cast<std::size_t>(j) * g.nx + i] = 50.0f - 2.0f * std::abs(i - 10);
    const auto hs = hillshade(g, bed);
    const auto west = hs[2 * g.nx + 5], east = hs[2 * g.nx + 15];
    EXPECT_GT(west, east + 20.0f);
    EXPECT_NEAR(hillshade(g, flat)[2 * g.nx + 10], 255.0 * std::cos(M_PI / 4), 0.01);
    bed[7] = NAN;
    EXPECT_TRUE(std::isnan(hillshade(g, bed)[7]));
}

TEST(FloodMap, PngShowsDepthLegendScaleBarAndAssetsWhereTheyAre) {
    TempDir d;
    const Scene s;
    MapAsset red_point{MapAsset::Kind::Point, {{{s.x(10), s.y(10)}}}, 1, "school"};
    MapAsset blue_line{MapAsset::Kind::Line, {{{s.x(5), s.y(35)}, {s.x(50), s.y(35)}}}, 4, "road"};
    MapAsset polygon{MapAsset::Kind::Polygon,
                     {{{s.x(45), s.y(5)}, {s.x(55), s.y(5)}, {s.x(55), s.y(15)}, {s.x(45), s.y(15)}}}, 2, "depot"};
    MapInput in{.grid = s.g,
                .bed = s.bed,
                .value = s.depth,
                .kind = MapInput::Kind::Depth,
                .assets = {red_point, blue_line, polygon},
                .time_s = 12000.0,
                .time_text = "",
                .title = "Test map"};
    const std::string out = d.file("map.png");
    const MapLayout l = write_flood_map(out, in, 1200);
    EXPECT_FALSE(fs::exists(out + ".part"));
    EXPECT_FALSE(fs::exists(out + ".part.aux.xml"));
    const Png p = read_png(out);
    EXPECT_EQ(p.width, l.width);
    EXPECT_EQ(p.height, l.height);
    EXPECT_EQ(p.bands, 3);
    EXPECT_LE(p.width, 1200);
    // Small grid: whole pixels a cell (60 cells on about 900 pixels).
    const double px_per_cell = s.g.dx / l.metres_per_pixel;
    EXPECT_NEAR(px_per_cell, std::round(px_per_cell), 1e-9);
    EXPECT_GE(px_per_cell, 10.0);

    const auto [px, py] = l.pixel_of_cell(s.g, Scene::pond_i, Scene::pond_j);
    EXPECT_TRUE(blueish(p.at(px, py))) << p.at(px, py)[0] << "," << p.at(px, py)[1] << "," << p.at(px, py)[2];
    // A dry cell is not blue.
    const auto [dx_, dy_] = l.pixel_of_cell(s.g, 5, 20);
    EXPECT_FALSE(blueish(p.at(dx_, dy_)));
    // The level-1 point is red at its place.
    const auto [rx, ry] = l.pixel_of(s.x(10), s.y(10));
    EXPECT_TRUE(reddish(p.at(rx, ry)));
    // The line of level 4 is drawn in the level's blue along its middle.
    const auto [lx, ly] = l.pixel_of(s.x(20), s.y(35));
    const auto blue = level_info(4).rgb;
    EXPECT_EQ(p.at(lx, ly), (std::array<int, 3>{blue[0], blue[1], blue[2]}));
    // The polygon's outline (level 2, orange) on its western edge, its inside untouched by it.
    const auto [ox, oy] = l.pixel_of(s.x(45), s.y(10));
    const auto orange = level_info(2).rgb;
    EXPECT_EQ(p.at(ox, oy), (std::array<int, 3>{orange[0], orange[1], orange[2]}));
    // The side panel (legend, time, scale bar) holds ink; outside the domain is not ground colour.
    int dark = 0, dark_blue = 0;
    for (int y = l.map_y0; y < p.height; ++y)
        for (int x = l.panel_x0; x < p.width; ++x) {
            const auto c = p.at(x, y);
            if (c[0] < 60 && c[1] < 60 && c[2] < 60) ++dark;
            if (blueish(c)) ++dark_blue;
        }
    EXPECT_GT(dark, 500);      // text, scale bar, north arrow
    EXPECT_GT(dark_blue, 300);  // the depth classes' boxes
    const auto [cx, cy] = l.pixel_of_cell(s.g, 0, 0);
    EXPECT_EQ(p.at(cx, cy), (std::array<int, 3>{236, 236, 236}));
}

TEST(FloodMap, HazardLevelsInTheLevelColours) {
    TempDir d;
    const Scene s;
    std::vector<float> level(s.g.cells(), 0.0f);
    level[static_cast<std::size_t>(20) * s.g.nx + 30] = 1.0f;
    level[static_cast<std::size_t>(20) * s.g.nx + 40] = 4.0f;
    level[0] = NAN;
    MapInput in{.grid = s.g, .bed = s.bed, .value = level, .kind = MapInput::Kind::Hazard, .assets = {},
                .time_s = NAN, .time_text = "2021-07-20 16:00", .title = "Levels"};
    const MapLayout l = write_flood_map(d.file("h.png"), in, 1000);
    const Png p = read_png(d.file("h.png"));
    const auto [ax, ay] = l.pixel_of_cell(s.g, 30, 20);
    EXPECT_TRUE(reddish(p.at(ax, ay)));
    const auto [bx, by] = l.pixel_of_cell(s.g, 40, 20);
    EXPECT_TRUE(blueish(p.at(bx, by)));
    const auto [cx, cy] = l.pixel_of_cell(s.g, 35, 20);
    EXPECT_FALSE(reddish(p.at(cx, cy)) || blueish(p.at(cx, cy)));
    // A level outside 0..4 is refused.
    in.assets.push_back({MapAsset::Kind::Point, {{{s.x(1), s.y(1)}}}, 5, "x"});
    EXPECT_THROW(render_flood_map(in, 1000), std::invalid_argument);
}

TEST(FloodMap, LargeGridsAreDownsampledToTheWidthLimitKeepingNarrowFloodedStreets) {
    TempDir d;
    // 3000 x 1000 cells of 1 m, dry but for one flooded street one cell wide along row 500.
    const Grid2D g = Grid2D::make(3000, 1000, 1.0, 1.0, 0.0, 1000.0);
    std::vector<float> bed(g.cells(), 10.0f), depth(g.cells(), 0.0f);
    for (int i = 0; i < g.nx; ++i) depth[static_cast<std::size_t>(500) * g.nx + i] = 0.8f;
    MapInput in{.grid = g, .bed = bed, .value = depth, .kind = MapInput::Kind::Depth, .assets = {},
                .time_s = 600.0, .time_text = "", .title = "Large"};
    const MapLayout l = write_flood_map(d.file("big.png"), in, 1000);
    const Png p = read_png(d.file("big.png"));
    EXPECT_EQ(p.width, l.width);
    EXPECT_LE(p.width, 1000);
    EXPECT_LT(l.map_width, g.nx);
    EXPECT_GE(l.metres_per_pixel, 3000.0 / 1000.0);
    EXPECT_EQ(std::fmod(l.metres_per_pixel, g.dx), 0.0);  // whole cells a pixel
    // The street (1 m wide, under a pixel) still shows in every pixel column it crosses.
    const int row = l.pixel_of(0.0, 1000.0 - 500.5).second;
    int blue = 0;
    for (int x = l.map_x0; x < l.map_x0 + l.map_width; ++x) blue += blueish(p.at(x, row));
    EXPECT_EQ(blue, l.map_width);
}

TEST(FloodMap, TimeTextAndFont) {
    EXPECT_EQ(format_map_time(12000.0), "t = 3 h 20 min");
    EXPECT_EQ(format_map_time(7200.0), "t = 2 h");
    EXPECT_EQ(format_map_time(2700.0), "t = 45 min");
    EXPECT_EQ(format_map_time(30.0), "t = 30 s");
    EXPECT_EQ(text_width("abc", 2), (3 * kGlyphAdvance - 1) * 2);
    // Every printable character has a glyph; '0' and 'O' differ; unknown characters show '?'.
    for (char c = 33; c < 127; ++c) {
        bool ink = false;
        for (auto row : glyph(c)) ink = ink || row != 0;
        EXPECT_TRUE(ink) << c;
    }
    EXPECT_NE(glyph('0'), glyph('O'));
    EXPECT_EQ(glyph('\x01'), glyph('?'));
}

TEST(FloodMap, AnUnwritablePathLeavesNothing) {
    TempDir d;
    const Scene s;
    MapInput in{.grid = s.g, .bed = s.bed, .value = s.depth, .kind = MapInput::Kind::Depth, .assets = {},
                .time_s = 0.0, .time_text = "", .title = ""};
    fs::create_directories(d.file("taken.png"));  // a folder in the way
    EXPECT_THROW(write_flood_map(d.file("taken.png"), in), std::runtime_error);
    EXPECT_EQ(std::distance(fs::directory_iterator(d.path()), fs::directory_iterator()), 1);
}

}  // namespace
}  // namespace floodsim::risk
