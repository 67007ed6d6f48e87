#pragma once
// Small builders of ModelSetup values for the verification cases (no files involved).
#include <cmath>
#include <functional>

#include "analytic.hpp"
#include "solver/model.hpp"
#include "solver/simulation.hpp"

namespace floodsim::testing {

/// A grid of nx x ny cells of size dx covering [0, nx dx] x [0, ny dx] (y north up).
inline ModelSetup make_setup(int nx, int ny, double dx, Scheme scheme = Scheme::Fv1) {
    ModelSetup s;
    s.grid = Grid2D::make(nx, ny, dx, dx, 0.0, ny * dx);
    const std::size_t n = s.grid.cells();
    s.z.assign(n, 0.0);
    s.manning.assign(n, 0.0);
    s.h0.assign(n, 0.0);
    s.u0.assign(n, 0.0);
    s.v0.assign(n, 0.0);
    s.options.scheme = scheme;
    return s;
}

/// Applies f(x, y, k) to every cell (k = linear index, row 0 north).
inline void for_cells(const ModelSetup& s, const std::function<void(double, double, std::size_t)>& f) {
    const Grid2D& g = s.grid;
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i)
            f(g.x_center(i), g.y_center(j), static_cast<std::size_t>(j) * g.nx + i);
}

/// Thacker's planar surface in a paraboloid (analytic::Thacker2D) on n x n cells over [0, 4]^2, at t = 0.
inline ModelSetup thacker_setup(int n, Scheme scheme = Scheme::Fv1) {
    const analytic::Thacker2D th;
    ModelSetup s = make_setup(n, n, 4.0 / n, scheme);
    for_cells(s, [&](double x, double y, std::size_t k) {
        s.z[k] = th.z(x, y);
        s.h0[k] = th.h(x, y, 0.0);
        s.u0[k] = th.u(0.0);
        s.v0[k] = th.v(0.0);
    });
    return s;
}

/// Relative L1 error of depth against an exact h(x, y), over domain cells.
template <class Sim>
inline double relative_l1_depth(const Sim& sim, const std::function<double(double, double)>& exact) {
    const Grid2D& g = sim.grid();
    double num = 0.0, den = 0.0;
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
            if (!sim.inside(i, j)) continue;
            const double he = exact(g.x_center(i), g.y_center(j));
            num += std::abs(sim.h()(i, j) - he);
            den += std::abs(he);
        }
    return num / den;
}

}  // namespace floodsim::testing
