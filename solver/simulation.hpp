#pragma once
// Simulation: owns the state of one run on a Grid2D and advances it in time.
//
// step() reads as the algorithm:
//   fill ghost cells (boundaries) -> time step (CFL, clipped to events) -> fused sweep
//   (face fluxes, cell update, rain, friction, wet/dry, monitors, next wave speed) -> ledger.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mesh/field.hpp"
#include "mesh/grid2d.hpp"
#include "solver/mass_ledger.hpp"
#include "solver/model.hpp"
#include "solver/source_term.hpp"
#include "solver/state.hpp"
#include "solver/subdomain.hpp"
#include "solver/workspaces.hpp"

namespace floodsim {

/// Bed elevation given to cells outside the domain: hydrostatic reconstruction then turns every
/// face to them into a wall (no mass flux, pressure balanced) without a branch in the kernels.
inline constexpr double kWallElevation = 1.0e9;

struct GaugeReading {
    double depth, water_level, velocity_x, velocity_y;
};

/// The solver state is stored and stepped in `Real` (double, or float for solver.precision =
/// "single"); time, the mass ledger, boundary fluxes and all sums are double in both.
template <class Real>
class BasicSimulation {
public:
    using real_type = Real;

    /// Validates the setup (sizes, values) and builds the initial state; throws
    /// std::invalid_argument naming what is wrong.
    explicit BasicSimulation(ModelSetup setup);
    /// A simulation of one block of a decomposed grid (solver/subdomain.hpp): `setup` holds the
    /// block's cells on the block's grid (Grid2D::subgrid), its boundaries only on the sides that
    /// lie on the global grid's edges. Every block of the decomposition constructs its simulation
    /// at the same time (the constructor fills the halos). Every scheme, without source terms or
    /// breaches for now (std::invalid_argument otherwise); gauges are the block's own, in its
    /// indices. Without links (empty callbacks) this is the serial constructor.
    BasicSimulation(ModelSetup setup, SubdomainLinks<Real> links);

    const Grid2D& grid() const { return grid_; }
    /// The setup, less its per-cell vectors (z, manning, h0, u0, v0: released after the
    /// initial state is built; read the fields instead).
    const ModelSetup& setup() const { return setup_; }
    double time() const { return state_.t; }
    std::int64_t steps() const { return state_.steps; }
    /// Local time stepping: the cells updated so far (steps() x the domain's cells without it),
    /// and the cycles (each of 1 to 2^levels steps).
    std::int64_t lts_cell_updates() const { return lts_.cell_updates; }
    std::int64_t lts_cycles() const { return lts_.cycles; }
    int threads() const { return threads_; }
    /// Worker threads for the following steps (>= 1); call before the first step. The team
    /// OpenMP actually gives may be smaller: results do not depend on it.
    void set_threads(int threads) {
        threads_ = threads < 1 ? 1 : threads;
        setup_.options.threads = threads_;
    }

    /// One time step that ends no later than t_limit (and exactly on it if the CFL step would
    /// overshoot it). Forcing breakpoints are never stepped over. Returns dt (s).
    double step(double t_limit);
    /// Steps until time() == t_target exactly.
    void advance_to(double t_target);

    /// Registers a per-cell source or sink (solver/source_term.hpp), applied after the sweep of
    /// every later step in the order of registration. Its ledger terms are appended to ledger().terms
    /// and its per-cell fields to state().extra (at 0). Throws std::invalid_argument if a term name
    /// is taken (or is a built-in one) or the source does not fit the grid. Without sources a step
    /// does no work for them.
    void add_source(std::unique_ptr<SourceTerm<Real>> source);

    // --- state -------------------------------------------------------------------------
    /// Everything a bitwise restart needs (solver/state.hpp).
    const State<Real>& state() const {
        settle_boundary_flow();
        return state_;
    }
    /// Continues from a state taken from a simulation built from the same setup (grid, scheme,
    /// sources): the next steps are bitwise those the original would have taken. Every workspace
    /// (scratch, dry-tile flags, fv2's stale flags) is rebuilt from it. Throws
    /// std::invalid_argument if the grid, the fields or the source terms do not match.
    void restore_state(const State<Real>& s);

    const Field<Real>& h() const { return state_.h; }
    const Field<Real>& hu() const { return state_.hu; }
    const Field<Real>& hv() const { return state_.hv; }
    /// Bed elevation as stepped: z() + z_datum() is the elevation of the input (the datum is 0 in
    /// double precision, the lowest domain cell in single precision).
    const Field<Real>& z() const { return z_; }
    double z_datum() const { return z_datum_; }
    bool inside(int i, int j) const { return z_(i, j) < 0.5 * kWallElevation; }

    /// Water in the domain, m3 (deterministic sum, independent of the thread count). On a block:
    /// the block's water (parallel/ordered_sum.hpp sums blocks in the serial order).
    double volume() const;
    /// On a block: the volumes of the block's cells and of its faces on the global grid's edges
    /// (not yet reduced over the blocks).
    const MassLedger& ledger() const {
        settle_boundary_flow();
        return state_.ledger;
    }
    /// On a block: books the last step's boundary flow if it is still travelling
    /// (SubdomainLinks::begin_boundary_flow); state() and ledger() do it first. Without links, or
    /// with nothing pending, nothing. A host that ends a run without reading the ledger calls it
    /// before it finalises MPI (DistributedSimulation's destructor does).
    void settle_boundary_flow() const;
    /// Number of cells with depth >= dry_depth after the last step (on a block: the block's).
    std::int64_t wet_cells() const { return state_.wet_cells; }
    /// Number of cells inside the domain.
    std::int64_t domain_cells() const { return domain_cells_; }
    /// Fraction (0..1) of the wetted cells (depth > 0.01 m) where the flow is supercritical
    /// (Froude number |U| / sqrt(g h) > 1) in the current state; 0 when none is wet. The local
    /// inertial scheme is not valid there (docs/schemes-inertial.md).
    double supercritical_fraction() const;
    /// The counts behind supercritical_fraction(): wetted cells (depth > 0.01 m) and, among
    /// them, supercritical ones.
    std::pair<std::int64_t, std::int64_t> supercritical_cells() const;

    // --- diagnostics for a run that stops loudly (engine/) --------------------------------
    /// The stability-limited time step of the last step, s, before it was shortened to land on
    /// an event (0 before the first step).
    double stable_dt() const { return stable_dt_; }
    /// A cell and what it holds: depth (m) and |velocity| + sqrt(g h) (m/s); i = -1: none.
    struct CellProbe {
        int i = -1, j = -1;
        double depth = 0.0, speed = 0.0;
    };
    /// The cell with the fastest wave (largest |velocity| + sqrt(g h)) of the current state.
    CellProbe fastest_cell() const;
    /// The first cell (rows from the north) whose depth or discharge is not finite.
    CellProbe first_nonfinite_cell() const;

    // --- output helpers: nx*ny float32 row-major, row 0 = north, NaN outside ------------
    void copy_depth(float* out) const;
    void copy_velocity(float* vx, float* vy) const;
    void copy_max_depth(float* out) const;
    void copy_max_speed(float* out) const;
    void copy_arrival_time(float* out) const;  ///< NaN where never reached
    GaugeReading gauge(std::size_t k) const;

    /// Bytes held by the solver's per-cell state (every field of every scheme in use).
    std::size_t state_bytes() const;

    /// Wall-clock seconds spent per phase: "boundaries", "timestep", "sweep", "sources"; within
    /// "sources", each source as "source:<its ledger terms joined by +>" (e.g. "source:inflow",
    /// "source:infiltration+drainage") and "refresh" (wave speeds, monitors and dry tiles brought
    /// up to the state after sources that add water). 0 for an unknown name.
    double phase_seconds(const std::string& name) const;
    /// The names phase_seconds knows for this simulation, in step order.
    std::vector<std::string> phase_names() const;

private:
    // --- construction, in order
    void check_setup() const;
    void init_fields();
    void check_boundaries_and_breaches() const;
    void init_face_buffers();
    void release_cell_inputs();
    void add_process_sources();

    /// The ghost cells for time t: the global edges' from the boundaries; on a block, the halo's
    /// exchange is begun here and ends in finish_ghosts(), which must come before the halo or
    /// the ghosts are read (the sweeps).
    void fill_ghosts(double t);
    void finish_ghosts();
    void set_discharge_fluxes(double t, double dt);
    void set_discharge_ghosts(const BoundarySpec& b, double Q);
    void discharge_shares(const BoundarySpec& b, std::vector<double>& share) const;
    void update_discharge_totals();
    // normal_depth and critical outflow: validated in the constructor, their outflow per unit
    // width from the boundary cell, ghosts and imposed fluxes (fill_ghosts), capped once dt is known.
    void check_outflow_boundary(const BoundarySpec& b) const;
    double outflow_q(const BoundarySpec& b, int ii, int jj, double eps4) const;  ///< eps4: velocity_eps^4
    void set_outflow_ghosts(const BoundarySpec& b);
    /// `levels` (local time stepping): an outflow face of a chunk at level l is capped for
    /// 2^l dt, the step it is used for.
    void cap_outflows(double dt, const std::uint8_t* levels = nullptr);
    std::pair<int, int> boundary_cell(BoundarySide side, int s) const;
    std::pair<int, int> ghost_cell(BoundarySide side, int ii, int jj, int k) const;
    /// The CFL step; on a block, the wave speeds and `t_end` (the step's end at the latest) are
    /// first reduced over all blocks, so t_end may come earlier (an event on another block).
    double cfl_time_step(double& t_end) const;
    /// On a block: is this side inside the global grid (its ghosts are the neighbours' cells)?
    bool halo_side(BoundarySide side) const { return halo_sides_[static_cast<int>(side)]; }
    /// On a block: the halo layers the scheme reads across a halo side (docs/parallel.md, "Halo
    /// widths"): fv2's limited slopes read 2 cells beyond a face, fv1 1.
    int halo_width() const { return setup_.options.scheme == Scheme::Fv2 ? 2 : 1; }
    // --- the schemes: each advances state_ from t to t_new = t + dt. Ghost cells are filled for
    // time t and the imposed boundary mass fluxes (faces_.q_west ...) are set before the call.
    // Each scheme must: update h, hu, hv (positivity, dry cells without momentum), add rain,
    // apply friction, record the boundary face mass fluxes of the step in faces_.f_west ... (the
    // ledger books them), the per-row positivity fixes in faces_.row_fix, and leave smax_x,
    // smax_y, wet_cells (inertial: inertial_hmax) and the monitors (max_h, max_speed, arrival)
    // of state_ for the new state. Everything else they touch is their workspace.
    void sweep_fv1(double dt, double t_new);         // sweep_fv1.cpp
    // fv1 with local time stepping (sweep_fv1_lts.cpp): step() as one cycle of 2^L substeps of the
    // smallest step dt0; the chunks' own CFL steps (and smax_x, smax_y, wet_cells of the state),
    // their levels for the cycle, and substep k of it.
    double step_lts(double t_limit);
    void lts_init();
    /// The chunks' own CFL steps (lts_.now_dt) from the state, rows [j0, j1) x chunks [c0, c1).
    void lts_measure_chunks(int j0, int j1, int c0, int c1);
    void lts_refresh_chunks(const std::vector<std::pair<int, int>>& cells);
    /// The cycle's smallest step: the chunks' own steps (all measured again when `measure_all`;
    /// else as the sweep left them), bounded by the ghosts' speeds and max_dt.
    double lts_smallest_step(bool measure_all);
    void lts_assign_levels(double dt0, int L);
    void lts_refine_levels(int k, double dt0);
    /// Substep k's plan: the chunks that start a step (lts_.due) and the blocks of rows of about
    /// equal work that `nthreads` threads take in turn (lts_.split; one block for one thread).
    void lts_plan_substep(int k, int L, int nthreads);
    /// The dry tile (tiles_, kChunk cells) of level chunk c (kLtsChunk cells) of row j.
    std::size_t lts_tile(int j, int c) const {
        return static_cast<std::size_t>(j) * tiles_.nchunks + static_cast<std::size_t>(c / (kChunk / kLtsChunk));
    }
    void sweep_fv1_lts(int k, int L, double dt0, double t_cycle, bool all_active);
    void step_fv2(double dt, double t_new);          // step_fv2.cpp
    void step_inertial(double dt, double t_new);     // step_inertial.cpp
    /// Stable time step of the local inertial scheme (step_inertial.cpp); on a block, the deepest
    /// cell and `t_end` are first reduced over all blocks, as in cfl_time_step.
    double inertial_time_step(double& t_end) const;
    /// Inertial on a block: the face discharges of the halo (step_inertial.cpp), exchanged on
    /// their own (the first step) or with the cells (fill_ghosts, once the workspace is built):
    /// the grid's edge faces staged into east_q / south_q before, placed beyond the edge after.
    void fill_inertial_halo();
    void stage_inertial_edge_faces();
    void place_inertial_edge_faces();
    /// fv1 and inertial dry tiles: the chunks stepped (tiles_.active); rebuilds tiles_ from the
    /// state when not ready (sweep_fv1.cpp).
    void update_chunk_activity(bool all_active);
    /// Inertial: the face discharges of the initial state (from the cells' momentum, ghosts filled).
    void init_inertial_state();
    void init_inertial();  // the inertial workspace
    void init_fv2();       // the fv2 workspace
    /// fv2: one forward-Euler stage of the Heun step as one fused sweep over the rows (second =
    /// false: U* from U^n; true: U^{n+1} = (U^n + U* + dt L(U*)) / 2, and the monitors of the new
    /// state).
    void fv2_stage(double dt, double t_new, bool second);
    void fv2_activity(bool second);
    /// The sources' fractional steps over [t, t + dt], their volumes booked, then the wave speeds,
    /// wet cells, monitors and dry-tile flags brought up to the state they leave.
    void apply_sources(double t, double dt, double t_new);
    /// Wave speeds (with fv1's dry-bed drain bound when `drain_bound`), wet cells and the inertial
    /// depth bound of the current state, and its monitors (arrival at `t_arrival`): what the next
    /// step reads. One pass; for the initial state and after source terms.
    void measure_state(float t_arrival, bool drain_bound);
    /// measure_state's work on cells [i0, i1) of row j: monitors updated, bounds returned (speed
    /// and hm: scratch of nx values).
    struct RowMeasure {
        double smax_x, smax_y, hmax;
        std::int64_t wet;
    };
    RowMeasure measure_row(int j, int i0, int i1, float t_arrival, bool drain_bound, Real* speed, Real* hm);
    /// After sources that add water to these cells only: their bounds, monitors and chunk flags.
    void refresh_cells(const std::vector<std::pair<int, int>>& cells, float t_arrival, bool drain_bound);
    /// Wet domain cells (h >= dry_depth) among `cells`.
    std::int64_t wet_among(const std::vector<std::pair<int, int>>& cells) const;
    double next_breakpoint(double t) const;
    /// Breaches: sets the bed of their cells for time t (solver/breach.hpp); true while one is
    /// growing at t (its bed changes from step to step).
    bool open_breaches(double t);

    ModelSetup setup_;
    Grid2D grid_;
    /// add_source without its refusal on a block: the setup's own sources.
    void register_source(std::unique_ptr<SourceTerm<Real>> source);

    SubdomainLinks<Real> links_;        // empty: the serial run
    std::array<bool, 4> halo_sides_{};  // by BoundarySide: all false in the serial run
    int threads_ = 1;
    Field<Real> z_, gn2_;  // bed (m, above z_datum_) and g n^2 per cell: from the setup
    std::int64_t domain_cells_ = 0;
    double stable_dt_ = 0.0;  // s: see stable_dt()
    double z_datum_ = 0.0;  // m: subtracted from the bed in single precision (see the constructor)

    State<Real> state_;  // what a restart needs

    // Workspaces (solver/workspaces.hpp), rebuilt from state_ after restore_state().
    BoundaryFaces faces_;
    ChunkActivity tiles_;  // fv1 and inertial
    Fv1Workspace<Real> fv1_;
    InertialWorkspace<Real> inertial_;
    bool inertial_faces_in_flight_ = false;  // on a block: fill_ghosts sent the face discharges with the cells
    mutable bool flow_in_flight_ = false;     // on a block: the last step's boundary flow is not booked yet
    double flow_dt_ = 0.0;                    // its step
    Fv2Workspace<Real> fv2_;
    LtsWorkspace<Real> lts_;
    std::vector<std::unique_ptr<SourceTerm<Real>>> sources_;
    // Per source, where each of its ledger terms books: an index into state_.ledger.terms, or
    // kBookRain / kBookInflow for the built-in columns.
    static constexpr int kBookRain = -1, kBookInflow = -2;
    std::vector<std::vector<int>> source_books_;
    std::array<double, 4> phase_s_{};
    std::vector<std::pair<std::string, double>> source_timing_;  ///< per source: label, seconds
    double refresh_s_ = 0.0;
    /// On a block: per discharge boundary of the setup (in order), the whole segment's sum of
    /// weights and domain cells (SubdomainLinks::discharge_totals), as of the last fill_ghosts.
    std::vector<std::pair<double, std::int64_t>> discharge_totals_;
    std::vector<std::pair<int, int>> refresh_list_;  ///< cells the step's sources added water to
    std::vector<Real> refresh_speed_, refresh_h_;    ///< refresh_cells' row scratch
};

using Simulation = BasicSimulation<double>;
using SimulationSingle = BasicSimulation<float>;
extern template class BasicSimulation<double>;
extern template class BasicSimulation<float>;

}  // namespace floodsim
