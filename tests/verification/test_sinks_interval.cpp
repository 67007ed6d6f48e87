// The surface sinks acting once per interval (SolverOptions::sinks_interval, scenario
// solver.sinks_interval) on a closed flat basin under uniform rain: every scheme, both precisions.
// At each multiple of the interval the sinks take, over the time since they last acted, what the
// same formulas give for that time; between multiples they book nothing.
//   Drains: capacity 30 mm/h, efficiency 1 until 600 s then 0.25, interval 120 s: at multiples the
//   drained depth is 30 mm/h x the integral of the efficiency, as every step (test_drainage.cpp).
//   Horton at capacity (100 mm/h > f0 60 mm/h) and SCS-CN (CN 80) depend only on the time and the
//   rain: at multiples they equal their closed forms as every step (test_infiltration.cpp).
//   Green-Ampt (rain 50 mm/h, ks 10 mm/h, psi 110 mm, dtheta 0.3): rain waits up to one interval
//   on the ground before the soil takes it. Measured (fv1 double, stepping from 0 straight to
//   900, 1800, 3600, 7200 s: a 60 s step spans the ponding), F's relative error: every step
//   +2.6e-4, +1.1e-4, +5.2e-5, +2.7e-5; interval 30 s the same to two digits; interval 300 s
//   -3.7e-4, -3.4e-4, -2.1e-4, -1.2e-4. Asserted: within 5e-4.
//   A restart from a state taken while the sinks wait is bitwise the run without it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "scheme_cases.hpp"
#include "solver/surface_sinks.hpp"

namespace floodsim {
namespace {

using testing::SchemeCase;
constexpr double kMmH = 1.0 / 3.6e6;  // m/s
constexpr double kArea = 120.0 * 100.0;

class SinksInterval : public ::testing::TestWithParam<SchemeCase> {
protected:
    ModelSetup basin(double rain_mm_h, double interval) const {
        ModelSetup s = testing::make_setup(12, 10, 10.0, GetParam().scheme);
        s.options.precision = GetParam().precision;
        s.options.threads = 2;
        s.options.sinks_interval = interval;
        s.rain = TimeSeries::constant(rain_mm_h * kMmH);
        return s;
    }
    double rel_tol() const { return GetParam().precision == Precision::Double ? 1e-12 : 2e-6; }
    /// The ledger's volume of its only term.
    template <class Sim>
    static double booked(const Sim& sim) {
        EXPECT_EQ(sim.ledger().terms.size(), 1u);
        return sim.ledger().terms[0].volume;
    }
};

TEST_P(SinksInterval, DrainsTakeTheirCapacityAtEachMultipleAndNothingBetween) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        ModelSetup s = basin(50.0, 120.0);
        s.drainage.capacity.assign(s.grid.cells(), 30.0 * kMmH);
        s.drainage.efficiency = TimeSeries({0.0, 600.0}, {1.0, 0.25}, TimeSeries::Mode::Step);
        Sim sim(std::move(s));
        for (double t : {240.0, 600.0, 960.0, 1560.0}) {
            sim.advance_to(t);
            const double e_int = std::min(t, 600.0) + 0.25 * std::max(0.0, t - 600.0);  // s
            const double drained = 30.0 * kMmH * e_int * kArea;
            EXPECT_NEAR(booked(sim), drained, rel_tol() * drained) << "t = " << t;
            const double stored = 50.0 * kMmH * t * kArea - drained;
            EXPECT_NEAR(sim.volume(), stored, rel_tol() * stored) << "t = " << t;
            EXPECT_LT(std::abs(sim.ledger().error(sim.volume())), rel_tol() * stored) << "t = " << t;
            // Half an interval later the drains have taken nothing more; the rain is on the ground.
            const double before = booked(sim);
            sim.advance_to(t + 60.0);
            EXPECT_EQ(booked(sim), before) << "t = " << t + 60.0;
        }
    });
}

TEST_P(SinksInterval, HortonAtCapacityFollowsTheClosedFormAtMultiples) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        ModelSetup s = basin(100.0, 60.0);
        s.infiltration.model = InfiltrationSpec::Model::Horton;
        s.infiltration.f0 = {60 * kMmH};
        s.infiltration.fc = {10 * kMmH};
        s.infiltration.k = {2.0 / 3600.0};
        Sim sim(std::move(s));
        for (double t : {600.0, 1800.0, 3600.0, 7200.0}) {
            sim.advance_to(t);
            const double f = horton_cumulative(t, 60 * kMmH, 10 * kMmH, 2.0 / 3600.0);
            EXPECT_NEAR(booked(sim) / kArea, f, 10 * rel_tol() * f) << "t = " << t;
            const Field<double>& cum = *sim.state().extra_field("infiltration_depth");
            EXPECT_NEAR(cum(7, 2), f, 10 * rel_tol() * f) << "t = " << t;
        }
    });
}

TEST_P(SinksInterval, ScsCurveNumberCountsEveryStepsRain) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        ModelSetup s = basin(50.0, 90.0);
        s.infiltration.model = InfiltrationSpec::Model::ScsCn;
        s.infiltration.cn = {80.0};
        Sim sim(std::move(s));
        for (double t : {900.0, 1800.0, 3600.0, 7200.0}) {
            sim.advance_to(t);
            const double p = 50 * kMmH * t;
            const double f = p - scs_runoff(p, 80.0, 0.2);
            EXPECT_NEAR(booked(sim) / kArea, f, 10 * rel_tol() * f) << "t = " << t;
            EXPECT_NEAR(sim.volume() / kArea, p - f, 10 * rel_tol() * p) << "t = " << t;
            EXPECT_NEAR((*sim.state().extra_field("scs_rain_depth"))(4, 4), p, 10 * rel_tol() * p) << "t = " << t;
        }
    });
}

TEST_P(SinksInterval, GreenAmptStaysOnTheClosedForm) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        for (const double interval : {30.0, 300.0}) {
            ModelSetup s = basin(50.0, interval);
            s.infiltration.model = InfiltrationSpec::Model::GreenAmpt;
            s.infiltration.ks = {10 * kMmH};
            s.infiltration.psi = {0.11};
            s.infiltration.dtheta = {0.3};
            Sim sim(std::move(s));
            sim.advance_to(300.0);  // a multiple before ponding (594 s): the soil took all the rain
            EXPECT_LT(sim.volume() / kArea, 1e-9) << interval;
            for (double t : {900.0, 1800.0, 3600.0, 7200.0}) {
                sim.advance_to(t);
                const double f = green_ampt_cumulative(t, 50 * kMmH, 10 * kMmH, 0.11, 0.3);
                EXPECT_NEAR(booked(sim) / kArea, f, 5e-4 * f) << "interval " << interval << ", t = " << t;
                EXPECT_LT(std::abs(sim.ledger().error(sim.volume())), rel_tol() * 50 * kMmH * t * kArea) << "t = " << t;
            }
        }
    });
}

TEST_P(SinksInterval, ARestartWhileTheSinksWaitIsBitwise) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        ModelSetup s = basin(50.0, 300.0);
        s.drainage.capacity.assign(s.grid.cells(), 20.0 * kMmH);
        s.infiltration.model = InfiltrationSpec::Model::GreenAmpt;
        s.infiltration.ks = {10 * kMmH};
        s.infiltration.psi = {0.11};
        s.infiltration.dtheta = {0.3};
        const double end = 2400.0;
        Sim a(s);
        a.advance_to(end);
        Sim b(s);
        while (b.time() < 1000.0) b.step(end);
        const auto saved = b.state();
        const std::vector<double>* pending = saved.extra_values("sinks_pending");
        ASSERT_NE(pending, nullptr);
        ASSERT_GT((*pending)[0], 0.0);  // taken while the sinks wait
        Sim c(s);
        c.restore_state(saved);
        c.advance_to(end);
        testing::expect_same_run(c, a);
        ASSERT_EQ(c.ledger().terms.size(), 2u);
        for (std::size_t k = 0; k < 2; ++k) EXPECT_EQ(c.ledger().terms[k].volume, a.ledger().terms[k].volume);
        const Field<double>& fa = *a.state().extra_field("infiltration_depth");
        const Field<double>& fc = *c.state().extra_field("infiltration_depth");
        EXPECT_EQ(std::memcmp(fa.data(), fc.data(), fa.size() * sizeof(double)), 0);
    });
}

INSTANTIATE_TEST_SUITE_P(Schemes, SinksInterval, ::testing::ValuesIn(testing::all_scheme_cases()), testing::case_name);

}  // namespace
}  // namespace floodsim
