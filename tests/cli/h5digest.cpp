// h5digest FILE [SKIP_ATTR...]: prints one line per attribute and dataset of an HDF5 file with a
// hash of its values (cli_util.hpp's h5_digest). Used to make the reference digests of
// tests/data/reference/ from the result files of a known-good floodsim.
#include "cli_util.hpp"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: h5digest FILE [SKIP_ATTRIBUTE...]\n");
        return 2;
    }
    const std::vector<std::string> skip(argv + 2, argv + argc);
    for (const auto& [path, hash] : floodsim_test::h5_digest(argv[1], skip))
        std::printf("%s %s\n", path.c_str(), hash.c_str());
    return 0;
}
