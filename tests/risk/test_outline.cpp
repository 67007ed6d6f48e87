#include "risk/outline.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "mesh/input_error.hpp"
#include "risk_test_util.hpp"

using floodsim::Cell;
using floodsim::risk::CornerRing;
using floodsim::risk::ring_area_cells;
using floodsim::risk::trace_outline;

namespace {

/// Every ring closed, without a repeated corner, with axis-parallel sides and turning at every
/// kept corner.
void expect_simple_closed(const std::vector<CornerRing>& rings) {
    for (const CornerRing& r : rings) {
        ASSERT_GE(r.corners.size(), 5u);
        EXPECT_EQ(r.corners.front(), r.corners.back());
        std::set<std::array<int, 2>> seen(r.corners.begin(), r.corners.end() - 1);
        EXPECT_EQ(seen.size(), r.corners.size() - 1) << "a ring touches itself";
        for (std::size_t k = 0; k + 1 < r.corners.size(); ++k) {
            const auto& a = r.corners[k];
            const auto& b = r.corners[k + 1];
            EXPECT_TRUE((a[0] == b[0]) != (a[1] == b[1])) << "not an axis-parallel side";
        }
        EXPECT_EQ((r.corners.size() - 1) % 2, 0u);  // sides alternate between x and y
    }
}

}  // namespace

TEST(Outline, SquareWithAHole) {
    std::vector<Cell> cells;
    for (int j = 2; j < 7; ++j)
        for (int i = 3; i < 8; ++i)
            if (!(i == 5 && j == 4)) cells.emplace_back(i, j);
    const auto rings = trace_outline(cells);
    ASSERT_EQ(rings.size(), 2u);
    expect_simple_closed(rings);
    int outer = 0, holes = 0;
    double area = 0.0;
    for (const auto& r : rings) {
        area += ring_area_cells(r);
        if (r.hole) {
            ++holes;
            EXPECT_DOUBLE_EQ(ring_area_cells(r), -1.0);
            EXPECT_EQ(r.corners.size(), 5u);
        } else {
            ++outer;
            EXPECT_DOUBLE_EQ(ring_area_cells(r), 25.0);
            EXPECT_EQ(r.corners.size(), 5u);
            // Its corners are the square's: x 3..8, y 2..7 in corner units.
            for (const auto& c : r.corners) {
                EXPECT_TRUE(c[0] == 3 || c[0] == 8);
                EXPECT_TRUE(c[1] == 2 || c[1] == 7);
            }
        }
    }
    EXPECT_EQ(outer, 1);
    EXPECT_EQ(holes, 1);
    EXPECT_DOUBLE_EQ(area, 24.0);
}

TEST(Outline, CellsTouchingAtACornerMakeSeparateRings) {
    const auto rings = trace_outline({{0, 0}, {1, 1}, {1, 1}});
    ASSERT_EQ(rings.size(), 2u);
    expect_simple_closed(rings);
    for (const auto& r : rings) EXPECT_DOUBLE_EQ(ring_area_cells(r), 1.0);
    // A 3 x 3 block without its centre and its south-east cell: the hole (1, 1) touches the
    // outside only at corner (2, 2). Outer ring and hole are both simple and meet there.
    const auto c = trace_outline({{0, 0}, {1, 0}, {2, 0}, {0, 1}, {2, 1}, {0, 2}, {1, 2}});
    ASSERT_EQ(c.size(), 2u);
    expect_simple_closed(c);
    for (const auto& r : c) EXPECT_DOUBLE_EQ(ring_area_cells(r), r.hole ? -1.0 : 8.0);
}

TEST(Outline, AreaEqualsTheCellCountForRandomSets) {
    std::mt19937 rng(12);
    for (int trial = 0; trial < 200; ++trial) {
        std::set<Cell> unique;
        std::bernoulli_distribution in(0.3 + 0.4 * (trial % 3) / 2.0);
        for (int j = 0; j < 9; ++j)
            for (int i = 0; i < 11; ++i)
                if (in(rng)) unique.emplace(i + trial % 5, j - trial % 4);
        const std::vector<Cell> cells(unique.begin(), unique.end());
        const auto rings = trace_outline(cells);
        expect_simple_closed(rings);
        double area = 0.0;
        for (const auto& r : rings) {
            area += ring_area_cells(r);
            EXPECT_EQ(r.hole, ring_area_cells(r) < 0.0);
        }
        EXPECT_DOUBLE_EQ(area, static_cast<double>(cells.size())) << "trial " << trial;
    }
    EXPECT_TRUE(trace_outline({}).empty());
}

TEST(Outline, LatLonRingsClosedAndInPlace) {
    namespace t = floodsim::test::risk;
    const floodsim::Grid2D g = [] {
        auto g = floodsim::Grid2D::make(t::nx, t::ny, t::dx, t::dx, t::x_west, t::y_north);
        g.crs_wkt = t::utm49n_wkt;
        return g;
    }();
    const floodsim::risk::ToWgs84 to_wgs84(g.crs_wkt, "test");
    std::vector<Cell> cells;
    for (int j = 1; j < 6; ++j)
        for (int i = 1; i < 6; ++i)
            if (!(i == 3 && j == 3)) cells.emplace_back(i, j);
    const auto all = floodsim::risk::outline_latlon(g, cells, to_wgs84, false);
    const auto outer = floodsim::risk::outline_latlon(g, cells, to_wgs84, true);
    EXPECT_EQ(all.size(), 2u);
    ASSERT_EQ(outer.size(), 1u);
    const auto ll = to_wgs84.lonlat(t::x_west + 10.0, t::y_north - 10.0);  // corner (1, 1)
    EXPECT_GT(ll[1], 34.0);  // UTM 49N at 3850 km north: about 34.8 N, 111 E
    EXPECT_LT(ll[1], 35.5);
    EXPECT_NEAR(ll[0], 111.0, 0.01);
    for (const auto& ring : all) {
        EXPECT_EQ(ring.front(), ring.back());
        for (const auto& p : ring) {
            EXPECT_NEAR(p[0], ll[1], 0.001);  // lat first, within 100 m
            EXPECT_NEAR(p[1], ll[0], 0.001);
        }
    }
    // The outer ring's north-west corner is the corner (1, 1) itself.
    bool found = false;
    for (const auto& p : outer[0]) found = found || (std::abs(p[0] - ll[1]) < 1e-9 && std::abs(p[1] - ll[0]) < 1e-9);
    EXPECT_TRUE(found);
    EXPECT_THROW(floodsim::risk::ToWgs84("", "r.h5"), floodsim::InputError);
}
