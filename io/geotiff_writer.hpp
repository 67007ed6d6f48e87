#pragma once
// GeoTIFF export of rasters on the model grid (row 0 north), georeferenced with the grid's
// geotransform and CRS: for looking at a model in QGIS (`floodsim check --write-model`).
#include <cstdint>
#include <string>
#include <vector>

#include "mesh/grid2d.hpp"

namespace floodsim {

/// Writes `values` (nx*ny) as a one-band Float64 GeoTIFF, NaN as nodata, deflate-compressed and
/// tiled. The file is written under a temporary name next to `path` and renamed when complete, so
/// a failure leaves nothing behind. Throws std::runtime_error naming the file. A non-empty
/// `description` goes into the TIFF's image description (e.g. "synthetic, not survey data").
void write_geotiff(const std::string& path, const Grid2D& g, const std::vector<double>& values,
                   const std::string& description = "");

/// The same as a Float32 GeoTIFF: the values bitwise (a result's float32 rasters, exported).
void write_geotiff(const std::string& path, const Grid2D& g, const std::vector<float>& values,
                   const std::string& description = "");

/// The same for a Byte raster (class codes), without nodata.
void write_geotiff(const std::string& path, const Grid2D& g, const std::vector<std::uint8_t>& values,
                   const std::string& description = "");

}  // namespace floodsim
