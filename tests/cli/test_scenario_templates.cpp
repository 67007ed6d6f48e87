// `floodsim scenario new` through the real executable (INTERFACE.md section 5; docs/scenarios.md):
// each template on the SYNTHETIC Shangjie district is created in a clean folder at a coarse
// resolution, checked and run for its full duration (one thread: the runs take seconds), its mass
// balance closes, and what it is made to show happens: the underpasses flood and the pumps run
// (urban), the breach floods the town side only once it opens (river), the cloudburst's runoff
// reaches the village at the valley mouth (flash), the town floods under the 7·20 storm (720).
// Also: the district is the same for the same seed, its assets layer holds the six shelters and
// 137 key points, and bad requests exit 2 with one line.
#include "cli_util.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace {

using namespace floodsim_test;

constexpr double kWest = 705000.0, kNorth = 3857000.0;  // the district's north-west corner

struct Created {
    std::unique_ptr<TempDir> dir;
    fs::path folder, result;
};

/// Creates the template at `res` metres in a clean folder, checks it and runs it to the end.
Created create_and_run(const std::string& name, double res) {
    Created c{std::make_unique<TempDir>(), {}, {}};
    c.folder = *c.dir / name;
    char r[32];
    std::snprintf(r, sizeof r, "%g", res);
    const ProcResult n = run_floodsim({"scenario", "new", "--template", name, "--resolution", r, c.folder.string()});
    EXPECT_EQ(n.status, 0) << describe(n);
    EXPECT_NE(n.out.find("SYNTHETIC"), std::string::npos) << n.out;
    const fs::path toml = c.folder / "scenario.toml";
    const ProcResult k = run_floodsim({"check", toml.string()});
    EXPECT_EQ(k.status, 0) << describe(k);
    const ProcResult run = run_floodsim({"run", toml.string(), "--quiet", "--threads", "1"});
    EXPECT_EQ(run.status, 0) << describe(run);
    c.result = c.folder / "out" / "result.h5";
    return c;
}

/// The balance error at the end is round-off of the water handled (rain + inflow): of double
/// (1e-9), or of float where the template steps in single precision (urban, 720: float round-off
/// of the ledger's exchanges, ~1e-7 of the volume; docs/solver.md).
void expect_balance_closed(hid_t f) {
    const double rain = read_dataset<double>(f, "/mass_balance/rain").v.back();
    const double inflow = read_dataset<double>(f, "/mass_balance/inflow").v.back();
    const double error = read_dataset<double>(f, "/mass_balance/error").v.back();
    const bool single = read_string_attr(f, "precision") == "single";
    EXPECT_GT(rain + inflow, 0.0);
    EXPECT_LE(std::abs(error), (single ? 1e-6 : 1e-9) * (rain + inflow)) << "error " << error << " m3 of " << rain + inflow;
}

double gauge_max(hid_t f, const std::string& name) {
    const auto d = read_dataset<double>(f, "/gauges/" + name + "/depth").v;
    return *std::max_element(d.begin(), d.end());
}

/// s: the first gauge sample with depth above `level`; NaN if never.
double gauge_first_above(hid_t f, const std::string& name, double level) {
    const auto t = read_dataset<double>(f, "/gauges/" + name + "/time").v;
    const auto d = read_dataset<double>(f, "/gauges/" + name + "/depth").v;
    for (std::size_t k = 0; k < d.size(); ++k)
        if (d[k] > level) return t[k];
    return std::nan("");
}

/// Cells of a map box [x0, x1] x [y0, y1] deeper than `level` in frame k of /depth.
int wet_cells_in_box(const Array<float>& depth, std::size_t k, double res, double x0, double x1, double y0, double y1,
                     double level) {
    const std::size_t ny = depth.dims[1], nx = depth.dims[2];
    int n = 0;
    for (std::size_t j = 0; j < ny; ++j)
        for (std::size_t i = 0; i < nx; ++i) {
            const double x = kWest + (i + 0.5) * res, y = kNorth - (j + 0.5) * res;
            if (x < x0 || x > x1 || y < y0 || y > y1) continue;
            if (depth.v[(k * ny + j) * nx + i] > level) ++n;
        }
    return n;
}

// Urban waterlogging: the railway underpasses collect the storm's runoff and their pumps run.
TEST(ScenarioTemplates, UrbanUnderpassesFloodAndPumpsRun) {
    const Created c = create_and_run("urban", 100.0);
    Hid f = open_h5(c.result);
    expect_balance_closed(f);
    int flooded = 0;
    for (int k = 1; k <= 5; ++k) {
        const std::string name = "underpass-" + std::to_string(k);
        if (gauge_max(f, name) > 0.3) ++flooded;
        const auto volume = read_dataset<double>(f, "/pumps/" + name + "/volume").v;
        EXPECT_GT(volume.back(), 1000.0) << name;  // m3: the pump ran
    }
    EXPECT_GE(flooded, 4);
    const double rain = read_dataset<double>(f, "/mass_balance/rain").v.back();
    const double drained = read_dataset<double>(f, "/mass_balance/drainage").v.back();
    EXPECT_GT(drained, 0.0);
    EXPECT_LT(drained, rain);
}

// River flood: nothing on the town side of the Ku levee before the breach opens (1.5 h), water
// there after; the breach water reaches the storage area.
TEST(ScenarioTemplates, RiverBreachFloodsTheTownSideOnlyAfterItOpens) {
    const double res = 50.0;
    const Created c = create_and_run("river", res);
    Hid f = open_h5(c.result);
    expect_balance_closed(f);
    const auto t = read_dataset<double>(f, "/time").v;
    const auto depth = read_dataset<float>(f, "/depth");
    // The eastern town, west of the Ku levee (local x 4500..6500 m, y 4300..7700 m).
    const double x0 = kWest + 4500, x1 = kWest + 6500, y0 = kNorth - 8000 + 4300, y1 = kNorth - 8000 + 7700;
    int before = 0, after = 0;
    for (std::size_t k = 0; k < t.size(); ++k) {
        const int n = wet_cells_in_box(depth, k, res, x0, x1, y0, y1, 0.02);
        int& worst = t[k] <= 5400.0 ? before : after;
        worst = std::max(worst, n);
    }
    EXPECT_EQ(before, 0);
    EXPECT_GT(after, 50);
    EXPECT_GT(gauge_max(f, "ku-breach"), 0.5);
    EXPECT_GT(gauge_first_above(f, "ku-breach", 0.05), 5400.0);
    EXPECT_GT(gauge_max(f, "storage"), 0.05);
}

// Flash flood: the cloudburst's runoff comes down the valley and reaches the village at its mouth
// after it passed the valley gauge upstream.
TEST(ScenarioTemplates, FlashFloodReachesTheVillage) {
    const Created c = create_and_run("flash", 100.0);
    Hid f = open_h5(c.result);
    expect_balance_closed(f);
    EXPECT_GT(read_dataset<double>(f, "/mass_balance/infiltration").v.back(), 0.0);
    EXPECT_GT(gauge_max(f, "village"), 0.05);
    const double valley = gauge_first_above(f, "valley", 0.02), village = gauge_first_above(f, "village", 0.02);
    ASSERT_FALSE(std::isnan(village));
    EXPECT_LT(valley, village);
}

// The 7·20 combination: the anchored day's 552.5 mm on the district, the town under water.
TEST(ScenarioTemplates, Storm720FloodsTheTown) {
    const double res = 100.0;
    const Created c = create_and_run("720", res);
    Hid f = open_h5(c.result);
    expect_balance_closed(f);
    const double rain = read_dataset<double>(f, "/mass_balance/rain").v.back();
    EXPECT_NEAR(rain, 0.5525 * 8000.0 * 8000.0, 1e-6 * rain);
    EXPECT_GT(gauge_max(f, "town-centre"), 0.3);
    for (int k = 1; k <= 5; ++k) EXPECT_GT(gauge_max(f, "underpass-" + std::to_string(k)), 2.0);
    const auto maxd = read_dataset<float>(f, "/max_depth");
    Array<float> one{{1, maxd.dims[0], maxd.dims[1]}, maxd.v, maxd.type_class, maxd.type_size};
    const double x0 = kWest + 1900, x1 = kWest + 6300, y0 = kNorth - 8000 + 4300, y1 = kNorth - 8000 + 7700;
    const int town = wet_cells_in_box(one, 0, res, x0, x1, y0, y1, -1.0);
    const int flooded = wet_cells_in_box(one, 0, res, x0, x1, y0, y1, 0.15);
    EXPECT_GT(flooded, town / 3) << flooded << " of " << town << " town cells deeper than 0.15 m";
}

// The same seed gives the same district; another seed another one; the assets layer holds the six
// shelters under their names and 137 key points, each with id, kind and name.
TEST(ScenarioTemplates, DistrictIsReproducibleAndHasItsAssets) {
    TempDir d;
    auto make = [&](const std::string& sub, const std::string& seed) {
        const ProcResult r = run_floodsim(
            {"scenario", "new", "--template", "river", "--resolution", "200", "--seed", seed, (d / sub).string()});
        EXPECT_EQ(r.status, 0) << describe(r);
    };
    make("a", "7");
    make("b", "7");
    make("c", "8");
    EXPECT_EQ(read_text(d / "a/dem.tif"), read_text(d / "b/dem.tif"));
    EXPECT_EQ(read_text(d / "a/scenario.toml"), read_text(d / "b/scenario.toml"));
    EXPECT_NE(read_text(d / "a/dem.tif"), read_text(d / "c/dem.tif"));
    EXPECT_NE(read_text(d / "a/scenario.toml").find("SYNTHETIC"), std::string::npos);

    GDALAllRegister();
    GDALDataset* ds =
        static_cast<GDALDataset*>(GDALOpenEx((d / "a/assets.gpkg").c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
    ASSERT_NE(ds, nullptr);
    OGRLayer* l = ds->GetLayerByName("assets");
    ASSERT_NE(l, nullptr);
    std::set<std::string> shelters, ids;
    int key_points = 0;
    for (auto& feat : *l) {
        const std::string kind = feat->GetFieldAsString("kind"), name = feat->GetFieldAsString("name");
        ids.insert(feat->GetFieldAsString("id"));
        EXPECT_FALSE(name.empty());
        const OGRPoint* p = feat->GetGeometryRef()->toPoint();
        EXPECT_TRUE(p->getX() > kWest && p->getX() < kWest + 8000 && p->getY() > kNorth - 8000 && p->getY() < kNorth)
            << name << " at " << p->getX() << ", " << p->getY() << ": outside the district";
        if (kind == "shelter")
            shelters.insert(name);
        else
            ++key_points;
    }
    GDALClose(ds);
    EXPECT_EQ(shelters, (std::set<std::string>{"铝城公园", "亚星盛世广场", "洛宁路游园", "淮阳路游园", "新安路游园",
                                               "体育中心"}));
    EXPECT_EQ(key_points, 137);
    EXPECT_EQ(ids.size(), 143u);
}

TEST(ScenarioTemplates, FolderNotEmptyExits2) {
    TempDir d;
    write_text(d / "x/keep.txt", "mine\n");
    const ProcResult r =
        run_floodsim({"scenario", "new", "--template", "urban", "--resolution", "200", (d / "x").string()});
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("not empty"), std::string::npos) << r.err;
    EXPECT_EQ(read_text(d / "x/keep.txt"), "mine\n");
    EXPECT_FALSE(fs::exists(d / "x/scenario.toml"));
    // An empty folder is fine.
    fs::create_directories(d / "empty");
    const ProcResult ok =
        run_floodsim({"scenario", "new", "--template", "urban", "--resolution", "200", (d / "empty").string()});
    EXPECT_EQ(ok.status, 0) << describe(ok);
    EXPECT_TRUE(fs::exists(d / "empty/scenario.toml"));
}

TEST(ScenarioTemplates, UnknownTemplateExits2) {
    TempDir d;
    const ProcResult r = run_floodsim({"scenario", "new", "--template", "tsunami", (d / "x").string()});
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("tsunami"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(d / "x"));
}

}  // namespace
