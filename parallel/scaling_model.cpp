#include "parallel/scaling_model.hpp"

#include <algorithm>
#include <stdexcept>

namespace floodsim::parallel {

namespace {

// h, hu, hv or h, qx, qy in double.
constexpr int kStateBytes = 3 * 8;
// One double: a limiter's donor factor.
constexpr int kFactorBytes = 8;

}  // namespace

SchemeCost fv1_cost() { return {"fv1", {{1, kStateBytes}}}; }

SchemeCost fv2_cost() { return {"fv2", {{3, kStateBytes}, {3, kStateBytes}}}; }

SchemeCost inertial_cost() { return {"inertial", {{2, kStateBytes}}}; }

SchemeCost fv2_factor_exchange_cost() {
    return {"fv2-factors", {{2, kStateBytes}, {1, kFactorBytes}, {2, kStateBytes}, {1, kFactorBytes}}};
}

SchemeCost inertial_factor_exchange_cost() { return {"inertial-factors", {{1, kStateBytes}, {1, kFactorBytes}}}; }

int log2_ceil(int p) {
    if (p < 1) throw std::invalid_argument("log2_ceil: need p >= 1");
    int k = 0;
    while ((1 << k) < p) ++k;
    return k;
}

ExchangeCost exchange_cost(const Decomposition& d, const ExchangeSpec& spec, const MachineModel& m) {
    ExchangeCost worst;
    worst.width = spec.width;
    for (int r = 0; r < d.parts(); ++r) {
        // What r receives (its halo) and what it sends (its cells in the others' halos): the
        // same neighbours, but not the same cell counts when blocks differ in size.
        std::int64_t recv = 0, send = 0;
        const auto sources = d.halo_sources(r, spec.width);
        for (const HaloOverlap& o : sources) recv += static_cast<std::int64_t>(o.cells.cells());
        for (const HaloOverlap& o : d.halo_targets(r, spec.width)) send += static_cast<std::int64_t>(o.cells.cells());
        const int messages = static_cast<int>(sources.size());
        // Sends and receives travel at the same time on a full-duplex link: the larger counts.
        const double bytes = static_cast<double>(std::max(recv, send)) * spec.bytes_per_cell;
        const double seconds = messages * m.latency + bytes / m.bandwidth;
        worst.max_messages = std::max(worst.max_messages, messages);
        worst.max_halo_cells = std::max(worst.max_halo_cells, recv);
        worst.max_bytes = std::max(worst.max_bytes, bytes);
        worst.seconds = std::max(worst.seconds, seconds);
    }
    return worst;
}

double ordered_sum_cost(const Decomposition& d, int values, std::int64_t extra_doubles, const MachineModel& m) {
    const int p = d.parts();
    if (p == 1) return 0.0;
    // The chain: each block of a strip waits for its west neighbour's row sums (the strips run at
    // the same time, so the tallest strip sets the pace).
    int rows = 0;
    for (int s = 0; s < d.py(); ++s) rows = std::max(rows, d.row_cuts()[s + 1] - d.row_cuts()[s]);
    const double chain = (d.px() - 1) * (m.latency + static_cast<double>(rows) * values * 8 / m.bandwidth);
    // The allgather (recursive doubling): log2 P latencies, and every rank receives all but its own part.
    const double bytes = (static_cast<double>(d.global_ny()) * values + static_cast<double>(extra_doubles)) * 8;
    const double gather = log2_ceil(p) * m.latency + bytes * (p - 1) / p / m.bandwidth;
    return chain + gather;
}

double ledger_gather_cost(const Decomposition& d, const MachineModel& m) {
    const int p = d.parts();
    if (p == 1) return 0.0;
    const double bytes = 2.0 * (static_cast<double>(d.global_nx()) + d.global_ny()) * 8;
    return log2_ceil(p) * m.latency + bytes * (p - 1) / p / m.bandwidth;
}

Prediction predict(const Decomposition& d, const SchemeCost& s, const MachineModel& m) {
    if (m.cell_rate <= 0 || m.threads < 1 || m.latency < 0 || m.bandwidth <= 0 || m.steps_per_sample < 1)
        throw std::invalid_argument("scaling model: bad machine parameters");
    if (s.exchanges.empty()) throw std::invalid_argument("scaling model: a scheme exchanges at least once per step");
    Prediction p;
    p.parts = d.parts();
    p.px = d.px();
    p.py = d.py();
    p.max_cells = d.max_load();
    p.mean_cells = d.mean_load();
    p.imbalance = d.imbalance();
    p.compute_s = static_cast<double>(p.max_cells) / (m.cell_rate * m.threads);
    const bool alone = d.parts() == 1;  // one rank: nothing to exchange or reduce
    for (const ExchangeSpec& e : s.exchanges) {
        ExchangeCost c = alone ? ExchangeCost{e.width, 0, 0, 0, 0} : exchange_cost(d, e, m);
        p.halo_s += c.seconds;
        p.exchanges.push_back(c);
    }
    if (!alone) {
        p.dt_reduce_s = log2_ceil(d.parts()) * m.latency;
        // The step's ledger: the four boundaries' face discharges, gathered so that every rank adds
        // them in the serial order (the positivity fix is each block's own: not summed per step).
        if (m.ledger_blocking) p.ledger_s = ledger_gather_cost(d, m);
        p.volume_s = ordered_sum_cost(d, 1, 0, m) / m.steps_per_sample;
    }
    // As floodsim steps now: the step's first exchange travels while the time step is reduced
    // (fill_ghosts begins it, the sweep waits for it), so the longer of the two counts.
    const double first = p.exchanges.front().seconds;
    p.step_s = p.compute_s + std::max(first, p.dt_reduce_s) + (p.halo_s - first) + p.ledger_s + p.volume_s;
    const double share = p.compute_s / static_cast<double>(s.exchanges.size());
    p.step_overlap_s = p.reduce_s();
    for (const ExchangeCost& c : p.exchanges) p.step_overlap_s += std::max(share, c.seconds);
    return p;
}

}  // namespace floodsim::parallel
