// Kernel benchmarks: the pure functions the sweeps are made of, over rows of 4096 faces/cells.
// items_per_second = faces or cells per second on one thread; each in double and in float.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "solver/face_rows.hpp"
#include "solver/friction_manning.hpp"

namespace floodsim {
namespace {

constexpr int kN = 4096;

template <class T>
struct Row {
    std::vector<T> h, z, u, v, hu, hv;
    explicit Row(unsigned seed) : h(kN + 2), z(kN + 2), u(kN + 2), v(kN + 2), hu(kN + 2), hv(kN + 2) {
        std::mt19937 rng(seed);
        std::uniform_real_distribution<T> H(T(0.05), T(2.0)), Z(T(0), T(0.5)), U(T(-1), T(1));
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

template <class T>
struct Faces {
    std::vector<T> buf = std::vector<T>(kFaceArrays * (kN + 1));
    FaceRow<T> row() {
        T* p = buf.data();
        const std::size_t n = kN + 1;
        return {p, p + n, p + 2 * n, p + 3 * n, p + 4 * n, p + 5 * n};
    }
};

template <class T>
void BM_VelocityRow(benchmark::State& state) {
    Row<T> r(1);
    std::vector<T> u(kN + 2), v(kN + 2);
    for (auto _ : state) {
        velocity_range(0, kN, r.h.data(), r.hu.data(), r.hv.data(), T(1e-16), u.data(), v.data());
        benchmark::DoNotOptimize(u.data());
    }
    state.SetItemsProcessed(state.iterations() * kN);
}
BENCHMARK_TEMPLATE(BM_VelocityRow, double);
BENCHMARK_TEMPLATE(BM_VelocityRow, float);

template <class T>
void BM_XFluxRow(benchmark::State& state) {
    Row<T> r(2);
    Faces<T> f;
    const std::vector<T> gn2(kN + 2, T(9.81 * 0.03 * 0.03));
    for (auto _ : state) {
        x_face_range(0, kN, r.h.data() + 1, r.z.data() + 1, r.u.data() + 1, r.v.data() + 1, gn2.data() + 1, T(9.81),
                     T(0.1), f.row());
        benchmark::DoNotOptimize(f.buf.data());
    }
    state.SetItemsProcessed(state.iterations() * (kN + 1));
}
BENCHMARK_TEMPLATE(BM_XFluxRow, double);
BENCHMARK_TEMPLATE(BM_XFluxRow, float);

template <class T>
void BM_YFluxRow(benchmark::State& state) {
    Row<T> a(3), b(4);
    Faces<T> f;
    const std::vector<T> gn2(kN + 2, T(9.81 * 0.03 * 0.03));
    for (auto _ : state) {
        y_face_range(0, kN, a.h.data(), a.z.data(), a.u.data(), a.v.data(), gn2.data(), b.h.data(), b.z.data(),
                     b.u.data(), b.v.data(), gn2.data(), T(9.81), T(0.1), f.row());
        benchmark::DoNotOptimize(f.buf.data());
    }
    state.SetItemsProcessed(state.iterations() * kN);
}
BENCHMARK_TEMPLATE(BM_YFluxRow, double);
BENCHMARK_TEMPLATE(BM_YFluxRow, float);

template <class T>
void BM_FrictionRow(benchmark::State& state) {
    Row<T> r(5);
    std::vector<T> qx = r.hu, qy = r.hv;
    for (auto _ : state) {
#pragma omp simd
        for (int i = 0; i < kN; ++i) {
            const T f = manning_implicit_factor(r.h[i], qx[i], qy[i], T(9.81 * 0.03 * 0.03), T(0.5));
            qx[i] = r.hu[i] * f;
            qy[i] = r.hv[i] * f;
        }
        benchmark::DoNotOptimize(qx.data());
    }
    state.SetItemsProcessed(state.iterations() * kN);
}
BENCHMARK_TEMPLATE(BM_FrictionRow, double);
BENCHMARK_TEMPLATE(BM_FrictionRow, float);

template <class T>
void BM_RainRow(benchmark::State& state) {
    Row<T> r(6);
    for (auto _ : state) {
#pragma omp simd
        for (int i = 0; i < kN; ++i) r.h[i] += r.z[i] < T(5e8) ? T(1e-6) : T(0);
        benchmark::DoNotOptimize(r.h.data());
    }
    state.SetItemsProcessed(state.iterations() * kN);
}
BENCHMARK_TEMPLATE(BM_RainRow, double);
BENCHMARK_TEMPLATE(BM_RainRow, float);

}  // namespace
}  // namespace floodsim

BENCHMARK_MAIN();
