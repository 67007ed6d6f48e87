// Fuzz target: vector files through OGR (read_vector: layers, geometries, attributes, CRS) and
// their rasterisation on a small grid (cells_in_polygon, cells_on_line). The input is written as
// features.geojson; OGR identifies the content itself, so other formats it finds are read too.
#include "fuzz/fuzz_input.hpp"
#include "mesh/input_error.hpp"
#include "mesh/rasterize.hpp"
#include "mesh/vector_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    floodsim::fuzz::quiet_libraries();
    const std::string path = floodsim::fuzz::write_input("features.geojson", data, size);
    const floodsim::Grid2D grid = floodsim::Grid2D::make(40, 30, 10.0, 10.0, 708000.0, 3854300.0);
    try {
        const auto features = floodsim::read_vector({path, "buildings.file", "", "buildings.layer"}, "", {"h"}, "buildings.height_field");
        for (const floodsim::VectorFeature& f : features) {
            for (const auto& poly : f.polygons) (void)floodsim::cells_in_polygon(grid, poly);
            for (const auto& line : f.lines) (void)floodsim::cells_on_line(grid, line);
        }
    } catch (const floodsim::InputError&) {
    }
    return 0;
}
