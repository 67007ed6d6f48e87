// Batch systems limit OpenMP from the environment. `floodsim run --threads 2` under
// OMP_THREAD_LIMIT=1 (and with OMP_DYNAMIC=true) gets a team of one thread: the result file must
// be bitwise the one of `--threads 1` (the `threads` attribute, which records the count asked,
// and the wall time aside), for every scheme, and the run must finish as fast as a 1-thread run.
#include <chrono>

#include "cli_util.hpp"

namespace {

using namespace floodsim_test;

const fs::path kSource = FLOODSIM_SOURCE_DIR;

class OmpEnvironment : public ::testing::TestWithParam<const char*> {};

TEST_P(OmpEnvironment, SmallerTeamThanAskedGivesTheOneThreadResult) {
    TempDir d;
    const fs::path example = kSource / "examples/urban";
    for (const char* f : {"dem.asc", "dem.prj", "rain.csv"}) fs::copy_file(example / f, d / f);
    // 20 minutes of the storm: enough steps to show a spinning team, short enough for the
    // sanitizer job (fv2 under ASan takes about 13 times as long; 40 minutes ran past its 300 s).
    std::string text = replace_once(read_text(example / "urban.toml"), "duration = \"1.5h\"", "duration = \"20min\"");
    text = replace_once(text, "scheme = \"fv1\"", std::string("scheme = \"") + GetParam() + "\"");
    write_text(d / "s.toml", text);
    const std::string s = (d / "s.toml").string();

    auto run = [&](const std::string& out, const std::string& threads, const std::vector<std::string>& env) {
        const auto t0 = std::chrono::steady_clock::now();
        const ProcResult r =
            run_floodsim({"run", s, "--quiet", "--threads", threads, "--output", (d / out).string()}, env);
        EXPECT_EQ(r.status, 0) << describe(r);
        EXPECT_NE(r.out.find("mass balance"), std::string::npos) << describe(r);
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    const double one = run("one.h5", "1", {});
    const double limited = run("limited.h5", "2", {"OMP_THREAD_LIMIT=1"});
    const double dynamic = run("dynamic.h5", "2", {"OMP_THREAD_LIMIT=1", "OMP_DYNAMIC=true"});
    const std::vector<std::string> skip = {"wall_time_s", "threads"};
    const auto want = h5_digest(d / "one.h5", skip);
    EXPECT_EQ(h5_digest(d / "limited.h5", skip), want);
    EXPECT_EQ(h5_digest(d / "dynamic.h5", skip), want);
    // "Finishes": no spinning. Generous against a noisy machine, far below minutes.
    EXPECT_LT(limited, 5.0 * one + 5.0);
    EXPECT_LT(dynamic, 5.0 * one + 5.0);
}

INSTANTIATE_TEST_SUITE_P(Schemes, OmpEnvironment, ::testing::Values("fv1", "fv2", "inertial"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
