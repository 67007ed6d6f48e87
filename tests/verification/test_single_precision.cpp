// Single precision (solver.precision = "single"): the state in float, time and the mass ledger in
// double. What it costs in accuracy on the verification cases, measured against the same runs in
// double and against the analytic solutions, and what must not change: well-balancing (also high
// above sea level, where the bed is kept relative to the lowest cell), the mass balance, and
// bitwise determinism across thread counts. docs/performance.md records the numbers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "analytic.hpp"
#include "dambreak.hpp"
#include "same_state.hpp"
#include "setups.hpp"

namespace floodsim {
namespace {

TEST(SinglePrecision, DamBreaksAsAccurateAsDouble) {
    for (Scheme scheme : {Scheme::Fv1, Scheme::Fv2}) {
        for (double hr : {0.0, 2.0}) {
            const double ed = testing::dambreak_error<Simulation>(hr, 1.0, scheme);
            const double ef = testing::dambreak_error<SimulationSingle>(hr, 1.0, scheme);
            std::printf("%s %s 1 m, 40 s: relative L1 double %.5f, single %.5f\n",
                        scheme == Scheme::Fv1 ? "fv1" : "fv2", hr > 0 ? "Stoker" : "Ritter", ed, ef);
            // The discretisation error (1e-3) dwarfs float round-off (1e-7 relative).
            EXPECT_LT(std::abs(ef - ed), 2e-4);
            EXPECT_LT(ef, scheme == Scheme::Fv1 ? 0.008 : 0.003);
        }
    }
}

template <class Sim>
double thacker_error(int n, Scheme scheme) {
    const analytic::Thacker2D th;
    ModelSetup s = testing::thacker_setup(n, scheme);
    s.options.threads = 2;
    Sim sim(s);
    sim.advance_to(0.5 * th.period());
    return testing::relative_l1_depth(sim, [&](double x, double y) { return th.h(x, y, 0.5 * th.period()); });
}

TEST(SinglePrecision, ThackerMovingShoreline) {
    const double ed = thacker_error<Simulation>(100, Scheme::Fv1);
    const double ef = thacker_error<SimulationSingle>(100, Scheme::Fv1);
    std::printf("Thacker planar fv1 100x100 t=P/2: relative L1 double %.5f, single %.5f\n", ed, ef);
    EXPECT_LT(std::abs(ef - ed), 0.005);
    EXPECT_LT(ef, 0.15);  // double: 0.133 at 100 x 100 (0.072 at 200 x 200, test_thacker.cpp)
}

// The lake with islands of test_lake_rain, lifted by `lift` metres (a DEM in metres above sea
// level). Returns the largest depth change and speed after 300 s.
template <class Sim>
std::pair<double, double> lake_drift(double lift, Scheme scheme) {
    const int n = 60;
    const double dx = 5.0, L = n * dx;
    ModelSetup s = testing::make_setup(n, n, dx, scheme);
    testing::for_cells(s, [&](double x, double y, std::size_t k) {
        const double xi = x / L, yi = y / L;
        double z = 0.3 * std::sin(6.0 * xi) * std::cos(5.0 * yi) + 0.2;
        z += 1.2 * std::exp(-((xi - 0.3) * (xi - 0.3) + (yi - 0.6) * (yi - 0.6)) / 0.01);
        if (xi > 0.9 && yi > 0.9) z = std::nan("");
        s.z[k] = std::isnan(z) ? z : z + lift;
        s.h0[k] = std::isnan(z) ? 0.0 : std::max(0.0, 1.0 - z);
        s.manning[k] = 0.03;
    });
    s.options.threads = 2;
    Sim sim(s);
    sim.advance_to(300.0);
    const Grid2D& g = sim.grid();
    double dh = 0.0, speed = 0.0;
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
            if (!sim.inside(i, j)) continue;
            const std::size_t k = static_cast<std::size_t>(j) * g.nx + i;
            const double h = sim.h()(i, j);
            dh = std::max(dh, std::abs(h - s.h0[k]));
            if (h > 0.01) speed = std::max(speed, std::hypot<double>(sim.hu()(i, j), sim.hv()(i, j)) / h);
        }
    return {dh, speed};
}

TEST(SinglePrecision, LakeAtRestStaysAtRestAlsoHighAboveSeaLevel) {
    for (Scheme scheme : {Scheme::Fv1, Scheme::Fv2, Scheme::Inertial}) {
        for (double lift : {0.0, 1500.0}) {
            const auto [dh, speed] = lake_drift<SimulationSingle>(lift, scheme);
            std::printf("single, scheme %d, lake at %.0f m: max |dh| %.3g m, max speed %.3g m/s\n",
                        static_cast<int>(scheme), lift + 1.0, dh, speed);
            // The initial depths themselves are rounded to float (1 m: 6e-8 m).
            EXPECT_LT(dh, 1e-6);
            EXPECT_LT(speed, 1e-5);
        }
    }
}

TEST(SinglePrecision, MassBalanceClosesToFloatRoundOff) {
    for (Scheme scheme : {Scheme::Fv1, Scheme::Fv2, Scheme::Inertial}) {
        ModelSetup s = testing::make_setup(40, 40, 10.0, scheme);
        testing::for_cells(s, [&](double x, double y, std::size_t k) {
            s.z[k] = 300.0 + 0.02 * std::hypot(x - 200.0, y - 200.0) + 0.5 * std::sin(x / 37.0) * std::cos(y / 23.0);
            s.manning[k] = 0.1;
        });
        s.rain = TimeSeries({0.0, 600.0, 1200.0}, {100.0 / 3.6e6, 20.0 / 3.6e6, 0.0}, TimeSeries::Mode::Step);
        s.options.threads = 2;
        SimulationSingle sim(s);
        sim.advance_to(1800.0);
        const double rained = (100.0 * 600.0 + 20.0 * 600.0) / 3.6e6 * 400.0 * 400.0;
        const double vol = sim.volume();
        const double rel = std::abs(sim.ledger().error(vol)) / rained;
        std::printf("single, scheme %d, closed basin: stored / rained %.8f, ledger error %.3g relative\n",
                    static_cast<int>(scheme), vol / rained, rel);
        EXPECT_NEAR(sim.ledger().rain / rained, 1.0, 1e-12);  // the ledger itself is double
        EXPECT_LT(rel, 1e-5);
    }
}

TEST(SinglePrecision, BitwiseIdenticalForOneAndTwoThreads) {
    for (Scheme scheme : {Scheme::Fv1, Scheme::Fv2, Scheme::Inertial}) {
        auto run = [&](int threads) {
            ModelSetup s = testing::make_setup(70, 50, 5.0, scheme);
            testing::for_cells(s, [&](double x, double y, std::size_t k) {
                s.z[k] = 100.0 + 0.01 * x + 0.3 * std::sin(y / 20.0);
                s.manning[k] = 0.04;
                s.h0[k] = x < 80.0 ? 1.0 : 0.0;
            });
            s.rain = TimeSeries::constant(50.0 / 3.6e6);
            s.boundaries.push_back({BoundarySide::East, BoundaryType::Free, {}, 0, -1});
            s.options.threads = threads;
            SimulationSingle sim(s);
            sim.advance_to(120.0);
            return sim;
        };
        const SimulationSingle a = run(1), b = run(2);
        testing::expect_same_state(a, b);
    }
}

// A rained-on catchment (the whole-run benchmark's kind, small): the flood maps of the two
// precisions agree to well within what a hydrologist reads off them.
TEST(SinglePrecision, RainedCatchmentDepthsAgreeWithDouble) {
    for (Scheme scheme : {Scheme::Fv1, Scheme::Inertial}) {
        ModelSetup s = testing::make_setup(80, 80, 10.0, scheme);
        testing::for_cells(s, [&](double x, double y, std::size_t k) {
            // a valley draining east, 200 m above sea level, with a channel along its axis
            s.z[k] = 200.0 + 0.004 * (800.0 - x) + 0.01 * std::abs(y - 400.0) +
                     (std::abs(y - 400.0) < 15.0 ? -0.5 : 0.0) + 0.2 * std::sin(x / 31.0) * std::cos(y / 17.0);
            s.manning[k] = 0.05;
        });
        s.rain = TimeSeries::constant(100.0 / 3.6e6);
        s.boundaries.push_back({BoundarySide::East, BoundaryType::Free, {}, 0, -1});
        s.options.threads = 2;
        Simulation d(s);
        SimulationSingle f(s);
        d.advance_to(1800.0);
        f.advance_to(1800.0);
        std::vector<double> diff;
        double hmax = 0.0;
        const Grid2D& g = d.grid();
        for (int j = 0; j < g.ny; ++j)
            for (int i = 0; i < g.nx; ++i) {
                diff.push_back(std::abs(d.h()(i, j) - static_cast<double>(f.h()(i, j))));
                hmax = std::max(hmax, d.h()(i, j));
            }
        std::sort(diff.begin(), diff.end());
        const double p99 = diff[diff.size() * 99 / 100], worst = diff.back();
        std::printf("scheme %d, 30 min of 100 mm/h: max depth %.3f m, |single - double| p99 %.3g m, max %.3g m\n",
                    static_cast<int>(scheme), hmax, p99, worst);
        EXPECT_GT(hmax, 0.2);  // a real flood in the channel
        EXPECT_LT(p99, 1e-3);
        EXPECT_LT(worst, 1e-2);
    }
}

}  // namespace
}  // namespace floodsim
