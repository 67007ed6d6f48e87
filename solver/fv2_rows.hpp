#pragma once
// Row kernels of the fused fv2 sweep (solver/step_fv2.cpp): each is one vectorisable loop over a
// row of cells or faces, struct of arrays, generic on the value type T (double or float). The
// arithmetic is that of the former pass-by-pass fv2 step, operation for operation.
#include <algorithm>
#include <cmath>

#include "solver/friction_manning.hpp"
#include "solver/hydrostatic_reconstruction.hpp"
#include "solver/muscl_limiter.hpp"
#include "solver/riemann_hllc.hpp"
#include "solver/velocity.hpp"

namespace floodsim::fv2 {

/// The limiter of every reconstructed quantity.
template <class T>
inline T limited_slope(T backward, T forward) {
    return minmod(backward, forward);
}

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
inline SideState<T> side_state(T h, T z, T u_n, T u_t, T s_eta, T s_h, T s_un, T s_ut, T side) {
    return {h + side * T(0.5) * s_h, z + side * T(0.5) * (s_eta - s_h), u_n + side * T(0.5) * s_un,
            u_t + side * T(0.5) * s_ut};
}

/// Reconstructed values of one side of the cells of a row (h, z, normal and transverse velocity).
template <class T>
struct Sides {
    T* h;
    T* z;
    T* un;
    T* ut;
};

/// Fluxes of a row of faces and the face parts of the bed-slope source of its two cells:
/// left cell (h* + h^-)/2 (z_f - z^-), right cell (h^+ + h*)/2 (z^+ - z_f).
template <class T>
struct Faces {
    T* mass;
    T* normal;
    T* transverse;
    T* src_left;
    T* src_right;
};

/// Desingularised velocities of cells [i0, i1) of a row (the whole stored row: [-2, nx + 2)).
template <class T>
inline void velocities(int i0, int i1, const T* __restrict h, const T* __restrict hu, const T* __restrict hv, T eps4,
                       T* __restrict u, T* __restrict v) {
#pragma omp simd
    for (int i = i0; i < i1; ++i) {
        u[i] = desingularised_velocity(h[i], hu[i], eps4);
        v[i] = desingularised_velocity(h[i], hv[i], eps4);
    }
}

/// MUSCL reconstruction of cells [i0, i1) (at most [-1, nx]) of row j from rows j - 1 (north, n), j and j + 1
/// (south, s): limited slopes (zero where the cell or a neighbour is thinner than h_first), the
/// values at the cell's four faces and the centred part of its bed-slope source,
/// cx = (h_w + h_e)/2 and dzx = z_e - z_w (and y alike), the source being cx * dzx.
template <class T>
inline void reconstruct(int i0, int i1, const T* __restrict hn, const T* __restrict h, const T* __restrict hs,
                        const T* __restrict zn, const T* __restrict z, const T* __restrict zs,
                        const T* __restrict un, const T* __restrict u, const T* __restrict us,
                        const T* __restrict vn, const T* __restrict v, const T* __restrict vs, T h_first,
                        Sides<T> east, Sides<T> west, Sides<T> north, Sides<T> south, T* __restrict cx,
                        T* __restrict dzx, T* __restrict cy, T* __restrict dzy) {
#pragma omp simd
    for (int i = i0; i < i1; ++i) {
        const T hc = h[i], zc = z[i], uc = u[i], vc = v[i];
        const T hw = h[i - 1], he = h[i + 1], hN = hn[i], hS = hs[i];
        // 1 = second order, 0 = flat (a select, so that the loop vectorises)
        const T keep = std::min(std::min(hc, std::min(hw, he)), std::min(hN, hS)) < h_first ? T(0.0) : T(1.0);
        const T ec = hc + zc;
        const T ew = hw + z[i - 1], ee = he + z[i + 1];
        const T eN = hN + zn[i], eS = hS + zs[i];
        const T sxe = keep * limited_slope(ec - ew, ee - ec);
        const T sxh = keep * limited_slope(hc - hw, he - hc);
        const T sxu = keep * limited_slope(uc - u[i - 1], u[i + 1] - uc);
        const T sxv = keep * limited_slope(vc - v[i - 1], v[i + 1] - vc);
        const T sye = keep * limited_slope(ec - eS, eN - ec);
        const T syh = keep * limited_slope(hc - hS, hN - hc);
        const T syu = keep * limited_slope(uc - us[i], un[i] - uc);
        const T syv = keep * limited_slope(vc - vs[i], vn[i] - vc);
        const SideState<T> e = side_state(hc, zc, uc, vc, sxe, sxh, sxu, sxv, T(1.0));
        const SideState<T> w = side_state(hc, zc, uc, vc, sxe, sxh, sxu, sxv, -T(1.0));
        const SideState<T> nn = side_state(hc, zc, vc, uc, sye, syh, syv, syu, T(1.0));
        const SideState<T> ss = side_state(hc, zc, vc, uc, sye, syh, syv, syu, -T(1.0));
        east.h[i] = e.h, east.z[i] = e.z, east.un[i] = e.un, east.ut[i] = e.ut;
        west.h[i] = w.h, west.z[i] = w.z, west.un[i] = w.un, west.ut[i] = w.ut;
        north.h[i] = nn.h, north.z[i] = nn.z, north.un[i] = nn.un, north.ut[i] = nn.ut;
        south.h[i] = ss.h, south.z[i] = ss.z, south.un[i] = ss.un, south.ut[i] = ss.ut;
        cx[i] = T(0.5) * (w.h + e.h);
        dzx[i] = e.z - w.z;
        cy[i] = T(0.5) * (ss.h + nn.h);
        dzy[i] = nn.z - ss.z;
    }
}

/// Faces [i0, i1) between left sides l[i + lo] and right sides r[i] (lo = -1: the x faces of a
/// row, face i between cells i - 1 and i; lo = 0: y faces, left = the southern row's north sides,
/// right = the northern row's south sides): hydrostatic reconstruction and HLLC.
template <class T>
inline void faces(int i0, int i1, int lo, Sides<T> l, Sides<T> r, T g, Faces<T> f) {
    const T* __restrict lh = l.h + lo;
    const T* __restrict lz = l.z + lo;
    const T* __restrict lun = l.un + lo;
    const T* __restrict lut = l.ut + lo;
    const T* __restrict rh = r.h;
    const T* __restrict rz = r.z;
    const T* __restrict run = r.un;
    const T* __restrict rut = r.ut;
    T* __restrict mass = f.mass;
    T* __restrict normal = f.normal;
    T* __restrict transverse = f.transverse;
    T* __restrict src_left = f.src_left;
    T* __restrict src_right = f.src_right;
#pragma omp simd
    for (int i = i0; i < i1; ++i) {
        const T ah = lh[i], az = lz[i], bh = rh[i], bz = rz[i];
        const FaceDepths<T> d = reconstruct_face(ah, az, bh, bz);
        const FaceFlux<T> F = riemann_hllc(d.hl, lun[i], lut[i], d.hr, run[i], rut[i], g);
        mass[i] = F.mass;
        normal[i] = F.normal;
        transverse[i] = F.transverse;
        src_left[i] = T(0.5) * (d.hl + ah) * (d.zf - az);
        src_right[i] = T(0.5) * (bh + d.hr) * (bz - d.zf);
    }
}

/// kx out_x + ky out_y, the outgoing mass of a cell over a stage, rounded the same wherever the
/// cell lies in its row. gcc 12 with FMA contracts it into one multiply-add, but not the same one
/// everywhere: the vectorised double loop rounds ky out_y and fuses kx out_x into the sum; its
/// scalar remainder (the last cells of a row: how many depends on where the row ends, and a
/// block's rows end elsewhere than the grid's) and the float loop (not vectorised) fuse the other
/// product. Written out as the serial run computed most of its cells, so they keep their bits.
template <class T>
inline T outgoing(T kx, T out_x, T ky, T out_y) {
#if defined(__FMA__)
    if constexpr (sizeof(T) == sizeof(double))
        return std::fma(kx, out_x, ky * out_y);
    else
        return std::fma(ky, out_y, kx * out_x);
#else
    return kx * out_x + ky * out_y;  // no multiply-add to contract into
#endif
}

/// Donor factors of cells [i0, i1) (at most [0, nx)) of a row: a cell whose outgoing mass over the stage exceeds its
/// water gets all its outgoing fluxes scaled so that it empties exactly. mx: the row's x faces
/// (0..nx), mn / ms: its north and south y faces.
template <class T>
inline void donor_factors(int i0, int i1, const T* __restrict mx, const T* __restrict mn, const T* __restrict ms,
                          const T* __restrict h, T kx, T ky, T* __restrict r) {
#pragma omp simd
    for (int i = i0; i < i1; ++i) {
        const T out = outgoing(kx, std::max(mx[i + 1], T(0.0)) + std::max(-mx[i], T(0.0)), ky,
                               std::max(mn[i], T(0.0)) + std::max(-ms[i], T(0.0)));
        r[i] = out > h[i] ? h[i] / out : T(1.0);
    }
}

/// Scaled mass fluxes of faces [i0, i1): m[i] scaled by the donor factor rl[i + lo] (left cell)
/// or rr[i] (right cell).
template <class T>
inline void scaled_mass(int i0, int i1, int lo, const T* __restrict m, const T* rl, const T* __restrict rr,
                        T* __restrict out) {
    const T* __restrict rleft = rl + lo;
#pragma omp simd
    for (int i = i0; i < i1; ++i) out[i] = donor_scaled(m[i], rleft[i], rr[i]);
}

}  // namespace floodsim::fv2
