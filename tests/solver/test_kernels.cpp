// Kernel unit tests: Riemann solver, hydrostatic reconstruction, friction, the friction limit of
// fv1's face flux, time series, and
// whole-step properties (positivity, x/y symmetry).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "solver/friction_limited_flux.hpp"
#include "solver/friction_manning.hpp"
#include "solver/hydrostatic_reconstruction.hpp"
#include "solver/riemann_hllc.hpp"
#include "solver/simulation.hpp"
#include "solver/time_series.hpp"
#include "solver/velocity.hpp"

namespace floodsim {
namespace {

constexpr double g = 9.81;

TEST(Riemann, ConsistentWithThePhysicalFlux) {
    for (double h : {1e-4, 0.1, 2.0, 30.0})
        for (double u : {-5.0, -0.3, 0.0, 0.7, 12.0})
            for (double v : {-1.0, 0.0, 2.5}) {
                const FaceFlux<double> f = riemann_hllc(h, u, v, h, u, v, g);
                EXPECT_EQ(f.mass, h * u);
                EXPECT_EQ(f.normal, h * u * u + 0.5 * g * h * h);
                EXPECT_EQ(f.transverse, h * u * v);
            }
}

TEST(Riemann, DryAgainstDryIsZero) {
    const FaceFlux<double> f = riemann_hllc(0.0, 3.0, 1.0, 0.0, -2.0, 4.0, g);
    EXPECT_EQ(f.mass, 0.0);
    EXPECT_EQ(f.normal, 0.0);
    EXPECT_EQ(f.transverse, 0.0);
}

TEST(Riemann, MirrorSymmetry) {
    // Reflecting the problem (x -> -x) swaps the states and flips normal velocities: the mass and
    // transverse fluxes change sign, the normal momentum flux does not.
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> H(0.0, 3.0), U(-4.0, 4.0);
    for (int k = 0; k < 1000; ++k) {
        const double hL = k % 7 == 0 ? 0.0 : H(rng), hR = k % 11 == 0 ? 0.0 : H(rng);
        const double uL = U(rng), uR = U(rng), vL = U(rng), vR = U(rng);
        const FaceFlux<double> a = riemann_hllc(hL, uL, vL, hR, uR, vR, g);
        const FaceFlux<double> b = riemann_hllc(hR, -uR, vR, hL, -uL, vL, g);
        const double scale = 1.0 + std::abs(a.normal);
        EXPECT_NEAR(a.mass, -b.mass, 1e-12 * scale);
        EXPECT_NEAR(a.normal, b.normal, 1e-12 * scale);
        EXPECT_NEAR(a.transverse, -b.transverse, 1e-12 * scale);
    }
}

TEST(Riemann, StillWaterGivesPressureOnly) {
    const FaceFlux<double> f = riemann_hllc(1.7, 0.0, 0.0, 1.7, 0.0, 0.0, g);
    EXPECT_EQ(f.mass, 0.0);
    EXPECT_EQ(f.normal, 0.5 * g * 1.7 * 1.7);
    EXPECT_EQ(f.transverse, 0.0);
}

TEST(HydrostaticReconstruction, LakeAtRestHasEqualDepthsAtTheFace) {
    // Same level 2.0 over different beds: both sides see the same depth above the face bed.
    const FaceDepths<double> r = reconstruct_face(1.5, 0.5, 0.75, 1.25);
    EXPECT_EQ(r.zf, 1.25);
    EXPECT_EQ(r.hl, r.hr);
    EXPECT_EQ(r.hl, 0.75);
}

TEST(HydrostaticReconstruction, EmergedNeighbourIsAWall) {
    // Water at level 1.0 against dry ground at 3.0: no depth on either side of the face.
    const FaceDepths<double> r = reconstruct_face(0.6, 0.4, 0.0, 3.0);
    EXPECT_EQ(r.hl, 0.0);
    EXPECT_EQ(r.hr, 0.0);
}

TEST(HydrostaticReconstruction, NeverMoreThanTheCellHolds) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> H(0.0, 2.0), Z(-3.0, 3.0);
    for (int k = 0; k < 1000; ++k) {
        const double hL = H(rng), zL = Z(rng), hR = k % 3 ? H(rng) : 0.0, zR = Z(rng);
        const FaceDepths<double> r = reconstruct_face(hL, zL, hR, zR);
        EXPECT_GE(r.hl, 0.0);
        EXPECT_GE(r.hr, 0.0);
        EXPECT_LE(r.hl, hL);
        EXPECT_LE(r.hr, hR);
    }
}

TEST(Friction, ImplicitFactorIsStableAndReachesTheManningBalance) {
    // Thin sheet, huge step: factor in (0, 1], no reversal.
    const double f = manning_implicit_factor(1e-4, 0.5, -0.2, g * 0.05 * 0.05, 100.0);
    EXPECT_GT(f, 0.0);
    EXPECT_LE(f, 1.0);
    // Steady state of q_new = (q + dt g h S) * factor: q = sqrt(S)/n h^(5/3) whatever dt.
    const double h = 0.004, S = 0.05, n = 0.03;
    const double q_manning = std::sqrt(S) / n * std::pow(h, 5.0 / 3.0);
    for (double dt : {0.01, 1.0, 30.0}) {
        const double q_star = q_manning + dt * g * h * S;
        const double q_new = q_star * manning_implicit_factor(h, q_star, 0.0, g * n * n, dt);
        EXPECT_NEAR(q_new / q_manning, 1.0, 1e-9) << "dt " << dt;
        // float: h^(-7/3) from the division-free root, to float's few ulp
        const float qf = static_cast<float>(q_star) *
                         manning_implicit_factor(float(h), float(q_star), 0.0f, float(g * n * n), float(dt));
        EXPECT_NEAR(qf / q_manning, 1.0, 2e-5) << "dt " << dt;
    }
    // a sheet at the dry depth: h^(-7/3) = 1e14 stays finite in float
    const float fd = manning_implicit_factor(1e-6f, 0.01f, 0.0f, float(g * 0.05 * 0.05), 1.0f);
    EXPECT_GT(fd, 0.0f);
    EXPECT_LT(fd, 1e-3f);
}

TEST(Riemann, TransverseFluxIsMassTimesTheCarriedVelocity) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> H(0.0, 3.0), U(-4.0, 4.0);
    for (int k = 0; k < 1000; ++k) {
        const double hL = k % 7 == 0 ? 0.0 : H(rng), hR = k % 11 == 0 ? 0.0 : H(rng);
        const FaceFlux<double> f = riemann_hllc(hL, U(rng), U(rng), hR, U(rng), U(rng), g);
        EXPECT_EQ(f.transverse, f.mass * f.upwind_t);  // the friction limit relies on it
    }
}

// One face of a thin sheet over a bed step, at the reconstruction fv1 does.
struct SheetFace {
    FaceDepths<double> r;
    FaceFlux<double> F;
    LimitedFlux<double> L;
};
SheetFace sheet_face(double hL, double zL, double uL, double vL, double hR, double zR, double uR, double vR, double n,
                     double dx) {
    SheetFace s;
    s.r = reconstruct_face(hL, zL, hR, zR);
    s.F = riemann_hllc(s.r.hl, uL, vL, s.r.hr, uR, vR, g);
    s.L = friction_limited_flux(s.F.mass, s.F.transverse, s.F.upwind_t, s.r.hl, s.r.hr, uL, uR, vL, vR, zL, zR, hL + zL,
                                hR + zR, 1.0 / dx, g * n * n, g * n * n, g);
    return s;
}

TEST(FrictionLimit, ThinSheetOverAStepCarriesManningsDischarge) {
    // 1 cm sheets at rest, 4 cm step per 10 m cell, n = 0.08: HLLC's dry-bed fan 2/3 c h is 6 times
    // Manning's h^(5/3) sqrt(S) / n with S the surface slope; the limit gives Manning's.
    const SheetFace s = sheet_face(0.01, 0.04, 0.0, 0.0, 0.01, 0.0, 0.0, 0.0, 0.08, 10.0);
    const double manning = std::pow(0.01, 5.0 / 3.0) * std::sqrt(0.04 / 10.0) / 0.08;
    EXPECT_NEAR(s.F.mass, 2.0 / 3.0 * std::sqrt(g * 0.01) * 0.01, 1e-15);
    EXPECT_GT(s.F.mass, 5.0 * manning);
    EXPECT_NEAR(s.L.mass, manning, 1e-10 * manning);
    // flowing uphill (the mirror image): the same discharge the other way
    const SheetFace m = sheet_face(0.01, 0.0, 0.0, 0.0, 0.01, 0.04, 0.0, 0.0, 0.08, 10.0);
    EXPECT_NEAR(m.L.mass, -manning, 1e-10 * manning);
}

TEST(FrictionLimit, MirrorSymmetric) {
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> H(0.0, 0.3), Z(0.0, 0.1), U(-1.0, 1.0);
    for (int k = 0; k < 2000; ++k) {
        const double hL = k % 7 == 0 ? 0.0 : H(rng), hR = k % 11 == 0 ? 0.0 : H(rng), zL = Z(rng), zR = Z(rng);
        const double uL = U(rng), uR = U(rng), vL = U(rng), vR = U(rng);
        const SheetFace a = sheet_face(hL, zL, uL, vL, hR, zR, uR, vR, 0.06, 5.0);
        const SheetFace b = sheet_face(hR, zR, -uR, vR, hL, zL, -uL, vL, 0.06, 5.0);
        const double scale = 1e-12 * (1.0 + std::abs(a.F.mass));
        EXPECT_NEAR(a.L.mass, -b.L.mass, scale);
        EXPECT_NEAR(a.L.transverse, -b.L.transverse, scale);
        EXPECT_LE(std::abs(a.L.mass), std::abs(a.F.mass));  // a cap only ever lowers the flux
    }
}

TEST(FrictionLimit, UntouchedWithoutFrictionOnFlatBedsInJetsAndInALake) {
    // no friction
    SheetFace s = sheet_face(0.01, 0.04, 0.0, 0.0, 0.01, 0.0, 0.0, 0.0, 0.0, 10.0);
    EXPECT_EQ(s.L.mass, s.F.mass);
    // flat bed (a wetting front on a rough plain)
    s = sheet_face(0.2, 0.0, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.08, 10.0);
    EXPECT_EQ(s.L.mass, s.F.mass);
    // a fast jet down a step: the cells' own discharge is well above Manning's
    s = sheet_face(0.5, 0.04, 3.0, 0.0, 0.45, 0.0, 3.0, 0.0, 0.03, 10.0);
    EXPECT_EQ(s.L.mass, s.F.mass);
    // lake at rest over a step: no flux, nothing to cap
    s = sheet_face(0.5, 0.04, 0.0, 0.0, 0.54, 0.0, 0.0, 0.0, 0.08, 10.0);
    EXPECT_EQ(s.F.mass, 0.0);
    EXPECT_EQ(s.L.mass, 0.0);
    EXPECT_EQ(s.L.transverse, s.F.transverse);
}

TEST(FrictionLimit, DivisionFreeRootsAreAccurate) {
    for (double x = 1e-300; x < 1e300; x *= 1.37) {
        EXPECT_NEAR(inv_cbrt_positive(x) * std::cbrt(x), 1.0, 1e-12) << x;
        EXPECT_NEAR(inv_sqrt_positive(x) * std::sqrt(x), 1.0, 1e-10) << x;
    }
    EXPECT_EQ(inv_cbrt_positive(8.0), 0.5);
}

TEST(FrictionLimit, FloatRootsStopAtAFewUlp) {
    // float takes fewer Newton steps (solver/powers.hpp): three for x^(-1/3), two for x^(-1/2)
    double worst_cbrt = 0.0, worst_sqrt = 0.0;
    for (float x = 1e-37f; x < 1e37f; x *= 1.37f) {
        worst_cbrt = std::max(worst_cbrt, std::abs(double(inv_cbrt_positive(x)) * std::cbrt(double(x)) - 1.0));
        worst_sqrt = std::max(worst_sqrt, std::abs(double(inv_sqrt_positive(x)) * std::sqrt(double(x)) - 1.0));
    }
    EXPECT_LT(worst_cbrt, 1e-6);  // 3.6e-7 measured
    EXPECT_LT(worst_sqrt, 8e-6);  // 4.7e-6 measured
    EXPECT_GT(worst_cbrt + worst_sqrt, 1e-7);  // not round-off: the step counts are what this test is about
}

TEST(Velocity, DesingularisedOnlyBelowEps) {
    const double eps4 = std::pow(1e-4, 4);
    EXPECT_EQ(desingularised_velocity(0.5, 1.0, eps4), 2.0);
    EXPECT_LT(std::abs(desingularised_velocity(1e-8, 1e-6, eps4)), 1.0);  // q/h would be 100 m/s
}

TEST(TimeSeries, StepAndLinearValuesMeansAndBreakpoints) {
    const TimeSeries step({0.0, 10.0, 20.0}, {1.0, 3.0, 0.0}, TimeSeries::Mode::Step);
    EXPECT_EQ(step.at(5.0), 1.0);
    EXPECT_EQ(step.at(10.0), 3.0);
    EXPECT_EQ(step.at(99.0), 0.0);
    EXPECT_DOUBLE_EQ(step.mean(5.0, 15.0), 2.0);
    EXPECT_EQ(step.next_breakpoint(10.0), 20.0);
    EXPECT_TRUE(std::isinf(step.next_breakpoint(20.0)));
    const TimeSeries lin({0.0, 10.0}, {0.0, 10.0}, TimeSeries::Mode::Linear);
    EXPECT_DOUBLE_EQ(lin.at(2.5), 2.5);
    EXPECT_DOUBLE_EQ(lin.mean(0.0, 10.0), 5.0);
    EXPECT_DOUBLE_EQ(lin.mean(5.0, 15.0), 8.75);
}

ModelSetup square(int n, double dx) {
    ModelSetup s;
    s.grid = Grid2D::make(n, n, dx, dx, 0.0, n * dx);
    const std::size_t c = s.grid.cells();
    s.z.assign(c, 0.0);
    s.manning.assign(c, 0.02);
    s.h0.assign(c, 0.0);
    return s;
}

TEST(Step, DepthNeverNegativeOnRoughWetDryTerrain) {
    ModelSetup s = square(48, 1.0);
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> Z(0.0, 1.5), H(0.0, 1.0);
    for (std::size_t k = 0; k < s.z.size(); ++k) {
        s.z[k] = Z(rng);
        s.h0[k] = k % 3 == 0 ? 0.0 : H(rng);
    }
    s.boundaries.push_back({BoundarySide::East, BoundaryType::Free, {}, 0, -1});
    Simulation sim(s);
    for (int k = 0; k < 300; ++k) {
        sim.step(1e9);
        for (int j = 0; j < 48; ++j)
            for (int i = 0; i < 48; ++i) ASSERT_GE(sim.h()(i, j), 0.0);
    }
    // Round-off fixes of negative depths stay negligible next to the water present.
    EXPECT_LT(sim.ledger().positivity_fix, 1e-12 * sim.volume());
}

TEST(Step, XAndYSweepsAreSymmetric) {
    // A column of water in the middle of a square: the solution keeps the diagonal symmetry
    // h(i, j) = h(j, i) (transposing swaps x east with y south; both sweeps share the solver).
    const int n = 41;
    ModelSetup s = square(n, 1.0);
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
            const double r2 = (i - 20.0) * (i - 20.0) + (j - 20.0) * (j - 20.0);
            s.h0[static_cast<std::size_t>(j) * n + i] = r2 < 36.0 ? 2.0 : 0.5;
            s.z[static_cast<std::size_t>(j) * n + i] = 0.01 * (i + j);
        }
    Simulation sim(s);
    sim.advance_to(3.0);
    double asym = 0.0;
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) asym = std::max(asym, std::abs(sim.h()(i, j) - sim.h()(j, i)));
    EXPECT_LT(asym, 1e-12);
}

}  // namespace
}  // namespace floodsim
