#include "scenarios/scenario_loader.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <limits>
#include <set>
#include <sstream>
#include <string_view>

#include "mesh/input_error.hpp"
#include "scenarios/duration.hpp"
#include "scenarios/series_csv.hpp"

namespace floodsim {
namespace {

namespace fs = std::filesystem;
using Keys = std::initializer_list<std::string_view>;

/// Messages must stay on one line: control characters are escaped, long text is cut.
std::string one_line(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (static_cast<unsigned char>(c) < 0x20) out += '?';
        else out += c;
    }
    if (out.size() > 160) out = out.substr(0, 157) + "...";
    return out;
}

std::string type_name(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::table: return "a table";
        case toml::node_type::array: return "an array";
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a float";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::date: return "a date";
        case toml::node_type::time: return "a time";
        case toml::node_type::date_time: return "a date-time";
        default: return "nothing";
    }
}

/// A float as short as round-trips, TOML style (1.0, 0.03, nan, -inf).
std::string format_float(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    std::string s(buf, res.ptr);
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
}

/// The node as the user wrote it, roughly: strings bare (empty as ""), scalars and arrays in
/// TOML syntax, tables as {table}.
std::string render(const toml::node& n) {
    if (const auto* s = n.as_string()) return s->get().empty() ? "\"\"" : s->get();
    if (n.is_table()) return "{table}";
    if (const auto* f = n.as_floating_point()) return format_float(f->get());
    if (const auto* i = n.as_integer()) return std::to_string(i->get());
    if (const auto* b = n.as_boolean()) return b->get() ? "true" : "false";
    if (const auto* a = n.as_array()) {
        std::string out = "[";
        for (size_t k = 0; k < a->size(); ++k) {
            const toml::node& e = *a->get(k);
            out += (k ? ", " : "") + (e.is_string() ? "\"" + render(e) + "\"" : render(e));
        }
        return out + "]";
    }
    std::ostringstream os;  // dates and times
    if (const auto* d = n.as_date()) os << *d;
    else if (const auto* t = n.as_time()) os << *t;
    else if (const auto* dt = n.as_date_time()) os << *dt;
    return os.str();
}

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1] ? 1u : 0u)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string join(Keys items) {
    std::string out;
    for (auto it : items) out += (out.empty() ? "" : ", ") + std::string(it);
    return out;
}

/// Reads one scenario file. Holds the file name and folder so every error can name them.
class Loader {
public:
    Loader(std::string file, fs::path folder) : file_(std::move(file)), folder_(std::move(folder)) {}

    [[noreturn]] void fail(const std::string& key, std::string_view value,
                           const std::string& why) const {
        throw InputError(file_, key, one_line(value), one_line(why));
    }
    [[noreturn]] void fail(const std::string& key, const toml::node& n, const std::string& why) const {
        std::string where;
        if (n.source().begin.line > 0) where = " (line " + std::to_string(n.source().begin.line) + ")";
        fail(key, render(n), why + where);
    }

    /// Every key in `t` must be one of `allowed`; typos are named, with a suggestion.
    void check_keys(const toml::table& t, const std::string& prefix, Keys allowed) const {
        for (auto&& [k, v] : t) {
            const std::string_view name = k.str();
            if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
            std::string why = "unknown key";
            std::string_view best;
            size_t best_d = 3;  // suggest only close matches
            for (auto a : allowed) {
                const size_t d = edit_distance(name, a);
                if (d < best_d) best_d = d, best = a;
            }
            if (!best.empty()) why += " (did you mean '" + std::string(best) + "'?)";
            why += "; valid keys" + std::string(prefix.empty() ? "" : " in [" + prefix + "]") +
                   ": " + join(allowed);
            fail(prefix.empty() ? std::string(name) : prefix + "." + std::string(name), v, why);
        }
    }

    static std::string dotted(const std::string& prefix, std::string_view name) {
        return prefix.empty() ? std::string(name) : prefix + "." + std::string(name);
    }

    /// The key `name` of table `t` (whose path is `prefix`); missing: fails naming it and what it
    /// should hold.
    const toml::node& required(const toml::table& t, const std::string& prefix, const char* name,
                               const std::string& what) const {
        const toml::node* n = t.get(name);
        if (!n) fail(dotted(prefix, name), "", "missing required key (" + what + ")");
        return *n;
    }

    const toml::table* table(const toml::table& parent, std::string_view name, const std::string& key) const {
        const toml::node* n = parent.get(name);
        if (!n) return nullptr;
        if (const auto* t = n->as_table()) return t;
        fail(key, *n, "expected a table ([" + key + "]), got " + type_name(*n));
    }

    double number(const toml::node& n, const std::string& key) const {
        double v = 0.0;
        if (const auto* i = n.as_integer()) v = static_cast<double>(i->get());
        else if (const auto* f = n.as_floating_point()) v = f->get();
        else fail(key, n, "expected a number, got " + type_name(n));
        if (!std::isfinite(v)) fail(key, n, "must be a finite number");
        return v;
    }

    std::string string(const toml::node& n, const std::string& key, bool allow_empty = false) const {
        const auto* s = n.as_string();
        if (!s) fail(key, n, "expected a string, got " + type_name(n));
        if (!allow_empty && s->get().empty()) fail(key, n, "must not be empty");
        return s->get();
    }

    /// A path from the file, resolved against the scenario folder and made absolute.
    std::string resolve(const std::string& p) const {
        fs::path q(p);
        if (q.is_relative()) q = folder_ / q;
        return q.lexically_normal().string();
    }

    /// A path to an input file that must exist.
    std::string existing_file(const toml::node& n, const std::string& key, const char* what) const {
        const std::string abs = resolve(string(n, key));
        std::error_code ec;
        if (!fs::exists(abs, ec)) fail(key, n, std::string(what) + " not found: " + abs);
        return abs;
    }

    /// A number (checked by `check`, which returns an error reason or "") or a raster path.
    ValueOrRaster value_or_raster(const toml::node& n, const std::string& key,
                                  const std::function<std::string(double)>& check) const {
        ValueOrRaster out;
        out.key = key;
        if (n.is_string()) {
            out.raster = existing_file(n, key, "raster");
        } else if (n.is_number()) {
            const double v = number(n, key);
            if (const std::string why = check(v); !why.empty()) fail(key, n, why);
            out.value = v;
        } else {
            fail(key, n, "expected a number or a raster path (string), got " + type_name(n));
        }
        return out;
    }

    /// A duration in seconds (a number, or a string such as "15min"), > 0 (>= 0 with allow_zero).
    double duration(const toml::node& n, const std::string& key, bool allow_zero = false) const {
        double s = 0.0;
        if (const auto* str = n.as_string()) s = parse_duration(std::string_view(str->get()), file_, key);
        else if (n.is_number()) s = parse_duration(number(n, key), file_, key);
        else fail(key, n, "expected a duration (seconds, or a string such as \"15min\"), got " + type_name(n));
        if (allow_zero ? s < 0.0 : s <= 0.0) fail(key, n, allow_zero ? "must not be negative" : "must be greater than zero");
        return s;
    }

    /// [x, y]: an array of exactly two numbers.
    std::array<double, 2> point(const toml::node& n, const std::string& key) const {
        const auto* a = n.as_array();
        if (!a || a->size() != 2) fail(key, n, "expected an array of 2 numbers [x, y]");
        return {number(*a->get(0), key + "[0]"), number(*a->get(1), key + "[1]")};
    }

    /// An array of tables ([[name]]).
    std::vector<const toml::table*> table_array(const toml::table& root, std::string_view name) const {
        std::vector<const toml::table*> out;
        const toml::node* n = root.get(name);
        if (!n) return out;
        const auto* a = n->as_array();
        if (!a) fail(std::string(name), *n, "expected an array of tables ([[" + std::string(name) + "]]), got " + type_name(*n));
        for (size_t i = 0; i < a->size(); ++i) {
            const auto* t = a->get(i)->as_table();
            if (!t)
                fail(std::string(name) + "[" + std::to_string(i) + "]", *a->get(i),
                     "expected a table ([[" + std::string(name) + "]]), got " + type_name(*a->get(i)));
            out.push_back(t);
        }
        return out;
    }

    void load(const toml::table& root, Scenario& sc) const;

private:
    void load_domain(const toml::table& root, Scenario& sc) const;
    void load_initial(const toml::table& root, Scenario& sc) const;
    void load_time(const toml::table& root, Scenario& sc) const;
    void load_solver(const toml::table& root, Scenario& sc) const;
    void load_boundaries(const toml::table& root, Scenario& sc) const;
    void outflow_slope(const toml::table& t, const std::string& p, const std::string& kind, BoundaryConfig& b) const;
    void load_rain(const toml::table& root, Scenario& sc) const;
    void load_rain_grids(const toml::table& t, Scenario& sc) const;
    void load_drainage(const toml::table& root, Scenario& sc) const;
    void load_inflows(const toml::table& root, Scenario& sc) const;
    void load_infiltration(const toml::table& root, Scenario& sc) const;
    void load_landuse(const toml::table& root, Scenario& sc) const;
    void load_buildings(const toml::table& root, Scenario& sc) const;
    void load_walls(const toml::table& root, Scenario& sc) const;
    void load_breaches(const toml::table& root, Scenario& sc) const;
    void line_or_file(const toml::table& t, const std::string& p, std::vector<std::array<double, 2>>& line,
                      std::string& file, std::string& layer) const;
    void load_channels(const toml::table& root, Scenario& sc) const;
    void channel_bed(const toml::table& t, const std::string& p, ChannelConfig& c) const;
    void load_pumps(const toml::table& root, Scenario& sc) const;
    void load_gauges(const toml::table& root, Scenario& sc) const;
    void load_output(const toml::table& root, Scenario& sc) const;
    void load_warning(const toml::table& root, Scenario& sc) const;
    void load_checkpoint(const toml::table& root, Scenario& sc) const;

    /// An ISO 8601 clock time with its UTC offset (a TOML offset date-time or a string).
    ClockTime clock_time(const toml::node& n, const std::string& key) const {
        std::string text;
        if (const auto* dt = n.as_date_time()) {
            std::ostringstream os;
            os << *dt;
            text = os.str();
        } else if (n.as_string()) {
            text = n.as_string()->get();
        } else {
            fail(key, n, "expected a clock time with its UTC offset, e.g. 2021-07-20T16:00:00+08:00; got " + type_name(n));
        }
        const auto c = parse_clock_time(text);
        if (!c) fail(key, n, "not a clock time with a UTC offset (e.g. 2021-07-20T16:00:00+08:00)");
        return *c;
    }

    std::string file_;
    fs::path folder_;
};

std::string non_negative(double v) { return v < 0.0 ? "must be >= 0" : ""; }
std::string any_value(double) { return ""; }

void Loader::load(const toml::table& root, Scenario& sc) const {
    check_keys(root, "",
               {"format", "name", "domain", "initial", "time", "solver", "boundary", "rain", "landuse", "buildings",
                "wall", "breach", "channel", "drainage", "infiltration", "inflow", "pump", "gauge", "output", "warning",
                "checkpoint"});

    if (const toml::node* n = root.get("format")) {
        const auto* i = n->as_integer();
        if (!i) fail("format", *n, "expected the integer 1, got " + type_name(*n));
        if (i->get() != 1) fail("format", *n, "unsupported format version; this floodsim reads format 1");
        sc.format = 1;
    }
    if (const toml::node* n = root.get("name")) {
        sc.name = string(*n, "name");
        // The name becomes a file name (default output) and an HDF5 attribute: keep it plain.
        if (sc.name.find_first_of("/\\") != std::string::npos)
            fail("name", *n, "must not contain '/' or '\\'");
        for (char c : sc.name)
            if (static_cast<unsigned char>(c) < 0x20) fail("name", *n, "must not contain control characters");
    }

    load_domain(root, sc);
    load_initial(root, sc);
    load_time(root, sc);
    load_solver(root, sc);
    load_boundaries(root, sc);
    load_rain(root, sc);
    load_landuse(root, sc);
    load_buildings(root, sc);
    load_walls(root, sc);
    load_breaches(root, sc);
    load_channels(root, sc);
    load_drainage(root, sc);
    load_infiltration(root, sc);
    load_inflows(root, sc);
    load_pumps(root, sc);
    load_gauges(root, sc);
    load_output(root, sc);
    load_warning(root, sc);
    load_checkpoint(root, sc);
    // A land-use column that no process reads would be silently ignored.
    if (sc.landuse) {
        if (sc.landuse->has("drain_mm_h") && !sc.drainage)
            throw InputError(sc.landuse->table, "landuse.table row 1", "drain_mm_h",
                             "a drain capacity column needs a [drainage] table (it may hold only efficiency)");
        for (const char* p : {"ks_mm_h", "psi_mm", "dtheta", "f0_mm_h", "fc_mm_h", "k_h", "cn"})
            if (sc.landuse->has(p) && !sc.infiltration)
                throw InputError(sc.landuse->table, "landuse.table row 1", p,
                                 "an infiltration parameter column needs an [infiltration] table with its model");
    }
}

void Loader::load_domain(const toml::table& root, Scenario& sc) const {
    const toml::table* t = table(root, "domain", "domain");
    if (!t) fail("domain", "", "missing required table [domain] (with dem = \"...\")");
    check_keys(*t, "domain", {"dem", "manning", "crs", "resolution", "z_scale"});

    const toml::node* dem = t->get("dem");
    if (!dem) fail("domain.dem", "", "missing required key (the DEM raster path)");
    sc.dem = existing_file(*dem, "domain.dem", "DEM file");

    // 0 = frictionless (analytic benchmarks: dam breaks, Thacker's basins).
    if (const toml::node* n = t->get("manning")) {
        sc.manning = value_or_raster(*n, "domain.manning", non_negative);
        sc.manning_given = true;
    } else {
        sc.manning = ValueOrRaster{0.03, "", "domain.manning"};
    }

    if (const toml::node* n = t->get("crs")) sc.crs = string(*n, "domain.crs");
    if (const toml::node* n = t->get("resolution")) {
        const double r = number(*n, "domain.resolution");
        if (r <= 0.0) fail("domain.resolution", *n, "must be > 0 (metres)");
        sc.resolution = r;
    }
    if (const toml::node* n = t->get("z_scale")) {
        const double f = number(*n, "domain.z_scale");
        if (f <= 0.0) fail("domain.z_scale", *n, "must be > 0 (metres per DEM unit: 0.001 for millimetres, 0.3048 for feet)");
        sc.z_scale = f;
    }
}

namespace {

// Values no flood has (a typo, a unit slip, a broken export): refused instead of running into
// overflow. Rain: the world's one-minute record is about 2000 mm/h. Discharge: fifty Amazons.
// Levels: as the DEM's elevations (raster_io.hpp, kMaxElevation).
constexpr double kMaxRainMmH = 1.0e4;
constexpr double kMaxDischarge = 1.0e7;
constexpr double kMaxLevel = 1.0e5;
constexpr const char* kRainWhy = "more than 10000 mm/h: no rain is that intense (a unit slip?)";
constexpr const char* kDischargeWhy = "more than 1e7 m3/s in size: no river carries that (a unit slip?)";
constexpr const char* kLevelWhy = "a level no terrain has (|level| > 1e5 m)";

/// Every value of a series within [-limit, limit] (or [0, limit]); otherwise InputError naming
/// the CSV, the key and the value.
void check_series_range(const SeriesData& s, double limit, const char* why) {
    for (std::size_t k = 0; k < s.value.size(); ++k)
        if (!(std::abs(s.value[k]) <= limit))
            throw InputError(s.path, s.key, format_number(s.value[k], 3), std::string(why) + " (data row " + std::to_string(k + 1) + ")");
}
}  // namespace

void Loader::load_initial(const toml::table& root, Scenario& sc) const {
    const toml::table* t = table(root, "initial", "initial");
    if (!t) return;
    check_keys(*t, "initial", {"depth", "water_level", "velocity_x", "velocity_y", "state"});
    if (const toml::node* n = t->get("state")) {
        for (const char* other : {"depth", "water_level", "velocity_x", "velocity_y"})
            if (t->get(other))
                fail("initial.state", *n, std::string("a hot start takes depths and velocities from the state: ") +
                                              "give no initial." + other + " beside it");
        sc.initial_state = existing_file(*n, "initial.state", "state file");
    }
    const toml::node* depth = t->get("depth");
    const toml::node* level = t->get("water_level");
    if (depth && level)
        fail("initial.water_level", *level, "give at most one of initial.depth and initial.water_level");
    if (depth)
        sc.depth = value_or_raster(*depth, "initial.depth", [](double v) -> std::string {
            return v < 0.0 ? "must be >= 0" : v > kMaxLevel ? "a depth no water has (> 1e5 m)" : "";
        });
    if (level)
        sc.water_level = value_or_raster(*level, "initial.water_level", [](double v) -> std::string {
            return std::abs(v) > kMaxLevel ? kLevelWhy : "";
        });
    if (const toml::node* n = t->get("velocity_x")) sc.velocity_x = value_or_raster(*n, "initial.velocity_x", any_value);
    if (const toml::node* n = t->get("velocity_y")) sc.velocity_y = value_or_raster(*n, "initial.velocity_y", any_value);
}


void Loader::load_time(const toml::table& root, Scenario& sc) const {
    const toml::table* t = table(root, "time", "time");
    if (!t) fail("time", "", "missing required table [time] (with duration = ...)");
    check_keys(*t, "time", {"duration", "output_interval", "gauge_interval", "start"});
    if (const toml::node* n = t->get("start")) sc.start = clock_time(*n, "time.start");
    const toml::node* d = t->get("duration");
    if (!d) fail("time.duration", "", "missing required key (e.g. duration = \"1h\")");
    sc.duration_s = duration(*d, "time.duration");
    const toml::node* o = t->get("output_interval");
    sc.output_interval_s = o ? duration(*o, "time.output_interval") : sc.duration_s;
    const toml::node* g = t->get("gauge_interval");
    sc.gauge_interval_s = g ? duration(*g, "time.gauge_interval") : sc.output_interval_s;
    // More frames or samples than this is a typo (seconds meant as minutes, a missing unit), and
    // the run would write for ever: 1e5 depth rasters, 1e7 gauge and mass-balance rows.
    constexpr double kMaxFrames = 1e5, kMaxSamples = 1e7;
    const auto count = [&](double interval) { return interval > 0.0 ? sc.duration_s / interval : 0.0; };
    if (o && count(sc.output_interval_s) > kMaxFrames)
        fail("time.output_interval", *o,
             "makes " + format_number(count(sc.output_interval_s), 3) + " frames of the duration; at most 100000");
    if (g && count(sc.gauge_interval_s) > kMaxSamples)
        fail("time.gauge_interval", *g,
             "makes " + format_number(count(sc.gauge_interval_s), 3) + " samples of the duration; at most 10000000");
}

void Loader::load_solver(const toml::table& root, Scenario& sc) const {
    const toml::table* t = table(root, "solver", "solver");
    if (!t) return;
    check_keys(*t, "solver", {"scheme", "cfl", "threads", "dry_depth", "precision", "min_dt", "max_speed",
                              "sinks_interval", "local_time_stepping"});
    if (const toml::node* n = t->get("scheme")) {
        sc.scheme = string(*n, "solver.scheme", true);
        if (sc.scheme != "fv1" && sc.scheme != "fv2" && sc.scheme != "inertial")
            fail("solver.scheme", *n, "unknown scheme; valid: fv1, fv2, inertial");
    }
    if (const toml::node* n = t->get("cfl")) {
        sc.cfl = number(*n, "solver.cfl");
        if (!(sc.cfl > 0.0 && sc.cfl <= 1.0)) fail("solver.cfl", *n, "must be in (0, 1]");
    }
    if (const toml::node* n = t->get("threads")) {
        const auto* i = n->as_integer();
        if (!i) fail("solver.threads", *n, "expected an integer, got " + type_name(*n));
        if (i->get() < 0) fail("solver.threads", *n, "must be >= 0 (0 = all cores)");
        if (i->get() > std::numeric_limits<int>::max()) fail("solver.threads", *n, "is too large");
        sc.threads = static_cast<int>(i->get());
    }
    if (const toml::node* n = t->get("dry_depth")) {
        sc.dry_depth = number(*n, "solver.dry_depth");
        if (sc.dry_depth <= 0.0) fail("solver.dry_depth", *n, "must be > 0 (metres)");
    }
    if (const toml::node* n = t->get("precision")) {
        sc.precision = string(*n, "solver.precision", true);
        if (sc.precision != "double" && sc.precision != "single")
            fail("solver.precision", *n, "unknown precision; valid: double, single");
    }
    if (const toml::node* n = t->get("min_dt")) {
        sc.min_dt = duration(*n, "solver.min_dt");
        if (!(*sc.min_dt > 0.0)) fail("solver.min_dt", *n, "must be > 0");
    }
    if (const toml::node* n = t->get("max_speed")) {
        sc.max_speed = number(*n, "solver.max_speed");
        if (!(sc.max_speed > 0.0)) fail("solver.max_speed", *n, "must be > 0 (m/s)");
    }
    if (const toml::node* n = t->get("sinks_interval")) {
        sc.sinks_interval = duration(*n, "solver.sinks_interval", true);
        if (sc.sinks_interval > 3600.0) fail("solver.sinks_interval", *n, "must be at most 1h (0 = every step)");
    }
    if (const toml::node* n = t->get("local_time_stepping")) {
        // true: 3 levels (steps up to 8 x the smallest); an integer: the levels, 0 = off
        if (const auto* b = n->as_boolean()) {
            sc.lts_levels = b->get() ? 3 : 0;
        } else if (const auto* i = n->as_integer()) {
            if (i->get() < 0 || i->get() > kScenarioMaxLtsLevels)
                fail("solver.local_time_stepping", *n, "levels must be 0.." + std::to_string(kScenarioMaxLtsLevels) + " (0 = off)");
            sc.lts_levels = static_cast<int>(i->get());
        } else {
            fail("solver.local_time_stepping", *n, "expected true, false or a number of levels, got " + type_name(*n));
        }
        if (sc.lts_levels > 0 && sc.scheme != "fv1")
            fail("solver.local_time_stepping", *n, "is built for scheme = \"fv1\" only (solver.scheme is \"" + sc.scheme + "\")");
    }
}

void Loader::load_boundaries(const toml::table& root, Scenario& sc) const {
    const auto tables = table_array(root, "boundary");
    for (size_t i = 0; i < tables.size(); ++i) {
        const toml::table& t = *tables[i];
        const std::string p = "boundary[" + std::to_string(i) + "]";
        check_keys(t, p, {"side", "kind", "value", "series", "slope", "from", "to"});
        BoundaryConfig b;
        b.index = static_cast<int>(i);

        const toml::node* side = t.get("side");
        if (!side) fail(p + ".side", "", "missing required key (west, east, north or south)");
        const std::string s = string(*side, p + ".side", true);
        if (s == "west") b.side = Side::West;
        else if (s == "east") b.side = Side::East;
        else if (s == "north") b.side = Side::North;
        else if (s == "south") b.side = Side::South;
        else fail(p + ".side", *side, "unknown side; valid: west, east, north, south");

        const toml::node* kind = t.get("kind");
        if (!kind) fail(p + ".kind", "", "missing required key (closed, free, level, discharge, normal_depth or critical)");
        const std::string k = string(*kind, p + ".kind", true);
        if (k == "closed") b.kind = BoundaryKind::Closed;
        else if (k == "free") b.kind = BoundaryKind::Free;
        else if (k == "level") b.kind = BoundaryKind::Level;
        else if (k == "discharge") b.kind = BoundaryKind::Discharge;
        else if (k == "normal_depth") b.kind = BoundaryKind::NormalDepth;
        else if (k == "critical") b.kind = BoundaryKind::Critical;
        else fail(p + ".kind", *kind, "unknown kind; valid: closed, free, level, discharge, normal_depth, critical");
        outflow_slope(t, p, k, b);

        const toml::node* value = t.get("value");
        const toml::node* series = t.get("series");
        if (b.kind == BoundaryKind::Closed || b.kind == BoundaryKind::Free || b.kind == BoundaryKind::NormalDepth ||
            b.kind == BoundaryKind::Critical) {
            if (value) fail(p + ".value", *value, "a " + k + " boundary takes no value");
            if (series) fail(p + ".series", *series, "a " + k + " boundary takes no series");
        } else {
            if (value && series) fail(p + ".series", *series, "give either value or series, not both");
            if (!value && !series)
                fail(p + ".value", "", "a " + k + " boundary needs value (number) or series (CSV path)");
            if (value) b.value = number(*value, p + ".value");
            if (series)
                b.series = read_series_csv(existing_file(*series, p + ".series", "CSV file"),
                                           p + ".series", "value");
            const bool level = b.kind == BoundaryKind::Level;
            const double limit = level ? kMaxLevel : kMaxDischarge;
            const char* why = level ? kLevelWhy : kDischargeWhy;
            if (b.value && !(std::abs(*b.value) <= limit)) fail(p + ".value", *value, why);
            if (b.series) check_series_range(*b.series, limit, why);
        }

        const toml::node* from = t.get("from");
        const toml::node* to = t.get("to");
        if (from && !to) fail(p + ".to", "", "from is given, so to is needed too");
        if (to && !from) fail(p + ".from", "", "to is given, so from is needed too");
        if (from) {
            b.from = point(*from, p + ".from");
            b.to = point(*to, p + ".to");
        }

        // A side given whole twice would make the condition ambiguous.
        for (const auto& other : sc.boundaries)
            if (other.side == b.side && (!other.from || !b.from))
                fail(p + ".side", *side,
                     "side also given by boundary[" + std::to_string(other.index) +
                         "]; several boundaries on one side need from/to segments");
        sc.boundaries.push_back(std::move(b));
    }
}

/// boundary[i].slope: required (> 0, at most 1) for normal_depth, refused for every other kind.
void Loader::outflow_slope(const toml::table& t, const std::string& p, const std::string& kind,
                           BoundaryConfig& b) const {
    const toml::node* slope = t.get("slope");
    if (b.kind != BoundaryKind::NormalDepth) {
        if (slope) fail(p + ".slope", *slope, "only a normal_depth boundary takes a slope (this one is " + kind + ")");
        return;
    }
    if (!slope) fail(p + ".slope", "", "a normal_depth boundary needs slope (the bed slope beyond the side, > 0)");
    const double v = number(*slope, p + ".slope");
    if (!(v > 0.0)) fail(p + ".slope", *slope, "must be > 0 (a normal-depth outflow needs a falling bed)");
    if (v > 1.0) fail(p + ".slope", *slope, "more than 1 (45 degrees): give the slope as a fraction (0.002 for 0.2 %)");
    b.slope = v;
}

void Loader::load_rain(const toml::table& root, Scenario& sc) const {
    const toml::table* t = table(root, "rain", "rain");
    if (!t) return;
    check_keys(*t, "rain", {"intensity_mm_h", "series", "grids", "grid_interval"});
    const toml::node* intensity = t->get("intensity_mm_h");
    const toml::node* series = t->get("series");
    if (intensity && series) fail("rain.series", *series, "give either intensity_mm_h or series, not both");
    load_rain_grids(*t, sc);
    if (!intensity && !series && sc.rain.grids.empty())
        fail("rain", "", "[rain] needs intensity_mm_h (number), series (CSV path) or grids (rasters)");
    if (!intensity && !series) return;
    if (intensity) {
        const double v = number(*intensity, "rain.intensity_mm_h");
        if (v < 0.0) fail("rain.intensity_mm_h", *intensity, "must be >= 0 (mm/h)");
        if (v > kMaxRainMmH) fail("rain.intensity_mm_h", *intensity, kRainWhy);
        sc.rain.intensity_mm_h = v;
    } else {
        sc.rain.series = read_series_csv(existing_file(*series, "rain.series", "CSV file"),
                                         "rain.series", "intensity_mm_h", true);
        check_series_range(*sc.rain.series, kMaxRainMmH, kRainWhy);
    }
}

/// rain.grids: a CSV index (time_s,file) or one raster whose bands are the times; rain.grid_interval
/// only with the latter. The rasters themselves are read by the model builder.
void Loader::load_rain_grids(const toml::table& t, Scenario& sc) const {
    const toml::node* grids = t.get("grids");
    const toml::node* interval = t.get("grid_interval");
    if (!grids) {
        if (interval) fail("rain.grid_interval", *interval, "needs rain.grids (a multi-band raster)");
        return;
    }
    sc.rain.grids = existing_file(*grids, "rain.grids", "rain grids");
    std::string ext = fs::path(sc.rain.grids).extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext == ".csv") {
        if (interval)
            fail("rain.grid_interval", *interval, "a CSV index gives each grid its time; grid_interval is for a multi-band raster");
        sc.rain.grid_rows = read_rain_grid_index(sc.rain.grids, "rain.grids");
    } else if (interval) {
        sc.rain.grid_interval_s = duration(*interval, "rain.grid_interval");
    }
}

void Loader::load_drainage(const toml::table& root, Scenario& sc) const {
    const toml::table* t = table(root, "drainage", "drainage");
    if (!t) return;
    check_keys(*t, "drainage", {"capacity_mm_h", "efficiency"});
    DrainageConfig d;
    const toml::node* cap = t->get("capacity_mm_h");
    const bool from_landuse = sc.landuse && sc.landuse->has("drain_mm_h");
    if (cap && from_landuse)
        fail("drainage.capacity_mm_h", *cap, "given twice: also as column drain_mm_h of landuse.table (" + sc.landuse->table + ")");
    if (!cap && !from_landuse)
        fail("drainage.capacity_mm_h", "", "missing required key (mm/h, a number or a raster path; or a drain_mm_h column in [landuse])");
    if (cap)
        d.capacity_mm_h = value_or_raster(*cap, "drainage.capacity_mm_h",
                                          [](double v) { return v < 0.0 ? "must be >= 0 (mm/h)" : ""; });
    else
        d.capacity_mm_h.key = "landuse.table";
    if (const toml::node* e = t->get("efficiency")) {
        const auto fraction = [](double v) { return v >= 0.0 && v <= 1.0; };
        if (e->is_string()) {
            SeriesData s = read_series_csv(existing_file(*e, "drainage.efficiency", "CSV file"),
                                           "drainage.efficiency", "value", true);
            for (std::size_t k = 0; k < s.value.size(); ++k)
                if (!fraction(s.value[k]))
                    throw InputError(s.path, "drainage.efficiency", format_number(s.value[k], 3),
                                     "an efficiency must be in 0..1 (row " + std::to_string(k + 1) + " of the data)");
            d.efficiency_series = std::move(s);
        } else {
            const double v = number(*e, "drainage.efficiency");
            if (!fraction(v)) fail("drainage.efficiency", *e, "must be in 0..1 (a fraction of the capacity)");
            d.efficiency = v;
        }
    }
    sc.drainage = std::move(d);
}

void Loader::load_infiltration(const toml::table& root, Scenario& sc) const {
    const toml::table* t = table(root, "infiltration", "infiltration");
    if (!t) return;
    check_keys(*t, "infiltration", {"model", "ks_mm_h", "psi_mm", "dtheta", "f0_mm_h", "fc_mm_h", "k_h", "cn", "ia_ratio"});
    InfiltrationConfig c;
    const toml::node* model = t->get("model");
    if (!model) fail("infiltration.model", "", "missing required key (green_ampt | horton | scs_cn)");
    c.model = string(*model, "infiltration.model");
    const std::vector<InfiltrationParam>& params = infiltration_params(c.model);
    if (params.empty()) fail("infiltration.model", *model, "unknown model (expected green_ampt, horton or scs_cn)");
    for (const char* other : {"ks_mm_h", "psi_mm", "dtheta", "f0_mm_h", "fc_mm_h", "k_h", "cn", "ia_ratio"}) {
        const toml::node* n = t->get(other);
        if (!n) continue;
        const bool own = std::any_of(params.begin(), params.end(), [&](const InfiltrationParam& p) { return p.key == other; }) ||
                         (c.model == "scs_cn" && std::string(other) == "ia_ratio");
        if (!own) fail("infiltration." + std::string(other), *n, "not a parameter of the " + c.model + " model");
    }
    for (const InfiltrationParam& p : params) {
        const std::string key = "infiltration." + p.key;
        const toml::node* n = t->get(p.key);
        const bool from_landuse = sc.landuse && sc.landuse->has(p.key);
        if (n && from_landuse)
            fail(key, *n, "given twice: also as column " + p.key + " of landuse.table (" + sc.landuse->table + ")");
        if (from_landuse) continue;
        if (!n)
            fail(key, "", "missing required key of the " + c.model + " model (" + p.unit +
                              ", a number or a raster path; or a column of [landuse])");
        c.params[p.key] = value_or_raster(*n, key, [&](double v) { return p.why_not(v); });
    }
    // Land-use columns of another model's parameters would be silently unused.
    if (sc.landuse)
        for (const char* other : {"ks_mm_h", "psi_mm", "dtheta", "f0_mm_h", "fc_mm_h", "k_h", "cn"})
            if (sc.landuse->has(other) &&
                std::none_of(params.begin(), params.end(), [&](const InfiltrationParam& p) { return p.key == other; }))
                fail("infiltration.model", *model, "landuse.table (" + sc.landuse->table + ") has column " + other +
                                                       ", which is not a parameter of the " + c.model + " model");
    if (c.model == "horton" && c.params.count("f0_mm_h") && c.params.count("fc_mm_h")) {
        const ValueOrRaster& f0 = c.params["f0_mm_h"];
        const ValueOrRaster& fc = c.params["fc_mm_h"];
        if (f0.value && fc.value && *fc.value > *f0.value)
            fail("infiltration.fc_mm_h", *t->get("fc_mm_h"), "the final capacity must not exceed f0_mm_h (" + format_number(*f0.value, 3) + ")");
    }
    if (const toml::node* n = t->get("ia_ratio")) {
        c.ia_ratio = number(*n, "infiltration.ia_ratio");
        if (!(c.ia_ratio >= 0.0 && c.ia_ratio <= 1.0)) fail("infiltration.ia_ratio", *n, "must be in 0..1 (a fraction of S)");
    }
    sc.infiltration = std::move(c);
}

void Loader::load_landuse(const toml::table& root, Scenario& sc) const {
    const toml::table* t = table(root, "landuse", "landuse");
    if (!t) return;
    check_keys(*t, "landuse", {"map", "table", "field", "layer", "default"});
    const toml::node* map = t->get("map");
    const toml::node* table_node = t->get("table");
    if (!map) fail("landuse.map", "", "missing required key (an integer class raster, or polygons with field)");
    if (!table_node) fail("landuse.table", "", "missing required key (a CSV: class, then parameter columns)");
    LanduseConfig lu;
    const toml::node* field = t->get("field");
    lu.map = existing_file(*map, "landuse.map", field ? "vector file" : "raster");
    if (field) {  // polygons with a class attribute
        lu.field = string(*field, "landuse.field");
        if (lu.field.empty()) fail("landuse.field", *field, "must name the polygons' class attribute");
        if (const toml::node* l = t->get("layer")) lu.layer = string(*l, "landuse.layer");
        if (const toml::node* d = t->get("default")) {
            const double v = number(*d, "landuse.default");
            if (v != std::floor(v) || std::abs(v) > 1e15) fail("landuse.default", *d, "a class must be an integer");
            lu.default_class = static_cast<long long>(v);
        }
    } else {
        for (const char* key : {"layer", "default"})
            if (const toml::node* n = t->get(key))
                fail(std::string("landuse.") + key, *n, "only for polygons (with field = the class attribute)");
    }
    lu.table = existing_file(*table_node, "landuse.table", "CSV file");
    const TableData tab = read_table_csv(lu.table, "landuse.table");
    if (tab.columns.front() != "class")
        throw InputError(lu.table, "landuse.table row 1", tab.columns.front(), "the first column must be 'class'");
    // Each column's range: as the scenario key it replaces.
    std::vector<InfiltrationParam> ranges{{"manning", 0.0, 1.0, "s/m^(1/3)"}, {"drain_mm_h", 0.0, kMaxRainMmH, "mm/h"}};
    for (const char* model : {"green_ampt", "horton", "scs_cn"})
        for (const InfiltrationParam& p : infiltration_params(model)) ranges.push_back(p);
    std::vector<const InfiltrationParam*> col_range;
    for (std::size_t c = 1; c < tab.columns.size(); ++c) {
        const auto it = std::find_if(ranges.begin(), ranges.end(), [&](const InfiltrationParam& p) { return p.key == tab.columns[c]; });
        if (it == ranges.end())
            throw InputError(lu.table, "landuse.table row 1", tab.columns[c],
                             "unknown column (expected any of manning, drain_mm_h, ks_mm_h, psi_mm, dtheta, f0_mm_h, "
                             "fc_mm_h, k_h, cn)");
        lu.columns.push_back(tab.columns[c]);
        col_range.push_back(&*it);
    }
    for (std::size_t r = 0; r < tab.rows.size(); ++r) {
        const std::string where = "landuse.table row " + std::to_string(tab.lines[r]);
        const double cls = tab.rows[r][0];
        if (cls != std::floor(cls) || std::abs(cls) > 1e15)
            throw InputError(lu.table, where + " column class", format_number(cls, 3), "a class must be an integer");
        const long long id = static_cast<long long>(cls);
        if (lu.classes.count(id)) throw InputError(lu.table, where + " column class", std::to_string(id), "class appears twice");
        std::vector<double> values(tab.rows[r].begin() + 1, tab.rows[r].end());
        for (std::size_t c = 0; c < values.size(); ++c)
            if (const std::string why = col_range[c]->why_not(values[c]); !why.empty())
                throw InputError(lu.table, where + " column " + lu.columns[c], format_number(values[c], 3), why);
        lu.classes[id] = std::move(values);
    }
    if (lu.default_class && !lu.classes.count(*lu.default_class))
        fail("landuse.default", std::to_string(*lu.default_class), "class is not in landuse.table (" + lu.table + ")");
    if (lu.has("manning") && sc.manning_given)
        fail("domain.manning", "", "given twice: also as column manning of landuse.table (" + lu.table + ")");
    if (lu.has("manning")) sc.manning.key = "landuse.table";
    sc.landuse = std::move(lu);
}

void Loader::load_buildings(const toml::table& root, Scenario& sc) const {
    const toml::table* t = table(root, "buildings", "buildings");
    if (!t) return;
    check_keys(*t, "buildings", {"file", "layer", "method", "height", "height_field"});
    BuildingsConfig b;
    const toml::node* file = t->get("file");
    if (!file) fail("buildings.file", "", "missing required key (footprints: any vector file GDAL reads)");
    b.file = existing_file(*file, "buildings.file", "vector file");
    if (const toml::node* n = t->get("layer")) b.layer = string(*n, "buildings.layer");
    if (const toml::node* n = t->get("method")) {
        b.method = string(*n, "buildings.method");
        if (b.method != "block" && b.method != "raise") fail("buildings.method", *n, "expected block or raise");
    }
    const toml::node* height = t->get("height");
    const toml::node* field = t->get("height_field");
    if (b.method == "block") {
        if (height) fail("buildings.height", *height, "a height is for method = \"raise\" (block makes walls)");
        if (field) fail("buildings.height_field", *field, "a height is for method = \"raise\" (block makes walls)");
    } else {
        if (height && field) fail("buildings.height_field", *field, "give either height or height_field, not both");
        if (!height && !field) fail("buildings.height", "", "method = \"raise\" needs height (m) or height_field");
        if (height) {
            b.height = number(*height, "buildings.height");
            if (!(*b.height > 0.0 && *b.height <= 1000.0)) fail("buildings.height", *height, "must be in (0, 1000] m");
        }
        if (field) b.height_field = string(*field, "buildings.height_field");
    }
    sc.buildings = std::move(b);
}

void Loader::load_walls(const toml::table& root, Scenario& sc) const {
    const auto tables = table_array(root, "wall");
    for (size_t k = 0; k < tables.size(); ++k) {
        const toml::table& t = *tables[k];
        const std::string p = "wall[" + std::to_string(k) + "]";
        check_keys(t, p, {"name", "line", "file", "layer", "crest", "height"});
        WallConfig w;
        w.index = static_cast<int>(k);
        const toml::node& name = required(t, p, "name", "breaches name their wall");
        w.name = string(name, p + ".name");
        for (const WallConfig& other : sc.walls)
            if (other.name == w.name) fail(p + ".name", name, "another [[wall]] has this name");
        line_or_file(t, p, w.line, w.file, w.layer);
        const toml::node* crest = t.get("crest");
        const toml::node* height = t.get("height");
        if (crest && height) fail(p + ".height", *height, "give either crest (elevation) or height (above the ground), not both");
        if (!crest && !height) fail(p + ".crest", "", "missing: give crest (elevation, m) or height (m above the ground)");
        if (crest) {
            w.crest = number(*crest, p + ".crest");
            if (!(std::abs(*w.crest) <= kMaxLevel)) fail(p + ".crest", *crest, kLevelWhy);
        } else {
            w.height = number(*height, p + ".height");
            if (!(*w.height > 0.0 && *w.height <= 1000.0)) fail(p + ".height", *height, "must be in (0, 1000] m");
        }
        sc.walls.push_back(std::move(w));
    }
}

void Loader::load_breaches(const toml::table& root, Scenario& sc) const {
    const auto tables = table_array(root, "breach");
    for (size_t k = 0; k < tables.size(); ++k) {
        const toml::table& t = *tables[k];
        const std::string p = "breach[" + std::to_string(k) + "]";
        check_keys(t, p, {"wall", "x", "y", "start", "width", "duration", "bottom"});
        BreachConfig b;
        b.index = static_cast<int>(k);
        const toml::node& wall = required(t, p, "wall", "the name of the [[wall]] it opens");
        b.wall = string(wall, p + ".wall");
        if (std::none_of(sc.walls.begin(), sc.walls.end(), [&](const WallConfig& w) { return w.name == b.wall; }))
            fail(p + ".wall", wall, "no [[wall]] has this name");
        b.at = {number(required(t, p, "x", "map x of a point on the wall"), p + ".x"),
                number(required(t, p, "y", "map y of a point on the wall"), p + ".y")};
        b.start_s = duration(required(t, p, "start", "when it starts to open"), p + ".start", true);
        b.duration_s = duration(required(t, p, "duration", "time to reach its full width; 0: at once"), p + ".duration", true);
        const toml::node& width = required(t, p, "width", "final width along the wall, m");
        b.width = number(width, p + ".width");
        if (!(b.width > 0.0 && b.width <= 1.0e5)) fail(p + ".width", width, "must be in (0, 1e5] m");
        const toml::node& bottom = required(t, p, "bottom", "final elevation of the opening, m");
        b.bottom = number(bottom, p + ".bottom");
        if (!(std::abs(b.bottom) <= kMaxLevel)) fail(p + ".bottom", bottom, kLevelWhy);
        sc.breaches.push_back(b);
    }
}

/// The geometry of a [[wall]] or [[channel]]: line (>= 2 points) or file (its lines) with a layer.
void Loader::line_or_file(const toml::table& t, const std::string& p, std::vector<std::array<double, 2>>& line,
                          std::string& file, std::string& layer) const {
    const toml::node* l = t.get("line");
    const toml::node* f = t.get("file");
    if (l && f) fail(p + ".file", *f, "give either line or file, not both");
    if (!l && !f) fail(p + ".line", "", "missing: give line = [[x0, y0], [x1, y1], ...] or file (a vector of lines)");
    if (l) {
        const auto* a = l->as_array();
        if (!a || a->size() < 2)
            fail(p + ".line", *l, "expected an array of at least 2 points [[x0, y0], [x1, y1], ...]");
        for (size_t v = 0; v < a->size(); ++v)
            line.push_back(point(*a->get(v), p + ".line[" + std::to_string(v) + "]"));
        if (const toml::node* n = t.get("layer")) fail(p + ".layer", *n, "a layer is for file");
    } else {
        file = existing_file(*f, p + ".file", "vector file");
        if (const toml::node* n = t.get("layer")) layer = string(*n, p + ".layer");
    }
}

void Loader::load_channels(const toml::table& root, Scenario& sc) const {
    const auto tables = table_array(root, "channel");
    for (size_t k = 0; k < tables.size(); ++k) {
        const toml::table& t = *tables[k];
        const std::string p = "channel[" + std::to_string(k) + "]";
        check_keys(t, p, {"name", "line", "file", "layer", "width", "depth", "bed_file", "manning"});
        ChannelConfig c;
        c.index = static_cast<int>(k);
        const toml::node& name = required(t, p, "name", "check and messages name the channel");
        c.name = string(name, p + ".name");
        for (const ChannelConfig& other : sc.channels)
            if (other.name == c.name) fail(p + ".name", name, "another [[channel]] has this name");
        line_or_file(t, p, c.line, c.file, c.layer);
        const toml::node& width = required(t, p, "width", "the channel's width, m");
        c.width = number(width, p + ".width");
        if (!(c.width > 0.0 && c.width <= 10000.0)) fail(p + ".width", width, "must be in (0, 10000] m");
        channel_bed(t, p, c);
        if (const toml::node* n = t.get("manning")) {
            c.manning = number(*n, p + ".manning");
            if (!(*c.manning >= 0.0 && *c.manning <= 1.0)) fail(p + ".manning", *n, "must be in [0, 1] s/m^(1/3)");
        }
        sc.channels.push_back(std::move(c));
    }
}

/// A channel's bed: depth below the banks, or a profile CSV read here (distance_m, bed_m;
/// distances from 0 and strictly increasing). Its length against the line's: model_builder.
void Loader::channel_bed(const toml::table& t, const std::string& p, ChannelConfig& c) const {
    const toml::node* depth = t.get("depth");
    const toml::node* bed = t.get("bed_file");
    if (depth && bed)
        fail(p + ".bed_file", *bed, "give either depth (below the banks) or bed_file (a profile), not both");
    if (!depth && !bed)
        fail(p + ".depth", "",
             "missing: give depth (m below the lowest bank nearby) or bed_file (a CSV distance_m,bed_m)");
    if (depth) {
        c.depth = number(*depth, p + ".depth");
        if (!(*c.depth > 0.0 && *c.depth <= 100.0)) fail(p + ".depth", *depth, "must be in (0, 100] m");
        return;
    }
    const std::string key = p + ".bed_file";
    c.bed_file = existing_file(*bed, key, "CSV file");
    const TableData tab = read_table_csv(c.bed_file, key);
    const auto column = [&](const std::string& name) {
        const auto it = std::find(tab.columns.begin(), tab.columns.end(), name);
        if (it == tab.columns.end())
            throw InputError(c.bed_file, key, name, "the header lacks this column (need distance_m and bed_m)");
        return static_cast<std::size_t>(it - tab.columns.begin());
    };
    const std::size_t dc = column("distance_m"), bc = column("bed_m");
    for (std::size_t r = 0; r < tab.rows.size(); ++r) {
        const std::string where = key + " row " + std::to_string(tab.lines[r]);
        const double d = tab.rows[r][dc], z = tab.rows[r][bc];
        if (r == 0 && d != 0.0)
            throw InputError(c.bed_file, where + " column distance_m", format_number(d, 10),
                             "the profile must start at 0 (the line's first vertex)");
        if (r > 0 && d <= c.bed_distance.back())
            throw InputError(
                c.bed_file, where + " column distance_m", format_number(d, 10),
                "distances must be strictly increasing (previous row has " + format_number(c.bed_distance.back(), 10) + ")");
        if (!(std::abs(z) <= kMaxLevel)) throw InputError(c.bed_file, where + " column bed_m", format_number(z, 10), kLevelWhy);
        c.bed_distance.push_back(d);
        c.bed_level.push_back(z);
    }
}

void Loader::load_pumps(const toml::table& root, Scenario& sc) const {
    const auto tables = table_array(root, "pump");
    for (size_t k = 0; k < tables.size(); ++k) {
        const toml::table& t = *tables[k];
        const std::string p = "pump[" + std::to_string(k) + "]";
        check_keys(t, p, {"name", "x", "y", "to", "capacity_m3_s", "on_depth", "off_depth"});
        PumpConfig c;
        c.index = static_cast<int>(k);
        const toml::node& name = required(t, p, "name", "a name for the result's /pumps group");
        c.name = string(name, p + ".name");
        for (const PumpConfig& other : sc.pumps)
            if (other.name == c.name) fail(p + ".name", name, "another [[pump]] has this name");
        c.at = {number(required(t, p, "x", "intake, map x"), p + ".x"), number(required(t, p, "y", "intake, map y"), p + ".y")};
        if (const toml::node* to = t.get("to")) c.to = point(*to, p + ".to");
        const toml::node& cap = required(t, p, "capacity_m3_s", "m3/s");
        c.capacity_m3_s = number(cap, p + ".capacity_m3_s");
        if (!(c.capacity_m3_s > 0.0)) fail(p + ".capacity_m3_s", cap, "must be greater than zero (m3/s)");
        if (!(c.capacity_m3_s <= kMaxDischarge)) fail(p + ".capacity_m3_s", cap, kDischargeWhy);
        const toml::node& on = required(t, p, "on_depth", "m at the intake at which the pump starts");
        const toml::node& off = required(t, p, "off_depth", "m at the intake at which it stops");
        c.on_depth = number(on, p + ".on_depth");
        c.off_depth = number(off, p + ".off_depth");
        if (!(c.off_depth >= 0.0)) fail(p + ".off_depth", off, "must not be negative (m)");
        if (!(c.on_depth <= kMaxLevel)) fail(p + ".on_depth", on, kLevelWhy);
        if (!(c.off_depth < c.on_depth))
            fail(p + ".off_depth", off, "must be below on_depth (" + format_number(c.on_depth, 3) + " m): the pump stops below where it starts");
        sc.pumps.push_back(std::move(c));
    }
}

void Loader::load_inflows(const toml::table& root, Scenario& sc) const {
    const auto tables = table_array(root, "inflow");
    for (size_t k = 0; k < tables.size(); ++k) {
        const toml::table& t = *tables[k];
        const std::string p = "inflow[" + std::to_string(k) + "]";
        check_keys(t, p, {"name", "x", "y", "line", "value", "series"});
        InflowConfig f;
        f.index = static_cast<int>(k);
        const toml::node* name = t.get("name");
        if (!name) fail(p + ".name", "", "missing required key");
        f.name = string(*name, p + ".name");
        for (const InflowConfig& other : sc.inflows)
            if (other.name == f.name) fail(p + ".name", *name, "another [[inflow]] has this name");
        const toml::node* x = t.get("x");
        const toml::node* y = t.get("y");
        const toml::node* line = t.get("line");
        if (line && (x || y)) fail(p + ".line", *line, "give either x and y (a point) or line, not both");
        if (line) {
            const auto* a = line->as_array();
            if (!a || a->size() < 2) fail(p + ".line", *line, "expected an array of at least 2 points [[x0, y0], [x1, y1], ...]");
            for (size_t v = 0; v < a->size(); ++v) f.line.push_back(point(*a->get(v), p + ".line[" + std::to_string(v) + "]"));
        } else {
            if (!x) fail(p + ".x", "", "missing required key (or give line)");
            if (!y) fail(p + ".y", "", "missing required key (or give line)");
            f.point = std::array<double, 2>{number(*x, p + ".x"), number(*y, p + ".y")};
        }
        const toml::node* value = t.get("value");
        const toml::node* series = t.get("series");
        if (value && series) fail(p + ".series", *series, "give either value or series, not both");
        if (!value && !series) fail(p + ".value", "", "missing: give value (m3/s) or series (CSV path)");
        if (value) {
            f.value = number(*value, p + ".value");
            if (*f.value < 0.0) fail(p + ".value", *value, "must be >= 0 (m3/s entering the domain)");
            if (!(*f.value <= kMaxDischarge)) fail(p + ".value", *value, kDischargeWhy);
        } else {
            f.series = read_series_csv(existing_file(*series, p + ".series", "CSV file"), p + ".series", "value", true);
            check_series_range(*f.series, kMaxDischarge, kDischargeWhy);
        }
        sc.inflows.push_back(std::move(f));
    }
}

void Loader::load_gauges(const toml::table& root, Scenario& sc) const {
    const auto tables = table_array(root, "gauge");
    for (size_t i = 0; i < tables.size(); ++i) {
        const toml::table& t = *tables[i];
        const std::string p = "gauge[" + std::to_string(i) + "]";
        check_keys(t, p, {"name", "x", "y"});
        GaugeConfig g;
        const toml::node* name = t.get("name");
        if (!name) fail(p + ".name", "", "missing required key");
        g.name = string(*name, p + ".name");
        // The name is an HDF5 group under /gauges.
        if (g.name.find('/') != std::string::npos || g.name == "." || g.name == "..")
            fail(p + ".name", *name, "must not contain '/' or be '.' or '..'");
        for (const auto& other : sc.gauges)
            if (other.name == g.name) fail(p + ".name", *name, "duplicate gauge name");
        for (const char* axis : {"x", "y"}) {
            const toml::node* n = t.get(axis);
            if (!n) fail(p + "." + axis, "", "missing required key (map coordinate)");
            (axis[0] == 'x' ? g.x : g.y) = number(*n, p + "." + axis);
        }
        sc.gauges.push_back(std::move(g));
    }
}

void Loader::load_output(const toml::table& root, Scenario& sc) const {
    const toml::table* t = table(root, "output", "output");
    sc.output_file = resolve("out/" + sc.name + ".h5");
    if (!t) return;
    check_keys(*t, "output", {"file", "variables"});
    if (const toml::node* n = t->get("file")) sc.output_file = resolve(string(*n, "output.file"));
    if (const toml::node* n = t->get("variables")) {
        const auto* a = n->as_array();
        if (!a) fail("output.variables", *n, "expected an array of strings, got " + type_name(*n));
        for (size_t i = 0; i < a->size(); ++i) {
            const std::string key = "output.variables[" + std::to_string(i) + "]";
            const std::string v = string(*a->get(i), key, true);
            if (v == "velocity") sc.write_velocity = true;
            else if (v != "depth") fail(key, *a->get(i), "unknown variable; valid: depth, velocity");
        }
    }
}

void Loader::load_checkpoint(const toml::table& root, Scenario& sc) const {
    const toml::table* t = table(root, "checkpoint", "checkpoint");
    if (!t) return;
    check_keys(*t, "checkpoint", {"interval", "file"});
    CheckpointConfig c;
    if (const toml::node* n = t->get("interval")) c.interval_s = duration(*n, "checkpoint.interval");
    c.file = resolve("out/" + sc.name + ".ckpt");
    if (const toml::node* n = t->get("file")) {
        c.file = resolve(string(*n, "checkpoint.file"));
        if (c.file == sc.output_file)
            fail("checkpoint.file", *n, "is the result file (output.file); give the checkpoint its own name");
    }
    sc.checkpoint = std::move(c);
}

void Loader::load_warning(const toml::table& root, Scenario& sc) const {
    const toml::table* t = table(root, "warning", "warning");
    if (!t) return;
    check_keys(*t, "warning", {"assets", "layer", "levels", "issue_time", "webhook", "spool", "region_code", "status"});
    WarningConfig w;
    w.assets = existing_file(required(*t, "warning", "assets", "the assets: a vector file with id and name"), "warning.assets", "assets file");
    if (const toml::node* n = t->get("layer")) w.layer = string(*n, "warning.layer");
    if (const toml::node* n = t->get("levels")) w.levels = existing_file(*n, "warning.levels", "levels file");
    if (const toml::node* n = t->get("issue_time")) w.issue_time = clock_time(*n, "warning.issue_time");
    if (const toml::node* n = t->get("webhook")) {
        w.webhook = string(*n, "warning.webhook");
        if (!(w.webhook.starts_with("http://") || w.webhook.starts_with("https://")) ||
            w.webhook.find_first_of(" \t\r\n") != std::string::npos)
            fail("warning.webhook", *n, "expected an http:// or https:// URL");
    }
    const fs::path out(sc.output_file);
    w.spool = (out.parent_path() / (out.stem().string() + ".alerts")).string();
    if (const toml::node* n = t->get("spool")) {
        w.spool = resolve(string(*n, "warning.spool"));
        w.spool_given = true;
    }
    if (const toml::node* n = t->get("region_code")) {
        w.region_code = string(*n, "warning.region_code");
        if (w.region_code.size() != 6 || w.region_code.find_first_not_of("0123456789") != std::string::npos)
            fail("warning.region_code", *n, "expected the 6-digit GB/T 2260 code of the area (410106: Shangjie)");
    }
    if (const toml::node* n = t->get("status")) {
        w.status = string(*n, "warning.status");
        if (w.status != "Actual" && w.status != "Exercise" && w.status != "System" && w.status != "Test" &&
            w.status != "Draft")
            fail("warning.status", *n, "expected a CAP status: Actual, Exercise, System, Test or Draft");
    }
    sc.warning = std::move(w);
}

}  // namespace

Scenario load_scenario(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw InputError(path, "", "", "scenario file not found");
    if (!fs::is_regular_file(path, ec)) throw InputError(path, "", "", "scenario path is not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "", "", "cannot open scenario file");
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) throw InputError(path, "", "", "error reading scenario file");

    Scenario sc;
    const fs::path abs = fs::absolute(path, ec).lexically_normal();
    sc.path = abs.string();
    sc.text = buf.str();
    sc.name = abs.stem().string();

    toml::table root;
    try {
        root = toml::parse(sc.text, sc.path);
    } catch (const toml::parse_error& e) {
        const auto& b = e.source().begin;
        throw InputError(path, "", "",
                         one_line("not valid TOML at line " + std::to_string(b.line) + ", column " +
                                  std::to_string(b.column) + ": " + std::string(e.description())));
    }
    Loader(path, abs.parent_path()).load(root, sc);
    return sc;
}

std::string InfiltrationParam::why_not(double v) const {
    if (v >= lo && v <= hi) return "";
    std::ostringstream os;
    os << "must be between " << lo << " and " << hi << " (" << unit << ")";
    return os.str();
}

/// The parameters of each infiltration model, with their ranges (checked here for numbers and by
/// the model builder for rasters: engine/model_builder.cpp).
const std::vector<InfiltrationParam>& infiltration_params(const std::string& model) {
    static const std::vector<InfiltrationParam> ga{{"ks_mm_h", 0.0, kMaxRainMmH, "mm/h"},
                                                   {"psi_mm", 0.0, 1.0e5, "mm"},
                                                   {"dtheta", 0.0, 1.0, "a fraction"}};
    static const std::vector<InfiltrationParam> horton{{"f0_mm_h", 0.0, kMaxRainMmH, "mm/h"},
                                                       {"fc_mm_h", 0.0, kMaxRainMmH, "mm/h"},
                                                       {"k_h", 1e-6, 1.0e4, "1/h"}};
    static const std::vector<InfiltrationParam> scs{{"cn", 30.0, 100.0, "a curve number"}};
    static const std::vector<InfiltrationParam> none;
    if (model == "green_ampt") return ga;
    if (model == "horton") return horton;
    if (model == "scs_cn") return scs;
    return none;
}

}  // namespace floodsim
