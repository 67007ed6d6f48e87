// Rain grids (ModelSetup::rain_grids; docs/processes.md): two closed flat basins side by side,
// separated by a column of cells outside the domain, under grids that rain differently on each
// half and change at times no step lands on; a uniform rain on top. Each basin's depth is the
// integral of its intensities, exactly; the outside column gets none; the `rain` column books it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>

#include "same_state.hpp"
#include "scheme_cases.hpp"

namespace floodsim {
namespace {

constexpr int kNx = 21, kNy = 10;  // column 10: outside the domain
constexpr double kDx = 10.0;

/// Grid rows: (time, west mm/h, east mm/h); the uniform rain adds 5 mm/h.
struct Row {
    double t, west, east;
};
const Row kRows[] = {{0.0, 40.0, 10.0}, {600.3, 0.0, 25.0}, {1500.7, 60.0, 60.0}};
constexpr double kUniform = 5.0;

/// mm of rain fallen on a half (west or east) by time t: the grids' integral plus the uniform.
double fallen_mm(bool west, double t) {
    double mm = kUniform * t / 3600.0;
    const int n = sizeof kRows / sizeof kRows[0];
    for (int k = 0; k < n; ++k) {
        const double a = kRows[k].t, b = k + 1 < n ? std::min(t, kRows[k + 1].t) : t;
        if (b > a) mm += (west ? kRows[k].west : kRows[k].east) * (b - a) / 3600.0;
    }
    return mm;
}

ModelSetup basins(Scheme scheme) {
    ModelSetup s = testing::make_setup(kNx, kNy, kDx, scheme);
    for (int j = 0; j < kNy; ++j)
        s.z[static_cast<std::size_t>(j) * kNx + 10] = std::numeric_limits<double>::quiet_NaN();
    s.rain = TimeSeries::constant(kUniform / 3.6e6);
    for (const Row& r : kRows) {
        std::vector<float> g(s.grid.cells());
        for (int j = 0; j < kNy; ++j)
            for (int i = 0; i < kNx; ++i)
                g[static_cast<std::size_t>(j) * kNx + i] = static_cast<float>(i < 10 ? r.west : r.east);
        s.rain_grids.time_s.push_back(r.t);
        s.rain_grids.mm_h.push_back(std::move(g));
    }
    s.options.threads = 1;
    return s;
}

using testing::SchemeCase;

class RainGrids : public ::testing::TestWithParam<SchemeCase> {};

TEST_P(RainGrids, EachBasinHoldsTheIntegralOfItsIntensities) {
    const SchemeCase c = GetParam();
    const double tol = c.precision == Precision::Double ? 1e-12 : 2e-6;
    testing::with_precision(c.precision, [&]<class Sim>() {
        Sim sim(basins(c.scheme));
        for (double t : {300.0, 700.0, 1000.0, 1800.0, 2400.0}) {  // no step lands on 600.3 or 1500.7
            sim.advance_to(t);
            const double hw = fallen_mm(true, t) / 1000.0, he = fallen_mm(false, t) / 1000.0;
            double worst = 0.0;
            for (int j = 0; j < kNy; ++j)
                for (int i = 0; i < kNx; ++i) {
                    const double h = sim.h()(i, j);
                    if (i == 10) {
                        EXPECT_EQ(h, 0.0) << "outside the domain";
                        continue;
                    }
                    const double want = i < 10 ? hw : he;
                    worst = std::max(worst, std::abs(h - want) / want);
                }
            const double area = kDx * kDx * 10 * kNy;  // one basin
            const double rain = (hw + he) * area;
            const double vol = sim.volume();
            std::printf(
                "rain grids %s t = %6.1f s: west %.6f m, east %.6f m, worst cell rel. error %.1e, rain "
                "booked %.6f m3 (exact %.6f), balance error %.1e m3\n",
                testing::case_name({c, 0}).c_str(), t, hw, he, worst, sim.ledger().rain, rain, sim.ledger().error(vol));
            EXPECT_LT(worst, tol) << "t = " << t;
            EXPECT_NEAR(sim.ledger().rain / rain, 1.0, tol) << "t = " << t;
            EXPECT_NEAR(vol / rain, 1.0, tol) << "t = " << t;
            EXPECT_LT(std::abs(sim.ledger().error(vol)), tol * rain) << "t = " << t;
            EXPECT_TRUE(sim.ledger().terms.empty());  // booked in the built-in column, no term of its own
        }
    });
}

INSTANTIATE_TEST_SUITE_P(Schemes, RainGrids, ::testing::ValuesIn(testing::all_scheme_cases()), testing::case_name);

// Rain grids alone (no uniform rain) on a dry plane of three chunks per row, raining on one corner
// only: the water they add is swept and limits the time step as any other, so skipping dry tiles
// changes nothing, bit for bit, and no positivity fix is needed.
TEST_P(RainGrids, AloneOnDryLandSkipDryTilesBitwise) {
    const SchemeCase c = GetParam();
    const auto setup = [&](bool skip) {
        ModelSetup s = testing::make_setup(150, 40, 5.0, c.scheme);
        for (std::size_t k = 0; k < s.z.size(); ++k) {
            s.z[k] = 0.01 * static_cast<double>(150 - static_cast<int>(k % 150));
            s.manning[k] = 0.03;
        }
        std::vector<float> g(s.grid.cells(), 0.0f);
        for (int j = 0; j < 40; ++j)
            for (int i = 0; i < 30; ++i) g[static_cast<std::size_t>(j) * 150 + i] = 200.0f;
        s.rain_grids.time_s = {0.0, 300.0};
        s.rain_grids.mm_h = {g, {}};
        s.options.skip_dry_tiles = skip;
        s.options.threads = 1;
        return s;
    };
    testing::with_precision(c.precision, [&]<class Sim>() {
        Sim a(setup(true)), b(setup(false));
        a.advance_to(600.0);
        b.advance_to(600.0);
        testing::expect_same_state(a, b);
        EXPECT_EQ(a.ledger().positivity_fix, 0.0);
        EXPECT_GT(a.ledger().rain, 0.0);
    });
}

// Rain grids with only sinks as other sources (Green-Ampt): a grid raining on the upper (west)
// quarter of a closed slope, the water running east over dry soil. The cells the grids wet must be
// swept in the next step (wave speeds and dry-tile flags measured again after the grids, as after
// any source that adds water): before that, the Shangjie flash template lost 2 % of its rain.
TEST_P(RainGrids, WithGreenAmptTheBalanceCloses) {
    const SchemeCase c = GetParam();
    const double tol = c.precision == Precision::Double ? 1e-12 : 2e-6;
    testing::with_precision(c.precision, [&]<class Sim>() {
        constexpr int nx = 192, ny = 96;
        ModelSetup s = testing::make_setup(nx, ny, 10.0, c.scheme);
        std::vector<float> g(s.grid.cells(), 0.0f);
        for (int j = 0; j < ny; ++j)
            for (int i = 0; i < nx; ++i) {
                const std::size_t k = static_cast<std::size_t>(j) * nx + i;
                s.z[k] = 0.01 * (nx - i);
                s.manning[k] = 0.03;
                if (i < nx / 4 && j >= ny / 3 && j < 2 * ny / 3) g[k] = 120.0f;
            }
        s.rain_grids.time_s = {0.0, 1200.0};
        s.rain_grids.mm_h = {g, {}};
        s.infiltration.model = InfiltrationSpec::Model::GreenAmpt;
        s.infiltration.ks = {5.0 / 3.6e6};
        s.infiltration.psi = {0.11};
        s.infiltration.dtheta = {0.3};
        s.options.threads = 1;
        Sim sim(std::move(s));
        sim.advance_to(2400.0);
        const double rain = sim.ledger().rain, vol = sim.volume();
        EXPECT_NEAR(rain, 120.0 / 3.6e6 * 1200.0 * 10.0 * 10.0 * (nx / 4) * (ny / 3), tol * rain);
        EXPECT_LT(std::abs(sim.ledger().error(vol)), tol * rain) << "balance error " << sim.ledger().error(vol);
        double beyond = 0.0;  // m: water east of the rained quarter, on dry soil to begin with
        for (int i = nx / 4 + 2; i < nx; ++i) beyond += sim.h()(i, ny / 2);
        EXPECT_GT(beyond, 0.01) << "the runoff ran on";
    });
}

TEST(RainGridSource, NothingBeforeTheFirstRowAndRestartIsBitwise) {
    ModelSetup s = testing::make_setup(8, 4, 10.0);
    s.rain_grids.time_s = {100.0};
    s.rain_grids.mm_h = {std::vector<float>(s.grid.cells(), 36.0f)};
    Simulation a(s);
    a.advance_to(100.0);
    EXPECT_EQ(a.volume(), 0.0);
    EXPECT_EQ(a.ledger().rain, 0.0);
    a.advance_to(150.0);
    const State<double> mid = a.state();
    a.advance_to(400.0);
    EXPECT_NEAR(a.h()(3, 2), 36.0 / 3.6e6 * 300.0, 1e-15);
    Simulation b(s);
    b.restore_state(mid);
    b.advance_to(400.0);
    EXPECT_EQ(b.h()(3, 2), a.h()(3, 2));
    EXPECT_EQ(b.ledger().rain, a.ledger().rain);
}

TEST(RainGridSource, AnEmptyGridRainsNothing) {
    ModelSetup s = testing::make_setup(8, 4, 10.0);
    s.rain_grids.time_s = {0.0, 100.0, 250.0};
    s.rain_grids.mm_h = {std::vector<float>(s.grid.cells(), 36.0f), {}, std::vector<float>(s.grid.cells(), 72.0f)};
    Simulation sim(s);
    sim.advance_to(400.0);
    const double want = (36.0 * 100.0 + 72.0 * 150.0) / 3.6e6;
    EXPECT_NEAR(sim.h()(5, 1), want, 1e-15);
    EXPECT_NEAR(sim.ledger().rain, want * 3200.0, 1e-12);
}

TEST(RainGridSource, BadSpecsAreRefused) {
    ModelSetup s = testing::make_setup(4, 4, 10.0);
    s.rain_grids.time_s = {0.0, 0.0};
    s.rain_grids.mm_h = {std::vector<float>(16, 1.0f), std::vector<float>(16, 1.0f)};
    EXPECT_THROW(Simulation{s}, std::invalid_argument);  // times not increasing
    s.rain_grids.time_s = {0.0, 10.0};
    s.rain_grids.mm_h[1][3] = -1.0f;
    EXPECT_THROW(Simulation{s}, std::invalid_argument);  // negative
    s.rain_grids.mm_h[1] = std::vector<float>(15, 1.0f);
    EXPECT_THROW(Simulation{s}, std::invalid_argument);  // wrong size
}

}  // namespace
}  // namespace floodsim
