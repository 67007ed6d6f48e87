#include "cli/commands.hpp"

#include <omp.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <vector>

#include "cli/model_builder.hpp"
#include "cli/progress.hpp"
#include "io/async_result_writer.hpp"
#include "io/hdf5_result_writer.hpp"
#include "io/result_info.hpp"
#include "mesh/input_error.hpp"
#include "scenarios/scenario_loader.hpp"
#include "solver/simulation.hpp"

#ifndef FLOODSIM_VERSION
#define FLOODSIM_VERSION "0.0.0"
#endif

namespace floodsim {
namespace {

std::atomic<int> g_signal{0};
extern "C" void on_signal(int sig) { g_signal.store(sig); }

struct Interrupted : std::runtime_error {
    using std::runtime_error::runtime_error;
};

void report_error(const std::exception& e) { std::fprintf(stderr, "floodsim: error: %s\n", e.what()); }

/// Times of the events of a run: 0, k * interval, ..., and the duration itself.
std::vector<double> event_times(double interval, double duration) {
    std::vector<double> t;
    for (long k = 0;; ++k) {
        const double tk = static_cast<double>(k) * interval;
        if (tk >= duration * (1.0 - 1e-12)) break;
        t.push_back(tk);
    }
    t.push_back(duration);
    return t;
}

/// Builds everything a run needs from the scenario; shared by run and check.
struct Prepared {
    Scenario scenario;
    ModelSetup setup;
};

Prepared prepare(const std::string& path, const RunOptions* opts) {
    Prepared p{load_scenario(path), {}};
    if (opts && !opts->output.empty()) p.scenario.output_file = std::filesystem::absolute(opts->output).lexically_normal().string();
    if (opts && opts->threads >= 0) p.scenario.threads = opts->threads;
    p.setup = build_model(p.scenario);
    return p;
}

/// Fraction of the wetted area with Froude > 1 above which an inertial run warns (once).
constexpr double kSupercriticalWarnFraction = 0.01;

double mass_error_relative(const MassLedger& l, double volume) {
    const double scale = std::max({l.volume0 + l.rain + l.inflow, l.outflow, volume, 1e-300});
    return l.error(volume) / scale;
}

}  // namespace

int run_command(const std::string& scenario_path, const RunOptions& opts) {
    try {
        Prepared p = prepare(scenario_path, &opts);
        const Scenario& sc = p.scenario;

        ResultMetadata meta;
        meta.nx = p.setup.grid.nx;
        meta.ny = p.setup.grid.ny;
        meta.crs_wkt = p.setup.grid.crs_wkt;
        meta.geotransform = p.setup.grid.geotransform;
        meta.scenario_text = sc.text;
        meta.floodsim_version = FLOODSIM_VERSION;
        meta.scheme = scheme_name(p.setup.options.scheme);
        meta.threads = p.setup.options.threads;
        meta.write_velocity = sc.write_velocity;
        for (const GaugeSpec& gs : p.setup.gauges) meta.gauge_names.push_back(gs.name);

        // The run itself, for either precision of the solver state.
        auto body = [&](auto& sim) -> int {
            const Grid2D& g = sim.grid();

            // The file is written on a writer thread of its own (every HDF5 call happens there): the
            // solver only copies each frame into a buffer (docs/output-performance.md).
            std::unique_ptr<AsyncResultWriter> writer;
            try {
                writer = std::make_unique<AsyncResultWriter>(sc.output_file, meta);
            } catch (const std::exception& e) {
                throw InputError(sc.path, "output.file", sc.output_file, std::string("cannot write the result: ") + e.what());
            }

            std::signal(SIGINT, on_signal);
            std::signal(SIGTERM, on_signal);

            const std::size_t n = g.cells();
            auto write_frame = [&] {
                writer->write_frame(sim.time(), [&](float* depth, float* vx, float* vy) {
                    sim.copy_depth(depth);
                    if (vx) sim.copy_velocity(vx, vy);
                });
        };
        auto write_samples = [&] {
            for (std::size_t k = 0; k < sim.setup().gauges.size(); ++k) {
                const GaugeReading r = sim.gauge(k);
                writer->write_gauge(k, {sim.time(), r.depth, r.water_level, r.velocity_x, r.velocity_y});
            }
            const MassLedger& l = sim.ledger();
            const double vol = sim.volume();
            writer->write_mass_balance({sim.time(), vol, l.rain, l.inflow, l.outflow, l.error(vol), {}});
        };

        // The local inertial scheme neglects advection and is not valid for supercritical flow:
        // warn once per run, at the first output time where too much of the wetted area is.
        bool warned_supercritical = false;
        auto check_supercritical = [&] {
            if (warned_supercritical || sim.setup().options.scheme != Scheme::Inertial) return;
            const double f = sim.supercritical_fraction();
            if (!(f > kSupercriticalWarnFraction)) return;
            warned_supercritical = true;
            std::fprintf(stderr,
                         "%sfloodsim: warning: at t = %s, %.1f%% of the wetted area (depth > 0.01 m) is supercritical "
                         "(Froude > 1), outside the range of the inertial scheme (use fv1 there); not repeated\n",
                         !opts.quiet && isatty(STDERR_FILENO) ? "\r\033[K" : "", format_seconds(sim.time()).c_str(),
                         100.0 * f);
        };

        const std::vector<double> frames = event_times(sc.output_interval_s, sc.duration_s);
        const std::vector<double> samples = event_times(sc.gauge_interval_s, sc.duration_s);
        std::size_t next_frame = 0, next_sample = 0;
        ProgressReporter progress(sc.duration_s, opts.quiet);
        if (!opts.quiet)
            std::fprintf(stderr, "floodsim %s: %s, %d x %d cells of %g m, scheme %s, %d threads -> %s\n",
                         FLOODSIM_VERSION, sc.name.c_str(), g.nx, g.ny, g.dx, scheme_name(sim.setup().options.scheme),
                         sim.threads(), Hdf5ResultWriter::partial_path(sc.output_file).c_str());

        const auto wall0 = std::chrono::steady_clock::now();
        double last_dt = 0.0;
        while (true) {
            if (next_sample < samples.size() && sim.time() == samples[next_sample]) {
                write_samples();
                ++next_sample;
            }
            if (next_frame < frames.size() && sim.time() == frames[next_frame]) {
                write_frame();
                writer->flush();
                ++next_frame;
                check_supercritical();
            }
            if (next_frame >= frames.size() && next_sample >= samples.size()) break;
            const double target = std::min(next_frame < frames.size() ? frames[next_frame] : sc.duration_s,
                                           next_sample < samples.size() ? samples[next_sample] : sc.duration_s);
            while (sim.time() < target) {
                last_dt = sim.step(target);
                progress.update(sim.time(), last_dt, sim.wet_cells(), sim.steps());
                if (g_signal.load() != 0) throw Interrupted("interrupted by a signal; no result written");
                writer->check();  // a failed write stops the run now, not at the next frame
            }
        }
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
        progress.update(sim.time(), last_dt, sim.wet_cells(), sim.steps(), true);
        progress.finish();

        std::vector<float> mh(n), ms(n), at(n);
        sim.copy_max_depth(mh.data());
        sim.copy_max_speed(ms.data());
        sim.copy_arrival_time(at.data());
        writer->finish(mh.data(), ms.data(), at.data(), sim.steps(), wall);
        const double writing_s = writer->writer_seconds(), waited_s = writer->blocked_seconds();
        writer.reset();
        // The last frames and the maxima are written after `wall` (the solver's time, stored in the
        // file): the result is complete only now.
        const double complete_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();

        const MassLedger& l = sim.ledger();
        const double vol = sim.volume();
        double max_depth = 0.0;
        std::size_t flooded = 0;
        for (float v : mh) {
            if (std::isnan(v)) continue;
            max_depth = std::max(max_depth, static_cast<double>(v));
            flooded += v > 0.01f;
        }
        const double updates = static_cast<double>(sim.steps()) * static_cast<double>(sim.domain_cells());
        std::printf("floodsim run summary: %s\n", sc.name.c_str());
        std::printf("  result          %s\n", sc.output_file.c_str());
        std::printf("  scheme          %s, %s precision, %d threads\n", scheme_name(sim.setup().options.scheme),
                        sim.setup().options.precision == Precision::Single ? "single" : "double", sim.threads());
        std::printf("  grid            %d x %d cells of %g x %g m (%lld in the domain)\n", g.nx, g.ny, g.dx, g.dy,
                    static_cast<long long>(sim.domain_cells()));
        std::printf("  simulated       %s in %lld steps (mean dt %.4g s)\n", format_seconds(sim.time()).c_str(),
                    static_cast<long long>(sim.steps()), sim.steps() > 0 ? sim.time() / sim.steps() : 0.0);
        std::printf("  wall time       %.3f s (%.3g cell updates per second)\n", wall, wall > 0 ? updates / wall : 0.0);
        std::printf("  frames          %zu depth rasters\n", frames.size());
        std::printf("  output          %.3f s writing (writer thread), solver waited %.3f s for it; result complete "
                    "%.3f s after the start\n", writing_s, waited_s, complete_s);
        std::printf("  max depth       %.3f m; flooded area (max depth > 0.01 m) %.4g m2\n", max_depth,
                    static_cast<double>(flooded) * g.cell_area());
        std::printf("  volume (m3)     initial %.6g, rain %.6g, inflow %.6g, outflow %.6g, final %.6g\n", l.volume0,
                    l.rain, l.inflow, l.outflow, vol);
        std::printf("  mass balance    error %.3e m3 (relative %.3e)\n", l.error(vol), mass_error_relative(l, vol));
        return 0;
        };
        if (p.setup.options.precision == Precision::Single) {
            SimulationSingle sim(std::move(p.setup));
            return body(sim);
        }
        Simulation sim(std::move(p.setup));
        return body(sim);
    } catch (const InputError& e) {
        report_error(e);
        return 2;
    } catch (const std::invalid_argument& e) {
        report_error(e);
        return 2;
    } catch (const Interrupted& e) {
        std::fprintf(stderr, "\nfloodsim: %s\n", e.what());
        return 130;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "floodsim: internal error: %s\n", e.what());
        return 1;
    }
}

int check_command(const std::string& scenario_path) {
    try {
        Prepared p = prepare(scenario_path, nullptr);
        const Scenario& sc = p.scenario;
        const ModelSetup& m = p.setup;
        const Grid2D& g = m.grid;
        // The output folder must be writable: try it now rather than after an hour of simulation.
        {
            namespace fs = std::filesystem;
            const fs::path out(sc.output_file);
            std::error_code ec;
            // Create the missing folders for the probe and remove them again: check changes nothing.
            fs::path first_missing;
            for (fs::path p = out.parent_path(); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
                first_missing = p;
                if (p == p.parent_path()) break;
            }
            fs::create_directories(out.parent_path(), ec);
            const fs::path probe = out.parent_path() / (".floodsim-check-" + std::to_string(::getpid()));
            std::FILE* f = std::fopen(probe.c_str(), "w");
            if (f) std::fclose(f);
            fs::remove(probe, ec);
            if (!first_missing.empty()) fs::remove_all(first_missing, ec);
            if (!f) throw InputError(sc.path, "output.file", sc.output_file, "the output folder is not writable");
        }
        double zmin = std::numeric_limits<double>::infinity(), zmax = -zmin, vol0 = 0.0;
        std::size_t domain = 0;
        for (std::size_t k = 0; k < m.z.size(); ++k) {
            if (std::isnan(m.z[k])) continue;
            ++domain;
            zmin = std::min(zmin, m.z[k]);
            zmax = std::max(zmax, m.z[k]);
            vol0 += m.h0[k] * g.cell_area();
        }
        std::printf("scenario %s: OK\n", sc.name.c_str());
        std::printf("  file            %s\n", sc.path.c_str());
        std::printf("  DEM             %s\n", sc.dem.c_str());
        std::printf("  grid            %d x %d cells of %g x %g m, %zu in the domain (%.4g km2)\n", g.nx, g.ny, g.dx, g.dy,
                    domain, static_cast<double>(domain) * g.cell_area() / 1e6);
        std::printf("  extent          x %.3f .. %.3f, y %.3f .. %.3f\n", g.x_west(), g.x_east(), g.y_south(), g.y_north());
        std::printf("  bed elevation   %.3f .. %.3f m\n", zmin, zmax);
        std::printf("  initial water   %.6g m3\n", vol0);
        std::printf("  time            %s, frames every %s, gauges every %s\n", format_seconds(sc.duration_s).c_str(),
                    format_seconds(sc.output_interval_s).c_str(), format_seconds(sc.gauge_interval_s).c_str());
        std::printf("  solver          %s, cfl %g, threads %d\n", sc.scheme.c_str(), sc.cfl, m.options.threads);
        static const char* sides[] = {"west", "east", "north", "south"};
        static const char* kinds[] = {"closed", "free", "level", "discharge"};
        for (const BoundarySpec& b : m.boundaries)
            std::printf("  boundary        %s %s, cells %d..%d\n", sides[static_cast<int>(b.side)],
                        kinds[static_cast<int>(b.type)], b.first, b.last);
        if (!m.rain.empty()) {
            double total = 0.0;
            const auto& t = m.rain.times();
            for (std::size_t k = 0; k < t.size(); ++k) {
                const double t1 = k + 1 < t.size() ? std::min(t[k + 1], sc.duration_s) : sc.duration_s;
                if (t1 > t[k]) total += m.rain.values()[k] * (t1 - std::max(0.0, t[k]));
            }
            std::printf("  rain            %.1f mm in total over the run\n", total * 1000.0);
        }
        for (const GaugeSpec& gs : m.gauges)
            std::printf("  gauge           %s at x=%g y=%g (cell %d, %d)\n", gs.name.c_str(), gs.x, gs.y, gs.i, gs.j);
        std::printf("  output          %s\n", sc.output_file.c_str());
        return 0;
    } catch (const InputError& e) {
        report_error(e);
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "floodsim: internal error: %s\n", e.what());
        return 1;
    }
}

int info_command(const std::string& result_path) {
    try {
        std::fputs(describe_result(result_path).c_str(), stdout);
        return 0;
    } catch (const InputError& e) {
        report_error(e);
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "floodsim: internal error: %s\n", e.what());
        return 1;
    }
}

}  // namespace floodsim
