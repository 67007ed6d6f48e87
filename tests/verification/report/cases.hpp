#pragma once
// The verification cases as data (1D strips between closed side walls, and Thacker's 2D bowl),
// a runner that takes one to its output time or to a steady state, and the error norms.
// Used by verification_report.cpp (every case, every scheme, several resolutions) and by
// tests/verification/test_convergence.cpp (a few fast checks with thresholds).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "../analytic.hpp"
#include "../setups.hpp"
#include "analytic_more.hpp"

namespace floodsim::verif {

inline const char* scheme_name(Scheme s) {
    return s == Scheme::Fv1 ? "fv1" : s == Scheme::Fv2 ? "fv2" : "inertial";
}

/// A 1D case run on a strip of nx x ny cells (square cells, closed north and south walls).
struct Strip {
    std::string name;
    double L = 1.0;
    int ny = 1;
    double manning = 0.0;
    double rain = 0.0;  ///< m/s, constant
    std::function<double(double)> z, h0, u0;  ///< u0 may be empty (still water)
    /// Boundaries for cell size dx (the strip is ny dx wide: a discharge is q ny dx).
    std::function<std::vector<BoundarySpec>(double dx, double width)> boundaries;
    bool steady = false;
    double t_end = 0.0;        ///< transient: output time; steady: the longest run
    double check_every = 10.0; ///< steady: residual interval, s
    double steady_tol = 1e-9;  ///< steady: stop when max |dh/dt| < this (m/s)
    std::function<double(double)> h_exact, q_exact;
    /// Cells whose centre x (cell size dx) enter the norms (all when empty).
    std::function<bool(double, double)> in_norm;
};

struct Norms {
    double l1 = 0.0, l2 = 0.0, linf = 0.0, rel_l1 = std::numeric_limits<double>::quiet_NaN();
};

struct Result {
    std::string name, scheme;
    int n = 0;
    double dx = 0.0, t = 0.0;
    Norms h, q;
    double residual = 0.0;   ///< steady runs: max |dh/dt| at the end, m/s
    double mass_rel = 0.0;   ///< ledger error / water handled
    long long steps = 0;
    double wall = 0.0;
    bool finite = true;
    std::vector<double> x, z, hnum, qnum, hex, qex;  ///< profile (a row of the strip/bowl)
};

/// Norms of num - ex over the entries flagged in `use`: L1 and L2 are means over those cells
/// (m or m2/s), Linf the largest, rel_l1 = sum |e| / sum |ex| (NaN when the exact one is 0).
inline Norms norms(const std::vector<double>& num, const std::vector<double>& ex, const std::vector<char>& use) {
    Norms r;
    double s1 = 0.0, s2 = 0.0, sref = 0.0;
    std::size_t m = 0;
    for (std::size_t k = 0; k < num.size(); ++k) {
        if (!use[k]) continue;
        const double e = std::abs(num[k] - ex[k]);
        s1 += e;
        s2 += e * e;
        r.linf = std::max(r.linf, std::isfinite(e) ? e : std::numeric_limits<double>::infinity());
        sref += std::abs(ex[k]);
        ++m;
    }
    r.l1 = s1 / std::max<std::size_t>(m, 1);
    r.l2 = std::sqrt(s2 / std::max<std::size_t>(m, 1));
    if (m > 0 && sref / m > 1e-6) r.rel_l1 = s1 / sref;  // not where the exact one is ~0
    return r;
}

inline double max_abs_change(const Field<double>& a, const std::vector<double>& prev, const Grid2D& g) {
    double m = 0.0;
    std::size_t k = 0;
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i, ++k) m = std::max(m, std::abs(a(i, j) - prev[k]));
    return m;
}

inline std::vector<double> copy_h(const Simulation& sim) {
    const Grid2D& g = sim.grid();
    std::vector<double> v;
    v.reserve(g.cells());
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) v.push_back(sim.h()(i, j));
    return v;
}

inline double mass_relative_error(const Simulation& sim) {
    const MassLedger& l = sim.ledger();
    const double vol = sim.volume();
    const double handled = std::max({l.volume0 + l.rain + l.inflow, vol, 1e-300});
    return l.error(vol) / handled;
}

/// Runs a strip case with nx cells and `scheme`; returns errors and the profile of the middle row.
inline Result run_strip(const Strip& c, int nx, Scheme scheme, int threads = 1) {
    const auto t0 = std::chrono::steady_clock::now();
    const double dx = c.L / nx;
    ModelSetup s = testing::make_setup(nx, c.ny, dx, scheme);
    s.options.threads = threads;
    testing::for_cells(s, [&](double x, double, std::size_t k) {
        s.z[k] = c.z(x);
        s.h0[k] = c.h0(x);
        s.u0[k] = c.u0 ? c.u0(x) : 0.0;
        s.manning[k] = c.manning;
    });
    if (c.rain > 0.0) s.rain = TimeSeries::constant(c.rain);
    if (c.boundaries) s.boundaries = c.boundaries(dx, c.ny * dx);
    Simulation sim(s);
    Result r;
    r.name = c.name;
    r.scheme = scheme_name(scheme);
    r.n = nx;
    r.dx = dx;
    if (!c.steady) {
        sim.advance_to(c.t_end);
    } else {
        std::vector<double> prev = copy_h(sim);
        double t = 0.0;
        r.residual = std::numeric_limits<double>::infinity();
        while (t < c.t_end - 1e-9) {
            t = std::min(c.t_end, t + c.check_every);
            const double tp = sim.time();
            sim.advance_to(t);
            r.residual = max_abs_change(sim.h(), prev, sim.grid()) / (t - tp);
            if (!std::isfinite(r.residual)) break;
            prev = copy_h(sim);
            if (r.residual < c.steady_tol) break;
        }
    }
    r.t = sim.time();
    r.steps = sim.steps();
    r.mass_rel = mass_relative_error(sim);
    const Grid2D& g = sim.grid();
    const int j = c.ny / 2;
    std::vector<char> use(nx, 1);
    for (int i = 0; i < nx; ++i) {
        const double x = g.x_center(i);
        r.x.push_back(x);
        r.z.push_back(sim.z()(i, j));
        r.hnum.push_back(sim.h()(i, j));
        r.qnum.push_back(sim.hu()(i, j));
        r.hex.push_back(c.h_exact(x));
        r.qex.push_back(c.q_exact(x));
        if (c.in_norm) use[i] = c.in_norm(x, dx);
        r.finite = r.finite && std::isfinite(r.hnum.back()) && std::isfinite(r.qnum.back());
    }
    r.h = norms(r.hnum, r.hex, use);
    r.q = norms(r.qnum, r.qex, use);
    r.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

// --- the cases ------------------------------------------------------------------------------

/// Dam breaks at SWASHES' laboratory scale: L = 10 m, dam at 5 m, hl = 5 mm, hr (0: Ritter), t = 6 s.
inline Strip dambreak(bool stoker) {
    Strip c;
    const double hl = 0.005, hr = stoker ? 0.001 : 0.0, x0 = 5.0, t = 6.0;
    c.name = stoker ? "stoker" : "ritter";
    c.L = 10.0;
    c.z = [](double) { return 0.0; };
    c.h0 = [=](double x) { return x < x0 ? hl : hr; };
    c.t_end = t;
    auto sol = [=](double x) { return stoker ? analytic::stoker(x, t, x0, hl, hr) : analytic::ritter(x, t, x0, hl); };
    c.h_exact = [=](double x) { return sol(x).h; };
    c.q_exact = [=](double x) { const auto s = sol(x); return s.h * s.u; };
    return c;
}

/// Thacker's 1D planar oscillation in a parabola (SWASHES 1 4 1 1), compared at t = 5 periods.
inline Strip thacker1d(double periods = 5.0) {
    Strip c;
    const analytic::Thacker1D th;
    const double t = periods * th.period();
    c.name = "thacker1d";
    c.L = 4.0;
    c.z = [=](double x) { return th.z(x); };
    c.h0 = [=](double x) { return th.h(x, 0.0); };
    c.u0 = [=](double x) { return th.u(x, 0.0); };
    c.t_end = t;
    c.h_exact = [=](double x) { return th.h(x, t); };
    c.q_exact = [=](double x) { return th.h(x, t) * th.u(x, t); };
    return c;
}

/// Frictionless steady flow over the SWASHES bump. kind 0: subcritical (q 4.42, h_out 2 m level);
/// 1: transcritical without shock (q 1.53; SWASHES: "free outflow, h_out = 0.66 only while
/// subcritical", i.e. a level of 0.66 m, which a supercritical outflow passes through unchanged);
/// 2: with a shock (q 0.18, h_out 0.33 m). free_outflow (kind 1 only): floodsim's free
/// (zero-gradient) boundary instead of the level.
inline Strip bump(int kind, bool free_outflow = false) {
    Strip c;
    analytic::BumpFlow b;
    b.kind = kind;
    double eta0 = 2.0;
    if (kind == 0) { c.name = "bump_subcritical"; b.q = 4.42; b.hout = 2.0; eta0 = 2.0; }
    if (kind == 1) { c.name = free_outflow ? "bump_transcritical_noshock_free" : "bump_transcritical_noshock"; b.q = 1.53; b.hout = 0.66; eta0 = 0.66; }
    if (kind == 2) { c.name = "bump_transcritical_shock"; b.q = 0.18; b.hout = 0.33; eta0 = 0.33; }
    c.L = 25.0;
    c.z = analytic::bump_z;
    c.h0 = [=](double x) { return eta0 - analytic::bump_z(x); };
    c.boundaries = [=](double, double width) {
        std::vector<BoundarySpec> v;
        v.push_back({BoundarySide::West, BoundaryType::Discharge, TimeSeries::constant(b.q * width), 0, -1});
        if (kind == 1 && free_outflow) v.push_back({BoundarySide::East, BoundaryType::Free, {}, 0, -1});
        else v.push_back({BoundarySide::East, BoundaryType::Level, TimeSeries::constant(b.hout), 0, -1});
        return v;
    };
    c.steady = true;
    c.t_end = kind == 2 ? 1500.0 : 600.0;
    c.check_every = 5.0;
    c.steady_tol = 1e-9;
    b.h(20.0);  // computes the jump position once
    c.h_exact = [=](double x) { return b.h(x); };
    c.q_exact = [=](double) { return b.q; };
    if (kind == 2) {
        const double xj = b.jump_x();
        c.in_norm = [=](double x, double dx) { return std::abs(x - xj) > 2.5 * dx; };  // +-2 cells
    }
    return c;
}

/// Lake at rest over the bump (SWASHES 1 1 1 4 / 5): eta = 0.5 (immersed) or 0.1 (bump top dry).
inline Strip lake_at_rest(bool emerged) {
    Strip c;
    const double eta = emerged ? 0.1 : 0.5;
    c.name = emerged ? "lake_at_rest_emerged" : "lake_at_rest_immersed";
    c.L = 25.0;
    c.z = analytic::bump_z;
    c.h0 = [=](double x) { return std::max(0.0, eta - analytic::bump_z(x)); };
    c.t_end = 100.0;
    c.h_exact = c.h0;
    c.q_exact = [](double) { return 0.0; };
    return c;
}

/// MacDonald cases. which: "smooth_and_shock", "sub_to_super", "super", "rain_sub".
inline Strip macdonald(const std::string& which) {
    analytic::MacDonald m;
    Strip c;
    bool level_out = false;
    double eta_ic = -1e9;  // initial water level (h = max(eta_ic - z, 0)); dry when below the bed
    if (which == "smooth_and_shock") { m = analytic::macdonald_L100_smooth_and_shock(); level_out = true; eta_ic = 2.87871; }
    else if (which == "sub_to_super") { m = analytic::macdonald_L100_sub_to_super(); eta_ic = 0.617944; }
    else if (which == "super") { m = analytic::macdonald_L100_super(); }
    else if (which == "rain_sub") { m = analytic::macdonald_rain_L1000_sub(); level_out = true; }
    else throw std::invalid_argument("unknown MacDonald case " + which);
    c.name = "macdonald_" + which;
    c.L = m.L;
    c.manning = m.n;
    c.rain = m.R;
    c.z = [=](double x) { return m.z(x); };
    c.h0 = [=](double x) { return std::max(0.0, eta_ic - m.z(x)); };
    const double L = m.L;
    c.boundaries = [=](double dx, double width) {
        std::vector<BoundarySpec> v;
        v.push_back({BoundarySide::West, BoundaryType::Discharge, TimeSeries::constant(m.q0 * width), 0, -1});
        if (level_out) {
            // The exact level extrapolated to the ghost cell's centre (x = L + dx/2), second order.
            const double level = 2.0 * m.eta(L) - m.eta(L - 0.5 * dx);
            v.push_back({BoundarySide::East, BoundaryType::Level, TimeSeries::constant(level), 0, -1});
        } else {
            v.push_back({BoundarySide::East, BoundaryType::Free, {}, 0, -1});
        }
        return v;
    };
    c.steady = true;
    c.t_end = m.L > 500.0 ? 8000.0 : 1500.0;
    c.check_every = m.L > 500.0 ? 50.0 : 10.0;
    c.steady_tol = 1e-9;
    c.h_exact = [=](double x) { return m.h(x); };
    c.q_exact = [=](double x) { return m.q(x); };
    if (m.xb > 0.0) {
        const double xb = m.xb;
        c.in_norm = [=](double x, double dx) { return std::abs(x - xb) > 2.5 * dx; };  // +-2 cells
    }
    return c;
}

/// Thacker's planar surface in the 2D paraboloid (SWASHES 2 1 1 2) on n x n cells, t = P/2.
inline Result run_thacker2d(int n, Scheme scheme, int threads = 1) {
    const auto t0 = std::chrono::steady_clock::now();
    const analytic::Thacker2D th;
    ModelSetup s = testing::make_setup(n, n, 4.0 / n, scheme);
    s.options.threads = threads;
    testing::for_cells(s, [&](double x, double y, std::size_t k) {
        s.z[k] = th.z(x, y);
        s.h0[k] = th.h(x, y, 0.0);
        s.u0[k] = s.h0[k] > 0.0 ? th.u(0.0) : 0.0;
        s.v0[k] = s.h0[k] > 0.0 ? th.v(0.0) : 0.0;
    });
    Simulation sim(s);
    const double t = 0.5 * th.period();
    sim.advance_to(t);
    Result r;
    r.name = "thacker2d";
    r.scheme = scheme_name(scheme);
    r.n = n;
    r.dx = 4.0 / n;
    r.t = sim.time();
    r.steps = sim.steps();
    r.mass_rel = mass_relative_error(sim);
    const Grid2D& g = sim.grid();
    std::vector<double> hn, he, qn, qe;
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
            const double x = g.x_center(i), y = g.y_center(j), h = th.h(x, y, t);
            hn.push_back(sim.h()(i, j));
            he.push_back(h);
            // unit discharge: error of the vector, |(hu, hv) - (hu, hv)_exact|
            qn.push_back(std::hypot(sim.hu()(i, j) - h * th.u(t), sim.hv()(i, j) - h * th.v(t)));
            qe.push_back(0.0);
            r.finite = r.finite && std::isfinite(hn.back()) && std::isfinite(qn.back());
            if (j == n / 2) {
                r.x.push_back(x);
                r.z.push_back(th.z(x, y));
                r.hnum.push_back(sim.h()(i, j));
                r.qnum.push_back(sim.hu()(i, j));
                r.hex.push_back(h);
                r.qex.push_back(h * th.u(t));
            }
        }
    const std::vector<char> use(hn.size(), 1);
    r.h = norms(hn, he, use);
    r.q = norms(qn, qe, use);
    double sref = 0.0;  // relative L1 of the discharge vector
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i)
            sref += th.h(g.x_center(i), g.y_center(j), t) * std::hypot(th.u(t), th.v(t));
    r.q.rel_l1 = r.q.l1 * n * n / sref;
    r.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

}  // namespace floodsim::verif
