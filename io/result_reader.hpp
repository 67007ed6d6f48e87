#pragma once
// Reading a finished result file's rasters back (floodsim risk, floodsim export): the grid and
// its georeferencing, the frame times, one frame of a series, a 2-D raster. The layout is
// INTERFACE section 3. A sealed file is checked before HDF5 parses it (io/file_seal.hpp); an
// unsealed one (older, or the partial file of a run still going) is read as it is.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "mesh/grid2d.hpp"

namespace floodsim {

class ResultReader {
public:
    /// Opens the result at `path`. Throws InputError(path, ...) if it does not exist, is not a
    /// floodsim result, its seal does not match, or its grid attributes are missing.
    explicit ResultReader(const std::string& path);
    ~ResultReader();
    ResultReader(ResultReader&&) noexcept;
    ResultReader& operator=(ResultReader&&) noexcept;

    const std::string& path() const;
    /// The model grid: nx, ny, cell size, geotransform and CRS from the root attributes (no
    /// ghosts are meaningful here: rasters read back are plain nx*ny row-major, row 0 north).
    const Grid2D& grid() const;
    /// Seconds since the start of every frame (/time).
    const std::vector<double>& times() const;
    /// Whether the dataset (a name without the leading '/', e.g. "velocity_x") exists.
    bool has(const std::string& name) const;
    /// Frame `k` of the [nt, ny, nx] series `name` ("depth", "velocity_x", "velocity_y"):
    /// nx*ny float32, row-major, NaN outside the domain. Throws InputError naming the dataset
    /// if it is missing or k is out of range.
    std::vector<float> frame(const std::string& name, std::size_t k) const;
    /// The [ny, nx] raster `name` ("max_depth", "max_speed", "arrival_time", ...).
    std::vector<float> raster(const std::string& name) const;
    /// A string attribute of the root ("scheme", "scenario", "crs_wkt", ...); empty if absent.
    std::string attribute(const std::string& name) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_;
};

}  // namespace floodsim
