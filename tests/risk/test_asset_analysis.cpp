// The per-asset analysis against values computed here from the known depths of a small result
// (risk_test_util.hpp), independently of risk/.
#include "risk/asset_analysis.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "io/result_reader.hpp"
#include "mesh/input_error.hpp"
#include "scenarios/clock_time.hpp"
#include "risk/levels.hpp"
#include "risk/outline.hpp"
#include "risk_test_util.hpp"

namespace t = floodsim::test::risk;
using floodsim::InputError;
using floodsim::ResultReader;
using floodsim::risk::analyse_result;
using floodsim::risk::Criterion;
using floodsim::risk::LevelScheme;
using floodsim::risk::read_assets;
using floodsim::risk::RiskOptions;
using floodsim::risk::RiskReport;

namespace {

struct Fixture {
    floodsim::test::TempDir dir;
    std::string result = dir.file("r.h5"), assets = dir.file("assets.gpkg");
    std::vector<t::SampleAsset> sample = t::sample_assets();

    explicit Fixture(bool velocity = true, const std::string& scenario = "format = 1\n") {
        t::write_result(result, velocity, scenario);
        std::vector<t::AssetSpec> specs;
        for (const auto& a : sample) specs.push_back(a.spec);
        t::write_assets(assets, specs);
    }
    RiskReport run(const LevelScheme& scheme = LevelScheme{}, const RiskOptions& opts = RiskOptions{}) const {
        const ResultReader r(result);
        return analyse_result(r, read_assets(assets, r.grid(), result), assets, scheme, opts);
    }
};

/// Expected level of a cell in frame f under `level_of(d, v)`, and of an asset: the most severe.
template <class L>
int asset_frame_level(const t::SampleAsset& a, int f, L&& level_of) {
    int rank = 0;
    for (const auto& [i, j] : a.cells) {
        if (t::outside(i, j)) continue;
        rank = std::max(rank, t::rank_of(level_of(t::depth(f, i, j), std::hypot(t::vx(f, i, j), t::vy(f, i, j)))));
    }
    return rank == 0 ? 0 : 5 - rank;
}

/// Checks every row's frame levels, first times and changes against `level_of`; `run_rank(a)` gives
/// the expected rank of the run's level beyond the frames (0: none).
template <class L, class R>
void expect_rows(const RiskReport& rep, const std::vector<t::SampleAsset>& sample, L&& level_of, R&& run_rank,
                 double lead_offset) {
    ASSERT_EQ(rep.rows.size(), sample.size());
    std::map<std::string, std::vector<std::array<double, 3>>> changes;  // id -> (time, level, previous)
    for (const auto& e : rep.changes)
        changes[e.asset_id].push_back({e.time_s, double(e.level), double(e.previous_level)});
    for (std::size_t a = 0; a < sample.size(); ++a) {
        const auto& row = rep.rows[a];
        const auto& s = sample[a];
        SCOPED_TRACE(s.spec.id);
        EXPECT_EQ(row.id, s.spec.id);
        EXPECT_EQ(row.name, s.spec.name);
        int frame_rank = 0, previous = 0;
        std::array<std::optional<double>, 4> first{};
        std::vector<std::array<double, 3>> expected_changes;
        ASSERT_EQ(row.frame_levels.size(), static_cast<std::size_t>(t::frames));
        for (int f = 0; f < t::frames; ++f) {
            const int level = asset_frame_level(s, f, level_of);
            EXPECT_EQ(row.frame_levels[static_cast<std::size_t>(f)], level) << "frame " << f;
            frame_rank = std::max(frame_rank, t::rank_of(level));
            for (int k = 1; k <= 4; ++k)
                if (t::rank_of(level) >= t::rank_of(k) && level != 0 && !first[static_cast<std::size_t>(k - 1)])
                    first[static_cast<std::size_t>(k - 1)] = t::frame_time(f);
            if (level != previous) expected_changes.push_back({t::frame_time(f), double(level), double(previous)});
            previous = level;
        }
        const int rank = std::max(frame_rank, run_rank(s));
        EXPECT_EQ(row.level, rank == 0 ? 0 : 5 - rank);
        EXPECT_EQ(row.peak_between_frames, rank > frame_rank);
        for (int k = 0; k < 4; ++k)
            EXPECT_EQ(row.t_level[static_cast<std::size_t>(k)], first[static_cast<std::size_t>(k)])
                << "level " << k + 1;
        if (first[3])
            EXPECT_DOUBLE_EQ(*row.lead_time_s, *first[3] + lead_offset);
        else
            EXPECT_FALSE(row.lead_time_s);
        EXPECT_EQ(changes[s.spec.id], expected_changes);
        // Maxima from /max_depth and /max_speed over the asset's cells in the domain.
        float md = 0.0f, ms = 0.0f;
        for (const auto& [i, j] : s.cells)
            if (!t::outside(i, j)) md = std::max(md, t::max_depth(i, j)), ms = std::max(ms, t::max_speed(i, j));
        EXPECT_EQ(row.max_depth, static_cast<double>(md));
        EXPECT_EQ(row.max_speed, static_cast<double>(ms));
    }
    // Events in time order.
    for (std::size_t k = 1; k < rep.changes.size(); ++k) EXPECT_LE(rep.changes[k - 1].time_s, rep.changes[k].time_s);
}

}  // namespace

TEST(AssetAnalysis, AssetsTakeTheirCells) {
    Fixture fx;
    const ResultReader r(fx.result);
    const auto assets = read_assets(fx.assets, r.grid(), fx.result);
    ASSERT_EQ(assets.size(), fx.sample.size());
    for (std::size_t a = 0; a < assets.size(); ++a) {
        std::vector<std::size_t> expected;
        for (const auto& [i, j] : fx.sample[a].cells) expected.push_back(static_cast<std::size_t>(j) * t::nx + i);
        if (fx.sample[a].spec.id == "E1") expected.insert(expected.begin(), 0);  // (0, 0) until the domain is known
        std::sort(expected.begin(), expected.end());
        EXPECT_EQ(assets[a].cells, expected) << fx.sample[a].spec.id;
    }
    EXPECT_TRUE(assets[0].is_point());
    EXPECT_FALSE(assets[2].is_point());
    // WGS84 copies: lon about 111 E (UTM 49N's central meridian), lat about 34.8 N.
    EXPECT_NEAR(assets[0].wgs84.points[0][0], 111.0, 0.01);
    EXPECT_NEAR(assets[0].wgs84.points[0][1], 34.8, 0.1);
}

TEST(AssetAnalysis, DepthLevelsAndFirstTimesMatchTheFrames) {
    Fixture fx;
    const RiskReport rep = fx.run();
    const auto depth_level = [](double d, double) { return t::depth_level(d); };
    // Beyond the frames: the run's maximum depth (/max_depth) over the asset's cells.
    const auto run_rank = [](const t::SampleAsset& a) {
        float md = 0.0f;
        for (const auto& [i, j] : a.cells)
            if (!t::outside(i, j)) md = std::max(md, t::max_depth(i, j));
        return t::rank_of(t::depth_level(md));
    };
    expect_rows(rep, fx.sample, depth_level, run_rank, 0.0);
    // The sample covers rises, falls, a peak between frames and assets that never reach a level.
    std::map<std::string, const floodsim::risk::AssetRow*> by_id;
    for (const auto& row : rep.rows) by_id[row.id] = &row;
    EXPECT_EQ(by_id["P2"]->level, 2);  // 0.45 m between frames; frames reach 0.24 m
    EXPECT_TRUE(by_id["P2"]->peak_between_frames);
    EXPECT_FALSE(by_id["P2"]->t_level[1]);
    EXPECT_DOUBLE_EQ(*by_id["P2"]->t_level[3], 1200.0);
    EXPECT_EQ(by_id["A1"]->level, 2);  // cell i = 8 at stage 3: 0.04 * 3 * 9 / 2 = 0.54 m
    EXPECT_EQ(by_id["P1"]->level, 4);  // 0.18 m
    EXPECT_EQ(by_id["E1"]->level, 0);  // 0.12 m: never a level
    EXPECT_FALSE(by_id["E1"]->lead_time_s);
    bool fell = false;
    for (const auto& e : rep.changes) fell = fell || floodsim::risk::more_severe(e.previous_level, e.level);
    EXPECT_TRUE(fell);
    // Alert areas: a circle for points, closed polygons else.
    for (const auto& e : rep.changes) {
        if (e.asset_id == "P1" || e.asset_id == "P2") {
            ASSERT_TRUE(e.area.circle);
            EXPECT_DOUBLE_EQ(e.area.circle->radius_km, 0.2);
            EXPECT_TRUE(e.area.polygons.empty());
        } else {
            EXPECT_FALSE(e.area.circle);
            ASSERT_FALSE(e.area.polygons.empty()) << e.asset_id;
            for (const auto& ring : e.area.polygons) EXPECT_EQ(ring.front(), ring.back());
        }
    }
}

TEST(AssetAnalysis, HazardRasters) {
    Fixture fx;
    const RiskReport rep = fx.run();
    const auto& ras = rep.rasters;
    for (int j = 0; j < t::ny; ++j)
        for (int i = 0; i < t::nx; ++i) {
            const std::size_t c = static_cast<std::size_t>(j) * t::nx + i;
            if (t::outside(i, j)) {
                EXPECT_EQ(ras.max_level[c], 0);
                EXPECT_TRUE(std::isnan(ras.max_depth[c]));
                for (const auto& ta : ras.time_above) EXPECT_TRUE(std::isnan(ta[c]));
                continue;
            }
            EXPECT_EQ(ras.max_level[c], t::depth_level(t::max_depth(i, j))) << i << "," << j;
            EXPECT_EQ(ras.max_depth[c], static_cast<double>(t::max_depth(i, j)));
            // Time at level K or more severe: trapezoidal rule on the frames' indicator.
            for (int k = 1; k <= 4; ++k) {
                double expected = 0.0;
                for (int f = 0; f + 1 < t::frames; ++f) {
                    const double dt = t::frame_time(f + 1) - t::frame_time(f);
                    const auto on = [&](int g) {
                        const int l = t::depth_level(t::depth(g, i, j));
                        return l != 0 && t::rank_of(l) >= t::rank_of(k) ? 1.0 : 0.0;
                    };
                    expected += 0.5 * dt * (on(f) + on(f + 1));
                }
                EXPECT_DOUBLE_EQ(ras.time_above[static_cast<std::size_t>(k - 1)][c], expected)
                    << i << "," << j << " K " << k;
            }
        }
}

TEST(AssetAnalysis, DefraAndArrUseTheVelocities) {
    Fixture fx;
    LevelScheme defra;
    defra.criterion = Criterion::defra;
    const auto hr_level = [](double d, double v) {
        const double hr = d * (v + 0.5) + (d > 0.25 ? 0.5 : 0.0);
        return hr >= 2.0 ? 1 : hr >= 1.25 ? 2 : hr >= 0.75 ? 3 : 0;
    };
    const RiskReport rd = fx.run(defra);
    expect_rows(
        rd, fx.sample, hr_level, [](const t::SampleAsset&) { return 0; }, 0.0);
    int levels = 0;
    for (const auto& row : rd.rows) levels += row.level != 0;
    EXPECT_GE(levels, 2);
    LevelScheme arr;
    arr.criterion = Criterion::arr;
    const auto arr_level = [](double d, double v) {
        if (d < 0.01) return 0;
        const int h = floodsim::risk::arr_class(d, v);
        static const int map[7] = {0, 0, 4, 3, 2, 1, 1};
        return map[h];
    };
    expect_rows(
        fx.run(arr), fx.sample, arr_level, [](const t::SampleAsset&) { return 0; }, 0.0);
}

TEST(AssetAnalysis, VelocityCriteriaNeedVelocities) {
    Fixture fx(false);
    LevelScheme s;
    s.criterion = Criterion::arr;
    try {
        fx.run(s);
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_EQ(e.file(), fx.result);
        EXPECT_EQ(e.key(), "velocity_x");
    }
    EXPECT_NO_THROW(fx.run());  // depth needs none
}

TEST(AssetAnalysis, LeadTimeAgainstTheIssueTimeFromTheScenarioStart) {
    Fixture fx(true, "format = 1\n[time]\nduration = \"40min\"\nstart = 2021-07-20T16:00:00+08:00\n");
    RiskOptions opts;
    opts.issue_time = static_cast<double>(floodsim::parse_clock_time("2021-07-20T16:10:00+08:00")->utc_s);
    const RiskReport rep = fx.run(LevelScheme{}, opts);
    ASSERT_TRUE(rep.t0_clock);
    EXPECT_DOUBLE_EQ(*rep.t0_clock, static_cast<double>(floodsim::parse_clock_time("2021-07-20T08:00:00Z")->utc_s));
    const auto depth_level = [](double d, double) { return t::depth_level(d); };
    const auto run_rank = [](const t::SampleAsset& a) {
        float md = 0.0f;
        for (const auto& [i, j] : a.cells)
            if (!t::outside(i, j)) md = std::max(md, t::max_depth(i, j));
        return t::rank_of(t::depth_level(md));
    };
    expect_rows(rep, fx.sample, depth_level, run_rank, -600.0);
    // Without a start in the scenario, t = 0 is the issue time: the lead time is the first time.
    Fixture plain;
    const RiskReport p = plain.run(LevelScheme{}, opts);
    for (const auto& row : p.rows)
        if (row.t_level[3]) {
            EXPECT_DOUBLE_EQ(*row.lead_time_s, *row.t_level[3]);
        }
    // A start without an offset is an error naming the result and the key.
    Fixture bad(true, "[time]\nstart = \"2021-07-20T16:00:00\"\n");
    try {
        bad.run();
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_EQ(e.key(), "time.start");
        EXPECT_EQ(e.file(), bad.result);
    }
}

TEST(AssetAnalysis, AssetsInWgs84AreReprojected) {
    Fixture fx;
    // The centre of cell (4, 4) in lon/lat, by OGR.
    const floodsim::risk::ToWgs84 to(t::utm49n_wkt, "");
    const auto ll = to.lonlat(t::cx(4), t::cy(4));
    const std::string path = fx.dir.file("assets.geojson");
    t::write_assets(path, std::vector<t::AssetSpec>{{"G1", "lon/lat point", t::point_wkt(ll[0], ll[1])}}, "GeoJSON",
                    4326);
    const ResultReader r(fx.result);
    const auto assets = read_assets(path, r.grid(), fx.result);
    ASSERT_EQ(assets.size(), 1u);
    EXPECT_EQ(assets[0].cells, std::vector<std::size_t>{4u * t::nx + 4u});
    EXPECT_NEAR(assets[0].wgs84.points[0][0], ll[0], 1e-9);
}

TEST(AssetAnalysis, BadAssetsNameTheFileAndTheAsset) {
    Fixture fx;
    const ResultReader r(fx.result);
    const auto expect_error = [&](const std::vector<t::AssetSpec>& specs, const std::string& key,
                                  const std::string& value, bool with_id = true, bool analyse = false) {
        const std::string path = fx.dir.file("bad" + std::to_string(std::rand()) + ".gpkg");
        t::write_assets(path, specs, "GPKG", 0, with_id, true);
        try {
            auto assets = read_assets(path, r.grid(), fx.result);
            if (analyse) analyse_result(r, std::move(assets), path, LevelScheme{}, RiskOptions{});
            ADD_FAILURE() << "no error for " << value;
        } catch (const InputError& e) {
            EXPECT_EQ(e.file(), path);
            EXPECT_EQ(e.key(), key);
            EXPECT_EQ(e.value(), value) << e.what();
        }
    };
    const std::string in = t::point_wkt(t::cx(3), t::cy(3));
    expect_error({{"X", "no id", in}}, "attributes", "id", false);
    expect_error({{"X", "outside", t::point_wkt(t::x_west - 5.0, t::cy(3))}}, "id", "X");
    expect_error({{"X", "a", in}, {"X", "b", in}}, "id", "X");
    expect_error({{"", "empty", in}}, "id", "");
    expect_error({{"N", "on no data", t::point_wkt(t::cx(0), t::cy(0))}}, "id", "N", true, true);
}
