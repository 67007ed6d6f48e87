#pragma once
// State files: everything a bitwise restart of a run needs (the solver's State), with what it
// belongs to (grid, scheme, precision, the scenario's text), written atomically.
#include <string>

#include "scenarios/scenario.hpp"
#include "solver/simulation.hpp"

namespace floodsim {

/// Writes the state of `sim` to `path` (HDF5; a temporary name in the same folder, then
/// renamed). Throws std::runtime_error naming the path when it cannot be written.
template <class Real>
void write_state_file(const std::string& path, const BasicSimulation<Real>& sim, const Scenario& sc);

}  // namespace floodsim
