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
//   cap = max(m, 2 adv - m): m where the flow is friction-dominated (adv <= m), above adv where
//         it is not (continuous; jets, bores and fast deep flow keep HLLC's flux); no cap where
//         n = 0 or dz = 0 (flat bed).
// The transverse momentum flux becomes the capped mass flux times the transverse velocity HLLC
// carries (FaceFlux::upwind_t); the normal momentum flux, mostly pressure, is kept. Conservative
// (one flux per face); a lake at rest is untouched bit for bit (its mass flux is 0, nothing to
// cap) and so is any frictionless run; positivity is kept (an outflow only shrinks). On the
// rained plane the steady sheet is Manning's normal depth. docs/rain-on-grid.md has the story:
// the measurements, and why the cap is released on flat beds (an explicit diffusive-wave flux
// there broke the breach test's mirror symmetry with grid-scale noise).
#include <algorithm>
#include <cmath>
#include <limits>

#include "solver/powers.hpp"

namespace floodsim {

/// Bed step, as a share of the face depth, from which the cap is Manning's in full.
constexpr double kBedStepShare = 0.1;

/// Capped mass and transverse fluxes of a face.
template <class T>
struct LimitedFlux {
    T mass, transverse;
};

/// mass, transverse, upwind_t: the HLLC fluxes and the transverse velocity they carry; hl, hr: the
/// reconstructed depths; ul, ur / vl, vr: the cells' normal / transverse velocities; zl, zr, wl,
/// wr: the cells' beds and water levels; inv_d = 1 / spacing across the face; gn2l, gn2r = g n^2
/// of the two cells. Selects only, no division, no square root.
template <class T>
inline LimitedFlux<T> friction_limited_flux(T mass, T transverse, T upwind_t, T hl, T hr, T ul, T ur, T vl, T vr,
                                            T zl, T zr, T wl, T wr, T inv_d, T gn2l, T gn2r, T g) {
    constexpr T tiny = std::numeric_limits<T>::min();
    const T hf = std::max(hl, hr);
    const T gn2 = std::max(gn2l, gn2r);
    const T dz = std::abs(zl - zr);
    const T h53 = hf * hf * inv_cbrt_positive(hf + tiny);  // h_f^(5/3), 0 for a dry face
    // share a = |u_n| / |u| of the summed velocity (1 at rest)
    const T sn = ul + ur, st = vl + vr;
    const T speed2 = sn * sn + st * st;
    const T a = speed2 > T(0) ? std::abs(sn) * inv_sqrt_positive(speed2 + tiny) : T(1);
    // k = dz / kd in [0, 1] (1 where dz >= 0.1 h_f); m = h_f^(5/3) sqrt(g S_n a / (g n^2)) / k
    //   = h_f^(5/3) sqrt(p / q) = h_f^(5/3) p / sqrt(p q), p = g S_n a kd^2, q = g n^2 dz^2.
    const T kd = std::max(T(kBedStepShare) * hf, dz + tiny);
    const T p = g * std::abs(wl - wr) * inv_d * a * kd * kd;
    const T q = gn2 * dz * dz;
    const T m = h53 * p * inv_sqrt_positive(p * q + tiny);
    // cap: m where adv <= m (friction-dominated), else 2 adv - m (continuous, above adv).
    const T adv = std::max(hl * std::abs(ul), hr * std::abs(ur));
    const T cap = std::max(m, T(2) * adv - m);
    const bool limited = gn2 > T(0) && dz > T(0) && std::abs(mass) > cap;  // friction and a bed step
    const T capped = mass < T(0) ? -cap : cap;
    return {limited ? capped : mass, limited ? capped * upwind_t : transverse};
}

}  // namespace floodsim
