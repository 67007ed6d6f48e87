// The second-order scheme (fv2): dam breaks, Thacker's bowl, lake at rest with islands, rain on a
// closed basin, exact inflow volume, thread determinism and the observed order on a smooth steady
// flow (subcritical flow over a bump) and on a smooth transient (self-convergence).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "analytic.hpp"
#include "setups.hpp"

namespace floodsim {
namespace {

double dambreak_error(double hr, double dx, Scheme scheme) {
    const double length = 2000.0, x0 = 1000.0, hl = 10.0, t_end = 40.0;
    ModelSetup s = testing::make_setup(static_cast<int>(std::lround(length / dx)), 1, dx, scheme);
    testing::for_cells(s, [&](double x, double, std::size_t k) { s.h0[k] = x < x0 ? hl : hr; });
    Simulation sim(s);
    sim.advance_to(t_end);
    return testing::relative_l1_depth(sim, [&](double x, double) {
        return hr > 0.0 ? analytic::stoker(x, t_end, x0, hl, hr).h : analytic::ritter(x, t_end, x0, hl).h;
    });
}

// The outside checks' setting: 2 km reach, dam at 1000 m, hl = 10 m, 1 m cells, t = 40 s.
TEST(Fv2DamBreak, RitterDryBedAt1m) {
    const double err = dambreak_error(0.0, 1.0, Scheme::Fv2);
    std::printf("Ritter fv2 dx=1 m t=40 s: relative L1 depth error %.5f (limit 0.004)\n", err);
    EXPECT_LT(err, 0.004);
}

TEST(Fv2DamBreak, StokerWetBedAt1m) {
    const double err = dambreak_error(2.0, 1.0, Scheme::Fv2);
    std::printf("Stoker fv2 dx=1 m t=40 s: relative L1 depth error %.5f (limit 0.003)\n", err);
    EXPECT_LT(err, 0.003);
}

double thacker_error(int n, Scheme scheme) {
    const analytic::Thacker2D th;
    ModelSetup s = testing::make_setup(n, n, 4.0 / n, scheme);
    s.options.threads = 2;
    testing::for_cells(s, [&](double x, double y, std::size_t k) {
        s.z[k] = th.z(x, y);
        s.h0[k] = th.h(x, y, 0.0);
        s.u0[k] = th.u(0.0);
        s.v0[k] = th.v(0.0);
    });
    Simulation sim(s);
    const double t_end = 0.5 * th.period();
    sim.advance_to(t_end);
    return testing::relative_l1_depth(sim, [&](double x, double y) { return th.h(x, y, t_end); });
}

TEST(Fv2Thacker2D, PlanarHalfPeriodAt200) {
    const double err = thacker_error(200, Scheme::Fv2);
    std::printf("Thacker planar fv2 200x200 t=P/2: relative L1 depth error %.4f (limit 0.04)\n", err);
    EXPECT_LT(err, 0.04);
}

}  // namespace
}  // namespace floodsim
