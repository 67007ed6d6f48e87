// The scaling model (parallel/scaling_model.hpp) on cases computed by hand, so that the tables in
// docs/parallel.md ("Scaling model") cannot drift from what the model says.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "parallel/decomposition.hpp"
#include "parallel/scaling_model.hpp"

using namespace floodsim::parallel;

namespace {

// Round numbers, so that every term below can be checked on paper.
MachineModel round_machine() {
    MachineModel m;
    m.cell_rate = 1e6;  // cells per second per core
    m.threads = 2;
    m.latency = 1e-6;   // s
    m.bandwidth = 1e9;  // bytes per second
    m.steps_per_sample = 10;
    return m;
}

}  // namespace

TEST(ScalingModel, SchemesExchangeWhatTheSolverReads) {
    // fv1: h, hu, hv at width 1; fv2: width 3 per stage (2 stages); inertial: h, qx, qy at width 2.
    const SchemeCost fv1 = fv1_cost(), fv2 = fv2_cost(), inertial = inertial_cost();
    ASSERT_EQ(fv1.exchanges.size(), 1u);
    EXPECT_EQ(fv1.exchanges[0].width, 1);
    EXPECT_EQ(fv1.exchanges[0].bytes_per_cell, 24);
    ASSERT_EQ(fv2.exchanges.size(), 2u);
    for (const ExchangeSpec& e : fv2.exchanges) {
        EXPECT_EQ(e.width, 3);
        EXPECT_EQ(e.bytes_per_cell, 24);
    }
    ASSERT_EQ(inertial.exchanges.size(), 1u);
    EXPECT_EQ(inertial.exchanges[0].width, 2);
    EXPECT_EQ(inertial.exchanges[0].bytes_per_cell, 24);
    // The variants exchanging the limiters' donor factors (one double, width 1) instead.
    ASSERT_EQ(fv2_factor_exchange_cost().exchanges.size(), 4u);
    EXPECT_EQ(fv2_factor_exchange_cost().exchanges[1].bytes_per_cell, 8);
    ASSERT_EQ(inertial_factor_exchange_cost().exchanges.size(), 2u);
    EXPECT_EQ(inertial_factor_exchange_cost().exchanges[0].width, 1);
}

TEST(ScalingModel, Log2Ceil) {
    EXPECT_EQ(log2_ceil(1), 0);
    EXPECT_EQ(log2_ceil(2), 1);
    EXPECT_EQ(log2_ceil(3), 2);
    EXPECT_EQ(log2_ceil(4), 2);
    EXPECT_EQ(log2_ceil(256), 8);
    EXPECT_EQ(log2_ceil(257), 9);
    EXPECT_THROW(log2_ceil(0), std::invalid_argument);
}

// 100 x 100, every cell in the domain, 4 ranks: 2 x 2 blocks of 50 x 50. Each block's halo of
// width w holds w x 50 cells of the block beside it, 50 x w of the one below (or above) and w x w
// of the diagonal one: 101 cells at width 1, 204 at 2, 309 at 3, in 3 messages.
TEST(ScalingModel, TwoByTwoSplitByHand) {
    const Decomposition d(100, 100, {}, 4);
    ASSERT_EQ(d.px(), 2);
    ASSERT_EQ(d.py(), 2);
    const MachineModel m = round_machine();

    const ExchangeCost w1 = exchange_cost(d, {1, 24}, m);
    EXPECT_EQ(w1.max_messages, 3);
    EXPECT_EQ(w1.max_halo_cells, 101);
    EXPECT_DOUBLE_EQ(w1.max_bytes, 101 * 24);               // 2424 B
    EXPECT_NEAR(w1.seconds, 3 * 1e-6 + 2424 / 1e9, 1e-15);  // 5.424 us
    EXPECT_EQ(exchange_cost(d, {2, 24}, m).max_halo_cells, 204);
    EXPECT_EQ(exchange_cost(d, {3, 24}, m).max_halo_cells, 309);
    EXPECT_DOUBLE_EQ(exchange_cost(d, {3, 24}, m).max_bytes, 309 * 24);  // 7416 B

    // An ordered sum with 400 more doubles: 1 chained message of 50 row sums (1 us + 400 B), then
    // an allgather over 4 ranks (2 latencies) of 100 row sums and the 400: 500 doubles, 3/4 of
    // them received: 3000 B.
    EXPECT_NEAR(ordered_sum_cost(d, 1, 400, m), (1e-6 + 400 / 1e9) + (2e-6 + 3000 / 1e9), 1e-15);  // 6.4 us
    // The step's ledger: 2 (100 + 100) boundary faces gathered over 4 ranks: 2 latencies, 3/4 of
    // 3200 B received.
    EXPECT_NEAR(ledger_gather_cost(d, m), 2e-6 + 2400 / 1e9, 1e-15);  // 4.4 us
    // The volume: 100 row sums only: 1.4 us + 2 us + 600 B.
    EXPECT_NEAR(ordered_sum_cost(d, 1, 0, m), 1.4e-6 + 2e-6 + 600 / 1e9, 1e-15);  // 4.0 us

    const Prediction p = predict(d, fv1_cost(), m);
    EXPECT_EQ(p.max_cells, 2500);
    EXPECT_DOUBLE_EQ(p.imbalance, 1.0);
    EXPECT_NEAR(p.compute_s, 2500 / (1e6 * 2), 1e-15);  // 1.25 ms
    EXPECT_NEAR(p.halo_s, 5.424e-6, 1e-15);
    EXPECT_NEAR(p.dt_reduce_s, 2e-6, 1e-15);  // log2 4 latencies
    EXPECT_EQ(p.ledger_s, 0.0);  // it travels during the next step
    EXPECT_NEAR(p.volume_s, 0.4e-6, 1e-15);  // 4.0 us every 10 steps
    // the exchange (5.424 us) travels during the time step's allreduce (2 us)
    EXPECT_NEAR(p.step_s, 1.25e-3 + 5.424e-6 + 0.4e-6, 1e-15);
    EXPECT_NEAR(p.step_overlap_s, 1.25e-3 + 2e-6 + 0.4e-6, 1e-15);  // the halo hidden

    // One rank: 10000 cells, no communication; efficiency = T(1) / (4 T(4)).
    const Prediction one = predict(Decomposition(100, 100, {}, 1), fv1_cost(), m);
    EXPECT_NEAR(one.step_s, 5e-3, 1e-15);
    EXPECT_EQ(one.halo_s, 0.0);
    EXPECT_EQ(one.reduce_s(), 0.0);
    EXPECT_EQ(one.step_overlap_s, one.step_s);
    EXPECT_NEAR(efficiency(one.step_s, 4, p.step_s), 5e-3 / (4 * 1.255824e-3), 1e-12);  // 0.99540

    // The ledger's gather waited for at the end of each step (floodsim before stop 35).
    MachineModel blocking = m;
    blocking.ledger_blocking = true;
    const Prediction q = predict(d, fv1_cost(), blocking);
    EXPECT_NEAR(q.ledger_s, 4.4e-6, 1e-15);
    EXPECT_NEAR(q.step_s, p.step_s + 4.4e-6, 1e-15);
}

// fv2: two exchanges of width 3, each overlapped with half of the compute; when the network is
// the slower part, the exchanges show in full.
TEST(ScalingModel, OverlapPerStageAndLatencyBound) {
    const Decomposition d(100, 100, {}, 4);
    MachineModel m = round_machine();
    const double x3 = 3e-6 + 7416 / 1e9;  // one width-3 exchange: 10.416 us
    Prediction p = predict(d, fv2_cost(), m);
    EXPECT_NEAR(p.halo_s, 2 * x3, 1e-15);
    EXPECT_NEAR(p.step_s, 1.25e-3 + 2 * x3 + p.ledger_s + p.volume_s, 1e-15);  // the time step's 2 us under x3
    EXPECT_NEAR(p.step_overlap_s, 1.25e-3 + p.reduce_s(), 1e-15);
    // A core a million times faster: compute 1.25 ns per step, the exchanges cannot be hidden.
    m.cell_rate = 1e12;
    p = predict(d, fv2_cost(), m);
    EXPECT_NEAR(p.step_overlap_s, 2 * x3 + p.reduce_s(), 1e-15);
    EXPECT_NEAR(p.step_s, 1.25e-9 + 2 * x3 + p.ledger_s + p.volume_s, 1e-15);
}

// Three strips of 30 rows on 90 x 90: the middle rank has two neighbours and twice the halo, and
// the model takes the slowest rank.
TEST(ScalingModel, SlowestRankCounts) {
    const Decomposition d(90, 90, {}, 3);
    ASSERT_EQ(d.px(), 1);
    ASSERT_EQ(d.py(), 3);
    const MachineModel m = round_machine();
    const ExchangeCost c = exchange_cost(d, {1, 24}, m);
    EXPECT_EQ(c.max_messages, 2);
    EXPECT_EQ(c.max_halo_cells, 180);
    EXPECT_NEAR(c.seconds, 2e-6 + 180 * 24 / 1e9, 1e-15);
    // No chain along a strip of one block; the allgather takes log2 3 -> 2 latencies.
    EXPECT_NEAR(ordered_sum_cost(d, 1, 0, m), 2e-6 + 90 * 8 * 2.0 / 3.0 / 1e9, 1e-15);
}

// Balance by domain cells: half the grid nodata, the load of the fullest rank sets the compute.
TEST(ScalingModel, ComputeFollowsDomainCellsNotTheBox) {
    std::vector<std::uint8_t> mask(100 * 100, 0);
    for (int j = 0; j < 100; ++j)
        for (int i = 0; i < 50; ++i) mask[static_cast<std::size_t>(j) * 100 + i] = 1;  // west half
    const Decomposition d(100, 100, mask, 2);
    const Prediction p = predict(d, inertial_cost(), round_machine());
    EXPECT_EQ(p.max_cells, 2500);
    EXPECT_NEAR(p.compute_s, 2500 / 2e6, 1e-15);
    EXPECT_THROW(predict(d, inertial_cost(), MachineModel{0.0}), std::invalid_argument);
}
