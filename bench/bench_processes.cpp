// What the hydrology processes cost per step: fv1 whole steps on the all-wet rained catchment of
// bench_steps, rain alone against rain with Green-Ampt infiltration and storm drains on every
// cell (the processes issue asks for at most 15 % more time per step). Run both in one process,
// with repetitions (bench/processes.sh prints the ratio of the medians).
#include <benchmark/benchmark.h>

#include <string>

#include "bench/catchment.hpp"
#include "solver/simulation.hpp"

namespace floodsim {
namespace {

enum class Processes { RainOnly, GreenAmptAndDrains, HortonAndDrains, ScsAndDrains };

/// `rasters`: every parameter one value per cell (as from rasters: the costlier case for memory
/// traffic); else numbers (one value), as most scenarios give them. Drain capacities are always
/// per cell (the model builder expands them).
ModelSetup setup(int n, int threads, Processes p, bool rasters) {
    ModelSetup s = bench::catchment(n, 1.0, Scheme::Fv1, threads);
    if (p == Processes::RainOnly) return s;
    const std::size_t cells = rasters ? s.grid.cells() : 1;
    s.drainage.capacity.assign(s.grid.cells(), 30.0 / 3.6e6);
    switch (p) {
        case Processes::GreenAmptAndDrains:
            s.infiltration.model = InfiltrationSpec::Model::GreenAmpt;
            s.infiltration.ks.assign(cells, 10.0 / 3.6e6);
            s.infiltration.psi.assign(cells, 0.11);
            s.infiltration.dtheta.assign(cells, 0.3);
            break;
        case Processes::HortonAndDrains:
            s.infiltration.model = InfiltrationSpec::Model::Horton;
            s.infiltration.f0.assign(cells, 60.0 / 3.6e6);
            s.infiltration.fc.assign(cells, 10.0 / 3.6e6);
            s.infiltration.k.assign(cells, 2.0 / 3600.0);
            break;
        case Processes::ScsAndDrains:
            s.infiltration.model = InfiltrationSpec::Model::ScsCn;
            s.infiltration.cn.assign(cells, 80.0);
            break;
        case Processes::RainOnly:
            break;
    }
    return s;
}

void BM_Processes(benchmark::State& state, Processes p) {
    const int n = static_cast<int>(state.range(0));
    const int threads = static_cast<int>(state.range(1));
    Simulation sim(setup(n, threads, p, state.range(2) != 0));
    sim.step(1e9);  // warm up, first touch
    for (auto _ : state) sim.step(1e9);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n) * n);
}

const bool registered = [] {
    const std::pair<const char*, Processes> cases[] = {{"rain", Processes::RainOnly},
                                                       {"rain+green_ampt+drains", Processes::GreenAmptAndDrains},
                                                       {"rain+horton+drains", Processes::HortonAndDrains},
                                                       {"rain+scs_cn+drains", Processes::ScsAndDrains}};
    for (const auto& [name, p] : cases) {
        const Processes q = p;
        benchmark::RegisterBenchmark((std::string("BM_Processes/fv1/double/") + name).c_str(),
                                     [q](benchmark::State& st) { BM_Processes(st, q); })
            ->Args({1024, 2, 0})
            ->Args({1024, 2, 1})
            ->ArgNames({"n", "threads", "rasters"})
            ->UseRealTime()
            ->MinTime(0.5);
    }
    return true;
}();

}  // namespace
}  // namespace floodsim

BENCHMARK_MAIN();
