#pragma once
// A moving storm cell (scenarios/storm.hpp) written as rain grids on a DEM's grid: one GeoTIFF per
// step and the `time_s,file` index that `[rain] grids` reads (INTERFACE.md section 4,
// docs/storms.md). Used by `floodsim storm cell` and by anything that builds scenario folders.
#include <string>

#include "scenarios/storm.hpp"

namespace floodsim {

struct StormCellGridsRequest {
    std::string dem;              ///< raster whose grid (and CRS) the grids take (read_dem)
    StormCell cell;               ///< track, speed, radius, profile (validated by the caller)
    Hyetograph peak;              ///< mm/h at the centre over time (each row holding until the next)
    double duration_s = 0;        ///< s (> 0): rain from 0 to here, a zero grid from here on
    double step_s = 300;          ///< s (> 0, <= duration): one grid per step, the last may be shorter
    std::string out_dir;          ///< created if missing; cell_NNNNN.tif and rain_grids.csv written there
    std::string dem_key = "dem";  ///< names for InputError messages
    std::string out_key = "out";
    std::string description;  ///< one '#' line of the index, e.g. the command that made it
};

struct StormCellGridsSummary {
    long grids = 0;  ///< including the final zero grid
    int nx = 0, ny = 0;
    std::string index;          ///< path of rain_grids.csv
    double grid_volume_m3 = 0;  ///< the rain the grids put on the grid
    double cell_volume_m3 = 0;  ///< the whole cell's analytic volume (peak x profile area x time)
};

/// Each grid holds the cell's mean intensity (mm/h) over its step (storm_cell_grid with the
/// centre's mean intensity over the step). Files: InputError(path, key, ...) on failure.
StormCellGridsSummary write_storm_cell_grids(const StormCellGridsRequest& r);

}  // namespace floodsim
