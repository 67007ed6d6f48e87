// Ritter and Stoker dam breaks (1D, run as a strip of cells between closed walls).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "analytic.hpp"
#include "setups.hpp"

namespace floodsim {
namespace {

struct DamBreakCase {
    double length, x0, hl, hr, t_end, dx;
};

double run_dambreak(const DamBreakCase& c, Scheme scheme, int threads = 1) {
    const int nx = static_cast<int>(std::lround(c.length / c.dx));
    ModelSetup s = testing::make_setup(nx, 1, c.dx, scheme);
    s.options.threads = threads;
    testing::for_cells(s, [&](double x, double, std::size_t k) { s.h0[k] = x < c.x0 ? c.hl : c.hr; });
    Simulation sim(s);
    sim.advance_to(c.t_end);
    return testing::relative_l1_depth(sim, [&](double x, double) {
        return c.hr > 0.0 ? analytic::stoker(x, c.t_end, c.x0, c.hl, c.hr).h
                          : analytic::ritter(x, c.t_end, c.x0, c.hl).h;
    });
}

// The outside checks' setting: 1 m cells, t = 40 s. A 10 m deep reservoir on a 2 km reach.
TEST(DamBreak, RitterDryBedFv1At1m) {
    const double err = run_dambreak({2000.0, 1000.0, 10.0, 0.0, 40.0, 1.0}, Scheme::Fv1);
    std::printf("Ritter fv1 dx=1 m t=40 s: relative L1 depth error %.5f\n", err);
    EXPECT_LT(err, 0.01);
}

TEST(DamBreak, StokerWetBedFv1At1m) {
    const double err = run_dambreak({2000.0, 1000.0, 10.0, 2.0, 40.0, 1.0}, Scheme::Fv1);
    std::printf("Stoker fv1 dx=1 m t=40 s: relative L1 depth error %.5f\n", err);
    EXPECT_LT(err, 0.008);
}

// SWASHES' laboratory-scale cases (hl = 5 mm, L = 10 m, t = 6 s) at 1000 cells.
TEST(DamBreak, SwashesScaleCases) {
    const double e_r = run_dambreak({10.0, 5.0, 0.005, 0.0, 6.0, 0.01}, Scheme::Fv1);
    const double e_s = run_dambreak({10.0, 5.0, 0.005, 0.001, 6.0, 0.01}, Scheme::Fv1);
    std::printf("SWASHES Ritter %.5f, Stoker %.5f\n", e_r, e_s);
    EXPECT_LT(e_r, 0.02);
    EXPECT_LT(e_s, 0.02);
}

// First-order convergence in L1 on the wet-bed case.
TEST(DamBreak, StokerConvergesAtFirstOrder) {
    const double e1 = run_dambreak({2000.0, 1000.0, 10.0, 2.0, 40.0, 4.0}, Scheme::Fv1);
    const double e2 = run_dambreak({2000.0, 1000.0, 10.0, 2.0, 40.0, 2.0}, Scheme::Fv1);
    const double e3 = run_dambreak({2000.0, 1000.0, 10.0, 2.0, 40.0, 1.0}, Scheme::Fv1);
    const double p1 = std::log2(e1 / e2), p2 = std::log2(e2 / e3);
    std::printf("Stoker L1: %.5f %.5f %.5f, orders %.2f %.2f\n", e1, e2, e3, p1, p2);
    EXPECT_GT(p2, 0.6);  // discontinuous solution: L1 order tends to 1 for a first-order scheme
    EXPECT_LT(e3, e2);
}

}  // namespace
}  // namespace floodsim
