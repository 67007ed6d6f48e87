#pragma once
// map.png (INTERFACE section 6; docs/export-and-maps.md): water depth or warning levels over a
// hillshade of the model bed, the assets coloured by their level, a legend, a scale bar, a north
// arrow and the time. Rendered here into an RGB buffer (with the 5 x 7 font of
// risk/bitmap_font.hpp) and written as PNG with GDAL. Plain arrays in, so that `floodsim risk`
// and `floodsim export ... map` can both call it.
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "mesh/grid2d.hpp"

namespace floodsim::risk {

struct MapAsset {
    enum class Kind { Point, Line, Polygon };
    Kind kind = Kind::Point;
    /// Vertex lists in the model CRS (x east, y north, m): one per point (one vertex), line part
    /// or polygon ring.
    std::vector<std::vector<std::array<double, 2>>> parts;
    int level = 0;  ///< 0 none, 1 (red) .. 4 (blue): risk/levels.hpp
    std::string label;  ///< drawn next to the asset when the map is not crowded; may be empty
};

struct MapInput {
    enum class Kind { Depth, Hazard };
    const Grid2D& grid;       ///< nx, ny, cell size, geotransform, CRS (rasters: row 0 north)
    std::vector<float> bed{}; ///< m, nx*ny, NaN outside the domain; empty: no hillshade
    std::vector<float> value{}; ///< nx*ny: depth (m) or level (0 none, 1..4), NaN outside
    Kind kind = Kind::Depth;
    std::vector<MapAsset> assets{};
    double time_s = std::numeric_limits<double>::quiet_NaN();  ///< simulated s; NaN: no time
    std::string time_text{};///< shown instead of "t = ..." when not empty (a clock time, a span)
    std::string title{};
};

/// Where things are in the picture (pixels, origin top-left): for callers and tests.
struct MapLayout {
    int width = 0, height = 0;        ///< the whole image
    int map_x0 = 0, map_y0 = 0;       ///< top-left pixel of the map area
    int map_width = 0, map_height = 0;
    double metres_per_pixel = 1.0;
    int panel_x0 = 0;                 ///< the side panel (legend, time, scale bar, north arrow)
    double x_west = 0.0, y_north = 0.0;  ///< model coordinates of the map area's top-left corner
    /// The pixel holding model point (x, y).
    std::pair<int, int> pixel_of(double x, double y) const;
    /// The pixel holding the centre of cell (i, j).
    std::pair<int, int> pixel_of_cell(const Grid2D& g, int i, int j) const;
};

/// Depth classes of the map (m, lower edges): below the first, no colour.
inline constexpr std::array<double, 7> kDepthClasses{0.01, 0.05, 0.15, 0.30, 0.50, 1.00, 2.00};

/// Hillshade of a bed (nx*ny, m; NaN outside) after Horn's slopes, sun at azimuth 315 deg and
/// altitude 45 deg: 0 (dark) .. 255 (lit); NaN outside the domain. Missing neighbours take the
/// cell's own elevation.
std::vector<float> hillshade(const Grid2D& g, const std::vector<float>& bed, double azimuth_deg = 315.0,
                             double altitude_deg = 45.0);

/// The picture: RGB, 3 bytes a pixel, and its layout. Throws std::invalid_argument for rasters
/// that are not nx*ny, a level outside 0..4 or max_width_px below 480.
struct MapPicture {
    MapLayout layout;
    std::vector<std::uint8_t> rgb;
};
MapPicture render_flood_map(const MapInput& in, int max_width_px = 1600);

/// Renders and writes the map as PNG at `png_path` (under a temporary name, then renamed; a
/// failure leaves nothing). Throws std::runtime_error naming the file if it cannot be written.
MapLayout write_flood_map(const std::string& png_path, const MapInput& in, int max_width_px = 1600);

/// "t = 3 h 20 min", "t = 45 min", "t = 30 s".
std::string format_map_time(double seconds);

}  // namespace floodsim::risk
