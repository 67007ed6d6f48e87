#include "fuzz/fuzz_input.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include <cpl_error.h>
#include <hdf5.h>
#include <unistd.h>

namespace floodsim::fuzz {
namespace fs = std::filesystem;

namespace {
std::string make_work_dir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/floodsim-fuzz-XXXXXX";
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("fuzz: cannot create a folder under " + tmpl);
    static std::string dir;  // removed at exit (std::atexit takes no captures)
    dir = tmpl;
    std::atexit([] {
        std::error_code ec;
        fs::remove_all(dir, ec);
    });
    return tmpl;
}
}  // namespace

const std::string& work_dir() {
    static const std::string dir = make_work_dir();
    return dir;
}

std::string write_input(const std::string& name, const uint8_t* data, size_t size) {
    const std::string path = work_dir() + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) throw std::runtime_error("fuzz: cannot write " + path);
    return path;
}

std::string write_text(const std::string& name, const std::string& text) {
    return write_input(name, reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

void quiet_libraries() {
    static const bool done = [] {
        CPLSetErrorHandler(CPLQuietErrorHandler);
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        return true;
    }();
    (void)done;
}

}  // namespace floodsim::fuzz
