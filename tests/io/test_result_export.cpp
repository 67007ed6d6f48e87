// The result's /bed_elevation, `floodsim export`'s GeoTIFFs read back with GDAL, and the XDMF
// sidecar parsed with libxml2 (docs/export-and-maps.md).
#include "io/result_export.hpp"

#include <gdal_priv.h>
#include <hdf5.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <ogr_spatialref.h>

#include <cstring>

#include "io/hdf5_util.hpp"
#include "io_test_util.hpp"
#include "io/result_reader.hpp"
#include "mesh/input_error.hpp"

namespace floodsim::test {
namespace {

namespace fs = std::filesystem;

/// A bed for the sample grid: cell 0 outside (NaN), the others a slope.
std::vector<float> sample_bed() {
    std::vector<float> b(sample_nx * sample_ny);
    for (int i = 0; i < static_cast<int>(b.size()); ++i) b[i] = i == 0 ? NAN : 100.0f + 0.25f * i;
    return b;
}

/// The sample result with its bed.
std::string write_sample_with_bed(const TempDir& d) {
    const std::string path = d.file("r.h5");
    ResultMetadata meta = sample_meta();
    meta.bed_elevation = sample_bed();
    Hdf5ResultWriter w(path, meta);
    for (int f = 0; f < sample_frames; ++f) {
        auto dep = frame_of(sample_depth, f), vx = frame_of(sample_vx, f), vy = frame_of(sample_vy, f);
        w.write_frame(sample_time(f), dep.data(), vx.data(), vy.data());
    }
    const auto md = max_depth_grid();
    std::vector<float> speed(md.size(), 1.0f), arrival(md.size(), 5.0f);
    w.finish(md.data(), speed.data(), arrival.data(), 10, 1.0);
    return path;
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

struct Tif {
    int nx = 0, ny = 0;
    std::array<double, 6> gt{};
    std::string wkt;
    GDALDataType type = GDT_Unknown;
    bool has_nodata = false;
    double nodata = 0;
    std::vector<float> v;
};

Tif read_tif(const std::string& path) {
    GDALAllRegister();
    Tif t;
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen(path.c_str(), GA_ReadOnly));
    if (!ds) throw std::runtime_error("GDAL cannot open " + path);
    t.nx = ds->GetRasterXSize();
    t.ny = ds->GetRasterYSize();
    ds->GetGeoTransform(t.gt.data());
    t.wkt = ds->GetProjectionRef();
    GDALRasterBand* b = ds->GetRasterBand(1);
    t.type = b->GetRasterDataType();
    int ok = 0;
    t.nodata = b->GetNoDataValue(&ok);
    t.has_nodata = ok != 0;
    t.v.resize(static_cast<std::size_t>(t.nx) * t.ny);
    if (b->RasterIO(GF_Read, 0, 0, t.nx, t.ny, t.v.data(), t.nx, t.ny, GDT_Float32, 0, 0) != CE_None)
        throw std::runtime_error("cannot read " + path);
    GDALClose(ds);
    return t;
}

void expect_georeferenced_as_result(const Tif& t) {
    EXPECT_EQ(t.nx, sample_nx);
    EXPECT_EQ(t.ny, sample_ny);
    EXPECT_EQ(t.gt, sample_meta().geotransform);
    OGRSpatialReference a, b;
    a.importFromWkt(t.wkt.c_str());
    b.importFromWkt(sample_wkt);
    EXPECT_TRUE(a.IsSame(&b)) << t.wkt;
    EXPECT_EQ(t.type, GDT_Float32);
    EXPECT_TRUE(t.has_nodata);
    EXPECT_TRUE(std::isnan(t.nodata));
}

TEST(ResultBed, WrittenOnceChunkedCompressedAndReadBack) {
    TempDir d;
    const std::string path = write_sample_with_bed(d);
    {
        const ResultReader r(path);
        ASSERT_TRUE(r.has("bed_elevation"));
        const auto bed = r.raster("bed_elevation");
        const auto want = sample_bed();
        for (std::size_t i = 0; i < want.size(); ++i) EXPECT_TRUE(same_bits(bed[i], want[i])) << i;
    }
    h5::Handle fapl = h5::unlocked_fapl();
    h5::Handle f = h5::file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()));
    ASSERT_TRUE(f);
    h5::Handle ds = h5::dataset(H5Dopen2(f.get(), "bed_elevation", H5P_DEFAULT));
    ASSERT_TRUE(ds);
    h5::Handle dcpl = h5::plist(H5Dget_create_plist(ds.get()));
    EXPECT_EQ(H5Pget_layout(dcpl.get()), H5D_CHUNKED);
    EXPECT_GE(H5Pget_nfilters(dcpl.get()), 1);  // shuffle + deflate, as every raster
    EXPECT_EQ(h5::read_string_attr(ds.get(), "units").value_or(""), "m");
}

TEST(ResultBed, AbsentWithoutABedAndRefusedAtTheWrongSize) {
    TempDir d;
    write_sample(d.file("plain.h5"));
    EXPECT_FALSE(ResultReader(d.file("plain.h5")).has("bed_elevation"));
    ResultMetadata meta = sample_meta();
    meta.bed_elevation = std::vector<float>(3, 1.0f);
    EXPECT_THROW(Hdf5ResultWriter(d.file("bad.h5"), meta), std::invalid_argument);
    EXPECT_FALSE(fs::exists(d.file("bad.h5.part")));
}

TEST(ExportGeotiff, EveryRasterAndFrameRoundTripsBitwise) {
    TempDir d;
    const std::string path = write_sample_with_bed(d);
    const ResultReader r(path);
    for (const std::string& var : exportable_rasters()) {
        const std::string out = d.file(var + ".tif");
        const ExportedRaster e = export_geotiff(path, var, out);
        EXPECT_FALSE(e.frame);
        const Tif t = read_tif(out);
        expect_georeferenced_as_result(t);
        const auto want = r.raster(var);
        for (std::size_t i = 0; i < want.size(); ++i) EXPECT_TRUE(same_bits(t.v[i], want[i])) << var << " " << i;
    }
    for (const std::string& var : exportable_series()) {
        for (int f = 0; f < sample_frames; ++f) {
            const std::string out = d.file(var + std::to_string(f) + ".tif");
            FrameChoice c;
            c.index = static_cast<std::size_t>(f);
            EXPECT_EQ(export_geotiff(path, var, out, c).frame, std::optional<std::size_t>(f));
            const Tif t = read_tif(out);
            expect_georeferenced_as_result(t);
            const auto want = r.frame(var, f);
            for (std::size_t i = 0; i < want.size(); ++i) EXPECT_TRUE(same_bits(t.v[i], want[i])) << var << f << " " << i;
        }
    }
    // The default is the last frame; --time picks the frame at that time to 1e-6 s.
    EXPECT_EQ(export_geotiff(path, "depth", d.file("last.tif")).frame, std::optional<std::size_t>(sample_frames - 1));
    FrameChoice at;
    at.time_s = sample_time(1) + 0.9e-6;
    const ExportedRaster e = export_geotiff(path, "depth", d.file("t.tif"), at);
    EXPECT_EQ(e.frame, std::optional<std::size_t>(1));
    EXPECT_EQ(e.time_s, sample_time(1));
}

TEST(ExportGeotiff, BadRequestsNameTheResultVariableAndValueAndWriteNothing) {
    TempDir d;
    const std::string path = write_sample_with_bed(d);
    const auto expect_input_error = [&](const std::string& var, const FrameChoice& c, const std::string& value) {
        const std::string out = d.file("x/out.tif");
        try {
            export_geotiff(path, var, out, c);
            ADD_FAILURE() << var << " " << value << ": no error";
        } catch (const InputError& e) {
            EXPECT_EQ(e.file(), path);
            EXPECT_NE(std::string(e.what()).find(value), std::string::npos) << e.what();
        }
        EXPECT_FALSE(fs::exists(out));
        EXPECT_FALSE(fs::exists(out + ".part"));
    };
    expect_input_error("depht", {}, "depht");
    FrameChoice c;
    c.index = sample_frames;
    expect_input_error("depth", c, std::to_string(sample_frames));
    FrameChoice t;
    t.time_s = sample_time(1) + 2e-6;
    expect_input_error("depth", t, "300.000002");
    FrameChoice raster_frame;
    raster_frame.index = 0;
    expect_input_error("max_depth", raster_frame, "max_depth");
    // A result without velocities, or without a bed.
    write_sample(d.file("plain.h5"));
    EXPECT_THROW(export_geotiff(d.file("plain.h5"), "bed_elevation", d.file("b.tif")), InputError);
    EXPECT_FALSE(fs::exists(d.file("b.tif")));
    EXPECT_THROW(export_geotiff(d.file("missing.h5"), "depth", d.file("m.tif")), InputError);
    EXPECT_THROW(export_geotiff(path, "depth", d.path().string()), InputError);  // a folder
}

// --- XDMF -----------------------------------------------------------------------------------

struct Xml {
    xmlDocPtr doc = nullptr;
    xmlXPathContextPtr ctx = nullptr;
    explicit Xml(const std::string& path) {
        doc = xmlReadFile(path.c_str(), nullptr, XML_PARSE_NONET);
        if (doc) ctx = xmlXPathNewContext(doc);
    }
    ~Xml() {
        if (ctx) xmlXPathFreeContext(ctx);
        if (doc) xmlFreeDoc(doc);
    }
    /// Text or attribute values of the nodes an XPath selects.
    std::vector<std::string> all(const std::string& xpath) const {
        std::vector<std::string> out;
        xmlXPathObjectPtr o = xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(xpath.c_str()), ctx);
        if (!o) return out;
        if (o->nodesetval)
            for (int k = 0; k < o->nodesetval->nodeNr; ++k) {
                xmlChar* s = xmlNodeGetContent(o->nodesetval->nodeTab[k]);
                out.emplace_back(s ? reinterpret_cast<const char*>(s) : "");
                xmlFree(s);
            }
        xmlXPathFreeObject(o);
        return out;
    }
};

std::vector<double> numbers(const std::string& s) {
    std::istringstream is(s);
    std::vector<double> v;
    double x;
    while (is >> x) v.push_back(x);
    return v;
}

TEST(Xdmf, ParsesAndDescribesTheGridFramesAndTimes) {
    TempDir d;
    const std::string path = write_sample_with_bed(d);
    const std::string xmf = write_xdmf(path);
    EXPECT_EQ(xmf, d.file("r.xmf"));
    EXPECT_FALSE(fs::exists(xmf + ".part"));
    const Xml x(xmf);
    ASSERT_NE(x.doc, nullptr) << "libxml2 cannot parse " << xmf;
    const auto grids = x.all("/Xdmf/Domain/Grid[@CollectionType='Temporal']/Grid/@Name");
    ASSERT_EQ(grids.size(), static_cast<std::size_t>(sample_frames));
    const auto times = x.all("//Grid/Time/@Value");
    ASSERT_EQ(times.size(), static_cast<std::size_t>(sample_frames));
    const ResultReader r(path);
    for (int k = 0; k < sample_frames; ++k) EXPECT_EQ(std::stod(times[k]), r.times()[k]);  // exactly
    const std::string dims = std::to_string(sample_ny + 1) + " " + std::to_string(sample_nx + 1);
    for (const std::string& t : x.all("//Topology/@Dimensions")) EXPECT_EQ(t, dims);
    for (const std::string& t : x.all("//Topology/@TopologyType")) EXPECT_EQ(t, "2DCoRectMesh");
    // Origin (y, x: slowest first) at the north-west corner, spacing (y negative: rows run south).
    const auto gt = sample_meta().geotransform;
    for (const std::string& o : x.all("//Geometry/DataItem[@Name='Origin']"))
        EXPECT_EQ(numbers(o), (std::vector<double>{gt[3], gt[0]}));
    for (const std::string& s : x.all("//Geometry/DataItem[@Name='Spacing']"))
        EXPECT_EQ(numbers(s), (std::vector<double>{gt[5], gt[1]}));
    // Frame k of every series is the hyperslab starting at k, of the whole [nt, ny, nx] dataset.
    for (const char* var : {"depth", "velocity_x", "velocity_y"}) {
        const std::string base = std::string("//Attribute[@Name='") + var + "']/DataItem";
        const auto slabs = x.all(base + "/DataItem[1]");
        const auto heavy = x.all(base + "/DataItem[2]");
        const auto heavy_dims = x.all(base + "/DataItem[2]/@Dimensions");
        ASSERT_EQ(slabs.size(), static_cast<std::size_t>(sample_frames)) << var;
        for (int k = 0; k < sample_frames; ++k) {
            EXPECT_EQ(numbers(slabs[k]), (std::vector<double>{double(k), 0, 0, 1, 1, 1, 1, sample_ny, sample_nx}));
            EXPECT_EQ(heavy_dims[k], std::to_string(sample_frames) + " " + std::to_string(sample_ny) + " " +
                                         std::to_string(sample_nx));
            // The file named relative to the sidecar, and the dataset exists.
            std::string h = heavy[k];
            h.erase(0, h.find_first_not_of(" \n"));
            EXPECT_EQ(h, std::string("r.h5:/") + var);
        }
    }
    EXPECT_EQ(x.all("//Attribute[@Name='bed_elevation']").size(), static_cast<std::size_t>(sample_frames));
    // A sidecar elsewhere names the result by a relative path that leads to it.
    const std::string other = write_xdmf(path, d.file("views/r.xmf"));
    const Xml y(other);
    const auto heavy = y.all("//Attribute[@Name='depth']/DataItem/DataItem[2]");
    ASSERT_FALSE(heavy.empty());
    const std::string rel = heavy[0].substr(0, heavy[0].find(':'));
    EXPECT_TRUE(fs::equivalent(fs::path(d.file("views")) / rel, path)) << rel;
}

TEST(Xdmf, RefusesToOverwriteTheResult) {
    TempDir d;
    const std::string path = write_sample_with_bed(d);
    EXPECT_THROW(write_xdmf(path, path), InputError);
    EXPECT_TRUE(ResultReader(path).has("depth"));
}

}  // namespace
}  // namespace floodsim::test
