#pragma once
// The ensemble file of `floodsim ensemble` (INTERFACE section 8, docs/operations.md): exceedance
// probability maps and every member's maximum depth, in HDF5, georeferenced like a result.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mesh/grid2d.hpp"

namespace floodsim {

struct EnsembleFileData {
    Grid2D grid;  ///< nx, ny, geotransform, CRS
    std::string scenario_text, floodsim_version;
    std::uint64_t seed = 0;
    double scale_sigma = 0.0, shift_sigma_s = 0.0, displacement_sigma_m = 0.0;
    /// Per member: rain factor, time shift (s), displacement (m east, m north), steps, relative
    /// balance error, and the maximum depth (nx*ny float32, NaN outside the domain).
    std::vector<double> rain_scale, time_shift_s, displacement_m;  ///< displacement: 2 per member
    std::vector<std::int64_t> steps;
    std::vector<double> mass_balance_relative_error;
    std::vector<std::vector<float>> max_depth;
    /// (name, nx*ny shares 0..1): "/exceedance/depth_gt_<name>".
    std::vector<std::pair<std::string, std::vector<float>>> exceedance;
    /// Assets (none: no /assets group): ids, names, and per asset the share of members reaching
    /// level 4, 3, 2, 1 or a more severe one (4 values per asset, in that order).
    std::vector<std::string> asset_ids, asset_names;
    std::vector<float> asset_level_probability;
};

/// Writes the file at `path` under a temporary name next to it, renamed when complete (a failure
/// leaves nothing). Throws std::runtime_error naming the file.
void write_ensemble_file(const std::string& path, const EnsembleFileData& d);

}  // namespace floodsim
