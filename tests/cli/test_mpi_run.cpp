// `floodsim run` under mpiexec (docs/parallel.md): the same executable, launched on 1 to 4 ranks
// (more ranks than cores: oversubscribed), writes a result file whose every dataset and attribute
// is bitwise the serial run's (the wall time aside): depth and velocity frames, maxima, arrival
// times, gauges and the mass balance, for fv1 and fv2, in double and single precision, with
// OpenMP threads in every rank. What a distributed run cannot do yet is refused with exit status
// 2 and one line naming the scenario's key, leaving no result behind.
#include "cli_util.hpp"

namespace {

using namespace floodsim_test;

const fs::path kSource = FLOODSIM_SOURCE_DIR;

/// The mpiexec command line for `np` ranks running floodsim with `args`.
std::vector<std::string> mpiexec_args(int np, const std::vector<std::string>& args) {
    std::vector<std::string> a = {FLOODSIM_MPIEXEC_NUMPROC_FLAG, std::to_string(np)};
    std::istringstream flags(FLOODSIM_MPIEXEC_FLAGS);  // separated by spaces
    for (std::string f; flags >> f;) a.push_back(f);
    a.push_back(kExe);
    a.insert(a.end(), args.begin(), args.end());
    return a;
}

ProcResult run_mpi(int np, const std::vector<std::string>& args) {
    // Shared-memory messages through the shared segment: containers often forbid the kernel's
    // cross-process copy (tests/parallel/CMakeLists.txt).
    return run_program(FLOODSIM_MPIEXEC, mpiexec_args(np, args),
                       {"OMPI_MCA_btl_vader_single_copy_mechanism=none", "OMP_WAIT_POLICY=passive"});
}

/// The urban example, 10 minutes of its storm: rain series, a free east side, two gauges, nodata
/// cells (buildings), depth and velocity frames; its scheme `scheme`, `solver_lines` added to
/// [solver].
fs::path urban_scenario(const TempDir& d, const std::string& solver_lines = "", const std::string& scheme = "fv1") {
    const fs::path example = kSource / "examples/urban";
    for (const char* f : {"dem.asc", "dem.prj", "rain.csv"}) fs::copy_file(example / f, d / f);
    std::string text = replace_once(read_text(example / "urban.toml"), "duration = \"1.5h\"", "duration = \"10min\"");
    text = replace_once(text, "scheme = \"fv1\"", "scheme = \"" + scheme + "\"\n" + solver_lines);
    write_text(d / "s.toml", text);
    return d / "s.toml";
}

const std::vector<std::string> kSkip = {"wall_time_s", "threads"};

void expect_ranks_match_serial(const std::string& solver_lines, const std::string& threads_per_rank,
                               const std::string& scheme = "fv1") {
    TempDir d;
    const std::string s = urban_scenario(d, solver_lines, scheme).string();
    const ProcResult serial = run_floodsim({"run", s, "--quiet", "--threads", "1", "--output", (d / "serial.h5").string()});
    ASSERT_EQ(serial.status, 0) << describe(serial);
    const auto want = h5_digest(d / "serial.h5", kSkip);
    for (int np = 1; np <= 4; ++np) {
        const fs::path out = d / ("np" + std::to_string(np) + ".h5");
        const ProcResult r = run_mpi(np, {"run", s, "--threads", threads_per_rank, "--output", out.string()});
        ASSERT_EQ(r.status, 0) << np << " ranks: " << describe(r);
        EXPECT_EQ(h5_digest(out, kSkip), want) << np << " ranks";
        // One summary (rank 0's), with the exchange's share under MPI.
        std::size_t summaries = 0;
        for (std::size_t p = r.out.find("run summary"); p != std::string::npos; p = r.out.find("run summary", p + 1))
            ++summaries;
        EXPECT_EQ(summaries, 1u) << describe(r);
        if (np > 1) {
            EXPECT_NE(r.out.find("MPI             " + std::to_string(np) + " ranks"), std::string::npos) << describe(r);
            EXPECT_NE(r.out.find("on halo exchanges"), std::string::npos) << describe(r);
        }
    }
}

TEST(MpiRun, Fv1DoubleIsBitwiseTheSerialResultOnOneToFourRanks) { expect_ranks_match_serial("", "1"); }

TEST(MpiRun, Fv1SingleWithTwoThreadsPerRankIsBitwiseTheSerialResult) {
    expect_ranks_match_serial("precision = \"single\"", "2");
}

TEST(MpiRun, Fv2DoubleIsBitwiseTheSerialResultOnOneToFourRanks) { expect_ranks_match_serial("", "1", "fv2"); }

TEST(MpiRun, Fv2SingleWithTwoThreadsPerRankIsBitwiseTheSerialResult) {
    expect_ranks_match_serial("precision = \"single\"", "2", "fv2");
}

TEST(MpiRun, WhatIsNotDistributedYetExitsTwoNamingTheKey) {
    TempDir d;
    const fs::path s = urban_scenario(d);
    const std::string text = read_text(s);
    struct Case {
        std::string name, from, to, key;
    };
    const Case cases[] = {
        {"inertial", "scheme = \"fv1\"", "scheme = \"inertial\"", "solver.scheme"},
        {"checkpoint", "[output]", "[checkpoint]\ninterval = \"5min\"\n\n[output]", "checkpoint"},
    };
    for (const Case& c : cases) {
        const fs::path sc = d / (c.name + ".toml");
        write_text(sc, replace_once(text, c.from, c.to));
        const fs::path out = d / (c.name + ".h5");
        const ProcResult r = run_mpi(2, {"run", sc.string(), "--quiet", "--output", out.string()});
        EXPECT_EQ(r.status, 2) << c.name << ": " << describe(r);
        EXPECT_NE(r.err.find(sc.string()), std::string::npos) << describe(r);
        EXPECT_NE(r.err.find("key '" + c.key + "'"), std::string::npos) << describe(r);
        std::size_t lines = 0;  // one line from floodsim (the launcher may add its own notice)
        for (std::size_t p = r.err.find("floodsim: "); p != std::string::npos; p = r.err.find("floodsim: ", p + 1))
            ++lines;
        EXPECT_EQ(lines, 1u) << describe(r);
        EXPECT_FALSE(fs::exists(out)) << c.name;
        EXPECT_FALSE(fs::exists(out.string() + ".part")) << c.name;
    }
}

}  // namespace
