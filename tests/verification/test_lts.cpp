// fv1 with local time stepping (solver/sweep_fv1_lts.cpp, docs/local-time-stepping.md): the dam
// breaks against their analytic solutions and against the global step, its first-order
// convergence, a lake at rest across chunks of different levels, Thacker's moving shoreline, rain
// on a plane above a lake, levels in a checkerboard, the mass balance with rain, boundaries and an
// inflow, and results independent of the thread count.
#include <gtest/gtest.h>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "analytic.hpp"
#include "same_state.hpp"
#include "setups.hpp"

namespace floodsim {
namespace {

struct DamBreakRun {
    double error;       ///< relative L1 depth error against the analytic solution
    double updates;     ///< cell updates done
    double global;      ///< cell updates of the global step's count of steps
};

// A dam break along x (one row of cells between walls): 2 km, dam at 1000 m, 10 m upstream,
// hr downstream, t = 40 s. The rows are cut into level chunks (kLtsChunk cells): the still water downstream, and a dry bed
// (Ritter), take longer steps than the waves.
DamBreakRun dambreak(double hr, double dx, int levels, int threads = 1) {
    const double length = 2000.0, x0 = 1000.0, hl = 10.0, t_end = 40.0;
    ModelSetup s = testing::make_setup(static_cast<int>(std::lround(length / dx)), 1, dx);
    testing::for_cells(s, [&](double x, double, std::size_t k) { s.h0[k] = x < x0 ? hl : hr; });
    s.options.lts_levels = levels;
    s.options.threads = threads;
    Simulation sim(s);
    sim.advance_to(t_end);
    const double err = testing::relative_l1_depth(sim, [&](double x, double) {
        return hr > 0.0 ? analytic::stoker(x, t_end, x0, hl, hr).h : analytic::ritter(x, t_end, x0, hl).h;
    });
    const double cells = static_cast<double>(sim.domain_cells());
    const double updates = levels > 0 ? static_cast<double>(sim.lts_cell_updates()) : sim.steps() * cells;
    return {err, updates, sim.steps() * cells};
}

TEST(LocalTimeStepping, DamBreaksMatchTheAnalyticSolutionsAsTheGlobalStepDoes) {
    for (const double hr : {0.0, 0.1, 0.5}) {
        const DamBreakRun g = dambreak(hr, 1.0, 0), l = dambreak(hr, 1.0, 3);
        std::printf("dam break hr %.1f m at 1 m: L1 error global %.5f, local %.5f; cell updates %.3g vs %.3g (%.2fx fewer)\n",
                    hr, g.error, l.error, g.updates, l.updates, l.global / l.updates);
        EXPECT_LT(l.error, 1.1 * g.error + 5e-4) << "hr " << hr;
        EXPECT_LT(l.error, 0.012) << "hr " << hr;
        EXPECT_LT(l.updates, 0.9 * l.global) << "the levels did not differ, hr " << hr;
    }
}

// First-order convergence in L1 (discontinuous solution: the order tends to 1), as the global step.
TEST(LocalTimeStepping, StokerConvergesAtFirstOrder) {
    const double e1 = dambreak(0.5, 4.0, 3).error, e2 = dambreak(0.5, 2.0, 3).error, e3 = dambreak(0.5, 1.0, 3).error;
    const double p1 = std::log2(e1 / e2), p2 = std::log2(e2 / e3);
    std::printf("Stoker hr 0.5 m, local time stepping, L1 at 4, 2, 1 m: %.5f %.5f %.5f, orders %.2f %.2f\n", e1, e2, e3, p1,
                p2);
    EXPECT_GT(p1, 0.6);
    EXPECT_GT(p2, 0.6);
}

// A lake at level 1 m over a bed with a deep trench (fast waves: the smallest step), a shelf of
// shallow water (coarse levels) and emerged islands, wider than two chunks: still to round-off.
ModelSetup trench_lake(int nx, int ny, double dx) {
    ModelSetup s = testing::make_setup(nx, ny, dx);
    const double lx = nx * dx, ly = ny * dx;
    testing::for_cells(s, [&](double x, double y, std::size_t k) {
        const double xi = x / lx, yi = y / ly;
        double z = xi < 0.25 ? -9.0 : 0.95 - 0.02 * std::sin(9.0 * xi) * std::cos(7.0 * yi);
        z += 0.6 * std::exp(-((xi - 0.7) * (xi - 0.7) + (yi - 0.5) * (yi - 0.5)) / 0.003);  // an island
        s.z[k] = z;
        s.h0[k] = std::max(0.0, 1.0 - z);
        s.manning[k] = 0.03;
    });
    return s;
}

TEST(LocalTimeStepping, LakeAtRestStaysStillAcrossLevels) {
    ModelSetup s = trench_lake(200, 40, 5.0);
    s.options.lts_levels = 3;
    s.options.threads = 2;
    Simulation sim(s);
    sim.advance_to(300.0);
    const Grid2D& g = sim.grid();
    double dh = 0.0, speed = 0.0;
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * g.nx + i;
            const double h = sim.h()(i, j);
            dh = std::max(dh, std::abs(h - s.h0[k]));
            if (h > 0) speed = std::max(speed, std::hypot(sim.hu()(i, j), sim.hv()(i, j)) / h);
        }
    const double global = sim.steps() * static_cast<double>(sim.domain_cells());
    std::printf("lake at rest with levels: max |dh| %.3g m, max speed %.3g m/s, %.2fx fewer cell updates\n", dh, speed,
                global / static_cast<double>(sim.lts_cell_updates()));
    EXPECT_LT(dh, 1e-12);
    EXPECT_LT(speed, 1e-12);
    EXPECT_LT(static_cast<double>(sim.lts_cell_updates()), 0.6 * global) << "the levels did not differ";
}

// A sloping valley with a deep channel, rain, a discharge inflow upstream and free outflow
// downstream: the balance closes to round-off, nothing is clipped, and 1, 2 and 3 threads give
// the same bits.
ModelSetup valley(int threads) {
    ModelSetup s = testing::make_setup(192, 48, 10.0);
    testing::for_cells(s, [&](double x, double y, std::size_t k) {
        const double across = std::abs(y - 240.0);
        s.z[k] = 0.002 * (1920.0 - x) + 0.01 * across - (across < 30.0 ? 2.0 : 0.0);
        s.manning[k] = across < 30.0 ? 0.03 : 0.06;
    });
    s.rain = TimeSeries({0.0, 600.0, 1200.0}, {60.0 / 3.6e6, 120.0 / 3.6e6, 0.0}, TimeSeries::Mode::Step);
    s.boundaries.push_back({BoundarySide::West, BoundaryType::Discharge, TimeSeries::constant(40.0), 20, 27});
    BoundarySpec out{BoundarySide::East, BoundaryType::Critical, {}, 0, -1};
    s.boundaries.push_back(out);
    s.options.lts_levels = 3;
    s.options.threads = threads;
    return s;
}

TEST(LocalTimeStepping, BalanceClosesWithRainInflowAndOutflow) {
    Simulation sim(valley(2));
    sim.advance_to(1800.0);
    const MassLedger& l = sim.ledger();
    const double vol = sim.volume();
    std::printf("valley with levels: volume %.3f m3, rain %.3f, inflow %.3f, outflow %.3f, error %.3g, fix %.3g, "
                "%.2fx fewer cell updates\n",
                vol, l.rain, l.inflow, l.outflow, l.error(vol), l.positivity_fix,
                sim.steps() * static_cast<double>(sim.domain_cells()) / static_cast<double>(sim.lts_cell_updates()));
    EXPECT_NEAR(l.inflow, 40.0 * 1800.0, 1e-6 * 40.0 * 1800.0);
    EXPECT_GT(l.outflow, 0.0);
    EXPECT_LT(std::abs(l.error(vol)) / (l.rain + l.inflow), 1e-12);
    EXPECT_LT(l.positivity_fix, 1e-9 * (l.rain + l.inflow));
    EXPECT_LT(static_cast<double>(sim.lts_cell_updates()), 0.8 * sim.steps() * static_cast<double>(sim.domain_cells()));
}

// Single precision (the forecast templates' precision): the state in float, the ledger in double.
TEST(LocalTimeStepping, BalanceClosesInSinglePrecision) {
    SimulationSingle sim(valley(2));
    sim.advance_to(1800.0);
    const MassLedger& l = sim.ledger();
    const double vol = sim.volume();
    std::printf("valley with levels, single precision: volume %.3f m3, error %.3g (relative %.3g), fix %.3g\n", vol,
                l.error(vol), l.relative_error(vol), l.positivity_fix);
    EXPECT_LT(std::abs(l.relative_error(vol)), 1e-5);
    EXPECT_LT(l.positivity_fix, 1e-6 * (l.rain + l.inflow));
}

// Thacker's planar surface in a paraboloid (test_thacker.cpp) with levels: the wet disc takes the
// smallest step and the dry bowl around it coarser ones (1, 2, 3 chunks away), so the moving
// shoreline keeps entering chunks whose level must fall as they wet (lts_refine_levels).
struct ThackerRun {
    double error;    ///< relative L1 depth error against the analytic solution
    double saved;    ///< cell updates of the global step's count of steps / those done
};

ThackerRun thacker(int n, int levels) {
    const analytic::Thacker2D th;
    ModelSetup s = testing::thacker_setup(n);
    s.options.lts_levels = levels;
    s.options.threads = 2;
    Simulation sim(s);
    const double t_end = 0.5 * th.period();
    sim.advance_to(t_end);
    const double global = sim.steps() * static_cast<double>(sim.domain_cells());
    return {testing::relative_l1_depth(sim, [&](double x, double y) { return th.h(x, y, t_end); }),
            levels > 0 ? global / static_cast<double>(sim.lts_cell_updates()) : 1.0};
}

TEST(LocalTimeStepping, ThackerShorelineCrossesLevels) {
    const ThackerRun g100 = thacker(100, 0), l50 = thacker(50, 3), l100 = thacker(100, 3);
    std::printf("Thacker planar t=P/2 with levels: L1 at 50, 100 cells %.4f %.4f (order %.2f); global step at 100 "
                "%.4f; %.2fx fewer cell updates at 100\n",
                l50.error, l100.error, std::log2(l50.error / l100.error), g100.error, l100.saved);
    EXPECT_LT(l100.error, 1.1 * g100.error + 0.002);
    EXPECT_LT(l100.error, l50.error);
    EXPECT_GT(l100.saved, 1.5) << "the dry bowl did not take coarser levels";
}

// Rain on a rough plane (test_rain_on_grid.cpp) falling south into a lake 20 m deep held at its
// foot by a level boundary: the lake's rows take the smallest step and the sheet's rows coarser
// ones (up to 3 levels, a level per row's chunk), so rain and friction act through long substeps.
// The sheet must still carry q = r x at the Manning normal depth within 5 %.
TEST(LocalTimeStepping, RainOnAPlaneAboveALakeAtNormalDepth) {
    constexpr int n_plane = 30, n_lake = 10, n_across = 3;
    const double dx = 10.0, S = 0.004, n = 0.08, r = 100.0 / 3.6e6, L = n_plane * dx;
    ModelSetup s = testing::make_setup(n_across, n_plane + n_lake, dx);
    const double top = (n_plane + n_lake) * dx;
    testing::for_cells(s, [&](double, double y, std::size_t k) {
        const double d = top - y;  // distance from the divide (rows count from north)
        s.z[k] = d < L ? S * (L - d) : -20.0;
        s.h0[k] = d < L ? 0.0 : 20.0;
        s.manning[k] = n;
    });
    s.rain = TimeSeries::constant(r);
    s.boundaries.push_back({BoundarySide::South, BoundaryType::Level, TimeSeries::constant(0.0), 0, -1});
    s.options.lts_levels = 3;
    s.options.threads = 2;
    Simulation sim(s);
    sim.advance_to(3.0 * 3600.0);
    double worst = 0.0;
    for (int m = 10; m < 25; ++m) {
        const double q = r * (m + 1) * dx;
        const double h_normal = std::pow(q * n / std::sqrt(S), 0.6);
        worst = std::max(worst, std::abs(sim.h()(1, m) / h_normal - 1.0));
    }
    const MassLedger& l = sim.ledger();
    const double vol = sim.volume();
    const double saved = sim.steps() * static_cast<double>(sim.domain_cells()) / static_cast<double>(sim.lts_cell_updates());
    std::printf("rain on a plane above a lake with levels: worst |h / h_normal - 1| = %.4f, balance error %.3g m3 "
                "(of %.3g m3 rained), %.2fx fewer cell updates\n",
                worst, l.error(vol), l.rain, saved);
    EXPECT_LT(worst, 0.05);
    EXPECT_LT(std::abs(l.error(vol)), 1e-11 * (l.volume0 + l.rain + l.inflow + l.outflow));
    EXPECT_GT(saved, 1.5) << "the sheet's rows did not take coarser levels";
}

// Levels forced into a checkerboard by the bed: chunks of a lake alternate (by chunk and by row)
// between pits 9 m deep and a shelf under 10 cm of water, so the pits take the smallest step and
// the shelf the next level (neighbours differ by one level at most): every chunk has neighbours of
// the other level on all four sides. Still water stays still; a bore released across the board
// closes the balance to round-off and stays close to the global step's result.
ModelSetup checkerboard(double upstream_level) {
    constexpr int nx = 4 * kChunk, ny = 16;
    ModelSetup s = testing::make_setup(nx, ny, 5.0);
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * nx + i;
            s.z[k] = (i / kChunk + j) % 2 == 0 ? -8.0 : 0.9;
            s.h0[k] = (i < kChunk / 2 ? upstream_level : 1.0) - s.z[k];
            s.manning[k] = 0.02;
        }
    s.options.threads = 2;
    return s;
}

TEST(LocalTimeStepping, CheckerboardOfLevels) {
    ModelSetup still = checkerboard(1.0);
    still.options.lts_levels = 3;
    Simulation lake(still);
    lake.advance_to(120.0);
    double dh = 0.0;
    for (int j = 0; j < lake.grid().ny; ++j)
        for (int i = 0; i < lake.grid().nx; ++i)
            dh = std::max(dh, std::abs(lake.h()(i, j) - still.h0[static_cast<std::size_t>(j) * lake.grid().nx + i]));
    const double share = static_cast<double>(lake.lts_cell_updates()) / (lake.steps() * static_cast<double>(lake.domain_cells()));
    std::printf("checkerboard lake at rest: max |dh| %.3g m, cell updates %.3f of the global step's\n", dh, share);
    EXPECT_LT(dh, 1e-12);
    EXPECT_NEAR(share, 0.75, 0.02) << "not a checkerboard of levels 0 and 1";

    ModelSetup bore = checkerboard(1.5);
    Simulation global(bore);
    bore.options.lts_levels = 3;
    Simulation local(bore);
    global.advance_to(60.0);
    local.advance_to(60.0);
    double diff = 0.0, dist = 0.0;
    for (int j = 0; j < bore.grid.ny; ++j)
        for (int i = 0; i < bore.grid.nx; ++i) {
            const double z = bore.z[static_cast<std::size_t>(j) * bore.grid.nx + i];
            diff += std::abs(local.h()(i, j) - global.h()(i, j));
            dist += std::abs(global.h()(i, j) + z - 1.0);  // the disturbance of the level
        }
    const MassLedger& l = local.ledger();
    const double vol = local.volume();
    std::printf("bore across the checkerboard, 60 s: L1 of local - global depth %.4f of the disturbance's; balance "
                "error %.3g m3 of %.4g m3\n",
                diff / dist, l.error(vol), vol);
    EXPECT_LT(diff / dist, 0.01);
    EXPECT_LT(std::abs(l.error(vol)), 1e-11 * vol);
}

// (Named for scripts/sanitize.sh's TSan stage, which runs every *Determinism test of this name.)
TEST(LtsDeterminism, BitwiseIdenticalForOneAndTwoThreads) {
    Simulation one(valley(1)), two(valley(2)), three(valley(3));
    for (Simulation* sim : {&one, &two, &three}) sim->advance_to(900.0);
    testing::expect_same_state(one, two);
    testing::expect_same_state(one, three);
    EXPECT_EQ(one.lts_cell_updates(), three.lts_cell_updates());
}

// A team smaller than the one asked for (here: a run inside another parallel region, nested
// parallelism off) takes the substeps' blocks of rows all on one thread: the same bits as one
// thread asked for. (Named for scripts/sanitize.sh's TSan stage, which runs every *SmallTeam test.)
TEST(LtsSmallTeam, NestedInsideAnOuterParallelRegion) {
    Simulation one(valley(1));
    one.advance_to(900.0);
    const int saved_levels = omp_get_max_active_levels();
    omp_set_max_active_levels(1);
    std::unique_ptr<Simulation> sims[2];
    const ModelSetup setup = valley(3);
#pragma omp parallel num_threads(2) default(none) shared(sims, setup)
    {
        const int t = omp_get_thread_num();
        sims[t] = std::make_unique<Simulation>(setup);
        sims[t]->advance_to(900.0);
    }
    omp_set_max_active_levels(saved_levels);
    for (const auto& sim : sims)
        if (sim) {
            testing::expect_same_state(one, *sim);
            EXPECT_EQ(one.lts_cell_updates(), sim->lts_cell_updates());
        }
}

TEST(LocalTimeStepping, RefusedForOtherSchemes) {
    for (const Scheme scheme : {Scheme::Fv2, Scheme::Inertial}) {
        ModelSetup s = testing::make_setup(8, 8, 1.0, scheme);
        s.options.lts_levels = 2;
        EXPECT_THROW(Simulation sim(s), std::invalid_argument);
    }
    ModelSetup s = testing::make_setup(8, 8, 1.0);
    s.options.lts_levels = kMaxLtsLevels + 1;
    EXPECT_THROW(Simulation sim(s), std::invalid_argument);
}

}  // namespace
}  // namespace floodsim
