#include "solver/simulation.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "solver/friction_manning.hpp"
#include "solver/hydrostatic_reconstruction.hpp"
#include "solver/riemann_hllc.hpp"
#include "solver/velocity.hpp"

namespace floodsim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// Face fluxes of one row of faces, struct of arrays, with the face's reconstructed bed and the
/// depths of its two sides (the cells need them for the bed-slope source).
struct FaceRow {
    double* mass;
    double* normal;
    double* transverse;
    double* zf;      ///< bed at the face
    double* h_left;  ///< depth of the left (west / south) side at the face
    double* h_right; ///< depth of the right (east / north) side at the face
};


/// Fluxes through the y faces between row jn (north) and row js = jn + 1 (south), written to f.
/// Normal direction is north: the "left" state is the southern cell.
constexpr std::size_t kFaceArrays = 6;

inline void y_face_row(int nx, const double* __restrict hN, const double* __restrict huN,
                       const double* __restrict hvN, const double* __restrict zN,
                       const double* __restrict hS, const double* __restrict huS,
                       const double* __restrict hvS, const double* __restrict zS, double g,
                       double eps4, FaceRow f) {
#pragma omp simd
    for (int i = 0; i < nx; ++i) {
        const FaceDepths<double> r = reconstruct_face(hS[i], zS[i], hN[i], zN[i]);
        const double vn = desingularised_velocity(hN[i], hvN[i], eps4);
        const double un = desingularised_velocity(hN[i], huN[i], eps4);
        const double vs = desingularised_velocity(hS[i], hvS[i], eps4);
        const double us = desingularised_velocity(hS[i], huS[i], eps4);
        const FaceFlux<double> F = riemann_hllc(r.hl, vs, us, r.hr, vn, un, g);
        f.mass[i] = F.mass;
        f.normal[i] = F.normal;
        f.transverse[i] = F.transverse;
        f.zf[i] = r.zf;
        f.h_left[i] = r.hl;
        f.h_right[i] = r.hr;
    }
}

/// Fluxes through the nx + 1 x faces of one row: face i lies between cells i-1 and i.
inline void x_face_row(int nx, const double* __restrict h, const double* __restrict hu,
                       const double* __restrict hv, const double* __restrict z, double g,
                       double eps4, FaceRow f) {
#pragma omp simd
    for (int i = 0; i <= nx; ++i) {
        const FaceDepths<double> r = reconstruct_face(h[i - 1], z[i - 1], h[i], z[i]);
        const double ul = desingularised_velocity(h[i - 1], hu[i - 1], eps4);
        const double vl = desingularised_velocity(h[i - 1], hv[i - 1], eps4);
        const double ur = desingularised_velocity(h[i], hu[i], eps4);
        const double vr = desingularised_velocity(h[i], hv[i], eps4);
        const FaceFlux<double> F = riemann_hllc(r.hl, ul, vl, r.hr, ur, vr, g);
        f.mass[i] = F.mass;
        f.normal[i] = F.normal;
        f.transverse[i] = F.transverse;
        f.zf[i] = r.zf;
        f.h_left[i] = r.hl;
        f.h_right[i] = r.hr;
    }
}

}  // namespace

Simulation::Simulation(ModelSetup setup) : setup_(std::move(setup)), grid_(setup_.grid) {
    const Grid2D& g = grid_;
    if (g.nx < 1 || g.ny < 1) throw std::invalid_argument("grid must have at least 1 x 1 cells");
    if (g.ghost < 2) throw std::invalid_argument("grid needs 2 ghost layers");
    if (!(g.dx > 0.0) || !(g.dy > 0.0)) throw std::invalid_argument("cell size must be positive");
    const std::size_t n = g.cells();
    auto check_size = [n](const std::vector<double>& v, const char* what, bool optional) {
        if (v.empty() && optional) return;
        if (v.size() != n) throw std::invalid_argument(std::string(what) + " has the wrong size");
    };
    check_size(setup_.z, "z", false);
    check_size(setup_.manning, "manning", false);
    check_size(setup_.h0, "h0", true);
    check_size(setup_.u0, "u0", true);
    check_size(setup_.v0, "v0", true);
    const SolverOptions& o = setup_.options;
    if (!(o.cfl > 0.0 && o.cfl <= 1.0)) throw std::invalid_argument("cfl must be in (0, 1]");
    if (!(o.dry_depth > 0.0)) throw std::invalid_argument("dry_depth must be positive");
    if (o.scheme != Scheme::Fv1)
        throw std::invalid_argument("only the fv1 scheme is implemented in this build");
    threads_ = std::max(1, o.threads);

    h_ = Field<double>(g, 0.0);
    hu_ = Field<double>(g, 0.0);
    hv_ = Field<double>(g, 0.0);
    z_ = Field<double>(g, kWallElevation);
    gn2_ = Field<double>(g, 0.0);
    max_h_ = Field<float>(g, 0.0f);
    max_speed_ = Field<float>(g, 0.0f);
    arrival_ = Field<float>(g, std::numeric_limits<float>::quiet_NaN());

    domain_cells_ = 0;
    for (int j = 0; j < g.ny; ++j) {
        for (int i = 0; i < g.nx; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * g.nx + i;
            const double zc = setup_.z[k];
            if (std::isnan(zc)) continue;  // outside: a wall
            if (!std::isfinite(zc)) throw std::invalid_argument("z is not finite");
            ++domain_cells_;
            z_(i, j) = zc;
            const double n_m = setup_.manning[k];
            if (!(n_m >= 0.0) || !std::isfinite(n_m)) throw std::invalid_argument("manning must be >= 0");
            gn2_(i, j) = o.gravity * n_m * n_m;
            const double h0 = setup_.h0.empty() ? 0.0 : setup_.h0[k];
            if (!(h0 >= 0.0) || !std::isfinite(h0)) throw std::invalid_argument("initial depth must be >= 0");
            h_(i, j) = h0;
            if (h0 >= o.dry_depth) {
                if (!setup_.u0.empty()) hu_(i, j) = h0 * setup_.u0[k];
                if (!setup_.v0.empty()) hv_(i, j) = h0 * setup_.v0[k];
            }
            max_h_(i, j) = static_cast<float>(h0);
            if (h0 > o.arrival_depth) arrival_(i, j) = 0.0f;
        }
    }
    for (const BoundarySpec& b : setup_.boundaries) {
        const int len = (b.side == BoundarySide::West || b.side == BoundarySide::East) ? g.ny : g.nx;
        const int last = b.last < 0 ? len - 1 : b.last;
        if (b.first < 0 || last >= len || b.first > last)
            throw std::invalid_argument("boundary segment out of range");
        if ((b.type == BoundaryType::Level || b.type == BoundaryType::Discharge) && b.value.empty())
            throw std::invalid_argument("level/discharge boundary without a value");
    }

    q_west_.assign(g.ny, kNaN);
    q_east_.assign(g.ny, kNaN);
    q_north_.assign(g.nx, kNaN);
    q_south_.assign(g.nx, kNaN);
    f_west_.assign(g.ny, 0.0);
    f_east_.assign(g.ny, 0.0);
    f_north_.assign(g.nx, 0.0);
    f_south_.assign(g.nx, 0.0);
    row_fix_.assign(g.ny, 0.0);

    // Wave speeds and wet cells of the initial state.
    const double eps4 = std::pow(o.velocity_eps, 4);
    smax_x_ = smax_y_ = 0.0;
    wet_cells_ = 0;
    for (int j = 0; j < g.ny; ++j) {
        for (int i = 0; i < g.nx; ++i) {
            const double h = h_(i, j);
            if (h <= 0.0) continue;
            if (h >= o.dry_depth) ++wet_cells_;
            const double c = std::sqrt(o.gravity * h);
            const double u = desingularised_velocity(h, hu_(i, j), eps4);
            const double v = desingularised_velocity(h, hv_(i, j), eps4);
            max_speed_(i, j) = static_cast<float>(std::hypot(u, v));
            // Same drain bound as in the sweep (see sweep_fv1), from the initial neighbours.
            auto dry_at = [&](int a, int b) {
                if (a < 0 || a >= g.nx || b < 0 || b >= g.ny) return 0.0;
                return reconstruct_face(h, z_(i, j), h_(a, b), z_(a, b)).hr == 0.0 ? 1.0 : 0.0;
            };
            const double k_dry = dry_at(i - 1, j) + dry_at(i + 1, j) + (dry_at(i, j - 1) + dry_at(i, j + 1)) * g.dx / g.dy;
            smax_x_ = std::max(smax_x_, o.cfl * 2.0 / 3.0 * k_dry * c);
            smax_x_ = std::max(smax_x_, std::abs(u) + c);
            smax_y_ = std::max(smax_y_, std::abs(v) + c);
        }
    }
    ledger_.volume0 = volume();
}

double Simulation::volume() const {
    const Grid2D& g = grid_;
    std::vector<double> rows(g.ny, 0.0);
    const Field<double>& h = h_;
#pragma omp parallel for schedule(static) num_threads(threads_) default(none) shared(g, h, rows)
    for (int j = 0; j < g.ny; ++j) {
        const double* hr = h.row(j);
        double s = 0.0;
        for (int i = 0; i < g.nx; ++i) s += hr[i];
        rows[j] = s;
    }
    double total = 0.0;
    for (double r : rows) total += r;
    return total * g.cell_area();
}

double Simulation::next_breakpoint(double t) const {
    double tb = setup_.rain.empty() ? kInf : setup_.rain.next_breakpoint(t);
    for (const BoundarySpec& b : setup_.boundaries) {
        if (!b.value.empty()) tb = std::min(tb, b.value.next_breakpoint(t));
    }
    return tb;
}

void Simulation::advance_to(double t_target) {
    while (t_ < t_target) step(t_target);
}

double Simulation::step(double t_limit) {
    auto t0 = Clock::now();
    fill_ghosts(t_);
    phase_s_[0] += seconds_since(t0);

    t0 = Clock::now();
    const double t_end = std::min(t_limit, next_breakpoint(t_));
    const double remaining = t_end - t_;
    if (!(remaining > 0.0)) throw std::logic_error("step(): t_limit is not after the current time");
    double dt = cfl_time_step();
    double t_new;
    if (dt >= remaining) {
        dt = remaining;
        t_new = t_end;  // hit events exactly
    } else {
        // Avoid a sliver of a step just before an event: split what is left into two.
        if (remaining < 1.5 * dt) dt = 0.5 * remaining;
        t_new = t_ + dt;
    }
    set_discharge_fluxes(t_, dt);
    phase_s_[1] += seconds_since(t0);

    t0 = Clock::now();
    sweep_fv1(dt, t_new);
    phase_s_[2] += seconds_since(t0);

    // Ledger: rain on every domain cell, boundary fluxes face by face (serial sums, so the
    // result does not depend on the thread count).
    const Grid2D& g = grid_;
    if (!setup_.rain.empty()) {
        ledger_.rain += setup_.rain.mean(t_, t_new) * dt * static_cast<double>(domain_cells_) * g.cell_area();
    }
    double in = 0.0, out = 0.0;
    for (int j = 0; j < g.ny; ++j) {
        const double w = f_west_[j], e = f_east_[j];
        (w > 0 ? in : out) += std::abs(w) * g.dy;
        (e < 0 ? in : out) += std::abs(e) * g.dy;
    }
    for (int i = 0; i < g.nx; ++i) {
        const double n = f_north_[i], s = f_south_[i];
        (n < 0 ? in : out) += std::abs(n) * g.dx;
        (s > 0 ? in : out) += std::abs(s) * g.dx;
    }
    ledger_.inflow += in * dt;
    ledger_.outflow += out * dt;
    double fix = 0.0;
    for (double r : row_fix_) fix += r;
    ledger_.positivity_fix += fix * g.cell_area();

    t_ = t_new;
    ++steps_;
    return dt;
}

double Simulation::cfl_time_step() const {
    const Grid2D& g = grid_;
    const double gr = setup_.options.gravity;
    const double eps4 = std::pow(setup_.options.velocity_eps, 4);
    double sx = smax_x_, sy = smax_y_;
    // Ghost cells can carry faster states than the interior (a level boundary against a dry bed).
    auto ghost_speed = [&](int i, int j) {
        const double h = h_(i, j);
        if (h <= 0.0) return;
        const double c = std::sqrt(gr * h);
        sx = std::max(sx, std::abs(desingularised_velocity(h, hu_(i, j), eps4)) + c);
        sy = std::max(sy, std::abs(desingularised_velocity(h, hv_(i, j), eps4)) + c);
    };
    for (int j = 0; j < g.ny; ++j) {
        ghost_speed(-1, j);
        ghost_speed(g.nx, j);
    }
    for (int i = 0; i < g.nx; ++i) {
        ghost_speed(i, -1);
        ghost_speed(i, g.ny);
    }
    const double cfl = setup_.options.cfl;
    double dt = kInf;
    if (sx > 0.0) dt = std::min(dt, cfl * g.dx / sx);
    if (sy > 0.0) dt = std::min(dt, cfl * g.dy / sy);
    return std::min(dt, setup_.options.max_dt);
}

// --- boundaries --------------------------------------------------------------------------

void Simulation::fill_ghosts(double t) {
    const Grid2D& g = grid_;
    // Ghost (gi, gj) at layer k (1, 2) takes from interior (ii, jj) = mirror or nearest.
    // `normal_sign` flips the normal momentum (mirror for closed walls).
    auto set_ghost = [&](int gi, int gj, int ii, int jj, bool flip_u, bool flip_v) {
        h_(gi, gj) = h_(ii, jj);
        z_(gi, gj) = z_(ii, jj);
        hu_(gi, gj) = flip_u ? -hu_(ii, jj) : hu_(ii, jj);
        hv_(gi, gj) = flip_v ? -hv_(ii, jj) : hv_(ii, jj);
    };
    // 1) Every side closed (mirror) by default.
    for (int k = 1; k <= 2; ++k) {
        for (int j = 0; j < g.ny; ++j) {
            set_ghost(-k, j, k - 1, j, true, false);
            set_ghost(g.nx - 1 + k, j, g.nx - k, j, true, false);
        }
        for (int i = 0; i < g.nx; ++i) {
            set_ghost(i, -k, i, k - 1, false, true);
            set_ghost(i, g.ny - 1 + k, i, g.ny - k, false, true);
        }
    }
    // A closed face carries exactly no mass (the mirror state gives zero only up to round-off).
    std::fill(q_west_.begin(), q_west_.end(), 0.0);
    std::fill(q_east_.begin(), q_east_.end(), 0.0);
    std::fill(q_north_.begin(), q_north_.end(), 0.0);
    std::fill(q_south_.begin(), q_south_.end(), 0.0);

    // 2) Each boundary condition overwrites its segment.
    for (const BoundarySpec& b : setup_.boundaries) {
        const bool ew = b.side == BoundarySide::West || b.side == BoundarySide::East;
        const int len = ew ? g.ny : g.nx;
        const int last = b.last < 0 ? len - 1 : b.last;
        const double val = b.value.empty() ? 0.0 : b.value.at(t);
        const double eps4 = std::pow(setup_.options.velocity_eps, 4);
        std::vector<double>& imposed = b.side == BoundarySide::West    ? q_west_
                                       : b.side == BoundarySide::East  ? q_east_
                                       : b.side == BoundarySide::North ? q_north_
                                                                       : q_south_;
        for (int s = b.first; s <= last; ++s) {
            const auto [ii, jj] = boundary_cell(b.side, s);
            // Free and level faces take the Riemann flux; discharge faces get theirs later.
            if (b.type == BoundaryType::Free || b.type == BoundaryType::Level) imposed[s] = kNaN;
            for (int k = 1; k <= 2; ++k) {
                const auto [gi, gj] = ghost_cell(b.side, ii, jj, k);
                const double zi = z_(ii, jj), hi = h_(ii, jj);
                switch (b.type) {
                    case BoundaryType::Closed:
                        break;  // already mirrored
                    case BoundaryType::Free: {
                        // Transmissive: the interior state, on a bed that continues the last
                        // downward slope (never upward, which would push water in). On a slope the
                        // outflow then behaves like the flow between interior cells.
                        set_ghost(gi, gj, ii, jj, false, false);
                        const auto [pi, pj] = ghost_cell(b.side, ii, jj, -1);  // next cell inward
                        const bool has_prev = pi >= 0 && pi < g.nx && pj >= 0 && pj < g.ny && inside(pi, pj);
                        if (zi < 0.5 * kWallElevation && has_prev)
                            z_(gi, gj) = zi - k * std::max(0.0, z_(pi, pj) - zi);
                        break;
                    }
                    case BoundaryType::Level: {
                        z_(gi, gj) = zi;
                        const double hg = zi < 0.5 * kWallElevation ? std::max(0.0, val - zi) : 0.0;
                        h_(gi, gj) = hg;  // velocity from the interior
                        hu_(gi, gj) = hg * desingularised_velocity(hi, hu_(ii, jj), eps4);
                        hv_(gi, gj) = hg * desingularised_velocity(hi, hv_(ii, jj), eps4);
                        break;
                    }
                    case BoundaryType::Discharge:
                        z_(gi, gj) = zi;  // depth and momentum: set_discharge_ghosts below
                        break;
                }
            }
        }
        if (b.type == BoundaryType::Discharge) set_discharge_ghosts(b, val);
    }
}

void Simulation::discharge_shares(const BoundarySpec& b, std::vector<double>& share) const {
    const Grid2D& g = grid_;
    const bool ew = b.side == BoundarySide::West || b.side == BoundarySide::East;
    const int len = ew ? g.ny : g.nx;
    const int last = b.last < 0 ? len - 1 : b.last;
    share.assign(len, 0.0);
    // Share Q among the segment's faces in proportion to h^(5/3) of the wet ones, evenly among
    // domain cells when all are dry.
    double wsum = 0.0;
    int active = 0;
    for (int s = b.first; s <= last; ++s) {
        const auto [ii, jj] = boundary_cell(b.side, s);
        if (!inside(ii, jj)) continue;
        ++active;
        const double h = h_(ii, jj);
        if (h >= setup_.options.dry_depth) {
            share[s] = std::pow(h, 5.0 / 3.0);
            wsum += share[s];
        }
    }
    for (int s = b.first; s <= last; ++s) {
        const auto [ii, jj] = boundary_cell(b.side, s);
        if (!inside(ii, jj)) continue;
        share[s] = wsum > 0.0 ? share[s] / wsum : 1.0 / active;
    }
}

std::pair<int, int> Simulation::boundary_cell(BoundarySide side, int s) const {
    switch (side) {
        case BoundarySide::West: return {0, s};
        case BoundarySide::East: return {grid_.nx - 1, s};
        case BoundarySide::North: return {s, 0};
        default: return {s, grid_.ny - 1};
    }
}

void Simulation::set_discharge_ghosts(const BoundarySpec& b, double Q) {
    const Grid2D& g = grid_;
    const bool ew = b.side == BoundarySide::West || b.side == BoundarySide::East;
    const double width = ew ? g.dy : g.dx;
    const double inflow_sign = (b.side == BoundarySide::West || b.side == BoundarySide::South) ? 1.0 : -1.0;
    std::vector<double>& share = share_scratch_;
    discharge_shares(b, share);
    const int len = ew ? g.ny : g.nx;
    const int last = b.last < 0 ? len - 1 : b.last;
    for (int s = b.first; s <= last; ++s) {
        const auto [ii, jj] = boundary_cell(b.side, s);
        if (!inside(ii, jj)) continue;
        const double q = Q * share[s] / width;  // m2/s through this face, inflow positive
        // Ghost state: the inflow at the interior depth, or at the critical depth of that
        // discharge where the interior is shallower; it sets the momentum flux of the face.
        const double hg = std::max(h_(ii, jj), std::cbrt(q * q / setup_.options.gravity));
        for (int k = 1; k <= 2; ++k) {
            const auto [gi, gj] = ghost_cell(b.side, ii, jj, k);
            h_(gi, gj) = hg;
            hu_(gi, gj) = ew ? inflow_sign * q : 0.0;
            hv_(gi, gj) = ew ? 0.0 : inflow_sign * q;
        }
    }
}

std::pair<int, int> Simulation::ghost_cell(BoundarySide side, int ii, int jj, int k) const {
    switch (side) {
        case BoundarySide::West: return {-k, jj};
        case BoundarySide::East: return {grid_.nx - 1 + k, jj};
        case BoundarySide::North: return {ii, -k};
        default: return {ii, grid_.ny - 1 + k};
    }
}

void Simulation::set_discharge_fluxes(double t, double dt) {
    const Grid2D& g = grid_;
    for (const BoundarySpec& b : setup_.boundaries) {
        if (b.type != BoundaryType::Discharge) continue;
        const bool ew = b.side == BoundarySide::West || b.side == BoundarySide::East;
        const double width = ew ? g.dy : g.dx;
        const double inflow_sign = (b.side == BoundarySide::West || b.side == BoundarySide::South) ? 1.0 : -1.0;
        // Mean discharge over the step: the volume that enters is exactly the hydrograph's.
        const double Q = b.value.mean(t, t + dt);
        std::vector<double>& share = share_scratch_;
        discharge_shares(b, share);
        const int len = ew ? g.ny : g.nx;
        const int last = b.last < 0 ? len - 1 : b.last;
        std::vector<double>& target = b.side == BoundarySide::West   ? q_west_
                                      : b.side == BoundarySide::East ? q_east_
                                      : b.side == BoundarySide::North ? q_north_
                                                                      : q_south_;
        for (int s = b.first; s <= last; ++s) {
            const auto [ii, jj] = boundary_cell(b.side, s);
            if (!inside(ii, jj)) continue;
            target[s] = inflow_sign * Q * share[s] / width;
        }
    }
}

// --- the fv1 sweep ---------------------------------------------------------------------------

void Simulation::sweep_fv1(double dt, double t_new) {
    const Grid2D& g = grid_;
    const int nx = g.nx, ny = g.ny;
    const SolverOptions& o = setup_.options;
    const double gr = o.gravity;
    const double eps4 = std::pow(o.velocity_eps, 4);
    const double kx = dt / g.dx, ky = dt / g.dy;
    const double rain_dt = setup_.rain.empty() ? 0.0 : setup_.rain.mean(t_, t_new) * dt;
    const double dry = o.dry_depth;
    const float arrival_depth = static_cast<float>(o.arrival_depth);
    const float t_arrival = static_cast<float>(t_new);
    const double wall_half = 0.5 * kWallElevation;
    const int nthreads = std::min(threads_, ny);
    const double dx_over_dy = g.dx / g.dy;
    const double drain_factor = o.cfl * 2.0 / 3.0;

    const std::size_t row_len = static_cast<std::size_t>(nx) + 1;
    if (scratch_.size() < static_cast<std::size_t>(nthreads)) {
        scratch_.resize(nthreads);
        block_face_.resize(nthreads);
    }
    for (int t = 0; t < nthreads; ++t) {
        if (scratch_[t].size() < 3 * kFaceArrays * row_len) scratch_[t].assign(3 * kFaceArrays * row_len, 0.0);
        if (block_face_[t].size() < kFaceArrays * row_len) block_face_[t].assign(kFaceArrays * row_len, 0.0);
    }

    double sx = 0.0, sy = 0.0;
    std::int64_t wet = 0;
    Field<double>& H = h_;
    Field<double>& HU = hu_;
    Field<double>& HV = hv_;
    const Field<double>& Z = z_;
    const Field<double>& GN2 = gn2_;
    Field<float>& MAXH = max_h_;
    Field<float>& MAXS = max_speed_;
    Field<float>& ARR = arrival_;
    auto& scratch = scratch_;
    auto& block_face = block_face_;
    auto& q_west = q_west_;
    auto& q_east = q_east_;
    auto& q_north = q_north_;
    auto& q_south = q_south_;
    auto& f_west = f_west_;
    auto& f_east = f_east_;
    auto& f_north = f_north_;
    auto& f_south = f_south_;
    auto& row_fix = row_fix_;

    auto face_row = [row_len](std::vector<double>& buf, int k) {
        double* p = buf.data() + kFaceArrays * row_len * k;
        return FaceRow{p, p + row_len, p + 2 * row_len, p + 3 * row_len, p + 4 * row_len, p + 5 * row_len};
    };
    auto y_faces = [&](int jn, FaceRow f) {
        y_face_row(nx, H.row(jn), HU.row(jn), HV.row(jn), Z.row(jn), H.row(jn + 1), HU.row(jn + 1),
                   HV.row(jn + 1), Z.row(jn + 1), gr, eps4, f);
    };
    // The boundary faces (north of row 0, south of row ny-1) take imposed fluxes and are recorded.
    auto north_boundary = [&](FaceRow f) {
        for (int i = 0; i < nx; ++i) {
            if (!std::isnan(q_north[i])) f.mass[i] = q_north[i];
            f_north[i] = f.mass[i];
        }
    };
    auto south_boundary = [&](FaceRow f) {
        for (int i = 0; i < nx; ++i) {
            if (!std::isnan(q_south[i])) f.mass[i] = q_south[i];
            f_south[i] = f.mass[i];
        }
    };

#pragma omp parallel num_threads(nthreads) default(none)                                            \
    shared(H, HU, HV, Z, GN2, MAXH, MAXS, ARR, scratch, block_face, q_west, q_east, f_west, f_east, \
               row_fix, face_row, y_faces, north_boundary, south_boundary)                         \
    firstprivate(nx, ny, gr, eps4, dt, kx, ky, rain_dt, dx_over_dy, drain_factor, dry, arrival_depth, t_arrival, wall_half,      \
                     nthreads, row_len) reduction(max : sx, sy) reduction(+ : wet)
    {
        const int t = omp_get_thread_num();
        const int j0 = static_cast<int>(static_cast<std::int64_t>(ny) * t / nthreads);
        const int j1 = static_cast<int>(static_cast<std::int64_t>(ny) * (t + 1) / nthreads);

        // Phase 1: the y face above each block, from the old state, before anyone updates.
        FaceRow first = face_row(block_face[t], 0);
        y_faces(j0 - 1, first);
        if (j0 == 0) north_boundary(first);
#pragma omp barrier

        // Phase 2: rows in order, updated in place. Row j's faces are computed from old rows j and
        // j + 1; the face below a block's last row is the next block's precomputed first face.
        FaceRow fy_top = first;
        FaceRow ybuf[2] = {face_row(scratch[t], 0), face_row(scratch[t], 1)};
        FaceRow fx = face_row(scratch[t], 2);
        int which = 0;
        for (int j = j0; j < j1; ++j) {
            FaceRow fy_bot;
            if (j == j1 - 1 && t + 1 < nthreads) {
                fy_bot = face_row(block_face[t + 1], 0);
            } else {
                fy_bot = ybuf[which];
                which ^= 1;
                y_faces(j, fy_bot);
                if (j == ny - 1) south_boundary(fy_bot);
            }
            double* __restrict h = H.row(j);
            double* __restrict hu = HU.row(j);
            double* __restrict hv = HV.row(j);
            const double* __restrict z = Z.row(j);
            const double* __restrict gn2 = GN2.row(j);
            float* __restrict maxh = MAXH.row(j);
            float* __restrict maxs = MAXS.row(j);
            float* __restrict arr = ARR.row(j);

            x_face_row(nx, h, hu, hv, z, gr, eps4, fx);
            if (!std::isnan(q_west[j])) fx.mass[0] = q_west[j];
            if (!std::isnan(q_east[j])) fx.mass[nx] = q_east[j];
            f_west[j] = fx.mass[0];
            f_east[j] = fx.mass[nx];

            double fix = 0.0;
            for (int i = 0; i < nx; ++i) {
                const double hc = h[i], zc = z[i];
                // Bed-slope source from the face reconstruction: -g (h_w + h_e)/2 (z_e - z_w) / dx.
                const double hw = fx.h_right[i], he = fx.h_left[i + 1];
                const double hs = fy_bot.h_right[i], hn = fy_top.h_left[i];
                double hnew = hc - kx * (fx.mass[i + 1] - fx.mass[i]) - ky * (fy_top.mass[i] - fy_bot.mass[i]);
                double qx = hu[i] -
                            kx * (fx.normal[i + 1] - fx.normal[i] + 0.5 * gr * (hw + he) * (fx.zf[i + 1] - fx.zf[i])) -
                            ky * (fy_top.transverse[i] - fy_bot.transverse[i]);
                double qy = hv[i] -
                            ky * (fy_top.normal[i] - fy_bot.normal[i] + 0.5 * gr * (hs + hn) * (fy_top.zf[i] - fy_bot.zf[i])) -
                            kx * (fx.transverse[i + 1] - fx.transverse[i]);
                const bool in_domain = zc < wall_half;
                if (in_domain) hnew += rain_dt;
                if (hnew < 0.0) {
                    fix -= hnew;
                    hnew = 0.0;
                }
                if (hnew < dry) {
                    qx = 0.0;
                    qy = 0.0;
                } else {
                    const double f = manning_implicit_factor(hnew, qx, qy, gn2[i], dt);
                    qx *= f;
                    qy *= f;
                }
                h[i] = hnew;
                hu[i] = qx;
                hv[i] = qy;

                // Monitors and the wave speed of the new state.
                if (hnew > 0.0) {
                    const double u = desingularised_velocity(hnew, qx, eps4);
                    const double v = desingularised_velocity(hnew, qy, eps4);
                    const double c = std::sqrt(gr * hnew);
                    // A cell whose neighbours were dry drains through the dry-bed fan (mass flux
                    // up to 2/3 c h per face at rest): with k such faces the step must keep
                    // dt (2/3) c (k_x / dx + k_y / dy) <= 1 so that it cannot lose more than it holds.
                    const double k_dry = ((fx.h_left[i] == 0.0) + (fx.h_right[i + 1] == 0.0)) +
                                         ((fy_top.h_right[i] == 0.0) + (fy_bot.h_left[i] == 0.0)) * dx_over_dy;
                    sx = std::max(sx, std::max(std::abs(u) + c, drain_factor * k_dry * c));
                    sy = std::max(sy, std::abs(v) + c);
                    const float hf = static_cast<float>(hnew);
                    const float sp = static_cast<float>(std::sqrt(u * u + v * v));
                    maxh[i] = std::max(maxh[i], hf);
                    maxs[i] = std::max(maxs[i], sp);
                    if (hf > arrival_depth && std::isnan(arr[i])) arr[i] = t_arrival;
                    wet += hnew >= dry ? 1 : 0;
                }
            }
            row_fix[j] = fix;
            fy_top = fy_bot;
        }
    }
    smax_x_ = sx;
    smax_y_ = sy;
    wet_cells_ = wet;
}

// --- output helpers --------------------------------------------------------------------------

void Simulation::copy_depth(float* out) const {
    const Grid2D& g = grid_;
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i)
            out[static_cast<std::size_t>(j) * g.nx + i] =
                inside(i, j) ? static_cast<float>(h_(i, j)) : std::numeric_limits<float>::quiet_NaN();
}

void Simulation::copy_velocity(float* vx, float* vy) const {
    const Grid2D& g = grid_;
    const double eps4 = std::pow(setup_.options.velocity_eps, 4);
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * g.nx + i;
            if (!inside(i, j)) {
                vx[k] = vy[k] = std::numeric_limits<float>::quiet_NaN();
                continue;
            }
            const double h = h_(i, j);
            vx[k] = h > 0.0 ? static_cast<float>(desingularised_velocity(h, hu_(i, j), eps4)) : 0.0f;
            vy[k] = h > 0.0 ? static_cast<float>(desingularised_velocity(h, hv_(i, j), eps4)) : 0.0f;
        }
}

namespace {
void copy_masked(const Grid2D& g, const Field<float>& f, const Field<double>& z, float* out) {
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i)
            out[static_cast<std::size_t>(j) * g.nx + i] =
                z(i, j) < 0.5 * kWallElevation ? f(i, j) : std::numeric_limits<float>::quiet_NaN();
}
}  // namespace

void Simulation::copy_max_depth(float* out) const { copy_masked(grid_, max_h_, z_, out); }
void Simulation::copy_max_speed(float* out) const { copy_masked(grid_, max_speed_, z_, out); }
void Simulation::copy_arrival_time(float* out) const { copy_masked(grid_, arrival_, z_, out); }

GaugeReading Simulation::gauge(std::size_t k) const {
    const GaugeSpec& s = setup_.gauges.at(k);
    const double eps4 = std::pow(setup_.options.velocity_eps, 4);
    const double h = h_(s.i, s.j);
    GaugeReading r{};
    r.depth = h;
    r.water_level = h + z_(s.i, s.j);
    r.velocity_x = h > 0.0 ? desingularised_velocity(h, hu_(s.i, s.j), eps4) : 0.0;
    r.velocity_y = h > 0.0 ? desingularised_velocity(h, hv_(s.i, s.j), eps4) : 0.0;
    return r;
}

double Simulation::phase_seconds(const std::string& name) const {
    if (name == "boundaries") return phase_s_[0];
    if (name == "timestep") return phase_s_[1];
    if (name == "sweep") return phase_s_[2];
    return 0.0;
}

}  // namespace floodsim
