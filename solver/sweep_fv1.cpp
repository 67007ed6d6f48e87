// The fv1 step: first-order Godunov finite volumes (HLLC + hydrostatic reconstruction) in one
// fused, in-place sweep over the rows: face fluxes, cell update, rain, friction, wet/dry,
// monitors and the wave speed of the new state, touching each cell's data once per step.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "solver/face_rows.hpp"
#include "solver/friction_manning.hpp"
#include "solver/simulation.hpp"

namespace floodsim {

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
        // three face rows, then two rows of velocities (u, v; cells -1 .. nx)
        const std::size_t need = 3 * kFaceArrays * row_len + 4 * (row_len + 1);
        if (scratch_[t].size() < need) scratch_[t].assign(need, 0.0);
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

#pragma omp parallel num_threads(nthreads) default(none)                                              \
    shared(H, HU, HV, Z, GN2, MAXH, MAXS, ARR, scratch, block_face, q_west, q_east, f_west, f_east,   \
               row_fix, face_row, north_boundary, south_boundary)                                    \
    firstprivate(nx, ny, gr, eps4, dt, kx, ky, rain_dt, dx_over_dy, drain_factor, dry, arrival_depth, \
                     t_arrival, wall_half, nthreads, row_len) reduction(max : sx, sy) reduction(+ : wet)
    {
        const int t = omp_get_thread_num();
        const int j0 = static_cast<int>(static_cast<std::int64_t>(ny) * t / nthreads);
        const int j1 = static_cast<int>(static_cast<std::int64_t>(ny) * (t + 1) / nthreads);

        // Velocities of two rows (cells -1 .. nx), computed once per cell from the old state.
        double* vel = scratch[t].data() + 3 * kFaceArrays * row_len;
        const std::size_t vlen = row_len + 1;
        double* u_row[2] = {vel + 1, vel + 2 * vlen + 1};
        double* v_row[2] = {vel + vlen + 1, vel + 3 * vlen + 1};
        auto velocities = [&](int j, int slot) {
            velocity_row(nx + 2, H.row(j) - 1, HU.row(j) - 1, HV.row(j) - 1, eps4, u_row[slot] - 1, v_row[slot] - 1);
        };
        auto y_faces = [&](int jn, int slot_n, int slot_s, FaceRow f) {
            y_face_row_uv(nx, H.row(jn), Z.row(jn), u_row[slot_n], v_row[slot_n], H.row(jn + 1), Z.row(jn + 1),
                          u_row[slot_s], v_row[slot_s], gr, f);
        };

        // Phase 1: the y face above each block, from the old state, before anyone updates.
        FaceRow first = face_row(block_face[t], 0);
        int cur = 0;
        velocities(j0 - 1, 1);
        velocities(j0, cur);
        y_faces(j0 - 1, 1, cur, first);
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
                velocities(j + 1, cur ^ 1);
                y_faces(j, cur, cur ^ 1, fy_bot);
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

            x_face_row_uv(nx, h, z, u_row[cur], v_row[cur], gr, fx);
            if (!std::isnan(q_west[j])) fx.mass[0] = q_west[j];
            if (!std::isnan(q_east[j])) fx.mass[nx] = q_east[j];
            f_west[j] = fx.mass[0];
            f_east[j] = fx.mass[nx];

            // The cell update, written with selects only so that it vectorises.
            double fix = 0.0, row_sx = 0.0, row_sy = 0.0;
            double row_wet = 0;  // a double: an int64 reduction keeps gcc 12 from vectorising
#pragma omp simd reduction(+ : fix, row_wet) reduction(max : row_sx, row_sy)
            for (int i = 0; i < nx; ++i) {
                // Bed-slope source from the face reconstruction: -g (h_w + h_e)/2 (z_e - z_w) / dx.
                const double hw = fx.h_right[i], he = fx.h_left[i + 1];
                const double hs = fy_bot.h_right[i], hn = fy_top.h_left[i];
                double hnew = h[i] - kx * (fx.mass[i + 1] - fx.mass[i]) - ky * (fy_top.mass[i] - fy_bot.mass[i]);
                double qx = hu[i] -
                            kx * (fx.normal[i + 1] - fx.normal[i] + 0.5 * gr * (hw + he) * (fx.zf[i + 1] - fx.zf[i])) -
                            ky * (fy_top.transverse[i] - fy_bot.transverse[i]);
                double qy = hv[i] -
                            ky * (fy_top.normal[i] - fy_bot.normal[i] + 0.5 * gr * (hs + hn) * (fy_top.zf[i] - fy_bot.zf[i])) -
                            kx * (fx.transverse[i + 1] - fx.transverse[i]);
                hnew += z[i] < wall_half ? rain_dt : 0.0;
                // Round-off can leave a hair below zero: set to zero and book it.
                const double neg = hnew < 0.0 ? -hnew : 0.0;
                fix += neg;
                hnew += neg;
                const bool wet_cell = hnew >= dry;
                const double f = manning_implicit_factor(wet_cell ? hnew : 1.0, qx, qy, gn2[i], dt);
                qx = wet_cell ? qx * f : 0.0;
                qy = wet_cell ? qy * f : 0.0;
                h[i] = hnew;
                hu[i] = qx;
                hv[i] = qy;

                // Monitors and the wave speed of the new state.
                const double u = desingularised_velocity(hnew, qx, eps4);
                const double v = desingularised_velocity(hnew, qy, eps4);
                const double c = std::sqrt(gr * hnew);
                // A cell whose neighbours were dry drains through the dry-bed fan (mass flux up to
                // 2/3 c h per face at rest): with k such faces the step must keep
                // dt (2/3) c (k_x / dx + k_y / dy) <= 1 so that it cannot lose more than it holds.
                const double k_dry = ((fx.h_left[i] == 0.0 ? 1.0 : 0.0) + (fx.h_right[i + 1] == 0.0 ? 1.0 : 0.0)) +
                                     ((fy_top.h_right[i] == 0.0 ? 1.0 : 0.0) + (fy_bot.h_left[i] == 0.0 ? 1.0 : 0.0)) *
                                         dx_over_dy;
                const bool has_water = hnew > 0.0;
                row_sx = std::max(row_sx, has_water ? std::max(std::abs(u) + c, drain_factor * k_dry * c) : 0.0);
                row_sy = std::max(row_sy, has_water ? std::abs(v) + c : 0.0);
                const float hf = static_cast<float>(hnew);
                maxh[i] = std::max(maxh[i], hf);
                maxs[i] = std::max(maxs[i], static_cast<float>(std::sqrt(u * u + v * v)));
                arr[i] = (hf > arrival_depth && std::isnan(arr[i])) ? t_arrival : arr[i];
                row_wet += wet_cell ? 1.0 : 0.0;
            }
            sx = std::max(sx, row_sx);
            sy = std::max(sy, row_sy);
            wet += static_cast<std::int64_t>(row_wet);
            row_fix[j] = fix;
            fy_top = fy_bot;
            cur ^= 1;
        }
    }
    smax_x_ = sx;
    smax_y_ = sy;
    wet_cells_ = wet;
}

}  // namespace floodsim
