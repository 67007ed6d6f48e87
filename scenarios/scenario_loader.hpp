#pragma once
// Scenario TOML loader with strict validation (INTERFACE.md section 2, docs/scenario.md).
#include <string>
#include <vector>

#include "scenarios/scenario.hpp"

namespace floodsim {

/// Read, parse and validate the scenario file at `path`. Relative paths inside the file resolve
/// against its folder and come back absolute; referenced files (DEM, rasters, CSV series) must
/// exist, CSV series are read. Rasters are not opened here (that is the mesh room's job).
/// Every problem throws InputError naming the file, the dotted key (e.g. "time.duration",
/// "boundary[2].kind") and the offending value, in a one-line message.
Scenario load_scenario(const std::string& path);

/// The parameters of an infiltration model (green_ampt | horton | scs_cn; empty for any other
/// name), with their ranges.
const std::vector<InfiltrationParam>& infiltration_params(const std::string& model);

}  // namespace floodsim
