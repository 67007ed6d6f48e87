#pragma once
// Velocity from momentum, desingularised near dry (after Kurganov and Petrova 2007):
//   u = 2 h^3 q / (h^4 + max(h^4, eps^4))
// equals q / h for h >= eps and goes smoothly to zero as h -> 0, so thin films cannot produce
// huge velocities. (One division and no square root: this runs for every cell every step.)
#include <algorithm>
#include <cmath>

namespace floodsim {

/// eps4 = eps^4 (m^4).
template <class T>
inline T desingularised_velocity(T h, T q, T eps4) {
    const T h2 = h * h;
    const T h4 = h2 * h2;
    return T(2) * h2 * h * q / (h4 + std::max(h4, eps4));
}

}  // namespace floodsim
