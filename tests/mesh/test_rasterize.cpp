// Vector features on the grid (mesh/rasterize.hpp): polygons by cell centre (holes out), lines
// 4-connected and clipped to the grid.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "mesh/rasterize.hpp"

namespace floodsim {
namespace {

// 10 x 8 cells of 10 m, west edge at x = 0, north edge at y = 80.
Grid2D grid() { return Grid2D::make(10, 8, 10.0, 10.0, 0.0, 80.0); }

bool has(const std::vector<Cell>& cells, int i, int j) {
    return std::find(cells.begin(), cells.end(), Cell{i, j}) != cells.end();
}

TEST(Rasterize, PolygonTakesTheCellsWhoseCentreIsInside) {
    // x 12..48, y 22..58: centres x 15..45 (i 1..4), y 25..55 (rows 2..5).
    const std::vector<Cell> c = cells_in_polygon(grid(), {{{12, 22}, {48, 22}, {48, 58}, {12, 58}}});
    EXPECT_EQ(c.size(), 16u);
    EXPECT_TRUE(has(c, 1, 2));
    EXPECT_TRUE(has(c, 4, 5));
    EXPECT_FALSE(has(c, 0, 2));
    EXPECT_FALSE(has(c, 5, 2));
    // An edge through the centres' line leaves them out on one side only: x 15..35 holds the
    // centres 25 (strictly inside), not 15 or 35.
    EXPECT_EQ(cells_in_polygon(grid(), {{{15, 22}, {35, 22}, {35, 38}, {15, 38}}}).size(), 2u);
}

TEST(Rasterize, HolesAreOut) {
    const std::vector<Ring> with_hole{{{2, 2}, {78, 2}, {78, 78}, {2, 78}}, {{22, 22}, {58, 22}, {58, 58}, {22, 58}}};
    const std::vector<Cell> c = cells_in_polygon(grid(), with_hole);
    EXPECT_TRUE(has(c, 1, 1));
    EXPECT_FALSE(has(c, 3, 3));  // centre (35, 45): in the hole
    EXPECT_EQ(c.size(), 64u - 16u);  // columns 0..7 x rows 0..7, less the hole's columns 2..5 x rows 2..5
}

TEST(Rasterize, DiagonalLineIs4Connected) {
    const std::vector<Cell> c = cells_on_line(grid(), {{1, 79}, {79, 1}});
    ASSERT_GE(c.size(), 2u);
    EXPECT_EQ(c.front(), (Cell{0, 0}));
    EXPECT_EQ(c.back(), (Cell{7, 7}));
    for (std::size_t k = 1; k < c.size(); ++k) {
        const int di = std::abs(c[k].first - c[k - 1].first), dj = std::abs(c[k].second - c[k - 1].second);
        EXPECT_EQ(di + dj, 1) << "step " << k;  // side neighbours only: no diagonal gap
    }
}

TEST(Rasterize, LinesAreClippedToTheGrid) {
    const std::vector<Cell> c = cells_on_line(grid(), {{-50, 35}, {150, 35}});
    ASSERT_EQ(c.size(), 10u);  // the whole row 4, once each
    for (int i = 0; i < 10; ++i) EXPECT_EQ(c[i], (Cell{i, 4}));
    EXPECT_TRUE(cells_on_line(grid(), {{-50, -5}, {-10, -30}}).empty());
}

}  // namespace
}  // namespace floodsim
