// Whole time steps of the schemes on synthetic catchments: cell updates per second
// (items_per_second) for fully wet and 90 % dry domains. Timings live here, never in tests.
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <utility>

#include "solver/simulation.hpp"

namespace floodsim {
namespace {

/// A rained-on tilted catchment with gentle undulations. With `wet_fraction` < 1 the rest of the
/// domain is dry land that no water reaches: the west part is a reservoir whose water sloshes
/// against a terrace 3 m high (no rain), so the wet share stays the same for the whole benchmark
/// (a spreading flood would wet more of the domain with every iteration).
ModelSetup catchment(int n, double wet_fraction, Scheme scheme, int threads) {
    ModelSetup s;
    s.grid = Grid2D::make(n, n, 10.0, 10.0, 0.0, n * 10.0);
    const std::size_t c = s.grid.cells();
    s.z.resize(c);
    s.manning.assign(c, 0.03);
    s.h0.assign(c, 0.0);
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * n + i;
            s.z[k] = 0.001 * (n - i) * 10.0 + 0.3 * std::sin(i * 0.05) * std::cos(j * 0.07);
            if (wet_fraction < 1.0 && i >= wet_fraction * n) s.z[k] += 3.0;  // the terrace
            if (i < wet_fraction * n) s.h0[k] = 0.5 + 0.1 * std::sin(j * 0.1);
        }
    if (wet_fraction >= 1.0) s.rain = TimeSeries::constant(100.0 / 3.6e6);
    s.boundaries.push_back({BoundarySide::East, BoundaryType::Free, {}, 0, -1});
    s.options.scheme = scheme;
    s.options.threads = threads;
    return s;
}

template <class Sim>
void BM_Step(benchmark::State& state, Scheme scheme) {
    const int n = static_cast<int>(state.range(0));
    const double wet = state.range(1) / 100.0;
    const int threads = static_cast<int>(state.range(2));
    Sim sim(catchment(n, wet, scheme, threads));
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
    const std::pair<const char*, Scheme> schemes[] = {
        {"fv1", Scheme::Fv1}, {"fv2", Scheme::Fv2}, {"inertial", Scheme::Inertial}};
    for (const auto& [name, scheme] : schemes) {
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
