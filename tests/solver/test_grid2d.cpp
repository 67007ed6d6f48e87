// Grid2D's place in a bigger grid: a subdomain is a smaller grid with a global offset, the global
// size and a geotransform consistent with the whole grid's.
#include <gtest/gtest.h>

#include <stdexcept>

#include "mesh/grid2d.hpp"

namespace floodsim {
namespace {

TEST(Grid2D, WholeGridByDefault) {
    const Grid2D g = Grid2D::make(30, 20, 2.0, 3.0, 1000.0, 5000.0);
    EXPECT_TRUE(g.is_whole());
    EXPECT_EQ(g.global_size_x(), 30);
    EXPECT_EQ(g.global_size_y(), 20);
    EXPECT_EQ(g.global_i(7), 7);
    EXPECT_EQ(g.global_j(-1), -1);
}

TEST(Grid2D, SubgridKnowsItsPlace) {
    const Grid2D g = Grid2D::make(30, 20, 2.0, 3.0, 1000.0, 5000.0);
    const Grid2D s = Grid2D::subgrid(g, 10, 5, 12, 8);
    EXPECT_FALSE(s.is_whole());
    EXPECT_EQ(s.nx, 12);
    EXPECT_EQ(s.ny, 8);
    EXPECT_EQ(s.ghost, g.ghost);
    EXPECT_EQ(s.global_size_x(), 30);
    EXPECT_EQ(s.global_size_y(), 20);
    EXPECT_EQ(s.global_i(0), 10);
    EXPECT_EQ(s.global_j(0), 5);
    EXPECT_EQ(s.global_i(-2), 8);  // ghosts map onto the neighbours' cells
    EXPECT_EQ(s.local_i(21), 11);
    EXPECT_EQ(s.local_j(12), 7);
    EXPECT_TRUE(s.owns_global(21, 12));
    EXPECT_FALSE(s.owns_global(22, 12));
    EXPECT_FALSE(s.owns_global(9, 5));
    // The same map coordinates for every cell, seen locally or globally.
    for (int j = 0; j < s.ny; ++j)
        for (int i = 0; i < s.nx; ++i) {
            EXPECT_DOUBLE_EQ(s.x_center(i), g.x_center(s.global_i(i)));
            EXPECT_DOUBLE_EQ(s.y_center(j), g.y_center(s.global_j(j)));
        }
    int li = -1, lj = -1;
    ASSERT_TRUE(s.locate(g.x_center(15), g.y_center(9), li, lj));
    EXPECT_EQ(s.global_i(li), 15);
    EXPECT_EQ(s.global_j(lj), 9);
    // A subgrid of a subgrid keeps global indices.
    const Grid2D t = Grid2D::subgrid(s, 2, 3, 4, 4);
    EXPECT_EQ(t.global_i(0), 12);
    EXPECT_EQ(t.global_j(0), 8);
    EXPECT_EQ(t.global_size_x(), 30);
    EXPECT_DOUBLE_EQ(t.x_west(), g.x_center(12) - 1.0);
    EXPECT_THROW(Grid2D::subgrid(g, 25, 0, 6, 1), std::out_of_range);
    EXPECT_THROW(Grid2D::subgrid(g, -1, 0, 6, 1), std::out_of_range);
}

}  // namespace
}  // namespace floodsim
