#pragma once
// Implicit Manning friction, a fractional step after the flux update (cf. GeoClaw's src2).
// Solves q_new = q* - dt g n^2 |q_new| q_new / h^(7/3) exactly for q_new (the quadratic in |q|,
// Xia, Liang, Ming and Hou 2017): with a = dt g n^2 / h^(7/3),
//   |q_new| = (sqrt(1 + 4 a |q*|) - 1) / (2 a)  =>  q_new = q* * 2 / (1 + sqrt(1 + 4 a |q*|)).
// Unconditionally stable, never reverses the flow, and -- unlike the linearised point-implicit
// form q* / (1 + dt c_f(q*)) -- its steady state is the exact friction/slope balance whatever dt,
// which matters for thin rain sheets on steep slopes where g h S dt >> q.
#include <cmath>
#include <type_traits>

#include "solver/powers.hpp"

namespace floodsim {

/// Factor (0, 1] to multiply both momentum components by. gn2 = g * n^2; h > 0.
template <class T>
inline T manning_implicit_factor(T h, T qx, T qy, T gn2, T dt) {
    const T q = std::sqrt(qx * qx + qy * qy);
    T a4q;
    if constexpr (std::is_same_v<T, float>) {
        // h^(-7/3) = y^7, y = h^(-1/3): no division and no detour through double on the chain
        // the cell update waits for (h >= the dry depth here, so y^7 stays far from overflow).
        const float y = inv_cbrt_positive(h);
        const float y2 = y * y;
        a4q = 4.0f * dt * gn2 * q * (y2 * y2 * y2 * y);
    } else {
        const T h73 = h * h * cbrt_positive(h);  // h^(7/3)
        a4q = T(4) * dt * gn2 * q / h73;
    }
    return T(2) / (T(1) + std::sqrt(T(1) + a4q));
}

}  // namespace floodsim
