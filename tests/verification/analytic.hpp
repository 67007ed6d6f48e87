#pragma once
// Analytic solutions used by the verification tests (SI units, g = 9.81).
// Each was cross-checked once against the SWASHES 1.05.01 reference files (tests/data/README.md).
#include <algorithm>
#include <cmath>

namespace floodsim::analytic {

constexpr double g = 9.81;

struct DepthVelocity {
    double h, u;
};

/// Ritter (1892): dam at x0, depth hl upstream, dry bed downstream, frictionless, t > 0.
inline DepthVelocity ritter(double x, double t, double x0, double hl) {
    const double c0 = std::sqrt(g * hl);
    const double xa = x0 - c0 * t, xb = x0 + 2.0 * c0 * t;
    if (x <= xa) return {hl, 0.0};
    if (x >= xb) return {0.0, 0.0};
    const double s = (x - x0) / t;
    const double h = (2.0 * c0 - s) * (2.0 * c0 - s) / (9.0 * g);
    return {h, 2.0 / 3.0 * (s + c0)};
}

/// Stoker (1957): dam at x0, depth hl upstream, hr > 0 downstream, frictionless, t > 0.
inline DepthVelocity stoker(double x, double t, double x0, double hl, double hr) {
    const double cl = std::sqrt(g * hl), cr2 = g * hr;
    // Middle-state celerity cm solves -8 g hr cm^2 (cl - cm)^2 + (cm^2 - g hr)^2 (cm^2 + g hr) = 0
    // (SWASHES' form), between sqrt(g hr) and cl: bisection, robust and exact enough.
    auto f = [&](double cm) {
        const double cm2 = cm * cm;
        return -8.0 * cr2 * cm2 * (cl - cm) * (cl - cm) + (cm2 - cr2) * (cm2 - cr2) * (cm2 + cr2);
    };
    double a = std::sqrt(cr2), b = cl;
    for (int k = 0; k < 200; ++k) {
        const double m = 0.5 * (a + b);
        if ((f(a) < 0.0) == (f(m) < 0.0)) a = m; else b = m;
    }
    const double cm = 0.5 * (a + b);
    const double xa = x0 - cl * t;
    const double xb = x0 + (2.0 * cl - 3.0 * cm) * t;
    const double xc = x0 + t * 2.0 * cm * cm * (cl - cm) / (cm * cm - cr2);
    if (x <= xa) return {hl, 0.0};
    if (x <= xb) {
        const double s = (x - x0) / t;
        const double hh = (cl - 0.5 * s);
        return {4.0 / (9.0 * g) * hh * hh, 2.0 / 3.0 * (s + cl)};
    }
    if (x <= xc) return {cm * cm / g, 2.0 * (cl - cm)};
    return {hr, 0.0};
}

/// Thacker (1981) planar surface in a paraboloid (SWASHES 2D case, "planar"): bowl centred at
/// (xc, yc), z = h0 (r^2 / a^2 - 1); the free surface stays planar and rotates.
struct Thacker2D {
    double a = 1.0, h0 = 0.1, eta = 0.5, xc = 2.0, yc = 2.0;
    double omega() const { return std::sqrt(2.0 * g * h0) / a; }
    double z(double x, double y) const {
        const double r2 = (x - xc) * (x - xc) + (y - yc) * (y - yc);
        return h0 * (r2 / (a * a) - 1.0);
    }
    double h(double x, double y, double t) const {
        const double w = omega();
        const double s = eta * h0 / (a * a) *
                         (2.0 * (x - xc) * std::cos(w * t) + 2.0 * (y - yc) * std::sin(w * t) - eta);
        return std::max(0.0, s - z(x, y));
    }
    double u(double t) const { return -eta * omega() * std::sin(omega() * t); }
    double v(double t) const { return eta * omega() * std::cos(omega() * t); }
    double period() const { return 2.0 * 3.14159265 / omega(); }
};

}  // namespace floodsim::analytic
