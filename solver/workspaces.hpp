#pragma once
// Per-scheme workspaces: scratch and bookkeeping that a step needs but a restart does not. Each
// is rebuilt from the State (solver/state.hpp) after restore_state(): `ready = false` makes the
// scheme rebuild it on its next step, exactly as on the first step of a run.
#include <cstdint>
#include <vector>

#include "mesh/field.hpp"
#include "solver/model.hpp"

namespace floodsim {

/// Dry-tile skipping: rows are cut into chunks of kChunk cells.
inline constexpr int kChunk = 64;

/// Local time stepping (sweep_fv1_lts.cpp): each dry tile is cut into kChunk / kLtsChunk chunks
/// of their own levels. 16 makes half the cell updates of 64 on the 720 template (a tile beside a
/// river steps as the river); since neighbouring chunks of one plan are updated by one call
/// (lts_row) it also takes less time (0.93x 64's over the template's day at 20 m, 2 cores), though
/// arrival times agree less well with the global step's (docs/local-time-stepping.md, "Chunks of
/// 16 cells").
inline constexpr int kLtsChunk = 16;
static_assert(kChunk % kLtsChunk == 0);

/// Local time stepping's sweep cuts the rows into this many blocks of about equal work per thread,
/// which the threads take in turn (lts_plan_substep).
inline constexpr int kLtsBlocksPerThread = 8;

/// fv1 and inertial dry tiles (sweep_fv1.cpp, update_chunk_activity): a chunk is stepped only if
/// it holds water (inertial: or a non-zero discharge on one of its own faces, `busy`), or water can
/// cross one of its faces in the step.
struct ChunkActivity {
    /// `wet` flags: water in a cell of the chunk, in its first cell, in its last cell (so that the
    /// neighbours' activity needs no look at h).
    static constexpr std::uint8_t kWaterAny = 1, kWaterFirst = 2, kWaterLast = 4;
    int nchunks = 0;     ///< chunks per row
    bool ready = false;  ///< false: domain/wet/busy are rebuilt from the state on the next step
    std::vector<std::uint8_t> wet, active, domain;
    std::vector<std::uint8_t> busy;  ///< inertial only: water or a non-zero own face discharge
};

/// fv1's sweep scratch, per thread: three face rows and two rows of velocities, plus the first y
/// face row of each block (computed before the in-place sweep starts).
template <class Real>
struct Fv1Workspace {
    std::vector<std::vector<Real>> rows;
    std::vector<std::vector<Real>> block_face;
};

/// fv1's local time stepping (sweep_fv1_lts.cpp): per chunk its level in the current cycle
/// (it steps 2^level x the cycle's smallest step), whether its cells hold accumulated face terms
/// not yet applied, whether it must take the smallest step (a discharge boundary's faces) and its
/// own CFL step (now_dt); per cell the changes of h, hu, hv accumulated over its chunk's step so far. At a
/// cycle's end every chunk has applied its changes: nothing here but `forced` outlives a cycle.
template <class Real>
struct LtsWorkspace {
    bool ready = false;
    int nsub = 0;  ///< level chunks (kLtsChunk cells) per row; the vectors below have ny x nsub
    std::vector<std::uint8_t> level, pending, forced;
    std::vector<std::uint8_t> domain;  ///< the chunk's dry tile holds domain cells (per cycle)
    std::vector<std::uint8_t> due;     ///< the chunk starts a step in this substep (per substep)
    /// the chunk's own CFL step for its state: measured, or the sweep's estimate at the end of its
    /// last step (sweep_fv1_lts.cpp)
    std::vector<double> now_dt;
    std::vector<Real> acc_h, acc_hu, acc_hv;
    std::vector<int> split;         ///< the substep's blocks of rows: [split[b], split[b + 1])
    std::vector<double> row_cost;   ///< scratch: the substep's work before each row
    std::int64_t cell_updates = 0;  ///< cells updated since the start (for the summary of the speed-up)
    std::int64_t cycles = 0;
};

/// The local inertial scheme's scratch (step_inertial.cpp).
template <class Real>
struct InertialWorkspace {
    bool ready = false;
    Field<Real> fx, fy;     ///< the step's face fluxes before the outflow limiter (m2/s)
    /// per cell: outflow scale factor (0, 1] of the step; 1 in ghosts (a block's halo: the neighbours')
    Field<Real> donor;
    Field<Real> sqrtg_n;    ///< per cell: sqrt(g) n, ghosts copy their interior neighbour
    /// On a block only (empty in a serial run): the east face's qx of the cells in the global
    /// grid's last column and the south face's qy of those in its last row, where the halo
    /// exchange (cells inside the global grid) can reach them (step_inertial.cpp, fill_inertial_halo)
    Field<Real> east_q, south_q;
    std::vector<unsigned char> free_face;  ///< boundary faces W (ny), E (ny), N (nx), S (nx): 1 = free
    /// per thread: three rows (aligned like a field row): the face row below its block, the new
    /// speeds and the negative depths of the row being updated
    std::vector<std::vector<Real, AlignedAllocator<Real>>> rows;
};

/// fv2's scratch (step_fv2.cpp): the second state of the Heun step, row buffers and its own dry
/// tiles (chunks of kChunk cells, with the stencil of two MUSCL stages: a chunk is swept if water,
/// a wet ghost cell or an imposed inflow lies within one chunk in x and 6 rows in y of it).
template <class Real>
struct Fv2Workspace {
    bool ready = false;
    Field<Real> h0, hu0, hv0;  ///< U^n during a step (swapped with the state), U* after it
    /// per thread: the sweep's row buffers (velocities, face values, faces, donor factors of a few rows)
    std::vector<std::vector<Real, AlignedAllocator<Real>>> rows;
    std::vector<std::vector<double, AlignedAllocator<double>>> monitor_rows;  ///< per thread: monitors' scratch
    bool chunks_ready = false;        ///< false: wet is rebuilt from the state, every chunk marked stale
    std::vector<std::uint8_t> wet;     ///< chunks with water in the current state
    std::vector<std::uint8_t> stale;   ///< chunks where U* may differ from U^n (swept since U* was copied)
    std::vector<std::uint8_t> active;  ///< chunks swept in the current stage
    std::vector<std::uint8_t> seed, levels;  ///< scratch; the stencil levels (StageData)
    /// On a block: the stage's donor factors of the cells along the halo sides (computed ahead of
    /// the sweep) and, in the ghost cells beyond them, the neighbours' (exchanged); the scratch
    /// rows that compute them.
    Field<Real> donor;
    std::vector<Real, AlignedAllocator<Real>> edge_rows;
};

/// Boundary face fluxes of a step (m2/s, in the face-normal sign convention of the sweep: +x for
/// west/east faces, +north for north/south faces), and per-row positivity fixes.
struct BoundaryFaces {
    /// Imposed mass flux per boundary face; NaN = not imposed (the Riemann flux, or the inertial
    /// face discharge, from the ghost cells). Closed faces: exactly 0; discharge faces: the
    /// hydrograph's share. Set by fill_ghosts() and set_discharge_fluxes() (simulation.cpp) only.
    std::vector<double> q_west, q_east, q_north, q_south;
    /// Mass flux through each boundary face in the last step (the ledger books it).
    std::vector<double> f_west, f_east, f_north, f_south;
    /// The imposed fluxes of one side's faces.
    std::vector<double>& imposed(BoundarySide side) {
        switch (side) {
            case BoundarySide::West: return q_west;
            case BoundarySide::East: return q_east;
            case BoundarySide::North: return q_north;
            default: return q_south;
        }
    }
    std::vector<double> share;    ///< scratch: a discharge segment's shares
    std::vector<double> row_fix;  ///< per-row positivity fixes (m of depth summed), deterministic
};

}  // namespace floodsim
