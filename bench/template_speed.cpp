// Wall time of a whole scenario (issue 11's speed goals: the 720 template for 24 h at 10 m, the
// urban one for 3 h at 5 m, each within 5 minutes on 2 cores): builds the model as `floodsim run`
// does and steps it to the end without writing a result, then prints the wall time, steps, cell
// updates per second and the share of each phase of a step (boundaries, time step, the flux sweep
// with rain and friction, the processes: infiltration, drains, pumps, inflows, rain grids).
//   template_speed SCENARIO.toml [THREADS]      (bench/templates.sh makes the scenarios)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "engine/model_builder.hpp"
#include "solver/simulation.hpp"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: template_speed SCENARIO.toml [THREADS]\n");
        return 2;
    }
    try {
        floodsim::LoadedModel m = floodsim::load_model(argv[1]);
        if (argc > 2) m.setup.options.threads = std::atoi(argv[2]);
        const double duration = m.scenario.duration_s;
        const auto t0 = std::chrono::steady_clock::now();
        floodsim::Simulation sim(std::move(m.setup));
        sim.advance_to(duration);
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double updates = static_cast<double>(sim.steps()) * static_cast<double>(sim.domain_cells());
        std::printf("scenario %s\n", argv[1]);
        std::printf("  cells %lld, threads %d, simulated %.0f s in %lld steps (mean dt %.3g s)\n",
                    static_cast<long long>(sim.domain_cells()), sim.threads(), duration,
                    static_cast<long long>(sim.steps()), duration / static_cast<double>(sim.steps()));
        std::printf("  wall time %.2f s, %.3g cell updates per second\n", wall, updates / wall);
        for (const std::string& phase : sim.phase_names()) {
            const bool part = phase.starts_with("source:") || phase == "refresh";  // within "sources"
            std::printf("  %s%-*s %5.1f %%\n", part ? "  " : "", part ? 28 : 30, phase.c_str(),
                        100.0 * sim.phase_seconds(phase) / wall);
        }
        std::printf("  balance error %.3g m3\n", sim.ledger().error(sim.volume()));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "template_speed: %s\n", e.what());
        return 2;
    }
}
