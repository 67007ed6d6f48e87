// `floodsim run` under mpiexec (docs/parallel.md): the same executable, launched on 1 to 4 ranks
// (more ranks than cores: oversubscribed), writes a result file whose every dataset and attribute
// is bitwise the serial run's (the wall time aside): depth and velocity frames, maxima, arrival
// times, gauges and the mass balance, for fv1, fv2 and inertial, in double and single precision, with
// OpenMP threads in every rank; checkpoints of a distributed run resume on other rank counts.
// The processes (drains, infiltration, pumps, inflows, rain grids), breaches and online warnings
// too. Bad input gives exit status 2 and one line (rank 0's) naming the scenario's key, leaving
// no result behind.
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <sstream>

#include "cli_util.hpp"

namespace {

using namespace floodsim_test;

const fs::path kSource = FLOODSIM_SOURCE_DIR;

/// The mpiexec command line for `np` ranks running `program` (floodsim) with `args`.
std::vector<std::string> mpiexec_args(int np, const std::vector<std::string>& args, const std::string& program = kExe) {
    std::vector<std::string> a = {FLOODSIM_MPIEXEC_NUMPROC_FLAG, std::to_string(np)};
    std::istringstream flags(FLOODSIM_MPIEXEC_FLAGS);  // separated by spaces
    for (std::string f; flags >> f;) a.push_back(f);
    a.push_back(program);
    a.insert(a.end(), args.begin(), args.end());
    return a;
}

ProcResult run_mpi(int np, const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                   const std::string& program = kExe) {
    // Shared-memory messages through the shared segment: containers often forbid the kernel's
    // cross-process copy (tests/parallel/CMakeLists.txt).
    std::vector<std::string> e = {"OMPI_MCA_btl_vader_single_copy_mechanism=none", "OMP_WAIT_POLICY=passive"};
    e.insert(e.end(), env.begin(), env.end());
    return run_program(FLOODSIM_MPIEXEC, mpiexec_args(np, args, program), e);
}

/// The urban example, 10 minutes of its storm: rain series, a free east side, two gauges, nodata
/// cells (buildings), depth and velocity frames; its scheme `scheme`, `solver_lines` added to
/// [solver].
fs::path urban_scenario(const TempDir& d, const std::string& solver_lines = "", const std::string& scheme = "fv1") {
    const fs::path example = kSource / "examples/urban";
    for (const char* f : {"dem.asc", "dem.prj", "rain.csv"}) fs::copy_file(example / f, d / f, fs::copy_options::overwrite_existing);
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

#if FLOODSIM_HAVE_PARALLEL_HDF5
// With parallel HDF5 every rank writes its block of the result (docs/parallel.md, "The result file
// under MPI"): the summary says so, the file is sealed, and it is bitwise the one rank 0 writes from
// gathered fields (FLOODSIM_RESULT_GATHER=1), which is the serial run's (above).
TEST(MpiRun, TheRanksWriteTheResultTogetherBitwiseAsRankZeroAlone) {
    TempDir d;
    const std::string s = urban_scenario(d).string();
    for (int np : {2, 3}) {
        const fs::path together = d / ("together" + std::to_string(np) + ".h5");
        const fs::path gathered = d / ("gathered" + std::to_string(np) + ".h5");
        const ProcResult a = run_mpi(np, {"run", s, "--threads", "1", "--output", together.string()});
        ASSERT_EQ(a.status, 0) << describe(a);
        EXPECT_NE(a.out.find("every rank its block, parallel HDF5"), std::string::npos) << describe(a);
        const ProcResult b =
            run_mpi(np, {"run", s, "--threads", "1", "--output", gathered.string()}, {"FLOODSIM_RESULT_GATHER=1"});
        ASSERT_EQ(b.status, 0) << describe(b);
        EXPECT_NE(b.out.find("writing (writer thread)"), std::string::npos) << describe(b);
        EXPECT_EQ(h5_digest(together, kSkip), h5_digest(gathered, kSkip)) << np << " ranks";
        const ProcResult info = run_floodsim({"info", together.string()});
        EXPECT_NE(info.out.find("seal:          intact"), std::string::npos) << describe(info);
        EXPECT_FALSE(fs::exists(together.string() + ".part"));
    }
}

// A run whose ranks write together, stopped by SIGTERM to mpiexec: every rank leaves its HDF5
// objects to MPI_Finalize (closing them is collective), rank 0 removes the partial file.
TEST(MpiRun, AStoppedRunWhoseRanksWriteTogetherLeavesNoFile) {
    TempDir d;
    std::string text = read_text(urban_scenario(d));
    write_text(d / "long.toml", replace_once(text, "duration = \"10min\"", "duration = \"48h\""));
    const fs::path result = d / "r.h5", part = d / "r.h5.part";
    TempDir cap;
    const pid_t pid = spawn_program(
        FLOODSIM_MPIEXEC, mpiexec_args(2, {"run", (d / "long.toml").string(), "--quiet", "--threads", "1", "--output", result.string()}),
        cap / "out.txt", cap / "err.txt", {"OMPI_MCA_btl_vader_single_copy_mechanism=none", "OMP_WAIT_POLICY=passive"});
    for (int k = 0; k < 600 && !fs::exists(part); ++k) ::usleep(50'000);
    EXPECT_TRUE(fs::exists(part)) << read_text(cap / "err.txt");
    ::usleep(300'000);  // into the steps
    ::kill(pid, SIGTERM);
    wait_for(pid);
    const std::string err = read_text(cap / "err.txt");
    EXPECT_NE(err.find("interrupted by a signal"), std::string::npos) << err;
    EXPECT_EQ(err.find("HDF5-DIAG"), std::string::npos) << err;
    EXPECT_FALSE(fs::exists(part));
    EXPECT_FALSE(fs::exists(result));
}
#endif

TEST(MpiRun, Fv1SingleWithTwoThreadsPerRankIsBitwiseTheSerialResult) {
    expect_ranks_match_serial("precision = \"single\"", "2");
}

/// The scenario `s` (its inputs beside it) on 2 to 4 ranks, 1 thread each: the result's digest is
/// the serial run's.
void expect_scenario_ranks_match_serial(const fs::path& s) {
    const fs::path d = s.parent_path();
    const ProcResult serial =
        run_floodsim({"run", s.string(), "--quiet", "--threads", "1", "--output", (d / "serial.h5").string()});
    ASSERT_EQ(serial.status, 0) << describe(serial);
    const auto want = h5_digest(d / "serial.h5", kSkip);
    for (int np = 2; np <= 4; ++np) {
        const fs::path out = d / ("np" + std::to_string(np) + ".h5");
        const ProcResult r = run_mpi(np, {"run", s.string(), "--quiet", "--threads", "1", "--output", out.string()});
        ASSERT_EQ(r.status, 0) << np << " ranks: " << describe(r);
        EXPECT_EQ(h5_digest(out, kSkip), want) << np << " ranks";
    }
}

TEST(MpiRun, ProcessesAreBitwiseTheSerialResultOnOneToFourRanks) {
    // The urban example with its processes (drains failing after the peak, SCS-CN infiltration, a
    // pump), the first 40 minutes: the drains' and the soil's ledger terms are summed over the
    // global rows, the pump's cell gathered from its block.
    TempDir d;
    const fs::path example = kSource / "examples/urban";
    for (const char* f : {"dem.asc", "dem.prj", "rain.csv", "drain_efficiency.csv"})
        fs::copy_file(example / f, d / f, fs::copy_options::overwrite_existing);
    write_text(d / "s.toml",
               replace_once(read_text(example / "urban-processes.toml"), "duration = \"1.5h\"", "duration = \"40min\""));
    expect_scenario_ranks_match_serial(d / "s.toml");
}

TEST(MpiRun, SinksActingOncePerIntervalAreBitwiseTheSerialResult) {
    // As above with solver.sinks_interval: every block's sinks wait and act at the same steps.
    TempDir d;
    const fs::path example = kSource / "examples/urban";
    for (const char* f : {"dem.asc", "dem.prj", "rain.csv", "drain_efficiency.csv"})
        fs::copy_file(example / f, d / f, fs::copy_options::overwrite_existing);
    std::string text = replace_once(read_text(example / "urban-processes.toml"), "duration = \"1.5h\"", "duration = \"40min\"");
    write_text(d / "s.toml", replace_once(text, "[solver]\n", "[solver]\nsinks_interval = \"20s\"\n"));
    expect_scenario_ranks_match_serial(d / "s.toml");
}

TEST(MpiRun, TerrainFeaturesAndABreachAreBitwiseTheSerialResult) {
    // The terrain example (docs/terrain.md), its first 90 minutes: buildings, a channel, a levee
    // that breaches at 1 h, a river inflow, Green-Ampt soils, a normal-depth outflow.
    TempDir d;
    const fs::path example = kSource / "examples/terrain";
    for (const auto& entry : fs::directory_iterator(example))
        if (entry.is_regular_file()) fs::copy_file(entry.path(), d / entry.path().filename());
    write_text(d / "terrain.toml",
               replace_once(read_text(example / "terrain.toml"), "duration = \"3h\"", "duration = \"90min\""));
    expect_scenario_ranks_match_serial(d / "terrain.toml");
}

TEST(MpiRun, Fv2DoubleIsBitwiseTheSerialResultOnOneToFourRanks) { expect_ranks_match_serial("", "1", "fv2"); }

TEST(MpiRun, Fv2SingleWithTwoThreadsPerRankIsBitwiseTheSerialResult) {
    expect_ranks_match_serial("precision = \"single\"", "2", "fv2");
}

TEST(MpiRun, InertialDoubleIsBitwiseTheSerialResultOnOneToFourRanks) {
    expect_ranks_match_serial("", "1", "inertial");
}

TEST(MpiRun, InertialSingleWithTwoThreadsPerRankIsBitwiseTheSerialResult) {
    expect_ranks_match_serial("precision = \"single\"", "2", "inertial");
}

// Checkpoints under MPI are whole-grid checkpoints (gathered to rank 0): a run on 2 ranks stopped
// by SIGTERM to mpiexec (as Slurm stops a job) leaves one, and a resume on 3 ranks, and another
// serially, end bitwise as the uninterrupted serial run. Returns false, having checked nothing,
// when the run of `duration` ended before the signal stopped it (a fast machine: mpiexec takes
// a while to pass a signal on), so that the caller can try a longer one.
bool checkpoint_resumes_on_other_ranks(const std::string& scheme, const std::string& duration) {
    TempDir d;
    std::string text = read_text(urban_scenario(d, "", scheme));
    // `duration` (long enough to be stopped; the sanitizer job runs it several times slower), a
    // checkpoint every 3 minutes.
    text = replace_once(text, "duration = \"10min\"", "duration = \"" + duration + "\"");
    text += "\n[checkpoint]\ninterval = \"3min\"\nfile = \"run.ckpt\"\n";
    write_text(d / "c.toml", text);
    const std::string s = (d / "c.toml").string();
    const fs::path ckpt = d / "run.ckpt", result = d / "mpi.h5";

    // 2 ranks, stopped once the first interval's checkpoint exists.
    TempDir cap;
    const pid_t pid = spawn_program(FLOODSIM_MPIEXEC, mpiexec_args(2, {"run", s, "--quiet", "--threads", "1", "--output", result.string()}),
                                    cap / "out.txt", cap / "err.txt", {"OMPI_MCA_btl_vader_single_copy_mechanism=none"});
    for (int k = 0; k < 600 && !fs::exists(ckpt); ++k) ::usleep(50'000);
    EXPECT_TRUE(fs::exists(ckpt)) << read_text(cap / "err.txt");
    ::kill(pid, SIGTERM);
    wait_for(pid);
    if (fs::exists(result)) return false;  // finished before the signal: nothing to resume
    const std::string err = read_text(cap / "err.txt");
    EXPECT_NE(err.find("checkpoint at t = "), std::string::npos) << err;
    const fs::path journal = result.string() + ".journal";
    fs::copy_file(ckpt, d / "saved.ckpt");
    fs::copy_file(journal, d / "saved.journal");

    const ProcResult serial = run_floodsim({"run", s, "--quiet", "--threads", "1", "--output", (d / "serial.h5").string()});
    EXPECT_EQ(serial.status, 0) << describe(serial);
    const auto want = h5_digest(d / "serial.h5", kSkip);
    fs::copy_file(d / "saved.ckpt", ckpt, fs::copy_options::overwrite_existing);  // (the serial run's final one)

    const ProcResult three = run_mpi(3, {"run", s, "--quiet", "--threads", "1", "--resume", ckpt.string()});
    EXPECT_EQ(three.status, 0) << describe(three);
    EXPECT_EQ(h5_digest(result, kSkip), want) << "resumed on 3 ranks";
    EXPECT_FALSE(fs::exists(journal));

    fs::remove(result);
    fs::copy_file(d / "saved.ckpt", ckpt, fs::copy_options::overwrite_existing);
    fs::copy_file(d / "saved.journal", journal);
    const ProcResult one = run_floodsim({"run", s, "--quiet", "--threads", "2", "--resume", ckpt.string()});
    EXPECT_EQ(one.status, 0) << describe(one);
    EXPECT_EQ(h5_digest(result, kSkip), want) << "resumed serially";
    return true;
}

/// checkpoint_resumes_on_other_ranks with `durations` in turn until a run is stopped in time.
void expect_checkpoint_resumes_on_other_ranks(const std::string& scheme, const std::vector<std::string>& durations) {
    for (const std::string& duration : durations)
        if (checkpoint_resumes_on_other_ranks(scheme, duration) || ::testing::Test::HasFailure()) return;
    ADD_FAILURE() << "every run ended before SIGTERM stopped it; the longest lasted " << durations.back();
}

TEST(MpiRun, ACheckpointOnTwoRanksResumesOnThreeAndSeriallyBitwise) { expect_checkpoint_resumes_on_other_ranks("fv1", {"30min", "2h", "8h"}); }

// The inertial scheme's checkpoint holds its face discharges, the grid's edge faces among them
// (the whole storage is gathered, ghost layers included).
TEST(MpiRun, InertialCheckpointOnTwoRanksResumesOnThreeAndSeriallyBitwise) {
    expect_checkpoint_resumes_on_other_ranks("inertial", {"1.5h", "6h", "24h"});  // (its steps are long: it runs fast)
}

/// The alerts of a spool folder, in file order, without what the wall clock sets (sent,
/// expires, and the identifier and file names made from them).
std::vector<std::string> alerts_without_clock(const fs::path& spool) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(spool))
        if (e.is_regular_file() && e.path().extension() == ".xml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<std::string> out;
    for (const fs::path& f : files) {
        std::istringstream in(read_text(f));
        std::string kept;
        for (std::string line; std::getline(in, line);)
            if (line.find("<sent>") == std::string::npos && line.find("<expires>") == std::string::npos &&
                line.find("<identifier>") == std::string::npos && line.find("<references>") == std::string::npos)
                kept += line + "\n";
        out.push_back(kept);
    }
    return out;
}

TEST(MpiRun, OnlineWarningsIssueTheSerialRunsAlerts) {
    // Three assets (two street crossings, a block) over the first 40 minutes of the urban storm:
    // their cells are gathered from the blocks that own them, rank 0 issues the alerts.
    TempDir d;
    const fs::path example = kSource / "examples/urban";
    for (const char* f : {"dem.asc", "dem.prj", "rain.csv"}) fs::copy_file(example / f, d / f);
    write_text(d / "assets.geojson",
               R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32649"}},)"
               R"("features":[{"type":"Feature","properties":{"id":"a1","name":"corner a"},)"
               R"("geometry":{"type":"Point","coordinates":[708205.0,3854105.0]}},)"
               R"({"type":"Feature","properties":{"id":"a2","name":"corner b"},)"
               R"("geometry":{"type":"Point","coordinates":[708355.0,3854155.0]}},)"
               R"({"type":"Feature","properties":{"id":"a3","name":"block"},"geometry":{"type":"Polygon","coordinates":)"
               R"([[[708100.0,3854050.0],[708300.0,3854050.0],[708300.0,3854150.0],[708100.0,3854150.0],[708100.0,3854050.0]]]}}]})");
    std::string text = replace_once(read_text(example / "urban.toml"), "duration = \"1.5h\"", "duration = \"40min\"");
    text = replace_once(text, "[output]",
                        "[warning]\nassets = \"assets.geojson\"\nissue_time = \"2021-07-20T16:00:00+08:00\"\n\n[output]");
    write_text(d / "s.toml", text);
    const std::string s = (d / "s.toml").string();
    const ProcResult serial = run_floodsim({"run", s, "--threads", "1", "--output", (d / "serial.h5").string()});
    ASSERT_EQ(serial.status, 0) << describe(serial);
    const auto want = h5_digest(d / "serial.h5", kSkip);
    const auto alerts = alerts_without_clock(d / "serial.alerts");
    ASSERT_GE(alerts.size(), 2u) << describe(serial);  // the case is not empty
    for (int np = 2; np <= 3; ++np) {
        const std::string name = "np" + std::to_string(np);
        const ProcResult r = run_mpi(np, {"run", s, "--threads", "1", "--output", (d / (name + ".h5")).string()});
        ASSERT_EQ(r.status, 0) << describe(r);
        EXPECT_EQ(h5_digest(d / (name + ".h5"), kSkip), want) << np << " ranks";
        EXPECT_EQ(alerts_without_clock(d / (name + ".alerts")), alerts) << np << " ranks";
        EXPECT_NE(r.out.find("level changes on 3 assets"), std::string::npos) << describe(r);
    }
}

// threads = 0 ("all") under a launcher that started several ranks on this machine without binding
// them: the ranks share the processors (threads = processors / local ranks, at least 1).
// The C API's floodsim_open_mpi, from a C host program that initialises MPI itself
// (tests/engine/c_api_mpi_host.c): the result bitwise the serial run's, the frame callback
// called on rank 0 only.
TEST(MpiRun, TheCApiRunsOverTheRanksBitwise) {
    TempDir d;
    const std::string s = urban_scenario(d).string();
    const ProcResult serial = run_floodsim({"run", s, "--quiet", "--threads", "1", "--output", (d / "serial.h5").string()});
    ASSERT_EQ(serial.status, 0) << describe(serial);
    const auto want = h5_digest(d / "serial.h5", kSkip);
    std::size_t serial_frames = 0;
    for (int np : {1, 2, 3}) {
        const fs::path out = d / ("c" + std::to_string(np) + ".h5");
        const ProcResult r = run_mpi(np, {s, out.string(), "1"}, {}, FLOODSIM_C_MPI_HOST);
        ASSERT_EQ(r.status, 0) << np << " ranks: " << describe(r);
        EXPECT_EQ(h5_digest(out, kSkip), want) << np << " ranks";
        std::size_t frames = 0;
        for (std::size_t p = r.out.find("frame "); p != std::string::npos; p = r.out.find("frame ", p + 1)) ++frames;
        if (np == 1) serial_frames = frames;
        EXPECT_GT(frames, 1u) << describe(r);
        EXPECT_EQ(frames, serial_frames) << np << " ranks: " << describe(r);  // rank 0's only
        EXPECT_NE(r.out.find("rank 0 of " + std::to_string(np) + ": frames " + std::to_string(frames)), std::string::npos)
            << describe(r);
        for (int k = 1; k < np; ++k)
            EXPECT_NE(r.out.find("rank " + std::to_string(k) + " of " + std::to_string(np) + ": frames 0"), std::string::npos)
                << describe(r);
    }
    // Bad input: every rank returns 2, rank 0 says why, nothing is written.
    write_text(d / "bad.toml", replace_once(read_text(s), "cfl = 0.5", "cfl = 7"));
    const ProcResult bad = run_mpi(2, {(d / "bad.toml").string(), (d / "bad.h5").string()}, {}, FLOODSIM_C_MPI_HOST);
    EXPECT_NE(bad.status, 0) << describe(bad);
    EXPECT_NE(bad.err.find("solver.cfl"), std::string::npos) << describe(bad);
    EXPECT_FALSE(fs::exists(d / "bad.h5"));
}

TEST(MpiRun, AllThreadsAreSharedAmongTheRanksOfAMachine) {
    TempDir d;
    const std::string s = urban_scenario(d).string();
    ASSERT_NE(read_text(s).find("threads = 0"), std::string::npos);
    cpu_set_t set;
    CPU_ZERO(&set);
    ASSERT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
    const int procs = CPU_COUNT(&set);
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    for (const int ranks : {1, 2, 3}) {
        const ProcResult r = run_floodsim({"run", s, "--json", "--output", (d / "r.h5").string()},
                                          {"OMPI_COMM_WORLD_LOCAL_SIZE=" + std::to_string(ranks)});
        ASSERT_EQ(r.status, 0) << describe(r);
        const int want = ranks == 1 || procs < online ? procs : std::max(1, procs / ranks);
        const std::string start = r.out.substr(0, r.out.find('\n'));  // the start event
        EXPECT_NE(start.find("\"threads\":" + std::to_string(want) + "}"), std::string::npos)
            << ranks << " ranks: " << start;
    }
}

TEST(MpiRun, BadInputExitsTwoWithOneLineFromRankZero) {
    TempDir d;
    const std::string text = read_text(urban_scenario(d));
    struct Case {
        std::string name, scenario, key;
    };
    const Case cases[] = {
        {"cfl", replace_once(text, "cfl = 0.5", "cfl = 5.0"), "solver.cfl"},
        {"rain", replace_once(text, "series = \"rain.csv\"", "series = \"missing.csv\""), "rain.series"},
    };
    for (const Case& c : cases) {
        const fs::path sc = d / (c.name + ".toml");
        write_text(sc, c.scenario);
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
