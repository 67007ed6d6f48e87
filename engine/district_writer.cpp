// GIS output of the SYNTHETIC Shangjie district: GeoTIFF rasters and GeoPackage layers via GDAL.
#include "engine/district_writer.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "mesh/gdal_util.hpp"

namespace floodsim {
namespace {

using district::District;
using district::Line;

struct DatasetCloser {
    void operator()(GDALDataset* ds) const { GDALClose(ds); }
};
using Dataset = std::unique_ptr<GDALDataset, DatasetCloser>;

[[noreturn]] void fail(const std::filesystem::path& p, const std::string& what, const gdal::Errors& e) {
    throw std::runtime_error(p.string() + ": cannot " + what + " (" + e.message() + ")");
}

OGRSpatialReference utm49n() {
    OGRSpatialReference s;
    s.importFromEPSG(district::kEpsg);
    s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}

/// A north-up GeoTIFF of one band, deflate-compressed, with the district's CRS.
template <class T>
void write_tiff(const std::filesystem::path& p, int nx, int ny, double west, double north, double dx,
                const std::vector<T>& values, GDALDataType type) {
    gdal::init();
    gdal::Errors err;
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    const char* opts[] = {"COMPRESS=DEFLATE", "TILED=YES", nullptr};
    Dataset ds(drv ? drv->Create(p.c_str(), nx, ny, 1, type, const_cast<char**>(opts)) : nullptr);
    if (!ds) fail(p, "create the GeoTIFF", err);
    double gt[6] = {west, dx, 0.0, north, 0.0, -dx};
    ds->SetGeoTransform(gt);
    const OGRSpatialReference srs = utm49n();
    ds->SetSpatialRef(&srs);
    const GDALDataType mem = sizeof(T) == 1 ? GDT_Byte : GDT_Float32;
    if (ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, nx, ny, const_cast<T*>(values.data()), nx, ny, mem, 0, 0) !=
        CE_None)
        fail(p, "write the raster", err);
}

class Gpkg {
public:
    explicit Gpkg(const std::filesystem::path& p) : path_(p) {
        gdal::init();
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
        ds_.reset(drv ? drv->Create(p.c_str(), 0, 0, 0, GDT_Unknown, nullptr) : nullptr);
        if (!ds_) fail(p, "create the GeoPackage", err_);
    }

    /// A layer with string fields `fields` (and one real field when `real_field` is not empty).
    OGRLayer* layer(const std::string& name, OGRwkbGeometryType type, const std::vector<std::string>& fields,
                    const std::string& real_field = "") {
        OGRSpatialReference srs = utm49n();
        OGRLayer* l = ds_->CreateLayer(name.c_str(), &srs, type, nullptr);
        if (!l) fail(path_, "create layer " + name, err_);
        for (const std::string& f : fields) {
            OGRFieldDefn def(f.c_str(), OFTString);
            l->CreateField(&def);
        }
        if (!real_field.empty()) {
            OGRFieldDefn def(real_field.c_str(), OFTReal);
            l->CreateField(&def);
        }
        return l;
    }

    /// One feature: its geometry, string attributes in field order, and the real value.
    void add(OGRLayer* l, const OGRGeometry& g, const std::vector<std::string>& values, double real = 0.0) {
        OGRFeature f(l->GetLayerDefn());
        for (std::size_t k = 0; k < values.size(); ++k) f.SetField(static_cast<int>(k), values[k].c_str());
        if (static_cast<std::size_t>(l->GetLayerDefn()->GetFieldCount()) > values.size())
            f.SetField(static_cast<int>(values.size()), real);
        f.SetGeometry(&g);
        if (l->CreateFeature(&f) != OGRERR_NONE) fail(path_, std::string("write a feature of ") + l->GetName(), err_);
    }

    void begin() { ds_->StartTransaction(); }
    void commit() { ds_->CommitTransaction(); }

private:
    std::filesystem::path path_;
    gdal::Errors err_;
    Dataset ds_;
};

OGRLineString line_geometry(const Line& l) {
    OGRLineString g;
    for (const auto& p : l) g.addPoint(p[0], p[1]);
    return g;
}

OGRPolygon polygon_geometry(const Line& ring) {
    OGRLinearRing r;
    for (const auto& p : ring) r.addPoint(p[0], p[1]);
    r.closeRings();
    OGRPolygon g;
    g.addRing(&r);
    return g;
}

void write_polygons(Gpkg& g, const std::string& name, const std::vector<std::pair<std::string, Line>>& rings) {
    OGRLayer* l = g.layer(name, wkbPolygon, {"name"});
    for (const auto& [label, ring] : rings) g.add(l, polygon_geometry(ring), {label});
}

void write_district_gpkg(const District& d, const std::filesystem::path& p) {
    Gpkg g(p);
    g.begin();
    OGRLayer* b = g.layer("buildings", wkbPolygon, {}, "height_m");
    for (const auto& f : d.buildings) g.add(b, polygon_geometry(f.ring), {}, f.height_m);
    for (const auto& r : d.rivers) {
        OGRLayer* l = g.layer(r.name, wkbLineString, {"name"}, "width_m");
        g.add(l, line_geometry(r.line), {r.label}, r.width_m);
    }
    for (const auto& v : d.levees) {
        OGRLayer* l = g.layer(v.name, wkbLineString, {"name"}, "height_m");
        g.add(l, line_geometry(v.line), {v.name}, v.height_m);
    }
    write_polygons(g, "town", {{"上街 town (synthetic)", d.town}});
    write_polygons(g, "village", {{"village at the valley mouth (synthetic)", d.village}});
    write_polygons(g, "storage_area", {{"storage (detention) area (synthetic)", d.storage}});
    OGRLayer* z = g.layer("drainage_zones", wkbPolygon, {"name"}, "drain_mm_h");
    for (const auto& zone : d.drainage_zones) g.add(z, polygon_geometry(zone.ring), {zone.name}, zone.drain_mm_h);
    OGRLayer* u = g.layer("underpasses", wkbPoint, {"id", "name"});
    for (const auto& a : d.underpasses) g.add(u, OGRPoint(a.at[0], a.at[1]), {a.id, a.name});
    g.commit();
}

void write_assets_gpkg(const District& d, const std::filesystem::path& p) {
    Gpkg g(p);
    g.begin();
    OGRLayer* l = g.layer("assets", wkbPoint, {"id", "kind", "name"});
    for (const auto& a : d.assets) g.add(l, OGRPoint(a.at[0], a.at[1]), {a.id, a.kind, a.name});
    g.commit();
}

}  // namespace

void write_district_files(const District& d, const std::filesystem::path& dir) {
    const double north = district::kSouth + district::kSize;
    write_tiff(dir / "dem.tif", d.nx, d.ny, district::kWest, north, d.dx, d.z, GDT_Float32);
    write_tiff(dir / "landuse.tif", d.nx, d.ny, district::kWest, north, d.dx, d.landuse, GDT_Byte);
    write_tiff(dir / "drain_capacity.tif", d.nx, d.ny, district::kWest, north, d.dx, d.drain_mm_h, GDT_Float32);
    write_district_gpkg(d, dir / "district.gpkg");
    write_assets_gpkg(d, dir / "assets.gpkg");
}

void write_rain_frame(const RainFrame& f, const std::filesystem::path& dir) {
    write_tiff(dir / f.name, f.nx, f.ny, f.west, f.north, f.dx, f.mm_h, GDT_Float32);
}

}  // namespace floodsim
