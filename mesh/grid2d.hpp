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
#include <stdexcept>
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
    /// Place in a bigger grid (a subdomain of a distributed run): global index of this grid's cell
    /// (0, 0), and the global size (0 = this grid is the whole grid). The geotransform is this
    /// grid's own (its west/north edges), consistent with the global one: see subgrid().
    int i0 = 0, j0 = 0;
    int global_nx = 0, global_ny = 0;

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

    /// The cells [i0, i0 + nx) x [j0, j0 + ny) of `global` as a grid of their own (same cell size,
    /// ghosts, CRS; geotransform moved to the subdomain's west and north edges). Throws
    /// std::out_of_range if the block does not lie inside `global`.
    static Grid2D subgrid(const Grid2D& global, int i0, int j0, int nx, int ny) {
        if (i0 < 0 || j0 < 0 || nx < 1 || ny < 1 || i0 + nx > global.nx || j0 + ny > global.ny)
            throw std::out_of_range("subgrid outside the grid");
        Grid2D g = make(nx, ny, global.dx, global.dy, global.x_west() + i0 * global.dx,
                        global.y_north() - j0 * global.dy, global.ghost);
        g.crs_wkt = global.crs_wkt;
        g.i0 = global.i0 + i0;
        g.j0 = global.j0 + j0;
        g.global_nx = global.global_size_x();
        g.global_ny = global.global_size_y();
        return g;
    }

    /// Global size (the whole grid's nx, ny).
    int global_size_x() const { return global_nx > 0 ? global_nx : nx; }
    int global_size_y() const { return global_ny > 0 ? global_ny : ny; }
    /// True if this grid is the whole grid (no offset, global size = own size).
    bool is_whole() const { return i0 == 0 && j0 == 0 && global_size_x() == nx && global_size_y() == ny; }
    /// Local cell index -> global cell index (ghost indices too), and back.
    int global_i(int i) const { return i0 + i; }
    int global_j(int j) const { return j0 + j; }
    int local_i(int gi) const { return gi - i0; }
    int local_j(int gj) const { return gj - j0; }
    /// True if global cell (gi, gj) is an interior cell of this grid.
    bool owns_global(int gi, int gj) const { return gi >= i0 && gi < i0 + nx && gj >= j0 && gj < j0 + ny; }

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
