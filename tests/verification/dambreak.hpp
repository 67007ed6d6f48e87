#pragma once
// The outside checks' dam break: a 2 km reach, dam at 1000 m, 10 m of water upstream and hr
// downstream (0: Ritter, > 0: Stoker), cells of dx, t = 40 s. Returns the relative L1 depth error.
#include <cmath>

#include "analytic.hpp"
#include "setups.hpp"

namespace floodsim::testing {

template <class Sim = Simulation>
double dambreak_error(double hr, double dx, Scheme scheme) {
    const double length = 2000.0, x0 = 1000.0, hl = 10.0, t_end = 40.0;
    ModelSetup s = make_setup(static_cast<int>(std::lround(length / dx)), 1, dx, scheme);
    for_cells(s, [&](double x, double, std::size_t k) { s.h0[k] = x < x0 ? hl : hr; });
    Sim sim(s);
    sim.advance_to(t_end);
    return relative_l1_depth(sim, [&](double x, double) {
        return hr > 0.0 ? analytic::stoker(x, t_end, x0, hl, hr).h : analytic::ritter(x, t_end, x0, hl).h;
    });
}

}  // namespace floodsim::testing
