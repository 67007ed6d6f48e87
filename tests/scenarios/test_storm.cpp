// Tests of the design storms (scenarios/storm.hpp, docs/storms.md): the Chicago storm against the
// IDF depths it comes from, the 7·20 storm against its published anchors, the IDF fit, the moving
// storm cell's volume, and the CSV the storms are written as.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "scenarios/series_csv.hpp"
#include "scenarios/storm.hpp"

using namespace floodsim;

namespace {

/// Runs `f`, which must throw std::invalid_argument whose message contains `part`.
template <class F>
void expect_invalid(F f, const std::string& part) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
        return;
    }
    ADD_FAILURE() << "expected std::invalid_argument naming " << part;
}

struct ChicagoCase {
    double p_years, duration_min, r, step_min;
};

ChicagoParams params_for(const ChicagoCase& c, ChicagoMethod method) {
    ChicagoParams p;
    p.a1_mm_min = 11.6;  // illustrative, not a published formula
    p.c = 0.82;
    p.b_min = 9.5;
    p.n = 0.72;
    p.return_period_years = c.p_years;
    p.duration_s = c.duration_min * 60;
    p.peak_fraction = c.r;
    p.step_s = c.step_min * 60;
    p.method = method;
    return p;
}

double idf(const ChicagoParams& p, double t_min) {
    return idf_depth_mm(IdfParams{p.a1_mm_min, p.c, p.b_min, p.n}, p.return_period_years, t_min);
}

class ChicagoBlocks : public ::testing::TestWithParam<ChicagoCase> {};

// The test: the total and every window of whole steps around the peak hold the IDF depth.
TEST_P(ChicagoBlocks, TotalAndMaximumWindowDepthsEqualTheIdfDepths) {
    const ChicagoParams p = params_for(GetParam(), ChicagoMethod::Blocks);
    const Hyetograph h = chicago_storm(p);
    const double T = GetParam().duration_min, dt = GetParam().step_min;
    ASSERT_EQ(h.time_s.size(), static_cast<std::size_t>(std::lround(T / dt)) + 1);
    EXPECT_EQ(h.intensity_mm_h.back(), 0.0);
    EXPECT_NEAR(hyetograph_depth_mm(h, 0, p.duration_s), idf(p, T), 1e-9 * idf(p, T));
    for (double w = dt; w <= T + 1e-9; w += dt)
        EXPECT_NEAR(max_window_depth_mm(h, w * 60), idf(p, w), 1e-9 * idf(p, w)) << "window " << w << " min";
    // The peak row holds r T.
    std::size_t k = 0;
    for (std::size_t i = 0; i + 1 < h.time_s.size(); ++i)
        if (h.intensity_mm_h[i] > h.intensity_mm_h[k]) k = i;
    const double tp = GetParam().r * p.duration_s;
    EXPECT_LE(h.time_s[k], tp + 1e-9);
    EXPECT_GE(h.time_s[k + 1], tp - 1e-9);
    // One peak: rising before it, falling after it.
    for (std::size_t i = 0; i + 1 < k; ++i) EXPECT_LE(h.intensity_mm_h[i], h.intensity_mm_h[i + 1]);
    for (std::size_t i = k; i + 2 < h.time_s.size(); ++i) EXPECT_GE(h.intensity_mm_h[i], h.intensity_mm_h[i + 1]);
}

INSTANTIATE_TEST_SUITE_P(Storms, ChicagoBlocks,
                         ::testing::Values(ChicagoCase{20, 120, 0.4, 5}, ChicagoCase{2, 60, 0.3, 5},
                                           ChicagoCase{100, 180, 0.5, 10}, ChicagoCase{5, 120, 0.4, 1},
                                           ChicagoCase{10, 90, 0.0, 5}, ChicagoCase{10, 90, 1.0, 5},
                                           ChicagoCase{50, 1440, 0.375, 60}));

// The curve rows are the exact step means of the Keifer-Chu curve: the total is exact, and a window
// split r : 1-r about the peak on step boundaries holds exactly the IDF depth.
TEST(ChicagoCurve, StepMeansIntegrateTheCurveExactly) {
    const ChicagoParams p = params_for({20, 120, 0.5, 1}, ChicagoMethod::Curve);
    const Hyetograph h = chicago_storm(p);
    EXPECT_NEAR(hyetograph_depth_mm(h, 0, p.duration_s), idf(p, 120), 1e-9 * idf(p, 120));
    for (double w = 2; w <= 120; w += 2)
        EXPECT_NEAR(hyetograph_depth_mm(h, (60 - w / 2) * 60, (60 + w / 2) * 60), idf(p, w), 1e-9 * idf(p, w));
    for (double w : {5.0, 10.0, 15.0, 30.0, 45.0, 60.0})
        EXPECT_NEAR(max_window_depth_mm(h, w * 60), idf(p, w), 0.03 * idf(p, w)) << w;
    // A duration that is no whole number of steps ends with a shorter row.
    ChicagoParams q = p;
    q.duration_s = 7000;
    q.step_s = 600;
    const Hyetograph g = chicago_storm(q);
    EXPECT_EQ(g.time_s.back(), 7000);
    EXPECT_NEAR(hyetograph_depth_mm(g, 0, 7000), idf(q, 7000 / 60.0), 1e-9 * idf(q, 7000 / 60.0));
}

TEST(Chicago, BadParametersAreNamed) {
    const ChicagoParams ok = params_for({20, 120, 0.4, 5}, ChicagoMethod::Blocks);
    auto with = [&](auto change) {
        ChicagoParams p = ok;
        change(p);
        return [p] { chicago_storm(p); };
    };
    expect_invalid(with([](ChicagoParams& p) { p.a1_mm_min = -1; }), "a1 = -1");
    expect_invalid(with([](ChicagoParams& p) { p.n = 1.2; }), "n = 1.2");
    expect_invalid(with([](ChicagoParams& p) { p.b_min = NAN; }), "b = nan");
    expect_invalid(with([](ChicagoParams& p) { p.c = -0.5; }), "c = -0.5");
    expect_invalid(with([](ChicagoParams& p) { p.return_period_years = 0; }), "return_period = 0");
    expect_invalid(with([](ChicagoParams& p) { p.peak_fraction = 1.5; }), "peak = 1.5");
    expect_invalid(with([](ChicagoParams& p) { p.duration_s = 0; }), "duration = 0");
    expect_invalid(with([](ChicagoParams& p) { p.step_s = 420; }), "step = 420");  // 7200 s is no whole number
    expect_invalid(with([](ChicagoParams& p) { p.step_s = 9000; }), "step = 9000");
}

// ------------------------------------------------------------------------------------------------
// 7·20

struct Case720 {
    double step_s, scale, shift_s;
};
class Storm720 : public ::testing::TestWithParam<Case720> {};

// The test: the peak hour, the day and the three days hold the published depths to 0.1 mm.
TEST_P(Storm720, MeetsTheAnchorsToATenthOfAMillimetre) {
    const Case720 c = GetParam();
    const Hyetograph h = storm_720(Storm720Options{c.scale, c.shift_s, c.step_s});
    const double z = c.shift_s;
    EXPECT_NEAR(hyetograph_depth_mm(h, z + 68 * 3600.0, z + 69 * 3600.0), c.scale * 201.9, 1e-6);
    EXPECT_NEAR(hyetograph_depth_mm(h, z + 48 * 3600.0, z + 72 * 3600.0), c.scale * 552.5, 1e-6);
    EXPECT_NEAR(hyetograph_depth_mm(h, z, z + 72 * 3600.0), c.scale * 617.1, 1e-6);
    EXPECT_NEAR(hyetograph_depth_mm(h, 0, 1e9), c.scale * 617.1, 1e-6);  // nothing before or after
    EXPECT_EQ(h.intensity_mm_h.back(), 0.0);
    EXPECT_EQ(h.time_s.back(), z + 72 * 3600.0);
    // The peak hour is the wettest hour, and the wettest step lies in it.
    for (int hour = 0; hour < 72; ++hour) {
        if (hour != 68)
            EXPECT_LT(hyetograph_depth_mm(h, z + hour * 3600.0, z + (hour + 1) * 3600.0), c.scale * 201.9) << hour;
    }
    std::size_t k = 0;
    for (std::size_t i = 0; i < h.time_s.size(); ++i)
        if (h.intensity_mm_h[i] > h.intensity_mm_h[k]) k = i;
    EXPECT_GE(h.time_s[k], z + 68 * 3600.0);
    EXPECT_LT(h.time_s[k], z + 69 * 3600.0);
    // No jump at the anchors' edges (16 h, 17 h, 20 h on 19 July) at steps up to 10 min: the log-ratio
    // of the steps across an edge is the mean of its neighbours' (a separately scaled anchor would
    // show as a jump of log(1.3) = 0.26 or more).
    if (c.step_s <= 600)
        for (double edge : {68 * 3600.0, 69 * 3600.0, 48 * 3600.0}) {
            auto step = [&](int k) {
                return hyetograph_depth_mm(h, z + edge + k * c.step_s, z + edge + (k + 1) * c.step_s);
            };
            const double across = std::log(step(0) / step(-1));
            const double around = 0.5 * (std::log(step(-1) / step(-2)) + std::log(step(1) / step(0)));
            EXPECT_NEAR(across, around, 0.03) << "edge at " << edge / 3600 << " h";
        }
}

INSTANTIATE_TEST_SUITE_P(Storms, Storm720,
                         ::testing::Values(Case720{3600, 1, 0}, Case720{300, 1, 0}, Case720{600, 1, 0},
                                           Case720{60, 1, 0}, Case720{300, 1.5, 0}, Case720{300, 0.6, 5400},
                                           Case720{900, 1, 7200}));

TEST(Storm720Header, SaysWhenTimeZeroIsAndWhatIsSynthetic) {
    const Hyetograph h = storm_720(Storm720Options{1.0, 5400, 300});
    std::string all;
    for (const std::string& l : h.header) all += l + "\n";
    EXPECT_NE(all.find("time_s = 0 is 2021-07-17 18:30:00 Beijing time"), std::string::npos) << all;
    EXPECT_NE(all.find("synthetic: every hour except 2021-07-20 16:00-17:00"), std::string::npos) << all;
    EXPECT_EQ(h.time_s[0], 0.0);
    EXPECT_EQ(h.intensity_mm_h[0], 0.0);
    EXPECT_EQ(h.time_s[1], 5400.0);
}

TEST(Storm720Options, BadOnesAreNamed) {
    expect_invalid([] { storm_720(Storm720Options{1, 0, 420}); }, "step = 420");
    expect_invalid([] { storm_720(Storm720Options{1, 0, 7200}); }, "step = 7200");
    expect_invalid([] { storm_720(Storm720Options{0, 0, 300}); }, "scale = 0");
    expect_invalid([] { storm_720(Storm720Options{1, -60, 300}); }, "shift = -60");
}

// The CSV reads back through the loader's own series reader to the same values.
TEST(HyetographCsv, ReadsBackAsARainSeries) {
    const Hyetograph h = storm_720(Storm720Options{1.3, 0, 600});
    const std::string path = ::testing::TempDir() + "storm720_" + std::to_string(::getpid()) + ".csv";
    {
        std::ofstream f(path);
        write_hyetograph_csv(f, h);
    }
    const SeriesData s = read_series_csv(path, "rain.series", "intensity_mm_h", true);
    std::filesystem::remove(path);
    ASSERT_EQ(s.time_s.size(), h.time_s.size());
    double depth = 0;
    for (std::size_t k = 0; k + 1 < s.time_s.size(); ++k) depth += s.value[k] * (s.time_s[k + 1] - s.time_s[k]) / 3600;
    EXPECT_NEAR(depth, 1.3 * 617.1, 1e-4);
}

// ------------------------------------------------------------------------------------------------
// Fit

std::vector<IdfObservation> table_from(const IdfParams& f, double noise) {
    std::vector<IdfObservation> rows;
    int k = 0;
    for (double p : {2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0})
        for (double t : {5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0}) {
            const double e = noise * std::sin(1.7 * ++k);  // deterministic, within +-noise
            rows.push_back({t, p, idf_depth_mm(f, p, t) * (1 + e)});
        }
    return rows;
}

TEST(IdfFit, RecoversTheParametersOfAnExactTable) {
    const IdfParams truth{9.2, 0.85, 11.3, 0.77};
    const IdfFit fit = fit_idf(table_from(truth, 0.0));
    EXPECT_TRUE(fit.converged);
    EXPECT_NEAR(fit.params.a1_mm_min, truth.a1_mm_min, 1e-6 * truth.a1_mm_min);
    EXPECT_NEAR(fit.params.c, truth.c, 1e-6 * truth.c);
    EXPECT_NEAR(fit.params.b_min, truth.b_min, 1e-6 * truth.b_min);
    EXPECT_NEAR(fit.params.n, truth.n, 1e-6 * truth.n);
    EXPECT_LT(fit.rms_mm_min, 1e-9);
}

TEST(IdfFit, ReportsTheResidualsOfNoisyData) {
    const IdfParams truth{9.2, 0.85, 11.3, 0.77};
    const std::vector<IdfObservation> rows = table_from(truth, 0.04);
    const IdfFit fit = fit_idf(rows);
    ASSERT_EQ(fit.residual_mm_min.size(), rows.size());
    double ss = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const double model = idf_intensity_mm_min(fit.params, rows[i].return_period_years, rows[i].duration_min);
        EXPECT_NEAR(fit.residual_mm_min[i], model - rows[i].depth_mm / rows[i].duration_min, 1e-12);
        ss += fit.residual_mm_min[i] * fit.residual_mm_min[i];
    }
    EXPECT_NEAR(fit.rms_mm_min, std::sqrt(ss / static_cast<double>(rows.size())), 1e-12);
    EXPECT_GT(fit.rms_mm_min, 1e-3);  // the noise shows
    // ... and is no larger than the truth's own misfit (a least-squares minimum).
    double ss_truth = 0;
    for (const IdfObservation& o : rows) {
        const double r =
            idf_intensity_mm_min(truth, o.return_period_years, o.duration_min) - o.depth_mm / o.duration_min;
        ss_truth += r * r;
    }
    EXPECT_LE(ss, ss_truth * (1 + 1e-9));
    EXPECT_NEAR(fit.params.n, truth.n, 0.1 * truth.n);
}

TEST(IdfFit, RefusesTablesThatCannotDetermineTheParameters) {
    expect_invalid([] { fit_idf({{5, 2, 10}, {10, 2, 15}, {20, 2, 20}, {60, 2, 30}}); }, "two return periods");
    expect_invalid([] { fit_idf({{5, 2, 10}, {5, 5, 15}, {10, 2, 20}}); }, "at least 4");
    expect_invalid([] { fit_idf({{5, 2, 10}, {5, 5, 15}, {10, 2, 20}, {10, 5, 25}}); }, "three durations");
    expect_invalid([] { fit_idf({{5, 2, 10}, {5, 5, -15}, {10, 2, 20}, {30, 5, 25}}); }, "row 2: depth_mm = -15");
}

// ------------------------------------------------------------------------------------------------
// Storm cell

class StormCellVolume : public ::testing::TestWithParam<bool> {};

// The rain on the grid over the storm equals the analytic volume peak * area * duration while the
// cell stays inside the grid.
TEST_P(StormCellVolume, GridVolumeEqualsTheAnalyticVolume) {
    StormCell c{2000, 3000, 8000, 5000, 3.0, 600.0, GetParam()};
    const double dx = 50;
    std::vector<double> xs, ys;
    for (int i = 0; i < 200; ++i) xs.push_back((i + 0.5) * dx);         // 0..10 km east
    for (int j = 0; j < 160; ++j) ys.push_back(8000 - (j + 0.5) * dx);  // 8..0 km, row 0 north
    const double peak = 80, step = 600, duration = 1800;
    double volume = 0;
    for (double t = 0; t < duration; t += step) {
        const std::vector<double> g = storm_cell_grid(c, peak, t, t + step, xs, ys);
        for (double v : g) volume += v / 3.6e6 * dx * dx * step;  // mm/h -> m/s
    }
    const double analytic = peak / 3.6e6 * storm_cell_area_m2(c) * duration;
    EXPECT_NEAR(volume, analytic, 0.02 * analytic);
    // The cell moves: its centre after 1800 s lies 5.4 km along the track.
    double cx, cy;
    storm_cell_centre(c, 1800, cx, cy);
    EXPECT_NEAR(std::hypot(cx - 2000, cy - 3000), 5400, 1e-6);
    const std::vector<double> last = storm_cell_grid(c, peak, 1799, 1800, xs, ys);
    EXPECT_NEAR(last[static_cast<std::size_t>(8000 - cy) / 50 * 200 + static_cast<std::size_t>(cx / 50)], peak,
                0.05 * peak);
}

INSTANTIATE_TEST_SUITE_P(Storms, StormCellVolume, ::testing::Values(true, false),
                         [](const auto& info) { return std::string(info.param ? "Gaussian" : "Cylinder"); });

}  // namespace
