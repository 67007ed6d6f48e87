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
#include <functional>
#include <span>

#include "mesh/field.hpp"

namespace floodsim {

template <class Real>
struct SubdomainLinks {
    /// Fills the halo cells of `fields` (on the simulation's grid) with the current cells of the
    /// blocks that own them: `width` layers (1 <= width <= the grid's ghost width: fv1 reads 1,
    /// inertial's face discharges 2), corners included; ghost cells beyond the global grid are
    /// left alone (the boundaries fill them). Collective: every block calls it at the same point
    /// of a step with the same fields and width.
    std::function<void(std::span<Field<Real>* const> fields, int width)> fill_halo;
    /// Replaces each value by its maximum over all blocks (every block gets the same values).
    /// Collective. A maximum does not depend on the order of comparisons (no NaN: the wave speeds
    /// and times reduced are never NaN in a run that has not already failed).
    std::function<void(std::span<double> values)> reduce_max;

    bool linked() const { return static_cast<bool>(fill_halo); }
};

}  // namespace floodsim
