// Fuzz target: rain grids (rain.grids), loaded and built into a model as `floodsim check` does.
// The first byte picks what the rest is: even, the CSV index (read_rain_grid_index: header,
// times, paths resolved against its folder), named by a fixed scenario whose folder holds a small
// DEM and two ASCII rain grids for it to name; odd, a raster of bands (written as radar.bin;
// GDAL identifies the format itself: netCDF, GeoTIFF, GRIB, ...), named by a scenario without
// grid_interval, so the band times come from its metadata (raster_bands), then every band is
// warped onto the grid and checked.
#include <filesystem>

#include "engine/model_builder.hpp"
#include "fuzz/fuzz_input.hpp"
#include "mesh/input_error.hpp"

namespace {
void write_companions() {
    using floodsim::fuzz::write_text;
    std::filesystem::create_directories(floodsim::fuzz::work_dir() + "/radar");
    const std::string head = "ncols 6\nnrows 5\nxllcorner 708000\nyllcorner 3854000\ncellsize 10\nNODATA_value -9999\n";
    write_text("dem.asc",
               head + "12 11 10 10 11 12\n11 10 9 9 10 11\n10 9 8 8 9 -9999\n11 10 9 9 10 11\n12 11 10 10 11 12\n");
    write_text("radar/a.asc",
               head + "5 5 5 10 10 10\n5 5 5 10 10 10\n5 5 5 10 10 -9999\n5 5 5 10 10 10\n5 5 5 10 10 10\n");
    write_text("radar/b.asc", head + "0 0 0 0 0 0\n1 1 1 1 1 1\n2 2 2 2 2 2\n3 3 3 3 3 3\n4 4 4 4 4 4\n");
    const std::string scen = "format = 1\n[domain]\ndem = \"dem.asc\"\n[time]\nduration = \"1h\"\n[rain]\n";
    write_text("index.toml", scen + "grids = \"radar/index.csv\"\n");
    write_text("bands.toml", scen + "grids = \"radar.bin\"\n");
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const bool ready = [] {
        floodsim::fuzz::quiet_libraries();
        write_companions();
        return true;
    }();
    (void)ready;
    if (size == 0) return 0;
    const bool bands = (data[0] & 1) != 0;
    floodsim::fuzz::write_input(bands ? "radar.bin" : "radar/index.csv", data + 1, size - 1);
    try {
        floodsim::load_model(floodsim::fuzz::work_dir() + (bands ? "/bands.toml" : "/index.toml"));
    } catch (const floodsim::InputError&) {
    }
    return 0;
}
