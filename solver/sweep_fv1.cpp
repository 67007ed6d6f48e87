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

}  // namespace floodsim
