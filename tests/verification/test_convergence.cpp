// Fast convergence and accuracy checks for the three schemes on the verification report's cases
// (report/cases.hpp; the full study is tests/verification/report/verification_report.cpp and
// docs/verification.md): the analytic solutions against the SWASHES reference files, lakes at
// rest, steady flows over the bump and MacDonald's steady states with Manning friction (and rain),
// and observed orders of fv1 and fv2.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "report/cases.hpp"

#ifndef FLOODSIM_SWASHES_DIR
#define FLOODSIM_SWASHES_DIR "tests/data/swashes"
#endif

namespace floodsim {
namespace {

using verif::Result;

double order_l1h(const Result& c, const Result& f) { return std::log(c.h.l1 / f.h.l1) / std::log(c.dx / f.dx); }
double order_l1q(const Result& c, const Result& f) { return std::log(c.q.l1 / f.q.l1) / std::log(c.dx / f.dx); }

void print(const Result& r) {
    std::printf("%s %s n=%d: L1 h %.3e (rel %.3e), Linf h %.3e, L1 q %.3e (rel %.3e), residual %.1e, "
                "mass %.1e, %.2f s\n",
                r.name.c_str(), r.scheme.c_str(), r.n, r.h.l1, r.h.rel_l1, r.h.linf, r.q.l1, r.q.rel_l1, r.residual,
                r.mass_rel, r.wall);
}

// --- the analytic solutions against SWASHES 1.05.01 (tests/data/swashes, subsampled copies) ----

/// Largest |f(x) - column| over a SWASHES 1D CSV.
double max_diff(const std::string& file, const std::string& column, const std::function<double(double)>& f,
                int* points) {
    std::ifstream in(std::string(FLOODSIM_SWASHES_DIR) + "/" + file + ".csv");
    if (!in) throw std::runtime_error("cannot open " + file);
    std::string line;
    std::getline(in, line);
    std::vector<std::string> cols;
    std::stringstream hs(line);
    for (std::string c; std::getline(hs, c, ',');) cols.push_back(c);
    int cx = -1, cv = -1;
    for (int k = 0; k < static_cast<int>(cols.size()); ++k) {
        if (cols[k] == "x") cx = k;
        if (cols[k] == column) cv = k;
    }
    if (cx < 0 || cv < 0) throw std::runtime_error("missing column in " + file);
    double m = 0.0;
    *points = 0;
    while (std::getline(in, line)) {
        std::stringstream ls(line);
        std::vector<double> v;
        for (std::string c; std::getline(ls, c, ',');) v.push_back(std::strtod(c.c_str(), nullptr));
        if (static_cast<int>(v.size()) <= std::max(cx, cv)) continue;
        m = std::max(m, std::abs(f(v[cx]) - v[cv]));
        ++*points;
    }
    return m;
}

TEST(SwashesCrossCheck, AnalyticSolutionsMatchReferenceFiles) {
    struct Item {
        std::string file;
        verif::Strip c;
        double tol_h;
    };
    const std::vector<Item> items = {
        {"dambreak_stoker_wet", verif::dambreak(true), 1e-7},
        {"dambreak_ritter_dry", verif::dambreak(false), 1e-7},
        {"thacker1d_planar", verif::thacker1d(), 1e-7},
        {"bump_subcritical", verif::bump(0), 1e-6},
        {"bump_transcritical_noshock", verif::bump(1), 1e-6},
        {"macdonald_L100_manning_sub_to_super", verif::macdonald("sub_to_super"), 1e-6},
        {"macdonald_L100_manning_super", verif::macdonald("super"), 1e-6},
        {"macdonald_rain_L1000_sub_manning", verif::macdonald("rain_sub"), 1e-6},
    };
    for (const Item& it : items) {
        int n = 0, nq = 0;
        const double dh = max_diff(it.file, "h", it.c.h_exact, &n);
        const double dq = max_diff(it.file, "q", it.c.q_exact, &nq);
        std::printf("%-40s %3d points: max |h - SWASHES| %.2e m, max |q - SWASHES| %.2e m2/s\n", it.file.c_str(),
                    n, dh, dq);
        EXPECT_GT(n, 50) << it.file;
        EXPECT_LT(dh, it.tol_h) << it.file;
        EXPECT_LT(dq, 1e-6) << it.file;
    }
    // The MacDonald bed, integrated here exactly, against SWASHES' first-order integration (dx 0.2 m
    // and 1 m): within a few mm.
    int n = 0;
    const verif::Strip m = verif::macdonald("rain_sub");
    const double dz = max_diff("macdonald_rain_L1000_sub_manning", "z", m.z, &n);
    std::printf("MacDonald rain bed: max |z - SWASHES z| %.2e m (SWASHES integrates with a first-order rule)\n", dz);
    EXPECT_LT(dz, 0.01);
    // The shock position of the transcritical bump.
    analytic::BumpFlow b;
    b.kind = 2; b.q = 0.18; b.hout = 0.33;
    std::printf("bump with shock: jump at x = %.4f m\n", b.jump_x());
    EXPECT_NEAR(b.jump_x(), 11.665, 0.01);
}

// --- lakes at rest over the SWASHES bump --------------------------------------------------------

TEST(ConvergenceLakeAtRest, ExactForEverySchemeImmersedAndEmerged) {
    for (bool emerged : {false, true})
        for (Scheme s : {Scheme::Fv1, Scheme::Fv2, Scheme::Inertial}) {
            const Result r = verif::run_strip(verif::lake_at_rest(emerged), 250, s);
            print(r);
            EXPECT_LT(r.h.linf, 1e-12) << r.name << ' ' << r.scheme;
            EXPECT_LT(r.q.linf, 1e-12) << r.name << ' ' << r.scheme;
            if (emerged) {  // the bump's top stays dry
                for (std::size_t k = 0; k < r.x.size(); ++k) {
                    if (r.hex[k] == 0.0) {
                        EXPECT_EQ(r.hnum[k], 0.0) << r.scheme << " x = " << r.x[k];
                    }
                }
            }
        }
}

// --- steady flows over the bump --------------------------------------------------------------

TEST(ConvergenceBump, Fv1SubcriticalSteadyState) {
    const Result r = verif::run_strip(verif::bump(0), 250, Scheme::Fv1);
    print(r);
    EXPECT_LT(r.residual, 1e-8);
    EXPECT_LT(r.h.rel_l1, 1e-3);
    EXPECT_LT(r.h.linf, 0.015);
    EXPECT_LT(r.q.rel_l1, 2e-3);
    EXPECT_LT(std::abs(r.mass_rel), 1e-12);
}

TEST(ConvergenceBump, Fv1AndFv2TranscriticalWithShock) {
    const Result r1 = verif::run_strip(verif::bump(2), 250, Scheme::Fv1);
    const Result r2 = verif::run_strip(verif::bump(2), 250, Scheme::Fv2);
    print(r1);
    print(r2);
    EXPECT_LT(r1.h.rel_l1, 0.008);
    EXPECT_LT(r2.h.rel_l1, 0.003);
    EXPECT_LT(r2.h.l1, r1.h.l1);
}

// The demand: fv2 at least order 1.6 on a smooth steady case. Subcritical flow over the
// bump, relative to fv1 at the same cells.
TEST(ConvergenceOrder, Fv2SmoothSteadyBumpOrderAtLeast1p6) {
    verif::Strip c = verif::bump(0);
    c.steady_tol = 1e-7;  // fv2's residual stalls near 1e-7 m/s (limiter); errors are ~1e-4 m
    const Result a = verif::run_strip(c, 125, Scheme::Fv2);
    const Result b = verif::run_strip(c, 250, Scheme::Fv2);
    print(a);
    print(b);
    const double p = order_l1h(a, b), pq = order_l1q(a, b);
    std::printf("fv2 subcritical bump, observed L1 order: depth %.2f, unit discharge %.2f\n", p, pq);
    EXPECT_GE(p, 1.6);
    EXPECT_GE(pq, 1.6);
}

// --- MacDonald steady states with Manning friction -------------------------------------------

TEST(ConvergenceMacDonald, Fv1SubcriticalWithRainAndManning) {
    const Result a = verif::run_strip(verif::macdonald("rain_sub"), 125, Scheme::Fv1);
    const Result b = verif::run_strip(verif::macdonald("rain_sub"), 250, Scheme::Fv1);
    print(a);
    print(b);
    const double p = order_l1h(a, b);
    std::printf("fv1 MacDonald rain (subcritical, Manning): observed L1 depth order %.2f\n", p);
    EXPECT_LT(b.residual, 1e-8);
    EXPECT_LT(b.h.rel_l1, 0.006);
    EXPECT_LT(b.q.rel_l1, 0.012);
    EXPECT_GT(p, 0.8);
    EXPECT_LT(std::abs(b.mass_rel), 1e-12);
}

TEST(ConvergenceMacDonald, Fv1AndFv2SubToSuperWithManning) {
    const Result f1 = verif::run_strip(verif::macdonald("sub_to_super"), 250, Scheme::Fv1);
    const Result a = verif::run_strip(verif::macdonald("sub_to_super"), 125, Scheme::Fv2);
    const Result b = verif::run_strip(verif::macdonald("sub_to_super"), 250, Scheme::Fv2);
    print(f1);
    print(a);
    print(b);
    const double p = order_l1h(a, b);
    std::printf("fv2 MacDonald sub-to-super (smooth, Manning): observed L1 depth order %.2f\n", p);
    EXPECT_LT(f1.h.rel_l1, 0.003);
    EXPECT_LT(b.h.rel_l1, 0.6 * f1.h.rel_l1);
    EXPECT_GE(p, 1.6);
}

// The local inertial scheme drops the convective acceleration: its steady state conserves the
// discharge exactly but its depth is not the shallow-water one. The depth error is a model error
// (a few per cent here), not a discretisation error, and does not shrink with the cells.
TEST(ConvergenceMacDonald, InertialRainDischargeExactDepthWithinModelError) {
    const Result r = verif::run_strip(verif::macdonald("rain_sub"), 125, Scheme::Inertial);
    print(r);
    EXPECT_LT(r.residual, 1e-8);
    EXPECT_LT(r.q.rel_l1, 1e-6);
    EXPECT_LT(r.h.rel_l1, 0.05);
}

// --- a smooth transient: Thacker's 1D oscillation over five periods ----------------------------

TEST(ConvergenceThacker1D, Fv2ConvergesFasterThanFv1) {
    const Result a = verif::run_strip(verif::thacker1d(), 125, Scheme::Fv2);
    const Result b = verif::run_strip(verif::thacker1d(), 250, Scheme::Fv2);
    const Result f = verif::run_strip(verif::thacker1d(), 250, Scheme::Fv1);
    print(a);
    print(b);
    print(f);
    const double p = order_l1h(a, b);
    std::printf("Thacker 1D t = 5P: fv2 observed L1 depth order %.2f\n", p);
    EXPECT_GT(p, 1.3);  // moving shoreline: below 2
    EXPECT_LT(b.h.rel_l1, 0.25 * f.h.rel_l1);
}

}  // namespace
}  // namespace floodsim
