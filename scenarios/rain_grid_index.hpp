#pragma once
// The rain-grid index ([rain] grids = "rain_grids.csv"): which raster of rain intensity holds
// from which time (docs/processes.md, rain grids).
#include <string>
#include <vector>

namespace floodsim {

struct RainGridRow {
    double time_s = 0.0;  ///< the grid holds from this time until the next row's (the last: to the end)
    std::string file;     ///< absolute path of the raster (mm/h), resolved against the CSV's folder
    int line = 0;         ///< 1-based line of the CSV, for messages
};

/// Read the index at `path`: a header naming the columns `time_s` and `file` (comma-separated,
/// spaces trimmed, optional double quotes, any order, extra columns allowed), then one row per
/// grid. Blank lines and lines starting with '#' are skipped; a UTF-8 BOM and CRLF are accepted.
/// At least one row; times >= 0, finite and strictly increasing; every file (relative paths
/// against the CSV's folder) must exist. Errors throw InputError(path, "<key> row N column C",
/// cell text, reason), N the 1-based line of the file.
std::vector<RainGridRow> read_rain_grid_index(const std::string& path, const std::string& key);

}  // namespace floodsim
