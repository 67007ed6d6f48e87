#pragma once
// Point-implicit Manning friction, a fractional step after the flux update (GeoClaw's src2):
//   c_f = g n^2 |q| / h^(7/3)   (= g n^2 |U| / h^(4/3)),   q_new = q / (1 + dt c_f)
// Stable for any dt, never reverses the flow, and damps thin sheets strongly.
#include <cmath>

namespace floodsim {

/// Returns the factor 1 / (1 + dt c_f) to multiply both momentum components by.
/// gn2 = g * n^2; h > 0.
template <class T>
inline T manning_implicit_factor(T h, T qx, T qy, T gn2, T dt) {
    const T q = std::sqrt(qx * qx + qy * qy);
    const T h73 = h * h * std::cbrt(h);  // h^(7/3)
    return T(1) / (T(1) + dt * gn2 * q / h73);
}

}  // namespace floodsim
