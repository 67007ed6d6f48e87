#pragma once
// GDAL raster input: the DEM defines the model grid; every other raster is warped onto it.
// (Implemented in raster_io.cpp, library floodsim_mesh_gdal; the solver core never includes this.)
#include <optional>
#include <string>
#include <vector>

#include "grid2d.hpp"

namespace floodsim {

/// The model grid and its bed elevation.
struct DemGrid {
    Grid2D grid;            ///< metric grid (ghost = 2), geotransform and WKT of the model CRS
    std::vector<double> z;  ///< nx*ny, row-major, row 0 = north; NaN = outside the domain (nodata)
};

/// Read the DEM at `path` (any raster GDAL opens; band 1).
/// - Nodata cells become NaN (outside the domain). A NaN/Inf value that is not the declared
///   nodata is an error (InputError naming file, `key` and the cell).
/// - A DEM in a geographic CRS is warped to the UTM zone of its centre (or to `target_crs` when
///   not empty; any definition GDAL's SetFromUserInput accepts, e.g. "EPSG:32649"), bilinear, at
///   `resolution` metres (default: the DEM's native spacing converted to metres at its centre).
/// - A projected DEM is used as is, unless `target_crs` names another CRS or `resolution`
///   differs from its spacing, in which case it is warped likewise.
/// - Non-square projected cells are allowed (dx != dy). A DEM with rotation terms is an error.
/// - Elevations are multiplied by `z_scale` (metres per DEM unit) first; then an elevation no
///   terrain has (|z| >= kMaxElevation, after GDAL's own conversion: 1e308 in a Float32 grid
///   arrives as 3.4e38) is refused, naming the cell's map coordinates and the value.
/// Errors (missing file, not a raster, no CRS where one is needed, ...) throw InputError
/// with file = path, key = `key` (e.g. "domain.dem").
DemGrid read_dem(const std::string& path, const std::string& key,
                 const std::string& target_crs = "", std::optional<double> resolution = {},
                 double z_scale = 1.0);

/// m: no terrain on Earth lies this far above or below sea level (Everest 8849 m, the Dead Sea
/// shore -430 m; an open-pit mine bottom or a deep basin DEM stays far inside).
inline constexpr double kMaxElevation = 1.0e5;

/// Read band 1 of the raster at `path` onto `grid` (nx*ny row-major, row 0 = north), warping
/// from the raster's CRS (assumed to be the grid's when the raster has none) with bilinear
/// resampling where the raster's grid differs, nearest when it is the same grid.
/// Every grid cell whose centre lies inside `domain_mask` (non-NaN entries of mask_z; pass an
/// empty vector for "all cells") must be covered by valid raster data, otherwise InputError
/// (file = path, key = `key`, value = the first uncovered cell's map coordinates).
/// `band_no`: the band to read (1-based; InputError if the raster has fewer).
std::vector<double> read_raster_on_grid(const std::string& path, const std::string& key,
                                        const Grid2D& grid, const std::vector<double>& mask_z, int band_no = 1);

/// The bands of a raster and, where its metadata says, the time of each.
struct RasterBands {
    int count = 0;
    /// Seconds since the first band's time, one per band; empty when the metadata give none.
    /// Read from netCDF's NETCDF_DIM_<dim> per band with the dataset's <dim>#units (CF "<unit>
    /// since <date>", unit seconds/minutes/hours/days; one extra dimension only), or GRIB's
    /// GRIB_VALID_TIME (seconds since 1970).
    std::vector<double> time_s;
    std::string time_source;  ///< which metadata gave the times (for messages); empty: none
};
/// Opens the raster at `path` (InputError naming `key` if it cannot).
RasterBands raster_bands(const std::string& path, const std::string& key);

/// As read_raster_on_grid, with nearest-neighbour resampling where the grids differ: for rasters of
/// classes (land use), whose values must not be blended.
std::vector<double> read_class_raster_on_grid(const std::string& path, const std::string& key,
                                              const Grid2D& grid, const std::vector<double>& mask_z);

/// Write `values` (nx*ny row-major, row 0 = north, as read_raster_on_grid returns) as a one-band
/// Float32 GeoTIFF on `grid` (its geotransform and CRS; nodata -9999 where a value is NaN).
/// Failures throw InputError(path, key, "", GDAL's reason).
void write_geotiff(const std::string& path, const std::string& key, const Grid2D& grid,
                   const std::vector<double>& values);

/// True if GDAL can open `path` as a raster (used by `floodsim check`).
bool is_raster(const std::string& path);

}  // namespace floodsim
