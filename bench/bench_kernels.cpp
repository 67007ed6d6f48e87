// Kernel benchmarks: the pure functions the sweeps are made of, over rows of 4096 faces/cells.
// items_per_second = faces or cells per second on one thread.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "solver/face_rows.hpp"
#include "solver/friction_manning.hpp"

namespace floodsim {
namespace {

constexpr int kN = 4096;

struct Row {
    std::vector<double> h, z, u, v, hu, hv;
    explicit Row(unsigned seed) : h(kN + 2), z(kN + 2), u(kN + 2), v(kN + 2), hu(kN + 2), hv(kN + 2) {
        std::mt19937 rng(seed);
        std::uniform_real_distribution<double> H(0.05, 2.0), Z(0.0, 0.5), U(-1.0, 1.0);
        for (int i = 0; i < kN + 2; ++i) {
            h[i] = H(rng);
            z[i] = Z(rng);
            u[i] = U(rng);
            v[i] = U(rng);
            hu[i] = h[i] * u[i];
            hv[i] = h[i] * v[i];
        }
    }
};

struct Faces {
    std::vector<double> buf = std::vector<double>(kFaceArrays * (kN + 1));
    FaceRow row() {
        double* p = buf.data();
        const std::size_t n = kN + 1;
        return {p, p + n, p + 2 * n, p + 3 * n, p + 4 * n, p + 5 * n};
    }
};

void BM_VelocityRow(benchmark::State& state) {
    Row r(1);
    std::vector<double> u(kN + 2), v(kN + 2);
    for (auto _ : state) {
        velocity_range(0, kN, r.h.data(), r.hu.data(), r.hv.data(), 1e-16, u.data(), v.data());
        benchmark::DoNotOptimize(u.data());
    }
    state.SetItemsProcessed(state.iterations() * kN);
}
BENCHMARK(BM_VelocityRow);

void BM_XFluxRow(benchmark::State& state) {
    Row r(2);
    Faces f;
    for (auto _ : state) {
        x_face_range(0, kN, r.h.data() + 1, r.z.data() + 1, r.u.data() + 1, r.v.data() + 1, 9.81, f.row());
        benchmark::DoNotOptimize(f.buf.data());
    }
    state.SetItemsProcessed(state.iterations() * (kN + 1));
}
BENCHMARK(BM_XFluxRow);

void BM_YFluxRow(benchmark::State& state) {
    Row a(3), b(4);
    Faces f;
    for (auto _ : state) {
        y_face_range(0, kN, a.h.data(), a.z.data(), a.u.data(), a.v.data(), b.h.data(), b.z.data(), b.u.data(),
                     b.v.data(), 9.81, f.row());
        benchmark::DoNotOptimize(f.buf.data());
    }
    state.SetItemsProcessed(state.iterations() * kN);
}
BENCHMARK(BM_YFluxRow);

void BM_FrictionRow(benchmark::State& state) {
    Row r(5);
    std::vector<double> qx = r.hu, qy = r.hv;
    for (auto _ : state) {
#pragma omp simd
        for (int i = 0; i < kN; ++i) {
            const double f = manning_implicit_factor(r.h[i], qx[i], qy[i], 9.81 * 0.03 * 0.03, 0.5);
            qx[i] = r.hu[i] * f;
            qy[i] = r.hv[i] * f;
        }
        benchmark::DoNotOptimize(qx.data());
    }
    state.SetItemsProcessed(state.iterations() * kN);
}
BENCHMARK(BM_FrictionRow);

void BM_RainRow(benchmark::State& state) {
    Row r(6);
    for (auto _ : state) {
#pragma omp simd
        for (int i = 0; i < kN; ++i) r.h[i] += r.z[i] < 5e8 ? 1e-6 : 0.0;
        benchmark::DoNotOptimize(r.h.data());
    }
    state.SetItemsProcessed(state.iterations() * kN);
}
BENCHMARK(BM_RainRow);

}  // namespace
}  // namespace floodsim

BENCHMARK_MAIN();
