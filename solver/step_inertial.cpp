// inertial: the local inertial scheme (Bates, Horritt and Fewtrell 2010, J. Hydrol. 387) with the
// theta-weighted discharge of de Almeida, Bates, Freer and Souvignet 2012 (WRR 48).
//
// State: unit-width discharges on the faces (state_.qx on x faces, state_.qy on y faces, +north). One step:
//   1. faces:   q* = [theta q + (1-theta)/2 (q_{f-1} + q_{f+1}) - g h_f dt d(eta)/dx]
//                    / [1 + dt g n_f^2 |q| / h_f^(7/3)],   h_f = max(eta) - max(z)
//               (|q| is the vector magnitude, the transverse q averaged from the four faces
//               around; n_f the mean of the two cells' n). Boundary faces: imposed, free or level.
//   2. limiter: per cell r = min(1, h / outgoing volume of q*); each face takes the r of its donor
//               cell, so no cell can give more than it holds and both neighbours see one flux.
//   3. cells:   h += dt/dx (q_in - q_out) + rain dt; hu, hv = mean of the two faces' q; monitors.
// Valid for subcritical, gradually varied flow (docs/schemes-inertial.md).
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#include "solver/friction_manning.hpp"
#include "solver/float_monitors.hpp"
#include "solver/simulation.hpp"
#include "solver/velocity.hpp"

namespace floodsim {
namespace {

constexpr double kInertialStabilitySafety = 0.9;

/// Inertial face discharge with theta weighting and semi-implicit Manning friction. All inputs in
/// the face-normal sense: deta = eta_R - eta_L, q_side = (q_{f-1} + q_{f+1}) / 2, q_mag = |q^n|
/// as a vector. Returns 0 on a dry face (h_f <= dry) or a wall face.
template <class T>
inline T inertial_face_q(T eta_l, T z_l, T eta_r, T z_r, T q, T q_side,
                              T q_mag, T gn2f, T theta, T g_dt_over_d, T dt,
                              T dry, T wall_half) {
    const T zf = std::max(z_l, z_r);
    const T hf = std::max(eta_l, eta_r) - zf;
    const bool wet = hf > dry && zf < wall_half;
    // hf wherever the result is used. On dry faces (hf = 0) it keeps the cube root away from 0,
    // where its iteration runs through subnormal numbers (~100x slower on x86): (wet ? hf : 1) is
    // not enough, gcc sees that den is unused on dry faces and takes the cube root of hf itself.
    const T hs = std::max(hf, dry);
    const T num = theta * q + (T(1.0) - theta) * q_side - g_dt_over_d * hs * (eta_r - eta_l);
    const T den = T(1.0) + dt * gn2f * q_mag / (hs * hs * cbrt_positive(hs));
    return wet ? num / den : T(0.0);
}

/// Free (transmissive) boundary face: the water surface keeps falling outward with the steeper of
/// the last bed slope and the last water-surface slope (never rising, so it never draws water
/// in). h_f is the boundary cell's depth. `out` = +1 if outward is the +axis direction, else -1.
template <class T>
inline T free_face_q(T h0, T z0, T h1, T z1, bool has_inner, T q, T q_mag,
                          T gn2f, T out, T g_dt_over_d, T dt, T dry, T wall_half) {
    if (!(h0 > dry) || !(z0 < wall_half)) return T(0.0);
    const T drop = has_inner ? std::max({T(0), z1 - z0, (h1 + z1) - (h0 + z0)}) : T(0.0);
    const T qn = (q + out * g_dt_over_d * h0 * drop) / (T(1.0) + dt * gn2f * q_mag / (h0 * h0 * cbrt_positive(h0)));
    return out > T(0.0) ? std::max(T(0.0), qn) : std::min(T(0.0), qn);
}

/// Interior y faces [i0, i1) of one face row (between cell rows N and S = N + 1; +north): q* into f.
/// Not inlined: the same code also recomputes a block's last face row into a private buffer,
/// and both must agree to the bit.
template <class T>
[[gnu::noinline]] void y_face_row_inertial(int i0, int i1, const T* __restrict hn, const T* __restrict zn,
                                           const T* __restrict hs, const T* __restrict zs,
                                           const T* __restrict snn, const T* __restrict sns,
                                           const T* __restrict q, const T* __restrict qa,
                                           const T* __restrict qb, const T* __restrict qxn,
                                           const T* __restrict qxs, T* __restrict f, T theta,
                                           T gky, T dt, T dry, T wall_half) {
#pragma omp simd
    for (int i = i0; i < i1; ++i) {
        const T qt = T(0.25) * ((qxn[i] + qxn[i + 1]) + (qxs[i] + qxs[i + 1]));
        const T nf = T(0.5) * (snn[i] + sns[i]);
        f[i] = inertial_face_q(hs[i] + zs[i], zs[i], hn[i] + zn[i], zn[i], q[i], T(0.5) * (qa[i] + qb[i]),
                               std::sqrt(q[i] * q[i] + qt * qt), nf * nf, theta, gky, dt, dry, wall_half);
    }
}


/// 1 if q is not +0 (-0 counts: a skipped face must hold exactly what the full step would write).
template <class T>
inline T nonzero(T q) {
    return (q != T(0.0) || std::signbit(q)) ? T(1.0) : T(0.0);
}

/// Outflow limiter of cells [i0, i1) of a row: r = min(1, h / volume leaving through the faces q*).
/// KxFirst: which product the multiply-add rounds (see below).
template <bool KxFirst, class T>
inline void donor_factor_row(int i0, int i1, const T* __restrict h, const T* __restrict fx,
                             const T* __restrict fn, const T* __restrict fs, T* __restrict r,
                             T kx, T ky) {
#pragma omp simd
    for (int i = i0; i < i1; ++i) {
        // std::max(x, 0) as a select: std::max's reference to the temporary 0 kept gcc 12 from
        // vectorising this loop (float: scalar; double: gathers in one copy, scalar with a
        // branch per cell in the other, 10 % of an inertial step on the Shangjie templates).
        auto pos = [](T x) { return x < T(0.0) ? T(0.0) : x; };
        const T ox = pos(fx[i + 1]) + pos(-fx[i]), oy = pos(fn[i]) + pos(-fs[i]);
        // kx ox + ky oy with its multiply-add written out: gcc had fused the std::max form one way
        // or the other depending on the call site, and the select form fuses it differently
        // again; KxFirst keeps every call site's rounding as it was (results bitwise unchanged,
        // checked by test_regression's digests of 0.1.0's results).
        const T out = KxFirst ? std::fma(kx, ox, ky * oy) : std::fma(ky, oy, kx * ox);
        r[i] = out > h[i] ? h[i] / out : T(1.0);
    }
}

}  // namespace

template <class Real>
void BasicSimulation<Real>::init_inertial_state() {
    const Grid2D& g = grid_;
    State<Real>& st = state_;
    st.qx = Field<Real>(g, 0.0);
    st.qy = Field<Real>(g, 0.0);
    // Initial face discharges: the mean of the two cells' momentum (ghosts are filled for t).
    for (int j = 0; j <= g.ny; ++j)
        for (int i = 0; i <= g.nx; ++i) {
            if (j < g.ny) st.qx(i, j) = 0.5 * (st.hu(i - 1, j) + st.hu(i, j));
            if (i < g.nx) st.qy(i, j) = 0.5 * (st.hv(i, j - 1) + st.hv(i, j));
        }
}

template <class Real>
void BasicSimulation<Real>::init_inertial() {
    const Grid2D& g = grid_;
    InertialWorkspace<Real>& w = inertial_;
    w.fx = Field<Real>(g, 0.0);
    w.fy = Field<Real>(g, 0.0);
    w.donor = Field<Real>(g, 1.0);
    // per thread: the face row below its block, the new speeds and the negative depths of a row
    w.rows.assign(static_cast<std::size_t>(std::max(1, threads_)),
                  std::vector<Real, AlignedAllocator<Real>>(3 * static_cast<std::size_t>(g.pitch), 0.0));
    w.sqrtg_n = Field<Real>(g, 0.0);
    // On a block, the first ghost layer of a halo side is the neighbour's cell, with its own
    // friction (gn2_ of the halo is filled in the constructor): a face across a block edge takes
    // the mean of its two cells' n, as in the serial run.
    const int w0 = halo_side(BoundarySide::West) ? -1 : 0, e1 = halo_side(BoundarySide::East) ? g.nx : g.nx - 1;
    const int n0 = halo_side(BoundarySide::North) ? -1 : 0, s1 = halo_side(BoundarySide::South) ? g.ny : g.ny - 1;
    for (int j = -g.ghost; j < g.ny + g.ghost; ++j)
        for (int i = -g.ghost; i < g.nx + g.ghost; ++i) {
            const int ii = std::clamp(i, w0, e1), jj = std::clamp(j, n0, s1);
            w.sqrtg_n(i, j) = std::sqrt(gn2_(ii, jj));
        }
    if (links_.linked()) {
        w.east_q = Field<Real>(g, 0.0);
        w.south_q = Field<Real>(g, 0.0);
    }
    // Which boundary faces are free (their flux is computed here); level faces use the ghosts.
    w.free_face.assign(2 * static_cast<std::size_t>(g.ny) + 2 * static_cast<std::size_t>(g.nx), 0);
    for (const BoundarySpec& b : setup_.boundaries) {
        if (b.type != BoundaryType::Free) continue;
        const bool ew = b.side == BoundarySide::West || b.side == BoundarySide::East;
        const int len = ew ? g.ny : g.nx;
        const int last = b.last < 0 ? len - 1 : b.last;
        const std::size_t base = b.side == BoundarySide::West    ? 0
                                 : b.side == BoundarySide::East  ? g.ny
                                 : b.side == BoundarySide::North ? 2 * g.ny
                                                                 : 2 * g.ny + g.nx;
        for (int s = b.first; s <= last; ++s) w.free_face[base + s] = 1;
    }
    w.ready = true;
}

template <class Real>
void BasicSimulation<Real>::fill_inertial_halo() {
    // A block computes the faces on its halo sides itself, like interior faces, from the same
    // inputs as the neighbour that owns them (so both get the serial bits). A face reads the
    // discharges of the faces beside it along its normal: the block's east face nx reads qx of
    // face nx + 1 (the west face of the second halo column), its south face row ny reads qy of
    // row ny + 1; hence width 2 (docs/parallel.md, "Halo widths"). From the second step on the
    // faces travel with the cells (fill_ghosts); the first step, whose workspace is built in
    // step_inertial, exchanges them here.
    stage_inertial_edge_faces();
    Field<Real>* faces[] = {&state_.qx, &state_.qy, &inertial_.east_q, &inertial_.south_q};
    links_.fill_halo(faces, 2);
    place_inertial_edge_faces();
}

template <class Real>
void BasicSimulation<Real>::stage_inertial_edge_faces() {
    // The faces on the global grid's east and south edges are stored beyond it (qx(nx, j) of the
    // last column, qy(i, ny) of the last row), where the exchange of cells never reaches; yet a
    // neighbour reads them (the corner of its halo, or the face nx + 1 beside a block one column
    // wide). They travel as the east_q / south_q of the last column's and row's cells.
    const Grid2D& g = grid_;
    const int nx = g.nx, ny = g.ny;
    State<Real>& st = state_;
    InertialWorkspace<Real>& w = inertial_;
    if (g.i0 + nx == g.global_size_x())
        for (int j = 0; j < ny; ++j) w.east_q(nx - 1, j) = st.qx(nx, j);
    if (g.j0 + ny == g.global_size_y())
        for (int i = 0; i < nx; ++i) w.south_q(i, ny - 1) = st.qy(i, ny);
}

template <class Real>
void BasicSimulation<Real>::place_inertial_edge_faces() {
    const Grid2D& g = grid_;
    const int nx = g.nx, ny = g.ny;
    const int gnx = g.global_size_x(), gny = g.global_size_y();
    State<Real>& st = state_;
    InertialWorkspace<Real>& w = inertial_;
    auto own = [nx, ny](int i, int j) { return i >= 0 && i < nx && j >= 0 && j < ny; };
    const int il = gnx - 1 - g.i0, jl = gny - 1 - g.j0;  // the global last column and row, in block indices
    if (il + 1 <= nx + 1)  // (a face further east is read by no face of the block)
        for (int j = std::max(-g.ghost, -g.j0); j < std::min(ny + g.ghost, gny - g.j0); ++j)
            if (!own(il, j)) st.qx(il + 1, j) = w.east_q(il, j);
    if (jl + 1 <= ny + 1)
        for (int i = std::max(-g.ghost, -g.i0); i < std::min(nx + g.ghost, gnx - g.i0); ++i)
            if (!own(i, jl)) st.qy(i, jl + 1) = w.south_q(i, jl);
}

template <class Real>
double BasicSimulation<Real>::inertial_time_step(double& t_end) const {
    const Grid2D& g = grid_;
    Real hmax = static_cast<Real>(state_.inertial_hmax);
    // Ghost cells can be deeper than the interior (a level boundary, an inflow at critical depth).
    // On a block, the ghosts of a halo side are the neighbours' cells: already in their maxima,
    // and not read (their new values may still be on the way: fill_ghosts).
    const bool west = !halo_side(BoundarySide::West), east = !halo_side(BoundarySide::East);
    const bool north = !halo_side(BoundarySide::North), south = !halo_side(BoundarySide::South);
    for (int j = 0; j < g.ny; ++j) {
        if (west) hmax = std::max(hmax, state_.h(-1, j));
        if (east) hmax = std::max(hmax, state_.h(g.nx, j));
    }
    for (int i = 0; i < g.nx; ++i) {
        if (north) hmax = std::max(hmax, state_.h(i, -1));
        if (south) hmax = std::max(hmax, state_.h(i, g.ny));
    }
    if (links_.linked()) {
        // The serial step: the deepest cell of all blocks, and the earliest event of any block's
        // boundaries. Exact: a Real converted to double and back, a maximum, -t negated back.
        double v[] = {static_cast<double>(hmax), -t_end};
        links_.reduce_max(v);
        hmax = static_cast<Real>(v[0]);
        t_end = -v[1];
    }
    const SolverOptions& o = setup_.options;
    // Bates et al. (2010): dt = alpha dx / sqrt(g h_max). The theta smoothing narrows the stable
    // range in 2D: for the checkerboard mode of the linearised scheme the amplification stays
    // <= 1 only while sqrt(g h) dt sqrt(1/dx^2 + 1/dy^2) <= sqrt(theta) (von Neumann; theta = 1
    // gives the classic 1/sqrt(2) for square cells). alpha is capped at 0.9 of that limit.
    const double limit = kInertialStabilitySafety * std::sqrt(o.inertial_theta) /
                         std::sqrt(1.0 / (g.dx * g.dx) + 1.0 / (g.dy * g.dy));
    const double reach = std::min(o.inertial_alpha * std::min(g.dx, g.dy), limit);
    double dt = o.max_dt;
    if (hmax > 0) dt = std::min(dt, reach / std::sqrt(o.gravity * static_cast<double>(hmax)));
    return dt;
}

template <class Real>
void BasicSimulation<Real>::step_inertial(double dt, double t_new) {
    if (!inertial_.ready) {
        init_inertial();
        if (links_.linked()) fill_inertial_halo();  // (later steps: with the cells, fill_ghosts)
    }
    const Grid2D& g = grid_;
    const int nx = g.nx, ny = g.ny, ghost = g.ghost;
    const SolverOptions& o = setup_.options;
    const Real gr = o.gravity, theta = o.inertial_theta, dry = o.dry_depth;
    const Real wall_half = Real(0.5) * kWallElevation;
    const Real kx = dt / g.dx, ky = dt / g.dy;
    const Real dt_r = static_cast<Real>(dt);
    const Real gkx = gr * kx, gky = gr * ky;
    const Real rain_dt = setup_.rain.empty() ? Real(0.0) : setup_.rain.mean(state_.t, t_new) * dt;
    const Real eps4 = std::pow(o.velocity_eps, 4);
    const float arrival_depth = static_cast<float>(o.arrival_depth);
    const float t_arrival = static_cast<float>(t_new);
    const int nthreads = std::max(1, std::min({threads_, ny, static_cast<int>(inertial_.rows.size())}));

    Field<Real>& H = state_.h;
    Field<Real>& HU = state_.hu;
    Field<Real>& HV = state_.hv;
    const Field<Real>& Z = z_;
    const Field<Real>& SN = inertial_.sqrtg_n;
    Field<Real>& QX = state_.qx;
    Field<Real>& QY = state_.qy;
    Field<Real>& FX = inertial_.fx;
    Field<Real>& FY = inertial_.fy;
    Field<Real>& R = inertial_.donor;
    Field<float>& MAXH = state_.max_h;
    Field<float>& MAXS = state_.max_speed;
    Field<float>& ARR = state_.arrival;
    auto& scratch = inertial_.rows;
    const std::vector<double>& q_west = faces_.q_west;
    const std::vector<double>& q_east = faces_.q_east;
    const std::vector<double>& q_north = faces_.q_north;
    const std::vector<double>& q_south = faces_.q_south;
    std::vector<double>& f_west = faces_.f_west;
    std::vector<double>& f_east = faces_.f_east;
    std::vector<double>& f_north = faces_.f_north;
    std::vector<double>& f_south = faces_.f_south;
    std::vector<double>& row_fix = faces_.row_fix;
    const unsigned char* free_w = inertial_.free_face.data();
    const unsigned char* free_e = free_w + ny;
    const unsigned char* free_n = free_e + ny;
    const unsigned char* free_s = free_n + nx;
    // On a block, the faces of its halo sides are computed like interior faces (the halo holds
    // the neighbours' cells and faces), and a boundary's next cell inward may lie in the halo.
    const bool w_halo = halo_side(BoundarySide::West), e_halo = halo_side(BoundarySide::East);
    const bool n_halo = halo_side(BoundarySide::North), s_halo = halo_side(BoundarySide::South);

    // Dry tiles (as fv1, see update_chunk_activity): rows are cut into chunks of kChunk cells, and a
    // chunk is stepped only if it holds water or a non-zero face discharge of its own (the west and
    // north faces of its cells), or water can cross one of its faces in this step. A chunk that is
    // not stepped would compute q* = 0 on every face (dry against dry), keep h = 0, q = 0 and its
    // monitors: skipping it changes nothing, bit for bit. Each face is computed by the runs of
    // chunks that need it, so every face between a stepped and a skipped chunk is 0.
    tiles_.nchunks = (nx + kChunk - 1) / kChunk;
    const int nch = tiles_.nchunks;
    update_chunk_activity(!o.skip_dry_tiles || rain_dt > Real(0.0));
    const std::uint8_t* active = tiles_.active.data();
    std::uint8_t* chunk_water = tiles_.wet.data();
    std::uint8_t* chunk_busy = tiles_.busy.data();
    // Is chunk c of row j stepped? Rows outside the grid never are.
    auto act = [active, ny, nch](int j, int c) {
        return j >= 0 && j < ny && active[static_cast<std::size_t>(j) * nch + c] != 0;
    };
    // f(i0, i1) for the cells [i0, i1) of each run of consecutive chunks c with pred(c).
    auto runs = [nch, nx](auto&& pred, auto&& f) {
        for (int c = 0; c < nch;) {
            if (!pred(c)) {
                ++c;
                continue;
            }
            int e = c + 1;
            while (e < nch && pred(e)) ++e;
            f(c * kChunk, std::min(nx, e * kChunk));
            c = e;
        }
    };

    // q* of the x faces of row j: face i between cells i - 1 and i, faces i0 .. i1 of each run.
    // (The row pointers are locals of the innermost lambda: captured by reference, gcc reloads them
    // in the loop and vectorises it with gathers.)
    auto x_faces = [&](int j) {
        runs([&](int c) { return act(j, c); }, [&](int i0, int i1) {
            const Real* __restrict h = H.row(j);
            const Real* __restrict z = Z.row(j);
            const Real* __restrict sn = SN.row(j);
            const Real* __restrict q = QX.row(j);
            const Real* __restrict qyn = QY.row(j);
            const Real* __restrict qys = QY.row(j + 1);
            Real* __restrict f = FX.row(j);
            const int a = std::max(i0, w_halo ? 0 : 1), b = std::min(i1, e_halo ? nx : nx - 1);
#pragma omp simd
            for (int i = a; i <= b; ++i) {
                const Real qt = Real(0.25) * ((qyn[i - 1] + qyn[i]) + (qys[i - 1] + qys[i]));
                const Real nf = Real(0.5) * (sn[i - 1] + sn[i]);
                f[i] = inertial_face_q(h[i - 1] + z[i - 1], z[i - 1], h[i] + z[i], z[i], q[i], Real(0.5) * (q[i - 1] + q[i + 1]),
                                       std::sqrt(q[i] * q[i] + qt * qt), nf * nf, theta, gkx, dt_r, dry, wall_half);
            }
            // Boundary faces: imposed (closed, discharge), free, or level (the ghost's eta), theta = 1.
            for (int side = 0; side < 2; ++side) {
                if (side == 0 ? i0 != 0 || w_halo : i1 != nx || e_halo) continue;
                const int i = side == 0 ? 0 : nx;      // face
                const int c = side == 0 ? 0 : nx - 1;  // boundary cell
                // next inward (the boundary cell itself in a grid one column wide)
                const int c1 = side == 0 ? (nx > 1 || e_halo ? 1 : 0) : (nx > 1 || w_halo ? nx - 2 : 0);
                const int gc = side == 0 ? -1 : nx;                                  // ghost
                const Real imposed = side == 0 ? q_west[j] : q_east[j];
                const bool is_free = (side == 0 ? free_w[j] : free_e[j]) != 0;
                const Real qt = Real(0.25) * ((qyn[i - 1] + qyn[i]) + (qys[i - 1] + qys[i]));
                const Real qm = std::sqrt(q[i] * q[i] + qt * qt);
                const Real gn2f = sn[c] * sn[c];
                if (!std::isnan(imposed)) {
                    f[i] = imposed;
                } else if (is_free) {
                    f[i] = free_face_q(h[c], z[c], h[c1], z[c1], c1 != c && z[c1] < wall_half, q[i], qm, gn2f,
                                       side == 0 ? -Real(1.0) : Real(1.0), gkx, dt_r, dry, wall_half);
                } else {
                    const int l = side == 0 ? gc : c, r = side == 0 ? c : gc;
                    f[i] = inertial_face_q(h[l] + z[l], z[l], h[r] + z[r], z[r], q[i], q[i], qm, gn2f, Real(1.0), gkx, dt_r,
                                           dry, wall_half);
                }
            }
        });
    };
    // q* of face row j (between cell rows j - 1 and j) into out, for the chunks stepped on either side.
    auto y_faces = [&](int j, Real* out) {
        auto needed = [&](int c) { return act(j - 1, c) || act(j, c); };
        if ((j > 0 || n_halo) && (j < ny || s_halo)) {
            runs(needed, [&](int i0, int i1) {
                y_face_row_inertial(i0, i1, H.row(j - 1), Z.row(j - 1), H.row(j), Z.row(j), SN.row(j - 1), SN.row(j),
                                    QY.row(j), QY.row(j - 1), QY.row(j + 1), QX.row(j - 1), QX.row(j), out, theta, gky,
                                    dt_r, dry, wall_half);
            });
            return;
        }
        const bool north = j == 0;
        const int c = north ? 0 : ny - 1;
        const int c1 = north ? (ny > 1 || s_halo ? 1 : 0) : (ny > 1 || n_halo ? ny - 2 : 0);
        const Real* hc = H.row(c);
        const Real* zc = Z.row(c);
        const Real* h1 = H.row(c1);
        const Real* z1 = Z.row(c1);
        const Real* hg = H.row(north ? -1 : ny);
        const Real* zg = Z.row(north ? -1 : ny);
        const Real* snc = SN.row(c);
        const Real* q = QY.row(j);
        const Real* qxn = QX.row(j - 1);
        const Real* qxs = QX.row(j);
        const std::vector<double>& imposed = north ? q_north : q_south;
        const unsigned char* is_free = north ? free_n : free_s;
        runs(needed, [&](int i0, int i1) {
            for (int i = i0; i < i1; ++i) {
                const Real qt = Real(0.25) * ((qxn[i] + qxn[i + 1]) + (qxs[i] + qxs[i + 1]));
                const Real qm = std::sqrt(q[i] * q[i] + qt * qt);
                const Real gn2f = snc[i] * snc[i];
                if (!std::isnan(imposed[i])) {
                    out[i] = imposed[i];
                } else if (is_free[i] != 0) {
                    out[i] = free_face_q(hc[i], zc[i], h1[i], z1[i], c1 != c && z1[i] < wall_half, q[i], qm, gn2f,
                                         north ? Real(1.0) : -Real(1.0), gky, dt_r, dry, wall_half);
                } else if (north) {  // the ghost row lies north ("right")
                    out[i] = inertial_face_q(hc[i] + zc[i], zc[i], hg[i] + zg[i], zg[i], q[i], q[i], qm, gn2f, Real(1.0),
                                             gky, dt_r, dry, wall_half);
                } else {
                    out[i] = inertial_face_q(hg[i] + zg[i], zg[i], hc[i] + zc[i], zc[i], q[i], q[i], qm, gn2f, Real(1.0),
                                             gky, dt_r, dry, wall_half);
                }
            }
        });
    };
    // Outflow limiter of the stepped chunks of row j; fs = the face row south of it.
    auto donor = [&](int j, const Real* fs, auto kx_first) {
        runs([&](int c) { return act(j, c); }, [&](int i0, int i1) {
            donor_factor_row<decltype(kx_first)::value>(i0, i1, H.row(j), FX.row(j), FY.row(j), fs, R.row(j), kx, ky);
        });
    };

    const std::size_t pitch = static_cast<std::size_t>(g.pitch);
    // Rows are split over the team obtained, which can be smaller than the one asked for
    // (OMP_THREAD_LIMIT, OMP_DYNAMIC, nested parallelism); scratch is sized for the one asked.
    auto rows_of_thread = [ny]() {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        return std::pair{static_cast<int>(static_cast<std::int64_t>(ny) * t / nt),
                         static_cast<int>(static_cast<std::int64_t>(ny) * (t + 1) / nt)};
    };
#pragma omp parallel num_threads(nthreads) default(none) shared(FY, scratch, x_faces, y_faces, donor, rows_of_thread) \
    firstprivate(ny, ghost, s_halo)
    {
        const int t = omp_get_thread_num();
        const auto [j0, j1] = rows_of_thread();

        // Phase 1 (from the old state): q* of the block's faces, and the outflow limiter of each
        // row as soon as its south face row is known. The face row below the block belongs to the
        // next block; it is recomputed here into a private row (the same code, the same bits).
        for (int j = j0; j < j1; ++j) {
            x_faces(j);
            y_faces(j, FY.row(j));
            // (the rounding of each call site as before: see donor_factor_row)
            if (j > j0) donor(j - 1, FY.row(j), std::bool_constant<std::is_same_v<Real, float>>{});
        }
        Real* south = FY.row(j1);
        if (j1 == ny) {
            y_faces(ny, south);
        } else {
            south = scratch[t].data() + ghost;  // the same alignment as FY.row(j1)
            y_faces(j1, south);
        }
        // The grid's last row has its own rounding (as before); every other row the rounding of
        // the loop above, also where a thread's rows or a block end, so that neither the thread
        // count nor the blocks change a factor's bits.
        if (j1 == ny && !s_halo)
            donor(j1 - 1, south, std::true_type{});
        else
            donor(j1 - 1, south, std::bool_constant<std::is_same_v<Real, float>>{});
    }
    // On a block, the faces across its halo sides take the factors of the neighbours' cells (a
    // physical boundary's ghost keeps 1): the neighbours computed them in their phase 1, so they
    // are exchanged here, between the phases (outside a parallel region: MPI is called from one
    // thread only).
    if (links_.linked()) {
        Field<Real>* factors[] = {&R};
        links_.fill_halo(factors, 1);
    }

    Real sx = Real(0.0), sy = Real(0.0), hmax = Real(0.0);
    std::int64_t wet = 0;
#pragma omp parallel num_threads(nthreads) default(none)                                                      \
    shared(H, HU, HV, Z, QX, QY, FX, FY, R, MAXH, MAXS, ARR, scratch, f_west, f_east, f_north, f_south, row_fix, \
               runs, act, chunk_water, chunk_busy, rows_of_thread)                                             \
    firstprivate(nx, ny, nch, ghost, pitch, kx, ky, rain_dt, dry, wall_half, gr, eps4, arrival_depth, \
                     t_arrival) reduction(max : sx, sy, hmax) reduction(+ : wet)
    {
        const int t = omp_get_thread_num();
        const auto [j0, j1] = rows_of_thread();

        // Phase 2: limited fluxes (the new state QX, QY), cell update, rain, monitors.
        Real* __restrict speed = scratch[t].data() + pitch + ghost;  // the new speeds of a row
        Real* __restrict negs = speed + pitch;                         // and its negative depths
        for (int j = j0; j < j1; ++j) {
            std::uint8_t* water = chunk_water + static_cast<std::size_t>(j) * nch;
            std::uint8_t* busy = chunk_busy + static_cast<std::size_t>(j) * nch;
            f_west[j] = 0.0;
            f_east[j] = 0.0;
            if (j == 0)
                for (int i = 0; i < nx; ++i) f_north[i] = 0.0;
            if (j == ny - 1)
                for (int i = 0; i < nx; ++i) f_south[i] = 0.0;
            for (int c = 0; c < nch; ++c)
                if (!act(j, c)) water[c] = busy[c] = 0;  // a chunk not stepped was dry and stays so
            Real any_neg = Real(0.0);
            runs([&](int c) { return act(j, c); }, [&](int i0, int i1) {
                Real* __restrict h = H.row(j);
                Real* __restrict hu = HU.row(j);
                Real* __restrict hv = HV.row(j);
                const Real* __restrict z = Z.row(j);
                const Real* __restrict fx = FX.row(j);
                const Real* __restrict fn = FY.row(j);
                const Real* __restrict fs = FY.row(j + 1);
                const Real* __restrict r = R.row(j);
                const Real* __restrict rn = R.row(j - 1);
                const Real* __restrict rs = R.row(j + 1);
                Real* __restrict qx = QX.row(j);
                Real* __restrict qn_out = QY.row(j);
                Real* __restrict qs_out = QY.row(j + 1);  // written on the last row only (boundary faces)
                Real* __restrict sp = speed;
                Real* __restrict ng = negs;
                // Scalars as locals too (through the closure, gcc reloads them in the loop).
                const Real kx_l = kx, ky_l = ky, rain_l = rain_dt, wall_l = wall_half, dry_l = dry, eps4_l = eps4,
                           g_l = gr;
                Real row_sx = Real(0.0), row_sy = Real(0.0), row_hmax = Real(0.0), row_wet = Real(0.0), neg_max = Real(0.0);
                // Only Real lanes and selects here, so that it vectorises; the float monitors get
                // a loop of their own below.
#pragma omp simd reduction(max : row_sx, row_sy, row_hmax, neg_max) reduction(+ : row_wet)
                for (int i = i0; i < i1; ++i) {
                    // Each face takes its donor cell's factor: the same product in both neighbours.
                    // (All four factors loaded first: a select between two loads becomes a gather.)
                    const Real rw = r[i - 1], rc = r[i], re = r[i + 1], rnc = rn[i], rsc = rs[i];
                    const Real qw = fx[i] * (fx[i] > Real(0.0) ? rw : rc);
                    const Real qn = fn[i] * (fn[i] > Real(0.0) ? rc : rnc);
                    qx[i] = qw;
                    qn_out[i] = qn;
                    // The east and south faces' discharges (fx[i + 1], fs[i] times their donors'
                    // factors se, ss) enter only these sums, each with its product unrounded: the
                    // multiply-adds written out as gcc had fused them in the vectorised loop but not
                    // in its scalar remainder (the last nx % (vector width) cells of a row), where a
                    // cell's bits then depended on its place in the row; a block's rows end
                    // elsewhere than the grid's.
                    const Real se = fx[i + 1] > Real(0.0) ? rc : re, ss = fs[i] > Real(0.0) ? rsc : rc;
                    const Real d_we = std::fma(-fx[i + 1], se, qw), s_we = std::fma(fx[i + 1], se, qw);  // qw -+ qe
                    const Real d_sn = std::fma(fs[i], ss, -qn), s_ns = std::fma(fs[i], ss, qn);           // qs -+ qn
                    Real hnew = std::fma(ky_l, d_sn, std::fma(kx_l, d_we, h[i])) + (z[i] < wall_l ? rain_l : Real(0.0));
                    const Real neg = hnew < Real(0.0) ? -hnew : Real(0.0);
                    ng[i] = neg;
                    neg_max = std::max(neg_max, neg);
                    hnew = std::max(hnew, Real(0.0));
                    const bool wet_cell = hnew >= dry_l;
                    const Real qxc = wet_cell ? Real(0.5) * s_we : Real(0.0);
                    const Real qyc = wet_cell ? Real(0.5) * s_ns : Real(0.0);
                    h[i] = hnew;
                    hu[i] = qxc;
                    hv[i] = qyc;
                    // Monitors of the new state (desingularised velocities are 0 where h = 0).
                    const Real u = desingularised_velocity(hnew, qxc, eps4_l);
                    const Real v = desingularised_velocity(hnew, qyc, eps4_l);
                    const Real cel = std::sqrt(g_l * hnew);
                    row_sx = std::max(row_sx, std::abs(u) + cel);
                    row_sy = std::max(row_sy, std::abs(v) + cel);
                    row_hmax = std::max(row_hmax, hnew);
                    sp[i] = std::sqrt(u * u + v * v);
                    // a Real: an int64 reduction keeps gcc 12 from vectorising this loop
                    row_wet += wet_cell ? Real(1.0) : Real(0.0);
                }
                float_monitors(i0, i1, h, sp, MAXH.row(j), MAXS.row(j), ARR.row(j), arrival_depth, t_arrival);
                sx = std::max(sx, row_sx);
                sy = std::max(sy, row_sy);
                hmax = std::max(hmax, row_hmax);
                wet += static_cast<std::int64_t>(row_wet);
                any_neg = std::max(any_neg, neg_max);
                // The row's east face (the loop stores each cell's west face), the south boundary
                // faces, and the boundary records.
                // (r[nx], rs: the ghosts' factor, 1 at a physical boundary; the neighbour's on a block)
                if (i1 == nx) qx[nx] = fx[nx] * (fx[nx] > Real(0.0) ? r[nx - 1] : r[nx]);
                if (i0 == 0) f_west[j] = qx[0];
                if (i1 == nx) f_east[j] = qx[nx];
                if (j == 0)
                    for (int i = i0; i < i1; ++i) f_north[i] = qn_out[i];
                if (j == ny - 1)
                    for (int i = i0; i < i1; ++i) {
                        qs_out[i] = fs[i] * (fs[i] > Real(0.0) ? rs[i] : r[i]);
                        f_south[i] = qs_out[i];
                    }
                // Which chunks of the run hold water, or a non-zero discharge on a face of their own.
                for (int c = i0 / kChunk; c * kChunk < i1; ++c) {
                    const int a = c * kChunk, b = std::min(nx, a + kChunk);
                    Real wmax = Real(0.0), qmax = Real(0.0);
#pragma omp simd reduction(max : wmax, qmax)
                    for (int i = a; i < b; ++i) {
                        wmax = std::max(wmax, h[i]);
                        qmax = std::max(qmax, std::max(nonzero(qx[i]), nonzero(qn_out[i])));
                    }
                    if (b == nx) qmax = std::max(qmax, nonzero(qx[nx]));
                    if (j == ny - 1)
                        for (int i = a; i < b; ++i) qmax = std::max(qmax, nonzero(qs_out[i]));
                    water[c] = wmax > Real(0.0) ? static_cast<std::uint8_t>(
                                                      ChunkActivity::kWaterAny | (h[a] > Real(0.0) ? ChunkActivity::kWaterFirst : 0) |
                                                      (h[b - 1] > Real(0.0) ? ChunkActivity::kWaterLast : 0))
                                                : 0;
                    busy[c] = (wmax > Real(0.0) || qmax > Real(0.0)) ? 1 : 0;
                }
            });
            // Round-off that left a hair below zero, summed in the order of the cells (rare).
            Real fix = Real(0.0);
            if (any_neg > Real(0.0))
                runs([&](int c) { return act(j, c); }, [&](int i0, int i1) {
                    const Real* __restrict ng = negs;
                    for (int i = i0; i < i1; ++i) fix += ng[i];
                });
            row_fix[j] = fix;
        }
    }
    state_.smax_x = sx;
    state_.smax_y = sy;
    state_.inertial_hmax = hmax;
    state_.wet_cells = wet;
}

template void BasicSimulation<double>::init_inertial_state();
template void BasicSimulation<float>::init_inertial_state();
template void BasicSimulation<double>::init_inertial();
template void BasicSimulation<float>::init_inertial();
template void BasicSimulation<double>::fill_inertial_halo();
template void BasicSimulation<float>::fill_inertial_halo();
template void BasicSimulation<double>::stage_inertial_edge_faces();
template void BasicSimulation<float>::stage_inertial_edge_faces();
template void BasicSimulation<double>::place_inertial_edge_faces();
template void BasicSimulation<float>::place_inertial_edge_faces();
template double BasicSimulation<double>::inertial_time_step(double&) const;
template double BasicSimulation<float>::inertial_time_step(double&) const;
template void BasicSimulation<double>::step_inertial(double, double);
template void BasicSimulation<float>::step_inertial(double, double);

}  // namespace floodsim
