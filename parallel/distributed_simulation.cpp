#include "parallel/distributed_simulation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

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

std::vector<BoundaryPart> boundary_parts(const ModelSetup& global, const Decomposition& decomposition, int rank) {
    const Grid2D& g = global.grid;
    const CellRect r = decomposition.block(rank).cells;
    std::vector<BoundaryPart> parts;
    for (std::size_t k = 0; k < global.boundaries.size(); ++k) {
        const BoundarySpec& b = global.boundaries[k];
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
        parts.push_back({k, lo, hi, along0});
    }
    return parts;
}

int column_align(const ModelSetup& global) {
    return !global.drainage.capacity.empty() || global.infiltration.model != InfiltrationSpec::Model::None ? 8 : 1;
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
    for (const BoundaryPart& p : boundary_parts(global, decomposition, rank)) {
        BoundarySpec local = global.boundaries[p.boundary];
        local.first = p.first - p.block_first;
        local.last = p.last - p.block_first;
        s.boundaries.push_back(std::move(local));
    }
    s.rain = global.rain;
    // The processes' parameters: one value (uniform) or one per cell (cut).
    const auto param = [&](const std::vector<double>& p) {
        return p.size() == g.cells() && g.cells() > 1 ? cut(p, g.nx, r) : p;
    };
    s.drainage = global.drainage;
    s.drainage.capacity = param(global.drainage.capacity);
    s.infiltration = global.infiltration;
    InfiltrationSpec& inf = s.infiltration;
    for (std::vector<double>* p : {&inf.ks, &inf.psi, &inf.dtheta, &inf.f0, &inf.fc, &inf.k, &inf.cn}) *p = param(*p);
    s.inflows = global.inflows;
    s.pumps = global.pumps;
    // Breaches: the cells of each opening on the block and in its ghost ring, in its indices. The
    // block sets the bed of its halo cells as their owner does (the same function of t), so the
    // bed's halo needs no exchange when an opening grows. Every breach is kept, with or without
    // cells here: its start and end are events of every block's steps.
    const int ring = s.grid.ghost;
    for (const BreachSpec& b : global.breaches) {
        BreachSpec local = b;
        local.cells.clear();
        for (BreachCell c : b.cells) {
            c.i -= r.i0;
            c.j -= r.j0;
            if (c.i >= -ring && c.i < r.nx + ring && c.j >= -ring && c.j < r.ny + ring) local.cells.push_back(c);
        }
        s.breaches.push_back(std::move(local));
    }
    s.rain_grids.time_s = global.rain_grids.time_s;
    for (const std::vector<float>& grid : global.rain_grids.mm_h) s.rain_grids.mm_h.push_back(cut(grid, g.nx, r));
    for (const GaugeSpec& gauge : global.gauges)  // the block's own, in its indices
        if (r.contains(gauge.i, gauge.j)) {
            GaugeSpec local = gauge;
            local.i -= r.i0;
            local.j -= r.j0;
            s.gauges.push_back(std::move(local));
        }
    s.options = global.options;
    for (const auto& [name, values] : global.initial_fields) s.initial_fields.emplace_back(name, cut(values, g.nx, r));
    // s.features: a report of the model builder's, which the solver does not read.
    return s;
}

template <class Real>
DistributedSimulation<Real>::DistributedSimulation(const ModelSetup& global, MPI_Comm comm)
    : comm_(comm),
      rank_(comm_rank(comm)),
      global_grid_(global.grid),
      mask_(domain_mask(global)),
      domain_cells_(std::count(mask_.begin(), mask_.end(), std::uint8_t{1})),
      decomposition_(global.grid.nx, global.grid.ny, mask_, comm_size(comm), column_align(global)),
      block_grid_(decomposition_.block_grid(global.grid, rank_)) {
    // The boundary faces each block contributes to the ledger's inflow and outflow: its rows on
    // the global west and east edges, its columns on the north and south edges.
    for (const Block& b : decomposition_.blocks()) {
        const CellRect& r = b.cells;
        int n = 0;
        n += r.i0 == 0 ? r.ny : 0;
        n += r.i0 + r.nx == global_grid_.nx ? r.ny : 0;
        n += r.j0 == 0 ? r.nx : 0;
        n += r.j0 + r.ny == global_grid_.ny ? r.nx : 0;
        face_offsets_.push_back(face_counts_.empty() ? 0 : face_offsets_.back() + face_counts_.back());
        face_counts_.push_back(n);
    }
    faces_all_.resize(static_cast<std::size_t>(face_offsets_.back() + face_counts_.back()));
    west_.resize(static_cast<std::size_t>(global_grid_.ny));
    east_.resize(west_.size());
    north_.resize(static_cast<std::size_t>(global_grid_.nx));
    south_.resize(north_.size());

    // Discharge boundaries: every rank's parts of their segments (a segment may cross blocks).
    bool any_discharge = false;
    discharge_segments_.assign(global.boundaries.size(), {0, -1});
    for (std::size_t k = 0; k < global.boundaries.size(); ++k) {
        const BoundarySpec& b = global.boundaries[k];
        if (b.type != BoundaryType::Discharge) continue;
        any_discharge = true;
        const bool ew = b.side == BoundarySide::West || b.side == BoundarySide::East;
        discharge_segments_[k] = {b.first, b.last < 0 ? (ew ? global.grid.ny : global.grid.nx) - 1 : b.last};
    }
    for (int r = 0; r < decomposition_.parts(); ++r) {
        std::vector<BoundaryPart>& parts = discharge_parts_.emplace_back();
        int n = 0;
        for (const BoundaryPart& p : boundary_parts(global, decomposition_, r))
            if (global.boundaries[p.boundary].type == BoundaryType::Discharge) {
                parts.push_back(p);
                n += 1 + (p.last - p.first + 1);
            }
        discharge_offsets_.push_back(discharge_counts_.empty() ? 0 : discharge_offsets_.back() + discharge_counts_.back());
        discharge_counts_.push_back(n);
    }

    SubdomainLinks<Real> links;
    links.domain_cells = domain_cells_;
    if (any_discharge)
        links.discharge_totals = [this](const std::vector<std::vector<double>>& w, const std::vector<std::int64_t>& c) {
            const double t0 = MPI_Wtime();
            auto totals = discharge_totals(w, c);
            reduction_s_ += MPI_Wtime() - t0;
            return totals;
        };
    links.sum_cells = [this](const Field<Real>& field) { return sum_->sum(field); };
    links.gather_cells = [this](std::span<const std::pair<int, int>> cells, std::span<Real> values) {
        const double t0 = MPI_Wtime();
        gather_cells(cells, values);
        reduction_s_ += MPI_Wtime() - t0;
    };
    links.sum_row_items = [this](std::span<const double> items, int per_row, std::span<double> totals) {
        const double t0 = MPI_Wtime();
        sum_->sum_row_items(items, per_row, totals);
        reduction_s_ += MPI_Wtime() - t0;
    };
    links.begin_boundary_flow = [this](std::span<const double> w, std::span<const double> e, std::span<const double> n,
                                       std::span<const double> so) {
        const double t0 = MPI_Wtime();
        begin_boundary_flow(w, e, n, so);
        reduction_s_ += MPI_Wtime() - t0;
    };
    links.finish_boundary_flow = [this] {
        const double t0 = MPI_Wtime();
        const auto flow = finish_boundary_flow();
        reduction_s_ += MPI_Wtime() - t0;
        return flow;
    };
    links.fill_halo = [this](std::span<Field<Real>* const> fields, int width) {
        const double t0 = MPI_Wtime();
        exchange_for(fields, width).exchange();
        exchange_s_ += MPI_Wtime() - t0;
    };
    links.begin_halo = [this](std::span<Field<Real>* const> fields, int width) {
        const double t0 = MPI_Wtime();
        if (pending_halo_) pending_halo_->finish();  // (a step that threw left one in flight)
        pending_halo_ = &exchange_for(fields, width);
        pending_halo_->begin();
        exchange_s_ += MPI_Wtime() - t0;
    };
    links.finish_halo = [this] {
        if (!pending_halo_) return;
        const double t0 = MPI_Wtime();
        HaloExchange* x = std::exchange(pending_halo_, nullptr);
        x->finish();
        exchange_s_ += MPI_Wtime() - t0;
    };
    links.fill_corners = [this](std::span<Field<Real>* const> fields) {
        const double t0 = MPI_Wtime();
        fill_corners(fields);
        exchange_s_ += MPI_Wtime() - t0;
    };
    // The corners fill_corners fills: each block's ghost cells diagonal to its corners that lie
    // beyond the global grid across one side only. Such a cell is a ghost of the global boundary
    // next to the block's halo side, and the block owning the boundary cell beside it fills it
    // (its own ghost); across both sides it is the global grid's corner, which nobody fills (nor
    // does the serial run), across none a halo cell.
    for (const Block& b : decomposition_.blocks()) {
        const CellRect& c = b.cells;
        const int gnx = global_grid_.nx, gny = global_grid_.ny;
        int corner = 0;
        for (const int dj : {-1, c.ny})
            for (const int di : {-1, c.nx}) {
                const int gi = c.i0 + di, gj = c.j0 + dj, tag = 1480 + corner++;
                const bool in_x = gi >= 0 && gi < gnx, in_y = gj >= 0 && gj < gny;
                if (in_x == in_y) continue;
                const int source = in_x ? decomposition_.owner(gi, gj < 0 ? 0 : gny - 1)
                                        : decomposition_.owner(gi < 0 ? 0 : gnx - 1, gj);
                const CellRect& s = decomposition_.block(source).cells;
                if (b.rank == rank_) corners_in_.push_back({source, di, dj, tag});
                if (source == rank_) corners_out_.push_back({b.rank, gi - s.i0, gj - s.j0, tag});
            }
    }
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
DistributedSimulation<Real>::~DistributedSimulation() {
    // A boundary flow still travelling (no one read the ledger after the last step): every rank
    // started it, so it completes; MPI must still be running for that.
    int finalized = 1;
    MPI_Finalized(&finalized);
    if (flow_request_ != MPI_REQUEST_NULL && !finalized) MPI_Wait(&flow_request_, MPI_STATUS_IGNORE);
}

template <class Real>
void DistributedSimulation<Real>::begin_boundary_flow(std::span<const double> w, std::span<const double> e,
                                                      std::span<const double> n, std::span<const double> so) {
    if (flow_request_ != MPI_REQUEST_NULL) throw std::logic_error("begin_boundary_flow: one is still pending");
    const CellRect& r = decomposition_.block(rank_).cells;
    const Grid2D& g = global_grid_;
    faces_mine_.clear();
    if (r.i0 == 0) faces_mine_.insert(faces_mine_.end(), w.begin(), w.begin() + r.ny);
    if (r.i0 + r.nx == g.nx) faces_mine_.insert(faces_mine_.end(), e.begin(), e.begin() + r.ny);
    if (r.j0 == 0) faces_mine_.insert(faces_mine_.end(), n.begin(), n.begin() + r.nx);
    if (r.j0 + r.ny == g.ny) faces_mine_.insert(faces_mine_.end(), so.begin(), so.begin() + r.nx);
    // faces_mine_ and faces_all_ are left alone until finish_boundary_flow.
    check_mpi(MPI_Iallgatherv(faces_mine_.data(), static_cast<int>(faces_mine_.size()), MPI_DOUBLE, faces_all_.data(),
                              face_counts_.data(), face_offsets_.data(), MPI_DOUBLE, comm_, &flow_request_),
              "MPI_Iallgatherv");
}

template <class Real>
std::pair<double, double> DistributedSimulation<Real>::finish_boundary_flow() {
    if (flow_request_ == MPI_REQUEST_NULL) throw std::logic_error("finish_boundary_flow: none is pending");
    check_mpi(MPI_Wait(&flow_request_, MPI_STATUS_IGNORE), "MPI_Wait");
    const Grid2D& g = global_grid_;
    // Back into the global edges, in the order the blocks packed them.
    for (int k = 0; k < decomposition_.parts(); ++k) {
        const CellRect& c = decomposition_.block(k).cells;
        const double* src = faces_all_.data() + face_offsets_[static_cast<std::size_t>(k)];
        const auto place = [&](bool on_edge, std::vector<double>& edge, int first, int count) {
            if (!on_edge) return;
            std::copy(src, src + count, edge.begin() + first);
            src += count;
        };
        place(c.i0 == 0, west_, c.j0, c.ny);
        place(c.i0 + c.nx == g.nx, east_, c.j0, c.ny);
        place(c.j0 == 0, north_, c.i0, c.nx);
        place(c.j0 + c.ny == g.ny, south_, c.i0, c.nx);
    }
    return floodsim::boundary_flow(west_, east_, north_, south_, g.dx, g.dy);
}

template <class Real>
std::vector<std::pair<double, std::int64_t>> DistributedSimulation<Real>::discharge_totals(
    const std::vector<std::vector<double>>& weights, const std::vector<std::int64_t>& cells) {
    const std::vector<BoundaryPart>& mine = discharge_parts_[static_cast<std::size_t>(rank_)];
    if (weights.size() != mine.size() || cells.size() != mine.size())
        throw std::logic_error("discharge_totals: the block's discharge boundaries are not its parts");
    std::vector<double> packed;
    for (std::size_t p = 0; p < mine.size(); ++p) {
        packed.push_back(static_cast<double>(cells[p]));  // exact: counts far below 2^53
        packed.insert(packed.end(), weights[p].begin(), weights[p].end());
    }
    std::vector<double> all(static_cast<std::size_t>(discharge_offsets_.back() + discharge_counts_.back()));
    check_mpi(MPI_Allgatherv(packed.data(), static_cast<int>(packed.size()), MPI_DOUBLE, all.data(),
                             discharge_counts_.data(), discharge_offsets_.data(), MPI_DOUBLE, comm_),
              "MPI_Allgatherv");
    // Every segment whole, in segment order, then summed as the serial run sums it.
    std::vector<std::vector<double>> segment(discharge_segments_.size());
    std::vector<std::int64_t> segment_cells(discharge_segments_.size(), 0);
    for (std::size_t k = 0; k < discharge_segments_.size(); ++k)
        segment[k].assign(static_cast<std::size_t>(discharge_segments_[k].second - discharge_segments_[k].first + 1), 0.0);
    for (std::size_t r = 0; r < discharge_parts_.size(); ++r) {
        const double* src = all.data() + discharge_offsets_[r];
        for (const BoundaryPart& p : discharge_parts_[r]) {
            segment_cells[p.boundary] += static_cast<std::int64_t>(*src++);
            const int n = p.last - p.first + 1;
            std::copy(src, src + n, segment[p.boundary].begin() + (p.first - discharge_segments_[p.boundary].first));
            src += n;
        }
    }
    std::vector<std::pair<double, std::int64_t>> totals;
    for (const BoundaryPart& p : mine) {
        double sum = 0.0;
        for (const double w : segment[p.boundary]) sum += w;
        totals.emplace_back(sum, segment_cells[p.boundary]);
    }
    return totals;
}

template <class Real>
typename DistributedSimulation<Real>::CellProbe DistributedSimulation<Real>::fastest_cell() const {
    const CellProbe mine = sim_->fastest_cell();
    const CellRect& r = decomposition_.block(rank_).cells;
    // Every block's candidate (a block without a wet cell: i = -1); the serial choice among them is
    // the fastest, and among equals the first in row-major order.
    double v[4] = {mine.speed, mine.depth, mine.i < 0 ? -1.0 : static_cast<double>(mine.i + r.i0),
                   static_cast<double>(mine.j + r.j0)};
    std::vector<double> all(4 * static_cast<std::size_t>(decomposition_.parts()));
    check_mpi(MPI_Allgather(v, 4, MPI_DOUBLE, all.data(), 4, MPI_DOUBLE, comm_), "MPI_Allgather");
    CellProbe best;
    for (std::size_t k = 0; k < all.size(); k += 4) {
        if (all[k + 2] < 0.0) continue;
        const CellProbe c{static_cast<int>(all[k + 2]), static_cast<int>(all[k + 3]), all[k + 1], all[k]};
        const bool earlier = best.i < 0 || c.j < best.j || (c.j == best.j && c.i < best.i);
        if (best.i < 0 || c.speed > best.speed || (c.speed == best.speed && earlier)) best = c;
    }
    return best;
}

template <class Real>
typename DistributedSimulation<Real>::CellProbe DistributedSimulation<Real>::first_nonfinite_cell() const {
    const CellProbe mine = sim_->first_nonfinite_cell();
    const CellRect& r = decomposition_.block(rank_).cells;
    double v[3] = {mine.i < 0 ? -1.0 : static_cast<double>(mine.i + r.i0), static_cast<double>(mine.j + r.j0), mine.depth};
    std::vector<double> all(3 * static_cast<std::size_t>(decomposition_.parts()));
    check_mpi(MPI_Allgather(v, 3, MPI_DOUBLE, all.data(), 3, MPI_DOUBLE, comm_), "MPI_Allgather");
    CellProbe first;
    for (std::size_t k = 0; k < all.size(); k += 3) {
        if (all[k] < 0.0) continue;
        const int i = static_cast<int>(all[k]), j = static_cast<int>(all[k + 1]);
        if (first.i < 0 || j < first.j || (j == first.j && i < first.i))
            first = {i, j, all[k + 2], std::numeric_limits<double>::quiet_NaN()};
    }
    return first;
}

template <class Real>
double DistributedSimulation<Real>::supercritical_fraction() const {
    const auto [wetted, super] = sim_->supercritical_cells();
    long long local[2] = {wetted, super}, total[2] = {0, 0};
    check_mpi(MPI_Allreduce(local, total, 2, MPI_LONG_LONG, MPI_SUM, comm_), "MPI_Allreduce");
    return total[0] > 0 ? static_cast<double>(total[1]) / static_cast<double>(total[0]) : 0.0;
}

template <class Real>
template <class T>
void DistributedSimulation<Real>::gather_into(const std::vector<T>& mine, T* out, int root) const {
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
    if (rank_ != root) return;
    const int gnx = decomposition_.global_nx();
    for (int r = 0; r < parts; ++r) {
        const CellRect c = decomposition_.block(r).cells;
        const T* src = packed.data() + offsets[r] / sizeof(T);
        for (int j = 0; j < c.ny; ++j)
            std::memcpy(out + static_cast<std::size_t>(c.j0 + j) * gnx + c.i0, src + static_cast<std::size_t>(j) * c.nx,
                        c.nx * sizeof(T));
    }
}

template <class Real>
void DistributedSimulation<Real>::gather_copy(void (BasicSimulation<Real>::*copy)(float*) const, float* out) const {
    std::vector<float> mine(block_grid_.cells());
    (sim_.get()->*copy)(mine.data());
    gather_into(mine, out, 0);
}

template <class Real>
void DistributedSimulation<Real>::copy_depth(float* out) const { gather_copy(&BasicSimulation<Real>::copy_depth, out); }

template <class Real>
void DistributedSimulation<Real>::copy_velocity(float* vx, float* vy) const {
    std::vector<float> u(block_grid_.cells()), v(block_grid_.cells());
    sim_->copy_velocity(u.data(), v.data());
    gather_into(u, vx, 0);
    gather_into(v, vy, 0);
}

template <class Real>
void DistributedSimulation<Real>::copy_max_depth(float* out) const {
    gather_copy(&BasicSimulation<Real>::copy_max_depth, out);
}

template <class Real>
void DistributedSimulation<Real>::copy_max_speed(float* out) const {
    gather_copy(&BasicSimulation<Real>::copy_max_speed, out);
}

template <class Real>
void DistributedSimulation<Real>::copy_arrival_time(float* out) const {
    gather_copy(&BasicSimulation<Real>::copy_arrival_time, out);
}

namespace {

/// The part of the whole grid's storage (its ghost layers included) that block `c` stands for in
/// a gathered state: its cells and, on the sides where it touches the global grid's edge, the
/// ghost layers beyond it (corners included). The blocks' parts tile the whole storage
/// [-ghost, gnx + ghost) x [-ghost, gny + ghost), so a gathered state holds what the serial run's
/// does, ghosts and all (the inertial scheme's edge faces qx(nx, j) and qy(i, ny) among them).
CellRect storage_part(const CellRect& c, int gnx, int gny, int ghost) {
    const int x0 = c.i0 == 0 ? -ghost : c.i0, x1 = c.i0 + c.nx == gnx ? gnx + ghost : c.i0 + c.nx;
    const int y0 = c.j0 == 0 ? -ghost : c.j0, y1 = c.j0 + c.ny == gny ? gny + ghost : c.j0 + c.ny;
    return {x0, y0, x1 - x0, y1 - y0};
}

/// The block's storage (ghost ring included) cut from a whole grid's field: its cells, its halo
/// (the neighbours' cells) and the whole grid's ghosts beyond the edges it touches.
template <class T>
Field<T> cut_field(const Field<T>& global, const Grid2D& block, const CellRect& r) {
    Field<T> f(block);
    if (global.size() == 0) return Field<T>();
    const int ghost = block.ghost;
    for (int j = -ghost; j < r.ny + ghost; ++j)
        for (int i = -ghost; i < r.nx + ghost; ++i) f(i, j) = global(r.i0 + i, r.j0 + j);
    return f;
}

}  // namespace

template <class Real>
template <class T>
void DistributedSimulation<Real>::gather_storage(const Field<T>& block_field, Field<T>& out, int root) const {
    // Every rank calls this for the same fields: an empty one (a scheme without qx) on all.
    if (block_field.size() == 0) return;
    const int parts = decomposition_.parts();
    const int gnx = global_grid_.nx, gny = global_grid_.ny, ghost = global_grid_.ghost;
    std::vector<int> counts(parts), offsets(parts);
    std::size_t total = 0;
    for (int r = 0; r < parts; ++r) {
        counts[r] = static_cast<int>(storage_part(decomposition_.block(r).cells, gnx, gny, ghost).cells() * sizeof(T));
        offsets[r] = static_cast<int>(total);
        total += static_cast<std::size_t>(counts[r]);
    }
    const CellRect me = decomposition_.block(rank_).cells;
    const CellRect part = storage_part(me, gnx, gny, ghost);
    std::vector<T> mine;
    mine.reserve(part.cells());
    for (int y = part.j0; y < part.j0 + part.ny; ++y)
        for (int x = part.i0; x < part.i0 + part.nx; ++x) mine.push_back(block_field(x - me.i0, y - me.j0));
    std::vector<T> packed(rank_ == root ? total / sizeof(T) : 0);
    check_mpi(MPI_Gatherv(mine.data(), static_cast<int>(mine.size() * sizeof(T)), MPI_BYTE, packed.data(),
                          counts.data(), offsets.data(), MPI_BYTE, root, comm_),
              "MPI_Gatherv");
    if (rank_ != root) return;
    out = Field<T>(global_grid_);
    for (int r = 0; r < parts; ++r) {
        const CellRect p = storage_part(decomposition_.block(r).cells, gnx, gny, ghost);
        const T* src = packed.data() + offsets[r] / sizeof(T);
        for (int y = p.j0; y < p.j0 + p.ny; ++y)
            for (int x = p.i0; x < p.i0 + p.nx; ++x) out(x, y) = *src++;
    }
}

template <class Real>
void DistributedSimulation<Real>::gather_cells(std::span<const std::pair<int, int>> cells, std::span<Real> values) const {
    // Every block sends h, hu, hv of the cells it owns, in the list's order; each block then reads
    // every owner's part in that order (the bits as they are: bytes, not a reduction).
    const int parts = decomposition_.parts();
    std::vector<int> counts(static_cast<std::size_t>(parts), 0), displs(counts.size(), 0);
    std::vector<int> owner(cells.size());
    for (std::size_t k = 0; k < cells.size(); ++k) {
        owner[k] = decomposition_.owner(cells[k].first, cells[k].second);
        counts[static_cast<std::size_t>(owner[k])] += 3 * static_cast<int>(sizeof(Real));
    }
    for (int r = 1; r < parts; ++r) displs[r] = displs[r - 1] + counts[r - 1];
    const CellRect& mine = decomposition_.block(rank_).cells;
    std::vector<Real> send;
    for (std::size_t k = 0; k < cells.size(); ++k) {
        if (owner[k] != rank_) continue;
        const int i = cells[k].first - mine.i0, j = cells[k].second - mine.j0;
        const State<Real>& st = sim_->state();
        send.insert(send.end(), {st.h(i, j), st.hu(i, j), st.hv(i, j)});
    }
    std::vector<Real> all(3 * cells.size());
    check_mpi(MPI_Allgatherv(send.data(), static_cast<int>(send.size() * sizeof(Real)), MPI_BYTE, all.data(),
                             counts.data(), displs.data(), MPI_BYTE, comm_),
              "MPI_Allgatherv");
    std::vector<std::size_t> next(counts.size());
    for (int r = 0; r < parts; ++r) next[r] = static_cast<std::size_t>(displs[r]) / sizeof(Real);
    for (std::size_t k = 0; k < cells.size(); ++k) {
        std::size_t& at = next[static_cast<std::size_t>(owner[k])];
        for (int v = 0; v < 3; ++v) values[3 * k + v] = all[at++];
    }
}

template <class Real>
State<Real> DistributedSimulation<Real>::gather_state(int root) const {
    const State<Real>& mine = sim_->state();
    const bool here = rank_ == root;
    State<Real> g;
    if (here) g.grid = global_grid_;
    gather_storage(mine.h, g.h, root);
    gather_storage(mine.hu, g.hu, root);
    gather_storage(mine.hv, g.hv, root);
    gather_storage(mine.qx, g.qx, root);  // (inertial; empty fields otherwise)
    gather_storage(mine.qy, g.qy, root);
    gather_storage(mine.max_h, g.max_h, root);
    gather_storage(mine.max_speed, g.max_speed, root);
    gather_storage(mine.arrival, g.arrival, root);
    for (const NamedField& f : mine.extra) {
        NamedField whole_field{f.name, Field<double>()};
        gather_storage(f.values, whole_field.values, root);
        if (here) g.extra.push_back(std::move(whole_field));
    }
    // The scalars: identical on every block, or reduced (maxima, sums).
    double maxima[3] = {mine.smax_x, mine.smax_y, mine.inertial_hmax};
    check_mpi(MPI_Allreduce(MPI_IN_PLACE, maxima, 3, MPI_DOUBLE, MPI_MAX, comm_), "MPI_Allreduce");
    double fix = mine.ledger.positivity_fix;
    check_mpi(MPI_Allreduce(MPI_IN_PLACE, &fix, 1, MPI_DOUBLE, MPI_SUM, comm_), "MPI_Allreduce");
    const std::int64_t wet = wet_cells();
    if (!here) return {};
    g.values = mine.values;
    g.ledger = mine.ledger;
    g.ledger.positivity_fix = fix;
    g.t = mine.t;
    g.steps = mine.steps;
    g.smax_x = maxima[0];
    g.smax_y = maxima[1];
    g.inertial_hmax = maxima[2];
    g.wet_cells = wet;
    return g;
}

template <class Real>
void DistributedSimulation<Real>::restore_global_state(const State<Real>& s) {
    const Grid2D& o = s.grid;
    const Grid2D& g = global_grid_;
    if (o.nx != g.nx || o.ny != g.ny || o.dx != g.dx || o.dy != g.dy || o.geotransform != g.geotransform ||
        o.i0 != 0 || o.j0 != 0 || s.h.size() != g.size())
        throw std::invalid_argument("restore_state: the state is on another grid");
    const CellRect r = decomposition_.block(rank_).cells;
    const Grid2D& bg = sim_->grid();
    State<Real> b;
    b.grid = bg;
    b.h = cut_field(s.h, bg, r);
    b.hu = cut_field(s.hu, bg, r);
    b.hv = cut_field(s.hv, bg, r);
    b.qx = cut_field(s.qx, bg, r);
    b.qy = cut_field(s.qy, bg, r);
    b.max_h = cut_field(s.max_h, bg, r);
    b.max_speed = cut_field(s.max_speed, bg, r);
    b.arrival = cut_field(s.arrival, bg, r);
    for (const NamedField& f : s.extra) b.extra.push_back({f.name, cut_field(f.values, bg, r)});
    b.values = s.values;
    b.ledger = s.ledger;  // the whole domain's, as every block books it; the positivity fix on one block only
    b.ledger.positivity_fix = rank_ == 0 ? s.ledger.positivity_fix : 0.0;
    b.t = s.t;
    b.steps = s.steps;
    // The whole grid's maxima: the next step's reduction gives the serial time step from them.
    b.smax_x = s.smax_x;
    b.smax_y = s.smax_y;
    b.inertial_hmax = s.inertial_hmax;
    const double dry = sim_->setup().options.dry_depth;
    for (int j = 0; j < r.ny; ++j)
        for (int i = 0; i < r.nx; ++i) b.wet_cells += sim_->inside(i, j) && b.h(i, j) >= dry ? 1 : 0;
    sim_->restore_state(b);
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
void DistributedSimulation<Real>::fill_corners(std::span<Field<Real>* const> fields) {
    // One message per corner, a few values each (double holds a float exactly).
    const std::size_t nf = fields.size(), n_in = corners_in_.size();
    corner_values_.resize((n_in + corners_out_.size()) * nf);
    std::vector<MPI_Request> requests;
    requests.reserve(n_in + corners_out_.size());
    for (std::size_t k = 0; k < n_in; ++k) {
        const CornerLink& c = corners_in_[k];
        requests.emplace_back();
        check_mpi(MPI_Irecv(corner_values_.data() + k * nf, static_cast<int>(nf), MPI_DOUBLE, c.rank, c.tag, comm_,
                            &requests.back()),
                  "MPI_Irecv");
    }
    for (std::size_t k = 0; k < corners_out_.size(); ++k) {
        const CornerLink& c = corners_out_[k];
        double* v = corner_values_.data() + (n_in + k) * nf;
        for (std::size_t f = 0; f < nf; ++f) v[f] = (*fields[f])(c.i, c.j);
        requests.emplace_back();
        check_mpi(MPI_Isend(v, static_cast<int>(nf), MPI_DOUBLE, c.rank, c.tag, comm_, &requests.back()), "MPI_Isend");
    }
    check_mpi(MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE), "MPI_Waitall");
    for (std::size_t k = 0; k < n_in; ++k)
        for (std::size_t f = 0; f < nf; ++f)
            (*fields[f])(corners_in_[k].i, corners_in_[k].j) = static_cast<Real>(corner_values_[k * nf + f]);
}

template <class Real>
double DistributedSimulation<Real>::volume() const {
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
    std::vector<T> out(rank_ == root ? static_cast<std::size_t>(global_grid_.nx) * global_grid_.ny : 0);
    gather_into(mine, out.data(), root);
    return out;
}

template class DistributedSimulation<double>;
template class DistributedSimulation<float>;
template std::vector<double> DistributedSimulation<double>::gather(const Field<double>&, int) const;
template std::vector<float> DistributedSimulation<double>::gather(const Field<float>&, int) const;
template std::vector<float> DistributedSimulation<float>::gather(const Field<float>&, int) const;
template std::vector<double> DistributedSimulation<float>::gather(const Field<double>&, int) const;

}  // namespace floodsim::parallel
