// Per-cell source terms (solver/source_term.hpp) with named ledger terms: CellRateSource on every
// scheme in both precisions. The balance closes with the named terms, a sink never drives a depth
// below zero, water put on dry land is swept (dry tiles rebuilt: skipping stays bitwise equal to
// sweeping everything), the terms are reported in order, and a restart with a source active is
// bitwise.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "scheme_cases.hpp"

namespace floodsim {
namespace {

using testing::SchemeCase;

constexpr double kEnd = 50.0;

/// Rates on the busy catchment: an interior inflow of 0.02 m/s on a dry patch far from any water
/// (south-west), a sink of 1e-3 m/s over the reservoir and everything east of it.
std::vector<double> mixed_rates(const ModelSetup& s) {
    const Grid2D& g = s.grid;
    std::vector<double> r(g.cells(), 0.0);
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * g.nx + i;
            if (i >= 10 && i < 14 && j >= 60 && j < 64) r[k] = 0.02;
            if (i >= 50) r[k] = -1e-3;
        }
    return r;
}

class Sources : public ::testing::TestWithParam<SchemeCase> {
protected:
    ModelSetup setup(bool skip = true) const {
        ModelSetup s = testing::busy_catchment(GetParam().scheme, 2);
        s.options.skip_dry_tiles = skip;
        return s;
    }
    template <class Sim>
    void add_mixed(Sim& sim, const ModelSetup& s) const {
        sim.add_source(std::make_unique<CellRateSource<typename Sim::real_type>>("pumps", mixed_rates(s)));
    }
    double tolerance() const { return GetParam().precision == Precision::Double ? 1e-10 : 1e-5; }
};

TEST_P(Sources, BalanceClosesWithNamedTerms) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        const ModelSetup s = setup();
        Sim sim(s);
        add_mixed(sim, s);
        sim.advance_to(kEnd);
        const MassLedger& l = sim.ledger();
        ASSERT_EQ(l.terms.size(), 2u);
        EXPECT_EQ(l.terms[0].name, "pumps_in");
        EXPECT_TRUE(l.terms[0].adds);
        EXPECT_EQ(l.terms[1].name, "pumps_out");
        EXPECT_FALSE(l.terms[1].adds);
        // 16 cells of 25 m2 at 0.02 m/s for 50 s: 400 m3 exactly (the cells are dry, nothing to clip)
        EXPECT_NEAR(l.terms[0].volume, 400.0, 400.0 * tolerance());
        EXPECT_GT(l.terms[1].volume, 10.0);
        const double volume = sim.volume();
        const double err = l.error(volume);
        std::printf("sources: in %.3f m3, out %.3f m3, error %.3e m3 of %.1f m3\n", l.terms[0].volume,
                    l.terms[1].volume, err, volume);
        EXPECT_LT(std::abs(err), tolerance() * volume);
        // the terms matter: without them the balance would be far off
        EXPECT_GT(std::abs(err - l.terms[0].volume + l.terms[1].volume), 100.0);
        // the cumulative depth moved per cell is kept in the state
        const Field<double>* moved = sim.state().extra_field("pumps_depth");
        ASSERT_NE(moved, nullptr);
        EXPECT_NEAR((*moved)(11, 61), 1.0, 1e-6);
        // the injected water spread from its dry patch (dry tiles were re-activated around it)
        EXPECT_GT(sim.h()(9, 61), 1e-3);
        std::vector<float> maxh(s.grid.cells());
        sim.copy_max_depth(maxh.data());
        EXPECT_GT(maxh[61 * s.grid.nx + 11], 0.1f);  // the monitors saw it
    });
}

// A sink of 5 mm/s everywhere empties the wet cells within a few steps: depths stay >= 0, dry
// cells carry no momentum, and the sink booked exactly what disappeared.
TEST_P(Sources, SinkNeverDrivesDepthNegative) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        const ModelSetup s = setup();
        Sim sim(s);
        sim.add_source(std::make_unique<CellRateSource<typename Sim::real_type>>(
            "infiltration", std::vector<double>(s.grid.cells(), -5e-3)));
        ASSERT_EQ(sim.ledger().terms.size(), 1u);
        EXPECT_FALSE(sim.ledger().terms[0].adds);
        const double dry = s.options.dry_depth;
        while (sim.time() < kEnd) {
            sim.step(kEnd);
            for (int j = 0; j < s.grid.ny; ++j)
                for (int i = 0; i < s.grid.nx; ++i) {
                    ASSERT_GE(sim.h()(i, j), 0.0) << i << " " << j << " t " << sim.time();
                    if (sim.h()(i, j) < dry) {
                        ASSERT_EQ(sim.hu()(i, j), 0.0);
                        ASSERT_EQ(sim.hv()(i, j), 0.0);
                    }
                }
        }
        const MassLedger& l = sim.ledger();
        EXPECT_GT(l.terms[0].volume, 0.5 * l.volume0);
        EXPECT_LT(std::abs(l.error(sim.volume())), tolerance() * (l.volume0 + l.inflow));
    });
}

// Water a source puts on dry land is swept like any other: skipping dry tiles stays bitwise equal
// to sweeping everything with a source active.
TEST_P(Sources, DryTileSkippingStaysBitwise) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        const ModelSetup s_full = setup(false), s_skip = setup(true);
        Sim full(s_full), skip(s_skip);
        add_mixed(full, s_full);
        add_mixed(skip, s_skip);
        full.advance_to(kEnd);
        skip.advance_to(kEnd);
        testing::expect_same_run(skip, full);
    });
}

TEST_P(Sources, RestartWithSourceIsBitwise) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        const ModelSetup s = setup();
        Sim a(s);
        add_mixed(a, s);
        a.advance_to(kEnd);
        Sim b(s);
        add_mixed(b, s);
        while (b.time() < 0.5 * kEnd) b.step(kEnd);
        const auto saved = b.state();
        Sim c(s);
        add_mixed(c, s);
        c.restore_state(saved);
        c.advance_to(kEnd);
        testing::expect_same_run(c, a);
        ASSERT_EQ(c.ledger().terms.size(), a.ledger().terms.size());
        for (std::size_t k = 0; k < a.ledger().terms.size(); ++k)
            EXPECT_EQ(c.ledger().terms[k].volume, a.ledger().terms[k].volume);
        const Field<double>& ma = *a.state().extra_field("pumps_depth");
        const Field<double>& mc = *c.state().extra_field("pumps_depth");
        EXPECT_EQ(std::memcmp(ma.data(), mc.data(), ma.size() * sizeof(double)), 0);
        // a simulation without the source does not take the state
        Sim bare(s);
        EXPECT_THROW(bare.restore_state(saved), std::invalid_argument);
    });
}

TEST_P(Sources, RejectsTakenNames) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        using Real = typename Sim::real_type;
        const ModelSetup s = setup();
        Sim sim(s);
        const std::vector<double> r(s.grid.cells(), 1e-6);
        sim.add_source(std::make_unique<CellRateSource<Real>>("inlet", r));
        EXPECT_THROW(sim.add_source(std::make_unique<CellRateSource<Real>>("inlet", r)), std::invalid_argument);
        EXPECT_THROW(sim.add_source(std::make_unique<CellRateSource<Real>>("outflow", r)), std::invalid_argument);
        EXPECT_THROW(sim.add_source(std::make_unique<CellRateSource<Real>>("positivity_fix", r)), std::invalid_argument);
        EXPECT_THROW(sim.add_source(std::make_unique<CellRateSource<Real>>("short", std::vector<double>(3, 0.0))),
                     std::invalid_argument);
        EXPECT_EQ(sim.ledger().terms.size(), 1u);
    });
}

// An adding source named `rain` (or `inflow`) books into the ledger's built-in column, as rain
// grids and interior inflows do, and takes no column of its own.
TEST_P(Sources, RainAndInflowBookIntoTheBuiltInColumns) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        using Real = typename Sim::real_type;
        const ModelSetup s = setup();
        Sim sim(s);
        const std::vector<double> r(s.grid.cells(), 1e-6);
        sim.add_source(std::make_unique<CellRateSource<Real>>("rain", r));
        sim.add_source(std::make_unique<CellRateSource<Real>>("inflow", r));
        EXPECT_TRUE(sim.ledger().terms.empty());
        const double rain0 = sim.ledger().rain, inflow0 = sim.ledger().inflow;
        sim.advance_to(10.0);
        EXPECT_GT(sim.ledger().rain, rain0);
        EXPECT_GT(sim.ledger().inflow, inflow0);
        const double tol = std::is_same_v<Real, double> ? 1e-12 : 1e-5;
        EXPECT_LT(std::abs(sim.ledger().error(sim.volume())), tol * sim.volume());
    });
}

INSTANTIATE_TEST_SUITE_P(Schemes, Sources, ::testing::ValuesIn(testing::all_scheme_cases()), testing::case_name);

}  // namespace
}  // namespace floodsim
