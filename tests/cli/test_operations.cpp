// Operations (docs/operations.md): run --json, batch, the wait policy, ensembles, hot starts.
// floodsim run --json and floodsim batch: JSON lines that parse, a broken
// scenario that fails alone, retries of failed runs, bad manifests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_util.hpp"

using namespace floodsim_test;
using Json = nlohmann::json;

namespace {

/// A 20 x 10 basin of 10 m cells with a dam break: 1 m of water on its western half.
void write_scenario(const fs::path& dir, const std::string& extra_solver = "") {
    fs::create_directories(dir);
    std::ostringstream dem;
    dem << "ncols 20\nnrows 10\nxllcorner 0\nyllcorner 0\ncellsize 10\nNODATA_value -9999\n";
    for (int j = 0; j < 10; ++j) {
        for (int i = 0; i < 20; ++i) dem << (i ? " " : "") << "0";
        dem << "\n";
    }
    write_text(dir / "dem.asc", dem.str());
    std::ostringstream h;
    h << "ncols 20\nnrows 10\nxllcorner 0\nyllcorner 0\ncellsize 10\nNODATA_value -9999\n";
    for (int j = 0; j < 10; ++j) {
        for (int i = 0; i < 20; ++i) h << (i ? " " : "") << (i < 10 ? "1" : "0");
        h << "\n";
    }
    write_text(dir / "h0.asc", h.str());
    write_text(dir / "scenario.toml", "[domain]\ndem = \"dem.asc\"\n[initial]\ndepth = \"h0.asc\"\n[time]\n"
                                      "duration = \"2min\"\noutput_interval = \"1min\"\n[solver]\nthreads = 1\n" +
                                          extra_solver);
}

std::vector<Json> json_lines(const std::string& out) {
    std::vector<Json> lines;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        Json j = Json::parse(line, nullptr, false);
        EXPECT_FALSE(j.is_discarded()) << "not JSON: " << line;
        if (!j.is_discarded()) lines.push_back(j);
    }
    return lines;
}

}  // namespace

TEST(RunJson, StartAndEndWithTheBalance) {
    TempDir dir;
    write_scenario(dir / "a");
    const ProcResult r = run_floodsim({"run", (dir / "a" / "scenario.toml").string(), "--json"});
    ASSERT_EQ(r.status, 0) << describe(r);
    const auto lines = json_lines(r.out);
    ASSERT_GE(lines.size(), 2u) << r.out;
    EXPECT_EQ(lines.front()["event"], "start");
    EXPECT_EQ(lines.front()["nx"], 20);
    EXPECT_EQ(lines.back()["event"], "end");
    EXPECT_EQ(lines.back()["status"], "finished");
    EXPECT_DOUBLE_EQ(lines.back()["t_s"].get<double>(), 120.0);
    EXPECT_LT(std::abs(lines.back()["mass_balance_relative_error"].get<double>()), 1e-9);
    EXPECT_TRUE(fs::exists(lines.back()["result"].get<std::string>()));

    const ProcResult bad = run_floodsim({"run", (dir / "none.toml").string(), "--json"});
    EXPECT_EQ(bad.status, 2);
    const auto err = json_lines(bad.out);
    ASSERT_EQ(err.size(), 1u) << bad.out;
    EXPECT_EQ(err[0]["event"], "error");
    EXPECT_EQ(err[0]["status"], 2);
    EXPECT_NE(err[0]["message"].get<std::string>().find("none.toml"), std::string::npos);
}

TEST(Batch, ABrokenScenarioFailsAloneAndTheOthersFinish) {
    TempDir dir;
    write_scenario(dir / "a");
    write_scenario(dir / "b");
    fs::create_directories(dir / "broken");
    write_text(dir / "broken" / "scenario.toml", "[domain]\ndem = \"nope.asc\"\n[time]\nduration = \"1h\"\n");
    write_text(dir / "batch.toml",
               "[[scenario]]\nfile = \"a/scenario.toml\"\noutput = \"out/a.h5\"\n"
               "[[scenario]]\nfile = \"broken/scenario.toml\"\n"
               "[[scenario]]\nfile = \"b/scenario.toml\"\noutput = \"out/b.h5\"\nthreads = 1\n");
    const ProcResult r = run_floodsim({"batch", (dir / "batch.toml").string(), "--jobs", "2", "--cores", "2"});
    EXPECT_EQ(r.status, 1) << describe(r);
    std::map<std::string, std::vector<std::string>> events;
    for (const Json& j : json_lines(r.out)) {
        ASSERT_TRUE(j.contains("scenario") && j.contains("event")) << j.dump();
        events[j["scenario"]].push_back(j["event"]);
        if (j["event"] == "error") {
            EXPECT_EQ(j["scenario"], "broken/scenario.toml");
            EXPECT_EQ(j["status"], 2);
            EXPECT_TRUE(j["final"].get<bool>());
            EXPECT_NE(j["message"].get<std::string>().find("nope.asc"), std::string::npos);
        }
    }
    EXPECT_EQ(events["broken/scenario.toml"], (std::vector<std::string>{"error"}));
    for (const char* ok : {"a/scenario.toml", "b/scenario.toml"}) {
        ASSERT_GE(events[ok].size(), 2u) << ok;
        EXPECT_EQ(events[ok].front(), "start");
        EXPECT_EQ(events[ok].back(), "end");
    }
    EXPECT_TRUE(fs::exists(dir / "out" / "a.h5"));
    EXPECT_TRUE(fs::exists(dir / "out" / "b.h5"));
    EXPECT_NE(r.err.find("floodsim batch summary"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("failed"), std::string::npos) << r.err;
}

TEST(Batch, AFailedRunIsRetriedBadInputIsNot) {
    TempDir dir;
    // A wave speed limit far below the dam break's: the run stops with status 1 every time.
    write_scenario(dir / "fails", "max_speed = 0.01\n");
    write_text(dir / "batch.toml", "retries = 1\n[[scenario]]\nfile = \"fails/scenario.toml\"\n");
    const ProcResult r = run_floodsim({"batch", (dir / "batch.toml").string()});
    EXPECT_EQ(r.status, 1) << describe(r);
    std::vector<Json> errors;
    for (const Json& j : json_lines(r.out))
        if (j["event"] == "error") errors.push_back(j);
    ASSERT_EQ(errors.size(), 2u) << r.out;
    EXPECT_EQ(errors[0]["attempt"], 1);
    EXPECT_FALSE(errors[0]["final"].get<bool>());
    EXPECT_EQ(errors[1]["attempt"], 2);
    EXPECT_TRUE(errors[1]["final"].get<bool>());
    EXPECT_EQ(errors[1]["status"], 1);
}

TEST(Batch, BadManifestsExitTwo) {
    TempDir dir;
    write_scenario(dir / "a");
    const auto expect_bad = [&](const std::string& text, const std::string& part) {
        write_text(dir / "m.toml", text);
        const ProcResult r = run_floodsim({"batch", (dir / "m.toml").string(), "--cores", "2"});
        EXPECT_EQ(r.status, 2) << describe(r);
        EXPECT_NE(r.err.find(part), std::string::npos) << r.err;
        EXPECT_EQ(r.out, "");
    };
    expect_bad("jobs = 2\n", "no [[scenario]]");
    expect_bad("[[scenario]]\noutput = \"x.h5\"\n", "scenario[0].file");
    expect_bad("[[scenario]]\nfile = \"missing.toml\"\n", "missing.toml");
    expect_bad("[[scenario]]\nfile = \"a/scenario.toml\"\nthreads = 3\n", "scenario[0].threads");
    expect_bad("[[scenario]]\nfile = \"a/scenario.toml\"\nthreds = 1\n", "scenario[0].threds");
    expect_bad("retries = -1\n[[scenario]]\nfile = \"a/scenario.toml\"\n", "retries");
    expect_bad("[[scenario]]\nfile = \"a/scenario.toml\"\noutput = \"o.h5\"\n[[scenario]]\nfile = "
               "\"a/scenario.toml\"\noutput = \"o.h5\"\n",
               "same result file");
}

TEST(WaitPolicy, ASharedMachineGetsPassiveWaiting) {
    TempDir dir;
    write_scenario(dir / "a");
    const std::string scenario = (dir / "a" / "scenario.toml").string();
    ::unsetenv("OMP_WAIT_POLICY");  // (ctest sets it for the CLI tests)
    const ProcResult shared = run_floodsim({"run", scenario, "--threads", "2"}, {"FLOODSIM_SHARED=1"});
    ASSERT_EQ(shared.status, 0) << describe(shared);
    EXPECT_NE(shared.err.find("the machine is shared (FLOODSIM_SHARED=1): OpenMP threads wait passively"),
              std::string::npos)
        << shared.err;
    const ProcResult alone = run_floodsim({"run", scenario, "--threads", "2"}, {"FLOODSIM_SHARED=0"});
    ASSERT_EQ(alone.status, 0) << describe(alone);
    EXPECT_EQ(alone.err.find("the machine is shared"), std::string::npos) << alone.err;
    // A policy the user chose is kept.
    const ProcResult chosen =
        run_floodsim({"run", scenario, "--threads", "2"}, {"FLOODSIM_SHARED=1", "OMP_WAIT_POLICY=active"});
    ASSERT_EQ(chosen.status, 0) << describe(chosen);
    EXPECT_EQ(chosen.err.find("the machine is shared"), std::string::npos) << chosen.err;
    ::setenv("OMP_WAIT_POLICY", "passive", 1);
}

namespace {

/// The basin with a 30-minute storm instead of the dam break.
void write_rain_scenario(const fs::path& dir) {
    write_scenario(dir);
    // About 300 mm on a closed flat basin: members around the 0.25 m threshold.
    write_text(dir / "rain.csv", "time_s,intensity_mm_h\n0,200\n600,1200\n1200,400\n1800,0\n");
    write_text(dir / "scenario.toml", "[domain]\ndem = \"dem.asc\"\n[time]\nduration = \"1h\"\noutput_interval = "
                                      "\"30min\"\n[solver]\nthreads = 1\n[rain]\nseries = \"rain.csv\"\n");
}

std::vector<float> read_floats(const fs::path& file, const std::string& name) {
    Hid f = open_h5(file);
    return read_dataset<float>(f, name).v;
}

}  // namespace

TEST(Ensemble, ReproducibleForASeedMonotoneInTheThreshold) {
    TempDir dir;
    write_rain_scenario(dir / "s");
    const std::string scenario = (dir / "s" / "scenario.toml").string();
    const fs::path e1 = dir / "e1.h5", e2 = dir / "e2.h5", e3 = dir / "e3.h5";
    ProcResult r = run_floodsim({"ensemble", scenario, "--members", "5", "--seed", "11", "--jobs", "2", "--out", e1.string()});
    ASSERT_EQ(r.status, 0) << describe(r);
    r = run_floodsim({"ensemble", scenario, "--members", "5", "--seed", "11", "--jobs", "1", "--threads", "2", "--out",
                      e2.string()});
    ASSERT_EQ(r.status, 0) << describe(r);
    r = run_floodsim({"ensemble", scenario, "--members", "5", "--seed", "12", "--out", e3.string()});
    ASSERT_EQ(r.status, 0) << describe(r);
    const std::vector<std::string> names = {"/exceedance/depth_gt_0.15", "/exceedance/depth_gt_0.25",
                                            "/exceedance/depth_gt_0.40", "/exceedance/depth_gt_0.60",
                                            "/members/max_depth"};
    // The same seed: bitwise the same, whatever the jobs and threads.
    EXPECT_EQ(h5_digest(e1, {"floodsim_version"}), h5_digest(e2, {"floodsim_version"}));
    EXPECT_NE(read_floats(e1, "/members/max_depth"), read_floats(e3, "/members/max_depth"));
    std::vector<std::vector<float>> p;
    for (std::size_t k = 0; k < 4; ++k) p.push_back(read_floats(e1, names[k]));
    bool some_between = false;
    for (std::size_t c = 0; c < p[0].size(); ++c) {
        for (std::size_t k = 0; k < 4; ++k) {
            EXPECT_GE(p[k][c], 0.0f);
            EXPECT_LE(p[k][c], 1.0f);
            if (k > 0) {
                EXPECT_LE(p[k][c], p[k - 1][c]) << "cell " << c;
            }
            some_between = some_between || (p[k][c] > 0.0f && p[k][c] < 1.0f);
        }
    }
    EXPECT_TRUE(some_between);  // the members differ somewhere
    // Member 0 is the scenario as it is: its maximum depth is the plain run's.
    const fs::path plain = dir / "plain.h5";
    r = run_floodsim({"run", scenario, "--output", plain.string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    const std::vector<float> members = read_floats(e1, "/members/max_depth"), run = read_floats(plain, "/max_depth");
    ASSERT_EQ(members.size(), 5 * run.size());
    EXPECT_TRUE(std::equal(run.begin(), run.end(), members.begin()));
}

TEST(Ensemble, BadInputExitsTwoAndWritesNothing) {
    TempDir dir;
    write_scenario(dir / "dry");  // a dam break: no rain to perturb
    const fs::path out = dir / "e.h5";
    ProcResult r = run_floodsim({"ensemble", (dir / "dry" / "scenario.toml").string(), "--out", out.string()});
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_NE(r.err.find("rain"), std::string::npos) << r.err;
    write_rain_scenario(dir / "s");
    r = run_floodsim({"ensemble", (dir / "s" / "scenario.toml").string(), "--scale-sigma", "-1", "--out", out.string()});
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_NE(r.err.find("--scale-sigma"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
}

TEST(Ensemble, AssetLevelProbabilitiesFromTheMembers) {
    TempDir dir;
    write_rain_scenario(dir / "s");
    write_text(dir / "s" / "dem.prj", kWktUtm49N);
    write_text(dir / "s" / "assets.geojson",
               "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
               "\"urn:ogc:def:crs:EPSG::32649\"}},\"features\":[{\"type\":\"Feature\",\"properties\":{\"id\":\"p1\","
               "\"name\":\"point\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[55,45]}}]}\n");
    const fs::path out = dir / "e.h5";
    const ProcResult r = run_floodsim({"ensemble", (dir / "s" / "scenario.toml").string(), "--members", "7", "--seed",
                                       "3", "--assets", (dir / "s" / "assets.geojson").string(), "--out", out.string()});
    ASSERT_EQ(r.status, 0) << describe(r);
    const std::vector<float> md = read_floats(out, "/members/max_depth"), p = read_floats(out, "/assets/level_probability");
    ASSERT_EQ(p.size(), 4u);
    const std::size_t cell = 5 * 20 + 5, cells = 200;  // x 55 m, y 45 m: column 5, row 5 of 20 x 10
    const double bands[4] = {0.15, 0.25, 0.40, 0.60};   // levels 4, 3, 2, 1
    for (int k = 0; k < 4; ++k) {
        int n = 0;
        for (int m = 0; m < 7; ++m) n += md[static_cast<std::size_t>(m) * cells + cell] >= bands[k] ? 1 : 0;
        EXPECT_FLOAT_EQ(p[static_cast<std::size_t>(k)], static_cast<float>(n / 7.0)) << "level " << 4 - k;
    }
    EXPECT_GT(p[0], 0.0f);  // the storm floods the basin beyond 0.15 m in some member
}

// ---------------------------------------------------------------------------------------------
// Hot start: run --save-state, then [initial] state

namespace {

/// The basin under steady rain on Green-Ampt soil, for `duration`; `initial` adds [initial] keys.
void write_soil_scenario(const fs::path& dir, const std::string& initial, const std::string& name = "scenario.toml") {
    write_scenario(dir);
    write_text(dir / name, "[domain]\ndem = \"dem.asc\"\n" + initial +
                               "[time]\nduration = \"30min\"\noutput_interval = \"10min\"\ngauge_interval = \"1min\"\n"
                               "[solver]\nthreads = 1\n[rain]\nintensity_mm_h = 60\n[infiltration]\nmodel = "
                               "\"green_ampt\"\nks_mm_h = 10\npsi_mm = 110\ndtheta = 0.3\n");
}

template <class T>
std::vector<T> dataset(const fs::path& file, const std::string& name) {
    Hid f = open_h5(file);
    return read_dataset<T>(f, name).v;
}

}  // namespace

TEST(HotStart, TheNewRunStartsFromTheSavedState) {
    TempDir dir;
    write_soil_scenario(dir / "s", "");
    const fs::path state = dir / "s" / "end.state", a = dir / "a.h5", b = dir / "b.h5";
    ProcResult r = run_floodsim({"run", (dir / "s" / "scenario.toml").string(), "--output", a.string(), "--save-state",
                                 state.string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    ASSERT_TRUE(fs::exists(state));
    write_soil_scenario(dir / "s", "[initial]\nstate = \"end.state\"\n", "hot.toml");
    r = run_floodsim({"run", (dir / "s" / "hot.toml").string(), "--output", b.string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);

    // The first frame of the hot start is the last of the run it continues, bitwise.
    const std::vector<float> da = dataset<float>(a, "/depth"), db = dataset<float>(b, "/depth");
    const std::size_t cells = 200;
    ASSERT_EQ(da.size(), 4 * cells);
    EXPECT_TRUE(std::equal(da.end() - static_cast<std::ptrdiff_t>(cells), da.end(), db.begin()));
    EXPECT_GT(db[0], 0.0f);
    // The volume continues exactly.
    const std::vector<double> va = dataset<double>(a, "/mass_balance/volume"), vb = dataset<double>(b, "/mass_balance/volume");
    EXPECT_EQ(vb.front(), va.back());
    // The soil continues too: with the infiltrated depth restored, Green-Ampt takes less in the
    // next half hour than it took from dry soil in the first.
    const std::vector<double> ia = dataset<double>(a, "/mass_balance/infiltration"),
                              ib = dataset<double>(b, "/mass_balance/infiltration");
    EXPECT_LT(std::abs(ib.back()), 0.95 * std::abs(ia.back()));
    EXPECT_GT(std::abs(ib.back()), 0.0);
}

TEST(HotStart, AStateOfAnotherGridOrBesideADepthIsRefused) {
    TempDir dir;
    write_soil_scenario(dir / "s", "");
    const fs::path state = dir / "s" / "end.state";
    ProcResult r = run_floodsim({"run", (dir / "s" / "scenario.toml").string(), "--output", (dir / "a.h5").string(),
                                 "--save-state", state.string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    // Another grid: the DEM with other cells.
    write_soil_scenario(dir / "t", "[initial]\nstate = \"../s/end.state\"\n");
    write_text(dir / "t" / "dem.asc", replace_once(read_text(dir / "t" / "dem.asc"), "cellsize 10", "cellsize 5"));
    r = run_floodsim({"run", (dir / "t" / "scenario.toml").string(), "--output", (dir / "t.h5").string()});
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_NE(r.err.find("initial.state"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("another grid"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "t.h5"));
    write_soil_scenario(dir / "s", "[initial]\nstate = \"end.state\"\ndepth = 0.1\n", "both.toml");
    r = run_floodsim({"run", (dir / "s" / "both.toml").string()});
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_NE(r.err.find("initial.state"), std::string::npos) << r.err;
}

// ---------------------------------------------------------------------------------------------
// The nightly chain (examples/nightly/nightly.sh), two nights in a row on a coarse district

TEST(Nightly, TwoNightsTheSecondHotStartsFromTheFirst) {
    TempDir dir;
    const fs::path district = dir / "district", work = dir / "work";
    ProcResult r = run_floodsim({"scenario", "new", "--template", "urban", district.string(), "--resolution", "400"});
    ASSERT_EQ(r.status, 0) << describe(r);
    write_text(dir / "forecast.csv", "time_s,intensity_mm_h\n0,30\n1800,90\n3600,10\n5400,0\n");
    const std::string script = std::string(FLOODSIM_SOURCE_DIR) + "/examples/nightly/nightly.sh";
    const auto night = [&](const std::string& day) {
        const std::string cmd = "FLOODSIM='" + std::string(kExe) + "' NIGHTLY_DAY=" + day +
                                " MEMBERS=3 JOBS=1 KEEP_DAYS=1 ISSUE_TIME=" + day + "T02:00:00+08:00 bash '" + script +
                                "' '" + district.string() + "' '" + (dir / "forecast.csv").string() + "' '" +
                                work.string() + "' > '" + (dir / ("night-" + day + ".log")).string() + "' 2>&1";
        return std::system(cmd.c_str());
    };
    ASSERT_EQ(night("2021-07-19"), 0) << read_text(dir / "night-2021-07-19.log");
    ASSERT_EQ(night("2021-07-20"), 0) << read_text(dir / "night-2021-07-20.log");
    const std::string log2 = read_text(dir / "night-2021-07-20.log");
    EXPECT_NE(read_text(dir / "night-2021-07-19.log").find("cold start"), std::string::npos);
    EXPECT_NE(log2.find("hot start from " + (work / "states" / "2021-07-19.state").string()), std::string::npos) << log2;
    EXPECT_NE(read_text(district / "nightly-2021-07-20.toml").find("[initial]\nstate = "), std::string::npos);
    const fs::path run = work / "runs" / "2021-07-20";
    for (const char* f : {"forecast.h5", "forecast.jsonl", "warnings/assets.csv", "warnings/map.png", "ensemble.h5"})
        EXPECT_TRUE(fs::exists(run / f)) << f;
    EXPECT_TRUE(fs::is_directory(run / "warnings" / "cap"));
    // KEEP_DAYS=1: only the newest night's state and run stay.
    EXPECT_TRUE(fs::exists(work / "states" / "2021-07-20.state"));
    EXPECT_FALSE(fs::exists(work / "states" / "2021-07-19.state"));
    EXPECT_FALSE(fs::exists(work / "runs" / "2021-07-19"));
    const auto events = json_lines(read_text(run / "forecast.jsonl"));
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back()["event"], "end");
}

// ---------------------------------------------------------------------------------------------
// Checkpoints and resume (docs/checkpoints.md)

namespace {

/// A 60 x 40 valley of 10 m cells under a storm on Green-Ampt soil for 8 h, with a pump at its
/// sump, a gauge, velocities in the frames and a checkpoint every 20 min: every series of the
/// result file and every per-cell and per-source state takes part in the resume.
void write_checkpoint_scenario(const fs::path& dir, const std::string& extra = "") {
    fs::create_directories(dir);
    std::ostringstream dem;
    dem << "ncols 60\nnrows 40\nxllcorner 500000\nyllcorner 3800000\ncellsize 10\nNODATA_value -9999\n";
    for (int j = 0; j < 40; ++j) {
        for (int i = 0; i < 60; ++i) dem << (i ? " " : "") << 10.0 + 0.01 * i + 0.02 * std::abs(j - 20);
        dem << "\n";
    }
    write_text(dir / "dem.asc", dem.str());
    write_text(dir / "storm.csv", "time_s,intensity_mm_h\n0,10\n3600,80\n7200,30\n10800,5\n");
    write_text(dir / "scenario.toml", R"([domain]
dem = "dem.asc"
[time]
duration = "8h"
output_interval = "30min"
gauge_interval = "1min"
[solver]
threads = 1
[rain]
series = "storm.csv"
[infiltration]
model = "green_ampt"
ks_mm_h = 10
psi_mm = 110
dtheta = 0.3
[[pump]]
name = "sump"
x = 500005.0
y = 3800205.0
capacity_m3_s = 0.05
on_depth = 0.2
off_depth = 0.1
[[gauge]]
name = "outlet"
x = 500015.0
y = 3800205.0
[output]
file = "out/r.h5"
variables = ["depth", "velocity"]
[checkpoint]
interval = "20min"
file = "out/r.ckpt"
)" + extra);
}

const std::vector<std::string> kTimingAttrs = {"wall_time_s"};

}  // namespace

TEST(Checkpoint, ResumeAfterSigkillAtSeveralMomentsIsBitwise) {
    TempDir dir;
    write_checkpoint_scenario(dir.path());
    const fs::path s = dir / "scenario.toml", result = dir / "out" / "r.h5", ckpt = dir / "out" / "r.ckpt";
    const auto t0 = std::chrono::steady_clock::now();
    ProcResult r = run_floodsim({"run", s.string(), "--quiet"});
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_EQ(r.status, 0) << describe(r);
    EXPECT_NE(r.out.find("checkpoints     24 written"), std::string::npos) << r.out;
    EXPECT_FALSE(fs::exists(dir / "out" / "r.h5.journal"));  // a finished run leaves no journal
    const auto reference = h5_digest(result, kTimingAttrs);
    ASSERT_TRUE(reference.count("/pumps/sump/volume") && reference.count("/mass_balance/infiltration"));

    // A kill can land after the result was renamed and the journal removed, while the process
    // is still on its way out: the run has finished (docs/checkpoints.md), a resume exits 2.
    const auto finished = [&] { return fs::exists(result) && !fs::exists(dir / "out" / "r.h5.journal"); };

    // Killed at several moments after the first checkpoint (spread over the run), resumed.
    int resumed = 0;
    for (const double share : {0.15, 0.4, 0.65, 0.9}) {
        fs::remove_all(dir / "out");
        const pid_t pid = spawn_floodsim({"run", s.string(), "--quiet"}, dir / "o.txt", dir / "e.txt");
        for (int k = 0; k < 20000 && !fs::exists(ckpt); ++k) ::usleep(500);
        ::usleep(static_cast<useconds_t>(share * wall * 1e6));
        ::kill(pid, SIGKILL);
        if (wait_for(pid) != 128 + SIGKILL) continue;  // it had finished: nothing to resume
        if (finished()) {  // killed after its result was complete: nothing to resume either
            EXPECT_EQ(h5_digest(result, kTimingAttrs), reference) << "killed at " << share << " of the run";
            continue;
        }
        ASSERT_TRUE(fs::exists(ckpt)) << share;
        r = run_floodsim({"run", s.string(), "--resume", ckpt.string(), "--quiet"});
        ASSERT_EQ(r.status, 0) << share << ": " << describe(r);
        EXPECT_NE(r.out.find("resumed         at t = "), std::string::npos) << r.out;
        EXPECT_EQ(h5_digest(result, kTimingAttrs), reference) << "killed at " << share << " of the run";
        EXPECT_FALSE(fs::exists(dir / "out" / "r.h5.journal"));
        EXPECT_FALSE(fs::exists(dir / "out" / "r.h5.part"));
        ++resumed;
    }
    EXPECT_GE(resumed, 2);

    // Killed again while resuming: a second resume from the same or a later checkpoint still
    // ends bitwise as the uninterrupted run.
    fs::remove_all(dir / "out");
    pid_t pid = spawn_floodsim({"run", s.string(), "--quiet"}, dir / "o.txt", dir / "e.txt");
    for (int k = 0; k < 20000 && !fs::exists(ckpt); ++k) ::usleep(500);
    ::usleep(static_cast<useconds_t>(0.3 * wall * 1e6));
    ::kill(pid, SIGKILL);
    if (wait_for(pid) == 128 + SIGKILL && !finished()) {
        pid = spawn_floodsim({"run", s.string(), "--resume", ckpt.string(), "--quiet"}, dir / "o.txt", dir / "e.txt");
        ::usleep(static_cast<useconds_t>(0.3 * wall * 1e6));
        ::kill(pid, SIGKILL);
        if (wait_for(pid) == 128 + SIGKILL && !finished()) {  // else the resume had finished
            r = run_floodsim({"run", s.string(), "--resume", ckpt.string(), "--quiet"});
            ASSERT_EQ(r.status, 0) << describe(r);
        }
        EXPECT_EQ(h5_digest(result, kTimingAttrs), reference);
    }
}

TEST(Checkpoint, SinksWaitingForTheirIntervalResumeBitwise) {
    // solver.sinks_interval: the time the sinks have waited is in the checkpoint (its state value
    // sinks_pending); a run stopped between their actions resumes bitwise.
    TempDir dir;
    write_checkpoint_scenario(dir.path());
    const fs::path s = dir / "scenario.toml", result = dir / "out" / "r.h5", ckpt = dir / "out" / "r.ckpt";
    write_text(s, replace_once(read_text(s), "threads = 1\n", "threads = 1\nsinks_interval = \"7min\"\n"));
    ProcResult r = run_floodsim({"run", s.string(), "--quiet", "--output", (dir / "ref.h5").string()});
    ASSERT_EQ(r.status, 0) << describe(r);
    const auto reference = h5_digest(dir / "ref.h5", kTimingAttrs);
    fs::remove_all(dir / "out");

    const pid_t pid = spawn_floodsim({"run", s.string(), "--quiet"}, dir / "o.txt", dir / "e.txt");
    for (int k = 0; k < 20000 && !fs::exists(ckpt); ++k) ::usleep(500);
    ::kill(pid, SIGTERM);
    ASSERT_EQ(wait_for(pid), 130) << read_text(dir / "e.txt");
    r = run_floodsim({"run", s.string(), "--resume", ckpt.string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    EXPECT_EQ(h5_digest(result, kTimingAttrs), reference);
}

TEST(Checkpoint, SigtermWritesACheckpointAndAHotStartReadsIt) {
    TempDir dir;
    write_checkpoint_scenario(dir.path());
    const fs::path s = dir / "scenario.toml", result = dir / "out" / "r.h5", ckpt = dir / "out" / "r.ckpt";
    ProcResult r = run_floodsim({"run", s.string(), "--quiet", "--output", (dir / "ref.h5").string()});
    ASSERT_EQ(r.status, 0) << describe(r);
    const auto reference = h5_digest(dir / "ref.h5", kTimingAttrs);
    fs::remove_all(dir / "out");  // its checkpoint

    const pid_t pid = spawn_floodsim({"run", s.string(), "--quiet"}, dir / "o.txt", dir / "e.txt");
    for (int k = 0; k < 20000 && !fs::exists(ckpt); ++k) ::usleep(500);
    ::kill(pid, SIGTERM);
    ASSERT_EQ(wait_for(pid), 130) << read_text(dir / "e.txt");
    const std::string err = read_text(dir / "e.txt");
    EXPECT_NE(err.find("--resume " + ckpt.string()), std::string::npos) << err;
    EXPECT_FALSE(fs::exists(dir / "out" / "r.h5.part"));  // no half-written result
    EXPECT_TRUE(fs::exists(dir / "out" / "r.h5.journal"));  // what the checkpoint continues
    r = run_floodsim({"run", s.string(), "--resume", ckpt.string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    EXPECT_EQ(h5_digest(result, kTimingAttrs), reference);

    // The final checkpoint is a state file: a hot start's first frame is the run's last.
    write_text(dir / "hot.toml", replace_once(read_text(s), "[time]", "[initial]\nstate = \"out/r.ckpt\"\n[time]"));
    r = run_floodsim({"run", (dir / "hot.toml").string(), "--quiet", "--output", (dir / "hot.h5").string()});
    ASSERT_EQ(r.status, 0) << describe(r);
    const std::vector<float> a = dataset<float>(result, "/depth"), b = dataset<float>(dir / "hot.h5", "/depth");
    const std::size_t cells = 60 * 40;
    ASSERT_GE(b.size(), cells);
    EXPECT_TRUE(std::equal(a.end() - static_cast<std::ptrdiff_t>(cells), a.end(), b.begin()));
}

TEST(Checkpoint, AMismatchedOrDamagedCheckpointExitsTwoNamingIt) {
    TempDir dir;
    write_checkpoint_scenario(dir.path());
    const fs::path s = dir / "scenario.toml", ckpt = dir / "out" / "r.ckpt", journal = dir / "out" / "r.h5.journal";
    const pid_t pid = spawn_floodsim({"run", s.string(), "--quiet"}, dir / "o.txt", dir / "e.txt");
    for (int k = 0; k < 20000 && !fs::exists(ckpt); ++k) ::usleep(500);
    ::kill(pid, SIGTERM);
    ASSERT_EQ(wait_for(pid), 130) << read_text(dir / "e.txt");
    fs::copy_file(ckpt, dir / "good.ckpt");
    fs::copy_file(journal, dir / "good.journal");
    const auto refused = [&](const fs::path& scenario, const fs::path& from, const std::vector<std::string>& parts) {
        const ProcResult r = run_floodsim({"run", scenario.string(), "--resume", from.string(), "--quiet"});
        EXPECT_EQ(r.status, 2) << describe(r);
        for (const std::string& p : parts) EXPECT_NE(r.err.find(p), std::string::npos) << p << " in " << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_FALSE(fs::exists(dir / "out" / "r.h5"));
    };
    // Another scenario (one rain value changed).
    write_text(dir / "other.toml", replace_once(read_text(s), "ks_mm_h = 10", "ks_mm_h = 12"));
    refused(dir / "other.toml", ckpt, {ckpt.string(), "'scenario'", "another scenario", "scenario_crc32"});
    // A damaged checkpoint (one byte changed).
    std::string bytes = read_text(ckpt);
    bytes[bytes.size() / 2] ^= 0x5a;
    write_text(dir / "bad.ckpt", bytes);
    refused(s, dir / "bad.ckpt", {(dir / "bad.ckpt").string(), "seal"});
    // A plain state file is not a checkpoint.
    write_text(dir / "plain.toml",
               replace_once(read_text(s), "[checkpoint]\ninterval = \"20min\"\nfile = \"out/r.ckpt\"\n", ""));
    ProcResult r = run_floodsim({"run", (dir / "plain.toml").string(), "--quiet", "--output", (dir / "x.h5").string(),
                                 "--save-state", (dir / "plain.state").string()});
    ASSERT_EQ(r.status, 0) << describe(r);
    refused(s, dir / "plain.state", {(dir / "plain.state").string(), "not a checkpoint", "[initial] state"});
    // The journal missing, then damaged before the checkpoint's length.
    fs::remove(journal);
    refused(s, ckpt, {journal.string(), "journal"});
    std::string j = read_text(dir / "good.journal");
    j[j.size() / 3] ^= 0x5a;
    write_text(journal, j);
    refused(s, ckpt, {journal.string(), "damaged"});
    // The good pair still resumes.
    fs::copy_file(dir / "good.journal", journal, fs::copy_options::overwrite_existing);
    r = run_floodsim({"run", s.string(), "--resume", ckpt.string(), "--quiet"});
    EXPECT_EQ(r.status, 0) << describe(r);
    // Once the run has finished, its checkpoint has nothing left to continue.
    {
        const ProcResult again = run_floodsim({"run", s.string(), "--resume", ckpt.string(), "--quiet"});
        EXPECT_EQ(again.status, 2) << describe(again);
        EXPECT_NE(again.err.find("complete"), std::string::npos) << again.err;
    }
    fs::remove(dir / "out" / "r.h5");
    // Bad [checkpoint] keys.
    write_text(dir / "k.toml", replace_once(read_text(s), "interval = \"20min\"", "interval = \"-5min\""));
    refused(dir / "k.toml", ckpt, {"k.toml", "checkpoint.interval", "-5min"});
    write_text(dir / "k.toml", replace_once(read_text(s), "file = \"out/r.ckpt\"", "file = \"out/r.h5\""));
    refused(dir / "k.toml", ckpt, {"k.toml", "checkpoint.file", "out/r.h5"});
}
