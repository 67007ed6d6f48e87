// Fuzz target: result files read by `floodsim info` (HDF5; docs/result-file.md).
#include "fuzz/fuzz_input.hpp"
#include "io/result_info.hpp"
#include "mesh/input_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    floodsim::fuzz::quiet_libraries();
    const std::string path = floodsim::fuzz::write_input("result.h5", data, size);
    try {
        (void)floodsim::describe_result(path);
    } catch (const floodsim::InputError&) {
    }
    return 0;
}
