#pragma once
// Grid2D: a regular raster grid in a projected (metric) CRS, with a ghost frame and a padded pitch.
//
// Cell (i, j): i = column 0..nx-1 from west to east, j = row 0..ny-1 from NORTH to south (as in
// the DEM). Ghost cells extend the index range to -ghost..nx-1+ghost (and likewise in j).
// Storage is row-major with `pitch` elements per row (pitch >= nx + 2*ghost, rounded up so that
// every row starts on a 64-byte boundary for double).
#include <array>
#include <cmath>
#include <cstddef>
#include <algorithm>
#include <string>

namespace floodsim {

struct Grid2D {
    int nx = 0;            ///< interior cells in x (columns)
    int ny = 0;            ///< interior cells in y (rows)
    int ghost = 2;         ///< ghost layers on every side
    int pitch = 0;         ///< elements per stored row
    double dx = 1.0;       ///< cell width, m (east-west)
    double dy = 1.0;       ///< cell height, m (north-south), positive
    /// GDAL geotransform: x_west, dx, 0, y_north, 0, -dy (map units = metres)
    std::array<double, 6> geotransform{0.0, 1.0, 0.0, 0.0, 0.0, -1.0};
    std::string crs_wkt;   ///< CRS of the grid as WKT (may be empty for synthetic grids)

    /// Build a grid with the given interior size and cell size; x0/y0 are the west and north edges.
    static Grid2D make(int nx, int ny, double dx, double dy, double x_west = 0.0,
                       double y_north = 0.0, int ghost = 2) {
        Grid2D g;
        g.nx = nx;
        g.ny = ny;
        g.ghost = ghost;
        g.dx = dx;
        g.dy = dy;
        const int raw = nx + 2 * ghost;
        g.pitch = (raw + 7) / 8 * 8;
        g.geotransform = {x_west, dx, 0.0, y_north, 0.0, -dy};
        return g;
    }

    /// Number of stored rows (interior + ghosts).
    int rows() const { return ny + 2 * ghost; }
    /// Number of stored elements of a field on this grid.
    std::size_t size() const { return static_cast<std::size_t>(pitch) * rows(); }
    /// Storage index of cell (i, j); valid for ghost indices too.
    std::size_t index(int i, int j) const {
        return static_cast<std::size_t>(j + ghost) * pitch + static_cast<std::size_t>(i + ghost);
    }
    double cell_area() const { return dx * dy; }
    std::size_t cells() const { return static_cast<std::size_t>(nx) * ny; }

    /// Map coordinates of the centre of cell (i, j).
    double x_center(int i) const { return geotransform[0] + (i + 0.5) * dx; }
    double y_center(int j) const { return geotransform[3] - (j + 0.5) * dy; }
    double x_west() const { return geotransform[0]; }
    double x_east() const { return geotransform[0] + nx * dx; }
    double y_north() const { return geotransform[3]; }
    double y_south() const { return geotransform[3] - ny * dy; }

    /// Cell containing map point (x, y); false if the point is outside the grid.
    bool locate(double x, double y, int& i, int& j) const {
        const double fi = (x - geotransform[0]) / dx;
        const double fj = (geotransform[3] - y) / dy;
        if (!(fi >= 0.0 && fj >= 0.0 && fi <= nx && fj <= ny)) return false;
        i = std::min(static_cast<int>(std::floor(fi)), nx - 1);
        j = std::min(static_cast<int>(std::floor(fj)), ny - 1);
        return true;
    }
};

}  // namespace floodsim
