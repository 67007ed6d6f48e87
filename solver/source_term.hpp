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
#include <string>
#include <vector>

#include "mesh/field.hpp"
#include "mesh/grid2d.hpp"
#include "solver/mass_ledger.hpp"
#include "solver/model.hpp"
#include "solver/state.hpp"
#include "solver/time_series.hpp"

namespace floodsim {

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
    int threads;       ///< OpenMP threads asked for (split work over the team obtained)
};

template <class Real>
class SourceTerm {
public:
    virtual ~SourceTerm() = default;
    /// The ledger terms this source books, in a fixed order; names unique within a simulation
    /// (they become /mass_balance columns). `adds`: the term enters (true) or leaves the domain;
    /// `volume` is ignored here (starts at 0).
    virtual std::vector<LedgerTerm> ledger_terms() const = 0;
    /// Names of the per-cell fields the source carries from step to step (State::extra; created
    /// at 0 by add_source, restored with the state); none by default.
    virtual std::vector<std::string> state_fields() const { return {}; }
    /// Checks the source against the grid when it is added (sizes, values); throws
    /// std::invalid_argument.
    virtual void check(const Grid2D& grid) const { (void)grid; }
    /// One fractional step over [t, t + dt]: changes the state and adds to booked[k] the volume
    /// (m3, >= 0) it moved for its k-th ledger term. Must leave h >= 0 (a sink takes only water
    /// that is present), no momentum where h < dry_depth, and results independent of the thread
    /// count (sum volumes per row, then the rows in order).
    virtual void apply(SourceContext<Real>& ctx, double t, double dt, double* booked) = 0;
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

/// Rain grids (ModelSetup::rain_grids): per cell and step, the exact integral of the intensity
/// over [t, t + dt], grid k holding over [time_s[k], time_s[k + 1]) (the last to the end, none
/// before the first), so a step that spans a row change gets both grids by their share of it.
/// Adds water without momentum, on domain cells only. Its one ledger term is the built-in `rain`:
/// the simulation holds it apart from add_source's terms and books what it returns there.
template <class Real>
class RainGridSource : public SourceTerm<Real> {
public:
    explicit RainGridSource(RainGridSpec spec);
    std::vector<LedgerTerm> ledger_terms() const override { return {{"rain", true, 0.0}}; }
    void check(const Grid2D& grid) const override;
    void apply(SourceContext<Real>& ctx, double t, double dt, double* booked) override;

private:
    RainGridSpec spec_;
};

extern template class RainGridSource<double>;
extern template class RainGridSource<float>;

}  // namespace floodsim
