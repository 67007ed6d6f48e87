#pragma once
// DistributedSimulation: one rank's block of a simulation decomposed over an MPI communicator
// (docs/parallel.md). Every rank builds it from the same global ModelSetup; each steps its own
// block (BasicSimulation with SubdomainLinks: halo exchange and global time step set here), and
// the blocks' cells are, bit for bit, the serial run's cells for any number of ranks.
//
// What works so far: fv1, fv2 and inertial (double and single precision), uniform rain, closed,
// free, level, normal-depth and critical boundaries (on the ranks whose blocks touch them),
// discharge boundaries (a segment across blocks too), gauges, nodata cells, blocks of nodata only.
// The constructor throws std::invalid_argument for the rest (see BasicSimulation's subdomain
// constructor). What is exchanged: fv1 the state at width 1 each step; fv2 before each of its two
// stages the state at width 2, the global boundary's ghosts diagonal to the blocks' corners
// (fill_corners) and the donor factors of the cells along the block edges at width 1; inertial the
// cells at width 1, its face discharges at width 2 and its donor factors at width 1 (a second
// exchange within the step); the bed and friction once, at the scheme's width (docs/parallel.md,
// "Halo widths", "fv2 on blocks", "inertial on one block per rank").
#include <mpi.h>

#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "mesh/field.hpp"
#include "parallel/decomposition.hpp"
#include "parallel/halo_exchange.hpp"
#include "parallel/ordered_sum.hpp"
#include "solver/mass_ledger.hpp"
#include "solver/model.hpp"
#include "solver/simulation.hpp"

namespace floodsim::parallel {

/// The domain mask of a setup (z not NaN), for Decomposition.
std::vector<std::uint8_t> domain_mask(const ModelSetup& global);

/// The part of a global boundary's segment along block `rank` (boundary_parts): the boundary's
/// index in the global setup, the part's first and last cell along the side (global indices), and
/// where the block starts along that side.
struct BoundaryPart {
    std::size_t boundary = 0;
    int first = 0, last = 0;
    int block_first = 0;
};

/// Every boundary part along block `rank`, in the order of the global setup's boundaries (the
/// block's setup keeps them in this order). No MPI.
std::vector<BoundaryPart> boundary_parts(const ModelSetup& global, const Decomposition& decomposition, int rank);

/// The columns every block of `global`'s decomposition must start at a multiple of: 8 with the
/// surface sinks (their ledger sums groups of 8 cells), else 1.
int column_align(const ModelSetup& global);

/// The setup of block `rank`: per-cell inputs cut to the block, its grid the block's
/// (Decomposition::block_grid), the boundaries on the global edges it touches with their segments
/// in the block's indices, the gauges in the block in its indices, the processes' per-cell
/// parameters, rain grids and a hot start's fields cut to the block. Everything else is copied.
/// No MPI.
ModelSetup block_setup(const ModelSetup& global, const Decomposition& decomposition, int rank);

template <class Real>
class DistributedSimulation {
public:
    /// Collective over `comm`: every rank passes the same `global` setup. The grid is decomposed
    /// into one block per rank by its domain cells.
    DistributedSimulation(const ModelSetup& global, MPI_Comm comm);
    DistributedSimulation(const DistributedSimulation&) = delete;  // the links point at this object
    DistributedSimulation& operator=(const DistributedSimulation&) = delete;
    /// Waits for the last step's boundary flow if no one read the ledger after it (call it before
    /// MPI is finalised; after, it leaves the request alone).
    ~DistributedSimulation();

    const Decomposition& decomposition() const { return decomposition_; }
    int rank() const { return rank_; }
    /// This rank's block (its grid, fields and local indices).
    const BasicSimulation<Real>& block() const { return *sim_; }

    /// Collective: one step of every block (the serial run's step). Returns dt (s).
    double step(double t_limit) { return sim_->step(t_limit); }
    /// Collective: steps until time() == t_target.
    void advance_to(double t_target) { sim_->advance_to(t_target); }
    /// Continues this rank's block from a state of a block built from the same global setup on
    /// the same number of ranks (BasicSimulation::restore_state); every rank restores its own
    /// before the next step.
    void restore_state(const State<Real>& s) { sim_->restore_state(s); }

    /// Collective: the whole grid's State on `root` (empty on the others), as a serial run of the
    /// same setup would hold it, for a checkpoint: the blocks' cells, monitors and per-cell
    /// source fields gathered; time, steps and the ledger (every block's; the positivity fix
    /// summed over the blocks, see docs/parallel.md); the wave speeds and the deepest cell their
    /// maxima, the wet cells their sum. The fields' whole storage is gathered, ghost layers
    /// included (the inertial scheme's face discharges on the grid's east and south edges lie
    /// there).
    State<Real> gather_state(int root = 0) const;
    /// Continues from a whole grid's State (gather_state's, or a serial run's of the same setup),
    /// on any number of ranks: each rank cuts its block from it (every rank passes the same one)
    /// and restores that. Throws std::invalid_argument when it is of another grid.
    void restore_global_state(const State<Real>& global);
    double time() const { return sim_->time(); }
    std::int64_t steps() const { return sim_->steps(); }

    /// Wall-clock seconds this rank spent in the halo exchanges (packing, messages, waiting for
    /// the neighbours) and in the time step's reduction (waiting for the slowest rank) so far:
    /// the communication's share of a step is (exchange + reduction) / the step's time.
    double exchange_seconds() const { return exchange_s_; }
    double reduction_seconds() const { return reduction_s_; }

    /// Collective: water in the whole domain, m3, bitwise the serial volume() (OrderedSum).
    double volume() const;
    /// Collective: gauge k of the global setup, read by the rank that owns its cell (bitwise the
    /// serial gauge(k)).
    GaugeReading gauge(std::size_t k) const;
    /// Collective: wet cells of the whole domain.
    std::int64_t wet_cells() const;
    /// Collective: a field of the block (on block().grid()) gathered to `root` as the whole grid's
    /// interior, nx*ny values row-major (row 0 north); empty on the other ranks.
    /// T: Real (h, hu, hv) or float (the monitors).
    template <class T>
    std::vector<T> gather(const Field<T>& field, int root = 0) const;

    // --- The serial simulation's interface on the whole grid, for the engine's run
    // (engine/run.cpp drives a DistributedSimulation like a BasicSimulation). Every rank calls the
    // collective ones in the same order; the copies land on rank 0 only.
    using real_type = Real;
    using CellProbe = typename BasicSimulation<Real>::CellProbe;
    /// The whole grid (the block's is block().grid()).
    const Grid2D& grid() const { return global_grid_; }
    /// The block's setup: the options and the block's own inputs.
    const ModelSetup& setup() const { return sim_->setup(); }
    int threads() const { return sim_->threads(); }
    void set_threads(int threads) { sim_->set_threads(threads); }
    std::int64_t domain_cells() const { return domain_cells_; }
    bool inside(int i, int j) const { return mask_[static_cast<std::size_t>(j) * global_grid_.nx + i] != 0; }
    /// Collective: h, hu, hv of a few cells (global indices; 3 values per cell) from the blocks
    /// that own them, the same bits on every rank (SubdomainLinks::gather_cells; online warnings).
    void gather_cells(std::span<const std::pair<int, int>> cells, std::span<Real> values) const;
    /// The global stable time step of the last step (every block computed the same).
    double stable_dt() const { return sim_->stable_dt(); }
    /// The whole domain's volume0, rain, inflow and outflow (the serial run's bits); the
    /// positivity fix is this block's only.
    const MassLedger& ledger() const { return sim_->ledger(); }
    /// Collective: the serial fastest_cell() (the fastest cell, the first in row-major order
    /// among equals), global indices, on every rank.
    CellProbe fastest_cell() const;
    /// Collective: the serial first_nonfinite_cell(), global indices, on every rank.
    CellProbe first_nonfinite_cell() const;
    /// Collective: the serial supercritical_fraction() (counts summed over the blocks).
    double supercritical_fraction() const;
    /// Collective: the serial copy_*() of the whole grid into `out` (nx*ny) on rank 0; the other
    /// ranks' pointers are not touched (may be null).
    void copy_depth(float* out) const;
    void copy_velocity(float* vx, float* vy) const;
    void copy_max_depth(float* out) const;
    void copy_max_speed(float* out) const;
    void copy_arrival_time(float* out) const;

private:
    /// Collective: this block's interior values (row-major on the block) placed into the whole
    /// grid's `out` on `root`.
    template <class T>
    void gather_into(const std::vector<T>& mine, T* out, int root) const;
    /// Collective: one of the block's serial copy_*() outputs gathered into `out` on rank 0.
    void gather_copy(void (BasicSimulation<Real>::*copy)(float*) const, float* out) const;
    /// Collective: a field of the block gathered to `root` as the whole grid's storage, ghost
    /// layers included (each block gives its cells and the ghosts beyond the global edges it
    /// touches); an empty field stays empty.
    template <class T>
    void gather_storage(const Field<T>& block_field, Field<T>& out, int root) const;
    /// Collective: the whole segments' totals of the discharge boundaries
    /// (SubdomainLinks::discharge_totals).
    std::vector<std::pair<double, std::int64_t>> discharge_totals(const std::vector<std::vector<double>>& weights,
                                                                  const std::vector<std::int64_t>& cells);
    /// Collective: the global boundary faces' inflow and outflow (SubdomainLinks::begin_boundary_flow,
    /// finish_boundary_flow): the block's faces gathered to every rank without blocking, then
    /// summed in the serial order.
    void begin_boundary_flow(std::span<const double> west, std::span<const double> east, std::span<const double> north,
                             std::span<const double> south);
    std::pair<double, double> finish_boundary_flow();

    HaloExchange& exchange_for(std::span<Field<Real>* const> fields, int width);
    /// Collective: SubdomainLinks::fill_corners.
    void fill_corners(std::span<Field<Real>* const> fields);

    MPI_Comm comm_;
    int rank_ = 0;
    Grid2D global_grid_;
    std::vector<std::uint8_t> mask_;  // the domain (domain_mask)
    std::int64_t domain_cells_ = 0;
    Decomposition decomposition_;
    Grid2D block_grid_;
    // boundary_flow: each rank's count and offset of boundary face values (west, east rows, then
    // north, south columns of the global edges its block touches), and the gathered buffers.
    std::vector<int> face_counts_, face_offsets_;
    std::vector<double> faces_mine_, faces_all_, west_, east_, north_, south_;
    MPI_Request flow_request_ = MPI_REQUEST_NULL;  // the gather of faces_mine_ into faces_all_ in flight
    // discharge_totals: per rank its parts of discharge boundaries (in setup order), what each
    // rank sends (per part: its domain cells, then its weights), and the global segments.
    std::vector<std::vector<BoundaryPart>> discharge_parts_;
    std::vector<int> discharge_counts_, discharge_offsets_;
    std::vector<std::pair<int, int>> discharge_segments_;  // per global boundary: first, last (discharge only)
    // One exchange per set of fields (state; bed and friction), built on first use.
    std::vector<std::pair<std::vector<const void*>, std::unique_ptr<HaloExchange>>> exchanges_;
    HaloExchange* pending_halo_ = nullptr;  // begun by SubdomainLinks::begin_halo, not yet finished
    std::vector<std::pair<int, int>> gauges_;  // per global gauge: owner rank, index among its gauges
    // fill_corners: the corner ghosts this rank receives and those of its boundary ghosts it sends
    // (the other rank, the cell in this block's indices, the message's tag), and their values.
    struct CornerLink {
        int rank, i, j, tag;
    };
    std::vector<CornerLink> corners_in_, corners_out_;
    std::vector<double> corner_values_;
    std::unique_ptr<OrderedSum> sum_;
    double exchange_s_ = 0.0, reduction_s_ = 0.0;
    std::unique_ptr<BasicSimulation<Real>> sim_;  // last: its constructor exchanges halos
};

extern template class DistributedSimulation<double>;
extern template class DistributedSimulation<float>;

}  // namespace floodsim::parallel
