// Validation against a laboratory experiment (issue 10): the dam break against an isolated
// building of Soares-Frazao and Zech (2007), J. Hydraulic Research 45 (Extra Issue) 27-36. The
// flume is built here (DEM with the dam's blocks as nodata, initial water level raster, the
// building as a GeoJSON footprint blocked by [buildings], gauges G1-G6 at the published
// positions), floodsim runs 30 s at 10 cm cells, and the simulated depths are compared with the
// measured series (tests/data/soares-frazao-2007, the paper's supplementary data). Tolerances are
// what fv1 and fv2 achieve with margin, not what the experiment would like: the comparison and
// why G2 is worse are in docs/validation-building.md; bench/validate_building.py makes the full
// table (schemes, 10 and 5 cm) and the figure.
#include "cli_util.hpp"

#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>

namespace {

using namespace floodsim_test;

// Geometry (m), flume frame: x from the upstream end, y from the right-hand wall (south).
constexpr double kLength = 35.8, kWidth = 3.6;
constexpr double kDamX0 = 6.75, kDamX1 = 7.55;  // the dam's faces; the gate on the downstream one
constexpr double kGapY0 = 1.30, kGapY1 = 2.30;  // the 1 m gap between the two blocks
constexpr double kSlopeH = 0.155, kSlopeW = 0.34;
constexpr double kPi = 3.14159265358979323846;

struct Gauge {
    const char* name;
    double x, y;
};
constexpr Gauge kGauges[] = {{"G1", 10.20, 2.95}, {"G2", 10.20, 1.20}, {"G3", 11.55, 2.95},
                             {"G4", 11.55, 1.00}, {"G5", 12.75, 2.10}, {"G6", 5.68, 2.90}};

struct Pt {
    double x, y;
};

/// The footprint b1, b2, b3, b4: 0.80 x 0.40, the long side at 64 degrees, b1 3.44 m downstream
/// of the gate and 1.75 m from the right-hand wall.
std::vector<Pt> building() {
    const double a = 64.0 * kPi / 180.0;
    const Pt b1{kDamX1 + 3.44, 1.75};
    const Pt along{0.80 * std::cos(a), 0.80 * std::sin(a)}, across{0.40 * std::sin(a), -0.40 * std::cos(a)};
    const Pt b2{b1.x + across.x, b1.y + across.y};
    return {b1, b2, {b2.x + along.x, b2.y + along.y}, {b1.x + along.x, b1.y + along.y}};
}

bool inside(const std::vector<Pt>& poly, double x, double y) {
    bool in = false;
    for (std::size_t k = 0, n = poly.size(); k < n; ++k) {
        const Pt a = poly[k], b = poly[(k + 1) % n];
        if ((a.y > y) != (b.y > y) && x < a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y)) in = !in;
    }
    return in;
}

struct Grid {
    double dx, x0;
    int nx, ny;
    double xc(int i) const { return x0 + (i + 0.5) * dx; }
    double yc(int j) const { return (j + 0.5) * dx; }  // j = 0: the southern row
};

/// The raster's west edge is put so that the dam's faces fall on cell edges (at 10 cm: from
/// x = -0.05 to 35.85, the reservoir and the channel half a cell longer than the flume's).
Grid make_grid(double dx) {
    Grid g{dx, 0.0, 0, 0};
    g.x0 = kDamX0 - dx * std::ceil(kDamX0 / dx - 1e-9);
    g.nx = static_cast<int>(std::ceil((kLength - g.x0) / dx - 1e-9));
    g.ny = static_cast<int>(std::lround(kWidth / dx));
    return g;
}

void write_asc(const fs::path& p, const Grid& g, const std::function<double(double, double)>& value) {
    std::string s;
    char buf[64];
    std::snprintf(buf, sizeof buf, "ncols %d\nnrows %d\nxllcorner %.6f\n", g.nx, g.ny, g.x0);
    s += buf;
    std::snprintf(buf, sizeof buf, "yllcorner 0\ncellsize %g\nNODATA_value -9999\n", g.dx);
    s += buf;
    for (int j = g.ny - 1; j >= 0; --j) {
        for (int i = 0; i < g.nx; ++i) {
            std::snprintf(buf, sizeof buf, i ? " %.5f" : "%.5f", value(g.xc(i), g.yc(j)));
            s += buf;
        }
        s += "\n";
    }
    write_text(p, s);
}

void write_flume(const TempDir& d, const Grid& g, const std::string& scheme) {
    // Bed: 0, side slopes 0.155 m over the outer 0.34 m (sections AA and CC); the dam's blocks
    // are nodata (walls). The raster is the flume: its west side is the reservoir's end wall.
    write_asc(d / "dem.asc", g, [](double x, double y) {
        const bool in_dam = x > kDamX0 && x < kDamX1;
        if (in_dam && (y < kGapY0 || y > kGapY1)) return -9999.0;
        if (in_dam) return 0.0;
        if (y < kSlopeW) return kSlopeH / kSlopeW * (kSlopeW - y);
        if (y > kWidth - kSlopeW) return kSlopeH / kSlopeW * (y - (kWidth - kSlopeW));
        return 0.0;
    });
    // 0.40 m up to the gate (the dam's gap included), 0.02 m below it.
    write_asc(d / "level.asc", g, [](double x, double) { return x < kDamX1 ? 0.40 : 0.02; });
    std::string js = R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, )"
                     R"("geometry": {"type": "Polygon", "coordinates": [[)";
    auto b = building();
    b.push_back(b.front());
    char buf[64];
    for (std::size_t k = 0; k < b.size(); ++k) {
        std::snprintf(buf, sizeof buf, "%s[%.6f, %.6f]", k ? ", " : "", b[k].x, b[k].y);
        js += buf;
    }
    js += "]]}}]}\n";
    write_text(d / "building.geojson", js);
    std::string s =
        "format = 1\nname = \"soares-frazao-building\"\n[domain]\ndem = \"dem.asc\"\nmanning = 0.01\n"
        "[initial]\nwater_level = \"level.asc\"\n[time]\nduration = 30\noutput_interval = 30\n"
        "gauge_interval = 0.05\n[solver]\nscheme = \"" +
        scheme +
        "\"\nthreads = 2\n"
        "[[boundary]]\nside = \"east\"\nkind = \"free\"\n"
        "[buildings]\nfile = \"building.geojson\"\nmethod = \"block\"\n";
    for (const Gauge& gauge : kGauges) {
        std::snprintf(buf, sizeof buf, "x = %.2f\ny = %.2f\n", gauge.x, gauge.y);
        s += std::string("[[gauge]]\nname = \"") + gauge.name + "\"\n" + buf;
    }
    s += "[output]\nfile = \"out/building.h5\"\n";
    write_text(d / "building.toml", s);
}

/// The measured series: time and G1..G6 (m), every 0.05 s.
struct Measured {
    std::vector<double> t;
    std::vector<double> h[6];
};

Measured read_measured() {
    const fs::path p = fs::path(FLOODSIM_SOURCE_DIR) / "tests/data/soares-frazao-2007/gauges_h.csv";
    std::istringstream in(read_text(p));
    Measured m;
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        if (header) {
            header = false;
            continue;
        }
        double v[7];
        if (std::sscanf(line.c_str(), "%lf,%lf,%lf,%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]) !=
            7)
            throw std::runtime_error("bad row in " + p.string() + ": " + line);
        m.t.push_back(v[0]);
        for (int k = 0; k < 6; ++k) m.h[k].push_back(v[k + 1]);
    }
    return m;
}

/// Linear interpolation of (t, h) at time x (t increasing).
double interp(const std::vector<double>& t, const std::vector<double>& h, double x) {
    if (x <= t.front()) return h.front();
    if (x >= t.back()) return h.back();
    const std::size_t k = static_cast<std::size_t>(std::upper_bound(t.begin(), t.end(), x) - t.begin());
    const double w = (x - t[k - 1]) / (t[k] - t[k - 1]);
    return (1 - w) * h[k - 1] + w * h[k];
}

/// First time the depth reaches 3 cm (the channel's still layer is 2 cm; the measured records are
/// 0 before the front).
double arrival(const std::vector<double>& t, const std::vector<double>& h) {
    for (std::size_t k = 0; k < t.size(); ++k)
        if (h[k] >= 0.03) return t[k];
    return std::numeric_limits<double>::quiet_NaN();
}

struct GaugeError {
    double rmse, arrival_measured, arrival_error, peak_error;
};

/// RMSE from the measured arrival to 30 s (G6, in the reservoir: the whole record), the arrival
/// time error and the peak depth error (simulated - measured) over the same window.
GaugeError compare(const Measured& m, int k, const std::vector<double>& ts, const std::vector<double>& hs) {
    const bool reservoir = k == 5;
    GaugeError e{0, 0, 0, 0};
    e.arrival_measured = reservoir ? 0.0 : arrival(m.t, m.h[k]);
    e.arrival_error = reservoir ? 0.0 : arrival(ts, hs) - e.arrival_measured;
    double sum = 0, peak_m = 0, peak_s = 0;
    int n = 0;
    for (std::size_t r = 0; r < m.t.size(); ++r) {
        if (m.t[r] < e.arrival_measured) continue;
        const double d = interp(ts, hs, m.t[r]) - m.h[k][r];
        sum += d * d;
        ++n;
        peak_m = std::max(peak_m, m.h[k][r]);
    }
    for (std::size_t r = 0; r < ts.size(); ++r)
        if (ts[r] >= e.arrival_measured) peak_s = std::max(peak_s, hs[r]);
    e.rmse = std::sqrt(sum / n);
    e.peak_error = peak_s - peak_m;
    return e;
}

struct Tolerance {
    double rmse[6];  // m, per gauge
    double arrival;  // |error|, s
    double peak;     // |error|, m, G1 and G3-G5
};

void validate(const std::string& scheme, const Tolerance& tol) {
    TempDir d;
    const Grid g = make_grid(0.1);
    write_flume(d, g, scheme);
    const ProcResult r = run_floodsim({"run", (d / "building.toml").string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    Hid f = open_h5(d / "out/building.h5");
    const Measured m = read_measured();
    for (int k = 0; k < 6; ++k) {
        const std::string base = std::string("/gauges/") + kGauges[k].name;
        const auto ts = read_dataset<double>(f, base + "/time").v;
        const auto hs = read_dataset<double>(f, base + "/depth").v;
        ASSERT_NEAR(ts.back(), 30.0, 1e-9);
        const GaugeError e = compare(m, k, ts, hs);
        std::printf("%s %s: RMSE %.4f m, arrival %.2f s (measured %.2f s), peak error %+.3f m\n", scheme.c_str(),
                    kGauges[k].name, e.rmse, e.arrival_measured + e.arrival_error, e.arrival_measured, e.peak_error);
        EXPECT_LT(e.rmse, tol.rmse[k]) << kGauges[k].name;
        if (k == 5) continue;
        EXPECT_LT(std::fabs(e.arrival_error), tol.arrival) << kGauges[k].name;
        // G2's peak is the hydraulic jump that the models place late or miss (docs): not asserted.
        if (k != 1) {
            EXPECT_LT(std::fabs(e.peak_error), tol.peak) << kGauges[k].name;
        }
    }
    // The building holds no water: its cells are walls, NaN in every raster.
    const auto maxd = read_dataset<float>(f, "/max_depth");
    const auto depth = read_dataset<float>(f, "/depth");
    ASSERT_EQ(maxd.dims.size(), 2u);
    ASSERT_EQ(static_cast<int>(maxd.dims[0]), g.ny);
    ASSERT_EQ(static_cast<int>(maxd.dims[1]), g.nx);
    const std::size_t frame = static_cast<std::size_t>(g.nx) * g.ny, last = depth.v.size() - frame;
    const auto poly = building();
    int cells = 0;
    for (int row = 0; row < g.ny; ++row)
        for (int i = 0; i < g.nx; ++i) {
            if (!inside(poly, g.xc(i), g.yc(g.ny - 1 - row))) continue;
            ++cells;
            const std::size_t c = static_cast<std::size_t>(row) * g.nx + i;
            EXPECT_TRUE(std::isnan(maxd.at(c))) << "building cell " << i << ", row " << row << ": " << maxd.at(c);
            EXPECT_TRUE(std::isnan(depth.at(last + c)));
        }
    EXPECT_EQ(cells, 32);  // 0.32 m2 of footprint at 10 cm cells
    // Mass: what left through the free east side is booked; the balance closes to round-off.
    const auto volume = read_dataset<double>(f, "/mass_balance/volume").v;
    const auto error = read_dataset<double>(f, "/mass_balance/error").v;
    const auto outflow = read_dataset<double>(f, "/mass_balance/outflow").v;
    double worst = 0;
    for (double e : error) worst = std::max(worst, std::fabs(e));
    EXPECT_LT(worst, 1e-10 * volume.front());
    EXPECT_GT(outflow.back(), 0.0);  // the front left the 35.8 m flume within 30 s
}

// fv2 at 10 cm (12 600 cells, about 2000 steps): measured 2026-11-30 RMSE G1-G6 0.015, 0.046,
// 0.015, 0.020, 0.016, 0.005 m; fronts 0.50-0.70 s late; peaks within 0.012 m (G2 -0.035).
TEST(ValidationBuilding, Fv2MatchesTheMeasuredGaugeDepths) {
    validate("fv2", {{0.025, 0.060, 0.025, 0.030, 0.025, 0.008}, 1.0, 0.03});
}

// fv1 at 10 cm: RMSE 0.014, 0.024, 0.017, 0.016, 0.014, 0.004 m; fronts 0.50-0.70 s late; peaks
// within 0.021 m (G2 -0.034).
TEST(ValidationBuilding, Fv1MatchesTheMeasuredGaugeDepths) {
    validate("fv1", {{0.025, 0.040, 0.025, 0.025, 0.025, 0.008}, 1.0, 0.03});
}

}  // namespace
