// Infiltration (ModelSetup::infiltration, scenario [infiltration]) against closed forms on a closed
// flat basin under constant rain: every scheme, both precisions.
//   Green-Ampt, rain 50 mm/h, ks 10 mm/h, psi 110 mm, dtheta 0.3: all rain infiltrates until
//   ponding at tp = ks psi dtheta / (r (r - ks)) = 594 s, then F(t) from the implicit Green-Ampt
//   equation; stored depth r t - F.
//   Horton, f0 60, fc 10 mm/h, k 2 /h: under 100 mm/h the cell is at capacity from t = 0 and
//   F(t) = fc t + (f0 - fc)(1 - e^(-k t)) / k; under 30 mm/h all rain infiltrates until the
//   capacity (decaying with the infiltrated depth) falls to 30 mm/h, then Horton from there.
//   SCS-CN, CN 80 (S = 63.5 mm, Ia = 12.7 mm), rain 50 mm/h: stored depth Q(P), infiltrated P - Q.
#include <gtest/gtest.h>

#include <cmath>

#include "scheme_cases.hpp"
#include "solver/surface_sinks.hpp"

namespace floodsim {
namespace {

using testing::SchemeCase;
constexpr double kMmH = 1.0 / 3.6e6;  // m/s
constexpr double kArea = 120.0 * 100.0;

class Infiltration : public ::testing::TestWithParam<SchemeCase> {
protected:
    ModelSetup basin(double rain_mm_h) const {
        ModelSetup s = testing::make_setup(12, 10, 10.0, GetParam().scheme);
        s.options.precision = GetParam().precision;
        s.options.threads = 2;
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

TEST_P(Infiltration, HortonAtCapacityFollowsTheClosedForm) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        ModelSetup s = basin(100.0);
        s.infiltration.model = InfiltrationSpec::Model::Horton;
        s.infiltration.f0 = {60 * kMmH};
        s.infiltration.fc = {10 * kMmH};
        s.infiltration.k = {2.0 / 3600.0};
        Sim sim(std::move(s));
        for (double t : {600.0, 1800.0, 3600.0, 7200.0}) {
            sim.advance_to(t);
            const double f = horton_cumulative(t, 60 * kMmH, 10 * kMmH, 2.0 / 3600.0);
            expect_infiltrated(sim, t, 100.0, f, 10 * rel_tol(), 10 * rel_tol());
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

}  // namespace
}  // namespace floodsim
