#include "solver/source_term.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "solver/model.hpp"
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
        const int nx = g.nx;
#pragma omp simd reduction(+ : in, out)
        for (int i = 0; i < nx; ++i) {
            const bool on = r[i] != 0.0 && zr[i] < wall_half;
            const Real h0 = h[i];
            // A sink takes at most the water present (in Real: exactly what leaves the cell).
            const Real hn = on ? std::max(Real(0.0), static_cast<Real>(h0 + static_cast<Real>(r[i] * dt))) : h0;
            const double dh = static_cast<double>(hn) - static_cast<double>(h0);
            const Real keep = hn < h0 ? hn / h0 : Real(1);  // a sink keeps the velocity
            hu[i] = on && hn < dry ? Real(0.0) : hu[i] * keep;
            hv[i] = on && hn < dry ? Real(0.0) : hv[i] * keep;
            h[i] = hn;
            m[i] += dh;
            in += std::max(dh, 0.0);
            out += std::max(-dh, 0.0);
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
InflowSource<Real>::InflowSource(std::vector<InflowSpec> inflows) : inflows_(std::move(inflows)) {
    for (const InflowSpec& f : inflows_) {
        if (f.cells.empty()) throw std::invalid_argument("inflow " + f.name + ": no cells");
        for (double q : f.discharge.values())
            if (!(std::isfinite(q) && q >= 0.0)) throw std::invalid_argument("inflow " + f.name + ": discharge < 0");
    }
}

template <class Real>
bool InflowSource<Real>::adds_only_to(std::vector<std::pair<int, int>>& cells) const {
    for (const InflowSpec& f : inflows_) cells.insert(cells.end(), f.cells.begin(), f.cells.end());
    return true;
}

template <class Real>
void InflowSource<Real>::check(const Grid2D& grid) const {
    for (const InflowSpec& f : inflows_)
        for (const auto& [i, j] : f.cells)
            if (i < 0 || j < 0 || i >= grid.nx || j >= grid.ny)
                throw std::invalid_argument("inflow " + f.name + ": a cell is outside the grid");
}

template <class Real>
void InflowSource<Real>::apply(SourceContext<Real>& ctx, double t, double dt, double* booked) {
    State<Real>& st = ctx.state;
    const double area = ctx.grid.cell_area();
    double added = 0.0;
    for (const InflowSpec& f : inflows_) {
        const double volume = f.discharge.mean(t, t + dt) * dt;  // m3
        if (!(volume > 0.0)) continue;
        double total_h = 0.0;
        for (const auto& [i, j] : f.cells) total_h += static_cast<double>(st.h(i, j));
        const double n = static_cast<double>(f.cells.size());
        for (const auto& [i, j] : f.cells) {
            const double share = total_h > 0.0 ? static_cast<double>(st.h(i, j)) / total_h : 1.0 / n;
            const Real h0 = st.h(i, j);
            const Real h1 = static_cast<Real>(h0 + static_cast<Real>(share * volume / area));
            st.h(i, j) = h1;
            // What the cell really gained (in Real): the volume booked is the volume added.
            added += (static_cast<double>(h1) - static_cast<double>(h0)) * area;
        }
    }
    booked[0] += added;
}

template class InflowSource<double>;
template class InflowSource<float>;

template <class Real>
PumpSource<Real>::PumpSource(std::vector<PumpSpec> pumps) : pumps_(std::move(pumps)) {
    for (const PumpSpec& p : pumps_) {
        if (!(std::isfinite(p.capacity) && p.capacity > 0.0)) throw std::invalid_argument("pump " + p.name + ": capacity <= 0");
        if (!(p.off_depth >= 0.0 && p.off_depth < p.on_depth && std::isfinite(p.on_depth)))
            throw std::invalid_argument("pump " + p.name + ": need 0 <= off_depth < on_depth");
    }
}

template <class Real>
std::vector<std::pair<std::string, std::size_t>> PumpSource<Real>::state_values() const {
    const std::size_t n = pumps_.size();
    return {{"pump_running", n}, {"pump_volume", n}, {"pump_running_time", n}};
}

template <class Real>
bool PumpSource<Real>::adds_water() const {
    return std::any_of(pumps_.begin(), pumps_.end(), [](const PumpSpec& p) { return p.to_i >= 0; });
}

template <class Real>
bool PumpSource<Real>::adds_only_to(std::vector<std::pair<int, int>>& cells) const {
    for (const PumpSpec& p : pumps_)
        if (p.to_i >= 0) cells.emplace_back(p.to_i, p.to_j);
    return true;
}

template <class Real>
void PumpSource<Real>::check(const Grid2D& grid) const {
    const auto inside = [&](int i, int j) { return i >= 0 && j >= 0 && i < grid.nx && j < grid.ny; };
    for (const PumpSpec& p : pumps_)
        if (!inside(p.i, p.j) || (p.to_i >= 0 && !inside(p.to_i, p.to_j)))
            throw std::invalid_argument("pump " + p.name + ": a cell is outside the grid");
}

template <class Real>
void PumpSource<Real>::apply(SourceContext<Real>& ctx, double t, double dt, double* booked) {
    (void)t;
    State<Real>& st = ctx.state;
    std::vector<double>& running = *st.extra_values("pump_running");
    std::vector<double>& volume = *st.extra_values("pump_volume");
    std::vector<double>& time = *st.extra_values("pump_running_time");
    const double area = ctx.grid.cell_area();
    const Real dry = static_cast<Real>(ctx.dry_depth);
    for (std::size_t k = 0; k < pumps_.size(); ++k) {
        const PumpSpec& p = pumps_[k];
        const Real h0 = st.h(p.i, p.j);
        const double h = static_cast<double>(h0);
        bool on = running[k] != 0.0;
        if (!on && h >= p.on_depth) on = true;
        if (on && h <= p.off_depth) on = false;
        if (on) {
            const double full = p.capacity * dt;
            const double wanted = std::min(full, (h - p.off_depth) * area);
            // In Real, never below the off depth: the volume booked is what left the cell.
            const Real hn = std::max(static_cast<Real>(p.off_depth), static_cast<Real>(h - wanted / area));
            const double moved = (h - static_cast<double>(hn)) * area;
            st.h(p.i, p.j) = hn;
            if (hn < dry) {
                st.hu(p.i, p.j) = st.hv(p.i, p.j) = Real(0.0);
            } else if (hn < h0) {
                st.hu(p.i, p.j) = st.hu(p.i, p.j) * (hn / h0);
                st.hv(p.i, p.j) = st.hv(p.i, p.j) * (hn / h0);
            }
            if (p.to_i >= 0) {
                const Real d0 = st.h(p.to_i, p.to_j);
                st.h(p.to_i, p.to_j) = static_cast<Real>(d0 + static_cast<Real>(moved / area));
                // Round-off of the transfer (the outlet's gain in Real against what left the
                // intake) is booked with the pumped volume, so the balance stays exact.
                booked[0] += moved - (static_cast<double>(st.h(p.to_i, p.to_j)) - static_cast<double>(d0)) * area;
            } else {
                booked[0] += moved;
            }
            volume[k] += moved;
            time[k] += moved / p.capacity;
            if (wanted < full) on = false;  // drawn down to the off depth within the step
        }
        running[k] = on ? 1.0 : 0.0;
    }
}

template class PumpSource<double>;
template class PumpSource<float>;

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
    if (!step_.empty()) std::fill(step_.begin(), step_.end(), 0.0);
    if (parts.empty()) return;
    const Grid2D& g = ctx.grid;
    State<Real>& st = ctx.state;
    const Field<Real>& z = ctx.z;
    const Real wall_half = Real(0.5 * kWallElevation);
    std::vector<double> rows(g.ny, 0.0);
    double* step = step_.empty() ? nullptr : step_.data();
#pragma omp parallel for schedule(static) num_threads(ctx.threads) default(none) shared(g, st, z, parts, rows) \
    firstprivate(wall_half, step)
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
            const double got = static_cast<double>(hn) - static_cast<double>(h0);  // what the cell really got
            added += got;
            if (step) step[row0 + i] = got;
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
