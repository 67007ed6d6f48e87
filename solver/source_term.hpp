#pragma once
// Per-cell sources and sinks (infiltration, drainage, pumps, interior inflows, rain rasters):
// fractional steps applied once per time step, after the flux sweep, each booking the volume it
// moved into named terms of the mass ledger.
//
// Why after the sweep: the step's dt is CFL-stable for the state the sweep starts from, and the
// sweep's fluxes are computed from it (as rain, which the sweeps add after the fluxes). A sink
// then takes only water that is really there after the fluxes, so depth can never go negative and
// the volume it books is exactly what it removed. The simulation then refreshes what the next
// step reads (wave speeds, wet cells, monitors, dry-tile flags) from the state the sources left,
// so water a source puts on dry land limits the next dt and is swept (docs/solver.md).
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "mesh/field.hpp"
#include "mesh/grid2d.hpp"
#include "solver/mass_ledger.hpp"
#include "solver/model.hpp"
#include "solver/state.hpp"
#include "solver/time_series.hpp"

namespace floodsim {

/// The ledger order of the sources' volumes, the same for any thread count and any decomposition
/// into blocks: every row's items (its cells, or fixed groups of its cells) summed in order from
/// 0.0, then the row sums in row order from 0.0 (parallel/ordered_sum_serial.hpp's order). Given
/// items[(k * ny + j) * per_row + g], item g of row j for quantity k (k < totals.size()), sets
/// totals[k]. On a block of a distributed run the rows are the global grid's (the items of its
/// blocks west to east) and the call is collective (SubdomainLinks::sum_row_items).
using RowItemsSum = std::function<void(std::span<const double> items, int per_row, std::span<double> totals)>;

/// RowItemsSum of a serial simulation (rows summed on `threads` OpenMP threads; bitwise the same
/// for any count).
void sum_row_items_serial(int ny, std::span<const double> items, int per_row, std::span<double> totals, int threads);

/// Fills values (3 per cell: h, hu, hv) with the current state of `cells` (global indices), every
/// block of a distributed run getting the values of the blocks that own them (collective:
/// SubdomainLinks::gather_cells).
template <class Real>
using CellGather = std::function<void(std::span<const std::pair<int, int>> cells, std::span<Real> values)>;

/// What a source term sees during its fractional step.
template <class Real>
struct SourceContext {
    const Grid2D& grid;
    /// The state after the sweep: h, hu, hv (interior cells 0..nx-1, 0..ny-1) may be changed; the
    /// source's own per-cell fields are in state.extra (by the names it declared).
    State<Real>& state;
    /// Bed elevation (m above the datum); cells with z >= 0.5 * kWallElevation are outside the domain.
    const Field<Real>& z;
    double dry_depth;  ///< m: below it a cell must carry no momentum
    double rain_depth; ///< m: the uniform rain the step added to every domain cell
    /// m per cell (nx*ny row-major): what rain grids added in the step, when a source asked for it
    /// (RainGridSource::keep_step_depth); else null.
    const double* rain_cells;
    int threads;       ///< OpenMP threads asked for (split work over the team obtained)
    /// Sums the source's per-row volumes in the ledger order (above); collective on a block.
    const RowItemsSum& sum_row_items;
    /// The state of a few cells anywhere in the global grid (CellGather); collective on a block.
    const CellGather<Real>& gather_cells;
};

/// The few cells a point source touches (inflow cells, pump intakes and outlets), in the global
/// grid's indices. Each step their h, hu and hv are gathered (SourceContext::gather_cells: on a
/// block, from the blocks that own them), the source runs its serial arithmetic on these copies in
/// its fixed order, and each block writes back the cells it owns: every block computes the serial
/// run's numbers, and books the same volumes.
template <class Real>
class PointCells {
public:
    /// The cell's index among the cells (added once; global indices).
    std::size_t add(int i, int j);
    /// Throws std::invalid_argument (naming `what`) if a cell lies outside the global grid of
    /// `grid` (the simulation's grid: a block, or the whole grid).
    void check(const Grid2D& grid, const std::string& what) const;
    /// The cells' current state, by ctx.gather_cells; remembers ctx.grid's offset for write_back.
    void gather(SourceContext<Real>& ctx);
    Real& h(std::size_t k) { return values_[3 * k]; }
    Real& hu(std::size_t k) { return values_[3 * k + 1]; }
    Real& hv(std::size_t k) { return values_[3 * k + 2]; }
    /// Writes the copies of the cells this grid owns back into the state.
    void write_back(State<Real>& state) const;
    /// Appends the cells `grid` owns, in its local indices.
    void owned(const Grid2D& grid, std::vector<std::pair<int, int>>& local) const;

private:
    std::vector<std::pair<int, int>> cells_;
    std::vector<Real> values_;
    int i0_ = 0, j0_ = 0, nx_ = 0, ny_ = 0;  // the grid of the last gather
};

extern template class PointCells<double>;
extern template class PointCells<float>;

template <class Real>
class SourceTerm {
public:
    virtual ~SourceTerm() = default;
    /// The ledger terms this source books, in a fixed order; names unique within a simulation
    /// (they become /mass_balance columns). `adds`: the term enters (true) or leaves the domain;
    /// `volume` is ignored here (starts at 0). An adding term named `rain` or `inflow` books into
    /// the ledger's built-in column of that name (rain grids, interior inflows: INTERFACE.md
    /// section 4) instead of a column of its own.
    virtual std::vector<LedgerTerm> ledger_terms() const = 0;
    /// Names of the per-cell fields the source carries from step to step (State::extra; created
    /// at 0 by add_source, restored with the state); none by default.
    virtual std::vector<std::string> state_fields() const { return {}; }
    /// Names and sizes of the state the source carries that is not per cell (State::values;
    /// created at 0 by add_source, restored with the state); none by default.
    virtual std::vector<std::pair<std::string, std::size_t>> state_values() const { return {}; }
    /// Whether the source can add water to a cell (a sink only removes, keeping velocities: the
    /// simulation then refreshes only the time-step bounds after it, not the monitors).
    virtual bool adds_water() const { return true; }
    /// When the source adds water only to a few known cells: appends them (column, row) to `cells`
    /// and returns true, so that the simulation refreshes only them after the sources. False (the
    /// default): it may add water anywhere.
    virtual bool adds_only_to(std::vector<std::pair<int, int>>& cells) const {
        (void)cells;
        return false;
    }
    /// Checks the source against the grid when it is added (sizes, values); throws
    /// std::invalid_argument.
    virtual void check(const Grid2D& grid) const { (void)grid; }
    /// One fractional step over [t, t + dt]: changes the state and adds to booked[k] the volume
    /// (m3, >= 0) it moved for its k-th ledger term. Must leave h >= 0 (a sink takes only water
    /// that is present), no momentum where h < dry_depth, and results independent of the thread
    /// count and of any decomposition into blocks (sum volumes with ctx.sum_row_items).
    virtual void apply(SourceContext<Real>& ctx, double t, double dt, double* booked) = 0;
    /// The rain (m per cell, nx*ny row-major) the source added in its last step, when it keeps it
    /// (rain grids for SCS-CN): the later sources of the step see it as SourceContext::rain_cells.
    virtual const double* step_rain() const { return nullptr; }
};

/// A per-cell rate (m/s, nx*ny row-major like ModelSetup's fields): positive adds water, negative
/// removes at most the water present. Books into one term named `name` (adds if no rate is
/// negative, removes if none is positive), or into `name + "_in"` and `name + "_out"` when the
/// field has both signs. Keeps the cumulative net depth it moved per cell (m) in the state field
/// `name + "_depth"`. A removal keeps the cell's velocity (momentum scaled with the depth); an
/// addition brings no momentum; a cell left below the dry depth carries none.
/// `factor` (optional) scales every rate over time: its exact mean over each step is applied
/// (drainage efficiency; a step series holds each value until the next row).
template <class Real>
class CellRateSource : public SourceTerm<Real> {
public:
    CellRateSource(std::string name, std::vector<double> rate, TimeSeries factor = {});
    std::vector<LedgerTerm> ledger_terms() const override;
    std::vector<std::string> state_fields() const override { return {name_ + "_depth"}; }
    bool adds_water() const override { return adds_; }
    void check(const Grid2D& grid) const override;
    void apply(SourceContext<Real>& ctx, double t, double dt, double* booked) override;

private:
    std::string name_;
    std::vector<double> rate_;
    TimeSeries factor_;
    bool adds_ = false, removes_ = false;
};

extern template class CellRateSource<double>;
extern template class CellRateSource<float>;


/// Interior inflows (ModelSetup::inflows): each hydrograph's volume over the step (its exact mean
/// discharge x dt) goes to its cell, or to its line's cells in proportion to their depth after the
/// sweep (equally where they are all dry). The water brings no momentum. Books into the built-in
/// inflow of the ledger.
template <class Real>
class InflowSource : public SourceTerm<Real> {
public:
    /// `inflows` in the global grid's indices; `grid`: the simulation's (a block, or the whole).
    InflowSource(std::vector<InflowSpec> inflows, const Grid2D& grid);
    std::vector<LedgerTerm> ledger_terms() const override { return {{"inflow", true, 0.0}}; }
    bool adds_only_to(std::vector<std::pair<int, int>>& cells) const override;
    void check(const Grid2D& grid) const override;
    void apply(SourceContext<Real>& ctx, double t, double dt, double* booked) override;

private:
    std::vector<InflowSpec> inflows_;
    Grid2D grid_;
    PointCells<Real> cells_;
    std::vector<std::vector<std::size_t>> index_;  // per inflow: its cells among cells_
};

extern template class InflowSource<double>;
extern template class InflowSource<float>;


/// Pump stations (ModelSetup::pumps; docs/processes.md). Per step and pump, on the state after the
/// fluxes: a stopped pump starts when its intake depth h >= on_depth, a running one stops when
/// h <= off_depth; running, it takes min(capacity dt, (h - off_depth) area) from the intake (and
/// stops when that reaches the off depth), and puts it into the discharge cell or books it as
/// `pumped`. State values per pump: pump_running (0/1), pump_volume (m3 moved since t = 0),
/// pump_running_time (s at capacity: pump_volume / capacity, exactly).
template <class Real>
class PumpSource : public SourceTerm<Real> {
public:
    /// `pumps` in the global grid's indices; `grid`: the simulation's (a block, or the whole).
    PumpSource(std::vector<PumpSpec> pumps, const Grid2D& grid);
    std::vector<LedgerTerm> ledger_terms() const override { return {{"pumped", false, 0.0}}; }
    std::vector<std::pair<std::string, std::size_t>> state_values() const override;
    bool adds_water() const override;
    bool adds_only_to(std::vector<std::pair<int, int>>& cells) const override;
    void check(const Grid2D& grid) const override;
    void apply(SourceContext<Real>& ctx, double t, double dt, double* booked) override;

private:
    std::vector<PumpSpec> pumps_;
    Grid2D grid_;
    PointCells<Real> cells_;
    PointCells<Real> outlets_;  // the discharge cells (the cells it adds water to)
    std::vector<std::pair<std::size_t, std::size_t>> index_;  // per pump: intake, outlet among cells_
};

extern template class PumpSource<double>;
extern template class PumpSource<float>;

/// Rain grids (ModelSetup::rain_grids): per cell and step, the exact integral of the intensity
/// over [t, t + dt], grid k holding over [time_s[k], time_s[k + 1]) (the last to the end, none
/// before the first), so a step that spans a row change gets both grids by their share of it.
/// Adds water without momentum, on domain cells only. Its one ledger term is the built-in `rain`.
/// Registered before any sink, as the uniform rain is added in the sweep.
template <class Real>
class RainGridSource : public SourceTerm<Real> {
public:
    explicit RainGridSource(RainGridSpec spec);
    std::vector<LedgerTerm> ledger_terms() const override { return {{"rain", true, 0.0}}; }
    void check(const Grid2D& grid) const override;
    void apply(SourceContext<Real>& ctx, double t, double dt, double* booked) override;
    /// Keep the depth each cell got in the last step (m; SCS-CN needs the rain per cell).
    void keep_step_depth(const Grid2D& grid) {
        step_.assign(grid.cells(), 0.0);
        keep_ = true;
    }
    /// The last step's depth per cell, or null when not kept.
    const double* step_rain() const override { return keep_ ? step_.data() : nullptr; }

private:
    RainGridSpec spec_;
    std::vector<double> step_;  ///< the depth each cell got in the last step (m): the ledger's items
    bool keep_ = false;
};

extern template class RainGridSource<double>;
extern template class RainGridSource<float>;

}  // namespace floodsim
