// The default example's result files, whole, against those of floodsim 0.1.0 (before the
// library layer): every dataset and attribute of all three schemes in both precisions must be
// bitwise the same, except the run's wall time, the version string and the precision attribute
// that 0.1.0 did not write. References: tests/data/reference/urban-example.digest, made with
// tests/cli/h5digest from the 0.1.0 results (same machine kind; -march=native build); the fv1 rows
// were re-based when fv1's face fluxes became friction-limited on thin sheets (issue 9), the
// inertial rows when its results stopped depending on the thread count and on a cell's place in
// its row (issue 14, docs/parallel.md).
#include "cli_util.hpp"

namespace {

using namespace floodsim_test;

const fs::path kSource = FLOODSIM_SOURCE_DIR;

/// variant ("fv1_double") -> object path -> hash
std::map<std::string, std::map<std::string, std::string>> read_reference() {
    std::ifstream f(kSource / "tests/data/reference/urban-example.digest");
    std::map<std::string, std::map<std::string, std::string>> ref;
    std::string line;
    while (std::getline(f, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream is(line);
        std::string variant, path, hash;
        is >> variant >> path >> hash;
        ref[variant][path] = hash;
    }
    return ref;
}

struct Variant {
    const char* scheme;
    const char* precision;
};

class ExampleRegression : public ::testing::TestWithParam<Variant> {};

TEST_P(ExampleRegression, ResultFileIsBitwiseTheOneOfVersion010) {
    const Variant v = GetParam();
    const std::string name = std::string(v.scheme) + "_" + v.precision;
    const auto ref = read_reference();
    ASSERT_TRUE(ref.count(name)) << "no reference for " << name;

    TempDir d;
    const fs::path example = kSource / "examples/urban";
    for (const char* f : {"dem.asc", "dem.prj", "rain.csv"}) fs::copy_file(example / f, d / f);
    // The same text as the 0.1.0 runs had (the scenario is stored in the file).
    const std::string text =
        replace_once(read_text(example / "urban.toml"), "scheme = \"fv1\"",
                     std::string("scheme = \"") + v.scheme + "\"\nprecision = \"" + v.precision + "\"");
    write_text(d / "urban.toml", text);
    const fs::path out = d / "out.h5";
    const ProcResult r =
        run_floodsim({"run", (d / "urban.toml").string(), "--quiet", "--threads", "2", "--output", out.string()});
    ASSERT_EQ(r.status, 0) << describe(r);

    const auto got = h5_digest(out, {"wall_time_s", "floodsim_version", "precision"});
    const auto& want = ref.at(name);
    for (const auto& [path, hash] : want) {
        auto it = got.find(path);
        if (it == got.end()) {
            ADD_FAILURE() << path << " is missing";
            continue;
        }
        EXPECT_EQ(it->second, hash) << path << " differs from 0.1.0's";
    }
    for (const auto& [path, hash] : got) EXPECT_TRUE(want.count(path)) << path << " is new (not in 0.1.0's file)";
}

INSTANTIATE_TEST_SUITE_P(AllSchemes, ExampleRegression,
                         ::testing::Values(Variant{"fv1", "double"}, Variant{"fv1", "single"}, Variant{"fv2", "double"},
                                           Variant{"fv2", "single"}, Variant{"inertial", "double"},
                                           Variant{"inertial", "single"}),
                         [](const auto& info) { return std::string(info.param.scheme) + "_" + info.param.precision; });

}  // namespace
