// River channels on the grid (mesh/channel.hpp): the cells within width / 2 of a line plus those
// it crosses, chainage along the line, the banks, and the bed below the lowest bank nearby.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "mesh/channel.hpp"

namespace floodsim {
namespace {

// 10 x 8 cells of 10 m, west edge at x = 0, north edge at y = 80; row 3's centres at y = 45.
Grid2D grid() { return Grid2D::make(10, 8, 10.0, 10.0, 0.0, 80.0); }

std::size_t cell(int i, int j) { return static_cast<std::size_t>(j) * 10 + i; }

TEST(Channel, NearestPointAndChainageAlongABentLine) {
    const std::vector<Ring> lines{{{0, 0}, {30, 0}, {30, 40}}};
    EXPECT_DOUBLE_EQ(line_length(lines[0]), 70.0);
    LinePosition p = nearest_on_lines(lines, {10, 5});
    EXPECT_DOUBLE_EQ(p.distance, 5.0);
    EXPECT_DOUBLE_EQ(p.chainage, 10.0);
    p = nearest_on_lines(lines, {36, 20});
    EXPECT_DOUBLE_EQ(p.distance, 6.0);
    EXPECT_DOUBLE_EQ(p.chainage, 50.0);
    p = nearest_on_lines(lines, {-3, -4});  // before the first vertex: chainage 0
    EXPECT_DOUBLE_EQ(p.distance, 5.0);
    EXPECT_DOUBLE_EQ(p.chainage, 0.0);
}

TEST(Channel, FootprintTakesCellsWithinHalfTheWidthAndTheirBanks) {
    const Grid2D g = grid();
    std::vector<double> z(g.cells(), 10.0);
    z[cell(4, 3)] = std::numeric_limits<double>::quiet_NaN();  // nodata: skipped
    const ChannelFootprint f = channel_footprint(g, z, {{{0, 45}, {100, 45}}}, 30.0);
    EXPECT_EQ(f.cells.size(), 29u);  // rows 2..4 (centres within 15 m), less the nodata cell
    EXPECT_TRUE(std::binary_search(f.cells.begin(), f.cells.end(), cell(0, 2)));
    EXPECT_FALSE(std::binary_search(f.cells.begin(), f.cells.end(), cell(4, 3)));
    EXPECT_EQ(f.banks.size(), 20u);  // rows 1 and 5
    for (std::size_t n = 0; n < f.cells.size(); ++n)
        EXPECT_DOUBLE_EQ(f.cell_at[n].chainage, 10.0 * static_cast<double>(f.cells[n] % 10) + 5.0);
}

TEST(Channel, NarrowDiagonalChannelIsFourConnected) {
    const Grid2D g = grid();
    const std::vector<double> z(g.cells(), 10.0);
    const ChannelFootprint f = channel_footprint(g, z, {{{1, 79}, {79, 1}}}, 1.0);
    for (const std::size_t k : f.cells) {
        if (k == cell(0, 0)) continue;
        const bool west = k % 10 > 0 && std::binary_search(f.cells.begin(), f.cells.end(), k - 1);
        const bool north = k >= 10 && std::binary_search(f.cells.begin(), f.cells.end(), k - 10);
        EXPECT_TRUE(west || north) << k;  // each cell joins the path by a side
    }
    EXPECT_TRUE(std::binary_search(f.cells.begin(), f.cells.end(), cell(7, 7)));
}

TEST(Channel, BedIsDepthBelowTheLowestBankWithinTheReach) {
    const Grid2D g = grid();
    std::vector<double> z(g.cells(), 10.0);
    z[cell(5, 1)] = 6.0;  // a low bank at chainage 55
    const ChannelFootprint f = channel_footprint(g, z, {{{0, 45}, {100, 45}}}, 30.0);
    const std::vector<double> bed = bed_below_banks(f, z, 10.0, 1.0);
    for (std::size_t n = 0; n < f.cells.size(); ++n) {
        const int i = static_cast<int>(f.cells[n] % 10);
        EXPECT_DOUBLE_EQ(bed[n], i >= 4 && i <= 6 ? 5.0 : 9.0) << i;
    }
}

TEST(Channel, BedFallsBackOnTheNearestBanksInChainage) {
    const Grid2D g = grid();
    std::vector<double> z(g.cells(), 10.0);
    for (int i = 1; i < 10; ++i) z[cell(i, 1)] = z[cell(i, 5)] = std::numeric_limits<double>::quiet_NaN();
    z[cell(0, 1)] = 8.0;
    z[cell(0, 5)] = 7.0;
    const ChannelFootprint f = channel_footprint(g, z, {{{0, 45}, {100, 45}}}, 30.0);
    ASSERT_EQ(f.banks.size(), 2u);
    for (const double b : bed_below_banks(f, z, 10.0, 1.0)) EXPECT_DOUBLE_EQ(b, 6.0);
}

}  // namespace
}  // namespace floodsim
