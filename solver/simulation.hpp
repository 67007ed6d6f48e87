#pragma once
// Simulation: owns the state of one run on a Grid2D and advances it in time.
//
// step() reads as the algorithm:
//   fill ghost cells (boundaries) -> time step (CFL, clipped to events) -> fused sweep
//   (face fluxes, cell update, rain, friction, wet/dry, monitors, next wave speed) -> ledger.
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mesh/field.hpp"
#include "mesh/grid2d.hpp"
#include "solver/mass_ledger.hpp"
#include "solver/model.hpp"

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

    const Grid2D& grid() const { return grid_; }
    /// The setup, less its per-cell vectors (z, manning, h0, u0, v0: released after the
    /// initial state is built; read the fields instead).
    const ModelSetup& setup() const { return setup_; }
    double time() const { return t_; }
    std::int64_t steps() const { return steps_; }
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

    // --- state -------------------------------------------------------------------------
    const Field<Real>& h() const { return h_; }
    const Field<Real>& hu() const { return hu_; }
    const Field<Real>& hv() const { return hv_; }
    /// Bed elevation as stepped: z() + z_datum() is the elevation of the input (the datum is 0 in
    /// double precision, the lowest domain cell in single precision).
    const Field<Real>& z() const { return z_; }
    double z_datum() const { return z_datum_; }
    bool inside(int i, int j) const { return z_(i, j) < 0.5 * kWallElevation; }

    /// Water in the domain, m3 (deterministic sum, independent of the thread count).
    double volume() const;
    const MassLedger& ledger() const { return ledger_; }
    /// Number of cells with depth >= dry_depth after the last step.
    std::int64_t wet_cells() const { return wet_cells_; }
    /// Number of cells inside the domain.
    std::int64_t domain_cells() const { return domain_cells_; }
    /// Fraction (0..1) of the wetted cells (depth > 0.01 m) where the flow is supercritical
    /// (Froude number |U| / sqrt(g h) > 1) in the current state; 0 when none is wet. The local
    /// inertial scheme is not valid there (docs/schemes-inertial.md).
    double supercritical_fraction() const;

    // --- output helpers: nx*ny float32 row-major, row 0 = north, NaN outside ------------
    void copy_depth(float* out) const;
    void copy_velocity(float* vx, float* vy) const;
    void copy_max_depth(float* out) const;
    void copy_max_speed(float* out) const;
    void copy_arrival_time(float* out) const;  ///< NaN where never reached
    GaugeReading gauge(std::size_t k) const;

    /// Bytes held by the solver's per-cell state (every field of every scheme in use).
    std::size_t state_bytes() const;

    /// Wall-clock seconds spent per phase (boundaries, timestep, sweep).
    double phase_seconds(const std::string& name) const;

private:
    void fill_ghosts(double t);
    void set_discharge_fluxes(double t, double dt);
    void set_discharge_ghosts(const BoundarySpec& b, double Q);
    void discharge_shares(const BoundarySpec& b, std::vector<double>& share) const;
    std::pair<int, int> boundary_cell(BoundarySide side, int s) const;
    std::pair<int, int> ghost_cell(BoundarySide side, int ii, int jj, int k) const;
    double cfl_time_step() const;
    // --- the schemes: each advances the state from t_ to t_new = t_ + dt. Ghost cells are filled
    // for time t_ and the imposed boundary mass fluxes (q_west_ ...) are set before the call.
    // Each scheme must: update h_, hu_, hv_ (positivity, dry cells without momentum), add rain,
    // apply friction, record the boundary face mass fluxes of the step in f_west_ ... (the
    // ledger books them), the per-row positivity fixes in row_fix_, and leave smax_x_, smax_y_,
    // wet_cells_ and the monitors (max_h_, max_speed_, arrival_) for the new state.
    void sweep_fv1(double dt, double t_new);         // sweep_fv1.cpp
    void step_fv2(double dt, double t_new);          // step_fv2.cpp
    void step_inertial(double dt, double t_new);     // step_inertial.cpp
    /// Stable time step of the local inertial scheme (step_inertial.cpp).
    double inertial_time_step() const;
    double next_breakpoint(double t) const;

    ModelSetup setup_;
    Grid2D grid_;
    int threads_ = 1;
    double t_ = 0.0;
    std::int64_t steps_ = 0;

    Field<Real> h_, hu_, hv_, z_, gn2_;
    Field<float> max_h_, max_speed_, arrival_;

    // Imposed boundary mass flux per face (m2/s, in the face-normal sign convention of the
    // sweep: +x for west/east faces, +north for north/south faces); NaN = not imposed.
    std::vector<double> q_west_, q_east_, q_north_, q_south_;
    // Mass flux through each boundary face in the last step (same conventions).
    std::vector<double> f_west_, f_east_, f_north_, f_south_;

    // Sweep scratch: per thread, two y-face rows and one x-face row (3 components each), plus
    // the first y face of each block (computed before the in-place sweep starts).
    std::vector<std::vector<Real>> scratch_;
    std::vector<std::vector<Real>> block_face_;
    // Dry-tile skipping (fv1 and inertial): rows are cut into chunks of kChunk cells; a chunk is
    // stepped only if it holds water (inertial: or a non-zero discharge on one of its own faces,
    // chunk_busy_), or water can cross one of its faces in the step: the cell across its west or
    // east end, the same columns of the row above or below, a ghost cell or an imposed inflow
    // next to it (update_chunk_activity, sweep_fv1.cpp).
    static constexpr int kChunk = 64;
    int nchunks_ = 0;
    bool chunks_ready_ = false;
    // chunk_wet_: kWaterAny if a cell of the chunk holds water, kWaterFirst / kWaterLast if its
    // first / last cell does (so the neighbours' activity needs no look at h)
    static constexpr std::uint8_t kWaterAny = 1, kWaterFirst = 2, kWaterLast = 4;
    std::vector<std::uint8_t> chunk_wet_, chunk_active_, chunk_domain_;
    std::vector<std::uint8_t> chunk_busy_;  // inertial only: water or a non-zero own face discharge
    void update_chunk_activity(bool all_active);
    std::vector<double> share_scratch_;
    std::vector<double> row_fix_;  // per-row positivity fixes (m of depth summed), deterministic

    // inertial state (step_inertial.cpp), allocated on the first inertial step. Unit-width
    // discharges on faces (m2/s): qx_(i, j) on the x face west of cell (i, j), +x (i = 0..nx);
    // qy_(i, j) on the y face north of cell (i, j), +north (j = 0..ny).
    void init_inertial();
    Field<Real> qx_, qy_;
    Field<Real> qx_flux_, qy_flux_;  // the step's fluxes before the outflow limiter (scratch)
    Field<Real> donor_r_;            // per cell: outflow scale factor (0, 1] of the step; 1 in ghosts
    Field<Real> sqrtg_n_;            // per cell: sqrt(g) n, ghosts copy their interior neighbour
    std::vector<unsigned char> free_face_;  // boundary faces W (ny), E (ny), N (nx), S (nx): 1 = free
    // per thread: three rows (aligned like a field row): the face row below its block, the new
    // speeds and the negative depths of the row being updated
    std::vector<std::vector<Real, AlignedAllocator<Real>>> inertial_scratch_;
    double inertial_hmax_ = 0.0;       // max depth of the current state (interior), m
    bool inertial_ready_ = false;

    // fv2 state (step_fv2.cpp), allocated on the first fv2 step. fv2_stage: one forward-Euler
    // stage of the Heun step as one fused sweep over the rows (second = false: U* from U^n;
    // true: U^{n+1} = (U^n + U* + dt L(U*)) / 2, and the monitors of the new state).
    void init_fv2();
    void fv2_stage(double dt, double t_new, bool second);
    Field<Real> fv2_h0_, fv2_hu0_, fv2_hv0_;  // U^n during a step (swapped with h_ ...), U* after it
    // per thread: the sweep's row buffers (velocities, face values, faces, donor factors of a few rows)
    std::vector<std::vector<Real, AlignedAllocator<Real>>> fv2_rows_;
    std::vector<std::vector<double, AlignedAllocator<double>>> fv2_monitor_rows_;  // per thread: monitors' scratch
    bool fv2_ready_ = false;
    // fv2 dry tiles (step_fv2.cpp): chunks of kChunk cells as fv1, with the stencil of two MUSCL
    // stages: a chunk is swept in the step if water (or a wet ghost cell, an imposed inflow) lies
    // within one chunk in x and 6 rows in y of it.
    void fv2_activity(bool second);
    bool fv2_chunks_ready_ = false;
    std::vector<std::uint8_t> fv2_wet_;     // chunks with water in the current state
    std::vector<std::uint8_t> fv2_stale_;   // chunks where U* may differ from U^n (swept since U* was copied)
    std::vector<std::uint8_t> fv2_active_;  // chunks swept in the current stage
    std::vector<std::uint8_t> fv2_seed_, fv2_levels_;  // scratch; the stencil levels (StageData)

    double smax_x_ = 0.0, smax_y_ = 0.0;  // max |u|+c, |v|+c of the current state (interior)
    std::int64_t wet_cells_ = 0, domain_cells_ = 0;
    MassLedger ledger_;
    std::array<double, 3> phase_s_{};
    double z_datum_ = 0.0;  // m: subtracted from the bed in single precision (see the constructor)
};

using Simulation = BasicSimulation<double>;
using SimulationSingle = BasicSimulation<float>;
extern template class BasicSimulation<double>;
extern template class BasicSimulation<float>;

}  // namespace floodsim
