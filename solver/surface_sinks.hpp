#pragma once
// The surface's sinks as one source term (docs/processes.md): storm drains (scenario [drainage])
// and infiltration (scenario [infiltration]: Green-Ampt, Horton or the SCS curve number), each
// taking at most the water on the cell after the step's fluxes and rain (drains first, then the
// soil), in one pass over the grid, booked as `drainage` and `infiltration`, with the cumulative
// depths per cell in the state (`drainage_depth`, `infiltration_depth`).
#include <optional>
#include <utility>
#include <vector>

#include "solver/model.hpp"
#include "solver/source_term.hpp"

namespace floodsim {

/// Green-Ampt: capacity f = ks (1 + psi dtheta / F) with F the cumulative infiltrated depth; over a
/// step the potential infiltration is the implicit-midpoint solution of dF/dt = f(F) (second
/// order, exact for psi dtheta = 0, finite at F = 0).
/// Horton: f = fc + (f0 - fc) e^(-k t*), where t* is the time the cell has spent infiltrating at
/// capacity: the capacity decays with the water infiltrated, not with the clock, so a cell that
/// stays dry keeps its capacity for run-on arriving later (the "integrated" Horton form). The
/// state keeps 1 - e^(-k t*).
/// SCS-CN: the abstraction P - Q(P) of the rain P fallen on the cell since t = 0, with
/// Q = (P - Ia)^2 / (P - Ia + S) above Ia = ia_ratio S, S = 25.4 (1000 / CN - 10) mm; standing
/// water from run-on is not abstracted.
/// Drains: per cell d = min(h, capacity x mean efficiency over the step x dt).
/// With an interval (SolverOptions::sinks_interval, > 0) the sinks act only at the end of the step
/// that reaches or passes each multiple of it, over the time since they last acted (the state value
/// `sinks_pending`, s): the same formulas with that time as dt, on the water present then. SCS-CN
/// still counts every step's rain.
template <class Real>
class SurfaceSinks : public SourceTerm<Real> {
public:
    /// Either may be absent (no capacities; model None), not both. interval: s, 0 = every step.
    SurfaceSinks(DrainageSpec drains, InfiltrationSpec infiltration, double interval = 0.0);
    std::vector<LedgerTerm> ledger_terms() const override;
    std::vector<std::string> state_fields() const override;
    std::vector<std::pair<std::string, std::size_t>> state_values() const override;
    bool adds_water() const override { return false; }
    void check(const Grid2D& grid) const override;
    void apply(SourceContext<Real>& ctx, double t, double dt, double* booked) override;

private:
    /// The time the sinks act over in the step [t_step, t_step + dt_step], as {t, dt}: the step
    /// itself, or with an interval the time since they last acted once the step reaches or passes
    /// a multiple of it (the state value sinks_pending then restarts from 0); none while they wait
    /// (the step's time added to sinks_pending).
    std::optional<std::pair<double, double>> acting_span(State<Real>& st, double t_step, double dt_step) const;
    /// SCS-CN: adds the step's rain to each domain cell's cumulative rain (a step the sinks wait).
    void count_rain(SourceContext<Real>& ctx) const;

    DrainageSpec drains_;
    InfiltrationSpec spec_;
    double interval_;  ///< s, 0 = every step
    std::vector<double> b_;  ///< Green-Ampt: psi dtheta (m), one value or one per cell
    std::vector<double> s_;  ///< SCS-CN: S (m), one value or one per cell
    std::vector<double> items_;  ///< the ledger's per-row items of a step (apply)
    std::vector<double> took_;   ///< per thread: what the cells of its row gave (apply)
};

extern template class SurfaceSinks<double>;
extern template class SurfaceSinks<float>;

/// The closed forms the verification compares with (m, s). Green-Ampt under constant rain r > ks
/// from t = 0 on a flat surface: ponding at tp = ks psi dtheta / (r (r - ks)), then
/// t - tp = (F - Fp - psi dtheta ln((F + psi dtheta) / (Fp + psi dtheta))) / ks.
double green_ampt_cumulative(double t, double rain, double ks, double psi, double dtheta);
/// Horton's F(t) at capacity from t = 0: fc t + (f0 - fc) (1 - e^(-k t)) / k.
double horton_cumulative(double t, double f0, double fc, double k);
/// SCS-CN runoff Q(P) (m) for cumulative rain P (m).
double scs_runoff(double p, double cn, double ia_ratio);

}  // namespace floodsim
