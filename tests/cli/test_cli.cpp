// End-to-end tests of the floodsim command line (INTERFACE.md sections 1-3).
//
// Every test runs the real `floodsim` executable as a subprocess (path in FLOODSIM_EXE), with
// its inputs written into a fresh temporary folder: a small ESRI ASCII grid DEM (+ .prj), CSV
// series and the scenario TOML. Results are read back with the HDF5 C API only, independently
// of floodsim's own reader.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

extern char** environ;


#include "cli_util.hpp"

namespace {

using namespace floodsim_test;

// ---------------------------------------------------------------------------------------------
// Inputs: a 20 x 10 grid of 2 m cells in UTM zone 49N. The northern 4 rows are high ground
// (12 m), the southern 6 rows a channel (about 10 m, falling gently to the east); the north-east
// corner cell is nodata. A level boundary (11 m) on the west floods the channel from the west;
// the east side is a free outflow.

constexpr int NX = 20, NY = 10;
constexpr double X0 = 708000.0, Y0 = 3854000.0, DX = 2.0;  // south-west corner
constexpr int HIGH_ROWS = 4;

bool is_nodata(int i, int j) { return j == 0 && i == NX - 1; }
double bed(int i, int j) { return j < HIGH_ROWS ? 12.0 : 10.0 - 0.01 * i; }  // j = 0: north

/// Writes an ESRI ASCII grid; cell(i, j) gives the text of column i, row j (row 0 = north).
void write_asc(const fs::path& p, int nx, int ny, double xll, double yll, double cell,
               const std::function<std::string(int, int)>& value, bool with_prj = true) {
    std::ostringstream s;
    s.precision(10);
    s << "ncols " << nx << "\nnrows " << ny << "\nxllcorner " << xll << "\nyllcorner " << yll
      << "\ncellsize " << cell << "\nNODATA_value -9999\n";
    for (int j = 0; j < ny; ++j) {
        for (int i = 0; i < nx; ++i) s << (i ? " " : "") << value(i, j);
        s << "\n";
    }
    write_text(p, s.str());
    if (with_prj) write_text(fs::path(p).replace_extension(".prj"), std::string(kWktUtm49N) + "\n");
}

std::string num(double v) {
    std::ostringstream s;
    s.precision(10);
    s << v;
    return s.str();
}

void write_dem(const fs::path& p) {
    write_asc(p, NX, NY, X0, Y0, DX, [](int i, int j) { return is_nodata(i, j) ? std::string("-9999") : num(bed(i, j)); });
}

// Gauge in the channel: column 10, row 8 (bed 9.9 m).
constexpr double GAUGE_X = X0 + 10.5 * DX, GAUGE_Y = Y0 + 1.5 * DX;
constexpr int GAUGE_I = 10, GAUGE_J = 8;

constexpr double DURATION = 50.0, RAIN_MM_H = 50.0;

std::string scenario_text(const std::string& variables = R"(["depth", "velocity"])") {
    return R"(# floodsim CLI test scenario
format = 1
name = "clitest"

[domain]
dem = "dem.asc"
manning = 0.03

[time]
duration = "50s"
output_interval = "20s"
gauge_interval = "15s"

[solver]
scheme = "fv1"
cfl = 0.5
threads = 1

[[boundary]]
side = "west"
kind = "level"
value = 11.0

[[boundary]]
side = "east"
kind = "free"

[rain]
intensity_mm_h = 50.0

[[gauge]]
name = "g1"
x = )" + num(GAUGE_X) + R"(
y = )" + num(GAUGE_Y) + R"(

[output]
file = "out/result.h5"
variables = )" + variables + "\n";
}

/// Writes dem.asc, dem.prj and s.toml (with `text`) into `dir`; returns the scenario path.
fs::path write_scenario(const TempDir& dir, const std::string& text = scenario_text()) {
    write_dem(dir / "dem.asc");
    write_text(dir / "s.toml", text);
    return dir / "s.toml";
}


std::size_t idx(int i, int j) { return static_cast<std::size_t>(j) * NX + static_cast<std::size_t>(i); }

fs::path part_of(const fs::path& p) { return fs::path(p.string() + ".part"); }

// ---------------------------------------------------------------------------------------------
// 1. A good run, end to end

TEST(CliRun, GoodRunWritesTheResultOfInterfaceSection3) {
    TempDir d;
    const fs::path scenario = write_scenario(d);
    const fs::path result = d / "out/result.h5";

    const ProcResult r = run_floodsim({"run", scenario.string()});
    ASSERT_EQ(r.status, 0) << describe(r);
    // Summary on stdout.
    EXPECT_NE(r.out.find("steps"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("wall time"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("cell updates per second"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("mass balance"), std::string::npos) << r.out;
    // Progress on stderr: simulated time, dt, wet cells, ETA.
    for (const char* word : {"dt", "wet", "ETA"}) EXPECT_NE(r.err.find(word), std::string::npos) << word << " in:\n" << r.err;

    ASSERT_TRUE(fs::is_regular_file(result));
    EXPECT_FALSE(fs::exists(part_of(result)));

    Hid f = open_h5(result);

    // Root attributes.
    EXPECT_EQ(read_string_attr(f, "format"), "floodsim-result");
    {
        const AttrInfo ai = attr_info(f, "format_version");
        EXPECT_EQ(ai.type_class, H5T_INTEGER);
        EXPECT_EQ(ai.count, 1);
        EXPECT_EQ(read_num_attr<std::int64_t>(f, "format_version"), std::vector<std::int64_t>{1});
    }
    const std::string wkt = read_string_attr(f, "crs_wkt");
    EXPECT_NE(wkt.find("UTM zone 49N"), std::string::npos) << wkt;
    {
        const AttrInfo ai = attr_info(f, "geotransform");
        EXPECT_EQ(ai.type_class, H5T_FLOAT);
        EXPECT_EQ(ai.type_size, 8u);
        const std::vector<double> gt = read_num_attr<double>(f, "geotransform");
        const std::vector<double> expected{X0, DX, 0.0, Y0 + NY * DX, 0.0, -DX};
        EXPECT_EQ(gt, expected);
    }
    EXPECT_EQ(read_string_attr(f, "scenario"), read_text(scenario));
    EXPECT_FALSE(read_string_attr(f, "floodsim_version").empty());
    EXPECT_EQ(read_string_attr(f, "scheme"), "fv1");
    {
        const AttrInfo ai = attr_info(f, "steps");
        EXPECT_EQ(ai.type_class, H5T_INTEGER);
        EXPECT_EQ(ai.type_size, 8u);
        EXPECT_GT(read_num_attr<std::int64_t>(f, "steps").at(0), 0);
        const AttrInfo wi = attr_info(f, "wall_time_s");
        EXPECT_EQ(wi.type_class, H5T_FLOAT);
        EXPECT_EQ(wi.type_size, 8u);
        EXPECT_GE(read_num_attr<double>(f, "wall_time_s").at(0), 0.0);
        const AttrInfo ti = attr_info(f, "threads");
        EXPECT_EQ(ti.type_class, H5T_INTEGER);
        EXPECT_EQ(ti.type_size, 8u);
        EXPECT_EQ(read_num_attr<std::int64_t>(f, "threads").at(0), 1);
    }

    // /time: 0, k * interval, ..., and the duration exactly.
    const auto time = read_dataset<double>(f, "/time");
    EXPECT_EQ(time.type_class, H5T_FLOAT);
    EXPECT_EQ(time.type_size, 8u);
    EXPECT_EQ(time.v, (std::vector<double>{0.0, 20.0, 40.0, DURATION}));
    const std::size_t nt = time.v.size();

    // Rasters: type, shape, chunked and compressed.
    for (const char* name : {"/depth", "/velocity_x", "/velocity_y"}) {
        SCOPED_TRACE(name);
        const auto a = read_dataset<float>(f, name);
        EXPECT_EQ(a.type_class, H5T_FLOAT);
        EXPECT_EQ(a.type_size, 4u);
        EXPECT_EQ(a.dims, (std::vector<hsize_t>{nt, NY, NX}));
        const auto [chunked, deflate] = chunked_and_deflated(f, name);
        EXPECT_TRUE(chunked);
        EXPECT_TRUE(deflate);
    }
    for (const char* name : {"/max_depth", "/max_speed", "/arrival_time"}) {
        SCOPED_TRACE(name);
        const auto a = read_dataset<float>(f, name);
        EXPECT_EQ(a.type_class, H5T_FLOAT);
        EXPECT_EQ(a.type_size, 4u);
        EXPECT_EQ(a.dims, (std::vector<hsize_t>{NY, NX}));
        const auto [chunked, deflate] = chunked_and_deflated(f, name);
        EXPECT_TRUE(chunked);
        EXPECT_TRUE(deflate);
    }

    const auto depth = read_dataset<float>(f, "/depth");
    const auto vx = read_dataset<float>(f, "/velocity_x");
    const auto max_depth = read_dataset<float>(f, "/max_depth");
    const auto max_speed = read_dataset<float>(f, "/max_speed");
    const auto arrival = read_dataset<float>(f, "/arrival_time");
    const std::size_t frame = static_cast<std::size_t>(NX) * NY;
    ASSERT_EQ(depth.v.size(), nt * frame);
    for (std::size_t t = 0; t < nt; ++t) {
        for (int j = 0; j < NY; ++j)
            for (int i = 0; i < NX; ++i) {
                const float h = depth.v[t * frame + idx(i, j)];
                if (is_nodata(i, j)) {
                    EXPECT_TRUE(std::isnan(h)) << "depth outside the domain, frame " << t;
                    EXPECT_TRUE(std::isnan(vx.v[t * frame + idx(i, j)])) << "velocity outside the domain";
                } else {
                    ASSERT_TRUE(std::isfinite(h) && h >= 0.0f) << "frame " << t << " cell " << i << "," << j << ": " << h;
                    EXPECT_LE(h, max_depth.v[idx(i, j)] * (1.0f + 1e-6f) + 1e-7f);
                    if (t == 0) {
                        EXPECT_EQ(h, 0.0f) << "the run starts dry";
                    }
                }
            }
    }
    // Row 0 is north: the high ground in the north stays (nearly) dry, the southern channel floods.
    const std::size_t last = (nt - 1) * frame;
    for (int i = 0; i < NX - 1; ++i) EXPECT_LT(depth.v[last + idx(i, 0)], 0.01f) << "north row, column " << i;
    for (int i = 0; i < NX; ++i) EXPECT_GT(depth.v[last + idx(i, NY - 1)], 0.1f) << "south row, column " << i;

    // Maxima and arrival times.
    EXPECT_TRUE(std::isnan(max_depth.v[idx(NX - 1, 0)]));
    EXPECT_TRUE(std::isnan(arrival.v[idx(NX - 1, 0)]));
    for (int j = 0; j < NY; ++j)
        for (int i = 0; i < NX; ++i) {
            if (is_nodata(i, j)) continue;
            const float at = arrival.v[idx(i, j)];
            EXPECT_TRUE(std::isfinite(max_speed.v[idx(i, j)]) && max_speed.v[idx(i, j)] >= 0.0f);
            if (j < HIGH_ROWS) {
                EXPECT_TRUE(std::isnan(at)) << "never wet: cell " << i << "," << j << " arrival " << at;
            } else {
                EXPECT_TRUE(std::isfinite(at) && at > 0.0f && at <= DURATION)
                    << "flooded: cell " << i << "," << j << " arrival " << at;
                EXPECT_GT(max_depth.v[idx(i, j)], 0.01f);
            }
        }
    // The flood comes from the west: it reaches the east end later.
    EXPECT_GT(arrival.v[idx(NX - 1, NY - 1)], arrival.v[idx(0, NY - 1)]);

    // Gauges, sampled every gauge_interval (and at the end).
    const std::vector<double> sample_times{0.0, 15.0, 30.0, 45.0, DURATION};
    std::vector<std::vector<double>> g;
    for (const char* col : {"time", "depth", "water_level", "velocity_x", "velocity_y"}) {
        SCOPED_TRACE(col);
        const auto a = read_dataset<double>(f, std::string("/gauges/g1/") + col);
        EXPECT_EQ(a.type_class, H5T_FLOAT);
        EXPECT_EQ(a.type_size, 8u);
        EXPECT_EQ(a.dims, (std::vector<hsize_t>{sample_times.size()}));
        g.push_back(a.v);
    }
    EXPECT_EQ(g[0], sample_times);
    ASSERT_EQ(g[1].size(), sample_times.size());
    EXPECT_EQ(g[1][0], 0.0);
    EXPECT_GT(g[1].back(), 0.1);
    for (std::size_t k = 0; k < g[1].size(); ++k)
        EXPECT_NEAR(g[2][k] - g[1][k], bed(GAUGE_I, GAUGE_J), 1e-5) << "water level = bed + depth, sample " << k;
    // The gauge's last sample is the last frame's cell.
    EXPECT_NEAR(g[1].back(), depth.v[last + idx(GAUGE_I, GAUGE_J)], 1e-5);

    // Mass balance, every gauge_interval.
    std::vector<std::vector<double>> mb;
    for (const char* col : {"time", "volume", "rain", "inflow", "outflow", "error"}) {
        SCOPED_TRACE(col);
        const auto a = read_dataset<double>(f, std::string("/mass_balance/") + col);
        EXPECT_EQ(a.type_class, H5T_FLOAT);
        EXPECT_EQ(a.type_size, 8u);
        EXPECT_EQ(a.dims, (std::vector<hsize_t>{sample_times.size()}));
        mb.push_back(a.v);
    }
    EXPECT_EQ(mb[0], sample_times);
    const std::size_t m = mb[0].size();
    ASSERT_EQ(m, sample_times.size());
    for (std::size_t c = 1; c < mb.size(); ++c) ASSERT_EQ(mb[c].size(), m);
    const double domain_area = (NX * NY - 1) * DX * DX;
    EXPECT_NEAR(mb[2].back(), RAIN_MM_H / 3.6e6 * DURATION * domain_area, 1e-9) << "cumulative rain";
    EXPECT_GT(mb[3].back(), 1.0) << "inflow through the level boundary";
    EXPECT_GT(mb[4].back(), 0.0) << "outflow through the free east side";
    EXPECT_EQ(mb[1][0], 0.0);
    for (std::size_t k = 0; k < m; ++k) {
        if (k > 0) {
            for (int c : {2, 3, 4}) EXPECT_GE(mb[c][k], mb[c][k - 1]) << "cumulative column " << c;
        }
        const double scale = std::max({mb[1][k], mb[3][k], 1.0});
        const double err = mb[1][0] + mb[2][k] + mb[3][k] - mb[4][k] - mb[1][k];
        EXPECT_NEAR(mb[5][k], err, 1e-9 * scale) << "error column, row " << k;
        EXPECT_LE(std::abs(mb[5][k]), 1e-9 * scale) << "mass balance error, row " << k;
    }

    // floodsim info on the result.
    const ProcResult info = run_floodsim({"info", result.string()});
    EXPECT_EQ(info.status, 0) << describe(info);
    EXPECT_NE(info.out.find("fv1"), std::string::npos) << info.out;
}

TEST(CliRun, OutputOverrideNoVelocityAndThreadsGiveIdenticalFrames) {
    TempDir d;
    const fs::path scenario = write_scenario(d, scenario_text(R"(["depth"])"));
    const fs::path a = d / "a/one.h5", b = d / "two.h5";

    const ProcResult r1 = run_floodsim({"run", scenario.string(), "--output", a.string(), "--threads", "1", "--quiet"});
    ASSERT_EQ(r1.status, 0) << describe(r1);
    const ProcResult r2 = run_floodsim({"run", scenario.string(), "--output", b.string(), "--threads", "2", "--quiet"});
    ASSERT_EQ(r2.status, 0) << describe(r2);
    EXPECT_EQ(r1.err, "") << "--quiet: no progress";

    EXPECT_FALSE(fs::exists(d / "out/result.h5")) << "--output overrides output.file";
    EXPECT_FALSE(fs::exists(d / "out/result.h5.part"));
    ASSERT_TRUE(fs::is_regular_file(a));
    ASSERT_TRUE(fs::is_regular_file(b));
    EXPECT_FALSE(fs::exists(part_of(a)));
    EXPECT_FALSE(fs::exists(part_of(b)));

    Hid fa = open_h5(a), fb = open_h5(b);
    EXPECT_EQ(read_num_attr<std::int64_t>(fa, "threads").at(0), 1);
    EXPECT_EQ(read_num_attr<std::int64_t>(fb, "threads").at(0), 2);
    for (hid_t f : {hid_t(fa), hid_t(fb)}) {
        EXPECT_TRUE(h5_exists(f, "/depth"));
        EXPECT_FALSE(h5_exists(f, "/velocity_x")) << "velocity not asked for";
        EXPECT_FALSE(h5_exists(f, "/velocity_y")) << "velocity not asked for";
        EXPECT_TRUE(h5_exists(f, "/gauges/g1/depth"));
    }
    const auto da = read_dataset<float>(fa, "/depth");
    const auto db = read_dataset<float>(fb, "/depth");
    ASSERT_EQ(da.dims, db.dims);
    ASSERT_EQ(da.v.size(), db.v.size());
    EXPECT_EQ(std::memcmp(da.v.data(), db.v.data(), da.v.size() * sizeof(float)), 0)
        << "--threads 1 and --threads 2 must give bitwise identical depth frames";
    EXPECT_EQ(read_num_attr<std::int64_t>(fa, "steps"), read_num_attr<std::int64_t>(fb, "steps"));
}

TEST(CliRun, SinglePrecisionRunsCloseToDouble) {
    TempDir d;
    std::string text = scenario_text(R"(["depth"])");
    const fs::path sd = write_scenario(d, text);
    const std::string key = "scheme = \"fv1\"\n";
    ASSERT_NE(text.find(key), std::string::npos);
    text.replace(text.find(key), key.size(), key + "precision = \"single\"\n");
    write_text(d / "single.toml", text);
    const fs::path a = d / "double.h5", b = d / "single.h5";
    const ProcResult r1 = run_floodsim({"run", sd.string(), "--output", a.string(), "--quiet"});
    ASSERT_EQ(r1.status, 0) << describe(r1);
    const ProcResult r2 = run_floodsim({"run", (d / "single.toml").string(), "--output", b.string(), "--quiet"});
    ASSERT_EQ(r2.status, 0) << describe(r2);
    EXPECT_NE(r2.out.find("single precision"), std::string::npos) << r2.out;
    EXPECT_NE(r1.out.find("double precision"), std::string::npos) << r1.out;

    Hid fa = open_h5(a), fb = open_h5(b);
    EXPECT_EQ(read_string_attr(fa, "precision"), "double");  // the root attribute says which
    EXPECT_EQ(read_string_attr(fb, "precision"), "single");
    const auto da = read_dataset<float>(fa, "/depth");
    const auto db = read_dataset<float>(fb, "/depth");
    ASSERT_EQ(da.dims, db.dims);
    double worst = 0.0;
    for (std::size_t k = 0; k < da.v.size(); ++k) {
        if (std::isnan(da.v[k])) {
            EXPECT_TRUE(std::isnan(db.v[k]));
            continue;
        }
        worst = std::max(worst, std::abs(static_cast<double>(da.v[k]) - db.v[k]));
    }
    EXPECT_LT(worst, 1e-3) << "single and double depth frames differ by more than 1 mm";
    // Gauge levels are absolute (the float bed is kept relative to its lowest cell inside).
    const auto la = read_dataset<double>(fa, "/gauges/g1/water_level");
    const auto lb = read_dataset<double>(fb, "/gauges/g1/water_level");
    ASSERT_EQ(la.v.size(), lb.v.size());
    for (std::size_t k = 0; k < la.v.size(); ++k) EXPECT_NEAR(la.v[k], lb.v[k], 1e-3) << "sample " << k;
    const auto err = read_dataset<double>(fb, "/mass_balance/error");
    const auto vol = read_dataset<double>(fb, "/mass_balance/volume");
    const auto rain = read_dataset<double>(fb, "/mass_balance/rain");
    const auto in = read_dataset<double>(fb, "/mass_balance/inflow");
    const std::size_t last = err.v.size() - 1;
    EXPECT_LT(std::abs(err.v[last]), 1e-5 * std::max({vol.v[last], rain.v[last] + in.v[last], 1.0}));
}

// ---------------------------------------------------------------------------------------------
// 2. --version

TEST(CliVersion, PrintsTheVersion) {
    const ProcResult r = run_floodsim({"--version"});
    EXPECT_EQ(r.status, 0) << describe(r);
    EXPECT_EQ(r.out.rfind("floodsim ", 0), 0u) << r.out;
}

TEST(CliUsage, CommandLineErrorsExit2) {
    TempDir d;
    const fs::path scenario = write_scenario(d);
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {}, {"run"}, {"frobnicate"}, {"run", scenario.string(), "--threads", "-1"}, {"run", scenario.string(), "--bogus"}}) {
        std::string line;
        for (const auto& a : args) line += " " + a;
        SCOPED_TRACE("floodsim" + line);
        const ProcResult r = run_floodsim(args);
        EXPECT_EQ(r.status, 2) << describe(r);
        EXPECT_FALSE(r.err.empty());
    }
    EXPECT_FALSE(fs::exists(d / "out/result.h5"));
    EXPECT_FALSE(fs::exists(d / "out/result.h5.part"));
    const ProcResult help = run_floodsim({"--help"});
    EXPECT_EQ(help.status, 0) << describe(help);
    EXPECT_NE(help.out.find("run"), std::string::npos) << help.out;
}

// ---------------------------------------------------------------------------------------------
// 3. check

TEST(CliCheck, GoodScenarioPrintsTheGridAndWritesNoResult) {
    TempDir d;
    const fs::path scenario = write_scenario(d);
    const ProcResult r = run_floodsim({"check", scenario.string()});
    EXPECT_EQ(r.status, 0) << describe(r);
    EXPECT_NE(r.out.find("20 x 10"), std::string::npos) << r.out;
    EXPECT_FALSE(fs::exists(d / "out/result.h5"));
    EXPECT_FALSE(fs::exists(d / "out/result.h5.part"));
    if (fs::exists(d / "out")) {
        EXPECT_TRUE(fs::is_empty(d / "out")) << "check leaves nothing in the output folder";
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Bad input: exit status 2, one line on stderr naming the file and the key and/or value,
// nothing left under the output's final name (nor its .part).

/// Runs `floodsim run` (and `floodsim check`) on `scenario` and checks the rejection.
void expect_rejected(const fs::path& scenario, const fs::path& final_output, const std::vector<std::string>& needles,
                     bool also_check = true) {
    std::vector<std::vector<std::string>> commands{{"run", scenario.string()}};
    if (also_check) commands.push_back({"check", scenario.string()});
    for (const auto& args : commands) {
        SCOPED_TRACE("floodsim " + args[0]);
        const ProcResult r = run_floodsim(args);
        EXPECT_EQ(r.status, 2) << describe(r);
        EXPECT_TRUE(!r.err.empty() && r.err.back() == '\n' && std::count(r.err.begin(), r.err.end(), '\n') == 1)
            << "expected exactly one line on stderr:\n" << r.err;
        for (const std::string& n : needles) EXPECT_NE(r.err.find(n), std::string::npos) << "'" << n << "' not in: " << r.err;
        EXPECT_FALSE(fs::exists(final_output)) << final_output;
        EXPECT_FALSE(fs::exists(part_of(final_output))) << part_of(final_output);
        EXPECT_EQ(r.out, "") << "nothing on stdout";
    }
}

class CliBadInput : public ::testing::Test {
protected:
    TempDir d;
    fs::path out() const { return d / "out/result.h5"; }
    /// Writes the good inputs with the scenario text changed by replacing `from` with `to`.
    fs::path scenario_with(const std::string& from, const std::string& to) {
        return write_scenario(d, replace_once(scenario_text(), from, to));
    }
};

TEST_F(CliBadInput, ScenarioFileMissing) {
    write_dem(d / "dem.asc");
    expect_rejected(d / "missing.toml", out(), {"missing.toml"});
}

TEST_F(CliBadInput, ScenarioNotToml) {
    const fs::path s = write_scenario(d, "format = 1\nthis is not [toml\n");
    expect_rejected(s, out(), {"s.toml", "line 2"});
}

TEST_F(CliBadInput, UnknownTopLevelKey) {
    expect_rejected(scenario_with("name = \"clitest\"", "name = \"clitest\"\ncolour = \"red\""), out(),
                    {"s.toml", "colour"});
}

TEST_F(CliBadInput, UnknownKeyInTimeTable) {
    expect_rejected(scenario_with("output_interval = \"20s\"", "output_intervall = \"20s\""), out(),
                    {"s.toml", "output_intervall"});
}

TEST_F(CliBadInput, UnknownScheme) {
    expect_rejected(scenario_with("scheme = \"fv1\"", "scheme = \"fv9\""), out(), {"s.toml", "solver.scheme", "fv9"});
}

TEST_F(CliBadInput, BadDurationUnit) {
    expect_rejected(scenario_with("duration = \"50s\"", "duration = \"15 minutes\""), out(),
                    {"s.toml", "time.duration", "15 minutes"});
}

TEST_F(CliBadInput, NegativeRainfall) {
    expect_rejected(scenario_with("intensity_mm_h = 50.0", "intensity_mm_h = -5.0"), out(),
                    {"s.toml", "rain.intensity_mm_h", "-5"});
}

TEST_F(CliBadInput, NonNumericCfl) {
    expect_rejected(scenario_with("cfl = 0.5", "cfl = \"fast\""), out(), {"s.toml", "solver.cfl", "fast"});
}

TEST_F(CliBadInput, MissingDem) {
    expect_rejected(scenario_with("dem = \"dem.asc\"", "dem = \"nope.asc\""), out(), {"nope.asc", "domain.dem"});
}

TEST_F(CliBadInput, DemIsTextNotRaster) {
    write_text(d / "notes.txt", "these are my notes, not a raster\n1 2 3\n");
    expect_rejected(scenario_with("dem = \"dem.asc\"", "dem = \"notes.txt\""), out(), {"notes.txt", "domain.dem"});
}

TEST_F(CliBadInput, NanInDem) {
    write_asc(d / "dem_nan.asc", NX, NY, X0, Y0, DX, [](int i, int j) {
        if (is_nodata(i, j)) return std::string("-9999");
        if (i == 5 && j == 6) return std::string("nan");
        return num(bed(i, j));
    });
    const fs::path s = scenario_with("dem = \"dem.asc\"", "dem = \"dem_nan.asc\"");
    expect_rejected(s, out(), {"dem_nan.asc", "domain.dem", "nan"});
}

// Elevations that no terrain has (a typo, a broken export, a DEM in millimetres) are refused,
// naming the DEM, the cell's map coordinates and the value, instead of a run that crawls at a
// time step of milliseconds. Cell (5, 6): centre x = X0 + 11, y = Y0 + (NY - 6 - 0.5) * DX = Y0 + 7.
class CliBadDem : public CliBadInput, public ::testing::WithParamInterface<const char*> {};

TEST_P(CliBadDem, ElevationNoTerrainHasIsRefused) {
    const std::string value = GetParam();
    write_asc(d / "dem_bad.asc", NX, NY, X0, Y0, DX, [&](int i, int j) {
        if (is_nodata(i, j)) return std::string("-9999");
        if (i == 5 && j == 6) return value;
        return num(bed(i, j));
    });
    const fs::path s = scenario_with("dem = \"dem.asc\"", "dem = \"dem_bad.asc\"");
    expect_rejected(s, out(), {"dem_bad.asc", "domain.dem", "x=708011", "y=3854007", "domain.z_scale"});
}

INSTANTIATE_TEST_SUITE_P(Values, CliBadDem, ::testing::Values("1e308", "-1e308", "3.4e38", "1e30", "-2e5", "100000"),
                         [](const auto& info) { return "value" + std::to_string(info.index); });

TEST_F(CliBadInput, DemInMillimetresRunsWithZScaleAsInMetres) {
    // Terrain at 100 m and more, in millimetres: refused without z_scale, with the hint.
    write_asc(d / "dem_high_mm.asc", NX, NY, X0, Y0, DX, [](int i, int j) {
        return is_nodata(i, j) ? std::string("-9999") : num((bed(i, j) + 100.0) * 1000.0);
    });
    expect_rejected(scenario_with("dem = \"dem.asc\"", "dem = \"dem_high_mm.asc\""), out(),
                    {"dem_high_mm.asc", "domain.z_scale"});
    // With z_scale a DEM in millimetres gives the result of the same DEM in metres.
    write_asc(d / "dem_mm.asc", NX, NY, X0, Y0, DX, [](int i, int j) {
        return is_nodata(i, j) ? std::string("-9999") : num(bed(i, j) * 1000.0);
    });
    const fs::path mm = scenario_with("dem = \"dem.asc\"", "dem = \"dem_mm.asc\"\nz_scale = 0.001");
    const ProcResult a = run_floodsim({"run", mm.string(), "--quiet", "--output", (d / "mm.h5").string()});
    ASSERT_EQ(a.status, 0) << describe(a);
    const fs::path m = scenario_with("dem = \"dem.asc\"", "dem = \"dem.asc\"");
    const ProcResult b = run_floodsim({"run", m.string(), "--quiet", "--output", (d / "m.h5").string()});
    ASSERT_EQ(b.status, 0) << describe(b);
    Hid fa = open_h5(d / "mm.h5"), fb = open_h5(d / "m.h5");
    const auto da = read_dataset<float>(fa, "/max_depth"), db = read_dataset<float>(fb, "/max_depth");
    ASSERT_EQ(da.v.size(), db.v.size());
    for (std::size_t k = 0; k < da.v.size(); ++k) {
        if (std::isnan(db.v[k])) continue;
        EXPECT_NEAR(da.v[k], db.v[k], 1e-4) << k;  // beds equal to round-off (z * 1000 * 0.001)
    }
    expect_rejected(scenario_with("dem = \"dem.asc\"", "dem = \"dem.asc\"\nz_scale = -1"), out(),
                    {"s.toml", "domain.z_scale", "-1"});
}

// check's DEM quality report: an isolated pit and spike, with their map coordinates; a run still
// goes (a warning, not an error: underpass entrances are real sinks).
TEST_F(CliBadInput, CheckReportsIsolatedPitsAndSpikes) {
    write_asc(d / "dem_odd.asc", NX, NY, X0, Y0, DX, [](int i, int j) {
        if (is_nodata(i, j)) return std::string("-9999");
        if (i == 5 && j == 6) return num(bed(i, j) - 8.0);   // a pit 8 m deep
        if (i == 12 && j == 7) return num(bed(i, j) + 20.0); // a spike 20 m high
        return num(bed(i, j));
    });
    const fs::path s = scenario_with("dem = \"dem.asc\"", "dem = \"dem_odd.asc\"");
    const ProcResult r = run_floodsim({"check", s.string()});
    ASSERT_EQ(r.status, 0) << describe(r);
    EXPECT_NE(r.out.find("1 isolated pits, 1 spikes"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("pit   at x=708011.000 y=3854007.000 (cell 5, 6)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("spike at x=708025.000 y=3854005.000 (cell 12, 7)"), std::string::npos) << r.out;
    const ProcResult r10 = run_floodsim({"check", s.string(), "--pit-height", "10"});
    ASSERT_EQ(r10.status, 0) << describe(r10);
    EXPECT_NE(r10.out.find("0 isolated pits, 1 spikes (cells more than 10 m"), std::string::npos) << r10.out;
    const ProcResult clean = run_floodsim({"check", write_scenario(d).string()});
    EXPECT_NE(clean.out.find("0 isolated pits, 0 spikes"), std::string::npos) << clean.out;
    const ProcResult run = run_floodsim({"run", s.string(), "--quiet"});
    EXPECT_EQ(run.status, 0) << describe(run);
}

// A run that can no longer make sense stops loudly (exit 1, one line naming the time, the cell and
// the cause) instead of crawling on: here water 50 km deep, whose waves need steps of a
// millisecond on 2 m cells. The result so far is a complete file, marked incomplete.
TEST_F(CliBadInput, CollapsingTimeStepStopsTheRunLoudly) {
    // (solver.max_speed raised so that the floor, not the speed bound checked at gauge samples,
    // is what stops it; the floor is checked after every step)
    const fs::path s = write_scenario(
        d, replace_once(replace_once(scenario_text(), "[time]", "[initial]\nwater_level = 50000.0\n\n[time]"),
                        "threads = 1", "threads = 1\nmax_speed = 1e6\nmin_dt = \"0.01s\""));
    const auto t0 = std::chrono::steady_clock::now();
    const ProcResult r = run_floodsim({"run", s.string(), "--quiet"});
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(r.status, 1) << describe(r);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    for (const char* needle : {"stopped at t = ", "solver.min_dt", "x=", "cell ", "marked incomplete"})
        EXPECT_NE(r.err.find(needle), std::string::npos) << needle << " not in: " << r.err;
    EXPECT_LT(took, 30.0);
    ASSERT_TRUE(fs::exists(out())) << describe(r);
    EXPECT_FALSE(fs::exists(part_of(out())));
    Hid f = open_h5(out());
    EXPECT_EQ(read_num_attr<std::int64_t>(f, "incomplete").at(0), 1);
    EXPECT_NE(read_string_attr(f, "stop_reason").find("solver.min_dt"), std::string::npos);
    const ProcResult info = run_floodsim({"info", out().string()});
    EXPECT_NE(info.out.find("INCOMPLETE:    the run stopped at t = "), std::string::npos) << info.out;
    // A floor of one's own: 10 s is more than this flow's stable step.
    const fs::path s10 = scenario_with("threads = 1", "threads = 1\nmin_dt = \"10s\"");
    const ProcResult r10 = run_floodsim({"run", s10.string(), "--quiet"});
    EXPECT_EQ(r10.status, 1) << describe(r10);
    EXPECT_NE(r10.err.find("below solver.min_dt = 10 s"), std::string::npos) << r10.err;
    fs::remove(out());
    expect_rejected(scenario_with("threads = 1", "threads = 1\nmin_dt = -1"), out(), {"s.toml", "solver.min_dt"});
}

// Frame and sample counts no product needs (a typo such as seconds meant as minutes) and
// durations no run could finish are refused before anything runs.
TEST_F(CliBadInput, AbsurdFrameCountsAndDurationsAreRefused) {
    expect_rejected(scenario_with("output_interval = \"20s\"", "output_interval = \"1e-4s\""), out(),
                    {"s.toml", "time.output_interval", "5e+05 frames"});
    expect_rejected(scenario_with("gauge_interval = \"15s\"", "gauge_interval = 1e-6"), out(),
                    {"s.toml", "time.gauge_interval", "samples"});
    expect_rejected(scenario_with("duration = \"50s\"", "duration = \"1e97s\""), out(),
                    {"s.toml", "time.duration", "1e97s", "31.7 years"});
}

// A wave faster than solver.max_speed stops the run the same way (checked at every gauge sample,
// here at t = 0: water 1 m deep carries waves of 3.1 m/s, above a bound of 2 m/s).
TEST_F(CliBadInput, WaveFasterThanMaxSpeedStopsTheRunLoudly) {
    const fs::path s = scenario_with("threads = 1", "threads = 1\nmax_speed = 2.0\nmin_dt = \"1e-9s\"\n\n[initial]\ndepth = 1.0");
    const ProcResult r = run_floodsim({"run", s.string(), "--quiet"});
    EXPECT_EQ(r.status, 1) << describe(r);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    for (const char* needle : {"stopped at t = 0 s", "faster than solver.max_speed = 2 m/s", "x=", "depth 1 m"})
        EXPECT_NE(r.err.find(needle), std::string::npos) << needle << " not in: " << r.err;
    Hid f = open_h5(out());
    EXPECT_EQ(read_num_attr<std::int64_t>(f, "incomplete").at(0), 1);
    fs::remove(out());
    expect_rejected(scenario_with("threads = 1", "threads = 1\nmax_speed = 0"), out(), {"s.toml", "solver.max_speed"});
}

TEST_F(CliBadInput, ManningRasterDoesNotCoverTheDomain) {
    // 5 x 3 cells, well inside the grid: most of the domain has no Manning value.
    write_asc(d / "manning.asc", 5, 3, X0 + 10.0, Y0 + 4.0, DX, [](int, int) { return std::string("0.03"); });
    expect_rejected(scenario_with("manning = 0.03", "manning = \"manning.asc\""), out(),
                    {"manning.asc", "domain.manning"});
}

TEST_F(CliBadInput, RainCsvWithNonNumericCell) {
    write_text(d / "rain.csv", "time_s,intensity_mm_h\n0,10\n30,abc\n");
    expect_rejected(scenario_with("intensity_mm_h = 50.0", "series = \"rain.csv\""), out(),
                    {"rain.csv", "rain.series row 3 column intensity_mm_h", "abc"});
}

TEST_F(CliBadInput, RainCsvWithMissingColumn) {
    write_text(d / "rain.csv", "time_s,intensity\n0,10\n30,20\n");
    expect_rejected(scenario_with("intensity_mm_h = 50.0", "series = \"rain.csv\""), out(),
                    {"rain.csv", "rain.series", "intensity_mm_h"});
}

TEST_F(CliBadInput, UnwritableOutputPath) {
    // The output folder would have to be created under a regular file: impossible even as root.
    write_text(d / "blocker", "a regular file\n");
    const fs::path s = scenario_with("file = \"out/result.h5\"", "file = \"blocker/sub/result.h5\"");
    expect_rejected(s, d / "blocker/sub/result.h5", {"s.toml", "output.file", "blocker"});
    EXPECT_TRUE(fs::is_regular_file(d / "blocker"));
    EXPECT_EQ(read_text(d / "blocker"), "a regular file\n");
}

TEST_F(CliBadInput, UnwritableOutputOverride) {
    write_text(d / "blocker", "a regular file\n");
    const fs::path s = write_scenario(d);
    const fs::path target = d / "blocker/result.h5";
    const ProcResult r = run_floodsim({"run", s.string(), "--output", target.string()});
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("blocker"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(d / "out/result.h5"));
    EXPECT_FALSE(fs::exists(part_of(target)));
}

TEST_F(CliBadInput, GaugeOutsideTheGrid) {
    const fs::path s = scenario_with("x = " + num(GAUGE_X), "x = 709000");
    expect_rejected(s, out(), {"s.toml", "gauge[0]", "709000"});
}

TEST_F(CliBadInput, InfoOnMissingFile) {
    const ProcResult r = run_floodsim({"info", (d / "nothing.h5").string()});
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("nothing.h5"), std::string::npos) << r.err;
}

TEST_F(CliBadInput, InfoOnNonHdf5File) {
    write_text(d / "fake.h5", "this is not an HDF5 file\n");
    const ProcResult r = run_floodsim({"info", (d / "fake.h5").string()});
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("fake.h5"), std::string::npos) << r.err;
}

// A damaged HDF5 file found by fuzzing (docs/robustness.md) on which HDF5 1.10 loops: an
// unsealed file is read in a child process, so `info` still ends, with exit 2 and one line.
TEST_F(CliBadInput, InfoOnAnHdf5FileThatHangsTheHdf5LibraryEnds) {
    const std::string file = std::string(FLOODSIM_DAMAGED_DIR) + "/result-hangs-libhdf5.h5";
    const auto t0 = std::chrono::steady_clock::now();
    const ProcResult r = run_floodsim({"info", file});
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("result-hangs-libhdf5.h5: damaged HDF5 file"), std::string::npos) << r.err;
    EXPECT_LT(took, 60.0);
}

// ---------------------------------------------------------------------------------------------
// 5. Interrupt: SIGINT during a run exits 130 and leaves neither the result nor the .part.

TEST(CliInterrupt, SigintExits130AndLeavesNoFile) {
    TempDir d;
    // 200 x 100 cells of still water 1 m deep for a simulated day: far longer than the test waits.
    write_asc(d / "lake.asc", 200, 100, X0, Y0, DX, [](int, int) { return std::string("10"); });
    write_text(d / "lake.toml", R"(format = 1
name = "lake"
[domain]
dem = "lake.asc"
[initial]
depth = 1.0
[time]
duration = "1d"
output_interval = "1h"
[solver]
threads = 1
[output]
file = "out/lake.h5"
)");
    const fs::path result = d / "out/lake.h5", part = part_of(result);
    TempDir cap;
    const pid_t pid = spawn_floodsim({"run", (d / "lake.toml").string()}, cap / "out.txt", cap / "err.txt");

    // Wait until the run is under way (the partial file exists), then a little more.
    const auto t0 = std::chrono::steady_clock::now();
    while (!fs::exists(part) && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(20))
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const bool started = fs::exists(part);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ::kill(pid, SIGINT);

    int st = 0, status = -1;
    const auto t1 = std::chrono::steady_clock::now();
    while (true) {
        const pid_t w = ::waitpid(pid, &st, WNOHANG);
        if (w == pid) {
            status = decode_status(st);
            break;
        }
        if (std::chrono::steady_clock::now() - t1 > std::chrono::seconds(15)) {
            ::kill(pid, SIGKILL);
            wait_for(pid);
            FAIL() << "floodsim did not stop within 15 s of SIGINT";
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const std::string err = read_text(cap / "err.txt");
    ASSERT_TRUE(started) << "the run never created " << part << "\n" << err;
    EXPECT_EQ(status, 130) << err;
    EXPECT_NE(err.find("interrupt"), std::string::npos) << err;
    EXPECT_FALSE(fs::exists(result));
    EXPECT_FALSE(fs::exists(part));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// 6. A failed write (here the process's file size limit, as a full disk would): exit 1 with
// one line naming the file and the reason, and neither the result nor the .part left. The
// frames are written on a writer thread; its error must reach the main thread unchanged.

TEST(CliWriteError, FileSizeLimitExits1WithTheReasonAndLeavesNoFile) {
    TempDir d;
    // Water over a rippled bed (so frames do not compress to nothing), frames every 2 s with
    // velocities: the 200 KiB limit is reached within the first seconds of simulated time.
    write_asc(d / "lake.asc", 200, 100, X0, Y0, DX, [](int i, int j) {
        return num(10.0 + 0.3 * std::sin(0.37 * i) * std::cos(0.23 * j));
    });
    write_text(d / "lake.toml", R"(format = 1
name = "lake"
[domain]
dem = "lake.asc"
[initial]
water_level = 10.2
[time]
duration = "1h"
output_interval = "2s"
[solver]
threads = 1
[output]
file = "out/lake.h5"
variables = ["depth", "velocity"]
)");
    const fs::path result = d / "out/lake.h5", part = part_of(result);
    TempDir cap;
    const fs::path out = cap / "out.txt", err = cap / "err.txt";
    const std::string scenario = (d / "lake.toml").string();
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o < 0 || e < 0 || ::dup2(o, 1) < 0 || ::dup2(e, 2) < 0) ::_exit(120);
        // Set after the capture files are open: writes past 200 KiB fail with EFBIG.
        const rlimit limit{200 * 1024, 200 * 1024};
        ::signal(SIGXFSZ, SIG_IGN);
        if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(121);
        ::execl(kExe, kExe, "run", scenario.c_str(), "--quiet", static_cast<char*>(nullptr));
        ::_exit(122);
    }
    const int status = wait_for(pid);
    const std::string e = read_text(err);
    EXPECT_EQ(status, 1) << e;
    EXPECT_EQ(std::count(e.begin(), e.end(), '\n'), 1) << e;
    EXPECT_NE(e.find(part.string()), std::string::npos) << e;
    EXPECT_NE(e.find("File too large"), std::string::npos) << e;
    EXPECT_EQ(read_text(out), "") << "no summary";
    EXPECT_FALSE(fs::exists(result));
    EXPECT_FALSE(fs::exists(part));
}
