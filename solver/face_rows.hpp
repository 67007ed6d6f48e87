#pragma once
// Row drivers of the face kernels shared by the finite-volume schemes: hydrostatic reconstruction
// and the HLLC flux for a whole row of x faces or y faces (struct of arrays, vectorisable loops).
#include <cstddef>

#include "solver/friction_limited_flux.hpp"
#include "solver/hydrostatic_reconstruction.hpp"
#include "solver/riemann_hllc.hpp"
#include "solver/velocity.hpp"

namespace floodsim {

/// Face fluxes of one row of faces, struct of arrays, with the face's reconstructed bed and the
/// depths of its two sides (the cells need them for the bed-slope source).
template <class T>
struct FaceRow {
    T* mass;
    T* normal;
    T* transverse;
    T* zf;      ///< bed at the face
    T* h_left;  ///< depth of the left (west / south) side at the face
    T* h_right; ///< depth of the right (east / north) side at the face
};


constexpr std::size_t kFaceArrays = 6;  ///< arrays in a FaceRow

/// Desingularised velocities of cells [i0, i1) of a row (u from hu, v from hv).
template <class T>
inline void velocity_range(int i0, int i1, const T* __restrict h, const T* __restrict hu,
                           const T* __restrict hv, T eps4, T* __restrict u,
                           T* __restrict v) {
#pragma omp simd
    for (int i = i0; i < i1; ++i) {
        u[i] = desingularised_velocity(h[i], hu[i], eps4);
        v[i] = desingularised_velocity(h[i], hv[i], eps4);
    }
}

/// Fluxes through the y faces [i0, i1) between row N (north) and row S (south), velocities
/// precomputed (velocity_range). Normal direction north: the "left" state is the southern cell.
/// The mass flux is friction-limited (friction_limited_flux.hpp); inv_d = 1 / dy.
template <class T>
inline void y_face_range(int i0, int i1, const T* __restrict hN, const T* __restrict zN,
                         const T* __restrict uN, const T* __restrict vN, const T* __restrict gn2N,
                         const T* __restrict hS, const T* __restrict zS,
                         const T* __restrict uS, const T* __restrict vS, const T* __restrict gn2S, T g,
                         T inv_d, FaceRow<T> f) {
#pragma omp simd
    for (int i = i0; i < i1; ++i) {
        const FaceDepths<T> r = reconstruct_face(hS[i], zS[i], hN[i], zN[i]);
        const FaceFlux<T> F = riemann_hllc(r.hl, vS[i], uS[i], r.hr, vN[i], uN[i], g);
        const LimitedFlux<T> L = friction_limited_flux(F.mass, F.transverse, F.upwind_t, r.hl, r.hr, vS[i], vN[i], uS[i], uN[i], zS[i], zN[i],
                                                       hS[i] + zS[i],
                                                       hN[i] + zN[i], inv_d, gn2S[i], gn2N[i], g);
        f.mass[i] = L.mass;
        f.normal[i] = F.normal;
        f.transverse[i] = L.transverse;
        f.zf[i] = r.zf;
        f.h_left[i] = r.hl;
        f.h_right[i] = r.hr;
    }
}

/// Fluxes through the x faces [i0, i1] of a row (face i between cells i-1 and i), velocities
/// precomputed for cells i0-1 .. i1. The mass flux is friction-limited; inv_d = 1 / dx.
template <class T>
inline void x_face_range(int i0, int i1, const T* __restrict h, const T* __restrict z,
                         const T* __restrict u, const T* __restrict v, const T* __restrict gn2, T g, T inv_d,
                         FaceRow<T> f) {
#pragma omp simd
    for (int i = i0; i <= i1; ++i) {
        const FaceDepths<T> r = reconstruct_face(h[i - 1], z[i - 1], h[i], z[i]);
        const FaceFlux<T> F = riemann_hllc(r.hl, u[i - 1], v[i - 1], r.hr, u[i], v[i], g);
        const LimitedFlux<T> L = friction_limited_flux(F.mass, F.transverse, F.upwind_t, r.hl, r.hr, u[i - 1], u[i], v[i - 1], v[i], z[i - 1],
                                                       z[i],                                                       h[i - 1] + z[i - 1], h[i] + z[i], inv_d, gn2[i - 1], gn2[i], g);
        f.mass[i] = L.mass;
        f.normal[i] = F.normal;
        f.transverse[i] = L.transverse;
        f.zf[i] = r.zf;
        f.h_left[i] = r.hl;
        f.h_right[i] = r.hr;
    }
}

}  // namespace floodsim
