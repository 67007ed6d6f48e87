#include "scenarios/storm.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>
#include <numbers>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "mesh/input_error.hpp"

namespace floodsim {
namespace {

[[noreturn]] void bad(const std::string& name, double value, const std::string& why) {
    throw std::invalid_argument(name + " = " + format_number(value, 12) + ": " + why);
}

bool finite(double v) { return std::isfinite(v); }

/// mm: the depth of the mean-intensity curve of an IDF formula over t_min minutes, A t / (t + b)^n.
double idf_depth_a(double a, double b_min, double n, double t_min) {
    return t_min <= 0 ? 0.0 : a * t_min / std::pow(t_min + b_min, n);
}

void check_idf(const IdfParams& f, double p_years) {
    if (!finite(f.a1_mm_min) || f.a1_mm_min <= 0) bad("a1", f.a1_mm_min, "A1 must be a positive number (mm/min)");
    if (!finite(f.c) || f.c < 0) bad("c", f.c, "C must be a number >= 0");
    if (!finite(f.b_min) || f.b_min < 0) bad("b", f.b_min, "b must be a number >= 0 (minutes)");
    if (!finite(f.n) || f.n <= 0 || f.n >= 1)
        bad("n", f.n, "n must lie in (0, 1) (otherwise the depth would not grow with the duration)");
    if (!finite(p_years) || p_years <= 0) bad("return_period", p_years, "the return period must be > 0 years");
    if (1.0 + f.c * std::log10(p_years) <= 0)
        bad("return_period", p_years, "1 + C lg P must be > 0 (a return period this short gives no rain)");
}

/// Step count of a length that must be a whole number of steps (within 1e-9 relative).
long whole_steps(double length_s, double step_s) {
    const double k = std::round(length_s / step_s);
    if (k < 1 || std::abs(k * step_s - length_s) > 1e-9 * length_s) return -1;
    return static_cast<long>(k);
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// Hyetographs

double hyetograph_depth_mm(const Hyetograph& h, double t0_s, double t1_s) {
    double d = 0;
    for (std::size_t k = 0; k + 1 < h.time_s.size(); ++k) {
        const double a = std::max(t0_s, h.time_s[k]), b = std::min(t1_s, h.time_s[k + 1]);
        if (b > a) d += h.intensity_mm_h[k] * (b - a) / 3600.0;
    }
    // The last row holds to the end (INTERFACE.md section 2); storms end it with 0.
    if (!h.time_s.empty() && t1_s > std::max(t0_s, h.time_s.back()))
        d += h.intensity_mm_h.back() * (t1_s - std::max(t0_s, h.time_s.back())) / 3600.0;
    return d;
}

double max_window_depth_mm(const Hyetograph& h, double window_s) {
    double best = 0;
    for (std::size_t k = 0; k + 1 < h.time_s.size(); ++k)
        best = std::max(best, hyetograph_depth_mm(h, h.time_s[k], h.time_s[k] + window_s));
    return best;
}

void write_hyetograph_csv(std::ostream& out, const Hyetograph& h) {
    for (const std::string& line : h.header) out << "# " << line << '\n';
    out << "time_s,intensity_mm_h\n";
    char b[64];
    for (std::size_t k = 0; k < h.time_s.size(); ++k) {
        std::snprintf(b, sizeof b, "%.10g,%.10g\n", h.time_s[k], h.intensity_mm_h[k]);
        out << b;
    }
}

// ------------------------------------------------------------------------------------------------
// The storm-intensity formula and the Chicago storm

double idf_intensity_mm_min(const IdfParams& f, double p_years, double t_min) {
    return f.a1_mm_min * (1.0 + f.c * std::log10(p_years)) / std::pow(t_min + f.b_min, f.n);
}

double idf_depth_mm(const IdfParams& f, double p_years, double t_min) {
    return t_min <= 0 ? 0.0 : idf_intensity_mm_min(f, p_years, t_min) * t_min;
}

Hyetograph chicago_storm(const ChicagoParams& p) {
    const IdfParams f{p.a1_mm_min, p.c, p.b_min, p.n};
    check_idf(f, p.return_period_years);
    if (!finite(p.duration_s) || p.duration_s <= 0) bad("duration", p.duration_s, "the duration must be > 0 s");
    if (!finite(p.peak_fraction) || p.peak_fraction < 0 || p.peak_fraction > 1)
        bad("peak", p.peak_fraction, "the peak position r must lie in [0, 1]");
    if (!finite(p.step_s) || p.step_s <= 0 || p.step_s > p.duration_s)
        bad("step", p.step_s, "the step must be > 0 s and at most the duration");
    const double a = f.a1_mm_min * (1.0 + f.c * std::log10(p.return_period_years));
    const double T = p.duration_s / 60.0, r = p.peak_fraction;  // minutes
    auto D = [&](double t_min) { return idf_depth_a(a, f.b_min, f.n, t_min); };

    Hyetograph h;
    if (p.method == ChicagoMethod::Blocks) {
        const long N = whole_steps(p.duration_s, p.step_s);
        if (N < 1) bad("step", p.step_s, "the duration (" + format_number(p.duration_s, 12) + " s) must be a whole number of steps");
        const double dt = p.step_s / 60.0;
        const long B = std::min(N - 1, static_cast<long>(std::floor(r * T / dt + 1e-9)));  // rows before the peak
        const double rr = N > 1 ? static_cast<double>(B) / static_cast<double>(N - 1) : 0.0;
        std::vector<double> before, after;  // outward from the peak
        long placed_before = 0;
        for (long k = 2; k <= N; ++k) {
            const double depth = D(k * dt) - D((k - 1) * dt);
            const long want = static_cast<long>(std::floor(rr * static_cast<double>(k - 1) + 0.5));
            if (want > placed_before) {
                before.push_back(depth);
                ++placed_before;
            } else {
                after.push_back(depth);
            }
        }
        std::vector<double> depth(before.rbegin(), before.rend());
        depth.push_back(D(dt));
        depth.insert(depth.end(), after.begin(), after.end());
        for (std::size_t k = 0; k < depth.size(); ++k) {
            h.time_s.push_back(static_cast<double>(k) * p.step_s);
            h.intensity_mm_h.push_back(depth[k] / dt * 60.0);
        }
        h.time_s.push_back(p.duration_s);
    } else {
        const double tp = r * T;
        // Cumulative depth from the start: the window [tp - r t, tp + (1-r) t] holds D(t).
        auto S = [&](double t) {
            if (t <= tp) return r > 0 ? r * D(T) - r * D((tp - t) / r) : 0.0;
            return r * D(T) + (1 - r) * D((t - tp) / (1 - r));
        };
        for (double t0 = 0; t0 < p.duration_s * (1 - 1e-12); t0 += p.step_s) {
            const double t1 = std::min(p.duration_s, t0 + p.step_s);
            h.time_s.push_back(t0);
            h.intensity_mm_h.push_back((S(t1 / 60.0) - S(t0 / 60.0)) / ((t1 - t0) / 60.0) * 60.0);
        }
        h.time_s.push_back(p.duration_s);
    }
    h.intensity_mm_h.push_back(0.0);
    char b[256];
    std::snprintf(b, sizeof b, "Chicago (Keifer-Chu) design storm, %s rows: i = %g (1 + %g lg P) / (t + %g)^%g mm/min",
                  p.method == ChicagoMethod::Blocks ? "block" : "curve", f.a1_mm_min, f.c, f.b_min, f.n);
    h.header.emplace_back(b);
    std::snprintf(b, sizeof b, "P = %g years, duration %g s, peak r = %g (at %g s), step %g s; depth %.4f mm",
                  p.return_period_years, p.duration_s, r, r * p.duration_s, p.step_s, D(T));
    h.header.emplace_back(b);
    h.header.emplace_back(
        "time_s = 0 is the start of the storm; the parameters are the caller's (illustrative "
        "unless taken from a published storm-intensity formula)");
    return h;
}

// ------------------------------------------------------------------------------------------------
// The 7·20-style storm

namespace {

/// The day's shape (hours from the storm's start, u in [48, 72]): g(u) = beta + 1 / (1 + ((u - uc)/tau)^2),
/// uc the middle of the peak hour; G its integral.
struct DayShape {
    double tau = 1, beta = 0;
    static constexpr double uc = 68.5;
    double g(double u) const { return beta + 1.0 / (1.0 + ((u - uc) / tau) * ((u - uc) / tau)); }
    double G(double u0, double u1) const {
        return beta * (u1 - u0) + tau * (std::atan((u1 - uc) / tau) - std::atan((u0 - uc) / tau));
    }
};

/// tau and beta such that one factor scales g to both the peak hour and the rest of the day (no jump at
/// 16 h or 17 h) and the day joins the uniform first 48 hours at 20 h on 19 July without a jump.
DayShape solve_day_shape() {
    const double before = (k720ThreeDayMm - k720DayMm) / 48.0;  // mm/h over the first 48 h
    const double want = k720PeakHourMm / k720DayMm;
    auto shape_for = [&](double tau) {
        DayShape s{tau, 0.0};
        const double I = s.G(48, 72), L48 = s.g(48);
        s.beta = std::max(0.0, (before * I - k720DayMm * L48) / (k720DayMm - 24.0 * before));
        return s;
    };
    auto ratio = [&](double tau) {
        const DayShape s = shape_for(tau);
        return s.G(68, 69) / s.G(48, 72);
    };
    double lo = 0.05, hi = 20.0;  // ratio falls as tau grows
    for (int it = 0; it < 200; ++it) {
        const double mid = 0.5 * (lo + hi);
        (ratio(mid) > want ? lo : hi) = mid;
    }
    return shape_for(0.5 * (lo + hi));
}

std::string beijing_time(double seconds_after_start) {
    // 2021-07-17 20:00 Beijing time, handled as a UTC calendar (only the wall-clock fields are printed).
    std::tm base{};
    base.tm_year = 2021 - 1900;
    base.tm_mon = 6;
    base.tm_mday = 17;
    base.tm_hour = 20;
    const std::time_t t0 = timegm(&base);
    const std::time_t t = t0 + static_cast<std::time_t>(std::floor(seconds_after_start));
    std::tm out{};
    gmtime_r(&t, &out);
    char b[64];
    std::strftime(b, sizeof b, "%Y-%m-%d %H:%M:%S", &out);
    return b;
}

}  // namespace

Hyetograph storm_720(const Storm720Options& o) {
    if (!finite(o.scale) || o.scale <= 0) bad("scale", o.scale, "the scale must be > 0");
    if (!finite(o.shift_s) || o.shift_s < 0 || o.shift_s > 1e9) bad("shift", o.shift_s, "the shift must be >= 0 s");
    if (!finite(o.step_s) || o.step_s <= 0 || whole_steps(3600.0, o.step_s) < 1)
        bad("step", o.step_s, "the step must divide one hour (e.g. 1min, 5min, 10min, 1h)");
    const long per_hour = whole_steps(3600.0, o.step_s);
    const double dt_h = 1.0 / static_cast<double>(per_hour);
    const DayShape s = solve_day_shape();
    const double rest_mm = k720DayMm - k720PeakHourMm, first_mm = k720ThreeDayMm - k720DayMm;
    const double rest_g = s.G(48, 72) - s.G(68, 69), peak_g = s.G(68, 69);

    Hyetograph h;
    if (o.shift_s > 0) {
        h.time_s.push_back(0.0);
        h.intensity_mm_h.push_back(0.0);
    }
    for (long hour = 0; hour < 72; ++hour)
        for (long k = 0; k < per_hour; ++k) {
            const double u0 = static_cast<double>(hour) + static_cast<double>(k) * dt_h, u1 = u0 + dt_h;
            double depth;
            if (hour < 48)
                depth = first_mm * dt_h / 48.0;
            else if (hour == 68)
                depth = k720PeakHourMm * s.G(u0, u1) / peak_g;
            else
                depth = rest_mm * s.G(u0, u1) / rest_g;
            h.time_s.push_back(o.shift_s + (static_cast<double>(hour) * 3600.0 + static_cast<double>(k) * o.step_s));
            h.intensity_mm_h.push_back(o.scale * depth / dt_h);
        }
    h.time_s.push_back(o.shift_s + k720LengthS);
    h.intensity_mm_h.push_back(0.0);

    char b[512];
    const double z = o.shift_s;  // time_s of 2021-07-17 20:00
    h.header.push_back(
        "7-20-style design storm (floodsim storm 720, docs/storms.md): Zhengzhou station anchors, "
        "synthetic hours between");
    std::snprintf(b, sizeof b,
                  "time_s = 0 is %s Beijing time (UTC+8); the storm runs from time_s = %g (2021-07-17 "
                  "20:00:00) to %g (2021-07-20 20:00:00); scale %g, step %g s, shift %g s",
                  beijing_time(-o.shift_s).c_str(), z, z + k720LengthS, o.scale, o.step_s, o.shift_s);
    h.header.emplace_back(b);
    std::snprintf(b, sizeof b,
                  "measured (x scale %g): %.1f mm in 2021-07-20 16:00-17:00 (time_s %g-%g); %.1f mm in "
                  "2021-07-19 20:00 - 2021-07-20 20:00 (time_s %g-%g); %.1f mm in 2021-07-17 20:00 - 2021-07-20 20:00",
                  o.scale, k720PeakHourMm, z + k720PeakHourStartS, z + k720PeakHourStartS + 3600, k720DayMm,
                  z + k720DayStartS, z + k720LengthS, k720ThreeDayMm);
    h.header.emplace_back(b);
    h.header.push_back(
        "synthetic: every hour except 2021-07-20 16:00-17:00 (whose split into steps is synthetic); "
        "they only sum to the measured day and three-day totals");
    return h;
}

// ------------------------------------------------------------------------------------------------
// Fitting the formula

IdfFit fit_idf(const std::vector<IdfObservation>& rows) {
    const std::size_t m = rows.size();
    if (m < 4) throw std::invalid_argument("table: " + std::to_string(m) + " rows; the fit needs at least 4");
    for (std::size_t i = 0; i < m; ++i) {
        const IdfObservation& o = rows[i];
        const std::string row = "row " + std::to_string(i + 1) + ": ";
        if (!finite(o.duration_min) || o.duration_min <= 0)
            throw std::invalid_argument(row + "duration_min = " + format_number(o.duration_min, 12) + ": must be > 0");
        if (!finite(o.return_period_years) || o.return_period_years <= 0)
            throw std::invalid_argument(row + "return_period_years = " + format_number(o.return_period_years, 12) + ": must be > 0");
        if (!finite(o.depth_mm) || o.depth_mm <= 0)
            throw std::invalid_argument(row + "depth_mm = " + format_number(o.depth_mm, 12) + ": must be > 0");
    }
    auto distinct = [&](auto field) {
        std::vector<double> v;
        for (const IdfObservation& o : rows) v.push_back(field(o));
        std::sort(v.begin(), v.end());
        return std::unique(v.begin(), v.end()) - v.begin();
    };
    if (distinct([](const IdfObservation& o) { return o.return_period_years; }) < 2)
        throw std::invalid_argument("table: the fit needs at least two return periods (to find C)");
    if (distinct([](const IdfObservation& o) { return o.duration_min; }) < 3)
        throw std::invalid_argument("table: the fit needs at least three durations (to find b and n)");

    Eigen::VectorXd t(m), lgp(m), y(m);
    for (std::size_t i = 0; i < m; ++i) {
        t[i] = rows[i].duration_min;
        lgp[i] = std::log10(rows[i].return_period_years);
        y[i] = rows[i].depth_mm / rows[i].duration_min;  // mm/min
    }
    const double t_min = t.minCoeff();
    // x = (A1, C, b, n); residual = model - observed intensity.
    auto residual = [&](const Eigen::Vector4d& x) {
        Eigen::VectorXd r(m);
        for (std::size_t i = 0; i < m; ++i) r[i] = x[0] * (1 + x[1] * lgp[i]) / std::pow(t[i] + x[2], x[3]) - y[i];
        return r;
    };
    auto jacobian = [&](const Eigen::Vector4d& x) {
        Eigen::MatrixXd J(m, 4);
        for (std::size_t i = 0; i < m; ++i) {
            const double den = std::pow(t[i] + x[2], x[3]);
            const double model = x[0] * (1 + x[1] * lgp[i]) / den;
            J(i, 0) = (1 + x[1] * lgp[i]) / den;
            J(i, 1) = x[0] * lgp[i] / den;
            J(i, 2) = -x[3] * model / (t[i] + x[2]);
            J(i, 3) = -model * std::log(t[i] + x[2]);
        }
        return J;
    };

    // Start: for b and n on a grid, (A1, A1 C) by linear least squares; keep the best.
    Eigen::Vector4d x(1, 0, 10, 0.7);
    double best = std::numeric_limits<double>::infinity();
    for (double b = 0; b <= 60; b += 1)
        for (double n = 0.3; n <= 1.2 + 1e-9; n += 0.02) {
            Eigen::MatrixXd M(m, 2);
            for (std::size_t i = 0; i < m; ++i) {
                const double den = std::pow(t[i] + b, n);
                M(i, 0) = 1 / den;
                M(i, 1) = lgp[i] / den;
            }
            const Eigen::Vector2d uv = M.colPivHouseholderQr().solve(y);
            const double sse = (M * uv - y).squaredNorm();
            if (uv[0] > 0 && sse < best) {
                best = sse;
                x = Eigen::Vector4d(uv[0], uv[1] / uv[0], b, n);
            }
        }

    // Levenberg-Marquardt with Marquardt's scaling (lambda * diag(J^T J)).
    IdfFit fit;
    Eigen::VectorXd r = residual(x);
    double sse = r.squaredNorm(), lambda = 1e-3;
    for (int it = 0; it < 500; ++it) {
        fit.iterations = it + 1;
        const Eigen::MatrixXd J = jacobian(x);
        const Eigen::Matrix4d JtJ = J.transpose() * J;
        const Eigen::Vector4d g = J.transpose() * r;
        if (g.cwiseAbs().maxCoeff() <= 1e-15 * std::max(1.0, sse)) {
            fit.converged = true;
            break;
        }
        bool accepted = false;
        for (int tries = 0; tries < 60 && !accepted; ++tries) {
            Eigen::Matrix4d A = JtJ;
            for (int k = 0; k < 4; ++k) A(k, k) += lambda * std::max(JtJ(k, k), 1e-300);
            const Eigen::Vector4d dx = A.ldlt().solve(-g);
            const Eigen::Vector4d xn = x + dx;
            if (xn[2] + t_min > 0 && std::isfinite(xn.sum())) {
                const Eigen::VectorXd rn = residual(xn);
                const double ssen = rn.squaredNorm();
                if (std::isfinite(ssen) && ssen <= sse) {
                    const bool tiny = dx.cwiseAbs().maxCoeff() <= 1e-14 * (x.cwiseAbs().maxCoeff() + 1e-14);
                    const bool flat = sse - ssen <= 1e-15 * sse;
                    x = xn;
                    r = rn;
                    sse = ssen;
                    lambda = std::max(lambda / 3, 1e-12);
                    accepted = true;
                    if (tiny || (flat && lambda <= 1e-9)) fit.converged = true;
                    break;
                }
            }
            lambda *= 4;
        }
        if (!accepted) {  // no step lowers the sum any more: at the minimum to rounding
            fit.converged = true;
            break;
        }
        if (fit.converged) break;
    }
    fit.params = IdfParams{x[0], x[1], x[2], x[3]};
    fit.residual_mm_min.assign(r.data(), r.data() + m);
    fit.rms_mm_min = std::sqrt(sse / static_cast<double>(m));
    return fit;
}

// ------------------------------------------------------------------------------------------------
// The moving storm cell

void storm_cell_centre(const StormCell& c, double t_s, double& cx, double& cy) {
    const double lx = c.x1 - c.x0, ly = c.y1 - c.y0, len = std::hypot(lx, ly);
    cx = c.x0;
    cy = c.y0;
    if (len > 0) {
        cx += lx / len * c.speed_m_s * t_s;
        cy += ly / len * c.speed_m_s * t_s;
    }
}

double storm_cell_intensity(const StormCell& c, double peak_mm_h, double cx, double cy, double x, double y) {
    const double r2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
    if (c.gaussian) return peak_mm_h * std::exp(-r2 / (2 * c.radius_m * c.radius_m));
    return r2 <= c.radius_m * c.radius_m ? peak_mm_h : 0.0;
}

double storm_cell_area_m2(const StormCell& c) {
    return (c.gaussian ? 2.0 : 1.0) * std::numbers::pi * c.radius_m * c.radius_m;
}

std::vector<double> storm_cell_grid(const StormCell& c, double peak_mm_h, double t0_s, double t1_s,
                                    const std::vector<double>& xs, const std::vector<double>& ys) {
    std::vector<double> out(xs.size() * ys.size(), 0.0);
    const double travel = c.speed_m_s * (t1_s - t0_s);
    const int subs = std::max(1, static_cast<int>(std::ceil(travel / (c.radius_m / 8.0))));
    const double w = 1.0 / subs;
    for (int s = 0; s < subs; ++s) {
        double cx, cy;
        storm_cell_centre(c, t0_s + (s + 0.5) * w * (t1_s - t0_s), cx, cy);
        for (std::size_t j = 0; j < ys.size(); ++j)
            for (std::size_t i = 0; i < xs.size(); ++i)
                out[j * xs.size() + i] += w * storm_cell_intensity(c, peak_mm_h, cx, cy, xs[i], ys[j]);
    }
    return out;
}

}  // namespace floodsim
