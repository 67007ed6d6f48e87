// `floodsim export` end to end (docs/export-and-maps.md): a tiny scenario is run, its result's
// /bed_elevation checked against the DEM, rasters and frames exported as GeoTIFF and read back
// with GDAL bitwise against the HDF5 datasets (read with the HDF5 C API), bad requests exit 2 and
// leave nothing, the XDMF sidecar and the quick map are written.
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cstring>
#include <functional>

#include "cli_util.hpp"

namespace {

using namespace floodsim_test;

// 12 x 8 cells of 5 m in UTM 49N: a bowl draining to its centre, the north-east cell nodata.
constexpr int NX = 12, NY = 8;
constexpr double X0 = 700000.0, Y0 = 3850000.0, DX = 5.0;  // south-west corner

bool nodata(int i, int j) { return i == NX - 1 && j == 0; }
double bed(int i, int j) { return 20.0 + 0.1 * std::abs(i - 6) + 0.1 * std::abs(j - 4) + 0.001 * i; }

void write_inputs(const TempDir& d) {
    std::ostringstream s;
    s.precision(12);
    s << "ncols " << NX << "\nnrows " << NY << "\nxllcorner " << X0 << "\nyllcorner " << Y0 << "\ncellsize " << DX
      << "\nNODATA_value -9999\n";
    for (int j = 0; j < NY; ++j) {
        for (int i = 0; i < NX; ++i) s << (i ? " " : "") << (nodata(i, j) ? -9999.0 : bed(i, j));
        s << "\n";
    }
    write_text(d / "dem.asc", s.str());
    write_text(d / "dem.prj", std::string(kWktUtm49N) + "\n");
    write_text(d / "s.toml", R"(format = 1
name = "exporttest"

[domain]
dem = "dem.asc"
manning = 0.03

[time]
duration = "60s"
output_interval = "20s"

[solver]
scheme = "fv1"
threads = 1

[rain]
intensity_mm_h = 400.0

[output]
file = "out/r.h5"
variables = ["depth", "velocity"]
)");
}

/// The scenario run once for all tests of this file.
class Export : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir;
        write_inputs(*dir_);
        const ProcResult r = run_floodsim({"run", (*dir_ / "s.toml").string(), "--quiet"});
        ASSERT_EQ(r.status, 0) << describe(r);
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    static fs::path result() { return *dir_ / "out/r.h5"; }
    static TempDir* dir_;
};
TempDir* Export::dir_ = nullptr;

struct Tif {
    int nx = 0, ny = 0;
    std::array<double, 6> gt{};
    std::string wkt;
    bool nan_nodata = false;
    std::vector<float> v;
};

Tif read_tif(const fs::path& p) {
    GDALAllRegister();
    Tif t;
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen(p.c_str(), GA_ReadOnly));
    if (!ds) throw std::runtime_error("GDAL cannot open " + p.string());
    t.nx = ds->GetRasterXSize();
    t.ny = ds->GetRasterYSize();
    ds->GetGeoTransform(t.gt.data());
    t.wkt = ds->GetProjectionRef();
    GDALRasterBand* b = ds->GetRasterBand(1);
    int has = 0;
    const double nd = b->GetNoDataValue(&has);
    t.nan_nodata = has && std::isnan(nd) && b->GetRasterDataType() == GDT_Float32;
    t.v.resize(static_cast<std::size_t>(t.nx) * t.ny);
    if (b->RasterIO(GF_Read, 0, 0, t.nx, t.ny, t.v.data(), t.nx, t.ny, GDT_Float32, 0, 0) != CE_None)
        throw std::runtime_error("cannot read " + p.string());
    GDALClose(ds);
    return t;
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

std::size_t files_in(const fs::path& d) {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(d), fs::directory_iterator()));
}

TEST_F(Export, ResultHoldsTheBedOfTheModel) {
    Hid f = open_h5(result());
    const auto b = read_dataset<float>(f, "/bed_elevation");
    ASSERT_EQ(b.dims, (std::vector<hsize_t>{NY, NX}));
    EXPECT_EQ(b.type_size, 4u);
    for (int j = 0; j < NY; ++j)
        for (int i = 0; i < NX; ++i) {
            const float v = b.v[static_cast<std::size_t>(j) * NX + i];
            if (nodata(i, j))
                EXPECT_TRUE(std::isnan(v));
            else
                EXPECT_EQ(v, static_cast<float>(bed(i, j))) << i << "," << j;
        }
    EXPECT_EQ(chunked_and_deflated(f, "/bed_elevation"), std::make_pair(true, true));
}

TEST_F(Export, RastersAndFramesAsGeotiffsGeoreferencedAsTheResult) {
    TempDir out;
    Hid f = open_h5(result());
    const auto gt = read_num_attr<double>(f, "geotransform");
    const auto times = read_dataset<double>(f, "/time");
    ASSERT_EQ(times.v.size(), 4u);  // 0, 20, 40, 60 s
    struct Case {
        std::vector<std::string> args;
        std::string dataset;
        int frame;  // -1: a 2-D raster
    };
    const std::vector<Case> cases{
        {{"max_depth"}, "/max_depth", -1},           {{"max_speed"}, "/max_speed", -1},
        {{"arrival_time"}, "/arrival_time", -1},     {{"bed_elevation"}, "/bed_elevation", -1},
        {{"depth"}, "/depth", 3},                    {{"depth", "--frame", "1"}, "/depth", 1},
        {{"velocity_x", "--time", "40"}, "/velocity_x", 2}, {{"velocity_y", "--time", "20s"}, "/velocity_y", 1},
    };
    int n = 0;
    for (const Case& c : cases) {
        const fs::path tif = out / ("e" + std::to_string(n++) + ".tif");
        std::vector<std::string> args{"export", result().string(), c.args[0], tif.string()};
        args.insert(args.end(), c.args.begin() + 1, c.args.end());
        const ProcResult r = run_floodsim(args);
        ASSERT_EQ(r.status, 0) << describe(r);
        const Tif t = read_tif(tif);
        EXPECT_EQ(t.nx, NX);
        EXPECT_EQ(t.ny, NY);
        for (int k = 0; k < 6; ++k) EXPECT_EQ(t.gt[k], gt[k]) << c.dataset;
        OGRSpatialReference a, b;
        a.importFromWkt(t.wkt.c_str());
        b.importFromWkt(read_string_attr(f, "crs_wkt").c_str());
        EXPECT_TRUE(a.IsSame(&b));
        EXPECT_TRUE(t.nan_nodata);
        const auto want = read_dataset<float>(f, c.dataset);
        const std::size_t cells = static_cast<std::size_t>(NX) * NY, off = c.frame < 0 ? 0 : c.frame * cells;
        for (std::size_t k = 0; k < cells; ++k)
            EXPECT_TRUE(same_bits(t.v[k], want.v[off + k])) << c.dataset << " cell " << k;
        EXPECT_TRUE(std::isnan(t.v[NX - 1])) << "the nodata cell";
    }
    EXPECT_EQ(files_in(out.path()), cases.size());  // no .part or .aux.xml left
}

TEST_F(Export, BadRequestsExitTwoNamingTheResultVariableAndValueAndWriteNothing) {
    TempDir out;
    const std::string res = result().string();
    const fs::path tif = out / "x.tif";
    struct Bad {
        std::vector<std::string> args;
        std::string names;
    };
    const std::vector<Bad> bad{
        {{"dpeth", tif.string()}, "'dpeth'"},
        {{"depth", tif.string(), "--frame", "4"}, "--frame 4"},
        {{"depth", tif.string(), "--time", "30"}, "--time 30"},
        {{"max_depth", tif.string(), "--frame", "0"}, "max_depth"},
        {{"depth", out.path().string()}, out.path().string()},
    };
    for (const Bad& b : bad) {
        std::vector<std::string> args{"export", res};
        args.insert(args.end(), b.args.begin(), b.args.end());
        const ProcResult r = run_floodsim(args);
        EXPECT_EQ(r.status, 2) << describe(r);
        EXPECT_NE(r.err.find(b.names), std::string::npos) << r.err;
        if (b.names != out.path().string()) {
            EXPECT_NE(r.err.find(res), std::string::npos) << r.err;
        }
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_EQ(files_in(out.path()), 0u) << b.names;
    }
    const ProcResult missing = run_floodsim({"export", (out / "none.h5").string(), "depth", tif.string()});
    EXPECT_EQ(missing.status, 2) << describe(missing);
    EXPECT_EQ(files_in(out.path()), 0u);
}

TEST_F(Export, XdmfSidecarAndQuickMap) {
    TempDir out;
    fs::copy_file(result(), out / "r.h5");
    const ProcResult x = run_floodsim({"export", (out / "r.h5").string(), "--xdmf"});
    ASSERT_EQ(x.status, 0) << describe(x);
    const std::string xml = read_text(out / "r.xmf");
    EXPECT_NE(xml.find("TopologyType=\"2DCoRectMesh\" Dimensions=\"9 13\""), std::string::npos);
    EXPECT_NE(xml.find("r.h5:/depth"), std::string::npos);
    const ProcResult named = run_floodsim({"export", (out / "r.h5").string(), "--xdmf", (out / "v/p.xmf").string()});
    ASSERT_EQ(named.status, 0) << describe(named);
    EXPECT_NE(read_text(out / "v/p.xmf").find("../r.h5:/depth"), std::string::npos);

    const ProcResult m = run_floodsim({"export", (out / "r.h5").string(), "map", (out / "map.png").string()});
    ASSERT_EQ(m.status, 0) << describe(m);
    GDALAllRegister();
    GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen((out / "map.png").c_str(), GA_ReadOnly));
    ASSERT_NE(ds, nullptr);
    EXPECT_STREQ(ds->GetDriver()->GetDescription(), "PNG");
    EXPECT_LE(ds->GetRasterXSize(), 1600);
    GDALClose(ds);
    EXPECT_EQ(files_in(out.path()), 4u);  // r.h5, r.xmf, v/, map.png: nothing half-written
}

}  // namespace
