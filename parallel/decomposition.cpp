#include "parallel/decomposition.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace floodsim::parallel {

CellRect intersect(const CellRect& a, const CellRect& b) {
    const int i0 = std::max(a.i0, b.i0), j0 = std::max(a.j0, b.j0);
    const int i1 = std::min(a.i0 + a.nx, b.i0 + b.nx), j1 = std::min(a.j0 + a.ny, b.j0 + b.ny);
    if (i1 <= i0 || j1 <= j0) return CellRect{};
    return CellRect{i0, j0, i1 - i0, j1 - j0};
}

CellRect expand(const CellRect& r, int width) {
    return CellRect{r.i0 - width, r.j0 - width, r.nx + 2 * width, r.ny + 2 * width};
}

std::vector<int> balanced_cuts(std::span<const std::int64_t> weights, int k) {
    const int n = static_cast<int>(weights.size());
    if (k < 1 || k > n) throw std::invalid_argument("balanced_cuts: need 1 <= parts <= cells");
    std::vector<std::int64_t> prefix(static_cast<std::size_t>(n) + 1, 0);
    for (int c = 0; c < n; ++c) {
        if (weights[c] < 0) throw std::invalid_argument("balanced_cuts: negative weight");
        prefix[c + 1] = prefix[c] + weights[c];
    }
    // An empty domain still needs non-empty blocks: then every cell weighs the same.
    if (prefix[n] == 0)
        for (int c = 0; c <= n; ++c) prefix[c] = c;
    const std::int64_t total = prefix[n];
    std::vector<int> cuts(static_cast<std::size_t>(k) + 1, 0);
    cuts[k] = n;
    for (int m = 1; m < k; ++m) {
        const int lo = cuts[m - 1] + 1, hi = n - (k - m);  // leave a cell for every later part
        const std::int64_t target = total * m;             // compared with prefix * k: no rounding
        auto dist = [&](int c) {
            const std::int64_t d = prefix[c] * k - target;
            return d < 0 ? -d : d;
        };
        const auto first = std::lower_bound(prefix.begin() + lo, prefix.begin() + hi + 1, (target + k - 1) / k);
        int c = static_cast<int>(first - prefix.begin());
        if (c > hi) c = hi;
        if (c > lo && dist(c - 1) <= dist(c)) --c;
        cuts[m] = c;
    }
    return cuts;
}

namespace {

// One candidate layout: its cuts, loads and the length of its cuts (halo cells per unit width).
struct Layout {
    int px = 1, py = 1;
    std::vector<int> row_cuts;
    std::vector<std::vector<int>> column_cuts;
    std::vector<std::int64_t> loads;  // per block, strip-major
    std::int64_t max_load = 0;
    std::int64_t cut_length = 0;
};

Layout make_layout(int nx, std::span<const std::uint8_t> domain, int px, int py,
                   const std::vector<std::int64_t>& row_counts, int align) {
    Layout l;
    l.px = px;
    l.py = py;
    l.row_cuts = balanced_cuts(row_counts, py);
    std::vector<std::int64_t> col_counts(static_cast<std::size_t>(nx));
    for (int s = 0; s < py; ++s) {
        const int ja = l.row_cuts[s], jb = l.row_cuts[s + 1];
        std::fill(col_counts.begin(), col_counts.end(), 0);
        for (int j = ja; j < jb; ++j) {
            if (domain.empty()) {
                for (auto& c : col_counts) ++c;
            } else {
                const std::uint8_t* row = domain.data() + static_cast<std::size_t>(j) * nx;
                for (int i = 0; i < nx; ++i) col_counts[i] += row[i] != 0;
            }
        }
        // Cut between groups of `align` columns (the last group may be narrower).
        const int groups = (nx + align - 1) / align;
        std::vector<std::int64_t> group_counts(static_cast<std::size_t>(groups), 0);
        for (int i = 0; i < nx; ++i) group_counts[i / align] += col_counts[i];
        std::vector<int> cuts = balanced_cuts(group_counts, px);
        for (int& c : cuts) c = std::min(nx, c * align);
        for (int b = 0; b < px; ++b) {
            std::int64_t load = 0;
            for (int i = cuts[b]; i < cuts[b + 1]; ++i) load += col_counts[i];
            l.loads.push_back(load);
            l.max_load = std::max(l.max_load, load);
        }
        l.cut_length += static_cast<std::int64_t>(px - 1) * (jb - ja);  // the strip's vertical cuts
        l.column_cuts.push_back(std::move(cuts));
    }
    l.cut_length += static_cast<std::int64_t>(py - 1) * nx;  // the horizontal cuts between strips
    return l;
}

}  // namespace

Decomposition::Decomposition(int nx, int ny, std::span<const std::uint8_t> domain, int parts, int column_align)
    : nx_(nx), ny_(ny) {
    if (nx < 1 || ny < 1) throw std::invalid_argument("decomposition: empty grid");
    if (column_align < 1) throw std::invalid_argument("decomposition: column_align must be >= 1");
    if (parts < 1) throw std::invalid_argument("decomposition: need at least one part");
    if (!domain.empty() && domain.size() != static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny))
        throw std::invalid_argument("decomposition: the domain mask has " + std::to_string(domain.size()) +
                                    " cells, the grid " + std::to_string(static_cast<long long>(nx) * ny));
    std::vector<std::int64_t> row_counts(static_cast<std::size_t>(ny), 0);
    for (int j = 0; j < ny; ++j) {
        if (domain.empty()) {
            row_counts[j] = nx;
        } else {
            const std::uint8_t* row = domain.data() + static_cast<std::size_t>(j) * nx;
            for (int i = 0; i < nx; ++i) row_counts[j] += row[i] != 0;
        }
        total_ += row_counts[j];
    }

    // Every factorisation that fits; keep the best by (load within 1 %, cut length, px).
    std::vector<Layout> layouts;
    for (int px = 1; px <= parts; ++px) {
        if (parts % px != 0) continue;
        const int py = parts / px;
        if (px > (nx + column_align - 1) / column_align || py > ny) continue;
        layouts.push_back(make_layout(nx, domain, px, py, row_counts, column_align));
    }
    if (layouts.empty())
        throw std::invalid_argument("decomposition: " + std::to_string(parts) + " blocks do not fit a " +
                                    std::to_string(nx) + " x " + std::to_string(ny) + " grid");
    std::int64_t best_load = std::numeric_limits<std::int64_t>::max();
    for (const Layout& l : layouts) best_load = std::min(best_load, l.max_load);
    // A layout within 1 % of the best load (at least one cell) is as good for compute; then the
    // shorter cuts win, because they mean fewer halo cells to exchange every step.
    const std::int64_t tolerance = std::max<std::int64_t>(1, best_load / 100);
    const Layout* chosen = nullptr;
    for (const Layout& l : layouts) {
        if (l.max_load > best_load + tolerance) continue;
        if (!chosen || l.cut_length < chosen->cut_length) chosen = &l;  // layouts come in px order
    }
    px_ = chosen->px;
    py_ = chosen->py;
    row_cuts_ = chosen->row_cuts;
    column_cuts_ = chosen->column_cuts;
    for (int s = 0; s < py_; ++s) {
        for (int b = 0; b < px_; ++b) {
            Block blk;
            blk.rank = static_cast<int>(blocks_.size());
            blk.strip = s;
            blk.column = b;
            blk.cells = CellRect{column_cuts_[s][b], row_cuts_[s], column_cuts_[s][b + 1] - column_cuts_[s][b],
                                 row_cuts_[s + 1] - row_cuts_[s]};
            blk.domain_cells = chosen->loads[static_cast<std::size_t>(s) * px_ + b];
            blocks_.push_back(blk);
        }
    }
}

const Block& Decomposition::block(int rank) const {
    if (rank < 0 || rank >= parts()) throw std::out_of_range("decomposition: no block " + std::to_string(rank));
    return blocks_[rank];
}

const std::vector<int>& Decomposition::column_cuts(int strip) const {
    if (strip < 0 || strip >= py_) throw std::out_of_range("decomposition: no strip " + std::to_string(strip));
    return column_cuts_[strip];
}

int Decomposition::owner(int i, int j) const {
    if (i < 0 || j < 0 || i >= nx_ || j >= ny_) return -1;
    const int s = static_cast<int>(std::upper_bound(row_cuts_.begin(), row_cuts_.end(), j) - row_cuts_.begin()) - 1;
    const auto& cuts = column_cuts_[s];
    const int b = static_cast<int>(std::upper_bound(cuts.begin(), cuts.end(), i) - cuts.begin()) - 1;
    return s * px_ + b;
}

std::int64_t Decomposition::max_load() const {
    std::int64_t m = 0;
    for (const Block& b : blocks_) m = std::max(m, b.domain_cells);
    return m;
}

double Decomposition::imbalance() const {
    if (total_ == 0) return 1.0;
    return static_cast<double>(max_load()) / mean_load();
}

namespace {

Side side_of(const CellRect& self, const CellRect& other) {
    if (other.j0 + other.ny <= self.j0) return Side::north;
    if (other.j0 >= self.j0 + self.ny) return Side::south;
    return other.i0 < self.i0 ? Side::west : Side::east;
}

}  // namespace

std::vector<HaloOverlap> Decomposition::halo_sources(int rank, int width) const {
    if (width < 1) throw std::invalid_argument("halo width must be >= 1");
    const CellRect& self = block(rank).cells;
    const CellRect halo = expand(self, width);
    std::vector<HaloOverlap> out;
    for (const Block& b : blocks_) {
        if (b.rank == rank) continue;
        // Blocks never overlap, so whatever of b lies in the grown rectangle lies in the halo; b
        // lies inside the grid, so the halo beyond the grid is left out by itself.
        const CellRect shared = intersect(halo, b.cells);
        if (!shared.empty()) out.push_back(HaloOverlap{b.rank, side_of(self, b.cells), shared});
    }
    return out;
}

std::vector<HaloOverlap> Decomposition::halo_targets(int rank, int width) const {
    if (width < 1) throw std::invalid_argument("halo width must be >= 1");
    const CellRect& self = block(rank).cells;
    std::vector<HaloOverlap> out;
    for (const Block& b : blocks_) {
        if (b.rank == rank) continue;
        const CellRect shared = intersect(self, expand(b.cells, width));
        if (!shared.empty()) out.push_back(HaloOverlap{b.rank, side_of(self, b.cells), shared});
    }
    return out;
}

Grid2D Decomposition::block_grid(const Grid2D& global, int rank) const {
    if (global.nx != nx_ || global.ny != ny_)
        throw std::invalid_argument("decomposition: the grid is not the decomposed one");
    const CellRect& c = block(rank).cells;
    return Grid2D::subgrid(global, c.i0, c.j0, c.nx, c.ny);
}

}  // namespace floodsim::parallel
