// Hydrology processes through the command line (INTERFACE.md section 4; docs/processes.md): each
// closed-form case of the solver tests again on a small grid, through a scenario file, with the
// volumes read back from the result file.
#include "cli_util.hpp"

#include <cmath>
#include <cstdio>

namespace {

using namespace floodsim_test;

/// A flat closed basin, 12 x 10 cells of 10 m at 10 m above the datum (no CRS: metres).
void write_flat_basin(const fs::path& dem) {
    std::string s = "ncols 12\nnrows 10\nxllcorner 500000\nyllcorner 3800000\ncellsize 10\nNODATA_value -9999\n";
    for (int j = 0; j < 10; ++j) {
        for (int i = 0; i < 12; ++i) s += i ? " 10" : "10";
        s += "\n";
    }
    write_text(dem, s);
}

constexpr double kArea = 120.0 * 100.0;  // m2

double last(hid_t f, const std::string& name) { return read_dataset<double>(f, name).v.back(); }

// Storm drains of 30 mm/h under 50 mm/h of rain, the inlets blocked to a quarter after 10 min:
// stored and drained volumes exact (closed form), on a frictionless basin (manning = 0).
TEST(CliProcesses, DrainageRemovesItsCapacityTimesTheEfficiency) {
    TempDir d;
    write_flat_basin(d / "basin.asc");
    write_text(d / "eff.csv", "# blocked inlets after 10 min\ntime_s,value\n0,1\n600,0.25\n");
    write_text(d / "s.toml", R"(format = 1
name = "drains"
[domain]
dem = "basin.asc"
manning = 0
[time]
duration = "20min"
output_interval = "10min"
gauge_interval = "1min"
[solver]
threads = 1
[rain]
intensity_mm_h = 50.0
[drainage]
capacity_mm_h = 30.0
efficiency = "eff.csv"
[output]
file = "out/drains.h5"
)");
    const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    EXPECT_NE(r.out.find("drainage"), std::string::npos) << r.out;
    Hid f = open_h5(d / "out/drains.h5");
    const double rain = 50.0 / 3.6e6 * 1200.0 * kArea;
    const double drained = 30.0 / 3.6e6 * (600.0 + 0.25 * 600.0) * kArea;
    EXPECT_NEAR(last(f, "/mass_balance/rain"), rain, 1e-9 * rain);
    EXPECT_NEAR(last(f, "/mass_balance/drainage"), drained, 1e-9 * drained);
    EXPECT_NEAR(last(f, "/mass_balance/volume"), rain - drained, 1e-9 * rain);
    EXPECT_LT(std::abs(last(f, "/mass_balance/error")), 1e-9 * rain);
    // After 10 min: (50 - 30) mm/h; the depth raster (float32) everywhere equal.
    const auto depth = read_dataset<float>(f, "/depth");
    ASSERT_EQ(depth.dims.size(), 3u);
    const std::size_t cells = 120;
    const double h10 = 20.0 / 3.6e6 * 600.0, h20 = (rain - drained) / kArea;
    for (std::size_t k = 0; k < cells; ++k) {
        EXPECT_NEAR(depth.at(cells + k), h10, 1e-6 * h10);
        EXPECT_NEAR(depth.at(2 * cells + k), h20, 1e-6 * h20);
    }
    const ProcResult info = run_floodsim({"info", (d / "out/drains.h5").string()});
    EXPECT_NE(info.out.find("drainage"), std::string::npos) << info.out;
}

// Bad [drainage] values: exit 2, one line naming the file, the key and the value; nothing written.
TEST(CliProcesses, BadDrainageIsRefused) {
    TempDir d;
    write_flat_basin(d / "basin.asc");
    const std::string head = "format = 1\n[domain]\ndem = \"basin.asc\"\n[time]\nduration = 60\n[output]\nfile = \"out/x.h5\"\n";
    const auto refused = [&](const std::string& drainage, std::vector<std::string> parts) {
        expect_refused(d.path(), head + "[drainage]\n" + drainage, parts);
    };
    refused("capacity_mm_h = -5\n", {"s.toml", "drainage.capacity_mm_h", "-5"});
    refused("capacity_mm_h = 30\nefficiency = 1.2\n", {"s.toml", "drainage.efficiency", "1.2"});
    refused("capacity_mm_h = 30\nefficiency = -0.1\n", {"s.toml", "drainage.efficiency", "-0.1"});
    refused("capacity_mm_h = \"missing.tif\"\n", {"s.toml", "drainage.capacity_mm_h", "missing.tif"});
}

TEST(CliProcesses, BadSinksIntervalIsRefused) {
    TempDir d;
    write_flat_basin(d / "basin.asc");
    const std::string head = "format = 1\n[domain]\ndem = \"basin.asc\"\n[time]\nduration = 60\n[output]\nfile = \"out/x.h5\"\n"
                             "[drainage]\ncapacity_mm_h = 30\n[solver]\n";
    const auto refused = [&](const std::string& line, std::vector<std::string> parts) {
        expect_refused(d.path(), head + line, parts);
    };
    refused("sinks_interval = \"-5s\"\n", {"s.toml", "solver.sinks_interval", "-5s"});
    refused("sinks_interval = \"2h\"\n", {"s.toml", "solver.sinks_interval", "2h", "1h"});
    refused("sinks_interval = \"soon\"\n", {"s.toml", "solver.sinks_interval", "soon"});
    // 0 (every step) and a few seconds run.
    for (const char* ok : {"sinks_interval = 0\n", "sinks_interval = \"10s\"\n"}) {
        write_text(d / "s.toml", head + ok);
        const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
        EXPECT_EQ(r.status, 0) << describe(r);
    }
    const ProcResult c = run_floodsim({"check", (d / "s.toml").string()});
    EXPECT_NE(c.out.find("drains and soil every 10"), std::string::npos) << describe(c);
}

// solver.local_time_stepping: true (3 levels), 0..6 levels, fv1 only; bad values name the key.
TEST(CliProcesses, LocalTimeStepping) {
    TempDir d;
    write_flat_basin(d / "basin.asc");
    const std::string head = "format = 1\n[domain]\ndem = \"basin.asc\"\n[time]\nduration = 120\n[output]\nfile = \"out/x.h5\"\n"
                             "[rain]\nintensity_mm_h = 50\n[solver]\n";
    const auto refused = [&](const std::string& line, std::vector<std::string> parts) {
        expect_refused(d.path(), head + line, parts);
    };
    refused("local_time_stepping = 7\n", {"s.toml", "solver.local_time_stepping", "7", "0..6"});
    refused("local_time_stepping = -1\n", {"s.toml", "solver.local_time_stepping", "-1"});
    refused("local_time_stepping = \"yes\"\n", {"s.toml", "solver.local_time_stepping", "yes"});
    refused("scheme = \"inertial\"\nlocal_time_stepping = true\n", {"s.toml", "solver.local_time_stepping", "fv1"});
    for (const char* ok : {"local_time_stepping = true\n", "local_time_stepping = 2\n", "local_time_stepping = false\n"}) {
        write_text(d / "s.toml", head + ok);
        const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
        EXPECT_EQ(r.status, 0) << ok << describe(r);
    }
    write_text(d / "s.toml", head + "local_time_stepping = true\n");
    const ProcResult c = run_floodsim({"check", (d / "s.toml").string()});
    EXPECT_NE(c.out.find("local time stepping (3 levels"), std::string::npos) << describe(c);
    // the summary and the JSON end event say what it did
    const ProcResult r = run_floodsim({"run", (d / "s.toml").string()});
    EXPECT_EQ(r.status, 0) << describe(r);
    EXPECT_NE(r.out.find("local steps     3 levels: "), std::string::npos) << describe(r);
    EXPECT_NE(r.out.find("fewer than the smallest step everywhere"), std::string::npos) << describe(r);
    const ProcResult j = run_floodsim({"run", (d / "s.toml").string(), "--json"});
    EXPECT_EQ(j.status, 0) << describe(j);
    EXPECT_NE(j.out.find("\"lts_levels\":3"), std::string::npos) << describe(j);
    EXPECT_NE(j.out.find("\"lts_cell_updates\":"), std::string::npos) << describe(j);
}

// A rising hydrograph at a point (0 -> 2 m3/s over 10 min, then steady) and a steady 0.5 m3/s
// shared along a line across the basin: the inflow column and the stored volume equal the
// hydrographs' integrals.
TEST(CliProcesses, InflowsEnterExactly) {
    TempDir d;
    write_flat_basin(d / "basin.asc");
    write_text(d / "q.csv", "# culvert\ntime_s,value\n0,0\n600,2\n");
    write_text(d / "s.toml", R"(format = 1
name = "inflows"
[domain]
dem = "basin.asc"
manning = 0.03
[time]
duration = "20min"
output_interval = "10min"
gauge_interval = "1min"
[solver]
threads = 1
[[inflow]]
name = "culvert"
x = 500035.0
y = 3800045.0
series = "q.csv"
[[inflow]]
name = "reach"
line = [[500095.0, 3800005.0], [500095.0, 3800095.0]]
value = 0.5
[output]
file = "out/inflows.h5"
)");
    const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    Hid f = open_h5(d / "out/inflows.h5");
    const double in = 600.0 + 2.0 * 600.0 + 0.5 * 1200.0;  // integral of both hydrographs, m3
    EXPECT_NEAR(last(f, "/mass_balance/inflow"), in, 1e-9 * in);
    EXPECT_NEAR(last(f, "/mass_balance/volume"), in, 1e-9 * in);
    EXPECT_LT(std::abs(last(f, "/mass_balance/error")), 1e-9 * in);
}

// Bad [[inflow]] values: exit 2, one line naming the file, the key and the value; nothing written.
TEST(CliProcesses, BadInflowIsRefused) {
    TempDir d;
    write_flat_basin(d / "basin.asc");
    write_text(d / "neg.csv", "time_s,value\n0,1\n60,-2\n");
    const std::string head = "format = 1\n[domain]\ndem = \"basin.asc\"\n[time]\nduration = 60\n[output]\nfile = \"out/x.h5\"\n";
    const auto refused = [&](const std::string& inflow, std::vector<std::string> parts) {
        expect_refused(d.path(), head + "[[inflow]]\nname = \"in\"\n" + inflow, parts);
    };
    refused("x = 400000.0\ny = 3800050.0\nvalue = 1\n", {"s.toml", "inflow[0].x", "400000"});
    refused("line = [[500005.0, 3800005.0], [500005.0, 3900000.0]]\nvalue = 1\n", {"s.toml", "inflow[0].line[1]", "3900000"});
    refused("x = 500005.0\ny = 3800005.0\nvalue = -1\n", {"s.toml", "inflow[0].value", "-1"});
    refused("x = 500005.0\ny = 3800005.0\nvalue = 1e9\n", {"s.toml", "inflow[0].value", "1e+09"});
    refused("x = 500005.0\ny = 3800005.0\nseries = \"neg.csv\"\n", {"neg.csv", "inflow[0].series", "-2"});
    refused("x = 500005.0\ny = 3800005.0\n", {"s.toml", "inflow[0].value"});
}

/// Runs a flat-basin scenario with `[infiltration]` (and rain) for `minutes`; returns the result.
ProcResult run_infiltration(const TempDir& d, const std::string& infiltration, double rain_mm_h, int minutes) {
    write_flat_basin(d / "basin.asc");
    write_text(d / "s.toml", "format = 1\n[domain]\ndem = \"basin.asc\"\nmanning = 0\n[time]\nduration = \"" +
                                 std::to_string(minutes) + "min\"\noutput_interval = \"10min\"\ngauge_interval = \"1min\"\n"
                                 "[solver]\nthreads = 1\n[rain]\nintensity_mm_h = " + std::to_string(rain_mm_h) +
                                 "\n[infiltration]\n" + infiltration + "[output]\nfile = \"out/inf.h5\"\n");
    return run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
}

// Green-Ampt, Horton and SCS-CN through the CLI: the infiltration column against the closed
// forms of tests/verification/test_infiltration.cpp (values computed there), the stored volume
// the rest of the rain, the balance closed.
TEST(CliProcesses, InfiltrationFollowsTheClosedForms) {
    struct Case {
        std::string keys;
        double rain_mm_h;
        int minutes;
        double f_mm;  // closed form at the end
        double tol;   // relative
    };
    const double kh = 2.0;  // Horton decay, 1/h
    const double horton = 10.0 + 50.0 * (1.0 - std::exp(-kh)) / kh;  // F(1 h) in mm
    const double s = 25.4 * (1000.0 / 80.0 - 10.0), p = 50.0, q = (p - 0.2 * s) * (p - 0.2 * s) / (p - 0.2 * s + s);
    const Case cases[] = {
        // F(1 h) of Green-Ampt, ks 10 mm/h, psi 110 mm, dtheta 0.3 under 50 mm/h (Newton on the
        // implicit equation, as green_ampt_cumulative)
        {"model = \"green_ampt\"\nks_mm_h = 10\npsi_mm = 110\ndtheta = 0.3\n", 50.0, 60, 31.1951009, 1e-4},
        {"model = \"horton\"\nf0_mm_h = 60\nfc_mm_h = 10\nk_h = 2\n", 100.0, 60, horton, 1e-9},
        {"model = \"scs_cn\"\ncn = 80\n", 50.0, 60, p - q, 1e-9},
    };
    for (const Case& c : cases) {
        TempDir d;
        const ProcResult r = run_infiltration(d, c.keys, c.rain_mm_h, c.minutes);
        ASSERT_EQ(r.status, 0) << describe(r);
        Hid f = open_h5(d / "out/inf.h5");
        const double rain = c.rain_mm_h / 3.6e6 * c.minutes * 60.0 * kArea;
        const double infiltrated = c.f_mm / 1000.0 * kArea;
        EXPECT_NEAR(last(f, "/mass_balance/infiltration"), infiltrated, c.tol * infiltrated) << c.keys;
        EXPECT_NEAR(last(f, "/mass_balance/volume"), rain - infiltrated, c.tol * infiltrated) << c.keys;
        EXPECT_LT(std::abs(last(f, "/mass_balance/error")), 1e-9 * rain) << c.keys;
        const ProcResult info = run_floodsim({"info", (d / "out/inf.h5").string()});
        EXPECT_NE(info.out.find("infiltration"), std::string::npos) << info.out;
    }
}

// Bad [infiltration] values: exit 2, one line naming the file, the key and the value; nothing written.
TEST(CliProcesses, BadInfiltrationIsRefused) {
    TempDir d;
    write_flat_basin(d / "basin.asc");
    // A curve-number raster with one cell out of range (120 at column 3, row 4).
    std::string cn = "ncols 12\nnrows 10\nxllcorner 500000\nyllcorner 3800000\ncellsize 10\nNODATA_value -9999\n";
    for (int j = 0; j < 10; ++j) {
        for (int i = 0; i < 12; ++i) {
            if (i > 0) cn += ' ';
            cn += i == 3 && j == 4 ? "120" : "80";
        }
        cn += '\n';
    }
    write_text(d / "cn.asc", cn);
    const std::string head = "format = 1\n[domain]\ndem = \"basin.asc\"\n[time]\nduration = 60\n[output]\nfile = \"out/x.h5\"\n";
    const auto refused = [&](const std::string& infiltration, std::vector<std::string> parts) {
        expect_refused(d.path(), head + "[infiltration]\n" + infiltration, parts);
    };
    refused("model = \"philip\"\n", {"s.toml", "infiltration.model", "philip"});
    refused("ks_mm_h = 10\n", {"s.toml", "infiltration.model"});
    refused("model = \"scs_cn\"\ncn = 120\n", {"s.toml", "infiltration.cn", "120"});
    refused("model = \"scs_cn\"\ncn = 25\n", {"s.toml", "infiltration.cn", "25"});
    refused("model = \"scs_cn\"\ncn = \"cn.asc\"\n", {"cn.asc", "infiltration.cn", "120"});
    refused("model = \"scs_cn\"\ncn = 80\nia_ratio = 1.5\n", {"s.toml", "infiltration.ia_ratio", "1.5"});
    refused("model = \"green_ampt\"\nks_mm_h = -1\npsi_mm = 110\ndtheta = 0.3\n", {"s.toml", "infiltration.ks_mm_h", "-1"});
    refused("model = \"green_ampt\"\nks_mm_h = 10\npsi_mm = 110\ndtheta = 1.3\n", {"s.toml", "infiltration.dtheta", "1.3"});
    refused("model = \"green_ampt\"\nks_mm_h = 10\npsi_mm = 110\n", {"s.toml", "infiltration.dtheta"});
    refused("model = \"green_ampt\"\nks_mm_h = 10\npsi_mm = 110\ndtheta = 0.3\ncn = 80\n", {"s.toml", "infiltration.cn", "80"});
    refused("model = \"horton\"\nf0_mm_h = 10\nfc_mm_h = 60\nk_h = 2\n", {"s.toml", "infiltration.fc_mm_h", "60"});
    refused("model = \"horton\"\nf0_mm_h = 60\nfc_mm_h = 10\nk_h = 0\n", {"s.toml", "infiltration.k_h", "0"});
}

// A pump at a sump of the flat basin (a cell 0.3 m deeper) under 100 mm/h: the result's
// /pumps/sump series (discharge, running, volume, running_time), pumped volume = capacity x
// running time, never running below its off depth, pumped column = volume, balance closed.
TEST(CliProcesses, PumpRunsWithHysteresis) {
    TempDir d;
    std::string dem = "ncols 12\nnrows 10\nxllcorner 500000\nyllcorner 3800000\ncellsize 10\nNODATA_value -9999\n";
    for (int j = 0; j < 10; ++j) {
        for (int i = 0; i < 12; ++i) dem += std::string(i ? " " : "") + (i == 5 && j == 4 ? "9.7" : "10");
        dem += "\n";
    }
    write_text(d / "basin.asc", dem);
    write_text(d / "s.toml", R"(format = 1
[domain]
dem = "basin.asc"
manning = 0.03
[time]
duration = "2h"
output_interval = "30min"
gauge_interval = "10s"
[solver]
threads = 1
[rain]
intensity_mm_h = 100.0
[[pump]]
name = "sump"
x = 500055.0
y = 3800055.0
capacity_m3_s = 2.0
on_depth = 0.4
off_depth = 0.32
[[gauge]]
name = "intake"
x = 500055.0
y = 3800055.0
[output]
file = "out/pump.h5"
)");
    const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    EXPECT_NE(r.out.find("pump            sump"), std::string::npos) << r.out;
    Hid f = open_h5(d / "out/pump.h5");
    const auto t = read_dataset<double>(f, "/pumps/sump/time").v;
    const auto q = read_dataset<double>(f, "/pumps/sump/discharge").v;
    const auto running = read_dataset<double>(f, "/pumps/sump/running").v;
    const auto volume = read_dataset<double>(f, "/pumps/sump/volume").v;
    const auto rt = read_dataset<double>(f, "/pumps/sump/running_time").v;
    const auto depth = read_dataset<double>(f, "/gauges/intake/depth").v;
    ASSERT_EQ(t.size(), depth.size());
    ASSERT_GT(t.size(), 100u);
    int starts = 0;
    double integral = 0.0;
    for (std::size_t k = 0; k < t.size(); ++k) {
        if (running[k] != 0.0) {
            EXPECT_GT(depth[k], 0.32 - 1e-9) << "t = " << t[k];
        }
        if (k > 0) {
            starts += running[k] != 0.0 && running[k - 1] == 0.0;
            integral += q[k] * (t[k] - t[k - 1]);
            EXPECT_LE(q[k], 2.0 * (1 + 1e-12));
        }
    }
    EXPECT_GE(starts, 2);  // it cycles
    EXPECT_NEAR(volume.back(), 2.0 * rt.back(), 1e-12 * volume.back());
    EXPECT_NEAR(integral, volume.back(), 1e-9 * volume.back());
    EXPECT_NEAR(last(f, "/mass_balance/pumped"), volume.back(), 1e-9 * volume.back());
    const double rain = 100.0 / 3.6e6 * 7200.0 * kArea;
    EXPECT_LT(std::abs(last(f, "/mass_balance/error")), 1e-9 * rain);
    const ProcResult info = run_floodsim({"info", (d / "out/pump.h5").string()});
    EXPECT_NE(info.out.find("pumps:         1"), std::string::npos) << info.out;
}

// Bad [[pump]] values: exit 2, one line naming the file, the key and the value; nothing written.
TEST(CliProcesses, BadPumpIsRefused) {
    TempDir d;
    write_flat_basin(d / "basin.asc");
    const std::string head = "format = 1\n[domain]\ndem = \"basin.asc\"\n[time]\nduration = 60\n[output]\nfile = \"out/x.h5\"\n";
    const std::string at = "x = 500055.0\ny = 3800055.0\n";
    const auto refused = [&](const std::string& pump, std::vector<std::string> parts) {
        expect_refused(d.path(), head + "[[pump]]\nname = \"p\"\n" + pump, parts);
    };
    refused(at + "capacity_m3_s = -1\non_depth = 0.3\noff_depth = 0.1\n", {"s.toml", "pump[0].capacity_m3_s", "-1"});
    refused(at + "capacity_m3_s = 0\non_depth = 0.3\noff_depth = 0.1\n", {"s.toml", "pump[0].capacity_m3_s", "0"});
    refused(at + "capacity_m3_s = 1\non_depth = 0.3\noff_depth = 0.3\n", {"s.toml", "pump[0].off_depth", "0.3"});
    refused(at + "capacity_m3_s = 1\non_depth = 0.3\noff_depth = 0.5\n", {"s.toml", "pump[0].off_depth", "0.5"});
    refused(at + "capacity_m3_s = 1\non_depth = 0.3\noff_depth = -0.1\n", {"s.toml", "pump[0].off_depth", "-0.1"});
    refused(at + "capacity_m3_s = 1\non_depth = 0.3\n", {"s.toml", "pump[0].off_depth"});
    refused("x = 400000.0\ny = 3800055.0\ncapacity_m3_s = 1\non_depth = 0.3\noff_depth = 0.1\n", {"s.toml", "pump[0].x", "400000"});
    refused(at + "to = [600000.0, 3800055.0]\ncapacity_m3_s = 1\non_depth = 0.3\noff_depth = 0.1\n", {"s.toml", "pump[0].to", "600000"});
}

/// Two closed basins side by side (12 x 10 cells of 10 m, column 6 nodata between them) and a
/// land-use raster: class 1 on the west basin, 2 on the east one (`odd` puts a class 7 cell east).
void write_landuse_basins(const TempDir& d, bool odd = false) {
    std::string dem = "ncols 12\nnrows 10\nxllcorner 500000\nyllcorner 3800000\ncellsize 10\nNODATA_value -9999\n";
    std::string lu = dem;
    for (int j = 0; j < 10; ++j) {
        for (int i = 0; i < 12; ++i) {
            dem += std::string(i ? " " : "") + (i == 6 ? "-9999" : "10");
            lu += std::string(i ? " " : "") + (i < 6 ? "1" : (odd && i == 9 && j == 3 ? "7" : "2"));
        }
        dem += "\n";
        lu += "\n";
    }
    write_text(d / "basin.asc", dem);
    write_text(d / "landuse.asc", lu);
}

// Land use gives each basin its own parameters: the west one paved (no infiltration) with drains
// of 30 mm/h, the east one a Green-Ampt soil without drains; 50 mm/h for 1 h. Drained volume
// 30 mm/h x 1 h on the west basin, infiltrated F(1 h) on the east one, each basin's depth the rest.
TEST(CliProcesses, LanduseGivesEachClassItsParameters) {
    TempDir d;
    write_landuse_basins(d);
    write_text(d / "classes.csv", "# class 1 paved, 2 loess\nclass,manning,ks_mm_h,psi_mm,dtheta,drain_mm_h\n1,0.015,0,110,0.3,30\n2,0.05,10,110,0.3,0\n");
    write_text(d / "s.toml", R"(format = 1
[domain]
dem = "basin.asc"
[time]
duration = "1h"
output_interval = "30min"
gauge_interval = "1min"
[solver]
threads = 1
[rain]
intensity_mm_h = 50.0
[landuse]
map = "landuse.asc"
table = "classes.csv"
[infiltration]
model = "green_ampt"
[drainage]
[output]
file = "out/lu.h5"
)");
    const ProcResult c = run_floodsim({"check", (d / "s.toml").string()});
    ASSERT_EQ(c.status, 0) << describe(c);
    EXPECT_NE(c.out.find("ks_mm_h 0..10"), std::string::npos) << c.out;
    const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    Hid f = open_h5(d / "out/lu.h5");
    const double west = 60.0 * 100.0, east = 50.0 * 100.0;
    const double drained = 30.0 / 1000.0 * west;
    const double soaked = 31.1951009 / 1000.0 * east;  // Green-Ampt F(1 h), as in InfiltrationFollowsTheClosedForms
    EXPECT_NEAR(last(f, "/mass_balance/drainage"), drained, 1e-9 * drained);
    EXPECT_NEAR(last(f, "/mass_balance/infiltration"), soaked, 1e-4 * soaked);
    const auto depth = read_dataset<float>(f, "/depth");
    const std::size_t frame = 2 * 120;
    EXPECT_NEAR(depth.at(frame + 3 * 12 + 2), 0.020, 1e-6);                         // west: (50 - 30) mm
    EXPECT_NEAR(depth.at(frame + 3 * 12 + 9), 0.050 - 0.0311951009, 1e-5);         // east: 50 mm - F
    EXPECT_LT(std::abs(last(f, "/mass_balance/error")), 1e-9 * 0.05 * (west + east));
}

// Bad land use: exit 2, one line naming the file, the key and the value; nothing written.
TEST(CliProcesses, BadLanduseIsRefused) {
    TempDir d;
    write_landuse_basins(d, true);
    const std::string head = "format = 1\n[domain]\ndem = \"basin.asc\"\n[time]\nduration = 60\n[output]\nfile = \"out/x.h5\"\n";
    const auto refused = [&](const std::string& table, const std::string& rest, std::vector<std::string> parts) {
        write_text(d / "classes.csv", table);
        expect_refused(d.path(), head + "[landuse]\nmap = \"landuse.asc\"\ntable = \"classes.csv\"\n" + rest, parts);
    };
    const std::string ok = "class,manning\n1,0.02\n2,0.03\n7,0.04\n";
    refused("class,manning\n1,0.02\n2,0.03\n", "", {"landuse.asc", "landuse.map", "7", "not in landuse.table"});
    refused("class,roughness\n1,0.02\n", "", {"classes.csv", "landuse.table row 1", "roughness"});
    refused("class,manning\n1.5,0.02\n", "", {"classes.csv", "landuse.table row 2 column class", "1.5"});
    refused("class,manning\n1,0.02\n1,0.03\n", "", {"classes.csv", "landuse.table row 3 column class", "1"});
    refused("class,cn\n1,120\n2,80\n7,80\n", "[infiltration]\nmodel = \"scs_cn\"\n", {"classes.csv", "landuse.table row 2 column cn", "120"});
    refused("manning,class\n0.02,1\n", "", {"classes.csv", "landuse.table row 1", "manning"});
    // Given two ways: the key and the column.
    write_text(d / "classes.csv", ok);
    const std::string both = "format = 1\n[domain]\ndem = \"basin.asc\"\nmanning = 0.03\n[time]\nduration = 60\n[output]\nfile = \"out/x.h5\"\n"
                             "[landuse]\nmap = \"landuse.asc\"\ntable = \"classes.csv\"\n";
    write_text(d / "s.toml", both);
    ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_NE(r.err.find("domain.manning"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("given twice"), std::string::npos) << r.err;
    refused("class,ks_mm_h,psi_mm,dtheta\n1,1,1,0.1\n2,1,1,0.1\n7,1,1,0.1\n", "[infiltration]\nmodel = \"green_ampt\"\nks_mm_h = 5\n",
            {"s.toml", "infiltration.ks_mm_h", "given twice"});
    refused("class,drain_mm_h\n1,1\n2,1\n7,1\n", "", {"classes.csv", "drain_mm_h", "[drainage]"});
    refused("class,cn\n1,80\n2,80\n7,80\n", "[infiltration]\nmodel = \"green_ampt\"\nks_mm_h = 5\npsi_mm = 100\ndtheta = 0.2\n",
            {"s.toml", "infiltration.model", "cn"});
    refused(ok, "field = \"class\"\n", {"landuse.asc", "landuse.map", "not a vector"});  // polygons: docs/terrain.md
    refused(ok, "default = 1\n", {"s.toml", "landuse.default", "only for polygons"});
}

/// A channel of 40 x 3 cells of 10 m falling east at `slope` from 10 m (no CRS: metres).
void write_channel(const fs::path& dem, double slope) {
    std::string s = "ncols 40\nnrows 3\nxllcorner 500000\nyllcorner 3800000\ncellsize 10\nNODATA_value -9999\n";
    char buf[32];
    for (int j = 0; j < 3; ++j) {
        for (int i = 0; i < 40; ++i) {
            std::snprintf(buf, sizeof buf, "%s%.6f", i ? " " : "", 10.0 + slope * (400.0 - (i + 0.5) * 10.0));
            s += buf;
        }
        s += "\n";
    }
    write_text(dem, s);
}

/// The outflow rate over the last gauge interval, m3/s.
double last_rate(hid_t f, const std::string& column) {
    const auto v = read_dataset<double>(f, "/mass_balance/" + column).v;
    const auto t = read_dataset<double>(f, "/mass_balance/time").v;
    const std::size_t n = v.size();
    return (v[n - 1] - v[n - 2]) / (t[n - 1] - t[n - 2]);
}

// A river reach leaving the domain: 30 m3/s into a 30 m wide channel (S = 1e-3, n = 0.03) that
// ends in a normal_depth outflow settles at Manning's normal depth (q n / sqrt(S))^(3/5) with
// outflow = inflow; the same channel level ending at a fall (critical) passes its inflow with
// the critical depth (q^2 / g)^(1/3) from the outlet cell's energy. Every scheme; the balance
// closes to round-off.
TEST(CliProcesses, NormalDepthAndCriticalOutflowsPassTheInflow) {
    for (const char* kind : {"normal_depth", "critical"})
        for (const char* scheme : {"fv1", "fv2", "inertial"}) {
            TempDir d;
            const bool nd = std::string(kind) == "normal_depth";
            write_channel(d / "reach.asc", nd ? 1e-3 : 0.0);
            write_text(d / "s.toml", std::string(R"(format = 1
name = "reach"
[domain]
dem = "reach.asc"
manning = 0.03
[initial]
depth = 0.3
[time]
duration = "3h"
output_interval = "1h"
gauge_interval = "10min"
[solver]
threads = 1
scheme = ")") + scheme + R"("
[[boundary]]
side = "west"
kind = "discharge"
value = 30.0
[[boundary]]
side = "east"
kind = ")" + kind + "\"\n" + (nd ? "slope = 0.001\n" : "") + R"(
[output]
file = "out/reach.h5"
variables = ["depth", "velocity"]
)");
            const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
            ASSERT_EQ(r.status, 0) << describe(r);
            Hid f = open_h5(d / "out/reach.h5");
            const double inflow = last(f, "/mass_balance/inflow");
            EXPECT_NEAR(inflow, 30.0 * 3 * 3600.0, 1e-9 * inflow);
            EXPECT_NEAR(last_rate(f, "outflow"), 30.0, 0.01 * 30.0) << kind << ' ' << scheme;
            EXPECT_LT(std::abs(last(f, "/mass_balance/error")), 1e-9 * inflow) << kind << ' ' << scheme;
            const auto depth = read_dataset<float>(f, "/depth");
            const auto vx = read_dataset<float>(f, "/velocity_x");
            const std::size_t frame = 3 * 120;  // the last frame (t = 3 h) of 3 x 40 cells
            if (nd) {
                const double hn = std::pow(1.0 * 0.03 / std::sqrt(1e-3), 0.6);
                for (std::size_t k = 0; k < 120; ++k) EXPECT_NEAR(depth.at(frame + k), hn, 0.02 * hn) << scheme;
            } else {
                const double hc = std::cbrt(1.0 / 9.81);
                const double h = depth.at(frame + 40 + 39), u = vx.at(frame + 40 + 39);
                const double hc_cell = 2.0 / 3.0 * (h + u * u / (2.0 * 9.81));
                std::printf("critical %s: outlet depth %.4f m, 2/3 E %.4f m, h_c %.4f m\n", scheme, h, hc_cell, hc);
                // The inertial cell velocity is the mean of its face discharges (the outlet face's
                // among them), not a momentum of its own: 2.4 % there.
                const double tol = std::string(scheme) == "inertial" ? 0.03 : 0.01;
                EXPECT_NEAR(hc_cell, hc, tol * hc) << scheme;
            }
        }
}

// Bad outflow boundaries: exit 2, one line naming the file, the key and the value; nothing written.
TEST(CliProcesses, BadOutflowBoundariesAreRefused) {
    TempDir d;
    write_channel(d / "reach.asc", 1e-3);
    const std::string head = "format = 1\n[domain]\ndem = \"reach.asc\"\n[time]\nduration = 60\n[output]\nfile = \"out/x.h5\"\n";
    const auto refused = [&](const std::string& body, std::vector<std::string> parts) {
        expect_refused(d.path(), head + body, parts);
    };
    const std::string nd = "[[boundary]]\nside = \"east\"\nkind = \"normal_depth\"\n";
    refused(nd, {"s.toml", "boundary[0].slope", "needs slope"});
    refused(nd + "slope = -0.01\n", {"s.toml", "boundary[0].slope", "-0.01"});
    refused(nd + "slope = 0.01\nvalue = 5\n", {"s.toml", "boundary[0].value", "5"});
    refused("[[boundary]]\nside = \"east\"\nkind = \"critical\"\nslope = 0.01\n", {"s.toml", "boundary[0].slope", "0.01"});
    // Manning's normal flow needs friction on the boundary cells.
    write_text(d / "s.toml", "format = 1\n[domain]\ndem = \"reach.asc\"\nmanning = 0\n[time]\nduration = 60\n"
                             "[output]\nfile = \"out/x.h5\"\n" + nd + "slope = 0.001\n");
    const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_NE(r.err.find("domain.manning"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("normal_depth"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(d / "out"));
}

}  // namespace
