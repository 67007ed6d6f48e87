#pragma once
// State<Real>: everything a bitwise restart needs, and nothing else. A simulation holds one State
// and per-scheme workspaces (solver/workspaces.hpp) that are rebuilt from it; copying the State of
// a run and restoring it into a fresh simulation built from the same setup continues the run bit
// for bit (BasicSimulation::state(), restore_state()).
#include <cstdint>
#include <string>
#include <vector>

#include "mesh/field.hpp"
#include "mesh/grid2d.hpp"
#include "solver/mass_ledger.hpp"

namespace floodsim {

/// A per-cell quantity a source term carries from step to step (e.g. cumulative infiltrated
/// depth, m), on the simulation's grid, in double for both precisions.
struct NamedField {
    std::string name;
    Field<double> values;
};

/// Values a source term carries from step to step that are not per cell (e.g. a pump's running
/// flag), one vector per name.
struct NamedValues {
    std::string name;
    std::vector<double> values;
};

template <class Real>
struct State {
    /// The grid the fields live on (restore_state checks it against the simulation's).
    Grid2D grid;
    /// Depth (m) and unit discharges (m2/s, +x east, +y north) per cell; ghost cells included (they
    /// are refilled at the start of every step).
    Field<Real> h, hu, hv;
    /// Local inertial scheme only (empty otherwise): unit-width discharges on faces (m2/s); qx(i, j)
    /// on the x face west of cell (i, j), +x (i = 0..nx); qy(i, j) on the y face north of cell
    /// (i, j), +north (j = 0..ny).
    Field<Real> qx, qy;
    /// Monitors since t = 0: max depth (m), max speed (m/s), arrival time (s, NaN = never reached).
    Field<float> max_h, max_speed, arrival;
    /// Every volume booked since t = 0 (m3), named source terms included.
    MassLedger ledger;
    double t = 0.0;          ///< s
    std::int64_t steps = 0;  ///< steps taken
    /// Wave speeds of the current state, max |u| + c and |v| + c over the interior (m/s; fv1's
    /// dry-bed drain bound included): the next CFL step.
    double smax_x = 0.0, smax_y = 0.0;
    /// Inertial: max depth of the current state over the interior (m): the next time step.
    double inertial_hmax = 0.0;
    /// Cells with depth >= dry_depth.
    std::int64_t wet_cells = 0;
    /// Per-cell state of the source terms, one field per name (in registration order).
    std::vector<NamedField> extra;
    /// Per-source state that is not per cell, one entry per name (in registration order).
    std::vector<NamedValues> values;

    /// The extra field of that name, or nullptr.
    const Field<double>* extra_field(const std::string& name) const {
        for (const NamedField& f : extra)
            if (f.name == name) return &f.values;
        return nullptr;
    }
    Field<double>* extra_field(const std::string& name) {
        for (NamedField& f : extra)
            if (f.name == name) return &f.values;
        return nullptr;
    }
    /// The per-source values of that name, or nullptr.
    const std::vector<double>* extra_values(const std::string& name) const {
        for (const NamedValues& v : values)
            if (v.name == name) return &v.values;
        return nullptr;
    }
    std::vector<double>* extra_values(const std::string& name) {
        for (NamedValues& v : values)
            if (v.name == name) return &v.values;
        return nullptr;
    }
};

}  // namespace floodsim
