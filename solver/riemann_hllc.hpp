#pragma once
// HLLC approximate Riemann solver for the shallow-water equations (Toro 2001, ch. 10).
// A pure function of two states across a face in the face-normal frame: u is the normal velocity,
// v the transverse one. The y sweep calls it with (v, u) swapped. No CFL bookkeeping in here.
#include <algorithm>
#include <cmath>

namespace floodsim {

template <class T>
struct FaceFlux {
    T mass;      ///< h u_n, m2/s
    T normal;    ///< h u_n^2 + g h^2 / 2, m3/s2
    T transverse;///< h u_n u_t, m3/s2
};

/// HLLC flux between left state (hL, uL, vL) and right state (hR, uR, vR); depths >= 0.
/// Dry states (h == 0) are handled exactly (dry-bed wave speeds u +- 2c).
/// F(U, U) is the physical flux bit for bit (the HLL average is written as F_L + correction).
template <class T>
inline FaceFlux<T> riemann_hllc(T hL, T uL, T vL, T hR, T uR, T vR, T g) {
    if (hL <= T(0) && hR <= T(0)) return {T(0), T(0), T(0)};
    const T cL = std::sqrt(g * hL);
    const T cR = std::sqrt(g * hR);
    T sL, sR;
    if (hL <= T(0)) {
        sL = uR - T(2) * cR;
        sR = uR + cR;
    } else if (hR <= T(0)) {
        sL = uL - cL;
        sR = uL + T(2) * cL;
    } else {
        // Two-rarefaction estimate of the star state (Toro 2001, eq. 10.18), Einfeldt-type bounds.
        const T u_star = T(0.5) * (uL + uR) + cL - cR;
        const T c_star = T(0.5) * (cL + cR) + T(0.25) * (uL - uR);
        sL = std::min(uL - cL, u_star - c_star);
        sR = std::max(uR + cR, u_star + c_star);
    }
    const T qL = hL * uL, qR = hR * uR;
    const T fL0 = qL, fL1 = qL * uL + T(0.5) * g * hL * hL;
    if (sL >= T(0)) return {fL0, fL1, fL0 * vL};
    const T fR0 = qR, fR1 = qR * uR + T(0.5) * g * hR * hR;
    if (sR <= T(0)) return {fR0, fR1, fR0 * vR};
    // HLL: F = F_L + sL (sR (U_R - U_L) - (F_R - F_L)) / (sR - sL)
    const T inv = T(1) / (sR - sL);
    const T f0 = fL0 + sL * (sR * (hR - hL) - (fR0 - fL0)) * inv;
    const T f1 = fL1 + sL * (sR * (qR - qL) - (fR1 - fL1)) * inv;
    // HLLC contact speed; the transverse momentum is carried upwind of it.
    const T den = hR * (uR - sR) - hL * (uL - sL);
    const T sM = den != T(0) ? (sL * hR * (uR - sR) - sR * hL * (uL - sL)) / den : T(0.5) * (sL + sR);
    const T f2 = f0 * (sM >= T(0) ? vL : vR);
    return {f0, f1, f2};
}

}  // namespace floodsim
