#pragma once
// Writes the SYNTHETIC Shangjie district (scenarios/district.hpp) as GIS files: GeoTIFF rasters
// with their CRS (EPSG:32649) and GeoPackage vector layers (UTF-8 attributes).
#include <filesystem>

#include "scenarios/district.hpp"
#include "scenarios/scenario_templates.hpp"

namespace floodsim {

/// dem.tif (m), landuse.tif (byte classes), drain_capacity.tif (mm/h), through io/geotiff_writer,
/// district.gpkg (layers buildings, sishui, ku, sishui-levee, ku-levee, town, village,
/// storage_area, drainage_zones, underpasses) and assets.gpkg (layer assets: id, kind, name).
/// Throws std::runtime_error naming the file on a GDAL failure.
void write_district_files(const district::District& d, const std::filesystem::path& dir);

}  // namespace floodsim
