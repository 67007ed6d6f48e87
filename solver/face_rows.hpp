#pragma once
// Row drivers of the face kernels shared by the finite-volume schemes: hydrostatic reconstruction
// and the HLLC flux for a whole row of x faces or y faces (struct of arrays, vectorisable loops).
#include <cstddef>

#include "solver/hydrostatic_reconstruction.hpp"
#include "solver/riemann_hllc.hpp"
#include "solver/velocity.hpp"

namespace floodsim {

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


constexpr std::size_t kFaceArrays = 6;  ///< arrays in a FaceRow

/// Desingularised velocities of cells [i0, i1) of a row (u from hu, v from hv).
inline void velocity_range(int i0, int i1, const double* __restrict h, const double* __restrict hu,
                           const double* __restrict hv, double eps4, double* __restrict u,
                           double* __restrict v) {
#pragma omp simd
    for (int i = i0; i < i1; ++i) {
        u[i] = desingularised_velocity(h[i], hu[i], eps4);
        v[i] = desingularised_velocity(h[i], hv[i], eps4);
    }
}

/// Fluxes through the y faces [i0, i1) between row N (north) and row S (south), velocities
/// precomputed (velocity_range). Normal direction north: the "left" state is the southern cell.
inline void y_face_range(int i0, int i1, const double* __restrict hN, const double* __restrict zN,
                         const double* __restrict uN, const double* __restrict vN,
                         const double* __restrict hS, const double* __restrict zS,
                         const double* __restrict uS, const double* __restrict vS, double g, FaceRow f) {
#pragma omp simd
    for (int i = i0; i < i1; ++i) {
        const FaceDepths<double> r = reconstruct_face(hS[i], zS[i], hN[i], zN[i]);
        const FaceFlux<double> F = riemann_hllc(r.hl, vS[i], uS[i], r.hr, vN[i], uN[i], g);
        f.mass[i] = F.mass;
        f.normal[i] = F.normal;
        f.transverse[i] = F.transverse;
        f.zf[i] = r.zf;
        f.h_left[i] = r.hl;
        f.h_right[i] = r.hr;
    }
}

/// Fluxes through the x faces [i0, i1] of a row (face i between cells i-1 and i), velocities
/// precomputed for cells i0-1 .. i1.
inline void x_face_range(int i0, int i1, const double* __restrict h, const double* __restrict z,
                         const double* __restrict u, const double* __restrict v, double g, FaceRow f) {
#pragma omp simd
    for (int i = i0; i <= i1; ++i) {
        const FaceDepths<double> r = reconstruct_face(h[i - 1], z[i - 1], h[i], z[i]);
        const FaceFlux<double> F = riemann_hllc(r.hl, u[i - 1], v[i - 1], r.hr, u[i], v[i], g);
        f.mass[i] = F.mass;
        f.normal[i] = F.normal;
        f.transverse[i] = F.transverse;
        f.zf[i] = r.zf;
        f.h_left[i] = r.hl;
        f.h_right[i] = r.hr;
    }
}

}  // namespace floodsim
