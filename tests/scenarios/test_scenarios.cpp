// Tests for the scenario loader, duration parsing and CSV series (scenarios room).
// Every test writes its files into its own temporary directory and removes it afterwards.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "mesh/input_error.hpp"
#include "scenarios/duration.hpp"
#include "scenarios/scenario_loader.hpp"
#include "scenarios/series_csv.hpp"

namespace fs = std::filesystem;
using namespace floodsim;

namespace {

/// Runs `f`, which must throw InputError whose one-line message contains every part.
void expect_input_error(const std::function<void()>& f, const std::vector<std::string>& parts) {
    try {
        f();
    } catch (const InputError& e) {
        const std::string msg = e.what();
        EXPECT_EQ(msg.find('\n'), std::string::npos) << "message spans lines: " << msg;
        for (const auto& p : parts)
            EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' missing from: " << msg;
        return;
    } catch (const std::exception& e) {
        ADD_FAILURE() << "expected InputError, got another exception: " << e.what();
        return;
    }
    ADD_FAILURE() << "expected InputError, nothing was thrown";
}

class ScenarioTest : public ::testing::Test {
protected:
    void SetUp() override {
        static std::atomic<int> counter{0};
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        dir_ = fs::temp_directory_path() /
               ("floodsim_scenarios_" + std::to_string(::getpid()) + "_" + std::to_string(stamp) +
                "_" + std::to_string(counter++));
        fs::create_directories(dir_);
        write("dem.tif", "not really a raster: the loader only checks that it exists\n");
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    std::string write(const std::string& name, const std::string& text) {
        const fs::path p = dir_ / name;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
        return p.string();
    }
    std::string path(const std::string& name) const { return (dir_ / name).lexically_normal().string(); }

    /// The minimal valid scenario with `extra` appended.
    std::string scenario(const std::string& extra, const std::string& name = "s.toml") {
        return write(name, "[domain]\ndem = \"dem.tif\"\n[time]\nduration = \"1h\"\n" + extra);
    }
    /// A scenario with `body` as the whole text.
    std::string raw(const std::string& body, const std::string& name = "s.toml") {
        return write(name, body);
    }

    /// Loading `file` must fail naming the file plus `parts`.
    void expect_bad(const std::string& file, std::vector<std::string> parts) {
        parts.push_back(file);
        expect_input_error([&] { load_scenario(file); }, parts);
    }

    fs::path dir_;
};

// ---------------------------------------------------------------- valid scenarios

TEST_F(ScenarioTest, FullScenarioEveryKey) {
    write("n.tif", "x");
    write("rasters/h0.tif", "x");
    write("rasters/u0.tif", "x");
    write("v0.tif", "x");
    write("series/q.csv", "# inflow hydrograph\nvalue, time_s, note\n5.0, 0, start\n\n12.5, 600, peak\n");
    write("rain.csv", "time_s,intensity_mm_h\n0,10\n1800,0\n");
    const std::string text =
        "format = 1\n"
        "name = \"full-case\"\n"
        "[domain]\n"
        "dem = \"dem.tif\"\n"
        "manning = \"n.tif\"\n"
        "crs = \"EPSG:32633\"\n"
        "resolution = 2\n"
        "[initial]\n"
        "depth = \"rasters/h0.tif\"\n"
        "velocity_x = \"rasters/u0.tif\"\n"
        "velocity_y = \"v0.tif\"\n"
        "[time]\n"
        "duration = \"2h\"\n"
        "output_interval = \"15min\"\n"
        "gauge_interval = 30\n"
        "[solver]\n"
        "scheme = \"fv2\"\n"
        "cfl = 0.9\n"
        "threads = 4\n"
        "dry_depth = 1e-4\n"
        "precision = \"single\"\n"
        "[[boundary]]\n"
        "side = \"west\"\n"
        "kind = \"discharge\"\n"
        "series = \"series/q.csv\"\n"
        "from = [0, 10]\n"
        "to = [0.0, 20.5]\n"
        "[[boundary]]\n"
        "side = \"west\"\n"
        "kind = \"closed\"\n"
        "from = [0, 20.5]\n"
        "to = [0, 100]\n"
        "[[boundary]]\n"
        "side = \"east\"\n"
        "kind = \"level\"\n"
        "value = 1.5\n"
        "[[boundary]]\n"
        "side = \"north\"\n"
        "kind = \"free\"\n"
        "[[boundary]]\n"
        "side = \"south\"\n"
        "kind = \"discharge\"\n"
        "value = -3\n"
        "[rain]\n"
        "series = \"rain.csv\"\n"
        "[[gauge]]\n"
        "name = \"outlet\"\n"
        "x = 512.0\n"
        "y = 100\n"
        "[[gauge]]\n"
        "name = \"bridge\"\n"
        "x = -1.5\n"
        "y = 2e3\n"
        "[output]\n"
        "file = \"results/run.h5\"\n"
        "variables = [\"depth\", \"velocity\"]\n";
    const std::string file = raw(text, "full.toml");
    const Scenario sc = load_scenario(file);

    EXPECT_EQ(sc.path, path("full.toml"));
    EXPECT_TRUE(fs::path(sc.path).is_absolute());
    EXPECT_EQ(sc.text, text);
    EXPECT_EQ(sc.format, 1);
    EXPECT_EQ(sc.name, "full-case");
    EXPECT_EQ(sc.dem, path("dem.tif"));
    EXPECT_TRUE(sc.manning.is_raster());
    EXPECT_EQ(sc.manning.raster, path("n.tif"));
    EXPECT_EQ(sc.manning.key, "domain.manning");
    EXPECT_EQ(sc.crs, "EPSG:32633");
    ASSERT_TRUE(sc.resolution);
    EXPECT_DOUBLE_EQ(*sc.resolution, 2.0);

    ASSERT_TRUE(sc.depth);
    EXPECT_EQ(sc.depth->raster, path("rasters/h0.tif"));
    EXPECT_EQ(sc.depth->key, "initial.depth");
    EXPECT_FALSE(sc.water_level);
    ASSERT_TRUE(sc.velocity_x);
    EXPECT_EQ(sc.velocity_x->raster, path("rasters/u0.tif"));
    ASSERT_TRUE(sc.velocity_y);
    EXPECT_EQ(sc.velocity_y->raster, path("v0.tif"));

    EXPECT_DOUBLE_EQ(sc.duration_s, 7200.0);
    EXPECT_DOUBLE_EQ(sc.output_interval_s, 900.0);
    EXPECT_DOUBLE_EQ(sc.gauge_interval_s, 30.0);

    EXPECT_EQ(sc.scheme, "fv2");
    EXPECT_DOUBLE_EQ(sc.cfl, 0.9);
    EXPECT_EQ(sc.threads, 4);
    EXPECT_DOUBLE_EQ(sc.dry_depth, 1e-4);
    EXPECT_EQ(sc.precision, "single");

    ASSERT_EQ(sc.boundaries.size(), 5u);
    const auto& b0 = sc.boundaries[0];
    EXPECT_EQ(b0.index, 0);
    EXPECT_EQ(b0.side, Side::West);
    EXPECT_EQ(b0.kind, BoundaryKind::Discharge);
    EXPECT_FALSE(b0.value);
    ASSERT_TRUE(b0.series);
    EXPECT_EQ(b0.series->path, path("series/q.csv"));
    EXPECT_EQ(b0.series->key, "boundary[0].series");
    EXPECT_EQ(b0.series->time_s, (std::vector<double>{0, 600}));
    EXPECT_EQ(b0.series->value, (std::vector<double>{5.0, 12.5}));
    ASSERT_TRUE(b0.from && b0.to);
    EXPECT_EQ(*b0.from, (std::array<double, 2>{0, 10}));
    EXPECT_EQ(*b0.to, (std::array<double, 2>{0, 20.5}));
    EXPECT_EQ(sc.boundaries[1].kind, BoundaryKind::Closed);
    EXPECT_EQ(sc.boundaries[1].index, 1);
    EXPECT_EQ(sc.boundaries[2].side, Side::East);
    EXPECT_EQ(sc.boundaries[2].kind, BoundaryKind::Level);
    ASSERT_TRUE(sc.boundaries[2].value);
    EXPECT_DOUBLE_EQ(*sc.boundaries[2].value, 1.5);
    EXPECT_FALSE(sc.boundaries[2].from);
    EXPECT_EQ(sc.boundaries[3].side, Side::North);
    EXPECT_EQ(sc.boundaries[3].kind, BoundaryKind::Free);
    EXPECT_EQ(sc.boundaries[4].side, Side::South);
    EXPECT_DOUBLE_EQ(*sc.boundaries[4].value, -3.0);
    EXPECT_EQ(sc.boundaries[4].index, 4);

    EXPECT_FALSE(sc.rain.intensity_mm_h);
    ASSERT_TRUE(sc.rain.series);
    EXPECT_EQ(sc.rain.series->path, path("rain.csv"));
    EXPECT_EQ(sc.rain.series->key, "rain.series");
    EXPECT_EQ(sc.rain.series->time_s, (std::vector<double>{0, 1800}));
    EXPECT_EQ(sc.rain.series->value, (std::vector<double>{10, 0}));

    ASSERT_EQ(sc.gauges.size(), 2u);
    EXPECT_EQ(sc.gauges[0].name, "outlet");
    EXPECT_DOUBLE_EQ(sc.gauges[0].x, 512.0);
    EXPECT_DOUBLE_EQ(sc.gauges[0].y, 100.0);
    EXPECT_EQ(sc.gauges[1].name, "bridge");
    EXPECT_DOUBLE_EQ(sc.gauges[1].x, -1.5);
    EXPECT_DOUBLE_EQ(sc.gauges[1].y, 2000.0);

    EXPECT_EQ(sc.output_file, path("results/run.h5"));
    EXPECT_TRUE(sc.write_velocity);
}

TEST_F(ScenarioTest, Defaults) {
    const std::string text = "[domain]\ndem = \"dem.tif\"\n[time]\nduration = 600\n";
    const Scenario sc = load_scenario(raw(text, "my-case.toml"));
    EXPECT_EQ(sc.path, path("my-case.toml"));
    EXPECT_EQ(sc.text, text);
    EXPECT_EQ(sc.format, 1);
    EXPECT_EQ(sc.name, "my-case");
    EXPECT_EQ(sc.dem, path("dem.tif"));
    ASSERT_TRUE(sc.manning.value);
    EXPECT_FALSE(sc.manning.is_raster());
    EXPECT_DOUBLE_EQ(*sc.manning.value, 0.03);
    EXPECT_EQ(sc.crs, "");
    EXPECT_FALSE(sc.resolution);
    EXPECT_FALSE(sc.depth);
    EXPECT_FALSE(sc.water_level);
    EXPECT_FALSE(sc.velocity_x);
    EXPECT_FALSE(sc.velocity_y);
    EXPECT_DOUBLE_EQ(sc.duration_s, 600.0);
    EXPECT_DOUBLE_EQ(sc.output_interval_s, 600.0);
    EXPECT_DOUBLE_EQ(sc.gauge_interval_s, 600.0);
    EXPECT_EQ(sc.scheme, "fv1");
    EXPECT_DOUBLE_EQ(sc.cfl, 0.5);
    EXPECT_EQ(sc.threads, 0);
    EXPECT_DOUBLE_EQ(sc.dry_depth, 1e-6);
    EXPECT_EQ(sc.precision, "double");
    EXPECT_TRUE(sc.boundaries.empty());
    EXPECT_FALSE(sc.rain.intensity_mm_h);
    EXPECT_FALSE(sc.rain.series);
    EXPECT_TRUE(sc.gauges.empty());
    EXPECT_EQ(sc.output_file, path("out/my-case.h5"));
    EXPECT_FALSE(sc.write_velocity);
}

TEST_F(ScenarioTest, GaugeIntervalDefaultsToOutputInterval) {
    const Scenario sc = load_scenario(scenario("output_interval = \"5min\"\n"));
    EXPECT_DOUBLE_EQ(sc.output_interval_s, 300.0);
    EXPECT_DOUBLE_EQ(sc.gauge_interval_s, 300.0);
}

TEST_F(ScenarioTest, NumbersValuesAndOutputName) {
    const Scenario sc = load_scenario(raw(
        "name = \"case7\"\n[domain]\ndem = \"./sub/../dem.tif\"\nmanning = 1\n"
        "[initial]\nwater_level = -2\nvelocity_x = 0.5\n[time]\nduration = 1.5\n"
        "[solver]\ncfl = 1\nscheme = \"inertial\"\n[rain]\nintensity_mm_h = 0\n"
        "[output]\nvariables = [\"depth\"]\n",
        "numbers.toml"));
    EXPECT_EQ(sc.name, "case7");
    EXPECT_EQ(sc.dem, path("dem.tif"));
    EXPECT_DOUBLE_EQ(*sc.manning.value, 1.0);
    ASSERT_TRUE(sc.water_level);
    EXPECT_DOUBLE_EQ(*sc.water_level->value, -2.0);
    EXPECT_DOUBLE_EQ(*sc.velocity_x->value, 0.5);
    EXPECT_DOUBLE_EQ(sc.duration_s, 1.5);
    EXPECT_DOUBLE_EQ(sc.cfl, 1.0);
    EXPECT_EQ(sc.scheme, "inertial");
    EXPECT_DOUBLE_EQ(*sc.rain.intensity_mm_h, 0.0);
    EXPECT_FALSE(sc.write_velocity);
    EXPECT_EQ(sc.output_file, path("out/case7.h5"));
}

TEST_F(ScenarioTest, AbsolutePathsAreKept) {
    const std::string dem = write("elsewhere/d.tif", "x");
    const Scenario sc = load_scenario(raw("[domain]\ndem = \"" + dem + "\"\n[time]\nduration = \"1d\"\n"
                                          "[output]\nfile = \"" + path("o/x.h5") + "\"\n"));
    EXPECT_EQ(sc.dem, dem);
    EXPECT_EQ(sc.output_file, path("o/x.h5"));
    EXPECT_DOUBLE_EQ(sc.duration_s, 86400.0);
}

TEST_F(ScenarioTest, RelativeScenarioPathBecomesAbsolute) {
    scenario("", "rel.toml");
    const fs::path old = fs::current_path();
    fs::current_path(dir_);
    Scenario sc;
    EXPECT_NO_THROW(sc = load_scenario("rel.toml"));
    fs::current_path(old);  // restore before any assertion can return early
    EXPECT_EQ(sc.path, path("rel.toml"));
    EXPECT_EQ(sc.dem, path("dem.tif"));
    EXPECT_EQ(sc.output_file, path("out/rel.h5"));
}

// ---------------------------------------------------------------- durations

TEST(Duration, EveryForm) {
    EXPECT_DOUBLE_EQ(parse_duration("90s", "f", "k"), 90.0);
    EXPECT_DOUBLE_EQ(parse_duration("30sec", "f", "k"), 30.0);
    EXPECT_DOUBLE_EQ(parse_duration("15min", "f", "k"), 900.0);
    EXPECT_DOUBLE_EQ(parse_duration("1.5h", "f", "k"), 5400.0);
    EXPECT_DOUBLE_EQ(parse_duration("2hr", "f", "k"), 7200.0);
    EXPECT_DOUBLE_EQ(parse_duration("2d", "f", "k"), 172800.0);
    EXPECT_DOUBLE_EQ(parse_duration("15 min", "f", "k"), 900.0);
    EXPECT_DOUBLE_EQ(parse_duration(" 0.5 d ", "f", "k"), 43200.0);
    EXPECT_DOUBLE_EQ(parse_duration("0s", "f", "k"), 0.0);
    EXPECT_DOUBLE_EQ(parse_duration("1e2s", "f", "k"), 100.0);
    EXPECT_DOUBLE_EQ(parse_duration(42.0, "f", "k"), 42.0);
    EXPECT_DOUBLE_EQ(parse_duration(0.0, "f", "k"), 0.0);
}

TEST(Duration, BadStrings) {
    for (const char* bad : {"15 minutes", "1.5x", "abc", "-5s", "-1", "30", "", "   ", "nan s",
                            "inf h", "nans", "h", "1e400s", "1.5 H", "+3s", "1,5h"}) {
        SCOPED_TRACE(bad);
        expect_input_error([&] { parse_duration(bad, "scen.toml", "time.duration"); },
                           {"scen.toml", "time.duration",
                            "value '" + std::string(*bad ? bad : "\"\"") + "'"});
    }
    expect_input_error([] { parse_duration(-1.0, "scen.toml", "time.output_interval"); },
                       {"scen.toml", "time.output_interval", "-1", "negative"});
    expect_input_error([] { parse_duration(std::nan(""), "scen.toml", "time.duration"); },
                       {"scen.toml", "time.duration", "nan", "finite"});
    expect_input_error([] { parse_duration(INFINITY, "scen.toml", "time.duration"); },
                       {"scen.toml", "time.duration", "inf", "finite"});
}

TEST_F(ScenarioTest, DurationFormsInToml) {
    struct Case { const char* toml; double seconds; };
    for (const Case c : {Case{"90", 90}, Case{"2.5", 2.5}, Case{"\"90s\"", 90}, Case{"\"15min\"", 900},
                         Case{"\"1.5h\"", 5400}, Case{"\"2d\"", 172800}, Case{"\"10 sec\"", 10},
                         Case{"\"3hr\"", 10800}}) {
        SCOPED_TRACE(c.toml);
        const Scenario sc = load_scenario(raw(std::string("[domain]\ndem = \"dem.tif\"\n[time]\nduration = ") +
                                              c.toml + "\ngauge_interval = " + c.toml + "\n"));
        EXPECT_DOUBLE_EQ(sc.duration_s, c.seconds);
        EXPECT_DOUBLE_EQ(sc.output_interval_s, c.seconds);
        EXPECT_DOUBLE_EQ(sc.gauge_interval_s, c.seconds);
    }
}

TEST_F(ScenarioTest, BadDurationsInToml) {
    const std::string head = "[domain]\ndem = \"dem.tif\"\n[time]\n";
    struct Case { std::string body, key, value; };
    for (const Case& c : std::vector<Case>{
             {"duration = \"15 minutes\"", "time.duration", "15 minutes"},
             {"duration = \"1.5x\"", "time.duration", "1.5x"},
             {"duration = \"abc\"", "time.duration", "abc"},
             {"duration = -5", "time.duration", "-5"},
             {"duration = \"-5s\"", "time.duration", "-5s"},
             {"duration = nan", "time.duration", "nan"},
             {"duration = inf", "time.duration", "inf"},
             {"duration = 0", "time.duration", "0"},
             {"duration = true", "time.duration", "true"},
             {"duration = \"1h\"\noutput_interval = 0", "time.output_interval", "0"},
             {"duration = \"1h\"\noutput_interval = \"0min\"", "time.output_interval", "0min"},
             {"duration = \"1h\"\ngauge_interval = \"5 mins\"", "time.gauge_interval", "5 mins"},
             {"duration = \"1h\"\ngauge_interval = [1]", "time.gauge_interval", "[1]"},
         }) {
        SCOPED_TRACE(c.body);
        expect_bad(raw(head + c.body + "\n"), {"key '" + c.key + "'", "value '" + c.value + "'"});
    }
    expect_bad(raw("[domain]\ndem = \"dem.tif\"\n[time]\noutput_interval = 5\n"), {"time.duration", "missing"});
}

// ---------------------------------------------------------------- file-level errors

TEST_F(ScenarioTest, MissingFile) {
    const std::string missing = path("nope.toml");
    expect_input_error([&] { load_scenario(missing); }, {missing, "not found"});
    expect_input_error([&] { load_scenario(dir_.string()); }, {dir_.string(), "not a file"});
}

TEST_F(ScenarioTest, NotToml) {
    expect_bad(raw("[domain]\ndem = \"dem.tif\"\n[time\nduration = 5\n"), {"not valid TOML", "line 3", "column"});
    expect_bad(raw("this is not toml\n"), {"not valid TOML", "line 1"});
    expect_bad(raw("[domain]\ndem = \"a\"\ndem = \"b\"\n"), {"not valid TOML", "line 3"});
}

TEST_F(ScenarioTest, UnknownKeysAtEveryLevel) {
    expect_bad(raw("[domain]\ndem = \"dem.tif\"\n[time]\ndurration = \"1h\"\n"),
               {"key 'time.durration'", "value '1h'", "unknown key", "did you mean 'duration'"});
    expect_bad(scenario("colour = \"blue\"\n", "a.toml"), {"key 'time.colour'", "value 'blue'", "unknown key"});
    expect_bad(raw("nmae = \"x\"\n[domain]\ndem = \"dem.tif\"\n[time]\nduration = 1\n"),
               {"key 'nmae'", "value 'x'", "did you mean 'name'"});
    expect_bad(raw("[domain]\ndem = \"dem.tif\"\nmanninng = 0.03\n[time]\nduration = 1\n"),
               {"key 'domain.manninng'", "value '0.03'"});
    expect_bad(scenario("[solver]\nschema = \"fv1\"\n"), {"key 'solver.schema'", "value 'fv1'"});
    expect_bad(scenario("[initial]\ndepht = 0\n"), {"key 'initial.depht'", "value '0'"});
    expect_bad(scenario("[rain]\nintensity = 5\n"), {"key 'rain.intensity'", "value '5'"});
    expect_bad(scenario("[output]\nfiles = \"a.h5\"\n"), {"key 'output.files'", "value 'a.h5'"});
    expect_bad(scenario("[[boundary]]\nside = \"west\"\nkind = \"free\"\n"
                        "[[boundary]]\nside = \"east\"\nkind = \"level\"\nvalue = 1\nvalu = 2\n"),
               {"key 'boundary[1].valu'", "value '2'"});
    expect_bad(scenario("[[gauge]]\nname = \"g\"\nx = 1\ny = 2\nz = 3\n"), {"key 'gauge[0].z'", "value '3'"});
}

TEST_F(ScenarioTest, UnknownTables) {
    expect_bad(scenario("[snowmelt]\nrate = 1\n"), {"key 'snowmelt'", "unknown key"});
    expect_bad(scenario("[infiltration]\nmodel = \"horton\"\nrate = 1\n"), {"key 'infiltration.rate'", "unknown key"});
    expect_bad(raw("[domian]\ndem = \"dem.tif\"\n[time]\nduration = 1\n"), {"key 'domian'", "did you mean 'domain'"});
    expect_bad(scenario("[time.extra]\nx = 1\n"), {"key 'time.extra'", "unknown key"});
    expect_bad(scenario("[[gauges]]\nname = \"g\"\nx = 1\ny = 2\n"), {"key 'gauges'", "did you mean 'gauge'"});
}

TEST_F(ScenarioTest, WrongTypes) {
    expect_bad(scenario("[solver]\ncfl = \"0.5\"\n"), {"key 'solver.cfl'", "value '0.5'", "expected a number, got a string"});
    expect_bad(scenario("[solver]\nthreads = 2.5\n"), {"key 'solver.threads'", "value '2.5'", "integer"});
    expect_bad(scenario("[solver]\nthreads = \"4\"\n"), {"key 'solver.threads'", "value '4'", "integer"});
    expect_bad(scenario("[solver]\nscheme = 1\n"), {"key 'solver.scheme'", "value '1'", "expected a string"});
    expect_bad(raw("[domain]\ndem = 5\n[time]\nduration = 1\n"), {"key 'domain.dem'", "value '5'", "expected a string"});
    expect_bad(raw("[domain]\ndem = \"dem.tif\"\nmanning = true\n[time]\nduration = 1\n"),
               {"key 'domain.manning'", "value 'true'", "number or a raster path"});
    expect_bad(raw("domain = \"dem.tif\"\n[time]\nduration = 1\n"), {"key 'domain'", "value 'dem.tif'", "expected a table"});
    expect_bad(scenario("[[solver]]\ncfl = 0.5\n"), {"key 'solver'", "expected a table"});
    expect_bad(scenario("[boundary]\nside = \"west\"\nkind = \"free\"\n"), {"key 'boundary'", "array of tables"});
    expect_bad(scenario("gauge = [1, 2]\n", "g.toml"), {"key 'time.gauge'"});  // inside [time]: unknown
    expect_bad(raw("gauge = [1, 2]\n[domain]\ndem = \"dem.tif\"\n[time]\nduration = 1\n"),
               {"key 'gauge[0]'", "value '1'", "expected a table"});
    expect_bad(scenario("[[gauge]]\nname = \"g\"\nx = \"12\"\ny = 2\n"), {"key 'gauge[0].x'", "value '12'", "number"});
    expect_bad(scenario("[[gauge]]\nname = 7\nx = 1\ny = 2\n"), {"key 'gauge[0].name'", "value '7'"});
    expect_bad(scenario("[output]\nfile = 3\n"), {"key 'output.file'", "value '3'"});
    expect_bad(scenario("[output]\nvariables = \"depth\"\n"), {"key 'output.variables'", "value 'depth'", "array"});
    expect_bad(scenario("[output]\nvariables = [\"depth\", 2]\n"), {"key 'output.variables[1]'", "value '2'"});
    expect_bad(scenario("[rain]\nintensity_mm_h = \"50\"\n"), {"key 'rain.intensity_mm_h'", "value '50'"});
    expect_bad(scenario("[initial]\nvelocity_y = [0]\n"), {"key 'initial.velocity_y'"});
}

TEST_F(ScenarioTest, NanAndInfAnywhere) {
    expect_bad(scenario("[[gauge]]\nname = \"g\"\nx = nan\ny = 2\n"), {"key 'gauge[0].x'", "value 'nan'", "finite"});
    expect_bad(scenario("[[gauge]]\nname = \"g\"\nx = 1\ny = -inf\n"), {"key 'gauge[0].y'", "value '-inf'", "finite"});
    expect_bad(scenario("[solver]\ncfl = nan\n"), {"key 'solver.cfl'", "value 'nan'"});
    expect_bad(scenario("[rain]\nintensity_mm_h = inf\n"), {"key 'rain.intensity_mm_h'", "value 'inf'"});
    expect_bad(raw("[domain]\ndem = \"dem.tif\"\nmanning = nan\n[time]\nduration = 1\n"), {"key 'domain.manning'", "value 'nan'"});
    expect_bad(scenario("[initial]\nwater_level = inf\n"), {"key 'initial.water_level'", "value 'inf'"});
    expect_bad(scenario("[[boundary]]\nside = \"east\"\nkind = \"level\"\nvalue = nan\n"), {"key 'boundary[0].value'", "value 'nan'"});
    expect_bad(scenario("[[boundary]]\nside = \"east\"\nkind = \"free\"\nfrom = [0, nan]\nto = [0, 1]\n"),
               {"key 'boundary[0].from[1]'", "value 'nan'"});
}

// ---------------------------------------------------------------- top level and [domain]

TEST_F(ScenarioTest, FormatAndName) {
    expect_bad(raw("format = 2\n[domain]\ndem = \"dem.tif\"\n[time]\nduration = 1\n"), {"key 'format'", "value '2'", "format 1"});
    expect_bad(raw("format = \"1\"\n[domain]\ndem = \"dem.tif\"\n[time]\nduration = 1\n"), {"key 'format'", "value '1'"});
    expect_bad(raw("format = 1.0\n[domain]\ndem = \"dem.tif\"\n[time]\nduration = 1\n"), {"key 'format'", "value '1.0'"});
    expect_bad(raw("name = \"\"\n[domain]\ndem = \"dem.tif\"\n[time]\nduration = 1\n"), {"key 'name'", "empty"});
    expect_bad(raw("name = \"a/b\"\n[domain]\ndem = \"dem.tif\"\n[time]\nduration = 1\n"), {"key 'name'", "value 'a/b'"});
    expect_bad(raw("name = 5\n[domain]\ndem = \"dem.tif\"\n[time]\nduration = 1\n"), {"key 'name'", "value '5'"});
}

TEST_F(ScenarioTest, DomainErrors) {
    expect_bad(raw("[time]\nduration = 1\n"), {"key 'domain'", "missing"});
    expect_bad(raw("[domain]\nmanning = 0.03\n[time]\nduration = 1\n"), {"key 'domain.dem'", "missing"});
    expect_bad(raw("[domain]\ndem = \"missing.tif\"\n[time]\nduration = 1\n"),
               {"key 'domain.dem'", "value 'missing.tif'", "not found", path("missing.tif")});
    expect_bad(raw("[domain]\ndem = \"\"\n[time]\nduration = 1\n"), {"key 'domain.dem'", "empty"});
    expect_bad(raw("[domain]\ndem = \"dem.tif\"\nmanning = -0.01\n[time]\nduration = 1\n"),
               {"key 'domain.manning'", "value '-0.01'", ">= 0"});
    expect_bad(raw("[domain]\ndem = \"dem.tif\"\nmanning = -0.1\n[time]\nduration = 1\n"), {"key 'domain.manning'", "value '-0.1'"});
    expect_bad(raw("[domain]\ndem = \"dem.tif\"\nmanning = \"n.tif\"\n[time]\nduration = 1\n"),
               {"key 'domain.manning'", "value 'n.tif'", "not found"});
    expect_bad(raw("[domain]\ndem = \"dem.tif\"\ncrs = 4326\n[time]\nduration = 1\n"), {"key 'domain.crs'", "value '4326'"});
    expect_bad(raw("[domain]\ndem = \"dem.tif\"\ncrs = \"\"\n[time]\nduration = 1\n"), {"key 'domain.crs'", "empty"});
    expect_bad(raw("[domain]\ndem = \"dem.tif\"\nresolution = 0\n[time]\nduration = 1\n"), {"key 'domain.resolution'", "value '0'"});
    expect_bad(raw("[domain]\ndem = \"dem.tif\"\nresolution = \"5m\"\n[time]\nduration = 1\n"), {"key 'domain.resolution'", "value '5m'"});
    expect_bad(raw("[domain]\ndem = \"dem.tif\"\n"), {"key 'time'", "missing"});
}

TEST_F(ScenarioTest, InitialErrors) {
    expect_bad(scenario("[initial]\ndepth = 0.5\nwater_level = 12\n"), {"key 'initial.water_level'", "value '12'", "at most one"});
    expect_bad(scenario("[initial]\ndepth = -0.5\n"), {"key 'initial.depth'", "value '-0.5'", ">= 0"});
    expect_bad(scenario("[initial]\ndepth = \"h0.tif\"\n"), {"key 'initial.depth'", "value 'h0.tif'", "not found"});
    expect_bad(scenario("[initial]\nwater_level = \"wl.tif\"\n"), {"key 'initial.water_level'", "value 'wl.tif'", "not found"});
    expect_bad(scenario("[initial]\nvelocity_x = \"u.tif\"\n"), {"key 'initial.velocity_x'", "value 'u.tif'", "not found"});
    expect_bad(scenario("[initial]\nvelocity_y = true\n"), {"key 'initial.velocity_y'", "value 'true'"});
    const Scenario sc = load_scenario(scenario("[initial]\n"));
    EXPECT_FALSE(sc.depth);
}

// ---------------------------------------------------------------- [solver]

TEST_F(ScenarioTest, SolverErrors) {
    expect_bad(scenario("[solver]\nscheme = \"fv3\"\n"), {"key 'solver.scheme'", "value 'fv3'", "fv1, fv2, inertial"});
    expect_bad(scenario("[solver]\ncfl = 0\n"), {"key 'solver.cfl'", "value '0'", "(0, 1]"});
    expect_bad(scenario("[solver]\ncfl = 1.5\n"), {"key 'solver.cfl'", "value '1.5'", "(0, 1]"});
    expect_bad(scenario("[solver]\nthreads = -1\n"), {"key 'solver.threads'", "value '-1'", ">= 0"});
    expect_bad(scenario("[solver]\ndry_depth = 0\n"), {"key 'solver.dry_depth'", "value '0'", "> 0"});
    expect_bad(scenario("[solver]\nprecision = \"half\"\n"), {"key 'solver.precision'", "value 'half'", "double, single"});
}

// ---------------------------------------------------------------- [[boundary]]

TEST_F(ScenarioTest, BoundaryErrors) {
    const std::string ok = "[[boundary]]\nside = \"north\"\nkind = \"free\"\n";
    expect_bad(scenario(ok + "[[boundary]]\nside = \"up\"\nkind = \"free\"\n"),
               {"key 'boundary[1].side'", "value 'up'", "west, east, north, south"});
    expect_bad(scenario(ok + "[[boundary]]\nkind = \"free\"\n"), {"key 'boundary[1].side'", "missing"});
    expect_bad(scenario(ok + "[[boundary]]\nside = \"west\"\n"), {"key 'boundary[1].kind'", "missing"});
    expect_bad(scenario(ok + "[[boundary]]\nside = \"west\"\nkind = \"wall\"\n[[boundary]]\nside = \"east\"\nkind = \"free\"\n"),
               {"key 'boundary[1].kind'", "value 'wall'", "closed, free, level, discharge"});
    expect_bad(scenario(ok + "[[boundary]]\nside = \"east\"\nkind = \"free\"\n"
                        "[[boundary]]\nside = \"south\"\nkind = \"wall\"\n"),
               {"key 'boundary[2].kind'", "value 'wall'"});
    expect_bad(scenario("[[boundary]]\nside = \"west\"\nkind = \"level\"\n"), {"key 'boundary[0].value'", "needs value"});
    expect_bad(scenario("[[boundary]]\nside = \"west\"\nkind = \"discharge\"\nvalue = \"3\"\n"),
               {"key 'boundary[0].value'", "value '3'", "number"});
    write("q.csv", "time_s,value\n0,1\n");
    expect_bad(scenario("[[boundary]]\nside = \"west\"\nkind = \"level\"\nvalue = 1\nseries = \"q.csv\"\n"),
               {"key 'boundary[0].series'", "value 'q.csv'", "not both"});
    expect_bad(scenario("[[boundary]]\nside = \"west\"\nkind = \"closed\"\nvalue = 1\n"),
               {"key 'boundary[0].value'", "value '1'", "takes no value"});
    expect_bad(scenario("[[boundary]]\nside = \"west\"\nkind = \"free\"\nseries = \"q.csv\"\n"),
               {"key 'boundary[0].series'", "value 'q.csv'", "takes no series"});
    expect_bad(scenario("[[boundary]]\nside = \"west\"\nkind = \"free\"\nfrom = [0, 0]\n"), {"key 'boundary[0].to'", "needed"});
    expect_bad(scenario("[[boundary]]\nside = \"west\"\nkind = \"free\"\nto = [0, 0]\n"), {"key 'boundary[0].from'", "needed"});
    expect_bad(scenario("[[boundary]]\nside = \"west\"\nkind = \"free\"\nfrom = [0, 0, 0]\nto = [0, 1]\n"),
               {"key 'boundary[0].from'", "value '[0, 0, 0]'", "2 numbers"});
    expect_bad(scenario("[[boundary]]\nside = \"west\"\nkind = \"free\"\nfrom = [0, 0]\nto = 5\n"),
               {"key 'boundary[0].to'", "value '5'", "2 numbers"});
    expect_bad(scenario("[[boundary]]\nside = \"west\"\nkind = \"free\"\nfrom = [0, \"a\"]\nto = [0, 1]\n"),
               {"key 'boundary[0].from[1]'", "value 'a'"});
    expect_bad(scenario("[[boundary]]\nside = \"west\"\nkind = \"level\"\nseries = \"missing.csv\"\n"),
               {"key 'boundary[0].series'", "value 'missing.csv'", "not found"});
    expect_bad(scenario(ok + "[[boundary]]\nside = \"north\"\nkind = \"closed\"\n"),
               {"key 'boundary[1].side'", "value 'north'", "boundary[0]"});
}

TEST_F(ScenarioTest, OutflowBoundaryKinds) {
    const Scenario sc = load_scenario(scenario(
        "[[boundary]]\nside = \"east\"\nkind = \"normal_depth\"\nslope = 0.002\n"
        "[[boundary]]\nside = \"south\"\nkind = \"critical\"\nfrom = [0, 0]\nto = [10, 0]\n"));
    ASSERT_EQ(sc.boundaries.size(), 2u);
    EXPECT_EQ(sc.boundaries[0].kind, BoundaryKind::NormalDepth);
    EXPECT_EQ(sc.boundaries[0].slope, 0.002);
    EXPECT_FALSE(sc.boundaries[0].value);
    EXPECT_EQ(sc.boundaries[1].kind, BoundaryKind::Critical);
    EXPECT_FALSE(sc.boundaries[1].slope);

    const std::string nd = "[[boundary]]\nside = \"east\"\nkind = \"normal_depth\"\n";
    expect_bad(scenario(nd), {"key 'boundary[0].slope'", "needs slope"});
    expect_bad(scenario(nd + "slope = 0\n"), {"key 'boundary[0].slope'", "value '0'", "> 0"});
    expect_bad(scenario(nd + "slope = -0.001\n"), {"key 'boundary[0].slope'", "value '-0.001'", "> 0"});
    expect_bad(scenario(nd + "slope = 2\n"), {"key 'boundary[0].slope'", "value '2'", "fraction"});
    expect_bad(scenario(nd + "slope = \"0.1\"\n"), {"key 'boundary[0].slope'", "value '0.1'", "number"});
    expect_bad(scenario(nd + "slope = 0.001\nvalue = 3\n"), {"key 'boundary[0].value'", "value '3'", "takes no value"});
    write("q.csv", "time_s,value\n0,1\n");
    expect_bad(scenario(nd + "slope = 0.001\nseries = \"q.csv\"\n"),
               {"key 'boundary[0].series'", "value 'q.csv'", "takes no series"});
    expect_bad(scenario("[[boundary]]\nside = \"east\"\nkind = \"critical\"\nvalue = 1\n"),
               {"key 'boundary[0].value'", "value '1'", "a critical boundary takes no value"});
    for (const char* kind : {"critical", "free", "closed", "level", "discharge"})
        expect_bad(scenario("[[boundary]]\nside = \"east\"\nkind = \"" + std::string(kind) +
                            "\"\nvalue = 1\nslope = 0.001\n"),
                   {"key 'boundary[0].slope'", "value '0.001'", "only a normal_depth boundary takes a slope"});
}

TEST_F(ScenarioTest, RainGridKeys) {
    // A CSV index in a sub-folder: paths resolve against its folder; comments, quotes, CRLF.
    write("radar/a.tif", "x");
    write("radar/b.tif", "x");
    write("radar/index.csv", "# two frames\r\ntime_s, file\r\n0, a.tif\r\n300.5, \"b.tif\"\r\n");
    const Scenario sc = load_scenario(scenario("[rain]\nintensity_mm_h = 2.0\ngrids = \"radar/index.csv\"\n"));
    EXPECT_EQ(sc.rain.intensity_mm_h, 2.0);
    EXPECT_EQ(sc.rain.grids, path("radar/index.csv"));
    ASSERT_EQ(sc.rain.grid_rows.size(), 2u);
    EXPECT_EQ(sc.rain.grid_rows[0].time_s, 0.0);
    EXPECT_EQ(sc.rain.grid_rows[0].file, path("radar/a.tif"));
    EXPECT_EQ(sc.rain.grid_rows[1].time_s, 300.5);
    EXPECT_EQ(sc.rain.grid_rows[1].file, path("radar/b.tif"));
    EXPECT_EQ(sc.rain.grid_rows[1].line, 4);
    // A raster of bands, alone, with an interval.
    write("radar.nc", "x");
    const Scenario nc = load_scenario(scenario("[rain]\ngrids = \"radar.nc\"\ngrid_interval = \"5min\"\n"));
    EXPECT_EQ(nc.rain.grids, path("radar.nc"));
    EXPECT_TRUE(nc.rain.grid_rows.empty());
    EXPECT_EQ(nc.rain.grid_interval_s, 300.0);
    EXPECT_FALSE(nc.rain.intensity_mm_h);

    expect_bad(scenario("[rain]\ngrids = \"absent.csv\"\n"), {"key 'rain.grids'", "value 'absent.csv'", "not found"});
    expect_bad(scenario("[rain]\ngrid_interval = 60\n"), {"key 'rain.grid_interval'", "value '60'", "needs rain.grids"});
    expect_bad(scenario("[rain]\ngrids = \"radar/index.csv\"\ngrid_interval = 60\n"),
               {"key 'rain.grid_interval'", "value '60'", "multi-band raster"});
    expect_bad(scenario("[rain]\ngrids = \"radar.nc\"\ngrid_interval = -5\n"), {"key 'rain.grid_interval'", "value '-5'"});
    expect_bad(scenario("[rain]\ngrids = 5\n"), {"key 'rain.grids'", "value '5'", "string"});
    const auto bad_index = [&](const std::string& text, std::vector<std::string> parts) {
        const std::string csv = write("radar/bad.csv", text);
        parts.push_back(csv);
        expect_input_error([&] { load_scenario(scenario("[rain]\ngrids = \"radar/bad.csv\"\n")); }, parts);
    };
    bad_index("time_s,file\n0,a.tif\n60,gone.tif\n", {"rain.grids row 3 column file", "value 'gone.tif'", "not found"});
    bad_index("time_s,file\n60,a.tif\n60,b.tif\n", {"rain.grids row 3 column time_s", "value '60'", "strictly increasing"});
    bad_index("time_s,file\n60,a.tif\n30,b.tif\n", {"rain.grids row 3 column time_s", "value '30'", "strictly increasing"});
    bad_index("time_s,file\n-1,a.tif\n", {"rain.grids row 2 column time_s", "value '-1'", ">= 0"});
    bad_index("time_s,file\nnan,a.tif\n", {"rain.grids row 2 column time_s", "value 'nan'"});
    bad_index("time_s,file\nsoon,a.tif\n", {"rain.grids row 2 column time_s", "value 'soon'", "not a number"});
    bad_index("time_s,file\n0,\n", {"rain.grids row 2 column file", "empty"});
    bad_index("time_s,file\n0,a.tif,extra\n", {"rain.grids row 2", "expected 2 cells"});
    bad_index("time,file\n0,a.tif\n", {"rain.grids row 1", "header lacks column 'time_s'"});
    bad_index("time_s,raster\n0,a.tif\n", {"rain.grids row 1", "header lacks column 'file'"});
    bad_index("time_s,file\n", {"rain.grids", "no rows"});
    bad_index("# nothing\n", {"rain.grids", "no header"});
}

TEST_F(ScenarioTest, BoundarySeriesCsvErrorNamesCsv) {
    const std::string csv = write("q.csv", "time_s,value\n0,1\n60,abc\n");
    const std::string s1 = scenario("[[boundary]]\nside = \"west\"\nkind = \"discharge\"\nseries = \"q.csv\"\n");
    expect_input_error([&] { load_scenario(s1); }, {csv, "boundary[0].series row 3 column value", "value 'abc'"});
    write("q2.csv", "time_s,flow\n0,1\n");
    const std::string s2 = scenario("[[boundary]]\nside = \"west\"\nkind = \"discharge\"\nseries = \"q2.csv\"\n");
    expect_input_error([&] { load_scenario(s2); }, {path("q2.csv"), "boundary[0].series", "column 'value'"});
}

// ---------------------------------------------------------------- [rain]

TEST_F(ScenarioTest, RainErrors) {
    write("rain.csv", "time_s,intensity_mm_h\n0,5\n");
    expect_bad(scenario("[rain]\nintensity_mm_h = 5\nseries = \"rain.csv\"\n"),
               {"key 'rain.series'", "value 'rain.csv'", "not both"});
    expect_bad(scenario("[rain]\n"), {"key 'rain'", "intensity_mm_h"});
    expect_bad(scenario("[rain]\nintensity_mm_h = -1\n"), {"key 'rain.intensity_mm_h'", "value '-1'", ">= 0"});
    expect_bad(scenario("[rain]\nseries = \"none.csv\"\n"), {"key 'rain.series'", "value 'none.csv'", "not found"});
    const std::string neg = write("neg.csv", "time_s,intensity_mm_h\n0,5\n600,-2\n");
    const std::string s1 = scenario("[rain]\nseries = \"neg.csv\"\n");
    expect_input_error([&] { load_scenario(s1); }, {neg, "rain.series row 3 column intensity_mm_h", "value '-2'", ">= 0"});
    const std::string wrong = write("wrong.csv", "time_s,value\n0,5\n");
    const std::string s2 = scenario("[rain]\nseries = \"wrong.csv\"\n");
    expect_input_error([&] { load_scenario(s2); }, {wrong, "rain.series", "column 'intensity_mm_h'"});
    const Scenario sc = load_scenario(scenario("[rain]\nintensity_mm_h = 50\n"));
    EXPECT_DOUBLE_EQ(*sc.rain.intensity_mm_h, 50.0);
    EXPECT_FALSE(sc.rain.series);
}

// ---------------------------------------------------------------- [[gauge]] and [output]

TEST_F(ScenarioTest, GaugeErrors) {
    expect_bad(scenario("[[gauge]]\nname = \"a\"\nx = 1\ny = 2\n[[gauge]]\nname = \"a\"\nx = 3\ny = 4\n"),
               {"key 'gauge[1].name'", "value 'a'", "duplicate"});
    expect_bad(scenario("[[gauge]]\nname = \"\"\nx = 1\ny = 2\n"), {"key 'gauge[0].name'", "empty"});
    expect_bad(scenario("[[gauge]]\nx = 1\ny = 2\n"), {"key 'gauge[0].name'", "missing"});
    expect_bad(scenario("[[gauge]]\nname = \"a\"\ny = 2\n"), {"key 'gauge[0].x'", "missing"});
    expect_bad(scenario("[[gauge]]\nname = \"a\"\nx = 2\n"), {"key 'gauge[0].y'", "missing"});
    expect_bad(scenario("[[gauge]]\nname = \"a/b\"\nx = 1\ny = 2\n"), {"key 'gauge[0].name'", "value 'a/b'"});
}

TEST_F(ScenarioTest, OutputErrors) {
    expect_bad(scenario("[output]\nvariables = [\"depth\", \"speed\"]\n"),
               {"key 'output.variables[1]'", "value 'speed'", "depth, velocity"});
    expect_bad(scenario("[output]\nfile = \"\"\n"), {"key 'output.file'", "empty"});
    const Scenario sc = load_scenario(scenario("[output]\nvariables = [\"velocity\"]\n", "v.toml"));
    EXPECT_TRUE(sc.write_velocity);
    EXPECT_EQ(sc.output_file, path("out/v.h5"));
}

TEST_F(ScenarioTest, MultilineValueStaysOneLine) {
    expect_bad(scenario("[solver]\nscheme = \"\"\"fv1\nfv2\"\"\"\n"), {"key 'solver.scheme'", "fv1\\nfv2"});
}

// ---------------------------------------------------------------- CSV series

TEST_F(ScenarioTest, CsvReadsColumnsInAnyOrder) {
    const std::string p = write("a.csv",
                                "\xEF\xBB\xBF# comment before the header\r\n"
                                " \"value\" , note,time_s \r\n"
                                "\r\n"
                                "1.5, first, 0\r\n"
                                "# a comment row\r\n"
                                "  -2 ,second,  30.5\r\n"
                                "+3e1,, 1e3\r\n");
    const SeriesData s = read_series_csv(p, "boundary[0].series", "value");
    EXPECT_EQ(s.path, p);
    EXPECT_EQ(s.key, "boundary[0].series");
    EXPECT_EQ(s.time_s, (std::vector<double>{0, 30.5, 1000}));
    EXPECT_EQ(s.value, (std::vector<double>{1.5, -2, 30}));
}

TEST_F(ScenarioTest, CsvErrors) {
    struct Case { std::string text; std::vector<std::string> parts; };
    for (const Case& c : std::vector<Case>{
             {"time_s,value\n0,abc\n", {"k row 2 column value", "value 'abc'", "not a number"}},
             {"time_s,value\n0,1\nx,2\n", {"k row 3 column time_s", "value 'x'"}},
             {"time_s,value\n0\n", {"k row 2", "value '0'", "found 1"}},
             {"time_s,value\n0,1,2\n", {"k row 2", "found 3"}},
             {"time_s,value\n0,\n", {"k row 2 column value", "empty cell"}},
             {"time_s,value\n0,nan\n", {"k row 2 column value", "value 'nan'", "finite"}},
             {"time_s,value\n0,inf\n", {"k row 2 column value", "value 'inf'"}},
             {"time_s,value\n0,1 2\n", {"k row 2 column value", "value '1 2'"}},
             {"time_s,value\n-1,1\n", {"k row 2 column time_s", "value '-1'", ">= 0"}},
             {"time_s,value\n0,1\n10,1\n10,2\n", {"k row 4 column time_s", "value '10'", "strictly increasing"}},
             {"time_s,value\n0,1\n10,1\n5,2\n", {"k row 4 column time_s", "value '5'"}},
             {"time,value\n0,1\n", {"k row 1", "value 'time,value'", "column 'time_s'"}},
             {"time_s,flow\n0,1\n", {"k row 1", "column 'value'"}},
             {"time_s,value,value\n0,1,2\n", {"k row 1", "twice"}},
             {"time_s,,value\n0,1,2\n", {"k row 1", "empty column name"}},
             {"time_s,value\n", {"no data rows"}},
             {"# only comments\n\n", {"no header"}},
             {"", {"no header"}},
         }) {
        SCOPED_TRACE(c.text);
        const std::string p = write("bad.csv", c.text);
        auto parts = c.parts;
        parts.push_back(p);
        expect_input_error([&] { read_series_csv(p, "k", "value"); }, parts);
    }
    expect_input_error([&] { read_series_csv(path("absent.csv"), "rain.series", "intensity_mm_h"); },
                       {path("absent.csv"), "rain.series", "not found"});
    const std::string neg = write("neg.csv", "time_s,value\n0,-1\n");
    EXPECT_NO_THROW(read_series_csv(neg, "k", "value"));
    expect_input_error([&] { read_series_csv(neg, "k", "value", true); }, {neg, "k row 2 column value", "value '-1'"});
}

}  // namespace

// [drainage] (INTERFACE.md section 4): capacity as a number or raster, efficiency as a number or
// a series in 0..1; every bad value named with its key.
TEST_F(ScenarioTest, DrainageKeys) {
    const std::string head = "[domain]\ndem = \"dem.tif\"\nmanning = 0\n[time]\nduration = 600\n";
    write("eff.csv", "# inlets blocked after 10 min\ntime_s,value\n0,1\n600,0.25\n");
    Scenario sc = load_scenario(raw(head + "[drainage]\ncapacity_mm_h = 30\nefficiency = \"eff.csv\"\n"));
    EXPECT_DOUBLE_EQ(*sc.manning.value, 0.0);  // frictionless is accepted
    ASSERT_TRUE(sc.drainage);
    EXPECT_DOUBLE_EQ(*sc.drainage->capacity_mm_h.value, 30.0);
    ASSERT_TRUE(sc.drainage->efficiency_series);
    EXPECT_EQ(sc.drainage->efficiency_series->value, (std::vector<double>{1.0, 0.25}));
    sc = load_scenario(raw(head + "[drainage]\ncapacity_mm_h = \"dem.tif\"\nefficiency = 0.5\n"));
    EXPECT_TRUE(sc.drainage->capacity_mm_h.is_raster());
    EXPECT_DOUBLE_EQ(*sc.drainage->efficiency, 0.5);

    expect_bad(raw(head + "[drainage]\ncapacity_mm_h = -1\n"), {"key 'drainage.capacity_mm_h'", "value '-1'", ">= 0"});
    expect_bad(raw(head + "[drainage]\nefficiency = 0.5\n"), {"key 'drainage.capacity_mm_h'", "missing"});
    expect_bad(raw(head + "[drainage]\ncapacity_mm_h = 30\nefficiency = 1.5\n"),
               {"key 'drainage.efficiency'", "value '1.5'", "0..1"});
    expect_bad(raw(head + "[drainage]\ncapacity_mm_h = 30\ncapacity = 3\n"), {"key 'drainage.capacity'", "unknown key"});
    write("bad_eff.csv", "time_s,value\n0,1\n600,2\n");
    const std::string bad = raw(head + "[drainage]\ncapacity_mm_h = 30\nefficiency = \"bad_eff.csv\"\n");
    expect_input_error([&] { load_scenario(bad); }, {"bad_eff.csv", "key 'drainage.efficiency'", "value '2'", "0..1"});
    expect_bad(raw(head + "[drainage]\ncapacity_mm_h = 30\nefficiency = \"none.csv\"\n"),
               {"key 'drainage.efficiency'", "not found"});
}

// Forcing no flood has (a typo, a unit slip) is refused before it can overflow a run: rain above
// 10000 mm/h, discharges above 1e7 m3/s, levels and depths beyond 1e5 m; in numbers and series.
TEST_F(ScenarioTest, ForcingNoFloodHasIsRefused) {
    const std::string head = "[domain]\ndem = \"dem.tif\"\n[time]\nduration = 600\n";
    expect_bad(raw(head + "[rain]\nintensity_mm_h = 1e308\n"), {"key 'rain.intensity_mm_h'", "10000 mm/h"});
    write("rain.csv", "time_s,intensity_mm_h\n0,20\n300,1e308\n");
    expect_input_error([&] { load_scenario(raw(head + "[rain]\nseries = \"rain.csv\"\n")); },
                       {"rain.csv", "key 'rain.series'", "value '1e+308'", "data row 2"});
    const std::string b = "[[boundary]]\nside = \"west\"\n";
    expect_bad(raw(head + b + "kind = \"discharge\"\nvalue = -3e7\n"), {"key 'boundary[0].value'", "1e7 m3/s"});
    expect_bad(raw(head + b + "kind = \"level\"\nvalue = 2e5\n"), {"key 'boundary[0].value'", "1e5 m"});
    write("q.csv", "time_s,value\n0,1\n60,1e30\n");
    expect_input_error([&] { load_scenario(raw(head + b + "kind = \"discharge\"\nseries = \"q.csv\"\n")); },
                       {"q.csv", "key 'boundary[0].series'", "1e7 m3/s"});
    expect_bad(raw(head + "[initial]\ndepth = 1e308\n"), {"key 'initial.depth'", "1e5 m"});
    expect_bad(raw(head + "[initial]\nwater_level = -1e308\n"), {"key 'initial.water_level'", "1e5 m"});
    // Real extremes still load: the 7.20 peak hour, a large river, a deep lake.
    EXPECT_NO_THROW(load_scenario(raw(head + "[rain]\nintensity_mm_h = 201.9\n" + b + "kind = \"discharge\"\nvalue = 50000\n")));
    EXPECT_NO_THROW(load_scenario(raw(head + "[initial]\nwater_level = -430\n")));
}

// ---------------------------------------------------------------- clock times, [warning]

TEST(ClockTime, ParsesWithItsOffsetAndPrintsBack) {
    const auto t = parse_clock_time("2021-07-20T16:00:00+08:00");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->utc_s, 1626768000);  // 2021-07-20T08:00:00Z
    EXPECT_EQ(t->offset_min, 480);
    EXPECT_EQ(format_clock_time(t->utc_s, t->offset_min), "2021-07-20T16:00:00+08:00");
    EXPECT_EQ(compact_clock_time(t->utc_s, 480), "20210720160000");
    EXPECT_EQ(format_clock_time(t->utc_s, 0), "2021-07-20T08:00:00+00:00");
    EXPECT_EQ(parse_clock_time("2021-07-20T08:00Z")->utc_s, 1626768000);
    EXPECT_EQ(parse_clock_time("2021-07-20 03:30:00-0430")->utc_s, 1626768000);
    EXPECT_EQ(parse_clock_time("2021-07-20T16:00:00.000+08:00")->utc_s, 1626768000);
    EXPECT_EQ(parse_clock_time("1969-12-31T23:59:59Z")->utc_s, -1);
    EXPECT_EQ(format_clock_time(-1, 0), "1969-12-31T23:59:59+00:00");
    EXPECT_EQ(parse_clock_time("2024-02-29T00:00:00Z")->utc_s, 1709164800);
    // Across a day and a year at an offset.
    EXPECT_EQ(format_clock_time(parse_clock_time("2020-12-31T20:00:00-05:00")->utc_s, 480), "2021-01-01T09:00:00+08:00");
}

TEST(ClockTime, RefusesWhatItCannotPlace) {
    for (const char* bad : {"2021-07-20T16:00:00", "2021-07-20", "2021-13-01T00:00Z", "2021-02-29T00:00Z",
                            "2021-07-20T24:00Z", "2021-07-20T16:60Z", "2021-07-20T16:00:00.5+08:00",
                            "2021-07-20T16:00:00+08:00 ", "21-07-20T16:00Z", "2021-07-20T16:00+15:00", ""})
        EXPECT_FALSE(parse_clock_time(bad)) << bad;
}

TEST_F(ScenarioTest, TimeStartIsAClockTimeWithOffset) {
    EXPECT_FALSE(load_scenario(scenario("")).start);
    const Scenario a = load_scenario(scenario("start = 2021-07-19T20:00:00+08:00\n"));
    ASSERT_TRUE(a.start);
    EXPECT_EQ(format_clock_time(a.start->utc_s, a.start->offset_min), "2021-07-19T20:00:00+08:00");
    const Scenario b = load_scenario(scenario("start = \"2021-07-19T12:00:00Z\"\n", "b.toml"));
    EXPECT_EQ(b.start->utc_s, a.start->utc_s);
    expect_bad(scenario("start = 2021-07-19T20:00:00\n", "c.toml"), {"time.start", "UTC offset"});
    expect_bad(scenario("start = 5\n", "d.toml"), {"time.start", "clock time"});
}

TEST_F(ScenarioTest, WarningTable) {
    write("assets.geojson", "{}\n");
    write("levels.toml", "\n");
    const Scenario s = load_scenario(
        scenario("[warning]\nassets = \"assets.geojson\"\nlevels = \"levels.toml\"\nissue_time = "
                 "\"2021-07-20T08:00:00+08:00\"\nwebhook = \"http://127.0.0.1:9/cap\"\nregion_code = \"410102\"\n"));
    ASSERT_TRUE(s.warning);
    EXPECT_EQ(s.warning->assets, path("assets.geojson"));
    EXPECT_EQ(s.warning->levels, path("levels.toml"));
    EXPECT_EQ(s.warning->issue_time->utc_s, parse_clock_time("2021-07-20T00:00:00Z")->utc_s);
    EXPECT_EQ(s.warning->webhook, "http://127.0.0.1:9/cap");
    EXPECT_EQ(s.warning->region_code, "410102");
    EXPECT_EQ(s.warning->status, "Exercise");
    EXPECT_EQ(s.warning->spool, path("out/s.alerts"));  // beside the default result out/s.h5
    expect_bad(scenario("[warning]\nlevels = \"levels.toml\"\n", "a.toml"), {"warning.assets", "missing required key"});
    expect_bad(scenario("[warning]\nassets = \"none.gpkg\"\n", "b.toml"), {"warning.assets", "not found"});
    expect_bad(scenario("[warning]\nassets = \"assets.geojson\"\nwebhook = \"ftp://x\"\n", "c.toml"),
               {"warning.webhook", "ftp://x", "URL"});
    expect_bad(scenario("[warning]\nassets = \"assets.geojson\"\nregion_code = \"4101\"\n", "d.toml"),
               {"warning.region_code", "4101"});
    expect_bad(scenario("[warning]\nassets = \"assets.geojson\"\nstatus = \"Real\"\n", "e.toml"),
               {"warning.status", "Real"});
    expect_bad(scenario("[warning]\nassets = \"assets.geojson\"\nissue_time = \"08:00\"\n", "f.toml"),
               {"warning.issue_time", "08:00"});
    expect_bad(scenario("[warning]\nassets = \"assets.geojson\"\nwebhok = \"http://x\"\n", "g.toml"),
               {"warning.webhok", "did you mean 'webhook'"});
}
