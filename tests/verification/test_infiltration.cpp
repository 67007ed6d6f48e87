// Infiltration (ModelSetup::infiltration, scenario [infiltration]) against closed forms on a closed
// flat basin under constant rain: every scheme, both precisions (and, at the end, the drains and
// the soil acting once per interval: solver.sinks_interval).
//   Green-Ampt, rain 50 mm/h, ks 10 mm/h, psi 110 mm, dtheta 0.3: all rain infiltrates until
//   ponding at tp = ks psi dtheta / (r (r - ks)) = 594 s, then F(t) from the implicit Green-Ampt
//   equation; stored depth r t - F.
//   Horton, f0 60, fc 10 mm/h, k 2 /h: under 100 mm/h the cell is at capacity from t = 0 and
//   F(t) = fc t + (f0 - fc)(1 - e^(-k t)) / k; under 30 mm/h all rain infiltrates until the
//   capacity (decaying with the infiltrated depth) falls to 30 mm/h, then Horton from there.
//   SCS-CN, CN 80 (S = 63.5 mm, Ia = 12.7 mm), rain 50 mm/h: stored depth Q(P), infiltrated P - Q.
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

class Infiltration : public ::testing::TestWithParam<SchemeCase> {
protected:
    /// interval: solver.sinks_interval (s; 0 = the sinks every step).
    ModelSetup basin(double rain_mm_h, double interval = 0.0) const {
        ModelSetup s = testing::make_setup(12, 10, 10.0, GetParam().scheme);
        s.options.precision = GetParam().precision;
        s.options.threads = 2;
        s.options.sinks_interval = interval;
        s.rain = TimeSeries::constant(rain_mm_h * kMmH);
        return s;
    }
    /// Infiltrated volume and stored volume against the closed form F (m) at time t.
    template <class Sim>
    void expect_infiltrated(const Sim& sim, double t, double rain_mm_h, double f, double tol_f, double tol_h) const {
        const MassLedger& l = sim.ledger();
        ASSERT_EQ(l.terms.size(), 1u);
        EXPECT_EQ(l.terms[0].name, "infiltration");
        EXPECT_FALSE(l.terms[0].adds);
        EXPECT_NEAR(l.terms[0].volume / kArea, f, tol_f * f) << "t = " << t;
        const double h = rain_mm_h * kMmH * t - f;
        EXPECT_NEAR(sim.volume() / kArea, h, tol_h * h + 1e-9) << "t = " << t;
        EXPECT_NEAR(static_cast<double>(sim.state().h(5, 4)), h, tol_h * h + 1e-7) << "t = " << t;
        const double rain = rain_mm_h * kMmH * t * kArea;
        EXPECT_LT(std::abs(l.error(sim.volume())), rel_tol() * rain) << "t = " << t;
        // The cumulative infiltrated depth per cell is in the state.
        const Field<double>* cum = sim.state().extra_field("infiltration_depth");
        ASSERT_NE(cum, nullptr);
        EXPECT_NEAR((*cum)(7, 2), f, tol_f * f) << "t = " << t;
    }
    double rel_tol() const { return GetParam().precision == Precision::Double ? 1e-12 : 2e-6; }
};

TEST(InfiltrationClosedForms, GreenAmptPondsAtTheKnownTime) {
    const double r = 50 * kMmH, ks = 10 * kMmH, psi = 0.11, dtheta = 0.3;
    EXPECT_NEAR(green_ampt_cumulative(500.0, r, ks, psi, dtheta), r * 500.0, 1e-15);
    const double tp = ks * psi * dtheta / (r * (r - ks));
    EXPECT_NEAR(tp, 594.0, 1e-9);
    // After ponding the rate is the capacity ks (1 + psi dtheta / F).
    const double t = 3600.0, f = green_ampt_cumulative(t, r, ks, psi, dtheta);
    const double rate = (green_ampt_cumulative(t + 0.01, r, ks, psi, dtheta) - green_ampt_cumulative(t - 0.01, r, ks, psi, dtheta)) / 0.02;
    EXPECT_NEAR(rate, ks * (1.0 + psi * dtheta / f), 1e-6 * rate);
    EXPECT_NEAR(scs_runoff(0.0127, 80.0, 0.2), 0.0, 1e-15);
    EXPECT_NEAR(scs_runoff(0.1, 80.0, 0.2), (0.1 - 0.0127) * (0.1 - 0.0127) / (0.1 - 0.0127 + 0.0635), 1e-12);
}

TEST_P(Infiltration, GreenAmptFollowsTheClosedForm) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        ModelSetup s = basin(50.0);
        s.infiltration.model = InfiltrationSpec::Model::GreenAmpt;
        s.infiltration.ks = {10 * kMmH};
        s.infiltration.psi = {0.11};
        s.infiltration.dtheta = {0.3};
        Sim sim(std::move(s));
        sim.advance_to(590.0);  // before ponding: nothing on the ground
        EXPECT_LT(sim.volume() / kArea, 1e-9);
        for (double t : {900.0, 1800.0, 3600.0, 7200.0}) {
            sim.advance_to(t);
            const double f = green_ampt_cumulative(t, 50 * kMmH, 10 * kMmH, 0.11, 0.3);
            expect_infiltrated(sim, t, 50.0, f, 1e-4, 1e-3);
        }
    });
}

// Also with the sinks every 60 s (solver.sinks_interval): the potential at capacity is exact over
// any time, so at multiples of the interval F is the closed form as with the sinks every step.
TEST_P(Infiltration, HortonAtCapacityFollowsTheClosedForm) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        for (const double interval : {0.0, 60.0}) {
            ModelSetup s = basin(100.0, interval);
            s.infiltration.model = InfiltrationSpec::Model::Horton;
            s.infiltration.f0 = {60 * kMmH};
            s.infiltration.fc = {10 * kMmH};
            s.infiltration.k = {2.0 / 3600.0};
            Sim sim(std::move(s));
            for (double t : {600.0, 1800.0, 3600.0, 7200.0}) {
                sim.advance_to(t);
                const double f = horton_cumulative(t, 60 * kMmH, 10 * kMmH, 2.0 / 3600.0);
                SCOPED_TRACE("sinks_interval " + std::to_string(interval));
                expect_infiltrated(sim, t, 100.0, f, 10 * rel_tol(), 10 * rel_tol());
            }
        }
    });
}

// Under rain below f0 the capacity decays only as water infiltrates (depth-based Horton): ponding
// when e^(-k t*) = (r - fc) / (f0 - fc), at F_p = F_H(t*_p), t_p = F_p / r; then F = F_H(t*_p + t - t_p).
TEST_P(Infiltration, HortonDecaysWithTheInfiltratedDepth) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        ModelSetup s = basin(30.0);
        s.infiltration.model = InfiltrationSpec::Model::Horton;
        s.infiltration.f0 = {60 * kMmH};
        s.infiltration.fc = {10 * kMmH};
        s.infiltration.k = {2.0 / 3600.0};
        Sim sim(std::move(s));
        const double r = 30 * kMmH, f0 = 60 * kMmH, fc = 10 * kMmH, k = 2.0 / 3600.0;
        const double ts = std::log((f0 - fc) / (r - fc)) / k;
        const double fp = horton_cumulative(ts, f0, fc, k), tp = fp / r;
        EXPECT_NEAR(tp, 2349.8, 0.1);  // later than the clock-based form would pond (t*_p = 1649 s)
        sim.advance_to(1800.0);
        EXPECT_LT(sim.volume() / kArea, 1e-9);
        for (double t : {2700.0, 3600.0, 7200.0}) {
            sim.advance_to(t);
            const double f = horton_cumulative(ts + t - tp, f0, fc, k);
            expect_infiltrated(sim, t, 30.0, f, 1e-4, 1e-3);
        }
    });
}

TEST_P(Infiltration, ScsCurveNumberFollowsQofP) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        ModelSetup s = basin(50.0);
        s.infiltration.model = InfiltrationSpec::Model::ScsCn;
        s.infiltration.cn = {80.0};
        Sim sim(std::move(s));
        for (double t : {600.0, 1800.0, 3600.0, 7200.0}) {
            sim.advance_to(t);
            const double p = 50 * kMmH * t;
            const double f = p - scs_runoff(p, 80.0, 0.2);
            expect_infiltrated(sim, t, 50.0, f, 10 * rel_tol(), 10 * rel_tol());
        }
    });
}

INSTANTIATE_TEST_SUITE_P(Schemes, Infiltration, ::testing::ValuesIn(testing::all_scheme_cases()), testing::case_name);

// ---------------------------------------------------------------------------------------------
// The surface sinks acting once per interval (SolverOptions::sinks_interval, scenario
// solver.sinks_interval) on a closed flat basin under uniform rain: every scheme, both precisions.
// At each multiple of the interval the sinks take, over the time since they last acted, what the
// same formulas give for that time; between multiples they book nothing.
//   Drains: capacity 30 mm/h, efficiency 1 until 600 s then 0.25, interval 120 s: at multiples the
//   drained depth is 30 mm/h x the integral of the efficiency, as every step (test_drainage.cpp).
//   SCS-CN (CN 80) depends only on the rain: at multiples its abstraction is the closed form as
//   every step, the rain of the steps between counted (Horton at capacity: its test above).
//   Green-Ampt (rain 50 mm/h, ks 10 mm/h, psi 110 mm, dtheta 0.3): rain waits up to one interval
//   on the ground before the soil takes it. Measured (fv1 double, stepping from 0 straight to
//   900, 1800, 3600, 7200 s: a 60 s step spans the ponding), F's relative error: every step
//   +2.6e-4, +1.1e-4, +5.2e-5, +2.7e-5; interval 30 s the same to two digits; interval 300 s
//   -3.7e-4, -3.4e-4, -2.1e-4, -1.2e-4. Asserted: within 5e-4.
//   A restart from a state taken while the sinks wait is bitwise the run without it.

/// The sinks acting once per interval: the basin of Infiltration with an interval.
class SinksInterval : public Infiltration {
protected:
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
