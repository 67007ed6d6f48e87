// Wall time of a whole scenario (issue 11's speed goals: the 720 template for 24 h at 10 m, the
// urban one for 3 h at 5 m, each within 5 minutes on 2 cores): builds the model as `floodsim run`
// does and steps it to the end without writing a result, then prints the wall time, steps, cell
// updates per second and the share of each phase of a step (boundaries, time step, the flux sweep
// with rain and friction, the processes: infiltration, drains, pumps, inflows, rain grids), and a
// 64-bit FNV-1a hash of the final state (interior h, hu, hv and the processes' cumulative fields):
// two builds step the scenario identically, bit for bit, iff they print the same hash.
//   template_speed SCENARIO.toml [THREADS] [--from STATE] [--until T] [--save STATE]
// (bench/templates.sh makes the scenarios). --from starts from a saved state or checkpoint of the
// scenario (its time included: a window of the wet hours without the hours before it), --until
// stops at T seconds instead of the scenario's end; the figures are then the window's. --save
// writes the final state (depths, maxima, arrival times: two builds' windows compared).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "engine/model_builder.hpp"
#include "io/state_file.hpp"
#include "solver/simulation.hpp"

namespace {

/// FNV-1a over the interior cells of a field, row by row.
template <class T>
void hash_field(std::uint64_t& hash, const floodsim::Field<T>& f, const floodsim::Grid2D& g) {
    for (int j = 0; j < g.ny; ++j) {
        const auto* b = reinterpret_cast<const unsigned char*>(f.row(j));
        for (std::size_t n = 0; n < sizeof(T) * static_cast<std::size_t>(g.nx); ++n) {
            hash ^= b[n];
            hash *= 1099511628211ull;
        }
    }
}

/// Steps the scenario to its end in Sim (Simulation or SimulationSingle, as solver.precision says)
/// and prints the figures.
template <class Sim>
void run(floodsim::LoadedModel& m, const char* path, const std::string& from, double until, const std::string& save) {
    const double end = until > 0.0 ? until : m.scenario.duration_s;
    Sim sim(std::move(m.setup));
    if (!from.empty()) sim.restore_state(floodsim::read_state_file<typename Sim::real_type>(from));
    const double start = sim.state().t;
    const long long steps0 = sim.steps();
    const double duration = end - start;
    if (!(duration > 0.0)) throw std::invalid_argument("--until is not after the state's time");
    const auto t0 = std::chrono::steady_clock::now();
    sim.advance_to(end);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const long long steps = sim.steps() - steps0;
    const double updates = static_cast<double>(steps) * static_cast<double>(sim.domain_cells());
    std::printf("scenario %s\n", path);
    std::printf("  cells %lld, threads %d, %s precision, simulated %.0f s (from t = %.0f s) in %lld steps (mean dt %.3g s)\n",
                static_cast<long long>(sim.domain_cells()), sim.threads(),
                std::is_same_v<Sim, floodsim::Simulation> ? "double" : "single", duration, start,
                steps, duration / static_cast<double>(steps));
    std::printf("  wall time %.2f s, %.3g cell updates per second\n", wall, updates / wall);
    if (sim.lts_cycles() > 0)
        std::printf("  local time stepping: %lld cycles, %.3g cells updated (%.2f x fewer than the global step's)\n",
                    static_cast<long long>(sim.lts_cycles()), static_cast<double>(sim.lts_cell_updates()),
                    updates / static_cast<double>(sim.lts_cell_updates()));
    for (const std::string& phase : sim.phase_names()) {
        const bool part = phase.starts_with("source:") || phase == "refresh";  // within "sources"
        std::printf("  %s%-*s %5.1f %%\n", part ? "  " : "", part ? 28 : 30, phase.c_str(),
                    100.0 * sim.phase_seconds(phase) / wall);
    }
    std::printf("  balance error %.3g m3\n", sim.ledger().error(sim.volume()));
    std::uint64_t hash = 1469598103934665603ull;
    const auto& st = sim.state();
    const floodsim::Grid2D& g = sim.grid();
    hash_field(hash, st.h, g);
    hash_field(hash, st.hu, g);
    hash_field(hash, st.hv, g);
    for (const char* name : {"drainage_depth", "infiltration_depth", "horton_decay", "scs_rain_depth"})
        if (const auto* f = st.extra_field(name)) hash_field(hash, *f, g);
    std::printf("  state hash %016llx\n", static_cast<unsigned long long>(hash));
    if (!save.empty()) {
        const floodsim::SolverOptions& o = sim.setup().options;
        floodsim::StateFileInfo info{floodsim::scheme_name(o.scheme), floodsim::precision_name(o.precision),
                                     m.scenario.name, m.scenario.text, {}, {}};
        floodsim::write_state_file(save, st, info);
    }
}

/// T seconds (> 0) from text, all of it.
bool parse_seconds(const char* text, double& t) {
    char* end = nullptr;
    t = std::strtod(text, &end);
    return end != text && *end == '\0' && t > 0.0;
}

}  // namespace

int main(int argc, char** argv) {
    const char* usage = "usage: template_speed SCENARIO.toml [THREADS] [--from STATE] [--until T] [--save STATE]\n";
    if (argc < 2) {
        std::fprintf(stderr, "%s", usage);
        return 2;
    }
    std::string from, save;
    double until = 0.0;
    int threads = -1;
    for (int a = 2; a < argc; ++a) {
        const std::string arg = argv[a];
        if ((arg == "--from" || arg == "--until" || arg == "--save") && a + 1 < argc) {
            if (arg == "--from")
                from = argv[++a];
            else if (arg == "--save")
                save = argv[++a];
            else if (!parse_seconds(argv[++a], until)) {
                std::fprintf(stderr, "template_speed: --until %s is not a time in seconds above 0\n", argv[a]);
                return 2;
            }
        } else if (!arg.empty() && arg.find_first_not_of("0123456789") == std::string::npos) {
            threads = std::atoi(arg.c_str());
        } else {
            std::fprintf(stderr, "template_speed: unknown argument %s\n%s", arg.c_str(), usage);
            return 2;
        }
    }
    try {
        floodsim::LoadedModel m = floodsim::load_model(argv[1]);
        if (threads >= 0) m.setup.options.threads = threads;
        const bool single = m.setup.options.precision == floodsim::Precision::Single;
        if (single)
            run<floodsim::SimulationSingle>(m, argv[1], from, until, save);
        else
            run<floodsim::Simulation>(m, argv[1], from, until, save);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "template_speed: %s\n", e.what());
        return 2;
    }
}
