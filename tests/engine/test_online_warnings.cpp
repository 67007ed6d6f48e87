// Online warnings of a run (the scenario's [warning]; docs/warnings.md "Online warnings"): level events in
// order to the C++ and the C observer, CAP files in the spool valid against the CAP 1.2 test
// schema, delivery to a local webhook that refuses for a while or hangs without holding up the
// run, a run killed with SIGKILL whose spooled alerts `floodsim deliver` sends, and bad [warning]
// inputs refused (exit 2) before anything is written.
#include <floodsim/floodsim.h>
#include <floodsim/run.hpp>
#include <signal.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <set>
#include <thread>

#include "../cli/cli_util.hpp"
#include "../risk/cap_test_util.hpp"
#include "../risk/http_test_server.hpp"

namespace {

using namespace floodsim_test;
using floodsim::test::CapDoc;
using floodsim::test::HttpTestServer;
using Clock = std::chrono::steady_clock;

// A 20 x 10 grid of 2 m cells (UTM 49N): a channel (southern 6 rows, bed about 10 m) flooded
// from a level boundary (11 m) on the west, high ground (12 m) in the north.
constexpr int NX = 20, NY = 10;
constexpr double X0 = 708000.0, Y0 = 3854000.0, DX = 2.0;

double cx(int i) { return X0 + (i + 0.5) * DX; }
double cy(int j) { return Y0 + (NY - j - 0.5) * DX; }

std::string num(double v) {
    std::ostringstream s;
    s.precision(12);
    s << v;
    return s.str();
}

void write_dem(const fs::path& p) {
    std::ostringstream s;
    s << "ncols " << NX << "\nnrows " << NY << "\nxllcorner " << num(X0) << "\nyllcorner " << num(Y0)
      << "\ncellsize " << DX << "\nNODATA_value -9999\n";
    for (int j = 0; j < NY; ++j) {
        for (int i = 0; i < NX; ++i) s << (i ? " " : "") << num(j < 4 ? 12.0 : 10.0 - 0.01 * i);
        s << "\n";
    }
    write_text(p, s.str());
    write_text(fs::path(p).replace_extension(".prj"), std::string(kWktUtm49N) + "\n");
}

std::string feature(const std::string& id, const std::string& name, const std::string& geometry,
                    const char* id_key = "id") {
    return R"({"type":"Feature","properties":{")" + std::string(id_key) + R"(":")" + id + R"(","name":")" + name +
           R"("},"geometry":)" + geometry + "}";
}
std::string point(double x, double y) { return R"({"type":"Point","coordinates":[)" + num(x) + "," + num(y) + "]}"; }
std::string box(double x0, double y0, double x1, double y1) {
    return R"({"type":"Polygon","coordinates":[[[)" + num(x0) + "," + num(y0) + "],[" + num(x1) + "," + num(y0) +
           "],[" + num(x1) + "," + num(y1) + "],[" + num(x0) + "," + num(y1) + "],[" + num(x0) + "," + num(y0) + "]]]}";
}
void write_assets(const fs::path& p, const std::vector<std::string>& features) {
    std::string s = R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32649"}},"features":[)";
    for (std::size_t k = 0; k < features.size(); ++k) s += (k ? "," : "") + features[k];
    write_text(p, s + "]}");
}

/// The assets of the tests: an underpass in the channel (a point), a road block over it (a
/// polygon) and a shelter on the high ground (stays dry).
std::vector<std::string> good_assets() {
    return {feature("up1", "Underpass 1", point(cx(4), cy(7))),
            feature("road1", "Road block", box(X0 + 12.0, Y0 + 2.0, X0 + 20.0, Y0 + 10.0)),
            feature("shelter", "Shelter", point(cx(10), cy(1)))};
}

/// dem, assets and the scenario (with `warning_extra` lines in [warning]) in `d`.
fs::path write_case(const TempDir& d, const std::string& warning_extra = "",
                    const std::vector<std::string>& assets = good_assets(), const std::string& duration = "50s") {
    write_dem(d / "dem.asc");
    write_assets(d / "assets.geojson", assets);
    write_text(d / "s.toml", R"(format = 1
name = "online"

[domain]
dem = "dem.asc"
manning = 0.03

[time]
duration = ")" + duration + R"("
output_interval = "10s"
gauge_interval = "1s"
start = "2021-07-20T16:00:00+08:00"

[solver]
scheme = "fv1"
threads = 1

[[boundary]]
side = "west"
kind = "level"
value = 11.0

[[boundary]]
side = "east"
kind = "free"

[output]
file = "out/result.h5"

[warning]
assets = "assets.geojson"
)" + warning_extra);
    return d / "s.toml";
}

struct Event {
    std::string id;
    int level, previous;
    double t;
    bool operator==(const Event& o) const { return id == o.id && level == o.level && previous == o.previous && t == o.t; }
};

/// Every alert file waiting in a spool, by identifier.
std::map<std::string, std::string> spooled(const fs::path& spool) {
    std::map<std::string, std::string> out;
    if (!fs::is_directory(spool)) return out;
    for (const auto& f : fs::directory_iterator(spool)) {
        const std::string name = f.path().filename().string();
        if (f.is_regular_file() && name.size() > 15 && name.ends_with(".xml")) {
            const std::string xml = read_text(f.path());
            out[CapDoc(xml).one("/cap:alert/cap:identifier")] = xml;
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------

TEST(OnlineWarnings, ObserversGetTheLevelsInOrderAndTheSpoolHoldsValidCap) {
    TempDir d;
    const fs::path scenario = write_case(d);
    std::vector<floodsim::LevelView> seen;
    floodsim::Run run(scenario.string());
    run.on_level([&](const floodsim::LevelView& v) { seen.push_back(v); });
    std::vector<std::string> warnings;
    run.on_warning([&](const std::string& w) { warnings.push_back(w); });
    ASSERT_EQ(run.run_to_end(), floodsim::RunStatus::Finished);
    EXPECT_TRUE(warnings.empty()) << warnings.front();

    // The underpass rises level by level to red (the front arrives), never back in 50 s; the
    // road block gets levels too; the shelter on the high ground none.
    std::map<std::string, std::vector<floodsim::LevelView>> by_asset;
    for (std::size_t k = 0; k < seen.size(); ++k) {
        if (k > 0) {
            EXPECT_GE(seen[k].time, seen[k - 1].time);
        }
        by_asset[seen[k].asset_id].push_back(seen[k]);
    }
    EXPECT_EQ(by_asset.count("shelter"), 0u);
    ASSERT_EQ(by_asset.count("up1"), 1u);
    ASSERT_EQ(by_asset.count("road1"), 1u);
    const auto& up = by_asset["up1"];
    EXPECT_EQ(up.front().previous_level, 0);
    EXPECT_EQ(up.back().level, 1) << "the underpass should reach red";
    for (std::size_t k = 0; k < up.size(); ++k) {
        EXPECT_EQ(up[k].asset_name, "Underpass 1");
        if (k > 0) {
            EXPECT_EQ(up[k].previous_level, up[k - 1].level);
        }
        if (k > 0) {
            EXPECT_TRUE(up[k].level < up[k - 1].level) << "rising: a more severe level each time";
        }
        EXPECT_GT(up[k].max_depth, 0.15);
        EXPECT_EQ(std::fmod(up[k].time, 1.0), 0.0) << "evaluated at the gauge samples (every 1 s)";
        EXPECT_EQ(up[k].cap_msg_type, k == 0 ? "Alert" : "Update");
    }

    // Every change has its CAP alert in the spool (default: beside the result), valid, with
    // onset = [time] start + t and the asset, level and references of its chain.
    const floodsim::RunSummary s = run.summary();
    const fs::path spool = d / "out/result.alerts";
    EXPECT_TRUE(s.warnings.enabled);
    EXPECT_EQ(s.warnings.assets, 3);
    EXPECT_EQ(fs::path(s.warnings.spool), spool);
    EXPECT_EQ(s.warnings.changes, static_cast<std::int64_t>(seen.size()));
    EXPECT_EQ(s.warnings.issued, static_cast<std::int64_t>(seen.size()));
    EXPECT_EQ(s.warnings.in_spool, s.warnings.issued);  // no webhook: all stay
    EXPECT_EQ(s.warnings.delivered, 0);
    const auto files = spooled(spool);
    ASSERT_EQ(files.size(), seen.size());
    std::set<std::string> ids;
    for (const floodsim::LevelView& v : seen) {
        ASSERT_TRUE(ids.insert(v.cap_identifier).second) << "identifiers never repeat";
        ASSERT_EQ(files.count(v.cap_identifier), 1u) << v.cap_identifier;
        const std::string& xml = files.at(v.cap_identifier);
        EXPECT_EQ(floodsim::test::cap_schema().errors(xml), "") << xml;
        const CapDoc doc(xml);
        EXPECT_EQ(doc.one("/cap:alert/cap:msgType"), v.cap_msg_type);
        EXPECT_EQ(doc.one("/cap:alert/cap:info[1]/cap:parameter[cap:valueName='assetId']/cap:value"), v.asset_id);
        EXPECT_EQ(doc.one("/cap:alert/cap:info[1]/cap:parameter[cap:valueName='warningLevel']/cap:value"),
                  std::to_string(v.level));
        // 16:00:00+08:00 + t (whole seconds)
        const int t = static_cast<int>(v.time);
        char onset[40];
        std::snprintf(onset, sizeof onset, "2021-07-20T16:%02d:%02d+08:00", t / 60, t % 60);
        EXPECT_EQ(doc.one("/cap:alert/cap:info[1]/cap:onset"), onset);
        if (v.asset_id == "up1") {
            EXPECT_NE(doc.one("/cap:alert/cap:info[1]/cap:area/cap:circle"), "");
        }
        if (v.asset_id == "road1") {
            EXPECT_NE(doc.one("/cap:alert/cap:info[1]/cap:area[1]/cap:polygon[1]"), "");
        }
    }

    // The C observer gets the same events (the run is deterministic).
    TempDir d2;
    floodsim_run* c = nullptr;
    char err[256];
    ASSERT_EQ(floodsim_open(write_case(d2).c_str(), &c, err, sizeof err), FLOODSIM_OK) << err;
    std::vector<Event> c_events;
    const floodsim_level_fn fn = [](void* user, const char* id, const char* name, int level, int previous, double t) {
        EXPECT_NE(name, nullptr);
        static_cast<std::vector<Event>*>(user)->push_back({id, level, previous, t});
    };
    ASSERT_EQ(floodsim_on_level(c, fn, &c_events), FLOODSIM_OK);
    ASSERT_EQ(floodsim_run_to_end(c), FLOODSIM_OK) << floodsim_error(c);
    floodsim_close(c);
    std::vector<Event> cxx_events;
    for (const auto& v : seen) cxx_events.push_back({v.asset_id, v.level, v.previous_level, v.time});
    EXPECT_EQ(c_events, cxx_events);
    EXPECT_EQ(spooled(d2 / "out/result.alerts").size(), seen.size());
}

TEST(OnlineWarnings, AWebhookThatRefusesForAWhileGetsEveryAlert) {
    TempDir d;
    HttpTestServer server;
    server.set_mode(HttpTestServer::Mode::Refuse503, 2);  // down for the first tries
    const fs::path scenario = write_case(d, "webhook = \"" + server.url() + "\"\nspool = \"alerts\"\n");
    floodsim::Run run(scenario.string());
    std::vector<std::string> ids;
    run.on_level([&](const floodsim::LevelView& v) { ids.push_back(v.cap_identifier); });
    ASSERT_EQ(run.run_to_end(), floodsim::RunStatus::Finished);
    const floodsim::RunSummary s = run.summary();
    ASSERT_FALSE(ids.empty());
    EXPECT_EQ(s.warnings.issued, static_cast<std::int64_t>(ids.size()));
    EXPECT_EQ(s.warnings.delivered + s.warnings.in_spool, s.warnings.issued) << s.warnings.last_error;
    // What the run's 2 s after its end did not deliver, `floodsim deliver` does.
    if (s.warnings.in_spool > 0) {
        const ProcResult r = run_floodsim({"deliver", (d / "alerts").string(), "--webhook", server.url()});
        EXPECT_EQ(r.status, 0) << describe(r);
    }
    const auto accepted = server.accepted();
    for (const std::string& id : ids) EXPECT_GE(accepted.count(id), 1u) << id << " never arrived";
    EXPECT_EQ(accepted.size(), ids.size());
    EXPECT_TRUE(server.problems().empty()) << server.problems().front();
    EXPECT_TRUE(spooled(d / "alerts").empty());
    for (const std::string& body : server.bodies()) EXPECT_EQ(floodsim::test::cap_schema().errors(body), "");
}

TEST(OnlineWarnings, AHangingWebhookDoesNotHoldUpTheRun) {
    // The same run without a webhook, then with one that never answers: the run's solver time is
    // about the same, and the whole run_to_end at most the delivery's 2 s (plus cutting the POST
    // under way, about 1 s) longer.
    TempDir d0;
    const auto t0 = Clock::now();
    {
        floodsim::Run run(write_case(d0).string());
        ASSERT_EQ(run.run_to_end(), floodsim::RunStatus::Finished);
    }
    const double plain_s = std::chrono::duration<double>(Clock::now() - t0).count();

    TempDir d;
    HttpTestServer server;
    server.set_mode(HttpTestServer::Mode::Hang);
    floodsim::Run run(write_case(d, "webhook = \"" + server.url() + "\"\n").string());
    const auto t1 = Clock::now();
    ASSERT_EQ(run.run_to_end(), floodsim::RunStatus::Finished);
    const double hang_s = std::chrono::duration<double>(Clock::now() - t1).count();
    EXPECT_LT(hang_s, plain_s + 2.0 + 2.0) << "the run waited on the endpoint";
    const floodsim::RunSummary s = run.summary();
    EXPECT_GT(s.warnings.issued, 0);
    EXPECT_EQ(s.warnings.delivered, 0);
    EXPECT_EQ(s.warnings.in_spool, s.warnings.issued);  // all kept for later
    EXPECT_EQ(spooled(d / "out/result.alerts").size(), static_cast<std::size_t>(s.warnings.issued));
}

TEST(OnlineWarnings, AKilledRunLeavesItsAlertsForFloodsimDeliver) {
    TempDir d;
    HttpTestServer down;
    const std::string url = down.url();
    down.stop_listening();  // connection refused while the run goes on
    const fs::path scenario = write_case(d, "webhook = \"" + url + "\"\n");
    const pid_t pid = spawn_floodsim({"run", scenario.string(), "--quiet"}, d / "stdout.txt", d / "stderr.txt");
    // Once the result is complete the alerts are all spooled and the run's delivery retries
    // for 2 s: killed in that window, nothing is delivered and nothing cleans up.
    const auto until = Clock::now() + std::chrono::seconds(60);
    while (!fs::exists(d / "out/result.h5") && Clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::kill(pid, SIGKILL);
    EXPECT_EQ(wait_for(pid), 128 + SIGKILL) << read_text(d / "stdout.txt") << read_text(d / "stderr.txt");
    const auto left = spooled(d / "out/result.alerts");
    ASSERT_FALSE(left.empty());

    down.listen_again();
    const ProcResult r = run_floodsim({"deliver", (d / "out/result.alerts").string(), "--webhook", url});
    EXPECT_EQ(r.status, 0) << describe(r);
    const auto accepted = down.accepted();
    for (const auto& [id, xml] : left) EXPECT_EQ(accepted.count(id), 1u) << id;
    EXPECT_TRUE(spooled(d / "out/result.alerts").empty());
}

TEST(OnlineWarnings, TheCliSummarySaysWhereTheAlertsAre) {
    TempDir d;
    const ProcResult k = run_floodsim({"check", write_case(d).string()});
    EXPECT_EQ(k.status, 0) << describe(k);
    EXPECT_NE(k.out.find("warnings        3 assets watched"), std::string::npos) << k.out;
    const ProcResult r = run_floodsim({"run", write_case(d).string(), "--quiet"});
    ASSERT_EQ(r.status, 0) << describe(r);
    EXPECT_NE(r.out.find("CAP alerts issued"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find((d / "out/result.alerts").string()), std::string::npos) << r.out;
}

TEST(OnlineWarnings, BadWarningInputsExit2WithNothingWritten) {
    struct Case {
        std::vector<std::string> assets;
        std::vector<std::string> said;
    };
    const std::vector<Case> cases = {
        {{feature("up1", "Underpass 1", point(cx(4), cy(7)), "ident")}, {"assets.geojson", "id"}},
        {{feature("far", "Far away", point(X0 + 5000.0, Y0 + 5000.0))}, {"assets.geojson", "far", "outside"}},
    };
    for (const Case& c : cases) {
        TempDir d;
        const ProcResult r = run_floodsim({"run", write_case(d, "", c.assets).string(), "--quiet"});
        EXPECT_EQ(r.status, 2) << describe(r);
        for (const std::string& s : c.said) EXPECT_NE(r.err.find(s), std::string::npos) << s << " in " << r.err;
        EXPECT_FALSE(fs::exists(d / "out")) << "nothing written";
        // check finds it too
        const ProcResult k = run_floodsim({"check", (d / "s.toml").string()});
        EXPECT_EQ(k.status, 2) << describe(k);
        for (const std::string& s : c.said) EXPECT_NE(k.err.find(s), std::string::npos) << s << " in " << k.err;
        // the library: Error status 2 from the constructor
        try {
            floodsim::Run run(write_case(d, "", c.assets).string());
            ADD_FAILURE() << "accepted";
        } catch (const floodsim::Error& e) {
            EXPECT_EQ(e.status(), 2);
        }
    }
    // a spool that cannot be made (a file in its place): exit 2 at the start, the partial result removed
    {
        TempDir d;
        write_text(d / "blocker", "not a folder\n");
        const ProcResult r = run_floodsim({"run", write_case(d, "spool = \"blocker\"\n").string(), "--quiet"});
        EXPECT_EQ(r.status, 2) << describe(r);
        EXPECT_NE(r.err.find("warning.spool"), std::string::npos) << r.err;
        EXPECT_FALSE(fs::exists(d / "out/result.h5"));
        EXPECT_FALSE(fs::exists(d / "out/result.h5.part"));
    }
    // a bad levels file: its key named
    TempDir d;
    write_text(d / "levels.toml", "criterion = \"depth\"\n[depth]\nbands = [0.3, 0.2, 0.4, 0.6]\n");
    const ProcResult r = run_floodsim({"run", write_case(d, "levels = \"levels.toml\"\n").string(), "--quiet"});
    EXPECT_EQ(r.status, 2) << describe(r);
    EXPECT_NE(r.err.find("levels.toml"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(d / "out"));
}

}  // namespace

// A run resumed from a checkpoint continues the alert chains of the run it continues: the level
// events and CAP message types of the two parts together are those of the uninterrupted run
// (an asset already warned gets an Update, not a new Alert), and the counters go on.
TEST(OnlineWarnings, AResumedRunContinuesTheAlertChains) {
    TempDir d;
    const fs::path scenario = write_case(d, "\n[checkpoint]\nfile = \"out/run.ckpt\"\n");
    const auto kinds = [](const std::vector<floodsim::LevelView>& v) {
        std::vector<std::string> out;
        for (const floodsim::LevelView& e : v)
            out.push_back(e.asset_id + " " + std::to_string(e.previous_level) + ">" + std::to_string(e.level) + " " +
                          e.cap_msg_type);
        return out;
    };
    std::vector<floodsim::LevelView> whole, parts;
    {
        floodsim::Run run(scenario.string());
        run.set_output((d / "whole.h5").string());
        run.on_level([&](const floodsim::LevelView& v) { whole.push_back(v); });
        ASSERT_EQ(run.run_to_end(), floodsim::RunStatus::Finished);
    }
    ASSERT_GE(whole.size(), 3u);
    const double middle = 0.5 * (whole.front().time + whole.back().time);
    fs::remove_all(d / "out");
    {
        floodsim::Run run(scenario.string());
        run.on_level([&](const floodsim::LevelView& v) { parts.push_back(v); });
        ASSERT_EQ(run.advance(middle), floodsim::RunStatus::Reached);
        run.checkpoint();
    }  // abandoned after its checkpoint, as a killed run
    const std::size_t before = parts.size();
    ASSERT_GT(before, 0u);
    ASSERT_LT(before, whole.size());
    floodsim::Run run(scenario.string());
    run.on_level([&](const floodsim::LevelView& v) { parts.push_back(v); });
    run.resume((d / "out/run.ckpt").string());
    ASSERT_EQ(run.run_to_end(), floodsim::RunStatus::Finished);
    EXPECT_EQ(kinds(parts), kinds(whole));
    EXPECT_EQ(run.summary().warnings.changes, static_cast<std::int64_t>(whole.size()));
    EXPECT_EQ(run.summary().warnings.issued, static_cast<std::int64_t>(whole.size()));
}
