#include "engine/model_builder.hpp"

#include "io/state_file.hpp"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <sstream>
#include <tuple>

#include "engine/run_comm.hpp"
#include "engine/terrain_features.hpp"
#include "mesh/input_error.hpp"
#include "mesh/raster_io.hpp"
#include "mesh/rasterize.hpp"
#include "mesh/vector_io.hpp"
#include "scenarios/scenario_loader.hpp"

namespace floodsim {
namespace {

/// A per-cell field from a number or a raster on the model grid. `check` validates each value
/// inside the domain and returns a reason when it is bad.
template <class Check>
std::vector<double> cell_values(const Scenario& sc, const ValueOrRaster& v, const Grid2D& grid,
                                const std::vector<double>& z, Check check) {
    std::vector<double> out;
    if (v.is_raster()) {
        out = read_raster_on_grid(v.raster, v.key, grid, z);
        for (std::size_t k = 0; k < out.size(); ++k) {
            if (std::isnan(z[k])) continue;
            if (const char* why = check(out[k])) {
                const int i = static_cast<int>(k % grid.nx), j = static_cast<int>(k / grid.nx);
                throw InputError(v.raster, v.key, format_number(out[k], 10),
                                 std::string(why) + " (at x=" + format_number(grid.x_center(i), 10) + ", y=" +
                                     format_number(grid.y_center(j), 10) + ")");
            }
        }
    } else {
        const double val = v.value.value_or(0.0);
        if (const char* why = check(val)) throw InputError(sc.path, v.key, format_number(val, 10), why);
        out.assign(grid.cells(), val);
    }
    return out;
}

const char* finite(double v) { return std::isfinite(v) ? nullptr : "is not a finite number"; }
const char* non_negative(double v) {
    if (!std::isfinite(v)) return "is not a finite number";
    return v < 0.0 ? "must not be negative" : nullptr;
}

/// Land-use parameters per cell, by column name (scenario units), NaN outside the domain.
using LanduseColumns = std::map<std::string, std::vector<double>>;

/// Land-use classes per cell from polygons (landuse.field): the centre rule, a later polygon over
/// an earlier one; cells no polygon covers get landuse.default (NaN without it).
std::vector<double> landuse_polygon_classes(const LanduseConfig& lu, const Grid2D& g) {
    const std::vector<VectorFeature> features =
        read_vector({lu.map, "landuse.map", lu.layer, "landuse.layer"}, g.crs_wkt, {lu.field}, "landuse.field");
    std::vector<double> cls(g.cells(), lu.default_class ? static_cast<double>(*lu.default_class)
                                                        : std::numeric_limits<double>::quiet_NaN());
    std::size_t polygons = 0;
    for (const VectorFeature& f : features)
        for (const std::vector<Ring>& rings : f.polygons) {
            ++polygons;
            for (const auto& [i, j] : cells_in_polygon(g, rings)) cls[static_cast<std::size_t>(j) * g.nx + i] = f.values[0];
        }
    if (polygons == 0) throw InputError(lu.map, "landuse.map", lu.map, "has no polygons in its layer (land use needs polygons)");
    return cls;
}

/// Every column of the land-use table on the grid, from the class of each cell (nearest class where
/// the class raster's grid differs, or the polygons'); a class on domain cells missing from the
/// table is an error.
LanduseColumns landuse_columns(const LanduseConfig& lu, const Grid2D& g, const std::vector<double>& z) {
    const std::vector<double> cls =
        lu.field.empty() ? read_class_raster_on_grid(lu.map, "landuse.map", g, z) : landuse_polygon_classes(lu, g);
    const std::string class_key = lu.field.empty() ? "landuse.map" : "landuse.field";
    LanduseColumns out;
    std::vector<double*> column;  // out's columns in lu.columns' order
    for (const std::string& c : lu.columns) {
        out[c].assign(g.cells(), std::numeric_limits<double>::quiet_NaN());
        column.push_back(out[c].data());
    }
    for (std::size_t k = 0; k < g.cells(); ++k) {
        if (std::isnan(z[k])) continue;
        // (the cell's position, for a message only: formatting it for every cell took most of the loop's time)
        const auto at = [&] {
            const int i = static_cast<int>(k % g.nx), j = static_cast<int>(k / g.nx);
            return " (at x=" + format_number(g.x_center(i), 10) + ", y=" + format_number(g.y_center(j), 10) + ")";
        };
        if (std::isnan(cls[k]))
            throw InputError(lu.map, "landuse.map", lu.map,
                             "no polygon covers a domain cell" + at() + ": cover the domain or give landuse.default");
        if (cls[k] != std::floor(cls[k]) || std::abs(cls[k]) > 1e15)
            throw InputError(lu.map, class_key, format_number(cls[k], 10), "a land-use class must be an integer" + at());
        const auto it = lu.classes.find(static_cast<long long>(cls[k]));
        if (it == lu.classes.end())
            throw InputError(lu.map, class_key, format_number(cls[k], 10), "class on a domain cell is not in landuse.table (" + lu.table + ")" + at());
        for (std::size_t c = 0; c < column.size(); ++c) column[c][k] = it->second[c];
    }
    return out;
}

/// [infiltration] on the grid, in SI units: a number stays one value, a raster one per cell
/// (each domain cell checked against the parameter's range).
InfiltrationSpec infiltration_spec(const Scenario& sc, const InfiltrationConfig& c, const Grid2D& g,
                                   const std::vector<double>& z, const LanduseColumns& landuse) {
    InfiltrationSpec spec;
    const auto param = [&](const std::string& key, double scale) {
        if (landuse.count(key)) {
            std::vector<double> out = landuse.at(key);
            for (double& x : out) x *= scale;
            return out;
        }
        const ValueOrRaster& v = c.params.at(key);
        if (!v.is_raster()) return std::vector<double>{*v.value * scale};
        const std::vector<InfiltrationParam>& ps = infiltration_params(c.model);
        const InfiltrationParam& p = *std::find_if(ps.begin(), ps.end(), [&](const InfiltrationParam& q) { return q.key == key; });
        std::string why;
        std::vector<double> out = cell_values(sc, v, g, z, [&](double x) -> const char* {
            why = p.why_not(x);
            return why.empty() ? nullptr : why.c_str();
        });
        for (double& x : out) x *= scale;
        return out;
    };
    constexpr double mm_h = 1.0 / 3.6e6;  // m/s
    if (c.model == "green_ampt") {
        spec.model = InfiltrationSpec::Model::GreenAmpt;
        spec.ks = param("ks_mm_h", mm_h);
        spec.psi = param("psi_mm", 1e-3);
        spec.dtheta = param("dtheta", 1.0);
    } else if (c.model == "horton") {
        spec.model = InfiltrationSpec::Model::Horton;
        spec.f0 = param("f0_mm_h", mm_h);
        spec.fc = param("fc_mm_h", mm_h);
        spec.k = param("k_h", 1.0 / 3600.0);
        // fc above f0 somewhere (a raster on either side): the capacity would grow.
        for (std::size_t k = 0; k < std::max(spec.f0.size(), spec.fc.size()); ++k) {
            const double f0 = spec.f0.size() == 1 ? spec.f0[0] : spec.f0[k];
            const double fc = spec.fc.size() == 1 ? spec.fc[0] : spec.fc[k];
            if (fc > f0 && !std::isnan(z[k])) {
                const int i = static_cast<int>(k % g.nx), j = static_cast<int>(k / g.nx);
                const auto it = c.params.find("fc_mm_h");
                const std::string file = it == c.params.end() ? sc.landuse->table : it->second.is_raster() ? it->second.raster : sc.path;
                const std::string key = it == c.params.end() ? "landuse.table" : it->second.key;
                throw InputError(file, key, format_number(fc / mm_h, 10),
                                 "the final capacity exceeds f0_mm_h (" + format_number(f0 / mm_h, 10) + ") at x=" +
                                     format_number(g.x_center(i), 10) + ", y=" + format_number(g.y_center(j), 10));
            }
        }
    } else {
        spec.model = InfiltrationSpec::Model::ScsCn;
        spec.cn = param("cn", 1.0);
        spec.ia_ratio = c.ia_ratio;
    }
    return spec;
}

TimeSeries to_series(const BoundaryConfig& b, double scale) {
    if (b.series) {
        std::vector<double> v = b.series->value;
        for (double& x : v) x *= scale;
        return TimeSeries(b.series->time_s, std::move(v), TimeSeries::Mode::Linear);
    }
    return TimeSeries::constant(b.value.value_or(0.0) * scale);
}

std::string side_name(Side s) {
    switch (s) {
        case Side::West: return "west";
        case Side::East: return "east";
        case Side::North: return "north";
        default: return "south";
    }
}

/// Manning's normal depth needs n > 0 on the segment's domain cells.
void check_normal_depth_manning(const Scenario& sc, const BoundarySpec& spec, const std::string& key,
                                const ModelSetup& m) {
    const Grid2D& g = m.grid;
    for (int s = spec.first; s <= spec.last; ++s) {
        const int i = spec.side == BoundarySide::West ? 0 : spec.side == BoundarySide::East ? g.nx - 1 : s;
        const int j = spec.side == BoundarySide::North ? 0 : spec.side == BoundarySide::South ? g.ny - 1 : s;
        const std::size_t k = static_cast<std::size_t>(j) * g.nx + i;
        if (!std::isnan(m.z[k]) && !(m.manning[k] > 0.0))
            throw InputError(sc.manning.is_raster() ? sc.manning.raster : sc.path, sc.manning.key, format_number(m.manning[k], 10),
                             "Manning's n must be > 0 on the cells of the normal_depth boundary " + key + " (at x=" +
                                 format_number(g.x_center(i), 10) + ", y=" + format_number(g.y_center(j), 10) + ")");
    }
}

/// One rain grid on the model grid: mm/h as float, 0 outside the domain, empty where it rains
/// nowhere; every domain cell covered, >= 0 and at most 10000 mm/h (as the uniform rain).
std::vector<float> rain_grid(const std::string& file, const std::string& key, int band, const Grid2D& g,
                             const std::vector<double>& z) {
    const std::vector<double> v = read_raster_on_grid(file, key, g, z, band);
    std::vector<float> out(v.size(), 0.0f);
    for (std::size_t k = 0; k < v.size(); ++k) {
        if (std::isnan(z[k])) continue;
        const char* why = !(v[k] >= 0.0) ? "a rain intensity must be >= 0 (mm/h)"
                          : v[k] > 1.0e4 ? "more than 10000 mm/h: no rain is that intense (a unit slip?)"
                                         : nullptr;
        if (why) {
            const int i = static_cast<int>(k % g.nx), j = static_cast<int>(k / g.nx);
            throw InputError(file, key, format_number(v[k], 10),
                             std::string(why) + " (at x=" + format_number(g.x_center(i), 10) + ", y=" + format_number(g.y_center(j), 10) + ")");
        }
        out[k] = static_cast<float>(v[k]);
    }
    if (std::all_of(out.begin(), out.end(), [](float x) { return x == 0.0f; })) return {};  // a dry frame
    return out;
}

/// rain.grids: the rows of a CSV index, or the bands of one raster with their times from the
/// metadata (relative to the first band) or rain.grid_interval.
RainGridSpec build_rain_grids(const Scenario& sc, const Grid2D& g, const std::vector<double>& z) {
    RainGridSpec spec;
    if (!sc.rain.grid_rows.empty()) {
        for (const RainGridRow& r : sc.rain.grid_rows) {
            spec.time_s.push_back(r.time_s);
            spec.mm_h.push_back(rain_grid(r.file, "rain.grids row " + std::to_string(r.line), 1, g, z));
        }
        return spec;
    }
    const std::string& file = sc.rain.grids;
    const RasterBands bands = raster_bands(file, "rain.grids");
    if (sc.rain.grid_interval_s) {
        for (int b = 0; b < bands.count; ++b) spec.time_s.push_back(b * *sc.rain.grid_interval_s);
    } else if (!bands.time_s.empty()) {
        spec.time_s = bands.time_s;
        for (std::size_t b = 1; b < spec.time_s.size(); ++b)
            if (!(spec.time_s[b] > spec.time_s[b - 1]))
                throw InputError(file, "rain.grids band " + std::to_string(b + 1), format_number(spec.time_s[b], 10) + " s",
                                 "band times (" + bands.time_source + ", seconds after the first band) must be strictly increasing");
    } else if (bands.count == 1) {
        spec.time_s = {0.0};
    } else {
        throw InputError(file, "rain.grids", std::to_string(bands.count) + " bands",
                         "the bands carry no times (NETCDF_DIM_time with units, or GRIB_VALID_TIME): give rain.grid_interval");
    }
    for (int b = 1; b <= bands.count; ++b)
        spec.mm_h.push_back(rain_grid(file, "rain.grids band " + std::to_string(b), b, g, z));
    return spec;
}

}  // namespace

const char* scheme_name(Scheme s) {
    switch (s) {
        case Scheme::Fv1: return "fv1";
        case Scheme::Fv2: return "fv2";
        default: return "inertial";
    }
}

namespace {

/// " (x 500000..501000, y ...)": the grid's extent, for messages about points outside it.
std::string grid_extent(const Grid2D& g) {
    return " (x " + format_number(g.x_west(), 10) + ".." + format_number(g.x_east(), 10) + ", y " +
           format_number(g.y_south(), 10) + ".." + format_number(g.y_north(), 10) + ")";
}

std::string point_text(const std::array<double, 2>& p) {
    return "x=" + format_number(p[0], 10) + ", y=" + format_number(p[1], 10);
}

bool is_domain(const ModelSetup& m, int i, int j) {
    return !std::isnan(m.z[static_cast<std::size_t>(j) * m.grid.nx + i]);
}

/// A hot start: depths, velocities and the sources' per-cell states from a state file on the
/// same grid (any scheme and precision).
template <class Real>
void hot_start(const Scenario& sc, const State<Real>& s, ModelSetup& m) {
    const Grid2D& g = m.grid;
    const Grid2D& o = s.grid;
    if (o.nx != g.nx || o.ny != g.ny || o.geotransform != g.geotransform)
        throw InputError(sc.path, "initial.state", sc.initial_state,
                         "the state is on another grid (" + std::to_string(o.nx) + " x " + std::to_string(o.ny) +
                             " cells from x " + format_number(o.x_west(), 10) + ", y " + format_number(o.y_north(), 10) +
                             "; the model: " + std::to_string(g.nx) + " x " + std::to_string(g.ny) + " from x " +
                             format_number(g.x_west(), 10) + ", y " + format_number(g.y_north(), 10) + ")");
    const std::size_t n = g.cells();
    m.h0.assign(n, 0.0);
    m.u0.assign(n, 0.0);
    m.v0.assign(n, 0.0);
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) {
            const std::size_t k = static_cast<std::size_t>(j) * g.nx + i;
            if (std::isnan(m.z[k])) continue;
            const double h = s.h(i, j);
            m.h0[k] = h;
            if (h > 0.0) {
                m.u0[k] = static_cast<double>(s.hu(i, j)) / h;
                m.v0[k] = static_cast<double>(s.hv(i, j)) / h;
            }
        }
    for (const NamedField& f : s.extra) {
        std::vector<double> v(n);
        for (int j = 0; j < g.ny; ++j)
            for (int i = 0; i < g.nx; ++i) v[static_cast<std::size_t>(j) * g.nx + i] = f.values(i, j);
        m.initial_fields.emplace_back(f.name, std::move(v));
    }
}

/// Initial depth (from depth or water level) and velocities, or a hot start's state.
void set_initial_state(const Scenario& sc, ModelSetup& m) {
    if (!sc.initial_state.empty()) {
        // Either precision is read (the file says which).
        try {
            hot_start(sc, read_state_file<double>(sc.initial_state), m);
        } catch (const InputError& e) {
            if (e.key() != "precision" || e.value() != "single") throw;
            hot_start(sc, read_state_file<float>(sc.initial_state), m);
        }
        return;
    }
    const Grid2D& g = m.grid;
    m.h0.assign(g.cells(), 0.0);
    if (sc.depth) {
        m.h0 = cell_values(sc, *sc.depth, g, m.z, non_negative);
    } else if (sc.water_level) {
        const std::vector<double> level = cell_values(sc, *sc.water_level, g, m.z, finite);
        for (std::size_t k = 0; k < g.cells(); ++k)
            m.h0[k] = std::isnan(m.z[k]) ? 0.0 : std::max(0.0, level[k] - m.z[k]);
    }
    for (std::size_t k = 0; k < g.cells(); ++k)
        if (std::isnan(m.z[k])) m.h0[k] = 0.0;
    if (sc.velocity_x) m.u0 = cell_values(sc, *sc.velocity_x, g, m.z, finite);
    if (sc.velocity_y) m.v0 = cell_values(sc, *sc.velocity_y, g, m.z, finite);
}

/// A [[boundary]]: its side and segment as a cell range, its kind and series.
BoundarySpec boundary_spec(const Scenario& sc, const BoundaryConfig& b, const ModelSetup& m) {
    const Grid2D& g = m.grid;
    const std::string key = "boundary[" + std::to_string(b.index) + "]";
    BoundarySpec spec;
    switch (b.side) {
        case Side::West: spec.side = BoundarySide::West; break;
        case Side::East: spec.side = BoundarySide::East; break;
        case Side::North: spec.side = BoundarySide::North; break;
        default: spec.side = BoundarySide::South; break;
    }
    switch (b.kind) {
        case BoundaryKind::Closed: spec.type = BoundaryType::Closed; break;
        case BoundaryKind::Free: spec.type = BoundaryType::Free; break;
        case BoundaryKind::Level: spec.type = BoundaryType::Level; break;
        case BoundaryKind::NormalDepth: spec.type = BoundaryType::NormalDepth; break;
        case BoundaryKind::Critical: spec.type = BoundaryType::Critical; break;
        default: spec.type = BoundaryType::Discharge; break;
    }
    spec.slope = b.slope.value_or(0.0);
    if (spec.type == BoundaryType::Level || spec.type == BoundaryType::Discharge) spec.value = to_series(b, 1.0);
    const bool ew = spec.side == BoundarySide::West || spec.side == BoundarySide::East;
    const int len = ew ? g.ny : g.nx;
    spec.first = 0;
    spec.last = len - 1;
    if (b.from && b.to) {
        // Cells whose centre lies between the two points along the side.
        const double a = ew ? (*b.from)[1] : (*b.from)[0];
        const double c = ew ? (*b.to)[1] : (*b.to)[0];
        const double lo = std::min(a, c), hi = std::max(a, c);
        int first = len, last = -1;
        for (int s = 0; s < len; ++s) {
            const double p = ew ? g.y_center(s) : g.x_center(s);
            if (p >= lo && p <= hi) {
                first = std::min(first, s);
                last = std::max(last, s);
            }
        }
        if (last < 0) {
            // A segment shorter than a cell: the cell nearest to its middle.
            const double mid = 0.5 * (lo + hi);
            const double f = ew ? (g.y_north() - mid) / g.dy : (mid - g.x_west()) / g.dx;
            const int s = static_cast<int>(std::floor(f));
            if (s < 0 || s >= len)
                throw InputError(sc.path, key + ".from",
                                 "[" + format_number((*b.from)[0], 10) + ", " + format_number((*b.from)[1], 10) + "]",
                                 "segment lies outside the " + side_name(b.side) + " side of the grid");
            first = last = s;
        }
        spec.first = first;
        spec.last = last;
    }
    if (spec.type == BoundaryType::Discharge) {
        int active = 0;
        for (int s = spec.first; s <= spec.last; ++s) {
            const int i = spec.side == BoundarySide::West ? 0 : spec.side == BoundarySide::East ? g.nx - 1 : s;
            const int j = spec.side == BoundarySide::North ? 0 : spec.side == BoundarySide::South ? g.ny - 1 : s;
            active += !std::isnan(m.z[static_cast<std::size_t>(j) * g.nx + i]);
        }
        if (active == 0)
            throw InputError(sc.path, key + ".side", side_name(b.side),
                             "the discharge segment touches no domain cell (all nodata)");
    }
    if (spec.type == BoundaryType::NormalDepth) check_normal_depth_manning(sc, spec, key, m);
    return spec;
}

/// [rain] series or constant intensity, mm/h -> m/s.
void set_rain(const Scenario& sc, ModelSetup& m) {
    if (sc.rain.series) {
        std::vector<double> v = sc.rain.series->value;
        for (double& x : v) x /= 3.6e6;
        m.rain = TimeSeries(sc.rain.series->time_s, std::move(v), TimeSeries::Mode::Step);
    } else if (sc.rain.intensity_mm_h && *sc.rain.intensity_mm_h > 0.0) {
        m.rain = TimeSeries::constant(*sc.rain.intensity_mm_h / 3.6e6);
    }
    if (!sc.rain.grids.empty()) m.rain_grids = build_rain_grids(sc, m.grid, m.z);
}

/// Storm drains: capacity (mm/h -> m/s) per cell, times the efficiency over time.
DrainageSpec drainage_spec(const Scenario& sc, const DrainageConfig& d, const ModelSetup& m,
                           const LanduseColumns& landuse) {
    DrainageSpec out;
    out.capacity = landuse.count("drain_mm_h") ? landuse.at("drain_mm_h")
                                               : cell_values(sc, d.capacity_mm_h, m.grid, m.z, non_negative);
    for (double& c : out.capacity) c /= 3.6e6;
    if (d.efficiency_series)
        out.efficiency = TimeSeries(d.efficiency_series->time_s, d.efficiency_series->value, TimeSeries::Mode::Step);
    else if (d.efficiency)
        out.efficiency = TimeSeries::constant(*d.efficiency);
    return out;
}

GaugeSpec gauge_spec(const Scenario& sc, const GaugeConfig& gc, std::size_t k, const ModelSetup& m) {
    GaugeSpec gs{gc.name, gc.x, gc.y, 0, 0};
    const std::string key = "gauge[" + std::to_string(k) + "]";
    const std::string where = point_text({gc.x, gc.y});
    if (!m.grid.locate(gc.x, gc.y, gs.i, gs.j))
        throw InputError(sc.path, key, where, "gauge '" + gc.name + "' lies outside the model grid" + grid_extent(m.grid));
    if (!is_domain(m, gs.i, gs.j))
        throw InputError(sc.path, key, where, "gauge '" + gc.name + "' lies on a nodata cell, outside the domain");
    return gs;
}

/// An interior inflow: the cell of a point, or the cells a line crosses (4-connected), in the domain.
InflowSpec inflow_spec(const Scenario& sc, const InflowConfig& fc, const ModelSetup& m) {
    const Grid2D& g = m.grid;
    const std::string key = "inflow[" + std::to_string(fc.index) + "]";
    InflowSpec spec;
    spec.name = fc.name;
    const auto cell_of = [&](const std::array<double, 2>& p, const std::string& k) {
        int i = 0, j = 0;
        if (!g.locate(p[0], p[1], i, j))
            throw InputError(sc.path, k, point_text(p), "inflow '" + fc.name + "' lies outside the model grid" + grid_extent(g));
        return std::pair<int, int>{i, j};
    };
    if (fc.point) {
        spec.cells.push_back(cell_of(*fc.point, key + ".x"));
    } else {
        for (std::size_t v = 0; v < fc.line.size(); ++v) (void)cell_of(fc.line[v], key + ".line[" + std::to_string(v) + "]");
        spec.cells = cells_on_line(g, Ring(fc.line.begin(), fc.line.end()));
    }
    std::erase_if(spec.cells, [&](const std::pair<int, int>& c) { return !is_domain(m, c.first, c.second); });
    if (spec.cells.empty())
        throw InputError(sc.path, fc.point ? key + ".x" : key + ".line", fc.name,
                         "the inflow lies on nodata cells only, outside the domain");
    if (fc.series)
        spec.discharge = TimeSeries(fc.series->time_s, fc.series->value, TimeSeries::Mode::Linear);
    else
        spec.discharge = TimeSeries::constant(*fc.value);
    return spec;
}

/// A pump station: the intake cell (and the discharge cell), in the domain.
PumpSpec pump_spec(const Scenario& sc, const PumpConfig& pc, const ModelSetup& m) {
    const std::string key = "pump[" + std::to_string(pc.index) + "]";
    const auto domain_cell = [&](const std::array<double, 2>& p, const std::string& k, const char* what) {
        int i = 0, j = 0;
        if (!m.grid.locate(p[0], p[1], i, j) || !is_domain(m, i, j))
            throw InputError(sc.path, k, point_text(p),
                             "the " + std::string(what) + " of pump '" + pc.name + "' lies outside the domain");
        return std::pair<int, int>{i, j};
    };
    PumpSpec ps;
    ps.name = pc.name;
    std::tie(ps.i, ps.j) = domain_cell(pc.at, key + ".x", "intake");
    if (pc.to) std::tie(ps.to_i, ps.to_j) = domain_cell(*pc.to, key + ".to", "discharge point");
    ps.capacity = pc.capacity_m3_s;
    ps.on_depth = pc.on_depth;
    ps.off_depth = pc.off_depth;
    return ps;
}

SolverOptions solver_options(const Scenario& sc) {
    SolverOptions o;
    if (sc.scheme == "fv1") {
        o.scheme = Scheme::Fv1;
    } else if (sc.scheme == "fv2") {
        o.scheme = Scheme::Fv2;
    } else if (sc.scheme == "inertial") {
        o.scheme = Scheme::Inertial;
    } else {
        throw InputError(sc.path, "solver.scheme", sc.scheme,
                         "scheme not available in this version of floodsim (available: fv1, fv2, inertial)");
    }
    // The loader accepts only "double" and "single".
    o.precision = sc.precision == "single" ? Precision::Single : Precision::Double;
    o.cfl = sc.cfl;
    o.sinks_interval = sc.sinks_interval;
    static_assert(kScenarioMaxLtsLevels == kMaxLtsLevels);
    o.lts_levels = sc.lts_levels;
    o.threads = sc.threads > 0 ? sc.threads : default_threads();
    o.dry_depth = sc.dry_depth;
    return o;
}

}  // namespace

ModelSetup build_model(const Scenario& sc) {
    ModelSetup m;
    DemGrid dem = read_dem(sc.dem, "domain.dem", sc.crs, sc.resolution, sc.z_scale);
    m.grid = dem.grid;
    m.z = std::move(dem.z);
    const Grid2D& g = m.grid;
    TerrainFeatures terrain = apply_terrain_features(sc, g, m.z, m.features);
    m.breaches = std::move(terrain.breaches);
    const std::size_t domain = static_cast<std::size_t>(
        std::count_if(m.z.begin(), m.z.end(), [](double v) { return !std::isnan(v); }));
    if (domain == 0) throw InputError(sc.dem, "domain.dem", "", "has no valid cell (all nodata)");

    const LanduseColumns landuse = sc.landuse ? landuse_columns(*sc.landuse, g, m.z) : LanduseColumns{};
    m.manning = landuse.count("manning") ? landuse.at("manning") : cell_values(sc, sc.manning, g, m.z, non_negative);
    for (const auto& [k, n] : terrain.channel_manning) m.manning[k] = n;  // a channel's n wins over land use

    set_initial_state(sc, m);
    for (const BoundaryConfig& b : sc.boundaries) m.boundaries.push_back(boundary_spec(sc, b, m));
    set_rain(sc, m);
    if (sc.drainage) m.drainage = drainage_spec(sc, *sc.drainage, m, landuse);
    if (sc.infiltration) m.infiltration = infiltration_spec(sc, *sc.infiltration, g, m.z, landuse);
    for (std::size_t k = 0; k < sc.gauges.size(); ++k) m.gauges.push_back(gauge_spec(sc, sc.gauges[k], k, m));
    for (const InflowConfig& fc : sc.inflows) m.inflows.push_back(inflow_spec(sc, fc, m));
    for (const PumpConfig& pc : sc.pumps) m.pumps.push_back(pump_spec(sc, pc, m));
    m.options = solver_options(sc);
    return m;
}

LoadedModel load_model(const std::string& scenario_path) {
    LoadedModel m{load_scenario(scenario_path), {}};
    m.setup = build_model(m.scenario);
    return m;
}

void probe_output_folder(const Scenario& sc, const std::string& path) {
    namespace fs = std::filesystem;
    const fs::path out(path);
    std::error_code ec;
    // Create the missing folders for the probe and remove them again: a check changes nothing.
    fs::path first_missing;
    for (fs::path p = out.parent_path(); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
        first_missing = p;
        if (p == p.parent_path()) break;
    }
    fs::create_directories(out.parent_path(), ec);
    static std::atomic<unsigned> counter{0};  // several runs of one process may probe at once
    const fs::path probe = out.parent_path() / (".floodsim-check-" + std::to_string(::getpid()) + "-" +
                                                std::to_string(counter.fetch_add(1)));
    std::FILE* f = std::fopen(probe.c_str(), "w");
    if (f) std::fclose(f);
    fs::remove(probe, ec);
    if (!first_missing.empty()) fs::remove_all(first_missing, ec);
    if (!f) throw InputError(sc.path, "output.file", path, "the output folder is not writable");
}

}  // namespace floodsim
