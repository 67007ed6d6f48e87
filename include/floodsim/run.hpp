#pragma once
// floodsim C++ API: one Run per scenario run, with observers and a cancel switch.
//
//   floodsim::Run run("scenario.toml");           // throws floodsim::Error (status 2: bad input)
//   run.on_frame([](const floodsim::FrameView& f) { return f.time < 3600.0; });  // false: stop
//   floodsim::RunStatus s = run.run_to_end();      // Finished, or Stopped
//
// Threading: a Run is driven by one thread at a time (advance, run_to_end and the getters);
// cancel() may be called from any thread or a signal handler. Several Runs may run at once on
// different threads of one process. Observers are called on the thread that drives the run.
// The library installs no signal handler and changes no signal mask, working directory,
// locale, environment or OpenMP setting of the host. Reference: docs/library.md.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(_WIN32)
#define FLOODSIM_API
#else
#define FLOODSIM_API __attribute__((visibility("default")))
#endif

namespace floodsim {

/// Version of the library, e.g. "0.2.0".
FLOODSIM_API const char* version();

/// Every failure of the API. status(): 2 for bad input (scenario, inputs, arguments: the
/// message names the file, key and value), 1 for any other failure (an unwritable disk, ...).
class FLOODSIM_API Error : public std::runtime_error {
public:
    Error(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
    int status() const noexcept { return status_; }

private:
    int status_;
};

/// The model grid: nx * ny cells of dx * dy m; geotransform as GDAL's (x_west, dx, 0, y_north,
/// 0, -dy); crs_wkt may be empty for grids without a CRS.
struct GridInfo {
    int nx = 0, ny = 0;
    double dx = 0.0, dy = 0.0;
    std::array<double, 6> geotransform{};
    std::string crs_wkt;
    std::int64_t domain_cells = 0;  ///< cells inside the domain (not nodata)
};

/// One output frame. Rasters: nx * ny float32, row-major, row 0 = north, NaN outside the
/// domain; valid only during the observer call. Velocities are null unless the scenario's
/// output.variables asks for "velocity".
struct FrameView {
    double time = 0.0;  ///< s since the start
    int index = 0;      ///< 0 for t = 0
    int nx = 0, ny = 0;
    const float* depth = nullptr;       ///< m
    const float* velocity_x = nullptr;  ///< m/s, east
    const float* velocity_y = nullptr;  ///< m/s, north
};

/// One gauge sample (every gauge_interval).
struct GaugeView {
    std::string name;
    double time, depth, water_level, velocity_x, velocity_y;  ///< s, m, m, m/s, m/s
};

/// Where a run is, after every time step.
struct ProgressView {
    double time = 0.0;      ///< simulated s
    double dt = 0.0;        ///< last step, s
    double duration = 0.0;  ///< scenario duration, s
    std::int64_t steps = 0;
    std::int64_t wet_cells = 0;
};

/// A change of an asset's warning level (the scenario's `[warning]`; docs/warnings.md "Online warnings").
/// Levels: 1 red (most severe), 2 orange, 3 yellow, 4 blue; 0 none.
struct LevelView {
    std::string asset_id, asset_name;
    int level = 0;           ///< the new level (0: fell back to none)
    int previous_level = 0;  ///< the level before (0: none)
    double time = 0.0;       ///< simulated s since the start at which the run reached it
    double max_depth = 0.0;  ///< m, the deepest water on the asset's cells then
    /// The CAP alert written for it (GB/T 35965.1 identifier; Alert, Update or Cancel); both
    /// empty if none could be written (the reason goes to the on_warning observer).
    std::string cap_identifier, cap_msg_type;
};

/// Volumes of the run, m3; error = volume0 + rain + inflow - outflow + sources - sinks - volume.
struct MassBalance {
    double volume0 = 0.0, rain = 0.0, inflow = 0.0, outflow = 0.0, volume = 0.0, error = 0.0;
    /// error relative to the largest of the volumes that went in, out or stayed
    double relative_error = 0.0;
    /// named process terms (e.g. "infiltration"), cumulative; sign: + adds water, - removes
    std::vector<std::pair<std::string, double>> terms;
};

/// Figures of a run so far (complete once finished()).
struct RunSummary {
    std::string name, scheme, precision, result_path;  ///< result_path empty: no file
    int threads = 0;
    GridInfo grid;
    double time = 0.0, duration = 0.0;
    std::int64_t steps = 0;
    double wall_s = 0.0;         ///< solver wall time, s
    double output_s = 0.0;       ///< writer thread busy, s
    double output_wait_s = 0.0;  ///< solver waited for the writer, s
    /// A run over MPI ranks whose ranks wrote the result together, each its block (parallel HDF5,
    /// docs/parallel.md): output_s is then the slowest rank's time writing, on the solver's
    /// thread (inside wall_s), and output_wait_s 0.
    bool output_collective = false;
    double complete_s = 0.0;     ///< from the start until the result file was complete, s
    std::int64_t frames = 0;
    double max_depth = 0.0;        ///< m, over the domain and the run
    double flooded_area_m2 = 0.0;  ///< cells whose max depth > 0.01 m
    MassBalance mass;
    /// Pump stations ([[pump]]): volume moved (m3) and time at capacity (s) over the run.
    struct Pump {
        std::string name;
        double volume = 0.0, running_time = 0.0;
    };
    std::vector<Pump> pumps;
    /// Online warnings ([warning]); all zero and empty without it.
    struct Warnings {
        bool enabled = false;
        std::int64_t assets = 0;     ///< assets watched
        std::int64_t changes = 0;    ///< level changes (on_level calls)
        std::int64_t issued = 0;     ///< CAP alerts written
        std::int64_t delivered = 0;  ///< accepted by the webhook (alerts an earlier run left included)
        std::int64_t in_spool = 0;   ///< waiting in the spool (once finished: left for `floodsim deliver`)
        std::string spool;           ///< the spool folder
        std::string webhook;         ///< empty: none (alerts stay in the spool)
        std::string last_error;      ///< the last failure to spool or deliver, empty if none
        double driving_s = 0.0;      ///< s the driving thread spent on them (cells, levels, CAP XML)
    };
    Warnings warnings;
    /// Checkpoints ([checkpoint]): written by this process, their wall time (s, the journal's
    /// sync included), the file; resumed_at: the simulated time (s) this process resumed from,
    /// negative when it started at t = 0.
    std::int64_t checkpoints = 0;
    double checkpoint_s = 0.0;
    std::string checkpoint_path;
    double resumed_at = -1.0;
    /// A run over MPI ranks (Distribution::MpiWorld): the ranks, the blocks' layout (columns x
    /// strips), and the largest time a rank spent in the halo exchanges and in the global
    /// reductions (time step, ledger, volume: waiting for the slowest rank included), s.
    /// ranks = 1 and the rest zero for a serial run.
    int ranks = 1;
    int layout_x = 1, layout_y = 1;
    double halo_s = 0.0, reduction_s = 0.0;
    /// Local time stepping ([solver] local_time_stepping, docs/local-time-stepping.md): its
    /// levels, cycles (one step of the coarsest level each) and the cells it updated; all zero
    /// without it. `steps` then counts the smallest steps: steps x domain cells / lts_cell_updates
    /// is how many times fewer cell updates it made than the smallest step everywhere would.
    int lts_levels = 0;
    std::int64_t lts_cycles = 0, lts_cell_updates = 0;
};

/// How a run's grid is spread over processes (docs/parallel.md).
enum class Distribution {
    Serial,    ///< this process steps the whole grid
    /// The grid is decomposed into one block per rank of MPI_COMM_WORLD (MPI initialised by the
    /// caller; with one rank: Serial). Every rank constructs the Run and makes the same calls in
    /// the same order (they are collective); rank 0 writes the result file and calls the
    /// observers, the others' observers are never called. The result is bitwise the serial
    /// run's for any rank count. An Error on one rank leaves the others waiting: abort the world
    /// (MPI_Abort) on any Error after the constructor. Every scheme, process and terrain feature,
    /// rain grids, [warning] and [checkpoint]. From C: floodsim_open_mpi.
    MpiWorld,
};

enum class RunStatus {
    Reached,   ///< advance() reached its time, before the end of the scenario
    Finished,  ///< the end of the scenario: the result file is complete
    Stopped,   ///< an observer returned false, or cancel() was called; a later call continues
};

class FLOODSIM_API Run {
public:
    /// Loads and validates the scenario and every input it names, builds the model. Throws
    /// Error (status 2 for bad input, naming file, key and value).
    explicit Run(const std::string& scenario_path);
    /// The same, with its grid spread over processes as `distribution` says.
    Run(const std::string& scenario_path, Distribution distribution);
    ~Run();
    Run(Run&&) noexcept;
    Run& operator=(Run&&) noexcept;
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    // --- before the run starts (else Error status 1) -----------------------------------
    /// Worker threads (0 = all cores); overrides solver.threads.
    void set_threads(int threads);
    /// Result file (overrides output.file); an empty path: no file.
    void set_output(const std::string& result_path);
    /// Continues from a checkpoint of this scenario ([checkpoint]; docs/checkpoints.md): the
    /// state, the place in the output series, and the result file rebuilt from its journal, so
    /// that the result ends bitwise as the uninterrupted run's. Without set_output, the result
    /// file is the one the checkpoint continues. Throws Error (status 2: not a checkpoint, of
    /// another scenario or grid, damaged).
    void resume(const std::string& checkpoint_path);

    // --- observers (any time; an empty function removes one) ---------------------------
    /// Every output frame, t = 0 included; return false to stop the run.
    void on_frame(std::function<bool(const FrameView&)> fn);
    /// Every gauge sample.
    void on_gauge(std::function<void(const GaugeView&)> fn);
    /// After every time step.
    void on_progress(std::function<void(const ProgressView&)> fn);
    /// Warnings about the run (one line each, e.g. the inertial scheme leaving its range).
    void on_warning(std::function<void(const std::string&)> fn);
    /// Every change of an asset's warning level, as it happens (evaluated at every gauge sample
    /// and every frame), after its CAP alert was written and queued for the spool. Only for a
    /// scenario with `[warning]`: without it, never called.
    void on_level(std::function<void(const LevelView&)> fn);

    /// Stops a running advance()/run_to_end() after its current step (it returns Stopped).
    /// Safe from any thread and from a signal handler.
    void cancel() noexcept;

    /// Starts the run: creates the result file (under its temporary name) and starts the clock.
    /// advance() and run_to_end() do it when needed; calling it first finds an unwritable
    /// output before anything else (Error status 2). Idempotent.
    void start();
    /// Runs to simulated time until_s (clipped to the duration), exactly. Throws Error.
    RunStatus advance(double until_s);
    /// Runs to the end of the scenario and completes the result file. Throws Error.
    RunStatus run_to_end();

    double time() const;
    double duration() const;
    bool finished() const;
    const GridInfo& grid() const;
    /// Current depth (m) into out[nx * ny], row 0 = north, NaN outside the domain.
    void copy_depth(float* out, std::size_t count) const;
    /// Writes everything a bitwise restart needs to a state file (atomically). Throws Error.
    void save_state(const std::string& path) const;
    /// Writes a checkpoint of where the run stands now to [checkpoint] file (as the interval's
    /// do), e.g. when a scheduler asks the run to stop: `resume` continues from it. Error status
    /// 2 without [checkpoint].
    void checkpoint();
    RunSummary summary() const;

    class Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace floodsim
