// Fuzz target: DEM rasters through GDAL (read_dem: nodata, CRS, warping, elevation sanity).
// The input is written as dem.asc (ESRI ASCII grid: the format of hand-edited and exported
// DEMs); GDAL identifies the content itself, so other formats it finds in the bytes are read too.
#include "fuzz/fuzz_input.hpp"
#include "mesh/input_error.hpp"
#include "mesh/raster_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    floodsim::fuzz::quiet_libraries();
    const std::string path = floodsim::fuzz::write_input("dem.asc", data, size);
    try {
        floodsim::read_dem(path, "domain.dem");
    } catch (const floodsim::InputError&) {
    }
    return 0;
}
