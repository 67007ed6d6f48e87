// The online level tracker (risk/online_warnings.hpp): fed the frames of the small result of the
// risk tests cell by cell, it gives the same level changes (asset, levels, time, depth, alert
// area) as the analysis of the finished result, for each criterion; and rises, changes and falls
// to none in the order they happen.
#include "risk/online_warnings.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "io/result_reader.hpp"
#include "risk/asset_analysis.hpp"
#include "risk_test_util.hpp"

namespace t = floodsim::test::risk;
using floodsim::ResultReader;
using floodsim::risk::Criterion;
using floodsim::risk::LevelChange;
using floodsim::risk::LevelScheme;
using floodsim::risk::OnlineLevelTracker;

namespace {

struct Fixture {
    floodsim::test::TempDir dir;
    std::string result = dir.file("r.h5"), assets = dir.file("assets.gpkg");
    Fixture() {
        t::write_result(result, true, "format = 1\n");
        std::vector<t::AssetSpec> specs;
        for (const auto& a : t::sample_assets()) specs.push_back(a.spec);
        t::write_assets(assets, specs);
    }
};

/// The tracker run over the result's frames: every change in time order.
std::vector<LevelChange> online_changes(const Fixture& fx, const LevelScheme& scheme) {
    const ResultReader r(fx.result);
    auto assets = floodsim::risk::read_assets(fx.assets, r.grid(), fx.result);
    const std::vector<float> md = r.raster("max_depth");
    std::vector<bool> valid(md.size());
    for (std::size_t c = 0; c < md.size(); ++c) valid[c] = !std::isnan(md[c]);
    floodsim::risk::keep_valid_cells(assets, valid, fx.assets);
    OnlineLevelTracker tracker(std::move(assets), scheme, r.grid(), fx.result);
    const auto& cells = tracker.cells();
    std::vector<LevelChange> all;
    for (std::size_t k = 0; k < r.times().size(); ++k) {
        const auto d = r.frame("depth", k), u = r.frame("velocity_x", k), v = r.frame("velocity_y", k);
        std::vector<double> dc, uc, vc;
        for (std::size_t c : cells) {  // only the assets' cells
            dc.push_back(d[c]);
            uc.push_back(u[c]);
            vc.push_back(v[c]);
        }
        for (auto& e : tracker.evaluate(r.times()[k], dc.data(), uc.data(), vc.data())) all.push_back(std::move(e));
    }
    return all;
}

}  // namespace

TEST(OnlineLevels, SameChangesAsTheAnalysisOfTheFinishedResult) {
    const Fixture fx;
    for (Criterion c : {Criterion::depth, Criterion::defra, Criterion::arr}) {
        LevelScheme scheme;
        scheme.criterion = c;
        const ResultReader r(fx.result);
        const auto report = floodsim::risk::analyse_result(r, floodsim::risk::read_assets(fx.assets, r.grid(), fx.result),
                                                           fx.assets, scheme, {});
        const auto online = online_changes(fx, scheme);
        ASSERT_EQ(online.size(), report.changes.size()) << floodsim::risk::criterion_name(c);
        ASSERT_FALSE(online.empty());
        for (std::size_t k = 0; k < online.size(); ++k) {
            const LevelChange &a = online[k], &b = report.changes[k];
            EXPECT_EQ(a.asset_id, b.asset_id);
            EXPECT_EQ(a.level, b.level);
            EXPECT_EQ(a.previous_level, b.previous_level);
            EXPECT_EQ(a.time_s, b.time_s);
            EXPECT_EQ(a.max_depth, b.max_depth);
            EXPECT_EQ(a.area.polygons, b.area.polygons);
            EXPECT_EQ(a.area.circle.has_value(), b.area.circle.has_value());
        }
    }
}

TEST(OnlineLevels, RiseChangeAndFallToNoneInOrder) {
    const Fixture fx;
    const ResultReader r(fx.result);
    auto assets = floodsim::risk::read_assets(fx.assets, r.grid(), fx.result);
    assets.resize(1);  // P1, a point: one cell
    OnlineLevelTracker tracker(std::move(assets), LevelScheme{}, r.grid(), fx.result);
    ASSERT_EQ(tracker.cells().size(), 1u);
    const double nan = std::nan("");
    struct Step {
        double t, depth;
        int level, previous;  // -1: no event
    };
    const std::vector<Step> steps = {{0, 0.0, -1, 0},  {10, 0.15, 4, 0}, {20, 0.2, -1, 0}, {30, 0.61, 1, 4},
                                     {40, 0.3, 3, 1}, {50, 0.1, 0, 3},  {60, 0.0, -1, 0}};
    for (const Step& s : steps) {
        const auto ev = tracker.evaluate(s.t, &s.depth, &nan, &nan);
        if (s.level < 0) {
            EXPECT_TRUE(ev.empty()) << s.t;
            continue;
        }
        ASSERT_EQ(ev.size(), 1u) << s.t;
        EXPECT_EQ(ev[0].asset_id, "P1");
        EXPECT_EQ(ev[0].level, s.level);
        EXPECT_EQ(ev[0].previous_level, s.previous);
        EXPECT_EQ(ev[0].time_s, s.t);
        EXPECT_EQ(ev[0].max_depth, s.depth);
        ASSERT_TRUE(ev[0].area.circle.has_value());  // a point asset: a circle
        EXPECT_EQ(tracker.level(0), s.level);
    }
}
