#pragma once
// Exports of a finished result file (docs/export-and-maps.md): one raster of it as a GeoTIFF
// georeferenced exactly as the result (`floodsim export RESULT.h5 VAR OUT.tif`), and an XDMF
// sidecar that lets ParaView read the depth (and velocity) series in place
// (`floodsim export RESULT.h5 --xdmf`).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace floodsim {

class ResultReader;

/// Which frame of a series: the last (neither set), frame `index`, or the frame at `time_s`.
struct FrameChoice {
    std::optional<std::size_t> index;
    std::optional<double> time_s;  ///< s; matches a frame's time within kFrameTimeTolerance
};

/// s: how close --time must be to a frame's time.
inline constexpr double kFrameTimeTolerance = 1e-6;

/// The 2-D rasters of a result ([ny, nx]) and its series ([nt, ny, nx]) that can be exported.
const std::vector<std::string>& exportable_rasters();
const std::vector<std::string>& exportable_series();

/// The frame index `choice` names in `result` (series `var`). Throws InputError(result path,
/// var, value) for a frame out of range, a time no frame has, or a result without frames.
std::size_t choose_frame(const ResultReader& result, const std::string& var, const FrameChoice& choice);

/// What export_geotiff wrote: the variable, and for a series the frame and its time.
struct ExportedRaster {
    std::string var;
    std::optional<std::size_t> frame;
    double time_s = 0.0;
};

/// Writes raster `var` of `result_path` (a 2-D raster, or one frame of a series) to `out_path` as
/// a one-band Float32 GeoTIFF with the result's geotransform and CRS, NaN nodata; the values are
/// the file's float32 values bitwise. A frame choice for a 2-D raster is an error. Bad input
/// (no such result, unknown variable, a variable this result lacks, a frame out of range, an
/// output path that is a folder) throws InputError before anything is written; the GeoTIFF is
/// written under a temporary name and renamed, so a failure leaves nothing.
ExportedRaster export_geotiff(const std::string& result_path, const std::string& var, const std::string& out_path,
                              const FrameChoice& choice = {});

/// Writes the XDMF (version 3) sidecar of `result_path` to `xmf_path` (empty: the result's path
/// with .xmf instead of .h5): a temporal collection of 2DCoRectMesh grids, one per frame, with
/// /depth (and /velocity_x, /velocity_y when written) as HDF5 hyperslabs of the frame and the
/// static rasters of the result; the HDF5 file is named relative to the sidecar's folder. Written
/// under a temporary name and renamed. Returns the path written.
std::string write_xdmf(const std::string& result_path, const std::string& xmf_path = "");

}  // namespace floodsim
