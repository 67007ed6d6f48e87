// Rain grids through the command line ([rain] grids; docs/processes.md): a CSV index of ASCII
// grids, a multi-band netCDF with CF band times and a GRIB2 file with valid times (made here with
// GDAL's netCDF and GRIB drivers), and a multi-band GeoTIFF with grid_interval, each on two closed basins separated by
// a nodata column; every basin stores exactly the integral of its intensities. Bad indexes and rasters: exit 2, one
// line naming the file, the key and the value, nothing written.
#include "cli_util.hpp"

#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>

namespace {

using namespace floodsim_test;

constexpr int kNx = 13, kNy = 10;               // column 6: nodata, between a west and an east basin
constexpr double kHalf = 6 * 10.0 * 10 * 10.0;  // m2 per basin

std::string header() {
    return "ncols 13\nnrows 10\nxllcorner 500000\nyllcorner 3800000\ncellsize 10\nNODATA_value -9999\n";
}

/// An ASCII grid whose cells take f(i, j) (j = 0 north).
void write_asc(const fs::path& p, const std::function<double(int, int)>& f) {
    std::string s = header();
    char buf[32];
    for (int j = 0; j < kNy; ++j) {
        for (int i = 0; i < kNx; ++i) {
            std::snprintf(buf, sizeof buf, "%s%g", i ? " " : "", f(i, j));
            s += buf;
        }
        s += "\n";
    }
    write_text(p, s);
}

void write_basins(const fs::path& dem) {
    write_asc(dem, [](int i, int) { return i == 6 ? -9999.0 : 10.0; });
}

/// A grid raining `west` mm/h on the west basin and `east` on the east one.
void write_halves(const fs::path& p, double west, double east) {
    write_asc(p, [=](int i, int) { return i < 6 ? west : east; });
}

std::string scenario(const std::string& rain, const std::string& duration) {
    return R"(format = 1
name = "grids"
[domain]
dem = "basins.asc"
manning = 0
[time]
duration = ")" +
           duration + R"("
output_interval = "10min"
gauge_interval = "1min"
[solver]
threads = 1
[rain]
)" + rain + R"([output]
file = "out/grids.h5"
)";
}

double last(hid_t f, const std::string& name) { return read_dataset<double>(f, name).v.back(); }

/// Runs the scenario, then checks each basin's depth (last frame) and the rain booked against
/// the mm fallen on each basin.
void expect_basins(const TempDir& d, double west_mm, double east_mm, const char* what) {
    const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    Hid f = open_h5(d / "out/grids.h5");
    const double rain = (west_mm + east_mm) / 1000.0 * kHalf;
    std::printf("%s: rain booked %.9f m3 (exact %.9f), stored %.9f m3, balance error %.1e m3\n", what,
                last(f, "/mass_balance/rain"), rain, last(f, "/mass_balance/volume"), last(f, "/mass_balance/error"));
    EXPECT_NEAR(last(f, "/mass_balance/rain"), rain, 1e-9 * rain) << what;
    EXPECT_NEAR(last(f, "/mass_balance/volume"), rain, 1e-9 * rain) << what;
    EXPECT_LT(std::abs(last(f, "/mass_balance/error")), 1e-9 * rain) << what;
    const auto depth = read_dataset<float>(f, "/depth");
    ASSERT_EQ(depth.dims.size(), 3u);
    const std::size_t cells = kNx * kNy, frame = (depth.dims[0] - 1) * cells;
    for (int j = 0; j < kNy; ++j)
        for (int i = 0; i < kNx; ++i) {
            const float h = depth.at(frame + j * kNx + i);
            if (i == 6) {
                EXPECT_TRUE(std::isnan(h)) << what;  // outside: no rain, no water
                continue;
            }
            const double want = (i < 6 ? west_mm : east_mm) / 1000.0;
            EXPECT_NEAR(h, want, 1e-6 * want) << what << " cell " << i << ", " << j;
        }
}

// A CSV index: 40 / 10 mm/h from 0, 0 / 25 from 605.5 s, 60 / 60 from 1500.7 s (times no step
// is made to land on), plus 5 mm/h of uniform rain; every scheme.
TEST(CliRainGrids, CsvIndexOfRastersRainsExactlyPerBasin) {
    for (const char* scheme : {"fv1", "fv2", "inertial"}) {
        TempDir d;
        write_basins(d / "basins.asc");
        write_halves(d / "grids/a.asc", 40.0, 10.0);
        write_halves(d / "grids/b.asc", 0.0, 25.0);
        write_halves(d / "grids/c.asc", 60.0, 60.0);
        write_text(d / "grids/index.csv", "# radar nowcast\ntime_s,file\n0,a.asc\n605.5,b.asc\n1500.7,\"c.asc\"\n");
        write_text(d / "s.toml", replace_once(scenario("intensity_mm_h = 5.0\ngrids = \"grids/index.csv\"\n", "30min"),
                                              "threads = 1", std::string("threads = 1\nscheme = \"") + scheme + "\""));
        const double T = 1800.0;
        const double west = (40.0 * 605.5 + 0.0 * (1500.7 - 605.5) + 60.0 * (T - 1500.7) + 5.0 * T) / 3600.0;
        const double east = (10.0 * 605.5 + 25.0 * (1500.7 - 605.5) + 60.0 * (T - 1500.7) + 5.0 * T) / 3600.0;
        expect_basins(d, west, east, scheme);
    }
}

/// A multi-band raster of the basins' grid: band b rains (b + 1) * 10 mm/h west, (b + 1) * 5
/// east; with `times`, the bands carry NETCDF_DIM_time in minutes (0, 15, 30) (GeoTIFF keeps them
/// as band metadata too).
void write_multiband(const fs::path& p, const char* driver, bool times = true) {
    GDALAllRegister();
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDataset* ds = mem->Create("", kNx, kNy, 3, GDT_Float32, nullptr);
    double gt[6] = {500000.0, 10.0, 0.0, 3800100.0, 0.0, -10.0};
    ds->SetGeoTransform(gt);
    std::vector<float> v(kNx * kNy);
    for (int b = 0; b < 3; ++b) {
        for (int j = 0; j < kNy; ++j)
            for (int i = 0; i < kNx; ++i) v[j * kNx + i] = static_cast<float>((b + 1) * (i < 6 ? 10.0 : 5.0));
        GDALRasterBand* band = ds->GetRasterBand(b + 1);
        ASSERT_EQ(band->RasterIO(GF_Write, 0, 0, kNx, kNy, v.data(), kNx, kNy, GDT_Float32, 0, 0, nullptr), CE_None);
        if (times) band->SetMetadataItem("NETCDF_DIM_time", std::to_string(15 * b).c_str());
    }
    if (times) {
        ds->SetMetadataItem("NETCDF_DIM_EXTRA", "{time}");
        ds->SetMetadataItem("NETCDF_DIM_time_DEF", "{3,6}");
        ds->SetMetadataItem("NETCDF_DIM_time_VALUES", "{0,15,30}");
        ds->SetMetadataItem("time#units", "minutes since 2021-07-20 08:00:00");
    }
    // GRIB2: a CRS (UTM 49N), the reference time and each band's forecast minutes (0, 15, 30),
    // which GDAL reads back as GRIB_VALID_TIME; floats stored as IEEE (exact).
    CPLStringList options;
    if (std::string(driver) == "GRIB") {
        OGRSpatialReference utm;
        utm.importFromEPSG(32649);
        ds->SetSpatialRef(&utm);
        const auto pds = [](int minutes) {
            return "1 8 2 0 96 0 0 0 0 0 0 0 " + std::to_string(minutes) + " 1 0 0 0 0 0 255 255 255 255 255 255";
        };
        options.SetNameValue("DISCIPLINE", "0");
        options.SetNameValue("IDS",
                             "CENTER=7 SUBCENTER=0 MASTER_TABLE=2 SIGNF_REF_TIME=1 "
                             "REF_TIME=2021-07-20T08:00:00Z PROD_STATUS=0 TYPE=1");
        options.SetNameValue("PDS_TEMPLATE_NUMBERS", pds(0).c_str());
        options.SetNameValue("BAND_2_PDS_TEMPLATE_NUMBERS", pds(15).c_str());
        options.SetNameValue("BAND_3_PDS_TEMPLATE_NUMBERS", pds(30).c_str());
        options.SetNameValue("DATA_ENCODING", "IEEE_FLOATING_POINT");
    }
    GDALDriver* out = GetGDALDriverManager()->GetDriverByName(driver);
    ASSERT_NE(out, nullptr) << driver << " driver missing";
    GDALDataset* copy = out->CreateCopy(p.c_str(), ds, FALSE, options.List(), nullptr, nullptr);
    ASSERT_NE(copy, nullptr);
    GDALClose(copy);
    GDALClose(ds);
}

// 40 minutes: band 1 for 15 min, band 2 for 15, band 3 for the last 10.
constexpr double kMultiWest = (10.0 * 15 + 20.0 * 15 + 30.0 * 10) / 60.0;
constexpr double kMultiEast = kMultiWest / 2;

TEST(CliRainGrids, MultiBandNetcdfTakesItsBandTimes) {
    TempDir d;
    write_basins(d / "basins.asc");
    write_multiband(d / "radar.nc", "netCDF");
    write_text(d / "s.toml", scenario("grids = \"radar.nc\"\n", "40min"));
    expect_basins(d, kMultiWest, kMultiEast, "netCDF, NETCDF_DIM_time");
}

TEST(CliRainGrids, MultiBandGribTakesItsValidTimes) {
    TempDir d;
    write_basins(d / "basins.asc");
    write_multiband(d / "radar.grb2", "GRIB", false);
    write_text(d / "s.toml", scenario("grids = \"radar.grb2\"\n", "40min"));
    expect_basins(d, kMultiWest, kMultiEast, "GRIB2, GRIB_VALID_TIME");
}

TEST(CliRainGrids, MultiBandGeoTiffTakesGridInterval) {
    TempDir d;
    write_basins(d / "basins.asc");
    write_multiband(d / "radar.tif", "GTiff", false);
    write_text(d / "s.toml", scenario("grids = \"radar.tif\"\ngrid_interval = \"15min\"\n", "40min"));
    expect_basins(d, kMultiWest, kMultiEast, "GeoTIFF, grid_interval");
    // Without the interval the GeoTIFF's bands have no times: refused.
    write_text(d / "s.toml", scenario("grids = \"radar.tif\"\n", "40min"));
    fs::remove_all(d / "out");
    const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_NE(r.err.find("radar.tif"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("rain.grids"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("3 bands"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(d / "out"));
}

// Two 1.2 KB netCDF files found by fuzzing (tests/data/damaged/): their headers claim variables
// and attributes of gigabytes, which libnetcdf allocated (and, for the attribute, filled: 7.7 GB
// and 30 s) before failing. The header is checked first: refused at once, exit 2.
TEST(CliRainGrids, DamagedNetcdfHeadersAreRefusedBeforeLibnetcdfReadsThem) {
    for (const char* name : {"netcdf_huge_attribute.nc", "netcdf_huge_variable.nc"}) {
        TempDir d;
        write_basins(d / "basins.asc");
        fs::copy_file(fs::path(FLOODSIM_SOURCE_DIR) / "tests/data/damaged" / name, d / "radar.nc");
        write_text(d / "s.toml", scenario("grids = \"radar.nc\"\n", "40min"));
        const auto t0 = std::chrono::steady_clock::now();
        const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        EXPECT_EQ(r.status, 2) << describe(r);
        EXPECT_NE(r.err.find("radar.nc"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("rain.grids"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("damaged netCDF"), std::string::npos) << r.err;
        EXPECT_LT(wall, 10.0) << name;
        EXPECT_FALSE(fs::exists(d / "out"));
    }
}

// Bad input: exit 2, one line naming the file, the key and the value; nothing written.
TEST(CliRainGrids, BadGridsAreRefused) {
    TempDir d;
    write_basins(d / "basins.asc");
    write_halves(d / "a.asc", 10.0, 20.0);
    const auto refused = [&](const std::string& index, std::vector<std::string> parts) {
        write_text(d / "index.csv", index);
        write_text(d / "s.toml", scenario("grids = \"index.csv\"\n", "1min"));
        const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
        EXPECT_EQ(r.status, 2) << describe(r);
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        for (const std::string& p : parts) EXPECT_NE(r.err.find(p), std::string::npos) << p << " not in " << r.err;
        EXPECT_FALSE(fs::exists(d / "out"));
    };
    const std::string csv = (d / "index.csv").string();
    refused("time_s,file\n0,a.asc\n60,missing.asc\n",
            {csv, "rain.grids row 3 column file", "missing.asc", "not found"});
    refused("time_s,file\n0,a.asc\n0,a.asc\n", {csv, "rain.grids row 3 column time_s", "'0'", "strictly increasing"});
    refused("time_s,file\n60,a.asc\n30,a.asc\n", {csv, "rain.grids row 3 column time_s", "'30'"});
    refused("time,file\n0,a.asc\n", {csv, "rain.grids row 1", "time_s"});
    // A raster that does not cover the domain: only the west 6 columns.
    write_text(
        d / "small.asc",
        "ncols 6\nnrows 10\nxllcorner 500000\nyllcorner 3800000\ncellsize 10\n"
        "NODATA_value -9999\n" +
            [] {
                std::string s;
                for (int j = 0; j < 10; ++j) s += "1 1 1 1 1 1\n";
                return s;
            }());
    refused("time_s,file\n0,a.asc\n60,small.asc\n",
            {(d / "small.asc").string(), "rain.grids row 3", "x=500075", "does not cover"});
    // An ASCII grid whose header claims 5.7 million rows over a few bytes (GDAL's driver would
    // scan the file again for every missing row: minutes; found by fuzzing).
    write_text(d / "lying.asc", "ncols 13\nnrows 5707999\nxllcorner 500000\nyllcorner 3800000\ncellsize 10\n"
                                "NODATA_value -9999\n1 1 1 1 1 1 1 1 1 1 1 1 1\n");
    refused("time_s,file\n0,lying.asc\n", {(d / "lying.asc").string(), "rain.grids row 2", "13 x 5707999", "claims more cells"});
    // A negative intensity on a domain cell.
    write_halves(d / "neg.asc", 10.0, -2.0);
    refused("time_s,file\n0,neg.asc\n", {(d / "neg.asc").string(), "rain.grids row 2", "'-2'", ">= 0"});
    // A negative value on the nodata column only is outside the domain: accepted.
    write_asc(d / "outside.asc", [](int i, int) { return i == 6 ? -5.0 : 1.0; });
    write_text(d / "index.csv", "time_s,file\n0,outside.asc\n");
    const ProcResult ok = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    EXPECT_EQ(ok.status, 0) << describe(ok);
}

}  // namespace
