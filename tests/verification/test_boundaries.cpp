// Boundary conditions: a breach hydrograph onto a dry flat plain (exact inflow volume, symmetric
// spreading), a level boundary filling a basin to its level, free outflow draining a reach.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "setups.hpp"

namespace floodsim {
namespace {

TEST(Breach, HydrographVolumeEntersExactlyAndSpreadsSymmetrically) {
    // 400 m x 200 m dry plain at 5 m, n = 0.05; 20 m breach in the middle of the west side;
    // triangular hydrograph 0 -> 20 m3/s at 10 min -> 0 at 30 min (linear between points).
    ModelSetup s = testing::make_setup(80, 40, 5.0);
    for (double& n : s.manning) n = 0.05;
    BoundarySpec b{BoundarySide::West, BoundaryType::Discharge,
                   TimeSeries({0.0, 600.0, 1800.0}, {0.0, 20.0, 0.0}, TimeSeries::Mode::Linear), 18, 21};
    s.boundaries.push_back(b);
    s.options.threads = 2;
    Simulation sim(s);
    sim.advance_to(300.0);
    // After 5 minutes the front has travelled some 50 m from the breach but not across the plain.
    EXPECT_GT(sim.h()(10, 20), 0.01);
    EXPECT_EQ(sim.h()(79, 0), 0.0);
    sim.advance_to(2400.0);
    const double expected = 0.5 * 1800.0 * 20.0;
    const double vol = sim.volume();
    std::printf("breach: inflow %.6f m3 (hydrograph %.1f), volume %.6f, error %.3g\n", sim.ledger().inflow,
                expected, vol, sim.ledger().error(vol));
    EXPECT_NEAR(sim.ledger().inflow / expected, 1.0, 1e-12);
    EXPECT_NEAR(vol / expected, 1.0, 1e-10);
    EXPECT_DOUBLE_EQ(sim.ledger().outflow, 0.0);
    // Mirror symmetry about the breach axis (rows 19 | 20).
    double asym = 0.0, hmax = 0.0;
    for (int j = 0; j < 20; ++j)
        for (int i = 0; i < 80; ++i) {
            asym = std::max(asym, std::abs(sim.h()(i, j) - sim.h()(i, 39 - j)));
            hmax = std::max(hmax, sim.h()(i, j));
        }
    EXPECT_LT(asym, 1e-9 * hmax);
}

TEST(LevelBoundary, FillsABasinToTheLevel) {
    ModelSetup s = testing::make_setup(30, 10, 10.0);
    testing::for_cells(s, [&](double x, double, std::size_t k) {
        s.z[k] = 0.002 * x;
        s.manning[k] = 0.03;
    });
    s.boundaries.push_back({BoundarySide::West, BoundaryType::Level, TimeSeries::constant(1.0), 0, -1});
    Simulation sim(s);
    sim.advance_to(7200.0);
    double worst = 0.0;
    for (int j = 0; j < 10; ++j)
        for (int i = 0; i < 30; ++i) worst = std::max(worst, std::abs(sim.h()(i, j) + sim.z()(i, j) - 1.0));
    const double vol = sim.volume();
    std::printf("level boundary: max |eta - 1| %.3g m, inflow %.3f m3, volume %.3f m3\n", worst, sim.ledger().inflow, vol);
    EXPECT_LT(worst, 5e-3);  // what is left of the filling seiche after 2 h
    EXPECT_LT(std::abs(sim.ledger().error(vol)), 1e-9 * vol);
}

TEST(FreeBoundary, DrainsAReachAndBooksTheOutflow) {
    ModelSetup s = testing::make_setup(50, 4, 10.0);
    testing::for_cells(s, [&](double x, double, std::size_t k) {
        s.z[k] = 0.01 * (500.0 - x);
        s.h0[k] = 0.5;
        s.manning[k] = 0.03;
    });
    s.boundaries.push_back({BoundarySide::East, BoundaryType::Free, {}, 0, -1});
    Simulation sim(s);
    const double v0 = sim.volume();
    sim.advance_to(3600.0);
    const double vol = sim.volume();
    std::printf("free boundary: volume %.1f -> %.3f m3, outflow %.3f m3\n", v0, vol, sim.ledger().outflow);
    EXPECT_LT(vol, 0.05 * v0);
    EXPECT_LT(std::abs(sim.ledger().error(vol)), 1e-9 * v0);
}

}  // namespace
}  // namespace floodsim
