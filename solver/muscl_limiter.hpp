#pragma once
// Slope limiters of the MUSCL reconstruction (fv2), pure and inline. Arguments are the backward
// and forward differences of a cell (q_i - q_{i-1}, q_{i+1} - q_i); the result is the limited
// slope per cell, so the face values are q_i -+ slope / 2.
#include <algorithm>
#include <cmath>

namespace floodsim {

/// minmod: the smaller one-sided difference where both agree in sign, else zero (flat). TVD and
/// keeps the face values between the neighbours' values, so a depth reconstructed with it is
/// never negative at a face.
template <class T>
inline T minmod(T a, T b) {
    const T m = std::min(std::abs(a), std::abs(b));
    return (a > T(0) && b > T(0)) ? m : ((a < T(0) && b < T(0)) ? -m : T(0));
}

/// Monotonised central (van Leer 1977): minmod(2a, (a + b)/2, 2b). Sharper than minmod on smooth
/// profiles and contacts; still keeps face values between the neighbours' values.
template <class T>
inline T monotonised_central(T a, T b) {
    const T m = std::min(std::min(T(2) * std::abs(a), T(2) * std::abs(b)), T(0.5) * std::abs(a + b));
    return (a > T(0) && b > T(0)) ? m : ((a < T(0) && b < T(0)) ? -m : T(0));
}

}  // namespace floodsim
