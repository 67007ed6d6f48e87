// Wall time of a whole scenario (issue 11's speed goals: the 720 template for 24 h at 10 m, the
// urban one for 3 h at 5 m, each within 5 minutes on 2 cores): builds the model as `floodsim run`
// does and steps it to the end without writing a result, then prints the wall time, steps, cell
// updates per second and the share of each phase of a step (boundaries, time step, the flux sweep
// with rain and friction, the processes: infiltration, drains, pumps, inflows, rain grids), and a
// 64-bit FNV-1a hash of the final state (interior h, hu, hv and the processes' cumulative fields):
// two builds step the scenario identically, bit for bit, iff they print the same hash.
//   template_speed SCENARIO.toml [THREADS]      (bench/templates.sh makes the scenarios)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <cstdint>
#include <string>
#include <type_traits>

#include "engine/model_builder.hpp"
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
void run(floodsim::LoadedModel& m, const char* path) {
    const double duration = m.scenario.duration_s;
    const auto t0 = std::chrono::steady_clock::now();
    Sim sim(std::move(m.setup));
    sim.advance_to(duration);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double updates = static_cast<double>(sim.steps()) * static_cast<double>(sim.domain_cells());
    std::printf("scenario %s\n", path);
    std::printf("  cells %lld, threads %d, %s precision, simulated %.0f s in %lld steps (mean dt %.3g s)\n",
                static_cast<long long>(sim.domain_cells()), sim.threads(),
                std::is_same_v<Sim, floodsim::Simulation> ? "double" : "single", duration,
                static_cast<long long>(sim.steps()), duration / static_cast<double>(sim.steps()));
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
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: template_speed SCENARIO.toml [THREADS]\n");
        return 2;
    }
    try {
        floodsim::LoadedModel m = floodsim::load_model(argv[1]);
        if (argc > 2) m.setup.options.threads = std::atoi(argv[2]);
        const bool single = m.setup.options.precision == floodsim::Precision::Single;
        if (single)
            run<floodsim::SimulationSingle>(m, argv[1]);
        else
            run<floodsim::Simulation>(m, argv[1]);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "template_speed: %s\n", e.what());
        return 2;
    }
}
