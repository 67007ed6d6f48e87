#include "cli/commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <optional>
#include <thread>

#include "cli/exit_status.hpp"
#include "cli/mpi_session.hpp"
#include "cli/progress.hpp"
#include "cli/run_events.hpp"
#include "cli/wait_policy.hpp"
#include "engine/model_builder.hpp"
#include "engine/model_report.hpp"
#include "engine/online_warnings.hpp"
#include "engine/scenario_new.hpp"
#include "floodsim/run.hpp"
#include "io/hdf5_result_writer.hpp"
#include "io/result_info.hpp"
#include "mesh/input_error.hpp"
#include "scenarios/duration.hpp"

namespace floodsim {
namespace {

// SIGINT / SIGTERM: the handler asks the run in progress to stop (Run::cancel is
// async-signal-safe); the run then returns Stopped and leaves no result file.
std::atomic<Run*> g_run{nullptr};
extern "C" void on_signal(int) {
    if (Run* r = g_run.load()) r->cancel();
}
static_assert(std::atomic<Run*>::is_always_lock_free);

/// The CLI's handlers for SIGINT and SIGTERM while a run goes on, the previous ones back after.
class SignalGuard {
public:
    explicit SignalGuard(Run& run) {
        g_run.store(&run);
        struct sigaction sa {};
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int_);
        sigaction(SIGTERM, &sa, &old_term_);
    }
    ~SignalGuard() {
        sigaction(SIGINT, &old_int_, nullptr);
        sigaction(SIGTERM, &old_term_, nullptr);
        g_run.store(nullptr);
    }
    SignalGuard(const SignalGuard&) = delete;
    SignalGuard& operator=(const SignalGuard&) = delete;

private:
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
};

void print_summary(const RunSummary& s) {
    const GridInfo& g = s.grid;
    const MassBalance& b = s.mass;
    // the smallest step everywhere, or what local time stepping did instead
    const double everywhere = static_cast<double>(s.steps) * static_cast<double>(g.domain_cells);
    const double updates = s.lts_levels > 0 ? static_cast<double>(s.lts_cell_updates) : everywhere;
    std::printf("floodsim run summary: %s\n", s.name.c_str());
    std::printf("  result          %s\n", s.result_path.empty() ? "(none)" : s.result_path.c_str());
    std::printf("  scheme          %s, %s precision, %d threads\n", s.scheme.c_str(), s.precision.c_str(), s.threads);
    std::printf("  grid            %d x %d cells of %g x %g m (%lld in the domain)\n", g.nx, g.ny, g.dx, g.dy,
                static_cast<long long>(g.domain_cells));
    std::printf("  simulated       %s in %lld steps (mean dt %.4g s)\n", format_seconds(s.time).c_str(),
                static_cast<long long>(s.steps), s.steps > 0 ? s.time / static_cast<double>(s.steps) : 0.0);
    std::printf("  wall time       %.3f s (%.3g cell updates per second)\n", s.wall_s,
                s.wall_s > 0 ? updates / s.wall_s : 0.0);
    if (s.lts_levels > 0)
        std::printf("  local steps     %d levels: %lld cycles, %.4g cell updates (%.2fx fewer than the smallest step "
                    "everywhere)\n",
                    s.lts_levels, static_cast<long long>(s.lts_cycles), updates, updates > 0 ? everywhere / updates : 0.0);
    std::printf("  frames          %lld depth rasters\n", static_cast<long long>(s.frames));
    if (s.output_collective)
        std::printf("  output          %.3f s writing (every rank its block, parallel HDF5); result complete %.3f s after "
                    "the start\n",
                    s.output_s, s.complete_s);
    else
        std::printf(
            "  output          %.3f s writing (writer thread), solver waited %.3f s for it; result complete "
            "%.3f s after the start\n",
            s.output_s, s.output_wait_s, s.complete_s);
    std::printf("  max depth       %.3f m; flooded area (max depth > 0.01 m) %.4g m2\n", s.max_depth,
                s.flooded_area_m2);
    std::printf("  volume (m3)     initial %.6g, rain %.6g, inflow %.6g, outflow %.6g, final %.6g\n", b.volume0, b.rain,
                b.inflow, b.outflow, b.volume);
    for (const auto& [name, v] : b.terms) std::printf("  %-15s %.6g m3\n", name.c_str(), v);
    for (const RunSummary::Pump& p : s.pumps)
        std::printf("  pump            %s: %.6g m3 in %s at capacity\n", p.name.c_str(), p.volume,
                    format_seconds(p.running_time).c_str());
    std::printf("  mass balance    error %.3e m3 (relative %.3e)\n", b.error, b.relative_error);
    if (s.ranks > 1) {
        const auto share = [&](double x) { return s.wall_s > 0.0 ? 100.0 * x / s.wall_s : 0.0; };
        std::printf(
            "  MPI             %d ranks in %d x %d blocks; the slowest rank waited %.3f s (%.1f %% of the solver's "
            "time) on halo exchanges and %.3f s (%.1f %%) on global reductions\n",
            s.ranks, s.layout_x, s.layout_y, s.halo_s, share(s.halo_s), s.reduction_s, share(s.reduction_s));
    }
    if (s.resumed_at >= 0.0) std::printf("  resumed         at t = %s from a checkpoint\n", format_seconds(s.resumed_at).c_str());
    if (!s.checkpoint_path.empty())
        std::printf("  checkpoints     %lld written to %s (%.3f s)\n", static_cast<long long>(s.checkpoints),
                    s.checkpoint_path.c_str(), s.checkpoint_s);
    if (const RunSummary::Warnings& w = s.warnings; w.enabled) {
        std::printf("  warnings        %lld level changes on %lld assets, %lld CAP alerts issued (%.3f s of the run)\n",
                    static_cast<long long>(w.changes), static_cast<long long>(w.assets), static_cast<long long>(w.issued),
                    w.driving_s);
        if (w.webhook.empty())
            std::printf("  alerts          no webhook: %lld in the spool %s\n", static_cast<long long>(w.in_spool),
                        w.spool.c_str());
        else
            std::printf("  alerts          %lld delivered to %s, %lld left in the spool %s%s\n",
                        static_cast<long long>(w.delivered), w.webhook.c_str(), static_cast<long long>(w.in_spool),
                        w.spool.c_str(), w.in_spool > 0 ? " (send them with floodsim deliver)" : "");
        if (!w.last_error.empty()) std::printf("  alert error     %s\n", w.last_error.c_str());
    }
}

}  // namespace

namespace {

/// One line for a run that failed, and its exit status. Before the ranks' run began (or serially)
/// every rank met the error while loading and rank 0 prints it. After, the error may be one
/// rank's alone: that rank prints it (the others wait 2 s, so that an error every rank met is
/// printed once, by rank 0, whose MPI_Abort ends them first) and MPI_Abort ends every rank with
/// the status, as the others would wait for it forever (docs/parallel.md).
int report_run_failure(MpiSession& mpi, bool collective, bool json, int status, const std::exception& e,
                       const char* what) {
    const bool root = mpi.rank() == 0;
    if (collective && mpi.size() > 1 && !root) {
        std::this_thread::sleep_for(std::chrono::seconds(2));
        std::fprintf(stderr, "floodsim: rank %d: %s: %s\n", mpi.rank(), what, e.what());
    }
    if (root) {
        if (json) RunEvents::error(status, e.what());
        std::fprintf(stderr, "floodsim: %s: %s\n", what, e.what());
    }
    if (collective) mpi.abort(status);
    return status;
}

/// The run's first line on stderr (and a note when OpenMP threads must wait passively).
void print_run_start(const RunSummary& before, int ranks) {
    const GridInfo& g = before.grid;
    std::fprintf(stderr, "floodsim %s: %s, %d x %d cells of %g m, scheme %s, %d threads%s -> %s\n", version(),
                 before.name.c_str(), g.nx, g.ny, g.dx, before.scheme.c_str(), before.threads,
                 ranks > 1 ? (" x " + std::to_string(ranks) + " MPI ranks").c_str() : "",
                 Hdf5ResultWriter::partial_path(before.result_path).c_str());
    if (*wait_policy_reason())
        std::fprintf(stderr, "floodsim: the machine is shared (%s): OpenMP threads wait passively\n",
                     wait_policy_reason());
}

/// A run stopped by a signal before its end: its checkpoint when it has one (a scheduler's
/// SIGTERM before its SIGKILL: the time left goes into it), one line, exit status 130.
int stopped_by_signal(Run& run, const RunSummary& before, const std::string& scenario_path, bool json, bool root) {
    std::string msg = "interrupted by a signal; no result written";
    if (!before.checkpoint_path.empty()) {
        run.checkpoint();
        msg += "; checkpoint at t = " + format_number(run.time(), 6) + " s in " + before.checkpoint_path +
               " (continue with: floodsim run " + scenario_path + " --resume " + before.checkpoint_path + ")";
    }
    if (json) RunEvents::error(130, msg);
    if (root) std::fprintf(stderr, "\nfloodsim: %s\n", msg.c_str());
    return 130;
}

}  // namespace

int run_command(const std::string& scenario_path, const RunOptions& given) {
    RunOptions opts = given;
    // Under an MPI launcher (docs/parallel.md) every rank runs this; rank 0 prints and writes.
    std::optional<MpiSession> mpi;
    try {
        mpi.emplace();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "floodsim: error: %s\n", e.what());
        return 1;
    }
    const bool root = mpi->rank() == 0;
    if (!root) {
        opts.quiet = true;
        opts.json = false;
    }
    bool collective = false;  // the ranks' run is under way: an error on one leaves the others waiting
    const bool quiet = opts.quiet || opts.json;
    try {
        Run run(scenario_path, mpi->size() > 1 ? Distribution::MpiWorld : Distribution::Serial);
        collective = mpi->size() > 1;
        if (!opts.output.empty()) run.set_output(opts.output);
        if (opts.threads >= 0) run.set_threads(opts.threads);
        if (!opts.resume.empty()) run.resume(opts.resume);

        run.start();  // an unwritable result is found before anything is printed
        const RunSummary before = run.summary();
        if (!quiet) print_run_start(before, mpi->size());
        RunEvents events;
        if (opts.json) {
            events.start(before);
            run.on_progress([&](const ProgressView& p) { events.progress(p); });
        }
        ProgressReporter progress(run.duration(), quiet);
        ProgressView last{};
        if (!quiet)
            run.on_progress([&](const ProgressView& p) {
                last = p;
                progress.update(p.time, p.dt, p.wet_cells, p.steps);
            });
        run.on_warning([&](const std::string& msg) {
            std::fprintf(stderr, "%sfloodsim: warning: %s\n", !quiet && isatty(STDERR_FILENO) ? "\r\033[K" : "",
                         msg.c_str());
        });

        RunStatus status;
        {
            const SignalGuard signals(run);
            status = run.run_to_end();
        }
        if (status == RunStatus::Stopped && !run.finished()) {
            progress.finish();
            return stopped_by_signal(run, before, scenario_path, opts.json, root);
        }
        if (!opts.save_state.empty()) run.save_state(opts.save_state);
        const RunSummary s = run.summary();
        if (!root) return 0;  // rank 0 reports the run
        if (opts.json) {
            events.end(s);
            return 0;
        }
        progress.update(s.time, last.dt, last.wet_cells, s.steps, true);
        progress.finish();
        print_summary(s);
        if (!opts.save_state.empty()) std::printf("  state           %s (for [initial] state)\n", opts.save_state.c_str());
        return 0;
    } catch (const Error& e) {
        // one line: bad input (2), or a run that failed or had to stop (1)
        return report_run_failure(*mpi, collective, opts.json, e.status() == 2 ? 2 : 1, e, "error");
    } catch (const std::exception& e) {
        return report_run_failure(*mpi, collective, opts.json, 1, e, "internal error");
    }
}

namespace {

/// check's DEM quality report: the cells that stand out from all their neighbours.
void print_dem_quality(const ModelSetup& m, double pit_height) {
    const std::vector<DemAnomaly> odd = dem_pits_and_spikes(m, pit_height);
    const auto pits = std::count_if(odd.begin(), odd.end(), [](const DemAnomaly& a) { return a.pit; });
    std::printf(
        "  DEM quality     %lld isolated pits, %lld spikes (cells more than %g m below / above all their "
        "neighbours)\n",
        static_cast<long long>(pits), static_cast<long long>(odd.size()) - static_cast<long long>(pits), pit_height);
    constexpr std::size_t kListed = 10;
    for (std::size_t k = 0; k < std::min(odd.size(), kListed); ++k) {
        const DemAnomaly& a = odd[k];
        std::printf("    %-5s at x=%.3f y=%.3f (cell %d, %d): z %.3f m, %.3f m %s its %s neighbour\n",
                    a.pit ? "pit" : "spike", a.x, a.y, a.i, a.j, a.z, a.relief, a.pit ? "below" : "above",
                    a.pit ? "lowest" : "highest");
    }
    if (odd.size() > kListed) std::printf("    ... and %zu more\n", odd.size() - kListed);
}

void print_check(const LoadedModel& p) {
    const Scenario& sc = p.scenario;
    const ModelSetup& m = p.setup;
    const Grid2D& g = m.grid;
    const ModelFacts f = model_facts(p);
    std::printf("scenario %s: OK\n", sc.name.c_str());
    std::printf("  file            %s\n", sc.path.c_str());
    std::printf("  DEM             %s\n", sc.dem.c_str());
    std::printf("  grid            %d x %d cells of %g x %g m, %zu in the domain (%.4g km2)\n", g.nx, g.ny, g.dx, g.dy,
                f.domain_cells, static_cast<double>(f.domain_cells) * g.cell_area() / 1e6);
    std::printf("  extent          x %.3f .. %.3f, y %.3f .. %.3f\n", g.x_west(), g.x_east(), g.y_south(), g.y_north());
    std::printf("  bed elevation   %.3f .. %.3f m\n", f.z_min, f.z_max);
    std::printf("  initial water   %.6g m3\n", f.initial_volume);
    std::printf("  time            %s, frames every %s, gauges every %s\n", format_seconds(sc.duration_s).c_str(),
                format_seconds(sc.output_interval_s).c_str(), format_seconds(sc.gauge_interval_s).c_str());
    std::string solver_extra;
    if (sc.sinks_interval > 0.0) solver_extra += ", drains and soil every " + format_seconds(sc.sinks_interval);
    if (sc.lts_levels > 0)
        solver_extra += ", local time stepping (" + std::to_string(sc.lts_levels) + " levels: steps up to " +
                        std::to_string(1 << sc.lts_levels) + " x the smallest)";
    std::printf("  solver          %s, cfl %g, threads %d%s\n", sc.scheme.c_str(), sc.cfl, m.options.threads, solver_extra.c_str());
    if (f.manning_min == f.manning_max) std::printf("  manning         %.4g\n", f.manning_min);
    else std::printf("  manning         %.4g..%.4g\n", f.manning_min, f.manning_max);
    if (sc.landuse)
        std::printf("  land use        %zu classes in %s, from %s%s\n", sc.landuse->classes.size(), sc.landuse->table.c_str(),
                    sc.landuse->map.c_str(), sc.landuse->field.empty() ? "" : (" (polygons, field " + sc.landuse->field + ")").c_str());
    static const char* sides[] = {"west", "east", "north", "south"};
    static const char* kinds[] = {"closed", "free", "level", "discharge", "normal_depth", "critical"};
    for (const BoundarySpec& b : m.boundaries)
        std::printf("  boundary        %s %s, cells %d..%d\n", sides[static_cast<int>(b.side)],
                    kinds[static_cast<int>(b.type)], b.first, b.last);
    if (sc.buildings)
        std::printf("  buildings       %zu footprints, %zu cells %s\n", m.features.buildings, m.features.building_cells,
                    m.features.buildings_blocked ? "blocked (walls: no water, no rain)" : "raised");
    if (!sc.walls.empty())
        std::printf("  walls           %zu, %zu cells raised to their crest\n", m.features.walls, m.features.wall_cells);
    if (!sc.channels.empty())
        std::printf("  channels        %zu, %zu cells burned, bed %.2f .. %.2f m\n", m.features.channels,
                    m.features.channel_cells, m.features.channel_bed_min, m.features.channel_bed_max);
    for (const BreachSpec& b : m.breaches) {
        double lo = b.cells.front().top, hi = lo;
        for (const BreachCell& c : b.cells) {
            lo = std::min(lo, c.top);
            hi = std::max(hi, c.top);
        }
        std::printf("  breach          in wall %s: %zu cells from %.2f .. %.2f m down to %.2f m, opening from t = %s over %s to %g m\n",
                    b.name.c_str(), b.cells.size(), lo, hi, b.bottom, format_seconds(b.start).c_str(),
                    format_seconds(b.duration).c_str(), b.width);
    }
    if (!m.rain.empty()) std::printf("  rain            %.1f mm in total over the run\n", f.rain_depth * 1000.0);
    if (!m.rain_grids.time_s.empty())
        std::printf("  rain grids      %zu from %s (first at t = %g s, last from t = %g s), added to any uniform rain\n",
                    m.rain_grids.time_s.size(), sc.rain.grids.c_str(), m.rain_grids.time_s.front(),
                    m.rain_grids.time_s.back());
    if (f.drainage)
        std::printf("  drainage        capacity %.3g mm/h on average (at most %.3g), efficiency %.3g on average over the run\n",
                    f.drain_capacity_mean * 3.6e6, f.drain_capacity_max * 3.6e6, f.drain_efficiency_mean);
    if (!f.infiltration_model.empty()) {
        std::string params;
        for (const ModelFacts::Range& r : f.infiltration_params) {
            char b[96];
            if (r.lo == r.hi) std::snprintf(b, sizeof b, ", %s %.4g", r.name.c_str(), r.lo);
            else std::snprintf(b, sizeof b, ", %s %.4g..%.4g", r.name.c_str(), r.lo, r.hi);
            params += b;
        }
        std::printf("  infiltration    %s%s\n", f.infiltration_model.c_str(), params.c_str());
    }
    for (const ModelFacts::Inflow& in : f.inflows)
        std::printf("  inflow          %s, %zu cell%s, %.6g m3 over the run\n", in.name.c_str(), in.cells,
                    in.cells == 1 ? "" : "s", in.volume);
    for (const GaugeSpec& gs : m.gauges)
        std::printf("  gauge           %s at x=%g y=%g (cell %d, %d)\n", gs.name.c_str(), gs.x, gs.y, gs.i, gs.j);
    std::printf("  output          %s\n", sc.output_file.c_str());
    if (const auto& c = sc.checkpoint)
        std::printf("  checkpoints     %s%s to %s\n", c->interval_s ? "every " : "at the end",
                    c->interval_s ? format_seconds(*c->interval_s).c_str() : "", c->file.c_str());
}

/// [warning]: its assets and levels loaded as the run would (bad ones exit 2 here, not at the
/// run's start).
void check_warnings(const LoadedModel& p) {
    if (!p.scenario.warning) return;
    const ModelSetup& m = p.setup;
    std::vector<bool> inside(m.z.size());
    for (std::size_t c = 0; c < m.z.size(); ++c) inside[c] = !std::isnan(m.z[c]);
    const OnlineWarnings w(p.scenario, m.grid, inside);
    std::printf("  warnings        %lld assets watched from %s\n", static_cast<long long>(w.summary().assets),
                p.scenario.warning->assets.c_str());
}

}  // namespace

/// `check --write-model DIR`: the model's DEM after the features (NaN outside the domain and on
/// blocked buildings; breaches closed, as at t = 0), each cell's CellKind and Manning n.
int check_command(const std::string& scenario_path, double pit_height, const std::string& write_model) {
    return with_exit_status([&] {
        const LoadedModel p = load_model(scenario_path);
        // The output folder must be writable: try it now rather than after an hour of simulation.
        probe_output_folder(p.scenario, p.scenario.output_file);
        print_check(p);
        check_warnings(p);
        print_dem_quality(p.setup, pit_height);
        if (!write_model.empty()) {
            write_model_rasters(p, write_model);
            std::printf("  model written   %s: model_dem.tif, model_mask.tif (0 nodata, 1 ground, 2 blocked building, "
                        "3 raised building, 4 channel, 5 wall, 6 breach), model_manning.tif\n", write_model.c_str());
        }
        return 0;
    });
}

int info_command(const std::string& result_path) {
    return with_exit_status([&] {
        std::fputs(describe_result(result_path).c_str(), stdout);
        return 0;
    });
}

int scenario_new_command(const std::string& dir, const std::string& template_name, double resolution_m,
                         unsigned long long seed) {
    return with_exit_status([&] {
        const std::optional<TemplateKind> kind = parse_template_kind(template_name);
        if (!kind)
            throw InputError(dir, "--template", template_name,
                             "unknown template (expected urban, river, flash or 720)");
        create_scenario(dir, {*kind, resolution_m, seed});
        std::printf(
            "created %s: template %s on the SYNTHETIC Shangjie district (not survey data), %g m cells, seed %llu\n",
            dir.c_str(), template_name.c_str(), resolution_m, seed);
        std::printf("next: floodsim check %s/scenario.toml && floodsim run %s/scenario.toml\n", dir.c_str(),
                    dir.c_str());
        return 0;
    });
}

}  // namespace floodsim
