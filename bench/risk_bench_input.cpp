// Input for bench/risk.sh (issue 12's speed goal: `floodsim risk` on a 1000 x 1000 result with
// 100 frames in under 10 s): a result file written by io/'s writer with smooth, partly dry depth
// fields (a rising then falling water level over a wavy terrain), velocities, and an assets file
// of points, lines and polygons spread over the grid.
//   risk_bench_input OUT_DIR [NX NY FRAMES ASSETS]   (default 1000 1000 100 1000)
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "io/hdf5_result_writer.hpp"

namespace {

const char* kUtm49N =
    "PROJCS[\"WGS 84 / UTM zone 49N\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,"
    "298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,"
    "AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],"
    "AUTHORITY[\"EPSG\",\"4326\"]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],"
    "PARAMETER[\"central_meridian\",111],PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_easting\",500000],"
    "PARAMETER[\"false_northing\",0],UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],AXIS[\"Easting\",EAST],"
    "AXIS[\"Northing\",NORTH],AUTHORITY[\"EPSG\",\"32649\"]]";
constexpr double kDx = 5.0, kWest = 700000.0, kNorth = 3860000.0;

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: risk_bench_input OUT_DIR [NX NY FRAMES ASSETS]\n");
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    const int nx = argc > 2 ? std::atoi(argv[2]) : 1000, ny = argc > 3 ? std::atoi(argv[3]) : 1000;
    const int frames = argc > 4 ? std::atoi(argv[4]) : 100, n_assets = argc > 5 ? std::atoi(argv[5]) : 1000;
    std::filesystem::create_directories(dir);
    const auto t0 = std::chrono::steady_clock::now();
    floodsim::skip_hdf5_cleanup_at_exit();

    floodsim::ResultMetadata m;
    m.nx = nx;
    m.ny = ny;
    m.crs_wkt = kUtm49N;
    m.geotransform = {kWest, kDx, 0.0, kNorth, 0.0, -kDx};
    m.scenario_text = "format = 1\n[time]\nduration = \"10h\"\n";
    m.floodsim_version = "bench";
    m.scheme = "fv1";
    m.write_velocity = true;
    const std::size_t n = static_cast<std::size_t>(nx) * ny;
    std::vector<float> z(n), d(n), u(n), v(n), max_d(n, 0.0f), max_s(n, 0.0f), arrival(n, NAN);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i)
            z[static_cast<std::size_t>(j) * nx + i] =
                static_cast<float>(0.8 * std::sin(i / 37.0) * std::cos(j / 53.0) + 0.4 * std::sin((i + j) / 91.0));
    {
        floodsim::Hdf5ResultWriter w((dir / "result.h5").string(), m);
        for (int f = 0; f < frames; ++f) {
            const double time = 360.0 * f;
            const double h = -0.6 + 1.8 * std::sin(M_PI * f / std::max(1, frames - 1));  // rises, then falls
            for (int j = 0; j < ny; ++j)
                for (int i = 0; i < nx; ++i) {
                    const std::size_t c = static_cast<std::size_t>(j) * nx + i;
                    if (i + j < 40) {  // a corner outside the domain
                        d[c] = u[c] = v[c] = max_d[c] = max_s[c] = nan;
                        continue;
                    }
                    d[c] = static_cast<float>(std::max(0.0, h - z[c]));
                    u[c] = static_cast<float>(0.8 * d[c] * std::cos(j / 29.0));
                    v[c] = static_cast<float>(-0.6 * d[c] * std::sin(i / 31.0));
                    max_d[c] = std::max(max_d[c], d[c]);
                    max_s[c] = std::max(max_s[c], std::hypot(u[c], v[c]));
                    if (d[c] > 0.01f && std::isnan(arrival[c])) arrival[c] = static_cast<float>(time);
                }
            w.write_frame(time, d.data(), u.data(), v.data());
        }
        w.finish(max_d.data(), max_s.data(), arrival.data(), 1000, 1.0);
    }
    // Assets: points on a lattice, every tenth a 40 m square, every tenth (offset) a 500 m road.
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    const std::string path = (dir / "assets.gpkg").string();
    std::filesystem::remove(path);
    GDALDatasetUniquePtr ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    OGRSpatialReference srs;
    srs.importFromWkt(kUtm49N);
    OGRLayer* layer = ds->CreateLayer("assets", &srs, wkbUnknown, nullptr);
    OGRFieldDefn id("id", OFTString), name("name", OFTString);
    layer->CreateField(&id);
    layer->CreateField(&name);
    const int side = static_cast<int>(std::ceil(std::sqrt(n_assets)));
    if (layer->StartTransaction() != OGRERR_NONE) return 1;
    for (int k = 0; k < n_assets; ++k) {
        const double x = kWest + (60 + (k % side) * (nx - 120.0) / side) * kDx;
        const double y = kNorth - (60 + (k / side) * (ny - 120.0) / side) * kDx;
        OGRFeature f(layer->GetLayerDefn());
        char id[32], name[32];
        std::snprintf(id, sizeof id, "a%d", k);
        std::snprintf(name, sizeof name, "asset %d", k);
        f.SetField("id", id);
        f.SetField("name", name);
        char wkt[256];
        if (k % 10 == 3)
            std::snprintf(wkt, sizeof wkt, "POLYGON ((%f %f,%f %f,%f %f,%f %f,%f %f))", x, y, x + 40, y, x + 40, y + 40,
                          x, y + 40, x, y);
        else if (k % 10 == 7)
            std::snprintf(wkt, sizeof wkt, "LINESTRING (%f %f,%f %f)", x, y, x + 400, y - 300);
        else
            std::snprintf(wkt, sizeof wkt, "POINT (%f %f)", x, y);
        OGRGeometry* g = nullptr;
        OGRGeometryFactory::createFromWkt(wkt, &srs, &g);
        f.SetGeometryDirectly(g);
        if (layer->CreateFeature(&f) != OGRERR_NONE) return 1;
    }
    if (layer->CommitTransaction() != OGRERR_NONE) return 1;
    std::printf("wrote %s and %s: %d x %d cells, %d frames, %d assets in %.1f s\n", (dir / "result.h5").c_str(),
                path.c_str(), nx, ny, frames, n_assets,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return 0;
}
