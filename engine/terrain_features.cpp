#include "engine/terrain_features.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>

#include "mesh/channel.hpp"
#include "mesh/input_error.hpp"
#include "mesh/rasterize.hpp"
#include "mesh/vector_io.hpp"
#include "solver/time_series.hpp"

namespace floodsim {
namespace {

/// [buildings] on the bed: block makes the cells whose centre lies in a footprint walls (outside
/// the domain: no water, no rain, no flux), raise lifts them by the height (the largest where
/// footprints overlap). Counts go to `facts`.
void apply_buildings(const BuildingsConfig& b, const Grid2D& g, std::vector<double>& z, FeatureFacts& facts) {
    const VectorSource src{b.file, "buildings.file", b.layer, "buildings.layer"};
    std::vector<std::string> fields;
    if (!b.height_field.empty()) fields.push_back(b.height_field);
    const std::vector<VectorFeature> features = read_vector(src, g.crs_wkt, fields, "buildings.height_field");
    std::vector<double> lift(g.cells(), 0.0);
    for (const VectorFeature& f : features) {
        const double h = b.height ? *b.height : (f.values.empty() ? 0.0 : f.values[0]);
        if (b.method == "raise" && !(h > 0.0 && h <= 1000.0))
            throw InputError(b.file, "buildings.height_field", format_number(h, 10),
                             "feature " + std::to_string(f.fid) + ": a height must be in (0, 1000] m");
        if (f.polygons.empty()) continue;
        ++facts.buildings;
        for (const std::vector<Ring>& poly : f.polygons)
            for (const auto& [i, j] : cells_in_polygon(g, poly)) {
                const std::size_t k = static_cast<std::size_t>(j) * g.nx + i;
                if (std::isnan(z[k])) continue;
                lift[k] = b.method == "block" ? 1.0 : std::max(lift[k], h);
            }
    }
    for (std::size_t k = 0; k < lift.size(); ++k) {
        if (lift[k] == 0.0) continue;
        ++facts.building_cells;
        facts.cell_kind[k] = static_cast<std::uint8_t>(b.method == "block" ? CellKind::BuildingBlocked : CellKind::BuildingRaised);
        z[k] = b.method == "block" ? std::numeric_limits<double>::quiet_NaN() : z[k] + lift[k];
    }
    facts.buildings_blocked = b.method == "block";
}

/// The polylines of a [[wall]] or [[channel]] (`key`): its line, or every line of its vector
/// file's layer, reprojected to the grid's CRS.
template <class Feature>
std::vector<Ring> feature_lines(const Feature& w, const std::string& key, const Grid2D& g, const char* what) {
    std::vector<Ring> lines;
    if (w.file.empty()) {
        lines.push_back(Ring(w.line.begin(), w.line.end()));
    } else {
        for (const VectorFeature& f : read_vector({w.file, key + ".file", w.layer, key + ".layer"}, g.crs_wkt))
            for (const Ring& l : f.lines) lines.push_back(l);
        if (lines.empty())
            throw InputError(w.file, key + ".file", w.file,
                             std::string("has no lines in its layer (") + what + " needs lines)");
    }
    return lines;
}

/// A [[wall]] on the bed: every cell its line(s) cross (4-connected) is raised to the crest (never
/// lowered: a crest below the ground leaves the ground) or by the height. Counts go to `facts`.
/// Returns the wall's lines (breaches open along them).
std::vector<Ring> apply_wall(const Scenario& sc, const WallConfig& w, const Grid2D& g, std::vector<double>& z,
                             FeatureFacts& facts) {
    const std::string key = "wall[" + std::to_string(w.index) + "]";
    const std::vector<Ring> lines = feature_lines(w, key, g, "a wall");
    std::size_t cells = 0;
    for (const Ring& l : lines)
        for (const auto& [i, j] : cells_on_line(g, l)) {
            const std::size_t k = static_cast<std::size_t>(j) * g.nx + i;
            if (std::isnan(z[k])) continue;
            const double top = w.crest ? std::max(z[k], *w.crest) : z[k] + *w.height;
            if (top > z[k]) ++cells;
            facts.cell_kind[k] = static_cast<std::uint8_t>(CellKind::Wall);
            z[k] = top;
        }
    if (cells == 0)
        throw InputError(w.file.empty() ? sc.path : w.file, key + (w.file.empty() ? ".line" : ".file"), w.name,
                         "the wall raises no domain cell (outside the grid, on nodata, or its crest below the ground)");
    facts.walls += 1;
    facts.wall_cells += cells;
    return lines;
}

/// A [[breach]] in its wall's line nearest to the point (which must lie within one cell diagonal of
/// it): the wall's cells that the full opening reaches, with their signed distance along the line
/// from the point and their bed (the crest) on the final terrain `z`.
BreachSpec make_breach(const Scenario& sc, const BreachConfig& b, const std::vector<Ring>& lines, const Grid2D& g,
                       const std::vector<double>& z, FeatureFacts& facts) {
    const std::string key = "breach[" + std::to_string(b.index) + "]";
    const LinePosition at = nearest_on_lines(lines, b.at);
    const Ring& line = lines[static_cast<std::size_t>(at.line)];
    const double reach = std::hypot(g.dx, g.dy);
    std::string point = "[";  // appended piece by piece: "[" + string&& trips gcc 12's -Wrestrict
    point += format_number(b.at[0], 10) + ", " + format_number(b.at[1], 10) + "]";
    if (!(at.distance <= reach))
        throw InputError(sc.path, key + ".x", point,
                         "is " + format_number(at.distance, 10) + " m from wall " + b.wall +
                             ": a breach point must lie on its wall (within one cell diagonal, " + format_number(reach, 10) + " m)");
    BreachSpec spec;
    spec.name = b.wall;
    spec.start = b.start_s;
    spec.duration = b.duration_s;
    spec.width = b.width;
    spec.bottom = b.bottom;
    spec.cell_length = 0.5 * (g.dx + g.dy);
    for (const auto& [i, j] : cells_on_line(g, line)) {
        const double top = z[static_cast<std::size_t>(j) * g.nx + i];
        const double offset = nearest_on_lines({line}, {g.x_center(i), g.y_center(j)}).chainage - at.chainage;
        if (std::isnan(top) || !(top > b.bottom) || std::abs(offset) >= 0.5 * (b.width + spec.cell_length)) continue;
        spec.cells.push_back({i, j, offset, top});
        facts.cell_kind[static_cast<std::size_t>(j) * g.nx + i] = static_cast<std::uint8_t>(CellKind::Breach);
    }
    if (spec.cells.empty())
        throw InputError(sc.path, key + ".bottom", format_number(b.bottom, 10),
                         "the breach opens no cell: its bottom is not below the crest of wall " + b.wall + " there");
    facts.breach_cells += spec.cells.size();
    return spec;
}

/// A [[channel]]'s bed from its profile CSV (one line only), by chainage: linear between rows,
/// the last row's bed beyond it. The profile must reach the line's end, within a cell diagonal.
std::vector<double> bed_from_profile(const ChannelConfig& c, const std::string& key, const std::vector<Ring>& lines,
                                     const ChannelFootprint& f, const Grid2D& g) {
    if (lines.size() != 1)
        throw InputError(c.file, key + ".bed_file", c.bed_file,
                         "the vector file has " + std::to_string(lines.size()) +
                             " lines and a bed profile follows one: use one [[channel]] per line");
    const double length = line_length(lines.front());
    if (c.bed_distance.back() < length - std::hypot(g.dx, g.dy))
        throw InputError(c.bed_file, key + ".bed_file", format_number(c.bed_distance.back(), 10),
                         "the profile's last distance_m falls short of the line's end (" + format_number(length, 10) +
                             " m from its first vertex)");
    const TimeSeries profile(c.bed_distance, c.bed_level, TimeSeries::Mode::Linear);  // over distance, not time
    std::vector<double> bed;
    for (const LinePosition& p : f.cell_at) bed.push_back(profile.at(p.chainage));
    return bed;
}

/// A [[channel]] burned into the bed (docs/terrain.md): the cells within width / 2 of its line(s)
/// and those the lines cross are lowered to its bed, never raised. Returns the cells it takes.
std::vector<std::size_t> apply_channel(const Scenario& sc, const ChannelConfig& c, const Grid2D& g,
                                       std::vector<double>& z, FeatureFacts& facts) {
    const std::string key = "channel[" + std::to_string(c.index) + "]";
    const std::vector<Ring> lines = feature_lines(c, key, g, "a channel");
    const ChannelFootprint f = channel_footprint(g, z, lines, c.width);
    if (f.cells.empty())
        throw InputError(c.file.empty() ? sc.path : c.file, key + (c.file.empty() ? ".line" : ".file"), c.name,
                         "the channel takes no domain cell (outside the grid or on nodata)");
    const std::vector<double> bed = c.depth ? bed_below_banks(f, z, std::max({c.width, g.dx, g.dy}), *c.depth)
                                            : bed_from_profile(c, key, lines, f, g);
    if (std::isnan(bed.front()))
        throw InputError(sc.path, key + ".depth", c.name,
                         "the channel has no bank (it takes every domain cell): give a bed_file");
    for (std::size_t n = 0; n < f.cells.size(); ++n) {
        double& zk = z[f.cells[n]];
        zk = std::min(zk, bed[n]);
        facts.cell_kind[f.cells[n]] = static_cast<std::uint8_t>(CellKind::Channel);
        facts.channel_bed_min = std::min(facts.channel_bed_min, zk);
        facts.channel_bed_max = std::max(facts.channel_bed_max, zk);
    }
    facts.channels += 1;
    facts.channel_cells += f.cells.size();
    return f.cells;
}

/// Every [[channel]] burned in order; returns the Manning's n of the channels that give one, by cell.
std::vector<std::pair<std::size_t, double>> apply_channels(const Scenario& sc, const Grid2D& g, std::vector<double>& z,
                                                           FeatureFacts& facts) {
    std::vector<std::pair<std::size_t, double>> manning;
    for (const ChannelConfig& c : sc.channels) {
        const std::vector<std::size_t> cells = apply_channel(sc, c, g, z, facts);
        if (c.manning)
            for (const std::size_t k : cells) manning.emplace_back(k, *c.manning);
    }
    return manning;
}

}  // namespace

TerrainFeatures apply_terrain_features(const Scenario& sc, const Grid2D& g, std::vector<double>& z, FeatureFacts& facts) {
    TerrainFeatures out;
    facts.cell_kind.resize(g.cells());
    for (std::size_t k = 0; k < g.cells(); ++k)
        facts.cell_kind[k] = static_cast<std::uint8_t>(std::isnan(z[k]) ? CellKind::Outside : CellKind::Ground);
    if (sc.buildings) apply_buildings(*sc.buildings, g, z, facts);
    out.channel_manning = apply_channels(sc, g, z, facts);
    std::map<std::string, std::vector<Ring>> wall_lines;
    for (const WallConfig& w : sc.walls) wall_lines[w.name] = apply_wall(sc, w, g, z, facts);
    for (const BreachConfig& b : sc.breaches) out.breaches.push_back(make_breach(sc, b, wall_lines.at(b.wall), g, z, facts));
    return out;
}

}  // namespace floodsim
