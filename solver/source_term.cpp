#include "solver/source_term.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "solver/simulation.hpp"

namespace floodsim {

template <class Real>
CellRateSource<Real>::CellRateSource(std::string name, std::vector<double> rate, TimeSeries factor)
    : name_(std::move(name)), rate_(std::move(rate)), factor_(std::move(factor)) {
    if (name_.empty()) throw std::invalid_argument("a source needs a name");
    for (double r : rate_) {
        if (!std::isfinite(r)) throw std::invalid_argument("source " + name_ + ": rate is not finite");
        adds_ |= r > 0.0;
        removes_ |= r < 0.0;
    }
}

template <class Real>
std::vector<LedgerTerm> CellRateSource<Real>::ledger_terms() const {
    if (adds_ && removes_) return {{name_ + "_in", true, 0.0}, {name_ + "_out", false, 0.0}};
    return {{name_, !removes_, 0.0}};
}

template <class Real>
void CellRateSource<Real>::check(const Grid2D& grid) const {
    if (rate_.size() != grid.cells()) throw std::invalid_argument("source " + name_ + ": rate has the wrong size");
}

template <class Real>
void CellRateSource<Real>::apply(SourceContext<Real>& ctx, double t, double dt, double* booked) {
    const double f = factor_.empty() ? 1.0 : factor_.mean(t, t + dt);
    if (f == 0.0) return;
    dt *= f;  // rate x factor over the step = rate over dt x (mean factor)
    const Grid2D& g = ctx.grid;
    State<Real>& st = ctx.state;
    Field<double>& moved = *st.extra_field(name_ + "_depth");
    const Field<Real>& z = ctx.z;
    const Real dry = static_cast<Real>(ctx.dry_depth);
    const Real wall_half = Real(0.5 * kWallElevation);
    std::vector<double> in_rows(g.ny, 0.0), out_rows(g.ny, 0.0);
    const std::vector<double>& rate = rate_;
#pragma omp parallel for schedule(static) num_threads(ctx.threads) default(none) \
    shared(g, st, moved, z, rate, in_rows, out_rows) firstprivate(dt, dry, wall_half)
    for (int j = 0; j < g.ny; ++j) {
        Real* h = st.h.row(j);
        Real* hu = st.hu.row(j);
        Real* hv = st.hv.row(j);
        const Real* zr = z.row(j);
        double* m = moved.row(j);
        const double* r = rate.data() + static_cast<std::size_t>(j) * g.nx;
        double in = 0.0, out = 0.0;
        for (int i = 0; i < g.nx; ++i) {
            if (r[i] == 0.0 || !(zr[i] < wall_half)) continue;
            const Real h0 = h[i];
            // A sink takes at most the water present (in Real: exactly what leaves the cell).
            const Real hn = std::max(Real(0.0), static_cast<Real>(h0 + static_cast<Real>(r[i] * dt)));
            const double dh = static_cast<double>(hn) - static_cast<double>(h0);
            h[i] = hn;
            if (hn < dry) {
                hu[i] = hv[i] = Real(0.0);
            } else if (hn < h0) {
                hu[i] = hu[i] * (hn / h0);  // the same velocity
                hv[i] = hv[i] * (hn / h0);
            }
            m[i] += dh;
            (dh > 0.0 ? in : out) += std::abs(dh);
        }
        in_rows[j] = in;
        out_rows[j] = out;
    }
    double in = 0.0, out = 0.0;
    for (int j = 0; j < g.ny; ++j) {
        in += in_rows[j];
        out += out_rows[j];
    }
    const double area = g.cell_area();
    if (adds_ && removes_) {
        booked[0] += in * area;
        booked[1] += out * area;
    } else {
        booked[0] += (adds_ ? in : out) * area;
    }
}

template class CellRateSource<double>;
template class CellRateSource<float>;

template <class Real>
RainGridSource<Real>::RainGridSource(RainGridSpec spec) : spec_(std::move(spec)) {
    if (spec_.time_s.empty() || spec_.time_s.size() != spec_.mm_h.size())
        throw std::invalid_argument("rain grids: one time per grid, at least one");
    for (std::size_t k = 0; k < spec_.time_s.size(); ++k) {
        if (!std::isfinite(spec_.time_s[k]) || (k > 0 && !(spec_.time_s[k] > spec_.time_s[k - 1])))
            throw std::invalid_argument("rain grids: times must be finite and strictly increasing");
        for (float v : spec_.mm_h[k])
            if (!(v >= 0.0f) || !std::isfinite(v))
                throw std::invalid_argument("rain grids: intensity must be >= 0 and finite");
    }
}

template <class Real>
void RainGridSource<Real>::check(const Grid2D& grid) const {
    for (const std::vector<float>& m : spec_.mm_h)
        if (!m.empty() && m.size() != grid.cells())
            throw std::invalid_argument("rain grids: a grid has the wrong size");
}

template <class Real>
void RainGridSource<Real>::apply(SourceContext<Real>& ctx, double t, double dt, double* booked) {
    // The grids the step overlaps and for how long (usually one; two or more at a row change).
    const std::vector<double>& ts = spec_.time_s;
    const double t1 = t + dt;
    std::vector<std::pair<const float*, double>> parts;  // grid, seconds of the step it holds
    for (std::size_t k = 0; k < ts.size(); ++k) {
        const double a = std::max(t, ts[k]);
        const double b = k + 1 < ts.size() ? std::min(t1, ts[k + 1]) : t1;
        if (b > a && !spec_.mm_h[k].empty()) parts.emplace_back(spec_.mm_h[k].data(), b - a);
    }
    if (parts.empty()) return;
    const Grid2D& g = ctx.grid;
    State<Real>& st = ctx.state;
    const Field<Real>& z = ctx.z;
    const Real wall_half = Real(0.5 * kWallElevation);
    std::vector<double> rows(g.ny, 0.0);
#pragma omp parallel for schedule(static) num_threads(ctx.threads) default(none) shared(g, st, z, parts, rows) \
    firstprivate(wall_half)
    for (int j = 0; j < g.ny; ++j) {
        Real* h = st.h.row(j);
        const Real* zr = z.row(j);
        const std::size_t row0 = static_cast<std::size_t>(j) * g.nx;
        double added = 0.0;
        for (int i = 0; i < g.nx; ++i) {
            if (!(zr[i] < wall_half)) continue;  // outside the domain: no rain
            double mm = 0.0;                     // mm/h x s
            for (const auto& [grid, seconds] : parts) mm += static_cast<double>(grid[row0 + i]) * seconds;
            if (mm == 0.0) continue;
            const Real h0 = h[i];
            const Real hn = static_cast<Real>(h0 + static_cast<Real>(mm / 3.6e6));
            h[i] = hn;
            added += static_cast<double>(hn) - static_cast<double>(h0);  // what the cell really got
        }
        rows[j] = added;
    }
    double total = 0.0;
    for (double r : rows) total += r;
    booked[0] += total * g.cell_area();
}

template class RainGridSource<double>;
template class RainGridSource<float>;

}  // namespace floodsim
