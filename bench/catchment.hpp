#pragma once
// The synthetic catchment of the step benchmarks (bench_steps, bench_output, state_hash,
// mpi_steps), and the schemes by name.
#include <cmath>
#include <utility>

#include "solver/model.hpp"

namespace floodsim::bench {

/// The schemes and their names in scenarios (solver.scheme).
inline constexpr std::pair<const char*, Scheme> kSchemes[] = {
    {"fv1", Scheme::Fv1}, {"fv2", Scheme::Fv2}, {"inertial", Scheme::Inertial}};

/// A rained-on tilted catchment with gentle undulations. With `wet_fraction` < 1 the rest of the
/// domain is dry land that no water reaches: the west part is a reservoir whose water sloshes
/// against a terrace 3 m high (no rain), so the wet share stays the same for the whole benchmark
/// (a spreading flood would wet more of the domain with every iteration).
inline ModelSetup catchment(int n, double wet_fraction, Scheme scheme, int threads) {
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

}  // namespace floodsim::bench
