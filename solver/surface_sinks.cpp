#include "solver/surface_sinks.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

#include "solver/simulation.hpp"

namespace floodsim {

namespace {

using Model = InfiltrationSpec::Model;

/// The ledger's items of the sinks: groups of kGroup cells from the global grid's column 0 (a block
/// starts at a multiple of kGroup: SubdomainLinks::sum_row_items), each summed as a fixed tree
/// (group_sums), so that a row's items are the same on any block while the sink loop stays a
/// vector loop and the ordered sum adds one item per 8 cells. A row's missing cells beyond its
/// end count as 0.
constexpr int kGroup = 8;

/// One parameter's value at cell k (a uniform parameter holds one value).
inline double at(const std::vector<double>& p, std::size_t k) { return p.size() == 1 ? p[0] : p[k]; }

/// Green-Ampt potential infiltration over dt from cumulative F (m): the implicit-midpoint step of
/// dF/dt = ks (1 + B / F), B = psi dtheta: dF (F + dF/2) = ks dt (F + dF/2 + B).
inline double green_ampt_step(double f, double ks, double b, double dt) {
    const double a = 0.5 * ks * dt;
    return (a - f) + std::sqrt((f - a) * (f - a) + 4.0 * a * (f + b));
}

/// SCS-CN abstraction P - Q(P), m, for cumulative rain p (m), S (m) and Ia (m).
inline double scs_abstraction(double p, double s, double ia) {
    if (!(p > ia)) return p;
    const double e = p - ia;
    return p - e * e / (e + s);
}

inline double scs_s(double cn) { return 0.0254 * (1000.0 / cn - 10.0); }

/// Horton: the time tau in [0, dt] at capacity in which a cell with decay state e = e^(-k t*)
/// infiltrates d (< its potential over dt): fc tau + (f0 - fc) e (1 - e^(-k tau)) / k = d.
/// Newton from the left (the left side is concave in tau: the iterates rise monotonically).
inline double horton_time(double d, double f0, double fc, double k, double e, double dt) {
    const double a = (f0 - fc) * e / k;
    double tau = d / (fc + (f0 - fc) * e);  // at the initial capacity: never beyond the root
    for (int it = 0; it < 20; ++it) {
        const double ek = std::exp(-k * tau);
        const double g = fc * tau + a * (1.0 - ek) - d;
        const double step = g / (fc + a * k * ek);
        tau -= step;
        if (std::abs(step) <= 1e-13 * dt) break;
    }
    return std::clamp(tau, 0.0, dt);
}

}  // namespace

double green_ampt_cumulative(double t, double rain, double ks, double psi, double dtheta) {
    const double b = psi * dtheta;
    if (!(rain > ks)) return rain * t;
    const double fp = ks * b / (rain - ks), tp = fp / rain;
    if (t <= tp) return rain * t;
    // Newton on G(F) = F - Fp - B ln((F + B) / (Fp + B)) - ks (t - tp), increasing in F.
    double f = std::max(fp, ks * (t - tp) + fp);
    for (int it = 0; it < 100; ++it) {
        const double g = f - fp - b * std::log((f + b) / (fp + b)) - ks * (t - tp);
        const double step = g / (1.0 - b / (f + b));
        f -= step;
        if (std::abs(step) <= 1e-15 * f) break;
    }
    return f;
}

double horton_cumulative(double t, double f0, double fc, double k) {
    return fc * t + (f0 - fc) * (1.0 - std::exp(-k * t)) / k;
}

double scs_runoff(double p, double cn, double ia_ratio) {
    const double s = scs_s(cn);
    return p - scs_abstraction(p, s, ia_ratio * s);
}

template <class Real>
SurfaceSinks<Real>::SurfaceSinks(DrainageSpec drains, InfiltrationSpec spec, double interval)
    : drains_(std::move(drains)), spec_(std::move(spec)), interval_(interval) {
    if (!(interval_ >= 0.0 && std::isfinite(interval_))) throw std::invalid_argument("surface sinks: interval < 0");
    // Parameters are NaN outside the domain (rasters, land use): never read there.
    for (double c : drains_.capacity)
        if (!std::isnan(c) && !(std::isfinite(c) && c >= 0.0)) throw std::invalid_argument("drainage: capacity < 0");
    for (double e : drains_.efficiency.values())
        if (!(e >= 0.0 && e <= 1.0)) throw std::invalid_argument("drainage: efficiency outside 0..1");
    // A uniform capacity is read as one value.
    if (drains_.capacity.size() > 1 &&
        std::all_of(drains_.capacity.begin(), drains_.capacity.end(), [&](double c) { return c == drains_.capacity[0]; }))
        drains_.capacity = std::vector<double>{drains_.capacity.front()};
    if (drains_.capacity.empty() && spec_.model == Model::None) throw std::invalid_argument("surface sinks: none given");
    const auto need = [&](const std::vector<double>& p, const char* name, double lo, double hi) {
        if (p.empty()) throw std::invalid_argument(std::string("infiltration: ") + name + " missing");
        for (double v : p)
            if (!std::isnan(v) && !(v >= lo && v <= hi))
                throw std::invalid_argument(std::string("infiltration: ") + name + " out of range");
    };
    const double inf = HUGE_VAL;
    switch (spec_.model) {
        case Model::GreenAmpt:
            need(spec_.ks, "ks", 0.0, inf);
            need(spec_.psi, "psi", 0.0, inf);
            need(spec_.dtheta, "dtheta", 0.0, 1.0);
            break;
        case Model::Horton:
            need(spec_.f0, "f0", 0.0, inf);
            need(spec_.fc, "fc", 0.0, inf);
            need(spec_.k, "k", 1e-300, inf);
            for (std::size_t c = 0; c < std::max(spec_.f0.size(), spec_.fc.size()); ++c)
                if (at(spec_.fc, c) > at(spec_.f0, c)) throw std::invalid_argument("infiltration: fc above f0");
            break;
        case Model::ScsCn:
            need(spec_.cn, "cn", 30.0, 100.0);
            if (!(spec_.ia_ratio >= 0.0 && spec_.ia_ratio <= 1.0))
                throw std::invalid_argument("infiltration: ia_ratio out of range");
            break;
        case Model::None:
            break;
    }
    // What the steps read: Green-Ampt's psi dtheta, SCS-CN's S (m), per cell or uniform.
    if (spec_.model == Model::GreenAmpt) {
        const std::size_t n = std::max(spec_.psi.size(), spec_.dtheta.size());
        for (std::size_t c = 0; c < n; ++c) b_.push_back(at(spec_.psi, c) * at(spec_.dtheta, c));
    }
    if (spec_.model == Model::ScsCn)
        for (double cn : spec_.cn) s_.push_back(scs_s(cn));
}

template <class Real>
std::vector<LedgerTerm> SurfaceSinks<Real>::ledger_terms() const {
    std::vector<LedgerTerm> terms;
    if (!drains_.capacity.empty()) terms.push_back({"drainage", false, 0.0});
    if (spec_.model != Model::None) terms.push_back({"infiltration", false, 0.0});
    return terms;
}

template <class Real>
std::vector<std::string> SurfaceSinks<Real>::state_fields() const {
    // drainage_depth, infiltration_depth: cumulative depths taken (m); Horton's decay
    // 1 - e^(-k t*); SCS-CN's cumulative rain on the cell (m).
    std::vector<std::string> f;
    if (!drains_.capacity.empty()) f.push_back("drainage_depth");
    if (spec_.model != Model::None) f.push_back("infiltration_depth");
    if (spec_.model == Model::Horton) f.push_back("horton_decay");
    if (spec_.model == Model::ScsCn) f.push_back("scs_rain_depth");
    return f;
}

template <class Real>
std::vector<std::pair<std::string, std::size_t>> SurfaceSinks<Real>::state_values() const {
    if (interval_ > 0.0) return {{"sinks_pending", 1}};  // s since the sinks last acted
    return {};
}

template <class Real>
void SurfaceSinks<Real>::check(const Grid2D& grid) const {
    for (const std::vector<double>* p :
         {&drains_.capacity, &spec_.ks, &spec_.psi, &spec_.dtheta, &spec_.f0, &spec_.fc, &spec_.k, &spec_.cn})
        if (p->size() > 1 && p->size() != grid.cells())
            throw std::invalid_argument("surface sinks: a parameter raster has the wrong size");
    if (grid.i0 % kGroup != 0)  // (the ledger's groups of cells: a block starts at a group)
        throw std::invalid_argument("surface sinks: a block must start at a multiple of 8 columns");
}

namespace {

/// A parameter read along a row: one per cell, or a uniform one read from a row of copies of its
/// value. Both have unit stride: with a stride chosen at run time (0 or 1) gcc left the row loop
/// scalar, with a branch per cell (measured: the sinks took 15-24 % of the Shangjie templates).
struct Param {
    const double* p;      ///< cell 0 of the grid (per cell) or the row of copies (uniform)
    bool per_cell;
    /// The parameter of the row that starts at cell k0, indexed by the column.
    const double* row(std::size_t k0) const { return per_cell ? p + k0 : p; }
};
/// v: one value or one per cell; copies: where a uniform value is spread over a row (nx values).
Param param(const std::vector<double>& v, std::vector<double>& copies, int nx) {
    if (v.size() != 1) return {v.data(), true};
    copies.assign(static_cast<std::size_t>(nx), v[0]);
    return {copies.data(), false};
}

/// The sinks of a row: from every wet domain cell, first the drains take min(h, cap dt_e) (when
/// Drains), then the soil min(h, potential(i, cum)) (when Soil); velocities kept. Adds what
/// each took to its cumulative field and writes it to took_d and took_i (m, one per cell).
template <bool Drains, bool Soil, class Real, class Potential>
void sink_row(Real* __restrict h, Real* __restrict hu, Real* __restrict hv, const Real* __restrict z,
              double* __restrict dcum, double* __restrict icum, int nx, const double* __restrict cap, double drain_dt,
              Real dry, Real wall_half, Potential potential, double* __restrict took_d, double* __restrict took_i) {
#pragma omp simd
    for (int i = 0; i < nx; ++i) {
        const Real h0 = h[i];
        const bool on = z[i] < wall_half && h0 > Real(0);
        // Each takes at most the water present (in Real: exactly what leaves the cell).
        Real h1 = h0;
        if constexpr (Drains) h1 = on ? std::max(Real(0.0), static_cast<Real>(h0 - static_cast<Real>(cap[i] * drain_dt))) : h0;
        Real h2 = h1;
        if constexpr (Soil) {
            const double pot = potential(i, icum[i]);
            h2 = on ? std::max(Real(0.0), static_cast<Real>(h1 - static_cast<Real>(pot))) : h1;
        }
        const double d1 = static_cast<double>(h0) - static_cast<double>(h1);
        const double d2 = static_cast<double>(h1) - static_cast<double>(h2);
        const Real keep = on ? h2 / h0 : Real(1);  // the same velocity
        hu[i] = on && h2 < dry ? Real(0) : hu[i] * keep;
        hv[i] = on && h2 < dry ? Real(0) : hv[i] * keep;
        h[i] = h2;
        if constexpr (Drains) {
            dcum[i] += d1;
            took_d[i] = d1;
        }
        if constexpr (Soil) {
            icum[i] += d2;
            took_i[i] = d2;
        }
    }
}

/// SCS-CN: the rain of a step (uniform, plus rain grids' share per cell when rc) added to each
/// domain cell's cumulative rain.
template <class Real>
void add_rain_row(double* __restrict cum, const Real* __restrict z, const double* __restrict rc, double rain,
                  Real wall_half, int nx) {
    if (rc) {
#pragma omp simd
        for (int i = 0; i < nx; ++i) cum[i] += z[i] < wall_half ? rain + rc[i] : 0.0;
    } else {
#pragma omp simd
        for (int i = 0; i < nx; ++i) cum[i] += z[i] < wall_half ? rain : 0.0;
    }
}

/// groups[g] = the tree sum of cells[8 g .. 8 g + 7] (cells padded with zeros to whole groups).
inline void group_sums(const double* __restrict cells, int groups, double* __restrict out) {
    for (int g = 0; g < groups; ++g) {
        const double* c = cells + static_cast<std::size_t>(g) * kGroup;
        out[g] = ((c[0] + c[1]) + (c[2] + c[3])) + ((c[4] + c[5]) + (c[6] + c[7]));
    }
}

}  // namespace

template <class Real>
void SurfaceSinks<Real>::count_rain(SourceContext<Real>& ctx) const {
    const Grid2D& g = ctx.grid;
    Field<double>& cum = *ctx.state.extra_field("scs_rain_depth");
    const Field<Real>& z = ctx.z;
    const Real wall_half = Real(0.5 * kWallElevation);
    const double rain = ctx.rain_depth;
    const double* rain_cells = ctx.rain_cells;
    const int nx = g.nx;
#pragma omp parallel for schedule(static) num_threads(ctx.threads) default(none) shared(g, cum, z) \
    firstprivate(nx, wall_half, rain, rain_cells)
    for (int j = 0; j < g.ny; ++j) {
        double* sr = cum.row(j);
        const Real* zr = z.row(j);
        add_rain_row(sr, zr, rain_cells ? rain_cells + static_cast<std::size_t>(j) * nx : nullptr, rain, wall_half, nx);
    }
}

template <class Real>
std::optional<std::pair<double, double>> SurfaceSinks<Real>::acting_span(State<Real>& st, double t_step,
                                                                         double dt_step) const {
    if (interval_ == 0.0) return std::pair{t_step, dt_step};
    double& pending = (*st.extra_values("sinks_pending"))[0];
    pending += dt_step;
    if (!(std::floor((t_step + dt_step) / interval_) > std::floor(t_step / interval_))) return std::nullopt;
    const double span = pending;
    pending = 0.0;
    return std::pair{t_step + dt_step - span, span};
}

template <class Real>
void SurfaceSinks<Real>::apply(SourceContext<Real>& ctx, double t_step, double dt_step, double* booked) {
    const Grid2D& g = ctx.grid;
    State<Real>& st = ctx.state;
    const auto span = acting_span(st, t_step, dt_step);
    if (!span) {  // waiting for the interval's end: nothing taken, nothing booked
        if (spec_.model == Model::ScsCn) count_rain(ctx);
        return;
    }
    const double t = span->first, dt = span->second;
    const bool drains = !drains_.capacity.empty();
    const Model model = spec_.model;
    // The drains' capacity over the step: rate x the mean efficiency (a step series holds each
    // value until the next row) x dt.
    const double drain_dt = drains ? (drains_.efficiency.empty() ? 1.0 : drains_.efficiency.mean(t, t + dt)) * dt : 0.0;
    Field<double>* dfield = drains ? st.extra_field("drainage_depth") : nullptr;
    Field<double>* ifield = model != Model::None ? st.extra_field("infiltration_depth") : nullptr;
    Field<double>* second = model == Model::Horton  ? st.extra_field("horton_decay")
                            : model == Model::ScsCn ? st.extra_field("scs_rain_depth")
                                                    : nullptr;
    const Field<Real>& z = ctx.z;
    const Real dry = static_cast<Real>(ctx.dry_depth);
    const Real wall_half = Real(0.5 * kWallElevation);
    const double rain = ctx.rain_depth;
    const double* rain_cells = ctx.rain_cells;  // rain grids' share, per cell (or null)
    // The ledger's items (kGroup cells each, per row): drained (when drains), then soaked.
    const int groups = (g.nx + kGroup - 1) / kGroup, padded = groups * kGroup;
    const std::size_t quantities = (drains ? 1 : 0) + (model != Model::None ? 1 : 0);
    const std::size_t plane = static_cast<std::size_t>(g.ny) * groups;
    items_.resize(quantities * plane);
    double* const drained_items = drains ? items_.data() : nullptr;
    double* const soaked_items = model != Model::None ? items_.data() + (drains ? plane : 0) : nullptr;
    // What each cell of a row gave (per thread: drained, soaked), padded with zeros to whole groups.
    const int team = std::max(1, ctx.threads);
    took_.assign(static_cast<std::size_t>(team) * 2 * padded, 0.0);
    double* const took = took_.data();
    const InfiltrationSpec& sp = spec_;
    const std::vector<double>& b_cells = b_;
    const std::vector<double>& s_cells = s_;
    // The parameters as rows (a uniform one as a row of copies of its value).
    const int nx = g.nx;
    std::vector<double> copies[5];
    const Param cap = drains ? param(drains_.capacity, copies[0], nx) : Param{nullptr, false};
    const Param ks = model == Model::GreenAmpt ? param(sp.ks, copies[1], nx) : Param{nullptr, false};
    const Param b = model == Model::GreenAmpt ? param(b_cells, copies[2], nx) : Param{nullptr, false};
    const Param s = model == Model::ScsCn ? param(s_cells, copies[1], nx) : Param{nullptr, false};
    const Param f0 = model == Model::Horton ? param(sp.f0, copies[1], nx) : Param{nullptr, false};
    const Param fc = model == Model::Horton ? param(sp.fc, copies[2], nx) : Param{nullptr, false};
    const Param kk = model == Model::Horton ? param(sp.k, copies[3], nx) : Param{nullptr, false};
    // Horton's decay over a whole step, for a uniform k: one exp per step.
    const double horton_ek = model == Model::Horton && sp.k.size() == 1 ? std::exp(-sp.k[0] * dt) : 0.0;
#pragma omp parallel for schedule(static) num_threads(ctx.threads) default(none)                             \
    shared(g, st, dfield, ifield, second, z, sp)                                                                 \
    firstprivate(nx, dt, dry, wall_half, rain, rain_cells, horton_ek, model, drains, cap, ks, b, s, f0, fc, kk, drain_dt, \
                     groups, padded, took, drained_items, soaked_items)
    for (int j = 0; j < g.ny; ++j) {
        Real* h = st.h.row(j);
        Real* hu = st.hu.row(j);
        Real* hv = st.hv.row(j);
        const Real* zr = z.row(j);
        double* dr = dfield ? dfield->row(j) : nullptr;
        double* fr = ifield ? ifield->row(j) : nullptr;
        double* sr = second ? second->row(j) : nullptr;
        const std::size_t k0 = static_cast<std::size_t>(j) * nx;
        double* const took_d = took + static_cast<std::size_t>(omp_get_thread_num()) * 2 * padded;
        double* const took_i = took_d + padded;
        const double* capr = drains ? cap.row(k0) : nullptr;
        // The same row with the drains or without them.
        const auto row = [&](auto potential, auto soil) {
            constexpr bool kSoil = decltype(soil)::value;
            if (drains)
                sink_row<true, kSoil>(h, hu, hv, zr, dr, fr, nx, capr, drain_dt, dry, wall_half, potential, took_d,
                                      took_i);
            else
                sink_row<false, kSoil>(h, hu, hv, zr, dr, fr, nx, capr, drain_dt, dry, wall_half, potential, took_d,
                                       took_i);
        };
        if (model == Model::None) {
            row([](int, double) { return 0.0; }, std::false_type{});
        } else if (model == Model::GreenAmpt) {
            const double* __restrict ksr = ks.row(k0);
            const double* __restrict br = b.row(k0);
            row([=](int i, double f) { return green_ampt_step(f, ksr[i], br[i], dt); }, std::true_type{});
        } else if (model == Model::ScsCn) {
            const double* __restrict sr_s = s.row(k0);
            const double ia_ratio = sp.ia_ratio;
            // The rain the step put on every domain cell, then the abstraction of the total so far
            // that is still to be taken.
            add_rain_row(sr, zr, rain_cells ? rain_cells + k0 : nullptr, rain, wall_half, nx);
            row([=](int i, double f) { return std::max(0.0, scs_abstraction(sr[i], sr_s[i], ia_ratio * sr_s[i]) - f); },
                std::true_type{});
        } else {
            // Horton: cell by cell (the decay needs the water the cell really had).
            const double* f0r = f0.row(k0);
            const double* fcr = fc.row(k0);
            const double* kr = kk.row(k0);
            const bool uniform_k = sp.k.size() == 1;
            std::fill(took_d, took_d + nx, 0.0);  // (the cells skipped took nothing)
            std::fill(took_i, took_i + nx, 0.0);
            for (int i = 0; i < nx; ++i) {
                if (!(zr[i] < wall_half) || !(h[i] > Real(0))) continue;
                const double ek = uniform_k ? horton_ek : std::exp(-kr[i] * dt);
                const double e = 1.0 - sr[i];
                const double pot = fcr[i] * dt + (f0r[i] - fcr[i]) * e * (1.0 - ek) / kr[i];
                const double f_before = fr[i];
                const auto potential = [pot](int, double) { return pot; };
                double* dri = dr ? dr + i : nullptr;
                const double* capi = capr ? capr + i : nullptr;
                if (drains)
                    sink_row<true, true>(h + i, hu + i, hv + i, zr + i, dri, fr + i, 1, capi, drain_dt, dry, wall_half,
                                         potential, took_d + i, took_i + i);
                else
                    sink_row<false, true>(h + i, hu + i, hv + i, zr + i, dri, fr + i, 1, capi, drain_dt, dry, wall_half,
                                          potential, took_d + i, took_i + i);
                // The decay advances by the whole step when the cell took its potential (the water
                // after the drains was enough), else by the time at capacity that took what it had.
                const double d = fr[i] - f_before;
                const bool limited = d < pot && static_cast<double>(h[i]) == 0.0;
                const double e_new = !limited ? e * ek : e * std::exp(-kr[i] * horton_time(d, f0r[i], fcr[i], kr[i], e, dt));
                sr[i] = 1.0 - e_new;
            }
        }
        const std::size_t row_items = static_cast<std::size_t>(j) * groups;
        if (drained_items) group_sums(took_d, groups, drained_items + row_items);
        if (soaked_items) group_sums(took_i, groups, soaked_items + row_items);
    }
    // The sums over the grid in the ledger's order (over the global rows on a block).
    double totals[2] = {0.0, 0.0};
    ctx.sum_row_items(items_, groups, std::span<double>(totals, quantities));
    for (std::size_t q = 0; q < quantities; ++q) booked[q] += totals[q] * g.cell_area();
}

template class SurfaceSinks<double>;
template class SurfaceSinks<float>;

}  // namespace floodsim
