#include "risk/asset_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <future>
#include <limits>
#include <sstream>

#include <toml++/toml.h>

#include "mesh/input_error.hpp"
#include "scenarios/clock_time.hpp"
#include "risk/outline.hpp"

namespace floodsim::risk {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Frame weights of the trapezoidal rule on the frame times: the time a frame stands for.
std::vector<double> frame_weights(const std::vector<double>& t) {
    std::vector<double> w(t.size(), 0.0);
    for (std::size_t k = 0; k + 1 < t.size(); ++k) {
        const double half = 0.5 * (t[k + 1] - t[k]);
        w[k] += half;
        w[k + 1] += half;
    }
    return w;
}

/// Where one frame's pass adds up: the time it stands for (s), and the rasters it updates.
struct FrameTally {
    double weight;
    std::array<std::vector<double>, 4>& time_above;
    std::vector<std::uint8_t>& max_rank;
    std::vector<double>& max_hazard;
};

/// Levels of every cell of one frame into `cell_level` (0 outside the domain), with the per-cell
/// maxima and times at each level. One instance per criterion keeps the loop free of its switch.
template <Criterion C>
void classify_frame(LevelScheme scheme, const std::vector<float>& depth, const std::vector<float>& vx,
                    const std::vector<float>& vy, std::vector<std::uint8_t>& cell_level, const FrameTally& t) {
    scheme.criterion = C;
    constexpr bool velocity = C != Criterion::depth;
    const std::size_t n = depth.size();
    double* above[4] = {t.time_above[0].data(), t.time_above[1].data(), t.time_above[2].data(), t.time_above[3].data()};
    for (std::size_t c = 0; c < n; ++c) {
        const double d = depth[c];
        if (std::isnan(d)) {
            cell_level[c] = 0;
            continue;
        }
        double v = 0.0;
        if constexpr (velocity) v = std::sqrt(double(vx[c]) * vx[c] + double(vy[c]) * vy[c]);
        const double value = scheme.hazard_value(d, v);
        const int level = scheme.level_of_value(value);
        cell_level[c] = static_cast<std::uint8_t>(level);
        if (level == 0) continue;
        const int rank = severity(level);
        if (rank > t.max_rank[c]) t.max_rank[c] = static_cast<std::uint8_t>(rank);
        for (int l = 4; l >= level; --l) above[l - 1][c] += t.weight;  // this level and every milder one
        if constexpr (velocity)
            if (!(value <= t.max_hazard[c])) t.max_hazard[c] = value;
    }
}

}  // namespace

AlertArea alert_area(const Asset& a, int level, const std::function<int(std::size_t)>& level_of_cell,
                     const Grid2D& g, const ToWgs84& to_wgs84, double radius_km) {
    AlertArea area;
    area.description = a.name.empty() ? a.id : a.name;
    if (a.is_point()) {
        area.circle = AlertArea::Circle{a.wgs84.points[0][1], a.wgs84.points[0][0], radius_km};
        return area;
    }
    std::vector<Cell> cells;
    const int rank = severity(level);
    for (std::size_t c : a.cells)
        if (rank == 0 || severity(level_of_cell(c)) >= rank)
            cells.emplace_back(static_cast<int>(c % static_cast<std::size_t>(g.nx)),
                               static_cast<int>(c / static_cast<std::size_t>(g.nx)));
    area.polygons = outline_latlon(g, cells, to_wgs84, true);
    return area;
}

std::optional<double> scenario_start(const std::string& scenario_text, const std::string& result_path) {
    toml::table root;
    try {
        root = toml::parse(scenario_text);
    } catch (const toml::parse_error&) {
        return std::nullopt;
    }
    const toml::node* n = root.at_path("time.start").node();
    if (!n) return std::nullopt;
    if (const auto* s = n->as_string()) {
        if (auto t = parse_clock_time(s->get())) return static_cast<double>(t->utc_s);
        throw InputError(result_path, "time.start", shown(s->get()),
                         "the scenario's start is not an ISO 8601 date-time with a UTC offset");
    }
    std::ostringstream os;
    if (const auto* dt = n->as_date_time()) {
        os << dt->get();
        if (auto t = parse_clock_time(os.str())) return static_cast<double>(t->utc_s);
    } else {
        os << toml::toml_formatter{*n, toml::format_flags::none};
    }
    throw InputError(result_path, "time.start", shown(os.str()),
                     "the scenario's start is not an ISO 8601 date-time with a UTC offset");
}

RiskReport analyse_result(const ResultReader& result, std::vector<Asset> assets, const std::string& assets_path,
                          const LevelScheme& scheme, const RiskOptions& options) {
    RiskReport r;
    r.grid = result.grid();
    r.scheme = scheme;
    r.frame_times = result.times();
    const std::size_t nt = r.frame_times.size();
    if (nt == 0) throw InputError(result.path(), "time", "", "the result has no frames");
    const bool velocity = scheme.needs_velocity();
    for (const char* name : {"velocity_x", "velocity_y"})
        if (velocity && !result.has(name))
            throw InputError(result.path(), name, "",
                             std::string("the criterion '") + criterion_name(scheme.criterion) +
                                 "' needs velocities and the result has no /" + name +
                                 " (run with [output] variables = [\"depth\", \"velocity\"])");
    if (!result.has("max_depth")) throw InputError(result.path(), "max_depth", "", "the result has no /max_depth");

    // Clocks: t = 0 is the scenario's start if it has one, else the issue time.
    const std::optional<double> start = scenario_start(result.attribute("scenario"), result.path());
    r.t0_clock = start ? start : options.issue_time;
    r.issue_clock = options.issue_time ? options.issue_time : r.t0_clock;
    const double lead_offset = (r.t0_clock && r.issue_clock) ? *r.t0_clock - *r.issue_clock : 0.0;

    const std::size_t n = r.grid.cells();
    const std::vector<float> max_depth = result.raster("max_depth");
    if (result.has("bed_elevation")) r.bed = result.raster("bed_elevation");
    const std::vector<float> max_speed = result.has("max_speed") ? result.raster("max_speed") : std::vector<float>();
    std::vector<bool> valid(n);
    for (std::size_t c = 0; c < n; ++c) valid[c] = !std::isnan(max_depth[c]);
    keep_valid_cells(assets, valid, assets_path);
    const ToWgs84 to_wgs84(r.grid.crs_wkt, result.path());

    RiskRasters& ras = r.rasters;
    ras.max_depth.assign(max_depth.begin(), max_depth.end());
    std::vector<std::uint8_t> max_rank(n, 0);
    ras.max_hazard.assign(n, kNaN);
    if (scheme.criterion == Criterion::depth) {
        ras.max_hazard = ras.max_depth;
        for (std::size_t c = 0; c < n; ++c)
            if (valid[c]) max_rank[c] = static_cast<std::uint8_t>(severity(scheme.level_of_value(max_depth[c])));
    }
    for (auto& t : ras.time_above) t.assign(n, 0.0);
    const std::vector<double> weight = frame_weights(r.frame_times);

    r.rows.resize(assets.size());
    std::vector<int> frame_max_rank(assets.size(), 0);
    std::vector<std::uint8_t> cell_level(n);
    // Frames are read one ahead on a second thread (only that thread calls HDF5 meanwhile), so that
    // decompressing frame k + 1 overlaps the pass over frame k.
    struct Frame {
        std::vector<float> depth, vx, vy;
    };
    const auto load = [&result, velocity](std::size_t k) {
        Frame f;
        f.depth = result.frame("depth", k);
        if (velocity) {
            f.vx = result.frame("velocity_x", k);
            f.vy = result.frame("velocity_y", k);
        }
        return f;
    };
    std::future<Frame> next = std::async(std::launch::async, load, std::size_t{0});
    for (std::size_t k = 0; k < nt; ++k) {
        const Frame frame = next.get();
        if (k + 1 < nt) next = std::async(std::launch::async, load, k + 1);
        const std::vector<float>& depth = frame.depth;
        // One pass over every cell: its level, the rasters' maxima and times.
        const FrameTally tally{weight[k], ras.time_above, max_rank, ras.max_hazard};
        switch (scheme.criterion) {
            case Criterion::depth:
                classify_frame<Criterion::depth>(scheme, frame.depth, frame.vx, frame.vy, cell_level, tally);
                break;
            case Criterion::defra:
                classify_frame<Criterion::defra>(scheme, frame.depth, frame.vx, frame.vy, cell_level, tally);
                break;
            case Criterion::arr:
                classify_frame<Criterion::arr>(scheme, frame.depth, frame.vx, frame.vy, cell_level, tally);
                break;
        }
        // The assets: the most severe level of their cells, and a change against the frame before.
        for (std::size_t a = 0; a < assets.size(); ++a) {
            int rank = 0;
            double d_max = 0.0;
            for (std::size_t c : assets[a].cells) {
                rank = std::max(rank, severity(cell_level[c]));
                if (depth[c] > d_max) d_max = depth[c];
            }
            AssetRow& row = r.rows[a];
            const int level = level_of_severity(rank);
            const int previous = row.frame_levels.empty() ? 0 : row.frame_levels.back();
            row.frame_levels.push_back(static_cast<std::uint8_t>(level));
            frame_max_rank[a] = std::max(frame_max_rank[a], rank);
            for (int q = 1; q <= rank; ++q) {
                auto& t = row.t_level[static_cast<std::size_t>(level_of_severity(q) - 1)];
                if (!t) t = r.frame_times[k];
            }
            if (level != previous) {
                LevelChange e;
                e.asset_id = assets[a].id;
                e.asset_name = assets[a].name;
                e.level = level;
                e.previous_level = previous;
                e.time_s = r.frame_times[k];
                e.max_depth = d_max;
                e.area = alert_area(
                    assets[a], level, [&cell_level](std::size_t c) { return int(cell_level[c]); }, r.grid,
                    to_wgs84, scheme.point_radius_km);
                r.changes.push_back(std::move(e));
            }
        }
    }

    ras.max_level.assign(n, 0);
    for (std::size_t c = 0; c < n; ++c) {
        ras.max_level[c] = static_cast<std::uint8_t>(level_of_severity(max_rank[c]));
        if (!valid[c]) {
            ras.max_level[c] = 0;
            ras.max_hazard[c] = kNaN;
            for (auto& t : ras.time_above) t[c] = kNaN;
        }
    }
    for (std::size_t a = 0; a < assets.size(); ++a) {
        AssetRow& row = r.rows[a];
        row.id = assets[a].id;
        row.name = assets[a].name;
        int rank = frame_max_rank[a];
        row.max_depth = 0.0;
        row.max_speed = max_speed.empty() ? kNaN : 0.0;
        for (std::size_t c : assets[a].cells) {
            row.max_depth = std::max(row.max_depth, static_cast<double>(max_depth[c]));
            if (!max_speed.empty() && max_speed[c] > row.max_speed) row.max_speed = max_speed[c];
        }
        if (scheme.criterion == Criterion::depth) rank = std::max(rank, severity(scheme.level_of_value(row.max_depth)));
        row.level = level_of_severity(rank);
        row.peak_between_frames = rank > frame_max_rank[a];
        if (row.t_level[3]) row.lead_time_s = *row.t_level[3] + lead_offset;
    }
    r.assets = std::move(assets);
    return r;
}

}  // namespace floodsim::risk
