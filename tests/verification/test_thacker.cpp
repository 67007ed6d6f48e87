// Thacker's planar surface in a paraboloid bowl: a moving shoreline on a raster DEM.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "analytic.hpp"
#include "setups.hpp"

namespace floodsim {
namespace {

double run_thacker(int n, double t_end, Scheme scheme = Scheme::Fv1, int threads = 2) {
    const analytic::Thacker2D th;
    ModelSetup s = testing::thacker_setup(n, scheme);
    s.options.threads = threads;
    Simulation sim(s);
    sim.advance_to(t_end);
    return testing::relative_l1_depth(sim, [&](double x, double y) { return th.h(x, y, t_end); });
}

// Outside check setting: 200 x 200 cells, half a period, relative L1 <= 10 % for fv1.
TEST(Thacker2D, PlanarHalfPeriodFv1At200) {
    const analytic::Thacker2D th;
    const double err = run_thacker(200, 0.5 * th.period());
    std::printf("Thacker planar fv1 200x200 t=P/2: relative L1 depth error %.4f\n", err);
    EXPECT_LT(err, 0.10);
}

TEST(Thacker2D, ErrorDecreasesWithResolution) {
    const analytic::Thacker2D th;
    const double e50 = run_thacker(50, 0.5 * th.period());
    const double e100 = run_thacker(100, 0.5 * th.period());
    std::printf("Thacker planar fv1: 50 -> %.4f, 100 -> %.4f, order %.2f\n", e50, e100, std::log2(e50 / e100));
    EXPECT_LT(e100, e50);
}

}  // namespace
}  // namespace floodsim
