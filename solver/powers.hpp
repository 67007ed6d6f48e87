#pragma once
// Roots of positive numbers without a library call and (except cbrt_positive in double) without a
// division or a square root, so that the loops of the schemes using them vectorise at little
// cost. The float versions take fewer Newton steps than the double ones: they stop within 4e-7
// and 5e-6 of the root (tests/solver/test_kernels.cpp), all that their users (fv1's friction cap,
// the friction factor of fv1 and fv2) need, and each step left out is 4-5 vector operations on
// the chain every face or cell waits for (docs/performance-templates.md).
#include <bit>
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

/// x^(-1/3) for a positive normal x, without a division: exponent-by-three first guess (within
/// about 10 %) and Newton steps y (4 - x y^3) / 3 (quadratic): four in double (to about 2e-13),
/// three in float (to 3.6e-7). Multiplications, conversions and integer bit operations
/// only, so that the face loops keep vectorising at little cost (a vector division or square root
/// costs some 20 cycles). The third of the bit pattern is taken in floating point (a first guess
/// needs no exact integer division, and a 64-bit integer multiply is slow in vectors).
inline double inv_cbrt_positive(double x) {
    const std::uint64_t hi = std::bit_cast<std::uint64_t>(x) >> 32;
    const auto third = static_cast<std::uint64_t>(static_cast<double>(hi) * (1.0 / 3.0));
    double y = std::bit_cast<double>((1430257664ull - third) << 32);  // 4/3 of 1.0's high word, less hi / 3
    for (int k = 0; k < 4; ++k) y = y * (4.0 - x * y * y * y) * (1.0 / 3.0);
    return y;
}
inline float inv_cbrt_positive(float x) {
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
    const auto third = static_cast<std::uint32_t>(static_cast<float>(bits) * (1.0f / 3.0f));
    float y = std::bit_cast<float>(1420470955u - third);  // 4/3 of 1.0f's pattern, less bits / 3
    for (int k = 0; k < 3; ++k) y = y * (4.0f - x * y * y * y) * (1.0f / 3.0f);
    return y;
}

/// x^(-1/2) for a positive normal x, the same way: the classic exponent-halving first guess
/// (within 3.5 %) and Newton steps y (3 - x y^2) / 2: three in double (to about 1e-11), two in
/// float (to 4.7e-6).
inline double inv_sqrt_positive(double x) {
    double y = std::bit_cast<double>(0x5FE6EB50C7B537A9ull - (std::bit_cast<std::uint64_t>(x) >> 1));
    for (int k = 0; k < 3; ++k) y = y * (1.5 - 0.5 * x * y * y);
    return y;
}
inline float inv_sqrt_positive(float x) {
    float y = std::bit_cast<float>(0x5F375A86u - (std::bit_cast<std::uint32_t>(x) >> 1));
    for (int k = 0; k < 2; ++k) y = y * (1.5f - 0.5f * x * y * y);
    return y;
}

}  // namespace floodsim
