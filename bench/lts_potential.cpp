// How much local time stepping could save on a scenario (issue 11: the first thing to measure
// before building it, docs/performance-templates.md). Steps the scenario as `floodsim run` does
// (global CFL step, as now) and, every SAMPLE_S simulated seconds, gives each domain cell the
// step its own wave speed allows, dt_i = cfl * min(dx / (|u| + c), dy / (|v| + c)) with
// c = sqrt(g h) (cfl_time_step's formula, cell by cell; a dry cell allows any step), and the level
// l_i = floor(log2(dt_i / dt_min)) capped at L: with power-of-two local time stepping a cell at
// level l is updated once every 2^l global steps. Neighbouring cells may differ by one level at
// most (each level's neighbours provide its fluxes), and a tile of W x H cells steps at the level
// of its fastest cell (the sweeps work on rows and 64-cell chunks, not on single cells). The work
// of one step of the fastest level is then sum_i 2^-l_i cell updates against the global step's N; the
// ratio, weighted by the global steps between samples, is the most local time stepping can save
// in the sweep and the sinks (no overhead of the levels' bookkeeping counted).
// It also compares two forms of the global step on the same state (docs/performance-templates.md,
// "The time step's form"): today's, cfl min(dx / max(|u| + c), dy / max(|v| + c)) (the drain
// bound left out), and a bound on each cell's sum over its faces,
// 2 cfl / max_i (sigma_x,i / dx + sigma_y,i / dy), sigma_x,i the largest |u| + c of the cell and its
// two x neighbours (each face's speed is that of the faster of its cells), sigma_y,i alike; both
// give the same step for cfl 0.5 where the fastest x and y waves meet in one cell.
//   lts_potential SCENARIO.toml [SAMPLE_S [THREADS]]      (default 600 s, 2 threads)
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <utility>
#include <vector>

#include "engine/model_builder.hpp"
#include "solver/simulation.hpp"
#include "solver/velocity.hpp"

namespace {

constexpr int kMaxLevel = 6;                  // levels 0..6: steps up to 64 x the global one
struct Tile {
    int w, h;  // cells: columns x rows
};
// single cells, squares, and the sweeps' 64-cell row chunks (solver/workspaces.hpp: kChunk) by 1 or 8 rows
constexpr Tile kTiles[] = {{1, 1}, {8, 8}, {32, 32}, {64, 1}, {64, 8}};
constexpr int kCaps[] = {1, 2, 3, 4, 6};      // largest level allowed

struct Tally {
    double steps = 0.0;                        // global steps (the samples' weights)
    double steps_face_sum = 0.0;               // the same with the face-sum step form (estimated)
    double global = 0.0;                       // cell updates of the global step
    double lts[std::size(kTiles)][std::size(kCaps)] = {};
    double cells_at[kMaxLevel + 1] = {};       // cells per raw level (tile 1, no cap), weighted
};

/// Each domain cell's wave speeds |u| + c and |v| + c (m/s; 0 where it is dry or outside) and
/// which cells are in the domain, row-major.
struct CellSpeeds {
    std::vector<double> sx, sy;
    std::vector<char> inside;
};

template <class Sim>
CellSpeeds cell_speeds(const Sim& sim, double gravity, double velocity_eps) {
    const int nx = sim.grid().nx, ny = sim.grid().ny;
    const double eps4 = std::pow(velocity_eps, 4);
    const std::size_t cells = static_cast<std::size_t>(nx) * ny;
    CellSpeeds s;
    s.sx.assign(cells, 0.0);
    s.sy.assign(cells, 0.0);
    s.inside.assign(cells, 0);
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            if (!sim.inside(i, j)) continue;
            const std::size_t k = static_cast<std::size_t>(j) * nx + i;
            s.inside[k] = 1;
            const double h = sim.h()(i, j);
            if (!(h > 0.0)) continue;
            const double c = std::sqrt(gravity * h);
            s.sx[k] = std::abs(floodsim::desingularised_velocity<double>(h, sim.hu()(i, j), eps4)) + c;
            s.sy[k] = std::abs(floodsim::desingularised_velocity<double>(h, sim.hv()(i, j), eps4)) + c;
        }
    return s;
}

/// Each cell's level: floor(log2(dt_i / dt_min)) of its own CFL step, kMaxLevel where it is dry or
/// outside. Empty when every cell is dry (no step is set by water).
std::vector<int> own_levels(const CellSpeeds& s, double cfl, double dx, double dy) {
    const auto wet = [&](std::size_t k) { return s.sx[k] > 0.0; };  // (a wet cell has c > 0)
    const auto step = [&](std::size_t k) { return std::min(cfl * dx / s.sx[k], cfl * dy / s.sy[k]); };
    double dt_min = INFINITY;
    for (std::size_t k = 0; k < s.sx.size(); ++k)
        if (wet(k)) dt_min = std::min(dt_min, step(k));
    if (!std::isfinite(dt_min)) return {};
    std::vector<int> level(s.sx.size(), kMaxLevel);
    for (std::size_t k = 0; k < level.size(); ++k)
        if (wet(k)) level[k] = std::min(kMaxLevel, static_cast<int>(std::floor(std::log2(step(k) / dt_min))));
    return level;
}

/// Lowers levels until the 8 neighbours of every cell are within one level: two chamfer passes
/// of l = min(l, l_neighbour + 1).
void within_one_level(std::vector<int>& level, int nx, int ny) {
    auto relax = [&](int i, int j, int di, int dj) {
        const int a = i + di, b = j + dj;
        if (a < 0 || a >= nx || b < 0 || b >= ny) return;
        int& l = level[static_cast<std::size_t>(j) * nx + i];
        l = std::min(l, level[static_cast<std::size_t>(b) * nx + a] + 1);
    };
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            relax(i, j, -1, 0);
            relax(i, j, -1, -1);
            relax(i, j, 0, -1);
            relax(i, j, 1, -1);
        }
    for (int j = ny - 1; j >= 0; --j)
        for (int i = nx - 1; i >= 0; --i) {
            relax(i, j, 1, 0);
            relax(i, j, 1, 1);
            relax(i, j, 0, 1);
            relax(i, j, -1, 1);
        }
}

/// The global step of today's form and of the face-sum form (above) for the speeds of a grid of
/// nx x ny cells of dx x dy, s; {inf, inf} when every cell is dry.
std::pair<double, double> step_forms(const CellSpeeds& s, double cfl, int nx, int ny, double dx, double dy) {
    const std::vector<double>&sx = s.sx, &sy = s.sy;
    double sx_max = 0.0, sy_max = 0.0;
    for (std::size_t k = 0; k < sx.size(); ++k) {
        sx_max = std::max(sx_max, sx[k]);
        sy_max = std::max(sy_max, sy[k]);
    }
    if (sx_max == 0.0 && sy_max == 0.0) return {INFINITY, INFINITY};
    const double axes = std::min(sx_max > 0.0 ? cfl * dx / sx_max : INFINITY, sy_max > 0.0 ? cfl * dy / sy_max : INFINITY);
    double worst = 0.0;
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * nx + i;
            if (!s.inside[k]) continue;
            const double ax = std::max({sx[k], i > 0 ? sx[k - 1] : 0.0, i < nx - 1 ? sx[k + 1] : 0.0});
            const double ay = std::max({sy[k], j > 0 ? sy[k - nx] : 0.0, j < ny - 1 ? sy[k + nx] : 0.0});
            worst = std::max(worst, ax / dx + ay / dy);
        }
    return {axes, 2.0 * cfl / worst};
}

/// One sample of a grid of nx x ny cells of dx x dy, weighted by the global steps it stands for,
/// into the tally.
void sample(const CellSpeeds& s, double cfl, int nx, int ny, double dx, double dy, double weight, Tally& tally) {
    const std::vector<char>& in = s.inside;
    std::vector<int> level = own_levels(s, cfl, dx, dy);
    if (level.empty()) return;  // all dry
    std::int64_t n = 0;
    for (std::size_t k = 0; k < level.size(); ++k)
        if (in[k]) {
            ++n;
            tally.cells_at[level[k]] += weight;
        }
    tally.global += weight * static_cast<double>(n);
    within_one_level(level, nx, ny);
    // A tile steps at the level of its fastest cell.
    for (std::size_t t = 0; t < std::size(kTiles); ++t) {
        const int tw = kTiles[t].w, th = kTiles[t].h;
        for (int tj = 0; tj < ny; tj += th)
            for (int ti = 0; ti < nx; ti += tw) {
                int lmin = kMaxLevel, cells = 0;
                for (int j = tj; j < std::min(ny, tj + th); ++j)
                    for (int i = ti; i < std::min(nx, ti + tw); ++i) {
                        const std::size_t k = static_cast<std::size_t>(j) * nx + i;
                        if (!in[k]) continue;
                        ++cells;
                        lmin = std::min(lmin, level[k]);
                    }
                for (std::size_t c = 0; c < std::size(kCaps); ++c)
                    tally.lts[t][c] += weight * cells * std::ldexp(1.0, -std::min(lmin, kCaps[c]));
            }
    }
}

template <class Sim>
void run(floodsim::LoadedModel& m, const char* path, double sample_s) {
    const auto o = m.setup.options;
    const double duration = m.scenario.duration_s;
    Sim sim(std::move(m.setup));
    Tally tally;
    std::int64_t last_steps = 0;
    while (sim.time() < duration) {
        sim.advance_to(std::min(duration, sim.time() + sample_s));
        const double steps = static_cast<double>(sim.steps() - last_steps);
        last_steps = sim.steps();
        const floodsim::Grid2D& g = sim.grid();
        const CellSpeeds speeds = cell_speeds(sim, o.gravity, o.velocity_eps);
        sample(speeds, o.cfl, g.nx, g.ny, g.dx, g.dy, steps, tally);
        const auto [axes, face_sum] = step_forms(speeds, o.cfl, g.nx, g.ny, g.dx, g.dy);
        tally.steps += steps;
        tally.steps_face_sum += std::isfinite(axes) ? steps * axes / face_sum : steps;
        const auto fast = sim.fastest_cell();
        std::printf("  t %6.0f s: %6.0f steps since the last sample, stable dt %.3g s, fastest cell (%d, %d) "
                    "depth %.3g m, |u| + c %.3g m/s; step forms: axes %.3g s, face sum %.3g s (x %.3f)\n",
                    sim.time(), steps, sim.stable_dt(), fast.i, fast.j, fast.depth, fast.speed, axes, face_sum,
                    face_sum / axes);
        std::fflush(stdout);
    }
    std::printf("scenario %s: %lld cells, %lld global steps\n", path,
                static_cast<long long>(sim.domain_cells()), static_cast<long long>(sim.steps()));
    std::printf("the face-sum step form would take about %.3f of today's steps (1 / %.3f), its drain bound aside\n",
                tally.steps_face_sum / tally.steps, tally.steps / tally.steps_face_sum);
    double all = 0.0;
    for (double c : tally.cells_at) all += c;
    std::printf("cells by their own level (dt_i >= 2^l dt_min), weighted by steps:");
    for (int l = 0; l <= kMaxLevel; ++l) std::printf(" %d: %.2f %%", l, 100.0 * tally.cells_at[l] / all);
    std::printf("\nmost local time stepping could save: global cell updates / LTS cell updates\n");
    std::printf("  tile \\ largest level");
    for (int c : kCaps) std::printf("  %5d", c);
    std::printf("\n");
    for (std::size_t t = 0; t < std::size(kTiles); ++t) {
        std::printf("  %2d x %-2d             ", kTiles[t].w, kTiles[t].h);
        for (std::size_t c = 0; c < std::size(kCaps); ++c) std::printf("  %5.2f", tally.global / tally.lts[t][c]);
        std::printf("\n");
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: lts_potential SCENARIO.toml [SAMPLE_S [THREADS]]\n");
        return 2;
    }
    try {
        floodsim::LoadedModel m = floodsim::load_model(argv[1]);
        const double sample_s = argc > 2 ? std::atof(argv[2]) : 600.0;
        m.setup.options.threads = argc > 3 ? std::atoi(argv[3]) : 2;
        if (!(sample_s > 0.0)) throw std::invalid_argument("SAMPLE_S must be > 0");
        if (m.setup.options.precision == floodsim::Precision::Single)
            run<floodsim::SimulationSingle>(m, argv[1], sample_s);
        else
            run<floodsim::Simulation>(m, argv[1], sample_s);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lts_potential: %s\n", e.what());
        return 2;
    }
}
