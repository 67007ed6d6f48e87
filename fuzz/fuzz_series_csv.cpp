// Fuzz target: CSV time series (rain and boundary series). The first byte picks the value
// column and whether values must be non-negative; the rest is the file.
#include "fuzz/fuzz_input.hpp"
#include "mesh/input_error.hpp"
#include "scenarios/series_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const bool rain = (data[0] & 1) != 0;
    const std::string path = floodsim::fuzz::write_input("series.csv", data + 1, size - 1);
    try {
        floodsim::read_series_csv(path, rain ? "rain.series" : "boundary[0].series",
                                  rain ? "intensity_mm_h" : "value", rain);
    } catch (const floodsim::InputError&) {
    }
    return 0;
}
