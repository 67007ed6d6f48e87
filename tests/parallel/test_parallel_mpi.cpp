// The MPI building blocks under mpiexec -np 1..4 (tests/parallel/CMakeLists.txt): halo exchange
// checked cell by cell against global indices, ordered sums bitwise equal to the serial order,
// global minima, and the decomposition's balance as every rank sees it.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "mesh/field.hpp"
#include "parallel/decomposition.hpp"
#include "parallel/halo_exchange.hpp"
#include "parallel/ordered_sum.hpp"

using namespace floodsim;
using namespace floodsim::parallel;

namespace {

int comm_rank() {
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int comm_size() {
    int s = 0;
    MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
}

enum class Mask { all, half, one_cell };

// all: every cell in the domain; half: the western half and a south-eastern corner nodata (half
// the grid); one_cell: a single domain cell, so that with 2+ ranks some hold nodata only.
std::vector<std::uint8_t> make_mask(Mask kind, int nx, int ny) {
    if (kind == Mask::all) return {};
    std::vector<std::uint8_t> m(static_cast<std::size_t>(nx) * ny, 0);
    if (kind == Mask::one_cell) {
        m[static_cast<std::size_t>(ny / 3) * nx + nx / 4] = 1;
        return m;
    }
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            const bool west = i < nx / 3;
            const bool south_east = j > ny * 3 / 4 && i > nx * 2 / 3;
            m[static_cast<std::size_t>(j) * nx + i] = !(west || south_east);
        }
    return m;
}

double global_index(int gi, int gj, int gnx) { return static_cast<double>(gj) * gnx + gi; }

// Fills the interior with the global index (+ offset), the whole ghost frame with -1.
template <class T>
void fill(Field<T>& f, const Grid2D& g, double offset) {
    f.fill(T(-1));
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i)
            f(i, j) = static_cast<T>(global_index(g.global_i(i), g.global_j(j), g.global_size_x()) + offset);
}

// Every cell of the ghost frame: within the exchange width, inside the global grid and owned by
// another rank -> the owner's value (its global index + offset); otherwise still -1. The interior
// is unchanged. Returns the number of halo cells that were filled.
template <class T>
int check_halo(const Field<T>& f, const Grid2D& g, int width, double offset, const char* what,
               bool interior_overwritten = false) {
    int filled = 0;
    const int gnx = g.global_size_x(), gny = g.global_size_y();
    for (int j = -g.ghost; j < g.ny + g.ghost; ++j)
        for (int i = -g.ghost; i < g.nx + g.ghost; ++i) {
            const int gi = g.global_i(i), gj = g.global_j(j);
            const bool interior = i >= 0 && j >= 0 && i < g.nx && j < g.ny;
            const bool in_width = i >= -width && j >= -width && i < g.nx + width && j < g.ny + width;
            const bool in_grid = gi >= 0 && gj >= 0 && gi < gnx && gj < gny;
            T expected =
                (interior || (in_width && in_grid)) ? static_cast<T>(global_index(gi, gj, gnx) + offset) : T(-1);
            if (interior && interior_overwritten) expected = T(-7);
            EXPECT_EQ(f(i, j), expected) << what << " rank " << comm_rank() << " width " << width << " local cell " << i
                                         << "," << j << " (global " << gi << "," << gj << ")";
            if (!interior && in_width && in_grid) ++filled;
        }
    return filled;
}

struct HaloCase {
    int nx, ny;
    Mask mask;
};

}  // namespace

TEST(MpiHaloExchange, EveryHaloCellHoldsItsOwnersValueCornersIncluded) {
    const int size = comm_size(), rank = comm_rank();
    // Odd sizes; a narrow grid where blocks are thinner than the halo of width 2; a bigger grid
    // whose messages (6-12 kB) go beyond the shared-memory transport's eager limit (4 kB).
    const HaloCase cases[] = {
        {37, 29, Mask::all}, {37, 29, Mask::half}, {37, 29, Mask::one_cell}, {5, 40, Mask::all}, {300, 300, Mask::all}};
    for (const HaloCase& c : cases) {
        const auto mask = make_mask(c.mask, c.nx, c.ny);
        const Decomposition d(c.nx, c.ny, mask, size);
        if (c.mask == Mask::one_cell && size > 1) {
            int empty = 0;
            for (const Block& b : d.blocks()) empty += b.domain_cells == 0;
            EXPECT_EQ(empty, size - 1);  // ranks of nodata only take part like any other
        }
        const Grid2D global = Grid2D::make(c.nx, c.ny, 2.0, 2.0);
        const Grid2D g = d.block_grid(global, rank);
        for (int width : {1, 2}) {
            Field<double> h(g), hu(g);
            Field<float> z(g);
            HaloExchange ex(d, rank, g, width, {&h, &hu, &z}, MPI_COMM_WORLD);
            EXPECT_EQ(ex.neighbours(), static_cast<int>(d.halo_sources(rank, width).size()));
            // Two rounds with other values: the object is reused, its buffers too.
            for (int round = 0; round < 2; ++round) {
                const double off = round * 0.25;
                fill(h, g, off);
                fill(hu, g, off + 1e6);
                fill(z, g, off + 0.5);
                ex.begin();
                // The own cells are free between begin() and finish() (interior work overlaps the
                // messages): the neighbours still get the values as of begin().
                for (int j = 0; j < g.ny; ++j)
                    for (int i = 0; i < g.nx; ++i) hu(i, j) = -7.0;
                ex.finish();
                const int filled = check_halo(h, g, width, off, "h");
                check_halo(hu, g, width, off + 1e6, "hu", true);
                check_halo(z, g, width, off + 0.5, "z");
                // Something was received whenever there is a neighbour.
                if (ex.neighbours() > 0) {
                    EXPECT_GT(filled, 0);
                }
                EXPECT_EQ(ex.bytes_received(), static_cast<std::size_t>(filled) * (8 + 8 + 4));
            }
        }
    }
}

TEST(MpiHaloExchange, RejectsWhatDoesNotFit) {
    const int size = comm_size(), rank = comm_rank();
    const Decomposition d(20, 16, {}, size);
    const Grid2D global = Grid2D::make(20, 16, 1.0, 1.0);
    const Grid2D g = d.block_grid(global, rank);
    Field<double> h(g);
    EXPECT_THROW(HaloExchange(d, rank, g, 3, {&h}, MPI_COMM_WORLD), std::invalid_argument);  // wider than ghosts
    EXPECT_THROW(HaloExchange(d, rank, g, 0, {&h}, MPI_COMM_WORLD), std::invalid_argument);
    Grid2D moved = g;  // another place in the global grid: not this rank's block
    moved.i0 += 1;
    EXPECT_THROW(HaloExchange(d, rank, moved, 1, {&h}, MPI_COMM_WORLD), std::invalid_argument);
    Field<double> wrong(Grid2D::make(3, 3, 1.0, 1.0));
    EXPECT_THROW(HaloExchange(d, rank, g, 1, {&wrong}, MPI_COMM_WORLD), std::invalid_argument);
}

TEST(MpiOrderedSum, BitwiseEqualToTheSerialOrderForAnyRankCount) {
    const int size = comm_size(), rank = comm_rank();
    // 64 x 48 splits into strips and blocks; 150 x 12 into blocks along one strip, where every
    // row is split between ranks and the running sums travel west to east.
    const int shapes[][2] = {{64, 48}, {150, 12}};
    for (const auto& shape : shapes) {
        const int nx = shape[0], ny = shape[1];
        // Values over twelve orders of magnitude, both signs: any other order changes the bits.
        std::mt19937_64 rng(20261130);
        std::uniform_real_distribution<double> expo(-6.0, 6.0), sign(-1.0, 1.0);
        std::vector<double> values(static_cast<std::size_t>(nx) * ny);
        for (double& v : values) v = std::pow(10.0, expo(rng)) * (sign(rng) < 0 ? -1.0 : 1.0);
        const Grid2D global = Grid2D::make(nx, ny, 1.0, 1.0);
        auto at = [&](int gi, int gj) { return values[static_cast<std::size_t>(gj) * nx + gi]; };
        const double serial = serial_ordered_sum(global, at);
        const double serial_f = serial_ordered_sum(global, [&](int i, int j) { return static_cast<float>(at(i, j)); });
        // The data are order-sensitive: summing column by column gives other bits.
        double by_columns = 0.0;
        for (int i = 0; i < nx; ++i) {
            double s = 0.0;
            for (int j = 0; j < ny; ++j) s += at(i, j);
            by_columns += s;
        }
        EXPECT_NE(std::bit_cast<std::uint64_t>(by_columns), std::bit_cast<std::uint64_t>(serial));

        const Decomposition d(nx, ny, {}, size);
        const Grid2D g = d.block_grid(global, rank);
        Field<double> f(g);
        Field<float> ff(g);
        for (int j = 0; j < g.ny; ++j)
            for (int i = 0; i < g.nx; ++i) {
                f(i, j) = at(g.global_i(i), g.global_j(j));
                ff(i, j) = static_cast<float>(f(i, j));
            }
        OrderedSum os(d, rank, MPI_COMM_WORLD);
        const double parallel = os.sum(f);
        EXPECT_EQ(std::bit_cast<std::uint64_t>(parallel), std::bit_cast<std::uint64_t>(serial))
            << nx << " x " << ny << " on " << size << " ranks (" << d.px() << " x " << d.py() << "): " << parallel
            << " vs " << serial;
        EXPECT_EQ(std::bit_cast<std::uint64_t>(os.sum(ff)), std::bit_cast<std::uint64_t>(serial_f));
        // Three quantities in one pass, each equal to its own serial sum. (Exact per-cell values:
        // a rounded product could be fused into the addition in one loop and not the other.)
        const auto three = os.sums<3>([&](int i, int j) {
            const double v = f(i, j);
            return std::array<double, 3>{v, -2.0 * v, std::abs(v)};
        });
        const double s1 = serial_ordered_sum(global, [&](int i, int j) { return -2.0 * at(i, j); });
        const double s2 = serial_ordered_sum(global, [&](int i, int j) { return std::abs(at(i, j)); });
        EXPECT_EQ(std::bit_cast<std::uint64_t>(three[0]), std::bit_cast<std::uint64_t>(serial));
        EXPECT_EQ(std::bit_cast<std::uint64_t>(three[1]), std::bit_cast<std::uint64_t>(s1));
        EXPECT_EQ(std::bit_cast<std::uint64_t>(three[2]), std::bit_cast<std::uint64_t>(s2));
    }
}

TEST(MpiGlobalMin, SmallestOfAllRanks) {
    const int size = comm_size(), rank = comm_rank();
    std::mt19937_64 rng(14);
    std::uniform_real_distribution<double> u(1e-4, 1.0);
    std::vector<double> per_rank(size);
    for (double& v : per_rank) v = u(rng);
    EXPECT_EQ(global_min(per_rank[rank], MPI_COMM_WORLD), *std::min_element(per_rank.begin(), per_rank.end()));
    EXPECT_EQ(global_max(per_rank[rank], MPI_COMM_WORLD), *std::max_element(per_rank.begin(), per_rank.end()));
}

TEST(MpiDecomposition, SameOnEveryRankAndBalancedByDomainCells) {
    const int size = comm_size(), rank = comm_rank();
    const int nx = 400, ny = 300;
    const auto mask = make_mask(Mask::half, nx, ny);
    const Decomposition d(nx, ny, mask, size);
    // Every rank computed the decomposition on its own: the blocks must agree.
    std::vector<int> mine;
    for (const Block& b : d.blocks()) mine.insert(mine.end(), {b.cells.i0, b.cells.j0, b.cells.nx, b.cells.ny});
    std::vector<int> all(mine.size() * size);
    MPI_Allgather(mine.data(), static_cast<int>(mine.size()), MPI_INT, all.data(), static_cast<int>(mine.size()),
                  MPI_INT, MPI_COMM_WORLD);
    for (int r = 0; r < size; ++r)
        EXPECT_TRUE(std::equal(mine.begin(), mine.end(), all.begin() + static_cast<std::ptrdiff_t>(r * mine.size())));
    // The rank's own count of domain cells, summed over ranks, is the mask's.
    const CellRect& c = d.block(rank).cells;
    long long own = 0;
    for (int j = c.j0; j < c.j0 + c.ny; ++j)
        for (int i = c.i0; i < c.i0 + c.nx; ++i) own += mask[static_cast<std::size_t>(j) * nx + i];
    EXPECT_EQ(own, d.block(rank).domain_cells);
    long long total = 0;
    MPI_Allreduce(&own, &total, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    EXPECT_EQ(total, d.domain_cells());
    EXPECT_LT(d.imbalance(), 1.03);
    if (rank == 0)
        std::printf("decomposition of %d x %d, half nodata, %d ranks: layout %d x %d, max/mean load %.4f\n", nx, ny,
                    size, d.px(), d.py(), d.imbalance());
}
