#pragma once
// Hydrostatic reconstruction of the states on both sides of a face (pure, inline).
#include <algorithm>

namespace floodsim {

/// Hydrostatic reconstruction at a face (Chen and Noelle 2017, SIAM J. Numer. Anal. 55(2)):
/// the face bed is max(zL, zR), lowered to the lower of the two water levels, and each side keeps
/// at most its own depth. Exactly well-balanced and positivity preserving like Audusse et al.
/// (2004), but on thin sheets over steep slopes (h << dz) the bed-slope source still carries the
/// gravity that drives the flow, where Audusse's version loses it. The cell update pairs it with
/// the source -g (h_w + h_e) / 2 (z_e - z_w) / dx built from the same face values.
template <class T>
struct FaceDepths {
    T zf, hl, hr;  ///< face bed (m) and the depths of the left and right sides at the face (m)
};

template <class T>
inline FaceDepths<T> reconstruct_face(T hL, T zL, T hR, T zR) {
    const T wL = hL + zL, wR = hR + zR;
    const T zf = std::min(std::max(zL, zR), std::min(wL, wR));
    return {zf, std::min(wL - zf, hL), std::min(wR - zf, hR)};
}

/// Bound on the share of c h (c = sqrt(g h) of the cell) that the HLLC mass flux can carry out of
/// a cell at rest through one face, from the reconstructed depths of the cell (own) and of its
/// neighbour (nb) at that face: the dry-bed fan carries 2/3 c h; a wet neighbour with
/// sqrt(nb / own) = r carries (3 - r)(1 - r^2) / (5 - r) c h, at most 0.6 for r < 1/2 and 5/12
/// for r >= 1/2; a neighbour as deep or deeper takes nothing out. fv1's time step keeps
/// dt c (sum over faces of the share / face spacing) <= 1 so that a cell cannot lose more water
/// than it holds (sweep_fv1.cpp, Simulation::measure_state).
template <class T>
inline T drain_share(T own, T nb) {
    return T(4) * nb <= own ? T(2.0 / 3.0) : (nb < own ? T(5.0 / 12.0) : T(0));
}

}  // namespace floodsim
