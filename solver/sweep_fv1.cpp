// The fv1 step: first-order Godunov finite volumes (HLLC + hydrostatic reconstruction) in one
// fused, in-place sweep over the rows: face fluxes, cell update, rain, friction, wet/dry,
// monitors and the wave speed of the new state, touching each cell's data once per step.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "solver/face_rows.hpp"
#include "solver/fv1_sweep_tools.hpp"
#include "solver/friction_manning.hpp"
#include "solver/float_monitors.hpp"
#include "solver/simulation.hpp"

namespace floodsim {

template <class Real>
void BasicSimulation<Real>::update_chunk_activity(bool all_active) {
    const Grid2D& g = grid_;
    const int nx = g.nx, ny = g.ny, nch = tiles_.nchunks;
    if (!tiles_.ready) {
        // First call: which chunks hold domain cells, and which hold water now.
        tiles_.domain.assign(static_cast<std::size_t>(ny) * nch, 0);
        tiles_.wet.assign(static_cast<std::size_t>(ny) * nch, 0);
        for (int j = 0; j < ny; ++j)
            for (int i = 0; i < nx; ++i) {
                const std::size_t k = static_cast<std::size_t>(j) * nch + i / kChunk;
                tiles_.domain[k] |= inside(i, j) ? 1 : 0;
                // bit 0: water in the chunk; bits 1, 2: in its first, last cell (kWater...)
                if (state_.h(i, j) > 0.0)
                    tiles_.wet[k] |= ChunkActivity::kWaterAny | (i % kChunk == 0 ? ChunkActivity::kWaterFirst : 0) |
                                     (i % kChunk == kChunk - 1 || i == nx - 1 ? ChunkActivity::kWaterLast : 0);
            }
        if (setup_.options.scheme == Scheme::Inertial) {
            // inertial: also a non-zero discharge on a chunk's own faces (west and north of its
            // cells; the east and south boundary faces belong to the last chunk and row).
            auto nz = [](Real q) { return q != Real(0) || std::signbit(q); };
            tiles_.busy = tiles_.wet;
            for (int j = 0; j < ny; ++j)
                for (int i = 0; i < nx; ++i) {
                    const std::size_t k = static_cast<std::size_t>(j) * nch + i / kChunk;
                    const bool q = nz(state_.qx(i, j)) || nz(state_.qy(i, j)) || (i == nx - 1 && nz(state_.qx(nx, j))) ||
                                   (j == ny - 1 && nz(state_.qy(i, ny)));
                    tiles_.busy[k] |= q ? 1 : 0;
                }
        }
        tiles_.active.assign(tiles_.wet.size(), 1);
        tiles_.ready = true;
    }
    if (all_active) {
        tiles_.active = tiles_.domain;
        return;
    }
    // A chunk without water needs the sweep only if water can cross one of its faces in this step
    // (5-point stencil: no diagonal fluxes). Otherwise every face of it is dry against dry (or a
    // wall, or a closed/dry boundary), every flux and bed-slope source is exactly 0, and sweeping
    // it would leave its cells and monitors as they are, bit for bit. So a chunk is swept if
    //   - it holds water, or the same columns of the row above or below do;
    //   - the cell across its west or east end holds water (last cell of the chunk to the west,
    //     first of the chunk to the east; the ghost cell at the domain's edges);
    //   - a ghost cell across its north or south faces holds water, or an inflow is imposed on one
    //     of its boundary faces (a discharge boundary starting from a dry bed has no ghost water).
    const std::uint8_t* wet = tiles_.wet.data();
    const std::uint8_t* own = tiles_.busy.empty() ? wet : tiles_.busy.data();  // inertial: busy
    const std::uint8_t* domain = tiles_.domain.data();
    std::uint8_t* active = tiles_.active.data();
    for (int j = 0; j < ny; ++j) {
        const Real* h = state_.h.row(j);
        const std::uint8_t* w = wet + static_cast<std::size_t>(j) * nch;
        const std::uint8_t* self = own + static_cast<std::size_t>(j) * nch;
        const std::uint8_t* wn = j > 0 ? w - nch : nullptr;
        const std::uint8_t* ws = j < ny - 1 ? w + nch : nullptr;
        std::uint8_t* a = active + static_cast<std::size_t>(j) * nch;
        const std::uint8_t* d = domain + static_cast<std::size_t>(j) * nch;
        for (int c = 0; c < nch; ++c) {
            // the cells across the chunk's ends: flags of the chunks next to it, or the ghost cells
            const bool west = c > 0 ? (w[c - 1] & ChunkActivity::kWaterLast) != 0 : h[-1] > Real(0);
            const bool east = c < nch - 1 ? (w[c + 1] & ChunkActivity::kWaterFirst) != 0 : h[nx] > Real(0);
            const bool reach = self[c] != 0 || (wn && wn[c] != 0) || (ws && ws[c] != 0) || west || east;
            a[c] = reach ? d[c] : 0;
        }
    }
    const Real* gn = state_.h.row(-1);
    const Real* gs = state_.h.row(ny);
    auto imposed = [](double q) { return !std::isnan(q) && q != 0.0; };
    for (int j = 0; j < ny; ++j) {
        const std::size_t k = static_cast<std::size_t>(j) * nch;
        if (imposed(faces_.q_west[j])) active[k] = domain[k];
        if (imposed(faces_.q_east[j])) active[k + nch - 1] = domain[k + nch - 1];
    }
    for (int i = 0; i < nx; ++i) {
        const std::size_t kn = static_cast<std::size_t>(i / kChunk);
        const std::size_t ks = static_cast<std::size_t>(ny - 1) * nch + kn;
        if (gn[i] > Real(0) || imposed(faces_.q_north[i])) active[kn] = domain[kn];
        if (gs[i] > Real(0) || imposed(faces_.q_south[i])) active[ks] = domain[ks];
    }
}

template <class Real>
void BasicSimulation<Real>::sweep_fv1(double dt, double t_new) {
    const Grid2D& g = grid_;
    const int nx = g.nx, ny = g.ny;
    const SolverOptions& o = setup_.options;
    const Real gr = o.gravity;
    const Real eps4 = std::pow(o.velocity_eps, 4);
    const Real kx = dt / g.dx, ky = dt / g.dy;
    const Real dt_r = static_cast<Real>(dt);
    const Real rain_dt = setup_.rain.empty() ? 0.0 : setup_.rain.mean(state_.t, t_new) * dt;
    const Real dry = o.dry_depth;
    const float arrival_depth = static_cast<float>(o.arrival_depth);
    const float t_arrival = static_cast<float>(t_new);
    const Real wall_half = 0.5 * kWallElevation;
    const int nthreads = std::min(threads_, ny);
    const Real dx_over_dy = g.dx / g.dy;
    const Real cfl_r = o.cfl;
    const Real inv_dx = 1.0 / g.dx, inv_dy = 1.0 / g.dy;

    tiles_.nchunks = (nx + kChunk - 1) / kChunk;
    const int nch = tiles_.nchunks;
    update_chunk_activity(!o.skip_dry_tiles || rain_dt > 0.0);

    const std::size_t row_len = static_cast<std::size_t>(nx) + 1;
    if (fv1_.rows.size() < static_cast<std::size_t>(nthreads)) {
        fv1_.rows.resize(nthreads);
        fv1_.block_face.resize(nthreads);
    }
    for (int t = 0; t < nthreads; ++t) {
        // three face rows, then two rows of velocities (u, v; cells -1 .. nx)
        const std::size_t need = 3 * kFaceArrays * row_len + 5 * (row_len + 1);
        if (fv1_.rows[t].size() < need) fv1_.rows[t].assign(need, 0.0);
        if (fv1_.block_face[t].size() < kFaceArrays * row_len) fv1_.block_face[t].assign(kFaceArrays * row_len, 0.0);
    }

    Real sx = 0, sy = 0;
    std::int64_t wet = 0;
    Field<Real>& H = state_.h;
    Field<Real>& HU = state_.hu;
    Field<Real>& HV = state_.hv;
    const Field<Real>& Z = z_;
    const Field<Real>& GN2 = gn2_;
    Field<float>& MAXH = state_.max_h;
    Field<float>& MAXS = state_.max_speed;
    Field<float>& ARR = state_.arrival;
    auto& scratch = fv1_.rows;
    auto& block_face = fv1_.block_face;
    auto& q_west = faces_.q_west;
    auto& q_east = faces_.q_east;
    auto& q_north = faces_.q_north;
    auto& q_south = faces_.q_south;
    auto& f_west = faces_.f_west;
    auto& f_east = faces_.f_east;
    auto& f_north = faces_.f_north;
    auto& f_south = faces_.f_south;
    auto& row_fix = faces_.row_fix;
    const std::uint8_t* active = tiles_.active.data();
    std::uint8_t* chunk_wet = tiles_.wet.data();

    auto face_row = [row_len](std::vector<Real>& buf, int k) {
        Real* p = buf.data() + kFaceArrays * row_len * k;
        return FaceRow<Real>{p, p + row_len, p + 2 * row_len, p + 3 * row_len, p + 4 * row_len, p + 5 * row_len};
    };
    // Is chunk c of row j swept this step? Rows outside the grid never are.
    auto act = [active, ny, nch](int j, int c) {
        return j >= 0 && j < ny && active[static_cast<std::size_t>(j) * nch + c] != 0;
    };
    // The boundary faces (north of row 0, south of row ny-1) take imposed fluxes and are recorded;
    // faces of chunks not swept carry nothing (dry against dry).
    auto north_boundary = [&](FaceRow<Real> f) {
        for (int i = 0; i < nx; ++i) {
            if (!act(0, i / kChunk)) {
                f_north[i] = 0.0;
                continue;
            }
            if (!std::isnan(q_north[i])) f.mass[i] = q_north[i];
            f_north[i] = f.mass[i];
        }
    };
    auto south_boundary = [&](FaceRow<Real> f) {
        for (int i = 0; i < nx; ++i) {
            if (!act(ny - 1, i / kChunk)) {
                f_south[i] = 0.0;
                continue;
            }
            if (!std::isnan(q_south[i])) f.mass[i] = q_south[i];
            f_south[i] = f.mass[i];
        }
    };

#pragma omp parallel num_threads(nthreads) default(none)                                              \
    shared(H, HU, HV, Z, GN2, MAXH, MAXS, ARR, scratch, block_face, q_west, q_east, f_west, f_east,   \
               row_fix, face_row, act, north_boundary, south_boundary, chunk_wet)                    \
    firstprivate(nx, ny, nch, gr, eps4, dt_r, kx, ky, rain_dt, dx_over_dy, inv_dx, inv_dy, cfl_r, dry,           \
                     arrival_depth, t_arrival, wall_half, row_len) reduction(max : sx, sy)           \
    reduction(+ : wet)
    {
        const fv1_detail::FlushSubnormals flush;  // this thread, this region only
        // Rows are split over the team obtained, which can be smaller than the one asked for
        // (OMP_THREAD_LIMIT, OMP_DYNAMIC, nested inside another parallel region); the scratch is
        // sized for the one asked, which is never smaller.
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        const int j0 = static_cast<int>(static_cast<std::int64_t>(ny) * t / nt);
        const int j1 = static_cast<int>(static_cast<std::int64_t>(ny) * (t + 1) / nt);
        auto chunk_begin = [](int c) { return c * kChunk; };
        auto chunk_end = [nx](int c) { return std::min(nx, (c + 1) * kChunk); };

        // Velocities of two rows (cells -1 .. nx), computed once per cell from the old state, for
        // the chunks that some face computation of this step needs.
        Real* vel = scratch[t].data() + 3 * kFaceArrays * row_len;
        const std::size_t vlen = row_len + 1;
        Real* u_row[2] = {vel + 1, vel + 2 * vlen + 1};
        Real* v_row[2] = {vel + vlen + 1, vel + 3 * vlen + 1};
        Real* speed_row = vel + 4 * vlen;  // the new state's speed, cells 0 .. nx-1
        auto velocities = [&](int j, int slot) {
            fv1_detail::for_each_run(nch, [&](int c) { return act(j - 1, c) || act(j, c) || act(j + 1, c); }, [&](int c0, int c1) {
                const int i0 = c0 == 0 ? -1 : chunk_begin(c0) - 1;
                const int i1 = c1 == nch ? nx + 1 : chunk_end(c1 - 1) + 1;
                velocity_range(i0, i1, H.row(j), HU.row(j), HV.row(j), eps4, u_row[slot], v_row[slot]);
            });
        };
        // The y faces between rows jn and jn + 1, for the chunks swept on either side.
        auto y_faces = [&](int jn, int slot_n, int slot_s, FaceRow<Real> f) {
            fv1_detail::for_each_run(nch, [&](int c) { return act(jn, c) || act(jn + 1, c); }, [&](int c0, int c1) {
                y_face_range(chunk_begin(c0), chunk_end(c1 - 1), H.row(jn), Z.row(jn), u_row[slot_n], v_row[slot_n],
                             GN2.row(jn), H.row(jn + 1), Z.row(jn + 1), u_row[slot_s], v_row[slot_s],
                             GN2.row(jn + 1), gr, inv_dy, f);
            });
        };

        // Phase 1: the y face above each block, from the old state, before anyone updates.
        FaceRow<Real> first = face_row(block_face[t], 0);
        int cur = 0;
        velocities(j0 - 1, 1);
        velocities(j0, cur);
        y_faces(j0 - 1, 1, cur, first);
        if (j0 == 0) north_boundary(first);
#pragma omp barrier

        // Phase 2: rows in order, updated in place. Row j's faces are computed from old rows j and
        // j + 1; the face below a block's last row is the next block's precomputed first face.
        FaceRow<Real> fy_top = first;
        FaceRow<Real> ybuf[2] = {face_row(scratch[t], 0), face_row(scratch[t], 1)};
        FaceRow<Real> fx = face_row(scratch[t], 2);
        int which = 0;
        for (int j = j0; j < j1; ++j) {
            FaceRow<Real> fy_bot;
            if (j == j1 - 1 && t + 1 < nt) {
                fy_bot = face_row(block_face[t + 1], 0);
            } else {
                fy_bot = ybuf[which];
                which ^= 1;
                velocities(j + 1, cur ^ 1);
                y_faces(j, cur, cur ^ 1, fy_bot);
                if (j == ny - 1) south_boundary(fy_bot);
            }
            Real* __restrict h = H.row(j);
            Real* __restrict hu = HU.row(j);
            Real* __restrict hv = HV.row(j);
            const Real* __restrict z = Z.row(j);
            const Real* __restrict gn2 = GN2.row(j);
            float* __restrict maxh = MAXH.row(j);
            float* __restrict maxs = MAXS.row(j);
            float* __restrict arr = ARR.row(j);
            const Real* __restrict u_cur = u_row[cur];
            const Real* __restrict v_cur = v_row[cur];
            Real* __restrict speed = speed_row;

            Real fix = 0.0, row_sx = 0.0, row_sy = 0.0, row_wet = 0.0;
            f_west[j] = 0.0;
            f_east[j] = 0.0;
            // All x faces of the row first: the update below works in place.
            fv1_detail::for_each_run(nch, [&](int c) { return act(j, c); }, [&](int c0, int c1) {
                const int i0 = chunk_begin(c0), i1 = chunk_end(c1 - 1);
                x_face_range(i0, i1, h, z, u_cur, v_cur, gn2, gr, inv_dx, fx);
                if (i0 == 0) {
                    if (!std::isnan(q_west[j])) fx.mass[0] = q_west[j];
                    f_west[j] = fx.mass[0];
                }
                if (i1 == nx) {
                    if (!std::isnan(q_east[j])) fx.mass[nx] = q_east[j];
                    f_east[j] = fx.mass[nx];
                }
            });
            for (int c = 0; c < nch; ++c) {
                std::uint8_t& chunk_has_water = chunk_wet[static_cast<std::size_t>(j) * nch + c];
                if (!act(j, c)) {
                    chunk_has_water = 0;  // a chunk not swept was dry and stays dry
                    continue;
                }
                const int i0 = chunk_begin(c), i1 = chunk_end(c);

                // The cell update, written with selects only so that it vectorises.
                Real any_water = Real(0.0);
#pragma omp simd reduction(+ : fix, row_wet)
                for (int i = i0; i < i1; ++i) {
                    // Bed-slope source from the face reconstruction: -g (h_w + h_e)/2 (z_e - z_w) / dx.
                    const Real hw = fx.h_right[i], he = fx.h_left[i + 1];
                    const Real hs = fy_bot.h_right[i], hn = fy_top.h_left[i];
                    Real hnew = h[i] - kx * (fx.mass[i + 1] - fx.mass[i]) - ky * (fy_top.mass[i] - fy_bot.mass[i]);
                    Real qx = hu[i] -
                                kx * (fx.normal[i + 1] - fx.normal[i] + Real(0.5) * gr * (hw + he) * (fx.zf[i + 1] - fx.zf[i])) -
                                ky * (fy_top.transverse[i] - fy_bot.transverse[i]);
                    Real qy = hv[i] -
                                ky * (fy_top.normal[i] - fy_bot.normal[i] + Real(0.5) * gr * (hs + hn) * (fy_top.zf[i] - fy_bot.zf[i])) -
                                kx * (fx.transverse[i + 1] - fx.transverse[i]);
                    hnew += z[i] < wall_half ? rain_dt : Real(0.0);
                    // Round-off can leave a hair below zero: set to zero and book it.
                    const Real neg = hnew < Real(0.0) ? -hnew : Real(0.0);
                    fix += neg;
                    hnew += neg;
                    const bool wet_cell = hnew >= dry;
                    // max(hnew, dry) is hnew wherever f is used; on dry cells it keeps the cube root
                    // away from 0, where its iteration runs through subnormal numbers (slow on x86).
                    // (wet_cell ? hnew : 1) is not enough: gcc sees that f is unused on dry cells and
                    // takes the cube root of hnew itself.
                    const Real f = manning_implicit_factor(std::max(hnew, dry), qx, qy, gn2[i], dt_r);
                    qx = wet_cell ? qx * f : Real(0.0);
                    qy = wet_cell ? qy * f : Real(0.0);
                    h[i] = hnew;
                    hu[i] = qx;
                    hv[i] = qy;
                    // a Real: an int64 reduction keeps gcc 12 from vectorising this loop
                    row_wet += wet_cell ? Real(1.0) : Real(0.0);
                }
                // Monitors and the wave speed of the new state, in a loop of their own: with them the
                // loop above was too long for the processor to overlap one vector's chain (fluxes,
                // friction's root, square root and division) with the next one's.
#pragma omp simd reduction(max : row_sx, row_sy, any_water)
                for (int i = i0; i < i1; ++i) {
                    const Real hnew = h[i], qx = hu[i], qy = hv[i];
                    const Real u = desingularised_velocity(hnew, qx, eps4);
                    const Real v = desingularised_velocity(hnew, qy, eps4);
                    const Real cel = std::sqrt(gr * hnew);
                    // A cell drains through the fan of the dry (or much thinner) side of a face:
                    // with the share bound of each face (drain_share) the step must keep
                    // dt c (sum_x share / dx + sum_y share / dy) <= 1 so that it cannot lose more
                    // than it holds.
                    const Real shares =
                        (drain_share(fx.h_right[i], fx.h_left[i]) + drain_share(fx.h_left[i + 1], fx.h_right[i + 1])) +
                        (drain_share(fy_top.h_left[i], fy_top.h_right[i]) + drain_share(fy_bot.h_right[i], fy_bot.h_left[i])) * dx_over_dy;
                    const bool has_water = hnew > Real(0.0);
                    row_sx = std::max(row_sx, has_water ? std::max(std::abs(u) + cel, cfl_r * shares * cel) : Real(0.0));
                    row_sy = std::max(row_sy, has_water ? std::abs(v) + cel : Real(0.0));
                    any_water = std::max(any_water, has_water ? Real(1.0) : Real(0.0));
                    speed[i] = std::sqrt(u * u + v * v);
                }
                // The float monitors in a loop of their own (mixing float and Real lanes in
                // the loop above keeps gcc 12 from vectorising it).
                float_monitors(i0, i1, h, speed, maxh, maxs, arr, arrival_depth, t_arrival);
                chunk_has_water = any_water > Real(0.0) ? static_cast<std::uint8_t>(
                                                              ChunkActivity::kWaterAny | (h[i0] > Real(0.0) ? ChunkActivity::kWaterFirst : 0) |
                                                              (h[i1 - 1] > Real(0.0) ? ChunkActivity::kWaterLast : 0))
                                                        : 0;
            }
            sx = std::max(sx, row_sx);
            sy = std::max(sy, row_sy);
            wet += static_cast<std::int64_t>(row_wet);
            row_fix[j] = fix;
            fy_top = fy_bot;
            cur ^= 1;
        }
    }
    state_.smax_x = sx;
    state_.smax_y = sy;
    state_.wet_cells = wet;
}

template void BasicSimulation<double>::sweep_fv1(double, double);
template void BasicSimulation<float>::sweep_fv1(double, double);
template void BasicSimulation<double>::update_chunk_activity(bool);
template void BasicSimulation<float>::update_chunk_activity(bool);

}  // namespace floodsim
