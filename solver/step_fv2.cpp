// The fv2 step: second-order finite volumes (docs/schemes-fv2.md).
//   space: MUSCL reconstruction of the free surface eta = h + z, the depth h and the velocities
//          u, v (limited slopes, minmod), face bed z = eta - h from the reconstructed values, then
//          the same hydrostatic reconstruction (Chen-Noelle) and HLLC flux as fv1; bed-slope
//          source = centred cell term + face terms (Audusse et al. 2004), exactly well-balanced;
//          first order (zero slopes) in every cell touching a nearly dry cell.
//   time:  SSP-RK2 (Heun): U* = U + dt L(U); U** = U* + dt L(U*); U^{n+1} = (U + U**) / 2, ghosts
//          refilled for t_new between the stages.
//   sources: rain and implicit Manning friction in every stage (a stage is a full fv1-like
//          forward-Euler step), so a steady friction/slope balance stays steady.
//   positivity: each stage scales the outgoing mass fluxes of a cell that would lose more than it
//          holds (the donor's factor, so the face flux stays conservative).
// Each stage is one fused sweep over the rows (as fv1): per row, velocities, limited slopes and
// face values, x and y face fluxes, donor factors and the cell update, with a rolling window of
// row buffers (struct of arrays, kernels in solver/fv2_rows.hpp) instead of per-cell slope and
// face fields. A stage reads one state and writes another (stage 1: U^n -> U*; stage 2: U* and
// U^n -> U^{n+1} over U^n, cell by cell), so the sweep needs no in-place care: each thread takes
// a block of rows and computes the few rows of faces and donor factors around its block itself,
// with the same row kernels, so results are bitwise identical for any thread count.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "solver/fv2_rows.hpp"
#include "solver/simulation.hpp"

namespace floodsim {
namespace {

/// m: a cell with this depth or less, or touching one, is reconstructed at first order (flat).
constexpr double kFirstOrderDepth = 1e-3;

// Row buffers of one thread: kRowArrays arrays of `stride` values; cell (or face) i of an array
// at p[i], i from -2 (each array starts 64-byte aligned, as does its cell 0).
constexpr int kVelU = 0, kVelV = 3;          // velocities, a ring of 3 rows (cells -2 .. nx+1)
constexpr int kEast = 6, kWest = 10;         // x sides of the current row (h, z, un, ut)
constexpr int kNorth = 14;                   // north sides of the current row
constexpr int kSouth = 18;                   // south sides, a ring of 2 rows (4 arrays each)
constexpr int kCentred = 26;                 // cx, dzx, cy, dzy, a ring of 3 rows
constexpr int kXFaces = 38;                  // x faces (5 arrays), a ring of 3 rows
constexpr int kYFaces = 53;                  // y faces (5 arrays + scaled mass), a ring of 3
constexpr int kDonor = 71;                   // donor factors, a ring of 3 rows (1 at -1 and nx)
constexpr int kScaledX = 74, kNeg = 75;  // per-row temporaries
constexpr int kRowArrays = 76;

inline int ring3(int r) { return (r + 3) % 3; }  // rows and faces >= -3

template <class T>
struct RowBuffers {
    T* base;
    std::size_t stride;
    int off;
    T* at(int k) const { return base + static_cast<std::size_t>(k) * stride + off; }
    fv2::Sides<T> sides(int k) const { return {at(k), at(k + 1), at(k + 2), at(k + 3)}; }
    fv2::Faces<T> faces(int k) const { return {at(k), at(k + 1), at(k + 2), at(k + 3), at(k + 4)}; }
};

/// Everything one stage's sweep reads and writes.
template <class T>
struct StageData {
    int nx, ny;
    T gr, eps4, dry, kx, ky, dt, rain_dt, wall_half, h_first;
    double gr_d, eps4_d, dry_d;  // the monitors are computed in double
    float arrival_depth, t_arrival;
    const Field<T>*h, *hu, *hv;  // the stage's input state (ghosts filled)
    Field<T>*ho, *huo, *hvo;     // its output (stage 2: holds U^n, averaged in place)
    const Field<T>*z, *gn2;
    Field<float>*maxh, *maxs, *arr;
    const double *q_west, *q_east, *q_north, *q_south;
    double *f_west, *f_east, *f_north, *f_south, *row_fix;
    // Dry-tile skipping: rows are cut into nch chunks of kChunk cells. level[d][r * nch + c] (rows
    // r from -kLevelPad): 1 if chunk c of row r is needed at depth d of the stencil: d = 0 the
    // cell update, 1 the scaled y masses, 2 the donor factors, 3 the faces, 4 the reconstruction,
    // 5 the velocities (each the one below dilated by one row).
    int nch, chunk;
    const std::uint8_t* level[6];
    std::uint8_t* stale;  // chunks where U* (state_.h ...) may differ from U^n: swept since U* was last copied from U^n
    std::uint8_t* wet;    // stage 2: chunks of the new state with water (out)
    // On a block: the donor factors of the ghost cells beyond the halo sides (the neighbours'
    // cells, exchanged before the sweep); null in the serial run, where every ghost's factor is 1.
    const Field<T>* halo_donor;
    bool halo_west, halo_east, halo_north, halo_south;
};

constexpr int kLevelPad = 6;
/// Cells (and rows) that water can travel in one fv2 step as far as the activity rule is concerned:
/// a stage's update of a cell reads cells up to 3 away (a face: 2 cells each side; donor factors of
/// the neighbours: one more), and a step has two stages.
constexpr int kReach = 6;
/// Chunk flags of fv2_.wet: water in the chunk, within kReach cells of its west end, of its east end.
constexpr std::uint8_t kWetAny = 1, kWetWest = 2, kWetEast = 4;

/// Water flags (kWet...) of the cells [i0, i1) of a row.
template <class T>
inline std::uint8_t chunk_flags(const T* h, int i0, int i1) {
    bool any = false, west = false, east = false;
    for (int i = i0; i < i1; ++i) {
        const bool w = h[i] > T(0.0);
        any |= w;
        west |= w && i < i0 + kReach;
        east |= w && i >= i1 - kReach;
    }
    return static_cast<std::uint8_t>((any ? kWetAny : 0) | (west ? kWetWest : 0) | (east ? kWetEast : 0));
}

/// Calls f(i0, i1) for each run of consecutive chunks of row r needed at `level`, widened by ext
/// cells each side and clipped to [lo, hi).
template <class T, class F>
inline void for_runs(const StageData<T>& s, int level, int r, int ext, int lo, int hi, F&& f) {
    const std::uint8_t* m = s.level[level] + static_cast<std::ptrdiff_t>(r) * s.nch;
    for (int c = 0; c < s.nch;) {
        if (!m[c]) {
            ++c;
            continue;
        }
        int c1 = c + 1;
        while (c1 < s.nch && m[c1]) ++c1;
        const int i0 = std::max(lo, c * s.chunk - ext), i1 = std::min(hi, std::min(s.nx, c1 * s.chunk) + ext);
        if (i0 < i1) f(i0, i1);
        c = c1;
    }
}

/// Cell update of row j (cells 0..nx-1): flux divergence and bed source with the donor-scaled
/// masses, rain, positivity (the clipped amounts in neg_out[]; returns their max), implicit Manning
/// friction, wet/dry; the second stage averages with U^n held in the output row.
template <class T, bool Second>
T update_row(const StageData<T>& s, int j, int i0, int i1, const T* __restrict smx, fv2::Faces<T> xf, fv2::Faces<T> fn,
             const T* __restrict smn, fv2::Faces<T> fs, const T* __restrict sms, const T* __restrict cx,
             const T* __restrict dzx, const T* __restrict cy, const T* __restrict dzy, T* __restrict neg_out) {
    const T gr = s.gr, kx = s.kx, ky = s.ky, dt = s.dt, rain_dt = s.rain_dt, dry = s.dry, wall_half = s.wall_half;
    const T* __restrict h = s.h->row(j);
    const T* __restrict hu = s.hu->row(j);
    const T* __restrict hv = s.hv->row(j);
    const T* __restrict z = s.z->row(j);
    const T* __restrict gn2 = s.gn2->row(j);
    T* __restrict ho = s.ho->row(j);
    T* __restrict huo = s.huo->row(j);
    T* __restrict hvo = s.hvo->row(j);
    const T* __restrict xn = xf.normal;
    const T* __restrict xt = xf.transverse;
    const T* __restrict xsl = xf.src_left;
    const T* __restrict xsr = xf.src_right;
    const T* __restrict nn = fn.normal;
    const T* __restrict nt = fn.transverse;
    const T* __restrict nsl = fn.src_left;
    const T* __restrict sn = fs.normal;
    const T* __restrict st = fs.transverse;
    const T* __restrict ssr = fs.src_right;
#pragma omp simd
    for (int i = i0; i < i1; ++i) {
        const T m_west = smx[i], m_east = smx[i + 1], m_north = smn[i], m_south = sms[i];
        // Centred part of the bed-slope source (the cell's own reconstruction, zero where it is
        // flat) plus the face parts.
        const T bed_x = cx[i] * dzx[i] + xsl[i + 1] + xsr[i];
        const T bed_y = cy[i] * dzy[i] + nsl[i] + ssr[i];
        T hnew = h[i] - kx * (m_east - m_west) - ky * (m_north - m_south);
        T qx = hu[i] - kx * (xn[i + 1] - xn[i] + gr * bed_x) - ky * (nt[i] - st[i]);
        T qy = hv[i] - ky * (nn[i] - sn[i] + gr * bed_y) - kx * (xt[i + 1] - xt[i]);
        hnew += z[i] < wall_half ? rain_dt : T(0.0);
        // Round-off can leave a hair below zero: set to zero and book it.
        const T neg = hnew < T(0.0) ? -hnew : T(0.0);
        neg_out[i] = neg;
        hnew += neg;
        const bool wet_stage = hnew >= dry;
        const T f = manning_implicit_factor(std::max(hnew, dry), qx, qy, gn2[i], dt);  // = hnew where used; no cube root of 0 (subnormal iterations) on dry cells
        qx = wet_stage ? qx * f : T(0.0);
        qy = wet_stage ? qy * f : T(0.0);
        if constexpr (Second) {
            hnew = T(0.5) * (ho[i] + hnew);
            const bool wet_cell = hnew >= dry;
            qx = wet_cell ? T(0.5) * (huo[i] + qx) : T(0.0);
            qy = wet_cell ? T(0.5) * (hvo[i] + qy) : T(0.0);
        }
        ho[i] = hnew;
        huo[i] = qx;
        hvo[i] = qy;
    }
    // The reduction in a loop of its own, of T only (gcc 12 miscompiles omp simd reductions in
    // loops mixing float and double, and the float friction's cube root works in double).
    T any_neg = T(0.0);
#pragma omp simd reduction(max : any_neg)
    for (int i = i0; i < i1; ++i) any_neg = std::max(any_neg, neg_out[i]);
    return any_neg;
}

/// Monitors of the new state of row j (in double): wave speeds, wet
/// cells, max depth and speed, arrival time. h, hu, hv: the row in double; speed: scratch.
template <class T>
void monitor_row(const StageData<T>& s, int j, int i0, int i1, const double* __restrict h, const double* __restrict hu,
                 const double* __restrict hv, double* __restrict speed, double& sx, double& sy, double& wet) {
    const double gr = s.gr_d, eps4 = s.eps4_d, dry = s.dry_d;
    double row_sx = 0.0, row_sy = 0.0, row_wet = 0.0;
    // All in double: gcc 12 miscompiles an omp simd reduction in a loop that mixes float loads
    // with double arithmetic (wrongly scaled lane index), so float rows come widened.
#pragma omp simd reduction(max : row_sx, row_sy) reduction(+ : row_wet)
    for (int i = i0; i < i1; ++i) {
        const double hd = h[i];
        const bool has_water = hd > 0.0;
        const double u = desingularised_velocity<double>(hd, hu[i], eps4);
        const double v = desingularised_velocity<double>(hd, hv[i], eps4);
        const double c = std::sqrt(gr * hd);
        row_sx = std::max(row_sx, has_water ? std::abs(u) + c : 0.0);
        row_sy = std::max(row_sy, has_water ? std::abs(v) + c : 0.0);
        speed[i] = has_water ? std::sqrt(u * u + v * v) : 0.0;
        row_wet += (has_water && hd >= dry) ? 1.0 : 0.0;
    }
    sx = std::max(sx, row_sx);
    sy = std::max(sy, row_sy);
    wet += row_wet;
    // The float monitors in a loop of their own (mixing float and double lanes keeps gcc 12 from
    // vectorising).
    float* __restrict maxh = s.maxh->row(j);
    float* __restrict maxs = s.maxs->row(j);
    float* __restrict arr = s.arr->row(j);
    const float arrival_depth = s.arrival_depth, t_arrival = s.t_arrival;
#pragma omp simd
    for (int i = i0; i < i1; ++i) {
        const float hf = static_cast<float>(h[i]);
        const bool has_water = hf > 0.0f;
        maxh[i] = has_water ? std::max(maxh[i], hf) : maxh[i];
        maxs[i] = has_water ? std::max(maxs[i], static_cast<float>(speed[i])) : maxs[i];
        arr[i] = (has_water && hf > arrival_depth && std::isnan(arr[i])) ? t_arrival : arr[i];
    }
}

/// The monitors of row j of the stage's output.
template <class T>
void monitors(const StageData<T>& s, int j, int i0, int i1, double* scratch, double& sx, double& sy, double& wet) {
    const T* h = s.ho->row(j);
    const T* hu = s.huo->row(j);
    const T* hv = s.hvo->row(j);
    double* speed = scratch;
    if constexpr (std::is_same_v<T, double>) {
        monitor_row(s, j, i0, i1, h, hu, hv, speed, sx, sy, wet);
    } else {
        const std::size_t n = static_cast<std::size_t>(s.nx);
        double* hd = scratch + n;
        double* hud = hd + n;
        double* hvd = hud + n;
        for (std::size_t i = static_cast<std::size_t>(i0); i < static_cast<std::size_t>(i1); ++i) {
            hd[i] = h[i];
            hud[i] = hu[i];
            hvd[i] = hv[i];
        }
        monitor_row(s, j, i0, i1, hd, hud, hvd, speed, sx, sy, wet);
    }
}

/// One stage over the rows [j0, j1) of a thread's block. Rows of faces and donor factors just
/// outside the block are computed here too (from the input state, which nobody writes).
template <class T, bool Second>
void stage_block(const StageData<T>& s, const RowBuffers<T>& b, double* monitor_scratch, int j0, int j1, double& sx,
                 double& sy, double& wet) {
    const int nx = s.nx, ny = s.ny;
    // Rows whose slopes are needed (-1 .. ny: the y faces 0 .. ny), rows of x faces and y faces.
    const int s_lo = std::max(j0 - 2, -1), s_hi = std::min(j1 + 1, ny);
    const int x_lo = std::max(j0 - 1, 0), x_hi = std::min(j1, ny - 1);
    const int y_lo = std::max(j0 - 1, 0), y_hi = std::min(j1 + 1, ny);
    auto vel = [&](int r) {
        for_runs(s, 5, r, 4, -2, nx + 2, [&](int i0, int i1) {
            fv2::velocities(i0, i1, s.h->row(r), s.hu->row(r), s.hv->row(r), s.eps4, b.at(kVelU + ring3(r)),
                            b.at(kVelV + ring3(r)));
        });
    };
    vel(s_lo - 1);
    vel(s_lo);
    for (int k = s_lo; k <= j1 + 1; ++k) {
        if (k <= s_hi) {
            // Velocities of row k + 1, then the reconstruction of row k.
            vel(k + 1);
            const int cb = kCentred + 4 * ring3(k);
            for_runs(s, 4, k, 3, -1, nx + 1, [&](int i0, int i1) {
            fv2::reconstruct(i0, i1, s.h->row(k - 1), s.h->row(k), s.h->row(k + 1), s.z->row(k - 1), s.z->row(k),
                             s.z->row(k + 1), b.at(kVelU + ring3(k - 1)), b.at(kVelU + ring3(k)),
                             b.at(kVelU + ring3(k + 1)), b.at(kVelV + ring3(k - 1)), b.at(kVelV + ring3(k)),
                             b.at(kVelV + ring3(k + 1)), s.h_first, b.sides(kEast), b.sides(kWest),
                             b.sides(kNorth), b.sides(kSouth + 4 * (k & 1)), b.at(cb), b.at(cb + 1), b.at(cb + 2),
                             b.at(cb + 3));
            });
            // x faces of row k (face i between cells i - 1 and i).
            if (k >= x_lo && k <= x_hi) {
                const fv2::Faces<T> f = b.faces(kXFaces + 5 * ring3(k));
                for_runs(s, 3, k, 2, 0, nx + 1, [&](int i0, int i1) {
                    fv2::faces(i0, i1, -1, b.sides(kEast), b.sides(kWest), s.gr, f);
                });
                if (!std::isnan(s.q_west[k])) f.mass[0] = static_cast<T>(s.q_west[k]);
                if (!std::isnan(s.q_east[k])) f.mass[nx] = static_cast<T>(s.q_east[k]);
            }
            // y face k: between row k - 1 (north, the right side) and row k (south, left).
            if (k >= y_lo && k <= y_hi) {
                const fv2::Faces<T> f = b.faces(kYFaces + 6 * ring3(k));
                for_runs(s, 3, k, 2, 0, nx, [&](int i0, int i1) {
                    fv2::faces(i0, i1, 0, b.sides(kNorth), b.sides(kSouth + 4 * ((k - 1) & 1)), s.gr, f);
                });
                if (k == 0)
                    for (int i = 0; i < nx; ++i)
                        if (!std::isnan(s.q_north[i])) f.mass[i] = static_cast<T>(s.q_north[i]);
                if (k == ny)
                    for (int i = 0; i < nx; ++i)
                        if (!std::isnan(s.q_south[i])) f.mass[i] = static_cast<T>(s.q_south[i]);
            }
        }
        // Donor factors of row k - 1 (1 outside the grid) and the scaled masses of y face k - 1.
        const int r = k - 1;
        if (r >= j0 - 1 && r <= j1) {
            T* rr = b.at(kDonor + ring3(r));
            if (r >= 0 && r < ny) {
                for_runs(s, 2, r, 1, 0, nx, [&](int i0, int i1) {
                    fv2::donor_factors(i0, i1, b.at(kXFaces + 5 * ring3(r)), b.at(kYFaces + 6 * ring3(r)),
                                       b.at(kYFaces + 6 * ring3(r + 1)), s.h->row(r), s.kx, s.ky, rr);
                });
                if (s.halo_donor) {  // the row's ends hold 1 (a boundary's ghost) otherwise
                    if (s.halo_west) rr[-1] = (*s.halo_donor)(-1, r);
                    if (s.halo_east) rr[nx] = (*s.halo_donor)(nx, r);
                }
            } else if (s.halo_donor && (r < 0 ? s.halo_north : s.halo_south)) {
                std::copy(s.halo_donor->row(r), s.halo_donor->row(r) + nx, rr);
            } else {
                std::fill(rr, rr + nx, T(1.0));
            }
        }
        if (r >= j0 && r <= j1) {
            // Imposed boundary fluxes are not scaled.
            const int yf = kYFaces + 6 * ring3(r);
            T* m = b.at(yf);
            T* sm = b.at(yf + 5);
            for_runs(s, 1, r, 0, 0, nx, [&](int i0, int i1) {
                fv2::scaled_mass(i0, i1, 0, m, b.at(kDonor + ring3(r)), b.at(kDonor + ring3(r - 1)), sm);
            });
            if (r == 0)
                for (int i = 0; i < nx; ++i)
                    if (!std::isnan(s.q_north[i])) sm[i] = m[i];
            if (r == ny)
                for (int i = 0; i < nx; ++i)
                    if (!std::isnan(s.q_south[i])) sm[i] = m[i];
        }
        // The update of row k - 2, chunk run by chunk run (the chunks not needed: dry, and dry
        // they stay; stage 1 gives them U* = U^n).
        const int j = k - 2;
        if (j < j0 || j >= j1) continue;
        const fv2::Faces<T> xf = b.faces(kXFaces + 5 * ring3(j));
        const T* rj = b.at(kDonor + ring3(j));
        T* smx = b.at(kScaledX);
        const int fn = kYFaces + 6 * ring3(j), fs = kYFaces + 6 * ring3(j + 1);
        const int cb = kCentred + 4 * ring3(j);
        T* neg = b.at(kNeg);
        const T* smn = b.at(fn + 5);
        const T* sms = b.at(fs + 5);
        const std::uint8_t* act = s.level[0] + static_cast<std::ptrdiff_t>(j) * s.nch;
        std::uint8_t* stale = s.stale + static_cast<std::ptrdiff_t>(j) * s.nch;
        std::uint8_t* wet_chunk = s.wet ? s.wet + static_cast<std::ptrdiff_t>(j) * s.nch : nullptr;
        T fix = T(0.0);
        // A boundary face of a chunk not swept: dry against dry (0), or the imposed flux (0 too:
        // a non-zero one makes the chunk active).
        auto dry_face = [](double q) { return std::isnan(q) ? 0.0 : q; };
        double west_flux = dry_face(s.q_west[j]), east_flux = dry_face(s.q_east[j]);
        for (int c = 0; c < s.nch; ++c) {
            const int i0 = c * s.chunk, i1 = std::min(nx, (c + 1) * s.chunk);
            if (!act[c]) {
                if constexpr (!Second) {
                    if (stale[c]) {
                        // U* of this dry chunk = U^n (as the full update would give it, bit for bit)
                        std::copy(s.h->row(j) + i0, s.h->row(j) + i1, s.ho->row(j) + i0);
                        std::copy(s.hu->row(j) + i0, s.hu->row(j) + i1, s.huo->row(j) + i0);
                        std::copy(s.hv->row(j) + i0, s.hv->row(j) + i1, s.hvo->row(j) + i0);
                        stale[c] = 0;
                    }
                } else {
                    wet_chunk[c] = 0;
                }
                if (j == 0)
                    for (int i = i0; i < i1; ++i)
                        s.f_north[i] = Second ? T(0.5) * (s.f_north[i] + dry_face(s.q_north[i])) : dry_face(s.q_north[i]);
                if (j == ny - 1)
                    for (int i = i0; i < i1; ++i)
                        s.f_south[i] = Second ? T(0.5) * (s.f_south[i] + dry_face(s.q_south[i])) : dry_face(s.q_south[i]);
                continue;
            }
            fv2::scaled_mass(i0, i1 + 1, -1, xf.mass, rj, rj, smx);
            if (i0 == 0 && !std::isnan(s.q_west[j])) smx[0] = xf.mass[0];
            if (i1 == nx && !std::isnan(s.q_east[j])) smx[nx] = xf.mass[nx];
            if (i0 == 0) west_flux = smx[0];
            if (i1 == nx) east_flux = smx[nx];
            const T any_neg = update_row<T, Second>(s, j, i0, i1, smx, xf, b.faces(fn), smn, b.faces(fs), sms,
                                                    b.at(cb), b.at(cb + 1), b.at(cb + 2), b.at(cb + 3), neg);
            if (any_neg > T(0.0))
                for (int i = i0; i < i1; ++i) fix += neg[i];  // in order: the sum is the same for any vector width
            // Boundary fluxes (the second stage books the mean of the two, the RK2 weight of each
            // stage's).
            if (j == 0)
                for (int i = i0; i < i1; ++i) s.f_north[i] = Second ? T(0.5) * (s.f_north[i] + smn[i]) : smn[i];
            if (j == ny - 1)
                for (int i = i0; i < i1; ++i) s.f_south[i] = Second ? T(0.5) * (s.f_south[i] + sms[i]) : sms[i];
            if constexpr (Second) {
                monitors(s, j, i0, i1, monitor_scratch, sx, sy, wet);
                wet_chunk[c] = chunk_flags(s.ho->row(j), i0, i1);
            }
            stale[c] = 1;  // U^n (stage 1) or the new state (stage 2) may differ from U* there
        }
        // The positivity fix (a fix in U* is carried into U** and halved by the average, as is one
        // in the second stage).
        s.f_west[j] = Second ? T(0.5) * (s.f_west[j] + west_flux) : west_flux;
        s.f_east[j] = Second ? T(0.5) * (s.f_east[j] + east_flux) : east_flux;
        s.row_fix[j] = Second ? T(0.5) * (s.row_fix[j] + fix) : fix;
    }
}

// Scratch rows of edge_donor_factors (RowBuffers indices): velocities u, v of rows r - 2 .. r + 2;
// the reconstruction of rows r, r - 1 and r + 1 (east, west, north, south sides and the centred
// terms each); the x faces of row r and the y faces r and r + 1.
constexpr int kEdgeU = 0, kEdgeV = 5, kEdgeRow = 10, kEdgeAbove = 30, kEdgeBelow = 50;
constexpr int kEdgeX = 70, kEdgeYn = 75, kEdgeYs = 80, kEdgeArrays = 85;

/// Donor factors of cells [i0, i1) of row r (0 <= r < ny) into out[i0 .. i1): what the stage's
/// sweep computes for them, bit for bit (the same kernels on the same input), without the rest of
/// the sweep. On a block the neighbours need the factors of the cells along a halo side before
/// the sweep (they scale the fluxes across it), so these are computed ahead and exchanged.
template <class T>
void edge_donor_factors(const StageData<T>& s, const RowBuffers<T>& b, int r, int i0, int i1, T* out) {
    const int nx = s.nx, ny = s.ny;
    const int v0 = std::max(i0 - 2, -2), v1 = std::min(i1 + 2, nx + 2);
    for (int d = -2; d <= 2; ++d)
        fv2::velocities(v0, v1, s.h->row(r + d), s.hu->row(r + d), s.hv->row(r + d), s.eps4, b.at(kEdgeU + d + 2),
                        b.at(kEdgeV + d + 2));
    // Row q's reconstruction of cells [c0, c1) into the 20 arrays from `k` (u and v of row q at
    // index q - r + 2).
    auto reconstruct = [&](int q, int c0, int c1, int k) {
        const int m = q - r + 2;
        fv2::reconstruct(c0, c1, s.h->row(q - 1), s.h->row(q), s.h->row(q + 1), s.z->row(q - 1), s.z->row(q),
                         s.z->row(q + 1), b.at(kEdgeU + m - 1), b.at(kEdgeU + m), b.at(kEdgeU + m + 1),
                         b.at(kEdgeV + m - 1), b.at(kEdgeV + m), b.at(kEdgeV + m + 1), s.h_first, b.sides(k),
                         b.sides(k + 4), b.sides(k + 8), b.sides(k + 12), b.at(k + 16), b.at(k + 17), b.at(k + 18),
                         b.at(k + 19));
    };
    reconstruct(r, std::max(i0 - 1, -1), std::min(i1 + 1, nx + 1), kEdgeRow);
    reconstruct(r - 1, i0, i1, kEdgeAbove);
    reconstruct(r + 1, i0, i1, kEdgeBelow);
    // x faces i0 .. i1 of row r (face i between cells i - 1 and i), y face r (between rows r - 1
    // and r: left = row r's north sides) and y face r + 1, with the imposed boundary fluxes.
    const fv2::Faces<T> xf = b.faces(kEdgeX), fn = b.faces(kEdgeYn), fs = b.faces(kEdgeYs);
    fv2::faces(i0, i1 + 1, -1, b.sides(kEdgeRow), b.sides(kEdgeRow + 4), s.gr, xf);
    if (i0 == 0 && !std::isnan(s.q_west[r])) xf.mass[0] = static_cast<T>(s.q_west[r]);
    if (i1 == nx && !std::isnan(s.q_east[r])) xf.mass[nx] = static_cast<T>(s.q_east[r]);
    fv2::faces(i0, i1, 0, b.sides(kEdgeRow + 8), b.sides(kEdgeAbove + 12), s.gr, fn);
    fv2::faces(i0, i1, 0, b.sides(kEdgeBelow + 8), b.sides(kEdgeRow + 12), s.gr, fs);
    for (int i = i0; i < i1; ++i) {
        if (r == 0 && !std::isnan(s.q_north[i])) fn.mass[i] = static_cast<T>(s.q_north[i]);
        if (r + 1 == ny && !std::isnan(s.q_south[i])) fs.mass[i] = static_cast<T>(s.q_south[i]);
    }
    fv2::donor_factors(i0, i1, xf.mass, fn.mass, fs.mass, s.h->row(r), s.kx, s.ky, out);
}

/// The donor factors of a block's cells along its halo sides (s.halo_west ...: the first or last
/// column, the first or last row) into `donor`: what the neighbours' sweeps read beyond their edges.
template <class T>
void halo_side_factors(const StageData<T>& s, const RowBuffers<T>& b, Field<T>& donor) {
    for (int j = 0; j < s.ny; ++j) {
        T* out = donor.row(j);
        if ((s.halo_north && j == 0) || (s.halo_south && j == s.ny - 1)) {
            edge_donor_factors(s, b, j, 0, s.nx, out);
        } else {
            if (s.halo_west) edge_donor_factors(s, b, j, 0, 1, out);
            if (s.halo_east) edge_donor_factors(s, b, j, s.nx - 1, s.nx, out);
        }
    }
}

}  // namespace

template <class Real>
void BasicSimulation<Real>::init_fv2() {
    const Grid2D& g = grid_;
    fv2_.h0 = Field<Real>(g, 0.0);
    fv2_.hu0 = Field<Real>(g, 0.0);
    fv2_.hv0 = Field<Real>(g, 0.0);
    fv2_.ready = true;
}

template <class Real>
void BasicSimulation<Real>::step_fv2(double dt, double t_new) {
    if (!fv2_.ready) init_fv2();
    // U^n moves to fv2_.h0 ... (ghosts filled for state_.t); stage 1 writes U* into state_.h ..., whose ghosts
    // are then filled for t_new; stage 2 averages U^n and U* + dt L(U*) in place of U^n, which
    // moves back. No copy of the state.
    std::swap(state_.h, fv2_.h0);
    std::swap(state_.hu, fv2_.hu0);
    std::swap(state_.hv, fv2_.hv0);
    const bool all_active = !setup_.options.skip_dry_tiles || (!setup_.rain.empty() && setup_.rain.mean(state_.t, t_new) * dt > 0.0);
    fv2_activity(false);
    if (all_active) std::fill(fv2_.active.begin(), fv2_.active.end(), std::uint8_t(1));
    fv2_stage(dt, t_new, false);  // U* (ghosts for state_.t)
    fill_ghosts(t_new);
    set_discharge_fluxes(state_.t, dt);  // the step's mean discharge again: the inflow volume is exact
    cap_outflows(dt);  // normal_depth and critical faces: from U*, as the ghosts
    finish_ghosts();
    if (!all_active) fv2_activity(true);
    fv2_stage(dt, t_new, true);   // (U + U* + dt L(U*)) / 2, and the monitors of the new state
    std::swap(state_.h, fv2_.h0);
    std::swap(state_.hu, fv2_.hu0);
    std::swap(state_.hv, fv2_.hv0);
}

/// The chunks swept in a stage (fv2_.active). Within one stage a cell's update reads cells up to 3
/// away (face: 2 cells each side; donor factors of the neighbours: one more), so within the two
/// stages of a step water moves at most 6 cells: a chunk is swept if water of U^n, a wet ghost
/// cell or an imposed inflow lies within 6 rows and one chunk (64 cells > 6) of it. Before stage
/// 1 (second = false): from U^n (fv2_.h0) and its ghosts (state_.t); before stage 2, the chunks near
/// the ghost cells and inflows for t_new (ghosts of U* in state_.h) are added. A chunk not swept is
/// dry, and so is everything its cells' fluxes read: the full sweep would leave it dry, without
/// momentum, its faces without flux and its monitors unchanged.
template <class Real>
void BasicSimulation<Real>::fv2_activity(bool second) {
    const int nx = grid_.nx, ny = grid_.ny;
    const int nch = (nx + kChunk - 1) / kChunk;
    const std::size_t n = static_cast<std::size_t>(ny) * nch;
    if (!fv2_.chunks_ready) {
        fv2_.wet.assign(n, 0);
        for (int j = 0; j < ny; ++j)
            for (int c = 0; c < nch; ++c)
                fv2_.wet[static_cast<std::size_t>(j) * nch + c] =
                    chunk_flags(fv2_.h0.row(j), c * kChunk, std::min(nx, (c + 1) * kChunk));
        fv2_.stale.assign(n, 1);
        fv2_.active.assign(n, 1);
        fv2_.chunks_ready = true;
    }
    const Field<Real>& H = second ? state_.h : fv2_.h0;
    std::vector<std::uint8_t>& seed = fv2_.seed;
    if (second)
        seed.assign(n, 0);
    else
        seed = fv2_.wet;
    auto imposed = [](double q) { return !std::isnan(q) && q != 0.0; };
    // A wet ghost cell or an inflow next to cell i of row j: the chunks within kReach cells of it.
    auto mark = [&](int j, int i) {
        const int c0 = std::max(0, i - kReach) / kChunk, c1 = std::min(nx - 1, i + kReach) / kChunk;
        for (int c = c0; c <= c1; ++c) seed[static_cast<std::size_t>(j) * nch + c] |= kWetAny;
    };
    for (int j = 0; j < ny; ++j) {
        if (H(-1, j) > Real(0) || H(-2, j) > Real(0) || imposed(faces_.q_west[j])) mark(j, 0);
        if (H(nx, j) > Real(0) || H(nx + 1, j) > Real(0) || imposed(faces_.q_east[j])) mark(j, nx - 1);
    }
    for (int i = -2; i < nx + 2; ++i) {
        const int ic = std::clamp(i, 0, nx - 1);
        const bool qn = i >= 0 && i < nx && imposed(faces_.q_north[i]);
        const bool qs = i >= 0 && i < nx && imposed(faces_.q_south[i]);
        if (H(i, -1) > Real(0) || H(i, -2) > Real(0) || qn) mark(0, ic);
        if (H(i, ny) > Real(0) || H(i, ny + 1) > Real(0) || qs) mark(ny - 1, ic);
    }
    // Dilate: in x to the next chunk where water lies within kReach cells of the chunk end between
    // them (a chunk is at least kReach cells long, but for the last one: its kWetWest flag covers
    // all of it), then kReach rows in y.
    std::vector<std::uint8_t> wide(n, 0);
    for (int j = 0; j < ny; ++j) {
        const std::uint8_t* sr = seed.data() + static_cast<std::size_t>(j) * nch;
        std::uint8_t* w = wide.data() + static_cast<std::size_t>(j) * nch;
        for (int c = 0; c < nch; ++c)
            w[c] = (sr[c] & kWetAny) | (c > 0 && (sr[c - 1] & kWetEast) ? 1 : 0) |
                   (c + 1 < nch && (sr[c + 1] & kWetWest) ? 1 : 0);
    }
    if (!second) std::fill(fv2_.active.begin(), fv2_.active.end(), std::uint8_t(0));
    for (int j = 0; j < ny; ++j) {
        std::uint8_t* a = fv2_.active.data() + static_cast<std::size_t>(j) * nch;
        for (int jj = std::max(0, j - kReach); jj <= std::min(ny - 1, j + kReach); ++jj) {
            const std::uint8_t* w = wide.data() + static_cast<std::size_t>(jj) * nch;
            for (int c = 0; c < nch; ++c) a[c] |= w[c];
        }
    }
}

template <class Real>
void BasicSimulation<Real>::fv2_stage(double dt, double t_new, bool second) {
    const Grid2D& g = grid_;
    const SolverOptions& o = setup_.options;
    StageData<Real> s{};
    s.nx = g.nx;
    s.ny = g.ny;
    s.gr = o.gravity;
    s.eps4 = std::pow(o.velocity_eps, 4);
    s.dry = o.dry_depth;
    s.kx = dt / g.dx;
    s.ky = dt / g.dy;
    s.dt = static_cast<Real>(dt);
    s.rain_dt = setup_.rain.empty() ? Real(0.0) : setup_.rain.mean(state_.t, t_new) * dt;
    s.wall_half = Real(0.5) * kWallElevation;
    s.h_first = kFirstOrderDepth;
    s.gr_d = o.gravity;
    s.eps4_d = std::pow(o.velocity_eps, 4);
    s.dry_d = o.dry_depth;
    s.arrival_depth = static_cast<float>(o.arrival_depth);
    s.t_arrival = static_cast<float>(t_new);
    // Stage 1: U^n (in fv2_.h0 ...) -> U* (state_.h ...); stage 2: U* (state_.h ...) -> U^{n+1} over U^n.
    s.h = second ? &state_.h : &fv2_.h0;
    s.hu = second ? &state_.hu : &fv2_.hu0;
    s.hv = second ? &state_.hv : &fv2_.hv0;
    s.ho = second ? &fv2_.h0 : &state_.h;
    s.huo = second ? &fv2_.hu0 : &state_.hu;
    s.hvo = second ? &fv2_.hv0 : &state_.hv;
    s.z = &z_;
    s.gn2 = &gn2_;
    s.maxh = &state_.max_h;
    s.maxs = &state_.max_speed;
    s.arr = &state_.arrival;
    s.q_west = faces_.q_west.data();
    s.q_east = faces_.q_east.data();
    s.q_north = faces_.q_north.data();
    s.q_south = faces_.q_south.data();
    s.f_west = faces_.f_west.data();
    s.f_east = faces_.f_east.data();
    s.f_north = faces_.f_north.data();
    s.f_south = faces_.f_south.data();
    s.row_fix = faces_.row_fix.data();

    // The stencil levels of the chunks swept (rows -kLevelPad .. ny + kLevelPad - 1).
    const int nch = (g.nx + kChunk - 1) / kChunk;
    const int nrows = g.ny + 2 * kLevelPad;
    const std::size_t lsize = static_cast<std::size_t>(nrows) * nch;
    fv2_.levels.assign(6 * lsize, 0);
    std::copy(fv2_.active.begin(), fv2_.active.end(), fv2_.levels.begin() + static_cast<std::ptrdiff_t>(kLevelPad) * nch);
    for (int d = 1; d < 6; ++d) {
        const std::uint8_t* lo = fv2_.levels.data() + (d - 1) * lsize;
        std::uint8_t* hi = fv2_.levels.data() + d * lsize;
        for (int r = 0; r < nrows; ++r)
            for (int c = 0; c < nch; ++c) {
                const std::size_t k = static_cast<std::size_t>(r) * nch + c;
                hi[k] = lo[k] | (r > 0 ? lo[k - nch] : 0) | (r + 1 < nrows ? lo[k + nch] : 0);
            }
    }
    s.nch = nch;
    s.chunk = kChunk;
    for (int d = 0; d < 6; ++d) s.level[d] = fv2_.levels.data() + d * lsize + static_cast<std::size_t>(kLevelPad) * nch;
    s.stale = fv2_.stale.data();
    s.wet = second ? fv2_.wet.data() : nullptr;
    if (links_.linked()) {
        // A face across a halo side is scaled by its donor's factor, and the donor may be the
        // neighbour's cell: every block computes the factors of its cells along its halo sides
        // ahead of the sweep, and the exchange (width 1) puts the neighbours' into the ghosts.
        s.halo_west = halo_side(BoundarySide::West);
        s.halo_east = halo_side(BoundarySide::East);
        s.halo_north = halo_side(BoundarySide::North);
        s.halo_south = halo_side(BoundarySide::South);
        if (fv2_.donor.empty()) fv2_.donor = Field<Real>(g, Real(1.0));
        const int off = static_cast<int>(64 / sizeof(Real));
        const std::size_t stride = static_cast<std::size_t>((g.nx + 2 + off + off - 1) / off * off);
        fv2_.edge_rows.resize(stride * kEdgeArrays);
        halo_side_factors(s, RowBuffers<Real>{fv2_.edge_rows.data(), stride, off}, fv2_.donor);
        Field<Real>* donor[] = {&fv2_.donor};
        links_.fill_halo(donor, 1);
        s.halo_donor = &fv2_.donor;
    }

    // Per-thread row buffers: cell -2 .. nx+1 of each array, cell 0 64-byte aligned.
    const int nthreads = std::min(threads_, g.ny);
    const int off = static_cast<int>(64 / sizeof(Real));
    const std::size_t stride = static_cast<std::size_t>((g.nx + 2 + off + off - 1) / off * off);
    const std::size_t need = stride * kRowArrays;
    if (fv2_.rows.size() < static_cast<std::size_t>(nthreads)) fv2_.rows.resize(nthreads);
    for (int t = 0; t < nthreads; ++t) {
        auto& buf = fv2_.rows[t];
        if (buf.size() != need) {
            buf.assign(need, Real(0.0));
            // Donor factors of the ghost cells west and east of a row are 1.
            for (int k = kDonor; k < kDonor + 3; ++k) {
                buf[k * stride + off - 1] = Real(1.0);
                buf[k * stride + off + g.nx] = Real(1.0);
            }
        }
    }
    auto& rows = fv2_.rows;
    // Per thread: the monitors' double scratch (speed, and float rows widened to double).
    if (fv2_.monitor_rows.size() < static_cast<std::size_t>(nthreads)) fv2_.monitor_rows.resize(nthreads);
    for (int t = 0; t < nthreads; ++t) fv2_.monitor_rows[t].resize(4 * static_cast<std::size_t>(g.nx));
    auto& mon = fv2_.monitor_rows;

    double sx = 0.0, sy = 0.0, wet = 0.0;
#pragma omp parallel num_threads(nthreads) default(none) shared(s, rows, mon, second, stride, off) \
    reduction(max : sx, sy) reduction(+ : wet)
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        const int j0 = static_cast<int>(static_cast<std::int64_t>(s.ny) * t / nt);
        const int j1 = static_cast<int>(static_cast<std::int64_t>(s.ny) * (t + 1) / nt);
        const RowBuffers<Real> b{rows[t].data(), stride, off};
        if (j0 < j1) {
            if (second)
                stage_block<Real, true>(s, b, mon[t].data(), j0, j1, sx, sy, wet);
            else
                stage_block<Real, false>(s, b, nullptr, j0, j1, sx, sy, wet);
        }
    }
    if (second) {
        state_.smax_x = sx;
        state_.smax_y = sy;
        state_.wet_cells = static_cast<std::int64_t>(wet);
    }
}

template void BasicSimulation<double>::init_fv2();
template void BasicSimulation<float>::init_fv2();
template void BasicSimulation<double>::step_fv2(double, double);
template void BasicSimulation<float>::step_fv2(double, double);
template void BasicSimulation<double>::fv2_stage(double, double, bool);
template void BasicSimulation<double>::fv2_activity(bool);
template void BasicSimulation<float>::fv2_activity(bool);
template void BasicSimulation<float>::fv2_stage(double, double, bool);

}  // namespace floodsim
