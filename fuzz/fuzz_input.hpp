#pragma once
// Shared by the fuzz targets (docs/robustness.md): the loaders read files, so each input is
// written to a file in a private folder of this process first, beside the fixed companions a
// target needs (a small DEM, CSV series).
#include <cstddef>
#include <cstdint>
#include <string>

namespace floodsim::fuzz {

/// The process's private folder (created on first use, removed at exit).
const std::string& work_dir();

/// Writes `size` bytes to work_dir()/name and returns the path.
std::string write_input(const std::string& name, const uint8_t* data, size_t size);

/// Writes text to work_dir()/name (companion files) and returns the path.
std::string write_text(const std::string& name, const std::string& text);

/// Quiet GDAL and HDF5 error printing (one call per process; the messages are noise here: the
/// loaders turn every failure into an InputError).
void quiet_libraries();

}  // namespace floodsim::fuzz

// Every target: bad input must end in floodsim::InputError (exit 2 in the CLI). Any other
// exception, a crash, a leak or undefined behaviour is a finding.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
