#pragma once
// Velocity from momentum, desingularised near dry (Kurganov and Petrova 2007): equals q / h for
// h >= eps and goes smoothly to zero as h -> 0, so thin films cannot produce huge velocities.
#include <algorithm>
#include <cmath>

namespace floodsim {

template <class T>
inline T desingularised_velocity(T h, T q, T eps4) {
    const T h2 = h * h;
    const T h4 = h2 * h2;
    // A select, not a branch, so that loops over cells vectorise.
    const T exact = q / (h4 >= eps4 ? h : T(1));
    const T smooth = std::sqrt(T(2)) * h * q / std::sqrt(h4 + eps4);
    return h4 >= eps4 ? exact : smooth;
}

}  // namespace floodsim
