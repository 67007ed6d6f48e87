// Storm drains (ModelSetup::drainage, scenario [drainage]) against closed forms on a closed flat
// basin under uniform rain: every scheme, both precisions.
//   rain 50 mm/h, capacity 30 mm/h, efficiency 1 until 600 s then 0.25 (inlets blocked):
//   h(t) = (50 - 30 e(t)) t / 3.6e6 m, drained = 30 / 3.6e6 * integral of e over [0, t] per m2;
//   capacity 80 mm/h above the rain: the drains take all of it, the basin stays dry.
#include <gtest/gtest.h>

#include <cmath>

#include "scheme_cases.hpp"

namespace floodsim {
namespace {

using testing::SchemeCase;

class Drainage : public ::testing::TestWithParam<SchemeCase> {
protected:
    ModelSetup basin(double capacity_mm_h) const {
        ModelSetup s = testing::make_setup(12, 10, 10.0, GetParam().scheme);
        s.options.precision = GetParam().precision;
        s.options.threads = 2;
        s.rain = TimeSeries::constant(50.0 / 3.6e6);
        s.drainage.capacity.assign(s.grid.cells(), capacity_mm_h / 3.6e6);
        s.drainage.efficiency = TimeSeries({0.0, 600.0}, {1.0, 0.25}, TimeSeries::Mode::Step);
        return s;
    }
    double rel_tol() const { return GetParam().precision == Precision::Double ? 1e-12 : 2e-6; }
};

TEST_P(Drainage, DepthAndDrainedVolumeFollowTheClosedForm) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        Sim sim(basin(30.0));
        const double area = 120.0 * 100.0;
        for (double t : {300.0, 600.0, 900.0, 1500.0}) {
            sim.advance_to(t);
            const double e_int = std::min(t, 600.0) + 0.25 * std::max(0.0, t - 600.0);  // s
            const double drained = 30.0 / 3.6e6 * e_int * area;
            const double stored = 50.0 / 3.6e6 * t * area - drained;
            const MassLedger& l = sim.ledger();
            ASSERT_EQ(l.terms.size(), 1u);
            EXPECT_EQ(l.terms[0].name, "drainage");
            EXPECT_FALSE(l.terms[0].adds);
            EXPECT_NEAR(l.terms[0].volume, drained, rel_tol() * drained) << "t = " << t;
            EXPECT_NEAR(sim.volume(), stored, rel_tol() * stored) << "t = " << t;
            // Uniform: every cell holds the same depth.
            const double h = stored / area;
            EXPECT_NEAR(static_cast<double>(sim.state().h(3, 4)), h, rel_tol() * h + 1e-12) << "t = " << t;
            EXPECT_LT(std::abs(l.error(sim.volume())), rel_tol() * stored) << "t = " << t;
        }
    });
}

TEST_P(Drainage, DrainsTakeAtMostTheWaterThere) {
    testing::with_precision(GetParam().precision, [&]<class Sim>() {
        ModelSetup s = basin(80.0);
        s.drainage.efficiency = {};  // 1 throughout
        Sim sim(std::move(s));
        sim.advance_to(900.0);
        const double rain = 50.0 / 3.6e6 * 900.0 * 120.0 * 100.0;
        EXPECT_NEAR(sim.ledger().terms[0].volume, rain, rel_tol() * rain);
        EXPECT_NEAR(sim.volume(), 0.0, 1e-9);
    });
}

INSTANTIATE_TEST_SUITE_P(Schemes, Drainage, ::testing::ValuesIn(testing::all_scheme_cases()), testing::case_name);

}  // namespace
}  // namespace floodsim
