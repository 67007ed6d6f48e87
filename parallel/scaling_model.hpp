#pragma once
// A performance model of distributed runs (docs/parallel.md, "Scaling model"). No MPI here: it
// takes floodsim's real Decomposition and counts what each rank would compute and exchange per
// time step, then prices that with a per-core cell-update rate and a network's latency and
// bandwidth (a latency-bandwidth, "alpha-beta", model). It predicts; it measures nothing.
//
// Time of one step, for the slowest rank (every step ends in a global reduction, so the slowest
// rank sets the pace):
//   compute  C = max domain cells per rank / (cell-update rate per core x threads per rank)
//   halo     X_e = max over ranks of (neighbours x latency + max(bytes sent, bytes received) / bandwidth)
//            for each exchange e of the step (fv2: one per stage)
//   reduce   R = latency x ceil(log2 P)                               (the time step: one allreduce)
//              + the step's ledger: the boundary faces' discharges (2 (nx + ny) doubles) gathered
//                by every rank; off the critical path (it travels during the next step:
//                SubdomainLinks::begin_boundary_flow) unless MachineModel::ledger_blocking
//              + ordered sum of the volume / steps per sample
//   now:         T = C + max(X_1, R_dt) + sum_{e>1} X_e + (R - R_dt)   (the step's first exchange
//                travels during the time step's allreduce R_dt: SubdomainLinks::begin_halo)
//   overlap:     T = sum_e max(C / E, X_e) + R   (each exchange hidden behind its share of the
//                interior work; E = number of exchanges per step)
//   efficiency(P) = T(1) / (P x T(P)), T(1) from the same model with one rank (no communication).
#include <cstdint>
#include <string>
#include <vector>

#include "parallel/decomposition.hpp"

namespace floodsim::parallel {

/// One halo exchange of a time step: how many cell layers, and how many bytes each halo cell
/// carries (all fields of the exchange packed in one message per neighbour, as HaloExchange does).
struct ExchangeSpec {
    int width = 1;
    int bytes_per_cell = 24;
};

/// What one time step of a scheme exchanges and reduces.
struct SchemeCost {
    std::string name;
    std::vector<ExchangeSpec> exchanges;  ///< in the order of the step
};

/// The schemes as floodsim's solver reads across a block edge (docs/parallel.md, "Scaling model").
/// fv1: h, hu, hv (double) at width 1, once per step.
SchemeCost fv1_cost();
/// fv2: h, hu, hv at width 3 once per stage (two stages): the faces read 2 cells each side and
/// the positivity limiter reads the donor factor of the neighbour cell, which needs one more.
SchemeCost fv2_cost();
/// inertial: h, qx, qy at width 2 once per step: the face discharges read 1 cell each side and
/// the outflow limiter reads the donor factor of the neighbour cell, which needs one more.
SchemeCost inertial_cost();
/// The alternatives: the limiters' donor factors exchanged (one double, width 1) instead of
/// recomputed in the halo: fv2 h, hu, hv at width 2 then the factors, per stage; inertial h, qx,
/// qy at width 1 then the factors. Fewer bytes, twice the latencies.
SchemeCost fv2_factor_exchange_cost();
SchemeCost inertial_factor_exchange_cost();

/// The machine and the run: SI units.
struct MachineModel {
    double cell_rate = 50e6;     ///< cell updates per second per core (one thread)
    int threads = 1;             ///< OpenMP threads per rank, assumed to scale linearly
    double latency = 1.5e-6;     ///< seconds per message (one way, small message)
    double bandwidth = 12e9;     ///< bytes per second per rank (one link, each direction)
    int steps_per_sample = 100;  ///< steps between volume samples (the volume's ordered sum)
    /// The step's ledger gather waited for at the end of the step, as floodsim did before the
    /// non-blocking gather (stop 35). false (floodsim now): it travels during the next step and is
    /// assumed hidden there, not counted.
    bool ledger_blocking = false;
};

/// One exchange: each figure is the largest over the ranks (not necessarily all of the same rank);
/// `seconds` is the slowest rank's, the one that holds the others up.
struct ExchangeCost {
    int width = 1;
    int max_messages = 0;             ///< most neighbours of any rank (messages sent per exchange)
    std::int64_t max_halo_cells = 0;  ///< most halo cells any rank receives (nodata included)
    double max_bytes = 0;             ///< most bytes any rank sends or receives
    double seconds = 0;               ///< the slowest rank's messages x latency + bytes / bandwidth
};

struct Prediction {
    int parts = 1, px = 1, py = 1;
    std::int64_t max_cells = 0;  ///< most domain cells of a rank
    double mean_cells = 0;
    double imbalance = 1;                 ///< max / mean
    std::vector<ExchangeCost> exchanges;  ///< one per exchange of the step
    double compute_s = 0;                 ///< C
    double halo_s = 0;                    ///< sum of the exchanges' seconds
    double dt_reduce_s = 0;               ///< the time step's allreduce
    double ledger_s = 0;                  ///< the step's ledger gather (0 unless ledger_blocking)
    double volume_s = 0;                  ///< the volume's ordered sum per step (amortised over a sample)
    double step_s = 0;                    ///< T as floodsim steps now (first exchange || time step)
    double step_overlap_s = 0;            ///< T with the exchanges overlapped by interior work
    double reduce_s() const { return dt_reduce_s + ledger_s + volume_s; }
};

/// Latency steps of a tree reduction or recursive-doubling allgather over p ranks: ceil(log2 p).
int log2_ceil(int p);

/// The cost of one exchange of `spec` over decomposition `d` with network `m`.
ExchangeCost exchange_cost(const Decomposition& d, const ExchangeSpec& spec, const MachineModel& m);

/// The cost of OrderedSum of `values` quantities per row with `extra_doubles` more doubles
/// gathered (the boundary faces): (px - 1) chained messages of the tallest strip's rows along a
/// strip, then an allgather of ny x values + extra_doubles doubles to every rank.
double ordered_sum_cost(const Decomposition& d, int values, std::int64_t extra_doubles, const MachineModel& m);

/// The step's ledger: an allgather (recursive doubling) of the global grid's boundary faces,
/// 2 (nx + ny) doubles, of which every rank receives all but its own part.
double ledger_gather_cost(const Decomposition& d, const MachineModel& m);

/// The whole prediction of one step of scheme `s` on decomposition `d`.
Prediction predict(const Decomposition& d, const SchemeCost& s, const MachineModel& m);

/// T(1) / (P x T(P)) for steps of one rank (t1) and of P ranks.
inline double efficiency(double t1, int parts, double tp) { return t1 / (parts * tp); }

}  // namespace floodsim::parallel
