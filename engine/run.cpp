// floodsim::Run: one run of one scenario as a library object (include/floodsim/run.hpp).
//
// The run loop: events (output frames and gauge samples) at fixed simulated times; the solver
// steps exactly onto each event; at a frame the depth raster goes to the result writer (its own
// thread) and to the frame observer; after every step the progress observer and the cancel
// switch are consulted. The CLI is a thin shell over this class (cli/commands.cpp).
#include "floodsim/run.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <variant>

#include "engine/block_result_writer.hpp"
#include "engine/model_builder.hpp"
#include "engine/online_warnings.hpp"
#include "engine/run_comm.hpp"
#include "io/async_result_writer.hpp"
#include "io/hdf5_result_writer.hpp"
#include "io/result_journal.hpp"
#include "io/state_file.hpp"
#include "mesh/input_error.hpp"
#include "scenarios/duration.hpp"
#include "solver/simulation.hpp"
#include "solver/velocity.hpp"

#if FLOODSIM_HAVE_MPI
#include "parallel/distributed_simulation.hpp"
#endif

#ifndef FLOODSIM_VERSION
#define FLOODSIM_VERSION "0.0.0"
#endif

namespace floodsim {

const char* version() { return FLOODSIM_VERSION; }

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

/// The events of a run: a series of fixed simulated times (0, k * interval, ..., and the
/// duration itself) and which of them is next.
class EventTimes {
public:
    EventTimes(double interval, double duration) {
        for (long k = 0;; ++k) {
            const double tk = static_cast<double>(k) * interval;
            if (tk >= duration * (1.0 - 1e-12)) break;
            t_.push_back(tk);
        }
        t_.push_back(duration);
    }
    /// Whether the next event falls at t (exactly: the solver steps onto it); then it is taken.
    bool take(double t) {
        if (next_ >= t_.size() || t != t_[next_]) return false;
        ++next_;
        return true;
    }
    bool done() const { return next_ >= t_.size(); }
    /// The next event's time (`otherwise` when all are taken).
    double next(double otherwise) const { return done() ? otherwise : t_[next_]; }
    std::size_t taken() const { return next_; }
    std::size_t size() const { return t_.size(); }
    /// Resuming: the first n events were taken before. False if there are not that many.
    bool skip(std::int64_t n) {
        if (n < 0 || static_cast<std::size_t>(n) > t_.size()) return false;
        next_ = static_cast<std::size_t>(n);
        return true;
    }

private:
    std::vector<double> t_;
    std::size_t next_ = 0;
};

/// Wall time summed over the stretches between start() and stop().
class StopWatch {
public:
    void start() {
        if (!running_) t0_ = Clock::now();
        running_ = true;
    }
    void stop() {
        if (running_) total_ += seconds_since(t0_);
        running_ = false;
    }
    double seconds() const { return total_ + (running_ ? seconds_since(t0_) : 0.0); }

private:
    double total_ = 0.0;
    Clock::time_point t0_;
    bool running_ = false;
};



/// Whether a simulation is one block of a run over MPI ranks (parallel::DistributedSimulation):
/// the whole grid's state is not in one process (gathered for checkpoints and state files; no
/// online warnings yet).
template <class Sim>
constexpr bool kBlocks = false;
#if FLOODSIM_HAVE_MPI
template <class Real>
constexpr bool kBlocks<parallel::DistributedSimulation<Real>> = true;
#endif

/// The sources' values that are not per cell (the pumps' states): the same on every block.
template <class Sim>
const std::vector<NamedValues>& source_values(const Sim& sim) {
    if constexpr (kBlocks<Sim>)
        return sim.block().state().values;
    else
        return sim.state().values;
}

/// The named values of a source (State::extra_values on source_values).
inline const std::vector<double>& values_named(const std::vector<NamedValues>& values, const char* name) {
    for (const NamedValues& v : values)
        if (v.name == name) return v.values;
    throw std::logic_error(std::string("run: no source values named ") + name);
}

/// Fraction of the wetted area with Froude > 1 above which an inertial run warns (once).
constexpr double kSupercriticalWarnFraction = 0.01;

/// Any exception of the layers below as the API's Error: bad input is status 2.
[[noreturn]] void rethrow_as_error() {
    try {
        throw;
    } catch (const Error&) {
        throw;
    } catch (const InputError& e) {
        throw Error(2, e.what());
    } catch (const std::invalid_argument& e) {
        throw Error(2, e.what());
    } catch (const std::exception& e) {
        throw Error(1, e.what());
    } catch (...) {
        throw Error(1, "unknown failure");
    }
}

}  // namespace

class Run::Impl {
public:
    template <class F>
    auto visit(F&& f) {
        return std::visit([&](auto& p) { return f(*p); }, sim_);
    }
    template <class F>
    auto visit(F&& f) const {
        return std::visit([&](const auto& p) { return f(std::as_const(*p)); }, sim_);
    }

    Impl(const std::string& scenario_path, Distribution d)
        : Impl(load_model(scenario_path), d == Distribution::MpiWorld ? RunComm::world() : RunComm()) {}
    Impl(LoadedModel m, RunComm comm)
        : sc_(std::move(m.scenario)),
          comm_(comm),
          frames_(sc_.output_interval_s, sc_.duration_s),
          samples_(sc_.gauge_interval_s, sc_.duration_s) {
        output_ = sc_.output_file;
        for (const GaugeSpec& g : m.setup.gauges) gauge_names_.push_back(g.name);
        for (const PumpSpec& p : m.setup.pumps) {
            pump_names_.push_back(p.name);
            pump_capacity_.push_back(p.capacity);
        }
        pump_last_ = std::vector<double>(pump_names_.size(), 0.0);
        // The bed for the result's /bed_elevation, taken before the simulation releases the setup:
        // the input elevations after the terrain features (a breach's cells at the wall's crest:
        // closed), the same float32 values in both precisions.
        bed_.assign(m.setup.z.begin(), m.setup.z.end());
        if (comm_.distributed())
            make_blocks(m.setup);
        else if (m.setup.options.precision == Precision::Single)
            sim_ = std::make_unique<SimulationSingle>(std::move(m.setup));
        else
            sim_ = std::make_unique<Simulation>(std::move(m.setup));
        visit([&](auto& sim) {
            const Grid2D& g = sim.grid();
            // A wave faster than solver.max_speed (default 200 m/s: water 4 km deep) is no flood.
            min_dt_ = sc_.min_dt.value_or(sc_.cfl * std::min(g.dx, g.dy) / sc_.max_speed);
            grid_.nx = g.nx;
            grid_.ny = g.ny;
            grid_.dx = g.dx;
            grid_.dy = g.dy;
            grid_.geotransform = g.geotransform;
            grid_.crs_wkt = g.crs_wkt;
            grid_.domain_cells = sim.domain_cells();
            if (sc_.warning) {  // its assets and levels are checked now, like every other input
                std::vector<bool> inside(g.cells());
                for (int j = 0; j < g.ny; ++j)
                    for (int i = 0; i < g.nx; ++i) inside[static_cast<std::size_t>(j) * g.nx + i] = sim.inside(i, j);
                warnings_ = std::make_unique<OnlineWarnings>(sc_, g, inside);
            }
        });
    }

    /// This process's block of the grid, decomposed over the MPI ranks (docs/parallel.md).
    void make_blocks([[maybe_unused]] const ModelSetup& setup) {  // unused without MPI
        summary_.ranks = comm_.size();
#if FLOODSIM_HAVE_MPI
        try {
            if (setup.options.precision == Precision::Single)
                sim_ = std::make_unique<parallel::DistributedSimulation<float>>(setup, MPI_COMM_WORLD);
            else
                sim_ = std::make_unique<parallel::DistributedSimulation<double>>(setup, MPI_COMM_WORLD);
        } catch (const std::invalid_argument& e) {
            throw InputError(sc_.path, "", "",
                             std::string("cannot be decomposed over ") + std::to_string(comm_.size()) +
                                 " MPI ranks yet (docs/parallel.md; run it on one rank): " + e.what());
        }
#else
        throw std::logic_error("make_blocks: built without MPI");  // (RunComm::world() refused already)
#endif
    }

    void require_not_started(const char* what) const {
        if (started_) throw Error(1, std::string(what) + " must be called before the run starts");
    }

    void set_threads(int threads) {
        require_not_started("set_threads");
        if (threads < 0) throw Error(2, "threads: value '" + std::to_string(threads) + "': must be >= 0");
        const int n = threads > 0 ? threads : default_threads();
        visit([n](auto& sim) { sim.set_threads(n); });
    }

    void set_output(const std::string& path) {
        require_not_started("set_output");
        output_ = path.empty() ? std::string() : std::filesystem::absolute(path).lexically_normal().string();
        output_given_ = true;
    }

    void resume(const std::string& path) {
        require_not_started("resume");
        guarded([&] {
            visit([&](auto& sim) { resume(sim, path); });
            return 0;
        });
    }

    void checkpoint() {
        if (!started_) throw Error(1, "checkpoint: the run has not started");
        if (!sc_.checkpoint)
            throw Error(2, sc_.path + ": checkpoint: the scenario has no [checkpoint] table (its file)");
        guarded([&] {
            visit([&](auto& sim) { write_checkpoint(sim); });
            return 0;
        });
    }

    RunStatus advance(double until) {
        if (std::isnan(until)) throw Error(2, "advance: value 'nan': the time must be a number");
        return guarded([&] { return visit([&](auto& sim) { return advance_impl(sim, until); }); });
    }

    void start() {
        guarded([&] {
            visit([&](auto& sim) {
                if (!started_) start(sim);
            });
            return 0;
        });
    }

    /// Runs f; a failure is final: the partial result file goes, later calls say why.
    template <class F>
    std::invoke_result_t<F> guarded(F&& f) {
        if (failed_) throw Error(1, "the run failed earlier: " + failure_);
        try {
            return f();
        } catch (...) {
            failed_ = true;
            writer_.reset();  // removes the partial file
            block_writer_.reset();
            try {
                rethrow_as_error();
            } catch (const Error& e) {
                failure_ = e.what();
                throw;
            }
        }
    }

    // --- state, for the getters ------------------------------------------------------------
    Scenario sc_;
    RunComm comm_;  ///< the ranks of a run over MPI; serial: one
    std::variant<std::unique_ptr<Simulation>, std::unique_ptr<SimulationSingle>
#if FLOODSIM_HAVE_MPI
                 ,
                 std::unique_ptr<parallel::DistributedSimulation<double>>,
                 std::unique_ptr<parallel::DistributedSimulation<float>>
#endif
                 >
        sim_;
    GridInfo grid_;
    std::string output_;  ///< absolute; empty: no file
    bool output_given_ = false;  ///< set_output was called (resume keeps it)
    std::optional<RunPosition> resumed_;  ///< resuming: where the checkpoint left the run
    std::string resumed_from_;            ///< resuming: the checkpoint, for messages
    std::string resume_journal_;          ///< resuming: the journal to replay and continue
    double next_checkpoint_ = std::numeric_limits<double>::infinity();  ///< s: the next interval's checkpoint
    std::vector<std::string> gauge_names_;
    std::vector<std::string> pump_names_;
    std::vector<double> pump_capacity_;
    std::vector<double> pump_last_;  ///< each pump's volume at the previous sample, m3
    double pump_last_t_ = 0.0;       ///< time of the previous sample, s
    EventTimes frames_, samples_;  // output frames and gauge samples (declared after sc_: built from it)
    bool started_ = false, finished_ = false, failed_ = false;
    std::string failure_;
    std::atomic<bool> cancel_{false};
    static_assert(std::atomic<bool>::is_always_lock_free, "cancel() must be async-signal-safe");

    std::function<bool(const FrameView&)> on_frame_;
    std::function<void(const GaugeView&)> on_gauge_;
    std::function<void(const ProgressView&)> on_progress_;
    std::function<void(const std::string&)> on_warning_;
    std::function<void(const LevelView&)> on_level_;

    std::unique_ptr<AsyncResultWriter> writer_;      // serial, or rank 0 of a run over MPI
    std::unique_ptr<BlockResultWriter> block_writer_;  // every rank of a run over MPI, collectively
    double block_writer_s_ = 0.0;                     // s: this rank's time in block_writer_
    std::vector<float> depth_, vx_, vy_;  // frame buffers for the frame observer
    std::vector<float> bed_;              // m, nx*ny: the result's /bed_elevation, released at the start
    Clock::time_point start_;
    StopWatch watch_;                  ///< the solver's wall time: inside advance(), until the run finished
    double frames_written_at_ = -1.0;  ///< s: time of the last frame written
    double min_dt_ = 0.0;              ///< s: a stable time step below it stops the run (solver.min_dt)
    bool warned_supercritical_ = false;
    RunSummary summary_;
    std::unique_ptr<OnlineWarnings> warnings_;  ///< [warning]; null without
    std::vector<double> warn_depth_, warn_vx_, warn_vy_;  ///< the assets' cells, for warnings_
    double warnings_s_ = 0.0;  ///< s: the driving thread's time in evaluate_warnings

private:
    template <class Sim>
    void start(Sim& sim) {
        started_ = true;
        start_ = Clock::now();
        if (sc_.checkpoint) {
            summary_.checkpoint_path = sc_.checkpoint->file;
            set_next_checkpoint(sim.time());
        }
        std::vector<float> bed = std::move(bed_);
        bed_ = {};
        if (!output_.empty()) {
            if (writes_blocks())
                open_block_result(sim, bed);
            else if (comm_.root())
                open_result(sim, std::move(bed));
        }
        // The spool after the result: a spool that cannot be made stops the run, and guarded()
        // then removes the partial result (an unwritable result leaves no spool folder behind).
        if (warnings_ && comm_.root()) {  // (over MPI: rank 0 issues the alerts)
            warnings_->start(output_);
            // A resumed run continues the alert chains of the run it continues.
            if (resumed_ && !resumed_->online_warnings.empty())
                warnings_->restore(resumed_->online_warnings, resumed_from_);
        }
    }

    /// A run over MPI ranks writes its result collectively, each rank its block, when the host
    /// provides the writer (engine/block_result_writer.hpp) and no checkpoint needs the result
    /// journal (which holds whole frames); otherwise rank 0 writes gathered fields.
    bool writes_blocks() const {
        return comm_.distributed() && block_result_writer_factory() && !sc_.checkpoint && !resumed_;
    }

    template <class Sim>
    void open_block_result(const Sim& sim, const std::vector<float>& bed) {
        if constexpr (kBlocks<Sim>) {
            const Grid2D& b = sim.block().grid();
            const RasterPart part{b.i0, b.j0, b.nx, b.ny};
            std::vector<float> block_bed;
            if (!bed.empty())
                for (int j = b.j0; j < b.j0 + b.ny; ++j) {
                    const auto row = bed.begin() + static_cast<std::ptrdiff_t>(j) * grid_.nx + b.i0;
                    block_bed.insert(block_bed.end(), row, row + b.nx);
                }
            try {
                block_writer_ = block_result_writer_factory()(output_, result_metadata(sim, std::move(block_bed)), part);
            } catch (const std::exception& e) {
                throw InputError(sc_.path, "output.file", output_, std::string("cannot write the result: ") + e.what());
            }
        }
    }

    /// The frame of `source` (a simulation, or a block of one) into depth_, and vx_, vy_ when
    /// velocities are written: n cells (over MPI, a gathered frame has them on rank 0 only).
    template <class Source>
    void copy_frame(const Source& source, std::size_t n) {
        depth_.resize(n);
        source.copy_depth(depth_.data());
        if (sc_.write_velocity) {
            vx_.resize(n);
            vy_.resize(n);
            source.copy_velocity(vx_.data(), vy_.data());
        }
    }
    const float* frame_vx() const { return sc_.write_velocity ? vx_.data() : nullptr; }
    const float* frame_vy() const { return sc_.write_velocity ? vy_.data() : nullptr; }

    /// This rank's block of the current frame to the collective writer.
    template <class Sim>
    void write_block_frame(const Sim& sim) {
        if constexpr (kBlocks<Sim>) {
            const Grid2D& b = sim.block().grid();
            copy_frame(sim.block(), static_cast<std::size_t>(b.nx) * b.ny);
            on_block_writer([&](BlockResultWriter& w) { w.write_frame(sim.time(), depth_.data(), frame_vx(), frame_vy()); });
        }
    }

    /// The current frame gathered on rank 0 (every rank of a run over MPI takes part) and written
    /// there; left in depth_, vx_, vy_ for the frame observer.
    template <class Sim>
    void write_gathered_frame(const Sim& sim) {
        copy_frame(sim, comm_.root() ? static_cast<std::size_t>(grid_.nx) * grid_.ny : 0);
        if (writer_) writer_->write_frame(sim.time(), depth_.data(), frame_vx(), frame_vy());
    }

    /// Calls f on the result's writer: rank 0's (AsyncResultWriter) or every rank's
    /// (BlockResultWriter); their calls for series and flushes are alike.
    template <class F>
    void to_writers(F&& f) {
        if (writer_) f(*writer_);
        if (block_writer_) on_block_writer(f);
    }

    /// Calls f on every rank's writer, timed (it writes on the solver's thread).
    template <class F>
    void on_block_writer(F&& f) {
        const auto t0 = Clock::now();
        f(*block_writer_);
        block_writer_s_ += seconds_since(t0);
    }

    template <class Sim>
    ResultMetadata result_metadata(const Sim& sim, std::vector<float> bed) const {
        ResultMetadata meta;
        const Grid2D& g = sim.grid();
        meta.nx = g.nx;
        meta.ny = g.ny;
        meta.crs_wkt = g.crs_wkt;
        meta.geotransform = g.geotransform;
        meta.scenario_text = sc_.text;
        meta.floodsim_version = FLOODSIM_VERSION;
        meta.scheme = scheme_name(sim.setup().options.scheme);
        meta.precision = precision_name(sim.setup().options.precision);
        meta.threads = sim.threads();
        meta.write_velocity = sc_.write_velocity;
        meta.gauge_names = gauge_names_;
        meta.pump_names = pump_names_;
        for (const LedgerTerm& t : sim.ledger().terms) meta.extra_mass_columns.push_back(t.name);
        meta.bed_elevation = std::move(bed);
        return meta;
    }

    template <class Sim>
    void open_result(const Sim& sim, std::vector<float> bed) {
        const ResultMetadata meta = result_metadata(sim, std::move(bed));
        AsyncWriterOptions options;
        if (sc_.checkpoint)
            options.journal_path = resume_journal_.empty() ? ResultJournal::path_for(output_) : resume_journal_;
        if (resumed_) options.resume_journal_bytes = resumed_->journal_bytes;
        try {
            writer_ = std::make_unique<AsyncResultWriter>(output_, meta, options);
            // A checkpoint that this run resumed from refers to the journal: kept if it stops.
            if (resumed_) writer_->keep_journal();
        } catch (const InputError&) {
            throw;  // the journal a resumed run replays: it names itself
        } catch (const std::exception& e) {
            throw InputError(sc_.path, "output.file", output_, std::string("cannot write the result: ") + e.what());
        }
    }

    template <class Sim>
    void write_samples(const Sim& sim) {
        // (Every rank of a run over MPI makes the same collective calls: volume, fastest cell,
        // gauges; only rank 0 writes.)
        const double volume = sim.volume();
        if (!std::isfinite(volume)) stop_loudly(sim);
        if (const auto fast = sim.fastest_cell(); fast.speed > sc_.max_speed) stop_loudly(sim, fast);
        for (std::size_t k = 0; k < gauge_names_.size(); ++k) {
            const GaugeReading r = sim.gauge(k);
            to_writers([&](auto& w) { w.write_gauge(k, {sim.time(), r.depth, r.water_level, r.velocity_x, r.velocity_y}); });
            if (on_gauge_ && comm_.root())
                on_gauge_(GaugeView{gauge_names_[k], sim.time(), r.depth, r.water_level, r.velocity_x, r.velocity_y});
        }
        write_pump_samples(sim);
        if (writer_ || block_writer_) {
            const MassLedger& l = sim.ledger();
            std::vector<double> terms;
            for (const LedgerTerm& t : l.terms) terms.push_back(t.volume);
            const MassBalanceRow row{sim.time(), volume, l.rain, l.inflow, l.outflow, l.error(volume), std::move(terms)};
            to_writers([&](auto& w) { w.write_mass_balance(row); });
        }
    }

    template <class Sim>
    void write_pump_samples(const Sim& sim) {
        if (!pump_names_.empty()) {
            const std::vector<NamedValues>& values = source_values(sim);
            const std::vector<double>& running = values_named(values, "pump_running");
            const std::vector<double>& volume = values_named(values, "pump_volume");
            const std::vector<double>& time = values_named(values, "pump_running_time");
            const double span = sim.time() - pump_last_t_;
            for (std::size_t k = 0; k < pump_names_.size(); ++k) {
                const double q = span > 0.0 ? (volume[k] - pump_last_[k]) / span : 0.0;
                to_writers([&](auto& w) { w.write_pump(k, {sim.time(), q, running[k] != 0.0, volume[k], time[k]}); });
                pump_last_[k] = volume[k];
            }
            pump_last_t_ = sim.time();
        }
    }

    /// Writes the frame of the current state and shows it to the observer; false: stop.
    template <class Sim>
    bool emit_frame(const Sim& sim) {
        const int index = static_cast<int>(frames_.taken()) - 1;
        bool go_on = true;
        if (block_writer_) write_block_frame(sim);
        if (on_frame_ || (comm_.distributed() && !block_writer_)) {
            // Over MPI the frame is gathered on rank 0, which writes it (unless every rank wrote
            // its block) and shows it to its observer; the observer's decision holds for every rank.
            write_gathered_frame(sim);
            if (on_frame_ && comm_.root())
                go_on = on_frame_(FrameView{sim.time(), index, grid_.nx, grid_.ny, depth_.data(), frame_vx(), frame_vy()});
            go_on = comm_.from_root(go_on);
        } else if (writer_) {
            // No observer: the frame is copied straight into the writer's buffer.
            writer_->write_frame(sim.time(), [&](float* depth, float* vx, float* vy) {
                sim.copy_depth(depth);
                if (vx) sim.copy_velocity(vx, vy);
            });
        }
        to_writers([](auto& w) { w.flush(); });
        frames_written_at_ = sim.time();
        check_supercritical(sim);
        return go_on;
    }

    /// The local inertial scheme neglects advection and is not valid for supercritical flow:
    /// warn once per run, at the first output time where too much of the wetted area is.
    template <class Sim>
    void check_supercritical(const Sim& sim) {
        if (warned_supercritical_ || sim.setup().options.scheme != Scheme::Inertial) return;
        const double f = sim.supercritical_fraction();
        if (!(f > kSupercriticalWarnFraction)) return;
        warned_supercritical_ = true;
        char buf[320];
        std::snprintf(buf, sizeof buf,
                      "at t = %s, %.1f%% of the wetted area (depth > 0.01 m) is supercritical (Froude > 1), "
                      "outside the range of the inertial scheme (use fv1 there); not repeated",
                      format_seconds(sim.time()).c_str(), 100.0 * f);
        if (on_warning_ && comm_.root()) on_warning_(buf);
    }

    /// The warning levels of the current state: the depth (and velocity) of the assets' cells
    /// only, as the frames store them (float32), so that `floodsim risk` on the result finds the
    /// same levels at the frame times.
    /// Over MPI the assets' cells are gathered from the blocks that own them (every rank takes
    /// part) and rank 0 evaluates.
    template <class Sim>
    void evaluate_warnings(const Sim& sim) {
        const Clock::time_point t0 = Clock::now();
        const struct Tally {
            double& s;
            Clock::time_point t0;
            ~Tally() { s += seconds_since(t0); }
        } tally{warnings_s_, t0};
        const std::vector<std::size_t>& cells = warnings_->cells();
        const bool vel = warnings_->needs_velocity();
        const double eps4 = std::pow(sim.setup().options.velocity_eps, 4);
        const auto nx = static_cast<std::size_t>(grid_.nx);
        // The cells' h, hu, hv (3 per cell).
        using Real = typename Sim::real_type;
        std::vector<Real> values(3 * cells.size());
        if constexpr (kBlocks<Sim>) {
            std::vector<std::pair<int, int>> at(cells.size());
            for (std::size_t k = 0; k < cells.size(); ++k)
                at[k] = {static_cast<int>(cells[k] % nx), static_cast<int>(cells[k] / nx)};
            sim.gather_cells(at, values);
            if (!comm_.root()) return;
        } else {
            for (std::size_t k = 0; k < cells.size(); ++k) {
                const int i = static_cast<int>(cells[k] % nx), j = static_cast<int>(cells[k] / nx);
                values[3 * k] = sim.h()(i, j);
                values[3 * k + 1] = sim.hu()(i, j);
                values[3 * k + 2] = sim.hv()(i, j);
            }
        }
        warn_depth_.resize(cells.size());
        warn_vx_.resize(vel ? cells.size() : 0);
        warn_vy_.resize(vel ? cells.size() : 0);
        for (std::size_t k = 0; k < cells.size(); ++k) {
            const double h = values[3 * k];
            warn_depth_[k] = static_cast<float>(h);
            if (!vel) continue;
            const bool wet = h > 0.0;
            warn_vx_[k] = wet ? static_cast<float>(desingularised_velocity<double>(h, values[3 * k + 1], eps4)) : 0.0f;
            warn_vy_[k] = wet ? static_cast<float>(desingularised_velocity<double>(h, values[3 * k + 2], eps4)) : 0.0f;
        }
        warnings_->evaluate(sim.time(), warn_depth_.data(), warn_vx_.data(), warn_vy_.data(), on_level_, on_warning_);
    }

    template <class Sim>
    RunStatus advance_impl(Sim& sim, double until) {
        if (finished_) return RunStatus::Finished;
        if (!started_) start(sim);
        until = std::min(until, sc_.duration_s);
        watch_.start();
        const struct StopOnExit {
            StopWatch& w;
            ~StopOnExit() { w.stop(); }
        } stop_on_exit{watch_};
        bool stop = false;
        while (true) {
            const bool sample = samples_.take(sim.time());
            if (sample) write_samples(sim);
            const bool frame = frames_.take(sim.time());
            if (frame) stop = !emit_frame(sim);
            if (warnings_ && (sample || frame)) evaluate_warnings(sim);
            // After the events of this time, so that a resumed run does not repeat them.
            if (sc_.checkpoint && (sim.time() >= next_checkpoint_ || (frames_.done() && samples_.done())))
                write_checkpoint(sim);
            if (frames_.done() && samples_.done()) {
                finish(sim);
                return stop ? RunStatus::Stopped : RunStatus::Finished;
            }
            if (stop) return RunStatus::Stopped;
            if (sim.time() >= until) return RunStatus::Reached;
            const double target = std::min({frames_.next(sc_.duration_s), samples_.next(sc_.duration_s), until});
            while (sim.time() < target) {
                const double dt = sim.step(target);
                if (!(sim.stable_dt() >= min_dt_)) stop_loudly(sim);
                bool cancelled =
                    cancel_.load(std::memory_order_relaxed) && cancel_.exchange(false, std::memory_order_relaxed);
                if constexpr (kBlocks<Sim>) {
                    // One reduction per step: a cancel on any rank stops all, and the wet cells for
                    // rank 0's progress observer.
                    const auto [any_cancel, wet] = comm_.step_totals(cancelled, sim.block().wet_cells());
                    cancelled = any_cancel;
                    if (on_progress_ && comm_.root())
                        on_progress_(ProgressView{sim.time(), dt, sc_.duration_s, sim.steps(), wet});
                } else if (on_progress_) {
                    on_progress_(ProgressView{sim.time(), dt, sc_.duration_s, sim.steps(), sim.wet_cells()});
                }
                if (cancelled) return RunStatus::Stopped;
                if (writer_) writer_->check();  // a failed write stops the run now, not at the next frame
                // Checkpoints do not steer the time step (a run's result does not depend on them): one
                // is written at the end of the first step at or after each multiple of the interval
                // (at an event's time, after the event, above).
                if (sc_.checkpoint && sim.time() >= next_checkpoint_ && sim.time() < target) write_checkpoint(sim);
            }
        }
    }

    /// The first multiple of checkpoint.interval after t (infinity without an interval).
    void set_next_checkpoint(double t) {
        const std::optional<double>& dt = sc_.checkpoint->interval_s;
        next_checkpoint_ = dt ? (std::floor(t / *dt) + 1.0) * *dt : std::numeric_limits<double>::infinity();
    }

    /// Writes the checkpoint of where the run stands: the State, the place in the output series
    /// and the result journal's length after everything so far is in it (synced). The state
    /// file is written atomically, after the sync: a checkpoint never refers to journal bytes
    /// that are not on disk.
    template <class Sim>
    void write_checkpoint(const Sim& sim) {
        const Clock::time_point t0 = Clock::now();
        if constexpr (kBlocks<Sim>) {
            // Over MPI: the whole grid's state gathered to rank 0, which writes the checkpoint a
            // serial run would (any rank count, or a serial run, may resume it).
            const auto state = sim.gather_state(0);
            if (comm_.root()) write_checkpoint_file(sim, state);
        } else {
            write_checkpoint_file(sim, sim.state());
        }
        set_next_checkpoint(sim.time());
        ++summary_.checkpoints;
        summary_.checkpoint_s += seconds_since(t0);
    }

    template <class Sim, class Real>
    void write_checkpoint_file(const Sim& sim, const State<Real>& state) {
        RunPosition p;
        p.result_path = output_;
        if (writer_) p.journal_bytes = writer_->sync_journal();
        p.frames_taken = static_cast<std::int64_t>(frames_.taken());
        p.samples_taken = static_cast<std::int64_t>(samples_.taken());
        p.frames_written_at = frames_written_at_;
        p.pump_last_t = pump_last_t_;
        p.pump_last = pump_last_;
        p.warned_supercritical = warned_supercritical_;
        if (warnings_) p.online_warnings = warnings_->save();
        StateFileInfo info{scheme_name(sim.setup().options.scheme), precision_name(sim.setup().options.precision),
                           sc_.name, sc_.text, FLOODSIM_VERSION, std::move(p)};
        write_state_file(sc_.checkpoint->file, state, info, StateStorage::Raw);
        if (writer_) writer_->keep_journal();
    }

    /// Reads a checkpoint of this scenario into the simulation and the run's place in its
    /// output series; the result file is rebuilt from the journal when the run starts.
    template <class Sim>
    void resume(Sim& sim, const std::string& path) {
        using Real = typename Sim::real_type;
        StateFileInfo info;
        State<Real> s = read_state_file<Real>(path, &info);
        const auto bad = [&](const std::string& key, const std::string& value, const std::string& why) {
            return InputError(path, key, value, why);
        };
        if (!info.run)
            throw bad("run", "", "a state file, not a checkpoint (no /run): start a new run from it with [initial] state");
        if (info.scenario_text != sc_.text)
            throw bad("scenario", info.scenario_name + ", scenario_crc32 " + scenario_hash(info.scenario_text),
                      "the checkpoint belongs to another scenario than " + sc_.path + " (scenario_crc32 " +
                          scenario_hash(sc_.text) + "): resume with the scenario file, unchanged, that the run started with");
        const RunPosition& p = *info.run;
        if (p.pump_last.size() != pump_names_.size())
            throw bad("run/pump_last", std::to_string(p.pump_last.size()) + " pumps",
                      "the scenario has " + std::to_string(pump_names_.size()));
        if (!frames_.skip(p.frames_taken) || !samples_.skip(p.samples_taken))
            throw bad("run/frames_taken", std::to_string(p.frames_taken) + ", " + std::to_string(p.samples_taken),
                      "more frames or samples than the scenario has");
        try {
            if constexpr (kBlocks<Sim>)
                sim.restore_global_state(s);  // every rank read the whole state: its block cut from it
            else
                sim.restore_state(s);
        } catch (const std::invalid_argument& e) {
            throw bad("grid", "", e.what());
        }
        if (!output_given_) output_ = p.result_path;
        if (!output_.empty()) resume_journal_ = journal_to_resume(p, path);
        frames_written_at_ = p.frames_written_at;
        pump_last_t_ = p.pump_last_t;
        pump_last_ = p.pump_last;
        warned_supercritical_ = p.warned_supercritical;
        resumed_ = p;
        resumed_from_ = path;
        summary_.resumed_at = s.t;
    }

    /// The journal a resumed run replays: beside its result, or, for a run told to write
    /// elsewhere, beside the result the checkpoint continues (the new result is rebuilt from it).
    std::string journal_to_resume(const RunPosition& p, const std::string& checkpoint) const {
        namespace fs = std::filesystem;
        if (p.result_path.empty())
            throw InputError(checkpoint, "run/result_path", "",
                             "the run wrote no result file: resume it without one (--output \"\")");
        std::error_code ec;
        std::string journal = ResultJournal::path_for(output_);
        if (!fs::exists(journal, ec) && fs::exists(ResultJournal::path_for(p.result_path), ec))
            journal = ResultJournal::path_for(p.result_path);
        if (!fs::exists(journal, ec) && fs::exists(p.result_path, ec))
            throw InputError(checkpoint, "run/result_path", p.result_path,
                             "the run has finished: its result is complete (for a new run from this state: [initial] state)");
        return journal;  // a missing one is reported, naming it, when the result is opened
    }

    /// A run that can no longer make sense (a non-finite state, a stable time step below
    /// solver.min_dt, a wave faster than solver.max_speed: `too_fast`) stops with one line naming the time, the cell and the cause; the result so
    /// far is written as a complete file marked incomplete (the state at the stop as its last
    /// frame). Throws Error (status 1).
    template <class Sim>
    [[noreturn]] void stop_loudly(const Sim& sim, std::optional<typename Sim::CellProbe> too_fast = {}) {
        const Grid2D& g = sim.grid();
        auto where = [&](const auto& c) {
            char xy[96];  // map coordinates in full (UTM northings have 7 digits before the point)
            std::snprintf(xy, sizeof xy, "x=%.2f, y=%.2f", g.x_center(c.i), g.y_center(c.j));
            return xy + std::string(" (cell ") + std::to_string(c.i) +
                   ", " + std::to_string(c.j) + ")";
        };
        std::string cause;
        if (const auto bad = sim.first_nonfinite_cell(); bad.i >= 0) {
            cause = "the depth or discharge is no longer a finite number at " + where(bad);
        } else if (too_fast) {
            cause = "a wave of " + format_number(too_fast->speed, 6) + " m/s at " + where(*too_fast) + ", depth " +
                    format_number(too_fast->depth, 6) + " m, faster than solver.max_speed = " + format_number(sc_.max_speed, 6) +
                    " m/s (a blown-up state)";
        } else {
            const auto fast = sim.fastest_cell();
            cause = "the stable time step fell to " + format_number(sim.stable_dt(), 6) +
                    " s, below solver.min_dt = " + format_number(min_dt_, 6) + " s: a wave of " + format_number(fast.speed, 6) + " m/s at " +
                    where(fast) + ", depth " + format_number(fast.depth, 6) +
                    " m (a blown-up state, or a DEM with cliffs of kilometres)";
        }
        std::string msg = "the run stopped at t = " + format_number(sim.time(), 6) + " s: " + cause;
        if (!output_.empty()) {  // (every rank of a run over MPI: the frame and maxima are gathered)
            if (frames_written_at_ != sim.time()) {
                if (block_writer_)
                    write_block_frame(sim);
                else
                    write_gathered_frame(sim);
            }
            finish(sim, msg);
            msg += "; the result so far is complete in " + output_ + ", marked incomplete";
        }
        throw Error(1, msg);
    }

    template <class Sim>
    void finish(const Sim& sim, const std::string& incomplete_reason = "") {
        watch_.stop();  // the solver's time: the writer's drain below is not part of it
        const std::size_t n = static_cast<std::size_t>(grid_.nx) * grid_.ny;
        std::vector<float> mh(n), ms(n), at(n);
        sim.copy_max_depth(mh.data());
        sim.copy_max_speed(ms.data());
        sim.copy_arrival_time(at.data());
        RunSummary& s = summary_;
        record_exchange_times(sim);
        if (writer_) {
            // The maxima and the last frames are written after the solver's time stored in the
            // file: the result is complete only when finish() returns.
            writer_->finish(mh.data(), ms.data(), at.data(), sim.steps(), watch_.seconds(), incomplete_reason);
            s.output_s = writer_->writer_seconds();
            s.output_wait_s = writer_->blocked_seconds();
            writer_.reset();
        }
        if (block_writer_) write_block_maxima(sim, incomplete_reason);
        finished_ = true;
        s.complete_s = seconds_since(start_);
        if (warnings_ && comm_.root()) warnings_->finish();  // bounded: OnlineWarnings::kDeliveryBudgetS
        s.frames = static_cast<std::int64_t>(frames_.size());
        double max_depth = 0.0;
        std::size_t flooded = 0;
        for (float v : mh) {
            if (std::isnan(v)) continue;
            max_depth = std::max(max_depth, static_cast<double>(v));
            flooded += v > 0.01f;
        }
        s.max_depth = max_depth;
        s.flooded_area_m2 = static_cast<double>(flooded) * sim.grid().cell_area();
        s.pumps.clear();
        if (!pump_names_.empty()) {
            const std::vector<NamedValues>& values = source_values(sim);
            for (std::size_t k = 0; k < pump_names_.size(); ++k)
                s.pumps.push_back({pump_names_[k], values_named(values, "pump_volume")[k],
                                   values_named(values, "pump_running_time")[k]});
        }
    }

    /// The collective writer's end: this rank's block of the maxima, then the file is complete.
    template <class Sim>
    void write_block_maxima(const Sim& sim, const std::string& incomplete_reason) {
        if constexpr (kBlocks<Sim>) {
            const auto& b = sim.block();
            const std::size_t n = static_cast<std::size_t>(b.grid().nx) * b.grid().ny;
            std::vector<float> mh(n), ms(n), at(n);
            b.copy_max_depth(mh.data());
            b.copy_max_speed(ms.data());
            b.copy_arrival_time(at.data());
            on_block_writer([&](BlockResultWriter& w) {
                w.finish(mh.data(), ms.data(), at.data(), sim.steps(), watch_.seconds(), incomplete_reason);
            });
            block_writer_.reset();
            summary_.output_s = comm_.max(block_writer_s_);
            summary_.output_collective = true;
        }
    }

    /// A run over MPI ranks: its layout and the largest halo and reduction times of any rank
    /// (collective). Serial: nothing.
    template <class Sim>
    void record_exchange_times(const Sim& sim) {
        if constexpr (kBlocks<Sim>) {
            summary_.ranks = comm_.size();
            summary_.layout_x = sim.decomposition().px();
            summary_.layout_y = sim.decomposition().py();
            summary_.halo_s = comm_.max(sim.exchange_seconds());
            summary_.reduction_s = comm_.max(sim.reduction_seconds());
        }
    }
};

// --- Run: the facade ------------------------------------------------------------------------

Run::Run(const std::string& scenario_path) : Run(scenario_path, Distribution::Serial) {}
Run::Run(const std::string& scenario_path, Distribution distribution) {
    try {
        impl_ = std::make_unique<Impl>(scenario_path, distribution);
    } catch (...) {
        rethrow_as_error();
    }
}
Run::~Run() = default;
Run::Run(Run&&) noexcept = default;
Run& Run::operator=(Run&&) noexcept = default;

void Run::set_threads(int threads) { impl_->set_threads(threads); }
void Run::set_output(const std::string& result_path) { impl_->set_output(result_path); }
void Run::resume(const std::string& checkpoint_path) { impl_->resume(checkpoint_path); }
void Run::checkpoint() { impl_->checkpoint(); }
void Run::on_frame(std::function<bool(const FrameView&)> fn) { impl_->on_frame_ = std::move(fn); }
void Run::on_gauge(std::function<void(const GaugeView&)> fn) { impl_->on_gauge_ = std::move(fn); }
void Run::on_progress(std::function<void(const ProgressView&)> fn) { impl_->on_progress_ = std::move(fn); }
void Run::on_warning(std::function<void(const std::string&)> fn) { impl_->on_warning_ = std::move(fn); }
void Run::on_level(std::function<void(const LevelView&)> fn) { impl_->on_level_ = std::move(fn); }
void Run::start() { impl_->start(); }
void Run::cancel() noexcept { impl_->cancel_.store(true, std::memory_order_relaxed); }

RunStatus Run::advance(double until_s) { return impl_->advance(until_s); }
RunStatus Run::run_to_end() { return impl_->advance(std::numeric_limits<double>::infinity()); }

double Run::time() const {
    return impl_->visit([](const auto& sim) { return sim.time(); });
}
double Run::duration() const { return impl_->sc_.duration_s; }
bool Run::finished() const { return impl_->finished_; }
const GridInfo& Run::grid() const { return impl_->grid_; }

void Run::copy_depth(float* out, std::size_t count) const {
    const std::size_t n = static_cast<std::size_t>(impl_->grid_.nx) * impl_->grid_.ny;
    if (!out || count < n)
        throw Error(2, "copy_depth: value '" + std::to_string(count) +
                           "': the buffer needs nx * ny = " + std::to_string(n) + " values");
    impl_->visit([out](const auto& sim) { sim.copy_depth(out); });
}

void Run::save_state(const std::string& path) const {
    try {
        const Impl& m = *impl_;
        m.visit([&](const auto& sim) {
            using Sim = std::decay_t<decltype(sim)>;
            const StateFileInfo info{scheme_name(sim.setup().options.scheme),
                                     precision_name(sim.setup().options.precision), m.sc_.name, m.sc_.text,
                                     FLOODSIM_VERSION, std::nullopt};
            if constexpr (kBlocks<Sim>) {
                const auto state = sim.gather_state(0);  // collective; rank 0 writes the whole grid's
                if (m.comm_.root()) write_state_file(path, state, info);
            } else {
                write_state_file(path, sim.state(), info);
            }
        });
    } catch (...) {
        rethrow_as_error();
    }
}

RunSummary Run::summary() const {
    const Impl& m = *impl_;
    RunSummary s = m.summary_;
    s.name = m.sc_.name;
    s.result_path = m.output_;
    s.grid = m.grid_;
    s.duration = m.sc_.duration_s;
    s.wall_s = m.watch_.seconds();
    if (m.warnings_) {
        s.warnings = m.warnings_->summary();
        s.warnings.driving_s = m.warnings_s_;
    }
    m.visit([&](const auto& sim) {
        const SolverOptions& o = sim.setup().options;
        s.scheme = scheme_name(o.scheme);
        s.precision = precision_name(o.precision);
        s.threads = sim.threads();
        s.time = sim.time();
        s.steps = sim.steps();
        if constexpr (requires { sim.lts_cell_updates(); }) {  // not over MPI ranks (refused there)
            s.lts_levels = o.lts_levels;
            s.lts_cycles = sim.lts_cycles();
            s.lts_cell_updates = sim.lts_cell_updates();
        }
        const MassLedger& l = sim.ledger();
        MassBalance& b = s.mass;
        b.volume0 = l.volume0;
        b.rain = l.rain;
        b.inflow = l.inflow;
        b.outflow = l.outflow;
        b.volume = sim.volume();
        b.error = l.error(b.volume);
        for (const LedgerTerm& t : l.terms) b.terms.emplace_back(t.name, t.adds ? t.volume : -t.volume);
        b.relative_error = l.relative_error(b.volume);
    });
    return s;
}

}  // namespace floodsim
