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
        write_text(d / "s.toml", head + "[drainage]\n" + drainage);
        const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
        EXPECT_EQ(r.status, 2) << describe(r);
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        for (const std::string& p : parts) EXPECT_NE(r.err.find(p), std::string::npos) << p << " not in " << r.err;
        EXPECT_FALSE(fs::exists(d / "out"));
    };
    refused("capacity_mm_h = -5\n", {"s.toml", "drainage.capacity_mm_h", "-5"});
    refused("capacity_mm_h = 30\nefficiency = 1.2\n", {"s.toml", "drainage.efficiency", "1.2"});
    refused("capacity_mm_h = 30\nefficiency = -0.1\n", {"s.toml", "drainage.efficiency", "-0.1"});
    refused("capacity_mm_h = \"missing.tif\"\n", {"s.toml", "drainage.capacity_mm_h", "missing.tif"});
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
        write_text(d / "s.toml", head + body);
        const ProcResult r = run_floodsim({"run", (d / "s.toml").string(), "--quiet"});
        EXPECT_EQ(r.status, 2) << describe(r);
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        for (const std::string& p : parts) EXPECT_NE(r.err.find(p), std::string::npos) << p << " not in " << r.err;
        EXPECT_FALSE(fs::exists(d / "out"));
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
