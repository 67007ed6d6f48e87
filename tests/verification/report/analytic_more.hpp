#pragma once
// More analytic solutions for the verification report and tests/verification/test_convergence.cpp
// (SI units, g = 9.81 as SWASHES): Thacker's 1D planar oscillation, steady flow over a bump
// (Bernoulli + mass, Newton), MacDonald's steady states with Manning friction (bed derived from a
// prescribed depth profile), and the bump bed of the lakes at rest. Parameters and formulas follow
// SWASHES 1.05.01 (Delestre et al. 2013); tests/data/swashes/README.md tells where each was
// cross-checked.
#include <cmath>
#include <functional>
#include <stdexcept>

#include "../analytic.hpp"

namespace floodsim::analytic {

/// Thacker (1981) 1D planar surface in a parabola (SWASHES 1 4 1 1): L = 4 m, z = h0 ((x-2)^2/a^2 - 1),
/// u = B sin(w t) in the wet zone, h = -h0/a^2 [(x - 2 + (B/w) cos(w t))^2 - a^2]^+, B = a w / 2.
struct Thacker1D {
    double a = 1.0, h0 = 0.5, xc = 2.0;
    double omega() const { return std::sqrt(2.0 * g * h0) / a; }
    double B() const { return 0.5 * a * omega(); }
    double period() const { return 2.0 * 3.14159265 / omega(); }  // SWASHES' PI
    double z(double x) const { return h0 * ((x - xc) * (x - xc) / (a * a) - 1.0); }
    double h(double x, double t) const {
        const double w = omega();
        const double s = x - xc + B() / w * std::cos(w * t);
        return std::max(0.0, -h0 / (a * a) * (s * s - a * a));
    }
    double u(double x, double t) const { return h(x, t) > 0.0 ? B() * std::sin(omega() * t) : 0.0; }
};

/// SWASHES bump: 25 m channel, z = max(0, 0.2 - 0.05 (x - 10)^2).
inline double bump_z(double x) { return std::max(0.0, 0.2 - 0.05 * (x - 10.0) * (x - 10.0)); }

/// Steady frictionless flow of unit discharge q over the bump: Bernoulli head conserved between
/// shocks, q uniform. kind: 0 subcritical (h_out downstream), 1 transcritical without shock
/// (critical at the crest x = 10), 2 transcritical with a hydraulic jump (h_out downstream).
struct BumpFlow {
    double q = 4.42, hout = 2.0;
    int kind = 0;
    mutable double xj_ = -1.0;  ///< jump position, computed on first use (kind 2)
    double hc() const { return std::cbrt(q * q / g); }
    double head(double h, double z) const { return q * q / (2.0 * g * h * h) + h + z; }
    /// Depth with Bernoulli head E at bed z on the sub- (true) or supercritical branch.
    double depth(double E, double z, bool sub) const {
        const double c = hc();
        if (E - z <= 1.5 * c * (1.0 + 1e-14)) return c;  // critical (the crest)
        double h = sub ? E - z : 1e-3 * c;
        for (int k = 0; k < 200; ++k) {  // convex f: Newton converges monotonically on each branch
            const double f = head(h, z) - E;
            const double df = 1.0 - q * q / (g * h * h * h);
            const double hn = h - f / df;
            if (std::abs(hn - h) <= 1e-15 * h) { h = hn; break; }
            h = hn;
        }
        return h;
    }
    double crest_head() const { return 0.2 + 1.5 * hc(); }
    double out_head() const { return head(hout, 0.0); }
    /// Depth after a hydraulic jump from supercritical depth h1 (conjugate depth).
    double conjugate(double h1) const {
        const double fr2 = q * q / (g * h1 * h1 * h1);
        return 0.5 * h1 * (std::sqrt(1.0 + 8.0 * fr2) - 1.0);
    }
    /// Jump position (kind 2): where the supercritical branch's conjugate depth meets the
    /// subcritical depth set from downstream.
    double jump_x() const {
        auto F = [&](double x) {
            return conjugate(depth(crest_head(), bump_z(x), false)) - depth(out_head(), bump_z(x), true);
        };
        double a = 10.0 + 1e-9, b = 25.0;
        if ((F(a) < 0.0) == (F(b) < 0.0)) throw std::runtime_error("bump: no jump in the channel");
        for (int k = 0; k < 200; ++k) {
            const double m = 0.5 * (a + b);
            if ((F(a) < 0.0) == (F(m) < 0.0)) a = m; else b = m;
        }
        return 0.5 * (a + b);
    }
    double h(double x) const {
        const double z = bump_z(x);
        if (kind == 0) return depth(out_head(), z, true);
        if (x < 10.0) return depth(crest_head(), z, true);
        if (kind == 1) return depth(crest_head(), z, false);
        if (xj_ < 0.0) xj_ = jump_x();
        return x < xj_ ? depth(crest_head(), z, false) : depth(out_head(), z, true);
    }
};

/// MacDonald (1997) steady states with Manning friction as in SWASHES: a depth profile h(x) is
/// prescribed and the bed is the one that makes it a steady solution of the shallow-water
/// equations with unit discharge q(x) = q0 + R x (rain R adds mass, no momentum):
///   z'(x) = (q^2 / (g h^3) - 1) h' - 2 q R / (g h^2) - n^2 q^2 / h^(10/3),   z(L) = 0.
/// z is integrated here with Gauss-Legendre quadrature (split at a shock xb where h jumps), so it is
/// exact to ~1e-12 m and h(x) is the exact steady depth of the continuous problem on that bed.
struct MacDonald {
    double L = 100.0, q0 = 2.0, n = 0.0328, R = 0.0;
    double xb = -1.0;  ///< shock position (h discontinuous), or < 0
    std::function<double(double)> h, dh;
    double q(double x) const { return q0 + R * x; }
    double zprime(double x) const {
        const double hh = h(x), qq = q(x);
        return (qq * qq / (g * hh * hh * hh) - 1.0) * dh(x) - 2.0 * qq * R / (g * hh * hh) -
               n * n * qq * qq / std::pow(hh, 10.0 / 3.0);
    }
    double integrate(double a, double b) const {  // integral of z' over [a, b], smooth inside
        static const double xg[5] = {-0.9061798459386640, -0.5384693101056831, 0.0, 0.5384693101056831,
                                     0.9061798459386640};
        static const double wg[5] = {0.2369268850561891, 0.4786286704993665, 0.5688888888888889,
                                     0.4786286704993665, 0.2369268850561891};
        if (b <= a) return 0.0;
        const int m = std::max(1, static_cast<int>(std::ceil((b - a) / (L / 400.0))));
        const double w = (b - a) / m;
        double s = 0.0;
        for (int k = 0; k < m; ++k) {
            const double c = a + (k + 0.5) * w;
            for (int p = 0; p < 5; ++p) s += wg[p] * zprime(c + 0.5 * w * xg[p]);
        }
        return 0.5 * w * s;
    }
    double z(double x) const {
        if (xb > x && xb < L) return -(integrate(x, xb) + integrate(xb, L));
        return -integrate(x, L);
    }
    double eta(double x) const { return z(x) + h(x); }
};

inline double macdonald_c() { return std::cbrt(4.0 / g); }

/// SWASHES 1 2 2 2: L = 100 m, q = 2, n = 0.0328, subcritical -> supercritical at x = 50 m, shock
/// at x = 200/3 m back to subcritical, h(L) = 2.87871 m.
inline MacDonald macdonald_L100_smooth_and_shock() {
    MacDonald m;
    m.L = 100.0; m.q0 = 2.0; m.n = 0.0328; m.xb = 200.0 / 3.0;
    const double c = macdonald_c(), a1 = 0.674202, a2 = 21.7112, a3 = 14.492, a4 = 1.4305;
    m.h = [=](double x) {
        const double s = x / 100.0;
        if (x <= 200.0 / 3.0) return c * (4.0 / 3.0 - s) - 9.0 * x / 1000.0 * (s - 2.0 / 3.0);
        const double r = s - 2.0 / 3.0;
        return c * (a1 * r * r * r * r + a1 * r * r * r - a2 * r * r + a3 * r + a4);
    };
    m.dh = [=](double x) {
        const double s = x / 100.0;
        if (x <= 200.0 / 3.0) return -c / 100.0 - 0.009 * (s - 2.0 / 3.0) - 0.009 * s;
        const double r = s - 2.0 / 3.0;
        return c * (4.0 * a1 * r * r * r + 3.0 * a1 * r * r - 2.0 * a2 * r + a3) / 100.0;
    };
    return m;
}

/// SWASHES 1 2 2 4: L = 100 m, q = 2, n = 0.03, supercritical throughout; h(0) = 0.673334 m.
inline MacDonald macdonald_L100_super() {
    MacDonald m;
    m.L = 100.0; m.q0 = 2.0; m.n = 0.03;
    const double c = macdonald_c();
    m.h = [=](double x) { const double s = x / 100.0 - 0.5; return c * (1.0 - 0.25 * std::exp(-4.0 * s * s)); };
    m.dh = [=](double x) {
        const double s = x / 100.0 - 0.5;
        return c * 0.25 * std::exp(-4.0 * s * s) * 8.0 * s / 100.0;
    };
    return m;
}

/// SWASHES 1 2 2 6: L = 100 m, q = 2, n = 0.0328, subcritical -> supercritical (critical at 50 m).
inline MacDonald macdonald_L100_sub_to_super() {
    MacDonald m;
    m.L = 100.0; m.q0 = 2.0; m.n = 0.0328;
    const double c = macdonald_c();
    m.h = [=](double x) { const double s = x / 100.0; return c * (4.0 / 3.0 - 5.0 / 6.0 * s + s * s / 3.0); };
    m.dh = [=](double x) { const double s = x / 100.0; return c * (-5.0 / 6.0 + 2.0 / 3.0 * s) / 100.0; };
    return m;
}

/// SWASHES 1 2 4 2: L = 1000 m, rain R = 0.001 m/s, q = 1 + R x, n = 0.033, subcritical,
/// h(0) = h(L) = 0.748324 m.
inline MacDonald macdonald_rain_L1000_sub() {
    MacDonald m;
    m.L = 1000.0; m.q0 = 1.0; m.n = 0.033; m.R = 0.001;
    const double c = macdonald_c();
    m.h = [=](double x) { const double s = x / 1000.0 - 0.5; return c * (1.0 + 0.5 * std::exp(-16.0 * s * s)); };
    m.dh = [=](double x) {
        const double s = x / 1000.0 - 0.5;
        return c * 0.5 * std::exp(-16.0 * s * s) * (-32.0 * s) / 1000.0;
    };
    return m;
}

}  // namespace floodsim::analytic
