// Lake at rest with emerged islands, rain on a closed rough basin, rain on a steep plane
// (kinematic-wave equilibrium and rising limb), and bitwise determinism across thread counts.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <vector>

#include "same_state.hpp"
#include "setups.hpp"

namespace floodsim {
namespace {

// A bumpy bed with islands that emerge from a lake at level 1.0 m; nodata cells in a corner.
ModelSetup lake_with_islands(int n, double dx) {
    ModelSetup s = testing::make_setup(n, n, dx);
    const double L = n * dx;
    testing::for_cells(s, [&](double x, double y, std::size_t k) {
        const double xi = x / L, yi = y / L;
        double z = 0.3 * std::sin(6.0 * xi) * std::cos(5.0 * yi) + 0.2;
        z += 1.2 * std::exp(-((xi - 0.3) * (xi - 0.3) + (yi - 0.6) * (yi - 0.6)) / 0.01);  // island
        z += 0.9 * std::exp(-((xi - 0.7) * (xi - 0.7) + (yi - 0.3) * (yi - 0.3)) / 0.004); // island
        if (xi > 0.9 && yi > 0.9) z = std::nan("");  // outside the domain
        s.z[k] = z;
        s.h0[k] = std::isnan(z) ? 0.0 : std::max(0.0, 1.0 - z);
        s.manning[k] = 0.03;
    });
    return s;
}

TEST(LakeAtRest, IslandsStayDryAndWaterStaysStill) {
    ModelSetup s = lake_with_islands(60, 5.0);
    s.options.threads = 2;
    Simulation sim(s);
    int dry0 = 0;
    for (std::size_t k = 0; k < s.h0.size(); ++k) dry0 += (!std::isnan(s.z[k]) && s.h0[k] == 0.0);
    ASSERT_GT(dry0, 10);  // the islands really emerge
    sim.advance_to(600.0);
    const Grid2D& g = sim.grid();
    double dh = 0.0, speed = 0.0;
    int wetted = 0;
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
            if (!sim.inside(i, j)) continue;
            const std::size_t k = static_cast<std::size_t>(j) * g.nx + i;
            dh = std::max(dh, std::abs(sim.h()(i, j) - s.h0[k]));
            const double h = sim.h()(i, j);
            if (h > 0) speed = std::max(speed, std::hypot(sim.hu()(i, j), sim.hv()(i, j)) / h);
            wetted += (s.h0[k] == 0.0 && h > 0.0);
        }
    std::printf("lake at rest 600 s: max |dh| %.3g m, max speed %.3g m/s, dry cells wetted %d\n", dh, speed, wetted);
    EXPECT_LT(dh, 1e-10);
    EXPECT_LT(speed, 1e-10);
    EXPECT_EQ(wetted, 0);
}

TEST(RainOnClosedBasin, StoredEqualsRainedAndBalanceCloses) {
    ModelSetup s = testing::make_setup(40, 40, 10.0);
    testing::for_cells(s, [&](double x, double y, std::size_t k) {
        s.z[k] = 0.02 * std::hypot(x - 200.0, y - 200.0) + 0.5 * std::sin(x / 37.0) * std::cos(y / 23.0);
        s.manning[k] = 0.1;  // rough
    });
    s.rain = TimeSeries({0.0, 600.0, 1200.0}, {100.0 / 3.6e6, 20.0 / 3.6e6, 0.0}, TimeSeries::Mode::Step);
    s.options.threads = 2;
    Simulation sim(s);
    sim.advance_to(1800.0);
    const double rained = (100.0 * 600.0 + 20.0 * 600.0) / 3.6e6 * 400.0 * 400.0;
    const double vol = sim.volume();
    std::printf("closed basin: volume %.6f m3, rained %.6f m3, ledger rain %.6f, error %.3g, fix %.3g\n",
                vol, rained, sim.ledger().rain, sim.ledger().error(vol), sim.ledger().positivity_fix);
    EXPECT_NEAR(vol / rained, 1.0, 1e-6);
    EXPECT_NEAR(sim.ledger().rain / rained, 1.0, 1e-12);
    EXPECT_LT(std::abs(sim.ledger().error(vol)) / rained, 1e-8);
    EXPECT_DOUBLE_EQ(sim.ledger().inflow, 0.0);
    EXPECT_DOUBLE_EQ(sim.ledger().outflow, 0.0);
}

// Rain on a plane of slope S draining through a free east side. Kinematic wave with Manning:
// q = sqrt(S)/n h^(5/3); equilibrium outflow = r L per unit width, reached at
// t_c = (n L / (sqrt(S) r^(2/3)))^(3/5); before t_c the outflow is sqrt(S)/n (r t)^(5/3).
TEST(RainOnSteepPlane, KinematicWaveEquilibriumAndRisingLimb) {
    const double L = 200.0, S = 0.05, n = 0.03, r = 50.0 / 3.6e6, dx = 2.0;
    ModelSetup s = testing::make_setup(static_cast<int>(L / dx), 3, dx);
    testing::for_cells(s, [&](double x, double, std::size_t k) {
        s.z[k] = S * (L - x);
        s.manning[k] = n;
    });
    s.rain = TimeSeries::constant(r);
    s.boundaries.push_back({BoundarySide::East, BoundaryType::Free, {}, 0, -1});
    s.options.threads = 2;
    Simulation sim(s);
    const double tc = std::pow(n * L / (std::sqrt(S) * std::pow(r, 2.0 / 3.0)), 0.6);
    const double width = 3 * dx;
    // Outflow rate per unit width, averaged over windows of 5 s; the rising limb's timing is the
    // time the outflow reaches half of the equilibrium r L (kinematic: t_c 0.5^(3/5)).
    const double window = 5.0;
    double prev_out = 0.0, t50 = -1.0, q_eq = 0.0;
    for (double t = window; t <= 4.0 * tc; t += window) {
        sim.advance_to(t);
        q_eq = (sim.ledger().outflow - prev_out) / window / width;
        prev_out = sim.ledger().outflow;
        if (t50 < 0.0 && q_eq >= 0.5 * r * L) t50 = t - 0.5 * window;
    }
    const double t50_exact = tc * std::pow(0.5, 0.6);
    std::printf("steep plane: t_c %.1f s; half-equilibrium outflow at %.1f s vs kinematic %.1f s; "
                "q_eq %.6g vs rL %.6g\n", tc, t50, t50_exact, q_eq, r * L);
    EXPECT_NEAR(q_eq / (r * L), 1.0, 0.01);
    EXPECT_NEAR(t50 / t50_exact, 1.0, 0.2);
    const double vol = sim.volume();
    EXPECT_LT(std::abs(sim.ledger().error(vol)) / sim.ledger().rain, 1e-8);
}

TEST(Determinism, BitwiseIdenticalForOneAndTwoThreads) {
    auto run = [](int threads) {
        ModelSetup s = lake_with_islands(37, 5.0);
        // Break the lake: a dam-break like perturbation, rain and an inflow.
        testing::for_cells(s, [&](double x, double, std::size_t k) {
            if (!std::isnan(s.z[k]) && x < 60.0) s.h0[k] += 0.5;
        });
        s.rain = TimeSeries::constant(30.0 / 3.6e6);
        s.boundaries.push_back({BoundarySide::East, BoundaryType::Free, {}, 0, -1});
        s.boundaries.push_back({BoundarySide::North, BoundaryType::Discharge, TimeSeries::constant(2.0), 5, 12});
        s.options.threads = threads;
        Simulation sim(s);
        sim.advance_to(120.0);
        return sim;
    };
    const Simulation a = run(1), b = run(2);
    testing::expect_same_state(a, b);
}

}  // namespace
}  // namespace floodsim

namespace floodsim {
namespace {

// Skipping dry chunks must not change a single bit: a spreading flood over several chunks with
// nodata walls, an inflow from a dry start, a shower that stops, and free outflow.
TEST(Determinism, SkippingDryTilesChangesNothing) {
    auto run = [](bool skip, int threads) {
        ModelSetup s = testing::make_setup(200, 90, 5.0);
        testing::for_cells(s, [&](double x, double y, std::size_t k) {
            s.z[k] = 0.002 * x + 0.3 * std::sin(y / 40.0);
            s.manning[k] = 0.03;
            if (x > 400.0 && x < 420.0 && y > 100.0 && y < 300.0) s.z[k] = std::nan("");  // a wall
            if (x < 60.0 && y > 200.0 && y < 300.0) s.h0[k] = 1.5;                        // a reservoir
        });
        s.rain = TimeSeries({0.0, 30.0}, {60.0 / 3.6e6, 0.0}, TimeSeries::Mode::Step);
        s.boundaries.push_back({BoundarySide::South, BoundaryType::Discharge,
                                TimeSeries({0.0, 200.0}, {0.0, 8.0}, TimeSeries::Mode::Linear), 150, 160});
        s.boundaries.push_back({BoundarySide::East, BoundaryType::Free, {}, 0, -1});
        s.options.skip_dry_tiles = skip;
        s.options.threads = threads;
        Simulation sim(s);
        sim.advance_to(400.0);
        return sim;
    };
    const Simulation a = run(false, 1), b = run(true, 2);
    testing::expect_same_state(a, b);
    std::vector<float> ma(a.grid().cells()), mb(b.grid().cells());
    a.copy_arrival_time(ma.data());
    b.copy_arrival_time(mb.data());
    EXPECT_EQ(std::memcmp(ma.data(), mb.data(), ma.size() * sizeof(float)), 0);
    a.copy_max_speed(ma.data());
    b.copy_max_speed(mb.data());
    EXPECT_EQ(std::memcmp(ma.data(), mb.data(), ma.size() * sizeof(float)), 0);
    EXPECT_GT(a.wet_cells(), 500);        // the flood really spread
    EXPECT_LT(a.wet_cells(), 200 * 90);   // ... and did not cover everything
}

}  // namespace
}  // namespace floodsim
