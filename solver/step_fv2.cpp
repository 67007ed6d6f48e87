// The fv2 step: second-order finite volumes (docs/schemes-fv2.md).
//   space: MUSCL reconstruction of the free surface eta = h + z, the depth h and the velocities
//          u, v (limited slopes, minmod), face bed z = eta - h from the reconstructed values, then
//          the same hydrostatic reconstruction (Chen-Noelle) and HLLC flux as fv1; bed-slope
//          source = centred cell term + face terms (Audusse et al. 2004), exactly well-balanced;
//          first order (zero slopes) in every cell touching a nearly dry cell.
//   time:  SSP-RK2 (Heun): U* = U + dt L(U); U** = U* + dt L(U*); U^{n+1} = (U + U**) / 2, ghosts
//          refilled for t_new between the stages.
//   sources: rain and implicit Manning friction in every stage (a stage is a full fv1-like
//          forward-Euler step), so a steady friction/slope balance stays steady.
//   positivity: each stage scales the outgoing mass fluxes of a cell that would lose more than it
//          holds (the donor's factor, so the face flux stays conservative).
// Unlike fv1 this is a sequence of passes over the rows (velocities and slopes, faces, donor
// factors, cell update), each an OpenMP loop over rows without floating-point reductions.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "solver/friction_manning.hpp"
#include "solver/hydrostatic_reconstruction.hpp"
#include "solver/muscl_limiter.hpp"
#include "solver/riemann_hllc.hpp"
#include "solver/simulation.hpp"
#include "solver/velocity.hpp"

namespace floodsim {
namespace {

/// m: a cell with this depth or less, or touching one, is reconstructed at first order (flat).
constexpr double kFirstOrderDepth = 1e-3;

// fv2_fx_ / fv2_fy_ components.
constexpr int kMass = 0, kNormal = 1, kTransverse = 2, kSrcLeft = 3, kSrcRight = 4;
// fv2_slope_ components (x then y): eta, h, u, v.
constexpr int kEta = 0, kH = 1, kU = 2, kV = 3, kY = 4;

/// The limiter of every reconstructed quantity.
template <class T>
inline T limited_slope(T backward, T forward) { return minmod(backward, forward); }

/// Mass flux of a face after the positivity scaling of its donor cell (left if it flows right).
template <class T>
inline T donor_scaled(T mass, T r_left, T r_right) {
    return mass * (mass > T(0) ? r_left : r_right);
}

/// One side of a face from a cell's reconstruction: side = +1 (east / north face of the cell)
/// or -1 (west / south face).
template <class T>
struct SideState {
    T h, z, un, ut;
};
template <class T>
inline SideState<T> side_state(T h, T z, T u_n, T u_t, T s_eta, T s_h, T s_un,
                            T s_ut, T side) {
    return {h + side * T(0.5) * s_h, z + side * T(0.5) * (s_eta - s_h), u_n + side * T(0.5) * s_un, u_t + side * T(0.5) * s_ut};
}

}  // namespace

template <class Real>
void BasicSimulation<Real>::init_fv2() {
    const Grid2D& g = grid_;
    fv2_h0_ = Field<Real>(g, 0.0);
    fv2_hu0_ = Field<Real>(g, 0.0);
    fv2_hv0_ = Field<Real>(g, 0.0);
    fv2_u_ = Field<Real>(g, 0.0);
    fv2_v_ = Field<Real>(g, 0.0);
    for (Field<Real>& f : fv2_slope_) f = Field<Real>(g, 0.0);
    for (Field<Real>& f : fv2_fx_) f = Field<Real>(g, 0.0);
    for (Field<Real>& f : fv2_fy_) f = Field<Real>(g, 0.0);
    fv2_donor_ = Field<Real>(g, 1.0);
    fv2_ready_ = true;
}

template <class Real>
void BasicSimulation<Real>::step_fv2(double dt, double t_new) {
    if (!fv2_ready_) init_fv2();
    // U^n: the state of the interior (the ghosts are refilled before each stage).
    std::copy(h_.data(), h_.data() + h_.size(), fv2_h0_.data());
    std::copy(hu_.data(), hu_.data() + hu_.size(), fv2_hu0_.data());
    std::copy(hv_.data(), hv_.data() + hv_.size(), fv2_hv0_.data());

    fv2_stage(dt, t_new, false);  // U* (ghosts for t_)
    fill_ghosts(t_new);
    set_discharge_fluxes(t_, dt);  // the step's mean discharge again: the inflow volume is exact
    fv2_stage(dt, t_new, true);   // (U + U* + dt L(U*)) / 2
    finish_step_monitors(t_new);
}

template <class Real>
void BasicSimulation<Real>::fv2_stage(double dt, double t_new, bool second) {
    const Grid2D& g = grid_;
    const int nx = g.nx, ny = g.ny;
    const SolverOptions& o = setup_.options;
    const Real gr = o.gravity;
    const Real eps4 = std::pow(o.velocity_eps, 4);
    const Real dry = o.dry_depth;
    const Real kx = dt / g.dx, ky = dt / g.dy;
    const Real dt_r = static_cast<Real>(dt);
    const Real rain_dt = setup_.rain.empty() ? Real(0.0) : setup_.rain.mean(t_, t_new) * dt;
    const Real wall_half = Real(0.5) * kWallElevation;
    const Real h_first = kFirstOrderDepth;
    const int nthreads = threads_;

    Field<Real>& H = h_;
    Field<Real>& HU = hu_;
    Field<Real>& HV = hv_;
    const Field<Real>& Z = z_;
    const Field<Real>& GN2 = gn2_;
    const Field<Real>& H0 = fv2_h0_;
    const Field<Real>& HU0 = fv2_hu0_;
    const Field<Real>& HV0 = fv2_hv0_;
    Field<Real>& U = fv2_u_;
    Field<Real>& V = fv2_v_;
    std::array<Field<Real>, 8>& S = fv2_slope_;
    std::array<Field<Real>, 5>& FX = fv2_fx_;
    std::array<Field<Real>, 5>& FY = fv2_fy_;
    Field<Real>& R = fv2_donor_;
    const std::vector<double>& q_west = q_west_;
    const std::vector<double>& q_east = q_east_;
    const std::vector<double>& q_north = q_north_;
    const std::vector<double>& q_south = q_south_;
    std::vector<double>& f_west = f_west_;
    std::vector<double>& f_east = f_east_;
    std::vector<double>& f_north = f_north_;
    std::vector<double>& f_south = f_south_;
    std::vector<double>& row_fix = row_fix_;

    // 1) Velocities and limited slopes (per cell: q_face = q -+ slope / 2) of the interior and
    //    the first ghost layer. x slopes point east, y slopes north (towards row j - 1). Zero in a
    //    cell touching a nearly dry one: there the scheme is fv1 (positivity, wet/dry fronts,
    //    walls). The corners of the ghost frame are never filled and stay dry.
#pragma omp parallel for schedule(static) num_threads(nthreads) default(none) shared(H, HU, HV, Z, U, V, S) \
    firstprivate(nx, ny, h_first, eps4)
    for (int j = -1; j < ny + 1; ++j) {
#pragma omp simd
        for (int i = -1; i < nx + 1; ++i) {
            const Real hc = H(i, j);
            const Real uc = desingularised_velocity(hc, HU(i, j), eps4);
            const Real vc = desingularised_velocity(hc, HV(i, j), eps4);
            U(i, j) = uc;
            V(i, j) = vc;
            const Real hw = H(i - 1, j), he = H(i + 1, j), hn = H(i, j - 1), hs = H(i, j + 1);
            // 1 = second order, 0 = flat (a select, so that the loop vectorises)
            const Real keep = std::min(std::min(hc, std::min(hw, he)), std::min(hn, hs)) < h_first ? Real(0.0) : Real(1.0);
            const Real uw = desingularised_velocity(hw, HU(i - 1, j), eps4);
            const Real ue = desingularised_velocity(he, HU(i + 1, j), eps4);
            const Real un = desingularised_velocity(hn, HU(i, j - 1), eps4);
            const Real us = desingularised_velocity(hs, HU(i, j + 1), eps4);
            const Real vw = desingularised_velocity(hw, HV(i - 1, j), eps4);
            const Real ve = desingularised_velocity(he, HV(i + 1, j), eps4);
            const Real vn = desingularised_velocity(hn, HV(i, j - 1), eps4);
            const Real vs = desingularised_velocity(hs, HV(i, j + 1), eps4);
            const Real ec = hc + Z(i, j);
            const Real ew = hw + Z(i - 1, j), ee = he + Z(i + 1, j);
            const Real en = hn + Z(i, j - 1), es = hs + Z(i, j + 1);
            S[kEta](i, j) = keep * limited_slope(ec - ew, ee - ec);
            S[kH](i, j) = keep * limited_slope(hc - hw, he - hc);
            S[kU](i, j) = keep * limited_slope(uc - uw, ue - uc);
            S[kV](i, j) = keep * limited_slope(vc - vw, ve - vc);
            S[kY + kEta](i, j) = keep * limited_slope(ec - es, en - ec);
            S[kY + kH](i, j) = keep * limited_slope(hc - hs, hn - hc);
            S[kY + kU](i, j) = keep * limited_slope(uc - us, un - uc);
            S[kY + kV](i, j) = keep * limited_slope(vc - vs, vn - vc);
        }
    }

    // 2) Face fluxes. x face i of row j lies between cells i-1 and i (i = 0..nx); y face (i, j)
    //    between rows j-1 (north, the "right" side) and j (south, "left"), j = 0..ny. Each face
    //    also keeps the face parts of the bed-slope source of its two cells:
    //      left cell:  (h* + h^-)/2 (z_f - z^-),   right cell: (h^+ + h*)/2 (z^+ - z_f).
    //    Imposed boundary mass fluxes (closed walls, discharges) replace the Riemann ones.
#pragma omp parallel for schedule(static) num_threads(nthreads) default(none) \
    shared(H, Z, U, V, S, FX, FY, q_west, q_east, q_north, q_south) firstprivate(nx, ny, gr)
    for (int j = 0; j < ny + 1; ++j) {
        if (j < ny) {
#pragma omp simd
            for (int i = 0; i <= nx; ++i) {
                const int l = i - 1;
                const SideState<Real> a = side_state(H(l, j), Z(l, j), U(l, j), V(l, j), S[kEta](l, j), S[kH](l, j),
                                               S[kU](l, j), S[kV](l, j), Real(1.0));
                const SideState<Real> b = side_state(H(i, j), Z(i, j), U(i, j), V(i, j), S[kEta](i, j), S[kH](i, j),
                                               S[kU](i, j), S[kV](i, j), -Real(1.0));
                const FaceDepths<Real> r = reconstruct_face(a.h, a.z, b.h, b.z);
                const FaceFlux<Real> F = riemann_hllc(r.hl, a.un, a.ut, r.hr, b.un, b.ut, gr);
                FX[kMass](i, j) = F.mass;
                FX[kNormal](i, j) = F.normal;
                FX[kTransverse](i, j) = F.transverse;
                FX[kSrcLeft](i, j) = Real(0.5) * (r.hl + a.h) * (r.zf - a.z);
                FX[kSrcRight](i, j) = Real(0.5) * (b.h + r.hr) * (b.z - r.zf);
            }
            if (!std::isnan(q_west[j])) FX[kMass](0, j) = q_west[j];
            if (!std::isnan(q_east[j])) FX[kMass](nx, j) = q_east[j];
        }
#pragma omp simd
        for (int i = 0; i < nx; ++i) {
            const int n = j - 1;  // north cell: the right side of a face whose normal points north
            const SideState<Real> a = side_state(H(i, j), Z(i, j), V(i, j), U(i, j), S[kY + kEta](i, j), S[kY + kH](i, j),
                                           S[kY + kV](i, j), S[kY + kU](i, j), Real(1.0));
            const SideState<Real> b = side_state(H(i, n), Z(i, n), V(i, n), U(i, n), S[kY + kEta](i, n), S[kY + kH](i, n),
                                           S[kY + kV](i, n), S[kY + kU](i, n), -Real(1.0));
            const FaceDepths<Real> r = reconstruct_face(a.h, a.z, b.h, b.z);
            const FaceFlux<Real> F = riemann_hllc(r.hl, a.un, a.ut, r.hr, b.un, b.ut, gr);
            FY[kMass](i, j) = F.mass;
            FY[kNormal](i, j) = F.normal;
            FY[kTransverse](i, j) = F.transverse;
            FY[kSrcLeft](i, j) = Real(0.5) * (r.hl + a.h) * (r.zf - a.z);
            FY[kSrcRight](i, j) = Real(0.5) * (b.h + r.hr) * (b.z - r.zf);
        }
        if (j == 0)
            for (int i = 0; i < nx; ++i)
                if (!std::isnan(q_north[i])) FY[kMass](i, 0) = q_north[i];
        if (j == ny)
            for (int i = 0; i < nx; ++i)
                if (!std::isnan(q_south[i])) FY[kMass](i, ny) = q_south[i];
    }

    // 3) Donor factors: a cell whose outgoing mass over the stage exceeds its water has all its
    //    outgoing fluxes scaled so that it empties exactly (positivity at any Courant number; the
    //    MUSCL stage is only guaranteed positive at half fv1's). Ghost cells keep 1.
#pragma omp parallel for schedule(static) num_threads(nthreads) default(none) shared(H, FX, FY, R) \
    firstprivate(nx, ny, kx, ky)
    for (int j = 0; j < ny; ++j) {
#pragma omp simd
        for (int i = 0; i < nx; ++i) {
            const Real out = kx * (std::max(FX[kMass](i + 1, j), Real(0.0)) + std::max(-FX[kMass](i, j), Real(0.0))) +
                               ky * (std::max(FY[kMass](i, j), Real(0.0)) + std::max(-FY[kMass](i, j + 1), Real(0.0)));
            const Real h = H(i, j);
            R(i, j) = out > h ? h / out : Real(1.0);
        }
    }

    // 4) Cell update, rain, positivity, friction, wet/dry; boundary fluxes recorded (the second
    //    stage books the mean of the two, the RK2 weight of each stage's boundary flux).
#pragma omp parallel for schedule(static) num_threads(nthreads) default(none)                              \
    shared(H, HU, HV, Z, GN2, H0, HU0, HV0, S, FX, FY, R, q_west, q_east, q_north, q_south, f_west, f_east, \
               f_north, f_south, row_fix) firstprivate(nx, ny, gr, kx, ky, dt_r, rain_dt, dry, wall_half, second)
    for (int j = 0; j < ny; ++j) {
        // Scaled mass flux of x face i (imposed boundary fluxes are not scaled).
        auto mass_x = [&](int i) {
            const Real m = FX[kMass](i, j);
            if ((i == 0 && !std::isnan(q_west[j])) || (i == nx && !std::isnan(q_east[j]))) return m;
            return donor_scaled(m, R(i - 1, j), R(i, j));
        };
        // Scaled mass flux of y face (i, jf) (north of row jf); the left (donor of a northward
        // flux) is row jf, the right row jf - 1.
        auto mass_y = [&](int i, int jf) {
            const Real m = FY[kMass](i, jf);
            if ((jf == 0 && !std::isnan(q_north[i])) || (jf == ny && !std::isnan(q_south[i]))) return m;
            return donor_scaled(m, R(i, jf), R(i, jf - 1));
        };
        Real fix = Real(0.0);
        Real m_west = mass_x(0);
        for (int i = 0; i < nx; ++i) {
            const Real m_east = mass_x(i + 1);
            const Real m_north = mass_y(i, j), m_south = mass_y(i, j + 1);
            const Real h = H(i, j), z = Z(i, j);
            // Centred part of the bed-slope source: (h_w + h_e)/2 (z_e - z_w) from the cell's own
            // reconstruction (zero where the cell is flat), plus the face parts.
            const Real sxe = S[kEta](i, j), sxh = S[kH](i, j);
            const Real syn = S[kY + kEta](i, j), syh = S[kY + kH](i, j);
            const Real hw = h - Real(0.5) * sxh, he = h + Real(0.5) * sxh;
            const Real zw = z - Real(0.5) * (sxe - sxh), ze = z + Real(0.5) * (sxe - sxh);
            const Real hs = h - Real(0.5) * syh, hn = h + Real(0.5) * syh;
            const Real zs = z - Real(0.5) * (syn - syh), zn = z + Real(0.5) * (syn - syh);
            const Real bed_x = Real(0.5) * (hw + he) * (ze - zw) + FX[kSrcLeft](i + 1, j) + FX[kSrcRight](i, j);
            const Real bed_y = Real(0.5) * (hs + hn) * (zn - zs) + FY[kSrcLeft](i, j) + FY[kSrcRight](i, j + 1);

            Real hnew = h - kx * (m_east - m_west) - ky * (m_north - m_south);
            Real qx = HU(i, j) - kx * (FX[kNormal](i + 1, j) - FX[kNormal](i, j) + gr * bed_x) -
                        ky * (FY[kTransverse](i, j) - FY[kTransverse](i, j + 1));
            Real qy = HV(i, j) - ky * (FY[kNormal](i, j) - FY[kNormal](i, j + 1) + gr * bed_y) -
                        kx * (FX[kTransverse](i + 1, j) - FX[kTransverse](i, j));
            hnew += z < wall_half ? rain_dt : Real(0.0);
            // Round-off can leave a hair below zero: set to zero and book it.
            const Real neg = hnew < Real(0.0) ? -hnew : Real(0.0);
            fix += neg;
            hnew += neg;
            const bool wet_stage = hnew >= dry;
            const Real f = manning_implicit_factor(wet_stage ? hnew : Real(1.0), qx, qy, GN2(i, j), dt_r);
            qx = wet_stage ? qx * f : Real(0.0);
            qy = wet_stage ? qy * f : Real(0.0);
            if (second) {
                hnew = Real(0.5) * (H0(i, j) + hnew);
                const bool wet_cell = hnew >= dry;
                qx = wet_cell ? Real(0.5) * (HU0(i, j) + qx) : Real(0.0);
                qy = wet_cell ? Real(0.5) * (HV0(i, j) + qy) : Real(0.0);
            }
            H(i, j) = hnew;
            HU(i, j) = qx;
            HV(i, j) = qy;
            if (j == 0) f_north[i] = second ? Real(0.5) * (f_north[i] + m_north) : m_north;
            if (j == ny - 1) f_south[i] = second ? Real(0.5) * (f_south[i] + m_south) : m_south;
            if (i == 0) f_west[j] = second ? Real(0.5) * (f_west[j] + m_west) : m_west;
            if (i == nx - 1) f_east[j] = second ? Real(0.5) * (f_east[j] + m_east) : m_east;
            m_west = m_east;
        }
        // A fix in U* is carried into U** and halved by the average, as is one in the second stage.
        row_fix[j] = second ? Real(0.5) * (row_fix[j] + fix) : fix;
    }
}

template void BasicSimulation<double>::init_fv2();
template void BasicSimulation<float>::init_fv2();
template void BasicSimulation<double>::step_fv2(double, double);
template void BasicSimulation<float>::step_fv2(double, double);
template void BasicSimulation<double>::fv2_stage(double, double, bool);
template void BasicSimulation<float>::fv2_stage(double, double, bool);

}  // namespace floodsim
