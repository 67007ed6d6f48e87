// The files of floodsim risk from a report: CSV quoting and empty fields, GeoJSON members, and a
// failure while writing that leaves no product behind.
#include "risk/risk_products.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "io/result_reader.hpp"
#include "risk_test_util.hpp"

namespace t = floodsim::test::risk;
namespace fs = std::filesystem;
using floodsim::risk::RiskReport;

namespace {

RiskReport sample_report(const floodsim::test::TempDir& dir) {
    const std::string result = dir.file("r.h5"), assets = dir.file("a.gpkg");
    t::write_result(result);
    std::vector<t::AssetSpec> specs;
    for (const auto& a : t::sample_assets()) specs.push_back(a.spec);
    t::write_assets(assets, specs);
    const floodsim::ResultReader r(result);
    return floodsim::risk::analyse_result(r, floodsim::risk::read_assets(assets, r.grid(), result), assets,
                                          floodsim::risk::LevelScheme{}, floodsim::risk::RiskOptions{});
}

}  // namespace

TEST(RiskProducts, CsvQuotesNamesAndLeavesNeverEmpty) {
    floodsim::test::TempDir dir;
    RiskReport rep = sample_report(dir);
    rep.rows[0].name = "a, \"b\"";
    rep.rows[0].max_speed = NAN;
    const std::string csv = floodsim::risk::assets_csv(rep);
    EXPECT_EQ(csv.substr(0, csv.find('\n')),
              "id,name,level,max_depth,max_speed,t_level4,t_level3,t_level2,t_level1,lead_time_s");
    EXPECT_NE(csv.find("\nP1,\"a, \"\"b\"\"\",4,"), std::string::npos) << csv;
    // E1 never reaches a level: every time field empty.
    const auto e1 = csv.find("\nE1,");
    ASSERT_NE(e1, std::string::npos);
    const std::size_t e2 = csv.find('\n', e1 + 1);
    ASSERT_NE(e2, std::string::npos);
    const std::string line(csv.begin() + static_cast<std::ptrdiff_t>(e1 + 1), csv.begin() + static_cast<std::ptrdiff_t>(e2));
    EXPECT_EQ(line.substr(line.size() - 5), ",,,,,") << line;
}

TEST(RiskProducts, GeoJsonHasEveryPropertyInWgs84) {
    floodsim::test::TempDir dir;
    const RiskReport rep = sample_report(dir);
    const auto gj = nlohmann::json::parse(floodsim::risk::warnings_geojson(rep));
    ASSERT_EQ(gj["features"].size(), rep.rows.size());
    for (std::size_t a = 0; a < rep.rows.size(); ++a) {
        const auto& p = gj["features"][a]["properties"];
        for (const char* key : {"id", "name", "level", "colour", "max_depth", "max_speed", "t_level4", "t_level3",
                                "t_level2", "t_level1", "lead_time_s"})
            EXPECT_TRUE(p.contains(key)) << key;
        EXPECT_EQ(p["level"].get<int>(), rep.rows[a].level);
        EXPECT_EQ(p["t_level4"].is_null(), !rep.rows[a].t_level[3]);
    }
    EXPECT_EQ(gj["features"][2]["geometry"]["type"], "LineString");
    EXPECT_EQ(gj["features"][2]["properties"]["name"], "Road, with \"quotes\"");
}

TEST(RiskProducts, AFailureWhileWritingLeavesNoProduct) {
    floodsim::test::TempDir dir;
    const RiskReport rep = sample_report(dir);
    const fs::path out = dir.path() / "out";
    // A folder where one GeoTIFF's temporary file must go: that write fails half-way through.
    fs::create_directories(out / ".time_above_level2.tif.partial" / "blocker");
    EXPECT_THROW(floodsim::risk::write_risk_products(rep, out.string()), std::runtime_error);
    for (const auto& e : fs::directory_iterator(out))
        EXPECT_EQ(e.path().filename(), ".time_above_level2.tif.partial") << "left behind: " << e.path();
    fs::remove_all(out / ".time_above_level2.tif.partial");
    const auto written = floodsim::risk::write_risk_products(rep, out.string());
    EXPECT_EQ(written.size(), 9u);  // assets.csv, warnings.geojson, 6 GeoTIFFs, map.png
    for (const auto& p : written) EXPECT_TRUE(fs::exists(p)) << p;
}
