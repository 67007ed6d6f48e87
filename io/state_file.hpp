#pragma once
// State files: a solver State (solver/state.hpp: everything a bitwise restart needs) in HDF5,
// with what it belongs to (grid, scheme, precision, the scenario). Layout: docs/state-file.md.
#include <cstdint>
#include <string>

#include "solver/state.hpp"

namespace floodsim {

/// What a state belongs to: checked when a state is read for a run.
struct StateFileInfo {
    std::string scheme;     ///< fv1 | fv2 | inertial
    std::string precision;  ///< double | single
    std::string scenario_name;
    std::string scenario_text;  ///< the scenario file's text when the state was saved
    std::string floodsim_version;
};

/// Writes `s` to `path` atomically: a temporary file in the same folder (fsync'ed), renamed to
/// `path`, the folder fsync'ed. Throws std::runtime_error naming the path on failure (no
/// temporary file is left behind).
template <class Real>
void write_state_file(const std::string& path, const State<Real>& s, const StateFileInfo& info);

/// Reads a state file written by write_state_file for the same precision. `info` receives what
/// the file says it belongs to (the caller checks it against its run). Throws InputError
/// (file, the dataset or attribute at fault, the value) when the file is not a floodsim state
/// file, is of another precision or format version, or is damaged.
template <class Real>
State<Real> read_state_file(const std::string& path, StateFileInfo* info = nullptr);

}  // namespace floodsim
