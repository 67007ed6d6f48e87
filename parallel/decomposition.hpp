#pragma once
// Block decomposition of a raster grid for distributed runs (docs/parallel.md). No MPI here: the
// decomposition is a pure function of the grid size, the domain mask and the number of blocks,
// so every rank computes the same one on its own and nothing has to be broadcast.
//
// Layout: py horizontal strips (rows cut where the cumulative count of domain cells reaches
// k/py of the total), each strip cut into px blocks at the strip's own cumulative counts. Blocks
// of different strips therefore have different column cuts, and a block can touch several blocks
// of the strips above and below. Ranks are numbered strip by strip from the north, west to east
// within a strip.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "mesh/grid2d.hpp"

namespace floodsim::parallel {

/// A rectangle of cells in global indices: columns [i0, i0 + nx), rows [j0, j0 + ny).
struct CellRect {
    int i0 = 0, j0 = 0;
    int nx = 0, ny = 0;
    bool empty() const { return nx <= 0 || ny <= 0; }
    std::size_t cells() const { return empty() ? 0 : static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny); }
    bool contains(int i, int j) const { return i >= i0 && i < i0 + nx && j >= j0 && j < j0 + ny; }
    bool operator==(const CellRect&) const = default;
};

/// The common cells of two rectangles (empty if they do not overlap).
CellRect intersect(const CellRect& a, const CellRect& b);
/// `r` grown by `width` cells on every side (not clipped).
CellRect expand(const CellRect& r, int width);

/// Where another block lies relative to a block. Rows decide first: a block of another strip is
/// north or south (corners included); a block of the same strip is west or east.
enum class Side { west, east, north, south };

/// One block of the decomposition.
struct Block {
    int rank = 0;
    int strip = 0;                  ///< strip index, 0 = northernmost
    int column = 0;                 ///< position within the strip, 0 = westernmost
    CellRect cells;                 ///< the block's own cells, global indices
    std::int64_t domain_cells = 0;  ///< cells inside the domain (may be 0: a block of nodata only)
};

/// A rectangle of cells shared between a block's halo and another block.
struct HaloOverlap {
    int rank = 0;            ///< the other block
    Side side = Side::west;  ///< where the other block lies
    CellRect cells;          ///< global indices of the shared cells
};

class Decomposition {
public:
    /// Splits an nx x ny grid into `parts` blocks (see the file comment). `domain` holds nx*ny
    /// flags in row-major order (row 0 = north), non-zero = inside the domain; empty = every cell
    /// is inside. Layouts px x py with px * py = parts, px <= nx and py <= ny are tried; the one
    /// with the smallest maximum load wins, where loads within 1 % of the best count as equal and
    /// then the layout with the shortest cut length (fewest halo cells) wins, then the smaller px.
    /// Throws std::invalid_argument on bad sizes or when no layout fits (parts > nx * ny).
    /// column_align > 1: every block starts at a multiple of column_align columns (the surface
    /// sinks' ledger sums groups of 8 cells); px <= ceil(nx / column_align) then.
    Decomposition(int nx, int ny, std::span<const std::uint8_t> domain, int parts, int column_align = 1);

    int global_nx() const { return nx_; }
    int global_ny() const { return ny_; }
    int parts() const { return static_cast<int>(blocks_.size()); }
    int px() const { return px_; }
    int py() const { return py_; }
    const std::vector<Block>& blocks() const { return blocks_; }
    const Block& block(int rank) const;
    /// Rows where the strips start, plus ny at the end (py + 1 values).
    const std::vector<int>& row_cuts() const { return row_cuts_; }
    /// Columns where the blocks of strip s start, plus nx at the end (px + 1 values).
    const std::vector<int>& column_cuts(int strip) const;
    /// Rank owning global cell (i, j); -1 outside the grid.
    int owner(int i, int j) const;

    /// Total domain cells, and the largest and mean load per block. imbalance() = max / mean
    /// (1 = perfect; 1 as well when the domain is empty).
    std::int64_t domain_cells() const { return total_; }
    std::int64_t max_load() const;
    double mean_load() const { return static_cast<double>(total_) / parts(); }
    double imbalance() const;

    /// The blocks whose cells lie in the halo of width `width` (>= 1) around block `rank`, with the
    /// shared cells: what `rank` receives. The halo is clipped to the global grid (cells beyond it
    /// belong to the physical boundaries). Ordered by rank.
    std::vector<HaloOverlap> halo_sources(int rank, int width) const;
    /// The blocks whose halo of width `width` covers cells of block `rank`, with those cells: what
    /// `rank` sends. Same ranks as halo_sources (the relation is symmetric). Ordered by rank.
    std::vector<HaloOverlap> halo_targets(int rank, int width) const;

    /// The block's own Grid2D (Grid2D::subgrid of `global`, which must be nx x ny).
    Grid2D block_grid(const Grid2D& global, int rank) const;

private:
    int nx_ = 0, ny_ = 0;
    int px_ = 1, py_ = 1;
    std::int64_t total_ = 0;
    std::vector<int> row_cuts_;
    std::vector<std::vector<int>> column_cuts_;
    std::vector<Block> blocks_;
};

/// Cuts a sequence of n non-negative weights into k consecutive non-empty parts (k <= n) whose
/// sums are as close as possible to total/k: cut m goes where the cumulative sum is nearest to
/// m * total / k (ties: the earlier cut), kept between its neighbours so that no part is empty.
/// All weights zero: the cells count equally. Returns k + 1 cut positions, 0 first and n last.
std::vector<int> balanced_cuts(std::span<const std::int64_t> weights, int k);

}  // namespace floodsim::parallel
