#include "solver/simulation.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <tuple>
#include <type_traits>

#include "solver/breach.hpp"
#include "solver/float_monitors.hpp"
#include "solver/hydrostatic_reconstruction.hpp"
#include "solver/surface_sinks.hpp"
#include "solver/velocity.hpp"

namespace floodsim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

template <class Real>
BasicSimulation<Real>::BasicSimulation(ModelSetup setup) : BasicSimulation(std::move(setup), SubdomainLinks<Real>{}) {}

template <class Real>
BasicSimulation<Real>::BasicSimulation(ModelSetup setup, SubdomainLinks<Real> links)
    : setup_(std::move(setup)), grid_(setup_.grid), links_(std::move(links)) {
    check_setup();
    threads_ = std::max(1, setup_.options.threads);
    if (!links_.linked()) {
        init_fields();
        check_boundaries_and_breaches();
    } else {
        // What a block can do so far (docs/parallel.md, "What is not yet done"): each of these
        // reads or books across blocks in a way not wired yet.
        if (!links_.begin_halo || !links_.finish_halo || !links_.reduce_max || !links_.sum_cells ||
            !links_.begin_boundary_flow || !links_.finish_boundary_flow)
            throw std::invalid_argument(
                "subdomain: fill_halo without begin_halo, finish_halo, reduce_max, sum_cells or boundary_flow");
        if (setup_.options.scheme == Scheme::Fv2 && !links_.fill_corners)
            throw std::invalid_argument("subdomain: fv2 without fill_corners");
        if (!links_.gather_cells && (!setup_.pumps.empty() || !setup_.inflows.empty()))
            throw std::invalid_argument("subdomain: pumps or inflows without gather_cells");
        if (!links_.sum_row_items &&
            (!setup_.rain_grids.time_s.empty() || !setup_.drainage.capacity.empty() ||
             setup_.infiltration.model != InfiltrationSpec::Model::None))
            throw std::invalid_argument("subdomain: processes without sum_row_items");
        const Grid2D& g = grid_;
        halo_sides_[static_cast<int>(BoundarySide::West)] = g.i0 > 0;
        halo_sides_[static_cast<int>(BoundarySide::East)] = g.i0 + g.nx < g.global_size_x();
        halo_sides_[static_cast<int>(BoundarySide::North)] = g.j0 > 0;
        halo_sides_[static_cast<int>(BoundarySide::South)] = g.j0 + g.ny < g.global_size_y();
        // A block finds errors in its own cells only: every block learns whether one failed, so
        // that all throw together instead of the others waiting for it in the halo exchange.
        // (init_fields reduces the single-precision datum before any of its checks.)
        std::string error;
        try {
            init_fields();
            check_boundaries_and_breaches();
        } catch (const std::invalid_argument& e) {
            error = e.what();
        }
        double failed[] = {error.empty() ? 0.0 : 1.0};
        links_.reduce_max(failed);
        if (failed[0] > 0.0) throw std::invalid_argument(error.empty() ? "subdomain: another block's setup is invalid" : error);
        // The bed and friction of the neighbours' cells, once (they never change without
        // breaches), then their initial state: measure_state's drain bound reads both.
        Field<Real>* statics[] = {&z_, &gn2_};
        links_.fill_halo(statics, halo_width());
        Field<Real>* cells[] = {&state_.h, &state_.hu, &state_.hv};
        links_.fill_halo(cells, halo_width());
    }
    init_face_buffers();
    open_breaches(state_.t);
    // Wave speeds, wet cells and the depth bound of the initial state (the drain bound for fv1 and
    // fv2's first step; inertial does not read it).
    measure_state(0.0f, true);
    state_.ledger.volume0 = links_.linked() ? links_.sum_cells(state_.h) * grid_.cell_area() : volume();
    if (setup_.options.scheme == Scheme::Inertial) {
        // The face discharges belong to the state: built from the cells' momentum with the ghost
        // cells filled for t = 0 (as the first step fills them).
        fill_ghosts(state_.t);
        finish_ghosts();
        init_inertial_state();
    }
    release_cell_inputs();
    add_process_sources();
}

/// The setup's sizes and options (std::invalid_argument: the model builder validated the user's
/// input; these checks guard the library's callers).
template <class Real>
void BasicSimulation<Real>::check_setup() const {
    const Grid2D& g = grid_;
    if (g.nx < 1 || g.ny < 1) throw std::invalid_argument("grid must have at least 1 x 1 cells");
    if (g.ghost < 2) throw std::invalid_argument("grid needs 2 ghost layers");
    if (!(g.dx > 0.0) || !(g.dy > 0.0)) throw std::invalid_argument("cell size must be positive");
    const std::size_t n = g.cells();
    auto check_size = [n](const std::vector<double>& v, const char* what, bool optional) {
        if (v.empty() && optional) return;
        if (v.size() != n) throw std::invalid_argument(std::string(what) + " has the wrong size");
    };
    check_size(setup_.z, "z", false);
    check_size(setup_.manning, "manning", false);
    check_size(setup_.h0, "h0", true);
    check_size(setup_.u0, "u0", true);
    check_size(setup_.v0, "v0", true);
    const SolverOptions& o = setup_.options;
    if (!(o.cfl > 0.0 && o.cfl <= 1.0)) throw std::invalid_argument("cfl must be in (0, 1]");
    if (!(o.dry_depth > 0.0)) throw std::invalid_argument("dry_depth must be positive");
    if (o.lts_levels < 0 || o.lts_levels > kMaxLtsLevels)
        throw std::invalid_argument("local time stepping: levels must be 0.." + std::to_string(kMaxLtsLevels));
    if (o.lts_levels > 0 && o.scheme != Scheme::Fv1)
        throw std::invalid_argument("local time stepping is built for the fv1 scheme only");
    if (o.lts_levels > 0 && links_.linked())
        throw std::invalid_argument("local time stepping is not built for distributed (MPI) runs yet: "
                                    "run with solver.local_time_stepping = 0 under mpirun");
}

/// The state and the bed, friction and monitor fields from the setup's per-cell inputs.
template <class Real>
void BasicSimulation<Real>::init_fields() {
    const Grid2D& g = grid_;
    const SolverOptions& o = setup_.options;
    state_.grid = g;
    state_.h = Field<Real>(g, 0.0);
    state_.hu = Field<Real>(g, 0.0);
    state_.hv = Field<Real>(g, 0.0);
    z_ = Field<Real>(g, kWallElevation);
    gn2_ = Field<Real>(g, 0.0);
    state_.max_h = Field<float>(g, 0.0f);
    state_.max_speed = Field<float>(g, 0.0f);
    state_.arrival = Field<float>(g, std::numeric_limits<float>::quiet_NaN());

    // Single precision keeps the bed relative to the lowest domain cell: a float carries about 7
    // digits, so depths recovered as (h + z) - z at 500 m above sea level would lose 30 microns
    // each time; at 50 m relative they lose 3. Double keeps the bed as given (datum 0).
    if constexpr (!std::is_same_v<Real, double>) {
        double zmin = std::numeric_limits<double>::infinity();
        for (double zc : setup_.z)
            if (std::isfinite(zc)) zmin = std::min(zmin, zc);
        if (links_.linked()) {  // the whole grid's lowest cell: every block steps the same numbers
            double v[] = {-zmin};
            links_.reduce_max(v);
            zmin = -v[0];
        }
        z_datum_ = std::isfinite(zmin) ? zmin : 0.0;
    }
    domain_cells_ = 0;
    for (int j = 0; j < g.ny; ++j) {
        for (int i = 0; i < g.nx; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * g.nx + i;
            const double zc = setup_.z[k];
            if (std::isnan(zc)) continue;  // outside: a wall
            if (!std::isfinite(zc)) throw std::invalid_argument("z is not finite");
            ++domain_cells_;
            z_(i, j) = static_cast<Real>(zc - z_datum_);
            const double n_m = setup_.manning[k];
            if (!(n_m >= 0.0) || !std::isfinite(n_m)) throw std::invalid_argument("manning must be >= 0");
            gn2_(i, j) = o.gravity * n_m * n_m;
            const double h0 = setup_.h0.empty() ? 0.0 : setup_.h0[k];
            if (!(h0 >= 0.0) || !std::isfinite(h0)) throw std::invalid_argument("initial depth must be >= 0");
            state_.h(i, j) = h0;
            if (h0 >= o.dry_depth) {
                if (!setup_.u0.empty()) state_.hu(i, j) = h0 * setup_.u0[k];
                if (!setup_.v0.empty()) state_.hv(i, j) = h0 * setup_.v0[k];
            }
            state_.max_h(i, j) = static_cast<float>(h0);
            if (h0 > o.arrival_depth) state_.arrival(i, j) = 0.0f;
        }
    }
}

/// The boundary segments and breach cells, against the bed and friction fields.
template <class Real>
void BasicSimulation<Real>::check_boundaries_and_breaches() const {
    const Grid2D& g = grid_;
    for (const BoundarySpec& b : setup_.boundaries) {
        const int len = (b.side == BoundarySide::West || b.side == BoundarySide::East) ? g.ny : g.nx;
        const int last = b.last < 0 ? len - 1 : b.last;
        if (b.first < 0 || last >= len || b.first > last)
            throw std::invalid_argument("boundary segment out of range");
        if (halo_side(b.side)) throw std::invalid_argument("boundary on a side between blocks");
        if ((b.type == BoundaryType::Level || b.type == BoundaryType::Discharge) && b.value.empty())
            throw std::invalid_argument("level/discharge boundary without a value");
        check_outflow_boundary(b);
    }
    for (const BreachSpec& b : setup_.breaches)
        for (const BreachCell& c : b.cells) {
            const bool own = c.i >= 0 && c.i < g.nx && c.j >= 0 && c.j < g.ny;
            if (!own && links_.linked() && c.i >= -g.ghost && c.i < g.nx + g.ghost && c.j >= -g.ghost &&
                c.j < g.ny + g.ghost)
                continue;  // a block's halo cell: its owner checks it
            if (!own || !inside(c.i, c.j) || !std::isfinite(c.top))
                throw std::invalid_argument("breach " + b.name + ": a cell outside the domain");
        }
}

/// The boundary face fluxes imposed and booked per step.
template <class Real>
void BasicSimulation<Real>::init_face_buffers() {
    const Grid2D& g = grid_;
    faces_.q_west.assign(g.ny, kNaN);
    faces_.q_east.assign(g.ny, kNaN);
    faces_.q_north.assign(g.nx, kNaN);
    faces_.q_south.assign(g.nx, kNaN);
    faces_.f_west.assign(g.ny, 0.0);
    faces_.f_east.assign(g.ny, 0.0);
    faces_.f_north.assign(g.nx, 0.0);
    faces_.f_south.assign(g.nx, 0.0);
    faces_.row_fix.assign(g.ny, 0.0);
}

/// The per-cell inputs now live in the solver's fields: release them (memory per cell is a
/// budget: a 4096 x 4096 run keeps only what it steps).
template <class Real>
void BasicSimulation<Real>::release_cell_inputs() {
    for (std::vector<double>* v : {&setup_.z, &setup_.manning, &setup_.h0, &setup_.u0, &setup_.v0}) {
        v->clear();
        v->shrink_to_fit();
    }
    setup_.features.cell_kind = {};  // a report of the model builder's
}

/// The scenario's processes, as source terms (solver/source_term.hpp; docs/processes.md).
template <class Real>
void BasicSimulation<Real>::add_process_sources() {
    // Rain grids first: before the sinks, as the uniform rain (added in the sweep).
    if (!setup_.rain_grids.time_s.empty()) {
        auto grids = std::make_unique<RainGridSource<Real>>(std::move(setup_.rain_grids));
        setup_.rain_grids = {};
        // SCS-CN abstracts the rain fallen on each cell: the grids' share of the step per cell.
        if (setup_.infiltration.model == InfiltrationSpec::Model::ScsCn) grids->keep_step_depth(grid_);
        register_source(std::move(grids));
    }
    if (!setup_.drainage.capacity.empty() || setup_.infiltration.model != InfiltrationSpec::Model::None)
        register_source(std::make_unique<SurfaceSinks<Real>>(std::move(setup_.drainage), std::move(setup_.infiltration),
                                                             setup_.options.sinks_interval));
    if (!setup_.pumps.empty()) register_source(std::make_unique<PumpSource<Real>>(setup_.pumps, grid_));
    if (!setup_.inflows.empty()) register_source(std::make_unique<InflowSource<Real>>(setup_.inflows, grid_));
    // A hot start's process states (infiltrated depth, ...), for the sources that carry them.
    const Grid2D& g = grid_;
    for (auto& [name, values] : setup_.initial_fields) {
        Field<double>* f = state_.extra_field(name);
        if (!f) continue;
        if (values.size() != g.cells()) throw std::invalid_argument("initial field " + name + " has the wrong size");
        for (int j = 0; j < g.ny; ++j)
            for (int i = 0; i < g.nx; ++i) (*f)(i, j) = values[static_cast<std::size_t>(j) * g.nx + i];
    }
    setup_.initial_fields = {};
}

template <class Real>
double BasicSimulation<Real>::volume() const {
    const Grid2D& g = grid_;
    std::vector<double> rows(g.ny, 0.0);
    const Field<Real>& h = state_.h;
#pragma omp parallel for schedule(static) num_threads(threads_) default(none) shared(g, h, rows)
    for (int j = 0; j < g.ny; ++j) {
        const Real* hr = h.row(j);
        double s = 0.0;
        for (int i = 0; i < g.nx; ++i) s += hr[i];
        rows[j] = s;
    }
    double total = 0.0;
    for (double r : rows) total += r;
    return total * g.cell_area();
}

template <class Real>
void BasicSimulation<Real>::restore_state(const State<Real>& s) {
    const Grid2D& g = grid_;
    const Grid2D& o = s.grid;
    if (o.nx != g.nx || o.ny != g.ny || o.ghost != g.ghost || o.pitch != g.pitch || o.dx != g.dx || o.dy != g.dy ||
        o.geotransform != g.geotransform || o.i0 != g.i0 || o.j0 != g.j0 ||
        o.global_size_x() != g.global_size_x() || o.global_size_y() != g.global_size_y())
        throw std::invalid_argument("restore_state: the state is on another grid");
    auto check = [&g](std::size_t size, const char* what, bool needed) {
        if (size != (needed ? g.size() : 0))
            throw std::invalid_argument(std::string("restore_state: field ") + what + " has the wrong size");
    };
    const bool inertial = setup_.options.scheme == Scheme::Inertial;
    check(s.h.size(), "h", true);
    check(s.hu.size(), "hu", true);
    check(s.hv.size(), "hv", true);
    check(s.qx.size(), "qx", inertial);
    check(s.qy.size(), "qy", inertial);
    check(s.max_h.size(), "max_h", true);
    check(s.max_speed.size(), "max_speed", true);
    check(s.arrival.size(), "arrival", true);
    if (s.extra.size() != state_.extra.size())
        throw std::invalid_argument("restore_state: the state's source fields are not the simulation's");
    for (std::size_t k = 0; k < s.extra.size(); ++k) {
        if (s.extra[k].name != state_.extra[k].name)
            throw std::invalid_argument("restore_state: source field " + s.extra[k].name + " where " +
                                        state_.extra[k].name + " was expected");
        check(s.extra[k].values.size(), s.extra[k].name.c_str(), true);
    }
    if (s.values.size() != state_.values.size())
        throw std::invalid_argument("restore_state: the state's source values are not the simulation's");
    for (std::size_t k = 0; k < s.values.size(); ++k)
        if (s.values[k].name != state_.values[k].name || s.values[k].values.size() != state_.values[k].values.size())
            throw std::invalid_argument("restore_state: source values " + s.values[k].name + " where " +
                                        state_.values[k].name + " were expected");
    if (s.ledger.terms.size() != state_.ledger.terms.size())
        throw std::invalid_argument("restore_state: the state's ledger terms are not the simulation's");
    for (std::size_t k = 0; k < s.ledger.terms.size(); ++k)
        if (s.ledger.terms[k].name != state_.ledger.terms[k].name ||
            s.ledger.terms[k].adds != state_.ledger.terms[k].adds)
            throw std::invalid_argument("restore_state: ledger term " + s.ledger.terms[k].name + " where " +
                                        state_.ledger.terms[k].name + " was expected");
    settle_boundary_flow();  // (every block started it: it must complete before the state is replaced)
    state_ = s;
    open_breaches(state_.t);  // the bed of the state's time
    // Every workspace is rebuilt from the state on the next step, as on the first step of a run.
    tiles_.ready = false;
    inertial_.ready = false;
    fv2_.ready = false;
    fv2_.chunks_ready = false;
}

template <class Real>
void BasicSimulation<Real>::add_source(std::unique_ptr<SourceTerm<Real>> source) {
    // (A block's own sources come from its setup; one added by hand need not sum its ledger over
    // the blocks.)
    if (links_.linked()) throw std::invalid_argument("add_source: not supported on a subdomain yet");
    register_source(std::move(source));
}

template <class Real>
void BasicSimulation<Real>::register_source(std::unique_ptr<SourceTerm<Real>> source) {
    if (!source) throw std::invalid_argument("add_source: no source");
    source->check(grid_);
    std::vector<LedgerTerm> terms = source->ledger_terms();
    if (terms.empty()) throw std::invalid_argument("add_source: a source must book at least one ledger term");
    // Adding `rain` and `inflow` terms book into the built-in columns (INTERFACE.md section 4).
    std::vector<int> books;
    std::vector<std::string> names;
    for (const LedgerTerm& t : terms) {
        if (t.adds && (t.name == "rain" || t.name == "inflow")) {
            books.push_back(t.name == "rain" ? kBookRain : kBookInflow);
            continue;
        }
        for (const char* builtin : {"volume0", "rain", "inflow", "outflow", "positivity_fix", "volume", "error"})
            if (t.name == builtin) throw std::invalid_argument("add_source: ledger term name " + t.name + " is built in");
        if (state_.ledger.term(t.name) || std::find(names.begin(), names.end(), t.name) != names.end())
            throw std::invalid_argument("add_source: ledger term " + t.name + " exists");
        books.push_back(static_cast<int>(state_.ledger.terms.size() + names.size()));
        names.push_back(t.name);
    }
    const std::vector<std::string> fields = source->state_fields();
    const std::vector<std::pair<std::string, std::size_t>> values = source->state_values();
    for (const std::string& f : fields)
        if (state_.extra_field(f)) throw std::invalid_argument("add_source: state field " + f + " exists");
    for (const auto& v : values)
        if (state_.extra_values(v.first)) throw std::invalid_argument("add_source: state values " + v.first + " exist");
    for (std::size_t k = 0; k < terms.size(); ++k)
        if (books[k] >= 0) state_.ledger.terms.push_back({terms[k].name, terms[k].adds, 0.0});
    source_books_.push_back(std::move(books));
    std::string label;
    for (const LedgerTerm& t : terms) label += (label.empty() ? "" : "+") + t.name;
    source_timing_.push_back({"source:" + label, 0.0});
    for (const std::string& f : fields) state_.extra.push_back({f, Field<double>(grid_, 0.0)});
    for (const auto& v : values) state_.values.push_back({v.first, std::vector<double>(v.second, 0.0)});
    sources_.push_back(std::move(source));
}

template <class Real>
typename BasicSimulation<Real>::RowMeasure BasicSimulation<Real>::measure_row(int j, int i0, int i1, float t_arrival,
                                                                               bool drain_bound, Real* speed,
                                                                               Real* hm) {
    // In loops gcc vectorises (selects, no branches). Neighbours across the grid's edge (ghost
    // values, whatever they hold) count for nothing, as walls do through their bed.
    const Grid2D& g = grid_;
    const SolverOptions& o = setup_.options;
    const double gr = o.gravity, eps4 = std::pow(o.velocity_eps, 4), dry = o.dry_depth;
    const double drain = drain_bound ? o.cfl : 0.0, dx_over_dy = g.dx / g.dy;
    const Real wall_half = static_cast<Real>(0.5 * kWallElevation);
    const int nx = g.nx, ny = g.ny;
    State<Real>& st = state_;
    const Real* h = st.h.row(j);
    const Real* hn = st.h.row(j - 1);
    const Real* hs = st.h.row(j + 1);
    const Real* z = z_.row(j);
    const Real* zn = z_.row(j - 1);
    const Real* zs = z_.row(j + 1);
    const Real* hu = st.hu.row(j);
    const Real* hv = st.hv.row(j);
    // On a block, the neighbours across a halo side are real cells (the halo holds them).
    const bool w_halo = halo_side(BoundarySide::West), e_halo = halo_side(BoundarySide::East);
    const Real n_on = j > 0 || halo_side(BoundarySide::North) ? Real(1) : Real(0);
    const Real s_on = j + 1 < ny || halo_side(BoundarySide::South) ? Real(1) : Real(0);
    double rsx = 0.0, rsy = 0.0;
    Real rh = 0;
    std::int64_t rw = 0;
#pragma omp simd reduction(max : rsx, rsy, rh) reduction(+ : rw)
    for (int i = i0; i < i1; ++i) {
        const bool in = z[i] < wall_half;
        rh = in ? std::max(rh, h[i]) : rh;
        const double hd = in ? static_cast<double>(h[i]) : 0.0;
        const bool has = hd > 0.0;
        rw += has && hd >= dry ? 1 : 0;
        const double c = std::sqrt(gr * (has ? hd : 0.0));
        const double u = desingularised_velocity<double>(hd, has ? hu[i] : Real(0), eps4);
        const double v = desingularised_velocity<double>(hd, has ? hv[i] : Real(0), eps4);
        // The sweep's bound on a cell draining through its faces (sweep_fv1).
        const auto share = [&](Real hb, Real zb) {
            const FaceDepths<Real> r = reconstruct_face<Real>(h[i], z[i], hb, zb);
            return drain_share<Real>(r.hl, r.hr);
        };
        const Real w = i > 0 || w_halo ? share(h[i - 1], z[i - 1]) : Real(0);
        const Real e = i + 1 < nx || e_halo ? share(h[i + 1], z[i + 1]) : Real(0);
        const Real nn = n_on * share(hn[i], zn[i]), ss = s_on * share(hs[i], zs[i]);
        const double shares = static_cast<double>(w) + static_cast<double>(e) +
                              (static_cast<double>(nn) + static_cast<double>(ss)) * dx_over_dy;
        const double bx = std::max(std::abs(u) + c, drain * shares * c);
        rsx = has ? std::max(rsx, bx) : rsx;
        rsy = has ? std::max(rsy, std::abs(v) + c) : rsy;
        speed[i] = has ? static_cast<Real>(std::sqrt(u * u + v * v)) : Real(0);
        hm[i] = has ? h[i] : Real(0);  // the monitors see only wet domain cells
    }
    float_monitors(i0, i1, hm, speed, st.max_h.row(j), st.max_speed.row(j), st.arrival.row(j),
                   static_cast<float>(o.arrival_depth), t_arrival);
    return {rsx, rsy, static_cast<double>(rh), rw};
}

template <class Real>
void BasicSimulation<Real>::measure_state(float t_arrival, bool drain_bound) {
    // This pass runs after the sources of every step whose sources can add water anywhere, over
    // the whole grid (refresh_cells when they add water to a few known cells only).
    double sx = state_.smax_x, sy = state_.smax_y, hmax = state_.inertial_hmax;
    std::int64_t wet = 0;
    const int nx = grid_.nx, ny = grid_.ny;
#pragma omp parallel num_threads(threads_) default(none) firstprivate(nx, ny, t_arrival, drain_bound) \
    reduction(max : sx, sy, hmax) reduction(+ : wet)
    {
        std::vector<Real> speed(static_cast<std::size_t>(nx)), hm(static_cast<std::size_t>(nx));
#pragma omp for schedule(static)
        for (int j = 0; j < ny; ++j) {
            const RowMeasure r = measure_row(j, 0, nx, t_arrival, drain_bound, speed.data(), hm.data());
            sx = std::max(sx, r.smax_x);
            sy = std::max(sy, r.smax_y);
            hmax = std::max(hmax, r.hmax);
            wet += r.wet;
        }
    }
    state_.smax_x = sx;
    state_.smax_y = sy;
    state_.wet_cells = wet;
    if (setup_.options.scheme == Scheme::Inertial) state_.inertial_hmax = hmax;
}

template <class Real>
std::int64_t BasicSimulation<Real>::wet_among(const std::vector<std::pair<int, int>>& cells) const {
    std::int64_t wet = 0;
    for (const auto& [i, j] : cells) wet += inside(i, j) && state_.h(i, j) >= setup_.options.dry_depth ? 1 : 0;
    return wet;
}

template <class Real>
void BasicSimulation<Real>::refresh_cells(const std::vector<std::pair<int, int>>& cells, float t_arrival,
                                          bool drain_bound) {
    // Water added to these cells changes their wave speeds and monitors, and the drain bounds of
    // their four neighbours (which read their depths): each cell is measured with the cells
    // beside it, as measure_state would, and the bounds only grow. The chunks of the cells hold
    // water now (the next sweep steps them and their neighbours).
    const Grid2D& g = grid_;
    double sx = state_.smax_x, sy = state_.smax_y, hmax = state_.inertial_hmax;
    refresh_speed_.resize(static_cast<std::size_t>(g.nx));
    refresh_h_.resize(static_cast<std::size_t>(g.nx));
    const int nch = tiles_.nchunks;
    for (const auto& [i, j] : cells) {
        for (int jj = std::max(0, j - 1); jj <= std::min(g.ny - 1, j + 1); ++jj) {
            const int i0 = jj == j ? std::max(0, i - 1) : i, i1 = jj == j ? std::min(g.nx, i + 2) : i + 1;
            const RowMeasure r = measure_row(jj, i0, i1, t_arrival, drain_bound, refresh_speed_.data(), refresh_h_.data());
            sx = std::max(sx, r.smax_x);
            sy = std::max(sy, r.smax_y);
            hmax = std::max(hmax, r.hmax);
        }
        if (tiles_.ready && nch > 0 && state_.h(i, j) > Real(0)) {
            const std::size_t k = static_cast<std::size_t>(j) * nch + i / kChunk;
            const std::uint8_t flags = ChunkActivity::kWaterAny | (i % kChunk == 0 ? ChunkActivity::kWaterFirst : 0) |
                                       (i % kChunk == kChunk - 1 || i == g.nx - 1 ? ChunkActivity::kWaterLast : 0);
            tiles_.wet[k] |= flags;
            if (!tiles_.busy.empty()) tiles_.busy[k] |= flags;
        }
    }
    state_.smax_x = sx;
    state_.smax_y = sy;
    if (setup_.options.scheme == Scheme::Inertial) state_.inertial_hmax = hmax;
}

template <class Real>
void BasicSimulation<Real>::apply_sources(double t, double dt, double t_new) {
    const double rain_depth = setup_.rain.empty() ? 0.0 : setup_.rain.mean(t, t + dt) * dt;
    // The sources' ledger sums: over the global rows on a block, else here.
    const RowItemsSum serial_sums = [this](std::span<const double> items, int per_row, std::span<double> totals) {
        sum_row_items_serial(grid_.ny, items, per_row, totals, threads_);
    };
    const RowItemsSum& sums = links_.linked() ? links_.sum_row_items : serial_sums;
    const CellGather<Real> serial_gather = [this](std::span<const std::pair<int, int>> cells, std::span<Real> values) {
        for (std::size_t k = 0; k < cells.size(); ++k) {
            const auto [i, j] = cells[k];
            values[3 * k] = state_.h(i, j);
            values[3 * k + 1] = state_.hu(i, j);
            values[3 * k + 2] = state_.hv(i, j);
        }
    };
    const CellGather<Real>& gather = links_.linked() ? links_.gather_cells : serial_gather;
    SourceContext<Real> ctx{grid_, state_, z_, setup_.options.dry_depth, rain_depth, nullptr, threads_, sums, gather};
    // Sources that add water only to known cells (inflows, pump outlets) are followed by a refresh
    // of those cells; one that may add anywhere (rain grids) by a pass over the grid.
    bool adds = false, anywhere = false;
    refresh_list_.clear();
    for (const auto& s : sources_) {
        if (!s->adds_water()) continue;
        adds = true;
        anywhere = anywhere || !s->adds_only_to(refresh_list_);
    }
    const std::int64_t wet_before = adds && !anywhere ? wet_among(refresh_list_) : 0;
    std::vector<double> booked;
    for (std::size_t k = 0; k < sources_.size(); ++k) {
        const std::vector<int>& books = source_books_[k];
        booked.assign(books.size(), 0.0);
        const auto t0 = Clock::now();
        sources_[k]->apply(ctx, t, dt, booked.data());
        source_timing_[k].second += seconds_since(t0);
        for (std::size_t i = 0; i < books.size(); ++i) {
            double& column = books[i] == kBookRain     ? state_.ledger.rain
                             : books[i] == kBookInflow ? state_.ledger.inflow
                                                       : state_.ledger.terms[static_cast<std::size_t>(books[i])].volume;
            column += booked[i];
        }
        if (const double* rain = sources_[k]->step_rain()) ctx.rain_cells = rain;
    }
    // What the next step reads from this one, for the state the sources left. Water a source adds
    // must limit the next step and be swept: wave speeds, monitors and dry-tile flags are brought
    // up to the new state. Sinks only lower depths and keep velocities: the sweep's wave speeds,
    // maxima, arrival times and dry-tile flags stay upper bounds (a chunk dried by a sink is merely
    // swept once more), and the sweep's fv1 drain bound keeps the same one-step lag in its
    // neighbours' depths that it has without sources (measured: refreshing after sinks changed no
    // step on the rained catchments of bench/make_storm_catchment.py with Green-Ampt and drains;
    // any water a too-long step could cost would show as a positivity fix in the balance error).
    // (Rain grids are a source that adds water: with only sinks beside them, skipping this left the
    // next sweep's dry tiles stale and lost 2 % of the rain; test_rain_grids WithGreenAmpt...)
    if (!adds) return;
    const auto t0 = Clock::now();
    const bool fv1 = setup_.options.scheme == Scheme::Fv1;
    // fv2 keeps its own chunk flags for its two stages (fv2_.chunks): they are rebuilt whole, as
    // after water added anywhere.
    if (anywhere || setup_.options.scheme == Scheme::Fv2) {
        measure_state(static_cast<float>(t_new), fv1);
        tiles_.ready = false;
        fv2_.chunks_ready = false;
    } else {
        refresh_cells(refresh_list_, static_cast<float>(t_new), fv1);
        state_.wet_cells += wet_among(refresh_list_) - wet_before;
    }
    refresh_s_ += seconds_since(t0);
}

template <class Real>
double BasicSimulation<Real>::supercritical_fraction() const {
    const auto [wetted, super] = supercritical_cells();
    return wetted > 0 ? static_cast<double>(super) / static_cast<double>(wetted) : 0.0;
}

template <class Real>
std::pair<std::int64_t, std::int64_t> BasicSimulation<Real>::supercritical_cells() const {
    const Grid2D& g = grid_;
    const double gr = setup_.options.gravity;
    constexpr double kMinDepth = 0.01;  // m: thinner films do not count as wetted area
    const Field<Real>& H = state_.h;
    const Field<Real>& HU = state_.hu;
    const Field<Real>& HV = state_.hv;
    std::int64_t wetted = 0, super = 0;
#pragma omp parallel for schedule(static) num_threads(threads_) default(none) shared(g, H, HU, HV) \
    firstprivate(gr, kMinDepth) reduction(+ : wetted, super)
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
            const double h = H(i, j);
            if (!(h > kMinDepth)) continue;
            ++wetted;
            // Fr > 1  <=>  |q|^2 > g h^3
            const double q2 = HU(i, j) * HU(i, j) + HV(i, j) * HV(i, j);
            super += q2 > gr * h * h * h ? 1 : 0;
        }
    return {wetted, super};
}

template <class Real>
typename BasicSimulation<Real>::CellProbe BasicSimulation<Real>::fastest_cell() const {
    const Grid2D& g = grid_;
    const double gr = setup_.options.gravity;
    const double eps4 = std::pow(setup_.options.velocity_eps, 4);
    CellProbe best;
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
            const double h = state_.h(i, j);
            if (!inside(i, j) || !(h > 0.0)) continue;
            const double u = desingularised_velocity<double>(h, state_.hu(i, j), eps4);
            const double v = desingularised_velocity<double>(h, state_.hv(i, j), eps4);
            const double speed = std::hypot(u, v) + std::sqrt(gr * h);
            if (speed > best.speed || best.i < 0) best = {i, j, h, speed};
        }
    return best;
}

template <class Real>
typename BasicSimulation<Real>::CellProbe BasicSimulation<Real>::first_nonfinite_cell() const {
    const Grid2D& g = grid_;
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
            const double h = state_.h(i, j), hu = state_.hu(i, j), hv = state_.hv(i, j);
            if (inside(i, j) && !(std::isfinite(h) && std::isfinite(hu) && std::isfinite(hv)))
                return {i, j, h, std::numeric_limits<double>::quiet_NaN()};
        }
    return {};
}

template <class Real>
double BasicSimulation<Real>::next_breakpoint(double t) const {
    double tb = setup_.rain.empty() ? kInf : setup_.rain.next_breakpoint(t);
    for (const BoundarySpec& b : setup_.boundaries) {
        if (!b.value.empty()) tb = std::min(tb, b.value.next_breakpoint(t));
    }
    for (const BreachSpec& b : setup_.breaches) {  // a breach starts and ends on a step's edge
        if (t < b.start) tb = std::min(tb, b.start);
        else if (t < b.start + b.duration) tb = std::min(tb, b.start + b.duration);
    }
    return tb;
}

template <class Real>
bool BasicSimulation<Real>::open_breaches(double t) {
    // The bed is set, not lowered by an increment: it is a function of t alone. Depths are kept, so
    // a bed dropping under water leaves the volume as it was (the water surface drops with it and
    // the next steps' fluxes fill the opening from the neighbours).
    // Where openings overlap, the lowest bed holds.
    for (const BreachSpec& b : setup_.breaches)
        for (const BreachCell& c : b.cells) z_(c.i, c.j) = static_cast<Real>(c.top - z_datum_);
    bool growing = false;
    for (const BreachSpec& b : setup_.breaches) {
        if (t < b.start) continue;
        growing = growing || t <= b.start + b.duration;
        for (const BreachCell& c : b.cells)
            z_(c.i, c.j) = std::min(z_(c.i, c.j), static_cast<Real>(breach_bed(b, c, t) - z_datum_));
    }
    return growing;
}

template <class Real>
void BasicSimulation<Real>::advance_to(double t_target) {
    while (state_.t < t_target) step(t_target);
}

template <class Real>
void BasicSimulation<Real>::settle_boundary_flow() const {
    if (!flow_in_flight_) return;
    flow_in_flight_ = false;
    const auto [in, out] = links_.finish_boundary_flow();
    // The ledger as the serial run's after the same steps: what the accessors show is always
    // settled, so this completes it (logically const).
    MassLedger& ledger = const_cast<MassLedger&>(state_.ledger);
    ledger.inflow += in * flow_dt_;
    ledger.outflow += out * flow_dt_;
}

template <class Real>
void BasicSimulation<Real>::finish_ghosts() {
    if (!links_.linked()) return;
    links_.finish_halo();
    if (inertial_faces_in_flight_) place_inertial_edge_faces();
    inertial_faces_in_flight_ = false;
}

template <class Real>
double BasicSimulation<Real>::step(double t_limit) {
    if (setup_.options.lts_levels > 0) return step_lts(t_limit);
    auto t0 = Clock::now();
    // A growing breach lowers beds under the state the last step measured: its wave speeds and
    // fv1's drain bound are brought up to the new beds (a lowered crest next to deep water drains
    // it through a face that was a wall).
    if (!setup_.breaches.empty() && open_breaches(state_.t))
        measure_state(static_cast<float>(state_.t), setup_.options.scheme == Scheme::Fv1);
    fill_ghosts(state_.t);
    phase_s_[0] += seconds_since(t0);

    t0 = Clock::now();
    double t_end = std::min(t_limit, next_breakpoint(state_.t));
    // (cfl_time_step reduces over the blocks of a subdomain run: every block calls it before any
    // may throw below.)
    double dt = setup_.options.scheme == Scheme::Inertial ? inertial_time_step(t_end) : cfl_time_step(t_end);
    const double remaining = t_end - state_.t;
    if (!(remaining > 0.0)) throw std::logic_error("step(): t_limit is not after the current time");
    stable_dt_ = dt;
    double t_new;
    if (dt >= remaining) {
        dt = remaining;
        t_new = t_end;  // hit events exactly
    } else {
        // Avoid a sliver of a step just before an event: split what is left into two.
        if (remaining < 1.5 * dt) dt = 0.5 * remaining;
        t_new = state_.t + dt;
    }
    set_discharge_fluxes(state_.t, dt);
    cap_outflows(dt);
    finish_ghosts();
    phase_s_[1] += seconds_since(t0);

    t0 = Clock::now();
    switch (setup_.options.scheme) {
        case Scheme::Fv1: sweep_fv1(dt, t_new); break;
        case Scheme::Fv2: step_fv2(dt, t_new); break;
        case Scheme::Inertial: step_inertial(dt, t_new); break;
    }
    phase_s_[2] += seconds_since(t0);
    // The last step's boundary flow, which travelled during this one, is booked before anything
    // else books (a point inflow adds to the same column).
    settle_boundary_flow();

    if (!sources_.empty()) {
        t0 = Clock::now();
        apply_sources(state_.t, dt, t_new);
        phase_s_[3] += seconds_since(t0);
    }

    // Ledger: rain on every domain cell, boundary fluxes face by face (serial sums, so the
    // result does not depend on the thread count; a block books the whole domain's, the same
    // bits on every block).
    const Grid2D& g = grid_;
    if (!setup_.rain.empty()) {
        const std::int64_t cells = links_.linked() ? links_.domain_cells : domain_cells_;
        state_.ledger.rain += setup_.rain.mean(state_.t, t_new) * dt * static_cast<double>(cells) * g.cell_area();
    }
    if (links_.linked()) {
        // Gathered from every block while the next step runs; booked by settle_boundary_flow().
        links_.begin_boundary_flow(faces_.f_west, faces_.f_east, faces_.f_north, faces_.f_south);
        flow_in_flight_ = true;
        flow_dt_ = dt;
    } else {
        const auto [in, out] = boundary_flow(faces_.f_west, faces_.f_east, faces_.f_north, faces_.f_south, g.dx, g.dy);
        state_.ledger.inflow += in * dt;
        state_.ledger.outflow += out * dt;
    }
    double fix = 0.0;
    for (double r : faces_.row_fix) fix += r;
    state_.ledger.positivity_fix += fix * g.cell_area();

    state_.t = t_new;
    ++state_.steps;
    return dt;
}

// fv1 with local time stepping: one cycle of sweep_fv1_lts (sweep_fv1_lts.cpp says how).
template <class Real>
double BasicSimulation<Real>::step_lts(double t_limit) {
    auto t0 = Clock::now();
    const bool breach_moved = !setup_.breaches.empty() && open_breaches(state_.t);
    if (breach_moved) measure_state(static_cast<float>(state_.t), true);
    fill_ghosts(state_.t);
    finish_ghosts();
    phase_s_[0] += seconds_since(t0);

    t0 = Clock::now();
    // The chunks' steps as the last cycle's sweep left them, unless the state changed beyond its
    // knowledge (the first cycle, a restart, a breach, water added anywhere by a source).
    double dt0 = lts_smallest_step(!tiles_.ready || lts_.cycles == 0 || breach_moved);
    const double t_end = std::min(t_limit, next_breakpoint(state_.t));
    const double t_start = state_.t;
    const double remaining = t_end - t_start;
    if (!(remaining > 0.0)) throw std::logic_error("step(): t_limit is not after the current time");
    stable_dt_ = dt0;
    // The cycle: 2^L substeps of dt0, the longest that the levels and the time left allow. As
    // with the global step, events are hit exactly and a sliver before one is avoided.
    int L = 0;
    double t_new;
    if (dt0 >= remaining) {
        dt0 = remaining;
        t_new = t_end;
    } else {
        if (remaining < 1.5 * dt0) dt0 = 0.5 * remaining;
        // (no chunk steps longer than max_dt, the global step's bound)
        const double longest = std::min(remaining, setup_.options.max_dt);
        while (L < setup_.options.lts_levels && std::ldexp(dt0, L + 1) <= longest) ++L;
        t_new = t_start + std::ldexp(dt0, L);
    }
    lts_assign_levels(dt0, L);
    phase_s_[1] += seconds_since(t0);

    // Every cell is swept while rain falls (update_chunk_activity).
    const bool raining = !setup_.rain.empty() && setup_.rain.mean(t_start, t_new) > 0.0;
    const Grid2D& g = grid_;
    const int n = 1 << L;
    for (int k = 0; k < n; ++k) {
        const double tk = t_start + k * dt0;
        t0 = Clock::now();
        if (k > 0) {
            lts_refine_levels(k, dt0);
            fill_ghosts(tk);
            finish_ghosts();
        }
        set_discharge_fluxes(tk, dt0);
        cap_outflows(dt0, lts_.level.data());
        phase_s_[0] += seconds_since(t0);

        t0 = Clock::now();
        sweep_fv1_lts(k, L, dt0, t_start, raining);
        phase_s_[2] += seconds_since(t0);

        // The boundary faces' fluxes of the substep, each scaled by its chunk's steps (2^l): the
        // volume that crossed them, booked as dt0 steps.
        const auto [in, out] = boundary_flow(faces_.f_west, faces_.f_east, faces_.f_north, faces_.f_south, g.dx, g.dy);
        state_.ledger.inflow += in * dt0;
        state_.ledger.outflow += out * dt0;
        double fix = 0.0;
        for (double r : faces_.row_fix) fix += r;
        state_.ledger.positivity_fix += fix * g.cell_area();
        // The sources after each substep, as after each global step: an inflow or a pump adds its
        // water step by step, and the sinks keep their interval (solver.sinks_interval).
        if (!sources_.empty()) {
            t0 = Clock::now();
            const double tk1 = k + 1 == n ? t_new : t_start + (k + 1) * dt0;
            const bool swept = tiles_.ready;
            apply_sources(tk, tk1 - tk, tk1);
            // the chunks of cells a source added water to: their steps for that water (all
            // chunks where it may have added water anywhere: it leaves tiles_.ready false)
            if (swept && !tiles_.ready) lts_measure_chunks(0, g.ny, 0, lts_.nsub);
            else if (!refresh_list_.empty()) lts_refresh_chunks(refresh_list_);
            phase_s_[3] += seconds_since(t0);
        }
    }
    if (!setup_.rain.empty())
        state_.ledger.rain += setup_.rain.mean(t_start, t_new) * (t_new - t_start) * static_cast<double>(domain_cells_) * g.cell_area();

    state_.t = t_new;
    state_.steps += n;
    ++lts_.cycles;
    return t_new - t_start;
}

template <class Real>
double BasicSimulation<Real>::cfl_time_step(double& t_end) const {
    const Grid2D& g = grid_;
    const double gr = setup_.options.gravity;
    const double eps4 = std::pow(setup_.options.velocity_eps, 4);
    double sx = state_.smax_x, sy = state_.smax_y;
    // Ghost cells can carry faster states than the interior (a level boundary against a dry bed).
    auto ghost_speed = [&](int i, int j) {
        const double h = state_.h(i, j);
        if (h <= 0.0) return;
        const double c = std::sqrt(gr * h);
        sx = std::max(sx, std::abs(desingularised_velocity<double>(h, state_.hu(i, j), eps4)) + c);
        sy = std::max(sy, std::abs(desingularised_velocity<double>(h, state_.hv(i, j), eps4)) + c);
    };
    // Halo ghosts are the neighbours' cells: their speeds are in the neighbours' smax already.
    const bool west = !halo_side(BoundarySide::West), east = !halo_side(BoundarySide::East);
    const bool north = !halo_side(BoundarySide::North), south = !halo_side(BoundarySide::South);
    for (int j = 0; j < g.ny; ++j) {
        if (west) ghost_speed(-1, j);
        if (east) ghost_speed(g.nx, j);
    }
    for (int i = 0; i < g.nx; ++i) {
        if (north) ghost_speed(i, -1);
        if (south) ghost_speed(i, g.ny);
    }
    if (links_.linked()) {
        // The serial step: the largest speeds of all blocks, and the earliest event of any block's
        // boundaries (t_limit is the same on every block). Exact: a maximum, and -t negated back.
        double v[] = {sx, sy, -t_end};
        links_.reduce_max(v);
        sx = v[0];
        sy = v[1];
        t_end = -v[2];
    }
    const double cfl = setup_.options.cfl;
    double dt = kInf;
    if (sx > 0.0) dt = std::min(dt, cfl * g.dx / sx);
    if (sy > 0.0) dt = std::min(dt, cfl * g.dy / sy);
    return std::min(dt, setup_.options.max_dt);
}

// --- boundaries --------------------------------------------------------------------------

template <class Real>
void BasicSimulation<Real>::fill_ghosts(double t) {
    const Grid2D& g = grid_;
    if (links_.linked()) {
        // On a block, the neighbours' cells travel while the ghosts of the global edges are
        // filled and the step is chosen: nothing before finish_ghosts() reads the halo or
        // changes the cells sent (the boundaries read and write their own cells and the ghosts
        // beyond the global grid; the time step reads the speeds of the last sweep).
        if (setup_.options.scheme == Scheme::Inertial && inertial_.ready) {
            // inertial: the face discharges of the last step go with the depths (one message per
            // neighbour, not two; width 2: fill_inertial_halo). Its step reads no cell momentum
            // across a block edge (the faces carry it).
            stage_inertial_edge_faces();
            Field<Real>* fields[] = {&state_.h, &state_.qx, &state_.qy, &inertial_.east_q, &inertial_.south_q};
            links_.begin_halo(fields, 2);
            inertial_faces_in_flight_ = true;
        } else {
            Field<Real>* cells[] = {&state_.h, &state_.hu, &state_.hv};
            links_.begin_halo(cells, halo_width());
        }
    }
    if (links_.discharge_totals) update_discharge_totals();  // (collective: before any ghost)
    // Ghost (gi, gj) at layer k (1, 2) takes from interior (ii, jj) = mirror or nearest.
    // `normal_sign` flips the normal momentum (mirror for closed walls).
    auto set_ghost = [&](int gi, int gj, int ii, int jj, bool flip_u, bool flip_v) {
        state_.h(gi, gj) = state_.h(ii, jj);
        z_(gi, gj) = z_(ii, jj);
        state_.hu(gi, gj) = flip_u ? -state_.hu(ii, jj) : state_.hu(ii, jj);
        state_.hv(gi, gj) = flip_v ? -state_.hv(ii, jj) : state_.hv(ii, jj);
    };
    // 1) Every side closed (mirror) by default.
    // On a block, only the sides on the global grid's edges: the halo sides' ghosts (their bed
    // too, filled once) are the neighbours' cells.
    const bool west = !halo_side(BoundarySide::West), east = !halo_side(BoundarySide::East);
    const bool north = !halo_side(BoundarySide::North), south = !halo_side(BoundarySide::South);
    for (int k = 1; k <= 2; ++k) {
        for (int j = 0; j < g.ny; ++j) {
            if (west) set_ghost(-k, j, k - 1, j, true, false);
            if (east) set_ghost(g.nx - 1 + k, j, g.nx - k, j, true, false);
        }
        for (int i = 0; i < g.nx; ++i) {
            if (north) set_ghost(i, -k, i, k - 1, false, true);
            if (south) set_ghost(i, g.ny - 1 + k, i, g.ny - k, false, true);
        }
    }
    // A closed face carries exactly no mass (the mirror state gives zero only up to round-off).
    std::fill(faces_.q_west.begin(), faces_.q_west.end(), 0.0);
    std::fill(faces_.q_east.begin(), faces_.q_east.end(), 0.0);
    std::fill(faces_.q_north.begin(), faces_.q_north.end(), 0.0);
    std::fill(faces_.q_south.begin(), faces_.q_south.end(), 0.0);

    const bool west_halo = !west, east_halo = !east, north_halo = !north, south_halo = !south;
    // 2) Each boundary condition overwrites its segment.
    for (const BoundarySpec& b : setup_.boundaries) {
        const bool ew = b.side == BoundarySide::West || b.side == BoundarySide::East;
        const int len = ew ? g.ny : g.nx;
        const int last = b.last < 0 ? len - 1 : b.last;
        const double val = b.value.empty() ? 0.0 : b.value.at(t);
        const double eps4 = std::pow(setup_.options.velocity_eps, 4);
        std::vector<double>& imposed = faces_.imposed(b.side);
        for (int s = b.first; s <= last; ++s) {
            const auto [ii, jj] = boundary_cell(b.side, s);
            // Free and level faces take the Riemann flux; discharge faces get theirs later.
            if (b.type == BoundaryType::Free || b.type == BoundaryType::Level) imposed[s] = kNaN;
            for (int k = 1; k <= 2; ++k) {
                const auto [gi, gj] = ghost_cell(b.side, ii, jj, k);
                const double zi = z_(ii, jj), hi = state_.h(ii, jj);
                switch (b.type) {
                    case BoundaryType::Closed:
                        break;  // already mirrored
                    case BoundaryType::Free: {
                        // Transmissive: the interior state, on a bed that continues the last
                        // downward slope (never upward, which would push water in). On a slope the
                        // outflow then behaves like the flow between interior cells.
                        set_ghost(gi, gj, ii, jj, false, false);
                        const auto [pi, pj] = ghost_cell(b.side, ii, jj, -1);  // next cell inward
                        // (beyond a halo side: the neighbour's cell, as in the serial run)
                        const bool has_prev = (pi >= 0 || west_halo) && (pi < g.nx || east_halo) &&
                                              (pj >= 0 || north_halo) && (pj < g.ny || south_halo) && inside(pi, pj);
                        if (zi < 0.5 * kWallElevation && has_prev)
                            z_(gi, gj) = zi - k * std::max(0.0, z_(pi, pj) - zi);
                        break;
                    }
                    case BoundaryType::Level: {
                        z_(gi, gj) = zi;
                        const double hg = zi < 0.5 * kWallElevation ? std::max(0.0, (val - z_datum_) - zi) : 0.0;
                        state_.h(gi, gj) = hg;  // velocity from the interior
                        state_.hu(gi, gj) = hg * desingularised_velocity<double>(hi, state_.hu(ii, jj), eps4);
                        state_.hv(gi, gj) = hg * desingularised_velocity<double>(hi, state_.hv(ii, jj), eps4);
                        break;
                    }
                    case BoundaryType::Discharge:
                        z_(gi, gj) = zi;  // depth and momentum: set_discharge_ghosts below
                        break;
                    case BoundaryType::NormalDepth:
                    case BoundaryType::Critical:
                        break;  // set_outflow_ghosts below
                }
            }
        }
        if (b.type == BoundaryType::Discharge) set_discharge_ghosts(b, val);
        if (b.type == BoundaryType::NormalDepth || b.type == BoundaryType::Critical) set_outflow_ghosts(b);
    }

    // 3) On a block: the faces of the halo sides take the Riemann flux of the neighbours' cells,
    // as interior faces do (the cells come in finish_ghosts).
    if (links_.linked()) {
        for (const BoundarySide side : {BoundarySide::West, BoundarySide::East, BoundarySide::North, BoundarySide::South})
            if (halo_side(side)) std::fill(faces_.imposed(side).begin(), faces_.imposed(side).end(), kNaN);
        if (setup_.options.scheme == Scheme::Fv2) {  // its reconstruction reads the neighbours' boundary ghosts
            Field<Real>* corners[] = {&state_.h, &state_.hu, &state_.hv, &z_};
            links_.fill_corners(corners);
        }
    }
}

template <class Real>
void BasicSimulation<Real>::discharge_shares(const BoundarySpec& b, std::vector<double>& share) const {
    const Grid2D& g = grid_;
    const bool ew = b.side == BoundarySide::West || b.side == BoundarySide::East;
    const int len = ew ? g.ny : g.nx;
    const int last = b.last < 0 ? len - 1 : b.last;
    share.assign(len, 0.0);
    // Share Q among the segment's faces in proportion to h^(5/3) of the wet ones, evenly among
    // domain cells when all are dry.
    double wsum = 0.0;
    std::int64_t active = 0;
    for (int s = b.first; s <= last; ++s) {
        const auto [ii, jj] = boundary_cell(b.side, s);
        if (!inside(ii, jj)) continue;
        ++active;
        const double h = state_.h(ii, jj);
        if (h >= setup_.options.dry_depth) {
            share[s] = std::pow(h, 5.0 / 3.0);
            wsum += share[s];
        }
    }
    if (links_.discharge_totals) {
        // On a block the segment may go on in other blocks: the whole segment's totals, summed
        // in segment order (the dry faces' zeros leave the sum's bits alone).
        std::size_t k = 0;
        for (const BoundarySpec& other : setup_.boundaries) {
            if (&other == &b) break;
            k += other.type == BoundaryType::Discharge ? 1 : 0;
        }
        std::tie(wsum, active) = discharge_totals_.at(k);
    }
    for (int s = b.first; s <= last; ++s) {
        const auto [ii, jj] = boundary_cell(b.side, s);
        if (!inside(ii, jj)) continue;
        share[s] = wsum > 0.0 ? share[s] / wsum : 1.0 / active;
    }
}

template <class Real>
void BasicSimulation<Real>::update_discharge_totals() {
    std::vector<std::vector<double>> weights;
    std::vector<std::int64_t> cells;
    for (const BoundarySpec& b : setup_.boundaries) {
        if (b.type != BoundaryType::Discharge) continue;
        const bool ew = b.side == BoundarySide::West || b.side == BoundarySide::East;
        const int last = b.last < 0 ? (ew ? grid_.ny : grid_.nx) - 1 : b.last;
        std::vector<double>& w = weights.emplace_back();
        std::int64_t& active = cells.emplace_back(0);
        for (int s = b.first; s <= last; ++s) {
            const auto [ii, jj] = boundary_cell(b.side, s);
            const double h = state_.h(ii, jj);
            const bool wet = inside(ii, jj) && h >= setup_.options.dry_depth;
            active += inside(ii, jj) ? 1 : 0;
            w.push_back(wet ? std::pow(h, 5.0 / 3.0) : 0.0);
        }
    }
    discharge_totals_ = links_.discharge_totals(weights, cells);
}

template <class Real>
std::pair<int, int> BasicSimulation<Real>::boundary_cell(BoundarySide side, int s) const {
    switch (side) {
        case BoundarySide::West: return {0, s};
        case BoundarySide::East: return {grid_.nx - 1, s};
        case BoundarySide::North: return {s, 0};
        default: return {s, grid_.ny - 1};
    }
}

template <class Real>
void BasicSimulation<Real>::set_discharge_ghosts(const BoundarySpec& b, double Q) {
    const Grid2D& g = grid_;
    const bool ew = b.side == BoundarySide::West || b.side == BoundarySide::East;
    const double width = ew ? g.dy : g.dx;
    const double inflow_sign = (b.side == BoundarySide::West || b.side == BoundarySide::South) ? 1.0 : -1.0;
    std::vector<double>& share = faces_.share;
    discharge_shares(b, share);
    const int len = ew ? g.ny : g.nx;
    const int last = b.last < 0 ? len - 1 : b.last;
    for (int s = b.first; s <= last; ++s) {
        const auto [ii, jj] = boundary_cell(b.side, s);
        if (!inside(ii, jj)) continue;
        const double q = Q * share[s] / width;  // m2/s through this face, inflow positive
        // Ghost state: the inflow at the interior depth, or at the critical depth of that
        // discharge where the interior is shallower; it sets the momentum flux of the face.
        const double hg = std::max(static_cast<double>(state_.h(ii, jj)), std::cbrt(q * q / setup_.options.gravity));
        for (int k = 1; k <= 2; ++k) {
            const auto [gi, gj] = ghost_cell(b.side, ii, jj, k);
            state_.h(gi, gj) = hg;
            state_.hu(gi, gj) = ew ? inflow_sign * q : 0.0;
            state_.hv(gi, gj) = ew ? 0.0 : inflow_sign * q;
        }
    }
}

template <class Real>
std::pair<int, int> BasicSimulation<Real>::ghost_cell(BoundarySide side, int ii, int jj, int k) const {
    switch (side) {
        case BoundarySide::West: return {-k, jj};
        case BoundarySide::East: return {grid_.nx - 1 + k, jj};
        case BoundarySide::North: return {ii, -k};
        default: return {ii, grid_.ny - 1 + k};
    }
}

template <class Real>
void BasicSimulation<Real>::set_discharge_fluxes(double t, double dt) {
    const Grid2D& g = grid_;
    for (const BoundarySpec& b : setup_.boundaries) {
        if (b.type != BoundaryType::Discharge) continue;
        const bool ew = b.side == BoundarySide::West || b.side == BoundarySide::East;
        const double width = ew ? g.dy : g.dx;
        const double inflow_sign = (b.side == BoundarySide::West || b.side == BoundarySide::South) ? 1.0 : -1.0;
        // Mean discharge over the step: the volume that enters is exactly the hydrograph's.
        const double Q = b.value.mean(t, t + dt);
        std::vector<double>& share = faces_.share;
        discharge_shares(b, share);
        const int len = ew ? g.ny : g.nx;
        const int last = b.last < 0 ? len - 1 : b.last;
        std::vector<double>& target = faces_.imposed(b.side);
        for (int s = b.first; s <= last; ++s) {
            const auto [ii, jj] = boundary_cell(b.side, s);
            if (!inside(ii, jj)) continue;
            target[s] = inflow_sign * Q * share[s] / width;
        }
    }
}

// --- normal-depth and critical outflow (docs/processes.md) -----------------------------------

template <class Real>
void BasicSimulation<Real>::check_outflow_boundary(const BoundarySpec& b) const {
    if (b.type == BoundaryType::NormalDepth) {
        if (!(b.slope > 0.0) || !std::isfinite(b.slope))
            throw std::invalid_argument("normal_depth boundary: slope must be > 0");
        const bool ew = b.side == BoundarySide::West || b.side == BoundarySide::East;
        const int last = b.last < 0 ? (ew ? grid_.ny : grid_.nx) - 1 : b.last;
        for (int s = b.first; s <= last; ++s) {
            const auto [ii, jj] = boundary_cell(b.side, s);
            if (inside(ii, jj) && !(gn2_(ii, jj) > 0.0))
                throw std::invalid_argument("normal_depth boundary: Manning n must be > 0 on its cells");
        }
    }
}

template <class Real>
double BasicSimulation<Real>::outflow_q(const BoundarySpec& b, int ii, int jj, double eps4) const {
    const double h = state_.h(ii, jj);
    const SolverOptions& o = setup_.options;
    if (!inside(ii, jj) || !(h >= o.dry_depth)) return 0.0;  // dry: nothing leaves
    if (b.type == BoundaryType::NormalDepth) {
        // Manning's normal flow at the cell's depth: q = h^(5/3) S^(1/2) / n.
        const double n = std::sqrt(gn2_(ii, jj) / o.gravity);
        return std::pow(h, 5.0 / 3.0) * std::sqrt(b.slope) / n;
    }
    // Critical: the discharge of critical flow at the cell's specific energy, from its outward
    // velocity (an inward velocity adds no head); a supercritical outflow leaves as it arrives.
    const bool ew = b.side == BoundarySide::West || b.side == BoundarySide::East;
    const double out_sign = (b.side == BoundarySide::West || b.side == BoundarySide::South) ? -1.0 : 1.0;
    const double un = out_sign * desingularised_velocity<double>(h, ew ? state_.hu(ii, jj) : state_.hv(ii, jj), eps4);
    const double u = std::max(0.0, un);
    if (u * u >= o.gravity * h) return h * u;
    const double hc = (2.0 / 3.0) * (h + u * u / (2.0 * o.gravity));
    return std::sqrt(o.gravity) * hc * std::sqrt(hc);
}

template <class Real>
void BasicSimulation<Real>::set_outflow_ghosts(const BoundarySpec& b) {
    const Grid2D& g = grid_;
    const bool ew = b.side == BoundarySide::West || b.side == BoundarySide::East;
    const int last = b.last < 0 ? (ew ? g.ny : g.nx) - 1 : b.last;
    const double out_sign = (b.side == BoundarySide::West || b.side == BoundarySide::South) ? -1.0 : 1.0;
    std::vector<double>& imposed = faces_.imposed(b.side);
    const double eps4 = std::pow(setup_.options.velocity_eps, 4);
    for (int s = b.first; s <= last; ++s) {
        const auto [ii, jj] = boundary_cell(b.side, s);
        if (!inside(ii, jj)) continue;  // stays a wall
        const double q = outflow_q(b, ii, jj, eps4);
        imposed[s] = out_sign * q;  // capped to the step in cap_outflows
        // Ghosts: the cell's depth, bed and tangential velocity; the normal discharge is the
        // outflow (so the face's momentum flux carries q^2 / h out), never an inflow.
        for (int k = 1; k <= 2; ++k) {
            const auto [gi, gj] = ghost_cell(b.side, ii, jj, k);
            state_.h(gi, gj) = state_.h(ii, jj);
            z_(gi, gj) = z_(ii, jj);
            state_.hu(gi, gj) = ew ? out_sign * q : state_.hu(ii, jj);
            state_.hv(gi, gj) = ew ? state_.hv(ii, jj) : out_sign * q;
        }
    }
}

template <class Real>
void BasicSimulation<Real>::cap_outflows(double dt, const std::uint8_t* levels) {
    // An outflow face takes at most half the boundary cell's water in a step (the CFL step with
    // the ghosts' speeds already keeps it below cfl; the inertial step does not see velocities).
    const Grid2D& g = grid_;
    for (const BoundarySpec& b : setup_.boundaries) {
        if (b.type != BoundaryType::NormalDepth && b.type != BoundaryType::Critical) continue;
        const bool ew = b.side == BoundarySide::West || b.side == BoundarySide::East;
        const int last = b.last < 0 ? (ew ? g.ny : g.nx) - 1 : b.last;
        std::vector<double>& imposed = faces_.imposed(b.side);
        for (int s = b.first; s <= last; ++s) {
            const auto [ii, jj] = boundary_cell(b.side, s);
            if (!inside(ii, jj)) continue;
            const double dtf =
                levels ? std::ldexp(dt, levels[static_cast<std::size_t>(jj) * lts_.nsub + ii / kLtsChunk]) : dt;
            const double cap = 0.5 * static_cast<double>(state_.h(ii, jj)) * (ew ? g.dx : g.dy) / dtf;
            imposed[s] = std::copysign(std::min(std::abs(imposed[s]), cap), imposed[s]);
        }
    }
}

// --- output helpers --------------------------------------------------------------------------

template <class Real>
void BasicSimulation<Real>::copy_depth(float* out) const {
    const Grid2D& g = grid_;
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i)
            out[static_cast<std::size_t>(j) * g.nx + i] =
                inside(i, j) ? static_cast<float>(state_.h(i, j)) : std::numeric_limits<float>::quiet_NaN();
}

template <class Real>
void BasicSimulation<Real>::copy_velocity(float* vx, float* vy) const {
    const Grid2D& g = grid_;
    const double eps4 = std::pow(setup_.options.velocity_eps, 4);
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * g.nx + i;
            if (!inside(i, j)) {
                vx[k] = vy[k] = std::numeric_limits<float>::quiet_NaN();
                continue;
            }
            const double h = state_.h(i, j);
            vx[k] = h > 0.0 ? static_cast<float>(desingularised_velocity<double>(h, state_.hu(i, j), eps4)) : 0.0f;
            vy[k] = h > 0.0 ? static_cast<float>(desingularised_velocity<double>(h, state_.hv(i, j), eps4)) : 0.0f;
        }
}

namespace {
template <class Real>
void copy_masked(const Grid2D& g, const Field<float>& f, const Field<Real>& z, float* out) {
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i)
            out[static_cast<std::size_t>(j) * g.nx + i] =
                z(i, j) < 0.5 * kWallElevation ? f(i, j) : std::numeric_limits<float>::quiet_NaN();
}
}  // namespace

template <class Real>
void BasicSimulation<Real>::copy_max_depth(float* out) const { copy_masked(grid_, state_.max_h, z_, out); }
template <class Real>
void BasicSimulation<Real>::copy_max_speed(float* out) const { copy_masked(grid_, state_.max_speed, z_, out); }
template <class Real>
void BasicSimulation<Real>::copy_arrival_time(float* out) const { copy_masked(grid_, state_.arrival, z_, out); }

template <class Real>
GaugeReading BasicSimulation<Real>::gauge(std::size_t k) const {
    const GaugeSpec& s = setup_.gauges.at(k);
    const double eps4 = std::pow(setup_.options.velocity_eps, 4);
    const double h = state_.h(s.i, s.j);
    GaugeReading r{};
    r.depth = h;
    r.water_level = h + z_(s.i, s.j) + z_datum_;
    r.velocity_x = h > 0.0 ? desingularised_velocity<double>(h, state_.hu(s.i, s.j), eps4) : 0.0;
    r.velocity_y = h > 0.0 ? desingularised_velocity<double>(h, state_.hv(s.i, s.j), eps4) : 0.0;
    return r;
}

template <class Real>
std::size_t BasicSimulation<Real>::state_bytes() const {
    std::size_t b = 0;
    auto add = [&b](const auto& f) { b += f.size() * sizeof(*f.data()); };
    for (const Field<Real>* f : {&state_.h, &state_.hu, &state_.hv, &z_, &gn2_, &fv2_.h0, &fv2_.hu0, &fv2_.hv0,
                                 &fv2_.donor, &state_.qx, &state_.qy, &inertial_.fx, &inertial_.fy, &inertial_.donor,
                                 &inertial_.sqrtg_n})
        add(*f);
    for (const NamedField& f : state_.extra) add(f.values);
    add(state_.max_h);
    add(state_.max_speed);
    add(state_.arrival);
    return b;
}

template <class Real>
double BasicSimulation<Real>::phase_seconds(const std::string& name) const {
    if (name == "boundaries") return phase_s_[0];
    if (name == "timestep") return phase_s_[1];
    if (name == "sweep") return phase_s_[2];
    if (name == "sources") return phase_s_[3];
    if (name == "refresh") return refresh_s_;
    for (const auto& [label, seconds] : source_timing_)
        if (label == name) return seconds;
    return 0.0;
}

template <class Real>
std::vector<std::string> BasicSimulation<Real>::phase_names() const {
    std::vector<std::string> names{"boundaries", "timestep", "sweep", "sources"};
    for (const auto& [label, seconds] : source_timing_) names.push_back(label);
    if (!sources_.empty()) names.push_back("refresh");
    return names;
}

template class BasicSimulation<double>;
template class BasicSimulation<float>;

}  // namespace floodsim
