#pragma once
// River channels on the model grid (docs/terrain.md): which cells a channel of a given width
// along polylines takes, where each lies along its line (chainage), its banks, and the bed the
// "depth below the lowest bank within one channel width up- and downstream" rule gives.
// Cells are indices k = j * nx + i into fields of the grid's interior (as the DEM).
#include <cstddef>
#include <vector>

#include "mesh/grid2d.hpp"
#include "mesh/vector_io.hpp"

namespace floodsim {

/// Where a point lies from a set of polylines: the distance to the nearest one, and the arc length
/// (from its first vertex) of the nearest point on it.
struct LinePosition {
    double distance = 0.0;
    double chainage = 0.0;
    int line = 0;  ///< index of the nearest polyline
};

/// The nearest point to `p` on any of `lines` (each of >= 1 point).
LinePosition nearest_on_lines(const std::vector<Ring>& lines, const MapPoint& p);

/// The length of a polyline.
double line_length(const Ring& line);

/// A channel's cells and its banks, each with its position along the lines.
struct ChannelFootprint {
    std::vector<std::size_t> cells;  ///< domain cells the channel takes, ascending
    std::vector<LinePosition> cell_at;
    std::vector<std::size_t> banks;  ///< domain cells outside it that are 4-neighbours of its cells
    std::vector<LinePosition> bank_at;
};

/// The domain cells (z not NaN) whose centre lies within width / 2 of a line, plus every cell a
/// line crosses (4-connected, so a channel narrower than a cell is still a connected path), and
/// their banks.
ChannelFootprint channel_footprint(const Grid2D& g, const std::vector<double>& z, const std::vector<Ring>& lines,
                                   double width);

/// The bed of each channel cell, `depth` below the lowest bank (on z, the DEM before the channel)
/// whose chainage on the same line lies within `reach` of the cell's; with no bank in that window,
/// below the nearest banks in chainage. NaN where the channel has no bank at all.
std::vector<double> bed_below_banks(const ChannelFootprint& f, const std::vector<double>& z, double reach,
                                    double depth);

}  // namespace floodsim
