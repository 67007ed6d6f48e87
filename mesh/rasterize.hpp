#pragma once
// Vector features on the model grid, by the documented rules (docs/terrain.md): a polygon takes
// the cells whose centre lies inside it (even-odd over all its rings, so holes are out); a line
// takes every cell it crosses, 4-connected (each step to a side neighbour, never a diagonal one),
// so that water cannot leak diagonally through a wall. Cells are (i, j): column from the west,
// row from the north.
#include <utility>
#include <vector>

#include "mesh/grid2d.hpp"
#include "mesh/vector_io.hpp"

namespace floodsim {

using Cell = std::pair<int, int>;

/// Cells whose centre lies inside the polygon (outer ring and holes), row by row, west to east.
std::vector<Cell> cells_in_polygon(const Grid2D& g, const std::vector<Ring>& rings);

/// Cells a polyline crosses, 4-connected, in order along it, each once; the parts outside the
/// grid are clipped off.
std::vector<Cell> cells_on_line(const Grid2D& g, const Ring& line);

}  // namespace floodsim
