// GDAL/OGR vector input: features of one layer, reprojected to the model CRS.
#include "vector_io.hpp"

#include <filesystem>
#include <memory>

#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include "gdal_util.hpp"
#include "input_error.hpp"

namespace floodsim {
namespace {

Ring ring_of(const OGRSimpleCurve& c) {
    Ring r;
    r.reserve(static_cast<std::size_t>(c.getNumPoints()));
    for (int k = 0; k < c.getNumPoints(); ++k) r.push_back({c.getX(k), c.getY(k)});
    return r;
}

/// Adds the polygons and lines of `g` (linear, already in the model CRS) to `f`, and its points
/// if `points`.
void collect(const OGRGeometry& g, VectorFeature& f, bool points) {
    switch (wkbFlatten(g.getGeometryType())) {
        case wkbPolygon: {
            const auto& p = *g.toPolygon();
            std::vector<Ring> rings;
            if (const OGRLinearRing* outer = p.getExteriorRing()) rings.push_back(ring_of(*outer));
            for (int k = 0; k < p.getNumInteriorRings(); ++k) rings.push_back(ring_of(*p.getInteriorRing(k)));
            if (!rings.empty() && rings.front().size() >= 3) f.polygons.push_back(std::move(rings));
            break;
        }
        case wkbLineString:
            f.lines.push_back(ring_of(*g.toLineString()));
            break;
        case wkbPoint:
            if (points && !g.IsEmpty()) f.points.push_back({g.toPoint()->getX(), g.toPoint()->getY()});
            break;
        case wkbMultiPoint:
        case wkbMultiPolygon:
        case wkbMultiLineString:
        case wkbGeometryCollection: {
            const auto& c = *g.toGeometryCollection();
            for (int k = 0; k < c.getNumGeometries(); ++k) collect(*c.getGeometryRef(k), f, points);
            break;
        }
        default:
            break;  // points and the like: nothing to put on the grid here
    }
}

}  // namespace

bool is_vector(const std::string& path) {
    gdal::init();
    gdal::Errors quiet;
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    return ds != nullptr && ds->GetLayerCount() > 0;
}

namespace {

/// read_vector and read_vector_features: `fields` numeric (into values) unless `as_text` (into
/// texts); `all` keeps points and features without geometry.
std::vector<VectorFeature> read_layer(const VectorSource& src, const std::string& target_wkt,
                                      const std::vector<std::string>& fields, const std::string& fields_key,
                                      bool as_text, bool all) {
    gdal::init();
    gdal::Errors err;
    std::error_code ec;
    if (!std::filesystem::exists(src.path, ec)) throw InputError(src.path, src.key, src.path, "file not found");
    GDALDatasetUniquePtr ds(GDALDataset::Open(src.path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!ds || ds->GetLayerCount() == 0)
        throw InputError(src.path, src.key, src.path, "not a vector file GDAL can read (" + err.message() + ")");
    OGRLayer* layer = src.layer.empty() ? ds->GetLayer(0) : ds->GetLayerByName(src.layer.c_str());
    if (!layer) {
        std::string names;
        for (int k = 0; k < ds->GetLayerCount(); ++k) names += std::string(k ? ", " : "") + ds->GetLayer(k)->GetName();
        throw InputError(src.path, src.layer_key, src.layer, "no such layer (the file has: " + names + ")");
    }
    // Fields: present and numeric.
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    std::vector<int> field_index;
    for (const std::string& name : fields) {
        const int k = defn->GetFieldIndex(name.c_str());
        if (k < 0) throw InputError(src.path, fields_key, name, "no such attribute in layer " + std::string(layer->GetName()));
        const OGRFieldType t = defn->GetFieldDefn(k)->GetType();
        if (!as_text && t != OFTInteger && t != OFTInteger64 && t != OFTReal)
            throw InputError(src.path, fields_key, name, "attribute is not numeric");
        field_index.push_back(k);
    }
    // Reprojection to the model CRS, x = easting / longitude first.
    std::unique_ptr<OGRCoordinateTransformation> to_model;
    const OGRSpatialReference* from = layer->GetSpatialRef();
    OGRSpatialReference target;
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (from && !from->IsEmpty() && !target_wkt.empty() && target.importFromWkt(target_wkt.c_str()) == OGRERR_NONE &&
        !from->IsSame(&target)) {
        OGRSpatialReference source(*from);
        source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        to_model.reset(OGRCreateCoordinateTransformation(&source, &target));
        if (!to_model)
            throw InputError(src.path, src.key, src.path,
                             "its CRS cannot be transformed to the model's (" + err.message() + ")");
    }
    std::vector<VectorFeature> out;
    layer->ResetReading();
    for (auto& feature : *layer) {
        VectorFeature f;
        f.fid = feature->GetFID();
        for (std::size_t k = 0; k < field_index.size(); ++k) {
            if (as_text) {
                f.texts.emplace_back(feature->IsFieldSetAndNotNull(field_index[k])
                                         ? feature->GetFieldAsString(field_index[k])
                                         : "");
                continue;
            }
            if (!feature->IsFieldSetAndNotNull(field_index[k]))
                throw InputError(src.path, fields_key, fields[k],
                                 "feature " + std::to_string(f.fid) + " has no value for this attribute");
            f.values.push_back(feature->GetFieldAsDouble(field_index[k]));
        }
        const OGRGeometry* geom = feature->GetGeometryRef();
        if (!geom) {
            if (all) out.push_back(std::move(f));
            continue;
        }
        std::unique_ptr<OGRGeometry> linear(geom->hasCurveGeometry() ? geom->getLinearGeometry() : geom->clone());
        if (to_model && linear->transform(to_model.get()) != OGRERR_NONE)
            throw InputError(src.path, src.key, "feature " + std::to_string(f.fid),
                             "cannot be reprojected to the model's CRS (" + err.message() + ")");
        collect(*linear, f, all);
        if (all || !f.polygons.empty() || !f.lines.empty()) out.push_back(std::move(f));
    }
    return out;
}

}  // namespace

std::vector<VectorFeature> read_vector(const VectorSource& src, const std::string& target_wkt,
                                       const std::vector<std::string>& fields, const std::string& fields_key) {
    return read_layer(src, target_wkt, fields, fields_key, false, false);
}

std::vector<VectorFeature> read_vector_features(const VectorSource& src, const std::string& target_wkt,
                                                const std::vector<std::string>& text_fields,
                                                const std::string& fields_key) {
    return read_layer(src, target_wkt, text_fields, fields_key, true, true);
}

}  // namespace floodsim
