// State apart from workspaces: a State copied from a run and restored into a fresh simulation
// built from the same setup continues the run bit for bit (depths, momenta, maxima, arrival
// times, ledger, time, steps), for every scheme and both precisions, with rain, an inflow, a
// level boundary, a free outflow and dry tiles skipped.
#include <gtest/gtest.h>

#include <stdexcept>

#include "scheme_cases.hpp"

namespace floodsim {
namespace {

using testing::SchemeCase;

constexpr double kEnd = 50.0;  // s: dry tiles skipped, rain from 30 to 38 s

class Restart : public ::testing::TestWithParam<SchemeCase> {
protected:
    ModelSetup setup() const { return testing::busy_catchment(GetParam().scheme, 2); }
};

/// Steps b with the same step limit as a's advance_to(kEnd) until at least t_stop: the same steps.
template <class Sim>
void step_until(Sim& b, double t_stop) {
    while (b.time() < t_stop) b.step(kEnd);
}

TEST_P(Restart, FreshSimulationContinuesBitwise) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        Sim a(setup());
        a.advance_to(kEnd);
        ASSERT_GT(a.ledger().inflow, 0.0);
        ASSERT_GT(a.ledger().outflow, 0.0);
        ASSERT_GT(a.ledger().rain, 0.0);
        Sim b(setup());
        step_until(b, 0.5 * kEnd);
        const State<typename Sim::real_type> saved = b.state();  // a copy
        ASSERT_GT(saved.steps, 0);
        Sim c(setup());
        c.restore_state(saved);
        EXPECT_EQ(c.time(), saved.t);
        EXPECT_EQ(c.steps(), saved.steps);
        c.advance_to(kEnd);
        testing::expect_same_run(c, a);
    });
}

// Restoring at t = 0 (before any step), into a simulation that ran on (its workspaces hold later
// data: dry-tile flags, fv2's U*, the inertial fluxes), and into one that ran only a little (its
// dry-tile flags say dry where the restored state has water) all continue bit for bit.
TEST_P(Restart, RestoreOverOtherWorkspaces) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        Sim a(setup());
        const auto initial = a.state();
        step_until(a, 0.5 * kEnd);
        const auto mid = a.state();
        a.advance_to(kEnd);

        Sim from_start(setup());
        from_start.restore_state(initial);
        from_start.advance_to(kEnd);
        testing::expect_same_run(from_start, a);

        Sim rewound(setup());
        rewound.advance_to(kEnd);
        rewound.restore_state(mid);
        rewound.advance_to(kEnd);
        testing::expect_same_run(rewound, a);

        Sim forwarded(setup());
        step_until(forwarded, 2.0);
        forwarded.restore_state(mid);
        forwarded.advance_to(kEnd);
        testing::expect_same_run(forwarded, a);
    });
}

TEST_P(Restart, RejectsAStateOfAnotherGrid) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        Sim a(setup());
        ModelSetup other = testing::make_setup(20, 10, 5.0, GetParam().scheme);
        Sim b(other);
        EXPECT_THROW(a.restore_state(b.state()), std::invalid_argument);
        auto s = a.state();
        s.grid.dx = 4.0;
        EXPECT_THROW(a.restore_state(s), std::invalid_argument);
        s = a.state();
        s.h = Field<typename Sim::real_type>();
        EXPECT_THROW(a.restore_state(s), std::invalid_argument);
        EXPECT_NO_THROW(a.restore_state(a.state()));
    });
}

INSTANTIATE_TEST_SUITE_P(Schemes, Restart, ::testing::ValuesIn(testing::all_scheme_cases()), testing::case_name);

}  // namespace
}  // namespace floodsim
