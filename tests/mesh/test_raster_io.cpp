// Tests for mesh/raster_io: every raster is created here, in a private temp directory.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include "mesh/input_error.hpp"
#include "mesh/raster_io.hpp"

namespace fs = std::filesystem;
using floodsim::InputError;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// A unique temp directory, removed with its contents at the end of the test.
class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        std::random_device rd;
        path_ = fs::temp_directory_path() /
                ("floodsim_mesh_" + std::to_string(rd()) + "_" + std::to_string(counter++));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

GDALDriver* driver(const char* name) {
    GDALAllRegister();
    GDALDriver* d = GetGDALDriverManager()->GetDriverByName(name);
    if (!d) throw std::runtime_error(std::string("no GDAL driver ") + name);
    return d;
}

std::string wkt_for(const std::string& def) {
    OGRSpatialReference s;
    if (s.SetFromUserInput(def.c_str()) != OGRERR_NONE) throw std::runtime_error("bad CRS " + def);
    char* w = nullptr;
    s.exportToWkt(&w);
    std::string out = w;
    CPLFree(w);
    return out;
}

/// Write a one-band raster with GDAL (GeoTIFF unless another driver is named).
void write_raster(const std::string& path, int nx, int ny, std::array<double, 6> gt,
                  const std::string& crs, const std::vector<double>& values,
                  GDALDataType type = GDT_Float32, std::optional<double> nodata = {},
                  const char* drv = "GTiff") {
    GDALDataset* ds = driver(drv)->Create(path.c_str(), nx, ny, 1, type, nullptr);
    ASSERT_NE(ds, nullptr);
    ds->SetGeoTransform(gt.data());
    if (!crs.empty()) ds->SetProjection(wkt_for(crs).c_str());
    GDALRasterBand* b = ds->GetRasterBand(1);
    if (nodata) b->SetNoDataValue(*nodata);
    ASSERT_EQ(b->RasterIO(GF_Write, 0, 0, nx, ny, const_cast<double*>(values.data()), nx, ny,
                          GDT_Float64, 0, 0, nullptr),
              CE_None);
    GDALClose(ds);
}

std::vector<double> ramp(int nx, int ny) {
    std::vector<double> v(static_cast<std::size_t>(nx) * ny);
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) v[static_cast<std::size_t>(j) * nx + i] = 100.0 + i + 10.0 * j;
    return v;
}

OGRSpatialReference srs_of(const std::string& wkt) {
    OGRSpatialReference s;
    s.importFromWkt(wkt.c_str());
    s.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}

/// A transformation between two CRSs in lon/lat, easting/northing order.
std::unique_ptr<OGRCoordinateTransformation> transform(const std::string& from,
                                                       const std::string& to) {
    OGRSpatialReference a = srs_of(from), b = srs_of(to);
    return std::unique_ptr<OGRCoordinateTransformation>(OGRCreateCoordinateTransformation(&a, &b));
}

template <class F>
std::string expect_input_error(F&& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected InputError";
    return {};
}

// Geographic test DEM around 113.3E 34.8N, 3 arc-second cells, linear in lon/lat.
constexpr double kGeoWest = 113.285, kGeoNorth = 34.8125, kGeoStep = 1.0 / 1200.0;
constexpr int kGeoNx = 36, kGeoNy = 30;
double geo_z(double lon, double lat) { return 100.0 + 1000.0 * (lon - 113.3) + 2000.0 * (lat - 34.8); }

void write_geographic_dem(const std::string& path) {
    std::vector<double> v(kGeoNx * kGeoNy);
    for (int j = 0; j < kGeoNy; ++j)
        for (int i = 0; i < kGeoNx; ++i)
            v[j * kGeoNx + i] = geo_z(kGeoWest + (i + 0.5) * kGeoStep, kGeoNorth - (j + 0.5) * kGeoStep);
    // 3x3 nodata block centred on pixel (10, 20).
    for (int j = 19; j <= 21; ++j)
        for (int i = 9; i <= 11; ++i) v[j * kGeoNx + i] = -9999.0;
    write_raster(path, kGeoNx, kGeoNy, {kGeoWest, kGeoStep, 0, kGeoNorth, 0, -kGeoStep}, "EPSG:4326",
                 v, GDT_Float32, -9999.0);
}

}  // namespace

TEST(ReadDem, ProjectedGeoTiffWithNodata) {
    TempDir tmp;
    const std::string p = tmp.file("dem.tif");
    auto v = ramp(6, 4);
    v[1 * 6 + 2] = -9999.0;
    write_raster(p, 6, 4, {500000, 10, 0, 3850000, 0, -10}, "EPSG:32649", v, GDT_Float32, -9999.0);

    const auto dem = floodsim::read_dem(p, "domain.dem");
    EXPECT_EQ(dem.grid.nx, 6);
    EXPECT_EQ(dem.grid.ny, 4);
    EXPECT_EQ(dem.grid.ghost, 2);
    EXPECT_DOUBLE_EQ(dem.grid.dx, 10.0);
    EXPECT_DOUBLE_EQ(dem.grid.dy, 10.0);
    const std::array<double, 6> gt{500000, 10, 0, 3850000, 0, -10};
    EXPECT_EQ(dem.grid.geotransform, gt);
    auto srs = srs_of(dem.grid.crs_wkt);
    EXPECT_EQ(srs.GetUTMZone(), 49);
    ASSERT_EQ(dem.z.size(), 24u);
    for (std::size_t k = 0; k < v.size(); ++k) {
        if (k == 8) EXPECT_TRUE(std::isnan(dem.z[k]));
        else EXPECT_DOUBLE_EQ(dem.z[k], v[k]) << k;
    }
}

TEST(ReadDem, NonSquareProjectedCellsKept) {
    TempDir tmp;
    const std::string p = tmp.file("dem.tif");
    write_raster(p, 5, 3, {1000, 10, 0, 2000, 0, -5}, "EPSG:32649", ramp(5, 3));
    const auto dem = floodsim::read_dem(p, "domain.dem");
    EXPECT_DOUBLE_EQ(dem.grid.dx, 10.0);
    EXPECT_DOUBLE_EQ(dem.grid.dy, 5.0);
    EXPECT_EQ(dem.z, ramp(5, 3));
}

TEST(ReadDem, AsciiGridWithoutPrjIsAnUnnamedMetricCrs) {
    TempDir tmp;
    const std::string p = tmp.file("dem.asc");
    std::ofstream(p) << "ncols 4\nnrows 3\nxllcorner 500000\nyllcorner 3850000\ncellsize 25\n"
                        "NODATA_value -9999\n1 2 3 4\n5 -9999 7 8\n9 10 11 12\n";
    const auto dem = floodsim::read_dem(p, "domain.dem");
    EXPECT_EQ(dem.grid.nx, 4);
    EXPECT_EQ(dem.grid.ny, 3);
    EXPECT_DOUBLE_EQ(dem.grid.dx, 25.0);
    EXPECT_DOUBLE_EQ(dem.grid.x_west(), 500000.0);
    EXPECT_DOUBLE_EQ(dem.grid.y_north(), 3850075.0);
    EXPECT_TRUE(dem.grid.crs_wkt.empty());
    EXPECT_DOUBLE_EQ(dem.z[0], 1.0);  // row 0 = first (northern) line
    EXPECT_TRUE(std::isnan(dem.z[5]));
    EXPECT_DOUBLE_EQ(dem.z[11], 12.0);
}

TEST(ReadDem, AsciiGridWithPrj) {
    TempDir tmp;
    const std::string p = tmp.file("dem.asc");
    std::ofstream(p) << "ncols 3\nnrows 2\nxllcorner 500000\nyllcorner 3850000\ncellsize 30\n"
                        "NODATA_value -9999\n1 2 3\n4 5 6\n";
    OGRSpatialReference s;
    s.importFromEPSG(32649);
    char* w = nullptr;
    const char* opts[] = {"FORMAT=WKT1_ESRI", nullptr};
    s.exportToWkt(&w, opts);
    std::ofstream(tmp.file("dem.prj")) << w;
    CPLFree(w);
    const auto dem = floodsim::read_dem(p, "domain.dem");
    EXPECT_EQ(dem.grid.nx, 3);
    EXPECT_DOUBLE_EQ(dem.grid.dx, 30.0);
    ASSERT_FALSE(dem.grid.crs_wkt.empty());
    int north = 0;
    EXPECT_EQ(srs_of(dem.grid.crs_wkt).GetUTMZone(&north), 49);
    EXPECT_TRUE(north);
    EXPECT_DOUBLE_EQ(dem.z[5], 6.0);
}

TEST(ReadDem, SmallLaboratoryGridWithoutCrsIsMetric) {
    // A 4 m basin at 2 cm cells (Thacker's bowl): small coordinates and cells, still metres.
    TempDir tmp;
    const std::string p = tmp.file("dem.asc");
    std::ofstream(p) << "ncols 3\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 0.02\n"
                        "1 2 3\n4 5 6\n";
    const floodsim::DemGrid dem = floodsim::read_dem(p, "domain.dem");
    EXPECT_EQ(dem.grid.nx, 3);
    EXPECT_EQ(dem.grid.ny, 2);
    EXPECT_DOUBLE_EQ(dem.grid.dx, 0.02);
    EXPECT_TRUE(dem.grid.crs_wkt.empty());
}

TEST(ReadDem, GeographicWarpedToUtmZoneOfCentre) {
    TempDir tmp;
    const std::string p = tmp.file("geo.tif");
    write_geographic_dem(p);
    const auto dem = floodsim::read_dem(p, "domain.dem");
    const auto& g = dem.grid;

    auto srs = srs_of(g.crs_wkt);
    int north = 0;
    EXPECT_EQ(srs.GetUTMZone(&north), 49);
    EXPECT_TRUE(north);
    EXPECT_EQ(g.dx, g.dy);

    // Native spacing in metres at the centre, measured through PROJ.
    auto to_utm = transform(wkt_for("EPSG:4326"), g.crs_wkt);
    auto to_geo = transform(g.crs_wkt, wkt_for("EPSG:4326"));
    double lon[3] = {113.3, 113.3 + kGeoStep, 113.3}, lat[3] = {34.8, 34.8, 34.8 + kGeoStep};
    ASSERT_TRUE(to_utm->Transform(3, lon, lat));
    const double dx_m = std::hypot(lon[1] - lon[0], lat[1] - lat[0]);
    const double dy_m = std::hypot(lon[2] - lon[0], lat[2] - lat[0]);
    EXPECT_NEAR(g.dx, 0.5 * (dx_m + dy_m), 0.01 * g.dx);

    // Extent: the grid holds the whole footprint, with at most a cell or two to spare.
    double cx[4] = {kGeoWest, kGeoWest + kGeoNx * kGeoStep, kGeoWest, kGeoWest + kGeoNx * kGeoStep};
    double cy[4] = {kGeoNorth, kGeoNorth, kGeoNorth - kGeoNy * kGeoStep, kGeoNorth - kGeoNy * kGeoStep};
    ASSERT_TRUE(to_utm->Transform(4, cx, cy));
    const double minx = std::min({cx[0], cx[1], cx[2], cx[3]}), maxx = std::max({cx[0], cx[1], cx[2], cx[3]});
    const double miny = std::min({cy[0], cy[1], cy[2], cy[3]}), maxy = std::max({cy[0], cy[1], cy[2], cy[3]});
    EXPECT_LE(g.x_west(), minx + 1e-6);
    EXPECT_GE(g.x_east(), maxx - 1e-6);
    EXPECT_LE(g.y_south(), miny + 1e-6);
    EXPECT_GE(g.y_north(), maxy - 1e-6);
    EXPECT_LT(minx - g.x_west(), 2 * g.dx);
    EXPECT_LT(g.x_east() - maxx, 2 * g.dx);
    EXPECT_LT(maxy - g.y_south() - (maxy - miny), 2 * g.dy);
    EXPECT_LT(g.y_north() - maxy, 2 * g.dy);
    ASSERT_EQ(dem.z.size(), g.cells());

    // Values: bilinear reproduces the linear surface; outside the footprint and in the
    // nodata block the result is NaN.
    int checked = 0, nan_cells = 0;
    for (int j = 0; j < g.ny; ++j) {
        for (int i = 0; i < g.nx; ++i) {
            double x = g.x_center(i), y = g.y_center(j);
            ASSERT_TRUE(to_geo->Transform(1, &x, &y));
            const double fi = (x - kGeoWest) / kGeoStep, fj = (kGeoNorth - y) / kGeoStep;
            const double z = dem.z[static_cast<std::size_t>(j) * g.nx + i];
            nan_cells += std::isnan(z);
            if (fi < -0.01 || fj < -0.01 || fi > kGeoNx + 0.01 || fj > kGeoNy + 0.01) {
                EXPECT_TRUE(std::isnan(z)) << i << "," << j;
            } else if (fi > 1 && fj > 1 && fi < kGeoNx - 1 && fj < kGeoNy - 1 &&
                       (std::abs(fi - 10.5) > 3 || std::abs(fj - 20.5) > 3)) {
                EXPECT_NEAR(z, geo_z(x, y), 0.3) << i << "," << j;
                ++checked;
            } else if (std::abs(fi - 10.5) < 0.5 && std::abs(fj - 20.5) < 0.5) {
                EXPECT_TRUE(std::isnan(z)) << "nodata block lost at " << i << "," << j;
            }
        }
    }
    EXPECT_GT(checked, 100);
    EXPECT_GT(nan_cells, 0);
}

TEST(ReadDem, GeographicWithExplicitResolutionAndTarget) {
    TempDir tmp;
    const std::string p = tmp.file("geo.tif");
    write_geographic_dem(p);
    const auto dem = floodsim::read_dem(p, "domain.dem", "EPSG:32649", 50.0);
    EXPECT_DOUBLE_EQ(dem.grid.dx, 50.0);
    EXPECT_DOUBLE_EQ(dem.grid.dy, 50.0);
    EXPECT_DOUBLE_EQ(std::fmod(dem.grid.x_west(), 50.0), 0.0);
    EXPECT_EQ(srs_of(dem.grid.crs_wkt).GetUTMZone(), 49);
    // 0.03 deg x 0.025 deg = ~2.74 km x ~2.77 km footprint (slightly rotated) at 50 m.
    EXPECT_NEAR(dem.grid.nx, 2.74e3 / 50, 4);
    EXPECT_NEAR(dem.grid.ny, 2.77e3 / 50, 4);
}

TEST(ReadDem, ProjectedResampledAndReprojected) {
    TempDir tmp;
    const std::string p = tmp.file("dem.tif");
    // Linear surface so that bilinear resampling is exact away from the edges.
    std::vector<double> v(40 * 30);
    for (int j = 0; j < 30; ++j)
        for (int i = 0; i < 40; ++i) v[j * 40 + i] = 0.5 * i + 0.25 * j;
    write_raster(p, 40, 30, {500000, 10, 0, 3850000, 0, -10}, "EPSG:32649", v);

    const auto same = floodsim::read_dem(p, "domain.dem", "EPSG:32649", 10.0);
    EXPECT_EQ(same.z, v);  // same CRS, same resolution: used as is

    const auto coarse = floodsim::read_dem(p, "domain.dem", "", 20.0);
    EXPECT_EQ(coarse.grid.nx, 20);
    EXPECT_EQ(coarse.grid.ny, 15);
    EXPECT_DOUBLE_EQ(coarse.grid.x_west(), 500000.0);
    EXPECT_DOUBLE_EQ(coarse.grid.y_north(), 3850000.0);
    // Coarse cell (5, 5) centre = fine pixel coordinate (11, 11) -> 0.5*10.5 + 0.25*10.5.
    EXPECT_NEAR(coarse.z[5 * 20 + 5], 0.75 * 10.5, 1e-6);

    const auto other = floodsim::read_dem(p, "domain.dem", "EPSG:32650");
    EXPECT_EQ(srs_of(other.grid.crs_wkt).GetUTMZone(), 50);
    EXPECT_DOUBLE_EQ(other.grid.dx, 10.0);
    // 400 m x 300 m, rotated by the ~3.4 deg meridian convergence between the zones.
    EXPECT_NEAR(other.grid.nx, 42, 2);
    EXPECT_NEAR(other.grid.ny, 32, 2);
}

TEST(ReadDem, SrtmHgt) {
    TempDir tmp;
    const int n = 1201;
    const double step = 1.0 / 1200.0;
    std::vector<double> v(static_cast<std::size_t>(n) * n);
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(j) * n + i] = 100 + (i + j) / 10;
    for (int j = 600; j < 610; ++j)
        for (int i = 600; i < 610; ++i) v[static_cast<std::size_t>(j) * n + i] = -32768;
    GDALDataset* mem = driver("MEM")->Create("", n, n, 1, GDT_Int16, nullptr);
    double gt[6] = {113 - step / 2, step, 0, 35 + step / 2, 0, -step};
    mem->SetGeoTransform(gt);
    mem->SetProjection(wkt_for("EPSG:4326").c_str());
    mem->GetRasterBand(1)->SetNoDataValue(-32768);
    ASSERT_EQ(mem->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, n, n, v.data(), n, n, GDT_Float64,
                                              0, 0, nullptr),
              CE_None);
    const std::string p = tmp.file("N34E113.hgt");
    GDALDataset* hgt = driver("SRTMHGT")->CreateCopy(p.c_str(), mem, FALSE, nullptr, nullptr, nullptr);
    ASSERT_NE(hgt, nullptr) << CPLGetLastErrorMsg();
    GDALClose(hgt);
    GDALClose(mem);

    EXPECT_TRUE(floodsim::is_raster(p));
    const auto dem = floodsim::read_dem(p, "domain.dem");
    EXPECT_EQ(srs_of(dem.grid.crs_wkt).GetUTMZone(), 49);
    // 3" at 34.5N: ~76 m east-west, ~92 m north-south -> ~84 m square cells.
    EXPECT_NEAR(dem.grid.dx, 84.0, 1.5);
    EXPECT_EQ(dem.grid.dx, dem.grid.dy);
    // 1 deg of latitude (~110.9 km), plus the tilt of the tile in the UTM zone.
    EXPECT_GT(dem.grid.ny * dem.grid.dy, 110.5e3);
    EXPECT_LT(dem.grid.ny * dem.grid.dy, 116e3);
    std::size_t nan_cells = 0;
    double zmin = 1e9, zmax = -1e9;
    for (double z : dem.z) {
        if (std::isnan(z)) { ++nan_cells; continue; }
        zmin = std::min(zmin, z);
        zmax = std::max(zmax, z);
    }
    EXPECT_GT(nan_cells, 0u);
    EXPECT_GE(zmin, 99.9);
    EXPECT_LE(zmax, 340.1);
}

TEST(ReadDem, NanThatIsNotNodataNamesTheCell) {
    TempDir tmp;
    const std::string p = tmp.file("dem.tif");
    auto v = ramp(6, 4);
    v[2 * 6 + 3] = kNaN;
    write_raster(p, 6, 4, {500000, 10, 0, 3850000, 0, -10}, "EPSG:32649", v, GDT_Float32, -9999.0);
    try {
        floodsim::read_dem(p, "domain.dem");
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_EQ(e.file(), p);
        EXPECT_EQ(e.key(), "domain.dem");
        EXPECT_NE(e.value().find("(3, 2)"), std::string::npos) << e.what();
    }
    // NaN declared as the nodata value is simply outside.
    write_raster(p, 6, 4, {500000, 10, 0, 3850000, 0, -10}, "EPSG:32649", v, GDT_Float32, kNaN);
    EXPECT_TRUE(std::isnan(floodsim::read_dem(p, "domain.dem").z[15]));
}

TEST(ReadDem, BadInputs) {
    TempDir tmp;
    const std::string missing = tmp.file("nope.tif");
    std::string msg = expect_input_error([&] { floodsim::read_dem(missing, "domain.dem"); });
    EXPECT_NE(msg.find("not found"), std::string::npos) << msg;
    EXPECT_FALSE(floodsim::is_raster(missing));

    const std::string text = tmp.file("notes.tif");
    std::ofstream(text) << "This is not a raster, just some words.\n";
    msg = expect_input_error([&] { floodsim::read_dem(text, "domain.dem"); });
    EXPECT_NE(msg.find("not a raster"), std::string::npos) << msg;
    EXPECT_FALSE(floodsim::is_raster(text));

    const std::string rotated = tmp.file("rot.tif");
    write_raster(rotated, 4, 4, {500000, 10, 1, 3850000, 1, -10}, "EPSG:32649", ramp(4, 4));
    msg = expect_input_error([&] { floodsim::read_dem(rotated, "domain.dem"); });
    EXPECT_NE(msg.find("rotation"), std::string::npos) << msg;

    const std::string feet = tmp.file("feet.tif");
    write_raster(feet, 4, 4, {6000000, 30, 0, 2000000, 0, -30}, "EPSG:2227", ramp(4, 4));
    msg = expect_input_error([&] { floodsim::read_dem(feet, "domain.dem"); });
    EXPECT_NE(msg.find("units"), std::string::npos) << msg;

    const std::string ok = tmp.file("ok.tif");
    write_raster(ok, 4, 4, {500000, 10, 0, 3850000, 0, -10}, "EPSG:32649", ramp(4, 4));
    EXPECT_TRUE(floodsim::is_raster(ok));
    msg = expect_input_error([&] { floodsim::read_dem(ok, "domain.dem", "not a crs"); });
    EXPECT_NE(msg.find("not a crs"), std::string::npos) << msg;
    msg = expect_input_error([&] { floodsim::read_dem(ok, "domain.dem", "EPSG:4326"); });
    EXPECT_NE(msg.find("projected"), std::string::npos) << msg;
    expect_input_error([&] { floodsim::read_dem(ok, "domain.dem", "", -5.0); });

    const std::string empty = tmp.file("empty.tif");
    write_raster(empty, 2, 2, {500000, 10, 0, 3850000, 0, -10}, "EPSG:32649",
                 {-1, -1, -1, -1}, GDT_Float32, -1.0);
    expect_input_error([&] { floodsim::read_dem(empty, "domain.dem"); });
}

namespace {
floodsim::Grid2D test_grid() {
    auto g = floodsim::Grid2D::make(20, 16, 10, 10, 500000, 3850000);
    g.crs_wkt = wkt_for("EPSG:32649");
    return g;
}
}  // namespace

TEST(ReadRasterOnGrid, SameGridIsReadDirectly) {
    TempDir tmp;
    const auto g = test_grid();
    const std::string p = tmp.file("n.tif");
    auto v = ramp(20, 16);
    v[3] = -1;
    write_raster(p, 20, 16, g.geotransform, "EPSG:32649", v, GDT_Float64, -1.0);

    // Cell 3 is nodata: fine if outside the domain, an error if inside.
    std::vector<double> mask(g.cells(), 0.0);
    mask[3] = kNaN;
    auto out = floodsim::read_raster_on_grid(p, "domain.manning", g, mask);
    for (std::size_t k = 0; k < v.size(); ++k)
        if (k != 3) {
            EXPECT_DOUBLE_EQ(out[k], v[k]);
        }
    try {
        floodsim::read_raster_on_grid(p, "domain.manning", g, {});
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_EQ(e.key(), "domain.manning");
        EXPECT_EQ(e.value(), "x=500035, y=3849995");
    }

    // A raster without CRS is taken to be on the grid's CRS.
    const std::string bare = tmp.file("bare.tif");
    write_raster(bare, 20, 16, g.geotransform, "", ramp(20, 16));
    EXPECT_EQ(floodsim::read_raster_on_grid(bare, "k", g, {}), ramp(20, 16));
}

TEST(ReadRasterOnGrid, CoarserRasterIsBilinear) {
    TempDir tmp;
    const auto g = test_grid();
    const std::string p = tmp.file("coarse.tif");
    // 20 m raster over the same extent, f = linear in map coordinates.
    const auto f = [](double x, double y) { return 0.01 * (x - 500000) + 0.02 * (y - 3849800); };
    std::vector<double> v(10 * 8);
    for (int j = 0; j < 8; ++j)
        for (int i = 0; i < 10; ++i) v[j * 10 + i] = f(500000 + 20 * (i + 0.5), 3850000 - 20 * (j + 0.5));
    write_raster(p, 10, 8, {500000, 20, 0, 3850000, 0, -20}, "EPSG:32649", v, GDT_Float64);

    const auto out = floodsim::read_raster_on_grid(p, "initial.depth", g, {});
    ASSERT_EQ(out.size(), g.cells());
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
            const double z = out[j * g.nx + i];
            ASSERT_TRUE(std::isfinite(z));
            if (i > 0 && j > 0 && i < g.nx - 1 && j < g.ny - 1) {
                EXPECT_NEAR(z, f(g.x_center(i), g.y_center(j)), 1e-9) << i << "," << j;
            }
        }
}

TEST(ReadRasterOnGrid, OtherCrsIsWarped) {
    TempDir tmp;
    // Grid in UTM 49N near 113.3E 34.8N; raster in lon/lat, linear in lon/lat.
    double x0 = 113.3, y0 = 34.8;
    ASSERT_TRUE(transform(wkt_for("EPSG:4326"), wkt_for("EPSG:32649"))->Transform(1, &x0, &y0));
    auto g = floodsim::Grid2D::make(20, 16, 50, 50, std::round(x0) - 500, std::round(y0) + 400);
    g.crs_wkt = wkt_for("EPSG:32649");
    const std::string p = tmp.file("geo.tif");
    write_geographic_dem(p);
    const std::vector<double> mask_nodata_block = [&] {
        // Keep the nodata block of the test DEM out of the domain.
        std::vector<double> m(g.cells(), 0.0);
        auto to_geo = transform(g.crs_wkt, wkt_for("EPSG:4326"));
        for (int j = 0; j < g.ny; ++j)
            for (int i = 0; i < g.nx; ++i) {
                double x = g.x_center(i), y = g.y_center(j);
                to_geo->Transform(1, &x, &y);
                const double fi = (x - kGeoWest) / kGeoStep, fj = (kGeoNorth - y) / kGeoStep;
                if (std::abs(fi - 10.5) < 3 && std::abs(fj - 20.5) < 3) m[j * g.nx + i] = kNaN;
            }
        return m;
    }();
    const auto out = floodsim::read_raster_on_grid(p, "initial.water_level", g, mask_nodata_block);
    auto to_geo = transform(g.crs_wkt, wkt_for("EPSG:4326"));
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
            if (std::isnan(mask_nodata_block[j * g.nx + i])) continue;
            double x = g.x_center(i), y = g.y_center(j);
            to_geo->Transform(1, &x, &y);
            EXPECT_NEAR(out[j * g.nx + i], geo_z(x, y), 0.3) << i << "," << j;
        }
}

TEST(ReadRasterOnGrid, PartialCoverageNamesTheFirstUncoveredCell) {
    TempDir tmp;
    const auto g = test_grid();
    const std::string p = tmp.file("west.tif");
    // Covers only the western 100 m (cells 0..9) of the 200 m wide grid.
    write_raster(p, 10, 16, {500000, 10, 0, 3850000, 0, -10}, "EPSG:32649", ramp(10, 16));
    try {
        floodsim::read_raster_on_grid(p, "domain.manning", g, {});
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_EQ(e.file(), p);
        EXPECT_EQ(e.value(), "x=500105, y=3849995") << e.what();
    }
    // Fine when the uncovered half is outside the domain.
    std::vector<double> mask(g.cells(), 1.0);
    for (int j = 0; j < g.ny; ++j)
        for (int i = 10; i < g.nx; ++i) mask[j * g.nx + i] = kNaN;
    const auto out = floodsim::read_raster_on_grid(p, "domain.manning", g, mask);
    EXPECT_DOUBLE_EQ(out[2 * g.nx + 4], 100 + 4 + 20);
}
