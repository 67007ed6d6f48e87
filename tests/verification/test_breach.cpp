// Breaches (solver/breach.hpp; docs/terrain.md): the opening's bed as a function of time, and on
// every scheme and precision a wall that holds a reservoir until its breach starts, then lets the
// water through with the volume unchanged by the bed dropping under it (the depth is kept), and a
// restart in the middle of the opening that continues bit for bit.
#include <gtest/gtest.h>

#include <cmath>

#include "same_state.hpp"
#include "scheme_cases.hpp"
#include "solver/breach.hpp"

namespace floodsim {
namespace {

using testing::SchemeCase;

BreachSpec one_cell_breach() {
    BreachSpec b;
    b.start = 10.0;
    b.duration = 20.0;
    b.width = 10.0;
    b.bottom = 1.0;
    b.cell_length = 5.0;
    b.cells = {{0, 0, 0.0, 3.0}, {0, 1, 5.0, 3.0}, {0, 2, -7.5, 3.0}, {0, 3, 20.0, 3.0}};
    return b;
}

TEST(BreachBed, GrowsLinearlyFromItsStartToItsWidthAndBottom) {
    const BreachSpec b = one_cell_breach();
    EXPECT_EQ(breach_fraction(b, 0.0), 0.0);
    EXPECT_EQ(breach_fraction(b, 10.0), 0.0);
    EXPECT_DOUBLE_EQ(breach_fraction(b, 20.0), 0.5);
    EXPECT_EQ(breach_fraction(b, 30.0), 1.0);
    EXPECT_EQ(breach_fraction(b, 1e6), 1.0);
    for (const BreachCell& c : b.cells) EXPECT_EQ(breach_bed(b, c, 10.0), c.top);
    // Fully open: the opening [-5, 5] holds the centre cell [-2.5, 2.5] whole, half of the cells
    // centred at 5 and -7.5 ([2.5, 7.5] and [-10, -5]: a share of 1/2 and 0), nothing at 20.
    EXPECT_DOUBLE_EQ(breach_bed(b, b.cells[0], 30.0), 1.0);
    EXPECT_DOUBLE_EQ(breach_bed(b, b.cells[1], 30.0), 2.0);
    EXPECT_DOUBLE_EQ(breach_bed(b, b.cells[2], 30.0), 3.0);
    EXPECT_DOUBLE_EQ(breach_bed(b, b.cells[3], 30.0), 3.0);
    // Half way: 5 m wide ([-2.5, 2.5]: the centre cell whole), half way down.
    EXPECT_DOUBLE_EQ(breach_bed(b, b.cells[0], 20.0), 2.0);
    EXPECT_DOUBLE_EQ(breach_bed(b, b.cells[1], 20.0), 3.0);
    // The bed never rises with time.
    for (const BreachCell& c : b.cells)
        for (double t = 0.0; t < 40.0; t += 0.25) EXPECT_LE(breach_bed(b, c, t + 0.25), breach_bed(b, c, t));
    BreachSpec at_once = b;
    at_once.duration = 0.0;
    EXPECT_EQ(breach_fraction(at_once, 9.999), 0.0);
    EXPECT_EQ(breach_fraction(at_once, 10.0), 1.0);
}

constexpr int kNx = 40, kNy = 12, kWall = 19;
constexpr double kStart = 20.0, kEnd = 90.0;

/// 40 x 12 cells of 5 m, flat at 0, closed: 1 m of water west of a wall (column 19, crest 2 m)
/// with a breach at its middle (between rows 5 and 6) 10 m wide down to the ground, opening from
/// 20 s over 20 s.
ModelSetup breached_reservoir(Scheme scheme) {
    ModelSetup s = testing::make_setup(kNx, kNy, 5.0, scheme);
    BreachSpec b;
    b.name = "test";
    b.start = kStart;
    b.duration = 20.0;
    b.width = 10.0;
    b.bottom = 0.0;
    b.cell_length = 5.0;
    for (int j = 0; j < kNy; ++j)
        for (int i = 0; i < kNx; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * kNx + i;
            s.manning[k] = 0.02;
            if (i < kWall) s.h0[k] = 1.0;
            if (i == kWall) {
                s.z[k] = 2.0;
                b.cells.push_back({i, j, (j - 5.5) * 5.0, 2.0});
            }
        }
    s.breaches.push_back(b);
    return s;
}

template <class Sim>
double volume_east(const Sim& sim) {
    double v = 0.0;
    for (int j = 0; j < kNy; ++j)
        for (int i = kWall + 1; i < kNx; ++i) v += sim.h()(i, j);
    return v * sim.grid().cell_area();
}

class WallBreach : public ::testing::TestWithParam<SchemeCase> {};

TEST_P(WallBreach, HoldsUntilItStartsThenPassesWaterWithTheVolumeBalanced) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        using Real = typename Sim::real_type;
        Sim sim(breached_reservoir(GetParam().scheme));
        const double v0 = sim.volume();
        sim.advance_to(kStart);
        EXPECT_EQ(volume_east(sim), 0.0);
        EXPECT_EQ(sim.z()(kWall, 5) + sim.z_datum(), Real(2));
        // The opening's bottom drops below the water (1 m) at 34 s (bed 2 - 2 f^2 in the middle
        // cells); from then on water passes.
        sim.advance_to(34.0);
        EXPECT_EQ(volume_east(sim), 0.0);
        double last = 0.0;
        for (double t = 40.0; t <= kEnd; t += 10.0) {
            sim.advance_to(t);
            const double east = volume_east(sim);
            EXPECT_GT(east, last) << "t = " << t;  // the hydrograph through the breach
            last = east;
        }
        EXPECT_GT(last, 0.05 * v0);
        // Fully open: the middle cells at the bottom, a cell half in the opening half way down.
        EXPECT_EQ(sim.z()(kWall, 5) + sim.z_datum(), Real(0));
        EXPECT_EQ(sim.z()(kWall, 6) + sim.z_datum(), Real(0));
        EXPECT_EQ(sim.z()(kWall, 4) + sim.z_datum(), Real(2));
        const double tol = std::is_same_v<Real, double> ? 1e-12 : 1e-6;
        EXPECT_LT(std::abs(sim.volume() - v0), tol * v0);
        EXPECT_LT(std::abs(sim.ledger().error(sim.volume())), tol * v0);
        EXPECT_EQ(sim.ledger().positivity_fix, 0.0);
    });
}

// A state saved while the breach grows, restored into a fresh simulation (its bed at t = 0):
// the bed of the state's time is set and the run continues bit for bit.
TEST_P(WallBreach, RestartWhileItOpensIsBitwise) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        const ModelSetup setup = breached_reservoir(GetParam().scheme);
        Sim a(setup);
        a.advance_to(kEnd);
        Sim b(setup);
        while (b.time() < kStart + 7.0) b.step(kEnd);
        const auto saved = b.state();
        Sim c(setup);
        c.restore_state(saved);
        c.advance_to(kEnd);
        testing::expect_same_state(c, a);
        EXPECT_EQ(c.ledger().positivity_fix, a.ledger().positivity_fix);
    });
}

INSTANTIATE_TEST_SUITE_P(Schemes, WallBreach, ::testing::ValuesIn(testing::all_scheme_cases()), testing::case_name);

}  // namespace
}  // namespace floodsim
