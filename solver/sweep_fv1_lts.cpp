// fv1 with local time stepping (docs/local-time-stepping.md): each chunk of kLtsChunk cells of a row
// steps with 2^l times the smallest step dt0 of a cycle of 2^L substeps, l its level (0..L) from its
// own CFL step; the dry tiles (kChunk cells) hold kChunk / kLtsChunk such chunks. The scheme is the
// global step's (HLLC, hydrostatic reconstruction, implicit Manning, the same face kernels); what
// changes is when each face and cell is computed:
//   - the face between chunks of levels la <= lb is computed at every step of level la, from the
//     current states of both sides (a coarser chunk's state is the one at the start of its step:
//     it is not updated before its step ends), times that step;
//   - a cell adds the faces' terms as they come (its accumulators, lts_.acc_*) and is updated at
//     the end of its own step: U + accumulated terms, the bed-slope source of its faces at the
//     start of its step over its whole step, rain and friction over its step;
//   - every face's mass goes to both of its cells with opposite signs: mass is conserved to
//     round-off, as with the global step. A lake at rest stays at rest (each face of a cell adds
//     up to its own step whatever the neighbour's level).
// Levels: a chunk's level is the largest l with 2^l dt0 <= 0.7 x its own CFL step (kLevelShare: a
// margin against waves that speed up within the step), chunks next to each other differ by one
// level at most, and the chunks of a discharge boundary step with dt0. Every level's step ends at
// the cycle's end: nothing is pending between cycles, so a cycle is what step() does, sources act
// after it, and checkpoints, outputs and events fall on cycle ends.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include "solver/face_rows.hpp"
#include "solver/float_monitors.hpp"
#include "solver/friction_manning.hpp"
#include "solver/fv1_sweep_tools.hpp"
#include "solver/simulation.hpp"

namespace floodsim {
namespace {
constexpr double kInfDt = std::numeric_limits<double>::infinity();
/// A chunk at level l has 2^l dt0 <= kLevelShare x its own CFL step: a margin against waves that
/// speed up within the step. On the 720 template's peak, final depths against the global step's,
/// p99: 0.05 mm with 0.5 (one whole level, until stop 33; the global step at CFL 0.45: 0.04 mm),
/// 0.12 mm with 0.7, 3 mm with 1.0; 0.7 made 1.2x fewer cell updates there than 0.5 in 4-10 %
/// less time (docs/local-time-stepping.md, "The levels' margin and the storm's peak").
constexpr double kLevelShare = 0.7;
/// Level chunks per dry tile.
constexpr int kPerTile = kChunk / kLtsChunk;

/// A face's term: its flux times its weight. A face not computed in this substep has weight 0 and
/// its row holds another substep's values (finite: fluxes of earlier states, or the rows' zeros),
/// which the weight cancels. (A select on the weight, where the weight is the same for the whole
/// chunk, keeps gcc 12 from vectorising the loops.)
template <class Real>
inline Real term(Real w, Real f) {
    return w * f;
}

/// The weights (step / dx or dy; 0: not computed now) of a chunk's faces in a substep: its first
/// cell's west face, its inner faces, its last cell's east face, its row's north and south faces,
/// and the bed-slope source's (the chunk's step at its start, else 0).
template <class Real>
struct ChunkWeights {
    Real first, inner, last, top, bot, src_x, src_y;
};

template <class Real>
struct CellTerms {
    Real h, qx, qy;
};

/// Cell i's terms of the substep (chunk [i0, i1)): the faces' fluxes times their weights, and the
/// bed-slope source of the hydrostatic reconstruction (as sweep_fv1's) where the chunk's step starts.
template <class Real>
inline CellTerms<Real> cell_terms(int i, int i0, int i1, const ChunkWeights<Real>& w, const FaceRow<Real>& fx,
                                  const FaceRow<Real>& top, const FaceRow<Real>& bot, Real g) {
    const Real ww = i == i0 ? w.first : w.inner, we = i == i1 - 1 ? w.last : w.inner;
    const Real dh = -(term(we, fx.mass[i + 1]) - term(ww, fx.mass[i])) - (term(w.top, top.mass[i]) - term(w.bot, bot.mass[i]));
    Real dqx = -(term(we, fx.normal[i + 1]) - term(ww, fx.normal[i])) - (term(w.top, top.transverse[i]) - term(w.bot, bot.transverse[i]));
    Real dqy = -(term(w.top, top.normal[i]) - term(w.bot, bot.normal[i])) - (term(we, fx.transverse[i + 1]) - term(ww, fx.transverse[i]));
    const Real hw = fx.h_right[i], he = fx.h_left[i + 1];
    const Real hs = bot.h_right[i], hn = top.h_left[i];
    dqx -= term(w.src_x, Real(0.5) * g * (hw + he) * (fx.zf[i + 1] - fx.zf[i]));
    dqy -= term(w.src_y, Real(0.5) * g * (hs + hn) * (top.zf[i] - bot.zf[i]));
    return {dh, dqx, dqy};
}

/// Adds the terms of chunk [i0, i1) to its cells' accumulators (a chunk whose step goes on). Not
/// inlined, as finish_cells.
template <class Real>
__attribute__((noinline)) void accumulate_terms(int i0, int i1, const ChunkWeights<Real> w, const FaceRow<Real> fx,
                                                const FaceRow<Real> top, const FaceRow<Real> bot, Real g,
                                                Real* __restrict ah, Real* __restrict ahu, Real* __restrict ahv) {
#pragma omp simd
    for (int i = i0; i < i1; ++i) {
        const CellTerms<Real> d = cell_terms(i, i0, i1, w, fx, top, bot, g);
        // (the accumulators of a chunk with nothing pending hold zeros)
        ah[i] += d.h;
        ahu[i] += d.qx;
        ahv[i] += d.qy;
    }
}

/// Scalars of the cell update: gravity, the dry depth, half the wall elevation (cells above it
/// take no rain).
template <class Real>
struct CellParams {
    Real g, dry, wall_half;
};

template <class Real>
struct CellSums {
    Real fix, wet;  // depth added by the positivity fix; wet cells
};

/// The update of chunk [i0, i1) at the end of its step: its state plus this substep's terms and
/// (kPending) those accumulated over its step (the accumulators are zeroed), rain over the step,
/// positivity (booked), implicit Manning friction over the step. Not inlined: inlined into the
/// sweep's parallel region (or written there), gcc 12 ran the scalar version of this loop and of
/// cell_speeds' (the hot code was vmulss, not vmulps): local time stepping took 2.3x the global
/// step's time per cell update; with these two calls 1.3x.
template <bool kPending, class Real>
__attribute__((noinline)) CellSums<Real> finish_cells(int i0, int i1, const ChunkWeights<Real> w,
                                                      const FaceRow<Real> fx, const FaceRow<Real> top,
                                                      const FaceRow<Real> bot, const CellParams<Real> p, Real rain,
                                                      Real dt, Real* __restrict h, Real* __restrict hu,
                                                      Real* __restrict hv, const Real* __restrict z,
                                                      const Real* __restrict gn2, Real* __restrict ah,
                                                      Real* __restrict ahu, Real* __restrict ahv) {
    Real fix = 0, wet = 0;
#pragma omp simd reduction(+ : fix, wet)
    for (int i = i0; i < i1; ++i) {
        const CellTerms<Real> d = cell_terms(i, i0, i1, w, fx, top, bot, p.g);
        Real dh = d.h, dqx = d.qx, dqy = d.qy;
        if constexpr (kPending) {
            dh += ah[i];
            dqx += ahu[i];
            dqy += ahv[i];
            ah[i] = Real(0);
            ahu[i] = Real(0);
            ahv[i] = Real(0);
        }
        Real hnew = h[i] + dh;
        Real qx = hu[i] + dqx;
        Real qy = hv[i] + dqy;
        hnew += z[i] < p.wall_half ? rain : Real(0.0);
        const Real neg = hnew < Real(0.0) ? -hnew : Real(0.0);
        fix += neg;
        hnew += neg;
        const bool wet_cell = hnew >= p.dry;
        const Real f = manning_implicit_factor(std::max(hnew, p.dry), qx, qy, gn2[i], dt);
        qx = wet_cell ? qx * f : Real(0.0);
        qy = wet_cell ? qy * f : Real(0.0);
        h[i] = hnew;
        hu[i] = qx;
        hv[i] = qy;
        wet += wet_cell ? Real(1.0) : Real(0.0);
    }
    return {fix, wet};
}

/// The wave speeds of cells [a, b)'s new state (0 where dry): x with the drain bound (sx), y (sy),
/// and the cells' speeds (for the monitors). The drain bound is drain_scale x the faces' shares (as
/// sweep_fv1's) + drain_max (a plain multiply-add: a select on a loop-invariant flag keeps gcc 12
/// from vectorising the loop). Not inlined, as finish_cells.
template <class Real>
__attribute__((noinline)) void cell_speeds(int a, int b, const FaceRow<Real> fx, const FaceRow<Real> top,
                                           const FaceRow<Real> bot, const Real* __restrict h,
                                           const Real* __restrict hu, const Real* __restrict hv,
                                           Real* __restrict speed, Real* __restrict sx, Real* __restrict sy, Real g,
                                           Real eps4, Real dx_over_dy, Real drain_scale, Real drain_max) {
#pragma omp simd
    for (int i = a; i < b; ++i) {
        const Real u = desingularised_velocity(h[i], hu[i], eps4);
        const Real v = desingularised_velocity(h[i], hv[i], eps4);
        const Real cel = std::sqrt(g * h[i]);
        const bool has_water = h[i] > Real(0.0);
        const Real shares =
            (drain_share(fx.h_right[i], fx.h_left[i]) + drain_share(fx.h_left[i + 1], fx.h_right[i + 1])) +
            (drain_share(top.h_left[i], top.h_right[i]) + drain_share(bot.h_right[i], bot.h_left[i])) * dx_over_dy;
        const Real drain = drain_scale * shares + drain_max;
        sx[i] = has_water ? std::max(std::abs(u) + cel, drain * cel) : Real(0.0);
        sy[i] = has_water ? std::abs(v) + cel : Real(0.0);
        speed[i] = std::sqrt(u * u + v * v);
    }
}

/// A dry tile's water flags (ChunkActivity): any water in cells [a, b), in its first, its last.
template <class Real>
std::uint8_t water_flags(bool any, int a, int b, const Real* __restrict h) {
    if (!any) return 0;
    return static_cast<std::uint8_t>(ChunkActivity::kWaterAny | (h[a] > Real(0.0) ? ChunkActivity::kWaterFirst : 0) |
                                     (h[b - 1] > Real(0.0) ? ChunkActivity::kWaterLast : 0));
}

/// The same from the cells' depths (a tile of several level chunks, kPerTile > 1).
template <class Real>
std::uint8_t tile_water_flags(int a, int b, const Real* __restrict h) {
    Real most = 0;
#pragma omp simd reduction(max : most)
    for (int i = a; i < b; ++i) most = std::max(most, h[i]);
    return water_flags(most > Real(0.0), a, b, h);
}

/// The wave speeds of chunks [c0, c1) of a row whose steps just ended: each chunk's own CFL step
/// (now_dt), water flags (where a chunk is its dry tile) and its cells' speeds; the cells' wave
/// speeds in one call for the run (a call per chunk of 16 cells cost as much again in set-up and
/// remainders), the chunks' maxima after it. Not inlined, as finish_cells.
template <class Real>
__attribute__((noinline)) void run_speeds(int c0, int c1, int nx, const FaceRow<Real> fx, const FaceRow<Real> top,
                                          const FaceRow<Real> bot, const Real* __restrict h,
                                          const Real* __restrict hu, const Real* __restrict hv,
                                          Real* __restrict speed, Real* __restrict sx, Real* __restrict sy, Real g,
                                          Real eps4, Real dx_over_dy, Real drain_scale, Real drain_max, double cfl_dx,
                                          double cfl_dy, double* __restrict now_dt, std::uint8_t* __restrict flags) {
    cell_speeds(c0 * kLtsChunk, std::min(nx, c1 * kLtsChunk), fx, top, bot, h, hu, hv, speed, sx, sy, g, eps4,
                dx_over_dy, drain_scale, drain_max);
    for (int c = c0; c < c1; ++c) {
        const int i0 = c * kLtsChunk, i1 = std::min(nx, i0 + kLtsChunk);
        Real mx = 0, my = 0;
#pragma omp simd reduction(max : mx, my)
        for (int i = i0; i < i1; ++i) {
            mx = std::max(mx, sx[i]);
            my = std::max(my, sy[i]);
        }
        now_dt[c] = std::min(mx > Real(0) ? cfl_dx / static_cast<double>(mx) : kInfDt,
                             my > Real(0) ? cfl_dy / static_cast<double>(my) : kInfDt);
        if constexpr (kPerTile == 1) flags[c] = tile_water_flags(i0, i1, h);
    }
}

/// The constants of substep k of a cycle, for its rows (lts_row).
template <class Real>
struct LtsSubstep {
    int nx, ny, nch, ntiles, k;
    const std::uint8_t* domain;  ///< per chunk (ny x nch): holds domain cells
    const std::uint8_t* level;   ///< per chunk: its level in the cycle
    const std::uint8_t* due;     ///< per chunk: starts a step with substep k
    std::uint8_t* pending;       ///< per chunk: its accumulators hold terms
    std::uint8_t* chunk_wet;     ///< per dry tile (ny x ntiles): water flags
    double* now_dt;              ///< per chunk: its own CFL step
    Real* acc_h;                 ///< per cell: the accumulators
    Real* acc_hu;
    Real* acc_hv;
    const Real* dt_l;  ///< per level: its step, over dx and dy, the rain over it
    const Real* kx_l;
    const Real* ky_l;
    const Real* rain_l;
    CellParams<Real> cell;
    Real eps4, dx_over_dy, cfl, drain_max;
    double cfl_dx, cfl_dy;
    float arrival_depth, t_arrival;
};

/// Row j's cells and monitors (the sweep's fields).
template <class Real>
struct LtsRowCells {
    Real* h;
    Real* hu;
    Real* hv;
    const Real* z;
    const Real* gn2;
    Real* speed;  ///< scratch for the monitors
    Real* sx;     ///< scratch: the cells' wave speeds in x and y
    Real* sy;
    float* max_h;
    float* max_speed;
    float* arrival;
};

template <class Real>
struct LtsRowSums {
    Real fix, wet;
    std::int64_t updates;
};

/// What chunk c of a row does in a substep: its level, whether its step starts (its faces are
/// computed) or ends with the substep, whether it holds terms from earlier substeps, and the level
/// of each face computed now (-1: not computed). A face is computed when the chunk of its finer
/// side starts a step (then, if the other side starts one too, its level is the same or coarser);
/// it counts for that chunk's step. Outside the grid only the chunk's own step counts.
struct ChunkPlan {
    int l;
    bool starts, finishes, pending;
    int lw, le, ln, ls;
    /// terms to add now, or a step to end
    bool acts() const { return starts || lw >= 0 || le >= 0 || ln >= 0 || ls >= 0 || (finishes && pending); }
    /// Chunks of the same plan next to each other are updated as one run: their shared faces are
    /// inner faces (both start a step of the same level, or neither computes it).
    bool joins(const ChunkPlan& o) const {
        return l == o.l && starts == o.starts && finishes == o.finishes && (!finishes || pending == o.pending) &&
               ln == o.ln && ls == o.ls;
    }
};

/// The plans of row j's chunks in substep s.k (ChunkPlan), from the level and due tables of the
/// row and of the rows above and below (none beyond the grid).
struct RowPlanner {
    const std::uint8_t *lv, *du, *pend, *lv_n, *du_n, *lv_s, *du_s;
    int nch, k1;
    template <class Real>
    RowPlanner(const LtsSubstep<Real>& s, int j) {
        const std::size_t row = static_cast<std::size_t>(j) * s.nch;
        lv = s.level + row;
        du = s.due + row;
        pend = s.pending + row;
        lv_n = j > 0 ? lv - s.nch : nullptr;
        du_n = j > 0 ? du - s.nch : nullptr;
        lv_s = j + 1 < s.ny ? lv + s.nch : nullptr;
        du_s = j + 1 < s.ny ? du + s.nch : nullptr;
        nch = s.nch;
        k1 = s.k + 1;
    }
    static int face(bool da, int la, bool db, int lb) { return da || db ? std::min(la, lb) : -1; }
    ChunkPlan plan(int c) const {
        ChunkPlan p;
        p.l = lv[c];
        p.starts = du[c] != 0;
        p.finishes = (k1 & ((1 << p.l) - 1)) == 0;
        p.pending = pend[c] != 0;
        const int own = p.starts ? p.l : -1;
        p.lw = c > 0 ? face(p.starts, p.l, du[c - 1] != 0, lv[c - 1]) : own;
        p.le = c + 1 < nch ? face(p.starts, p.l, du[c + 1] != 0, lv[c + 1]) : own;
        p.ln = lv_n ? face(p.starts, p.l, du_n[c] != 0, lv_n[c]) : own;
        p.ls = lv_s ? face(p.starts, p.l, du_s[c] != 0, lv_s[c]) : own;
        return p;
    }
};

/// Run [c, c1) of row j, of plan p (le: the level of its last chunk's east face): its faces' terms
/// (fx, its x faces; top and bot, its y faces, computed where due), then, where its step ends, its
/// update, speeds and monitors (added to sums), else the terms are accumulated.
template <class Real>
void lts_run(const LtsSubstep<Real>& s, int j, int c, int c1, const ChunkPlan& p, int le, const FaceRow<Real>& fx,
             const FaceRow<Real>& top, const FaceRow<Real>& bot, const LtsRowCells<Real>& cells,
             std::uint8_t* tile_ended, LtsRowSums<Real>& sums) {
    const int nx = s.nx;
    const std::size_t row = static_cast<std::size_t>(j) * s.nch;
    std::uint8_t* pend = s.pending + row;
    Real* ah = s.acc_h + static_cast<std::size_t>(j) * nx;
    Real* ahu = s.acc_hu + static_cast<std::size_t>(j) * nx;
    Real* ahv = s.acc_hv + static_cast<std::size_t>(j) * nx;
    const CellParams<Real>& cp = s.cell;
    const int i0 = c * kLtsChunk, i1 = std::min(nx, c1 * kLtsChunk);
    // Each face's weight: its step over dx or dy, 0 where it is not computed now; the bed-slope
    // source of the chunks' step from their faces at its start.
    const Real w_in = p.starts ? s.kx_l[p.l] : Real(0);
    const ChunkWeights<Real> w{p.lw >= 0 ? s.kx_l[p.lw] : Real(0),
                               w_in,
                               le >= 0 ? s.kx_l[le] : Real(0),
                               p.ln >= 0 ? s.ky_l[p.ln] : Real(0),
                               p.ls >= 0 ? s.ky_l[p.ls] : Real(0),
                               w_in,
                               p.starts ? s.ky_l[p.l] : Real(0)};
    if (!p.finishes) {
        accumulate_terms(i0, i1, w, fx, top, bot, cp.g, ah, ahu, ahv);
        std::fill(pend + c, pend + c1, std::uint8_t{1});
        return;
    }
    const auto finish = p.pending ? finish_cells<true, Real> : finish_cells<false, Real>;
    const CellSums<Real> f = finish(i0, i1, w, fx, top, bot, cp, s.rain_l[p.l], s.dt_l[p.l], cells.h, cells.hu,
                                    cells.hv, cells.z, cells.gn2, ah, ahu, ahv);
    sums.fix += f.fix;
    sums.wet += f.wet;
    std::fill(pend + c, pend + c1, std::uint8_t{0});
    // fresh faces (the chunks' step was one substep): the drain bound as in sweep_fv1; else at its
    // largest (every face draining through its fan)
    run_speeds(c, c1, nx, fx, top, bot, cells.h, cells.hu, cells.hv, cells.speed, cells.sx, cells.sy, cp.g, s.eps4, s.dx_over_dy,
               p.starts ? s.cfl : Real(0), p.starts ? Real(0) : s.drain_max, s.cfl_dx, s.cfl_dy, s.now_dt + row,
               s.chunk_wet + static_cast<std::size_t>(j) * s.ntiles);
    float_monitors(i0, i1, cells.h, cells.speed, cells.max_h, cells.max_speed, cells.arrival, s.arrival_depth,
                   s.t_arrival);
    if constexpr (kPerTile > 1)
        for (int t = c / kPerTile; t <= (c1 - 1) / kPerTile; ++t) tile_ended[t] = 1;
    sums.updates += i1 - i0;
}

/// Substep s.k of row j: its chunks that act (ChunkPlan::acts), in runs of neighbours of the same
/// plan (lts_run). tile_ended (kPerTile > 1): the row's dry tiles in which a step ended.
template <class Real>
LtsRowSums<Real> lts_row(const LtsSubstep<Real>& s, int j, const FaceRow<Real>& fx, const FaceRow<Real>& top,
                         const FaceRow<Real>& bot, const LtsRowCells<Real>& cells, std::uint8_t* tile_ended) {
    const int nch = s.nch;
    const std::uint8_t* dom = s.domain + static_cast<std::size_t>(j) * nch;
    const RowPlanner planner(s, j);
    LtsRowSums<Real> sums{0, 0, 0};
    for (int c = 0; c < nch;) {
        if (!dom[c]) {
            ++c;
            continue;
        }
        const ChunkPlan p = planner.plan(c);
        if (!p.acts()) {
            ++c;
            continue;
        }
        int c1 = c + 1, le = p.le;
        while (c1 < nch && dom[c1]) {
            const ChunkPlan n = planner.plan(c1);
            if (!n.acts() || !n.joins(p)) break;
            le = n.le;
            ++c1;
        }
        lts_run(s, j, c, c1, p, le, fx, top, bot, cells, tile_ended, sums);
        c = c1;
    }
    // The water flags of the dry tiles whose chunks' steps ended, from their cells' states (the
    // other chunks of a tile keep theirs until their steps end).
    if constexpr (kPerTile > 1)
        for (int t = 0; t < s.ntiles; ++t) {
            if (!tile_ended[t]) continue;
            tile_ended[t] = 0;
            const int a = t * kChunk, b = std::min(s.nx, a + kChunk);
            s.chunk_wet[static_cast<std::size_t>(j) * s.ntiles + t] = tile_water_flags(a, b, cells.h);
        }
    return sums;
}
}  // namespace

template <class Real>
void BasicSimulation<Real>::lts_init() {
    const Grid2D& g = grid_;
    tiles_.nchunks = (g.nx + kChunk - 1) / kChunk;
    lts_.nsub = (g.nx + kLtsChunk - 1) / kLtsChunk;
    const int nch = lts_.nsub;
    const std::size_t nchunks = static_cast<std::size_t>(g.ny) * nch;
    lts_.level.assign(nchunks, 0);
    lts_.pending.assign(nchunks, 0);
    lts_.now_dt.assign(nchunks, 0.0);
    lts_.acc_h.assign(g.cells(), Real(0));
    lts_.acc_hu.assign(g.cells(), Real(0));
    lts_.acc_hv.assign(g.cells(), Real(0));
    // A discharge boundary's imposed flux is the hydrograph's mean over the smallest step
    // (set_discharge_fluxes): its chunks take that step.
    lts_.forced.assign(nchunks, 0);
    for (const BoundarySpec& b : setup_.boundaries) {
        if (b.type != BoundaryType::Discharge) continue;
        const bool ew = b.side == BoundarySide::West || b.side == BoundarySide::East;
        const int last = b.last < 0 ? (ew ? g.ny : g.nx) - 1 : b.last;
        for (int s = b.first; s <= last; ++s) {
            const auto [ii, jj] = boundary_cell(b.side, s);
            lts_.forced[static_cast<std::size_t>(jj) * nch + ii / kLtsChunk] = 1;
        }
    }
    lts_.ready = true;
}

template <class Real>
void BasicSimulation<Real>::lts_measure_chunks(int j0, int j1, int c0, int c1) {
    const Grid2D& g = grid_;
    const SolverOptions& o = setup_.options;
    const int nx = g.nx, nch = lts_.nsub;
    const double cfl_dx = o.cfl * g.dx, cfl_dy = o.cfl * g.dy;
    const float t_arrival = static_cast<float>(state_.t);
    double* now_dt = lts_.now_dt.data();
    const int threads = j1 - j0 > 8 ? threads_ : 1;
#pragma omp parallel num_threads(threads) default(none) firstprivate(nx, nch, j0, j1, c0, c1, t_arrival, now_dt, cfl_dx, cfl_dy)
    {
        std::vector<Real> speed(static_cast<std::size_t>(nx)), hm(static_cast<std::size_t>(nx));
#pragma omp for schedule(static)
        for (int j = j0; j < j1; ++j)
            for (int c = c0; c < c1; ++c) {
                const int i0 = c * kLtsChunk, i1 = std::min(nx, i0 + kLtsChunk);
                // The chunk's wave speeds with the drain bound, as the global step's sweep measures them.
                const RowMeasure r = measure_row(j, i0, i1, t_arrival, true, speed.data(), hm.data());
                now_dt[static_cast<std::size_t>(j) * nch + c] =
                    std::min(r.smax_x > 0.0 ? cfl_dx / r.smax_x : kInfDt, r.smax_y > 0.0 ? cfl_dy / r.smax_y : kInfDt);
            }
    }
}

template <class Real>
void BasicSimulation<Real>::lts_refresh_chunks(const std::vector<std::pair<int, int>>& cells) {
    // Water a source added to these cells: their chunks and the chunks beside them (whose drain
    // bound reads their depths) measured again.
    const int nch = lts_.nsub, ny = grid_.ny;
    for (const auto& [i, j] : cells) {
        const int c = i / kLtsChunk;
        lts_measure_chunks(std::max(0, j - 1), std::min(ny, j + 2), std::max(0, c - 1), std::min(nch, c + 2));
    }
}

template <class Real>
double BasicSimulation<Real>::lts_smallest_step(bool measure_all) {
    if (!lts_.ready) lts_init();
    const Grid2D& g = grid_;
    const int nx = g.nx, ny = g.ny, nch = lts_.nsub;
    if (measure_all) lts_measure_chunks(0, ny, 0, nch);
    // Ghost cells beyond the grid's edges can carry faster states (a level boundary against a dry
    // bed): they bound the step of the chunk beside them, as cfl_time_step bounds the global one.
    const SolverOptions& o = setup_.options;
    const double cfl = o.cfl, gr = o.gravity, eps4 = std::pow(o.velocity_eps, 4);
    double* now_dt = lts_.now_dt.data();
    auto ghost = [&](int gi, int gj, int j, int c) {
        const double h = state_.h(gi, gj);
        if (!(h > 0.0)) return;
        const double cel = std::sqrt(gr * h);
        const double u = std::abs(desingularised_velocity<double>(h, state_.hu(gi, gj), eps4)) + cel;
        const double v = std::abs(desingularised_velocity<double>(h, state_.hv(gi, gj), eps4)) + cel;
        double& d = now_dt[static_cast<std::size_t>(j) * nch + c];
        d = std::min({d, cfl * g.dx / u, cfl * g.dy / v});
    };
    for (int j = 0; j < ny; ++j) {
        ghost(-1, j, j, 0);
        ghost(nx, j, j, nch - 1);
    }
    for (int i = 0; i < nx; ++i) {
        ghost(i, -1, 0, i / kLtsChunk);
        ghost(i, ny, ny - 1, i / kLtsChunk);
    }
    double dt = o.max_dt;
    if (!tiles_.ready) update_chunk_activity(true);  // the chunks' domain flags
    const std::uint8_t* domain = tiles_.domain.data();
    for (int j = 0; j < ny; ++j)
        for (int c = 0; c < nch; ++c)
            if (domain[lts_tile(j, c)]) dt = std::min(dt, now_dt[static_cast<std::size_t>(j) * nch + c]);
    return dt;
}

template <class Real>
void BasicSimulation<Real>::lts_assign_levels(double dt0, int L) {
    const int ny = grid_.ny, nch = lts_.nsub;
    std::uint8_t* level = lts_.level.data();
    // (a level chunk takes its dry tile's domain flag)
    std::vector<std::uint8_t>& domain = lts_.domain;
    domain.resize(static_cast<std::size_t>(ny) * nch);
    for (int j = 0; j < ny; ++j)
        for (int c = 0; c < nch; ++c) domain[static_cast<std::size_t>(j) * nch + c] = tiles_.domain[lts_tile(j, c)];
    const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(ny) * nch;
    // the largest l with 2^l dt0 <= kLevelShare x the chunk's own step (an infinite step: L); 2^l
    // from a table (exact in a double, as ldexp's)
    double pow2[kMaxLtsLevels + 1];
    for (int m = 0; m <= kMaxLtsLevels; ++m) pow2[m] = std::ldexp(1.0, m);
    const double* now_dt = lts_.now_dt.data();
    const std::uint8_t* forced = lts_.forced.data();
    const std::uint8_t* in_domain = domain.data();
#pragma omp parallel for num_threads(threads_) schedule(static) default(none) firstprivate(n, L, dt0, level, now_dt, forced, in_domain) shared(pow2)
    for (std::ptrdiff_t k = 0; k < n; ++k) {
        const double r = now_dt[k] / dt0;
        int l = 0;
        while (l < L && pow2[l + 1] <= kLevelShare * r) ++l;
        level[k] = static_cast<std::uint8_t>(!in_domain[k] ? L : forced[k] ? 0 : l);
    }
    // Neighbours (across a row's chunk ends and between rows) differ by one level at most: the
    // two passes of a chamfer distance, chunks without domain cells left out.
    auto relax = [&](std::size_t k, std::size_t nb) {
        if (domain[k] && domain[nb]) level[k] = std::min<std::uint8_t>(level[k], static_cast<std::uint8_t>(level[nb] + 1));
    };
    for (int j = 0; j < ny; ++j)
        for (int c = 0; c < nch; ++c) {
            const std::size_t k = static_cast<std::size_t>(j) * nch + c;
            if (j > 0) relax(k, k - nch);
            if (c > 0) relax(k, k - 1);
        }
    for (int j = ny - 1; j >= 0; --j)
        for (int c = nch - 1; c >= 0; --c) {
            const std::size_t k = static_cast<std::size_t>(j) * nch + c;
            if (j < ny - 1) relax(k, k + nch);
            if (c < nch - 1) relax(k, k + 1);
        }
}

template <class Real>
void BasicSimulation<Real>::lts_plan_substep(int k, int L, int nthreads) {
    // The chunks that start a step with substep k (their dry tile active, k a multiple of their
    // step in substeps). The rows are cut into blocks of about equal work (chunks starting a step,
    // and the lighter ones ending one), which the threads take one after the other: the chunks
    // that step in every substep lie along the rivers and fronts, not evenly over the rows, and
    // no cost model splits them evenly between the threads (one block per thread left a thread
    // waiting for the other about a sixth of the sweep at the 720 template's peak).
    const int ny = grid_.ny, nch = lts_.nsub;
    const std::uint8_t* domain = lts_.domain.data();
    const std::uint8_t* level = lts_.level.data();
    const std::uint8_t* active = tiles_.active.data();
    lts_.due.resize(static_cast<std::size_t>(ny) * nch);
    std::uint8_t* due = lts_.due.data();
    const int nblocks = nthreads > 1 ? std::min(ny, kLtsBlocksPerThread * nthreads) : 1;
    std::vector<int>& split = lts_.split;
    split.assign(static_cast<std::size_t>(nblocks) + 1, 0);
    std::vector<double>& cost = lts_.row_cost;
    cost.assign(static_cast<std::size_t>(ny) + 1, 0.0);
    const int due_below = k == 0 ? L : __builtin_ctz(static_cast<unsigned>(k));
    const int end_below = __builtin_ctz(static_cast<unsigned>(k + 1));
    double* row_cost = cost.data() + 1;
    const std::size_t tiles_per_row = static_cast<std::size_t>(tiles_.nchunks);
#pragma omp parallel for num_threads(nthreads) schedule(static) default(none) \
    firstprivate(ny, nch, due_below, end_below, domain, level, active, due, row_cost, tiles_per_row)
    for (int j = 0; j < ny; ++j) {
        const std::size_t row = static_cast<std::size_t>(j) * nch;
        const std::uint8_t* act = active + static_cast<std::size_t>(j) * tiles_per_row;
        float r = 0.0f;
#pragma omp simd reduction(+ : r)
        for (int c = 0; c < nch; ++c) {
            const bool d = act[c / kPerTile] != 0 && level[row + c] <= due_below;
            due[row + c] = d ? 1 : 0;
            // (a dry tile's chunks start nothing)
            r += domain[row + c] == 0 ? 0.0f : d ? 1.0f : level[row + c] <= end_below ? 0.3f : 0.0f;
        }
        row_cost[j] = 0.02 * nch + r;  // (and a row's own cost)
    }
    for (int j = 0; j < ny; ++j) cost[j + 1] += cost[j];
    split[nblocks] = ny;
    int j = 0;
    for (int b = 1; b < nblocks; ++b) {
        const double target = cost[ny] * b / nblocks;
        while (j < ny && cost[j + 1] <= target) ++j;
        split[b] = std::clamp(j, split[b - 1] + 1, ny - (nblocks - b));
        j = split[b];
    }
}

template <class Real>
void BasicSimulation<Real>::sweep_fv1_lts(int k, int L, double dt0, double t_cycle, bool all_active) {
    const Grid2D& g = grid_;
    const int nx = g.nx, ny = g.ny;
    const SolverOptions& o = setup_.options;
    const Real gr = o.gravity;
    const Real eps4 = std::pow(o.velocity_eps, 4);
    const Real dry = o.dry_depth;
    const float arrival_depth = static_cast<float>(o.arrival_depth);
    const float t_arrival = static_cast<float>(t_cycle + (k + 1) * dt0);
    const Real wall_half = 0.5 * kWallElevation;
    const CellParams<Real> cell{gr, dry, wall_half};
    const int nthreads = std::min(threads_, ny);
    const Real inv_dx = 1.0 / g.dx, inv_dy = 1.0 / g.dy;
    const double cfl_dx = o.cfl * g.dx, cfl_dy = o.cfl * g.dy;
    const Real drain_max = static_cast<Real>(o.cfl * (4.0 / 3.0) * (1.0 + g.dx / g.dy));
    const Real cfl_r = o.cfl, dx_over_dy = g.dx / g.dy;
    double* now_dt = lts_.now_dt.data();
    // Per level l: its step dt_l = 2^l dt0 (and over dx, dy) and, for a chunk whose step ends with
    // this substep, the rain depth over that step.
    Real dt_l[kMaxLtsLevels + 1], kx_l[kMaxLtsLevels + 1], ky_l[kMaxLtsLevels + 1], rain_l[kMaxLtsLevels + 1];
    for (int l = 0; l <= L; ++l) {
        const double d = std::ldexp(dt0, l);
        dt_l[l] = static_cast<Real>(d);
        kx_l[l] = static_cast<Real>(d / g.dx);
        ky_l[l] = static_cast<Real>(d / g.dy);
        const double end = t_cycle + (k + 1) * dt0;
        rain_l[l] = setup_.rain.empty() ? Real(0) : static_cast<Real>(setup_.rain.mean(end - d, end) * d);
    }

    tiles_.nchunks = (nx + kChunk - 1) / kChunk;
    // level chunks (kLtsChunk cells), and the dry tiles (kChunk cells) that hold them
    const int nch = lts_.nsub, ntiles = tiles_.nchunks;
    update_chunk_activity(!o.skip_dry_tiles || all_active);

    lts_plan_substep(k, L, nthreads);
    const std::vector<int>& split = lts_.split;
    const int nblocks = static_cast<int>(split.size()) - 1;
    const std::size_t row_len = static_cast<std::size_t>(nx) + 1;
    if (fv1_.rows.size() < static_cast<std::size_t>(nthreads)) fv1_.rows.resize(nthreads);
    if (fv1_.block_face.size() < static_cast<std::size_t>(nblocks)) fv1_.block_face.resize(nblocks);
    for (int t = 0; t < nthreads; ++t) {
        const std::size_t need = 3 * kFaceArrays * row_len + 7 * (row_len + 1);
        if (fv1_.rows[t].size() < need) fv1_.rows[t].assign(need, 0.0);
    }
    for (int b = 0; b < nblocks; ++b)
        if (fv1_.block_face[b].size() < kFaceArrays * row_len) fv1_.block_face[b].assign(kFaceArrays * row_len, 0.0);

    std::int64_t wet = 0, updates = 0;
    Field<Real>& H = state_.h;
    Field<Real>& HU = state_.hu;
    Field<Real>& HV = state_.hv;
    const Field<Real>& Z = z_;
    const Field<Real>& GN2 = gn2_;
    Field<float>& MAXH = state_.max_h;
    Field<float>& MAXS = state_.max_speed;
    Field<float>& ARR = state_.arrival;
    auto& scratch = fv1_.rows;
    auto& block_face = fv1_.block_face;
    auto& q_west = faces_.q_west;
    auto& q_east = faces_.q_east;
    auto& q_north = faces_.q_north;
    auto& q_south = faces_.q_south;
    auto& f_west = faces_.f_west;
    auto& f_east = faces_.f_east;
    auto& f_north = faces_.f_north;
    auto& f_south = faces_.f_south;
    auto& row_fix = faces_.row_fix;
    const std::uint8_t* domain = lts_.domain.data();
    const std::uint8_t* level = lts_.level.data();
    std::uint8_t* pending = lts_.pending.data();
    std::uint8_t* chunk_wet = tiles_.wet.data();
    Real* acc_h = lts_.acc_h.data();
    Real* acc_hu = lts_.acc_hu.data();
    Real* acc_hv = lts_.acc_hv.data();

    const std::uint8_t* due_tab = lts_.due.data();
    const LtsSubstep<Real> sub{nx,     ny,       nch,   ntiles, k,     domain, level, due_tab, pending,
                               chunk_wet, now_dt, acc_h, acc_hu, acc_hv, dt_l, kx_l, ky_l, rain_l,
                               cell,   eps4,     dx_over_dy, cfl_r, drain_max, cfl_dx, cfl_dy, arrival_depth, t_arrival};
    auto face_row = [row_len](std::vector<Real>& buf, int slot) {
        Real* p = buf.data() + kFaceArrays * row_len * slot;
        return FaceRow<Real>{p, p + row_len, p + 2 * row_len, p + 3 * row_len, p + 4 * row_len, p + 5 * row_len};
    };
    auto lvl = [level, nch](int j, int c) { return static_cast<int>(level[static_cast<std::size_t>(j) * nch + c]); };
    // Does chunk c of row j start a step with this substep (its faces are computed)? Rows outside
    // the grid never do.
    auto due = [due_tab, nch, ny](int j, int c) {
        return j >= 0 && j < ny && due_tab[static_cast<std::size_t>(j) * nch + c] != 0;
    };
    auto north_boundary = [&](FaceRow<Real> f) {
        for (int i = 0; i < nx; ++i) {
            const int c = i / kLtsChunk;
            if (!due(0, c)) {
                f_north[i] = 0.0;
                continue;
            }
            if (!std::isnan(q_north[i])) f.mass[i] = q_north[i];
            f_north[i] = std::ldexp(static_cast<double>(f.mass[i]), lvl(0, c));
        }
    };
    auto south_boundary = [&](FaceRow<Real> f) {
        for (int i = 0; i < nx; ++i) {
            const int c = i / kLtsChunk;
            if (!due(ny - 1, c)) {
                f_south[i] = 0.0;
                continue;
            }
            if (!std::isnan(q_south[i])) f.mass[i] = q_south[i];
            f_south[i] = std::ldexp(static_cast<double>(f.mass[i]), lvl(ny - 1, c));
        }
    };

#pragma omp parallel num_threads(nthreads) default(none)                                                          \
    shared(H, HU, HV, Z, GN2, MAXH, MAXS, ARR, scratch, block_face, q_west, q_east, f_west, f_east, row_fix,       \
               face_row, split, lvl, due, north_boundary, south_boundary, sub)                                     \
    firstprivate(nx, ny, nch, ntiles, nblocks, gr, eps4, inv_dx, row_len, inv_dy) reduction(+ : wet, updates)
    {
        const fv1_detail::FlushSubnormals flush;  // this thread, this region only
        const int t = omp_get_thread_num();
        auto chunk_begin = [](int c) { return c * kLtsChunk; };
        auto chunk_end = [nx](int c) { return std::min(nx, (c + 1) * kLtsChunk); };
        // the dry tiles of the row where a chunk's step ended (their water flags to renew), where
        // a tile holds several level chunks
        std::vector<std::uint8_t> tile_ended(kPerTile > 1 ? static_cast<std::size_t>(ntiles) : 0, 0);

        Real* vel = scratch[t].data() + 3 * kFaceArrays * row_len;
        const std::size_t vlen = row_len + 1;
        Real* u_row[2] = {vel + 1, vel + 2 * vlen + 1};
        Real* v_row[2] = {vel + vlen + 1, vel + 3 * vlen + 1};
        Real* speed_row = vel + 4 * vlen;
        Real* sx_row = vel + 5 * vlen;
        Real* sy_row = vel + 6 * vlen;
        auto velocities = [&](int j, int slot) {
            fv1_detail::for_each_run(nch, [&](int c) { return due(j - 1, c) || due(j, c) || due(j + 1, c); }, [&](int c0, int c1) {
                const int i0 = c0 == 0 ? -1 : chunk_begin(c0) - 1;
                const int i1 = c1 == nch ? nx + 1 : chunk_end(c1 - 1) + 1;
                velocity_range(i0, i1, H.row(j), HU.row(j), HV.row(j), eps4, u_row[slot], v_row[slot]);
            });
        };
        auto y_faces = [&](int jn, int slot_n, int slot_s, FaceRow<Real> f) {
            fv1_detail::for_each_run(nch, [&](int c) { return due(jn, c) || due(jn + 1, c); }, [&](int c0, int c1) {
                y_face_range(chunk_begin(c0), chunk_end(c1 - 1), H.row(jn), Z.row(jn), u_row[slot_n], v_row[slot_n],
                             GN2.row(jn), H.row(jn + 1), Z.row(jn + 1), u_row[slot_s], v_row[slot_s],
                             GN2.row(jn + 1), gr, inv_dy, f);
            });
        };

        // Phase 1: the y face above each block, from the states before anyone updates.
#pragma omp for schedule(static)
        for (int b = 0; b < nblocks; ++b) {
            const int j0 = split[b];
            velocities(j0 - 1, 1);
            velocities(j0, 0);
            const FaceRow<Real> first = face_row(block_face[b], 0);
            y_faces(j0 - 1, 1, 0, first);
            if (j0 == 0) north_boundary(first);
        }
        // (the implicit barrier: every block's first face is computed)

        // Phase 2: the blocks, each taken by the next free thread, their rows in order as in
        // sweep_fv1: row j's faces from rows j and j + 1 before either is updated; the face below
        // a block's last row is the next block's first.
        FaceRow<Real> ybuf[2] = {face_row(scratch[t], 0), face_row(scratch[t], 1)};
        FaceRow<Real> fx = face_row(scratch[t], 2);
#pragma omp for schedule(dynamic, 1)
        for (int b = 0; b < nblocks; ++b) {
            const int j0 = split[b], j1 = split[b + 1];
            FaceRow<Real> fy_top = face_row(block_face[b], 0);
            int cur = 0, which = 0;
            velocities(j0, cur);  // (row j0 is not updated before this block updates it)
            for (int j = j0; j < j1; ++j) {
                FaceRow<Real> fy_bot;
                if (j == j1 - 1 && b + 1 < nblocks) {
                    fy_bot = face_row(block_face[b + 1], 0);
                } else {
                    fy_bot = ybuf[which];
                    which ^= 1;
                    velocities(j + 1, cur ^ 1);
                    y_faces(j, cur, cur ^ 1, fy_bot);
                    if (j == ny - 1) south_boundary(fy_bot);
                }
                Real* __restrict h = H.row(j);
                Real* __restrict hu = HU.row(j);
                Real* __restrict hv = HV.row(j);
                const Real* __restrict z = Z.row(j);
                const Real* __restrict gn2 = GN2.row(j);
                const Real* __restrict u_cur = u_row[cur];
                const Real* __restrict v_cur = v_row[cur];

                f_west[j] = 0.0;
                f_east[j] = 0.0;
                fv1_detail::for_each_run(nch, [&](int c) { return due(j, c); }, [&](int c0, int c1) {
                    const int i0 = chunk_begin(c0), i1 = chunk_end(c1 - 1);
                    x_face_range(i0, i1, h, z, u_cur, v_cur, gn2, gr, inv_dx, fx);
                    if (i0 == 0) {
                        if (!std::isnan(q_west[j])) fx.mass[0] = q_west[j];
                        f_west[j] = std::ldexp(static_cast<double>(fx.mass[0]), lvl(j, 0));
                    }
                    if (i1 == nx) {
                        if (!std::isnan(q_east[j])) fx.mass[nx] = q_east[j];
                        f_east[j] = std::ldexp(static_cast<double>(fx.mass[nx]), lvl(j, nch - 1));
                    }
                });
                const LtsRowSums<Real> rs = lts_row(sub, j, fx, fy_top, fy_bot,
                                                    LtsRowCells<Real>{h, hu, hv, z, gn2, speed_row, sx_row, sy_row, MAXH.row(j), MAXS.row(j), ARR.row(j)},
                                                    tile_ended.data());
                updates += rs.updates;
                wet += static_cast<std::int64_t>(rs.wet);
                row_fix[j] = rs.fix;
                fy_top = fy_bot;
                cur ^= 1;
            }
        }
    }
    // Every chunk's step ends with the cycle's last substep: the wet cells of the new state.
    if (k + 1 == (1 << L)) state_.wet_cells = wet;
    lts_.cell_updates += updates;
}

template <class Real>
void BasicSimulation<Real>::lts_refine_levels(int k, double dt0) {
    // A chunk whose step ended with the last substep may have taken in water (a flood front from
    // a finer neighbour) that its level no longer allows: its next steps take the level its new
    // state allows (the sweep's estimate, now_dt), never a coarser one. Its step starts now, so it
    // has nothing pending; a level that only falls keeps every step inside the cycle.
    const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(lts_.level.size());
    const std::uint8_t* domain = lts_.domain.data();
    const double* now_dt = lts_.now_dt.data();
    std::uint8_t* level = lts_.level.data();
    // the levels whose steps start now (k a multiple of 2^l: l <= ctz(k)) and their steps (2^l dt0,
    // exact as ldexp's)
    if (k == 0) return;  // (the levels were assigned for this state)
    const int starts_below = __builtin_ctz(static_cast<unsigned>(k));
    double step[kMaxLtsLevels + 1];
    for (int l = 0; l <= kMaxLtsLevels; ++l) step[l] = std::ldexp(dt0, l);
#pragma omp parallel for num_threads(threads_) schedule(static) default(none) firstprivate(n, starts_below, domain, now_dt, level) shared(step)
    for (std::ptrdiff_t q = 0; q < n; ++q) {
        int l = level[q];
        if (l == 0 || l > starts_below || !domain[q]) continue;
        while (l > 0 && step[l] > kLevelShare * now_dt[q]) --l;
        level[q] = static_cast<std::uint8_t>(l);
    }
}

template void BasicSimulation<double>::lts_refine_levels(int, double);
template void BasicSimulation<float>::lts_refine_levels(int, double);
template void BasicSimulation<double>::lts_init();
template void BasicSimulation<float>::lts_init();
template void BasicSimulation<double>::lts_measure_chunks(int, int, int, int);
template void BasicSimulation<float>::lts_measure_chunks(int, int, int, int);
template void BasicSimulation<double>::lts_refresh_chunks(const std::vector<std::pair<int, int>>&);
template void BasicSimulation<float>::lts_refresh_chunks(const std::vector<std::pair<int, int>>&);
template double BasicSimulation<double>::lts_smallest_step(bool);
template double BasicSimulation<float>::lts_smallest_step(bool);
template void BasicSimulation<double>::lts_assign_levels(double, int);
template void BasicSimulation<float>::lts_assign_levels(double, int);
template void BasicSimulation<double>::lts_plan_substep(int, int, int);
template void BasicSimulation<float>::lts_plan_substep(int, int, int);
template void BasicSimulation<double>::sweep_fv1_lts(int, int, double, double, bool);
template void BasicSimulation<float>::sweep_fv1_lts(int, int, double, double, bool);

}  // namespace floodsim
