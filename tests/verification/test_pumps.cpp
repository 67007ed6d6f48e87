// Pump stations (ModelSetup::pumps, scenario [[pump]]): hysteresis, volumes, transfers; every
// scheme, both precisions.
//   One closed cell of 10 x 10 m under 360 mm/h (R = 0.01 m3/s), a pump of Q = 0.03 m3/s that
//   starts at 0.10 m and stops at 0.04 m: it starts at t0 = 0.10 A / R = 1000 s, drains for
//   (on - off) A / (Q - R) = 300 s, refills for (on - off) A / R = 600 s, and so on: at 2950 s it
//   has run 750 s and moved 22.5 m3.
#include <gtest/gtest.h>

#include <cmath>

#include "scheme_cases.hpp"

namespace floodsim {
namespace {

using testing::SchemeCase;

class Pumps : public ::testing::TestWithParam<SchemeCase> {
protected:
    ModelSetup sump(int nx) const {
        ModelSetup s = testing::make_setup(nx, 1, 10.0, GetParam().scheme);
        s.options.precision = GetParam().precision;
        s.options.threads = 1;
        s.rain = TimeSeries::constant(360.0 / 3.6e6);
        s.pumps.push_back({"sump", 0, 0, -1, -1, 0.03, 0.10, 0.04});
        return s;
    }
    double rel_tol() const { return GetParam().precision == Precision::Double ? 1e-12 : 2e-6; }
};

TEST_P(Pumps, HysteresisCyclesFollowTheClosedForm) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        Sim sim(sump(1));
        double on_time = 0.0;  // first start
        bool was_running = false;
        int starts = 0;
        while (sim.time() < 2950.0) {
            sim.step(2950.0);
            const auto& st = sim.state();
            const bool running = (*st.extra_values("pump_running"))[0] != 0.0;
            const double h = static_cast<double>(st.h(0, 0));
            // Never running below its off depth; never starting below its on depth.
            if (running) {
                EXPECT_GE(h, 0.04 - 1e-7) << "t = " << sim.time();
            }
            if (running && !was_running) {
                ++starts;
                if (starts == 1) on_time = sim.time();
            }
            was_running = running;
        }
        EXPECT_EQ(starts, 3);
        EXPECT_NEAR(on_time, 1000.0, 10.0);  // within a step or two of the closed form
        const MassLedger& l = sim.ledger();
        ASSERT_EQ(l.terms.size(), 1u);
        EXPECT_EQ(l.terms[0].name, "pumped");
        const double volume = (*sim.state().extra_values("pump_volume"))[0];
        const double running_time = (*sim.state().extra_values("pump_running_time"))[0];
        EXPECT_NEAR(l.terms[0].volume, volume, 1e-12 * volume);
        EXPECT_NEAR(volume, 0.03 * running_time, 1e-12 * volume);  // capacity x running time
        EXPECT_NEAR(volume, 22.5, 0.02 * 22.5);
        EXPECT_NEAR(running_time, 750.0, 0.02 * 750.0);
        EXPECT_LT(std::abs(l.error(sim.volume())), 10 * rel_tol() * l.rain);
    });
}

// A pump into another cell moves water without booking it: the volume stays, `pumped` stays 0.
TEST_P(Pumps, TransferKeepsTheVolume) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        ModelSetup s = sump(6);
        s.pumps[0].to_i = 5;
        s.pumps[0].to_j = 0;
        Sim sim(std::move(s));
        sim.advance_to(3600.0);
        const MassLedger& l = sim.ledger();
        const double moved = (*sim.state().extra_values("pump_volume"))[0];
        EXPECT_GT(moved, 1.0);
        EXPECT_LT(std::abs(l.terms[0].volume), rel_tol() * moved);
        EXPECT_NEAR(sim.volume(), l.rain, 10 * rel_tol() * l.rain);
        EXPECT_LT(std::abs(l.error(sim.volume())), 10 * rel_tol() * l.rain);
    });
}

// The pump's state (running flag, volume, running time) is part of the State: a restart from a
// copy taken mid-run, while the pump runs, continues it bit for bit.
TEST_P(Pumps, RestartContinuesTheCycle) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        Sim a(sump(1));
        a.advance_to(1100.0);  // running (started at about 1000 s)
        ASSERT_EQ((*a.state().extra_values("pump_running"))[0], 1.0);
        Sim b(sump(1));
        b.restore_state(a.state());
        a.advance_to(2000.0);
        b.advance_to(2000.0);
        EXPECT_EQ(a.steps(), b.steps());
        EXPECT_EQ(static_cast<double>(a.state().h(0, 0)), static_cast<double>(b.state().h(0, 0)));
        EXPECT_EQ(*a.state().extra_values("pump_volume"), *b.state().extra_values("pump_volume"));
        EXPECT_EQ(*a.state().extra_values("pump_running"), *b.state().extra_values("pump_running"));
    });
}

INSTANTIATE_TEST_SUITE_P(Schemes, Pumps, ::testing::ValuesIn(testing::all_scheme_cases()), testing::case_name);

}  // namespace
}  // namespace floodsim
