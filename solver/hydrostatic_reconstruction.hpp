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

}  // namespace floodsim
