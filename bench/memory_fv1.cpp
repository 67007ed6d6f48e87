// Peak resident memory of an fv1 run on an N x N grid (default 4096), output excluded:
// builds the model, takes a few steps, prints bytes per cell from getrusage's max RSS.
// Usage: memory_fv1 [N] [double|single]   (one precision per process: the peak is per process)
#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "solver/simulation.hpp"

namespace {

template <class Sim>
void run(int n) {
    using namespace floodsim;
    ModelSetup s;
    s.grid = Grid2D::make(n, n, 10.0, 10.0, 0.0, n * 10.0);
    const std::size_t c = s.grid.cells();
    s.z.resize(c);
    s.manning.assign(c, 0.03);
    s.h0.assign(c, 0.2);
    for (std::size_t k = 0; k < c; ++k) s.z[k] = 0.001 * static_cast<double>(k % n);
    s.options.threads = 2;
    Sim sim(std::move(s));
    for (int k = 0; k < 3; ++k) sim.step(1e9);
    std::printf("state bytes per cell %.1f\n", static_cast<double>(sim.state_bytes()) / (double(n) * n));
}

}  // namespace

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::atoi(argv[1]) : 4096;
    const bool single = argc > 2 && std::string(argv[2]) == "single";
    if (single)
        run<floodsim::SimulationSingle>(n);
    else
        run<floodsim::Simulation>(n);
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const double bytes = static_cast<double>(ru.ru_maxrss) * 1024.0;
    std::printf("fv1 %s %d x %d: peak resident %.2f GB, %.1f bytes per cell\n", single ? "single" : "double", n, n,
                bytes / 1e9, bytes / (double(n) * n));
    return 0;
}
