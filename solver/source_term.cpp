#include "solver/source_term.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "solver/model.hpp"
#include "solver/simulation.hpp"

namespace floodsim {

void sum_row_items_serial(int ny, std::span<const double> items, int per_row, std::span<double> totals, int threads) {
    const std::size_t k = totals.size();
    if (per_row < 0 || items.size() != k * static_cast<std::size_t>(ny) * static_cast<std::size_t>(per_row))
        throw std::logic_error("sum_row_items: the items are not per_row items per row and quantity");
    std::vector<double> rows(k * static_cast<std::size_t>(ny));
    const int n = static_cast<int>(rows.size());
    const double* all = items.data();
#pragma omp parallel for schedule(static) num_threads(threads) default(none) shared(rows) firstprivate(n, all, per_row)
    for (int r = 0; r < n; ++r) {  // r = k * ny + j: one row of one quantity
        const double* row = all + static_cast<std::size_t>(r) * per_row;
        double s = 0.0;
        for (int g = 0; g < per_row; ++g) s += row[g];
        rows[r] = s;
    }
    for (std::size_t q = 0; q < k; ++q) {
        double s = 0.0;
        for (int j = 0; j < ny; ++j) s += rows[q * ny + j];
        totals[q] = s;
    }
}

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
std::size_t PointCells<Real>::add(int i, int j) {
    for (std::size_t k = 0; k < cells_.size(); ++k)
        if (cells_[k] == std::pair{i, j}) return k;
    cells_.emplace_back(i, j);
    values_.resize(3 * cells_.size());
    return cells_.size() - 1;
}

template <class Real>
void PointCells<Real>::check(const Grid2D& grid, const std::string& what) const {
    for (const auto& [i, j] : cells_)
        if (i < 0 || j < 0 || i >= grid.global_size_x() || j >= grid.global_size_y())
            throw std::invalid_argument(what + ": a cell is outside the grid");
}

template <class Real>
void PointCells<Real>::gather(SourceContext<Real>& ctx) {
    i0_ = ctx.grid.i0;
    j0_ = ctx.grid.j0;
    nx_ = ctx.grid.nx;
    ny_ = ctx.grid.ny;
    ctx.gather_cells(cells_, values_);
}

template <class Real>
void PointCells<Real>::write_back(State<Real>& state) const {
    for (std::size_t k = 0; k < cells_.size(); ++k) {
        const int i = cells_[k].first - i0_, j = cells_[k].second - j0_;
        if (i < 0 || j < 0 || i >= nx_ || j >= ny_) continue;  // another block's
        state.h(i, j) = values_[3 * k];
        state.hu(i, j) = values_[3 * k + 1];
        state.hv(i, j) = values_[3 * k + 2];
    }
}

template <class Real>
void PointCells<Real>::owned(const Grid2D& grid, std::vector<std::pair<int, int>>& local) const {
    for (const auto& [gi, gj] : cells_) {
        const int i = gi - grid.i0, j = gj - grid.j0;
        if (i >= 0 && j >= 0 && i < grid.nx && j < grid.ny) local.emplace_back(i, j);
    }
}

template class PointCells<double>;
template class PointCells<float>;

template <class Real>
InflowSource<Real>::InflowSource(std::vector<InflowSpec> inflows, const Grid2D& grid)
    : inflows_(std::move(inflows)), grid_(grid) {
    for (const InflowSpec& f : inflows_) {
        if (f.cells.empty()) throw std::invalid_argument("inflow " + f.name + ": no cells");
        for (double q : f.discharge.values())
            if (!(std::isfinite(q) && q >= 0.0)) throw std::invalid_argument("inflow " + f.name + ": discharge < 0");
        std::vector<std::size_t>& index = index_.emplace_back();
        for (const auto& [i, j] : f.cells) index.push_back(cells_.add(i, j));
    }
}

template <class Real>
bool InflowSource<Real>::adds_only_to(std::vector<std::pair<int, int>>& cells) const {
    cells_.owned(grid_, cells);
    return true;
}

template <class Real>
void InflowSource<Real>::check(const Grid2D& grid) const {
    for (const InflowSpec& f : inflows_) {
        PointCells<Real> one;
        for (const auto& [i, j] : f.cells) one.add(i, j);
        one.check(grid, "inflow " + f.name);
    }
}

template <class Real>
void InflowSource<Real>::apply(SourceContext<Real>& ctx, double t, double dt, double* booked) {
    // (The volumes are the same on every block: all gather, or none.)
    bool any = false;
    for (const InflowSpec& f : inflows_) any = any || f.discharge.mean(t, t + dt) * dt > 0.0;
    if (!any) return;
    cells_.gather(ctx);
    const double area = ctx.grid.cell_area();
    double added = 0.0;
    for (std::size_t m = 0; m < inflows_.size(); ++m) {
        const InflowSpec& f = inflows_[m];
        const std::vector<std::size_t>& index = index_[m];
        const double volume = f.discharge.mean(t, t + dt) * dt;  // m3
        if (!(volume > 0.0)) continue;
        double total_h = 0.0;
        for (const std::size_t k : index) total_h += static_cast<double>(cells_.h(k));
        const double n = static_cast<double>(index.size());
        for (const std::size_t k : index) {
            const double share = total_h > 0.0 ? static_cast<double>(cells_.h(k)) / total_h : 1.0 / n;
            const Real h0 = cells_.h(k);
            const Real h1 = static_cast<Real>(h0 + static_cast<Real>(share * volume / area));
            cells_.h(k) = h1;
            // What the cell really gained (in Real): the volume booked is the volume added.
            added += (static_cast<double>(h1) - static_cast<double>(h0)) * area;
        }
    }
    cells_.write_back(ctx.state);
    booked[0] += added;
}

template class InflowSource<double>;
template class InflowSource<float>;

constexpr std::size_t kNoOutlet = static_cast<std::size_t>(-1);

template <class Real>
PumpSource<Real>::PumpSource(std::vector<PumpSpec> pumps, const Grid2D& grid) : pumps_(std::move(pumps)), grid_(grid) {
    for (const PumpSpec& p : pumps_) {
        if (!(std::isfinite(p.capacity) && p.capacity > 0.0)) throw std::invalid_argument("pump " + p.name + ": capacity <= 0");
        if (!(p.off_depth >= 0.0 && p.off_depth < p.on_depth && std::isfinite(p.on_depth)))
            throw std::invalid_argument("pump " + p.name + ": need 0 <= off_depth < on_depth");
        const std::size_t intake = cells_.add(p.i, p.j);
        index_.emplace_back(intake, p.to_i >= 0 ? cells_.add(p.to_i, p.to_j) : kNoOutlet);
        if (p.to_i >= 0) outlets_.add(p.to_i, p.to_j);
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
    outlets_.owned(grid_, cells);
    return true;
}

template <class Real>
void PumpSource<Real>::check(const Grid2D& grid) const {
    for (const PumpSpec& p : pumps_) {
        PointCells<Real> one;
        one.add(p.i, p.j);
        if (p.to_i >= 0) one.add(p.to_i, p.to_j);
        one.check(grid, "pump " + p.name);
    }
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
    cells_.gather(ctx);
    for (std::size_t k = 0; k < pumps_.size(); ++k) {
        const PumpSpec& p = pumps_[k];
        const auto [in, out] = index_[k];
        const Real h0 = cells_.h(in);
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
            cells_.h(in) = hn;
            if (hn < dry) {
                cells_.hu(in) = cells_.hv(in) = Real(0.0);
            } else if (hn < h0) {
                cells_.hu(in) = cells_.hu(in) * (hn / h0);
                cells_.hv(in) = cells_.hv(in) * (hn / h0);
            }
            if (out != kNoOutlet) {
                const Real d0 = cells_.h(out);
                cells_.h(out) = static_cast<Real>(d0 + static_cast<Real>(moved / area));
                // Round-off of the transfer (the outlet's gain in Real against what left the
                // intake) is booked with the pumped volume, so the balance stays exact.
                booked[0] += moved - (static_cast<double>(cells_.h(out)) - static_cast<double>(d0)) * area;
            } else {
                booked[0] += moved;
            }
            volume[k] += moved;
            time[k] += moved / p.capacity;
            if (wanted < full) on = false;  // drawn down to the off depth within the step
        }
        running[k] = on ? 1.0 : 0.0;
    }
    cells_.write_back(st);
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
    // (parts is the same on every block of a distributed run: all return here, or all sum below.)
    if (parts.empty()) {
        std::fill(step_.begin(), step_.end(), 0.0);
        return;
    }
    const Grid2D& g = ctx.grid;
    // The depth each cell got: the ledger's items, summed in the ledger's order (cells in column
    // order, rows in order: over the global rows on a block). Zero where it did not rain.
    step_.assign(g.cells(), 0.0);
    double total = 0.0;
    {
        State<Real>& st = ctx.state;
        const Field<Real>& z = ctx.z;
        const Real wall_half = Real(0.5 * kWallElevation);
        double* step = step_.data();
#pragma omp parallel for schedule(static) num_threads(ctx.threads) default(none) shared(g, st, z, parts) \
    firstprivate(wall_half, step)
        for (int j = 0; j < g.ny; ++j) {
            Real* h = st.h.row(j);
            const Real* zr = z.row(j);
            const std::size_t row0 = static_cast<std::size_t>(j) * g.nx;
            for (int i = 0; i < g.nx; ++i) {
                if (!(zr[i] < wall_half)) continue;  // outside the domain: no rain
                double mm = 0.0;                     // mm/h x s
                for (const auto& [grid, seconds] : parts) mm += static_cast<double>(grid[row0 + i]) * seconds;
                if (mm == 0.0) continue;
                const Real h0 = h[i];
                const Real hn = static_cast<Real>(h0 + static_cast<Real>(mm / 3.6e6));
                h[i] = hn;
                step[row0 + i] = static_cast<double>(hn) - static_cast<double>(h0);  // what the cell really got
            }
        }
    }
    ctx.sum_row_items(step_, g.nx, std::span<double>(&total, 1));
    booked[0] += total * g.cell_area();
}

template class RainGridSource<double>;
template class RainGridSource<float>;

}  // namespace floodsim
