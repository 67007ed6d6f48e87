#include "engine/storm_cell_grids.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "mesh/input_error.hpp"
#include "io/geotiff_writer.hpp"
#include "mesh/raster_io.hpp"

namespace floodsim {

StormCellGridsSummary write_storm_cell_grids(const StormCellGridsRequest& r) {
    namespace fs = std::filesystem;
    const DemGrid dem = read_dem(r.dem, r.dem_key);
    const Grid2D& g = dem.grid;
    std::vector<double> xs(g.nx), ys(g.ny);
    for (int i = 0; i < g.nx; ++i) xs[i] = g.x_center(i);
    for (int j = 0; j < g.ny; ++j) ys[j] = g.y_center(j);

    std::error_code ec;
    fs::create_directories(r.out_dir, ec);
    if (ec || !fs::is_directory(r.out_dir))
        throw InputError(r.out_dir, r.out_key, r.out_dir, "cannot create the folder");
    const fs::path dir(r.out_dir);
    StormCellGridsSummary s;
    s.nx = g.nx;
    s.ny = g.ny;
    s.index = (dir / "rain_grids.csv").string();
    std::ostringstream csv;
    if (!r.description.empty()) csv << "# " << r.description << "\n";
    csv << "# each grid: the storm cell's mean intensity (mm/h) over its step on the DEM's grid; the last (zero) "
           "grid ends the storm\ntime_s,file\n";
    const long steps = static_cast<long>(std::ceil(r.duration_s / r.step_s - 1e-9));
    char name[32], time[32];
    for (long k = 0; k <= steps; ++k) {
        const double t0 = static_cast<double>(k) * r.step_s, t1 = std::min(r.duration_s, t0 + r.step_s);
        std::vector<double> v(xs.size() * ys.size(), 0.0);
        if (k < steps) {
            const double peak = hyetograph_depth_mm(r.peak, t0, t1) * 3600.0 / (t1 - t0);
            v = storm_cell_grid(r.cell, peak, t0, t1, xs, ys);
            double sum = 0;
            for (double x : v) sum += x;
            s.grid_volume_m3 += sum / 3.6e6 * g.cell_area() * (t1 - t0);
            s.cell_volume_m3 += peak / 3.6e6 * storm_cell_area_m2(r.cell) * (t1 - t0);
        }
        std::snprintf(name, sizeof name, "cell_%05ld.tif", k);
        std::snprintf(time, sizeof time, "%.10g", t0);
        try {
            write_geotiff((dir / name).string(), g, v);
        } catch (const std::runtime_error& e) {
            throw InputError((dir / name).string(), r.out_key, "", e.what());
        }
        csv << time << "," << name << "\n";
    }
    s.grids = steps + 1;
    std::ofstream f(s.index);
    f << csv.str();
    f.close();
    if (!f) throw InputError(s.index, r.out_key, s.index, "error writing the index");
    return s;
}

}  // namespace floodsim
