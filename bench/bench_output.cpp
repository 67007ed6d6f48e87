// Cost of the result output against the solver: one 1024 x 1024 frame written through
// Hdf5ResultWriter (compressed, flushed, as the run writes it), with and without velocities and
// for several storage settings, next to 100 fv1 steps of a wet 1024^2 catchment. At the end it
// prints the ratio frame / 100 steps (frames every 100 steps). Timings live here, never in tests.
//
//   bench_output [--benchmark_filter=...]     (ratios are printed for the benchmarks that ran)
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "bench/catchment.hpp"
#include "io/async_result_writer.hpp"
#include "io/hdf5_result_writer.hpp"
#include "solver/simulation.hpp"

namespace floodsim {
namespace {

namespace fs = std::filesystem;
constexpr int kN = 1024;

/// A realistic frame: NaN outside an irregular round domain (about 20 % of the cells), dry
/// zeros over about 40 % of the domain, a smooth depth field elsewhere (full float mantissas,
/// as a solver writes them), velocities zero where dry.
struct Frame {
    std::vector<float> depth, vx, vy;
};
Frame realistic_frame(int n) {
    Frame f;
    const std::size_t c = static_cast<std::size_t>(n) * n;
    f.depth.resize(c);
    f.vx.resize(c);
    f.vy.resize(c);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * n + i;
            const double x = (i + 0.5) / n, y = (j + 0.5) / n;
            const double r = std::hypot(x - 0.5, y - 0.5), a = std::atan2(y - 0.5, x - 0.5);
            if (r > 0.5 + 0.04 * std::sin(7.0 * a)) {
                f.depth[k] = f.vx[k] = f.vy[k] = nan;
                continue;
            }
            const double h = 0.6 * std::sin(3.1 * x + 0.4) * std::cos(2.3 * y) + 0.25 * std::sin(11.0 * x + 5.0 * y) +
                             0.05 * std::cos(37.0 * x * y) - 0.1;
            if (h <= 0.0) {
                f.depth[k] = f.vx[k] = f.vy[k] = 0.0f;
                continue;
            }
            f.depth[k] = static_cast<float>(h);
            f.vx[k] = static_cast<float>(0.8 * std::sqrt(h) * std::cos(6.0 * y + x));
            f.vy[k] = static_cast<float>(-0.5 * std::sqrt(h) * std::sin(4.0 * x - 2.0 * y));
        }
    return f;
}

const Frame& frame() {
    static const Frame f = realistic_frame(kN);
    return f;
}

ResultMetadata meta(bool velocity, RasterStorage storage) {
    ResultMetadata m;
    m.nx = m.ny = kN;
    m.geotransform = {0.0, 10.0, 0.0, kN * 10.0, 0.0, -10.0};
    m.scenario_text = "bench";
    m.floodsim_version = "bench";
    m.scheme = "fv1";
    m.write_velocity = velocity;
    m.gauge_names = {"g"};
    m.storage = storage;
    return m;
}

fs::path scratch(const std::string& tag) {
    return fs::temp_directory_path() / ("floodsim_bench_output_" + std::to_string(::getpid()) + "_" + tag + ".h5");
}

/// One frame through Hdf5ResultWriter (extend, write, /time, flush), as the synchronous run
/// does it. Args: velocity (0/1), deflate level, shuffle (0/1), tile edge.
void BM_WriteFrame(benchmark::State& state) {
    const bool velocity = state.range(0) != 0;
    const RasterStorage storage{static_cast<int>(state.range(3)), static_cast<int>(state.range(1)),
                                state.range(2) != 0};
    const Frame& f = frame();
    const fs::path path = scratch("frame");
    const ResultMetadata m = meta(velocity, storage);
    const std::string part = Hdf5ResultWriter::partial_path(path.string());
    std::unique_ptr<Hdf5ResultWriter> writer;
    std::uintmax_t size0 = 0, bytes_total = 0;
    std::int64_t frames = 0;
    double t = 0.0;
    for (auto _ : state) {
        if (frames % 32 == 0) {  // a fresh file now and then: bounded disk use
            state.PauseTiming();
            if (writer) bytes_total += fs::file_size(part) - size0;
            writer.reset();
            writer = std::make_unique<Hdf5ResultWriter>(path.string(), m);
            size0 = fs::file_size(part);
            state.ResumeTiming();
        }
        writer->write_frame(t, f.depth.data(), velocity ? f.vx.data() : nullptr, velocity ? f.vy.data() : nullptr);
        t += 60.0;
        ++frames;
    }
    bytes_total += fs::file_size(part) - size0;
    const double bytes = static_cast<double>(bytes_total) / static_cast<double>(frames);
    writer.reset();  // removes the partial file
    const double raw = static_cast<double>(kN) * kN * sizeof(float) * (velocity ? 3 : 1);
    state.counters["MB_per_frame"] = bytes / 1e6;
    state.counters["ratio_to_raw"] = bytes / raw;
    state.SetBytesProcessed(static_cast<std::int64_t>(raw) * state.iterations());
}

/// What the solver thread pays per frame with AsyncResultWriter when the writer keeps up:
/// copying the fields from the solver into a frame buffer and queueing it (the writer thread
/// compresses meanwhile; pauses let it drain so that the queue never blocks here).
void BM_HandOffFrame(benchmark::State& state) {
    const bool velocity = state.range(0) != 0;
    Simulation sim(bench::catchment(kN, 1.0, Scheme::Fv1, 2));
    const fs::path path = scratch("async");
    AsyncResultWriter writer(path.string(), meta(velocity, RasterStorage{}));
    double t = 0.0;
    for (auto _ : state) {
        writer.write_frame(t, [&](float* d, float* vx, float* vy) {
            sim.copy_depth(d);
            if (velocity) sim.copy_velocity(vx, vy);
        });
        t += 60.0;
        state.PauseTiming();
        writer.wait_idle();
        state.ResumeTiming();
    }
}

/// 100 fv1 steps of the wet 1024^2 catchment (the work between two frames "every 100 steps").
void BM_Steps100(benchmark::State& state) {
    const int threads = static_cast<int>(state.range(0));
    Simulation sim(bench::catchment(kN, 1.0, Scheme::Fv1, threads));
    sim.step(1e9);  // warm up, first touch
    for (auto _ : state)
        for (int s = 0; s < 100; ++s) sim.step(1e9);
    state.SetItemsProcessed(state.iterations() * 100 * static_cast<std::int64_t>(kN) * kN);
}

BENCHMARK(BM_Steps100)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_WriteFrame)
    ->ArgNames({"velocity", "deflate", "shuffle", "tile"})
    ->Args({0, 4, 1, 256})  // the default before this benchmark
    ->Args({1, 4, 1, 256})
    ->Args({0, 1, 1, 256})
    ->Args({1, 1, 1, 256})
    ->Args({0, 2, 1, 256})
    ->Args({0, 6, 1, 256})
    ->Args({0, 1, 0, 256})
    ->Args({0, 4, 1, 128})
    ->Args({0, 1, 1, 128})
    ->Args({1, 1, 1, 128})
    ->Args({0, 1, 1, 64})
    ->Args({0, 1, 1, 512})
    ->Args({0, 0, 0, 256})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(1.0);
BENCHMARK(BM_HandOffFrame)->Arg(0)->Arg(1)->ArgName("velocity")->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1.0);

/// Console output plus the ratios of every frame benchmark to 100 steps on 1 and 2 threads.
class RatioReporter : public benchmark::ConsoleReporter {
public:
    RatioReporter() : ConsoleReporter(OO_Tabular) {}
    void ReportRuns(const std::vector<Run>& runs) override {
        // The median when repeated (--benchmark_repetitions), else the one run.
        for (const Run& r : runs) {
            if (r.error_occurred) continue;
            const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
            if (r.run_type != Run::RT_Iteration && !median) continue;
            const std::string name = short_name(r.run_name.str());
            if (!median && medians_.count(name)) continue;
            if (median) medians_.insert(name);
            ms_[name] = r.GetAdjustedRealTime() * seconds_per(r.time_unit) * 1e3;
        }
        ConsoleReporter::ReportRuns(runs);
    }
    void Finalize() override {
        ConsoleReporter::Finalize();
        for (int threads : {1, 2}) {
            const auto steps = ms_.find("BM_Steps100/threads:" + std::to_string(threads));
            if (steps == ms_.end()) continue;
            std::printf("\n100 fv1 steps of 1024^2 on %d thread(s): %.1f ms; frame cost / 100 steps:\n", threads,
                        steps->second);
            for (const auto& [name, ms] : ms_)
                if (name.rfind("BM_Steps100", 0) != 0)
                    std::printf("  %-60s %8.2f ms  %6.2f %%\n", name.c_str(), ms, 100.0 * ms / steps->second);
        }
    }

private:
    /// The name less "/min_time:..", "/repeats:.." and "/real_time".
    static std::string short_name(const std::string& full) {
        std::string out;
        std::size_t start = 0;
        while (start <= full.size()) {
            const std::size_t end = std::min(full.find('/', start), full.size());
            const std::string part = full.substr(start, end - start);
            if (part.rfind("min_time:", 0) != 0 && part.rfind("repeats:", 0) != 0 && part != "real_time")
                out += (out.empty() ? "" : "/") + part;
            start = end + 1;
        }
        return out;
    }
    static double seconds_per(benchmark::TimeUnit u) {
        switch (u) {
            case benchmark::kNanosecond: return 1e-9;
            case benchmark::kMicrosecond: return 1e-6;
            case benchmark::kMillisecond: return 1e-3;
            default: return 1.0;
        }
    }
    std::map<std::string, double> ms_;
    std::set<std::string> medians_;
};

}  // namespace
}  // namespace floodsim

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    floodsim::RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
