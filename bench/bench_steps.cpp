// Whole time steps of the schemes on synthetic catchments: cell updates per second
// (items_per_second) for fully wet and 90 % dry domains. Timings live here, never in tests.
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <utility>

#include "bench/catchment.hpp"
#include "solver/simulation.hpp"

namespace floodsim {
namespace {

template <class Sim>
void BM_Step(benchmark::State& state, Scheme scheme) {
    const int n = static_cast<int>(state.range(0));
    const double wet = state.range(1) / 100.0;
    const int threads = static_cast<int>(state.range(2));
    Sim sim(bench::catchment(n, wet, scheme, threads));
    sim.step(1e9);  // warm up, first touch
    for (auto _ : state) sim.step(1e9);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n) * n);
    state.counters["threads"] = threads;
    // Bytes of solver state per cell (fields on the padded grid, all schemes' extras included).
    state.counters["bytes_per_cell"] = static_cast<double>(sim.state_bytes()) / (static_cast<double>(n) * n);
}

void args(benchmark::internal::Benchmark* b) {
    for (int n : {256, 1024, 2048})
        for (int wet : {100, 10})
            for (int t : {1, 2}) b->Args({n, wet, t});
    b->ArgNames({"n", "wet%", "threads"})->UseRealTime()->MinTime(0.5);
}

// Names: BM_Step/<scheme>/<precision>/n:../wet%:../threads:..
const bool registered = [] {
    for (const auto& [name, scheme] : floodsim::bench::kSchemes) {
        const Scheme s = scheme;
        benchmark::RegisterBenchmark((std::string("BM_Step/") + name + "/double").c_str(),
                                     [s](benchmark::State& st) { BM_Step<Simulation>(st, s); })
            ->Apply(args);
        benchmark::RegisterBenchmark((std::string("BM_Step/") + name + "/single").c_str(),
                                     [s](benchmark::State& st) { BM_Step<SimulationSingle>(st, s); })
            ->Apply(args);
    }
    return true;
}();

}  // namespace
}  // namespace floodsim

BENCHMARK_MAIN();
