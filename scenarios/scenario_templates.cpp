// Scenario templates on the SYNTHETIC Shangjie district (scenario_templates.hpp). Every forcing
// here is illustrative or synthetic except the 7·20 storm's published anchors (scenarios/storm.hpp).
#include "scenarios/scenario_templates.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "scenarios/storm.hpp"

namespace floodsim {
namespace {

using district::District;
using district::Point;

std::string num(double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.10g", v);
    return b;
}
std::string pt(const Point& p) {
    char b[96];
    std::snprintf(b, sizeof b, "[%.10g, %.10g]", p[0], p[1]);
    return b;
}

const char* const kSynthetic =
    "SYNTHETIC district with the layout of Shangjie (Zhengzhou): NOT survey data. Terrain, rivers,\n"
    "levees, buildings and positions are generated; only the shelter names are real.";

/// '#'-commented copy of a multi-line text.
std::string commented(const std::string& text) {
    std::istringstream in(text);
    std::string line, out;
    while (std::getline(in, line)) out += "# " + line + "\n";
    return out;
}

/// A CSV of time_s and one value column, with '#' header lines.
std::string series_csv(const std::vector<std::string>& header, const std::string& column,
                       const std::vector<std::pair<double, double>>& rows) {
    std::string s;
    for (const std::string& h : header) s += "# " + h + "\n";
    s += "time_s," + column + "\n";
    for (const auto& [t, v] : rows) s += num(t) + "," + num(v) + "\n";
    return s;
}

std::string hyetograph_csv(const Hyetograph& h) {
    std::ostringstream out;
    write_hyetograph_csv(out, h);
    return out.str();
}

/// Rows of h within [t0, t1), moved to start at 0, and a last row of 0 at t1 - t0.
/// (The full storm's header states its own time origin, so the slice takes a header of its own.)
Hyetograph slice(const Hyetograph& h, double t0, double t1) {
    Hyetograph out;
    for (std::size_t k = 0; k < h.time_s.size(); ++k)
        if (h.time_s[k] >= t0 && h.time_s[k] < t1) {
            out.time_s.push_back(h.time_s[k] - t0);
            out.intensity_mm_h.push_back(h.intensity_mm_h[k]);
        }
    out.time_s.push_back(t1 - t0);
    out.intensity_mm_h.push_back(0.0);
    return out;
}

std::string landuse_csv(const District& d, double dtheta_factor, const std::string& note) {
    std::string s = commented(kSynthetic) + "# Land-use classes, Green-Ampt after Rawls et al. (1983); " + note + "\n";
    for (const auto& c : d.classes) s += "# " + std::to_string(c.code) + ": " + c.name + "\n";
    s += "class,manning,ks_mm_h,psi_mm,dtheta\n";
    for (const auto& c : d.classes)
        s += std::to_string(c.code) + "," + num(c.manning) + "," + num(c.ks_mm_h) + "," + num(c.psi_mm) + "," +
             num(c.dtheta * dtheta_factor) + "\n";
    return s;
}

// ---------------------------------------------------------------------------------------------
// TOML pieces

/// The forecast templates (urban, 720: the speed goals of a forecast run far ahead of the water)
/// step in single precision: twice the speed of double on the district, the same steps, depths
/// within a millimetre and the balance closed to ~1e-7 (docs/performance-templates.md). fv1 for
/// all: the inertial scheme blew up on the urban and 720 templates' roofs and steep hills, and the
/// flash flood is supercritical.
std::string precision(TemplateKind kind) {
    const bool forecast = kind == TemplateKind::Urban || kind == TemplateKind::Storm720;
    return forecast ? "precision = \"single\"          # a forecast: 2x faster, depths within 1 mm "
                      "(docs/performance-templates.md)\n"
                    : "";
}

struct Head {
    std::string name, summary, duration, output_interval, gauge_interval;
    std::string start = "";  ///< [time] start, the clock time of t = 0; empty: none
};

std::string head(const District& d, TemplateKind kind, const Head& h) {
    return commented(kSynthetic) + "# " + h.summary + "\n# Made by: floodsim scenario new --template " +
           template_name(kind) + " --resolution " + num(d.dx) + " --seed " + std::to_string(d.options.seed) +
           " (docs/scenarios.md)\nformat = 1\nname = \"" + h.name +
           "\"\n\n[domain]\ndem = \"dem.tif\"            # EPSG:32649, the district without buildings, "
           "channels and levees\n\n[landuse]\nmap = \"landuse.tif\"\ntable = \"landuse.csv\"       # manning and "
           "Green-Ampt per class\n\n[infiltration]\nmodel = \"green_ampt\"        # parameters from landuse.csv\n\n"
           "[time]\n" + (h.start.empty() ? std::string() : "start = " + h.start + "  # t = 0, Beijing time\n") +
           "duration = \"" + h.duration + "\"\noutput_interval = \"" + h.output_interval + "\"\ngauge_interval = \"" +
           h.gauge_interval + "\"\n\n[solver]\nscheme = \"fv1\"\n" + precision(kind) + "cfl = 0.5\nthreads = 0\n"
           "sinks_interval = \"10s\"        # drains and soils act every 10 s: a quarter faster, depths within "
           "1 cm (docs/processes.md)\n\n";
}

std::string terrain(const District& d) {
    std::string s =
        "[buildings]                 # footprints raised by their height: roofs shed their rain\n"
        "file = \"district.gpkg\"\nlayer = \"buildings\"\nmethod = \"raise\"\nheight_field = \"height_m\"\n\n";
    for (const auto& r : d.rivers)
        s += "[[channel]]                 # " + r.label + "\nname = \"" + r.name +
             "\"\nfile = \"district.gpkg\"\nlayer = \"" + r.name + "\"\nwidth = " + num(r.width_m) +
             "\ndepth = " + num(r.depth_m) + "\nmanning = " + num(r.manning) + "\n\n";
    for (const auto& l : d.levees)
        s += "[[wall]]                    # levee on the town side\nname = \"" + l.name +
             "\"\nfile = \"district.gpkg\"\nlayer = \"" + l.name + "\"\nheight = " + num(l.height_m) + "\n\n";
    s += "[[boundary]]                # the plain and both rivers leave northwards\nside = \"north\"\n"
         "kind = \"normal_depth\"\nslope = 0.004\n\n"
         "[[boundary]]                # the land falls away beyond the west and east sides: outflow only\nside = "
         "\"west\"\n"
         "kind = \"critical\"\n\n[[boundary]]\nside = \"east\"\nkind = \"critical\"\n\n";
    return s;
}

std::string gauge(const std::string& name, const Point& p, const std::string& what) {
    return "[[gauge]]                   # " + what + "\nname = \"" + name + "\"\nx = " + num(p[0]) +
           "\ny = " + num(p[1]) + "\n\n";
}

Point storage_centre(const District& d) {
    return {(d.storage[0][0] + d.storage[2][0]) / 2, (d.storage[0][1] + d.storage[2][1]) / 2};
}

std::string town_gauges(const District& d) {
    std::string s = gauge("town-centre", d.town_centre, "the town centre, a street crossing");
    for (const auto& u : d.underpasses) s += gauge(u.id, u.at, "railway underpass (low spot), pump intake");
    s += gauge("storage", storage_centre(d), "storage (detention) area");
    return s;
}

std::string pumps(const District& d) {
    std::string s;
    for (const auto& u : d.underpasses)
        s += "[[pump]]                    # underpass pump station, into the sewer outfall (out of the model)\nname = "
             "\"" +
             u.id + "\"\nx = " + num(u.at[0]) + "\ny = " + num(u.at[1]) +
             "\ncapacity_m3_s = 1.5\non_depth = 0.30\noff_depth = 0.05\n\n";
    return s;
}

std::string drainage(const std::string& efficiency) {
    return "[drainage]                  # storm drains: capacity per zone (old town 20, new town 35, village 10 mm/h)\n"
           "capacity_mm_h = \"drain_capacity.tif\"\n" +
           efficiency + "\n";
}

std::string output() { return "[output]\nfile = \"out/result.h5\"\nvariables = [\"depth\", \"velocity\"]\n"; }

/// An [[inflow]] line across a river, one and a half cells inside the south edge.
std::string river_inflow(const District& d, const district::River& r, const std::string& csv) {
    const double y = district::kSouth + 1.5 * d.dx;
    const Point c = district::point_at_northing(r.line, y);
    const double half = r.width_m / 2 + d.dx;
    return "[[inflow]]                  # " + r.label + " entering from the hills (synthetic hydrograph)\nname = \"" +
           r.name + "-in\"\nline = [" + pt({c[0] - half, y}) + ", " + pt({c[0] + half, y}) + "]\nseries = \"" + csv +
           "\"\n\n";
}

std::string river_gauges(const District& d) {
    const double y = district::kSouth + 6000.0;
    return gauge("sishui-town", district::point_at_northing(d.rivers[0].line, y), "Sishui channel beside the town") +
           gauge("ku-town", district::point_at_northing(d.rivers[1].line, y), "Ku channel beside the town");
}

TextFile readme(const District& d, TemplateKind kind, const std::string& body) {
    return {"README.txt", std::string(kSynthetic) + "\n\nTemplate: " + template_name(kind) + " (resolution " +
                              num(d.dx) + " m, seed " + std::to_string(d.options.seed) + ")\n" + body +
                              "\nFiles: scenario.toml; dem.tif, landuse.tif (+ landuse.csv), drain_capacity.tif "
                              "(mm/h); district.gpkg (buildings, sishui, ku, sishui-levee, ku-levee, town, village, "
                              "storage_area, drainage_zones, underpasses); assets.gpkg (layer assets: 6 shelters, 137 "
                              "key points; id, kind, name). Run: floodsim check scenario.toml && floodsim run "
                              "scenario.toml. See docs/scenarios.md.\n"};
}

// ---------------------------------------------------------------------------------------------
// The templates

/// Illustrative storm-intensity formula (NOT Zhengzhou's official one): A1 16 mm/min, C 0.9,
/// b 15 min, n 0.8; 20-year, 2 h, peak at 0.4, 5 min steps.
ChicagoParams urban_storm() {
    ChicagoParams p;
    p.a1_mm_min = 16.0;
    p.c = 0.9;
    p.b_min = 15.0;
    p.n = 0.8;
    p.return_period_years = 20;
    p.duration_s = 7200;
    p.peak_fraction = 0.4;
    p.step_s = 300;
    return p;
}

TemplateInputs urban(const District& d) {
    Hyetograph h = chicago_storm(urban_storm());
    h.header.insert(h.header.begin(),
                    "ILLUSTRATIVE parameters (A1 16 mm/min, C 0.9, b 15 min, n 0.8, P 20 years), "
                    "not the city's official formula");
    const std::string toml =
        head(d, TemplateKind::Urban,
             {"shangjie-urban",
              "Urban waterlogging: a 20-year Chicago design storm of 2 h (illustrative), drains, underpass pumps", "3h",
              "10min", "1min"}) +
        "[rain]\nseries = \"rain.csv\"             # Chicago hyetograph, 5 min steps\n\n" + drainage("") + pumps(d) +
        terrain(d) + town_gauges(d) + output();
    return {{{"scenario.toml", toml},
             {"rain.csv", hyetograph_csv(h)},
             {"landuse.csv", landuse_csv(d, 1.0, "dry antecedent soils")},
             readme(d, TemplateKind::Urban,
                    "Urban waterlogging under a 20-year, 2-hour Chicago design storm (ILLUSTRATIVE formula "
                    "parameters), storm drains by zone, pumps at the five railway underpasses; 3 h.\n")},
            {}};
}

std::vector<std::pair<double, double>> hydrograph(double base, double peak, double t_peak_h) {
    return {{0, base},
            {3600 * (t_peak_h - 1.5), base + 0.15 * (peak - base)},
            {3600 * (t_peak_h - 0.5), base + 0.7 * (peak - base)},
            {3600 * t_peak_h, peak},
            {3600 * (t_peak_h + 1.0), base + 0.6 * (peak - base)},
            {3600 * (t_peak_h + 2.5), base + 0.2 * (peak - base)},
            {3600 * (t_peak_h + 24.0), base}};
}

std::string breach(const District& d) {
    return "[[breach]]                  # the Ku's town-side levee fails near the peak\nwall = \"ku-levee\"\nx = " +
           num(d.breach[0]) + "\ny = " + num(d.breach[1]) +
           "\nstart = \"1.5h\"\nduration = \"20min\"\nwidth = " + num(std::max(100.0, 2.0 * d.dx)) +
           "                # two cells at least: a cell opens fully only when the opening spans it\nbottom = " +
           num(d.ground_at(d.breach) - 1.5) + "\n\n";
}

TemplateInputs river(const District& d) {
    const std::vector<std::string> note{"SYNTHETIC hydrograph (m3/s), linear between rows; not a gauged record"};
    const std::string toml =
        head(d, TemplateKind::River,
             {"shangjie-river",
              "River flood: Sishui and Ku overflow from upstream hydrographs; the Ku levee breaches at 1.5 h", "6h",
              "10min", "1min"}) +
        river_inflow(d, d.rivers[0], "sishui_q.csv") + river_inflow(d, d.rivers[1], "ku_q.csv") + breach(d) +
        terrain(d) + river_gauges(d) + gauge("ku-breach", d.breach, "the breach in the Ku levee") +
        gauge("ku-breach-town", d.breach_town_side, "town side, 400 m west of the breach") +
        gauge("storage", storage_centre(d), "storage (detention) area, north-west of the breach") +
        gauge("town-centre", d.town_centre, "the town centre") + output();
    return {
        {{"scenario.toml", toml},
         {"sishui_q.csv", series_csv(note, "value", hydrograph(30, 1500, 2.5))},
         {"ku_q.csv", series_csv(note, "value", hydrograph(15, 900, 2.0))},
         {"landuse.csv", landuse_csv(d, 1.0, "dry antecedent soils")},
         readme(d, TemplateKind::River,
                "River flood: synthetic upstream hydrographs of the Sishui (peak 1500 m3/s at 2.5 h) and the Ku "
                "(900 m3/s at 2 h) overflow their channels; the Ku's town-side levee breaches at 1.5 h (100 m wide, "
                "two cells at least, in 20 min) and floods the town side; 6 h.\n")},
        {}};
}

/// The cloudburst over Wuyun Mountain: a slow storm cell drifting north-west, 10-min grids.
CellRain cloudburst(const District& d) {
    CellRain r;
    r.cell.x0 = d.wuyun_peak[0] - 200;
    r.cell.y0 = d.wuyun_peak[1] + 200;
    r.cell.x1 = d.village_centre[0];
    r.cell.y1 = d.village_centre[1];
    r.cell.speed_m_s = 0.3;
    r.cell.radius_m = 1500;
    r.peak.time_s = {0, 600, 1200, 1800, 2400, 3000, 3600, 4200};
    r.peak.intensity_mm_h = {60, 120, 200, 240, 160, 80, 30, 0};  // mm/h at the centre
    r.duration_s = 4200;
    r.step_s = 600;
    r.folder = "rain";
    r.description =
        "SYNTHETIC cloudburst over Wuyun Mountain (floodsim scenario new --template flash): a Gaussian "
        "cell, sigma 1500 m, drifting north-west at 0.3 m/s; centre 60, 120, 200, 240, 160, 80, 30 mm/h "
        "per 10 min";
    return r;
}

TemplateInputs flash(const District& d) {
    TemplateInputs in;
    in.cell_rain = cloudburst(d);
    const Point mid = d.valleys[0][1];
    const std::string toml =
        head(d, TemplateKind::Flash,
             {"shangjie-flash",
              "Flash flood: a cloudburst on Wuyun Mountain (rain grids), Green-Ampt loess soils, the village at the "
              "valley mouth",
              "3h", "10min", "1min"}) +
        "[rain]\ngrids = \"rain/rain_grids.csv\"   # 10-min grids of the storm cell, mm/h\n\n" + terrain(d) +
        gauge("valley", mid, "the valley from Wuyun Mountain, upstream of the village") +
        gauge("village", d.village_centre, "the village at the valley mouth") +
        gauge("town-south", {d.village_centre[0], d.village_centre[1] + 500}, "the southern edge of the town") +
        output();
    in.texts = {
        {"scenario.toml", toml},
        {"landuse.csv", landuse_csv(d, 1.0, "dry antecedent soils (a summer cloudburst)")},
        readme(d, TemplateKind::Flash,
               "Flash flood: a synthetic cloudburst (peak 240 mm/h at its centre, 148 mm in 70 min) sits on Wuyun "
               "Mountain for "
               "70 min; runoff from the loess hills (Green-Ampt) runs down the valley to the village at its mouth "
               "(gauge 'village'); 3 h.\n")};
    return in;
}

TemplateInputs storm720(const District& d) {
    Hyetograph h = slice(storm_720({}), k720DayStartS, k720LengthS);
    h.header = {
        "7-20-style storm (floodsim storm 720, docs/storms.md), its anchored day only: time_s = 0 is 2021-07-19 "
        "20:00:00 Beijing time (UTC+8), the last row (0) at 86400 s = 2021-07-20 20:00",
        "measured (Zhengzhou station): 201.9 mm in 2021-07-20 16:00-17:00 (time_s 72000-75600); 552.5 mm over the "
        "whole file (the 24 h to 20:00 20 July)",
        "synthetic: every hour except 16:00-17:00 (whose split into 5-min steps is synthetic); they sum to the "
        "measured day"};
    const std::vector<std::string> note{
        "SYNTHETIC hydrograph (m3/s) for the 7.20 template, time_s = 0 at 20:00 19 July 2021; not a gauged record"};
    const std::string eff = series_csv(
        {"Drain efficiency (0..1), each value holding until the next row: inlets blocking from 14:00, sewers",
         "surcharged and outfalls drowned by the rivers in the peak hour (16-17 h), power cut after. Synthetic."},
        "value", {{0, 1.0}, {18 * 3600.0, 0.6}, {20 * 3600.0, 0.25}, {21 * 3600.0, 0.1}});
    const std::string toml = head(d, TemplateKind::Storm720,
                                  {"shangjie-720",
                                   "The 7.20 combination: the 7.20 storm (24 h to 20:00 20 July 2021), river inflows, "
                                   "drains failing mid-storm",
                                   "24h", "30min", "5min", "2021-07-19T20:00:00+08:00"}) +
                             "[rain]\nseries = \"rain.csv\"             # floodsim storm 720, the anchored day\n\n" +
                             drainage("efficiency = \"drain_efficiency.csv\"\n") + pumps(d) +
                             river_inflow(d, d.rivers[0], "sishui_q.csv") + river_inflow(d, d.rivers[1], "ku_q.csv") +
                             terrain(d) + town_gauges(d) + river_gauges(d) +
                             gauge("village", d.village_centre, "the village at the valley mouth") + output();
    return {
        {{"scenario.toml", toml},
         {"rain.csv", hyetograph_csv(h)},
         {"drain_efficiency.csv", eff},
         {"sishui_q.csv", series_csv(note, "value", hydrograph(40, 600, 21.5))},
         {"ku_q.csv", series_csv(note, "value", hydrograph(20, 300, 21.0))},
         {"landuse.csv", landuse_csv(d, 1.0 / 3.0, "moisture deficit a third of dry: soils wet after days of rain")},
         readme(d, TemplateKind::Storm720,
                "The 7.20 combination: the 7.20 storm's anchored day (552.5 mm, 201.9 mm in 16-17 h; the other "
                "hours synthetic), synthetic river inflows peaking after the storm, drains failing from 14:00 "
                "(efficiency 0.6, 0.25, 0.1), wet soils; 24 h from 20:00 19 July 2021.\n")},
        {}};
}

}  // namespace

std::optional<TemplateKind> parse_template_kind(const std::string& name) {
    if (name == "urban") return TemplateKind::Urban;
    if (name == "river") return TemplateKind::River;
    if (name == "flash") return TemplateKind::Flash;
    if (name == "720") return TemplateKind::Storm720;
    return std::nullopt;
}

std::string template_name(TemplateKind kind) {
    switch (kind) {
        case TemplateKind::Urban:
            return "urban";
        case TemplateKind::River:
            return "river";
        case TemplateKind::Flash:
            return "flash";
        case TemplateKind::Storm720:
            return "720";
    }
    return "";
}

TemplateInputs template_inputs(const district::District& d, TemplateKind kind) {
    switch (kind) {
        case TemplateKind::Urban:
            return urban(d);
        case TemplateKind::River:
            return river(d);
        case TemplateKind::Flash:
            return flash(d);
        case TemplateKind::Storm720:
            return storm720(d);
    }
    return {};
}

}  // namespace floodsim
