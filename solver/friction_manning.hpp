#pragma once
// Implicit Manning friction, a fractional step after the flux update (cf. GeoClaw's src2).
// Solves q_new = q* - dt g n^2 |q_new| q_new / h^(7/3) exactly for q_new (the quadratic in |q|,
// Xia, Liang, Ming and Hou 2017): with a = dt g n^2 / h^(7/3),
//   |q_new| = (sqrt(1 + 4 a |q*|) - 1) / (2 a)  =>  q_new = q* * 2 / (1 + sqrt(1 + 4 a |q*|)).
// Unconditionally stable, never reverses the flow, and -- unlike the linearised point-implicit
// form q* / (1 + dt c_f(q*)) -- its steady state is the exact friction/slope balance whatever dt,
// which matters for thin rain sheets on steep slopes where g h S dt >> q.
#include <bit>
#include <cmath>
#include <cstdint>

namespace floodsim {

/// Cube root of a positive, finite double without a library call, so that loops using it
/// vectorise: the classic exponent-by-three first guess (about 5 bits, as in fdlibm's cbrt)
/// refined by three Halley steps (cubic convergence: to within a few ulp).
inline double cbrt_positive(double x) {
    const std::uint64_t hi = std::bit_cast<std::uint64_t>(x) >> 32;
    const std::uint64_t third = (hi * 0xAAAAAAABull) >> 33;  // hi / 3 (hi < 2^32)
    double t = std::bit_cast<double>((third + 715094163ull) << 32);
    for (int k = 0; k < 3; ++k) {
        const double t3 = t * t * t;
        t = t * (t3 + 2.0 * x) / (2.0 * t3 + x);
    }
    return t;
}
inline float cbrt_positive(float x) { return static_cast<float>(cbrt_positive(static_cast<double>(x))); }

/// Factor (0, 1] to multiply both momentum components by. gn2 = g * n^2; h > 0.
template <class T>
inline T manning_implicit_factor(T h, T qx, T qy, T gn2, T dt) {
    const T q = std::sqrt(qx * qx + qy * qy);
    const T h73 = h * h * cbrt_positive(h);  // h^(7/3)
    const T a4q = T(4) * dt * gn2 * q / h73;
    return T(2) / (T(1) + std::sqrt(T(1) + a4q));
}

}  // namespace floodsim
