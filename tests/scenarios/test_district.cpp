// The synthetic Shangjie district (scenarios/district.hpp) and the template texts
// (scenarios/scenario_templates.hpp) as plain values: reproducible from the seed, the terrain
// doing what the templates rely on (underpasses are low spots, the village valley falls to the
// village, the rivers' banks stand above the town behind their levees), and every template naming
// the district's features.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "scenarios/district.hpp"
#include "scenarios/scenario_templates.hpp"

namespace {

using namespace floodsim;
using namespace floodsim::district;

const District& coarse() {
    static const District d = make_district({50.0, 1});
    return d;
}

double z_at(const District& d, const Point& p) { return d.ground_at(p); }

TEST(District, SameSeedSameDistrictOtherSeedOtherTerrain) {
    const District a = make_district({100.0, 3}), b = make_district({100.0, 3}), c = make_district({100.0, 4});
    EXPECT_EQ(a.z, b.z);
    EXPECT_EQ(a.buildings.size(), b.buildings.size());
    EXPECT_EQ(a.buildings.front().ring, b.buildings.front().ring);
    EXPECT_NE(a.z, c.z);
    EXPECT_EQ(a.nx, 80);
    EXPECT_DOUBLE_EQ(a.dx, 100.0);
}

TEST(District, GridCoversTheEightKilometres) {
    const District d = make_district({30.0, 1});
    EXPECT_EQ(d.nx, 267);
    EXPECT_NEAR(d.nx * d.dx, kSize, 1e-9);
    EXPECT_THROW(make_district({0.0, 1}), std::invalid_argument);
    EXPECT_THROW(make_district({2000.0, 1}), std::invalid_argument);
}

TEST(District, UnderpassesAreLowSpots) {
    const District& d = coarse();
    for (const Asset& u : d.underpasses) {
        const double here = z_at(d, u.at);
        for (double dx : {-200.0, 200.0}) EXPECT_GT(z_at(d, {u.at[0] + dx, u.at[1]}) - here, 3.0) << u.id;
        for (double dy : {-300.0, 300.0}) EXPECT_GT(z_at(d, {u.at[0], u.at[1] + dy}) - here, 3.0) << u.id;
    }
}

TEST(District, VillageValleyFallsToTheVillage) {
    const District& d = coarse();
    const Line& v = d.valleys.front();
    double prev = 1e9;
    for (std::size_t k = 0; k < v.size(); ++k) {
        const double z = z_at(d, v[k]);
        EXPECT_LT(z, prev) << "vertex " << k;
        prev = z;
    }
    EXPECT_GT(z_at(d, d.wuyun_peak) - z_at(d, d.village_centre), 250.0);
    EXPECT_TRUE(inside(d.village, d.village_centre));
}

TEST(District, RiverBanksStandAboveTheTownBehindTheLevee) {
    const District& d = coarse();
    const Point bank = point_at_northing(d.rivers[1].line, kSouth + 5000.0);
    EXPECT_GT(z_at(d, bank), z_at(d, d.breach_town_side) + 0.5);
    EXPECT_LT(distance_to_line(d.levees[1].line, d.breach), 1e-6);
}

TEST(District, AssetsAndClasses) {
    const District& d = coarse();
    std::set<std::string> ids;
    int shelters = 0;
    for (const Asset& a : d.assets) {
        ids.insert(a.id);
        if (a.kind == "shelter") {
            ++shelters;
            EXPECT_TRUE(inside(d.town, a.at)) << a.name;
        }
    }
    EXPECT_EQ(shelters, 6);
    EXPECT_EQ(d.assets.size(), 143u);
    EXPECT_EQ(ids.size(), 143u);
    std::set<int> codes;
    for (const LanduseClass& c : d.classes) codes.insert(c.code);
    for (std::uint8_t c : d.landuse) ASSERT_TRUE(codes.count(c)) << int(c);
}

TEST(ScenarioTemplates, EachNamesTheDistrictAndItsForcing) {
    const District& d = coarse();
    for (const char* name : {"urban", "river", "flash", "720"}) {
        const auto kind = parse_template_kind(name);
        ASSERT_TRUE(kind) << name;
        EXPECT_EQ(template_name(*kind), name);
        const TemplateInputs in = template_inputs(d, *kind);
        const auto toml =
            std::find_if(in.texts.begin(), in.texts.end(), [](const TextFile& t) { return t.name == "scenario.toml"; });
        ASSERT_NE(toml, in.texts.end());
        for (const char* key : {"SYNTHETIC", "dem.tif", "landuse.tif", "district.gpkg", "[[channel]]", "[[wall]]",
                                "[[gauge]]", "out/result.h5"})
            EXPECT_NE(toml->text.find(key), std::string::npos) << name << ": " << key;
    }
    EXPECT_FALSE(parse_template_kind("tsunami"));
    const TemplateInputs flash = template_inputs(d, TemplateKind::Flash);
    ASSERT_TRUE(flash.cell_rain);
    EXPECT_NEAR(hyetograph_depth_mm(flash.cell_rain->peak, 0, flash.cell_rain->duration_s), 148.33, 0.01);
    EXPECT_FALSE(template_inputs(d, TemplateKind::Urban).cell_rain);
}

}  // namespace
