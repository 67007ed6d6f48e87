// floodsim risk through the real executable (INTERFACE section 6, docs/warnings.md): a result
// with known depths (tests/risk/risk_test_util.hpp) and asset files written here; the products
// read back with GDAL and a JSON parser and checked against values computed here.
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

#include "../risk/risk_test_util.hpp"
#include "cli_util.hpp"
#include "../risk/cap_test_util.hpp"

namespace t = floodsim::test::risk;
using namespace floodsim_test;

namespace {

struct Inputs {
    TempDir dir;
    std::string result = (dir / "r.h5").string(), assets = (dir / "assets.gpkg").string();
    std::vector<t::SampleAsset> sample = t::sample_assets();
    explicit Inputs(bool velocity = true) {
        t::write_result(result, velocity);
        std::vector<t::AssetSpec> specs;
        for (const auto& a : sample) specs.push_back(a.spec);
        t::write_assets(assets, specs);
    }
};

std::vector<std::string> split_csv_line(const std::string& line) {
    std::vector<std::string> f;
    std::string cur;
    bool quoted = false;
    for (std::size_t k = 0; k < line.size(); ++k) {
        const char c = line[k];
        if (quoted) {
            if (c == '"' && k + 1 < line.size() && line[k + 1] == '"')
                cur += '"', ++k;
            else if (c == '"')
                quoted = false;
            else
                cur += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            f.push_back(cur), cur.clear();
        } else {
            cur += c;
        }
    }
    f.push_back(cur);
    return f;
}

std::set<std::string> files_in(const fs::path& dir) {
    std::set<std::string> names;
    if (!fs::exists(dir)) return names;
    for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
    return names;
}

/// Expected per asset, from the known depths: frame levels by the default bands, the run's level
/// with /max_depth, first times.
struct Expected {
    int level = 0;
    float max_depth = 0.0f;
    std::array<std::string, 4> t_level;  // as text, "" for never; index K - 1
};
Expected expected_for(const t::SampleAsset& a) {
    Expected e;
    int rank = 0;
    for (int f = 0; f < t::frames; ++f) {
        int r = 0;
        for (const auto& [i, j] : a.cells)
            if (!t::outside(i, j)) r = std::max(r, t::rank_of(t::depth_level(t::depth(f, i, j))));
        for (int k = 1; k <= 4; ++k)
            if (r >= t::rank_of(k) && e.t_level[k - 1].empty())
                e.t_level[k - 1] = std::to_string(int(t::frame_time(f)));
        rank = std::max(rank, r);
    }
    for (const auto& [i, j] : a.cells)
        if (!t::outside(i, j)) e.max_depth = std::max(e.max_depth, t::max_depth(i, j));
    rank = std::max(rank, t::rank_of(t::depth_level(e.max_depth)));
    e.level = rank == 0 ? 0 : 5 - rank;
    return e;
}

}  // namespace

TEST(RiskCli, WritesEveryProductFromTheResult) {
    Inputs in;
    const fs::path out = in.dir / "out";
    const ProcResult r = run_floodsim(
        {"risk", in.result, "--assets", in.assets, "--issue-time", "2021-07-20T16:05:00+08:00", "--out", out.string()});
    ASSERT_EQ(r.status, 0) << describe(r);
    EXPECT_EQ(files_in(out), (std::set<std::string>{"assets.csv", "warnings.geojson", "hazard.tif", "max_depth.tif",
                                                    "time_above_level4.tif", "time_above_level3.tif",
                                                    "time_above_level2.tif", "time_above_level1.tif", "map.png",
                                                    "cap"}));
    EXPECT_NE(r.out.find("level 2 orange"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find((out / "assets.csv").string()), std::string::npos) << r.out;

    // assets.csv: the columns, and every row against the known depths.
    std::istringstream csv(read_text(out / "assets.csv"));
    std::string line;
    std::getline(csv, line);
    EXPECT_EQ(line, "id,name,level,max_depth,max_speed,t_level4,t_level3,t_level2,t_level1,lead_time_s");
    std::map<std::string, int> level_of;
    for (const auto& a : in.sample) {
        ASSERT_TRUE(std::getline(csv, line));
        const auto f = split_csv_line(line);
        ASSERT_EQ(f.size(), 10u) << line;
        SCOPED_TRACE(line);
        const Expected e = expected_for(a);
        EXPECT_EQ(f[0], a.spec.id);
        EXPECT_EQ(f[1], a.spec.name);
        EXPECT_EQ(std::stoi(f[2]), e.level);
        EXPECT_NEAR(std::stod(f[3]), e.max_depth, 1e-6);
        for (int k = 4; k >= 1; --k) EXPECT_EQ(f[static_cast<std::size_t>(9 - k)], e.t_level[k - 1]) << "t_level" << k;
        // The scenario has no start: t = 0 is the issue time, and the lead time the first time.
        if (e.t_level[3].empty()) {
            EXPECT_EQ(f[9], "");
        } else {
            EXPECT_DOUBLE_EQ(std::stod(f[9]), std::stod(e.t_level[3]));
        }
        level_of[a.spec.id] = e.level;
    }
    EXPECT_FALSE(std::getline(csv, line) && !line.empty());

    // GeoTIFFs georeferenced exactly as the result; hazard = level of /max_depth.
    GDALAllRegister();
    for (const char* name : {"hazard.tif", "max_depth.tif", "time_above_level4.tif", "time_above_level1.tif"}) {
        GDALDatasetUniquePtr ds(GDALDataset::Open((out / name).c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        ASSERT_NE(ds, nullptr) << name;
        EXPECT_EQ(ds->GetRasterXSize(), t::nx);
        EXPECT_EQ(ds->GetRasterYSize(), t::ny);
        double gt[6];
        ASSERT_EQ(ds->GetGeoTransform(gt), CE_None);
        const double expected_gt[6] = {t::x_west, t::dx, 0.0, t::y_north, 0.0, -t::dx};
        for (int k = 0; k < 6; ++k) EXPECT_EQ(gt[k], expected_gt[k]) << name << " gt[" << k << "]";
        OGRSpatialReference utm;
        utm.importFromWkt(t::utm49n_wkt);
        ASSERT_NE(ds->GetSpatialRef(), nullptr);
        EXPECT_TRUE(ds->GetSpatialRef()->IsSame(&utm)) << name;
    }
    {
        GDALDatasetUniquePtr ds(GDALDataset::Open((out / "hazard.tif").c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        std::vector<std::uint8_t> v(t::nx * t::ny);
        ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, t::nx, t::ny, v.data(), t::nx, t::ny, GDT_Byte, 0, 0),
                  CE_None);
        for (int j = 0; j < t::ny; ++j)
            for (int i = 0; i < t::nx; ++i)
                EXPECT_EQ(v[j * t::nx + i], t::outside(i, j) ? 0 : t::depth_level(t::max_depth(i, j))) << i << "," << j;
    }

    // warnings.geojson: WGS84 lon, lat near the model (111 E, 34.8 N), levels as in the CSV.
    const auto gj = nlohmann::json::parse(read_text(out / "warnings.geojson"));
    EXPECT_EQ(gj["type"], "FeatureCollection");
    ASSERT_EQ(gj["features"].size(), in.sample.size());
    std::function<void(const nlohmann::json&)> check_positions = [&](const nlohmann::json& c) {
        if (c.is_array() && !c.empty() && c[0].is_number()) {
            ASSERT_EQ(c.size(), 2u);
            EXPECT_NEAR(c[0].get<double>(), 111.0, 0.05);  // longitude first
            EXPECT_NEAR(c[1].get<double>(), 34.77, 0.05);
            return;
        }
        for (const auto& e : c) check_positions(e);
    };
    std::set<std::string> types;
    for (const auto& f : gj["features"]) {
        const std::string id = f["properties"]["id"];
        EXPECT_EQ(f["properties"]["level"].get<int>(), level_of[id]) << id;
        if (level_of[id] == 0) {
            EXPECT_TRUE(f["properties"]["colour"].is_null());
        } else {
            EXPECT_TRUE(f["properties"]["colour"].is_string());
        }
        types.insert(f["geometry"]["type"]);
        check_positions(f["geometry"]["coordinates"]);
        if (f["geometry"]["type"] == "Polygon") {
            for (const auto& ring : f["geometry"]["coordinates"]) EXPECT_EQ(ring.front(), ring.back());
        }
    }
    EXPECT_EQ(types, (std::set<std::string>{"Point", "LineString", "Polygon"}));

    // map.png: a picture GDAL opens.
    {
        GDALDatasetUniquePtr ds(GDALDataset::Open((out / "map.png").c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
        ASSERT_NE(ds, nullptr);
        EXPECT_GE(ds->GetRasterCount(), 3);
        EXPECT_GT(ds->GetRasterXSize(), 200);
    }

    // cap/: one valid CAP 1.2 alert per level change, identifiers never repeated, each asset's
    // chain Alert, then Update or Cancel referencing the alerts before it, severity by level.
    const std::size_t changes = std::stoul(r.out.substr(r.out.find(" frames, ") + 9));
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(out / "cap")) files.push_back(e.path());
    std::sort(files.begin(), files.end());  // identifiers sort in issue order
    ASSERT_EQ(files.size(), changes);
    ASSERT_GT(changes, 0u);
    std::map<std::string, std::vector<std::string>> chain;  // asset -> references in force
    std::set<std::string> ids;
    const char* severity[] = {"", "Extreme", "Severe", "Moderate", "Minor"};
    for (const fs::path& f : files) {
        const std::string xml = read_text(f);
        EXPECT_EQ(floodsim::test::cap_schema().errors(xml), "") << f;
        const floodsim::test::CapDoc doc(xml);
        const std::string id = doc.one("/cap:alert/cap:identifier");
        EXPECT_EQ(f.filename().string(), id + ".xml");
        EXPECT_TRUE(ids.insert(id).second) << id;
        // The time part is the issue time; the eleventh alert of one second takes the next (N is one digit).
        EXPECT_TRUE(std::regex_match(id, std::regex("410106[0-9]{8}_2021072016050[0-9]_[0-9]"))) << id;
        const std::string asset = doc.all("/cap:alert/cap:info[1]/cap:parameter[cap:valueName='assetId']/cap:value")[0];
        const std::string type = doc.one("/cap:alert/cap:msgType");
        const int level = std::stoi(doc.all("/cap:alert/cap:info[1]/cap:parameter[cap:valueName='warningLevel']/cap:value")[0]);
        auto& refs = chain[asset];
        if (type == "Alert") {
            EXPECT_TRUE(refs.empty()) << id;
            EXPECT_EQ(doc.one("/cap:alert/cap:references"), "");
        } else {
            ASSERT_FALSE(refs.empty()) << id << " " << type;
            std::string expected_refs;
            for (const std::string& ref : refs) expected_refs += (expected_refs.empty() ? "" : " ") + ref;
            EXPECT_EQ(doc.one("/cap:alert/cap:references"), expected_refs) << id;
        }
        if (level >= 1 && level <= 4) {
            EXPECT_EQ(doc.all("/cap:alert/cap:info[1]/cap:severity")[0], severity[level]);
        }
        const std::string ref = doc.one("/cap:alert/cap:sender") + "," + id + "," + doc.one("/cap:alert/cap:sent");
        if (type == "Cancel") {
            refs.clear();
        } else {
            refs.push_back(ref);
        }
    }
}

TEST(RiskCli, FlashFloodAlertsAreOfCategoryGeo) {
    Inputs in;
    const fs::path out = in.dir / "out";
    const ProcResult r = run_floodsim({"risk", in.result, "--assets", in.assets, "--issue-time",
                                       "2021-07-20T16:05:00+08:00", "--flash-flood", "--status", "Test", "--out",
                                       out.string()});
    ASSERT_EQ(r.status, 0) << describe(r);
    int files = 0;
    for (const auto& e : fs::directory_iterator(out / "cap")) {
        const floodsim::test::CapDoc doc(read_text(e.path()));
        EXPECT_EQ(doc.all("/cap:alert/cap:info/cap:category"), (std::vector<std::string>{"Geo", "Geo"}));
        EXPECT_EQ(doc.one("/cap:alert/cap:status"), "Test");
        ++files;
    }
    EXPECT_GT(files, 0);
    const ProcResult bad = run_floodsim({"risk", in.result, "--assets", in.assets, "--status", "Real", "--out",
                                         (in.dir / "bad").string()});
    EXPECT_EQ(bad.status, 2) << describe(bad);
    EXPECT_FALSE(fs::exists(in.dir / "bad"));
}

TEST(RiskCli, DefraWritesTheHazardRating) {
    Inputs in;
    const fs::path out = in.dir / "out", levels = in.dir / "LEVELS.toml";
    write_text(levels, "criterion = \"defra\"\n");
    const ProcResult r =
        run_floodsim({"risk", in.result, "--assets", in.assets, "--levels", levels.string(), "--out", out.string()});
    ASSERT_EQ(r.status, 0) << describe(r);
    EXPECT_TRUE(fs::exists(out / "hazard_value.tif"));
    EXPECT_NE(r.out.find("criterion defra"), std::string::npos) << r.out;
}

TEST(RiskCli, BadInputExitsTwoAndWritesNothing) {
    Inputs in(false);
    const fs::path out = in.dir / "out";
    const auto expect_bad = [&](std::vector<std::string> args, const std::vector<std::string>& words) {
        std::vector<std::string> all = {"risk", in.result, "--assets", in.assets, "--out", out.string()};
        all.insert(all.end(), args.begin(), args.end());
        const ProcResult r = run_floodsim(all);
        EXPECT_EQ(r.status, 2) << describe(r);
        for (const auto& w : words) EXPECT_NE(r.err.find(w), std::string::npos) << w << "\n" << describe(r);
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_TRUE(files_in(out).empty()) << "something was written";
    };
    const fs::path levels = in.dir / "LEVELS.toml";
    write_text(levels, "[depth]\nbands = [0.15, 0.4, 0.25, 0.6]\n");
    expect_bad({"--levels", levels.string()}, {levels.string(), "depth.bands", "0.25"});
    write_text(levels, "criterion = \"arr\"\n");
    expect_bad({"--levels", levels.string()}, {in.result, "velocity_x"});  // the result has no velocities
    expect_bad({"--issue-time", "2021-07-20 16:00"}, {"--issue-time", "2021-07-20 16:00"});
    // An assets file without `id`, and an existing empty output folder: it stays empty.
    fs::create_directories(out);
    const std::string no_id = (in.dir / "no_id.gpkg").string();
    t::write_assets(no_id, {{"X", "somewhere", t::point_wkt(t::cx(3), t::cy(3))}}, "GPKG", 0, false, true);
    const ProcResult r = run_floodsim({"risk", in.result, "--assets", no_id, "--out", out.string()});
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_NE(r.err.find(no_id), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("'id'"), std::string::npos) << r.err;
    EXPECT_TRUE(files_in(out).empty());
    // An asset outside the grid: named by its id.
    const std::string outside = (in.dir / "outside.gpkg").string();
    t::write_assets(outside, {{"far-away", "x", t::point_wkt(t::x_west - 100.0, t::cy(3))}});
    const ProcResult o = run_floodsim({"risk", in.result, "--assets", outside, "--out", out.string()});
    EXPECT_EQ(o.status, 2) << describe(o);
    EXPECT_NE(o.err.find("far-away"), std::string::npos) << o.err;
    EXPECT_TRUE(files_in(out).empty());
}
