#pragma once
// GDAL/OGR vector input (any format OGR reads: GeoPackage, Shapefile, GeoJSON, ...): polygons and
// lines of one layer, reprojected to the model grid's CRS, with numeric attributes on request.
// Rasterisation on the grid: mesh/rasterize.hpp.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace floodsim {

using MapPoint = std::array<double, 2>;  ///< x, y in the model CRS
using Ring = std::vector<MapPoint>;       ///< closed or not; the last point may repeat the first

struct VectorFeature {
    std::int64_t fid = 0;
    /// Polygons, each its outer ring first, then its holes (multipolygons give several).
    std::vector<std::vector<Ring>> polygons;
    /// Polylines (multilinestrings give several).
    std::vector<Ring> lines;
    /// The requested numeric attributes, in the order asked.
    std::vector<double> values;
    /// Points (multipoints give several); filled by read_vector_features only.
    std::vector<MapPoint> points;
    /// The requested text attributes, in the order asked; filled by read_vector_features only.
    std::vector<std::string> texts;
};

/// Where a vector comes from, for reading and for messages.
struct VectorSource {
    std::string path;         ///< file (absolute)
    std::string key;          ///< scenario key naming the file, e.g. "buildings.file"
    std::string layer;        ///< layer name; empty: the first layer
    std::string layer_key;    ///< scenario key naming the layer, e.g. "buildings.layer"
};

/// Reads every feature of the layer, reprojected from the layer's CRS to `target_wkt` (no
/// reprojection when either is unknown), with the numeric fields `fields` (named by
/// `fields_key`). Point geometries are skipped; curves are linearised. Errors throw InputError:
/// the file missing or not a vector GDAL reads (path, key), a missing layer (layer_key), a missing
/// or non-numeric field, or a feature without a value there (fields_key), a CRS that cannot be
/// transformed to the model's.
std::vector<VectorFeature> read_vector(const VectorSource& src, const std::string& target_wkt,
                                       const std::vector<std::string>& fields = {},
                                       const std::string& fields_key = "");

/// Every feature of the layer as read_vector reads it, but with its points too (`points`) and
/// the fields `text_fields` as text whatever their type (`texts`; an unset field gives ""),
/// features without a geometry kept (all lists empty) so that the caller can name them. A
/// missing field throws InputError(path, fields_key, name). For warning assets (risk/assets).
std::vector<VectorFeature> read_vector_features(const VectorSource& src, const std::string& target_wkt,
                                                const std::vector<std::string>& text_fields,
                                                const std::string& fields_key = "");

/// True if GDAL can open `path` as a vector.
bool is_vector(const std::string& path);

}  // namespace floodsim
