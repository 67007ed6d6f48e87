// The second-order scheme (fv2): dam breaks, Thacker's bowl, lake at rest with islands, rain on a
// closed basin, exact inflow volume, thread determinism and the observed order on a smooth steady
// flow (subcritical flow over a bump) and on a smooth transient (self-convergence).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "analytic.hpp"
#include "same_state.hpp"
#include "dambreak.hpp"
#include "setups.hpp"

namespace floodsim {
namespace {

using testing::dambreak_error;

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
    ModelSetup s = testing::thacker_setup(n, scheme);
    s.options.threads = 1;  // the thread-count check is Fv2Determinism
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


// A bumpy bed with islands that emerge from a lake at level 1.0 m; nodata cells in a corner
// (as the fv1 test).
ModelSetup lake_with_islands(int n, double dx) {
    ModelSetup s = testing::make_setup(n, n, dx, Scheme::Fv2);
    const double L = n * dx;
    testing::for_cells(s, [&](double x, double y, std::size_t k) {
        const double xi = x / L, yi = y / L;
        double z = 0.3 * std::sin(6.0 * xi) * std::cos(5.0 * yi) + 0.2;
        z += 1.2 * std::exp(-((xi - 0.3) * (xi - 0.3) + (yi - 0.6) * (yi - 0.6)) / 0.01);
        z += 0.9 * std::exp(-((xi - 0.7) * (xi - 0.7) + (yi - 0.3) * (yi - 0.3)) / 0.004);
        if (xi > 0.9 && yi > 0.9) z = std::nan("");
        s.z[k] = z;
        s.h0[k] = std::isnan(z) ? 0.0 : std::max(0.0, 1.0 - z);
        s.manning[k] = 0.03;
    });
    return s;
}

TEST(Fv2LakeAtRest, IslandsStayDryAndWaterStaysStill) {
    ModelSetup s = lake_with_islands(60, 5.0);
    s.options.threads = 1;  // the thread-count check is Fv2Determinism
    Simulation sim(s);
    int dry0 = 0;
    for (std::size_t k = 0; k < s.h0.size(); ++k) dry0 += (!std::isnan(s.z[k]) && s.h0[k] == 0.0);
    ASSERT_GT(dry0, 10);
    sim.advance_to(600.0);
    const Grid2D& g = sim.grid();
    double dh = 0.0, speed = 0.0;
    int wetted = 0;
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
            if (!sim.inside(i, j)) continue;
            const std::size_t k = static_cast<std::size_t>(j) * g.nx + i;
            const double h = sim.h()(i, j);
            dh = std::max(dh, std::abs(h - s.h0[k]));
            if (h > 0) speed = std::max(speed, std::hypot(sim.hu()(i, j), sim.hv()(i, j)) / h);
            wetted += (s.h0[k] == 0.0 && h > 0.0);
        }
    std::printf("fv2 lake at rest 600 s (%lld steps): max |dh| %.3g m, max speed %.3g m/s, dry cells wetted %d\n",
                static_cast<long long>(sim.steps()), dh, speed, wetted);
    EXPECT_LT(dh, 1e-10);
    EXPECT_LT(speed, 1e-10);
    EXPECT_EQ(wetted, 0);
}

TEST(Fv2RainOnClosedBasin, StoredEqualsRainedAndBalanceCloses) {
    ModelSetup s = testing::make_setup(40, 40, 10.0, Scheme::Fv2);
    testing::for_cells(s, [&](double x, double y, std::size_t k) {
        s.z[k] = 0.02 * std::hypot(x - 200.0, y - 200.0) + 0.5 * std::sin(x / 37.0) * std::cos(y / 23.0);
        s.manning[k] = 0.1;
    });
    s.rain = TimeSeries({0.0, 600.0, 1200.0}, {100.0 / 3.6e6, 20.0 / 3.6e6, 0.0}, TimeSeries::Mode::Step);
    s.options.threads = 1;  // the thread-count check is Fv2Determinism
    Simulation sim(s);
    sim.advance_to(1800.0);
    const double rained = (100.0 * 600.0 + 20.0 * 600.0) / 3.6e6 * 400.0 * 400.0;
    const double vol = sim.volume();
    std::printf("fv2 closed basin: volume %.6f m3, rained %.6f m3, relative %.3g, ledger error %.3g, fix %.3g\n",
                vol, rained, vol / rained - 1.0, sim.ledger().error(vol), sim.ledger().positivity_fix);
    EXPECT_NEAR(vol / rained, 1.0, 1e-6);
    EXPECT_NEAR(sim.ledger().rain / rained, 1.0, 1e-12);
    EXPECT_LT(std::abs(sim.ledger().error(vol)) / rained, 1e-8);
    EXPECT_DOUBLE_EQ(sim.ledger().inflow, 0.0);
    EXPECT_DOUBLE_EQ(sim.ledger().outflow, 0.0);
}

// A discharge hydrograph into a dry, closed basin: the volume that entered is the hydrograph's
// integral exactly (the booked inflow is the mean of the two stages' imposed fluxes).
TEST(Fv2Inflow, DischargeVolumeIsExactAndBalanceCloses) {
    ModelSetup s = testing::make_setup(40, 20, 5.0, Scheme::Fv2);
    testing::for_cells(s, [&](double x, double y, std::size_t k) {
        s.z[k] = 0.002 * (200.0 - x) + 0.05 * std::sin(y / 13.0);
        s.manning[k] = 0.03;
    });
    s.boundaries.push_back({BoundarySide::West, BoundaryType::Discharge,
                            TimeSeries({0.0, 300.0, 900.0}, {0.0, 10.0, 0.0}, TimeSeries::Mode::Linear), 5, 14});
    s.options.threads = 1;  // the thread-count check is Fv2Determinism
    Simulation sim(s);
    sim.advance_to(1200.0);
    const double expected = 0.5 * 10.0 * 900.0;  // m3, the triangle's area
    const double vol = sim.volume();
    std::printf("fv2 inflow: booked %.9g m3, hydrograph %.9g m3, stored %.9g m3, ledger error %.3g, fix %.3g\n",
                sim.ledger().inflow, expected, vol, sim.ledger().error(vol), sim.ledger().positivity_fix);
    EXPECT_NEAR(sim.ledger().inflow / expected, 1.0, 1e-12);
    EXPECT_NEAR(vol / expected, 1.0, 1e-8);
    EXPECT_LT(std::abs(sim.ledger().error(vol)) / expected, 1e-10);
    EXPECT_DOUBLE_EQ(sim.ledger().outflow, 0.0);
}

TEST(Fv2Determinism, BitwiseIdenticalForOneAndTwoThreads) {
    auto run = [](int threads) {
        ModelSetup s = lake_with_islands(37, 5.0);
        testing::for_cells(s, [&](double x, double, std::size_t k) {
            if (!std::isnan(s.z[k]) && x < 60.0) s.h0[k] += 0.5;
        });
        s.rain = TimeSeries::constant(30.0 / 3.6e6);
        s.boundaries.push_back({BoundarySide::East, BoundaryType::Free, {}, 0, -1});
        s.boundaries.push_back({BoundarySide::North, BoundaryType::Discharge, TimeSeries::constant(2.0), 5, 12});
        s.boundaries.push_back({BoundarySide::South, BoundaryType::Level, TimeSeries::constant(1.1), 3, 9});
        s.options.threads = threads;
        Simulation sim(s);
        sim.advance_to(60.0);
        return sim;
    };
    const Simulation a = run(1), b = run(2);
    testing::expect_same_state(a, b);
    const double vol = a.volume();
    std::printf("fv2 determinism run: ledger error %.3g m3 of %.6g m3\n", a.ledger().error(vol), vol);
    EXPECT_LT(std::abs(a.ledger().error(vol)) / vol, 1e-10);
}

// The fused sweep gives each thread a block of rows and has it compute the faces and donor
// factors just outside its block itself: blocks of one or two rows (more threads than fit), grids
// of one row, walls, a dry front, rain and every boundary kind; double and single precision.
template <class Sim>
Sim thin_grid_run(int nx, int ny, int threads, Precision precision) {
    ModelSetup s = testing::make_setup(nx, ny, 2.0, Scheme::Fv2);
    testing::for_cells(s, [&](double x, double y, std::size_t k) {
        const int i = static_cast<int>(x / 2.0), j = ny - 1 - static_cast<int>(y / 2.0);
        s.z[k] = 0.02 * i + 0.1 * std::sin(0.7 * j + 0.3 * i);
        s.h0[k] = i < nx / 3 ? 1.0 : ((i + j) % 7 == 0 ? 0.002 : 0.0);
        if (i == nx / 2 && j % 3 == 1) s.z[k] = std::nan("");
        s.manning[k] = 0.03;
    });
    s.rain = TimeSeries::constant(40.0 / 3.6e6);
    s.boundaries.push_back({BoundarySide::East, BoundaryType::Free, {}, 0, -1});
    s.boundaries.push_back({BoundarySide::North, BoundaryType::Discharge, TimeSeries::constant(1.0), 1, nx / 2});
    s.boundaries.push_back({BoundarySide::South, BoundaryType::Level, TimeSeries::constant(0.8), 0, -1});
    s.options.threads = threads;
    s.options.precision = precision;
    Sim sim(s);
    sim.advance_to(20.0);
    return sim;
}

template <class Sim>
void expect_bitwise_equal(const Sim& a, const Sim& b) {
    auto same = [](const auto& f, const auto& g) {
        return std::memcmp(f.data(), g.data(), f.size() * sizeof(*f.data())) == 0;
    };
    ASSERT_EQ(a.steps(), b.steps());
    EXPECT_TRUE(same(a.h(), b.h()));
    EXPECT_TRUE(same(a.hu(), b.hu()));
    EXPECT_TRUE(same(a.hv(), b.hv()));
    EXPECT_EQ(a.ledger().inflow, b.ledger().inflow);
    EXPECT_EQ(a.ledger().outflow, b.ledger().outflow);
    EXPECT_EQ(a.ledger().positivity_fix, b.ledger().positivity_fix);
    EXPECT_EQ(a.wet_cells(), b.wet_cells());
}

TEST(Fv2Determinism, BitwiseIdenticalForBlocksOfOneOrTwoRows) {
    for (const auto& [nx, ny] : {std::pair{17, 1}, std::pair{17, 3}, std::pair{13, 5}, std::pair{9, 16}}) {
        SCOPED_TRACE(std::to_string(nx) + " x " + std::to_string(ny));
        const Simulation a = thin_grid_run<Simulation>(nx, ny, 1, Precision::Double);
        const SimulationSingle af = thin_grid_run<SimulationSingle>(nx, ny, 1, Precision::Single);
        EXPECT_LT(std::abs(a.ledger().error(a.volume())) / a.volume(), 1e-12);
        for (int threads : {2, 3, 5}) {
            SCOPED_TRACE(threads);
            expect_bitwise_equal(a, thin_grid_run<Simulation>(nx, ny, threads, Precision::Double));
            expect_bitwise_equal(af, thin_grid_run<SimulationSingle>(nx, ny, threads, Precision::Single));
        }
    }
}

// Subcritical flow over a bump (SWASHES 3.1.1: 25 m reach, z = 0.2 - 0.05 (x - 10)^2 on 8 < x < 12,
// q = 4.42 m2/s, h = 2 m downstream), frictionless, run to steady state. Exact depth from
// Bernoulli: q^2 / (2 g h^2) + h + z = q^2 / (2 g h_out^2) + h_out.
double bump_depth(double x) {
    const double q = 4.42, hout = 2.0, g = analytic::g;
    const double z = (x > 8.0 && x < 12.0) ? 0.2 - 0.05 * (x - 10.0) * (x - 10.0) : 0.0;
    const double energy = q * q / (2.0 * g * hout * hout) + hout;
    double h = hout;
    for (int k = 0; k < 100; ++k) {  // Newton on the subcritical branch
        const double f = q * q / (2.0 * g * h * h) + h + z - energy;
        const double df = 1.0 - q * q / (g * h * h * h);
        h -= f / df;
    }
    return h;
}

double bump_error(int nx, Scheme scheme, double t_end) {
    const double L = 25.0, dx = L / nx;
    ModelSetup s = testing::make_setup(nx, 1, dx, scheme);
    testing::for_cells(s, [&](double x, double, std::size_t k) {
        s.z[k] = (x > 8.0 && x < 12.0) ? 0.2 - 0.05 * (x - 10.0) * (x - 10.0) : 0.0;
        s.h0[k] = 2.0 - s.z[k];
    });
    s.boundaries.push_back({BoundarySide::West, BoundaryType::Discharge, TimeSeries::constant(4.42 * dx), 0, -1});
    s.boundaries.push_back({BoundarySide::East, BoundaryType::Level, TimeSeries::constant(2.0), 0, -1});
    Simulation sim(s);
    sim.advance_to(t_end);
    return testing::relative_l1_depth(sim, [](double x, double) { return bump_depth(x); });
}

TEST(Fv2Order, SteadySubcriticalFlowOverBump) {
    const int n[3] = {50, 100, 200};
    double e[3];
    for (int k = 0; k < 3; ++k) e[k] = bump_error(n[k], Scheme::Fv2, 300.0);
    const double p1 = std::log2(e[0] / e[1]), p2 = std::log2(e[1] / e[2]);
    std::printf("fv2 bump steady state, relative L1 depth: %d cells %.3e, %d %.3e, %d %.3e; orders %.2f %.2f\n",
                n[0], e[0], n[1], e[1], n[2], e[2], p1, p2);
    const double f1 = bump_error(n[1], Scheme::Fv1, 300.0), f2 = bump_error(n[2], Scheme::Fv1, 300.0);
    std::printf("fv1 for comparison: %d %.3e, %d %.3e; order %.2f\n", n[1], f1, n[2], f2, std::log2(f1 / f2));
    EXPECT_GT(p2, 1.6);
    EXPECT_LT(e[2], f2);
}


// Rain on a plane of slope S draining through a free east side (as the fv1 test): friction inside
// each stage keeps the kinematic-wave equilibrium q = r L; the rising limb's timing within 20 %.
TEST(Fv2RainOnSteepPlane, KinematicWaveEquilibriumAndRisingLimb) {
    const double L = 200.0, S = 0.05, n = 0.03, r = 50.0 / 3.6e6, dx = 2.0;
    ModelSetup s = testing::make_setup(static_cast<int>(L / dx), 3, dx, Scheme::Fv2);
    testing::for_cells(s, [&](double x, double, std::size_t k) {
        s.z[k] = S * (L - x);
        s.manning[k] = n;
    });
    s.rain = TimeSeries::constant(r);
    s.boundaries.push_back({BoundarySide::East, BoundaryType::Free, {}, 0, -1});
    Simulation sim(s);
    const double tc = std::pow(n * L / (std::sqrt(S) * std::pow(r, 2.0 / 3.0)), 0.6);
    const double width = 3 * dx, window = 5.0;
    double prev_out = 0.0, t50 = -1.0, q_eq = 0.0;
    for (double t = window; t <= 4.0 * tc; t += window) {
        sim.advance_to(t);
        q_eq = (sim.ledger().outflow - prev_out) / window / width;
        prev_out = sim.ledger().outflow;
        if (t50 < 0.0 && q_eq >= 0.5 * r * L) t50 = t - 0.5 * window;
    }
    const double t50_exact = tc * std::pow(0.5, 0.6);
    std::printf("fv2 steep plane: half-equilibrium outflow at %.1f s vs kinematic %.1f s; q_eq / rL - 1 = %.3g\n",
                t50, t50_exact, q_eq / (r * L) - 1.0);
    EXPECT_NEAR(q_eq / (r * L), 1.0, 0.01);
    EXPECT_NEAR(t50 / t50_exact, 1.0, 0.2);
    const double vol = sim.volume();
    EXPECT_LT(std::abs(sim.ledger().error(vol)) / sim.ledger().rain, 1e-8);
}

}  // namespace
}  // namespace floodsim
