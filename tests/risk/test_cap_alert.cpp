// CAP 1.2 alerts from LevelChange events: every document valid against the schema written from the
// standard (tests/data/cap/CAP-v1.2.xsd), msgType and references along an asset's levels,
// GB/T 35965.1 identifiers, times, severity, areas; the schema itself rejects broken documents.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "cap_test_util.hpp"
#include "mesh/input_error.hpp"
#include "risk/cap_alert.hpp"
#include "scenarios/clock_time.hpp"

using floodsim::InputError;
using floodsim::risk::CapAlert;
using floodsim::risk::CapOptions;
using floodsim::risk::CapWriter;
using floodsim::risk::format_cap_time;
using floodsim::risk::LevelChange;
using floodsim::test::cap_schema;
using floodsim::test::CapDoc;
using floodsim::test::change;
using floodsim::test::square;

namespace {

// 2021-07-20T12:00:00+08:00 and 14:00 that day
constexpr floodsim::risk::UnixSeconds kStart = 1626753600, kIssue = kStart + 7200;

CapOptions options() {
    CapOptions o;
    o.start_time = kStart;
    o.issue_time = kIssue;
    o.department_code = "416";
    return o;
}

LevelChange underpass(int level, int previous, double t, double depth) {
    LevelChange e = change("u1", "金水路下穿隧道 Jinshui Rd underpass", level, previous, t, depth);
    if (level != 0) e.area.polygons.push_back(square(34.8, 113.3, 0.001));  // a Cancel reuses the last area
    return e;
}

LevelChange shelter(int level, int previous, double t, double depth) {
    LevelChange e = change("s7", "Shelter 7", level, previous, t, depth);
    e.area.circle = floodsim::risk::AlertArea::Circle{34.81, 113.29, 0.25};
    return e;
}

/// One asset's life and two others between its alerts.
std::vector<CapAlert> sample_alerts(CapWriter& w) {
    std::vector<CapAlert> a;
    a.push_back(w.write(underpass(4, 0, 7000, 0.16)));   // 0 Alert
    a.push_back(w.write(shelter(3, 0, 9000, 0.30)));     // 1 Alert
    a.push_back(w.write(underpass(3, 4, 7800, 0.27)));   // 2 Update
    a.push_back(w.write(underpass(1, 3, 12000, 0.75)));  // 3 Update
    LevelChange flash = change("v2", "Valley road", 2, 0, 5000, 0.45);
    flash.flash_flood = true;
    flash.area.polygons.push_back(square(34.7, 113.2, 0.002));
    flash.area.polygons.push_back(square(34.71, 113.21, 0.001));
    a.push_back(w.write(flash));                         // 4 Alert, Geo, two polygons
    a.push_back(w.write(underpass(0, 1, 30000, 0.05)));  // 5 Cancel
    a.push_back(w.write(underpass(4, 0, 40000, 0.18)));  // 6 Alert again: a new chain
    return a;
}

}  // namespace

TEST(CapAlert, EveryDocumentIsValidAgainstTheSchema) {
    CapWriter w(options());
    for (const CapAlert& a : sample_alerts(w)) {
        EXPECT_EQ(cap_schema().errors(a.xml), "") << a.xml;
        CapDoc d(a.xml);
        EXPECT_EQ(d.one("/cap:alert/cap:identifier"), a.identifier);
        EXPECT_EQ(d.one("/cap:alert/cap:msgType"), a.msg_type);
        EXPECT_EQ(d.one("/cap:alert/cap:sent"), a.sent);
        EXPECT_EQ(d.one("/cap:alert/cap:status"), "Exercise");
        EXPECT_EQ(d.one("/cap:alert/cap:scope"), "Public");
        EXPECT_EQ(d.all("/cap:alert/cap:info/cap:language"), (std::vector<std::string>{"zh-CN", "en-US"}));
    }
}

TEST(CapAlert, AlertThenUpdatesThenCancelWithReferences) {
    CapWriter w(options());
    const auto a = sample_alerts(w);
    const std::vector<std::string> types = {"Alert", "Alert", "Update", "Update", "Alert", "Cancel", "Alert"};
    for (std::size_t k = 0; k < a.size(); ++k) EXPECT_EQ(a[k].msg_type, types[k]) << k;
    auto refs = [](const CapAlert& x) { return CapDoc(x.xml).one("/cap:alert/cap:references"); };
    EXPECT_EQ(refs(a[0]), "");
    EXPECT_EQ(refs(a[1]), "");
    EXPECT_EQ(refs(a[2]), a[0].reference());
    EXPECT_EQ(refs(a[3]), a[0].reference() + " " + a[2].reference());
    EXPECT_EQ(refs(a[5]), a[0].reference() + " " + a[2].reference() + " " + a[3].reference());
    EXPECT_EQ(refs(a[6]), "") << "after a Cancel the asset's next level starts a new chain";
    // the reference form is sender,identifier,sent of the referenced alert
    EXPECT_EQ(a[0].reference(), "41010641600000," + a[0].identifier + ",2021-07-20T14:00:00+08:00");
    EXPECT_EQ(w.level_of("u1"), 4);
    EXPECT_EQ(w.level_of("s7"), 3);
    EXPECT_EQ(w.level_of("nobody"), 0);
}

TEST(CapAlert, IdentifiersFollowGbt35965AndNeverRepeat) {
    CapWriter w(options());
    std::vector<CapAlert> a = sample_alerts(w);
    // more than ten in the same second: N is one digit, so the time part moves on by a second
    for (int k = 0; k < 15; ++k) {
        LevelChange e = change(std::string("p") + std::to_string(k), std::string("Point ") + std::to_string(k), 4, 0,
                               100.0 * k, 0.2);
        e.area.circle = floodsim::risk::AlertArea::Circle{34.8, 113.3, 0.05};
        a.push_back(w.write(e));
    }
    const std::regex form(R"(^(\d{6})(\d{3})(\d{3})(\d{2})_(\d{14})_(\d)$)");
    std::set<std::string> seen;
    std::string last;
    for (const CapAlert& x : a) {
        std::smatch m;
        ASSERT_TRUE(std::regex_match(x.identifier, m, form)) << x.identifier;
        EXPECT_EQ(x.identifier.size(), 31u);
        EXPECT_EQ(m[1].str(), "410106");
        EXPECT_EQ(m[2].str(), "416");
        EXPECT_EQ(m[3].str(), "000");
        EXPECT_EQ(m[4].str(), "00");
        EXPECT_TRUE(m[5].str() == "20210720140000" || m[5].str() == "20210720140001" || m[5].str() == "20210720140002")
            << x.identifier;
        EXPECT_TRUE(seen.insert(x.identifier).second) << "repeated: " << x.identifier;
        EXPECT_LT(last, x.identifier) << "identifiers run in the order they were written";
        last = x.identifier;
    }
    EXPECT_EQ(a[0].identifier, "41010641600000_20210720140000_0");
    EXPECT_EQ(a[9].identifier, "41010641600000_20210720140000_9");
    EXPECT_EQ(a[10].identifier, "41010641600000_20210720140001_0");
    // a later issue time starts again at 0
    LevelChange e = change("late", "Late", 2, 0, 100.0, 0.5);
    e.area.circle = floodsim::risk::AlertArea::Circle{34.8, 113.3, 0.05};
    EXPECT_EQ(w.write(e, kIssue + 3600).identifier, "41010641600000_20210720150000_0");
}

TEST(CapAlert, TimesUrgencySeverityAndCategory) {
    CapWriter w(options());
    const auto a = sample_alerts(w);
    CapDoc first(a[0].xml);  // onset 7000 s after 12:00 = 13:56:40, before the issue time: Immediate
    EXPECT_EQ(first.one("/cap:alert/cap:sent"), "2021-07-20T14:00:00+08:00");
    for (const std::string lang : {"zh-CN", "en-US"}) {
        const std::string info = "/cap:alert/cap:info[cap:language='" + lang + "']/";
        EXPECT_EQ(first.one(info + "cap:onset"), "2021-07-20T13:56:40+08:00");
        EXPECT_EQ(first.one(info + "cap:effective"), "2021-07-20T13:56:40+08:00");
        EXPECT_EQ(first.one(info + "cap:expires"), "2021-07-21T14:00:00+08:00") << "24 h after max(onset, sent)";
        EXPECT_EQ(first.one(info + "cap:urgency"), "Immediate");
        EXPECT_EQ(first.one(info + "cap:severity"), "Minor");
        EXPECT_EQ(first.one(info + "cap:certainty"), "Likely");
        EXPECT_EQ(first.one(info + "cap:category"), "Met");
        EXPECT_EQ(first.one(info + "cap:parameter[cap:valueName='warningLevel']/cap:value"), "4");
        EXPECT_EQ(first.one(info + "cap:parameter[cap:valueName='warningColour']/cap:value"), "blue");
        EXPECT_EQ(first.one(info + "cap:area/cap:geocode[cap:valueName='GB/T 2260']/cap:value"), "410106");
    }
    EXPECT_EQ(first.one("/cap:alert/cap:info[1]/cap:event"), "城市内涝");
    EXPECT_EQ(first.one("/cap:alert/cap:info[2]/cap:event"), "Urban flooding");
    EXPECT_NE(first.one("/cap:alert/cap:info[1]/cap:headline").find("蓝色"), std::string::npos);
    EXPECT_NE(first.one("/cap:alert/cap:info[2]/cap:headline").find("Blue"), std::string::npos);
    EXPECT_NE(first.one("/cap:alert/cap:info[2]/cap:description").find("0.16 m"), std::string::npos);

    // shelter: onset 9000 s = 14:30, within the hour after 14:00: Immediate; level 3 Moderate
    CapDoc s(a[1].xml);
    EXPECT_EQ(s.one("/cap:alert/cap:info[1]/cap:urgency"), "Immediate");
    EXPECT_EQ(s.one("/cap:alert/cap:info[1]/cap:severity"), "Moderate");
    // level 1 at 12000 s = 15:20, more than an hour after the issue: Expected, Extreme
    CapDoc red(a[3].xml);
    EXPECT_EQ(red.one("/cap:alert/cap:info[1]/cap:urgency"), "Expected");
    EXPECT_EQ(red.one("/cap:alert/cap:info[1]/cap:severity"), "Extreme");
    EXPECT_EQ(red.one("/cap:alert/cap:info[2]/cap:onset"), "2021-07-20T15:20:00+08:00");
    EXPECT_EQ(red.one("/cap:alert/cap:info[2]/cap:expires"), "2021-07-21T15:20:00+08:00");
    EXPECT_EQ(red.all("/cap:alert/cap:info[2]/cap:responseType"), (std::vector<std::string>{"Evacuate", "Avoid"}));
    EXPECT_NE(red.one("/cap:alert/cap:info[1]/cap:description").find("由黄色升级为红色"), std::string::npos);
    // orange flash flood: Geo, Severe
    CapDoc flash(a[4].xml);
    EXPECT_EQ(flash.all("/cap:alert/cap:info/cap:category"), (std::vector<std::string>{"Geo", "Geo"}));
    EXPECT_EQ(flash.one("/cap:alert/cap:info[1]/cap:severity"), "Severe");
    EXPECT_EQ(flash.one("/cap:alert/cap:info[1]/cap:event"), "山洪");
    // the Cancel: no onset, urgency Past, AllClear, level 0, speaks of the red warning it ends
    CapDoc cancel(a[5].xml);
    EXPECT_EQ(cancel.one("/cap:alert/cap:info[2]/cap:onset"), "");
    EXPECT_EQ(cancel.one("/cap:alert/cap:info[2]/cap:effective"), "2021-07-20T20:20:00+08:00");
    EXPECT_EQ(cancel.one("/cap:alert/cap:info[2]/cap:urgency"), "Past");
    EXPECT_EQ(cancel.one("/cap:alert/cap:info[2]/cap:severity"), "Extreme") << "the severity of the red it ends";
    EXPECT_EQ(cancel.one("/cap:alert/cap:info[2]/cap:responseType"), "AllClear");
    EXPECT_EQ(cancel.one("/cap:alert/cap:info[2]/cap:parameter[cap:valueName='warningLevel']/cap:value"), "0");
    EXPECT_NE(cancel.one("/cap:alert/cap:info[2]/cap:headline").find("Red"), std::string::npos);
    EXPECT_NE(cancel.one("/cap:alert/cap:info[1]/cap:headline").find("解除"), std::string::npos);
}

TEST(CapAlert, AreasAreClosedWgs84PolygonsOrCircles) {
    CapWriter w(options());
    const auto a = sample_alerts(w);
    auto check_polygon = [](const std::string& p) {
        std::vector<std::string> pts;
        std::size_t pos = 0;
        while (pos <= p.size()) {
            const std::size_t sp = std::min(p.find(' ', pos), p.size());
            pts.push_back(p.substr(pos, sp - pos));
            pos = sp + 1;
        }
        EXPECT_GE(pts.size(), 4u) << p;
        EXPECT_EQ(pts.front(), pts.back()) << p;
        for (const std::string& pt : pts) {
            const double lat = std::stod(pt.substr(0, pt.find(','))), lon = std::stod(pt.substr(pt.find(',') + 1));
            EXPECT_TRUE(lat > 34 && lat < 35 && lon > 113 && lon < 114) << "lat,lon order: " << pt;
        }
    };
    for (const std::size_t k : {std::size_t{0}, std::size_t{5}}) {  // the Cancel reuses the underpass's area
        CapDoc d(a[k].xml);
        const auto polys = d.all("/cap:alert/cap:info[2]/cap:area/cap:polygon");
        ASSERT_EQ(polys.size(), 1u);
        check_polygon(polys[0]);
        EXPECT_EQ(polys[0],
                  "34.799000,113.299000 34.799000,113.301000 34.801000,113.301000 "
                  "34.801000,113.299000 34.799000,113.299000");
        EXPECT_EQ(d.one("/cap:alert/cap:info[2]/cap:area/cap:areaDesc"), "金水路下穿隧道 Jinshui Rd underpass");
    }
    CapDoc flash(a[4].xml);
    const auto polys = flash.all("/cap:alert/cap:info[1]/cap:area/cap:polygon");
    ASSERT_EQ(polys.size(), 2u);
    for (const auto& p : polys) check_polygon(p);
    CapDoc s(a[1].xml);
    EXPECT_EQ(s.one("/cap:alert/cap:info[1]/cap:area/cap:circle"), "34.810000,113.290000 0.250");
    EXPECT_EQ(s.all("/cap:alert/cap:info[1]/cap:area/cap:polygon").size(), 0u);
}

TEST(CapAlert, TextIsEscapedAndKeptValid) {
    CapWriter w(options());
    LevelChange e = change("a<&>\"'", "R&D <lab> \"east\" 'gate'\x01\x7f bad\xff utf8 \xe4\xb8", 2, 0, 600, 0.5);
    e.area.polygons.push_back(square(34.8, 113.3, 0.001));
    const CapAlert a = w.write(e);
    EXPECT_EQ(cap_schema().errors(a.xml), "") << a.xml;
    CapDoc d(a.xml);
    EXPECT_EQ(d.one("/cap:alert/cap:info[2]/cap:area/cap:areaDesc"),
              "R&D <lab> \"east\" 'gate'   bad\xef\xbf\xbd utf8 \xef\xbf\xbd\xef\xbf\xbd");
    EXPECT_EQ(d.one("/cap:alert/cap:info[2]/cap:parameter[cap:valueName='assetId']/cap:value"), "a<&>\"'");
}

TEST(CapAlert, EventsThatCannotBeWrittenAreRefused) {
    CapWriter w(options());
    EXPECT_THROW(w.write(underpass(5, 0, 10, 0.2)), std::invalid_argument);
    EXPECT_THROW(w.write(underpass(-1, 0, 10, 0.2)), std::invalid_argument);
    EXPECT_THROW(w.write(underpass(0, 2, 10, 0.2)), std::invalid_argument) << "Cancel without an alert";
    LevelChange none = change("n", "No area", 3, 0, 10, 0.3);
    EXPECT_THROW(w.write(none), std::invalid_argument);
    LevelChange open = none;
    open.area.polygons.push_back({{34.8, 113.3}, {34.8, 113.4}, {34.9, 113.4}, {34.9, 113.3}});
    EXPECT_THROW(w.write(open), std::invalid_argument) << "not closed";
    LevelChange three = none;
    three.area.polygons.push_back({{34.8, 113.3}, {34.8, 113.4}, {34.8, 113.3}});
    EXPECT_THROW(w.write(three), std::invalid_argument) << "fewer than 4 points";
    LevelChange swapped = none;
    swapped.area.polygons.push_back(square(113.3, 34.8, 0.001));
    EXPECT_THROW(w.write(swapped), std::invalid_argument) << "latitude 113";
    LevelChange circle = none;
    circle.area.circle = floodsim::risk::AlertArea::Circle{34.8, 113.3, -1.0};
    EXPECT_THROW(w.write(circle), std::invalid_argument);
    LevelChange nan_time = underpass(2, 0, std::nan(""), 0.4);
    EXPECT_THROW(w.write(nan_time), std::invalid_argument);
    // refused events leave no trace: the asset's first real level is still an Alert
    EXPECT_EQ(w.write(underpass(2, 0, 10, 0.4)).msg_type, "Alert");
    EXPECT_THROW(w.write(underpass(2, 2, 20, 0.45)), std::invalid_argument) << "level already in force";
    // the writer's record decides, not the event's previous_level (0 here)
    const CapAlert lowered = w.write(underpass(3, 0, 30, 0.3));
    EXPECT_EQ(lowered.msg_type, "Update");
    EXPECT_NE(CapDoc(lowered.xml).one("/cap:alert/cap:info[2]/cap:description").find("lowered from orange"),
              std::string::npos);
}

TEST(CapAlert, OptionsAreChecked) {
    auto bad = [](auto edit) {
        CapOptions o = options();
        edit(o);
        EXPECT_THROW(CapWriter{o}, InputError);
    };
    bad([](CapOptions& o) { o.region_code = "41010"; });
    bad([](CapOptions& o) { o.region_code = "41010x"; });
    bad([](CapOptions& o) { o.department_code = "4160"; });
    bad([](CapOptions& o) { o.unit_code = ""; });
    bad([](CapOptions& o) { o.extension_code = "0"; });
    bad([](CapOptions& o) { o.status = "Real"; });
    bad([](CapOptions& o) { o.certainty = "Sure"; });
    bad([](CapOptions& o) { o.sender = "flood warnings"; });
    bad([](CapOptions& o) { o.sender = "a,b"; });
    bad([](CapOptions& o) { o.utc_offset_minutes = 15 * 60; });
    bad([](CapOptions& o) { o.validity_s = 0; });
    bad([](CapOptions& o) { o.languages = {"fr-FR"}; });
    bad([](CapOptions& o) { o.languages = {}; });
    try {
        CapOptions o = options();
        o.region_code = "4101";
        CapWriter w(o);
        ADD_FAILURE() << "no InputError";
    } catch (const InputError& e) {
        EXPECT_EQ(e.key(), "region_code");
        EXPECT_EQ(e.value(), "4101");
    }
    // a chosen sender, one language, status Actual, UTC
    CapOptions o = options();
    o.sender = "shangjie-flood@example.org";
    o.status = "Actual";
    o.languages = {"en-US"};
    o.utc_offset_minutes = 0;
    CapWriter w(o);
    const CapAlert a = w.write(underpass(3, 0, 100, 0.3));
    EXPECT_EQ(cap_schema().errors(a.xml), "") << a.xml;
    CapDoc d(a.xml);
    EXPECT_EQ(d.one("/cap:alert/cap:sender"), "shangjie-flood@example.org");
    EXPECT_EQ(d.one("/cap:alert/cap:sent"), "2021-07-20T06:00:00-00:00");
    EXPECT_EQ(d.one("/cap:alert/cap:note"), "") << "the exercise note only on exercises";
    EXPECT_EQ(d.all("/cap:alert/cap:info").size(), 1u);
    EXPECT_EQ(a.identifier, "41010641600000_20210720060000_0") << "the identifier's time at the chosen offset";
}

TEST(CapTime, FormatAndParse) {
    EXPECT_EQ(format_cap_time(kStart, 480), "2021-07-20T12:00:00+08:00");
    EXPECT_EQ(format_cap_time(kStart, 0), "2021-07-20T04:00:00-00:00");
    EXPECT_EQ(format_cap_time(kStart, -330), "2021-07-19T22:30:00-05:30");
    EXPECT_EQ(format_cap_time(0, 0), "1970-01-01T00:00:00-00:00");
    EXPECT_EQ(format_cap_time(951782400, 0), "2000-02-29T00:00:00-00:00");
    // Read back by the one clock-time parser (scenarios/clock_time.hpp).
    for (floodsim::risk::UnixSeconds t : {0LL, 1LL, 86399LL, 1626753600LL, 4102444800LL, -86401LL})
        for (int o : {0, 480, -300, 345}) EXPECT_EQ(floodsim::parse_clock_time(format_cap_time(t, o))->utc_s, t) << t << " " << o;
}

// ---------------------------------------------------------------------------------------------
// The schema can fail: broken variants of a valid document are rejected.

TEST(CapSchema, RejectsBrokenDocuments) {
    CapWriter w(options());
    const CapAlert alert = w.write(underpass(2, 0, 7000, 0.45));
    const std::string& good = alert.xml;
    ASSERT_EQ(cap_schema().errors(good), "");
    auto edited = [&](const std::string& from, const std::string& to) {
        std::string s = good;
        const auto pos = s.find(from);
        if (pos == std::string::npos) throw std::logic_error("test bug: " + from);
        s.replace(pos, from.size(), to);
        return s;
    };
    const std::string sent = "<sent>2021-07-20T14:00:00+08:00</sent>";
    const std::map<std::string, std::string> broken = {
        {"no sent", edited(sent, "")},
        {"sent in UTC as Z", edited(sent, "<sent>2021-07-20T06:00:00Z</sent>")},
        {"sent without offset", edited(sent, "<sent>2021-07-20T14:00:00</sent>")},
        {"sent with fractional seconds", edited(sent, "<sent>2021-07-20T14:00:00.5+08:00</sent>")},
        {"sent not a date", edited(sent, "<sent>2021-13-20T14:00:00+08:00</sent>")},
        {"msgType unknown", edited("<msgType>Alert</msgType>", "<msgType>Warning</msgType>")},
        {"status unknown", edited("<status>Exercise</status>", "<status>exercise</status>")},
        {"scope before msgType", edited("<msgType>Alert</msgType>\n  <scope>Public</scope>",
                                        "<scope>Public</scope>\n  <msgType>Alert</msgType>")},
        {"no identifier", edited("<identifier>" + alert.identifier + "</identifier>", "")},
        {"identifier with a space", edited("<identifier>41010641600000_", "<identifier>41010641600000 _")},
        {"severity unknown", edited("<severity>Severe</severity>", "<severity>High</severity>")},
        {"urgency unknown", edited("<urgency>", "<urgency>Very")},
        {"category unknown", edited("<category>Met</category>", "<category>Weather</category>")},
        {"no event", edited("<event>城市内涝</event>", "")},
        {"polygon of 3 points", edited("34.799000,113.299000 34.799000,113.301000 ", "")},
        {"circle without radius", edited("</polygon>", "</polygon><circle>34.8,113.3</circle>")},
        {"unknown element", edited("<scope>Public</scope>", "<scope>Public</scope><level>2</level>")},
        {"wrong namespace", edited("urn:oasis:names:tc:emergency:cap:1.2", "urn:oasis:names:tc:emergency:cap:1.1")},
        {"two senders", edited("<sender>", "<sender>x</sender><sender>")},
    };
    for (const auto& [what, xml] : broken) EXPECT_NE(cap_schema().errors(xml), "") << what << "\n" << xml;
}
