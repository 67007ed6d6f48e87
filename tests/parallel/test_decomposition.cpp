// The block decomposition (parallel/decomposition.hpp): coverage, balance by domain cells,
// per-strip column cuts, blocks of nodata only, halo overlaps checked cell by cell, determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "parallel/decomposition.hpp"

using namespace floodsim;
using namespace floodsim::parallel;

namespace {

// A domain of half the grid: a disc-like blob in the north-east and a strip along the south, the
// rest nodata; uneven on purpose so that strips get different column cuts.
std::vector<std::uint8_t> uneven_mask(int nx, int ny) {
    std::vector<std::uint8_t> m(static_cast<std::size_t>(nx) * ny, 0);
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            const double x = (i + 0.5) / nx, y = (j + 0.5) / ny;
            const bool blob = (x - 0.7) * (x - 0.7) + (y - 0.3) * (y - 0.3) < 0.09;
            const bool south = y > 0.8 && x < 0.9;
            m[static_cast<std::size_t>(j) * nx + i] = blob || south;
        }
    return m;
}

std::int64_t count(const std::vector<std::uint8_t>& m) {
    std::int64_t n = 0;
    for (auto v : m) n += v != 0;
    return n;
}

// Every cell is owned by exactly one block, owner() agrees, and the loads are the mask's counts.
void check_cover(const Decomposition& d, const std::vector<std::uint8_t>& mask) {
    const int nx = d.global_nx(), ny = d.global_ny();
    std::vector<int> owner(static_cast<std::size_t>(nx) * ny, -1);
    std::vector<std::int64_t> loads(d.parts(), 0);
    for (const Block& b : d.blocks()) {
        ASSERT_GE(b.cells.nx, 1);
        ASSERT_GE(b.cells.ny, 1);
        for (int j = b.cells.j0; j < b.cells.j0 + b.cells.ny; ++j)
            for (int i = b.cells.i0; i < b.cells.i0 + b.cells.nx; ++i) {
                const std::size_t k = static_cast<std::size_t>(j) * nx + i;
                ASSERT_EQ(owner[k], -1) << "cell " << i << "," << j << " owned twice";
                owner[k] = b.rank;
                loads[b.rank] += mask.empty() ? 1 : (mask[k] != 0);
            }
    }
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) ASSERT_EQ(d.owner(i, j), owner[static_cast<std::size_t>(j) * nx + i]);
    for (const Block& b : d.blocks()) EXPECT_EQ(b.domain_cells, loads[b.rank]);
}

}  // namespace

TEST(BalancedCuts, CutsNearTheTargetsAndNeverEmpty) {
    const std::vector<std::int64_t> w{5, 0, 0, 5, 5, 0, 5, 0};
    EXPECT_EQ(balanced_cuts(w, 2), (std::vector<int>{0, 4, 8}));  // 10 | 10
    EXPECT_EQ(balanced_cuts(w, 4), (std::vector<int>{0, 1, 4, 5, 8}));
    // All weight in one cell: the other parts still get one cell each.
    const std::vector<std::int64_t> one{0, 0, 9, 0};
    const auto c = balanced_cuts(one, 4);
    EXPECT_EQ(c, (std::vector<int>{0, 1, 2, 3, 4}));
    // No weight at all: cells count equally.
    const std::vector<std::int64_t> none(10, 0);
    EXPECT_EQ(balanced_cuts(none, 2), (std::vector<int>{0, 5, 10}));
    EXPECT_THROW(balanced_cuts(none, 11), std::invalid_argument);
}

TEST(Decomposition, FullSquareGridGivesSquareBlocks) {
    const Decomposition d(100, 100, {}, 4);
    EXPECT_EQ(d.px(), 2);
    EXPECT_EQ(d.py(), 2);
    for (const Block& b : d.blocks()) EXPECT_EQ(b.domain_cells, 2500);
    EXPECT_DOUBLE_EQ(d.imbalance(), 1.0);
    check_cover(d, {});
}

TEST(Decomposition, WideGridCutsColumnsNotRows) {
    const Decomposition d(400, 20, {}, 4);
    EXPECT_EQ(d.px(), 4);
    EXPECT_EQ(d.py(), 1);
    check_cover(d, {});
}

TEST(Decomposition, BalancedByDomainCellsNotBoundingBox) {
    const int nx = 240, ny = 180;
    const auto mask = uneven_mask(nx, ny);
    ASSERT_GT(count(mask), nx * ny / 4);
    for (int p = 1; p <= 12; ++p) {
        const Decomposition d(nx, ny, mask, p);
        check_cover(d, mask);
        EXPECT_EQ(d.domain_cells(), count(mask));
        // Max within 3 % of the mean (5 % for a prime count: then the blocks are whole strips of
        // rows or columns, and one column here holds up to 3.5 % of a block's share).
        const bool prime = p == 5 || p == 7 || p == 11;
        EXPECT_LT(d.imbalance(), prime ? 1.05 : 1.03) << p << " parts, layout " << d.px() << " x " << d.py();
    }
    // A bounding-box split of the same mask in 4 equal quadrants is far from balanced: the test
    // above can fail.
    std::int64_t q[4] = {0, 0, 0, 0};
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) q[(j >= ny / 2) * 2 + (i >= nx / 2)] += mask[static_cast<std::size_t>(j) * nx + i];
    const double mean = count(mask) / 4.0;
    EXPECT_GT(*std::max_element(q, q + 4) / mean, 1.5);  // 1.9
}

TEST(Decomposition, StripsHaveTheirOwnColumnCutsAndSeveralNeighboursAcross) {
    const int nx = 240, ny = 180;
    const auto mask = uneven_mask(nx, ny);
    const Decomposition d(nx, ny, mask, 6);
    ASSERT_GT(d.py(), 1);
    ASSERT_GT(d.px(), 1);
    EXPECT_NE(d.column_cuts(0), d.column_cuts(1));
    // Some block touches more than one block of a neighbouring strip.
    bool several = false;
    for (const Block& b : d.blocks()) {
        int north = 0, south = 0;
        for (const HaloOverlap& o : d.halo_sources(b.rank, 1)) {
            north += o.side == Side::north;
            south += o.side == Side::south;
        }
        several = several || north > 1 || south > 1;
    }
    EXPECT_TRUE(several);
}

TEST(Decomposition, BlocksOfNodataOnlyAreValid) {
    // One domain cell: every other block holds nodata only, and still at least one cell.
    const int nx = 30, ny = 20;
    std::vector<std::uint8_t> mask(static_cast<std::size_t>(nx) * ny, 0);
    mask[5 * nx + 7] = 1;
    const Decomposition d(nx, ny, mask, 6);
    check_cover(d, mask);
    int empty = 0;
    for (const Block& b : d.blocks()) empty += b.domain_cells == 0;
    EXPECT_EQ(empty, 5);
    // And no domain at all.
    const std::vector<std::uint8_t> none(mask.size(), 0);
    const Decomposition e(nx, ny, none, 4);
    check_cover(e, none);
    EXPECT_DOUBLE_EQ(e.imbalance(), 1.0);
}

TEST(Decomposition, HaloOverlapsMatchTheOwnersCellByCell) {
    const int nx = 61, ny = 47;
    const auto mask = uneven_mask(nx, ny);
    for (int p : {2, 3, 5, 6, 8}) {
        const Decomposition d(nx, ny, mask, p);
        for (int w : {1, 2, 3}) {
            for (const Block& b : d.blocks()) {
                const auto sources = d.halo_sources(b.rank, w);
                // Every halo cell inside the grid is in exactly one source rectangle, that of its owner.
                const CellRect halo = expand(b.cells, w);
                for (int j = halo.j0; j < halo.j0 + halo.ny; ++j)
                    for (int i = halo.i0; i < halo.i0 + halo.nx; ++i) {
                        if (b.cells.contains(i, j)) continue;
                        int hits = 0, from = -1;
                        for (const HaloOverlap& o : sources)
                            if (o.cells.contains(i, j)) {
                                ++hits;
                                from = o.rank;
                            }
                        const int own = d.owner(i, j);
                        ASSERT_EQ(hits, own < 0 ? 0 : 1) << "p " << p << " w " << w << " cell " << i << "," << j;
                        if (own >= 0) {
                            ASSERT_EQ(from, own);
                        }
                    }
                // What b sends to r is what r receives from b.
                for (const HaloOverlap& t : d.halo_targets(b.rank, w)) {
                    bool found = false;
                    for (const HaloOverlap& s : d.halo_sources(t.rank, w))
                        if (s.rank == b.rank) {
                            EXPECT_EQ(s.cells, t.cells);
                            found = true;
                        }
                    EXPECT_TRUE(found);
                }
                EXPECT_EQ(d.halo_targets(b.rank, w).size(), sources.size());
            }
        }
    }
}

TEST(Decomposition, SameInputsSameDecomposition) {
    const auto mask = uneven_mask(123, 77);
    const Decomposition a(123, 77, mask, 7), b(123, 77, mask, 7);
    ASSERT_EQ(a.parts(), b.parts());
    for (int r = 0; r < a.parts(); ++r) {
        EXPECT_EQ(a.block(r).cells, b.block(r).cells);
        EXPECT_EQ(a.block(r).domain_cells, b.block(r).domain_cells);
    }
}

TEST(Decomposition, BlockGridCarriesTheGlobalOffset) {
    const Grid2D global = Grid2D::make(50, 40, 2.0, 2.0, 1000.0, 5000.0);
    const Decomposition d(50, 40, {}, 4);
    for (const Block& b : d.blocks()) {
        const Grid2D g = d.block_grid(global, b.rank);
        EXPECT_EQ(g.i0, b.cells.i0);
        EXPECT_EQ(g.j0, b.cells.j0);
        EXPECT_EQ(g.nx, b.cells.nx);
        EXPECT_EQ(g.ny, b.cells.ny);
        EXPECT_EQ(g.global_size_x(), 50);
        EXPECT_EQ(g.global_size_y(), 40);
        EXPECT_DOUBLE_EQ(g.x_west(), 1000.0 + 2.0 * b.cells.i0);
        EXPECT_DOUBLE_EQ(g.y_north(), 5000.0 - 2.0 * b.cells.j0);
    }
    EXPECT_THROW(d.block_grid(Grid2D::make(51, 40, 2.0, 2.0), 0), std::invalid_argument);
}

TEST(Decomposition, RejectsWhatCannotBeSplit) {
    EXPECT_THROW(Decomposition(3, 2, {}, 7), std::invalid_argument);
    EXPECT_THROW(Decomposition(0, 2, {}, 1), std::invalid_argument);
    const std::vector<std::uint8_t> wrong(5, 1);
    EXPECT_THROW(Decomposition(3, 2, wrong, 1), std::invalid_argument);
    // A prime count on a narrow grid: only 1 x p or p x 1 fits.
    const Decomposition d(7, 3, {}, 7);
    EXPECT_EQ(d.px(), 7);
    check_cover(d, {});
}
