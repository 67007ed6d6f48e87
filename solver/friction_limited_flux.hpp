#pragma once
// Friction limit of fv1's face mass flux, for rain-on-grid sheets on rough slopes (pure, inline).
//
// Where a sheet is about as thin as the bed step between two cells (h <~ dz), the hydrostatic
// reconstruction leaves the downhill side of the face (nearly) dry and the HLLC flux becomes the
// dry-bed fan, h (u + 2c) / 3: 2/3 c h from a sheet at rest, whatever the friction; a little
// deeper, the reconstructed depth jump dz still adds some c dz / 2. A rough hillslope carries far
// less, the Manning discharge h^(5/3) S^(1/2) / n (for h = 1 cm, n = 0.08, S = 0.004: 6 times
// less), so first-order Godunov drained hillslopes too fast and filled channels too early (issue
// 9: sheets 60-70 % too thin on a rained 0.4 % plane at 10 m; LISFLOOD-FP's fv1 has the same
// error). The local inertial scheme and fv2 (whose reconstruction follows the sheet) do not.
//
// The face's mass flux F is therefore capped, |F| <= cap, with
//   m   = h_f^(5/3) sqrt(S_n a) / n_f / k       the friction-limited (Manning) discharge, where
//         h_f = max(h_l, h_r) the deeper reconstructed side, S_n = |w_L - w_R| / d the water
//         surface slope across the face (d: the spacing), n_f the larger n of the two cells (a
//         ghost or wall cell has none), a = |u_n| / |u| the share of the flow crossing the face
//         (direction of the two cells' summed velocity; 1 at rest: for friction-dominated flow
//         the velocity follows the surface gradient, so a sheet running obliquely to the grid
//         gets Manning's q_n = h^(5/3) S_n / (n |grad w|^(1/2))), and
//         k = min(1, dz / (0.1 h_f)) releases the cap where the bed step is small against the
//         depth (deep flow over a gentle bed, any flow over a flat one: there HLLC is accurate,
//         and an explicit Manning flux at small S would be an unstable diffusive wave);
//   adv = max(h_l |u_L|, h_r |u_R|)             what the cells' own momentum carries;
//   cap = m                     where adv <= m  (friction-dominated),
//         m^2 / (2 m - adv)     where m < adv < 2 m (continuous, never below adv),
//         none                  where adv >= 2 m (inertia-dominated: jets, bores, fast flow).
// The transverse momentum flux (mass flux times the upwind transverse velocity) is scaled alike;
// the normal momentum flux, mostly pressure, is kept. Conservative (one flux per face); a lake at
// rest is untouched (no flux to cap) and so is any frictionless run (n = 0); positivity is kept
// (an outflow only shrinks). On the rained plane the steady sheet is Manning's normal depth.
#include <algorithm>
#include <cmath>
#include <limits>

#include "solver/friction_manning.hpp"

namespace floodsim {

/// Bed step, as a share of the face depth, from which the cap is Manning's in full.
constexpr double kStepShare = 0.1;

/// Capped mass and transverse fluxes of a face.
template <class T>
struct LimitedFlux {
    T mass, transverse;
};

/// mass, transverse: the HLLC fluxes; hl, hr: the reconstructed depths; ul, ur / vl, vr: the
/// cells' normal / transverse velocities; zl, zr, wl, wr: the cells' beds and water levels;
/// inv_d = 1 / spacing across the face; gn2l, gn2r = g n^2 of the two cells. Selects only.
template <class T>
inline LimitedFlux<T> friction_limited_flux(T mass, T transverse, T hl, T hr, T ul, T ur, T vl, T vr, T zl, T zr,
                                            T wl, T wr, T inv_d, T gn2l, T gn2r, T g) {
    const T hf = std::max(hl, hr);
    const T gn2 = std::max(gn2l, gn2r);
    const T dz = std::abs(zl - zr);
    const T slope = std::abs(wl - wr) * inv_d;
    const T un = std::abs(ul + ur), speed = std::sqrt((ul + ur) * (ul + ur) + (vl + vr) * (vl + vr));
    const T share = speed > T(0) ? un / (speed > T(0) ? speed : T(1)) : T(1);
    const T c = cbrt_positive(std::max(hf, std::numeric_limits<T>::min()));
    const T manning = hf * c * c * std::sqrt(g * slope * share / (gn2 > T(0) ? gn2 : T(1)));
    const T step = T(kStepShare) * hf;
    const T k = dz >= step ? T(1) : dz / (dz >= step ? T(1) : step);  // step > dz >= 0 there
    const T m = manning / (k > T(0) ? k : T(1));
    const T adv = std::max(hl * std::abs(ul), hr * std::abs(ur));
    const T den = T(2) * m - adv;
    const T cap = gn2 > T(0) && k > T(0) && den > T(0)
                      ? (adv <= m ? m : m * m / (den > T(0) ? den : T(1)))
                      : std::numeric_limits<T>::max();
    const T a = std::abs(mass);
    const bool limited = a > cap;
    const T ratio = (limited ? cap : T(1)) / (limited ? a : T(1));
    return {limited ? std::copysign(cap, mass) : mass, limited ? transverse * ratio : transverse};
}

}  // namespace floodsim
