// `floodsim storm chicago|720|fit|cell` through the real executable (INTERFACE.md section 5,
// docs/storms.md): the CSV on stdout read back here independently of the library, checked as the
// outside checks do (Chicago total and maximum 5-60 min windows against the IDF depths, peak at
// r x duration; 7·20 anchors, scaled); the fit's parameters and residuals; the storm cell's grids
// (volume against the analytic one, the index accepted by `floodsim check`); bad arguments: exit 2
// and one line naming the argument and its value.
#include "cli_util.hpp"

#include <gdal_priv.h>

#include <cmath>
#include <cstdio>
#include <numbers>

namespace {

using namespace floodsim_test;

struct Csv {
    std::vector<std::string> comments;
    std::vector<double> t, i;  // s, mm/h
};

Csv parse_csv(const std::string& text) {
    Csv c;
    std::istringstream s(text);
    std::string line;
    bool header = false;
    while (std::getline(s, line)) {
        if (line.empty()) continue;
        if (line[0] == '#') {
            c.comments.push_back(line);
            continue;
        }
        if (!header) {
            EXPECT_EQ(line, "time_s,intensity_mm_h");
            header = true;
            continue;
        }
        const auto comma = line.find(',');
        c.t.push_back(std::stod(line.substr(0, comma)));
        c.i.push_back(std::stod(line.substr(comma + 1)));
    }
    return c;
}

/// mm in [t0, t1): each row holds until the next; the last (0) to the end.
double depth(const Csv& c, double t0, double t1) {
    double d = 0;
    for (std::size_t k = 0; k < c.t.size(); ++k) {
        const double a = std::max(t0, c.t[k]), b = std::min(t1, k + 1 < c.t.size() ? c.t[k + 1] : 1e18);
        if (b > a) d += c.i[k] * (b - a) / 3600;
    }
    return d;
}

double max_window(const Csv& c, double w) {
    double best = 0;
    for (double t0 : c.t) best = std::max(best, depth(c, t0, t0 + w));
    return best;
}

/// The command fails with status 2, one line on stderr containing every part, nothing on stdout.
void expect_refused(const std::vector<std::string>& args, const std::vector<std::string>& parts) {
    const ProcResult r = run_floodsim(args);
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_TRUE(r.out.empty()) << describe(r);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << describe(r);
    for (const std::string& p : parts) EXPECT_NE(r.err.find(p), std::string::npos) << p << " in " << r.err;
}

void write_dem(const fs::path& p);

// An illustrative formula (not Zhengzhou's published one).
constexpr double kA1 = 11.6, kC = 0.82, kB = 9.5, kN = 0.72;
double idf_depth(double p, double t_min) { return kA1 * (1 + kC * std::log10(p)) * t_min / std::pow(t_min + kB, kN); }

TEST(CliStorm, ChicagoTotalAndWindowDepthsAreTheIdfDepthsAndThePeakIsAtR) {
    struct Case {
        const char *p, *duration, *peak, *step;
        double p_years, t_min, r, step_min;
    };
    for (const Case& k :
         {Case{"20", "2h", "0.4", "5min", 20, 120, 0.4, 5}, Case{"2", "60min", "0.3", "5min", 2, 60, 0.3, 5},
          Case{"100", "3h", "0.5", "1min", 100, 180, 0.5, 1}}) {
        const ProcResult r =
            run_floodsim({"storm", "chicago", "--a", "11.6", "--c", "0.82", "--b", "9.5", "--n", "0.72",
                          "--return-period", k.p, "--duration", k.duration, "--peak", k.peak, "--step", k.step});
        ASSERT_EQ(r.status, 0) << describe(r);
        const Csv c = parse_csv(r.out);
        ASSERT_FALSE(c.t.empty());
        EXPECT_EQ(c.i.back(), 0.0);
        EXPECT_EQ(c.t.back(), k.t_min * 60);
        const double total = idf_depth(k.p_years, k.t_min);
        EXPECT_NEAR(depth(c, 0, 1e9), total, 1e-6 * total) << k.duration;
        for (double w : {5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0}) {
            const double want = idf_depth(k.p_years, w);
            EXPECT_NEAR(max_window(c, w * 60), want, 1e-6 * want) << "window " << w << " min, " << k.duration;
        }
        const std::size_t top = std::max_element(c.i.begin(), c.i.end()) - c.i.begin();
        EXPECT_LE(c.t[top], k.r * k.t_min * 60);
        EXPECT_GE(c.t[top] + k.step_min * 60, k.r * k.t_min * 60);
    }
}

TEST(CliStorm, ChicagoWritesTheSameCsvToOut) {
    TempDir d;
    const std::vector<std::string> args{
        "storm", "chicago",         "--a", "11.6",       "--c",   "0.82",     "--b",  "9.5", "--n",
        "0.72",  "--return-period", "5",   "--duration", "90min", "--method", "curve"};
    const ProcResult r = run_floodsim(args);
    ASSERT_EQ(r.status, 0) << describe(r);
    std::vector<std::string> to_file = args;
    to_file.insert(to_file.end(), {"--out", (d / "rain.csv").string()});
    const ProcResult f = run_floodsim(to_file);
    ASSERT_EQ(f.status, 0) << describe(f);
    EXPECT_TRUE(f.out.empty());
    EXPECT_EQ(read_text(d / "rain.csv"), r.out);
    EXPECT_NEAR(depth(parse_csv(r.out), 0, 1e9), idf_depth(5, 90), 1e-6 * idf_depth(5, 90));
}

TEST(CliStorm, Storm720MeetsItsAnchorsAtEveryStepAndScale) {
    for (const char* step : {"5min", "10min", "1h"})
        for (const char* scale : {"1", "1.25"}) {
            const ProcResult r = run_floodsim({"storm", "720", "--step", step, "--scale", scale});
            ASSERT_EQ(r.status, 0) << describe(r);
            const Csv c = parse_csv(r.out);
            const double s = std::stod(scale);
            const double peak = 68 * 3600.0, day = 48 * 3600.0, end = 72 * 3600.0;
            EXPECT_NEAR(depth(c, peak, peak + 3600), s * 201.9, 0.05) << step << " x" << scale;
            EXPECT_NEAR(depth(c, day, end), s * 552.5, 0.05) << step << " x" << scale;
            EXPECT_NEAR(depth(c, 0, end), s * 617.1, 0.05) << step << " x" << scale;
            EXPECT_NEAR(depth(c, 0, 1e9), s * 617.1, 0.05) << step << " x" << scale;
            std::string all;
            for (const std::string& l : c.comments) all += l + "\n";
            EXPECT_NE(all.find("# time_s = 0 is 2021-07-17 20:00:00 Beijing time"), std::string::npos) << all;
            EXPECT_NE(all.find("synthetic: every hour except 2021-07-20 16:00-17:00"), std::string::npos) << all;
        }
}

TEST(CliStorm, Storm720ShiftMovesTheStormAndSaysWhenTimeZeroIs) {
    const ProcResult r = run_floodsim({"storm", "720", "--shift", "90min"});
    ASSERT_EQ(r.status, 0) << describe(r);
    const Csv c = parse_csv(r.out);
    EXPECT_NE(r.out.find("# time_s = 0 is 2021-07-17 18:30:00 Beijing time"), std::string::npos) << r.out;
    EXPECT_EQ(depth(c, 0, 5400), 0.0);
    const double peak = 5400 + 68 * 3600.0;
    EXPECT_NEAR(depth(c, peak, peak + 3600), 201.9, 0.05);
    EXPECT_NEAR(depth(c, 5400 + 48 * 3600.0, 5400 + 72 * 3600.0), 552.5, 0.05);
}

// The 720 CSV is a [rain] series the loader takes as it is: check reports its 617.1 mm.
TEST(CliStorm, Storm720CsvIsAScenarioRainSeries) {
    TempDir d;
    write_dem(d / "dem.asc");
    const ProcResult r = run_floodsim({"storm", "720", "--step", "10min", "--out", (d / "rain.csv").string()});
    ASSERT_EQ(r.status, 0) << describe(r);
    write_text(d / "s.toml",
               "format = 1\nname = \"s720\"\n[domain]\ndem = \"dem.asc\"\nmanning = 0.03\n"
               "[time]\nduration = \"3d\"\noutput_interval = \"1h\"\n"
               "[rain]\nseries = \"rain.csv\"\n[output]\nfile = \"out/r.h5\"\n");
    const ProcResult c = run_floodsim({"check", (d / "s.toml").string()});
    EXPECT_EQ(c.status, 0) << describe(c);
    EXPECT_NE(c.out.find("rain            617.1 mm in total"), std::string::npos) << c.out;
}

TEST(CliStorm, BadArgumentsExit2NamingTheArgumentAndValue) {
    const std::vector<std::string> chi{
        "storm", "chicago",         "--a", "11.6",       "--c", "0.82", "--b", "9.5", "--n",
        "0.72",  "--return-period", "20",  "--duration", "2h"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> a = chi;
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    expect_refused(with({"--peak", "1.5"}), {"--peak = 1.5"});
    expect_refused(with({"--step", "7min"}), {"--step = 7min (420 s)", "whole number of steps"});
    expect_refused(with({"--step", "5 furlongs"}), {"--step = 5 furlongs"});
    expect_refused(with({"--method", "spline"}), {"--method = spline"});
    auto set = [&](const std::string& option, const std::string& value) {
        std::vector<std::string> a = chi;
        *(std::find(a.begin(), a.end(), option) + 1) = value;
        return a;
    };
    expect_refused(set("--n", "1.3"), {"--n = 1.3"});
    expect_refused(set("--return-period", "-2"), {"--return-period = -2"});
    expect_refused(set("--a", "0"), {"--a = 0"});
    expect_refused(set("--duration", "0"), {"--duration = 0"});
    expect_refused({"storm", "720", "--step", "7min"}, {"--step = 7min (420 s)", "divide one hour"});
    expect_refused({"storm", "720", "--scale", "-1"}, {"--scale = -1"});
    expect_refused({"storm", "720", "--shift", "-1h"}, {"--shift = -1h"});
}

TEST(CliStorm, FitRecoversTheParametersOfATableAndReportsResiduals) {
    for (const double noise : {0.0, 0.05}) {
        TempDir d;
        std::string table = "# annual maxima (synthetic)\nduration_min,return_period_years,depth_mm\n";
        int k = 0, rows = 0;
        for (double p : {2.0, 5.0, 10.0, 20.0, 50.0, 100.0})
            for (double t : {5.0, 10.0, 20.0, 30.0, 60.0, 90.0, 120.0, 180.0}) {
                char b[96];
                std::snprintf(b, sizeof b, "%g,%g,%.17g\n", t, p, idf_depth(p, t) * (1 + noise * std::sin(2.3 * ++k)));
                table += b;
                ++rows;
            }
        write_text(d / "maxima.csv", table);
        const ProcResult r = run_floodsim({"storm", "fit", (d / "maxima.csv").string()});
        ASSERT_EQ(r.status, 0) << describe(r);
        auto value = [&](const std::string& key) {
            const auto pos = r.out.find("\n  " + key);
            EXPECT_NE(pos, std::string::npos) << key << " in " << r.out;
            return pos == std::string::npos ? NAN : std::stod(r.out.substr(pos + 3 + key.size()));
        };
        if (noise == 0) {  // the parameters themselves
            EXPECT_NEAR(value("a1_mm_min"), kA1, 1e-6 * kA1) << r.out;
            EXPECT_NEAR(value("c"), kC, 1e-6 * kC) << r.out;
            EXPECT_NEAR(value("b_min"), kB, 1e-6 * kB) << r.out;
            EXPECT_NEAR(value("n"), kN, 1e-6 * kN) << r.out;
            EXPECT_LT(value("rms_mm_min"), 1e-8);
        } else {  // A1, b and n trade off against each other; the curves they give stay close to the truth's
            const double a1 = value("a1_mm_min"), c = value("c"), b = value("b_min"), n = value("n");
            double ss_truth = 0;
            k = 0;
            for (double p : {2.0, 5.0, 10.0, 20.0, 50.0, 100.0})
                for (double t : {5.0, 10.0, 20.0, 30.0, 60.0, 90.0, 120.0, 180.0}) {
                    const double truth = idf_depth(p, t) / t,
                                 fitted = a1 * (1 + c * std::log10(p)) / std::pow(t + b, n);
                    EXPECT_NEAR(fitted, truth, 0.04 * truth) << "t " << t << " P " << p;
                    const double e = truth * noise * std::sin(2.3 * ++k);
                    ss_truth += e * e;
                }
            const double rms = value("rms_mm_min");
            EXPECT_GT(rms, 1e-3);
            EXPECT_LE(rms, std::sqrt(ss_truth / rows) * (1 + 1e-6));  // least squares: no worse than the truth
        }
        // One residual line per row (line number of the table first).
        const auto head = r.out.find("line,duration_min,");
        ASSERT_NE(head, std::string::npos) << r.out;
        const std::string res = r.out.substr(head);
        EXPECT_EQ(std::count(res.begin(), res.end(), '\n'), rows + 1) << res;
        EXPECT_NE(res.find("\n3,5,2,"), std::string::npos) << res;  // the first row is line 3 of the file
    }
    TempDir d;
    write_text(d / "bad.csv", "duration_min,return_period_years,depth\n5,2,10\n");
    expect_refused({"storm", "fit", (d / "bad.csv").string()}, {"bad.csv", "depth_mm"});
    write_text(d / "neg.csv", "duration_min,return_period_years,depth_mm\n5,2,10\n10,2,-3\n20,5,9\n30,5,9\n");
    expect_refused({"storm", "fit", (d / "neg.csv").string()}, {"neg.csv", "row 3 column depth_mm", "'-3'"});
}

// ------------------------------------------------------------------------------------------------
// Storm cell

constexpr int kNx = 120, kNy = 100;
constexpr double kDx = 50, kX0 = 500000, kY0 = 3850000;  // south-west corner, UTM 49N

void write_dem(const fs::path& p) {
    std::string s = "ncols " + std::to_string(kNx) + "\nnrows " + std::to_string(kNy) +
                    "\nxllcorner 500000\nyllcorner 3850000\ncellsize 50\nNODATA_value -9999\n";
    for (int j = 0; j < kNy; ++j) {
        for (int i = 0; i < kNx; ++i) s += (i ? " 100" : "100");
        s += "\n";
    }
    write_text(p, s);
}

/// m3: the rain the grids of the index put on the grid over [0, end).
double grids_volume(const fs::path& index, double end) {
    GDALAllRegister();
    const std::string text = read_text(index);
    std::istringstream s(text);
    std::string line;
    std::vector<std::pair<double, std::string>> rows;
    while (std::getline(s, line))
        if (!line.empty() && line[0] != '#' && line.rfind("time_s", 0) != 0)
            rows.emplace_back(std::stod(line.substr(0, line.find(','))), line.substr(line.find(',') + 1));
    double v = 0;
    for (std::size_t k = 0; k < rows.size(); ++k) {
        const double t1 = k + 1 < rows.size() ? rows[k + 1].first : end;
        GDALDatasetUniquePtr ds(GDALDataset::Open((index.parent_path() / rows[k].second).c_str(), GDAL_OF_RASTER));
        EXPECT_TRUE(ds) << rows[k].second;
        if (!ds) return NAN;
        EXPECT_EQ(ds->GetRasterXSize(), kNx);
        EXPECT_EQ(ds->GetRasterYSize(), kNy);
        std::vector<float> buf(kNx * kNy);
        EXPECT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, kNx, kNy, buf.data(), kNx, kNy, GDT_Float32, 0, 0),
                  CE_None);
        double sum = 0;
        for (float x : buf) sum += x;
        v += sum / 3.6e6 * kDx * kDx * (t1 - rows[k].first);
    }
    return v;
}

TEST(CliStorm, CellGridsHoldTheCellsVolumeAndCheckAcceptsTheIndex) {
    for (const char* profile : {"gaussian", "cylinder"}) {
        TempDir d;
        write_dem(d / "dem.asc");
        // 60 mm/h at the centre, R = 500 m, 1.5 m/s eastwards for 40 min (3.6 km) across the 6 x 5 km grid.
        const ProcResult r = run_floodsim({"storm",
                                           "cell",
                                           "--dem",
                                           (d / "dem.asc").string(),
                                           "--track",
                                           "501200,3852500,505000,3852500",
                                           "--radius",
                                           "500",
                                           "--speed",
                                           "1.5",
                                           "--peak-intensity",
                                           "60",
                                           "--duration",
                                           "40min",
                                           "--step",
                                           "5min",
                                           "--profile",
                                           profile,
                                           "--out",
                                           (d / "cell").string()});
        ASSERT_EQ(r.status, 0) << describe(r);
        const double area = (std::string(profile) == "gaussian" ? 2 : 1) * std::numbers::pi * 500.0 * 500.0;
        const double analytic = 60 / 3.6e6 * area * 2400;
        const double v = grids_volume(d / "cell/rain_grids.csv", 1e6);
        std::printf("%s: grids %.6g m3, analytic %.6g m3\n", profile, v, analytic);
        EXPECT_NEAR(v, analytic, 0.02 * analytic) << profile;
        write_text(d / "s.toml",
                   "format = 1\nname = \"cell\"\n[domain]\ndem = \"dem.asc\"\nmanning = 0.03\n"
                   "[time]\nduration = \"1h\"\noutput_interval = \"10min\"\n"
                   "[rain]\ngrids = \"cell/rain_grids.csv\"\n[output]\nfile = \"out/r.h5\"\n");
        const ProcResult c = run_floodsim({"check", (d / "s.toml").string()});
        EXPECT_EQ(c.status, 0) << describe(c);
        EXPECT_NE(c.out.find("rain grids      9 from"), std::string::npos) << c.out;
    }
}

TEST(CliStorm, CellFollowsASeriesAndRefusesBadArguments) {
    TempDir d;
    write_dem(d / "dem.asc");
    write_text(d / "peak.csv", "time_s,intensity_mm_h\n0,20\n600,80\n1200,0\n");
    const std::string dem = (d / "dem.asc").string(), out = (d / "cell").string();
    const ProcResult r = run_floodsim({"storm", "cell", "--dem", dem, "--track", "503000,3852500,503000,3852500",
                                       "--radius", "400", "--speed", "0", "--series", (d / "peak.csv").string(),
                                       "--duration", "30min", "--step", "5min", "--out", out});
    ASSERT_EQ(r.status, 0) << describe(r);
    const double analytic = (20 + 80) / 3.6e6 * 2 * std::numbers::pi * 400.0 * 400.0 * 600;
    EXPECT_NEAR(grids_volume(d / "cell/rain_grids.csv", 1e6), analytic, 0.02 * analytic);

    const std::vector<std::string> base{"storm",   "cell", "--dem",      dem,     "--radius", "400",
                                        "--speed", "1",    "--duration", "30min", "--out",    out};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> a = base;
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    expect_refused(with({"--track", "1,2,3", "--peak-intensity", "50"}), {"--track = 1,2,3"});
    expect_refused(with({"--track", "1,2,3,x", "--peak-intensity", "50"}), {"--track = 1,2,3,x"});
    expect_refused(with({"--track", "1,2,3,4"}), {"--peak-intensity", "exactly one"});
    expect_refused(with({"--track", "1,2,3,4", "--peak-intensity", "50", "--profile", "cone"}), {"--profile = cone"});
    expect_refused(with({"--track", "1,2,3,4", "--peak-intensity", "-5"}), {"--peak-intensity = -5"});
    expect_refused(with({"--track", "1,2,3,4", "--peak-intensity", "5", "--series", "x.csv"}), {"exactly one"});
    expect_refused(with({"--track", "1,2,3,4", "--peak-intensity", "50", "--step", "2h"}), {"--step = 2h"});
    std::vector<std::string> no_dem = with({"--track", "1,2,3,4", "--peak-intensity", "50"});
    no_dem[3] = (d / "missing.tif").string();
    expect_refused(no_dem, {"missing.tif", "--dem"});
}

}  // namespace
