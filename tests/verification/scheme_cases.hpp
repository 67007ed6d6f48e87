#pragma once
// Parameterised tests over the three schemes and both precisions: the parameter, a dispatch to
// BasicSimulation<double> / <float>, a small run with every kind of forcing (rain, an inflow, a
// level boundary, a free outflow, a wall, dry land that the flood reaches across chunk ends), and
// a bitwise comparison of two runs that covers everything a result file holds.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "setups.hpp"

namespace floodsim::testing {

struct SchemeCase {
    Scheme scheme;
    Precision precision;
};

inline std::string case_name(const ::testing::TestParamInfo<SchemeCase>& info) {
    const char* s = info.param.scheme == Scheme::Fv1 ? "Fv1" : info.param.scheme == Scheme::Fv2 ? "Fv2" : "Inertial";
    return std::string(s) + (info.param.precision == Precision::Double ? "Double" : "Single");
}

inline std::vector<SchemeCase> all_scheme_cases() {
    std::vector<SchemeCase> v;
    for (Scheme s : {Scheme::Fv1, Scheme::Fv2, Scheme::Inertial})
        for (Precision p : {Precision::Double, Precision::Single}) v.push_back({s, p});
    return v;
}

/// Calls f.template operator()<Sim>() with the simulation type of the precision.
template <class F>
void with_precision(Precision p, F&& f) {
    if (p == Precision::Double)
        f.template operator()<Simulation>();
    else
        f.template operator()<SimulationSingle>();
}

/// 150 x 70 cells of 5 m (three 64-cell chunks per row, the last partial): a bumpy bed falling
/// east, a reservoir, a wall, rain from 30 to 38 s (before it, dry tiles are skipped), a
/// hydrograph into the dry north side, a level above the bed on part of the west side and a free
/// outflow east.
inline ModelSetup busy_catchment(Scheme scheme, int threads) {
    constexpr int nx = 150, ny = 70;
    ModelSetup s = make_setup(nx, ny, 5.0, scheme);
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * nx + i;
            s.z[k] = 0.05 * std::sin(i * 0.11) * std::cos(j * 0.07) + 0.004 * (nx - i);
            s.manning[k] = 0.03;
            if (i >= 50 && i < 75 && j >= 30 && j < 45) s.h0[k] = 1.0;
            if (i >= 110 && i < 113 && j >= 15 && j < 55) s.z[k] = std::nan("");
        }
    s.boundaries.push_back({BoundarySide::North, BoundaryType::Discharge,
                            TimeSeries({0.0, 60.0}, {0.5, 4.0}, TimeSeries::Mode::Linear), 80, 90});
    s.boundaries.push_back({BoundarySide::West, BoundaryType::Level, TimeSeries::constant(1.0), 20, 30});
    s.boundaries.push_back({BoundarySide::East, BoundaryType::Free, {}, 0, -1});
    s.rain = TimeSeries({0.0, 30.0, 38.0}, {0.0, 2e-5, 0.0}, TimeSeries::Mode::Step);
    s.options.skip_dry_tiles = true;
    s.options.threads = threads;
    return s;
}

/// Two runs agree to the bit: time, steps, the state (ghosts included), the maxima, arrival
/// times, wet cells and every ledger entry.
template <class Sim>
void expect_same_run(const Sim& a, const Sim& b) {
    using Real = typename Sim::real_type;
    ASSERT_EQ(a.steps(), b.steps());
    EXPECT_EQ(a.time(), b.time());
    EXPECT_EQ(std::memcmp(a.h().data(), b.h().data(), a.h().size() * sizeof(Real)), 0) << "depth";
    EXPECT_EQ(std::memcmp(a.hu().data(), b.hu().data(), a.hu().size() * sizeof(Real)), 0) << "x momentum";
    EXPECT_EQ(std::memcmp(a.hv().data(), b.hv().data(), a.hv().size() * sizeof(Real)), 0) << "y momentum";
    EXPECT_EQ(a.wet_cells(), b.wet_cells());
    const MassLedger &la = a.ledger(), &lb = b.ledger();
    EXPECT_EQ(la.volume0, lb.volume0);
    EXPECT_EQ(la.rain, lb.rain);
    EXPECT_EQ(la.inflow, lb.inflow);
    EXPECT_EQ(la.outflow, lb.outflow);
    EXPECT_EQ(la.positivity_fix, lb.positivity_fix);
    EXPECT_EQ(a.volume(), b.volume());
    std::vector<float> ma(a.grid().cells()), mb(b.grid().cells());
    a.copy_max_depth(ma.data());
    b.copy_max_depth(mb.data());
    EXPECT_EQ(std::memcmp(ma.data(), mb.data(), ma.size() * sizeof(float)), 0) << "max depth";
    a.copy_max_speed(ma.data());
    b.copy_max_speed(mb.data());
    EXPECT_EQ(std::memcmp(ma.data(), mb.data(), ma.size() * sizeof(float)), 0) << "max speed";
    a.copy_arrival_time(ma.data());
    b.copy_arrival_time(mb.data());
    EXPECT_EQ(std::memcmp(ma.data(), mb.data(), ma.size() * sizeof(float)), 0) << "arrival time";
}

}  // namespace floodsim::testing
