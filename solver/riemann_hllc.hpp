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
    T upwind_t;  ///< the transverse velocity carried: transverse == mass * upwind_t (both dry: 0 == 0 * it)
};

/// HLLC flux between left state (hL, uL, vL) and right state (hR, uR, vR); depths >= 0.
/// Dry states (h == 0) are handled exactly (dry-bed wave speeds u +- 2c).
/// F(U, U) is the physical flux bit for bit (the HLL average is written as F_L + correction).
template <class T>
inline FaceFlux<T> riemann_hllc(T hL, T uL, T vL, T hR, T uR, T vR, T g) {
    // Written without branches (selects only) so that loops over faces vectorise.
    const T cL = std::sqrt(g * hL);
    const T cR = std::sqrt(g * hR);
    const bool dryL = hL <= T(0), dryR = hR <= T(0);
    // Two-rarefaction estimate of the star state (Toro 2001, eq. 10.18), Einfeldt-type bounds;
    // dry-bed speeds u -+ 2c where a side is dry.
    const T u_star = T(0.5) * (uL + uR) + cL - cR;
    const T c_star = T(0.5) * (cL + cR) + T(0.25) * (uL - uR);
    T sL = std::min(uL - cL, u_star - c_star);
    T sR = std::max(uR + cR, u_star + c_star);
    sL = dryL ? uR - T(2) * cR : sL;
    sR = dryL ? uR + cR : sR;
    sL = dryR ? uL - cL : sL;
    sR = dryR ? uL + T(2) * cL : sR;
    const T qL = hL * uL, qR = hR * uR;
    const T fL0 = qL, fL1 = qL * uL + T(0.5) * g * hL * hL;
    const T fR0 = qR, fR1 = qR * uR + T(0.5) * g * hR * hR;
    // HLL: F = F_L + sL (sR (U_R - U_L) - (F_R - F_L)) / (sR - sL)
    const T span = sR - sL;
    const T inv = T(1) / (span > T(0) ? span : T(1));
    const T h0 = fL0 + sL * (sR * (hR - hL) - (fR0 - fL0)) * inv;
    const T h1 = fL1 + sL * (sR * (qR - qL) - (fR1 - fL1)) * inv;
    // HLLC contact speed; the transverse momentum is carried upwind of it.
    // Only its sign matters: sM = num / den >= 0 without the division.
    const T den = hR * (uR - sR) - hL * (uL - sL);
    const T num = sL * hR * (uR - sR) - sR * hL * (uL - sL);
    const bool contact_right = den != T(0) ? ((num >= T(0)) == (den > T(0)) || num == T(0)) : (sL + sR >= T(0));
    const T v_contact = contact_right ? vL : vR;
    const T h2 = h0 * v_contact;
    const bool left = sL >= T(0), right = sR <= T(0), both_dry = dryL && dryR;
    T f0 = left ? fL0 : (right ? fR0 : h0);
    T f1 = left ? fL1 : (right ? fR1 : h1);
    T f2 = left ? fL0 * vL : (right ? fR0 * vR : h2);
    f0 = both_dry ? T(0) : f0;
    f1 = both_dry ? T(0) : f1;
    f2 = both_dry ? T(0) : f2;
    return {f0, f1, f2, left ? vL : (right ? vR : v_contact)};
}

}  // namespace floodsim
