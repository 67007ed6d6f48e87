// Dry-tile skipping (fv1, fv2 and inertial) must not change a single bit: a chunk of dry cells is
// skipped only when no water can cross one of its faces in the step. A flood that spreads from a
// reservoir inside one chunk across chunk boundaries in all four directions, a discharge inflow
// into a dry bed, a level boundary and a free outflow; both precisions, 1 and 2 threads.
#include <gtest/gtest.h>
#include <omp.h>

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include <cmath>
#include <cstring>
#include <vector>

#include "setups.hpp"

namespace floodsim {
namespace {

constexpr int kNx = 300, kNy = 200;  // 5 chunks of 64 cells per row (the last one partial)
constexpr double kDx = 5.0;

ModelSetup spreading_flood(Scheme scheme, bool skip, int threads) {
    ModelSetup s = testing::make_setup(kNx, kNy, kDx, scheme);
    for (int j = 0; j < kNy; ++j)
        for (int i = 0; i < kNx; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * kNx + i;
            s.z[k] = 0.05 * std::sin(i * 0.11) * std::cos(j * 0.07);
            s.manning[k] = 0.03;
            if (i >= 140 && i < 180 && j >= 90 && j < 110) s.h0[k] = 1.0;  // inside chunk 2 (128..191)
            if (i >= 240 && i < 246 && j >= 40 && j < 160) s.z[k] = std::nan("");  // a wall
        }
    // A hydrograph into a dry bed on the north side (chunk 3), a level above the bed on part of
    // the west side, a free outflow east; the south side stays closed.
    s.boundaries.push_back({BoundarySide::North, BoundaryType::Discharge,
                            TimeSeries({0.0, 100.0}, {0.0, 6.0}, TimeSeries::Mode::Linear), 200, 210});
    s.boundaries.push_back({BoundarySide::West, BoundaryType::Level, TimeSeries::constant(0.3), 20, 30});
    s.boundaries.push_back({BoundarySide::East, BoundaryType::Free, {}, 0, -1});
    s.options.skip_dry_tiles = skip;
    s.options.threads = threads;
    return s;
}

template <class Sim>
void expect_identical(const Sim& a, const Sim& b) {
    using Real = typename Sim::real_type;
    ASSERT_EQ(a.steps(), b.steps());
    EXPECT_EQ(std::memcmp(a.h().data(), b.h().data(), a.h().size() * sizeof(Real)), 0);
    EXPECT_EQ(std::memcmp(a.hu().data(), b.hu().data(), a.hu().size() * sizeof(Real)), 0);
    EXPECT_EQ(std::memcmp(a.hv().data(), b.hv().data(), a.hv().size() * sizeof(Real)), 0);
    EXPECT_EQ(a.ledger().inflow, b.ledger().inflow);
    EXPECT_EQ(a.ledger().outflow, b.ledger().outflow);
    EXPECT_EQ(a.ledger().positivity_fix, b.ledger().positivity_fix);
    EXPECT_EQ(a.wet_cells(), b.wet_cells());
    std::vector<float> ma(a.grid().cells()), mb(b.grid().cells());
    a.copy_max_depth(ma.data());
    b.copy_max_depth(mb.data());
    EXPECT_EQ(std::memcmp(ma.data(), mb.data(), ma.size() * sizeof(float)), 0);
    a.copy_max_speed(ma.data());
    b.copy_max_speed(mb.data());
    EXPECT_EQ(std::memcmp(ma.data(), mb.data(), ma.size() * sizeof(float)), 0);
    a.copy_arrival_time(ma.data());
    b.copy_arrival_time(mb.data());
    EXPECT_EQ(std::memcmp(ma.data(), mb.data(), ma.size() * sizeof(float)), 0);
}

// The front really crossed chunk boundaries westward (x = 128), eastward (x = 192), across many
// rows north and south, and the inflow and the level boundary wetted the dry bed next to them;
// large parts stayed dry (so chunks were skipped).
template <class Sim>
void expect_spread(const Sim& sim) {
    auto wet = [&](int i, int j) { return sim.h()(i, j) > 1e-3; };
    EXPECT_TRUE(wet(120, 100));  // west of chunk 2
    EXPECT_TRUE(wet(200, 100));  // east of chunk 2
    EXPECT_TRUE(wet(160, 75));   // north of the reservoir
    EXPECT_TRUE(wet(160, 125));  // south of the reservoir
    EXPECT_TRUE(wet(205, 3));    // below the inflow
    EXPECT_TRUE(wet(1, 25));     // next to the level boundary
    EXPECT_FALSE(wet(60, 180));  // still dry far away
    EXPECT_LT(sim.wet_cells(), kNx * kNy / 2);
}

template <class Sim>
void check_scheme(Scheme scheme, double t_end) {
    Sim full(spreading_flood(scheme, false, 1));
    Sim skip1(spreading_flood(scheme, true, 1));
    Sim skip2(spreading_flood(scheme, true, 2));
    full.advance_to(t_end);
    skip1.advance_to(t_end);
    skip2.advance_to(t_end);
    expect_spread(full);
    expect_identical(full, skip1);
    expect_identical(full, skip2);
}

// The same flood with every process on: Green-Ampt infiltration and drains on every cell, a pump
// from the reservoir into a dry corner, an inflow along a line into dry land; skipping dry
// chunks still changes nothing (the sources act on the whole grid after each sweep).
ModelSetup flood_with_processes(Scheme scheme, bool skip, int threads) {
    ModelSetup s = spreading_flood(scheme, skip, threads);
    const std::size_t n = s.grid.cells();
    s.infiltration.model = InfiltrationSpec::Model::GreenAmpt;
    s.infiltration.ks = {10.0 / 3.6e6};
    s.infiltration.psi = {0.11};
    s.infiltration.dtheta.assign(n, 0.3);  // one parameter per cell, as from a raster
    s.drainage.capacity.assign(n, 20.0 / 3.6e6);
    s.pumps.push_back({"reservoir", 160, 100, 20, 180, 2.0, 0.5, 0.2});
    InflowSpec line{"culvert", {}, TimeSeries({0.0, 60.0}, {0.0, 3.0}, TimeSeries::Mode::Linear)};
    for (int i = 60; i < 70; ++i) line.cells.emplace_back(i, 40);
    s.inflows.push_back(line);
    return s;
}

template <class Sim>
void check_processes(Scheme scheme, double t_end) {
    Sim full(flood_with_processes(scheme, false, 1));
    Sim skip(flood_with_processes(scheme, true, 2));
    full.advance_to(t_end);
    skip.advance_to(t_end);
    expect_identical(full, skip);
    ASSERT_EQ(full.ledger().terms.size(), skip.ledger().terms.size());
    for (std::size_t k = 0; k < full.ledger().terms.size(); ++k) {
        if (full.ledger().terms[k].name != "pumped") {  // the pump moves water inside: round-off only
            EXPECT_GT(full.ledger().terms[k].volume, 0.0) << full.ledger().terms[k].name;
        }
        EXPECT_EQ(full.ledger().terms[k].volume, skip.ledger().terms[k].volume) << full.ledger().terms[k].name;
    }
    for (const NamedField& f : full.state().extra) {
        const Field<double>& g = *skip.state().extra_field(f.name);
        EXPECT_EQ(std::memcmp(f.values.data(), g.data(), g.size() * sizeof(double)), 0) << f.name;
    }
    EXPECT_EQ(full.state().values[0].values, skip.state().values[0].values);
    EXPECT_GT(full.state().values[1].values[0], 0.0);  // the pump ran
}

TEST(DryTiles, SkippingWithProcessesIsBitwiseIdenticalFv1) { check_processes<Simulation>(Scheme::Fv1, 120.0); }
TEST(DryTiles, SkippingWithProcessesIsBitwiseIdenticalFv2) { check_processes<Simulation>(Scheme::Fv2, 120.0); }
TEST(DryTiles, SkippingWithProcessesIsBitwiseIdenticalInertial) { check_processes<SimulationSingle>(Scheme::Inertial, 150.0); }

TEST(DryTiles, Fv1SkippingIsBitwiseIdenticalDouble) { check_scheme<Simulation>(Scheme::Fv1, 120.0); }
TEST(DryTiles, Fv1SkippingIsBitwiseIdenticalSingle) { check_scheme<SimulationSingle>(Scheme::Fv1, 120.0); }
TEST(DryTiles, InertialSkippingIsBitwiseIdenticalDouble) { check_scheme<Simulation>(Scheme::Inertial, 150.0); }
TEST(DryTiles, InertialSkippingIsBitwiseIdenticalSingle) {
    check_scheme<SimulationSingle>(Scheme::Inertial, 150.0);
}
// fv2: two MUSCL stages per step, a wider stencil (water moves up to 6 cells per step as far as
// the activity rule is concerned).
TEST(DryTiles, Fv2SkippingIsBitwiseIdenticalDouble) { check_scheme<Simulation>(Scheme::Fv2, 120.0); }
TEST(DryTiles, Fv2SkippingIsBitwiseIdenticalSingle) { check_scheme<SimulationSingle>(Scheme::Fv2, 120.0); }

// A slug of water running down a slope (east) across chunk after chunk towards a free boundary
// (the chunks it leaves keep a film: fv2 hardly ever dries a cell out exactly).
ModelSetup slug_on_a_slope(bool skip, int threads) {
    ModelSetup s = testing::make_setup(kNx, 40, kDx, Scheme::Fv2);
    for (int j = 0; j < 40; ++j)
        for (int i = 0; i < kNx; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * kNx + i;
            s.z[k] = 0.1 * (kNx - i) + 0.02 * std::sin(j * 0.3);
            s.manning[k] = 0.01;
            if (i >= 10 && i < 40 && j >= 10 && j < 30) s.h0[k] = 0.5;
        }
    s.boundaries.push_back({BoundarySide::East, BoundaryType::Free, {}, 0, -1});
    s.options.skip_dry_tiles = skip;
    s.options.threads = threads;
    return s;
}

template <class Sim>
void check_slug(double t_end) {
    Sim full(slug_on_a_slope(false, 1));
    Sim skip1(slug_on_a_slope(true, 1));
    Sim skip2(slug_on_a_slope(true, 2));
    full.advance_to(t_end);
    skip1.advance_to(t_end);
    skip2.advance_to(t_end);
    EXPECT_LT(full.h()(25, 20), 5e-3);   // the slug has left its start (a film remains)
    EXPECT_GT(full.h()(200, 20), 1e-3);  // and runs east across the chunks
    expect_identical(full, skip1);
    expect_identical(full, skip2);
}

TEST(DryTiles, Fv2SlugRunningDownASlopeDouble) { check_slug<Simulation>(300.0); }
TEST(DryTiles, Fv2SlugRunningDownASlopeSingle) { check_slug<SimulationSingle>(300.0); }

// A level boundary that rises from below the bed to above it (south side, across the chunk end at
// x = 128): some step starts with dry ghost cells and ends with wet ones, so the chunks next to
// them must join in the second stage.
template <class Sim>
void check_rising_level(double t_end) {
    auto setup = [](bool skip, int threads) {
        ModelSetup s = spreading_flood(Scheme::Fv2, skip, threads);
        s.boundaries.push_back({BoundarySide::South, BoundaryType::Level,
                                TimeSeries({0.0, 60.0}, {-0.5, 0.4}, TimeSeries::Mode::Linear), 120, 135});
        return s;
    };
    Sim full(setup(false, 1));
    Sim skip1(setup(true, 1));
    Sim skip2(setup(true, 2));
    full.advance_to(t_end);
    skip1.advance_to(t_end);
    skip2.advance_to(t_end);
    EXPECT_GT(full.h()(127, kNy - 1), 1e-3);
    EXPECT_GT(full.h()(129, kNy - 1), 1e-3);
    expect_identical(full, skip1);
    expect_identical(full, skip2);
}

TEST(DryTiles, Fv2RisingLevelDouble) { check_rising_level<Simulation>(90.0); }
TEST(DryTiles, Fv2RisingLevelSingle) { check_rising_level<SimulationSingle>(90.0); }

#if defined(__SSE2__)
// fv1 flushes subnormals inside its parallel region only: the caller's thread and the OpenMP pool
// threads get their floating-point control (flush and rounding modes) back after each step.
TEST(DryTiles, Fv1LeavesTheCallersFloatingPointModesAlone) {
    constexpr unsigned kControl = ~0x3Fu;  // all but the sticky status flags
    const unsigned before = _mm_getcsr() & kControl;
    ASSERT_EQ(before & 0x8040u, 0u);  // no FTZ/DAZ to start with
    Simulation sim(spreading_flood(Scheme::Fv1, true, 2));
    sim.advance_to(20.0);
    EXPECT_EQ(_mm_getcsr() & kControl, before);
    unsigned pool[2] = {0, 0};
#pragma omp parallel num_threads(2)
    pool[omp_get_thread_num()] = _mm_getcsr() & kControl;
    EXPECT_EQ(pool[0], before);
    EXPECT_EQ(pool[1], before);
}
#endif

}  // namespace
}  // namespace floodsim
