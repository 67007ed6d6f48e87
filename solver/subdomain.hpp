#pragma once
// SubdomainLinks: what a simulation on one block of a decomposed grid needs from the other blocks
// (docs/parallel.md), as callbacks. solver/ never sees MPI: the distributed layer
// (parallel/distributed_simulation.hpp) sets them, and a simulation without them is the serial one.
//
// With links, the simulation's grid is a block (Grid2D::subgrid: global offset and size). Its
// sides inside the global grid are halo sides: their ghost cells hold the neighbouring blocks'
// current cells (fill_halo) instead of boundary values, their faces are computed like interior
// faces and are not booked in the ledger (the water crossing them stays in the global domain).
// The time step is the global one (reduce_max of the wave speeds, or inertial's deepest cell, and
// of the next event), so every block takes the steps the serial run takes.
#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "mesh/field.hpp"

namespace floodsim {

template <class Real>
struct SubdomainLinks {
    /// Fills the halo cells of `fields` (on the simulation's grid) with the current cells of the
    /// blocks that own them: `width` layers (1 <= width <= the grid's ghost width: fv1 reads 1,
    /// fv2's stages 2; inertial's face discharges 2), corners included; ghost cells beyond the
    /// global grid are left alone (the boundaries fill them). Collective: every block calls it at
    /// the same point of a step with the same fields and width.
    std::function<void(std::span<Field<Real>* const> fields, int width)> fill_halo;
    /// fill_halo in two halves, so that work which neither reads the halo cells nor changes the
    /// block's own cells runs while the messages travel (the step fills the state's halo this
    /// way: docs/parallel.md, "Overlap"). begin_halo sends the own cells the neighbours need and
    /// posts the receives; finish_halo waits for them and writes the halo cells (nothing to do
    /// when none is pending). Collective as fill_halo, one pending at a time.
    std::function<void(std::span<Field<Real>* const> fields, int width)> begin_halo;
    std::function<void()> finish_halo;
    /// fv2: fills the four ghost cells diagonal to the block's corners that lie beyond the global
    /// grid across one side only (a physical side next to a halo side) with the values the block
    /// owning them gave them: they are the ghosts of that block's boundary, and fv2's
    /// reconstruction of the cells beside them reads them. After fill_halo; `fields` as there.
    /// Collective.
    std::function<void(std::span<Field<Real>* const> fields)> fill_corners;
    /// Replaces each value by its maximum over all blocks (every block gets the same values).
    /// Collective. A maximum does not depend on the order of comparisons (no NaN: the wave speeds
    /// and times reduced are never NaN in a run that has not already failed).
    std::function<void(std::span<double> values)> reduce_max;

    // The ledger of a block is the whole domain's (volume0, rain, inflow, outflow: bitwise the
    // serial run's on every block); only the positivity fix is the block's own.
    /// Domain cells of the whole grid (the rain book: rain falls on every domain cell).
    std::int64_t domain_cells = 0;
    /// The sum of a field's interior cells over all blocks in the serial order (volume()'s):
    /// volume0. Collective.
    std::function<double(const Field<Real>& field)> sum_cells;
    /// The step's inflow and outflow through the global grid's boundary faces (m3/s, not yet
    /// times dt), summed in the serial run's order from every block's boundary face fluxes:
    /// per block row the west and east faces, per block column the north and south ones (m2/s;
    /// values on halo sides are not read). In two halves, so that the sum travels while the next
    /// step runs (docs/parallel.md, "Overlap"): begin_boundary_flow copies the block's faces and
    /// starts gathering them (the spans may change once it returns); finish_boundary_flow waits
    /// and returns the sums. Collective as fill_halo, one pending at a time.
    std::function<void(std::span<const double> west, std::span<const double> east, std::span<const double> north,
                       std::span<const double> south)>
        begin_boundary_flow;
    std::function<std::pair<double, double>()> finish_boundary_flow;
    /// Discharge boundaries whose segment may cross blocks (their discharge is shared among the
    /// segment's faces by h^(5/3) of the wet ones: a sum over the whole segment). Given, for each
    /// of the block's discharge boundaries (in the order of its setup), the weights of its faces
    /// on this block in segment order (h^(5/3) of wet domain cells, 0 elsewhere) and its domain
    /// cells, returns per boundary the whole segment's sum of weights in segment order and its
    /// domain cells. Collective: every block calls it at the start of each fill_ghosts, with or
    /// without discharge boundaries of its own; empty when the global setup has none.
    std::function<std::vector<std::pair<double, std::int64_t>>(const std::vector<std::vector<double>>& weights,
                                                               const std::vector<std::int64_t>& domain_cells)>
        discharge_totals;

    /// The sources' ledger sums (RowItemsSum, solver/source_term.hpp): per row of the block, its
    /// items (cells, or groups of cells, in column order); returns in totals the sums over the
    /// global rows (each the items of its blocks west to east) in the serial order. Collective:
    /// every block's sources call it at the same points of a step. The surface sinks' items are
    /// groups of 8 cells, so a block that has them starts at a multiple of 8 columns.
    std::function<void(std::span<const double> items, int per_row, std::span<double> totals)> sum_row_items;

    /// The point sources' cells (inflows, pumps: global indices): fills values with h, hu, hv of
    /// each (3 per cell) from the blocks that own them, the same bits on every block. Collective.
    std::function<void(std::span<const std::pair<int, int>> cells, std::span<Real> values)> gather_cells;

    bool linked() const { return static_cast<bool>(fill_halo); }
};

}  // namespace floodsim
