#include "risk/risk_products.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "io/geotiff_writer.hpp"
#include "mesh/input_error.hpp"
#include "risk/levels.hpp"

namespace floodsim::risk {
namespace {

namespace fs = std::filesystem;

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

std::string json_string(const std::string& s) {
    std::string o = "\"";
    for (char c : s) {
        switch (c) {
            case '"':
                o += "\\\"";
                break;
            case '\\':
                o += "\\\\";
                break;
            case '\n':
                o += "\\n";
                break;
            case '\r':
                o += "\\r";
                break;
            case '\t':
                o += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char b[8];
                    std::snprintf(b, sizeof b, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                    o += b;
                } else {
                    o += c;
                }
        }
    }
    return o + "\"";
}

/// m and m/s: 9 significant digits keep a float32 value exact.
std::string value_text(double v) { return std::isfinite(v) ? format_number(v, 9) : ""; }
std::string time_text(const std::optional<double>& t) { return t ? format_number(*t, 12) : ""; }
std::string json_number(double v) { return std::isfinite(v) ? format_number(v, 9) : "null"; }
std::string json_time(const std::optional<double>& t) { return t ? format_number(*t, 12) : "null"; }

std::string position(const MapPoint& p) {
    char b[64];
    std::snprintf(b, sizeof b, "[%.7f,%.7f]", p[0], p[1]);  // lon, lat; 1e-7 degree is about 1 cm
    return b;
}

std::string positions(const Ring& r, bool close) {
    std::string s = "[";
    for (std::size_t k = 0; k < r.size(); ++k) {
        s += k ? "," : "";
        s += position(r[k]);
    }
    if (close && !r.empty() && r.front() != r.back()) {
        s += ',';
        s += position(r.front());
    }
    return s + "]";
}

std::string polygon(const std::vector<Ring>& rings) {
    std::string s = "[";
    for (std::size_t k = 0; k < rings.size(); ++k) {
        s += k ? "," : "";
        s += positions(rings[k], true);
    }
    return s + "]";
}

std::string geometry(const VectorFeature& f) {
    std::vector<std::string> parts;
    if (f.points.size() == 1) parts.push_back(R"({"type":"Point","coordinates":)" + position(f.points[0]) + "}");
    if (f.points.size() > 1)
        parts.push_back(R"({"type":"MultiPoint","coordinates":)" + positions(f.points, false) + "}");
    if (f.lines.size() == 1)
        parts.push_back(R"({"type":"LineString","coordinates":)" + positions(f.lines[0], false) + "}");
    if (f.lines.size() > 1) {
        std::string s = "[";
        for (std::size_t k = 0; k < f.lines.size(); ++k) {
            s += k ? "," : "";
            s += positions(f.lines[k], false);
        }
        parts.push_back(R"({"type":"MultiLineString","coordinates":)" + s + "]}");
    }
    if (f.polygons.size() == 1) parts.push_back(R"({"type":"Polygon","coordinates":)" + polygon(f.polygons[0]) + "}");
    if (f.polygons.size() > 1) {
        std::string s = "[";
        for (std::size_t k = 0; k < f.polygons.size(); ++k) {
            s += k ? "," : "";
            s += polygon(f.polygons[k]);
        }
        parts.push_back(R"({"type":"MultiPolygon","coordinates":)" + s + "]}");
    }
    if (parts.size() == 1) return parts[0];
    std::string s = R"({"type":"GeometryCollection","geometries":[)";
    for (std::size_t k = 0; k < parts.size(); ++k) {
        s += k ? "," : "";
        s += parts[k];
    }
    return s + "]}";
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    if (!f) throw std::runtime_error(path + ": cannot write the file");
}

}  // namespace

std::string assets_csv(const RiskReport& report) {
    std::string s = "id,name,level,max_depth,max_speed,t_level4,t_level3,t_level2,t_level1,lead_time_s\n";
    for (const AssetRow& row : report.rows) {
        s += csv_field(row.id) + "," + csv_field(row.name) + "," + std::to_string(row.level) + "," +
             value_text(row.max_depth) + "," + value_text(row.max_speed);
        for (int level = 4; level >= 1; --level) {
            s += ',';
            s += time_text(row.t_level[static_cast<std::size_t>(level - 1)]);
        }
        s += ',';
        s += time_text(row.lead_time_s);
        s += '\n';
    }
    return s;
}

std::string warnings_geojson(const RiskReport& report) {
    std::string s = "{\"type\":\"FeatureCollection\",\"features\":[";
    for (std::size_t a = 0; a < report.rows.size(); ++a) {
        const AssetRow& row = report.rows[a];
        s += a ? ",\n" : "\n";
        s +=
            "{\"type\":\"Feature\",\"id\":" + json_string(row.id) + ",\"geometry\":" + geometry(report.assets[a].wgs84);
        s += ",\"properties\":{\"id\":" + json_string(row.id) + ",\"name\":" + json_string(row.name) +
             ",\"level\":" + std::to_string(row.level) +
             ",\"colour\":" + (row.level == 0 ? std::string("null") : json_string(level_info(row.level).colour_en)) +
             ",\"max_depth\":" + json_number(row.max_depth) + ",\"max_speed\":" + json_number(row.max_speed);
        for (int level = 4; level >= 1; --level)
            s += ",\"t_level" + std::to_string(level) +
                 "\":" + json_time(row.t_level[static_cast<std::size_t>(level - 1)]);
        s += ",\"lead_time_s\":" + json_time(row.lead_time_s) + "}}";
    }
    return s + "\n]}\n";
}

std::vector<std::string> raster_product_names(const RiskReport& report) {
    std::vector<std::string> names = {"hazard.tif", "max_depth.tif"};
    for (int level = 4; level >= 1; --level) names.push_back("time_above_level" + std::to_string(level) + ".tif");
    if (report.scheme.criterion != Criterion::depth) names.push_back("hazard_value.tif");
    return names;
}

MapInput report_map(const RiskReport& report) {
    const bool depth = report.scheme.criterion == Criterion::depth;
    MapInput in{.grid = report.grid};
    in.bed = report.bed;
    in.kind = depth ? MapInput::Kind::Depth : MapInput::Kind::Hazard;
    const std::size_t n = report.grid.cells();
    in.value.resize(n);
    for (std::size_t c = 0; c < n; ++c) {
        const double d = report.rasters.max_depth[c];
        in.value[c] = depth || std::isnan(d) ? static_cast<float>(d) : static_cast<float>(report.rasters.max_level[c]);
    }
    for (std::size_t k = 0; k < report.assets.size(); ++k) {
        const VectorFeature& g = report.assets[k].model;
        MapAsset a;
        a.level = report.rows[k].level;
        a.label = report.assets[k].id;  // ASCII ids: the map's font has no CJK glyphs
        if (!g.polygons.empty()) {
            a.kind = MapAsset::Kind::Polygon;
            for (const auto& poly : g.polygons) a.parts.insert(a.parts.end(), poly.begin(), poly.end());
        } else if (!g.lines.empty()) {
            a.kind = MapAsset::Kind::Line;
            a.parts.assign(g.lines.begin(), g.lines.end());
        } else {
            a.kind = MapAsset::Kind::Point;
            for (const MapPoint& p : g.points) a.parts.push_back({p});
        }
        in.assets.push_back(std::move(a));
    }
    const double t_end = report.frame_times.empty() ? 0.0 : report.frame_times.back();
    in.time_text = "max over " + format_map_time(t_end).substr(4);  // "t = 3 h" -> "3 h"
    in.title = depth ? "Maximum depth and warning levels" : "Most severe warning level";
    return in;
}

std::vector<std::string> write_risk_products(const RiskReport& report, const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error(dir + ": cannot create the folder: " + ec.message());
    struct Pending {
        std::string tmp, final_path;
    };
    std::vector<Pending> pending;
    const auto next = [&](const std::string& name) -> std::string {
        const fs::path p = fs::path(dir) / name;
        pending.push_back({(fs::path(dir) / ("." + name + ".partial")).string(), p.string()});
        return pending.back().tmp;
    };
    try {
        const RiskRasters& ras = report.rasters;
        const std::string criterion = criterion_name(report.scheme.criterion);
        write_text(next("assets.csv"), assets_csv(report));
        write_text(next("warnings.geojson"), warnings_geojson(report));
        write_geotiff(next("hazard.tif"), report.grid, ras.max_level,
                      "most severe warning level over the run (criterion " + criterion +
                          "): 1 red, 2 orange, 3 yellow, 4 blue, 0 none or outside the domain");
        write_geotiff(next("max_depth.tif"), report.grid, ras.max_depth, "maximum depth over the run, m");
        for (int level = 4; level >= 1; --level)
            write_geotiff(next("time_above_level" + std::to_string(level) + ".tif"), report.grid,
                          ras.time_above[static_cast<std::size_t>(level - 1)],
                          "s at warning level " + std::to_string(level) + " or more severe (criterion " + criterion +
                              ", from the frames)");
        write_flood_map(next("map.png"), report_map(report));
        if (report.scheme.criterion != Criterion::depth)
            write_geotiff(next("hazard_value.tif"), report.grid, ras.max_hazard,
                          report.scheme.criterion == Criterion::defra
                              ? "maximum Defra hazard rating HR over the frames"
                              : "maximum ARR hazard class (1..6) over the frames");
        std::vector<std::string> written;
        for (const Pending& p : pending) {
            fs::rename(p.tmp, p.final_path, ec);
            if (ec) throw std::runtime_error(p.final_path + ": cannot rename the finished file: " + ec.message());
            written.push_back(p.final_path);
        }
        // An earlier run's product this run does not make would look like this run's.
        if (report.scheme.criterion == Criterion::depth) fs::remove(fs::path(dir) / "hazard_value.tif", ec);
        return written;
    } catch (...) {
        for (const Pending& p : pending) fs::remove(p.tmp, ec);
        throw;
    }
}

}  // namespace floodsim::risk
