#pragma once
// Warning assets (INTERFACE section 6): key points, underpasses, shelters, roads from any OGR
// vector with the attributes `id` and `name`, placed on the model grid (rules in
// docs/warnings.md): a point takes the cell containing it, a line the cells it crosses
// (4-connected), a polygon the cells whose centre lies inside it, or the cell of its centroid if
// no centre does.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mesh/grid2d.hpp"
#include "mesh/vector_io.hpp"

namespace floodsim::risk {

struct Asset {
    std::string id, name;
    std::int64_t fid = 0;
    /// Geometry in the model CRS (x, y in metres) and in WGS84 (x = longitude, y = latitude).
    VectorFeature model, wgs84;
    /// Row-major indices j * nx + i of its cells on the grid, ascending, each once.
    std::vector<std::size_t> cells;

    /// A single point: its alert area is a circle rather than the outline of its cells.
    bool is_point() const { return model.points.size() == 1 && model.lines.empty() && model.polygons.empty(); }
};

/// Reads the assets of `path` (first layer), reprojected to `grid`'s CRS and placed on it.
/// Throws InputError naming the file and: the attribute `id` or `name` if the layer lacks it;
/// the asset (its id, or its feature number when the id is empty) if its id is empty or
/// repeated, it has no geometry, or none of its cells lies on the grid. `result_path` names the
/// file the grid came from (for a missing CRS). `layer`: the layer to read (empty: the first),
/// named by the key `layer_key` in messages (e.g. "warning.layer").
std::vector<Asset> read_assets(const std::string& path, const Grid2D& grid, const std::string& result_path,
                               const std::string& layer = "", const std::string& layer_key = "layer");

/// Keeps only the cells where `valid` (nx*ny, row-major) is true, e.g. the domain of a result;
/// throws InputError(path, "id", id) for an asset left without any.
void keep_valid_cells(std::vector<Asset>& assets, const std::vector<bool>& valid, const std::string& path);

}  // namespace floodsim::risk
