#pragma once
// DistributedSimulation: one rank's block of a simulation decomposed over an MPI communicator
// (docs/parallel.md). Every rank builds it from the same global ModelSetup; each steps its own
// block (BasicSimulation with SubdomainLinks: halo exchange and global time step set here), and
// the blocks' cells are, bit for bit, the serial run's cells for any number of ranks.
//
// What works so far: fv1 and inertial (double and single precision), uniform rain, closed, free,
// level, normal-depth and critical boundaries (on the ranks whose blocks touch them), discharge
// boundaries whose segment lies in one block, gauges, nodata cells, blocks of nodata only. The
// constructor throws std::invalid_argument for the rest (see BasicSimulation's subdomain
// constructor). Halo widths: the cells 1; inertial's face discharges 2 and its donor factors 1, a
// second exchange within the step (docs/parallel.md, "inertial on one block per rank").
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
#include "solver/model.hpp"
#include "solver/simulation.hpp"

namespace floodsim::parallel {

/// The domain mask of a setup (z not NaN), for Decomposition.
std::vector<std::uint8_t> domain_mask(const ModelSetup& global);

/// The setup of block `rank`: per-cell inputs cut to the block, its grid the block's
/// (Decomposition::block_grid), the boundaries on the global edges it touches with their segments
/// in the block's indices, the gauges in the block in its indices. Everything else is copied. Throws
/// std::invalid_argument for a discharge boundary whose segment crosses blocks (its share of the discharge per face is
/// computed over the whole segment). No MPI.
ModelSetup block_setup(const ModelSetup& global, const Decomposition& decomposition, int rank);

template <class Real>
class DistributedSimulation {
public:
    /// Collective over `comm`: every rank passes the same `global` setup. The grid is decomposed
    /// into one block per rank by its domain cells.
    DistributedSimulation(const ModelSetup& global, MPI_Comm comm);
    DistributedSimulation(const DistributedSimulation&) = delete;  // the links point at this object
    DistributedSimulation& operator=(const DistributedSimulation&) = delete;

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
    /// before the next step. Resuming on another rank count is not supported yet.
    void restore_state(const State<Real>& s) { sim_->restore_state(s); }
    double time() const { return sim_->time(); }
    std::int64_t steps() const { return sim_->steps(); }

    /// Wall-clock seconds this rank spent in the halo exchanges (packing, messages, waiting for
    /// the neighbours) and in the time step's reduction (waiting for the slowest rank) so far:
    /// the communication's share of a step is (exchange + reduction) / the step's time.
    double exchange_seconds() const { return exchange_s_; }
    double reduction_seconds() const { return reduction_s_; }

    /// Collective: water in the whole domain, m3, bitwise the serial volume() (OrderedSum).
    double volume();
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

private:
    HaloExchange& exchange_for(std::span<Field<Real>* const> fields, int width);

    MPI_Comm comm_;
    int rank_ = 0;
    Decomposition decomposition_;
    Grid2D block_grid_;
    // One exchange per set of fields (state; bed and friction), built on first use.
    std::vector<std::pair<std::vector<const void*>, std::unique_ptr<HaloExchange>>> exchanges_;
    std::vector<std::pair<int, int>> gauges_;  // per global gauge: owner rank, index among its gauges
    std::unique_ptr<OrderedSum> sum_;
    double exchange_s_ = 0.0, reduction_s_ = 0.0;
    std::unique_ptr<BasicSimulation<Real>> sim_;  // last: its constructor exchanges halos
};

extern template class DistributedSimulation<double>;
extern template class DistributedSimulation<float>;

}  // namespace floodsim::parallel
