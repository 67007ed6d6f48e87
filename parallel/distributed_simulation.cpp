#include "parallel/distributed_simulation.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "parallel/mpi_check.hpp"

namespace floodsim::parallel {
namespace {

void check_mpi(int rc, const char* what) { floodsim::parallel::check_mpi(rc, "distributed simulation", what); }

int comm_size(MPI_Comm comm) {
    int n = 0;
    check_mpi(MPI_Comm_size(comm, &n), "MPI_Comm_size");
    return n;
}

int comm_rank(MPI_Comm comm) {
    int r = 0;
    check_mpi(MPI_Comm_rank(comm, &r), "MPI_Comm_rank");
    return r;
}

/// The block's cells of a per-cell input (nx*ny row-major on the global grid); empty stays empty.
template <class T>
std::vector<T> cut(const std::vector<T>& global, int global_nx, const CellRect& r) {
    if (global.empty()) return {};
    std::vector<T> out(r.cells());
    for (int j = 0; j < r.ny; ++j)
        for (int i = 0; i < r.nx; ++i)
            out[static_cast<std::size_t>(j) * r.nx + i] =
                global[static_cast<std::size_t>(r.j0 + j) * global_nx + (r.i0 + i)];
    return out;
}

}  // namespace

std::vector<std::uint8_t> domain_mask(const ModelSetup& global) {
    std::vector<std::uint8_t> mask(global.z.size());
    for (std::size_t k = 0; k < mask.size(); ++k) mask[k] = std::isnan(global.z[k]) ? 0 : 1;
    return mask;
}

ModelSetup block_setup(const ModelSetup& global, const Decomposition& decomposition, int rank) {
    const Grid2D& g = global.grid;
    if (decomposition.global_nx() != g.nx || decomposition.global_ny() != g.ny)
        throw std::invalid_argument("block_setup: the decomposition is of another grid");
    const CellRect r = decomposition.block(rank).cells;
    ModelSetup s;
    s.grid = decomposition.block_grid(g, rank);
    s.z = cut(global.z, g.nx, r);
    s.manning = cut(global.manning, g.nx, r);
    s.h0 = cut(global.h0, g.nx, r);
    s.u0 = cut(global.u0, g.nx, r);
    s.v0 = cut(global.v0, g.nx, r);
    // Boundaries: a segment is given as cells along its side (rows for west and east, columns for
    // north and south); the block keeps the part along its own cells, if it touches that side.
    for (const BoundarySpec& b : global.boundaries) {
        const bool ew = b.side == BoundarySide::West || b.side == BoundarySide::East;
        const bool touches = b.side == BoundarySide::West    ? r.i0 == 0
                             : b.side == BoundarySide::East  ? r.i0 + r.nx == g.nx
                             : b.side == BoundarySide::North ? r.j0 == 0
                                                             : r.j0 + r.ny == g.ny;
        if (!touches) continue;
        const int along0 = ew ? r.j0 : r.i0, along_n = ew ? r.ny : r.nx;
        const int last = b.last < 0 ? (ew ? g.ny : g.nx) - 1 : b.last;
        const int lo = std::max(b.first, along0), hi = std::min(last, along0 + along_n - 1);
        if (lo > hi) continue;
        if (b.type == BoundaryType::Discharge && (lo != b.first || hi != last))
            throw std::invalid_argument("block_setup: a discharge boundary crosses blocks (not supported yet)");
        BoundarySpec local = b;
        local.first = lo - along0;
        local.last = hi - along0;
        s.boundaries.push_back(std::move(local));
    }
    s.rain = global.rain;
    s.drainage = global.drainage;
    s.infiltration = global.infiltration;
    s.inflows = global.inflows;
    s.pumps = global.pumps;
    s.breaches = global.breaches;
    s.rain_grids = global.rain_grids;
    for (const GaugeSpec& gauge : global.gauges)  // the block's own, in its indices
        if (r.contains(gauge.i, gauge.j)) {
            GaugeSpec local = gauge;
            local.i -= r.i0;
            local.j -= r.j0;
            s.gauges.push_back(std::move(local));
        }
    s.options = global.options;
    s.initial_fields = global.initial_fields;
    // s.features: a report of the model builder's, which the solver does not read.
    return s;
}

template <class Real>
DistributedSimulation<Real>::DistributedSimulation(const ModelSetup& global, MPI_Comm comm)
    : comm_(comm),
      rank_(comm_rank(comm)),
      decomposition_(global.grid.nx, global.grid.ny, domain_mask(global), comm_size(comm)),
      block_grid_(decomposition_.block_grid(global.grid, rank_)) {
    SubdomainLinks<Real> links;
    links.fill_halo = [this](std::span<Field<Real>* const> fields, int width) {
        const double t0 = MPI_Wtime();
        exchange_for(fields, width).exchange();
        exchange_s_ += MPI_Wtime() - t0;
    };
    links.reduce_max = [this](std::span<double> values) {
        const double t0 = MPI_Wtime();
        check_mpi(
            MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_MAX, comm_),
            "MPI_Allreduce");
        reduction_s_ += MPI_Wtime() - t0;
    };
    sum_ = std::make_unique<OrderedSum>(decomposition_, rank_, comm_);
    // block_setup's errors concern one block: every rank learns of them, so that all throw
    // together (a rank that went on would wait forever in the first halo exchange).
    ModelSetup mine;
    std::string error;
    try {
        mine = block_setup(global, decomposition_, rank_);
    } catch (const std::invalid_argument& e) {
        error = e.what();
    }
    int failed = error.empty() ? 0 : 1, any = 0;
    check_mpi(MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, comm_), "MPI_Allreduce");
    if (any) throw std::invalid_argument(error.empty() ? "block_setup: another block's setup is invalid" : error);
    sim_ = std::make_unique<BasicSimulation<Real>>(std::move(mine), std::move(links));
    // Each gauge's owner and its index among the owner's gauges (block_setup keeps them in order).
    std::vector<int> count(static_cast<std::size_t>(decomposition_.parts()), 0);
    for (const GaugeSpec& gauge : global.gauges) {
        const int owner = decomposition_.owner(gauge.i, gauge.j);
        if (owner < 0) throw std::invalid_argument("distributed simulation: a gauge outside the grid");
        gauges_.push_back({owner, count[static_cast<std::size_t>(owner)]++});
    }
}

template <class Real>
GaugeReading DistributedSimulation<Real>::gauge(std::size_t k) const {
    const auto [owner, local] = gauges_.at(k);
    GaugeReading r{};
    if (rank_ == owner) r = sim_->gauge(static_cast<std::size_t>(local));
    double v[4] = {r.depth, r.water_level, r.velocity_x, r.velocity_y};
    check_mpi(MPI_Bcast(v, 4, MPI_DOUBLE, owner, comm_), "MPI_Bcast");
    return {v[0], v[1], v[2], v[3]};
}

template <class Real>
HaloExchange& DistributedSimulation<Real>::exchange_for(std::span<Field<Real>* const> fields, int width) {
    std::vector<const void*> key(fields.begin(), fields.end());
    for (auto& [k, x] : exchanges_)
        if (k == key && x->width() == width) return *x;
    std::vector<HaloField> hf(fields.begin(), fields.end());
    // The width the scheme reads across a block edge (docs/parallel.md, "Halo widths"). Each set
    // of fields has its own tag: their messages never mix.
    const int tag = 1410 + static_cast<int>(exchanges_.size());
    exchanges_.emplace_back(std::move(key), std::make_unique<HaloExchange>(decomposition_, rank_, block_grid_, width,
                                                                           std::move(hf), comm_, tag));
    return *exchanges_.back().second;
}

template <class Real>
double DistributedSimulation<Real>::volume() {
    // volume() of the serial run: h of every cell (nodata holds 0) in the fixed order, times the
    // cell area once.
    return sum_->sum(sim_->h()) * block_grid_.cell_area();
}

template <class Real>
std::int64_t DistributedSimulation<Real>::wet_cells() const {
    long long local = sim_->wet_cells(), total = 0;
    check_mpi(MPI_Allreduce(&local, &total, 1, MPI_LONG_LONG, MPI_SUM, comm_), "MPI_Allreduce");
    return total;
}

template <class Real>
template <class T>
std::vector<T> DistributedSimulation<Real>::gather(const Field<T>& field, int root) const {
    const Grid2D& g = block_grid_;
    std::vector<T> mine(g.cells());
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) mine[static_cast<std::size_t>(j) * g.nx + i] = field(i, j);
    const int parts = decomposition_.parts();
    std::vector<int> counts(parts), offsets(parts);
    std::size_t total = 0;
    for (int r = 0; r < parts; ++r) {
        counts[r] = static_cast<int>(decomposition_.block(r).cells.cells() * sizeof(T));
        offsets[r] = static_cast<int>(total);
        total += static_cast<std::size_t>(counts[r]);
    }
    std::vector<T> packed(rank_ == root ? total / sizeof(T) : 0);
    check_mpi(MPI_Gatherv(mine.data(), static_cast<int>(mine.size() * sizeof(T)), MPI_BYTE, packed.data(),
                          counts.data(), offsets.data(), MPI_BYTE, root, comm_),
              "MPI_Gatherv");
    if (rank_ != root) return {};
    const int gnx = decomposition_.global_nx();
    std::vector<T> out(static_cast<std::size_t>(gnx) * decomposition_.global_ny());
    for (int r = 0; r < parts; ++r) {
        const CellRect c = decomposition_.block(r).cells;
        const T* src = packed.data() + offsets[r] / sizeof(T);
        for (int j = 0; j < c.ny; ++j)
            std::memcpy(&out[static_cast<std::size_t>(c.j0 + j) * gnx + c.i0], src + static_cast<std::size_t>(j) * c.nx,
                        c.nx * sizeof(T));
    }
    return out;
}

template class DistributedSimulation<double>;
template class DistributedSimulation<float>;
template std::vector<double> DistributedSimulation<double>::gather(const Field<double>&, int) const;
template std::vector<float> DistributedSimulation<double>::gather(const Field<float>&, int) const;
template std::vector<float> DistributedSimulation<float>::gather(const Field<float>&, int) const;

}  // namespace floodsim::parallel
