#pragma once
// Reading a result file back: the summary printed by `floodsim info`.
#include <string>

namespace floodsim {

/// A human-readable multi-line summary of the result file at `path`: format and version,
/// scheme, grid size and cell size, CRS (short name), frames and their times, steps, wall time,
/// threads, the maximum depth and flooded area (max_depth > 0.01 m), gauges with their peak
/// depth, and the final mass-balance row with its relative error.
/// Throws InputError (file = path) if the file does not exist or is not a floodsim result.
std::string describe_result(const std::string& path);

}  // namespace floodsim
