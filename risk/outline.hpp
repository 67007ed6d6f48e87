#pragma once
// Outlines of sets of grid cells (the dissolved area of an alert) and the model CRS -> WGS84
// transformation every warning product needs.
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "mesh/grid2d.hpp"
#include "mesh/rasterize.hpp"

class OGRCoordinateTransformation;

namespace floodsim::risk {

/// A closed ring of cell corners: corner (ci, cj) is the north-west corner of cell (ci, cj), at
/// x = x_west + ci dx, y = y_north - cj dy. The last corner repeats the first; only corners where
/// the ring turns are kept.
struct CornerRing {
    std::vector<std::array<int, 2>> corners;
    bool hole = false;  ///< a hole (clockwise on the map) rather than an outer ring (counter-clockwise)
};

/// The boundary of the union of `cells` (each (i, j), duplicates allowed) as closed rings: outer
/// rings counter-clockwise, holes clockwise (on the map, north up). Cells touching only at a
/// corner belong to different rings (each ring bounds a 4-connected piece), so that no ring
/// crosses or touches itself.
std::vector<CornerRing> trace_outline(const std::vector<Cell>& cells);

/// Signed area of a ring in cell units (positive for outer rings, negative for holes).
double ring_area_cells(const CornerRing& r);

/// Model CRS -> WGS84 (EPSG:4326) longitude, latitude in degrees.
class ToWgs84 {
public:
    /// Throws InputError(source, "crs_wkt", ...) if `model_wkt` is empty or cannot be transformed
    /// (`source` names the file that gave the CRS, e.g. the result).
    ToWgs84(const std::string& model_wkt, const std::string& source);
    ~ToWgs84();
    ToWgs84(const ToWgs84&) = delete;
    ToWgs84& operator=(const ToWgs84&) = delete;

    /// (lon, lat) in degrees of map point (x, y); throws std::runtime_error if PROJ fails.
    std::array<double, 2> lonlat(double x, double y) const;

private:
    std::unique_ptr<OGRCoordinateTransformation> ct_;
};

/// The rings of `trace_outline(cells)` on `g` in WGS84 as (lat, lon) pairs (the order of CAP
/// polygons and of AlertArea), each closed. `outer_only` leaves the holes out (a CAP area is a
/// union of simple polygons and cannot have holes: the hole's area is then part of the alert).
std::vector<std::vector<std::array<double, 2>>> outline_latlon(const Grid2D& g, const std::vector<Cell>& cells,
                                                               const ToWgs84& to_wgs84, bool outer_only);

}  // namespace floodsim::risk
