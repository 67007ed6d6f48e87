#include "io/geotiff_writer.hpp"

#include <gdal_priv.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "mesh/gdal_util.hpp"

namespace floodsim {
namespace {

void write_band(const std::string& path, const Grid2D& g, GDALDataType type, void* data, bool nan_nodata,
                const std::string& description) {
    gdal::init();
    gdal::Errors errors;
    const std::string tmp = path + ".part";
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    if (!drv) throw std::runtime_error(path + ": GDAL has no GTiff driver");
    char** opts = nullptr;
    opts = CSLSetNameValue(opts, "COMPRESS", "DEFLATE");
    opts = CSLSetNameValue(opts, "TILED", "YES");
    GDALDataset* ds = drv->Create(tmp.c_str(), g.nx, g.ny, 1, type, opts);
    CSLDestroy(opts);
    if (!ds) throw std::runtime_error(path + ": cannot create the GeoTIFF (" + errors.message() + ")");
    std::array<double, 6> gt = g.geotransform;
    bool ok = ds->SetGeoTransform(gt.data()) == CE_None;
    if (!g.crs_wkt.empty()) ok = ok && ds->SetProjection(g.crs_wkt.c_str()) == CE_None;
    if (!description.empty())
        ok = ok && ds->SetMetadataItem("TIFFTAG_IMAGEDESCRIPTION", description.c_str()) == CE_None;
    GDALRasterBand* band = ds->GetRasterBand(1);
    if (nan_nodata) ok = ok && band->SetNoDataValue(std::numeric_limits<double>::quiet_NaN()) == CE_None;
    ok = ok && band->RasterIO(GF_Write, 0, 0, g.nx, g.ny, data, g.nx, g.ny, type, 0, 0) == CE_None;
    GDALClose(ds);  // writes what is left; a failure there shows as GDAL's last error
    ok = ok && CPLGetLastErrorType() < CE_Failure;
    std::error_code ec;
    if (ok) std::filesystem::rename(tmp, path, ec);
    if (!ok || ec) {
        std::filesystem::remove(tmp, ec);
        throw std::runtime_error(path + ": cannot write the GeoTIFF (" + errors.message() + ")");
    }
}

}  // namespace

void write_geotiff(const std::string& path, const Grid2D& g, const std::vector<double>& values,
                   const std::string& description) {
    if (values.size() != g.cells()) throw std::invalid_argument(path + ": raster of the wrong size");
    std::vector<double> copy = values;
    write_band(path, g, GDT_Float64, copy.data(), true, description);
}

void write_geotiff(const std::string& path, const Grid2D& g, const std::vector<float>& values,
                   const std::string& description) {
    if (values.size() != g.cells()) throw std::invalid_argument(path + ": raster of the wrong size");
    std::vector<float> copy = values;
    write_band(path, g, GDT_Float32, copy.data(), true, description);
}

void write_geotiff(const std::string& path, const Grid2D& g, const std::vector<std::uint8_t>& values,
                   const std::string& description) {
    if (values.size() != g.cells()) throw std::invalid_argument(path + ": raster of the wrong size");
    std::vector<std::uint8_t> copy = values;
    write_band(path, g, GDT_Byte, copy.data(), false, description);
}

}  // namespace floodsim
