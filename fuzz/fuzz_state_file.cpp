// Fuzz target: state files (HDF5; docs/state-file.md) read for a run, in both precisions.
#include "fuzz/fuzz_input.hpp"
#include "io/state_file.hpp"
#include "mesh/input_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    floodsim::fuzz::quiet_libraries();
    const std::string path = floodsim::fuzz::write_input("state.h5", data, size);
    floodsim::StateFileInfo info;
    try {
        floodsim::read_state_file<double>(path, &info);
    } catch (const floodsim::InputError&) {
    }
    try {
        floodsim::read_state_file<float>(path, &info);
    } catch (const floodsim::InputError&) {
    }
    return 0;
}
